"""Problems of the journey being edited, in the editor's words, at the control they belong to.

The model and the data check explain problems to a Python user ("Tuple should have at most 1 item",
"got ('abc',)", "of type float64"). The editor shows each next to its control, in the words of what
the user sees there; a part still being built (a stage with no step, a filter with no value) is marked
``incomplete`` rather than wrong. Every problem comes with a ``code`` and ``details``, which are worded here: the
model's (``errors.DefinitionCode``, a filter value's ``operators.ValueCode``), the data check's (``binding.DataCode``)
and pydantic's error types with their context (``too_long`` and its ``max_length``...). No message is read: a problem
with no words here keeps the message it came with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pydantic

from journey_widgets.errors import JourneyDefinitionError, JourneyError
from journey_widgets.model import TOO_DEEP, Breakdown, describe_location, problem_of, validation_errors
from journey_widgets.operators import OPERATORS

Loc = list[str | int]

#: Operator names as the editor's menus show them: the registry's labels.
OP_WORDS = {op.id: op.label for op in OPERATORS.values()}


#: What a column of each property kind holds, for a person.
_HOLDS = {"string": "text", "number": "numbers", "timestamp": "dates", "boolean": "true or false"}


def _op(details: Mapping[str, Any]) -> str:
    return f"“{OP_WORDS.get(details['op'], details['op'])}”"


def _holds(details: Mapping[str, Any]) -> str:
    """What the column of a data problem holds: ``numbers`` for a ``float64`` column."""
    return _HOLDS.get(details["kind"], details["type"])


def _works_on(details: Mapping[str, Any]) -> str:
    """The kinds of column the problem's operator applies to: ``text``, ``text, numbers or dates``."""
    words = [_HOLDS[kind] for kind in OPERATORS[details["op"]].kinds if kind in _HOLDS]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


#: The words of the editor's order menu (js/src/views/settings.js).
_ORDER_WORDS = {"ordered": "in order", "strict": "strict order", "any": "any order"}


def _stage_missing(details: Mapping[str, Any]) -> str:
    return f"There is no stage {details['stage']}: the journey has {details['stages']} stages"


def _listed_twice(details: Mapping[str, Any]) -> str:
    names = details["names"]
    return f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} listed twice"


#: The editor's words for each code of a problem, from its details. The data check's messages begin with where the
#: problem is ("stage 1 (Visited), step 1 (page_visited), filter 1: "), which the editor shows by placing them.
_CODED: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # a filter's value (operators.ValueCode) and column (binding.DataCode)
    "two_values_needed": lambda d: "Type two values: low, high",
    "low_above_high": lambda d: "The first value must not be above the second",
    "two_values_of_kinds_needed": lambda d: "Type two numbers, or two texts",
    "list_needed": lambda d: "Type one or more values, separated by commas",
    "scalars_needed": lambda d: "Type one or more values, separated by commas",
    "text_needed": lambda d: f"{_op(d)} needs some text",
    "single_value_needed": lambda d: f"{_op(d)} needs one number or text",
    "no_value_taken": lambda d: f"{_op(d)} takes no value",
    "value_does_not_fit": lambda d: f"{d['value']!r} does not fit {d['property']}, which holds {_holds(d)}",
    "column_kind_not_taken": lambda d: f"{_op(d)} works on {_works_on(d)}; {d['property']} holds {_holds(d)}",
    "unknown_property": lambda d: f"The data has no property {d['property']}",
    # the journey document (errors.DefinitionCode)
    "nul_character": lambda d: "Remove the NUL character: databases cannot hold it in text",
    "value_not_finite": lambda d: "Type a finite number",
    "anonymous_not_tracked": lambda d: (
        f"event {d['event']!r} does not support anonymous visitors: only tracked events such as page_visited do"
    ),
    "stages_not_ascending": lambda d: "The first stage must come before the second",
    "date_out_of_range": lambda d: "This date is out of range",
    "date_range_reversed": lambda d: "“To” must be after “From”",
    "stage_without_stage_attribution": lambda d: f"Stage {d['stage']} is chosen only for attribution to a stage",
    "property_unnamed": lambda d: f"Property {d['index']} has no name",
    "property_repeated": _listed_twice,
    "duration_unreadable": lambda d: "Type a number above 0",
    "window_not_positive": lambda d: "Type a number above 0",
    "window_not_whole_microseconds": lambda d: "The window is a whole number of microseconds",
    "window_too_long": lambda d: f"The window is at most {d['max_years']:,} years",
    "stage_name_repeated": lambda d: f"Stage {d['other']} already has this name",
    "exclusion_stage_missing": _stage_missing,
    "breakdown_stage_missing": _stage_missing,
    "optional_stage_out_of_order": lambda d: (
        f"A journey in {_ORDER_WORDS[d['order']]} has no optional stages: choose “{_ORDER_WORDS['ordered']}”"
    ),
    "optional_first_stage": lambda d: "The first stage cannot be optional",
    "optional_last_stage": lambda d: "The last stage cannot be optional",
    "exclusion_names_optional_stage": lambda d: (
        f"Stage {d['stage']} is optional: an exclusion is between stages that are not"
    ),
    "compare_needs_closed_range": lambda d: "Give the date range a start and an end to compare with the period before",
    "no_stages": lambda d: "The journey has no stages: add one",
    "too_deep": lambda d: TOO_DEEP,
}
#: The model's codes of problems the editor cannot have: it edits a journey document, not its JSON text or file.
NOT_IN_EDITOR = frozenset({"not_an_object", "unknown_version", "not_json", "not_text", "unreadable_file"})
#: Problems of parts still being built: (where the part is, given the problem's loc, what to do).
_INCOMPLETE: dict[str, tuple[Callable[[Loc], Loc], str]] = {
    "stage_without_steps": (lambda loc: [*loc, "steps"], "pick a step"),
    "attribution_stage_missing": (lambda loc: ["breakdown", "stage"], "choose a stage"),
}
#: Problems the model reports for the whole journey that belong to one control: its loc, from the details.
_PLACED: dict[str, Callable[[Mapping[str, Any]], Loc]] = {
    "stage_name_repeated": lambda d: ["stages", d["stage"] - 1, "name"],
    "exclusion_stage_missing": lambda d: ["exclusions", d["exclusion"] - 1],
    "exclusion_names_optional_stage": lambda d: ["exclusions", d["exclusion"] - 1],
    "breakdown_stage_missing": lambda d: ["breakdown", "stage"],
    "optional_stage_out_of_order": lambda d: ["stages", d["stage"] - 1, "optional"],
    "optional_first_stage": lambda d: ["stages", d["stage"] - 1, "optional"],
    "optional_last_stage": lambda d: ["stages", d["stage"] - 1, "optional"],
    "compare_needs_closed_range": lambda d: ["compare"],
}
#: pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) the editor words, from the
#: problem's loc and pydantic's context.
_PYDANTIC: dict[str, Callable[[Loc, Mapping[str, Any]], str]] = {
    "string_too_short": lambda loc, d: _empty(loc),
    "string_too_long": lambda loc, d: f"{_named(loc)} are at most {d['max_length']} characters",
    # a tuple's items, or a name (in a tuple) checked after its own validator: pydantic calls both "too_long"
    "too_long": lambda loc, d: (
        f"{_named(loc)} are at most {d['max_length']} characters"
        if loc and isinstance(loc[-1], int)
        else f"At most {d['max_length']} are allowed"
    ),
    "datetime_type": lambda loc, d: _NOT_A_DATE,
    "datetime_parsing": lambda loc, d: _NOT_A_DATE,
    "datetime_from_date_parsing": lambda loc, d: _NOT_A_DATE,
}
_NOT_A_DATE = "Not a date: use a 4-digit year (YYYY-MM-DD)"


