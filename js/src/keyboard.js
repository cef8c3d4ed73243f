// @ts-check
// Keys pressed in the builder stay in the builder: the notebook's shortcuts (D D, A, B, arrows, Enter) must not
// act on the cells while someone types or moves around the editor or its charts (their tabs, their "…" menus).
// Undo/redo shortcuts act on the builder.

const SUPPRESS = "data-lm-suppress-shortcuts";

/** Keys the host keeps: saving the notebook and running the cell. @param {KeyboardEvent} e */
function forHost(e) {
  const mod = e.ctrlKey || e.metaKey;
  return (mod && e.key.toLowerCase() === "s") || (e.key === "Enter" && (e.shiftKey || mod));
}

/** A text box holds its own undo history. @param {EventTarget | null} target */
function editsText(target) {
  return target instanceof HTMLInputElement && ["text", "search", "number"].includes(target.type);
}

/**
 * Contain key events in `node`; Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (or Ctrl+Y) undo and redo outside text boxes.
 * @param {HTMLElement} node @param {{undo: () => void, redo: () => void}} actions
 * @returns {() => void} removes the listeners
 */
export function containKeys(node, actions) {
  /** @param {Event} event */
  const stop = (event) => {
    if (!forHost(/** @type {KeyboardEvent} */ (event))) event.stopPropagation();
  };
  /** @param {KeyboardEvent} e */
  const onKeydown = (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && !editsText(e.target) && (key === "z" || key === "y")) {
      e.preventDefault();
      if (key === "y" || e.shiftKey) actions.redo();
      else actions.undo();
    }
    stop(e);
  };
  // Where the host looks its shortcuts up before the key reaches the builder (Notebook 7 listens in the capture
  // phase), it skips an element with this mark: on the node, and on what gets the focus in it (a shortcut such as
  // "D D" applies to the focused element itself, ":focus", whatever its parents say).
  /** @param {FocusEvent} e */
  const mark = (e) => e.target instanceof Element && e.target.setAttribute(SUPPRESS, "true");
  node.setAttribute(SUPPRESS, "true");
  const listeners = /** @type {[string, (e: any) => void][]} */ ([
    ["keydown", onKeydown], ["keypress", stop], ["keyup", stop], ["focusin", mark],
  ]);
  for (const [type, listener] of listeners) node.addEventListener(type, listener);
  return () => {
    for (const [type, listener] of listeners) node.removeEventListener(type, listener);
  };
}
