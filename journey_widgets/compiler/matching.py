"""Event matching (SPEC §5): filters, steps and stages as Ibis boolean/int expressions.

User values enter only as typed Ibis literals, which Ibis' SQL compiler quotes and escapes: no user
text is ever formatted into SQL here.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import ANONYMOUS, EVENT
from journey_widgets.model import Filter, Stage, Step


def _literal(value: object, column: ir.Value) -> ir.Value:
    """A literal typed for comparison with ``column`` (timestamps given as ISO text)."""
    if column.type().is_timestamp() and isinstance(value, str):
        return ibis.timestamp(value)
    return ibis.literal(value)


def filter_predicate(table: ir.Table, flt: Filter) -> ir.BooleanValue:
    """The filter as a never-null boolean: null fails every op but the negative ones and is_unknown."""
    column = table[flt.property]
    op = flt.op
    if op == "is_known":
        return column.notnull()
    if op == "is_unknown":
        return column.isnull()
    values = flt.value if isinstance(flt.value, tuple) else (flt.value,)
    literals = [_literal(v, column) for v in values]
    first = literals[0]
    tests: dict[str, ir.BooleanValue] = {}
    if op in ("eq", "neq"):
        tests[op] = column == first
    elif op in ("in", "not_in"):
        tests[op] = column.isin(literals)
    elif op in ("contains", "not_contains"):
        tests[op] = column.contains(first)
    elif op == "starts_with":
        # substr comparison is case-sensitive on every backend (LIKE is not, on SQLite)
        tests[op] = column.substr(0, len(flt.value)) == first
    elif op == "between":
        tests[op] = column.between(first, literals[1])
    else:
        tests[op] = {"gt": column > first, "gte": column >= first, "lt": column < first, "lte": column <= first}[op]
    test = tests[op]
    if op in ("neq", "not_in", "not_contains"):
        return column.isnull() | ~test
    return column.notnull() & test


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
