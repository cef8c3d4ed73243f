"""Conversion drivers (docs/semantics.md#beyond-the-funnel): a two-by-two table's counts per candidate, on the backend.

The actors are those at stage 1 whose path's window has closed at ``as_of``; an actor *converted* when
its path reached the last stage. Candidates: each event type the actor did in ``[t1, t1 + window]``
other than the journey's own steps, and each value of chosen properties of the start event (among the
events at t1 matching stage 1 — any stage, in any order —, those of the first listed stage and step;
the smallest value as text; null is a value; with ``hold_constant``, events of the path's pair). The
statistics (odds ratio, Fisher's exact test) come from these counts in :mod:`journey_widgets.drivers`.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import ACTOR, DEPTH, EVENT, START, TIME, WINDOW_OPEN
from journey_widgets.compiler.matching import stage_step_index
from journey_widgets.compiler.next_events import SAME_PAIR, ActorEvents
from journey_widgets.compiler.rows import window_us
from journey_widgets.model import Journey
from journey_widgets.portable import as_int, as_text

#: The label of a null property value.
UNKNOWN = "(unknown)"
#: The columns of the counts table.
COLUMNS = ("kind", "value", "with_converted", "with_actors", "converted", "actors")
_CONVERTED = "_jw_converted"
_UNTIL = "_jw_until"
_START_RANK = "_jw_start_rank"


def driver_counts(
    paths: ir.Table, events: ActorEvents, journey: Journey, target: str, properties: Sequence[str]
) -> ir.Table:
    """``kind`` ("event" or the property), ``value``, ``with_converted``, ``with_actors``, and the totals
    ``converted`` and ``actors`` of the actors whose window has closed."""
    closed = paths.filter(~paths[WINDOW_OPEN])
    closed = closed.select(
        ACTOR,
        START,
        **{
            _UNTIL: closed[START] + ibis.literal(window_us(journey), type=dt.int64),
            _CONVERTED: as_int(closed[DEPTH] == len(journey.stages)),
        },
    )
    parts = [_event_counts(closed, events, journey)]
    if properties:
        parts += _property_counts(closed, events, journey, properties, target)
    counts = ibis.union(*parts, distinct=False)
    totals = closed.aggregate(converted=closed[_CONVERTED].sum(), actors=closed.count())
    table = counts.cross_join(totals)
    return table.select(
        "kind",
        "value",
        with_converted=table.with_converted.cast(dt.int64),
        with_actors=table.with_actors.cast(dt.int64),
        converted=table.converted.coalesce(0).cast(dt.int64),
        actors=table.actors.cast(dt.int64),
    )


def _candidates(per_actor: ir.Table, kind: str, value: ir.StringValue) -> ir.Table:
    """Per value: actors with it and how many of them converted."""
    grouped = per_actor.group_by(value.name("value")).aggregate(
        with_converted=per_actor[_CONVERTED].sum(), with_actors=per_actor.count()
    )
    kind_column = ibis.literal(kind, type=dt.string)
    return grouped.select(kind=kind_column, value="value", with_converted="with_converted", with_actors="with_actors")


def _event_counts(closed: ir.Table, events: ActorEvents, journey: Journey) -> ir.Table:
    own = sorted({s.event for stage in journey.stages for s in stage.steps})
    found = events.of(closed)
    found = found.filter(
        found[TIME] >= found[START],
        found[TIME] <= found[_UNTIL],
        ~found[EVENT].isin([ibis.literal(e, type=dt.string) for e in own]),
    )
    done = found.select(ACTOR, _CONVERTED, _jw_type=found[EVENT].cast(dt.string)).distinct()
    return _candidates(done, "event", done._jw_type)


def _start_rank(normalized: ir.Table, journey: Journey) -> ir.IntegerValue:
    """Which start step the event matches, as a rank (the first listed stage, then step), or null: stage 1
    in ordered journeys, any stage in any order (as the breakdown's start value, docs/semantics.md#breakdown)."""
    anonymity = journey.object == "contact"
    stages = journey.stages if not journey.follows_order else journey.stages[:1]
    ranks = [
        (step.notnull(), step.cast(dt.int64) + 100 * k)
        for k, step in enumerate(stage_step_index(normalized, s, anonymity_applies=anonymity) for s in stages)
    ]
    return ibis.cases(*ranks, else_=ibis.null(dt.int64))


def _property_counts(
    closed: ir.Table, events: ActorEvents, journey: Journey, properties: Sequence[str], target: str
) -> list[ir.Table]:
    normalized = events.normalized
    texts = {f"_jw_prop{i}": as_text(normalized[p], target) for i, p in enumerate(properties)}
    found = events.of(closed, **{_START_RANK: _start_rank(normalized, journey)}, **texts)
    at_start = found.filter(found[TIME] == found[START], found[_START_RANK].notnull())
    if events.held:
        at_start = at_start.filter(at_start[SAME_PAIR])
    first = at_start.group_by(_jw_first_actor=at_start[ACTOR]).aggregate(_jw_first_rank=at_start[_START_RANK].min())
    chosen = at_start.inner_join(
        first, [at_start[ACTOR] == first._jw_first_actor, at_start[_START_RANK] == first._jw_first_rank]
    )
    per_actor = chosen.group_by([ACTOR, _CONVERTED]).aggregate(**{name: chosen[name].min() for name in texts})
    unknown = ibis.literal(UNKNOWN, type=dt.string)
    return [
        _candidates(per_actor, prop, per_actor[name].coalesce(unknown))
        for name, prop in zip(texts, properties, strict=True)
    ]
