"""The journey's event rows: one row per event that matches a stage or an exclusion.

Columns: the actor (``_jw_contact``, ``_jw_visitor``, ``_jw_anonymous``, and ``_jw_actor``, one
int64 numbering the actors, on which the windows partition), the time ``_jw_t``
(int64 microseconds, UTC), ``_jw_s{k}`` (the step index by which the event matches stage k, or
null), ``_jw_x{e}`` (it matches exclusion e) and ``_jw_b`` (the breakdown value as text).
"""

from __future__ import annotations

import functools
import operator
from datetime import datetime, timedelta

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import ANONYMOUS, CONTACT, EVENT, TIME, VISITOR, BoundEvents
from journey_widgets.compiler.matching import stage_step_index, step_predicate
from journey_widgets.model import Journey
from journey_widgets.portable import as_text

ACTOR = "_jw_actor"
BREAKDOWN = "_jw_b"


def stage_column(k: int) -> str:
    """Name of the column holding stage ``k``'s (1-based) step index."""
    return f"_jw_s{k}"


def exclusion_column(e: int) -> str:
    """Name of the column flagging a match of exclusion ``e`` (1-based)."""
    return f"_jw_x{e}"


def epoch_us(moment: datetime) -> int:
    """Microseconds since the epoch of a tz-aware datetime."""
    delta = moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo)
    return delta // timedelta(microseconds=1)


def window_us(journey: Journey) -> int:
    """The conversion window in whole microseconds."""
    return journey.window // timedelta(microseconds=1)


def journey_rows(bound: BoundEvents, journey: Journey) -> ir.Table:
    """Events matching a stage or exclusion of ``journey``, with the columns described above."""
    table = bound.normalized(journey)
    event_types = sorted({s.event for st in journey.stages for s in st.steps} | {x.event for x in journey.exclusions})
    table = table.filter(table[EVENT].isin([ibis.literal(e, type=dt.string) for e in event_types]))
    anonymity = journey.object == "contact"
    columns: dict[str, ir.Value] = {
        stage_column(k): stage_step_index(table, stage, anonymity_applies=anonymity)
        for k, stage in enumerate(journey.stages, start=1)
    }
    columns |= {
        exclusion_column(e): step_predicate(table, exclusion, anonymity_applies=anonymity)
        for e, exclusion in enumerate(journey.exclusions, start=1)
    }
    if journey.breakdown is not None:
        columns[BREAKDOWN] = as_text(table[journey.breakdown.property], bound.target)
    rows = table.select(CONTACT, VISITOR, ANONYMOUS, TIME, **columns)
    matches = [rows[stage_column(k)].notnull() for k in range(1, len(journey.stages) + 1)]
    matches += [rows[exclusion_column(e)] for e in range(1, len(journey.exclusions) + 1)]
    return _with_actor_number(rows.filter(functools.reduce(operator.or_, matches)))


def _with_actor_number(rows: ir.Table) -> ir.Table:
    """Add ``_jw_actor``: contacts numbered from 0 up, anonymous visitors from -1 down.

    Engines partition and group on one integer far faster than on (contact, visitor text), and
    the two keys are never both set, so two plain equality joins number every row.
    """
    contacts = rows.filter(rows[CONTACT].notnull()).select(_jw_key_contact=rows[CONTACT]).distinct()
    contacts = contacts.mutate(_jw_contact_number=ibis.row_number().over(order_by=contacts._jw_key_contact))
    visitors = rows.filter(rows[CONTACT].isnull()).select(_jw_key_visitor=rows[VISITOR]).distinct()
    visitors = visitors.mutate(_jw_visitor_number=-1 - ibis.row_number().over(order_by=visitors._jw_key_visitor))
    keyed = rows.left_join(contacts, rows[CONTACT] == contacts._jw_key_contact)
    keyed = keyed.left_join(visitors, keyed[VISITOR] == visitors._jw_key_visitor)
    return keyed.select(*rows.columns, **{ACTOR: keyed._jw_contact_number.coalesce(keyed._jw_visitor_number)})


def in_date_range(rows: ir.Table, journey: Journey) -> ir.BooleanValue:
    """The row's time lies in the journey's half-open date range (always true without one)."""
    condition = ibis.literal(True)
    date_range = journey.date_range
    if date_range is not None and date_range.start is not None:
        condition &= rows[TIME] >= ibis.literal(epoch_us(date_range.start), type=dt.int64)
    if date_range is not None and date_range.end is not None:
        condition &= rows[TIME] < ibis.literal(epoch_us(date_range.end), type=dt.int64)
    return condition
