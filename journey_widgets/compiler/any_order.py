"""Any-order journeys (docs/semantics.md#any-order): the most distinct stages matched within one window of a start.

The timeline (:func:`~journey_widgets.compiler.timeline.any_order_timeline`) gives every instant the
earliest instant of each stage in ``[t, t + window]``; at a start, the stages found there are its
depth. The actor's depth is the largest, its start the earliest start reaching it. For exclusions, the
path lists the stages found from that start in time order (then stage number), and the exclusion's
stage numbers count these entries; the breakdown value comes from the start instant, the instant of
an attributed stage, or that of the path's last entry.
"""

from __future__ import annotations

import functools
import operator

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.chosen import AttributedStage, ChosenPaths
from journey_widgets.compiler.columns import (
    ACTOR,
    BREAKDOWN,
    DEPTH,
    START,
    TIME,
    first_column,
    next_exclusion_column,
    stage_value_column,
    step_column,
)
from journey_widgets.compiler.rows import in_date_range, window_us
from journey_widgets.model import Journey
from journey_widgets.portable import as_int


def any_order_paths(timeline: ir.Table, journey: Journey, attributed: AttributedStage = None) -> ChosenPaths:
    """One row per actor with a start: ``_jw_actor``, depth, start (and the breakdown value: at the first
    touch, of the start event, its first listed stage and step; else of the ``attributed`` stage's event)."""
    n_stages = len(journey.stages)
    matches = [timeline[step_column(k)].notnull() for k in range(1, n_stages + 1)]
    starts = timeline.filter(functools.reduce(operator.or_, matches) & in_date_range(timeline, journey))
    found = [as_int(starts[first_column(k)].notnull()) for k in range(1, n_stages + 1)]
    starts = starts.mutate(_jw_found=functools.reduce(operator.add, found))
    deepest = starts.group_by(ACTOR).aggregate(_jw_best_actor=starts[ACTOR].max(), _jw_best=starts._jw_found.max())
    deepest = deepest.drop(ACTOR)
    candidates = starts.inner_join(
        deepest, [starts[ACTOR] == deepest._jw_best_actor, starts._jw_found == deepest._jw_best]
    )
    earliest = candidates.group_by(ACTOR).aggregate(
        _jw_start_actor=candidates[ACTOR].max(), **{START: candidates[TIME].min()}
    )
    earliest = earliest.drop(ACTOR)
    chosen = starts.inner_join(earliest, [starts[ACTOR] == earliest._jw_start_actor, starts[TIME] == earliest[START]])
    columns = {DEPTH: chosen._jw_found.cast(dt.int16), START: chosen[START]}
    first_touch = journey.breakdown is not None and journey.breakdown.attribution == "first_touch"
    if first_touch:
        values = [(chosen[step_column(k)].notnull(), chosen[stage_value_column(k)]) for k in range(1, n_stages + 1)]
        columns[BREAKDOWN] = ibis.cases(*values, else_=ibis.null(dt.string))
    firsts = {first_column(k): chosen[first_column(k)] for k in range(1, n_stages + 1)}
    paths = chosen.select(ACTOR, **columns, **firsts)
    if attributed is not None and not first_touch:  # "stage" 1 is the journey's stage 1, not the start
        paths = _with_attributed_value(paths, timeline, n_stages, attributed)
        columns[BREAKDOWN] = paths[BREAKDOWN]
    excluded = _excluded(paths, timeline, journey) if journey.exclusions else None
    return ChosenPaths(paths.select(ACTOR, *columns), None, excluded)


def _with_attributed_value(paths: ir.Table, timeline: ir.Table, n_stages: int, attributed: int | str) -> ir.Table:
    """``_jw_breakdown``: the value of the event that reached stage ``attributed`` (null if the path has
    no such entry), or (``"deepest"``) of the path's last entry (latest time, then highest stage)."""
    firsts = {k: paths[first_column(k)] for k in range(1, n_stages + 1)}
    if attributed == "deepest":
        latest = ibis.greatest(*[first.coalesce(-1) for first in firsts.values()])
        stage = ibis.cases(*[(firsts[k] == latest, k) for k in reversed(firsts)], else_=ibis.null(dt.int64))
        paths = paths.mutate(_jw_attr_time=latest, _jw_attr_stage=stage)
    else:
        paths = paths.mutate(_jw_attr_time=firsts[int(attributed)], _jw_attr_stage=int(attributed))
    valued = [k for k in firsts if attributed in ("deepest", k)]
    at = timeline.select(
        _jw_attr_actor=timeline[ACTOR],
        _jw_attr_at=timeline[TIME],
        **{stage_value_column(k): timeline[stage_value_column(k)] for k in valued},
    )
    joined = paths.left_join(at, [paths[ACTOR] == at._jw_attr_actor, paths._jw_attr_time == at._jw_attr_at])
    value = ibis.cases(
        *[(joined._jw_attr_stage == k, joined[stage_value_column(k)]) for k in valued], else_=ibis.null(dt.string)
    )
    return joined.select(*paths.columns, **{BREAKDOWN: value})


def _excluded(paths: ir.Table, timeline: ir.Table, journey: Journey) -> ir.Table:
    """The actors of paths with an exclusion event strictly after their i-th entry and at or before their
    j-th (or, with fewer than j entries, the window's end)."""
    n_stages = len(journey.stages)
    entries = sorted({k for x in journey.exclusions for k in x.between})
    paths = paths.mutate(**{_entry(i): _entry_time(paths, n_stages, i) for i in entries})
    starts_of = sorted({x.between[0] for x in journey.exclusions})
    for i in starts_of:
        numbers = [e for e, x in enumerate(journey.exclusions, start=1) if x.between[0] == i]
        at = timeline.select(
            _jw_at_actor=timeline[ACTOR],
            _jw_at_time=timeline[TIME],
            **{f"_jw_after{e}": timeline[next_exclusion_column(e)] for e in numbers},
        )
        joined = paths.left_join(at, [paths[ACTOR] == at._jw_at_actor, paths[_entry(i)] == at._jw_at_time])
        paths = joined.drop("_jw_at_actor", "_jw_at_time")
    end = paths[START] + ibis.literal(window_us(journey), type=dt.int64)
    flags = ibis.literal(False)
    for e, exclusion in enumerate(journey.exclusions, start=1):
        after = paths[f"_jw_after{e}"]
        flags |= after.notnull() & (after <= paths[_entry(exclusion.between[1])].coalesce(end))
    return paths.filter(flags).select(ACTOR)


def _entry(i: int) -> str:
    return f"_jw_entry{i}"


def _entry_time(paths: ir.Table, n_stages: int, i: int) -> ir.IntegerValue:
    """The time of the path's i-th entry: the stage whose (time, stage number) ranks i-th."""
    firsts = [paths[first_column(k)] for k in range(1, n_stages + 1)]

    def rank(k: int) -> ir.IntegerValue:
        earlier = [
            as_int(firsts[m].notnull() & ((firsts[m] <= firsts[k]) if m < k else (firsts[m] < firsts[k])))
            for m in range(n_stages)
            if m != k
        ]
        return functools.reduce(operator.add, earlier, ibis.literal(1, type=dt.int64))

    cases = [(firsts[k].notnull() & (rank(k) == i), firsts[k]) for k in range(n_stages)]
    return ibis.cases(*cases, else_=ibis.null(dt.int64))
