// @ts-check
// The status line: what the numbers below are, in one sentence; and the note that says the same of the chart.

import { h, setAttr, setText } from "../dom.js";

/** @typedef {import("../types.js").Status} Status */
/** @typedef {import("../types.js").ErrorDoc} ErrorDoc */
/** `drawing`: the chart below is being redrawn for the numbers shown (it is another widget, sent after them).
 * @typedef {{status: Status, hasResults: boolean, errors: ErrorDoc[], drawing?: boolean}} StatusProps */

/** The sentence for a state, and whether the numbers shown are not those of the journey in the editor.
 * @param {StatusProps} props @returns {{text: string, stale: boolean}} */
export function describeStatus({ status, hasResults, errors }) {
  if (status === "running") return { text: "Computing…", stale: hasResults };
  if (status === "invalid") {
    const incomplete = errors.length > 0 && errors.every((e) => e.incomplete);
    const todo = incomplete ? "Incomplete: finish the marked parts" : "Fix the marked fields";
    return { text: hasResults ? `${todo}. The numbers are of the last valid journey.` : `${todo}.`, stale: hasResults };
  }
  if (status === "error") return { text: hasResults ? "Query failed. The numbers are of the last valid journey." : "Query failed.", stale: hasResults };
  return { text: hasResults ? "Up to date" : "", stale: false };
}

/**
 * The running time of a query in the status line: nothing in its first second, then whole seconds.
 * @param {number} since start, ms since the epoch
 * @param {number} now ms since the epoch
 */
export function elapsedText(since, now) {
  const seconds = Math.floor((now - since) / 1000);
  return seconds >= 1 ? ` ${seconds} s` : "";
}

/** @returns {import("../dom.js").View<StatusProps>} */
export function statusLine() {
  const spinner = h("span", { class: "jw-spinner", "aria-hidden": "true", hidden: true });
  const text = h("span", { class: "jw-status-text" });
  const elapsed = h("span", { class: "jw-elapsed" });
  const el = h("div", { class: "jw-status", role: "status" }, [spinner, text, elapsed]);
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ticker;
  const stopTicker = () => {
    clearInterval(ticker);
    ticker = undefined;
    setText(elapsed, "");
  };
  return {
    el,
    update(props) {
      setAttr(el, "data-status", props.status);
      spinner.hidden = props.status !== "running";
      setText(text, describeStatus(props).text);
      if (props.status !== "running") stopTicker();
      else if (ticker === undefined) {
        const since = Date.now();
        ticker = setInterval(() => (el.isConnected ? setText(elapsed, elapsedText(since, Date.now())) : stopTicker()), 1000);
      }
    },
  };
}

/** The chart's note while the numbers shown are not the editor's journey's (the chart is dimmed meanwhile).
 * @param {StatusProps} props @returns {string} nothing when the chart is current */
export function chartNoteText(props) {
  if (!describeStatus(props).stale) return props.drawing && props.hasResults ? "Drawing the chart below…" : "";
  return props.status === "running" ? "Computing: the chart below is of the journey before this edit." :
    "The chart below is of the last valid journey.";
}

/** A note under the editor, above the chart (only where the chart is drawn below it: journey_builder.css).
 * @returns {import("../dom.js").View<StatusProps>} */
export function chartNote() {
  const el = h("div", { class: "jw-chart-note", role: "status" });
  return {
    el,
    update(props) {
      const text = chartNoteText(props);
      setText(el, text);
      el.hidden = !text;
    },
  };
}
