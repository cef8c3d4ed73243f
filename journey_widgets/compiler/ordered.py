"""Ordered journeys (SPEC §5) from one window pass: equi-joins follow the greedy paths.

The timeline (:func:`~journey_widgets.compiler.instants.ordered_timeline`) gives every instant the
earliest instant of each later stage strictly after it, ``_jw_next{k}``. The greedy path from a start
is then followed one stage at a time by an equi-join on (actor, time) into that stage's instants, so
a stage costs its own rows, not another sort of the whole table.

1. **Depth.** A *state* is a stage-k instant that some start's path reaches within its window. States
   are kept once, with the latest start reaching them: from a state, the rest of the path does not
   depend on the start, and the latest start has the most window left. The actor's depth is its
   deepest stage with a state.
2. **The start.** Earlier starts reach every stage no later (greedy), so a start s reaches a state at
   time τ of the deepest stage D when ``s >= τ - window`` and s is no later than the state's latest
   start. The earliest start reaching depth D is therefore the earliest start at or after
   ``τ - window`` for the earliest such τ (found by one join of the starts with that τ per actor).
3. **The path** from that start, one row per actor, joined stage by stage: times, branches, the next
   exclusion after each stage, and the breakdown value.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import (
    ACTOR,
    BREAKDOWN,
    DEPTH,
    EXCLUDED,
    START,
    TIME,
    branch_column,
    next_column,
    next_exclusion_column,
    reached_column,
    stage_value_column,
    step_column,
)
from journey_widgets.compiler.instants import is_start
from journey_widgets.compiler.paths import Checkpoint, unchanged
from journey_widgets.compiler.rows import window_us
from journey_widgets.model import Journey

_STAGE = "_jw_stage"
_AT = "_jw_at"
_LATEST = "_jw_latest"
_NEXT = "_jw_next"
#: Stages between two checkpoints of the stage-by-stage joins (SQLite's parser takes a few levels).
CHECKPOINT_EVERY = 2


def ordered_paths(
    timeline: ir.Table, journey: Journey, breakdown_stage: int | None = None, checkpoint: Checkpoint = unchanged
) -> ir.Table:
    """One row per actor with a start and no exclusion: ``_jw_actor``, depth, start, per stage the
    time reached and the branch, and (given ``breakdown_stage``) the value of that stage's event.

    ``checkpoint`` is applied to the joined tables every :data:`CHECKPOINT_EVERY` stages."""
    window = ibis.literal(window_us(journey), type=dt.int64)
    chosen = checkpoint(_deepest_start(timeline, journey, window, checkpoint))
    return _follow_path(chosen, timeline, journey, window, breakdown_stage, checkpoint)


def _stage_instants(timeline: ir.Table, k: int) -> ir.Table:
    return timeline.filter(timeline[step_column(k)].notnull())


def _deepest_start(
    timeline: ir.Table, journey: Journey, window: ir.IntegerScalar, checkpoint: Checkpoint
) -> ir.Table:
    """Per actor with a start: ``_jw_depth`` and the earliest start reaching it, ``_jw_start``."""
    n_stages = len(journey.stages)
    starts = timeline.filter(is_start(timeline, journey))
    starts = starts.select(ACTOR, TIME, **_next_of(starts, 2, n_stages))
    states = starts.select(ACTOR, **{_AT: starts[TIME], _LATEST: starts[TIME]}, **_next_of(starts, 1, n_stages))
    deepest = [_deepest_of(states, 1)]
    for k in range(2, n_stages + 1):
        moved = states.filter(states[_NEXT].notnull() & (states[_NEXT] - states[_LATEST] <= window))
        reached = moved.group_by([ACTOR, moved[_NEXT].name(_AT)]).aggregate(**{_LATEST: moved[_LATEST].max()})
        if k < n_stages:
            instants = _stage_instants(timeline, k)
            instants = instants.select(
                _jw_stage_actor=instants[ACTOR], _jw_stage_time=instants[TIME], **{_NEXT: instants[next_column(k + 1)]}
            )
            joined = reached.inner_join(
                instants, [reached[ACTOR] == instants._jw_stage_actor, reached[_AT] == instants._jw_stage_time]
            )
            reached = joined.drop("_jw_stage_actor", "_jw_stage_time")
        states = checkpoint(reached) if k % CHECKPOINT_EVERY == 0 else reached
        deepest.append(_deepest_of(states, k))
    candidates = ibis.union(*deepest, distinct=False)
    best = candidates.group_by(ACTOR).aggregate(_jw_best_actor=candidates[ACTOR].max(), **{DEPTH: candidates[_STAGE].max()})
    best = best.drop(ACTOR)
    deepest_state = candidates.inner_join(
        best, [candidates[ACTOR] == best._jw_best_actor, candidates[_STAGE] == best[DEPTH]]
    ).select(_jw_deepest_actor=ACTOR, _jw_deepest_depth=DEPTH, _jw_deepest_at=_AT)
    # the earliest start at or after (earliest deepest state - window): see the module docstring
    reaching = starts.inner_join(
        deepest_state,
        [
            starts[ACTOR] == deepest_state._jw_deepest_actor,
            starts[TIME] >= deepest_state._jw_deepest_at - window,
        ],
    )
    return reaching.group_by(ACTOR).aggregate(**{DEPTH: reaching._jw_deepest_depth.max(), START: reaching[TIME].min()})


def _next_of(table: ir.Table, k: int, n_stages: int) -> dict[str, ir.Value]:
    """``_jw_next``: the next stage-k instant (k = 1: the table's own ``_jw_next``), if there is a stage k."""
    if k > n_stages or n_stages == 1:
        return {}
    return {_NEXT: table[_NEXT] if k == 1 else table[next_column(k)]}


def _deepest_of(states: ir.Table, k: int) -> ir.Table:
    """Per actor with a stage-k state: k and the earliest stage-k state."""
    return states.group_by(ACTOR).aggregate(**{_STAGE: ibis.literal(k, type=dt.int16), _AT: states[_AT].min()})


def _follow_path(
    chosen: ir.Table,
    timeline: ir.Table,
    journey: Journey,
    window: ir.IntegerScalar,
    breakdown_stage: int | None,
    checkpoint: Checkpoint,
) -> ir.Table:
    """The greedy path from each actor's chosen start, joined one stage at a time."""
    n_stages = len(journey.stages)
    path = chosen
    exclusions_after = {
        k: [e for e, x in enumerate(journey.exclusions, start=1) if x.between[0] == k] for k in range(1, n_stages + 1)
    }
    for k in range(1, n_stages + 1):
        if k == 1:
            reached = path[START]
        else:
            following = path[_NEXT]
            reached = ibis.cases((following <= path[START] + window, following), else_=ibis.null(dt.int64))
        path = path.mutate(**{reached_column(k): reached})
        if k > 1:
            path = path.drop(_NEXT)
        instants = _stage_instants(timeline, k)
        columns = {branch_column(k): instants[step_column(k)]}
        if k < n_stages:
            columns[_NEXT] = instants[next_column(k + 1)]
        columns |= {f"_jw_after{e}": instants[next_exclusion_column(e)] for e in exclusions_after[k]}
        if breakdown_stage == k:
            columns[BREAKDOWN] = instants[stage_value_column(k)]
        instants = instants.select(_jw_stage_actor=instants[ACTOR], _jw_stage_time=instants[TIME], **columns)
        kept = path.columns
        joined = path.left_join(
            instants,
            [path[ACTOR] == instants._jw_stage_actor, path[reached_column(k)] == instants._jw_stage_time],
        )
        path = joined.select(*kept, *columns)
        if k % CHECKPOINT_EVERY == 0:
            path = checkpoint(path)
    if journey.exclusions:
        path = path.mutate(**{EXCLUDED: _excluded(path, journey, path[START] + window)}).filter(lambda t: ~t[EXCLUDED])
    reached_columns = [c for k in range(1, n_stages + 1) for c in (reached_column(k), branch_column(k))]
    extra = [BREAKDOWN] if breakdown_stage is not None else []
    return path.select(ACTOR, DEPTH, START, *reached_columns, *extra)


def _excluded(path: ir.Table, journey: Journey, end: ir.IntegerValue) -> ir.BooleanValue:
    """An exclusion event strictly after stage i of the path and at or before stage j (or, stage j not
    reached, the window's end)."""
    flags = ibis.literal(False)
    for e, exclusion in enumerate(journey.exclusions, start=1):
        i, j = exclusion.between
        after_i = path[f"_jw_after{e}"]
        until = path[reached_column(j)].coalesce(end)
        flags |= (path[DEPTH] >= i) & after_i.notnull() & (after_i <= until)
    return flags
