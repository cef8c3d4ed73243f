// @ts-check
// What a filter row offers: the properties of the chosen event first, the operators for a property's kind
// (from the kernel's `operators` trait when it sends one), and the value box's text <-> JSON value.

/** @typedef {import("./types.js").CatalogDoc} CatalogDoc */
/** @typedef {import("./types.js").Column} Column */
/** @typedef {import("./types.js").OperatorSpec} OperatorSpec */

/** Operator menus used when the kernel sends no `operators` trait. */
const FALLBACK_OPS_BY_KIND = {
  string: ["eq", "neq", "in", "not_in", "contains", "not_contains", "starts_with", "is_known", "is_unknown"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "in", "not_in", "is_known", "is_unknown"],
  timestamp: ["gt", "gte", "lt", "lte", "between", "is_known", "is_unknown"],
  boolean: ["eq", "neq", "is_known", "is_unknown"],
  other: ["is_known", "is_unknown"],
};
/** @type {Record<string, string>} */
const FALLBACK_LABELS = {
  eq: "is", neq: "is not", in: "is any of", not_in: "is none of", contains: "contains",
  not_contains: "does not contain", starts_with: "starts with", is_known: "is known", is_unknown: "is unknown",
  gt: ">", gte: "≥", lt: "<", lte: "≤", between: "between",
};

/**
 * The operators offered for a property kind, as `{op, label}`: from the kernel's registry when given
 * (an operator lists the kinds it applies to), else the built-in menus.
 * @param {string} kind @param {OperatorSpec[] | null | undefined} registry
 * @returns {{op: string, label: string}[]}
 */
export function operatorsFor(kind, registry) {
  if (registry?.length) {
    const fits = registry.filter((o) => !o.kinds || o.kinds.includes(kind));
    return (fits.length ? fits : registry.filter((o) => arityOf(o.op, registry) === "none")).map(({ op, label }) => ({ op, label }));
  }
  const ops = FALLBACK_OPS_BY_KIND[/** @type {keyof typeof FALLBACK_OPS_BY_KIND} */ (kind)] ?? FALLBACK_OPS_BY_KIND.other;
  return ops.map((op) => ({ op, label: FALLBACK_LABELS[op] }));
}

/** @type {Record<string, "none" | "one" | "list" | "pair">} */
const ARITY_NAMES = { none: "none", zero: "none", one: "one", scalar: "one", list: "list", many: "list", pair: "pair", two: "pair" };

/**
 * How many values an operator takes: as the kernel's registry says when it lists the operator, else by its name.
 * @param {string} op @param {OperatorSpec[] | null | undefined} registry @returns {"none" | "one" | "list" | "pair"}
 */
export function arityOf(op, registry = null) {
  const listed = ARITY_NAMES[String(registry?.find((o) => o.op === op)?.arity ?? "")];
  if (listed) return listed;
  if (op === "is_known" || op === "is_unknown") return "none";
  if (op === "in" || op === "not_in") return "list";
  if (op === "between") return "pair";
  return "one";
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
 * @param {string} op @param {string} text @param {string} kind @param {OperatorSpec[] | null} registry */
export function parseFilterValue(op, text, kind = "string", registry = null) {
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
  if (arity === "pair") return text.split(",").slice(0, 2).map((v) => scalar(v.trim()));
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
