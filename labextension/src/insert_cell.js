// @ts-check
// "Insert cell below" for the builder in a notebook. The builder (js/src/views/code_actions.js) asks the page with
// PROBE whether it can insert a cell below its own cell, and sends its Python code with INSERT; both DOM events
// bubble from the builder to the document, where this module answers them for builders inside a notebook cell.

import { NotebookActions } from "@jupyterlab/notebook";

export const PROBE = "journey-widgets:probe-insert-cell";
export const INSERT = "journey-widgets:insert-cell-below";
export const COMMAND = "journey-widgets:insert-cell-below";

/** The notebook panel and index of the cell holding `node`, if any. @param {any} tracker @param {Node} node */
function cellOf(tracker, node) {
  const panel = tracker.find((/** @type {any} */ p) => p.node.contains(node));
  if (!panel) return null;
  const index = panel.content.widgets.findIndex((/** @type {any} */ cell) => cell.node.contains(node));
  return index < 0 ? null : { panel, index };
}

/** Register the command and answer the builder's events. @param {any} app @param {any} tracker */
export function activateInsertCell(app, tracker) {
  app.commands.addCommand(COMMAND, {
    label: "Insert Journey Code Below",
    caption: "Insert the given Python code in a new cell below a notebook cell",
    /** @param {{code?: string, notebook?: string, index?: number}} args */
    execute: (args) => {
      const panel = args.notebook ? tracker.find((/** @type {any} */ p) => p.id === args.notebook) : tracker.currentWidget;
      if (!panel) return;
      const notebook = panel.content;
      if (typeof args.index === "number") notebook.activeCellIndex = args.index;
      NotebookActions.insertBelow(notebook);
      notebook.activeCell.model.sharedModel.setSource(String(args.code ?? ""));
    },
  });
  document.addEventListener(PROBE, (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    if (detail && event.target instanceof Node && cellOf(tracker, event.target)) detail.available = true;
  });
  document.addEventListener(INSERT, (event) => {
    const place = event.target instanceof Node ? cellOf(tracker, event.target) : null;
    if (!place) return;
    const code = /** @type {CustomEvent} */ (event).detail?.code ?? "";
    void app.commands.execute(COMMAND, { code, notebook: place.panel.id, index: place.index });
  });
}
