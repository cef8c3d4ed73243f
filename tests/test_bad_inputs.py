"""A catalogue of bad inputs: each raises the one right error class, and its message names the culprit.

Groups (test ids): ``definition-*`` (the journey document), ``data-*`` (events and identity tables),
``cli-*`` (the command line), ``widget-*`` (the builder). Behaviour that is accepted rather than
an error (nulls, duplicates, time zones, Unicode names...) is pinned by positive tests, and
hypothesis fuzzes the loaders and the widget: only :class:`JourneyError` ever comes out.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import json
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import ibis
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journey_widgets import (
    ArgumentError,
    CatalogError,
    DataBindingError,
    Filter,
    Journey,
    JourneyDefinitionError,
    JourneyError,
    JourneyWarning,
    Stage,
    Step,
    UnknownEventWarning,
    prop,
    step,
)
from journey_widgets import widget as widget_module
from journey_widgets.binding import EventSchema, bind_events
from journey_widgets.catalog import Catalog, default_catalog
from journey_widgets.charts import save_chart
from journey_widgets.cli import main
from journey_widgets.sample import sample_events, write_sample
from journey_widgets.widget import JourneyBuilder

# ---------------------------------------------------------------------------------------- shared data
BASE: dict[str, Any] = {
    "version": 1,
    "name": "Visitor to customer",
    "window": "P30D",
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
    ],
    "exclusions": [{"event": "email_spam_reported", "between": [1, 3]}],
    "breakdown": {"property": "country", "limit": 10},
}


def _utc(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype("datetime64[us, UTC]")


def _events(**overrides: Any) -> pd.DataFrame:
    """Six events of two contacts and an anonymous visitor, with properties of every kind."""
    frame = pd.DataFrame(
        {
            "event_type": pd.Series(
                ["page_visited", "form_submission", "meeting_booked", "page_visited", "page_visited", "cta_clicked"],
                dtype="string",
            ),
            "occurred_at": _utc(
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
            "seen_at": _utc("2026-01-01", None, "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"),
        }
    )
    for name, value in overrides.items():
        frame = frame.drop(columns=name) if value is None else frame.assign(**{name: value})
    return frame


EVENTS = _events()
IDENTITY = pd.DataFrame(
    {
        "visitor_id": pd.Series(["v3"], dtype="string"),
        "contact_id": pd.array([3], dtype="Int64"),
        "identified_at": _utc("2026-01-05"),
    }
)
JOURNEY = Journey("J").stage("Visited", step("page_visited", anonymous=True)).stage("Converted", "form_submission")


def doc(**changes: Any) -> dict[str, Any]:
    """A deep copy of BASE with top-level changes (None removes the key)."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def stage(index: int, **changes: Any) -> dict[str, Any]:
    """BASE with stage ``index`` (0-based) changed."""
    data = doc()
    data["stages"][index] = {**data["stages"][index], **changes}
    return data


def step_doc(stage_index: int, step_index: int, **changes: Any) -> dict[str, Any]:
    """BASE with one step changed (None removes a key)."""
    data = doc()
    target = data["stages"][stage_index]["steps"][step_index]
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return data


def with_filter(**flt: Any) -> dict[str, Any]:
    """BASE with stage 1's step filtered by ``flt`` alone."""
    return step_doc(0, 0, filters=[flt])


def load(data: Any) -> Journey:
    """Validate a document, then bind it to the small events table (as running it would)."""
    journey = Journey.from_dict(data)
    bind_events(EVENTS, journey)
    return journey


def run(events: Any, journey: Journey = JOURNEY, **kwargs: Any) -> pd.DataFrame:
    """Bind, compile and execute: the full path a user takes."""
    return journey.run(events, **kwargs).funnel()


def case(case_id: str, action: Callable[[], Any], error: type[JourneyError], *needles: str) -> Any:
    return pytest.param(action, error, needles, id=case_id)


def _assert_raises(action: Callable[[], Any], error: type[JourneyError], needles: tuple[str, ...]) -> None:
    with pytest.raises(JourneyError) as info:
        action()
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


def _many_stages(count: int) -> list[dict[str, Any]]:
    return [{"name": f"S{i}", "steps": [{"event": "page_visited"}]} for i in range(1, count + 1)]


# ---------------------------------------------------------------------------------------- definition-*
D = JourneyDefinitionError
S1 = "stage 1, step 1, filter 1"

