// @ts-check
// The breakdown settings: the property, how many segments, and which event of the path gives the value
// (the start, the deepest stage's, or a chosen stage's); beside them, how many paths have no value at that event
// and why, read from the numbers shown (the breakdown's "(none)" segment: no query).

import { h, setOptions, setText, setValue } from "../dom.js";
import { eventLabel } from "../catalog.js";
import { errorSlot, errorsAt } from "../errors.js";
import { propertyLabel } from "../filters.js";
import { setAttribution, setSetting } from "../journey.js";
import { box, field } from "./field.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").Attribution} Attribution */
/** @typedef {import("./settings.js").SettingsProps} SettingsProps */
/** @typedef {import("../types.js").FunnelRow} FunnelRow */
/** @typedef {import("../types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("../types.js").CatalogDoc} CatalogDoc */

const ATTRIBUTIONS = [
  { value: "first_touch", label: "first touch (the start)" },
  { value: "last_touch", label: "last touch (the deepest stage)" },
  { value: "stage", label: "at stage…" },
];

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

/** @param {Ctx} ctx @returns {import("../dom.js").View<SettingsProps>} */
export function breakdownView(ctx) {
  /** @param {string} key @param {string} value */
  const set = (key, value) => ctx.commit(setSetting(ctx.journey(), key, value));
  const property = /** @type {HTMLSelectElement} */ (h("select", {
    class: "jw-breakdown", "aria-label": "Break down by", onchange: () => set("breakdown", property.value),
  }));
  const limit = box({ class: "jw-breakdown-limit", type: "number", min: "1", max: "1000", "aria-label": "Top segments" },
    () => set("breakdown_limit", limit.value));
  /** @param {Attribution} to @param {number} [at] */
  const attribute = (to, at) => ctx.commit(setAttribution(ctx.journey(), to, at));
  const attribution = /** @type {HTMLSelectElement} */ (h("select", {
    class: "jw-attribution", "aria-label": "Breakdown value from",
    onchange: () => attribute(/** @type {Attribution} */ (attribution.value)),
  }));
  const stage = /** @type {HTMLSelectElement} */ (h("select", {
    class: "jw-attribution-stage", "aria-label": "Breakdown value from stage",
    onchange: () => stage.value && attribute("stage", Number(stage.value)),
  }));
  const slots = {
    property: errorSlot(property), limit: errorSlot(limit), attribution: errorSlot(attribution), stage: errorSlot(stage),
  };
  const limitField = field("Top", limit, slots.limit.el);
  const attributionField = field("Value from", attribution, stage, slots.attribution.el, slots.stage.el);
  const note = h("div", { class: "jw-breakdown-note", role: "note", hidden: true });

  return {
    el: h("div", { class: "jw-settings-part" }, [
      field("Breakdown", property, slots.property.el), limitField, attributionField, note,
    ]),
    update({ doc, errors, rows, current }) {
      // only for numbers of the journey in the editor: else the (none) segment is another journey's
      const missing = current ? missingValueNote(rows, doc, ctx.catalog()) : "";
      setText(note, missing);
      note.hidden = !missing;
      const breakdown = doc.breakdown;
      const columns = ctx.columns().map((c) => ({ value: c.name, label: propertyLabel(ctx.catalog(), c.name) }));
      setOptions(property, [{ options: [{ value: "", label: "none" }, ...columns] }], breakdown?.property ?? "");
      limitField.hidden = attributionField.hidden = !breakdown;
      setValue(limit, String(breakdown?.limit ?? 10));
      setOptions(attribution, [{ options: ATTRIBUTIONS }], breakdown?.attribution ?? "first_touch");
      // a stage the journey lacks (its stage was removed, or the kernel set one) shows as a choice to make
      const chosen = breakdown?.stage !== undefined && breakdown.stage <= doc.stages.length ? String(breakdown.stage) : "";
      const stages = doc.stages.map((s, n) => ({ value: String(n + 1), label: `${n + 1}. ${s.name}` }));
      setOptions(stage, [{ options: chosen ? stages : [{ value: "", label: "choose a stage" }, ...stages] }], chosen);
      stage.hidden = breakdown?.attribution !== "stage";
      slots.property.update(errorsAt(errors, [["breakdown"], ["breakdown", "property"]]));
      slots.limit.update(errorsAt(errors, [["breakdown", "limit"]]));
      slots.attribution.update(errorsAt(errors, [["breakdown", "attribution"]]));
      slots.stage.update(errorsAt(errors, [["breakdown", "stage"]]));
    },
  };
}
