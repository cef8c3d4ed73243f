"""Breakdown (SPEC §5): the property value of the path's start event, top N kept, the rest "Other".

At the start instant, the events of the first listed step (any order: the first (stage, step) in
listing order) decide; among them the smallest non-null value wins.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.paths import actor_window
from journey_widgets.compiler.rows import BREAKDOWN

LABEL = "breakdown"
ORDER = "_jw_order"
OTHER = "Other"
#: The merged bucket's label when a kept value is itself "Other" (SPEC §5: it never equals a kept value).
OTHER_MERGED = "Other (merged)"


def start_value(table: ir.Table, at_start: ir.BooleanValue, rank: ir.IntegerValue) -> tuple[ir.Table, ir.Value]:
    """The table with the best start rank per actor, and the per-actor aggregate of the start value.

    ``at_start`` marks the start event's rows, ``rank`` their listing priority (lower is first).
    """
    first_rank = ibis.cases((at_start, rank), else_=ibis.null(dt.int32)).min().over(actor_window())
    table = table.mutate(_jw_at_start=at_start, _jw_rank=rank, _jw_first_rank=first_rank)
    chosen = table._jw_at_start & (table._jw_rank == table._jw_first_rank)
    return table, ibis.cases((chosen, table[BREAKDOWN]), else_=ibis.null(dt.string)).min()


def with_labels(paths: ir.Table, limit: int) -> ir.Table:
    """Replace ``_jw_b`` by the ``breakdown`` label and its display order ``_jw_order``.

    The ``limit`` values with most actors keep their name (ties by value, null last); the rest
    become "Other" (or "Other (merged)" when a kept value is "Other"), ordered last.
    """
    counts = paths.group_by(BREAKDOWN).aggregate(_jw_n=paths.count())
    ranking = ibis.row_number().over(order_by=[ibis.desc("_jw_n"), ibis.asc(BREAKDOWN, nulls_first=False)])
    counts = counts.mutate(_jw_pos=ranking)
    kept = counts._jw_pos < limit
    other_is_kept = ibis.cases((kept & (counts[BREAKDOWN] == OTHER), 1), else_=0).max().over() == 1
    other = ibis.cases((other_is_kept, OTHER_MERGED), else_=OTHER).cast(dt.string)
    labels = counts.select(
        _jw_value=counts[BREAKDOWN],
        **{
            LABEL: ibis.cases((kept, counts[BREAKDOWN]), else_=other),
            ORDER: ibis.cases((kept, counts._jw_pos), else_=ibis.literal(limit, type=dt.int64)),
        },
    )
    joined = paths.inner_join(labels, paths[BREAKDOWN].identical_to(labels._jw_value))
    return joined.drop("_jw_value", BREAKDOWN)
