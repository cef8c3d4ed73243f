"""The comparison with the previous period (docs/semantics.md#comparison-with-the-previous-period): the tables
of both periods as one, with a leading ``period`` column, ``current`` rows first.

Each period is the journey compiled with its own date range over the same rows and timeline (the date range
only picks the starts), so one query (or one fetch) serves both; this module only puts their tables together.
SQL does not keep the order of a union's parts, so the union is sorted again: by period, then by the keys the
table was sorted by (a breakdown's display order is read back from the period's own labels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.breakdown import LABEL, ORDER
from journey_widgets.compiler.columns import GAP

PeriodName = Literal["current", "previous"]
#: The periods of a comparison, in the order their rows come ("current" sorts before "previous" as text too).
PERIODS: tuple[PeriodName, PeriodName] = ("current", "previous")
#: The leading column of a comparison's tables.
PERIOD = "period"
#: A trend's own period (the start of its day, week or month) when the comparison takes the name ``period``.
PERIOD_START = "period_start"
_PERIOD = "_jw_period"
#: The keys a table is sorted by, given the union (expressions or column names).
SortKeys = Callable[[ir.Table], Sequence[Any]]
_US_PER_SECOND = 1_000_000


def by_columns(*names: str) -> SortKeys:
    """Sort keys that are the table's own columns."""
    return lambda _: names


def label_order(paths: ir.Table) -> ir.Table:
    """A period's breakdown labels and their display order (``_jw_order``), from its internal paths."""
    return paths.select(_jw_order_label=paths[LABEL], **{ORDER: paths[ORDER]}).distinct()


def with_label_order(table: ir.Table, order: ir.Table) -> ir.Table:
    """``table`` (with a ``breakdown`` column) with its labels' display order (a null label is a label too)."""
    joined = table.inner_join(order, table[LABEL].identical_to(order._jw_order_label))
    return joined.drop("_jw_order_label")


def period_union(parts: Sequence[tuple[str, ir.Table]], keys: SortKeys, *, labelled: bool = False) -> ir.Table:
    """The periods' tables as one, a leading ``period`` column, sorted by period then ``keys`` (``labelled``: the
    parts carry ``_jw_order``, the breakdown's display order, sorted on before ``keys`` and dropped)."""
    # named apart until the end: a part's own sort may read a column ``period`` (the trend's, renamed)
    named = [table.select(ibis.literal(name, type=dt.string).name(_PERIOD), *table.columns) for name, table in parts]
    union = ibis.union(*named, distinct=False)
    first = [ORDER] if labelled else []
    ordered = union.order_by([_PERIOD, *first, *keys(union)])
    columns = [name for name in union.columns if name not in (_PERIOD, ORDER)]
    return ordered.select(ordered[_PERIOD].name(PERIOD), *columns)  # a select keeps the order in SQL


def shared_histogram(parts: Sequence[tuple[str, ir.Table]], stage_names: Sequence[str], bins: int) -> ir.Table:
    """Per period and stage (k >= 2), the paths' time from the previous stage in ``bins`` equal bins from 0 that
    both periods share: their width is the one of the largest gap of either period. ``parts`` are the periods'
    internal steps."""
    gaps = ibis.union(
        *[
            steps.filter(steps.stage_index >= 2).select(
                ibis.literal(name, type=dt.string).name(PERIOD), "stage_index", _jw_gap=steps[GAP]
            )
            for name, steps in parts
        ],
        distinct=False,
    )
    widths = gaps.group_by("stage_index").aggregate(_jw_width=(gaps._jw_gap.max() // bins + 1).cast(dt.int64))
    placed = gaps.inner_join(widths, "stage_index")
    placed = placed.mutate(_jw_from=placed._jw_gap // placed._jw_width * placed._jw_width)
    counted = placed.group_by([PERIOD, "stage_index", "_jw_from", "_jw_width"]).aggregate(actors=placed.count())
    seconds = counted._jw_from.cast(dt.float64) / _US_PER_SECOND
    stage = ibis.cases(*[(counted.stage_index == k, name) for k, name in enumerate(stage_names, start=1)])
    return counted.select(
        PERIOD,
        "stage_index",
        stage=stage,
        bin_start_seconds=seconds,
        bin_end_seconds=seconds + counted._jw_width.cast(dt.float64) / _US_PER_SECOND,
        actors="actors",
    ).order_by([PERIOD, "stage_index", "bin_start_seconds"])
