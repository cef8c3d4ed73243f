// Unit tests of the drill-down's logic: requests and replies by id, the newest request wins, what the panel says.
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatTime } from "../src/format.js";
import { connect, latest } from "../src/sync.js";
import {
  csvFileName, drillEvents, drillSummary, drillTitle, messageTarget, rowTarget, stillShown,
} from "../src/views/drilldown.js";

/** A model as anywidget's, enough for `connect`: it records what is sent and delivers what the kernel sends. */
function fakeModel() {
  const handlers = new Map();
  const sent = [];
  return {
    sent,
    get: (name) => (name === "journey" ? { name: "j", stages: [] } : undefined),
    set() {},
    save_changes() {},
    send: (content) => sent.push(content),
    on: (event, callback) => handlers.set(event, callback),
    off: (event) => handlers.delete(event),
    fromKernel: (message) => handlers.get("msg:custom")?.(message),
  };
}

test("replies reach their request by id; the kernel's own messages reach their listener", () => {
  const model = fakeModel();
  const store = connect(model);
  const got = [];
  store.request({ type: "drilldown", stage: 2 }, (reply) => got.push(["first", reply.total]));
  store.suggest("page_visited", "country", "u", (values) => got.push(["suggest", values]));
  store.listen("show_drilldown", (message) => got.push(["show", message.stage]));
  assert.deepEqual(model.sent, [
    { type: "drilldown", stage: 2, id: 1 },
    { type: "suggest", event: "page_visited", property: "country", search: "u", id: 2 },
  ]);
  model.fromKernel({ type: "suggestions", id: 2, values: [{ value: "US", count: 3 }] });
  model.fromKernel({ type: "drilldown", id: 1, total: 7 });
  model.fromKernel({ type: "drilldown", id: 1, total: 8 }); // answered already: dropped
  model.fromKernel({ type: "show_drilldown", stage: 3, dropped: false });
  assert.deepEqual(got, [["suggest", [{ value: "US", count: 3 }]], ["first", 7], ["show", 3]]);
  store.dispose();
  model.fromKernel({ type: "show_drilldown", stage: 1 });
  assert.equal(got.length, 3);
});

test("only the newest request's reply is shown; a cancel drops the one on its way", () => {
  const slot = latest();
  const shown = [];
  const older = slot.next((reply) => shown.push(reply));
  const newer = slot.next((reply) => shown.push(reply));
  newer("new");
  older("old");
  assert.deepEqual(shown, ["new"]);
  const pending = slot.next((reply) => shown.push(reply));
  slot.cancel();
  pending("after the cancel");
  assert.deepEqual(shown, ["new"]);
});

test("a number's drill-down: its stage, its group, and its segment when the funnel has a breakdown", () => {
  assert.deepEqual(rowTarget({ stage_index: 2, stage: "B" }, "dropped_off"), { stage: 2, group: "dropped_off" });
  assert.deepEqual(rowTarget({ stage_index: 2, stage: "B" }, "in_progress"), { stage: 2, group: "in_progress" });
  assert.deepEqual(rowTarget({ stage_index: 1, breakdown: null }, "reached"), { stage: 1, group: "reached", segment: null });
  assert.deepEqual(messageTarget({ type: "show_drilldown", stage: 3, group: "in_progress" }), { stage: 3, group: "in_progress" });
  assert.deepEqual(messageTarget({ stage: 1, group: "nope", segment: "US" }), { stage: 1, group: "reached", segment: "US" });
});

test("after a new result the panel stays only where the funnel still has its number", () => {
  const rows = [{ stage_index: 1 }, { stage_index: 2 }];
  assert.ok(stillShown({ stage: 2, group: "dropped_off" }, rows));
  assert.ok(stillShown({ stage: 2, group: "in_progress" }, rows));
  assert.ok(!stillShown({ stage: 3, group: "reached" }, rows)); // the stage was removed
  assert.ok(!stillShown({ stage: 1, group: "dropped_off" }, rows)); // no one drops off before stage 1
  const segments = [{ stage_index: 1, breakdown: "US" }, { stage_index: 1, breakdown: null }];
  assert.ok(stillShown({ stage: 1, group: "reached", segment: null }, segments));
  assert.ok(!stillShown({ stage: 1, group: "reached", segment: "DE" }, segments));
});

test("the title names the stage, the number clicked and the count", () => {
  assert.equal(drillTitle({ stage: 2, group: "dropped_off" }, "Converted", 1234), "Dropped off before 2. Converted: 1,234 actors");
  assert.equal(drillTitle({ stage: 2, group: "in_progress" }, "Converted", 7), "Still in progress before 2. Converted: 7 actors");
  assert.equal(drillTitle({ stage: 1, group: "reached", segment: null }, "Visited", 1), "Reached 1. Visited, segment (none): 1 actor");
  assert.equal(drillTitle({ stage: 3, group: "reached" }, "Met"), "Reached 3. Met");
});

test("the summary of the dropped off no longer counts those in progress; it says when the list is cut", () => {
  const reply = { id: 1, stage: 2, name: "B", group: "dropped_off", total: 450, actors: new Array(200) };
  assert.equal(drillSummary(reply), "The first 200 are listed; the CSV has all.");
  assert.equal(drillSummary({ ...reply, group: "in_progress", total: 7, actors: new Array(7) }),
    "Their window is still open: they may yet reach the stage.");
  assert.equal(drillSummary({ ...reply, group: "reached", total: 3, actors: new Array(3) }), "");
});

const catalog = {
  categories: [{ id: "web_pages", label: "Web pages" }],
  events: [{ id: "page_visited", category: "web_pages", label: "Page visited", anonymous: true, properties: [] }],
  properties: [],
};

test("the events around the step, by their catalog labels: next events of the dropped, events between for the reached", () => {
  const base = { id: 1, stage: 3, name: "C", total: 2, actors: [] };
  const rows = [{ next_event: "page_visited", actors: 2 }, { next_event: "(no further event)", actors: 1 }];
  const next = drillEvents({ ...base, group: "dropped_off", next_events: rows }, catalog);
  assert.deepEqual(next, {
    heading: "Next event of those who dropped off, windows closed", rows: [["Page visited", 2], ["(no further event)", 1]],
  });
  const between = drillEvents({ ...base, group: "reached", segment: "US", events_between: [{ event: "cta_viewed", actors: 1 }] }, catalog);
  assert.deepEqual(between, { heading: "Events between stage 2 and stage 3 (all segments)", rows: [["cta_viewed", 1]] });
  assert.equal(drillEvents({ ...base, group: "dropped_off" }, catalog), null);
});

test("the CSV's name says which drill-down it holds", () => {
  assert.equal(csvFileName({ stage: 2, group: "dropped_off" }, "Form submitted!"), "stage-2-form-submitted-dropped-off.csv");
  assert.equal(csvFileName({ stage: 2, group: "in_progress" }, "B"), "stage-2-b-in-progress.csv");
  assert.equal(csvFileName({ stage: 1, group: "reached", segment: null }, ""), "stage-1-reached-none.csv");
});

test("the kernel's UTC times are shown to the second in the user's notation, wherever they are in a text", () => {
  assert.equal(formatTime("2026-03-17 10:17:41.147060+00:00", "en-US"), "Mar 17, 2026, 10:17:41 AM UTC");
  assert.equal(formatTime("Chosen: the earliest start, at 2026-03-17 16:17:41 UTC.", "en-GB"),
    "Chosen: the earliest start, at 17 Mar 2026, 16:17:41 UTC.");
  assert.equal(formatTime("no time here", "en-US"), "no time here");
});
