"""Ordered journeys (docs/semantics.md#ordered-journeys) from one window pass: equi-joins follow the greedy paths.

The timeline (:func:`~journey_widgets.compiler.timeline.ordered_timeline`) gives every instant the
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

Strict order changes only the timeline (``_jw_next{k}`` is the very next instant, if it matches) and
step 2: a strict path from a start is that start's own run of instants, so two starts never share a
state, every state knows its start, and the earliest start of the deepest states is the path's.
"""

from __future__ import annotations

import functools
import operator

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.chosen import AttributedStage, Checkpoint, ChosenPaths, unchanged
from journey_widgets.compiler.columns import (
    ACTOR,
    BRANCH,
    BREAKDOWN,
    DEPTH,
    GAP,
    LATEST,
    NEXT,
    REACHED_AT,
    START,
    STATE_AT,
    TIME,
    next_column,
    next_exclusion_column,
    stage_value_column,
    step_column,
)
from journey_widgets.compiler.rows import window_us
from journey_widgets.compiler.timeline import is_start
from journey_widgets.model import Journey

_STAGE = "_jw_stage"
_PREVIOUS = "_jw_previous"
_BRANCH = "_jw_step"
#: Stages between two checkpoints of the stage-by-stage joins (SQLite's parser takes a few levels).
CHECKPOINT_EVERY = 2


def ordered_paths(
    timeline: ir.Table, journey: Journey, breakdown_stage: AttributedStage = None, checkpoint: Checkpoint = unchanged
) -> ChosenPaths:
    """The paths of the actors with a start; (given ``breakdown_stage``) the actor's breakdown value is
    that of the event by which its path reached that stage (null if it did not).

    ``checkpoint`` is applied to the joined tables every :data:`CHECKPOINT_EVERY` stages."""
    window = ibis.literal(window_us(journey), type=dt.int64)
    chosen = checkpoint(_deepest_start(timeline, journey, window, checkpoint))
    return _follow_path(chosen, timeline, journey, window, breakdown_stage, checkpoint)


def _stage_instants(timeline: ir.Table, k: int) -> ir.Table:
    return timeline.filter(timeline[step_column(k)].notnull())


def _deepest_start(timeline: ir.Table, journey: Journey, window: ir.IntegerScalar, checkpoint: Checkpoint) -> ir.Table:
    """Per actor with a start: ``_jw_depth`` (the number of its deepest required stage) and the earliest start
    reaching it, ``_jw_start``."""
    stages = journey.required_stages
    n_stages = len(stages)
    starts = timeline.filter(is_start(timeline, journey))
    starts = starts.select(ACTOR, TIME, **({NEXT: starts[next_column(stages[1])]} if n_stages > 1 else {}))
    carried = {NEXT: starts[NEXT]} if n_stages > 1 else {}
    states = starts.select(ACTOR, **{STATE_AT: starts[TIME], LATEST: starts[TIME]}, **carried)
    strict = journey.order == "strict"
    deepest = [_deepest_of(states, 1, strict)]
    for position, k in enumerate(stages[1:], start=2):
        following = stages[position] if position < n_stages else None
        reached = follow_states(states, timeline, k, following, window)
        states = checkpoint(reached) if position % CHECKPOINT_EVERY == 0 else reached
        deepest.append(_deepest_of(states, k, strict))
    candidates = ibis.union(*deepest, distinct=False)
    best = candidates.group_by(ACTOR).aggregate(
        _jw_best_actor=candidates[ACTOR].max(), **{DEPTH: candidates[_STAGE].max()}
    )
    best = best.drop(ACTOR)
    deepest_state = candidates.inner_join(
        best, [candidates[ACTOR] == best._jw_best_actor, candidates[_STAGE] == best[DEPTH]]
    ).select(ACTOR, DEPTH, STATE_AT)
    # strict: the deepest states' earliest start; depth 1: the earliest start; deeper: the earliest start at
    # or after (the earliest deepest state - window), among the starts that have a next stage (see above)
    if strict or n_stages == 1:
        return deepest_state.select(ACTOR, DEPTH, **{START: deepest_state[STATE_AT]})
    single = deepest_state.filter(deepest_state[DEPTH] == 1).select(ACTOR, DEPTH, **{START: deepest_state[STATE_AT]})
    deeper = deepest_state.filter(deepest_state[DEPTH] > 1)
    deeper = deeper.select(
        _jw_deeper_actor=deeper[ACTOR], _jw_deeper_depth=deeper[DEPTH], _jw_deeper_at=deeper[STATE_AT]
    )
    moving = starts.filter(starts[NEXT].notnull())
    reaching = moving.inner_join(
        deeper, [moving[ACTOR] == deeper._jw_deeper_actor, moving[TIME] >= deeper._jw_deeper_at - window]
    ).select(ACTOR, TIME, _jw_deeper_depth=deeper._jw_deeper_depth)
    chosen = reaching.group_by(ACTOR).aggregate(**{DEPTH: reaching._jw_deeper_depth.max(), START: reaching[TIME].min()})
    return ibis.union(single, chosen.select(ACTOR, DEPTH, START), distinct=False)


