// @ts-check
// Keys pressed in the builder stay in the builder: the notebook's shortcuts (D D, A, B, arrows, Enter) must not
// act on the cells while someone types or moves around the editor. Undo/redo shortcuts act on the builder.

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
 * Contain key events in `root`; Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (or Ctrl+Y) undo and redo outside text boxes.
 * @param {HTMLElement} root @param {{undo: () => void, redo: () => void}} actions
 * @returns {() => void} removes the listeners
 */
export function containKeys(root, actions) {
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
  root.addEventListener("keydown", onKeydown);
  root.addEventListener("keypress", stop);
  root.addEventListener("keyup", stop);
  return () => {
    root.removeEventListener("keydown", onKeydown);
    root.removeEventListener("keypress", stop);
    root.removeEventListener("keyup", stop);
  };
}
