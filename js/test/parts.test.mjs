// Unit tests of the builder's helpers: filters, formats, history, status, catalog search.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OPERATORS } from "./operators.mjs";
import { searchEvents } from "../src/catalog.js";
import {
  arityOf, formatFilterValue, lookedUpValues, operatorsFor, parseFilterValue, propertyGroups, propertyKind,
} from "../src/filters.js";
import { dayOf, joinWindow, splitWindow } from "../src/format.js";
import { follow, record, redo, startHistory, undo } from "../src/history.js";
import { isDark } from "../src/theme.js";
import { browses, opensList } from "../src/select.js";
import { chartNoteText, describeStatus, elapsedText } from "../src/views/status.js";

const catalog = {
  categories: [{ id: "forms", label: "Forms" }, { id: "web_pages", label: "Web pages" }],
  events: [
    { id: "form_submission", category: "forms", label: "Form submission", anonymous: false, properties: ["form_id"] },
    { id: "page_visited", category: "web_pages", label: "Page visited", anonymous: true, properties: ["content_id", "country"] },
  ],
  properties: [{ name: "country", label: "Country", type: "string" }, { name: "content_id", label: "Content", type: "string" }],
};

test("filter values are parsed by op and kind; nothing typed is no value", () => {
  assert.deepEqual(parseFilterValue("in", "US, DE ,", "string", OPERATORS), ["US", "DE"]);
  assert.deepEqual(parseFilterValue("between", "5, 10", "number", OPERATORS), [5, 10]);
  assert.equal(parseFilterValue("gt", "7.5", "number", OPERATORS), 7.5);
  assert.equal(parseFilterValue("eq", "closedwon", "string", OPERATORS), "closedwon");
  assert.equal(parseFilterValue("eq", "  ", "string", OPERATORS), undefined);
  assert.equal(parseFilterValue("is_unknown", "x", "string", OPERATORS), undefined);
  assert.equal(formatFilterValue(["a", "b"]), "a, b");
  assert.equal(arityOf("between", OPERATORS), "two");
  assert.equal(arityOf("no_such_op", OPERATORS), "one");
});

test("operators: those of the kernel's registry that list the property's kind", () => {
  assert.deepEqual(operatorsFor("number", OPERATORS).slice(0, 3).map((o) => o.op), ["eq", "neq", "in"]);
  assert.ok(!operatorsFor("number", OPERATORS).some((o) => o.op === "contains"));
  assert.deepEqual(operatorsFor("interval", OPERATORS).map((o) => o.op), ["is_known", "is_unknown"]);
  const registry = [
    { op: "eq", label: "equals", arity: "one", kinds: ["string", "number"] },
    { op: "matches", label: "matches", arity: "one", kinds: ["string"] },
    { op: "is_known", label: "is set", arity: "none", kinds: ["string", "number", "other"] },
  ];
  assert.deepEqual(operatorsFor("string", registry), [
    { op: "eq", label: "equals" }, { op: "matches", label: "matches" }, { op: "is_known", label: "is set" },
  ]);
  assert.deepEqual(operatorsFor("number", registry).map((o) => o.op), ["eq", "is_known"]);
  assert.equal(arityOf("is_known", registry), "none");
  assert.deepEqual(parseFilterValue("matches", "a, b", "string", [{ op: "matches", label: "m", arity: "list", kinds: ["string"] }]), ["a", "b"]);
});

test("properties: the chosen event's first, labelled, then the other columns", () => {
  const columns = [{ name: "amount", kind: "number" }, { name: "country", kind: "string" }, { name: "content_id", kind: "string" }];
  assert.deepEqual(propertyGroups(catalog, columns, "page_visited"), [
    { label: "Properties of Page visited", properties: [{ name: "content_id", label: "Content (content_id)" }, { name: "country", label: "Country (country)" }] },
    { label: "Other columns", properties: [{ name: "amount", label: "amount" }] },
  ]);
  assert.equal(propertyKind(columns, catalog, "amount"), "number");
  assert.equal(propertyKind([], catalog, "country"), "string");
});

test("values looked up for '0 in data': those of is / is any of filters", () => {
  assert.deepEqual(lookedUpValues("eq", "US"), ["US"]);
  assert.deepEqual(lookedUpValues("in", ["US", "DE"]), ["US", "DE"]);
  assert.deepEqual(lookedUpValues("gt", 5), []);
  assert.deepEqual(lookedUpValues("eq", undefined), []);
});

test("windows: ISO text <-> a number and a unit", () => {
  assert.deepEqual(splitWindow("P30D"), { amount: 30, unit: "days" });
  assert.deepEqual(splitWindow(undefined), { amount: 30, unit: "days" });
  assert.deepEqual(splitWindow("PT12H"), { amount: 12, unit: "hours" });
  assert.deepEqual(splitWindow("P1DT6H"), { amount: 30, unit: "hours" });
  assert.deepEqual(splitWindow("P2W"), { amount: 2, unit: "weeks" });
  assert.deepEqual(splitWindow("PT90M"), { amount: 90, unit: "minutes" });
  assert.equal(splitWindow("abc"), null);
  assert.equal(joinWindow("7", "days"), "P7D");
  assert.equal(joinWindow("12", "hours"), "PT12H");
  assert.equal(joinWindow("", "days"), "");
  assert.equal(joinWindow("-3", "days"), "-3");
  assert.equal(dayOf("2026-03-01T00:00:00Z"), "2026-03-01");
});