def _top_words() -> str:
    """The breakdown's "Top" box, whatever was wrong with it (not a number, a fraction, out of range)."""
    bounds = {type(m).__name__: m for m in Breakdown.model_fields["limit"].metadata}
    return f"Top must be a whole number from {bounds['Ge'].ge} to {bounds['Le'].le:,}"


def _named(loc: Sequence[str | int]) -> str:
    """What a name at ``loc`` names, in the plural: "Stage names", "Property names"…"""
    last = [p for p in loc if isinstance(p, str)][-1:] or [""]
    if list(loc) == ["name"]:
        return "Journey names"
    if last == ["name"]:
        return "Stage names"
    if last == ["event"]:
        return "Event names"
    if last in (["property"], ["hold_constant"]):
        return "Property names"
    return "Texts here"


def _empty(loc: Sequence[str | int]) -> str:
    if list(loc) == ["name"]:
        return "Give the journey a name"
    if len(loc) == 3 and loc[0] == "stages" and loc[2] == "name":
        return "Give this stage a name"
    return "This cannot be empty"


def _incomplete(loc: Loc, todo: str) -> dict[str, Any]:
    return {"loc": loc, "where": describe_location(loc), "message": f"Incomplete: {todo}", "incomplete": True}


def _is_draft_filter(loc: Loc, source: Any) -> bool:
    """A filter whose value is still to be typed (its operator, by the registry, needs one)."""
    if not isinstance(source, dict) or "filters" not in loc or source.get("value") is not None:
        return False
    op = OPERATORS.get(str(source.get("op")))
    return op is not None and op.arity != "none"


def _problem(problem: Mapping[str, Any], source: Any = None) -> dict[str, Any]:
    """One problem for the editor, from the model's (``loc``, ``message``, ``code``, ``details``): where, what, and
    whether it is a draft part (``source``: the part as given)."""
    loc, code, details = list(problem["loc"]), problem.get("code", ""), problem.get("details", {})
    if code == "too_short" and len(loc) == 3 and loc[0] == "stages" and loc[2] == "steps":
        return _incomplete(loc, "pick a step")
    if code in _INCOMPLETE:
        at, todo = _INCOMPLETE[code]
        return _incomplete(at(loc), todo)
    if _is_draft_filter(loc, source):
        return _incomplete(loc, "type a value")
    if code == "string_too_short" and "filters" in loc and loc[-1] == "property":
        return _incomplete(loc, "choose a property")
    loc = _PLACED[code](details) if code in _PLACED else loc
    if loc == ["breakdown", "limit"]:
        message = _top_words()
    elif code in _CODED:
        message = _CODED[code](details)
    elif code in _PYDANTIC:
        message = _PYDANTIC[code](loc, details)
    else:  # unknown fields, wrong types, menus' values...: the model's message
        message = problem["message"]
    return {"loc": loc, "where": describe_location(loc), "message": message}


def editor_errors(exc: Exception) -> list[dict[str, Any]]:
    """The problems in ``exc`` as ``{"loc", "where", "message"[, "incomplete"]}`` for the editor."""
    if isinstance(exc, pydantic.ValidationError):
        return [_problem(problem_of(e), source=e.get("input")) for e in validation_errors(exc)]
    if isinstance(exc, RecursionError):
        return [{"loc": [], "where": "", "message": TOO_DEEP}]
    if isinstance(exc, JourneyDefinitionError):
        return [_problem(p) for p in exc.problems]
    if isinstance(exc, JourneyError):
        return [_problem({"loc": exc.location, "message": str(exc), "code": exc.code, "details": exc.details})]
    return [_problem({"loc": [], "message": str(exc)})]
