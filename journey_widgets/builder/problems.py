"""Problems of the journey being edited, in the editor's words, at the control they belong to.

The model and the data check explain problems to a Python user ("Tuple should have at least 1 item",
"got ('abc',)", "of type float64"). The editor shows each next to its control, in the words of what
the user sees there; a part still being built (a stage with no step, a filter with no value) is marked
``incomplete`` rather than wrong. A filter's problems (its value, by :func:`operators.check_value`; its column, by
the data check in :mod:`journey_widgets.binding`) come with a ``code`` and ``details``, which are worded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pydantic

from journey_widgets.errors import JourneyError, shown
from journey_widgets.model import MAX_WINDOW_YEARS, TOO_DEEP, Breakdown, describe_location, validation_errors
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


#: The editor's words for each code of a filter's problem (``operators.ValueCode``, ``binding.DataCode``), from its
#: details. The data check's messages begin with where the problem is ("stage 1 (Visited), step 1
#: (page_visited), filter 1: "), which the editor shows by placing them.
_CODED: dict[str, Callable[[Mapping[str, Any]], str]] = {
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
}
# (pattern on the original message, the editor's words) for the model's problems; first match wins.
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"unknown event type '(?P<event>[^']+)'"),
        lambda m: f"The event {m['event']} is in neither the step catalog nor the data",
    ),
    (re.compile(r"cannot read the duration|window must be a positive duration"), lambda m: "Type a number above 0"),
    (re.compile(r"window .* is too long"), lambda m: f"The window is at most {MAX_WINDOW_YEARS:,} years"),
    (re.compile(r"between must be two stage numbers"), lambda m: "The first stage must come before the second"),
    (re.compile(r"date range start .* is not before its end"), lambda m: "“To” must be after “From”"),
    (re.compile(r"out of range in UTC"), lambda m: "This date is out of range"),
    (re.compile(r"valid datetime|valid date"), lambda m: "Not a date: use a 4-digit year (YYYY-MM-DD)"),
    (re.compile(r"should have at most (?P<n>\d+) items"), lambda m: f"At most {m['n']} are allowed"),
    (re.compile(r"'(?P<name>[^']+)' is named more than once"), lambda m: f"{m['name']} is listed twice"),
]
# Problems the model reports for the whole journey that belong to one control: (pattern, its loc, words)
_RELOCATED: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Loc], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"stage (?P<stage>\d+): name .* is already used by stage (?P<other>\d+)"),
        lambda m: ["stages", int(m["stage"]) - 1, "name"],
        lambda m: f"Stage {m['other']} already has this name",
    ),
    (
        re.compile(r"exclusion (?P<index>\d+): between .* names stage (?P<stage>\d+) but the journey has (?P<n>\d+)"),
        lambda m: ["exclusions", int(m["index"]) - 1],
        lambda m: f"There is no stage {m['stage']}: the journey has {m['n']} stages",
    ),
    (
        re.compile(r"breakdown: attribution to stage (?P<stage>\d+) but the journey has (?P<n>\d+)"),
        lambda m: ["breakdown", "stage"],
        lambda m: f"There is no stage {m['stage']}: the journey has {m['n']} stages",
    ),
]


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


def _too_long(loc: Sequence[str | int], message: str) -> str | None:
    """A name over the length limit, in words (None when ``message`` is not about that)."""
    match = re.search(r"at most (\d+) (characters|items after validation)", message)
    if match and (match[2] == "characters" or loc[-2:-1] == ["hold_constant"]):
        return f"{_named(loc)} are at most {match[1]} characters"
    return None


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


def _problem(
    loc: Loc, message: str, *, kind: str = "", source: Any = None, coded: JourneyError | None = None
) -> dict[str, Any]:
    """One problem for the editor: where (``loc``), what (``message``; ``coded``: the error that gives its code), and
    whether it is a draft part."""
    if kind == "too_short" and len(loc) == 3 and loc[0] == "stages" and loc[2] == "steps":
        return _incomplete(loc, "pick a step")
    if len(loc) == 2 and loc[0] == "stages" and "has no steps" in message:
        return _incomplete([*loc, "steps"], "pick a step")
    if kind == "extra_forbidden":
        return {"loc": loc, "where": describe_location(loc), "message": f"unknown field (value {shown(source)})"}
    if _is_draft_filter(loc, source):
        return _incomplete(loc, "type a value")
    if kind == "string_too_short" and "filters" in loc and loc[-1] == "property":
        return _incomplete(loc, "choose a property")
    if loc == ["breakdown"] and "needs the stage number" in message:
        return _incomplete([*loc, "stage"], "choose a stage")
    relocated = next(((m, at, words) for pattern, at, words in _RELOCATED if (m := pattern.search(message))), None)
    if relocated:
        match, at, words = relocated
        loc, message = at(match), words(match)
    elif kind == "string_too_short":
        message = _empty(loc)
    elif loc == ["breakdown", "limit"]:
        message = _top_words()
    elif kind in ("string_too_long", "too_long") and (shortened := _too_long(loc, message)):
        message = shortened
    elif coded is not None and coded.code in _CODED:
        message = _CODED[coded.code](coded.details)
    else:
        message = next((words(m) for pattern, words in _RULES if (m := pattern.search(message))), message)
    return {"loc": loc, "where": describe_location(loc), "message": message}


def editor_errors(exc: Exception) -> list[dict[str, Any]]:
    """The problems in ``exc`` as ``{"loc", "where", "message"[, "incomplete"]}`` for the editor."""
    if isinstance(exc, pydantic.ValidationError):
        return [
            _problem(
                [p for p in e["loc"] if isinstance(p, str | int)],
                e["msg"].removeprefix("Value error, "),
                kind=e["type"],
                source=e.get("input"),
                coded=_coded(e.get("ctx", {}).get("error")),
            )
            for e in validation_errors(exc)
        ]
    if isinstance(exc, RecursionError):
        return [{"loc": [], "where": "", "message": TOO_DEEP}]
    location = list(exc.location) if isinstance(exc, JourneyError) else []
    return [_problem(location, str(exc), coded=_coded(exc))]


def _coded(error: object) -> JourneyError | None:
    """``error`` when it is one of ours (a validator's, in pydantic's error context): its code may say what is wrong."""
    return error if isinstance(error, JourneyError) else None