test("a fractional window keeps the unit it was typed in (2.5 days is not shown as 60 hours)", () => {
  for (const [amount, unit] of [["2.5", "days"], ["1.5", "weeks"], ["0.5", "hours"], ["7", "days"], ["2.25", "minutes"]]) {
    assert.deepEqual(splitWindow(joinWindow(amount, unit)), { amount: Number(amount), unit });
  }
});

test("a closed menu: arrows and letters browse; space, F4 and Alt+arrows open its list", () => {
  const key = (k, mods = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });
  for (const k of ["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight", "Home", "End", "PageDown", "d", "S", "3"]) {
    assert.equal(browses(/** @type {any} */ (key(k))), true, k);
  }
  for (const k of [key("Enter"), key("Tab"), key("Escape"), key(" "), key("z", { ctrlKey: true }), key("ArrowDown", { altKey: true })]) {
    assert.equal(browses(/** @type {any} */ (k)), false, JSON.stringify(k));
  }
  assert.equal(opensList(/** @type {any} */ (key(" "))), true);
  assert.equal(opensList(/** @type {any} */ (key("ArrowDown", { altKey: true }))), true);
  assert.equal(opensList(/** @type {any} */ (key("ArrowDown"))), false);
});

test("the chart's note: said and dimmed whenever the table's numbers are stale", () => {
  assert.equal(chartNoteText({ status: "idle", hasResults: true, errors: [] }), "");
  assert.equal(chartNoteText({ status: "running", hasResults: false, errors: [] }), "");
  assert.match(chartNoteText({ status: "running", hasResults: true, errors: [] }), /^Computing/);
  for (const status of /** @type {const} */ (["invalid", "error"])) {
    assert.equal(chartNoteText({ status, hasResults: true, errors: [] }), "The chart below is of the last valid journey.");
  }
  // the numbers are shown before the chart is redrawn for them: meanwhile the chart is said (and dimmed) to be drawing
  assert.equal(chartNoteText({ status: "idle", hasResults: true, errors: [], drawing: true }), "Drawing the chart below…");
  assert.match(chartNoteText({ status: "running", hasResults: true, errors: [], drawing: true }), /^Computing/);
});

test("history: undo, redo, a new edit clears redo, bounded", () => {
  let h = startHistory("a", 3);
  h = record(h, "b");
  h = record(h, "c");
  h = undo(h);
  assert.equal(h.present, "b");
  h = redo(h);
  assert.equal(h.present, "c");
  h = undo(h);
  h = record(h, "d");
  assert.deepEqual(h.future, []);
  for (const x of ["e", "f", "g", "h"]) h = record(h, x);
  assert.equal(h.past.length, 3);
  assert.equal(undo(undo(undo(undo(h)))).present, "e");
  assert.equal(follow(h, "k").past, h.past);
});

test("status: numbers that are not of the editor's journey are said to be stale", () => {
  const incomplete = [{ loc: ["stages", 1, "steps"], message: "pick a step", incomplete: true }];
  const wrong = [{ loc: ["window"], message: "type a number" }];
  assert.deepEqual(describeStatus({ status: "idle", hasResults: true, errors: [] }), { text: "Up to date", stale: false });
  assert.equal(describeStatus({ status: "running", hasResults: true, errors: [] }).stale, true);
  const draft = describeStatus({ status: "invalid", hasResults: true, errors: incomplete });
  assert.match(draft.text, /^Incomplete/);
  assert.match(draft.text, /last valid journey/);
  assert.equal(draft.stale, true);
  assert.match(describeStatus({ status: "invalid", hasResults: false, errors: wrong }).text, /^Fix the marked/);
});

test("event search matches label, id and category, grouped", () => {
  assert.deepEqual(searchEvents(catalog, "form").map((g) => g.category), ["forms"]);
  assert.deepEqual(searchEvents(catalog, "WEB")[0].events.map((e) => e.id), ["page_visited"]);
  assert.equal(searchEvents(catalog, "zzz").length, 0);
});

test("theme: a dark background is told from a light one", () => {
  assert.equal(isDark("rgb(17, 17, 17)"), true);
  assert.equal(isDark("rgb(255, 255, 255)"), false);
  assert.equal(isDark("rgba(30, 30, 30, 1)"), true);
});

test("the status line counts whole seconds of a running query after the first", () => {
  assert.equal(elapsedText(10_000, 10_999), "");
  assert.equal(elapsedText(10_000, 11_000), " 1 s");
  assert.equal(elapsedText(10_000, 73_500), " 63 s");
});
