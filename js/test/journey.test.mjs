// Unit tests of the builder's journey edits: node --test js/test/
import assert from "node:assert/strict";
import { test } from "node:test";
import { looseErrors } from "../src/errors.js";
import {
  addExclusion, addFilter, addHeld, addStage, addStep, MAX_HELD, MAX_STAGES, moveStage, nextStageName, removeFilter,
  removeHeld, removeStage, removeStep, renameStage, setAnonymous, setAttribution, setCompare, setOptional, setSetting,
  updateFilter,
} from "../src/journey.js";
import { OPERATORS } from "./operators.mjs";

const base = () => ({ version: 1, name: "J", stages: [{ name: "Visited", steps: [{ event: "page_visited" }] }] });
/** Stages A, B, C, D with an exclusion between B and D. */
const four = () => ({
  version: 1, name: "J",
  stages: ["A", "B", "C", "D"].map((name) => ({ name, steps: [{ event: "page_visited" }] })),
  exclusions: [{ event: "email_spam_reported", between: [2, 4] }],
});

test("a new stage is a draft with no step, named uniquely; at most the limit", () => {
  let j = addStage(base());
  assert.deepEqual(j.stages[1], { name: "Stage 2", steps: [] });
  j = renameStage(j, 1, "Stage 3");
  assert.equal(nextStageName(j), "Stage 4");
  for (let i = 0; i < 30; i += 1) j = addStage(j);
  assert.equal(j.stages.length, MAX_STAGES);
  assert.equal(addStage(base(), 1).stages.length, 1); // the kernel's `limits` trait
});

test("the first step picked replaces nothing: the draft stage gets exactly that step", () => {
  const j = addStep(addStage(base()), 1, "form_submission");
  assert.deepEqual(j.stages[1].steps, [{ event: "form_submission" }]);
});

test("edits return new objects and leave the old journey untouched", () => {
  const before = base();
  const after = addStep(before, 0, "form_submission");
  assert.equal(before.stages[0].steps.length, 1);
  assert.deepEqual(after.stages[0].steps.map((s) => s.event), ["page_visited", "form_submission"]);
  assert.equal(removeStep(after, 0, 0).stages[0].steps[0].event, "form_submission");
});

test("moving stages reorders and ignores moves off the ends", () => {
  const j = { ...base(), stages: ["A", "B", "C"].map((name) => ({ name, steps: [] })) };
  assert.deepEqual(moveStage(j, 0, 2).stages.map((s) => s.name), ["B", "C", "A"]);
  assert.equal(moveStage(j, 0, -1), j);
});

test("moving a stage renumbers the exclusions so they name the same stages", () => {
  const moved = moveStage(four(), 3, 0); // D A B C: B is now 3, D is 1 -> out of order, dropped
  assert.equal(moved.exclusions, undefined);
  const swapped = moveStage(four(), 0, 1); // B A C D: B is now 1, D still 4
  assert.deepEqual(swapped.exclusions[0].between, [1, 4]);
  const later = moveStage(four(), 2, 0); // C A B D: B is now 3
  assert.deepEqual(later.exclusions[0].between, [3, 4]);
});

test("removing a stage renumbers the exclusions after it and drops those that named it", () => {
  assert.deepEqual(removeStage(four(), 0).exclusions[0].between, [1, 3]); // B C D
  assert.equal(removeStage(four(), 1).exclusions, undefined); // B gone
  assert.deepEqual(removeStage(four(), 2).exclusions[0].between, [2, 3]); // A B D
  let j = addExclusion(addStage(addStage(base())), "email_spam_reported");
  assert.deepEqual(j.exclusions[0].between, [1, 3]);
  j = removeStage(j, 2);
  assert.equal(j.exclusions, undefined);
});

test("a new filter is a draft: no property chosen and no value until one is typed", () => {
  const j = addFilter(base(), 0, 0, "", "eq");
  assert.deepEqual(j.stages[0].steps[0].filters, [{ property: "", op: "eq" }]);
  const chosen = updateFilter(j, 0, 0, 0, { property: "country", op: "eq" }, OPERATORS);
  assert.deepEqual(chosen.stages[0].steps[0].filters, [{ property: "country", op: "eq" }]);
});

test("changing a filter's property starts it over; an op without value drops it", () => {
  let j = addFilter(base(), 0, 0, "dealstage", "eq");
  j = updateFilter(j, 0, 0, 0, { value: "closedwon" }, OPERATORS);
  const other = updateFilter(j, 0, 0, 0, { property: "amount", op: "gt" }, OPERATORS);
  assert.deepEqual(other.stages[0].steps[0].filters[0], { property: "amount", op: "gt" });
  j = updateFilter(j, 0, 0, 0, { op: "is_known" }, OPERATORS);
  assert.equal("value" in j.stages[0].steps[0].filters[0], false);
  j = removeFilter(j, 0, 0, 0);
  assert.equal(j.stages[0].steps[0].filters, undefined);
});

test("anonymous toggle sets and removes the flag", () => {
  const on = setAnonymous(base(), 0, 0, true);
  assert.equal(on.stages[0].steps[0].include_anonymous, true);
  assert.equal("include_anonymous" in setAnonymous(on, 0, 0, false).stages[0].steps[0], false);
});

