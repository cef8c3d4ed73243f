// @ts-check
// Looking events up in the step catalog.

/** @typedef {import("./types.js").CatalogDoc} CatalogDoc */
/** @typedef {import("./types.js").EventSpec} EventSpec */

/**
 * Catalog events matching `text` (label, id or category), grouped by category in catalog order.
 * @param {CatalogDoc} catalog @param {string} text
 * @returns {{category: string, label: string, events: EventSpec[]}[]}
 */
export function searchEvents(catalog, text) {
  const needle = text.trim().toLowerCase();
  /** @type {Record<string, string>} */
  const labels = Object.fromEntries(catalog.categories.map((c) => [c.id, c.label]));
  const groups = [];
  for (const category of catalog.categories) {
    const events = catalog.events.filter(
      (e) => e.category === category.id &&
        [e.id, e.label, e.category, labels[e.category] ?? ""].some((t) => t.toLowerCase().includes(needle)),
    );
    if (events.length) groups.push({ category: category.id, label: category.label, events });
  }
  return groups;
}

/** The label of an event id (the id itself for an event the catalog lacks). @param {CatalogDoc} catalog @param {string} id */
export function eventLabel(catalog, id) {
  return catalog.events.find((e) => e.id === id)?.label ?? id;
}
