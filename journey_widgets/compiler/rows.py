"""The journey's event rows: one row per event that matches a stage or an exclusion, narrowed to the
columns the compiler needs, and the table of actors they belong to.

Rows carry ``_jw_actor`` (one int64 per actor, on which everything partitions and joins), the time
``_jw_t`` (int64 microseconds, UTC), ``_jw_step{k}`` (the step index by which the event matches stage
k, or null), ``_jw_excl{e}`` (it matches exclusion e) and, with a breakdown, ``_jw_value`` (the
property as text). The actors table maps ``_jw_actor`` back to the contact (or deal) or visitor.
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
    TIME,
    VALUE,
    VISITOR,
    exclusion_column,
    step_column,
)
from journey_widgets.compiler.matching import stage_step_index, step_predicate
from journey_widgets.model import Journey
from journey_widgets.portable import as_text


@dataclass(frozen=True)
class JourneyRows:
    """The journey's event rows and the actors they belong to."""

    events: ir.Table
    #: ``_jw_actor``, ``_jw_contact`` (contact or deal id, null for visitors), ``_jw_visitor``.
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
    table = bound.normalized(journey, target)
    event_types = sorted({s.event for st in journey.stages for s in st.steps} | {x.event for x in journey.exclusions})
    table = table.filter(table[EVENT].isin([ibis.literal(e, type=dt.string) for e in event_types]))
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
    rows = table.select(CONTACT, VISITOR, TIME, **columns)
    matches = [rows[step_column(k)].notnull() for k in range(1, len(journey.stages) + 1)]
    matches += [rows[exclusion_column(e)] for e in range(1, len(journey.exclusions) + 1)]
    return _numbered(rows.filter(functools.reduce(operator.or_, matches)))


def _numbered(rows: ir.Table) -> JourneyRows:
    """Replace the contact and visitor keys by ``_jw_actor``: contacts from 0 up, visitors from -1 down.

    The two keys are never both set, so two equality joins against the distinct keys number every row.
    """
    contacts = rows.filter(rows[CONTACT].notnull()).select(_jw_contact_key=rows[CONTACT]).distinct()
    contacts = contacts.mutate(_jw_contact_number=ibis.row_number().over(order_by=contacts._jw_contact_key))
    visitors = rows.filter(rows[CONTACT].isnull()).select(_jw_visitor_key=rows[VISITOR]).distinct()
    visitors = visitors.mutate(_jw_visitor_number=-1 - ibis.row_number().over(order_by=visitors._jw_visitor_key))
    keyed = rows.left_join(contacts, rows[CONTACT] == contacts._jw_contact_key)
    keyed = keyed.left_join(visitors, keyed[VISITOR] == visitors._jw_visitor_key)
    events = keyed.select(
        **{ACTOR: keyed._jw_contact_number.coalesce(keyed._jw_visitor_number)},
        **{c: keyed[c] for c in rows.columns if c not in (CONTACT, VISITOR)},
    )
    contact_type, visitor_type = rows[CONTACT].type(), rows[VISITOR].type()
    actors = ibis.union(
        contacts.select(
            **{ACTOR: contacts._jw_contact_number, CONTACT: contacts._jw_contact_key, VISITOR: ibis.null(visitor_type)}
        ),
        visitors.select(
            **{ACTOR: visitors._jw_visitor_number, CONTACT: ibis.null(contact_type), VISITOR: visitors._jw_visitor_key}
        ),
        distinct=False,
    )
    return JourneyRows(events, actors)


def in_date_range(table: ir.Table, journey: Journey) -> ir.BooleanValue:
    """The row's time lies in the journey's half-open date range (always true without one)."""
    condition = ibis.literal(True)
    date_range = journey.date_range
    if date_range is not None and date_range.start is not None:
        condition &= table[TIME] >= ibis.literal(epoch_us(date_range.start), type=dt.int64)
    if date_range is not None and date_range.end is not None:
        condition &= table[TIME] < ibis.literal(epoch_us(date_range.end), type=dt.int64)
    return condition
