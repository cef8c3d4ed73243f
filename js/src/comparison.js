// @ts-check
// The comparison with the previous period in the numbers: each current-period row of the funnel carries the previous
// period's numbers of its stage and the change (journey_widgets/builder/numbers.py); this words them for the lines
// shown under the current numbers.

import { formatCount, formatP, formatPoints, formatShare } from "./format.js";

/** @typedef {import("./types.js").FunnelRow} FunnelRow */
/** @typedef {{text: string, title: string, significant: boolean}} Line */

/** Below this (Holm-adjusted when the kernel sent it) a change is marked as unlikely to be chance. */
export const SIGNIFICANT = 0.05;
const ABSENT = "Not in the previous period";

/** The rows compare the current period with the previous one. @param {FunnelRow[]} rows */
export function compares(rows) {
  return rows.length > 0 && "previous_actors" in rows[0];
}

/** Under a stage's count: the previous period's ("was 1,100"). @param {FunnelRow} row @returns {Line} */
export function previousCount(row) {
  const before = row.previous_actors;
  if (before === null || before === undefined) return { text: "was\u00a0–", title: ABSENT, significant: false };
  return { text: `was\u00a0${formatCount(before)}`, title: `Previous period: ${formatCount(before)} actors`, significant: false };
}

/**
 * Under a stage's conversion from start: the change against the previous period ("+3.1 pts vs previous"), with the
 * previous conversion and the p-values as its tooltip, and whether it is significant; null for the first stage (its
 * conversion is 100% in both periods).
 * @param {FunnelRow} row @returns {Line | null}
 */
export function changeLine(row) {
  if (row.stage_index === 1) return null;
  if (row.previous_actors === null || row.previous_actors === undefined) {
    return { text: "– vs\u00a0previous", title: ABSENT, significant: false };
  }
  const p = row.p_value_holm ?? row.p_value;
  const tests = [
    row.p_value === null || row.p_value === undefined ? "" : formatP(row.p_value),
    row.p_value_holm === null || row.p_value_holm === undefined ? "" : `Holm-adjusted ${formatP(row.p_value_holm)}`,
  ].filter(Boolean).join(", ");
  return {
    text: `${formatPoints(row.conversion_from_start_change)} vs\u00a0previous`,
    title: `Previous period: ${formatShare(row.previous_conversion_from_start)} from start${tests ? ` (${tests})` : ""}`,
    significant: p !== null && p !== undefined && p < SIGNIFICANT,
  };
}
