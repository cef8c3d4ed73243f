// @ts-check
// One step of a stage (an "or" branch): its event, the anonymous-visitors switch, its filters.

import { eventLabel } from "../catalog.js";
import { h, neighbour, setAttr, setText, syncList } from "../dom.js";
import { errorSlot, errorsAt, warningSlot } from "../errors.js";
import { operatorsFor } from "../filters.js";
import { addFilter, removeStep, setAnonymous } from "../journey.js";
import { filterRow } from "./filter.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").Step} Step */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** @typedef {{s: number, t: number, step: Step, errors: ErrorDoc[]}} StepProps */

/** @param {Ctx} ctx @returns {import("../dom.js").View<StepProps>} */
export function stepRow(ctx) {
  /** @type {StepProps} */
  let props;
  const or = h("span", { class: "jw-or" });
  const label = h("span", { class: "jw-step-label" });
  const anonymous = /** @type {HTMLInputElement} */ (h("input", {
    type: "checkbox",
    onchange: () => ctx.commit(setAnonymous(ctx.journey(), props.s, props.t, anonymous.checked)),
  }));
  const anonymousLabel = h("label", { class: "jw-anonymous" }, [anonymous, " include anonymous visitors"]);
  // a draft filter: the property is chosen first (the event's own are offered first), then the value
  const addFilterButton = h("button", { class: "jw-link jw-add-filter", type: "button", onclick: () => {
    ctx.commit(addFilter(ctx.journey(), props.s, props.t, "", operatorsFor("string", ctx.operators())[0].op));
    ctx.focusLater(() => filters.lastElementChild?.querySelector(".jw-filter-property"));
  } }, ["+ filter"]);
  const remove = h("button", {
    class: "jw-icon jw-remove-step", type: "button", title: "Remove step",
    onclick: () => {
      // the focus stays in the stage: on the next step's ×, else the one before, else its step search
      const list = /** @type {HTMLElement} */ (el.parentElement);
      const stage = el.closest(".jw-stage");
      ctx.commit(removeStep(ctx.journey(), props.s, props.t));
      ctx.focusLater(() => neighbour(list, props.t, ".jw-remove-step") ?? stage?.querySelector(".jw-add-step-search"));
    },
  }, ["×"]);
  const head = h("div", { class: "jw-step-head" }, [or, label, anonymousLabel, addFilterButton, remove]);
  const filters = h("div", { class: "jw-filters" });
  /** @type {import("../dom.js").View<import("./filter.js").FilterProps>[]} */
  const filterViews = [];
  const error = errorSlot(head);
  const warning = warningSlot();

  const el = h("div", { class: "jw-step" }, [head, filters, error.el, warning.el]);
  return {
    el,
    update(next) {
      props = next;
      const { s, t, step, errors } = next;
      const loc = ["stages", s, "steps", t];
      const spec = ctx.catalog().events.find((e) => e.id === step.event);
      setText(or, t === 0 ? "" : "or");
      setText(label, eventLabel(ctx.catalog(), step.event));
      setAttr(label, "title", step.event);
      anonymousLabel.hidden = !spec?.anonymous;
      anonymous.checked = !!step.include_anonymous;
      const where = `stage ${s + 1}, step ${t + 1}`;
      setAttr(anonymous, "aria-label", `Include anonymous visitors in ${where}`);
      setAttr(addFilterButton, "aria-label", `Add a filter to ${where}`);
      setAttr(remove, "aria-label", `Remove ${where}`);
      syncList(filters, filterViews, (step.filters ?? []).map((filter, f) => {
        const at = [...loc, "filters", f];
        return {
          s, t, f, event: step.event, filter,
          errors: errorsAt(errors, [at, [...at, "value"], [...at, "op"], [...at, "property"]]),
        };
      }), () => filterRow(ctx));
      error.update(errorsAt(errors, [loc, [...loc, "event"], [...loc, "include_anonymous"]]));
      warning.update(errorsAt(ctx.warnings(), [loc, [...loc, "event"]]));
    },
  };
}
