// Unit tests of the note beside the breakdown: how many paths have no value at their attributed event, and why,
// read from the funnel by segment (no query).
import assert from "node:assert/strict";
import { test } from "node:test";
import { missingValueNote } from "../src/missing_values.js";

const catalog = {
  categories: [{ id: "web", label: "Web" }],
  events: [
    { id: "page_visited", category: "web", label: "Page visited", anonymous: true, properties: ["country"] },
    { id: "form_submission", category: "web", label: "Form submission", anonymous: false, properties: ["country"] },
    { id: "meeting_booked", category: "web", label: "Meeting booked", anonymous: false, properties: [] },
  ],
  properties: [{ name: "country", label: "Country", type: "string" }],
};
const stages = [
  { name: "Visited", steps: [{ event: "page_visited" }] },
  { name: "Converted", steps: [{ event: "form_submission" }] },
  { name: "Met", steps: [{ event: "meeting_booked" }] },
];
/** The funnel by segment: per segment, the actors at stages 1, 2, 3. */
const funnel = (/** @type {[string | null, number[]][]} */ segments) => segments.flatMap(([breakdown, actors]) =>
  actors.map((n, i) => ({ breakdown, stage_index: i + 1, stage: stages[i].name, actors: n })));

test("at stage 3: the paths that did not reach it, and those whose meeting records no country", () => {
  const doc = { name: "J", stages, breakdown: { property: "country", attribution: "stage", stage: 3 } };
  const rows = funnel([[null, [9870, 3000, 412]]]);
  assert.equal(missingValueNote(rows, doc, catalog),
    "9,870 of 9,870 paths have no Country at their attributed event (stage 3: Met): 9,458 paths did not reach stage 3, " +
    "and 412 paths reached it by an event with no Country. Meeting booked events do not record Country.");
});

test("last touch: where the paths without a value ended, and why", () => {
  const doc = { name: "J", stages, breakdown: { property: "country", attribution: "last_touch" } };
  const rows = funnel([["US", [500, 200, 0]], [null, [412, 412, 400]]]);
  assert.equal(missingValueNote(rows, doc, catalog),
    "412 of 912 paths have no Country at their attributed event (the one that reached their deepest stage): " +
    "400 at stage 3: Met, 12 at stage 2: Converted. Meeting booked events do not record Country.");
});

test("first touch: the starts with no value; nothing to say when every path has one", () => {
  const doc = { name: "J", stages, breakdown: { property: "country" } };
  assert.equal(missingValueNote(funnel([["US", [10, 5, 1]], [null, [1, 0, 0]]]), doc, catalog),
    "1 of 11 paths has no Country at its attributed event (stage 1: Visited).");
  assert.equal(missingValueNote(funnel([["US", [10, 5, 1]]]), doc, catalog), "");
  assert.equal(missingValueNote(funnel([["US", [10, 5, 1]], [null, [0, 0, 0]]]), doc, catalog), "");
  assert.equal(missingValueNote([{ stage_index: 1, stage: "Visited", actors: 3 }], { name: "J", stages }, catalog), "");
});
