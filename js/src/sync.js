// @ts-check
// The model sync: the editor's edits go to the `journey` trait (one `save_changes` each) through a bounded
// undo/redo history; value suggestions are requests and replies over custom messages.

import { follow, record, redo, startHistory, undo } from "./history.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("./types.js").Suggestion} Suggestion */

export const HISTORY_LIMIT = 100;

/** JSON text with the keys of every object sorted (hosts may reorder them). @param {any} value @returns {string} */
const canonical = (value) => JSON.stringify(value, (_key, v) =>
  v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v);

/** @param {any} a @param {any} b */
const same = (a, b) => canonical(a) === canonical(b);

/** @param {Model} model */
export function connect(model) {
  /** @type {import("./history.js").History<JourneyDoc>} */
  let history = startHistory(model.get("journey"), HISTORY_LIMIT);
  const started = model.get("initial") && Object.keys(model.get("initial")).length ? model.get("initial") : model.get("journey");
  let requestId = 0;
  /** @type {Map<number, (values: Suggestion[]) => void>} */
  const replies = new Map();

  /** @param {JourneyDoc} doc */
  function send(doc) {
    model.set("journey", doc);
    model.save_changes();
  }

  /** @param {any} message */
  function onCustom(message) {
    if (message?.type !== "suggestions") return;
    const reply = replies.get(message.id);
    replies.delete(message.id);
    reply?.(message.values ?? []);
  }
  /** A change from the kernel (or another view) becomes the present, without an undo step. */
  function onJourney() {
    const doc = model.get("journey");
    if (doc !== history.present) history = follow(history, doc);
  }
  model.on("msg:custom", onCustom);
  model.on("change:journey", onJourney);

  return {
    /** @returns {JourneyDoc} */
    journey: () => model.get("journey"),
    /** Apply an edit (nothing happens when it changes nothing). @param {JourneyDoc} next */
    commit(next) {
      if (same(next, model.get("journey"))) return;
      history = record(history, next);
      send(next);
    },
    undo() {
      const before = history;
      history = undo(history);
      if (history !== before) send(history.present);
    },
    redo() {
      const before = history;
      history = redo(history);
      if (history !== before) send(history.present);
    },
    /** Back to the journey the builder started with (itself an edit that can be undone). */
    reset() {
      this.commit(structuredClone(started));
    },
    can() {
      return { canUndo: history.past.length > 0, canRedo: history.future.length > 0, canReset: !same(started, model.get("journey")) };
    },
    /** Ask the kernel for values of `property` containing `search`. @param {string} property @param {string} search
     * @param {(values: Suggestion[]) => void} reply */
    suggest(property, search, reply) {
      requestId += 1;
      replies.set(requestId, reply);
      model.send({ type: "suggest", id: requestId, property, search });
    },
    dispose() {
      model.off("msg:custom", onCustom);
      model.off("change:journey", onJourney);
    },
  };
}
