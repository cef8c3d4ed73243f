// Unit tests of the builder's pure state logic: node --test js/
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addExclusion, addFilter, addStage, addStep, errorsAt, looseErrors, moveStage, nextStageName, opLabel, opsFor,
  parseFilterValue, propertiesFor, removeFilter, removeStage, removeStep, renameStage, searchEvents, setAnonymous,
  setSetting, updateFilter,
} from "./journey_builder.js";

// The shape of the model's `operators` trait (Python's registry sends the real list; tests/test_widget.py checks it).
const operators = [
  { op: "eq", label: "is", arity: "one", kinds: ["string", "number", "timestamp", "boolean"] },
  { op: "contains", label: "contains", arity: "one", kinds: ["string"] },
  { op: "gt", label: ">", arity: "one", kinds: ["string", "number", "timestamp"] },
  { op: "is_known", label: "is known", arity: "none", kinds: ["string", "number", "timestamp", "boolean", "other"] },
];

const base = () => ({ version: 1, name: "J", stages: [{ name: "Visited", steps: [{ event: "page_visited" }] }] });
const catalog = {
  categories: [{ id: "forms", label: "Forms" }, { id: "web_pages", label: "Web pages" }],
  events: [
    { id: "form_submission", category: "forms", label: "Form submission", anonymous: false, properties: ["form_id"] },
    { id: "page_visited", category: "web_pages", label: "Page visited", anonymous: true, properties: ["content_id", "country"] },
  ],
  properties: [{ name: "country", type: "string" }],
};

test("adding stages names them uniquely and stops at the model's limit", () => {
  let j = addStage(base());
  assert.equal(j.stages[1].name, "Stage 2");
  j = renameStage(j, 1, "Stage 3");
  assert.equal(nextStageName(j), "Stage 4");
  for (let i = 0; i < 30; i += 1) j = addStage(j, "page_visited", 20);
  assert.equal(j.stages.length, 20);
  for (let i = 0; i < 12; i += 1) j = addStep(j, 0, "form_submission", 10);
  assert.equal(j.stages[0].steps.length, 10);
});

test("edits return new objects and leave the old journey untouched", () => {
  const before = base();
  const after = addStep(before, 0, "form_submission");
  assert.equal(before.stages[0].steps.length, 1);
  assert.deepEqual(after.stages[0].steps.map((s) => s.event), ["page_visited", "form_submission"]);
  assert.equal(removeStep(after, 0, 0).stages[0].steps[0].event, "form_submission");
});

test("moving stages reorders and ignores moves off the ends", () => {
  const j = addStage(addStage(base()));
  assert.deepEqual(moveStage(j, 0, 2).stages.map((s) => s.name), ["Stage 2", "Stage 3", "Visited"]);
  assert.equal(moveStage(j, 0, -1), j);
});

test("removing a stage drops exclusions that no longer fit", () => {
  let j = addExclusion(addStage(addStage(base())), "email_spam_reported");
  assert.deepEqual(j.exclusions[0].between, [1, 3]);
  j = removeStage(j, 2);
  assert.equal(j.exclusions, undefined);
});

test("filters: add, reshape on op change, remove", () => {
  let j = addFilter(base(), 0, 0, "country", "string", operators);
  assert.deepEqual(j.stages[0].steps[0].filters, [{ property: "country", op: "eq", value: "" }]);
  j = updateFilter(j, 0, 0, 0, { op: "is_known" });
  assert.equal("value" in j.stages[0].steps[0].filters[0], false);
  j = removeFilter(j, 0, 0, 0);
  assert.equal(j.stages[0].steps[0].filters, undefined);
});

test("filter values are parsed by op and kind", () => {
  assert.deepEqual(parseFilterValue("in", "US, DE ,", "string"), ["US", "DE"]);
  assert.deepEqual(parseFilterValue("between", "5, 10", "number"), [5, 10]);
  assert.equal(parseFilterValue("gt", "7.5", "number"), 7.5);
  assert.equal(parseFilterValue("eq", "closedwon", "string"), "closedwon");
  assert.equal(parseFilterValue("is_unknown", "x"), undefined);
});

test("operator menus come from the model's operators", () => {
  assert.deepEqual(opsFor(operators, "number"), ["eq", "gt", "is_known"]);
  assert.deepEqual(opsFor(operators, "timestamp"), ["eq", "gt", "is_known"]);
  assert.deepEqual(opsFor(operators, "string"), ["eq", "contains", "gt", "is_known"]);
  assert.deepEqual(opsFor(operators, "struct"), ["is_known"]);
  assert.equal(opLabel(operators, "gt"), ">");
  assert.equal(addFilter(base(), 0, 0, "tags", "other", operators).stages[0].steps[0].filters[0].op, "is_known");
});

test("anonymous toggle sets and removes the flag", () => {
  const on = setAnonymous(base(), 0, 0, true);
  assert.equal(on.stages[0].steps[0].include_anonymous, true);
  assert.equal("include_anonymous" in setAnonymous(on, 0, 0, false).stages[0].steps[0], false);
});

test("settings: breakdown, limit and date range", () => {
  let j = setSetting(base(), "breakdown", "country");
  j = setSetting(j, "breakdown_limit", "5");
  assert.deepEqual(j.breakdown, { property: "country", limit: 5 });
  j = setSetting(j, "start", "2026-01-01");
  assert.deepEqual(j.date_range, { start: "2026-01-01T00:00:00Z" });
  assert.equal(setSetting(j, "start", "").date_range, undefined);
  assert.equal(setSetting(j, "breakdown", "").breakdown, undefined);
});

test("event search matches label, id and category, grouped", () => {
  assert.deepEqual(searchEvents(catalog, "form").map((g) => g.category), ["forms"]);
  assert.deepEqual(searchEvents(catalog, "WEB")[0].events.map((e) => e.id), ["page_visited"]);
  assert.deepEqual(searchEvents(catalog, "visited")[0].events.map((e) => e.id), ["page_visited"]);
  assert.equal(searchEvents(catalog, "zzz").length, 0);
});

test("properties offered: the event's catalog properties in the data first", () => {
  const columns = [{ name: "amount", kind: "number" }, { name: "country", kind: "string" }];
  assert.deepEqual(propertiesFor(catalog, columns, "page_visited"), ["country", "amount"]);
});

test("errors are attached by exact location; the rest are loose", () => {
  const errors = [{ loc: ["stages", 0, "steps", 0], message: "a" }, { loc: ["stages", 4], message: "b" }];
  assert.equal(errorsAt(errors, ["stages", 0, "steps", 0]).length, 1);
  assert.deepEqual(looseErrors(errors, [["stages", 0, "steps", 0]]).map((e) => e.message), ["b"]);
});
