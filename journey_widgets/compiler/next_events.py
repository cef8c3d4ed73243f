"""What actors did next (docs/semantics.md#beyond-the-funnel), from all their events, not only the journey's.

For the actors who dropped off at stage k (depth k-1, window closed at ``as_of``): the type of their
first event of any type strictly after the time of stage k-1 and at or before t1 + window (several
types at that instant: the smallest), or "(no further event)"; the 10 most common types keep their
name, the rest are merged. For the actors who reached stage k: how many did each event type strictly
between stage k-1 and stage k (the 10 most common).

The journey rows hold only the journey's events, so this reads the events once more, joined to the
actors concerned by contact (or deal) and by visitor key. With ``hold_constant`` these are all the
actor's events, whatever their held values.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import (
    ACTOR,
    CONTACT,
    DEPTH,
    EVENT,
    IN_PROGRESS,
    REACHED_AT,
    START,
    TIME,
    VISITOR,
    held_column,
)
from journey_widgets.compiler.rows import window_us
from journey_widgets.model import Journey

#: The label of dropped actors with no event before their window closed, and of the merged rest.
NO_EVENT = "(no further event)"
OTHER = "(other events)"
#: Event types that keep their name.
TOP = 10
#: Per event of :meth:`ActorEvents.of`: it carries the held values of the actor's pair.
SAME_PAIR = "_jw_same_pair"
_AFTER = "_jw_after"
_UNTIL = "_jw_until"


@dataclass(frozen=True)
class ActorEvents:
    """Every event of the compiler's actors: the rows' actors table (``_jw_actor`` to contact or deal, and
    visitor) and the normalized events (``_jw_t``, ``_jw_event``, the contact and visitor keys...)."""

    actors: ir.Table
    normalized: ir.Table
    #: The journey's ``hold_constant`` properties.
    held: tuple[str, ...] = ()

    def of(self, wanted: ir.Table, **extra: ir.Value) -> ir.Table:
        """``wanted`` (with ``_jw_actor``; it keeps its columns) joined to each of its actors' events:
        ``_jw_t``, ``_jw_event`` and ``extra`` (expressions over :attr:`normalized`); with held
        properties, also whether the event carries the held values of the actor's pair, ``_jw_same_pair``."""
        actors, events = self.actors, self.normalized
        keys = actors.select(
            *[held_column(i) for i in range(1, len(self.held) + 1)],
            _jw_key_actor=actors[ACTOR],
            _jw_key_contact=actors[CONTACT],
            _jw_key_visitor=actors[VISITOR],
        )
        keyed = wanted.inner_join(keys, wanted[ACTOR] == keys._jw_key_actor)
        events = events.select(
            _jw_ev_contact=events[CONTACT],
            _jw_ev_visitor=events[VISITOR],
            **{TIME: events[TIME], EVENT: events[EVENT]},
            **{_event_held(i): events[name] for i, name in enumerate(self.held, start=1)},
            **extra,
        )
        columns = [*wanted.columns, TIME, EVENT, *extra]
        contacts, visitors = keyed.filter(keyed[ACTOR] >= 0), keyed.filter(keyed[ACTOR] < 0)
        return ibis.union(
            self._joined(contacts.inner_join(events, contacts._jw_key_contact == events._jw_ev_contact), columns),
            self._joined(visitors.inner_join(events, visitors._jw_key_visitor == events._jw_ev_visitor), columns),
            distinct=False,
        )

    def _joined(self, joined: ir.Table, columns: list[str]) -> ir.Table:
        if not self.held:
            return joined.select(*columns)
        same = [joined[held_column(i)] == joined[_event_held(i)] for i in range(1, len(self.held) + 1)]
        return joined.select(*columns, **{SAME_PAIR: functools.reduce(operator.and_, same).fill_null(False)})


def _event_held(i: int) -> str:
    return f"_jw_event_held{i}"


