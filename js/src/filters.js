// @ts-check
// What a filter row offers: the properties of the chosen event first, the operators for a property's kind
// (from the kernel's `operators` trait: the one registry, journey_widgets/operators.py), and the value box's
// text <-> JSON value.

/** @typedef {import("./types.js").CatalogDoc} CatalogDoc */
/** @typedef {import("./types.js").Column} Column */
/** @typedef {import("./types.js").OperatorSpec} OperatorSpec */
/** @typedef {import("./types.js").Arity} Arity */

/**
 * The operators offered for a property kind, as `{op, label}`: those of the registry that list the kind (a kind
 * none lists gets those that take no value).
 * @param {string} kind @param {OperatorSpec[]} registry
 * @returns {{op: string, label: string}[]}
 */
export function operatorsFor(kind, registry) {
  const fits = registry.filter((o) => o.kinds.includes(kind));
  return (fits.length ? fits : registry.filter((o) => o.arity === "none")).map(({ op, label }) => ({ op, label }));
}

/**
 * How many values an operator takes, as the registry says (an operator it does not list, which the kernel reports
 * at the control, takes one).
 * @param {string} op @param {OperatorSpec[]} registry @returns {Arity}
 */
export function arityOf(op, registry) {
  return registry.find((o) => o.op === op)?.arity ?? "one";
}

/** Kind of a property: from the data's columns, else the catalog, else string.
 * @param {Column[]} columns @param {CatalogDoc} catalog @param {string} name */
export function propertyKind(columns, catalog, name) {
  const column = columns.find((c) => c.name === name);
  if (column) return column.kind;
  return catalog.properties.find((p) => p.name === name)?.type ?? "string";
}

/** A property as the menus show it: its catalog label and column ("Country (country)"), or the column alone.
 * @param {CatalogDoc} catalog @param {string} name */
export function propertyLabel(catalog, name) {
  const label = catalog.properties.find((p) => p.name === name)?.label;
  return label && label !== name ? `${label} (${name})` : name;
}

/**
 * The properties a step's filter can use, in two groups: the chosen event's catalog properties present in the
 * data, then the data's other columns. Each with its catalog label ("Country") when it has one.
 * @param {CatalogDoc} catalog @param {Column[]} columns @param {string} eventId
 * @returns {{label: string, properties: {name: string, label: string}[]}[]}
 */
export function propertyGroups(catalog, columns, eventId) {
  const event = catalog.events.find((e) => e.id === eventId);
  const available = new Set(columns.map((c) => c.name));
  const preferred = (event?.properties ?? []).filter((p) => available.has(p));
  const others = columns.map((c) => c.name).filter((p) => !preferred.includes(p));
  const labelled = (/** @type {string} */ name) => ({ name, label: propertyLabel(catalog, name) });
  return [
    { label: `Properties of ${event?.label ?? eventId}`, properties: preferred.map(labelled) },
    { label: "Other columns", properties: others.map(labelled) },
  ].filter((g) => g.properties.length);
}

/** Turn the text of a value box into the JSON value the op expects; `undefined` while nothing is typed.
 * @param {string} op @param {string} text @param {string} kind @param {OperatorSpec[]} registry */
export function parseFilterValue(op, text, kind, registry) {
  /** @param {string} t */
  const scalar = (t) => {
    const trimmed = t.trim();
    if (kind === "number" && trimmed !== "" && !Number.isNaN(Number(trimmed))) return Number(trimmed);
    if (kind === "boolean") return trimmed === "true";
    return kind === "string" ? t : trimmed;
  };
  const arity = arityOf(op, registry);
  if (arity === "none" || text.trim() === "") return undefined;
  if (arity === "list") return text.split(",").map((v) => v.trim()).filter((v) => v !== "").map(scalar);
  if (arity === "two") return text.split(",").slice(0, 2).map((v) => scalar(v.trim()));
  return scalar(text);
}

/** The text shown in a value box for a filter's value. @param {any} value */
export function formatFilterValue(value) {
  if (value === undefined || value === null) return "";
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** Values of a filter to look up in the data ("0 in data"): those of `is`/`is any of` style filters.
 * @param {string} op @param {any} value @returns {string[]} */
export function lookedUpValues(op, value) {
  if (!["eq", "in", "neq", "not_in"].includes(op) || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String).filter((v) => v !== "");
}
