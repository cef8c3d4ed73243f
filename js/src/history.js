// @ts-check
// A bounded undo/redo history of journey documents (pure: each call returns a new history).

/**
 * @template T
 * @typedef {{past: T[], present: T, future: T[], limit: number}} History
 */

/** @template T @param {T} present @param {number} limit @returns {History<T>} */
export function startHistory(present, limit = 100) {
  return { past: [], present, future: [], limit };
}

/** Record an edit: the old present goes to the past (the oldest dropped past `limit`), the redo list empties.
 * @template T @param {History<T>} history @param {T} next @returns {History<T>} */
export function record(history, next) {
  const past = [...history.past, history.present].slice(-history.limit);
  return { ...history, past, present: next, future: [] };
}

/** Follow a change made elsewhere (the kernel): it becomes the present without an undo step.
 * @template T @param {History<T>} history @param {T} present @returns {History<T>} */
export function follow(history, present) {
  return { ...history, present };
}

/** @template T @param {History<T>} history @returns {History<T>} */
export function undo(history) {
  if (!history.past.length) return history;
  return {
    ...history,
    past: history.past.slice(0, -1),
    present: history.past[history.past.length - 1],
    future: [history.present, ...history.future],
  };
}

/** @template T @param {History<T>} history @returns {History<T>} */
export function redo(history) {
  if (!history.future.length) return history;
  return {
    ...history,
    past: [...history.past, history.present],
    present: history.future[0],
    future: history.future.slice(1),
  };
}