DEFINITION_CASES = [
    # unknown properties (the model allows custom ids; the data or the catalog rejects them); unknown
    # event types are warnings (see "warning-*")
    case(
        "definition-unknown-event-catalog-lookup",
        lambda: default_catalog().event("page_visitd"),
        CatalogError,
        "unknown event type 'page_visitd'",
        "did you mean 'page_visited'",
    ),
    case(
        "definition-unknown-category",
        lambda: default_catalog().events_in("formz"),
        CatalogError,
        "unknown category 'formz'",
        "'forms'",
    ),
    case(
        "definition-unknown-property",
        lambda: load(with_filter(property="colour", op="eq", value="red")),
        DataBindingError,
        "stage 1 ('Visited'), step 1 (page_visited), filter 1 (colour eq)",
        "unknown property 'colour'",
    ),
    case(
        "definition-unknown-property-in-exclusion",
        lambda: load(
            doc(
                exclusions=[
                    {
                        "event": "email_spam_reported",
                        "between": [1, 2],
                        "filters": [{"property": "x", "op": "is_known"}],
                    }
                ]
            )
        ),
        DataBindingError,
        "exclusion 1 (email_spam_reported), filter 1 (x is_known): unknown property 'x'",
    ),
    case(
        "definition-unknown-breakdown-property",
        lambda: load(doc(breakdown={"property": "colour"})),
        DataBindingError,
        "breakdown: unknown property 'colour'",
    ),
    case(
        "definition-unknown-held-property",
        lambda: load(doc(hold_constant=["colour"])),
        DataBindingError,
        "hold_constant 1: unknown property 'colour'",
    ),
    case(
        "definition-breakdown-stage-beyond-the-journey",
        lambda: load(doc(breakdown={"property": "country", "attribution": "stage", "stage": 9})),
        JourneyDefinitionError,
        "breakdown: attribution to stage 9 but the journey has",
    ),
    case(
        "definition-role-column-as-property",
        lambda: load(with_filter(property="contact_id", op="eq", value=1)),
        DataBindingError,
        "unknown property 'contact_id' (it plays a role in the schema)",
    ),
    case(
        "definition-unknown-property-catalog-lookup",
        lambda: default_catalog().property("colour"),
        CatalogError,
        "unknown property 'colour'",
        "did you mean 'country'",
    ),
    case(
        "definition-register-event-with-unknown-property",
        lambda: Catalog.default().register_event("webinar_joined", properties=["colour"]),
        CatalogError,
        "unknown property 'colour'",
    ),
    case(
        "definition-register-event-twice",
        lambda: Catalog.default().register_event("page_visited"),
        CatalogError,
        "event type 'page_visited' is already in the catalog",
    ),
    case(
        "definition-register-property-bad-type",
        lambda: Catalog.default().register_property("plan", type="date"),  # type: ignore[arg-type]
        CatalogError,
        "got 'date'",
    ),
    # filter values of the wrong type for the operator
    case(
        "definition-eq-object",
        lambda: load(with_filter(property="country", op="eq", value={"a": 1})),
        D,
        S1,
        "{'a': 1}",
    ),
    case("definition-eq-list", lambda: load(with_filter(property="country", op="eq", value=["US"])), D, S1, "'eq'"),
    case("definition-eq-null", lambda: load(with_filter(property="country", op="eq", value=None)), D, S1, "got None"),
    case("definition-eq-nan", lambda: load(with_filter(property="amount", op="eq", value=float("nan"))), D, S1, "nan"),
    case("definition-neq-missing-value", lambda: load(with_filter(property="country", op="neq")), D, S1, "'neq'"),
    case("definition-gt-boolean", lambda: load(with_filter(property="amount", op="gt", value=True)), D, S1, "got True"),
    case("definition-gte-list", lambda: load(with_filter(property="amount", op="gte", value=[1])), D, S1, "'gte'"),
    case("definition-lt-object", lambda: load(with_filter(property="amount", op="lt", value={})), D, S1, "'lt'"),
    case("definition-lte-null", lambda: load(with_filter(property="amount", op="lte", value=None)), D, S1, "'lte'"),
    case("definition-contains-number", lambda: load(with_filter(property="country", op="contains", value=5)), D, S1),
    case(
        "definition-contains-empty-text",
        lambda: load(with_filter(property="country", op="contains", value="")),
        D,
        S1,
        "non-empty text",
    ),
    case(
        "definition-not-contains-list",
        lambda: load(with_filter(property="country", op="not_contains", value=["U"])),
        D,
        S1,
        "'not_contains'",
    ),
    case(
        "definition-starts-with-null",
        lambda: load(with_filter(property="country", op="starts_with", value=None)),
        D,
        S1,
        "'starts_with'",
    ),
    case(
        "definition-in-scalar",
        lambda: load(with_filter(property="country", op="in", value="US")),
        D,
        S1,
        "non-empty list",
        "'US'",
    ),
    case("definition-in-empty-list", lambda: load(with_filter(property="country", op="in", value=[])), D, S1, "'in'"),
    case(
        "definition-in-nested-list",
        lambda: load(with_filter(property="country", op="in", value=[["US"]])),
        D,
        S1,
        "scalar values",
    ),
    case(
        "definition-in-null-item",
        lambda: load(with_filter(property="country", op="in", value=["US", None])),
        D,
        S1,
        "None",
    ),
    case(
        "definition-not-in-object-item",
        lambda: load(with_filter(property="country", op="not_in", value=[{"x": 1}])),
        D,
        S1,
        "'not_in'",
    ),
    case(
        "definition-is-known-with-value",
        lambda: load(with_filter(property="country", op="is_known", value="US")),
        D,
        S1,
        "'is_known' takes no value",
    ),
    case(
        "definition-is-unknown-with-zero",
        lambda: load(with_filter(property="amount", op="is_unknown", value=0)),
        D,
        S1,
        "'is_unknown' takes no value, got 0",
    ),
    case(
        "definition-between-one-value",
        lambda: load(with_filter(property="amount", op="between", value=[1])),
        D,
        S1,
        "needs two values",
    ),
    case(
        "definition-between-three-values",
        lambda: load(with_filter(property="amount", op="between", value=[1, 2, 3])),
        D,
        S1,
        "(1, 2, 3)",
    ),
    case(
        "definition-between-scalar",
        lambda: load(with_filter(property="amount", op="between", value=5)),
        D,
        S1,
        "got 5",
    ),
    case(
        "definition-between-reversed",
        lambda: load(with_filter(property="amount", op="between", value=[10, 1])),
        D,
        S1,
        "low <= high",
        "(10, 1)",
    ),
    case(
        "definition-between-mixed-types",
        lambda: load(with_filter(property="amount", op="between", value=[1, "z"])),
        D,
        S1,
        "one type",
    ),
    case(
        "definition-between-booleans",
        lambda: load(with_filter(property="flag", op="between", value=[False, True])),
        D,
        S1,
        "(False, True)",
    ),
    case(
        "definition-between-null",
        lambda: load(with_filter(property="amount", op="between", value=[None, 3])),
        D,
        S1,
        "(None, 3)",
    ),
    case(
        "definition-between-via-prop-reversed",
        lambda: prop("amount").between(5, 1),
        D,
        "between",
        "low <= high",
    ),
    case(
        "definition-unknown-op",
        lambda: load(with_filter(property="country", op="like", value="U%")),
        D,
        "stage 1, step 1, filter 1, op",
        "got 'like'",
    ),
    case("definition-filter-without-property", lambda: load(with_filter(op="eq", value=1)), D, f"{S1}, property"),
    case(
        "definition-filter-empty-property",
        lambda: load(with_filter(property="", op="eq", value=1)),
        D,
        f"{S1}, property",
    ),
    case(
        "definition-filter-unknown-field",
        lambda: load(with_filter(property="country", op="eq", value="US", negate=True)),
        D,
        f"{S1}, negate: unknown field",
    ),
    case(
        "definition-value-text-for-number-column",
        lambda: load(with_filter(property="amount", op="gt", value="ten")),
        DataBindingError,
        "filter 1 (amount gt): value 'ten' does not fit column 'amount' of type float64",
    ),
    case(
        "definition-value-number-for-text-column",
        lambda: load(with_filter(property="country", op="eq", value=3)),
        DataBindingError,
        "value 3 does not fit column 'country'",
    ),
    case(
        "definition-value-text-for-boolean-column",
        lambda: load(with_filter(property="flag", op="eq", value="yes")),
        DataBindingError,
        "value 'yes' does not fit column 'flag' of type boolean",
    ),
    case(
        "definition-value-mixed-list-for-text-column",
        lambda: load(with_filter(property="country", op="in", value=["US", 1])),
        DataBindingError,
        "value 1 does not fit column 'country'",
    ),
    case(
        "definition-contains-on-number-column",
        lambda: load(with_filter(property="amount", op="contains", value="1")),
        DataBindingError,
        "'contains' needs a text column but 'amount' is float64",
    ),
    case(
        "definition-between-text-on-integer-column",
        lambda: load(with_filter(property="score", op="between", value=["a", "b"])),
        DataBindingError,
        "value 'a' does not fit column 'score' of type int64",
    ),
    # structure
    case(
        "definition-no-stages", lambda: load(doc(stages=[], exclusions=None)), D, "'Visitor to customer' has no stages"
    ),
    case("definition-no-stages-key", lambda: load(doc(stages=None, exclusions=None)), D, "has no stages"),
    case("definition-no-stages-run", lambda: Journey("Empty").run(EVENTS), D, "journey 'Empty' has no stages"),
    case(
        "definition-empty-stage",
        lambda: load(stage(1, steps=[])),
        D,
        "stage 2: stage 'Converted' has no steps: give at least one",
    ),
    case(
        "definition-stage-built-without-steps",
        lambda: Journey("J").stage("Visited"),
        D,
        "stage 'Visited' has no steps: give at least one, e.g. .stage('Visited', 'page_visited')",
    ),
    # the model's own constructors: one JourneyDefinitionError, never pydantic's ValidationError
    case(
        "definition-constructor-window-in-months",
        lambda: Journey("x", window="1 month"),
        D,
        "window: cannot read the duration '1 month'",
        "'30d'",
    ),
    case("definition-constructor-unknown-field", lambda: Journey("x", colour="red"), D, "colour: unknown field"),
    case(
        "definition-constructor-filter-unknown-op",
        lambda: Filter(property="country", op="like", value="U%"),
        D,
        "op: Input should be 'eq'",
        "got 'like'",
    ),
    case("definition-constructor-step-empty-event", lambda: Step(event=""), D, "event: String should have at least 1"),
    case(
        "definition-constructor-stage-without-steps",
        lambda: Stage(name="Visited", steps=[]),
        D,
        "stage 'Visited' has no steps",
    ),
    case(
        "definition-from-json-given-a-dict",
        lambda: Journey.from_json(BASE),
        D,
        "from_json takes JSON text, got a dict: for a dict use Journey.from_dict",
    ),
    case(
        "definition-stage-without-steps",
        lambda: load({**doc(), "stages": [{"name": "Visited"}]}),
        D,
        "stage 1, steps: Field required",
    ),
    case(
        "definition-too-many-stages",
        lambda: load(doc(stages=_many_stages(21))),
        D,
        "stages: Tuple should have at most 20 items",
    ),
    case(
        "definition-too-many-stages-builder",
        lambda: functools.reduce(lambda j, i: j.stage(f"S{i}", "page_visited"), range(21), Journey("J")),
        D,
        "stages",
        "at most 20",
    ),
    case(
        "definition-too-many-steps",
        lambda: load(stage(2, steps=[{"event": "meeting_booked"}] * 11)),
        D,
        "stage 3, steps: Tuple should have at most 10 items",
    ),
    case("definition-stage-without-name", lambda: load(stage(1, name=None)), D, "stage 2, name"),
    case("definition-stage-empty-name", lambda: load(stage(0, name="")), D, "stage 1, name", "at least 1 character"),
    case(
        "definition-step-as-text",
        lambda: load(stage(1, steps=["form_submission"])),
        D,
        "stage 2, step 1: Input should be a valid dictionary",
    ),
    case("definition-step-without-event", lambda: load(step_doc(1, 0, event=None)), D, "stage 2, step 1, event"),
    case(
        "definition-step-unknown-field",
        lambda: load(step_doc(1, 0, anonymous=True)),
        D,
        "stage 2, step 1, anonymous: unknown field",
    ),
    case("definition-stages-not-a-list", lambda: load(doc(stages="Visited")), D, "stages: Input should be a valid"),
    case("definition-unknown-top-level-field", lambda: load(doc(colour="red")), D, "colour: unknown field", "'red'"),
    case("definition-unknown-object", lambda: load(doc(object="company")), D, "object:", "got 'company'"),
    case("definition-unknown-order", lambda: load(doc(order="random")), D, "order:", "got 'random'"),
    case(
        "definition-breakdown-limit-zero",
        lambda: load(doc(breakdown={"property": "country", "limit": 0})),
        D,
        "breakdown, limit",
    ),
    case(
        "definition-breakdown-limit-too-big",
        lambda: load(doc(breakdown={"property": "country", "limit": 1001})),
        D,
        "breakdown, limit",
        "1000",
    ),
    case(
        "definition-include-anonymous-not-boolean",
        lambda: load(step_doc(0, 0, include_anonymous="maybe")),
        D,
        "stage 1, step 1, include_anonymous",
    ),
    case("definition-name-not-text", lambda: load(doc(name=5)), D, "name: Input should be a valid string"),
    case("definition-document-not-an-object", lambda: Journey.from_dict([BASE]), D, "must be a JSON object, got list"),
    # the window
    case("definition-window-zero", lambda: load(doc(window="P0D")), D, "window must be a positive duration, got P0D"),
    case("definition-window-zero-friendly", lambda: load(doc(window="0d")), D, "window", "positive"),
    case(
        "definition-window-negative-timedelta",
        lambda: Journey("J").within(dt.timedelta(days=-1)),
        D,
        "window must be a positive duration, got -P1D",
    ),
    case("definition-window-negative-iso", lambda: load(doc(window="-P1D")), D, "window", "'-P1D'"),
    case("definition-window-months", lambda: load(doc(window="P1M")), D, "'P1M'", "months and years are not exact"),
    case("definition-window-text", lambda: load(doc(window="soon")), D, "window: cannot read the duration 'soon'"),
    case("definition-window-number", lambda: load(doc(window=30)), D, "window", "got 30"),
    case("definition-window-below-a-microsecond", lambda: load(doc(window="PT0.0000001S")), D, "window", "positive"),
    case(
        "definition-window-too-long", lambda: load(doc(window="P99999999999D")), D, "window 'P99999999999D' is too long"
    ),
    # the date range
    case(
        "definition-date-range-reversed",
        lambda: load(doc(date_range={"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"})),
        D,
        "date_range: date range start 2026-02-01 00:00:00+00:00 is not before its end 2026-01-01",
    ),
    case(
        "definition-date-range-empty",
        lambda: load(doc(date_range={"start": "2026-02-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"})),
        D,
        "date_range",
        "is not before its end",
    ),
    case(
        "definition-date-range-reversed-builder",
        lambda: Journey("J").between_dates("2026-02-01", "2026-01-01"),
        D,
        "date_range",
        "2026-02-01",
    ),
    case(
        "definition-date-range-unreadable", lambda: load(doc(date_range={"start": "yesterday"})), D, "date_range, start"
    ),
    case(
        "definition-date-range-out-of-range",
        lambda: load(doc(date_range={"end": "9999-12-31T23:59:59-05:00"})),
        D,
        "date_range, end: 9999-12-31T23:59:59-05:00 is out of range in UTC",
    ),
    case(
        "definition-date-range-unknown-field",
        lambda: load(doc(date_range={"from": "2026-01-01"})),
        D,
        "date_range, from",
    ),
    # exclusions
    case(
        "definition-exclusion-beyond-last-stage",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [1, 4]}])),
        D,
        "exclusion 1: between [1, 4] names stage 4 but the journey has 3 stages",
    ),
    case(
        "definition-exclusion-reversed",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [3, 1]}])),
        D,
        "exclusion 1: between must be two stage numbers i < j",
        "got [3, 1]",
    ),
    case(
        "definition-exclusion-same-stage",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [2, 2]}])),
        D,
        "exclusion 1",
        "got [2, 2]",
    ),
    case(
        "definition-exclusion-stage-zero",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [0, 2]}])),
        D,
        "exclusion 1",
        "got [0, 2]",
    ),
    case(
        "definition-exclusion-negative",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [-1, 2]}])),
        D,
        "exclusion 1",
        "got [-1, 2]",
    ),
    case(
        "definition-exclusion-one-index",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [1]}])),
        D,
        "exclusion 1, between",
    ),
    case(
        "definition-exclusion-without-between",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported"}])),
        D,
        "exclusion 1, between: Field required",
    ),
    case(
        "definition-second-exclusion-out-of-range",
        lambda: load(
            doc(
                exclusions=[
                    {"event": "email_spam_reported", "between": [1, 2]},
                    {"event": "email_bounced", "between": [2, 9]},
                ]
            )
        ),
        D,
        "exclusion 2: between [2, 9] names stage 9",
    ),
    case(
        "definition-exclusion-reversed-builder",
        lambda: JOURNEY.exclude("email_spam_reported", between=(2, 1)),
        D,
        "between must be two stage numbers i < j",
        "got [2, 1]",
    ),
    # anonymous visitors only where the catalog allows them
    case(
        "definition-anonymous-form-submission",
        lambda: load(step_doc(1, 0, include_anonymous=True)),
        D,
        "stage 2, step 1: event 'form_submission' does not support anonymous visitors",
    ),
    case(
        "definition-anonymous-on-second-branch",
        lambda: load(step_doc(2, 1, include_anonymous=True)),
        D,
        "stage 3, step 2: event 'sequence_meeting_booked' does not support anonymous visitors",
    ),
    case(
        "definition-anonymous-in-exclusion",
        lambda: load(doc(exclusions=[{"event": "email_spam_reported", "between": [1, 3], "include_anonymous": True}])),
        D,
        "exclusion 1: event 'email_spam_reported' does not support anonymous visitors",
    ),
    case(
        "definition-anonymous-builder",
        lambda: step("meeting_booked", anonymous=True),
        D,
        "event 'meeting_booked' does not support anonymous visitors",
    ),
    # versions and JSON text
    case("definition-version-2", lambda: load(doc(version=2)), D, "unknown journey version 2"),
    case("definition-version-text", lambda: load(doc(version="1")), D, "unknown journey version '1'"),
    case("definition-version-null", lambda: load({**doc(), "version": None}), D, "unknown journey version None"),
    case("definition-version-0", lambda: load(doc(version=0)), D, "unknown journey version 0"),
    case("definition-json-truncated", lambda: Journey.from_json(json.dumps(BASE)[:-5]), D, "not valid JSON", "line 1"),
    case("definition-json-empty", lambda: Journey.from_json(""), D, "not valid JSON"),
    case(
        "definition-json-trailing-comma", lambda: Journey.from_json('{"version": 1,}'), D, "not valid JSON", "char 14"
    ),
    case("definition-json-single-quotes", lambda: Journey.from_json("{'version': 1}"), D, "not valid JSON"),
    case("definition-json-list", lambda: Journey.from_json("[1, 2]"), D, "a journey must be a JSON object, got list"),
    case("definition-json-text", lambda: Journey.from_json('"journey"'), D, "JSON object, got str"),
    case("definition-json-null", lambda: Journey.from_json("null"), D, "JSON object, got NoneType"),
    case("definition-json-not-utf8", lambda: Journey.from_json(b"\xff\xfe\x00{"), D, "not valid JSON"),
    case(
        "definition-json-deeply-nested",
        lambda: Journey.from_json("[" * 100_000 + "]" * 100_000),
        D,
        "nested too deeply",
    ),
    case(
        "definition-dict-deeply-nested",
        lambda: load(doc(stages=[functools.reduce(lambda inner, _: {"a": inner}, range(5000), {})])),
        D,
        "stage 1, a: unknown field",
    ),
    case(
        "definition-load-missing-file",
        lambda: Journey.load("/nonexistent-folder/journey.json"),
        D,
        "cannot read the journey file '/nonexistent-folder/journey.json'",
        "No such file",
    ),
    # duplicate stage names: rejected (results are keyed and charted by stage name)
    case(
        "definition-duplicate-stage-names",
        lambda: load(stage(1, name="Visited")),
        D,
        "stage 2: name 'Visited' is already used by stage 1",
    ),
    case(
        "definition-duplicate-stage-names-apart",
        lambda: load(stage(2, name="Visited")),
        D,
        "stage 3: name 'Visited' is already used by stage 1",
    ),
    case(
        "definition-duplicate-stage-names-builder",
        lambda: Journey("J").stage("Ä", "page_visited").stage("Ä", "form_submission"),
        D,
        "stage 2: name 'Ä' is already used by stage 1",
    ),
    # names longer than 200 characters
    case("definition-long-journey-name", lambda: load(doc(name="n" * 201)), D, "name: String should have at most 200"),
    case("definition-long-stage-name", lambda: load(stage(1, name="s" * 201)), D, "stage 2, name", "at most 200"),
    case("definition-long-event-id", lambda: load(step_doc(1, 0, event="e" * 201)), D, "stage 2, step 1, event", "200"),
    case(
        "definition-long-property-name",
        lambda: load(with_filter(property="p" * 201, op="is_known")),
        D,
        f"{S1}, property",
        "at most 200",
    ),
    case(
        "definition-long-breakdown-property",
        lambda: load(doc(breakdown={"property": "b" * 201})),
        D,
        "breakdown, property",
        "at most 200",
    ),
    case(
        "definition-long-unicode-stage-name",
        lambda: Journey("J").stage("ø" * 201, "page_visited"),
        D,
        "name",
        "at most 200",
    ),
    case(
        "definition-long-custom-event-registration",
        lambda: Catalog.default().register_event("e" * 201),
        CatalogError,
        "at most 200 characters",
    ),
]


