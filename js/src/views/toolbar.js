// @ts-check
// Undo, redo and "reset to the journey I started with".

import { h } from "../dom.js";

/** @typedef {{canUndo: boolean, canRedo: boolean, canReset: boolean}} ToolbarProps */

/**
 * @param {{undo: () => void, redo: () => void, reset: () => void}} actions
 * @returns {import("../dom.js").View<ToolbarProps>}
 */
export function toolbar(actions) {
  const button = (/** @type {string} */ cls, /** @type {string} */ text, /** @type {string} */ label, /** @type {() => void} */ onclick) =>
    /** @type {HTMLButtonElement} */ (h("button", { class: `jw-link ${cls}`, type: "button", "aria-label": label, title: label, onclick }, [text]));
  const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
  const mod = isMac ? "⌘" : "Ctrl+";
  const undo = button("jw-undo", "↶ Undo", `Undo (${mod}Z)`, actions.undo);
  const redo = button("jw-redo", "↷ Redo", `Redo (Shift+${mod}Z)`, actions.redo);
  const reset = button("jw-reset", "Reset", "Reset to the journey the builder started with", actions.reset);
  return {
    el: h("div", { class: "jw-toolbar", role: "toolbar", "aria-label": "Edit history" }, [undo, redo, reset]),
    update({ canUndo, canRedo, canReset }) {
      undo.disabled = !canUndo;
      redo.disabled = !canRedo;
      reset.disabled = !canReset;
    },
  };
}
