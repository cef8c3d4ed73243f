"""The journey as code: the Python builder calls (``Journey(...).stage(...)...``) that rebuild a journey.

:func:`journey_code` is pure: the code it returns, run as it is, makes a journey equal to the one it was given
(the builder's "Copy as Python" and "Insert cell below" hand it to the notebook)::

    from journey_widgets import Journey, prop, step

    journey = (
        Journey("Visitor to customer", window="P30D")
        .stage("Visited", step("page_visited", anonymous=True, country=["US", "DE"]))
        .stage("Converted", step("form_submission"))
    )

An optional stage is ``.stage(..., optional=True)``; a comparison with the previous period,
``.compared_with_previous_period()`` (after ``.between_dates(...)``, which it needs).
"""

from __future__ import annotations

import keyword
from datetime import timedelta
from typing import Any

from journey_widgets.durations import format_duration
from journey_widgets.model import Breakdown, DateRange, Filter, Journey, Stage, Step

#: ``op`` -> the :class:`~journey_widgets.model.prop` method (or operator) that builds the filter.
_PROP_METHODS = {
    "in": "isin",
    "not_in": "not_in",
    "contains": "contains",
    "not_contains": "not_contains",
    "starts_with": "startswith",
    "between": "between",
    "is_known": "is_known",
    "is_unknown": "is_unknown",
}
_PROP_OPERATORS = {"eq": "==", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
#: Keyword names ``step()`` takes itself: a filter on such a property is written with ``prop``.
_STEP_PARAMETERS = {"event", "anonymous", "filters"}


def journey_code(journey: Journey, *, variable: str = "journey", imports: bool = True) -> str:
    """Python code that assigns to ``variable`` a journey equal to ``journey`` (with the import line first)."""
    calls = [_constructor(journey)]
    calls += [_stage(stage) for stage in journey.stages]
    calls += [f".exclude({_step(x)}, between=({x.between[0]}, {x.between[1]}))" for x in journey.exclusions]
    if journey.date_range is not None:
        calls.append(_dates(journey.date_range))
    if journey.compare == "previous_period":  # after the dates: it needs them
        calls.append(".compared_with_previous_period()")
    if journey.breakdown is not None:
        calls.append(_breakdown(journey.breakdown))
    if journey.hold_constant:
        calls.append(f".holding_constant({', '.join(map(_literal, journey.hold_constant))})")
    calls += {"ordered": [], "strict": [".strict()"], "any": [".in_any_order()"]}[journey.order]
    if journey.object == "deal":
        calls.append(".for_deals()")
    body = "\n".join(f"    {call}" for call in calls)
    header = f"from journey_widgets import {_names_used(calls)}\n\n" if imports else ""
    return f"{header}{variable} = (\n{body}\n)\n"


def _constructor(journey: Journey) -> str:
    window = "" if journey.window == timedelta(days=30) else f", window={_literal(format_duration(journey.window))}"
    return f"Journey({_literal(journey.name)}{window})"


def _names_used(calls: list[str]) -> str:
    text = "\n".join(calls)
    return ", ".join(["Journey"] + [name for name in ("prop", "step") if f"{name}(" in text])


def _stage(stage: Stage) -> str:
    """``.stage("name", steps...)``, with ``optional=True`` for a stage the path may skip."""
    parts = [_literal(stage.name), *map(_step, stage.steps)] + (["optional=True"] if stage.optional else [])
    return f".stage({', '.join(parts)})"


def _step(step: Step) -> str:
    """``"event"`` for a bare step, else ``step("event", filters..., anonymous=True, prop=value...)``."""
    if not step.filters and not step.include_anonymous:
        return _literal(step.event)
    keywords = _keyword_tail(step.filters)
    positional = [_filter(f) for f in step.filters[: len(step.filters) - len(keywords)]]
    parts = [_literal(step.event), *positional]
    if step.include_anonymous:
        parts.append("anonymous=True")
    parts += [f"{f.property}={_literal(f.value)}" for f in keywords]
    return f"step({', '.join(parts)})"


def _keyword_tail(filters: tuple[Filter, ...]) -> tuple[Filter, ...]:
    """The last filters that ``step(..., country=["US"])`` can write as keywords: equality (``eq``) or membership
    (``in``) on distinct property names that are Python identifiers (``step()`` puts keyword filters last)."""
    tail: list[Filter] = []
    for f in reversed(filters):
        plain = f.property.isidentifier() and not keyword.iskeyword(f.property) and f.property not in _STEP_PARAMETERS
        fits = (f.op == "eq" and not isinstance(f.value, tuple)) or (f.op == "in" and isinstance(f.value, tuple))
        if not (plain and fits) or any(t.property == f.property for t in tail):
            break
        tail.append(f)
    return tuple(reversed(tail))


def _filter(f: Filter) -> str:
    column = f"prop({_literal(f.property)})"
    if f.op in _PROP_OPERATORS:
        return f"{column} {_PROP_OPERATORS[f.op]} {_literal(f.value)}"
    method = _PROP_METHODS[f.op]
    if f.op == "between":
        low, high = f.value
        return f"{column}.between({_literal(low)}, {_literal(high)})"
    arguments = "" if f.value is None else _literal(f.value)
    return f"{column}.{method}({arguments})"


def _dates(dates: DateRange) -> str:
    bounds = dates.model_dump(mode="json")
    return f".between_dates({_literal(bounds['start'])}, {_literal(bounds['end'])})"


def _breakdown(breakdown: Breakdown) -> str:
    options = "" if breakdown.limit == 10 else f", limit={breakdown.limit}"
    if breakdown.attribution == "stage":
        options += f", attribution={breakdown.stage}"
    elif breakdown.attribution != "first_touch":
        options += f", attribution={_literal(breakdown.attribution)}"
    return f".breakdown_by({_literal(breakdown.property)}{options})"


def _literal(value: Any) -> str:
    """A Python literal with JSON's spelling of lists (``["US", "DE"]``); texts use double quotes."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            text = '"' + text[1:-1].replace("\\'", "'") + '"'
        return text
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)