@pytest.mark.parametrize(("action", "error", "needles"), DEFINITION_CASES)
def test_definition_errors(action, error, needles):
    _assert_raises(action, error, needles)


def test_one_problem_is_reported_once():
    """A failing step is not echoed as "the stage has no steps" (pydantic reports both)."""
    with pytest.raises(JourneyDefinitionError) as info:
        load(with_filter(property="amount", op="between", value=[1]))
    assert ";" not in str(info.value) and "at least 1 item" not in str(info.value)


def test_long_values_are_shortened_in_messages():
    with pytest.raises(JourneyDefinitionError) as info:
        load(with_filter(property="country", op="eq", value=["x" * 10_000] * 1_000))
    assert len(str(info.value)) < 500 and "stage 1, step 1, filter 1" in str(info.value)


# ---------------------------------------------------------------------------------------- positive definition cases
UNICODE_NAMES = [
    "Käufer → Kunde",
    "顧客への道",
    "عميل",  # right-to-left
    "Besøkt 🚀",
    "e\u0301te\u0301",  # combining accents
    "tab\there",
    "x" * 200,
    "ø" * 200,
]


@pytest.mark.parametrize("name", UNICODE_NAMES, ids=[f"unicode-{i}" for i in range(len(UNICODE_NAMES))])
def test_unicode_and_200_character_names_round_trip(name, tmp_path):
    journey = (
        Journey(name)
        .stage(name, step("page_visited", anonymous=True, country=[name, "US"]))
        .stage("2·" + name[::-1][:198], "form_submission")
        .breakdown_by("country")
    )
    assert Journey.from_json(journey.to_json()) == journey
    assert Journey.from_dict(json.loads(json.dumps(journey.to_dict(), ensure_ascii=True))) == journey
    journey.save(tmp_path / "j.json")
    assert Journey.load(tmp_path / "j.json") == journey
    assert json.loads((tmp_path / "j.json").read_text(encoding="utf-8"))["name"] == name


