// @ts-check
// The model sync: the editor's edits go to the `journey` trait (one `save_changes` each) through a bounded
// undo/redo history; value suggestions and drill-downs are requests and replies (matched by id) over custom
// messages, and the kernel's own messages (a bar of the chart clicked) go to their listeners.

import { follow, record, redo, startHistory, undo } from "./history.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").JourneyDoc} JourneyDoc */
/** @typedef {import("./types.js").Suggestion} Suggestion */
/** @typedef {import("./types.js").KernelMessage} KernelMessage */
/** @typedef {import("./types.js").KernelRequest} KernelRequest */
/** @typedef {import("./types.js").Replies} Replies */
/** @typedef {import("./types.js").ShowDrilldown} ShowDrilldown */

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
  /** @type {Map<number, (reply: any) => void>} the reply callback of each request sent, by id */
  const replies = new Map();
  /** @type {Map<"show_drilldown", (message: ShowDrilldown) => void>} */
  const listeners = new Map();

  /** @param {JourneyDoc} doc */
  function send(doc) {
    model.set("journey", doc);
    model.save_changes();
  }

  /** @param {KernelMessage} message */
  function onCustom(message) {
    if (message?.type === "show_drilldown") {
      listeners.get(message.type)?.(message);
      return;
    }
    const reply = replies.get(message?.id);
    if (reply) {
      replies.delete(message.id);
      reply(message);
    }
  }
  /** Send `content` to the kernel with a new id; `reply` gets the kernel's answer to it.
   * @template {KernelRequest} R @param {R} content @param {(reply: Replies[R["type"]]) => void} reply */
  function request(content, reply) {
    requestId += 1;
    replies.set(requestId, reply);
    model.send({ ...content, id: requestId });
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
    /** Ask the kernel for values of `property` containing `search`, counted among the events of type `event`.
     * @param {string} event @param {string} property @param {string} search @param {(values: Suggestion[]) => void} reply */
    suggest(event, property, search, reply) {
      request({ type: "suggest", event, property, search }, (message) => reply(message.values ?? []));
    },
    request,
    /** Call `listener` with each message of `type` the kernel sends of itself (one listener a type).
     * @param {"show_drilldown"} type @param {(message: ShowDrilldown) => void} listener */
    listen(type, listener) {
      listeners.set(type, listener);
    },
    dispose() {
      listeners.clear();
      model.off("msg:custom", onCustom);
      model.off("change:journey", onJourney);
    },
  };
}

/**
 * Requests of which only the newest counts (a newer drill-down supersedes an older one): `next` wraps the reply
 * callback of a new request, which then runs only if no request came (and no `cancel`) since.
 */
export function latest() {
  let newest = 0;
  return {
    /** @template T @param {(reply: T) => void} callback @returns {(reply: T) => void} */
    next(callback) {
      newest += 1;
      const mine = newest;
      return (reply) => {
        if (mine === newest) callback(reply);
      };
    },
    cancel() {
      newest += 1;
    },
  };
}