test("settings: breakdown, limit and date range; a 5-digit year is kept for the kernel to reject", () => {
  let j = setSetting(base(), "breakdown", "country");
  j = setSetting(j, "breakdown_limit", "5");
  assert.deepEqual(j.breakdown, { property: "country", limit: 5 });
  j = setSetting(j, "start", "2026-01-01");
  assert.deepEqual(j.date_range, { start: "2026-01-01T00:00:00Z" });
  assert.equal(setSetting(j, "start", "").date_range, undefined);
  assert.equal(setSetting(j, "breakdown", "").breakdown, undefined);
  assert.equal(setSetting(j, "start", "12024-03-01").date_range.start, "12024-03-01T00:00:00Z");
});

test("optional: a stage is marked optional and required again, the key written only when it is", () => {
  const on = setOptional(four(), 1, true);
  assert.equal(on.stages[1].optional, true);
  assert.equal("optional" in four().stages[1], false);
  assert.deepEqual(setOptional(on, 1, false), four());
  assert.equal(moveStage(on, 1, 2).stages[2].optional, true); // the flag moves with its stage
});

test("compare: only with a closed date range; clearing either end turns it off in the same edit", () => {
  assert.equal(setCompare(base(), true).compare, undefined); // no range: nothing to compare with
  const open = setSetting(base(), "start", "2026-01-08");
  assert.equal(setCompare(open, true).compare, undefined);
  const closed = setSetting(open, "end", "2026-01-15");
  const on = setCompare(closed, true);
  assert.equal(on.compare, "previous_period");
  assert.deepEqual(setCompare(on, false), closed);
  for (const end of ["start", "end"]) {
    const cleared = setSetting(on, end, "");
    assert.equal("compare" in cleared, false, `clearing ${end}`);
    assert.equal(Object.keys(cleared.date_range ?? {}).length, 1);
  }
  assert.equal(setSetting(on, "end", "2026-02-01").compare, "previous_period"); // a new end keeps it
  assert.equal(setSetting(on, "name", "K").compare, "previous_period");
});

test("order: strict is a setting like the others", () => {
  assert.equal(setSetting(base(), "order", "strict").order, "strict");
});

test("held properties: added once each, at most the limit, removed down to none", () => {
  let j = addHeld(base(), "product_id");
  j = addHeld(j, "product_id");
  assert.deepEqual(j.hold_constant, ["product_id"]);
  for (const p of ["country", "browser", "region"]) j = addHeld(j, p);
  assert.deepEqual(j.hold_constant, ["product_id", "country", "browser"]);
  assert.equal(j.hold_constant.length, MAX_HELD);
  assert.equal(addHeld(base(), "country", 1).hold_constant.length, 1); // the kernel's `limits` trait
  assert.equal(addHeld(base(), "").hold_constant, undefined);
  j = removeHeld(j, 0);
  assert.deepEqual(j.hold_constant, ["country", "browser"]);
  assert.equal("hold_constant" in removeHeld(removeHeld(j, 0), 0), false);
});

test("attribution: last touch, a stage (2 by default, then the one chosen), back to first touch unwritten", () => {
  const plain = base();
  assert.equal(setAttribution(plain, "last_touch"), plain); // no breakdown: nothing to attribute
  const broken = setSetting(four(), "breakdown", "country");
  assert.deepEqual(setAttribution(broken, "last_touch").breakdown, { property: "country", limit: 10, attribution: "last_touch" });
  const staged = setAttribution(broken, "stage");
  assert.deepEqual(staged.breakdown, { property: "country", limit: 10, attribution: "stage", stage: 2 });
  assert.equal(setAttribution(staged, "stage", 4).breakdown.stage, 4);
  assert.deepEqual(setAttribution(staged, "first_touch").breakdown, { property: "country", limit: 10 });
  // another property or limit keeps the attribution
  const other = setSetting(setSetting(staged, "breakdown", "browser"), "breakdown_limit", "3");
  assert.deepEqual(other.breakdown, { property: "browser", limit: 3, attribution: "stage", stage: 2 });
});

test("the attributed stage follows its stage when stages move; it is unset when its stage goes", () => {
  const staged = setAttribution(setSetting(four(), "breakdown", "country"), "stage", 3); // C
  assert.equal(moveStage(staged, 2, 0).breakdown.stage, 1); // C A B D
  assert.equal(removeStage(staged, 0).breakdown.stage, 2); // B C D
  const gone = removeStage(staged, 2).breakdown;
  assert.deepEqual(gone, { property: "country", limit: 10, attribution: "stage" }); // the kernel asks for a stage
});

test("problems of held properties and attribution have a control; others are shown at the top", () => {
  const doc = { ...setAttribution(setSetting(four(), "breakdown", "country"), "stage", 3), hold_constant: ["colour"] };
  const errors = [["hold_constant"], ["hold_constant", 0], ["breakdown", "stage"], ["breakdown", "attribution"], ["hold_constant", 1]]
    .map((loc) => ({ loc, message: "x" }));
  assert.deepEqual(looseErrors(errors, doc).map((e) => e.loc), [["hold_constant", 1]]);
});
