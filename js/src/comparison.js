// @ts-check
// The comparison with the previous period in the numbers: each current-period row of the funnel carries the previous
// period's numbers of its stage and the change (journey_widgets/builder/numbers.py); this words them for a cell.

import { formatCount, formatP, formatPoints, formatShare } from "./format.js";

/** @typedef {import("./types.js").FunnelRow} FunnelRow */

/** Below this (Holm-adjusted when the kernel sent it) a change is marked as unlikely to be chance. */
export const SIGNIFICANT = 0.05;

/** The rows compare the current period with the previous one. @param {FunnelRow[]} rows */
export function compares(rows) {
  return rows.length > 0 && "previous_actors" in rows[0];
}

/**
 * The "vs previous" cell of a row: the change in conversion from start ("+3.1 pts"; for the first stage, whose
 * conversion is 100%, the previous period's count: "was 1,100"), a tooltip with the previous numbers and the p-values,
 * and whether the change is significant.
 * @param {FunnelRow} row @returns {{text: string, title: string, significant: boolean}}
 */
export function changeCell(row) {
  const before = row.previous_actors;
  if (before === null || before === undefined) {
    return { text: "–", title: "Not in the previous period", significant: false };
  }
  const previous = `Previous period: ${formatCount(before)} actors`;
  if (row.stage_index === 1) return { text: `was ${formatCount(before)}`, title: previous, significant: false };
  const p = row.p_value_holm ?? row.p_value;
  const tests = [
    row.p_value === null || row.p_value === undefined ? "" : formatP(row.p_value),
    row.p_value_holm === null || row.p_value_holm === undefined ? "" : `Holm-adjusted ${formatP(row.p_value_holm)}`,
  ].filter(Boolean).join(", ");
  return {
    text: formatPoints(row.conversion_from_start_change),
    title: `${previous}, ${formatShare(row.previous_conversion_from_start)} from start${tests ? ` (${tests})` : ""}`,
    significant: p !== null && p !== undefined && p < SIGNIFICANT,
  };
}
