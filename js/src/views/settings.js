// @ts-check
// Journey-level settings: name, order, window (a number and a unit), date range and the comparison with the previous
// period, held properties, breakdown.

import { h, setAttr, setOptions, setValue } from "../dom.js";
import { errorSlot, errorsAt } from "../errors.js";
import { WINDOW_UNITS, dayOf, joinWindow, splitWindow } from "../format.js";
import { setCompare, setSetting } from "../journey.js";
import { compareBlocked } from "../toggles.js";
import { breakdownView } from "./breakdown.js";
import { box, field } from "./field.js";
import { heldView } from "./held.js";
import { switchControl } from "./switch.js";

/** @typedef {import("../types.js").Ctx} Ctx */
/** @typedef {import("../types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** The journey, its problems, and the funnel shown (`current`: of this journey, not a previous one).
 * @typedef {{doc: JourneyDoc, errors: ErrorDoc[], rows: import("../types.js").FunnelRow[], current: boolean}} SettingsProps */

const ORDERS = [
  { value: "ordered", label: "in order" },
  { value: "strict", label: "strict order" },
  { value: "any", label: "any order" },
];

const COMPARE_HINT = "Also count the range of the same length just before the date range, and show the change";
const PARTIAL_DATE = "Finish the date (month, day and year) or clear it: the journey keeps its date until then";
/** Where the kernel reports a problem of each date box. @type {Record<"start" | "end", (string | number)[][]>} */
const DATE_LOCS = { start: [["date_range", "start"]], end: [["date_range"], ["date_range", "end"]] };

/** @param {Ctx} ctx @returns {import("../dom.js").View<SettingsProps>} */
export function settingsView(ctx) {
  /** @param {string} key @param {any} value */
  const set = (key, value) => ctx.commit(setSetting(ctx.journey(), key, value));

  const name = box({ class: "jw-journey-name", type: "text" }, () => set("name", name.value));
  // "strict": each stage must be the actor's very next event after the stage before (docs/semantics.md#strict-order)
  const order = /** @type {HTMLSelectElement} */ (h("select", { class: "jw-order", onchange: () => set("order", order.value) }));
  const commitWindow = () => set("window", joinWindow(amount.value, unit.value));
  const amount = box({ class: "jw-window", type: "number", min: "0", step: "any" }, commitWindow);
  const unit = /** @type {HTMLSelectElement} */ (h("select", { class: "jw-window-unit", onchange: commitWindow }));
  // A date box fires "change" at every digit of the year (0002, 0020, 0202, 2024): commit when it is left or on
  // Enter. It is committed as typed (the box takes 5-digit years): the kernel rejects what is not a date, at this
  // control, rather than the box silently changing the year. A date typed in part (the box then reads as empty)
  // is not committed: the journey keeps its date, and the box says so.
  /** @type {Record<"start" | "end", ErrorDoc[]>} */
  const partial = { start: [], end: [] };
  /** @type {ErrorDoc[]} the kernel's, as last shown */
  let shown = [];
  /** @param {"start" | "end"} key */
  const showDate = (key) => slots[key].update([...partial[key], ...errorsAt(shown, DATE_LOCS[key])]);
  /** @param {"start" | "end"} key */
  const dateBox = (key) => {
    const commit = () => {
      const typedInPart = input.validity.badInput;
      partial[key] = typedInPart ? [{ loc: ["date_range", key], message: PARTIAL_DATE }] : [];
      showDate(key);
      if (!typedInPart) set(key, input.value);
    };
    const input = /** @type {HTMLInputElement} */ (h("input", {
      class: `jw-${key}`, type: "date", onblur: commit,
      onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === "Enter" && commit(),
    }));
    return input;
  };
  const start = dateBox("start");
  const end = dateBox("end");
  const compare = switchControl("jw-compare", "previous period", (on) => ctx.commit(setCompare(ctx.journey(), on)));
  const held = heldView(ctx);
  const breakdown = breakdownView(ctx);

  const slots = {
    name: errorSlot(name), order: errorSlot(order), window: errorSlot(amount), start: errorSlot(start), end: errorSlot(end),
    compare: errorSlot(compare.input),
  };
  for (const [control, label] of /** @type {[HTMLElement, string][]} */ ([[name, "Journey name"], [order, "Order of the stages"],
    [amount, "Conversion window"], [unit, "Conversion window unit"], [start, "From (first day)"], [end, "To (day after the last)"]])) {
    control.setAttribute("aria-label", label);
  }

  return {
    el: h("div", { class: "jw-settings" }, [
      field("Name", name, slots.name.el), field("Order", order, slots.order.el),
      field("Window", amount, unit, slots.window.el), field("From", start, slots.start.el), field("To", end, slots.end.el),
      field("Compare with", compare.el, slots.compare.el), held.el, breakdown.el,
    ]),
    update(props) {
      const { doc, errors } = props;
      setValue(name, doc.name);
      setOptions(order, [{ options: ORDERS }], doc.order ?? "ordered");
      setAttr(order, "title", doc.order === "strict" ? "Each stage must be the very next event after the stage before" : null);
      const window = splitWindow(doc.window);
      setOptions(unit, [{ options: WINDOW_UNITS.map((u) => ({ value: u.unit, label: u.unit })) }], window?.unit ?? unit.value ?? "days");
      setValue(amount, window ? String(window.amount) : "");
      // a date typed in part stays as typed (marked) until it is finished or cleared
      if (!partial.start.length) setValue(start, dayOf(doc.date_range?.start));
      if (!partial.end.length) setValue(end, dayOf(doc.date_range?.end));
      setAttr(amount, "title", doc.window ?? "P30D");
      compare.update({
        on: doc.compare === "previous_period", blocked: compareBlocked(doc), label: "Compare with the previous period",
        hint: COMPARE_HINT,
      });
      held.update(props);
      breakdown.update(props);
      slots.name.update(errorsAt(errors, [["name"]]));
      slots.order.update(errorsAt(errors, [["order"]]));
      slots.window.update(errorsAt(errors, [["window"]]));
      slots.compare.update(errorsAt(errors, [["compare"]]));
      shown = errors;
      showDate("start");
      showDate("end");
    },
  };
}
