"""Ordered journeys (SPEC §5) as window functions over each actor's time-ordered rows, no joins.

Pass 1 finds each actor's depth and the earliest start reaching it without per-start joins:
``A_1`` is the row's time if it is a start; for k >= 2, ``A_k`` at a stage-k row is the latest
``A_{k-1}`` strictly before it, i.e. the latest start whose greedy path reached stage k-1 before
this row. A stage-k row *qualifies* when ``t - A_k <= window``; the actor reaches depth k iff some
stage-k row qualifies. Any start in ``[t - window, A_k]`` then reaches stage k by ``t``, so the
earliest start reaching depth D is the earliest start at or after ``t - window`` for the first
qualifying stage-D row (``E`` below, a RANGE window; it is monotone in t).

Pass 2 follows the greedy path from that single start through the rows in its window, giving the
times, branches, exclusion checks and the start event's breakdown value.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import TIME
from journey_widgets.compiler.breakdown import start_value
from journey_widgets.compiler.paths import (
    ACTOR_COLUMNS,
    CHECKPOINT_EVERY,
    DEPTH,
    START,
    Checkpoint,
    actor_window,
    branch_column,
    group_by_actor,
    reached_column,
    unchanged,
)
from journey_widgets.compiler.rows import BREAKDOWN, exclusion_column, in_date_range, stage_column, window_us
from journey_widgets.model import Journey

#: Paths pack (time since start, step index) into one integer; step indices are < 16.
_PACK = 16
_STRICTLY_BEFORE = (None, -1)


def ordered_paths(rows: ir.Table, journey: Journey, checkpoint: Checkpoint = unchanged) -> ir.Table:
    """One row per actor with a start: depth, start, reached times and branches (exclusions applied).

    ``checkpoint`` is applied between passes and every few stages (see :data:`Checkpoint`).
    """
    window = ibis.literal(window_us(journey), type=dt.int64)
    depth_and_start = checkpoint(_depth_and_start(rows, journey, window, checkpoint))
    return _follow_path(depth_and_start, journey, window, checkpoint)


def _depth_and_start(rows: ir.Table, journey: Journey, window: ir.IntegerScalar, checkpoint: Checkpoint) -> ir.Table:
    """Every row of an actor with a start, with the actor's ``_jw_depth`` and path ``_jw_start``."""
    n_stages = len(journey.stages)
    is_start = rows[stage_column(1)].notnull() & in_date_range(rows, journey)
    table = rows.mutate(_jw_a1=ibis.cases((is_start, rows[TIME]), else_=ibis.null(dt.int64)))
    earliest = table._jw_a1.min().over(actor_window(TIME, range=(-window_us(journey), 0)))
    table = table.mutate(_jw_e=earliest)
    for k in range(2, n_stages + 1):
        previous = table[f"_jw_a{k - 1}"].max().over(actor_window(TIME, range=_STRICTLY_BEFORE))
        table = table.mutate(
            **{f"_jw_a{k}": ibis.cases((table[stage_column(k)].notnull(), previous), else_=ibis.null(dt.int64))}
        )
        if k % CHECKPOINT_EVERY == 0:
            table = checkpoint(table)
    firsts = {}
    for k in range(1, n_stages + 1):
        reached = table[f"_jw_a{k}"]
        qualifies = reached.notnull() & (table[TIME] - reached <= window)
        firsts[f"_jw_q{k}"] = ibis.cases((qualifies, table._jw_e), else_=ibis.null(dt.int64)).min().over(actor_window())
    table = table.mutate(**firsts)
    by_depth = [(table[f"_jw_q{k}"].notnull(), k) for k in range(n_stages, 0, -1)]
    table = table.mutate(
        **{
            DEPTH: ibis.cases(*by_depth, else_=ibis.null(dt.int16)).cast(dt.int16),
            START: _first_not_null([table[f"_jw_q{k}"] for k in range(n_stages, 0, -1)]),
        }
    )
    return table.drop(*[f"_jw_a{k}" for k in range(1, n_stages + 1)], "_jw_e", *firsts)


def _first_not_null(values: list[ir.Value]) -> ir.Value:
    """COALESCE, also for a single value (SQLite rejects COALESCE with one argument)."""
    return values[0] if len(values) == 1 else ibis.coalesce(*values)


def _follow_path(table: ir.Table, journey: Journey, window: ir.IntegerScalar, checkpoint: Checkpoint) -> ir.Table:
    n_stages = len(journey.stages)
    offset = table[TIME] - table[START]
    table = table.filter(table[START].notnull(), offset >= 0, offset <= window).mutate(_jw_dt=offset)
    is_first = table[stage_column(1)].notnull() & (table._jw_dt == 0)
    table = table.mutate(_jw_c1=ibis.cases((is_first, 1), else_=ibis.null(dt.int8)))
    for k in range(2, n_stages + 1):
        previous = table[f"_jw_c{k - 1}"].max().over(actor_window(TIME, range=_STRICTLY_BEFORE))
        table = table.mutate(
            **{f"_jw_c{k}": ibis.cases((table[stage_column(k)].notnull(), previous), else_=ibis.null(dt.int8))}
        )
        if k % CHECKPOINT_EVERY == 0:
            table = checkpoint(table)
    table = checkpoint(_flag_exclusions(table, journey, window))
    breakdown = {}
    if journey.breakdown is not None:
        at_start = table[stage_column(1)].notnull() & (table._jw_dt == 0)
        table, breakdown[BREAKDOWN] = start_value(table, at_start, table[stage_column(1)].cast(dt.int32))
    packed = {
        f"_jw_p{k}": ibis.cases(
            (table[f"_jw_c{k}"].notnull(), table._jw_dt * _PACK + table[stage_column(k)].cast(dt.int64)),
            else_=ibis.null(dt.int64),
        ).min()
        for k in range(1, n_stages + 1)
    }
    if journey.exclusions:
        packed["_jw_excluded"] = table._jw_excluded.max()
    paths = group_by_actor(table).aggregate(
        **packed, **breakdown, **{DEPTH: table[DEPTH].max(), START: table[START].max()}
    )
    if journey.exclusions:
        paths = paths.filter(~paths._jw_excluded)
    reached = {}
    for k in range(1, n_stages + 1):
        pack = paths[f"_jw_p{k}"]
        reached[reached_column(k)] = paths[START] + pack // _PACK
        reached[branch_column(k)] = (pack % _PACK).cast(dt.int16)
    extra = [BREAKDOWN] if journey.breakdown is not None else []
    return paths.select(*ACTOR_COLUMNS, DEPTH, START, *extra, **reached)


def _flag_exclusions(table: ir.Table, journey: Journey, window: ir.IntegerScalar) -> ir.Table:
    """Flag rows matching an exclusion strictly after stage i and at or before stage j (or the window end)."""
    if not journey.exclusions:
        return table
    stages = sorted({k for x in journey.exclusions for k in x.between})
    first_at = {
        k: ibis.cases((table[f"_jw_c{k}"].notnull(), table._jw_dt), else_=ibis.null(dt.int64))
        .min()
        .over(actor_window())
        for k in stages
    }
    table = table.mutate(**{f"_jw_f{k}": value for k, value in first_at.items()})
    flags = ibis.literal(False)
    for e, exclusion in enumerate(journey.exclusions, start=1):
        after, until = (table[f"_jw_f{k}"] for k in exclusion.between)
        flags |= (
            table[exclusion_column(e)]
            & after.notnull()
            & (table._jw_dt > after)
            & (table._jw_dt <= until.coalesce(window))
        )
    return table.mutate(_jw_excluded=flags)