def follow_states(
    states: ir.Table, timeline: ir.Table, k: int, following: int | None, window: ir.IntegerScalar | None
) -> ir.Table:
    """The stage-k states that ``states`` (``_jw_actor``, ``_jw_latest``, ``_jw_next``) move to within the
    ``window`` of their start (None: any window): one per actor and instant (``_jw_at``), kept with the latest
    start reaching it, and (unless ``following`` is None) that instant's next instant of stage ``following``."""
    moving = states[NEXT].notnull()
    if window is not None:
        moving &= states[NEXT] - states[LATEST] <= window
    moved = states.filter(moving)
    reached = moved.group_by([ACTOR, moved[NEXT].name(STATE_AT)]).aggregate(**{LATEST: moved[LATEST].max()})
    if following is None:
        return reached
    instants = _stage_instants(timeline, k)
    instants = instants.select(
        _jw_stage_actor=instants[ACTOR], _jw_stage_time=instants[TIME], **{NEXT: instants[next_column(following)]}
    )
    return reached.inner_join(
        instants, [reached[ACTOR] == instants._jw_stage_actor, reached[STATE_AT] == instants._jw_stage_time]
    ).select(reached[ACTOR], reached[STATE_AT], reached[LATEST], instants[NEXT])


def _deepest_of(states: ir.Table, k: int, strict: bool) -> ir.Table:
    """Per actor with a stage-k state: k and the earliest stage-k state (strict: its earliest start)."""
    earliest = states[LATEST if strict else STATE_AT].min()
    return states.group_by(ACTOR).aggregate(**{_STAGE: ibis.literal(k, type=dt.int16), STATE_AT: earliest})


def _follow_path(
    chosen: ir.Table,
    timeline: ir.Table,
    journey: Journey,
    window: ir.IntegerScalar,
    breakdown_stage: AttributedStage,
    checkpoint: Checkpoint,
) -> ChosenPaths:
    """The greedy path from each actor's chosen start, one stage at a time: each stage joins the
    positions reached so far with that stage's instants. Exclusions carry the next exclusion time
    after stage i along the path and are decided at stage j (or at the path's last stage)."""
    stages = journey.required_stages
    position = chosen.select(ACTOR, DEPTH, START, **{STATE_AT: chosen[START], _PREVIOUS: ibis.null(dt.int64)})
    steps, excluded, values = [], [], []
    for at_position, k in enumerate(stages, start=1):
        following = stages[at_position] if at_position < len(stages) else None
        valued = breakdown_stage in (k, "deepest")
        instants = _stage_instants(timeline, k)
        columns = {_BRANCH: instants[step_column(k)]}
        if following is not None:
            columns[NEXT] = instants[next_column(following)]
        columns |= {_after(e): instants[next_exclusion_column(e)] for e in _exclusions_from(journey, k)}
        if valued:
            columns[BREAKDOWN] = instants[stage_value_column(k)]
        instants = instants.select(_jw_stage_actor=instants[ACTOR], _jw_stage_time=instants[TIME], **columns)
        row = position.inner_join(
            instants, [position[ACTOR] == instants._jw_stage_actor, position[STATE_AT] == instants._jw_stage_time]
        ).select(*position.columns, *columns)
        steps.append(
            row.select(
                ACTOR,
                stage_index=ibis.literal(k, type=dt.int64),
                **{REACHED_AT: row[STATE_AT], BRANCH: row[_BRANCH].cast(dt.int16), GAP: row[STATE_AT] - row[_PREVIOUS]},
            )
        )
        if valued:
            at = row if breakdown_stage == k else row.filter(row[DEPTH] == k)
            values.append(at.select(_jw_value_actor=at[ACTOR], **{BREAKDOWN: at[BREAKDOWN]}))
        flags = _exclusion_flags(row, journey, k, row[START] + window)
        if flags is not None:
            excluded.append(row.filter(flags).select(ACTOR))
        if following is not None:
            pending = [_after(e) for e, x in enumerate(journey.exclusions, start=1) if x.between[0] <= k < x.between[1]]
            moved = row.filter(row[NEXT].notnull() & (row[NEXT] <= row[START] + window))
            position = moved.select(
                ACTOR, DEPTH, START, *pending, **{STATE_AT: moved[NEXT], _PREVIOUS: moved[STATE_AT]}
            )
            if at_position % CHECKPOINT_EVERY == 0:
                position = checkpoint(position)
    actors = chosen.select(ACTOR, DEPTH, START)
    if values:
        value = ibis.union(*values, distinct=False)
        actors = actors.left_join(value, actors[ACTOR] == value._jw_value_actor).drop("_jw_value_actor")
    removed = ibis.union(*excluded, distinct=False) if excluded else None
    return ChosenPaths(actors, ibis.union(*steps, distinct=False), removed)


def _after(e: int) -> str:
    return f"_jw_after{e}"


def _exclusions_from(journey: Journey, k: int) -> list[int]:
    """The exclusions whose window opens at stage k."""
    return [e for e, x in enumerate(journey.exclusions, start=1) if x.between[0] == k]


def _exclusion_flags(row: ir.Table, journey: Journey, k: int, end: ir.IntegerValue) -> ir.BooleanValue | None:
    """At the path's stage k: an exclusion event strictly after stage i and at or before stage j = k, or
    (the path ending here before stage j) at or before the window's end."""
    flags = []
    for e, exclusion in enumerate(journey.exclusions, start=1):
        i, j = exclusion.between
        after = row[_after(e)] if i <= k <= j else None
        if after is None:
            continue
        if k == j:
            flags.append(after.notnull() & (after <= row[STATE_AT]))
        else:
            flags.append((row[DEPTH] == k) & after.notnull() & (after <= end))
    return functools.reduce(operator.or_, flags) if flags else None
