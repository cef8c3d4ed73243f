"""Event matching (docs/semantics.md#matching): filters, steps and stages as Ibis boolean/int expressions.

User values enter only as typed Ibis literals, which Ibis' SQL compiler quotes and escapes: no user
text is ever formatted into SQL here.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets import operators
from journey_widgets.binding import ANONYMOUS, EVENT
from journey_widgets.model import Filter, Stage, Step


def filter_predicate(table: ir.Table, flt: Filter) -> ir.BooleanValue:
    """The filter as a never-null boolean, built by its operator (:mod:`journey_widgets.operators`)."""
    return operators.predicate(table[flt.property], flt.op, operators.values_of(flt.value))


def step_predicate(table: ir.Table, step: Step, *, anonymity_applies: bool = True) -> ir.BooleanValue:
    """An event matches a step: its type, every filter, and a contact actor unless anonymous is allowed."""
    predicate = table[EVENT] == ibis.literal(step.event, type=dt.string)
    for flt in step.filters:
        predicate &= filter_predicate(table, flt)
    if anonymity_applies and not step.include_anonymous:
        predicate &= ~table[ANONYMOUS]
    return predicate


def stage_step_index(table: ir.Table, stage: Stage, *, anonymity_applies: bool = True) -> ir.IntegerValue:
    """The 1-based index of the first listed step of ``stage`` the event matches, else null."""
    branches = [
        (step_predicate(table, step, anonymity_applies=anonymity_applies), ibis.literal(index, type=dt.int8))
        for index, step in enumerate(stage.steps, start=1)
    ]
    return ibis.cases(*branches, else_=ibis.null(dt.int8))
