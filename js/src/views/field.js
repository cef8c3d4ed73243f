// @ts-check
// The parts of the settings row: a labelled group of controls, and a box that commits on change and on Enter.

import { h } from "../dom.js";

/** A group with a visible label (each control has its own aria-label). @param {string} label
 * @param {HTMLElement[]} controls */
export function field(label, ...controls) {
  return h("div", { class: "jw-setting", role: "group", "aria-label": label }, [h("span", { "aria-hidden": "true" }, [label]), ...controls]);
}

/** A text-like input that commits on change and on Enter. @param {Record<string, any>} props @param {() => void} onCommit */
export function box(props, onCommit) {
  return /** @type {HTMLInputElement} */ (h("input", {
    ...props, onchange: onCommit, onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === "Enter" && onCommit(),
  }));
}
