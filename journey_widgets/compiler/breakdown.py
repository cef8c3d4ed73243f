"""Breakdown labels (docs/semantics.md#breakdown): the top ``limit`` values keep their name, the rest are merged."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import BREAKDOWN

LABEL = "breakdown"
ORDER = "_jw_order"
OTHER = "Other"
#: The merged bucket's label when a kept value is itself "Other" (never a kept value: docs/semantics.md#breakdown).
OTHER_MERGED = "Other (merged)"


def merged_labels(limit: int) -> list[str]:
    """The merged bucket's label candidates, in order: the first that no kept value equals is used. There
    is one more than the ``limit`` kept values, so one is always free."""
    return [OTHER, OTHER_MERGED, *(f"{OTHER_MERGED[:-1]} {n})" for n in range(2, limit + 1))]


def with_labels(paths: ir.Table, limit: int) -> ir.Table:
    """Replace ``_jw_breakdown`` by the ``breakdown`` label and its display order ``_jw_order``.

    The ``limit`` values with most actors keep their name (ties by value, null last); the rest
    become "Other" (or "Other (merged)" when a kept value is "Other", "Other (merged 2)" when that is kept
    too, and so on: :func:`merged_labels`), ordered last.
    """
    counts = paths.group_by(BREAKDOWN).aggregate(_jw_n=paths.count())
    ranking = ibis.row_number().over(order_by=[ibis.desc("_jw_n"), ibis.asc(BREAKDOWN, nulls_first=False)])
    counts = counts.mutate(_jw_pos=ranking)
    kept = counts._jw_pos < limit
    candidates = merged_labels(limit)
    free = [ibis.cases((kept & (counts[BREAKDOWN] == label), 1), else_=0).max().over() == 0 for label in candidates]
    other = ibis.cases(*zip(free[:-1], candidates[:-1]), else_=candidates[-1]).cast(dt.string)
    labels = counts.select(
        _jw_label_value=counts[BREAKDOWN],
        **{
            LABEL: ibis.cases((kept, counts[BREAKDOWN]), else_=other),
            ORDER: ibis.cases((kept, counts._jw_pos), else_=ibis.literal(limit, type=dt.int64)),
        },
    )
    joined = paths.inner_join(labels, paths[BREAKDOWN].identical_to(labels._jw_label_value))
    return joined.drop("_jw_label_value", BREAKDOWN)
