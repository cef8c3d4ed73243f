// Unit tests of why a switch is off limits: a stage's "Optional", "Compare with the previous period".
import assert from "node:assert/strict";
import { test } from "node:test";
import { setSetting } from "../src/journey.js";
import { compareBlocked, FIRST_STAGE, LAST_STAGE, NEEDS_RANGE, NOT_ORDERED, optionalBlocked } from "../src/toggles.js";

/** @param {number} n @param {Record<string, any>} [more] */
const journey = (n, more = {}) => ({
  version: 1, name: "J", stages: Array.from({ length: n }, (_, i) => ({ name: `S${i + 1}`, steps: [{ event: "page_visited" }] })),
  ...more,
});

test("a middle stage of an ordered journey may be optional; the first and the last may not", () => {
  const doc = journey(4);
  assert.deepEqual([0, 1, 2, 3].map((s) => optionalBlocked(doc, s)), [FIRST_STAGE, "", "", LAST_STAGE]);
  assert.deepEqual([0, 1].map((s) => optionalBlocked(journey(2), s)), [FIRST_STAGE, LAST_STAGE]);
  assert.equal(optionalBlocked(journey(3, { order: "ordered" }), 1), "");
});

test("strict and any order have no optional stages", () => {
  for (const order of ["strict", "any"]) assert.equal(optionalBlocked(journey(3, { order }), 1), NOT_ORDERED);
});

test("a stage an exclusion is between stays required", () => {
  const doc = journey(4, { exclusions: [{ event: "x", between: [1, 4] }, { event: "y", between: [1, 3] }] });
  assert.equal(optionalBlocked(doc, 1), "");
  assert.match(optionalBlocked(doc, 2), /^Exclusion 2 is between this stage/);
});

test("the comparison needs a date range with a start and an end", () => {
  let doc = journey(2);
  assert.equal(compareBlocked(doc), NEEDS_RANGE);
  doc = setSetting(doc, "end", "2026-01-15");
  assert.equal(compareBlocked(doc), NEEDS_RANGE);
  assert.equal(compareBlocked(setSetting(doc, "start", "2026-01-08")), "");
});
