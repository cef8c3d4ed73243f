// @ts-check
// Why a breakdown's "(none)" segment is there: how many paths have no value at their attributed event, from the
// numbers already shown (the funnel by segment: no query) and the catalog (which properties each event records).

import { eventLabel } from "./catalog.js";

/** @typedef {import("./types.js").FunnelRow} FunnelRow */
/** @typedef {import("./types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("./types.js").CatalogDoc} CatalogDoc */

/** @param {number} n @param {string} noun */
const count = (n, noun) => `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;

/**
 * How many paths have no value of the breakdown's property at their attributed event, and why: they did not reach
 * the attributed stage, or its events do not record the property (the catalog says which properties each event
 * has), or those events had no value. Read from `rows`, the funnel of `doc` by segment; "" when every path has a
 * value (or the journey has no breakdown).
 * @param {FunnelRow[]} rows @param {JourneyDoc} doc @param {CatalogDoc} catalog @returns {string}
 */
export function missingValueNote(rows, doc, catalog) {
  const breakdown = doc.breakdown;
  if (!breakdown || !rows.length || !("breakdown" in rows[0])) return "";
  const none = new Map(rows.filter((r) => r.breakdown === null).map((r) => [r.stage_index, Number(r.actors)]));
  const missing = none.get(1) ?? 0;
  if (!missing) return "";
  const total = rows.filter((r) => r.stage_index === 1).reduce((sum, r) => sum + Number(r.actors), 0);
  const property = catalog.properties.find((p) => p.name === breakdown.property)?.label ?? breakdown.property;
  const stageName = (/** @type {number} */ k) => `stage ${k}: ${doc.stages[k - 1]?.name ?? ""}`;
  /** Why stage k's events lack the value: those that never record it, by the catalog. @param {number} k */
  const unrecorded = (k) => {
    const events = [...new Set((doc.stages[k - 1]?.steps ?? []).map((s) => s.event))];
    const lacking = events.filter((e) => {
      const spec = catalog.events.find((c) => c.id === e);
      return spec && !spec.properties.includes(breakdown.property);
    });
    return lacking.length === events.length && events.length
      ? ` ${lacking.map((e) => eventLabel(catalog, e)).join(" and ")} events do not record ${property}.` : "";
  };
  const head = `${missing.toLocaleString("en-US")} of ${count(total, "path")} ${missing === 1 ? "has" : "have"} ` +
    `no ${property} at ${missing === 1 ? "its" : "their"} attributed event`;
  if (doc.order === "any") return `${head}.`; // its stages are reached in any order: no stage to name
  const attribution = breakdown.attribution ?? "first_touch";
  if (attribution !== "last_touch") {
    const k = attribution === "stage" ? Number(breakdown.stage) : 1;
    const reached = none.get(k) ?? 0;
    const notReached = missing - reached;
    const parts = [
      notReached ? `${count(notReached, "path")} did not reach stage ${k}` : "",
      reached ? `${count(reached, "path")} reached it by an event with no ${property}` : "",
    ].filter(Boolean);
    return `${head} (${stageName(k)})${k > 1 ? `: ${parts.join(", and ")}` : ""}.${reached ? unrecorded(k) : ""}`;
  }
  // last touch: the paths of the (none) segment whose deepest required stage is k, from one row to the next
  const required = rows.filter((r) => r.breakdown === null && !r.optional).map((r) => r.stage_index);
  const ending = required.map((k, i) => [k, (none.get(k) ?? 0) - (none.get(required[i + 1]) ?? 0)])
    .filter(([, n]) => n > 0).reverse();
  const where = ending.map(([k, n]) => `${n.toLocaleString("en-US")} at ${stageName(k)}`).join(", ");
  return `${head} (the one that reached their deepest stage): ${where}.${ending.map(([k]) => unrecorded(k)).join("")}`;
}
