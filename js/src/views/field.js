// @ts-check
// The parts of the settings row: a labelled group of controls, and a box that commits once, on change or on Enter.

import { h } from "../dom.js";

/** A group with a visible label (each control has its own aria-label). @param {string} label
 * @param {HTMLElement[]} controls */
export function field(label, ...controls) {
  return h("div", { class: "jw-setting", role: "group", "aria-label": label }, [h("span", { "aria-hidden": "true" }, [label]), ...controls]);
}

/**
 * A text-like input that commits on change and on Enter, once: the `change` the box fires after an Enter (or when
 * it is left) commits nothing more unless the text was edited since.
 * @param {Record<string, any>} props @param {() => void} onCommit
 */
export function box(props, onCommit) {
  /** @type {string | null} */
  let committed = null;
  const commit = () => {
    if (input.value === committed) return;
    committed = input.value;
    onCommit();
  };
  const input = /** @type {HTMLInputElement} */ (h("input", {
    ...props, onchange: commit, oninput: () => { committed = null; },
    onkeydown: (/** @type {KeyboardEvent} */ e) => e.key === "Enter" && commit(),
  }));
  return input;
}
