// @ts-check
// The drill-down panel: the actors behind one number of the funnel (who reached a stage, dropped off before it, or
// are still in progress towards it), a CSV of all of them, the events around that step and one actor's explanation. Each part is a request to the
// kernel of which only the newest is shown; a new result asks again (or closes the panel when its stage is gone),
// so the panel never shows another journey's actors.

import { eventLabel } from "../catalog.js";
import { h, setText, show, uid } from "../dom.js";
import { formatCount, formatTime } from "../format.js";
import { latest } from "../sync.js";
import { describeStatus } from "./status.js";

/** @typedef {import("../types.js").DrillTarget} DrillTarget */
/** @typedef {import("../types.js").DrillGroup} DrillGroup */
/** @typedef {import("../types.js").DrillReply} DrillReply */
/** @typedef {import("../types.js").DrillActor} DrillActor */
/** @typedef {import("../types.js").ExplanationReply} ExplanationReply */
/** @typedef {import("../types.js").FunnelRow} FunnelRow */
/** @typedef {import("../types.js").Request} Request */
/** @typedef {import("../types.js").CatalogDoc} CatalogDoc */
/** @typedef {import("./status.js").StatusProps & {rows: FunnelRow[]}} DrillProps */
/** @typedef {import("../dom.js").View<DrillProps> & {open: (target: DrillTarget, reveal?: boolean) => void}} DrillPanel */

/** Actors listed in the panel (the CSV has them all). */
export const LIMIT = 200;

/** The drill-down groups, each with the words of its title. @type {Record<DrillGroup, string>} */
const GROUP_WORDS = { reached: "Reached", dropped_off: "Dropped off before", in_progress: "Still in progress before" };

/** The drill-down of one of a funnel row's numbers ("Reached", "Dropped off", "In progress").
 * @param {FunnelRow} row @param {DrillGroup} group @returns {DrillTarget} */
export function rowTarget(row, group) {
  return { stage: row.stage_index, group, ...("breakdown" in row ? { segment: row.breakdown ?? null } : {}) };
}

/** The drill-down a message names (the kernel's, when a bar of the chart is clicked). @param {Record<string, any>} m
 * @returns {DrillTarget} */
export function messageTarget(m) {
  const group = m.group in GROUP_WORDS ? /** @type {DrillGroup} */ (m.group) : "reached";
  return { stage: Number(m.stage), group, ...("segment" in m ? { segment: m.segment ?? null } : {}) };
}

/** Whether the funnel `rows` still have the drill-down's number (after a new result). @param {DrillTarget} target
 * @param {FunnelRow[]} rows */
export function stillShown(target, rows) {
  const segmentOf = (/** @type {FunnelRow} */ r) => ("segment" in target ? (r.breakdown ?? null) === target.segment : true);
  return (target.group === "reached" || target.stage >= 2) && rows.some((r) => r.stage_index === target.stage && segmentOf(r));
}

/** The stage (and segment) a drill-down is of, in words. @param {DrillTarget} target @param {string} name */
export function stageText(target, name) {
  const segment = "segment" in target ? `, segment ${target.segment ?? "(none)"}` : "";
  return `${target.stage}. ${name}${segment}`;
}

/** The panel's title; with `total`, the count. @param {DrillTarget} target @param {string} name @param {number} [total] */
export function drillTitle(target, name, total) {
  const what = `${GROUP_WORDS[target.group]} ${stageText(target, name)}`;
  return total === undefined ? what : `${what}: ${formatCount(total)} ${total === 1 ? "actor" : "actors"}`;
}

/** What the list holds of the whole, in a sentence ("" when it is all there is to say). @param {DrillReply} reply */
export function drillSummary(reply) {
  const open = reply.group === "in_progress" ? "Their window is still open: they may yet reach the stage. " : "";
  const listed = reply.total > reply.actors.length ? `The first ${formatCount(reply.actors.length)} are listed; the CSV has all.` : "";
  return `${open}${listed}`.trim();
}

/** The events that explain the step, by their catalog labels: what those who dropped off did next, or what those who
 * reached the stage did on their way from the stage before; null when the reply has none (any order, stage 1).
 * @param {DrillReply} reply @param {CatalogDoc} catalog @returns {{heading: string, rows: [string, number][]} | null} */
