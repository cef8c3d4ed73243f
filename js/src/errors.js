// @ts-check
// Problems reported by the kernel, placed at their control: the message under it, a red border
// (or an "incomplete" mark for a part still being built) and `aria-invalid` on it.

import { h, setAttr, setText, uid } from "./dom.js";

/** @typedef {import("./types.js").ErrorDoc} ErrorDoc */
/** @typedef {import("./types.js").JourneyDoc} JourneyDoc */
/** @typedef {(string | number)[]} Loc */

/** Errors whose location is one of `locs` exactly. @param {ErrorDoc[]} errors @param {Loc[]} locs */
export function errorsAt(errors, locs) {
  const keys = new Set(locs.map((l) => JSON.stringify(l)));
  return errors.filter((e) => keys.has(JSON.stringify(e.loc)));
}

/** The locations the editor has a control for, for `doc`. @param {JourneyDoc} doc @returns {Loc[]} */
export function placedLocs(doc) {
  /** @type {Loc[]} */
  const locs = [["name"], ["order"], ["window"], ["date_range"], ["date_range", "start"], ["date_range", "end"],
    ["breakdown"], ["breakdown", "limit"], ["breakdown", "property"], ["breakdown", "attribution"], ["breakdown", "stage"],
    ["hold_constant"], ["compare"]];
  (doc.hold_constant ?? []).forEach((_, i) => locs.push(["hold_constant", i]));
  (doc.stages ?? []).forEach((stage, s) => {
    locs.push(["stages", s], ["stages", s, "name"], ["stages", s, "steps"], ["stages", s, "optional"]);
    stage.steps.forEach((step, t) => {
      locs.push(["stages", s, "steps", t], ["stages", s, "steps", t, "event"], ["stages", s, "steps", t, "include_anonymous"]);
      (step.filters ?? []).forEach((_, f) => {
        const at = ["stages", s, "steps", t, "filters", f];
        locs.push(at, [...at, "property"], [...at, "op"], [...at, "value"]);
      });
    });
  });
  (doc.exclusions ?? []).forEach((_, i) => locs.push(["exclusions", i], ["exclusions", i, "between"], ["exclusions", i, "event"]));
  return locs;
}

/** Errors with no control to show them at (shown at the top). @param {ErrorDoc[]} errors @param {JourneyDoc} doc */
export function looseErrors(errors, doc) {
  const placed = new Set(placedLocs(doc).map((l) => JSON.stringify(l)));
  return errors.filter((e) => !placed.has(JSON.stringify(e.loc)));
}

/** A note for one control that does not stop the run (an event type absent from the data). */
export function warningSlot() {
  const el = h("div", { class: "jw-warning", role: "status", hidden: true });
  return {
    el,
    /** @param {ErrorDoc[]} warnings */
    update(warnings) {
      setText(el, warnings.map((w) => w.message).join(" · "));
      el.hidden = !warnings.length;
    },
  };
}

/**
 * A message area for one control: `update(errors)` shows them and marks the control.
 * @param {HTMLElement} control @param {string} className extra class of the message
 */
export function errorSlot(control, className = "") {
  const el = h("div", { class: `jw-error ${className}`.trim(), id: uid("error"), hidden: true });
  return {
    el,
    /** @param {ErrorDoc[]} errors */
    update(errors) {
      const incomplete = errors.length > 0 && errors.every((e) => e.incomplete);
      setText(el, errors.map((e) => e.message).join(" · "));
      el.hidden = !errors.length;
      el.classList.toggle("jw-incomplete-note", incomplete);
      setAttr(el, "role", errors.length && !incomplete ? "alert" : null);
      control.classList.toggle("jw-invalid", errors.length > 0 && !incomplete);
      control.classList.toggle("jw-incomplete", incomplete);
      setAttr(control, "aria-invalid", errors.length ? "true" : null);
      setAttr(control, "aria-describedby", errors.length ? el.id : null);
    },
  };
}
