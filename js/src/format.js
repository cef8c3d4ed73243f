// @ts-check
// Numbers and durations as people read them.

/** @param {number | null | undefined} n */
export function formatCount(n) {
  if (n === null || n === undefined) return "–";
  return Number(n).toLocaleString("en-US");
}

/** @param {number | null | undefined} x */
export function formatShare(x) {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

/** @param {number | null | undefined} s */
export function formatSeconds(s) {
  if (s === null || s === undefined) return "–";
  for (const [size, unit] of /** @type {[number, string][]} */ ([[86400, "d"], [3600, "h"], [60, "min"]])) {
    if (s >= size) return `${(s / size).toFixed(1)} ${unit}`;
  }
  return `${s.toFixed(1)} s`;
}

/** The units a window is offered in, largest first, with their size in seconds. */
export const WINDOW_UNITS = /** @type {const} */ ([
  { unit: "weeks", seconds: 604800, iso: (/** @type {number} */ n) => `P${n}W` },
  { unit: "days", seconds: 86400, iso: (/** @type {number} */ n) => `P${n}D` },
  { unit: "hours", seconds: 3600, iso: (/** @type {number} */ n) => `PT${n}H` },
  { unit: "minutes", seconds: 60, iso: (/** @type {number} */ n) => `PT${n}M` },
]);

const ISO = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * A window (ISO 8601 text such as "P30D", "PT12H", "P2.5D", "P1DT6H") as a number and a unit: the unit it is
 * written in when it has one part (so "P2.5D" stays 2.5 days, the unit the user chose), else the largest unit that
 * holds it whole; `null` for text that is not such a duration.
 * @param {string | undefined} text @returns {{amount: number, unit: string} | null}
 */
export function splitWindow(text) {
  const match = ISO.exec((text ?? "P30D").trim());
  if (!match || !match.slice(1).some(Boolean)) return null;
  const parts = match.slice(1).map((v) => Number(v ?? 0));
  const written = parts.map((n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
  if (written.length === 1 && written[0] < WINDOW_UNITS.length) {
    return { amount: parts[written[0]], unit: WINDOW_UNITS[written[0]].unit };
  }
  const seconds = parts.reduce((sum, n, i) => sum + n * (WINDOW_UNITS[i]?.seconds ?? 1), 0);
  const fit = WINDOW_UNITS.find((u) => seconds % u.seconds === 0 && (u.unit !== "weeks" || parts[0] > 0)) ??
    WINDOW_UNITS[WINDOW_UNITS.length - 1];
  return { amount: seconds / fit.seconds, unit: fit.unit };
}

/** ISO 8601 text for a number and unit; the number as typed when it is not one (the kernel explains).
 * @param {string} amount @param {string} unit */
export function joinWindow(amount, unit) {
  const spec = WINDOW_UNITS.find((u) => u.unit === unit) ?? WINDOW_UNITS[1];
  const n = Number(amount);
  return amount.trim() !== "" && Number.isFinite(n) && n > 0 ? spec.iso(n) : amount.trim();
}

/** The date part (YYYY-MM-DD, or a longer year as typed) of a stored date. @param {string | undefined} value */
export function dayOf(value) {
  return value ? value.replace(/T.*$/, "") : "";
}

/** A UTC time as the kernel writes it: "2026-03-17 10:17:41.147060+00:00", "2026-03-17 10:17:41 UTC". */
const STAMP = /(?<!\d)(\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(?:\+00:00|Z| UTC)?/g;

/** Every UTC time the kernel wrote in `text`, to the second in the user's notation (`locale`: the browser's), still
 * in UTC and saying so ("Mar 17, 2026, 10:17:41 AM UTC"). @param {string} text @param {string} [locale] */
export function formatTime(text, locale) {
  const format = new Intl.DateTimeFormat(locale, {
    year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit",
    timeZone: "UTC", timeZoneName: "short",
  });
  return text.replace(STAMP, (stamp, day, time) => {
    const date = new Date(`${day}T${time}Z`);
    return Number.isNaN(date.getTime()) ? stamp : format.format(date);
  });
}

/** A change of a share in percentage points, signed: "+3.1 pts", "−0.4 pts", "0.0 pts" (never broken across lines).
 * @param {number | null | undefined} x the change as a fraction (0.031) */
export function formatPoints(x) {
  if (x === null || x === undefined) return "–";
  const points = (100 * x).toFixed(1);
  if (Number(points) === 0) return "0.0\u00a0pts";
  return `${x > 0 ? "+" : "−"}${points.replace("-", "")}\u00a0pts`;
}

/** A p-value in two significant digits: "p = 0.14", "p < 0.001". @param {number} p */
export function formatP(p) {
  return p < 0.001 ? "p < 0.001" : `p = ${Number(p.toPrecision(2))}`;
}
