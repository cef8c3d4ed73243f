"""Statistics for comparing segments and periods: Wilson intervals, the two-proportion z-test, Holm's correction
for testing several at once, and a compared funnel's statistics (docs/semantics.md#comparison-with-the-previous-period).
Plain Python and pandas: the result tables load this without the charts' Altair."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Sequence

import pandas as pd

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default); (nan, nan) for zero trials."""
    if trials <= 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test, two-sided: (z, p-value); (nan, nan) when undefined."""
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan)
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return (math.nan, math.nan)
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return (z, math.erfc(abs(z) / math.sqrt(2)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of p-values tested together, in their order: the i-th smallest of the m
    (non-nan) p-values times m - i + 1, never below an adjusted smaller one, at most 1; nan stays nan. A
    hypothesis is rejected at level alpha when its adjusted p-value is below alpha."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    adjusted = [math.nan] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(tested):
        running = max(running, min(1.0, (len(tested) - rank) * p))
        adjusted[i] = running
    return adjusted


#: The columns a compared funnel gets (computed here, after the query: engines lack a normal CDF).
PERIOD_STATISTICS = ("conversion_from_start_change", "p_value", "p_value_holm")


def with_period_statistics(funnel: pd.DataFrame) -> pd.DataFrame:
    """A funnel with a ``period`` column (``current`` and ``previous`` rows) and, on each current row, the change
    of ``conversion_from_start`` from the previous period's same stage (and breakdown segment),
    ``conversion_from_start_change``; for stages 2 on, ``p_value``, the two-sided pooled two-proportion z-test of
    that conversion between the periods, and ``p_value_holm``, Holm-adjusted across the stages of the segment's
    comparison. Null on the previous rows, and where a test is undefined (no starts in a period, or every start
    converting or none in both)."""
    segments = [_segment(funnel, i) for i in range(len(funnel))]
    rows = list(zip(funnel.period, segments, funnel.stage_index, funnel.actors, funnel.conversion_from_start))
    found = {(period, segment, k): (actors, share) for period, segment, k, actors, share in rows}
    change, p_values = [math.nan] * len(rows), [math.nan] * len(rows)
    family: dict[Hashable, list[int]] = defaultdict(list)
    for i, (period, segment, k, actors, share) in enumerate(rows):
        before = found.get(("previous", segment, k))
        if period != "current" or before is None:
            continue
        change[i] = _difference(share, before[1])
        if k >= 2:
            started, started_before = found[("current", segment, 1)][0], found[("previous", segment, 1)][0]
            p_values[i] = two_proportion_z_test(int(actors), int(started), int(before[0]), int(started_before))[1]
            family[segment].append(i)
    adjusted = [math.nan] * len(rows)
    for members in family.values():
        for i, p in zip(members, holm([p_values[i] for i in members]), strict=True):
            adjusted[i] = p
    return funnel.assign(conversion_from_start_change=change, p_value=p_values, p_value_holm=adjusted)


def _segment(funnel: pd.DataFrame, row: int) -> Hashable:
    """The row's breakdown segment (None: no breakdown, or the null value)."""
    if "breakdown" not in funnel:
        return None
    value = funnel.breakdown.iloc[row]
    return None if pd.isna(value) else value


def _difference(current: float | None, previous: float | None) -> float:
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return math.nan
    return float(current) - float(previous)
