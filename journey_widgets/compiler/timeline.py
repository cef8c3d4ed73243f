"""One row per actor and instant, and the single window pass over them.

Events at one instant are not ordered (docs/semantics.md#ordered-journeys): the compiler works on *instants*, a row per
(actor, time) with, per stage, the first listed step any of its events matches, per exclusion whether
one matches, and the breakdown value of the events by which each stage matches. With one row per
instant, "strictly later" is a ROWS frame starting one row ahead.

Every later step reads the columns of one window pass (one sort): all its window columns share the
partition (actor) and the order (time).
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import (
    ACTOR,
    TIME,
    VALUE,
    exclusion_column,
    first_column,
    next_column,
    next_exclusion_column,
    stage_value_column,
    step_column,
)
from journey_widgets.compiler.rows import in_date_range, window_us
from journey_widgets.model import Journey
from journey_widgets.portable import range_frame


def instants(events: ir.Table, journey: Journey, valued_stages: frozenset[int] = frozenset()) -> ir.Table:
    """One row per actor and instant; ``valued_stages`` get ``_jw_value{k}`` (breakdown by stage)."""
    n_stages, n_exclusions = len(journey.stages), len(journey.exclusions)
    aggregates = {step_column(k): events[step_column(k)].min() for k in range(1, n_stages + 1)}
    aggregates |= {exclusion_column(e): events[exclusion_column(e)].any() for e in range(1, n_exclusions + 1)}
    per_step = {}
    for k in sorted(valued_stages):
        for j in range(1, len(journey.stages[k - 1].steps) + 1):
            value = ibis.cases((events[step_column(k)] == j, events[VALUE]), else_=ibis.null(dt.string))
            per_step[_step_value(k, j)] = value.min()
    table = events.group_by([ACTOR, TIME]).aggregate(**aggregates, **per_step)
    if not valued_stages:
        return table
    values = {
        stage_value_column(k): ibis.cases(
            *[
                (table[step_column(k)] == j, table[_step_value(k, j)])
                for j in range(1, len(journey.stages[k - 1].steps) + 1)
            ],
            else_=ibis.null(dt.string),
        )
        for k in sorted(valued_stages)
    }
    return table.mutate(**values).drop(*per_step)


def _step_value(k: int, j: int) -> str:
    return f"_jw_value{k}_{j}"


def is_start(table: ir.Table, journey: Journey) -> ir.BooleanValue:
    """The instant starts an ordered path: it matches stage 1, in the date range."""
    return table[step_column(1)].notnull() & in_date_range(table, journey)


def ordered_timeline(table: ir.Table, journey: Journey) -> ir.Table:
    """Instants with, from one window pass: ``_jw_next{k}`` for stages 2..N and ``_jw_next_excl{e}``.

    In strict order ``_jw_next{k}`` is the actor's very next instant, if it matches stage k. The frame
    runs over descending time up to the row before (DataFusion's "1 FOLLOWING to UNBOUNDED FOLLOWING"
    frame counts the current row when later rows are null)."""
    later = _later_rows()
    if journey.order == "strict":
        following = ibis.window(group_by=ACTOR, order_by=ibis.desc(TIME))  # the same sort, no frame (Spark)
        next_time = table[TIME].lag().over(following)
        columns = {
            next_column(k): ibis.cases((table[step_column(k)].lag().over(following).notnull(), next_time))
            for k in range(2, len(journey.stages) + 1)
        }
    else:
        columns = {
            next_column(k): _time_where(table, table[step_column(k)].notnull()).min().over(later)
            for k in range(2, len(journey.stages) + 1)
        }
    columns |= {
        next_exclusion_column(e): _time_where(table, table[exclusion_column(e)]).min().over(later)
        for e in range(1, len(journey.exclusions) + 1)
    }
    return table.mutate(**columns) if columns else table


def _later_rows() -> ibis.Window:
    """The actor's instants strictly after this one (one row per instant)."""
    return ibis.window(group_by=ACTOR, order_by=ibis.desc(TIME), rows=(None, -1))


def any_order_timeline(table: ir.Table, journey: Journey, target: str) -> ir.Table:
    """Instants with ``_jw_first{k}``: the earliest stage-k instant in ``[t, t + window]``, and
    ``_jw_next_excl{e}``, from one window pass over descending time (SQLite's SQL generator loses the
    upper bound of "BETWEEN CURRENT ROW AND w FOLLOWING", so the frame reaches back instead)."""
    key, reach = range_frame(table[TIME], window_us(journey), target)
    ahead = ibis.window(group_by=ACTOR, order_by=ibis.desc(key), range=(-reach, 0))
    # a time beyond every event instead of null: DataFusion's sliding MIN counts rows that left a RANGE
    # frame when the rest of the frame is null
    never = ibis.literal(_NEVER, type=dt.int64)
    firsts = {
        k: ibis.cases((table[step_column(k)].notnull(), table[TIME]), else_=never).min().over(ahead)
        for k in range(1, len(journey.stages) + 1)
    }
    columns = {
        first_column(k): ibis.cases((first < never, first), else_=ibis.null(dt.int64)) for k, first in firsts.items()
    }
    columns |= {
        next_exclusion_column(e): _time_where(table, table[exclusion_column(e)]).min().over(_later_rows())
        for e in range(1, len(journey.exclusions) + 1)
    }
    return table.mutate(**columns)


#: Later than any event (microseconds, year 148,000): a frame's minimum of "no time".
_NEVER = 2**62


def _time_where(table: ir.Table, condition: ir.BooleanValue) -> ir.IntegerValue:
    return ibis.cases((condition, table[TIME]), else_=ibis.null(dt.int64))
