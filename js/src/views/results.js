// @ts-check
// The numbers: the status line, a backend error if any, and the funnel table. Numbers that are not those of the
// journey in the editor (computing, or an invalid edit) are dimmed and say so. A stage's "Reached" and "Dropped off"
// numbers open the drill-down of the actors behind them. An optional stage's row is tagged (nobody drops off there);
// compared with the previous period, the rows are the current period's, the previous period's count under each count
// and the change under each conversion from start ("+3.1 pts vs previous").

import { changeLine, compares, previousCount } from "../comparison.js";
import { h, setText, show } from "../dom.js";
import { formatCount, formatSeconds, formatShare } from "../format.js";
import { drillTitle, rowTarget } from "./drilldown.js";
import { describeStatus, statusLine } from "./status.js";

/** @typedef {import("./status.js").StatusProps} StatusProps */
/** @typedef {import("../types.js").FunnelRow} FunnelRow */
/** @typedef {import("../types.js").DrillTarget} DrillTarget */
/** @typedef {StatusProps & {rows: FunnelRow[], message: string}} ResultsProps */

const COLUMNS = ["Stage", "Reached", "From start", "From previous", "Dropped off", "Median time"];
const COMPARED = "The current period; under its numbers, the previous period's (the same length, just before).";

/** A line under a number: the previous period's, or the change (bold when unlikely to be chance).
 * @param {import("../comparison.js").Line | null} line */
function under(line) {
  if (!line) return [];
  return [h("br"), h("span", { class: `jw-previous${line.significant ? " jw-significant" : ""}`, title: line.title }, [line.text])];
}

/** A stage's name, tagged when the stage is optional. @param {FunnelRow} r */
function stageTd(r) {
  const tag = r.optional ? h("span", { class: "jw-tag", title: "An optional stage: the path may skip it" }, ["optional"]) : null;
  return h("td", {}, [`${r.stage_index}. ${r.stage}`, tag]);
}

/**
 * @param {FunnelRow[]} rows
 * @param {(target: DrillTarget) => void} open opens a number's drill-down
 */
function table(rows, open) {
  const broken = "breakdown" in rows[0];
  /** A number that opens the drill-down of its actors. @param {FunnelRow} r
   * @param {import("../types.js").DrillGroup} group @param {number} n @param {string} [suffix] */
  const drill = (r, group, n, suffix = "") => {
    const target = rowTarget(r, group);
    return h("button", {
      class: `jw-link jw-drill-open jw-drill-${group}`, type: "button",
      "aria-label": `List the actors: ${drillTitle(target, r.stage, n)}`, onclick: () => open(target),
    }, [formatCount(n) + suffix]);
  };
  /** Those who did not reach the stage: dropped off, and (a drill-down of their own) still in progress. @param {FunnelRow} r */
  const notReached = (r) => [drill(r, "dropped_off", r.dropped_off),
    ...(r.in_progress ? [h("br"), drill(r, "in_progress", r.in_progress, " in progress")] : [])];
  const compared = compares(rows);
  return h("table", { class: "jw-funnel-table" }, [
    compared ? h("caption", {}, [COMPARED]) : null,
    h("thead", {}, [h("tr", {}, [broken ? h("th", { scope: "col" }, ["Segment"]) : null,
      ...COLUMNS.map((c) => h("th", { scope: "col" }, [c]))])]),
    h("tbody", {}, rows.map((r) => h("tr", { class: r.optional ? "jw-optional-row" : null }, [
      broken ? h("td", {}, [r.breakdown ?? "(none)"]) : null,
      stageTd(r),
      h("td", { class: "jw-num jw-actors" }, [drill(r, "reached", r.actors), ...(compared ? under(previousCount(r)) : [])]),
      h("td", { class: "jw-num" }, [formatShare(r.conversion_from_start), ...(compared ? under(changeLine(r)) : [])]),
      h("td", { class: "jw-num" }, [r.stage_index === 1 ? "" : formatShare(r.conversion_from_previous)]),
      h("td", { class: "jw-num jw-dropped" }, r.stage_index === 1 || r.optional ? [""] : notReached(r)),
      h("td", { class: "jw-num" }, [formatSeconds(r.median_seconds_from_previous)]),
    ]))),
  ]);
}

/** @param {(target: DrillTarget) => void} open opens a drill-down @returns {import("../dom.js").View<ResultsProps>} */
export function resultsView(open) {
  const status = statusLine();
  const message = h("div", { class: "jw-error jw-backend-error", role: "alert", hidden: true });
  const numbers = h("div", { class: "jw-numbers" });
  /** @type {FunnelRow[] | null} */
  let shown = null;
  // it scrolls sideways when the table is wider than its column (a breakdown): focusable, to scroll by keyboard
  const el = h("div", { class: "jw-results", tabindex: "0", role: "region", "aria-label": "Funnel numbers" },
    [status.el, message, numbers]);
  return {
    el,
    update(props) {
      status.update(props);
      setText(message, props.message);
      show(message, Boolean(props.message));
      if (props.rows !== shown) {
        shown = props.rows;
        numbers.replaceChildren(...(props.rows.length ? [table(props.rows, open)] : []));
      }
      const stale = describeStatus(props).stale;
      numbers.classList.toggle("jw-stale", stale);
      numbers.setAttribute("aria-busy", String(props.status === "running"));
    },
  };
}