export function drillEvents(reply, catalog) {
  const all = "segment" in reply ? " (all segments)" : "";
  /** @param {string} event @param {number} actors @returns {[string, number]} */
  const row = (event, actors) => [eventLabel(catalog, event), actors];
  if (reply.next_events) {
    return { heading: `Next event of those who dropped off, windows closed${all}`, rows: reply.next_events.map((r) => row(r.next_event, r.actors)) };
  }
  if (reply.events_between) {
    return { heading: `Events between stage ${reply.stage - 1} and stage ${reply.stage}${all}`, rows: reply.events_between.map((r) => row(r.event, r.actors)) };
  }
  return null;
}

/** The CSV's file name, e.g. "stage-2-converted-dropped-off.csv". @param {DrillTarget} target @param {string} name */
export function csvFileName(target, name) {
  const slug = (/** @type {string} */ text) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const parts = [`stage-${target.stage}`, slug(name), slug(target.group)];
  if ("segment" in target) parts.push(slug(target.segment ?? "none"));
  return `${parts.filter(Boolean).join("-")}.csv`;
}

/**
 * A table of `rows` under `headers` (the `numeric` columns right-aligned).
 * @param {string} label @param {string[]} headers @param {(Node | string)[][]} rows @param {number[]} numeric
 */
function dataTable(label, headers, rows, numeric = []) {
  const cls = (/** @type {number} */ i) => (numeric.includes(i) ? "jw-num" : undefined);
  return h("table", { class: "jw-drill-table", "aria-label": label }, [
    h("thead", {}, [h("tr", {}, headers.map((text, i) => h("th", { scope: "col", class: cls(i) }, [text])))]),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => h("td", { class: cls(i) }, [cell]))))),
  ]);
}

/** Save `text` as a file named `name` (a download of a Blob, made in the page). @param {HTMLElement} parent
 * @param {string} text @param {string} name */
function saveFile(parent, text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const link = h("a", { href: url, download: name, hidden: true });
  parent.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000); // once the browser has read it
}