def test_unicode_names_and_values_run_on_data():
    events = _events(
        event_type=pd.Series(["seite_besucht_✓", "form_submission"] + ["x"] * 4, dtype="string"),
        country=pd.Series(["Ørland", "Ørland", None, None, None, None], dtype="string"),
    ).rename(columns={"amount": "beløp"})
    journey = (
        Journey("Kundereise 🚀")
        .stage("Besøkt", step("seite_besucht_✓", country="Ørland"))
        .stage("Konvertert", step("form_submission", prop("beløp").is_unknown()))
    )
    funnel = journey.run(events).funnel()
    assert funnel.stage.tolist() == ["Besøkt", "Konvertert"] and funnel.actors.tolist() == [1, 1]


def test_case_differing_stage_names_are_distinct():
    journey = Journey("J").stage("Visited", "page_visited").stage("visited", "form_submission")
    assert [s.name for s in journey.stages] == ["Visited", "visited"]


# ---------------------------------------------------------------------------------------- data-*
B = DataBindingError

DATA_CASES = [
    case(
        "data-missing-event-type-column",
        lambda: run(_events(event_type=None)),
        B,
        "the events table has no column 'event_type' for the role 'event_type'",
        "'occurred_at'",
    ),
    case(
        "data-missing-occurred-at-column",
        lambda: run(_events(occurred_at=None)),
        B,
        "no column 'occurred_at' for the role 'occurred_at'",
    ),
    case(
        "data-missing-mapped-contact-column",
        lambda: run(EVENTS, schema=EventSchema(contact_id="person")),
        B,
        "no column 'person' for the role 'contact_id'",
    ),
    case(
        "data-missing-mapped-event-column",
        lambda: run(EVENTS, schema=EventSchema(event_type="kind")),
        B,
        "no column 'kind' for the role 'event_type'",
    ),
    case(
        "data-no-actor-columns",
        lambda: run(_events(contact_id=None, visitor_id=None)),
        B,
        "a contact journey needs a contact_id or a visitor_id column",
    ),
    case(
        "data-deal-journey-without-deal-column",
        lambda: run(_events(deal_id=None), Journey("D").stage("Won", "deal_stage_changed").for_deals()),
        B,
        "a deal journey needs a deal_id column",
    ),
    case("data-reserved-column-name", lambda: run(_events(_jw_t=1)), B, "reserved", "'_jw_t'"),
    case(
        "data-text-timestamps",
        lambda: run(_events(occurred_at=["2026-01-01 10:00"] * 6)),
        B,
        "column 'occurred_at' (occurred_at) has type string, expected timestamp",
        "as_timestamp",
    ),
    case(
        "data-integer-timestamps",
        lambda: run(_events(occurred_at=range(6))),
        B,
        "column 'occurred_at' (occurred_at) has type int64, expected timestamp; if these are epoch seconds",
        "pd.to_datetime(df['occurred_at'], unit='s', utc=True)",
    ),
    case(
        "data-date-timestamps",
        lambda: run(_events(occurred_at=[dt.date(2026, 1, d) for d in range(1, 7)])),
        B,
        "column 'occurred_at' (occurred_at) has type date, expected timestamp",
        "pd.to_datetime(df['occurred_at'], utc=True)",
    ),
    case(
        "data-schema-dict-with-an-unknown-role",
        lambda: run(EVENTS, schema={"person": "contact_id"}),
        B,
        "schema: unknown roles ['person']",
        "contact_id",
    ),
    case("data-schema-not-a-mapping", lambda: run(EVENTS, schema="contact_id"), B, "schema must be an EventSchema"),
    case(
        "data-renamed-timestamp-as-text",
        lambda: run(_events(occurred_at=None, ts=["2026-01-01"] * 6), schema=EventSchema(occurred_at="ts")),
        B,
        "column 'ts' (occurred_at) has type string",
    ),
    case(
        "data-integer-event-types",
        lambda: run(_events(event_type=range(6))),
        B,
        "column 'event_type' (event_type) has type int64, expected string",
    ),
    case(
        "data-float-contact-ids",
        lambda: run(_events(contact_id=[1.5] * 6)),
        B,
        "events column 'contact_id' (contact_id) holds ids that are not whole numbers below 2**53 (e.g. 1.5)",
        "astype('string')",
    ),
    case(
        "data-float-contact-ids-beyond-exact-floats",
        lambda: run(_events(contact_id=[2.0**60] * 6)),
        B,
        "'contact_id' (contact_id) holds ids that are not whole numbers below 2**53",
    ),
    case(
        "data-float-identity-contact-ids",
        lambda: run(EVENTS, identity=IDENTITY.assign(contact_id=[3.25])),
        B,
        "identity column 'contact_id' (contact_id) holds ids that are not whole numbers",
        "3.25",
    ),
    case(
        "data-contact-ids-mixing-text-and-numbers",
        lambda: run(_events(contact_id=pd.Series([1, "c2", 3, "4", None, None], dtype=object))),
        B,
        "column 'contact_id' (contact_id)",
        "mixes value types",
    ),
    case(
        "data-visitor-ids-mixing-text-and-numbers",
        lambda: run(_events(visitor_id=pd.Series(["v1", 2, "v3", 4.5, None, None], dtype=object))),
        B,
        "column 'visitor_id' (visitor_id)",
        "mixes value types",
    ),
    case(
        "data-boolean-visitor-ids",
        lambda: run(_events(visitor_id=[True] * 6)),
        B,
        "column 'visitor_id' (visitor_id) has type boolean",
    ),
    case(
        "data-empty-untyped-table",
        lambda: run(pd.DataFrame(columns=["event_type", "occurred_at", "contact_id"])),
        B,
        "column 'event_type' (event_type) has type",
        "expected string",
    ),
    case(
        "data-identity-missing-visitor-column",
        lambda: run(EVENTS, identity=IDENTITY.rename(columns={"visitor_id": "cookie"})),
        B,
        "the identity table has no column 'visitor_id'",
        "'cookie'",
    ),
    case(
        "data-identity-missing-contact-column",
        lambda: run(EVENTS, identity=IDENTITY.drop(columns="contact_id")),
        B,
        "the identity table has no column 'contact_id'",
    ),
    case(
        "data-identity-without-events-visitor-column",
        lambda: run(_events(visitor_id=None), identity=IDENTITY),
        B,
        "an identity table needs a visitor_id column in the events table",
    ),
    case(
        "data-identity-contact-type-mismatch",
        lambda: run(EVENTS, identity=IDENTITY.assign(contact_id=["c3"])),
        B,
        "identity column 'contact_id' has type string but the events' 'contact_id' has type int64",
    ),
    case(
        "data-identity-ids-mixing-text-and-numbers",
        lambda: run(EVENTS, identity=pd.DataFrame({"visitor_id": ["v3", "v4"], "contact_id": [3, "c4"]})),
        B,
        "identity column 'contact_id'",
    ),
    case(
        "data-events-not-a-table",
        lambda: run({"event_type": "page_visited"}),
        B,
        "cannot use a dict as the events table",
    ),
    case(
        "data-events-none",
        lambda: run(None),
        B,
        "NoneType",
    ),
    case("data-identity-not-a-table", lambda: run(EVENTS, identity=42), B, "cannot use a int as the identity table"),
    case(
        "data-events-file-missing",
        lambda: run("/nonexistent-folder/events.parquet"),
        B,
        "the events file '/nonexistent-folder/events.parquet' does not exist",
    ),
    case(
        "data-events-file-unknown-suffix",
        lambda: run(__file__),
        B,
        "cannot read the events file",
        "use .parquet or .csv",
    ),
    case(
        "data-identity-file-missing",
        lambda: run(EVENTS, identity="/nonexistent-folder/identity.csv"),
        B,
        "the identity file '/nonexistent-folder/identity.csv' does not exist",
    ),
    case(
        "data-filter-integer-out-of-range",
        lambda: run(EVENTS, Journey("J").stage("A", step("page_visited", prop("score") > 10**30))),
        B,
        "score",
        "1000000000000000000000000000000",
    ),
    case(
        "data-filter-unreadable-timestamp",
        lambda: run(EVENTS, Journey("J").stage("A", step("page_visited", prop("seen_at") > "not a date"))),
        B,
        "seen_at",
        "'not a date'",
    ),
]


