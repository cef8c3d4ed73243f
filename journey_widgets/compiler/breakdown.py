"""Breakdown (SPEC §5): the property value of the path's start event, top N kept, the rest "Other".

At the start instant, the events of the first listed step (any order: the first (stage, step) in
listing order) decide; among them the smallest non-null value wins.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import TIME
from journey_widgets.compiler.paths import START, actor_window, join_actors
from journey_widgets.compiler.rows import ACTOR_KEYS, BREAKDOWN, stage_column
from journey_widgets.model import Journey

LABEL = "breakdown"
ORDER = "_jw_order"
OTHER = "Other"
_RANK = "_jw_rank"


def _start_rank(rows: ir.Table, journey: Journey) -> ir.IntegerValue:
    """Listing position of the first (stage, step) an event matches: the start-event priority."""
    stages = range(1, len(journey.stages) + 1) if journey.order == "any" else range(1, 2)
    return ibis.cases(
        *[(rows[stage_column(k)].notnull(), rows[stage_column(k)].cast(dt.int32) + 16 * k) for k in stages],
        else_=ibis.null(dt.int32),
    )


def with_start_value(rows: ir.Table, paths: ir.Table, journey: Journey) -> ir.Table:
    """Add the raw breakdown value of each path's start event as ``_jw_b``."""
    at_start = join_actors(rows, paths, [START])
    at_start = at_start.filter(at_start[TIME] == at_start[START]).mutate(**{_RANK: _start_rank(at_start, journey)})
    at_start = at_start.filter(at_start[_RANK].notnull())
    per_rank = at_start.group_by([*ACTOR_KEYS, _RANK]).aggregate(**{BREAKDOWN: at_start[BREAKDOWN].min()})
    per_rank = per_rank.mutate(_jw_first=ibis.row_number().over(actor_window(_RANK)))
    first = per_rank.filter(per_rank._jw_first == 0).select(*ACTOR_KEYS, BREAKDOWN)
    return _left_join_actors(paths, first)


def _left_join_actors(paths: ir.Table, values: ir.Table) -> ir.Table:
    renamed = values.select(*[values[k].name(f"{k}_v") for k in ACTOR_KEYS], BREAKDOWN)
    predicate = ibis.and_(*[paths[k].identical_to(renamed[f"{k}_v"]) for k in ACTOR_KEYS])
    joined = paths.left_join(renamed, predicate)
    return joined.drop(*[f"{k}_v" for k in ACTOR_KEYS])


def with_labels(paths: ir.Table, limit: int) -> ir.Table:
    """Replace ``_jw_b`` by the ``breakdown`` label and its display order ``_jw_order``.

    The ``limit`` values with most actors keep their name (ties by value, null last); the rest
    become "Other", ordered last.
    """
    counts = paths.group_by(BREAKDOWN).aggregate(_jw_n=paths.count())
    ranking = ibis.row_number().over(order_by=[ibis.desc("_jw_n"), ibis.asc(BREAKDOWN, nulls_first=False)])
    counts = counts.mutate(_jw_pos=ranking)
    kept = counts._jw_pos < limit
    labels = counts.select(
        _jw_value=counts[BREAKDOWN],
        **{
            LABEL: ibis.cases((kept, counts[BREAKDOWN]), else_=ibis.literal(OTHER, type=dt.string)),
            ORDER: ibis.cases((kept, counts._jw_pos), else_=ibis.literal(limit, type=dt.int64)),
        },
    )
    joined = paths.inner_join(labels, paths[BREAKDOWN].identical_to(labels._jw_value))
    return joined.drop("_jw_value", BREAKDOWN)

