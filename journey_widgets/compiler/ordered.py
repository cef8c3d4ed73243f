"""Ordered journeys (SPEC §5) as window functions over each actor's time-ordered rows, no joins.

The window pass finds each actor's depth and the earliest start reaching it without per-start
joins: ``A_1`` is the row's time if it is a start; for k >= 2, ``A_k`` at a stage-k row is the latest
``A_{k-1}`` strictly before it, i.e. the latest start whose greedy path reached stage k-1 before
this row. A stage-k row *qualifies* when ``t - A_k <= window``; the actor reaches depth k iff some
stage-k row qualifies. Any start in ``[t - window, A_k]`` then reaches stage k by ``t``, so the
earliest start reaching depth D is the earliest start at or after ``t - window`` for the first
qualifying stage-D row (``E`` below, a RANGE window; it is monotone in t).

One aggregation per actor then reads the path from that start off the ``A_k`` (see
:func:`_follow_path`): times, branches, exclusion checks and the start event's breakdown value.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import TIME
from journey_widgets.compiler.paths import (
    ACTOR_COLUMNS,
    CHECKPOINT_EVERY,
    DEPTH,
    START,
    Checkpoint,
    actor_columns,
    actor_window,
    branch_column,
    per_actor,
    reached_column,
    unchanged,
)
from journey_widgets.compiler.rows import ACTOR, BREAKDOWN, exclusion_column, in_date_range, stage_column, window_us
from journey_widgets.model import Journey

#: Paths pack (time since start, step index) into one integer; step indices lie in 1..15.
_PACK = 16
_BEFORE = (None, -1)


def ordered_paths(rows: ir.Table, journey: Journey, checkpoint: Checkpoint = unchanged) -> ir.Table:
    """One row per actor with a start: depth, start, reached times and branches (exclusions applied).

    ``checkpoint`` is applied between the window pass and the aggregation, and every few stages
    (see :data:`Checkpoint`).
    """
    window = ibis.literal(window_us(journey), type=dt.int64)
    instants = checkpoint(_instants(rows, journey))
    depth_and_start = checkpoint(_depth_and_start(instants, journey, window, checkpoint))
    return _follow_path(depth_and_start, journey, window)


def _instants(rows: ir.Table, journey: Journey) -> ir.Table:
    """One row per actor and instant: per stage the first listed step matched, whether an exclusion
    matched, and the breakdown value of the first listed stage-1 step's events (the smallest).

    Events at one instant are not ordered (SPEC §5): as one row, "strictly before" is a ROWS frame.
    """
    first_step = rows[stage_column(1)]
    aggregates = {stage_column(k): rows[stage_column(k)].min() for k in range(1, len(journey.stages) + 1)}
    aggregates |= {exclusion_column(e): rows[exclusion_column(e)].any() for e in range(1, len(journey.exclusions) + 1)}
    steps = range(1, len(journey.stages[0].steps) + 1)
    if journey.breakdown is not None:
        no_value = ibis.null(dt.string)
        aggregates |= {f"_jw_b{j}": ibis.cases((first_step == j, rows[BREAKDOWN]), else_=no_value).min() for j in steps}
    instants = rows.group_by([ACTOR, TIME]).aggregate(**actor_columns(rows), **aggregates)
    if journey.breakdown is None:
        return instants
    value = ibis.cases(*[(instants[stage_column(1)] == j, instants[f"_jw_b{j}"]) for j in steps], else_=no_value)
    return instants.mutate(**{BREAKDOWN: value}).drop(*[f"_jw_b{j}" for j in steps])


def _latest_before_needed(journey: Journey) -> set[int]:
    """Stages whose ``_jw_m{k}`` (latest ``A_k`` strictly before the row) the exclusions read."""
    return {k for exclusion in journey.exclusions for k in exclusion.between}


def _depth_and_start(rows: ir.Table, journey: Journey, window: ir.IntegerScalar, checkpoint: Checkpoint) -> ir.Table:
    """The rows of actors with a start, with ``_jw_a{k}``, the actor's ``_jw_depth`` and path
    ``_jw_start``, and the ``_jw_m{k}`` the exclusions need."""
    n_stages, needed = len(journey.stages), _latest_before_needed(journey)
    is_start = rows[stage_column(1)].notnull() & in_date_range(rows, journey)
    table = rows.mutate(_jw_a1=ibis.cases((is_start, rows[TIME]), else_=ibis.null(dt.int64)))
    earliest = table._jw_a1.min().over(actor_window(TIME, range=(-window_us(journey), 0)))
    table = table.mutate(_jw_e=earliest)
    for k in range(2, n_stages + 1):
        latest = _latest_before(table, k - 1)
        if k - 1 in needed:
            table = table.mutate(**{f"_jw_m{k - 1}": latest})
            latest = table[f"_jw_m{k - 1}"]
        table = table.mutate(
            **{f"_jw_a{k}": ibis.cases((table[stage_column(k)].notnull(), latest), else_=ibis.null(dt.int64))}
        )
        if k % CHECKPOINT_EVERY == 0:
            table = checkpoint(table)
    if n_stages in needed:
        table = table.mutate(**{f"_jw_m{n_stages}": _latest_before(table, n_stages)})
    firsts = {}
    for k in range(1, n_stages + 1):
        reached = table[f"_jw_a{k}"]
        qualifies = reached.notnull() & (table[TIME] - reached <= window)
        firsts[f"_jw_q{k}"] = ibis.cases((qualifies, table._jw_e), else_=ibis.null(dt.int64)).min()
    # per actor, then joined back: an aggregation and a join on one integer cost far less than
    # the same minima as whole-partition windows
    actors = table.group_by(ACTOR).aggregate(**firsts)
    by_depth = [(actors[f"_jw_q{k}"].notnull(), k) for k in range(n_stages, 0, -1)]
    actors = actors.select(
        **{
            f"{ACTOR}_with_start": actors[ACTOR],
            DEPTH: ibis.cases(*by_depth, else_=ibis.null(dt.int16)).cast(dt.int16),
            START: _first_not_null([actors[f"_jw_q{k}"] for k in range(n_stages, 0, -1)]),
        }
    ).filter(ibis._[START].notnull())
    joined = table.inner_join(actors, table[ACTOR] == actors[f"{ACTOR}_with_start"])
    return joined.drop("_jw_e", f"{ACTOR}_with_start")


def _latest_before(table: ir.Table, k: int) -> ir.IntegerValue:
    """The latest ``A_k`` among the actor's instants before this one."""
    return table[f"_jw_a{k}"].max().over(actor_window(TIME, rows=_BEFORE))