@pytest.mark.parametrize(("action", "error", "needles"), DATA_CASES)
def test_data_errors(action, error, needles):
    _assert_raises(action, error, needles)


# ---------------------------------------------------------------------------------------- warning-*
def _journey_warnings(action: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [str(w.message) for w in caught if issubclass(w.category, JourneyWarning)]


def _without_exclusions() -> dict[str, Any]:
    return doc(exclusions=None)


def _without_second_branch() -> dict[str, Any]:
    data = doc()
    del data["stages"][2]["steps"][1]
    return data


@pytest.mark.parametrize(
    ("document", "needles", "same_as"),
    [
        pytest.param(
            step_doc(0, 0, event="page_visitd"),
            ["stage 1 ('Visited'), step 1 (page_visitd): unknown event type 'page_visitd'", "'page_visited'"],
            None,
            id="warning-unknown-event",
        ),
        pytest.param(
            step_doc(2, 1, event="sequence_meting_booked"),
            ["stage 3 ('Met'), step 2 (sequence_meting_booked)", "did you mean 'sequence_meeting_booked'"],
            _without_second_branch(),
            id="warning-unknown-event-second-branch",
        ),
        pytest.param(
            doc(exclusions=[{"event": "spam_reported", "between": [1, 3]}]),
            ["exclusion 1 (spam_reported): unknown event type 'spam_reported'", "'email_spam_reported'"],
            _without_exclusions(),
            id="warning-unknown-event-in-exclusion",
        ),
    ],
)
def test_unknown_event_types_warn_once_and_match_nothing(document, needles, same_as):
    found = _journey_warnings(lambda: load(document))
    assert len(found) == 1 and all(n in found[0] for n in needles), found
    assert "in neither the step catalog nor the events data" in found[0]
    actors = run(EVENTS, Journey.from_dict(document)).actors.tolist()
    assert actors == ([] if same_as is None else run(EVENTS, Journey.from_dict(same_as)).actors.tolist())
    assert same_as is None or actors[0] > 0


def test_custom_event_absent_from_an_empty_table_warns():
    journey = Journey("J").stage("A", "webinar_joined")
    found = _journey_warnings(lambda: run(EVENTS.iloc[:0], journey))
    assert found == [
        "stage 1 ('A'), step 1 (webinar_joined): unknown event type 'webinar_joined': in neither the step catalog "
        "nor the events data, so it matches no event"
    ]
    assert run(EVENTS.iloc[:0], journey).actors.tolist() == [0]


def test_sql_for_a_table_declared_without_data_warns_against_the_catalog_only():
    warehouse = ibis.table(ibis.memtable(EVENTS).schema(), name="web_events")
    journey = Journey("J").stage("A", "page_visited").stage("B", "webinar_joined")
    found = _journey_warnings(lambda: journey.to_sql("snowflake", events=warehouse))
    assert found == ["stage 2 ('B'), step 1 (webinar_joined): unknown event type 'webinar_joined': not in the step "
                     "catalog (the data was not read)"]  # fmt: skip


def test_the_warning_points_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(EVENTS, Journey("J").stage("A", "page_visited").stage("B", "page_visitd"))
    (warning,) = [w for w in caught if w.category is UnknownEventWarning]
    assert warning.filename == __file__


# ---------------------------------------------------------------------------------------- usage-*
@functools.cache
def _result():
    return JOURNEY.run(EVENTS)


USAGE_CASES = [
    case(
        "usage-to-sql-unknown-table",
        lambda: _result().to_sql(table="nonsense"),
        ArgumentError,
        "table must be one of 'funnel', 'branches', 'paths', got 'nonsense'",
    ),
    case(
        "usage-to-sql-unknown-dialect",
        lambda: _result().to_sql("oracle9"),
        ArgumentError,
        "unknown SQL dialect 'oracle9'",
        "'bigquery'",
    ),
    case(
        "usage-journey-to-sql-unknown-dialect",
        lambda: JOURNEY.to_sql("nonsense", events=EVENTS),
        ArgumentError,
        "unknown SQL dialect 'nonsense'",
    ),
    case("usage-trend-by-year", lambda: _result().trend("year"), ArgumentError, "period must be 'day', 'week' or"),
    case("usage-histogram-no-bins", lambda: _result().time_histogram(0), ArgumentError, "bins must be", "got 0"),
    case("usage-actors-stage-out-of-range", lambda: _result().actors(9), ArgumentError, "stage 9 is out of range"),
    case("usage-actors-unknown-stage-name", lambda: _result().actors("Won"), ArgumentError, "no stage named 'Won'"),
    case("usage-sample-of-no-events", lambda: sample_events(0), ArgumentError, "at least 1, got 0"),
    case(
        "usage-save-chart-unknown-suffix",
        lambda: save_chart(alt.Chart(), "chart.pdf"),
        ArgumentError,
        "cannot save a chart as '.pdf'",
    ),
]


@pytest.mark.parametrize(("action", "error", "needles"), USAGE_CASES)
def test_usage_errors(action, error, needles):
    _assert_raises(action, error, needles)


def test_naive_times_are_read_as_utc_with_one_warning():
    naive = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_localize(None))
    found = _journey_warnings(lambda: run(naive))
    assert found == [
        "events column 'occurred_at' has no time zone: its times are read as UTC (if they are local times, give "
        "them their zone first, e.g. df['occurred_at'].dt.tz_localize('Europe/Oslo'))"
    ]
    assert _journey_warnings(lambda: run(EVENTS)) == []  # aware times: nothing to say


def test_schema_as_a_plain_dict_maps_columns():
    renamed = EVENTS.rename(columns={"contact_id": "person"})
    assert _paths(renamed.assign(contact_id=renamed.person).drop(columns="person")) == _paths(EVENTS)
    assert run(renamed, schema={"contact_id": "person"}).actors.tolist() == run(EVENTS).actors.tolist()


# ---------------------------------------------------------------------------------------- accepted data
def _paths(events: Any, identity: Any = None, journey: Journey = JOURNEY) -> list[tuple]:
    paths = journey.run(events, identity=identity).paths()
    return sorted(
        (row.actor_id, row.is_anonymous, row.depth, row.reached_at_1, row.reached_at_2)
        for row in paths.itertuples(index=False)
    )


def test_null_timestamps_are_ignored():
    with_nulls = pd.concat([EVENTS, EVENTS.assign(occurred_at=pd.NaT, contact_id=pd.array([7] * 6, dtype="Int64"))])
    assert _paths(with_nulls) == _paths(EVENTS)


def test_events_with_no_actor_are_ignored():
    orphans = EVENTS.assign(
        contact_id=pd.array([None] * 6, dtype="Int64"), visitor_id=pd.Series([None] * 6, dtype="string")
    )
    assert _paths(pd.concat([EVENTS, orphans])) == _paths(EVENTS)


def test_duplicate_rows_count_their_actor_once():
    doubled = pd.concat([EVENTS, EVENTS, EVENTS.iloc[:2]])
    assert _paths(doubled) == _paths(EVENTS)
    assert run(doubled).actors.tolist() == run(EVENTS).actors.tolist() == [3, 1]


def test_naive_timestamps_are_utc():
    naive = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_localize(None))
    assert _paths(naive) == _paths(EVENTS)


def test_other_time_zones_are_compared_in_utc():
    oslo = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_convert("Europe/Oslo"))
    assert _paths(oslo) == _paths(EVENTS)


def test_naive_events_with_an_aware_identity_map_and_back():
    naive = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_localize(None))
    naive_identity = IDENTITY.assign(identified_at=IDENTITY.identified_at.dt.tz_localize(None))
    expected = _paths(EVENTS, IDENTITY)
    assert ("3", False, 1) in [p[:3] for p in expected]  # visitor v3 is stitched to contact 3
    assert _paths(naive, IDENTITY) == _paths(EVENTS, naive_identity) == expected


def test_naive_and_aware_values_in_one_column_are_utc():
    mixed = EVENTS.assign(
        occurred_at=pd.Series(
            [t.tz_localize(None) if i % 2 else t for i, t in enumerate(EVENTS.occurred_at)], dtype=object
        )
    )
    assert _paths(mixed) == _paths(EVENTS)


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param([1.0, 1.0, 1.0, 2.0, None, None], id="float64-with-nan"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="Float64"), id="pandas-Float64"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="int64[pyarrow]"), id="arrow-int64"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="double[pyarrow]"), id="arrow-double"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="Int32"), id="pandas-Int32"),
    ],
)
def test_whole_number_ids_of_any_dtype_are_integers(ids):
    assert _paths(_events(contact_id=ids), IDENTITY) == _paths(EVENTS, IDENTITY)
    float_identity = IDENTITY.assign(contact_id=[3.0])
    assert _paths(_events(contact_id=ids), float_identity) == _paths(EVENTS, IDENTITY)


