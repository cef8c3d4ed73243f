// @ts-check
// One stage card: number, name, the "Optional" switch, reorder (buttons and drag), remove, its steps and the step
// picker. A stage with no step yet is a draft: marked incomplete, with the picker asking for its first step. An optional
// stage (the path may skip it) has a dashed border.

import { h, neighbour, setAttr, setText, setValue, syncList } from "../dom.js";
import { errorSlot, errorsAt } from "../errors.js";
import { addStep, moveStage, removeStage, renameStage, setOptional } from "../journey.js";
import { optionalBlocked } from "../toggles.js";
import { eventPicker } from "./picker.js";
import { stepRow } from "./step.js";
import { switchControl } from "./switch.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").Stage} Stage */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** @typedef {import("../types.js").JourneyDoc} JourneyDoc */
/** @typedef {{s: number, count: number, stage: Stage, doc: JourneyDoc, errors: ErrorDoc[]}} StageProps */

const OPTIONAL_HINT = "The path may skip this stage: its row counts those whose path reached it";

/** Drag-and-drop state shared by a builder's cards: the index being dragged. */
export function dragState() {
  return { from: /** @type {number | null} */ (null) };
}

/** @param {Ctx} ctx @param {{from: number | null}} drag @returns {import("../dom.js").View<StageProps>} */
export function stageCard(ctx, drag) {
  /** @type {StageProps} */
  let props;
  const number = h("span", { class: "jw-stage-number", "aria-hidden": "true" });
  const commitName = () => ctx.commit(renameStage(ctx.journey(), props.s, name.value));
  const name = /** @type {HTMLInputElement} */ (h("input", {
    class: "jw-stage-name", type: "text", onchange: commitName,
    onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === "Enter" && commitName(),
  }));
  /** Move this stage by `delta` and keep the focus on the same button of the moved card. */
  const move = (/** @type {number} */ delta, /** @type {string} */ button) => {
    const to = props.s + delta;
    ctx.commit(moveStage(ctx.journey(), props.s, to));
    ctx.focusLater(() => {
      const card = /** @type {HTMLElement | undefined} */ (el.parentElement?.children[to]);
      const target = /** @type {HTMLButtonElement | null | undefined} */ (card?.querySelector(button));
      return target && !target.disabled ? target : card?.querySelector(".jw-stage-name");
    });
  };
  const up = h("button", { class: "jw-icon jw-move-up", type: "button", title: "Move up", onclick: () => move(-1, ".jw-move-up") }, ["↑"]);
  const down = h("button", { class: "jw-icon jw-move-down", type: "button", title: "Move down", onclick: () => move(1, ".jw-move-down") }, ["↓"]);
  const remove = h("button", {
    class: "jw-icon jw-remove-stage", type: "button", title: "Remove stage",
    onclick: () => {
      const list = /** @type {HTMLElement} */ (el.parentElement);
      ctx.commit(removeStage(ctx.journey(), props.s));
      ctx.focusLater(() => neighbour(list, props.s, ".jw-remove-stage") ?? neighbour(list, props.s, ".jw-stage-name"));
    },
  }, ["×"]);
  const handle = h("span", { class: "jw-handle", title: "Drag to reorder (or use the arrows)", "aria-hidden": "true" }, ["⠿"]);
  const optional = switchControl("jw-optional", "Optional", (on) => ctx.commit(setOptional(ctx.journey(), props.s, on)));
  const head = h("div", { class: "jw-stage-head" }, [handle, number, name, optional.el, up, down, remove]);
  const steps = h("div", { class: "jw-steps" });
  /** @type {import("../dom.js").View<import("./step.js").StepProps>[]} */
  const stepViews = [];
  const picker = eventPicker(ctx, "jw-add-step", (id) => {
    ctx.commit(addStep(ctx.journey(), props.s, id, ctx.limits().maxSteps));
  });
  const nameError = errorSlot(name);
  const optionalError = errorSlot(optional.input);
  const stepsError = errorSlot(picker.el.querySelector("select") ?? picker.el);
  const el = h("div", {
    class: "jw-stage", role: "group", draggable: true,
    ondragstart: (/** @type {DragEvent} */ e) => {
      drag.from = props.s;
      if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
    },
    ondragover: (/** @type {DragEvent} */ e) => e.preventDefault(),
    ondrop: (/** @type {DragEvent} */ e) => {
      e.preventDefault();
      if (drag.from !== null) ctx.commit(moveStage(ctx.journey(), drag.from, props.s));
      drag.from = null;
    },
  }, [head, nameError.el, optionalError.el, steps, picker.el, stepsError.el]);

  return {
    el,
    update(next) {
      props = next;
      const { s, count, stage, doc, errors } = next;
      const loc = ["stages", s];
      const title = `Stage ${s + 1}`;
      setText(number, String(s + 1));
      setAttr(el, "aria-label", `${title}${stage.optional ? " (optional)" : ""}: ${stage.name}`);
      el.classList.toggle("jw-optional-stage", Boolean(stage.optional));
      optional.update({ on: Boolean(stage.optional), blocked: optionalBlocked(doc, s), label: `${title} optional`, hint: OPTIONAL_HINT });
      setValue(name, stage.name);
      setAttr(name, "aria-label", `${title} name`);
      setAttr(up, "aria-label", `Move ${title.toLowerCase()} up`);
      setAttr(down, "aria-label", `Move ${title.toLowerCase()} down`);
      setAttr(remove, "aria-label", `Remove ${title.toLowerCase()}`);
      /** @type {HTMLButtonElement} */ (up).disabled = s === 0;
      /** @type {HTMLButtonElement} */ (down).disabled = s === count - 1;
      /** @type {HTMLButtonElement} */ (remove).disabled = count === 1;
      el.classList.toggle("jw-draft", stage.steps.length === 0);
      syncList(steps, stepViews, stage.steps.map((step, t) => ({ s, t, step, errors })), () => stepRow(ctx));
      picker.el.hidden = stage.steps.length >= ctx.limits().maxSteps;
      picker.update({ label: stage.steps.length ? `Add a step to ${title.toLowerCase()} (or)` : `Pick the first step of ${title.toLowerCase()}` });
      nameError.update(errorsAt(errors, [loc, [...loc, "name"]]));
      optionalError.update(errorsAt(errors, [[...loc, "optional"]]));
      stepsError.update(errorsAt(errors, [[...loc, "steps"]]));
    },
  };
}
