// @ts-check
// An on/off switch (a checkbox with the switch role, so Space toggles it from the keyboard) with its visible text.
// When it cannot be turned on, it is disabled and says why: the tooltip, and `aria-description` for screen readers.
// A switch that is on stays enabled whatever the reason, so that it can always be turned off.

import { h, setAttr, setText } from "../dom.js";

/** @typedef {{on: boolean, blocked: string, label: string, hint: string}} SwitchProps */

/**
 * @param {string} className the input's class @param {string} text its visible text
 * @param {(on: boolean) => void} onToggle
 * @returns {import("../dom.js").View<SwitchProps> & {input: HTMLInputElement}}
 */
export function switchControl(className, text, onToggle) {
  const input = /** @type {HTMLInputElement} */ (h("input", {
    class: className, type: "checkbox", role: "switch", onchange: () => onToggle(input.checked),
  }));
  const caption = h("span", {}, [text]);
  const el = h("label", { class: "jw-switch" }, [input, caption]);
  return {
    el,
    input,
    /** `blocked`: why it cannot be turned on ("" when it can); `hint`: what it does, as its tooltip otherwise. */
    update({ on, blocked, label, hint }) {
      input.checked = on;
      input.disabled = !on && blocked !== "";
      setAttr(input, "aria-label", label);
      setAttr(input, "aria-description", input.disabled ? blocked : null);
      setAttr(el, "title", input.disabled ? blocked : hint);
      setText(caption, text);
    },
  };
}
