"""Optional stages on the SQL plan (docs/semantics.md#optional-stages): read on the chosen paths, after them.

The required stages alone decide the path (:mod:`.ordered` follows only them), so an optional stage never
changes a required stage's numbers. Then, in each gap between two required stages r and R of the path, the
optional stages are taken in order: each at the earliest instant matching it strictly after the gap's
previous reached stage and strictly before R (R not reached: at or before the window's end). The timeline's
``_jw_next{k}`` at the previous reached instant is that earliest instant, so each optional stage costs two
equi-joins on (actor, time) with the timeline: one to read it, one to read its branch (and breakdown value).
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.chosen import AttributedStage, Checkpoint, ChosenPaths
from journey_widgets.compiler.columns import (
    ACTOR,
    BRANCH,
    BREAKDOWN,
    GAP,
    REACHED_AT,
    START,
    TIME,
    next_column,
    reached_column,
    stage_value_column,
    step_column,
)
from journey_widgets.model import Journey

_AFTER, _BEFORE, _REQUIRED_AT, _FOUND = "_jw_gap_after", "_jw_gap_before", "_jw_gap_from", "_jw_gap_found"


def with_optional_stages(
    chosen: ChosenPaths,
    timeline: ir.Table,
    journey: Journey,
    window: ir.IntegerScalar,
    breakdown_stage: AttributedStage,
    checkpoint: Checkpoint,
) -> ChosenPaths:
    """``chosen`` (ordered paths through the required stages) with the optional stages each path reached: their
    steps, a ``_jw_reached{k}`` flag per optional stage on the actors, and the breakdown value when it is
    attributed to an optional stage."""
    steps = chosen.steps
    if steps is None or not journey.has_optional_stages:
        return chosen
    found, values = [], []
    for r, optional, following in journey.optional_gaps():
        position = checkpoint(_gap_positions(chosen.actors, steps, r, following))
        for k in optional:
            lookup = timeline.select(
                _jw_look_actor=timeline[ACTOR], _jw_look_at=timeline[TIME], **{_FOUND: timeline[next_column(k)]}
            )
            looked = position.inner_join(
                lookup, [position[ACTOR] == lookup._jw_look_actor, position[_AFTER] == lookup._jw_look_at]
            ).drop("_jw_look_actor", "_jw_look_at")
            candidate = looked[_FOUND]
            within = ibis.cases(
                (looked[_BEFORE].notnull(), candidate < looked[_BEFORE]), else_=candidate <= looked[START] + window
            )
            reached = looked.filter(candidate.notnull() & within)
            row, value = _stage_row(reached, timeline, k, breakdown_stage == k)
            found.append(row)
            if value is not None:
                values.append(value)
            moved = looked.mutate(
                **{_AFTER: ibis.cases((candidate.notnull() & within, candidate), else_=looked[_AFTER])}
            )
            position = checkpoint(moved.drop(_FOUND))
    optional_steps = ibis.union(*found, distinct=False)
    flags = optional_steps.group_by(_jw_flag_actor=optional_steps[ACTOR]).aggregate(
        **{
            reached_column(k): (optional_steps.stage_index == k).any()
            for _, gap, _ in journey.optional_gaps()
            for k in gap
        }
    )
    actors = chosen.actors.left_join(flags, chosen.actors[ACTOR] == flags._jw_flag_actor).drop("_jw_flag_actor")
    actors = actors.mutate(
        **{name: actors[name].fill_null(False) for name in flags.columns if name != "_jw_flag_actor"}
    )
    if values:
        value = ibis.union(*values, distinct=False)
        actors = actors.left_join(value, actors[ACTOR] == value._jw_value_actor).drop("_jw_value_actor")
    return ChosenPaths(actors, ibis.union(steps, optional_steps, distinct=False), chosen.excluded)


def _gap_positions(actors: ir.Table, steps: ir.Table, r: int, following: int) -> ir.Table:
    """Per path that reached required stage r: its start, r's time, and R's (null if not reached)."""
    at_r = steps.filter(steps.stage_index == r).select(ACTOR, **{_REQUIRED_AT: steps[REACHED_AT]})
    at_end = steps.filter(steps.stage_index == following)
    at_end = at_end.select(_jw_end_actor=at_end[ACTOR], **{_BEFORE: at_end[REACHED_AT]})
    starts = actors.select(_jw_start_actor=actors[ACTOR], **{START: actors[START]})
    joined = at_r.inner_join(starts, at_r[ACTOR] == starts._jw_start_actor)
    joined = joined.left_join(at_end, joined[ACTOR] == at_end._jw_end_actor)
    return joined.select(ACTOR, START, _REQUIRED_AT, _BEFORE, **{_AFTER: joined[_REQUIRED_AT]})


def _stage_row(reached: ir.Table, timeline: ir.Table, k: int, valued: bool) -> tuple[ir.Table, ir.Table | None]:
    """Stage k's step of each path in ``reached`` (at its ``_jw_gap_found`` instant), and its breakdown value."""
    instants = timeline.filter(timeline[step_column(k)].notnull())
    columns = {BRANCH: instants[step_column(k)].cast(dt.int16)}
    if valued:
        columns[BREAKDOWN] = instants[stage_value_column(k)]
    instants = instants.select(_jw_stage_actor=instants[ACTOR], _jw_stage_time=instants[TIME], **columns)
    row = reached.inner_join(
        instants, [reached[ACTOR] == instants._jw_stage_actor, reached[_FOUND] == instants._jw_stage_time]
    )
    step = row.select(
        ACTOR,
        stage_index=ibis.literal(k, type=dt.int64),
        **{REACHED_AT: row[_FOUND], BRANCH: row[BRANCH], GAP: row[_FOUND] - row[_REQUIRED_AT]},
    )
    value = row.select(_jw_value_actor=row[ACTOR], **{BREAKDOWN: row[BREAKDOWN]}) if valued else None
    return step, value