def _first_not_null(values: list[ir.Value]) -> ir.Value:
    """COALESCE, also for a single value (SQLite rejects COALESCE with one argument)."""
    return values[0] if len(values) == 1 else ibis.coalesce(*values)


def _follow_path(table: ir.Table, journey: Journey, window: ir.IntegerScalar) -> ir.Table:
    """The greedy path from each actor's start ``S``, in one aggregation.

    ``A_k`` at a stage-k row is the latest start whose greedy path reached stage k-1 strictly
    before it, and later starts reach every stage no earlier; so the path from ``S`` reaches stage k
    at the first stage-k row with ``A_k >= S`` (within the window). Likewise a row lies after stage
    k of that path iff ``_jw_m{k}`` (the latest ``A_k`` strictly before it) is ``>= S``.
    """
    n_stages = len(journey.stages)
    table = table.mutate(_jw_dt=table[TIME] - table[START])
    aggregates = {}
    if journey.breakdown is not None:
        at_start = ibis.cases((table._jw_dt == 0, table[BREAKDOWN]), else_=ibis.null(dt.string))
        aggregates[BREAKDOWN] = at_start.min()
    in_window = (table._jw_dt >= 0) & (table._jw_dt <= window)
    for k in range(1, n_stages + 1):
        step_index = table[stage_column(k)]
        on_path = table._jw_dt == 0 if k == 1 else table[f"_jw_a{k}"] >= table[START]
        packed = table._jw_dt * _PACK + step_index.cast(dt.int64)
        chosen = step_index.notnull() & in_window & on_path
        aggregates[f"_jw_p{k}"] = ibis.cases((chosen, packed), else_=ibis.null(dt.int64)).min()
    if journey.exclusions:
        aggregates["_jw_excluded"] = _excluded(table, journey, in_window).max()
    paths = per_actor(table, **aggregates, **{DEPTH: table[DEPTH].max(), START: table[START].max()})
    if journey.exclusions:
        paths = paths.filter(~paths._jw_excluded)
    reached = {}
    for k in range(1, n_stages + 1):
        pack = paths[f"_jw_p{k}"]
        reached[reached_column(k)] = paths[START] + pack // _PACK
        reached[branch_column(k)] = (pack % _PACK).cast(dt.int16)
    extra = [BREAKDOWN] if journey.breakdown is not None else []
    return paths.select(*ACTOR_COLUMNS, DEPTH, START, *extra, **reached)


def _excluded(table: ir.Table, journey: Journey, in_window: ir.BooleanValue) -> ir.BooleanValue:
    """The row matches an exclusion strictly after stage i of the path and at or before stage j
    (or, stage j not reached, the window's end)."""
    flags = ibis.literal(False)
    for e, exclusion in enumerate(journey.exclusions, start=1):
        after_i, after_j = (table[f"_jw_m{k}"] >= table[START] for k in exclusion.between)
        flags |= table[exclusion_column(e)] & in_window & after_i.fill_null(False) & ~after_j.fill_null(False)
    return flags
