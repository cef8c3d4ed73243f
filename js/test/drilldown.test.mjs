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
  store.suggest("country", "u", (values) => got.push(["suggest", values]));
  store.listen("show_drilldown", (message) => got.push(["show", message.stage]));
  assert.deepEqual(model.sent, [
    { type: "drilldown", stage: 2, id: 1 },
    { type: "suggest", property: "country", search: "u", id: 2 },
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

test("a number's drill-down: its stage, whether dropped, and its segment when the funnel has a breakdown", () => {
  assert.deepEqual(rowTarget({ stage_index: 2, stage: "B" }, true), { stage: 2, dropped: true });
  assert.deepEqual(rowTarget({ stage_index: 1, breakdown: null }, false), { stage: 1, dropped: false, segment: null });
  assert.deepEqual(messageTarget({ type: "show_drilldown", stage: 3, dropped: false }), { stage: 3, dropped: false });
  assert.deepEqual(messageTarget({ stage: 1, dropped: 0, segment: "US" }), { stage: 1, dropped: false, segment: "US" });
});

test("after a new result the panel stays only where the funnel still has its number", () => {
  const rows = [{ stage_index: 1 }, { stage_index: 2 }];
  assert.ok(stillShown({ stage: 2, dropped: true }, rows));
  assert.ok(!stillShown({ stage: 3, dropped: false }, rows)); // the stage was removed
  assert.ok(!stillShown({ stage: 1, dropped: true }, rows)); // no one drops off before stage 1
  const segments = [{ stage_index: 1, breakdown: "US" }, { stage_index: 1, breakdown: null }];
  assert.ok(stillShown({ stage: 1, dropped: false, segment: null }, segments));
  assert.ok(!stillShown({ stage: 1, dropped: false, segment: "DE" }, segments));
});

test("the title names the stage, reached or dropped off, and the count", () => {
  assert.equal(drillTitle({ stage: 2, dropped: true }, "Converted", 1234), "Dropped off before 2. Converted: 1,234 actors");
  assert.equal(drillTitle({ stage: 1, dropped: false, segment: null }, "Visited", 1), "Reached 1. Visited, segment (none): 1 actor");
  assert.equal(drillTitle({ stage: 3, dropped: false }, "Met"), "Reached 3. Met");
});

test("the summary says who is still in progress and that the list is cut", () => {
  const reply = { id: 1, stage: 2, name: "B", dropped: true, total: 450, in_progress: 50, actors: new Array(200) };
  assert.equal(drillSummary(reply),
    "Of these, 50 are still in progress (their window is open) and 400 dropped off. The first 200 are listed; the CSV has all.");
  assert.equal(drillSummary({ ...reply, dropped: false, total: 3, actors: new Array(3) }), "");
});

test("the events around the step: next events of the dropped, events between for the reached, none in any order", () => {
  const base = { id: 1, stage: 3, name: "C", total: 2, in_progress: 0, actors: [] };
  const next = drillEvents({ ...base, dropped: true, next_events: [{ next_event: "page_visited", actors: 2 }] });
  assert.deepEqual(next, { heading: "Next event of those who dropped off, windows closed", rows: [["page_visited", 2]] });
  const between = drillEvents({ ...base, dropped: false, segment: "US", events_between: [{ event: "cta_viewed", actors: 1 }] });
  assert.deepEqual(between, { heading: "Events between stage 2 and stage 3 (all segments)", rows: [["cta_viewed", 1]] });
  assert.equal(drillEvents({ ...base, dropped: true }), null);
});

test("the CSV's name says which drill-down it holds; times are shown to the second", () => {
  assert.equal(csvFileName({ stage: 2, dropped: true }, "Form submitted!"), "stage-2-form-submitted-dropped-off.csv");
  assert.equal(csvFileName({ stage: 1, dropped: false, segment: null }, ""), "stage-1-reached-none.csv");
  assert.equal(formatTime("2026-03-17 10:17:41.147060+00:00"), "2026-03-17 10:17:41");
});
