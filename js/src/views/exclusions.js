// @ts-check
// "Exclude actors who …": an event between two stages, per row; a picker adds one.

import { eventLabel } from "../catalog.js";
import { h, neighbour, setAttr, setOptions, setText, syncList } from "../dom.js";
import { errorSlot, errorsAt, warningSlot } from "../errors.js";
import { addExclusion, removeExclusion, setExclusionStages } from "../journey.js";
import { eventPicker } from "./picker.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("../types.js").Exclusion} Exclusion */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** @typedef {{i: number, exclusion: Exclusion, stages: string[], errors: ErrorDoc[]}} ExclusionProps */

/** @param {Ctx} ctx @returns {import("../dom.js").View<ExclusionProps>} */
function exclusionRow(ctx) {
  /** @type {ExclusionProps} */
  let props;
  const label = h("span");
  const between = (/** @type {number} */ side) => {
    const pair = /** @type {[number, number]} */ ([...props.exclusion.between]);
    pair[side] = Number(side === 0 ? from.value : to.value);
    ctx.commit(setExclusionStages(ctx.journey(), props.i, pair));
  };
  const from = /** @type {HTMLSelectElement} */ (h("select", { class: "jw-exclusion-from", onchange: () => between(0) }));
  const to = /** @type {HTMLSelectElement} */ (h("select", { class: "jw-exclusion-to", onchange: () => between(1) }));
  const remove = h("button", { class: "jw-icon jw-remove-exclusion", type: "button", onclick: () => {
    // the focus stays in the exclusions: on the next one's ×, else the one before, else the picker's search
    const list = /** @type {HTMLElement} */ (el.parentElement);
    ctx.commit(removeExclusion(ctx.journey(), props.i));
    ctx.focusLater(() => neighbour(list, props.i, ".jw-remove-exclusion") ?? list.parentElement?.querySelector(".jw-add-exclusion-search"));
  } }, ["×"]);
  const row = h("div", { class: "jw-exclusion", role: "group" }, [label, " between ", from, " and ", to, remove]);
  const error = errorSlot(to);
  const warning = warningSlot();
  const el = h("div", {}, [row, error.el, warning.el]);
  return {
    el,
    update(next) {
      props = next;
      const { i, exclusion, stages, errors } = next;
      const options = [{ options: stages.map((name, n) => ({ value: String(n + 1), label: `${n + 1}. ${name}` })) }];
      setText(label, eventLabel(ctx.catalog(), exclusion.event));
      setOptions(from, options, String(exclusion.between[0]));
      setOptions(to, options, String(exclusion.between[1]));
      setAttr(row, "aria-label", `Exclusion ${i + 1}`);
      setAttr(from, "aria-label", `Exclusion ${i + 1}: from stage`);
      setAttr(to, "aria-label", `Exclusion ${i + 1}: to stage`);
      setAttr(remove, "aria-label", `Remove exclusion ${i + 1}`);
      error.update(errorsAt(errors, [["exclusions", i], ["exclusions", i, "between"], ["exclusions", i, "event"]]));
      warning.update(errorsAt(ctx.warnings(), [["exclusions", i], ["exclusions", i, "event"]]));
    },
  };
}

/** @param {Ctx} ctx @returns {import("../dom.js").View<{doc: JourneyDoc, errors: ErrorDoc[]}>} */
export function exclusionsView(ctx) {
  const rows = h("div");
  /** @type {import("../dom.js").View<ExclusionProps>[]} */
  const views = [];
  const picker = eventPicker(ctx, "jw-add-exclusion", (id) => ctx.commit(addExclusion(ctx.journey(), id)));
  return {
    el: h("div", { class: "jw-exclusions" }, [h("div", { class: "jw-section-title" }, ["Exclude actors who…"]), rows, picker.el]),
    update({ doc, errors }) {
      const stages = doc.stages.map((s) => s.name);
      syncList(rows, views, (doc.exclusions ?? []).map((exclusion, i) => ({ i, exclusion, stages, errors })), () => exclusionRow(ctx));
      picker.el.hidden = doc.stages.length < 2;
      picker.update({ label: "Add an exclusion" });
    },
  };
}