def _stage_times(paths: ir.Table, steps: ir.Table, k: int, name: str) -> ir.Table:
    """``paths`` with the time its path reached stage ``k`` as ``name`` (only the paths that did)."""
    at = steps.filter(steps.stage_index == k)
    at = at.select(**{f"{name}_actor": at[ACTOR], name: at[REACHED_AT]})
    return paths.inner_join(at, paths[ACTOR] == at[f"{name}_actor"]).drop(f"{name}_actor")


def next_events_table(paths: ir.Table, steps: ir.Table, events: ActorEvents, k: int, journey: Journey) -> ir.Table:
    """``stage_index``, ``next_event``, ``actors`` for the actors who dropped off at (required) stage ``k``."""
    previous = journey.previous_required(k)
    dropped = paths.filter((paths[DEPTH] == previous) & ~paths[IN_PROGRESS]).select(ACTOR, START)
    dropped = _stage_times(dropped, steps, previous, _AFTER)
    window = ibis.literal(window_us(journey), type=dt.int64)
    dropped = dropped.select(ACTOR, _AFTER, **{_UNTIL: dropped[START] + window})
    found = events.of(dropped)
    found = found.filter(found[TIME] > found[_AFTER], found[TIME] <= found[_UNTIL])
    first = found.group_by(_jw_first_actor=found[ACTOR]).aggregate(_jw_first=found[TIME].min())
    at_first = found.inner_join(first, [found[ACTOR] == first._jw_first_actor, found[TIME] == first._jw_first])
    chosen = at_first.group_by(_jw_next_actor=at_first[ACTOR]).aggregate(_jw_next=at_first[EVENT].min())
    per_actor = dropped.left_join(chosen, dropped[ACTOR] == chosen._jw_next_actor)
    per_actor = per_actor.select(next_event=per_actor._jw_next.coalesce(ibis.literal(NO_EVENT, type=dt.string)))
    return _top(per_actor.group_by("next_event").aggregate(actors=per_actor.count()), "next_event", k, merge=True)


def events_between_table(paths: ir.Table, steps: ir.Table, events: ActorEvents, k: int, journey: Journey) -> ir.Table:
    """``stage_index``, ``event``, ``actors``: per event type, how many actors who reached stage ``k``
    did it strictly between the stage before (the nearest required one) and stage k (the 10 most common)."""
    reached = _stage_times(paths.select(ACTOR), steps, k, _UNTIL)
    reached = _stage_times(reached, steps, journey.previous_required(k), _AFTER)
    found = events.of(reached)
    found = found.filter(found[TIME] > found[_AFTER], found[TIME] < found[_UNTIL])
    done = found.select(ACTOR, event=found[EVENT]).distinct()
    return _top(done.group_by("event").aggregate(actors=done.count()), "event", k, merge=False)


def _top(counts: ir.Table, label: str, k: int, *, merge: bool) -> ir.Table:
    """The ``TOP`` labels with most actors (ties by label); with ``merge``, the rest summed into
    ``OTHER`` and ``NO_EVENT`` kept apart, last."""
    real = counts.filter(counts[label] != NO_EVENT) if merge else counts
    ranked = real.mutate(_jw_rank=ibis.row_number().over(order_by=[ibis.desc("actors"), label]))
    parts = [ranked.filter(ranked._jw_rank < TOP).select(label, "actors", "_jw_rank")]
    if merge:
        rest = ranked.filter(ranked._jw_rank >= TOP)
        rest = rest.aggregate(actors=rest.actors.sum(), _jw_n=rest.count())
        rest = rest.filter(rest._jw_n > 0)
        other = ibis.literal(OTHER, type=dt.string)
        parts.append(rest.select(**{label: other}, actors="actors", _jw_rank=ibis.literal(TOP, type=dt.int64)))
        none = counts.filter(counts[label] == NO_EVENT)
        parts.append(none.select(label, "actors", _jw_rank=ibis.literal(TOP + 1, type=dt.int64)))
    table = ibis.union(*parts, distinct=False)
    table = table.select(
        stage_index=ibis.literal(k, type=dt.int64),
        **{label: table[label]},
        actors=table.actors.cast(dt.int64),
        _jw_rank=table._jw_rank.cast(dt.int64),
    )
    return table.order_by("_jw_rank").drop("_jw_rank")
