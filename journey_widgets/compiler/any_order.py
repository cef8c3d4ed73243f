"""Any-order journeys (SPEC §5): the most distinct stages matched within one window.

For each start row (matching some stage, in the date range) a RANGE window over
``[t, t + window]`` tells which stages have a matching event; their count is the row's depth.
The actor's depth is the largest count; its start is the earliest start achieving it.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import TIME
from journey_widgets.compiler.breakdown import start_value
from journey_widgets.compiler.paths import (
    ACTOR_COLUMNS,
    DEPTH,
    START,
    actor_window,
    branch_column,
    per_actor,
    reached_column,
)
from journey_widgets.compiler.rows import BREAKDOWN, in_date_range, stage_column, window_us
from journey_widgets.model import Journey
from journey_widgets.portable import as_int


def _start_rank(rows: ir.Table, n_stages: int) -> ir.IntegerValue:
    """Listing position of the first (stage, step) an event matches: the start event's priority."""
    return ibis.cases(
        *[
            (rows[stage_column(k)].notnull(), rows[stage_column(k)].cast(dt.int32) + 16 * k)
            for k in range(1, n_stages + 1)
        ],
        else_=ibis.null(dt.int32),
    )


def any_order_paths(rows: ir.Table, journey: Journey) -> ir.Table:
    """One row per actor with a start: depth and start; reached times and branches are null."""
    n_stages = len(journey.stages)
    matches = [rows[stage_column(k)].notnull() for k in range(1, n_stages + 1)]
    is_start = ibis.or_(*matches) & in_date_range(rows, journey)
    # [t, t + window] as a frame reaching back over descending time: SQLite's SQL generator loses the
    # upper bound of "BETWEEN CURRENT ROW AND w FOLLOWING".
    ahead = actor_window(ibis.desc(TIME), range=(-window_us(journey), 0))
    found = [as_int(m).max().over(ahead) for m in matches]
    count = sum(found[1:], found[0])
    table = rows.mutate(_jw_n=ibis.cases((is_start, count), else_=ibis.null(dt.int16)))
    table = table.mutate(_jw_best=table._jw_n.max().over(actor_window()))
    best_start = ibis.cases((table._jw_n == table._jw_best, table[TIME]), else_=ibis.null(dt.int64))
    table = table.mutate(**{START: best_start.min().over(actor_window())})
    breakdown = {}
    if journey.breakdown is not None:
        table, breakdown[BREAKDOWN] = start_value(table, table[TIME] == table[START], _start_rank(table, n_stages))
    paths = per_actor(table, **{DEPTH: table._jw_n.max().cast(dt.int16), START: table[START].max()}, **breakdown)
    no_times = {reached_column(k): ibis.null(dt.int64) for k in range(1, n_stages + 1)}
    no_branches = {branch_column(k): ibis.null(dt.int16) for k in range(1, n_stages + 1)}
    extra = [BREAKDOWN] if journey.breakdown is not None else []
    return paths.filter(paths[DEPTH].notnull()).select(*ACTOR_COLUMNS, DEPTH, START, *extra, **no_times, **no_branches)
