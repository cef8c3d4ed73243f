"""Inputs shared by the test modules at collection time (their parametrize lists are built from them).

Documents: the SPEC example (:data:`SPEC_EXAMPLE`), :data:`BASE` (its first three stages) and edits of it; the
six-event table (:data:`EVENTS`, :func:`small_events`) with an identity map; :data:`SMALL`, the builder's
three-stage journey; hypothesis strategies of JSON documents; and :func:`assert_raises`, the check of every
error catalogue: the one right error class, and a message naming the culprit. ``conftest.py`` hands the
documents to tests as fixtures (fresh copies).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from journey_widgets import Journey, JourneyError, step
from journey_widgets.binding import bind_events

# ---------------------------------------------------------------------------------------- journey documents
#: The example journey of the product contract (every key that has a default is written out).
SPEC_EXAMPLE: dict[str, Any] = {
    "version": 1,
    "name": "Visitor to customer",
    "object": "contact",
    "order": "ordered",
    "window": "P30D",
    "date_range": {"start": "2026-01-01T00:00:00Z", "end": "2026-07-01T00:00:00Z"},
    "stages": [
        {
            "name": "Visited",
            "steps": [
                {
                    "event": "page_visited",
                    "include_anonymous": True,
                    "filters": [{"property": "country", "op": "in", "value": ["US", "DE"]}],
                }
            ],
        },
        {"name": "Converted", "steps": [{"event": "form_submission"}]},
        {"name": "Met", "steps": [{"event": "meeting_booked"}, {"event": "sequence_meeting_booked"}]},
        {
            "name": "Won",
            "steps": [
                {
                    "event": "deal_stage_changed",
                    "filters": [{"property": "deal_stage", "op": "eq", "value": "closedwon"}],
                }
            ],
        },
    ],
    "exclusions": [{"event": "email_spam_reported", "between": [1, 4]}],
    "breakdown": {"property": "country", "limit": 10},
}

#: The error catalogues' journey: the SPEC example's first three stages, its exclusion between stages 1 and 3,
#: and no key that has a default (object, order) nor a date range.
BASE: dict[str, Any] = copy.deepcopy(
    {key: value for key, value in SPEC_EXAMPLE.items() if key not in ("object", "order", "date_range")}
    | {"stages": SPEC_EXAMPLE["stages"][:3], "exclusions": [{"event": "email_spam_reported", "between": [1, 3]}]}
)


def _change(target: dict[str, Any], changes: dict[str, Any]) -> None:
    """Set each key of ``changes`` in ``target``; a value None removes the key."""
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value


def edited(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``document`` with top-level changes (None removes the key)."""
    data = copy.deepcopy(document)
    _change(data, changes)
    return data