/** @param {Request} request @param {() => CatalogDoc} catalog the step catalog, for events' labels @returns {DrillPanel} */
export function drilldownPanel(request, catalog) {
  const titleId = uid("drill-title");
  const title = h("div", { class: "jw-drill-title", id: titleId });
  const close = h("button", {
    class: "jw-icon jw-drill-close", type: "button", "aria-label": "Close the drill-down", title: "Close (Escape)",
    onclick: () => dismiss(),
  }, ["✕"]);
  const summary = h("div", { class: "jw-drill-summary" });
  const error = h("div", { class: "jw-error jw-drill-error", role: "alert", hidden: true });
  const download = /** @type {HTMLButtonElement} */ (h("button", { class: "jw-drill-csv", type: "button", onclick: () => downloadCsv() }));
  const actors = h("div", { class: "jw-drill-actors jw-drill-scroll", tabindex: "0", role: "region", "aria-label": "Actors" });
  const events = h("div", { class: "jw-drill-events" });
  const explanation = h("div", { class: "jw-drill-explanation", "aria-live": "polite" });
  const el = h("section", {
    class: "jw-drilldown", "aria-labelledby": titleId, hidden: true,
    onkeydown: (/** @type {KeyboardEvent} */ e) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      dismiss();
    },
  }, [
    h("div", { class: "jw-drill-head" }, [title, download, close]), summary, error,
    h("div", { class: "jw-drill-body" }, [actors, events]), explanation,
  ]);
  const listing = latest();
  const csv = latest();
  const explaining = latest();
  /** @type {DrillTarget | null} */
  let target = null;
  let name = "";
  /** @type {FunnelRow[]} */
  let rows = [];
  /** @type {HTMLElement | null} what had the focus when the panel was opened (a number of the funnel table) */
  let opener = null;

  /** @param {string} message */
  function showError(message) {
    setText(error, message);
    show(error, Boolean(message));
  }
  function resetDownload() {
    download.disabled = !target;
    setText(download, "Download CSV");
  }

  /** Ask for `next`'s actors; everything shown of another drill-down (or result) goes at once. @param {DrillTarget} next */
  function ask(next) {
    target = next;
    name = rows.find((r) => r.stage_index === next.stage)?.stage ?? "";
    csv.cancel();
    explaining.cancel();
    setText(title, drillTitle(next, name));
    setText(summary, "Loading…");
    showError("");
    resetDownload();
    actors.replaceChildren();
    events.replaceChildren();
    explanation.replaceChildren();
    el.setAttribute("aria-busy", "true");
    show(el, true);
    request({ type: "drilldown", ...next, limit: LIMIT }, listing.next((reply) => showListing(next, reply)));
  }

  /** @param {DrillTarget} asked @param {DrillReply} reply */
  function showListing(asked, reply) {
    el.removeAttribute("aria-busy");
    download.disabled = Boolean(reply.error) || reply.total === 0;
    if (reply.error) {
      setText(summary, "");
      showError(reply.error);
      return;
    }
    name = reply.name;
    setText(title, drillTitle(asked, name, reply.total));
    setText(summary, drillSummary(reply));
    const actorCell = (/** @type {DrillActor} */ a) => h("button", {
      class: "jw-link jw-drill-actor", type: "button", "aria-label": `Explain actor ${a.actor_id}`,
      onclick: (/** @type {Event} */ e) => explain(a, /** @type {HTMLElement} */ (e.currentTarget)),
    }, [a.actor_id]);
    const yes = (/** @type {boolean} */ flag) => (flag ? "yes" : "");
    actors.replaceChildren(dataTable("Actors", ["Actor", "Anonymous", "Depth", "In progress"],
      reply.actors.map((a) => [actorCell(a), yes(a.is_anonymous), String(a.depth), yes(a.in_progress)]), [2]));
    const around = drillEvents(reply, catalog());
    events.replaceChildren(...(around ? [
      h("div", { class: "jw-drill-subtitle" }, [around.heading]),
      dataTable(around.heading, ["Event", "Actors"], around.rows.map(([event, n]) => [event, formatCount(n)]), [1]),
    ] : []));
  }

  /** @param {DrillActor} actor @param {HTMLElement} button its button in the list, marked as the one explained */
  function explain(actor, button) {
    for (const marked of actors.querySelectorAll("[aria-current]")) marked.removeAttribute("aria-current");
    button.setAttribute("aria-current", "true");
    explanation.replaceChildren(h("div", { class: "jw-drill-subtitle" }, [`Explaining actor ${actor.actor_id}…`]));
    request({ type: "explain", actor_id: actor.actor_id, anonymous: actor.is_anonymous }, explaining.next(showExplanation));
  }

  /** @param {ExplanationReply} reply */
  function showExplanation(reply) {
    if (reply.error) {
      explanation.replaceChildren(h("div", { class: "jw-error jw-drill-error", role: "alert" }, [reply.error]));
      return;
    }
    explanation.replaceChildren(
      h("div", { class: "jw-drill-subtitle" }, [`Why actor ${reply.actor_id} counts as it does`]),
      h("div", { class: "jw-drill-explanation-text" }, reply.text.split("\n").map((line) => h("div", {}, [formatTime(line)]))),
      dataTable(`Events of actor ${reply.actor_id}`, ["Time", "Event", "Matches", "Why a step did not match"],
        reply.events.map((e) => [formatTime(e.time), eventLabel(catalog(), e.event), e.matches ?? "", e.failed ?? ""])),
    );
  }

  function downloadCsv() {
    if (!target) return;
    const asked = target;
    download.disabled = true;
    setText(download, "Preparing CSV…");
    request({ type: "csv", ...asked }, csv.next((reply) => {
      resetDownload();
      if (reply.error) showError(reply.error);
      else saveFile(el, reply.csv, csvFileName(asked, name));
    }));
  }

  function closePanel() {
    target = null;
    listing.cancel();
    csv.cancel();
    explaining.cancel();
    show(el, false);
  }

  /** Closed by the user (Escape, ✕): the focus goes back to what opened the panel, else (a new result redrew the
   * table) to the numbers, so it stays in the builder. */
  function dismiss() {
    const inside = el.contains(document.activeElement);
    closePanel();
    const numbers = /** @type {HTMLElement | null | undefined} */ (el.parentElement?.querySelector(".jw-results"));
    if (inside) (opener?.isConnected ? opener : numbers)?.focus();
  }

  return {
    el,
    open(next, reveal = false) {
      const active = /** @type {HTMLElement | null} */ (document.activeElement);
      if (active && !el.contains(active)) opener = active;
      ask(next);
      if (reveal) el.scrollIntoView({ block: "nearest" });
    },
    update(props) {
      if (props.rows !== rows) {
        rows = props.rows;
        if (target && stillShown(target, rows)) ask(target); // the new result's actors
        else if (target) closePanel(); // its stage (or segment) is gone
      }
      el.classList.toggle("jw-stale", describeStatus(props).stale); // of the numbers shown, as they are
    },
  };
}
