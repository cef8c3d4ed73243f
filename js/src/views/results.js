// @ts-check
// The numbers: the status line, a backend error if any, and the funnel table. Numbers that are not those
// of the journey in the editor (computing, or an invalid edit) are dimmed and say so.

import { h, setText, show } from "../dom.js";
import { formatCount, formatSeconds, formatShare } from "../format.js";
import { describeStatus, statusLine } from "./status.js";

/** @typedef {import("./status.js").StatusProps} StatusProps */
/** @typedef {StatusProps & {rows: Record<string, any>[], message: string}} ResultsProps */

const COLUMNS = ["Stage", "Reached", "From start", "From previous", "Dropped off", "Median time"];

/** @param {Record<string, any>[]} rows */
function table(rows) {
  const broken = "breakdown" in rows[0];
  return h("table", { class: "jw-funnel-table" }, [
    h("thead", {}, [h("tr", {}, [broken ? h("th", { scope: "col" }, ["Segment"]) : null,
      ...COLUMNS.map((c) => h("th", { scope: "col" }, [c]))])]),
    h("tbody", {}, rows.map((r) => h("tr", {}, [
      broken ? h("td", {}, [r.breakdown ?? "(none)"]) : null,
      h("td", {}, [`${r.stage_index}. ${r.stage}`]),
      h("td", { class: "jw-num jw-actors" }, [formatCount(r.actors)]),
      h("td", { class: "jw-num" }, [formatShare(r.conversion_from_start)]),
      h("td", { class: "jw-num" }, [r.stage_index === 1 ? "" : formatShare(r.conversion_from_previous)]),
      h("td", { class: "jw-num" }, [r.stage_index === 1 ? "" : formatCount(r.dropped_off)]),
      h("td", { class: "jw-num" }, [formatSeconds(r.median_seconds_from_previous)]),
    ]))),
  ]);
}

/** @returns {import("../dom.js").View<ResultsProps>} */
export function resultsView() {
  const status = statusLine();
  const message = h("div", { class: "jw-error jw-backend-error", role: "alert", hidden: true });
  const numbers = h("div", { class: "jw-numbers" });
  /** @type {Record<string, any>[] | null} */
  let shown = null;
  // it scrolls sideways when the table is wider than its column (a breakdown): focusable, to scroll by keyboard
  const el = h("div", { class: "jw-results", tabindex: "0", role: "region", "aria-label": "Funnel numbers" }, [status.el, message, numbers]);
  return {
    el,
    update(props) {
      status.update(props);
      setText(message, props.message);
      show(message, Boolean(props.message));
      if (props.rows !== shown) {
        shown = props.rows;
        numbers.replaceChildren(...(props.rows.length ? [table(props.rows)] : []));
      }
      const stale = describeStatus(props).stale;
      numbers.classList.toggle("jw-stale", stale);
      numbers.setAttribute("aria-busy", String(props.status === "running"));
    },
  };
}