def doc(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level changes (None removes the key)."""
    return edited(BASE, **changes)


def stage(index: int, **changes: Any) -> dict[str, Any]:
    """BASE with stage ``index`` (0-based) changed."""
    data = doc()
    data["stages"][index] = {**data["stages"][index], **changes}
    return data


def step_doc(stage_index: int, step_index: int, **changes: Any) -> dict[str, Any]:
    """BASE with one step changed (None removes a key)."""
    data = doc()
    _change(data["stages"][stage_index]["steps"][step_index], changes)
    return data


def with_filter(**flt: Any) -> dict[str, Any]:
    """BASE with stage 1's step filtered by ``flt`` alone."""
    return step_doc(0, 0, filters=[flt])


def many_stages(count: int) -> list[dict[str, Any]]:
    """``count`` stages of one step each, named S1, S2..."""
    return [{"name": f"S{i}", "steps": [{"event": "page_visited"}]} for i in range(1, count + 1)]


# ---------------------------------------------------------------------------------------- the six-event table
def utc(*values: str | None) -> pd.Series:
    """Times in UTC at microsecond resolution (None is a null)."""
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype("datetime64[us, UTC]")


def with_columns(frame: pd.DataFrame, **overrides: Any) -> pd.DataFrame:
    """``frame`` with columns replaced or added; a value None drops the column."""
    for name, value in overrides.items():
        frame = frame.drop(columns=name) if value is None else frame.assign(**{name: value})
    return frame


def small_events(**overrides: Any) -> pd.DataFrame:
    """Six events of two contacts and an anonymous visitor, with properties of every kind."""
    frame = pd.DataFrame(
        {
            "event_type": pd.Series(
                ["page_visited", "form_submission", "meeting_booked", "page_visited", "page_visited", "cta_clicked"],
                dtype="string",
            ),
            "occurred_at": utc(
                "2026-01-01 10:00",
                "2026-01-02 10:00",
                "2026-01-03 10:00",
                "2026-01-01 11:00",
                "2026-01-05",
                "2026-01-06",
            ),
            "contact_id": pd.array([1, 1, 1, 2, None, None], dtype="Int64"),
            "visitor_id": pd.Series(["v1", "v1", None, "v2", "v3", "v3"], dtype="string"),
            "deal_id": pd.array([None] * 6, dtype="Int64"),
            "country": pd.Series(["US", "US", None, "DE", "NO", "NO"], dtype="string"),
            "amount": [1.5, None, 3.0, 4.0, None, 2.0],
            "score": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
            "flag": [True, False, True, False, True, False],
            "seen_at": utc("2026-01-01", None, "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"),
        }
    )
    return with_columns(frame, **overrides)


EVENTS = small_events()
#: The anonymous visitor v3 identified as contact 3.
IDENTITY = pd.DataFrame(
    {
        "visitor_id": pd.Series(["v3"], dtype="string"),
        "contact_id": pd.array([3], dtype="Int64"),
        "identified_at": utc("2026-01-05"),
    }
)
#: Visited (anonymous visitors too), then Converted: on :data:`EVENTS`, 3 actors then 1.
VISIT_TO_FORM = (
    Journey("J").stage("Visited", step("page_visited", anonymous=True)).stage("Converted", "form_submission")
)
#: The builder's journey in the widget cases: on :data:`EVENTS`, 3, 1 and 1 actors.
SMALL = (
    Journey("Small")
    .stage("Visited", step("page_visited", anonymous=True))
    .stage("Converted", "form_submission")
    .stage("Met", "meeting_booked")
)


def load(data: Any) -> Journey:
    """Validate a document, then bind it to the small events table (as running it would)."""
    journey = Journey.from_dict(data)
    bind_events(EVENTS, journey)
    return journey


def run(events: Any, journey: Journey = VISIT_TO_FORM, **kwargs: Any) -> pd.DataFrame:
    """Bind, compile and execute: the full path a user takes."""
    return journey.run(events, **kwargs).funnel()


# ---------------------------------------------------------------------------------------- error catalogues
def case(case_id: str, action: Callable[[], Any], error: type[JourneyError], *needles: str) -> Any:
    """One case of an error catalogue: ``action`` raises exactly ``error``, whose message holds every needle."""
    return pytest.param(action, error, needles, id=case_id)


def assert_raises(action: Callable[[], Any], error: type[JourneyError], needles: tuple[str, ...]) -> None:
    with pytest.raises(JourneyError) as info:
        action()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


# ---------------------------------------------------------------------------------------- fuzzing
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
TRICKY = st.sampled_from(
    [
        None,
        "",
        0,
        -1,
        1,
        2,
        21,
        10**30,
        -(10**30),
        1.5,
        float("inf"),
        float("nan"),
        True,
        False,
        [],
        {},
        [1],
        [1, 2],
        [2, 1],
        ["US"],
        "P0D",
        "P1M",
        "P99999999999D",
        "-P1D",
        "30d",
        "x" * 201,
        "page_visited",
        "form_submission",
        "country",
        "amount",
        "between",
        "in",
        "is_known",
        "2026-01-01T00:00:00Z",
        "9999-12-31T23:59:59-05:00",
        {"name": "A", "steps": []},
        {"event": "page_visited"},
    ]
)
VALID_DOCS = [BASE, Journey.from_dict(BASE).to_dict(), SMALL.to_dict()]


def _paths_of(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths_of(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths_of(value, (*prefix, index))
    return found


def _at(node: Any, path: tuple) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated_journeys(draw: st.DrawFn) -> Any:
    """A valid journey document with one to four random edits: drop, replace or add something."""
    data: Any = copy.deepcopy(draw(st.sampled_from(VALID_DOCS)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths_of(data)))
        value = copy.deepcopy(draw(TRICKY | JSON_VALUES))  # never mutate a shared example
        action = draw(st.sampled_from(["drop", "replace", "add"]))
        if not path:
            data = value if action == "replace" else data
            continue
        parent, key = _at(data, path[:-1]), path[-1]
        target = parent[key]
        if action == "drop":
            del parent[key]
        elif action == "replace":
            parent[key] = value
        elif isinstance(target, dict):
            target[draw(st.sampled_from(["name", "event", "op", "value", "filters", "between", "limit", "x"]))] = value
        elif isinstance(target, list):
            target.insert(draw(st.integers(0, len(target))), value)
        else:
            parent[key] = value
    return data
