// @ts-check
// Why a switch cannot be turned on yet: a stage's "Optional" and the settings' "Compare with the previous period".
// The kernel validates; these reasons only keep the editor from offering what it would refuse (and say why).

import { hasClosedRange } from "./journey.js";

/** @typedef {import("./types.js").JourneyDoc} JourneyDoc */

export const FIRST_STAGE = "The first stage is required: every path starts there";
export const LAST_STAGE = "The last stage is required: every path ends there (add a stage after it first)";
export const NOT_ORDERED = "Only a journey in order has optional stages: set the order to “in order”";
export const NEEDS_RANGE = "Set a date range with a start and an end first";

/**
 * Why stage `s` (0-based) of `doc` cannot be made optional; "" when it can.
 * @param {JourneyDoc} doc @param {number} s @returns {string}
 */
export function optionalBlocked(doc, s) {
  if (s === 0) return FIRST_STAGE;
  if (s === doc.stages.length - 1) return LAST_STAGE;
  if ((doc.order ?? "ordered") !== "ordered") return NOT_ORDERED;
  const i = (doc.exclusions ?? []).findIndex((x) => x.between.includes(s + 1));
  return i < 0 ? "" : `Exclusion ${i + 1} is between this stage and another: exclusions are between required stages`;
}

/** Why the journey cannot be compared with its previous period; "" when it can. @param {JourneyDoc} doc */
export function compareBlocked(doc) {
  return hasClosedRange(doc) ? "" : NEEDS_RANGE;
}
