// Unit tests of the numbers with optional stages and the comparison with the previous period.
import assert from "node:assert/strict";
import { test } from "node:test";
import { changeLine, compares, previousCount } from "../src/comparison.js";
import { formatP, formatPoints } from "../src/format.js";
import { betweenOptions } from "../src/views/exclusions.js";

const row = (/** @type {Record<string, any>} */ more) => ({ stage_index: 2, stage: "Met", actors: 40, conversion_from_start: 0.4, ...more });

test("a change of a share reads in signed percentage points", () => {
  assert.equal(formatPoints(0.031), "+3.1\u00a0pts");
  assert.equal(formatPoints(-0.1), "−10.0\u00a0pts");
  assert.equal(formatPoints(0.0004), "0.0\u00a0pts");
  assert.equal(formatPoints(-0.0004), "0.0\u00a0pts");
  assert.equal(formatPoints(null), "–");
  assert.equal(formatP(0.1389), "p = 0.14");
  assert.equal(formatP(0.0002), "p < 0.001");
});

test("rows compare periods when the kernel sent the previous period's numbers", () => {
  assert.equal(compares([row({})]), false);
  assert.equal(compares([row({ previous_actors: null })]), true);
  assert.equal(compares([]), false);
});

test("under the numbers: the previous count, and the change in points with the p-values in its tooltip", () => {
  const before = { previous_actors: 30, previous_conversion_from_start: 0.3, conversion_from_start_change: 0.1 };
  assert.deepEqual(previousCount(row(before)), { text: "was\u00a030", title: "Previous period: 30 actors", significant: false });
  assert.deepEqual(changeLine(row(before)),
    { text: "+10.0\u00a0pts vs\u00a0previous", title: "Previous period: 30.0% from start", significant: false });
  const tested = changeLine(row({ ...before, p_value: 0.01, p_value_holm: 0.04 }));
  assert.equal(tested?.title, "Previous period: 30.0% from start (p = 0.01, Holm-adjusted p = 0.04)");
  assert.equal(tested?.significant, true);
  assert.equal(changeLine(row({ ...before, p_value: 0.01, p_value_holm: 0.2 }))?.significant, false); // Holm's decides
  assert.equal(changeLine(row({ ...before, p_value: 0.01 }))?.significant, true);
  assert.equal(changeLine(row({ ...before, stage_index: 1 })), null); // 100% in both periods
  // a segment the previous period did not have
  assert.equal(previousCount(row({ previous_actors: null })).text, "was\u00a0–");
  assert.equal(changeLine(row({ previous_actors: null }))?.text, "– vs\u00a0previous");
});

test("an exclusion's menus show optional stages as unavailable, unless already chosen", () => {
  const stages = [{ name: "A", steps: [] }, { name: "B", steps: [], optional: true }, { name: "C", steps: [] }];
  assert.deepEqual(betweenOptions(stages, 1)[0].options, [
    { value: "1", label: "1. A", disabled: false },
    { value: "2", label: "2. B (optional)", disabled: true },
    { value: "3", label: "3. C", disabled: false },
  ]);
  assert.equal(betweenOptions(stages, 2)[0].options[1].disabled, false);
});
