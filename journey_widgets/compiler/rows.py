"""The journey's event rows: one row per event that matches a stage or an exclusion (in strict order:
every event, since any event breaks a step), narrowed to the columns the compiler needs, and the
table of actors they belong to.

Rows carry ``_jw_actor`` (one int64 per actor, on which everything partitions and joins), the time
``_jw_t`` (int64 microseconds, UTC), ``_jw_step{k}`` (the step index by which the event matches stage
k, or null), ``_jw_excl{e}`` (it matches exclusion e) and, with a breakdown, ``_jw_value`` (the
property as text). The actors table maps ``_jw_actor`` back to the contact (or deal) or visitor.

With ``hold_constant`` an *actor* of the compiler is a pair (actor, held values): pairs are numbered
like actors (so the rest of the plan is unchanged) and events with a null held value take no part.
The actors table then also holds the values (``_jw_held{i}``) and their text (``_jw_held_text``).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import datetime, timedelta

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import BoundEvents
from journey_widgets.compiler.columns import (
    ACTOR,
    CONTACT,
    EVENT,
    HELD_TEXT,
    TIME,
    VALUE,
    VISITOR,
    exclusion_column,
    held_column,
    step_column,
)
from journey_widgets.compiler.matching import stage_step_index, step_predicate
from journey_widgets.model import Journey
from journey_widgets.portable import as_text


@dataclass(frozen=True)
class JourneyRows:
    """The journey's event rows and the actors they belong to."""

    events: ir.Table
    #: ``_jw_actor``, ``_jw_contact`` (contact or deal id, null for visitors), ``_jw_visitor`` (and
    #: with ``hold_constant``, ``_jw_held{i}`` and ``_jw_held_text``).
    actors: ir.Table


def epoch_us(moment: datetime) -> int:
    """Microseconds since the epoch of a tz-aware datetime."""
    delta = moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo)
    return delta // timedelta(microseconds=1)


def window_us(journey: Journey) -> int:
    """The conversion window in whole microseconds."""
    return journey.window // timedelta(microseconds=1)


def journey_rows(bound: BoundEvents, journey: Journey, target: str) -> JourneyRows:
    """Events matching a stage or exclusion of ``journey`` (columns above), for dialect ``target``."""
    rows = matched_rows(bound, journey, target)
    return _numbered(rows, [held_column(i) for i in range(1, len(journey.hold_constant) + 1)], target)


def matched_rows(bound: BoundEvents, journey: Journey, target: str) -> ir.Table:
    """The journey's rows before the actors are numbered: the contact (or deal) and visitor keys, the
    time, the held values (``_jw_held{i}``), the step indices, exclusion flags and breakdown value."""
    table = bound.normalized(journey, target)
    if journey.order != "strict":
        event_types = sorted(
            {s.event for st in journey.stages for s in st.steps} | {x.event for x in journey.exclusions}
        )
        table = table.filter(table[EVENT].isin([ibis.literal(e, type=dt.string) for e in event_types]))
    held = {held_column(i): table[name] for i, name in enumerate(journey.hold_constant, start=1)}
    if held:
        table = table.filter(*[value.notnull() for value in held.values()])
    anonymity = journey.object == "contact"
    columns: dict[str, ir.Value] = {
        step_column(k): stage_step_index(table, stage, anonymity_applies=anonymity)
        for k, stage in enumerate(journey.stages, start=1)
    }
    columns |= {
        exclusion_column(e): step_predicate(table, exclusion, anonymity_applies=anonymity)
        for e, exclusion in enumerate(journey.exclusions, start=1)
    }
    if journey.breakdown is not None:
        columns[VALUE] = as_text(table[journey.breakdown.property], target)
    rows = table.select(CONTACT, VISITOR, TIME, **held, **columns)
    if journey.order != "strict":
        matches = [rows[step_column(k)].notnull() for k in range(1, len(journey.stages) + 1)]
        matches += [rows[exclusion_column(e)] for e in range(1, len(journey.exclusions) + 1)]
        rows = rows.filter(functools.reduce(operator.or_, matches))
    return rows


def _numbered(rows: ir.Table, held: list[str], target: str) -> JourneyRows:
    """Replace the contact and visitor keys (and the held values) by ``_jw_actor``: contacts from 0 up,
    visitors from -1 down.

    The two keys are never both set, so two equality joins against the distinct keys number every row.
    """
    contacts = _keys(rows.filter(rows[CONTACT].notnull()), CONTACT, held, _CONTACT_NUMBER)
    visitors = _keys(rows.filter(rows[CONTACT].isnull()), VISITOR, held, _VISITOR_NUMBER)
    keyed = rows
    for keys, key in ((contacts, CONTACT), (visitors, VISITOR)):
        joined = keyed.left_join(keys, [keyed[c] == keys[f"_jw_key_{c}"] for c in (key, *held)])
        keyed = joined.drop(*[f"_jw_key_{c}" for c in (key, *held)])
    events = keyed.select(
        **{ACTOR: keyed[_CONTACT_NUMBER].coalesce(keyed[_VISITOR_NUMBER])},
        **{c: keyed[c] for c in rows.columns if c not in (CONTACT, VISITOR, *held)},
    )
    null_contact, null_visitor = ibis.null(rows[CONTACT].type()), ibis.null(rows[VISITOR].type())
    actors = ibis.union(
        _actor_keys(contacts, _CONTACT_NUMBER, contacts[f"_jw_key_{CONTACT}"], null_visitor, held),
        _actor_keys(visitors, _VISITOR_NUMBER, null_contact, visitors[f"_jw_key_{VISITOR}"], held),
        distinct=False,
    )
    if held:
        actors = actors.mutate(**{HELD_TEXT: held_text(actors, held, target)})
    return JourneyRows(events, actors)


#: The numbers of contacts (0 up) and of visitors (-1 down) while the rows are numbered.
_CONTACT_NUMBER, _VISITOR_NUMBER = "_jw_contact_number", "_jw_visitor_number"


def _keys(rows: ir.Table, key: str, held: list[str], number: str) -> ir.Table:
    """The distinct (key, held values) of ``rows``, numbered into ``number``: contacts from 0 up,
    visitors from -1 down."""
    keys = rows.select(**{f"_jw_key_{c}": rows[c] for c in (key, *held)}).distinct()
    rank = ibis.row_number().over(order_by=[keys[f"_jw_key_{c}"] for c in (key, *held)])
    return keys.mutate(**{number: rank if number == _CONTACT_NUMBER else -1 - rank})


def _actor_keys(keys: ir.Table, number: str, contact: ir.Value, visitor: ir.Value, held: list[str]) -> ir.Table:
    return keys.select(
        **{ACTOR: keys[number], CONTACT: contact, VISITOR: visitor}, **{c: keys[f"_jw_key_{c}"] for c in held}
    )


def held_text(actors: ir.Table, held: list[str], target: str) -> ir.StringValue:
    """The held values as one text, ordered as their tuple of texts (the unit separator sorts first)."""
    texts = [as_text(actors[c], target) for c in held]
    return functools.reduce(lambda a, b: a + "\x1f" + b, texts)


def in_date_range(table: ir.Table, journey: Journey) -> ir.BooleanValue:
    """The row's time lies in the journey's half-open date range (always true without one)."""
    condition = ibis.literal(True)
    date_range = journey.date_range
    if date_range is not None and date_range.start is not None:
        condition &= table[TIME] >= ibis.literal(epoch_us(date_range.start), type=dt.int64)
    if date_range is not None and date_range.end is not None:
        condition &= table[TIME] < ibis.literal(epoch_us(date_range.end), type=dt.int64)
    return condition
