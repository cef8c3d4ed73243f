// @ts-check
// The Python a journey document's kernel runs (journey_widgets.document.open_document); pure, so tests/test_document.py
// runs it with node and then the Python it writes.

/** @typedef {{events: string, identity: string}} DataChoice */

/** The builder on the file's `text` and the chosen data. JSON text literals are Python text literals.
 * @param {string} text @param {DataChoice} data */
export function kernelCode(text, data) {
  const args = [text, data.events ?? "", data.identity ?? ""].map((value) => JSON.stringify(value));
  return `from journey_widgets.document import open_document\nopen_document(${args.join(", ")})`;
}