def test_arrow_backed_strings_and_times_are_accepted():
    arrow = EVENTS.assign(
        event_type=EVENTS.event_type.astype("string[pyarrow]"),
        visitor_id=EVENTS.visitor_id.astype(pd.ArrowDtype(pa.string())),
        occurred_at=EVENTS.occurred_at.astype(pd.ArrowDtype(pa.timestamp("us", tz="UTC"))),
    )
    assert _paths(arrow) == _paths(EVENTS)


def test_sample_parquet_read_with_pandas_runs_like_the_file(tmp_path):
    """pd.read_parquet turns the nullable int64 contact_id into float64 (issue 14)."""
    paths = write_sample(tmp_path, 3_000, seed=3)
    events, identity = pd.read_parquet(paths.events), pd.read_parquet(paths.identity)
    assert events.contact_id.dtype == "float64"
    journey = Journey("J").stage("Visited", step("page_visited", anonymous=True)).stage("Converted", "form_submission")
    from_pandas = journey.run(events, identity=identity).funnel()
    from_file = journey.run(str(paths.events), identity=str(paths.identity)).funnel()
    pd.testing.assert_frame_equal(from_pandas, from_file)
    assert from_pandas.actors.iloc[0] > 0


def test_empty_table_gives_an_empty_funnel():
    funnel = run(EVENTS.iloc[:0])
    assert funnel.stage.tolist() == ["Visited", "Converted"] and funnel.actors.tolist() == [0, 0]


def test_custom_event_present_in_the_data_is_accepted():
    assert run(EVENTS, Journey("J").stage("Clicked", step("cta_clicked"))).actors.tolist() == [0]
    events = _events(event_type=pd.Series(["webinar_joined"] * 6, dtype="string"))
    assert run(events, Journey("J").stage("Joined", "webinar_joined")).actors.tolist() == [2]


@pytest.mark.parametrize(
    ("identified_at", "expected"),
    [
        (["2026-01-02", "2026-01-01"], "6"),  # the first identified wins, whatever the row order
        (["2026-01-01", "2026-01-02"], "5"),
        ([None, "2026-01-02"], "6"),  # an unknown time comes last
        (["2026-01-01", "2026-01-01"], "5"),  # same instant: the smaller contact id
        (None, "5"),  # no identified_at column: the smaller contact id
    ],
    ids=["later-row-first", "earlier-row-first", "null-time-last", "tie-smaller-id", "no-time-column"],
)
def test_visitor_mapped_to_two_contacts_first_identified_wins(identified_at, expected):
    identity = pd.DataFrame(
        {"visitor_id": pd.Series(["v9", "v9"], dtype="string"), "contact_id": pd.array([5, 6], dtype="Int64")}
    )
    if identified_at is not None:
        identity["identified_at"] = _utc(*identified_at)
    events = _events().assign(
        visitor_id=pd.Series(["v9"] * 6, dtype="string"), contact_id=pd.array([None] * 6, dtype="Int64")
    )
    paths = JOURNEY.run(events, identity=identity).paths()
    assert paths.actor_id.tolist() == [expected] and not paths.is_anonymous.any()


# ---------------------------------------------------------------------------------------- cli-*
@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    good = {"version": 1, "name": "J", "stages": [{"name": "A", "steps": [{"event": "page_visited"}]}]}
    texts = {
        "good.json": json.dumps(good),
        "malformed.json": json.dumps(good)[:-3],
        "empty.json": "",
        "list.json": "[1, 2]",
        "v2.json": json.dumps({**good, "version": 2}),
        "nostages.json": json.dumps({**good, "stages": []}),
        "badfilter.json": json.dumps(with_filter(property="country", op="between", value=[1])),
        "colour.json": json.dumps(with_filter(property="colour", op="eq", value="red") | {"breakdown": None}),
        "typo.json": json.dumps({**good, "stages": [{"name": "A", "steps": [{"event": "page_visitd"}]}]}),
        "anonymous.json": json.dumps(step_doc(1, 0, include_anonymous=True)),
        "duplicate.json": json.dumps(stage(1, name="Visited")),
        "events.csv": "event_type,occurred_at,contact_id,visitor_id\npage_visited,2026-01-01 10:00:00,1,v1\n",
        "nocolumn.csv": "event_type,contact_id\npage_visited,1\n",
        "textdates.csv": "event_type,occurred_at,contact_id\npage_visited,yesterday,1\n",
        "empty.csv": "",
        "identity.csv": "cookie,contact_id\nv1,1\n",
        "events.txt": "not a table\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "latin1.json").write_bytes('{"name": "Kundereise ø"}'.encode("latin-1"))
    (folder / "corrupt.parquet").write_bytes(b"PAR1 this is not parquet")
    (folder / "adir.json").mkdir()
    return folder


CLI_CASES = [
    (
        "cli-run-journey-missing",
        ["run", "{d}/missing.json", "--events", "{d}/events.csv"],
        ["'{d}/missing.json'", "No such file"],
    ),
    (
        "cli-run-journey-is-a-folder",
        ["run", "{d}/adir.json", "--events", "{d}/events.csv"],
        ["'{d}/adir.json'", "Is a directory"],
    ),
    ("cli-run-journey-malformed", ["run", "{d}/malformed.json", "--events", "{d}/events.csv"], ["not valid JSON"]),
    ("cli-run-journey-empty", ["run", "{d}/empty.json", "--events", "{d}/events.csv"], ["not valid JSON"]),
    (
        "cli-run-journey-not-utf8",
        ["run", "{d}/latin1.json", "--events", "{d}/events.csv"],
        ["'{d}/latin1.json'", "UTF-8"],
    ),
    (
        "cli-run-journey-not-an-object",
        ["run", "{d}/list.json", "--events", "{d}/events.csv"],
        ["JSON object, got list"],
    ),
    ("cli-run-journey-version-2", ["run", "{d}/v2.json", "--events", "{d}/events.csv"], ["unknown journey version 2"]),
    ("cli-run-journey-no-stages", ["run", "{d}/nostages.json", "--events", "{d}/events.csv"], ["has no stages"]),
    ("cli-run-journey-bad-filter", ["run", "{d}/badfilter.json", "--events", "{d}/events.csv"], [S1, "two values"]),
    (
        "cli-run-unknown-property",
        ["run", "{d}/colour.json", "--events", "{d}/events.csv"],
        ["unknown property 'colour'"],
    ),
    (
        "cli-run-events-missing",
        ["run", "{d}/good.json", "--events", "{d}/nope.parquet"],
        ["'{d}/nope.parquet' does not exist"],
    ),
    ("cli-run-events-unknown-suffix", ["run", "{d}/good.json", "--events", "{d}/events.txt"], ["use .parquet or .csv"]),
    (
        "cli-run-events-corrupt-parquet",
        ["run", "{d}/good.json", "--events", "{d}/corrupt.parquet"],
        ["corrupt.parquet"],
    ),
    (
        "cli-run-events-missing-column",
        ["run", "{d}/good.json", "--events", "{d}/nocolumn.csv"],
        ["no column 'occurred_at'"],
    ),
    (
        "cli-run-events-text-timestamps",
        ["run", "{d}/good.json", "--events", "{d}/textdates.csv"],
        ["has type string, expected timestamp"],
    ),
    ("cli-run-events-empty-file", ["run", "{d}/good.json", "--events", "{d}/empty.csv"], ["no column 'event_type'"]),
    (
        "cli-run-identity-missing",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--identity", "{d}/nope.csv"],
        ["the identity file '{d}/nope.csv' does not exist"],
    ),
    (
        "cli-run-identity-wrong-columns",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--identity", "{d}/identity.csv"],
        ["the identity table has no column 'visitor_id'", "'cookie'"],
    ),
    (
        "cli-run-format-conflicts-with-output",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--format", "json", "--output", "{d}/funnel.csv"],
        ["--format json conflicts with --output '{d}/funnel.csv'", "'{d}/funnel.json'"],
    ),
    (
        "cli-run-output-bad-suffix",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--output", "{d}/funnel.xlsx"],
        ["--output must end in one of", "funnel.xlsx"],
    ),
    (
        "cli-validate-unknown-property-against-data",
        ["validate", "{d}/colour.json", "--events", "{d}/events.csv"],
        ["unknown property 'colour'"],
    ),
    ("cli-validate-missing", ["validate", "{d}/missing.json"], ["cannot read the journey file '{d}/missing.json'"]),
    ("cli-validate-malformed", ["validate", "{d}/malformed.json"], ["not valid JSON"]),
    ("cli-validate-not-utf8", ["validate", "{d}/latin1.json"], ["not UTF-8"]),
    ("cli-validate-anonymous", ["validate", "{d}/anonymous.json"], ["stage 2, step 1: event 'form_submission'"]),
    ("cli-validate-duplicate-stages", ["validate", "{d}/duplicate.json"], ["stage 2: name 'Visited' is already used"]),
    (
        "cli-sample-zero-events",
        ["sample", "--events", "0", "--out", "{d}/sample"],
        ["--events must be at least 1, got 0"],
    ),
]


def _format(args: list[str], folder: Path) -> list[str]:
    return [a.replace("{d}", str(folder)) for a in args]


@pytest.mark.parametrize(("args", "needles"), [pytest.param(a, n, id=i) for i, a, n in CLI_CASES])
def test_cli_errors_are_one_line(args, needles, files, capsys):
    code = main(_format(args, files))
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("journey-widgets: error: "), err
    assert "Traceback" not in err
    for needle in _format(needles, files):
        assert needle in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(
            ["run", "{d}/good.json", "--events", "{d}/events.csv", "--backend", "oracle"],
            "invalid choice: 'oracle'",
            id="cli-run-unknown-backend",
        ),
        pytest.param(
            ["run", "{d}/good.json"], "the following arguments are required: --events", id="cli-run-without-events"
        ),
        pytest.param(["frobnicate"], "invalid choice: 'frobnicate'", id="cli-unknown-command"),
    ],
)
def test_cli_usage_errors_end_with_one_error_line(args, needle, files, capsys):
    with pytest.raises(SystemExit) as info:
        main(_format(args, files))
    err = capsys.readouterr().err
    assert info.value.code == 2 and "Traceback" not in err
    assert needle in err.strip().splitlines()[-1] and "error:" in err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(
            ["run", "{d}/malformed.json", "--events", "{d}/events.csv"],
            "not valid JSON",
            id="cli-process-malformed-journey",
        ),
        pytest.param(
            ["run", "{d}/good.json", "--events", "{d}/corrupt.parquet"],
            "corrupt.parquet",
            id="cli-process-corrupt-events",
        ),
        pytest.param(["validate", "{d}/latin1.json"], "not UTF-8", id="cli-process-not-utf8"),
    ],
)
def test_cli_process_exits_non_zero_with_one_line(args, needle, files):
    done = subprocess.run(
        [sys.executable, "-m", "journey_widgets.cli", *_format(args, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and needle in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        pytest.param(
            ["run", "{d}/typo.json", "--events", "{d}/events.csv"],
            "stage 1 ('A'), step 1 (page_visitd): unknown event type 'page_visitd': in neither the step catalog "
            "nor the events data, so it matches no event (did you mean 'page_visited'?)",
            id="cli-run-unknown-event-warns",
        ),
        pytest.param(
            ["validate", "{d}/typo.json", "--events", "{d}/events.csv"],
            "unknown event type 'page_visitd': in neither the step catalog nor the events data",
            id="cli-validate-unknown-event-against-data-warns",
        ),
        pytest.param(
            ["validate", "{d}/typo.json"],
            "stage 1 ('A'), step 1 (page_visitd): unknown event type 'page_visitd': not in the step catalog "
            "(did you mean 'page_visited'?)",
            id="cli-validate-unknown-event-against-catalog-warns",
        ),
        pytest.param(
            ["validate", "{d}/colour.json"],
            "filter 1 (colour eq): property 'colour' is not in the step catalog",
            id="cli-validate-unknown-property-against-catalog-warns",
        ),
    ],
)
def test_cli_warnings_are_one_line_each_and_the_command_succeeds(args, warning, files, capsys):
    code = main(_format(args, files))
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.startswith("journey-widgets: warning: ")]
    assert code == 0 and out, err
    assert len([line for line in lines if warning in line]) == 1, err


