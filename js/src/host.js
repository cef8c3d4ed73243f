// @ts-check
// The page around the editor. In a notebook the editor is one part of the builder's box (`.jw-builder`: the editor,
// then the tabs of its charts, each another widget); it is put in the page after it is drawn.

/**
 * Call `found(box)` with the builder's box around `root` once `root` is in the page (`null` where the editor is shown
 * alone, as in marimo).
 * @param {HTMLElement} root @param {(box: HTMLElement | null) => void} found @returns {() => void} stops waiting
 */
export function whenInPage(root, found) {
  let frame = 0;
  const look = () => {
    if (root.isConnected) found(/** @type {HTMLElement | null} */ (root.parentElement?.closest(".jw-builder") ?? null));
    else frame = requestAnimationFrame(look);
  };
  look();
  return () => cancelAnimationFrame(frame);
}
