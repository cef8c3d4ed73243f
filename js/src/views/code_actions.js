// @ts-check
// The journey as code: "Copy as Python" (every host) and "Insert cell below" (JupyterLab and Notebook 7 with the
// journey-widgets extension). The kernel writes the code (journey_widgets.codegen) into the `python` trait; it is
// empty while the editor holds an invalid journey.
//
// The page and the builder talk through two DOM events that bubble from the builder: the extension answers
// PROBE by setting `detail.available` (only where the builder sits in a notebook cell), and inserts
// `detail.code` in a new cell below the builder's on INSERT. Without the extension nobody answers: the button
// stays hidden.

import { h, setText } from "../dom.js";

export const PROBE = "journey-widgets:probe-insert-cell";
export const INSERT = "journey-widgets:insert-cell-below";

/** @typedef {import("../types.js").Model} Model */

/** Whether the page can insert a cell below `el` (an extension answered the probe). @param {Element} el */
export function canInsertBelow(el) {
  const detail = { available: false };
  el.dispatchEvent(new CustomEvent(PROBE, { bubbles: true, composed: true, detail }));
  return detail.available;
}

/** Copy `text` with the Clipboard API, else with a selected text area and the copy command (iframes, http).
 * @param {string} text @param {HTMLElement} near @returns {Promise<boolean>} */
export async function copyText(text, near) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = /** @type {HTMLTextAreaElement} */ (h("textarea", { class: "jw-copy-buffer", readOnly: true, value: text }));
    near.append(area);
    area.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    area.remove();
    return copied;
  }
}

/** The two buttons, following the model by themselves. @param {Model} model
 * @returns {{el: HTMLElement, dispose: () => void}} */
export function codeActions(model) {
  const status = h("span", { class: "jw-code-status", role: "status", "aria-live": "polite" });
  /** The code, shown selected when the clipboard refused it (the user copies it by hand). */
  const manual = /** @type {HTMLTextAreaElement} */ (h("textarea", { class: "jw-code-manual", readOnly: true, hidden: true, rows: 6 }));
  const code = () => /** @type {string} */ (model.get("python") ?? "");
  const copy = /** @type {HTMLButtonElement} */ (h("button", {
    class: "jw-link jw-copy-python", type: "button", title: "Copy the Python code that builds this journey",
    onclick: async () => {
      const text = code();
      if (await copyText(text, el)) {
        manual.hidden = true;
        setText(status, "Copied");
      } else {
        manual.value = text;
        manual.hidden = false;
        manual.select();
        setText(status, "Copy the selected code (Ctrl/Cmd+C)");
      }
    },
  }, ["Copy as Python"]));
  const insert = /** @type {HTMLButtonElement} */ (h("button", {
    class: "jw-link jw-insert-python", type: "button", hidden: true,
    title: "Insert the Python code that builds this journey in a new cell below",
    onclick: () => {
      insert.dispatchEvent(new CustomEvent(INSERT, { bubbles: true, composed: true, detail: { code: code() } }));
      setText(status, "Inserted below");
    },
  }, ["Insert cell below"]));
  const el = h("span", { class: "jw-code-actions" }, [copy, insert, status, manual]);

  function update() {
    const ready = code() !== "";
    copy.disabled = insert.disabled = !ready;
    copy.title = ready ? "Copy the Python code that builds this journey" : "Fix the journey first: it is not valid yet";
    if (el.isConnected) insert.hidden = !canInsertBelow(el);
  }
  update();
  // the builder is attached to the page after render: ask the page once it is there
  const timer = setTimeout(update, 0);
  model.on("change:python", update);
  return {
    el,
    dispose() {
      clearTimeout(timer);
      model.off("change:python", update);
    },
  };
}