def test_cli_validate_prints_a_good_unicode_journey(tmp_path, capsys):
    path = tmp_path / "ø.json"
    Journey("Kundereise 🚀").stage("Besøkt", "page_visited").save(path)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert Journey.from_json(out) == Journey.load(path) and "valid (1 stages)" in err


# ---------------------------------------------------------------------------------------- widget-*
SMALL = (
    Journey("Small")
    .stage("Visited", step("page_visited", anonymous=True))
    .stage("Converted", "form_submission")
    .stage("Met", "meeting_booked")
)


@pytest.fixture
def builder() -> JourneyBuilder:
    built = JourneyBuilder(EVENTS, SMALL)
    built.wait()
    assert built.editor.status == "idle" and len(built.editor.funnel) == 3, built.editor.message
    return built


def small(**changes: Any) -> dict[str, Any]:
    data = SMALL.to_dict()
    data.update(changes)
    return data


def small_step(stage_index: int, **changes: Any) -> dict[str, Any]:
    data = small()
    data["stages"][stage_index]["steps"][0].update(changes)
    return data


WIDGET_CASES = [
    (
        "widget-unknown-property",
        small_step(0, filters=[{"property": "colour", "op": "eq", "value": "red"}]),
        ["stages", 0, "steps", 0, "filters", 0],
        "The data has no property colour",
    ),
    (
        "widget-value-does-not-fit-column",
        small_step(0, filters=[{"property": "country", "op": "eq", "value": 3}]),
        ["stages", 0, "steps", 0, "filters", 0],
        "3 does not fit country, which holds text",
    ),
    (
        "widget-between-one-value",
        small_step(0, filters=[{"property": "amount", "op": "between", "value": [1]}]),
        ["stages", 0, "steps", 0, "filters", 0],
        "Type two values: low, high",
    ),
    (
        "widget-anonymous-not-allowed",
        small_step(1, include_anonymous=True),
        ["stages", 1, "steps", 0],
        "event 'form_submission' does not support anonymous visitors",
    ),
    (
        "widget-empty-stage",
        small(stages=[{"name": "A", "steps": []}]),
        ["stages", 0, "steps"],
        "Incomplete: pick a step",
    ),
    ("widget-no-stages", small(stages=[]), [], "has no stages"),
    ("widget-too-many-stages", small(stages=_many_stages(21)), ["stages"], "At most 20 are allowed"),
    (
        "widget-too-many-steps",
        small(stages=[{"name": "A", "steps": [{"event": "page_visited"}] * 11}]),
        ["stages", 0, "steps"],
        "At most 10 are allowed",
    ),
    ("widget-window-months", small(window="P1M"), ["window"], "Type a number above 0"),
    ("widget-window-zero", small(window="PT0S"), ["window"], "Type a number above 0"),
    ("widget-window-too-long", small(window="P99999999999D"), ["window"], "The window is at most 100,000 years"),
    (
        "widget-date-range-reversed",
        small(date_range={"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}),
        ["date_range"],
        "“To” must be after “From”",
    ),
    (
        "widget-date-range-out-of-range",
        small(date_range={"start": "0001-01-01T00:00:00+01:00"}),
        ["date_range", "start"],
        "This date is out of range",
    ),
    (
        "widget-exclusion-out-of-range",
        small(exclusions=[{"event": "email_spam_reported", "between": [1, 5]}]),
        ["exclusions", 0],
        "There is no stage 5: the journey has 3 stages",
    ),
    ("widget-unknown-version", small(version=2), ["version"], "Input should be 1"),
    ("widget-unknown-field", small(colour="red"), ["colour"], "unknown field (value 'red')"),
    (
        "widget-duplicate-stage-names",
        small(stages=[*SMALL.to_dict()["stages"][:2], {"name": "Visited", "steps": [{"event": "meeting_booked"}]}]),
        ["stages", 2, "name"],
        "Stage 1 already has this name",
    ),
    ("widget-long-name", small(name="n" * 201), ["name"], "at most 200 characters"),
    ("widget-stages-not-a-list", small(stages="Visited"), ["stages"], "valid tuple"),
    (
        "widget-step-not-an-object",
        small(stages=[{"name": "A", "steps": ["page_visited"]}]),
        ["stages", 0, "steps", 0],
        "valid dictionary",
    ),
    (
        "widget-filter-unknown-op",
        small_step(0, filters=[{"property": "country", "op": "like", "value": "U%"}]),
        ["stages", 0, "steps", 0, "filters", 0, "op"],
        "'between'",
    ),
]


@pytest.fixture(scope="module")
def invalid_builder() -> JourneyBuilder:
    """One builder for the invalid-edit cases: none of them may change its last valid journey or results."""
    built = JourneyBuilder(EVENTS, SMALL)
    built.wait()
    return built


def _assert_kept(builder: JourneyBuilder) -> None:
    assert builder.last_valid_journey == SMALL
    assert builder.result.journey == SMALL and [row["actors"] for row in builder.editor.funnel] == [3, 1, 1]
    assert builder.editor.status == "invalid" and builder.editor.message == ""


@pytest.mark.parametrize(
    ("document", "loc", "needle"), [pytest.param(d, where, n, id=i) for i, d, where, n in WIDGET_CASES]
)
def test_widget_invalid_documents_are_explained(invalid_builder, document, loc, needle):
    builder = invalid_builder
    builder.editor.journey = document  # what a save_changes() from the browser does
    builder.wait()
    errors = builder.editor.errors
    assert len(errors) == 1, errors  # one problem, one message (no echoes)
    assert errors[0]["loc"] == loc and needle in errors[0]["message"], errors
    json.dumps(errors)  # the trait syncs to the browser
    assert builder.editor.journey == document  # the draft being edited is never lost
    _assert_kept(builder)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([SMALL.to_dict()], id="widget-journey-is-a-list"),
        pytest.param("{}", id="widget-journey-is-text"),
        pytest.param(None, id="widget-journey-is-null"),
        pytest.param(42, id="widget-journey-is-a-number"),
    ],
)
def test_widget_non_object_from_the_browser_is_explained(invalid_builder, document):
    builder = invalid_builder
    draft = builder.editor.journey
    builder.editor.set_state({"journey": document, "status": "idle"})  # the browser's update message
    assert builder.editor.errors[0]["message"] == f"the journey must be a JSON object, got {type(document).__name__}"
    assert builder.editor.journey == draft
    _assert_kept(builder)


