// @ts-check
// "Exclude actors who …": an event between two stages, per row; a picker adds one. An exclusion is between required
// stages: the menus show optional stages as unavailable (a choice made before the stage became optional stays shown).

import { eventLabel } from "../catalog.js";
import { h, neighbour, setAttr, setOptions, setText, syncList } from "../dom.js";
import { errorSlot, errorsAt, warningSlot } from "../errors.js";
import { addExclusion, removeExclusion, setExclusionStages } from "../journey.js";
import { eventPicker } from "./picker.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("../types.js").Exclusion} Exclusion */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** @typedef {import("../types.js").Stage} Stage */
/** @typedef {{i: number, exclusion: Exclusion, stages: Stage[], errors: ErrorDoc[]}} ExclusionProps */

/** The stages as a "between" menu's options, the optional ones unavailable unless `chosen`.
 * @param {Stage[]} stages @param {number} chosen 1-based */
export function betweenOptions(stages, chosen) {
  return [{
    options: stages.map((stage, n) => ({
      value: String(n + 1),
      label: `${n + 1}. ${stage.name}${stage.optional ? " (optional)" : ""}`,
      disabled: Boolean(stage.optional) && n + 1 !== chosen,
    })),
  }];
}

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
      const [first, last] = exclusion.between;
      setText(label, eventLabel(ctx.catalog(), exclusion.event));
      setOptions(from, betweenOptions(stages, first), String(first));
      setOptions(to, betweenOptions(stages, last), String(last));
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
      const stages = doc.stages;
      syncList(rows, views, (doc.exclusions ?? []).map((exclusion, i) => ({ i, exclusion, stages, errors })), () => exclusionRow(ctx));
      picker.el.hidden = doc.stages.length < 2;
      picker.update({ label: "Add an exclusion" });
    },
  };
}
