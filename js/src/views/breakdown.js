// @ts-check
// The breakdown settings: the property, how many segments, and which event of the path gives the value
// (the start, the deepest stage's, or a chosen stage's); beside them, how many paths have no value at that event
// and why (missing_values.js).

import { h, setOptions, setText, setValue } from "../dom.js";
import { errorSlot, errorsAt } from "../errors.js";
import { propertyLabel } from "../filters.js";
import { setAttribution, setSetting } from "../journey.js";
import { missingValueNote } from "../missing_values.js";
import { box, field } from "./field.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").Attribution} Attribution */
/** @typedef {import("./settings.js").SettingsProps} SettingsProps */

const ATTRIBUTIONS = [
  { value: "first_touch", label: "first touch (the start)" },
  { value: "last_touch", label: "last touch (the deepest stage)" },
  { value: "stage", label: "at stage…" },
];

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