def test_widget_unknown_event_is_a_warning_beside_the_step_and_the_journey_runs(builder):
    builder.editor.journey = small_step(2, event="meeting_bookd")
    builder.wait()
    assert builder.editor.errors == [] and builder.editor.status == "idle"
    (warning,) = builder.editor.warnings
    assert warning["loc"] == ["stages", 2, "steps", 0]
    assert "unknown event type 'meeting_bookd'" in warning["message"] and "'meeting_booked'" in warning["message"]
    assert [row["actors"] for row in builder.editor.funnel] == [3, 1, 0]
    builder.editor.journey = SMALL.to_dict()
    builder.wait()
    assert builder.editor.warnings == [] and [row["actors"] for row in builder.editor.funnel] == [3, 1, 1]


def _broken_events() -> ibis.Table:
    """Events whose ``score`` column fails on the backend as soon as a query reads it."""
    raw = _events(score=None).assign(score_text=["1.5", "2", "3", "4", "oops", "6"])
    table = ibis.memtable(raw)
    return table.mutate(score=table.score_text.cast("float64")).drop("score_text")


def test_widget_backend_error_mid_query_is_one_line():
    builder = JourneyBuilder(_broken_events(), SMALL)
    builder.wait()
    assert builder.editor.status == "idle"  # the broken column is not read yet
    before = list(builder.editor.funnel)
    broken = small_step(0, filters=[{"property": "score", "op": "gt", "value": 1}])
    builder.editor.journey = broken
    builder.wait()
    assert builder.editor.status == "error" and builder.editor.errors == []
    assert builder.editor.message.startswith("ConversionException: ") and "'oops'" in builder.editor.message
    assert "\n" not in builder.editor.message
    assert builder.editor.funnel == before and builder.editor.journey == broken
    builder.editor.journey = SMALL.to_dict() | {"name": "Again"}  # the next good edit recovers
    builder.wait()
    assert builder.editor.status == "idle" and builder.editor.message == "" and builder.result.journey.name == "Again"


def test_widget_suggestions_on_a_broken_column_answer_with_the_error(monkeypatch):
    builder = JourneyBuilder(_broken_events(), SMALL)
    sent: list = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    builder._on_message(builder.editor, {"type": "suggest", "id": 4, "property": "score"}, [])
    assert sent[0]["id"] == 4 and sent[0]["values"] == []
    assert sent[0]["error"].startswith("ConversionException: ") and "'oops'" in sent[0]["error"]


def test_widget_failing_data_check_is_one_line(builder, monkeypatch):
    def lost(*args, **kwargs):
        raise ConnectionError("server closed the connection\nretry later")

    monkeypatch.setattr(widget_module, "check_journey_against_data", lost)
    builder.editor.journey = small(name="Offline")
    assert (
        builder.editor.status == "error" and builder.editor.message == "ConnectionError: server closed the connection"
    )
    assert builder.journey.name == "Offline" and builder.result.journey == SMALL


def test_widget_rapid_edits_end_with_the_last_one(builder, monkeypatch):
    started = time.perf_counter()
    for hours in range(1, 101):
        builder.editor.journey = small(window=f"PT{hours}H", name=f"edit {hours}")
    assert time.perf_counter() - started < 1.0  # a hundred edits within a second
    builder.wait()
    assert builder.result.journey.name == "edit 100" and builder.result.journey.window == dt.timedelta(hours=100)
    assert builder.editor.errors == [] and builder.editor.status == "idle"
    assert builder.chart.chart.to_dict()["title"]["text"] == "edit 100"


def test_widget_rapid_edits_ending_invalid_keep_the_last_valid(builder, monkeypatch):
    for index in range(1, 101):
        document = small(name=f"edit {index}")
        if index % 3 == 0:  # every third edit is broken: the last one (99) is valid, 100 is not
            document = small(name=f"edit {index}", window="P1M")
        builder.editor.journey = document if index != 100 else small_step(1, include_anonymous=True)
    builder.wait()
    assert builder.result.journey.name == "edit 98" and builder.last_valid_journey.name == "edit 98"
    assert builder.editor.errors[0]["loc"] == ["stages", 1, "steps", 0]
    assert "'form_submission' does not support anonymous visitors" in builder.editor.errors[0]["message"]
    assert builder.editor.status == "invalid"


def test_widget_edits_from_several_threads_never_raise(builder):
    failures: list[BaseException] = []

    def edit(worker: int) -> None:
        try:
            for index in range(20):
                builder.editor.journey = small(name=f"w{worker}-{index}")
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=edit, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    builder.wait()
    assert failures == [] and builder.editor.status == "idle"
    assert builder.result.journey.name == builder.editor.journey["name"]


# ---------------------------------------------------------------------------------------- fuzzing
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


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _load_or_journey_error(data: Any) -> None:
    for draft in (False, True):
        try:
            journey = Journey.from_dict(data, draft=draft)
        except JourneyError:
            continue
        assert Journey.from_json(journey.to_json(), draft=draft) == journey  # what loads, round-trips


@FUZZ
@given(JSON_VALUES)
def test_fuzz_arbitrary_json_documents(data):
    _load_or_journey_error(data)
    with contextlib.suppress(JourneyError):
        Journey.from_json(json.dumps(data))


@FUZZ
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_fuzz_arbitrary_json_text(text):
    with contextlib.suppress(JourneyError):
        Journey.from_json(text)


@FUZZ
@given(mutated_journeys())
def test_fuzz_mutated_journeys(data):
    _load_or_journey_error(data)


@pytest.fixture(scope="module")
def fuzz_builder() -> JourneyBuilder:
    built = JourneyBuilder(EVENTS, SMALL)
    built.wait()
    built.editor.send = lambda *args, **kwargs: None  # no browser attached
    return built


@FUZZ
@given(mutated_journeys() | JSON_VALUES)
def test_fuzz_widget_documents_never_raise(fuzz_builder, data):
    if isinstance(data, dict):
        fuzz_builder.editor.journey = data  # a Python-side or browser-side edit
    else:
        fuzz_builder.editor.set_state({"journey": data})
    json.dumps(fuzz_builder.editor.errors, allow_nan=True)
    assert isinstance(fuzz_builder.last_valid_journey, Journey)
    if fuzz_builder.editor.errors:  # the journey in the editor is refused with a clear error, never a stale one
        with pytest.raises(JourneyDefinitionError, match="not valid yet"):
            fuzz_builder.journey  # noqa: B018
    else:
        assert isinstance(fuzz_builder.journey, Journey)


def test_fuzz_widget_settles_after_the_storm(fuzz_builder):
    settled = SMALL.to_dict() | {"window": "P29D"}  # an edit (the same document again would not be one)
    fuzz_builder.editor.journey = settled
    fuzz_builder.wait()
    assert fuzz_builder.editor.status == "idle" and fuzz_builder.result.journey == Journey.from_dict(settled)


PROPERTIES = st.sampled_from(["country", "amount", "score", "flag", "seen_at", "contact_id", "nope", ""])


@FUZZ
@given(
    JSON_VALUES
    | st.fixed_dictionaries(
        {"type": st.just("suggest"), "id": JSON_SCALARS, "property": PROPERTIES | JSON_VALUES, "search": JSON_VALUES}
    )
)
def test_fuzz_message_handler_never_raises(fuzz_builder, content):
    sent: list = []
    fuzz_builder.editor.send = sent.append
    fuzz_builder._on_message(fuzz_builder.editor, content, [])
    for reply in sent:
        assert reply["type"] == "suggestions" and isinstance(reply["values"], list)
        json.dumps(reply, allow_nan=True)


def test_widget_suggestions_while_computing_share_the_connection(monkeypatch):
    """Suggestions (kernel thread) during a computation (worker thread): both answer, neither fails."""
    events, _ = sample_events(20_000, seed=5)
    builder = JourneyBuilder(events, SMALL)
    builder.wait()
    sent: list = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    statuses: list[str] = []
    builder.editor.observe(lambda change: statuses.append(change["new"]), names="status")
    for index in range(2):
        builder.editor.journey = small(name=f"edit {index}", window=f"P{index + 1}D")
        while not builder._settled.wait(0.01):  # ask for suggestions while the journey computes
            builder._on_message(builder.editor, {"type": "suggest", "id": index, "property": "country"}, [])
    assert {reply["id"] for reply in sent} == {0, 1}
    assert [reply["error"] for reply in sent if "error" in reply] == []
    assert "error" not in statuses and builder.result.journey.name == "edit 1"
