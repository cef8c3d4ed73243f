"""One exception hierarchy for everything a user can get wrong.

Every message names the offending thing (stage/step/filter index, column, value) and, where it
helps, what to do next. All errors derive from :class:`JourneyError`, itself a ``ValueError``.
"""

from __future__ import annotations

import reprlib
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 4, 60, 60, 40
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 5


def shown(value: object) -> str:
    """``repr(value)`` for a message, shortened: long texts and numbers, big or deeply nested documents."""
    return _REPR.repr(value)


def one_line(exc: BaseException) -> str:
    """``Type: first line of the message``, for errors the user did not cause (backend, connection)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"


#: The ``code`` of a problem of the journey document (:mod:`journey_widgets.model`) and its ``details``, besides
#: pydantic's own error types (``too_long``, ``string_too_short``, ``datetime_parsing``... with their ``ctx``:
#: https://docs.pydantic.dev/latest/errors/validation_errors/) and a filter value's ``operators.ValueCode``. Stages
#: and exclusions are numbered from 1 in details, as in messages.
DefinitionCode = Literal[
    "nul_character",  # text
    "value_not_finite",  # value
    "anonymous_not_tracked",  # event
    "stage_without_steps",  # name
    "stages_not_ascending",  # between (an exclusion's)
    "date_out_of_range",  # value
    "date_range_reversed",  # start, end
    "attribution_stage_missing",
    "stage_without_stage_attribution",  # stage, attribution
    "property_unnamed",  # index (of a held property)
    "property_repeated",  # names (held twice)
    "duration_unreadable",  # value (the window as given)
    "window_not_positive",  # window
    "window_not_whole_microseconds",  # window
    "window_too_long",  # window (as given), max_years
    "stage_name_repeated",  # stage, name, other (the stage that has it first)
    "exclusion_stage_missing",  # exclusion, between, stage, stages (how many the journey has)
    "breakdown_stage_missing",  # stage, stages
    "optional_stage_out_of_order",  # stage, name, order ("strict" or "any")
    "optional_first_stage",  # stage, name
    "optional_last_stage",  # stage, name
    "exclusion_names_optional_stage",  # exclusion, between, stage, name
    "compare_needs_closed_range",  # compare
    "no_stages",  # name (the journey's)
    # Reading a document (Journey.from_json, load, from_dict), not editing one:
    "not_an_object",  # type
    "unknown_version",  # version
    "not_json",  # error (the parser's)
    "not_text",  # type
    "unreadable_file",  # path, reason
    "too_deep",
]


class JourneyError(ValueError):
    """Base class of every error journey_widgets raises on purpose.

    ``location`` is where in the journey document the problem is, e.g.
    ``("stages", 1, "steps", 0, "filters", 0)``, so an editor can show it next to the control. ``code`` says what
    is wrong to a program (``"value_does_not_fit"``; ``""`` for an error raised without one) and ``details`` the things
    it is about (an operator id, a column, its type, a value): the builder words the problem from these, never from
    the message.
    """

    def __init__(
        self,
        message: str,
        *,
        location: tuple[str | int, ...] = (),
        code: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.location = location
        self.code = code
        self.details = dict(details or {})


class JourneyDefinitionError(JourneyError):
    """The journey definition is invalid (structure, values, unknown version, bad JSON).

    ``problems`` lists each problem as ``{"loc": [...], "where": "stage 1, step 2", "message": ..., "code": ...,
    "details": {...}}``; ``code`` and ``details`` are those of the problem when there is one (``""`` and ``{}`` for
    several). A code is a :data:`DefinitionCode`, a filter value's ``operators.ValueCode`` or pydantic's error type.
    """

    def __init__(
        self,
        message: str,
        *,
        location: tuple[str | int, ...] = (),
        problems: list[dict[str, Any]] | None = None,
        code: str = "",
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, location=location, code=code, details=details)
        self.problems = problems or [
            {"loc": list(location), "where": "", "message": message, "code": code, "details": self.details}
        ]


class CatalogError(JourneyError):
    """An event type or property is unknown to the step catalog or registered twice."""


class DataBindingError(JourneyError):
    """The events (or identity) table does not fit the schema or the journey.

    Raised before any query runs: missing column, wrong type, unknown property or event type.
    """


class ArgumentError(JourneyError):
    """A call got an argument value it does not take (an unknown table, period, stage or dialect)."""


class UnsupportedBackendError(JourneyError):
    """A backend lacks an operation the journey needs; the message names backend and feature."""


class JourneyWarning(UserWarning):
    """Base class of the warnings journey_widgets gives: the journey runs, but a result may surprise."""


class UnknownEventWarning(JourneyWarning):
    """A step's event type is in neither the catalog nor the data: the step matches no event."""


class UnknownPropertyWarning(JourneyWarning):
    """A filtered property is not in the catalog (checked against the catalog alone, without data)."""


class NaiveTimestampWarning(JourneyWarning):
    """A time column has no time zone: its values are read as UTC."""


_PACKAGE = str(Path(__file__).parent)


def warn(warning: JourneyWarning) -> None:
    """Issue ``warning`` attributed to the first caller outside journey_widgets (the user's line)."""
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(warning, stacklevel=level)
