"""The journey model: JSON round trip, friendly Python, validation messages naming the culprit."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from inputs import (
    BASE,
    EVENTS,
    FUZZ,
    JSON_VALUES,
    SPEC_EXAMPLE,
    VISIT_TO_FORM,
    assert_raises,
    case,
    doc,
    edited,
    load,
    many_stages,
    mutated_journeys,
    small_events,
    stage,
    step_doc,
    with_filter,
)

from journey_widgets import (
    CatalogError,
    DataBindingError,
    Filter,
    Journey,
    JourneyDefinitionError,
    JourneyError,
    Stage,
    Step,
    prop,
    step,
)
from journey_widgets.catalog import Catalog, default_catalog
from journey_widgets.durations import format_duration, parse_duration


def test_spec_example_round_trips_exactly(spec_example):
    journey = Journey.from_dict(spec_example)
    assert journey.to_dict() == spec_example
    assert Journey.from_json(journey.to_json()) == journey
    assert json.loads(journey.to_json()) == spec_example


def test_fluent_builder_equals_json(spec_example):
    built = (
        Journey("Visitor to customer", window="30d")
        .between_dates("2026-01-01", "2026-07-01")
        .stage("Visited", step("page_visited", anonymous=True, country=["US", "DE"]))
        .stage("Converted", "form_submission")
        .stage("Met", step("meeting_booked"), step("sequence_meeting_booked"))
        .stage("Won", step("deal_stage_changed", deal_stage="closedwon"))
        .exclude("email_spam_reported", between=(1, 4))
        .breakdown_by("country")
    )
    assert built == Journey.from_dict(spec_example)


def test_builder_returns_copies():
    base = Journey("J").stage("A", "page_visited")
    longer = base.stage("B", "form_submission")
    assert len(base.stages) == 1 and len(longer.stages) == 2


def test_file_round_trip(tmp_path, spec_example):
    journey = Journey.from_dict(spec_example)
    path = tmp_path / "journey.json"
    journey.save(path)
    assert Journey.load(path) == journey


def test_prop_builds_every_operator():
    filters = [
        prop("amount") > 5,
        prop("amount") >= 5,
        prop("amount") < 5,
        prop("amount") <= 5,
        prop("country") == "US",
        prop("country") != "US",
        prop("country").isin(["US"]),
        prop("country").not_in(["US"]),
        prop("url").contains("x"),
        prop("url").not_contains("x"),
        prop("url").startswith("https"),
        prop("amount").between(1, 2),
        prop("x").is_known(),
        prop("x").is_unknown(),
    ]
    assert [f.op for f in filters] == [
        "gt",
        "gte",
        "lt",
        "lte",
        "eq",
        "neq",
        "in",
        "not_in",
        "contains",
        "not_contains",
        "starts_with",
        "between",
        "is_known",
        "is_unknown",
    ]
    journey = Journey("All ops").stage("S", step("payment_succeeded", *filters))
    assert Journey.from_json(journey.to_json()) == journey


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P30D", timedelta(days=30)),
        ("30d", timedelta(days=30)),
        ("PT12H", timedelta(hours=12)),
        ("P1W", timedelta(days=7)),
        ("90m", timedelta(minutes=90)),
        ("PT0.5S", timedelta(seconds=0.5)),
        ("P1DT2H3M4.000005S", timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5)),
        ("12 hours", timedelta(hours=12)),
    ],
)
def test_durations_parse_and_format(text, expected):
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


def test_window_accepts_timedelta_and_writes_iso():
    journey = Journey("J", window=timedelta(hours=36)).stage("A", "page_visited")
    assert journey.to_dict()["window"] == "P1DT12H"


def test_date_range_is_utc():
    journey = Journey("J").stage("A", "page_visited").between_dates("2026-03-01T01:00:00+01:00")
    assert journey.date_range.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert journey.to_dict()["date_range"] == {"start": "2026-03-01T00:00:00Z"}


def _doc(**changes):
    return edited(SPEC_EXAMPLE, **changes)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (_doc(version=2), "unknown journey version 2"),
        (_doc(stages=[], exclusions=[]), "has no stages"),
        (_doc(window="P1M"), "cannot read the duration 'P1M'"),
        (_doc(window="PT0S"), "window must be a positive duration"),
        (_doc(order="random"), "order: Input should be 'ordered', 'strict' or 'any', got 'random'"),
        (_doc(hold_constant=["form_id", "form_id"]), "hold_constant: 'form_id' is named more than once"),
        (_doc(hold_constant=["a", "b", "c", "d"]), "hold_constant: Tuple should have at most 3 items"),
        (_doc(hold_constant=[""]), "hold_constant: property 1 has no name"),
        (_doc(breakdown={"property": "country", "attribution": "stage"}), 'attribution "stage" needs the stage number'),
        (_doc(breakdown={"property": "country", "stage": 2}), "stage 2 is given but attribution is 'first_touch'"),
        (_doc(breakdown={"property": "country", "attribution": "stage", "stage": 9}), "attribution to stage 9"),
        (_doc(breakdown={"property": "country", "attribution": "middle"}), "breakdown, attribution: Input should be"),
        (_doc(exclusions=[{"event": "email_opened", "between": [3, 9]}]), "exclusion 1: between [3, 9]"),
        (_doc(exclusions=[{"event": "email_opened", "between": [3, 2]}]), "exclusion 1"),
        (_doc(date_range={"start": "2026-07-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}), "not before its end"),
        (_doc(stages=[{"name": "A", "steps": []}]), "stage 1: stage 'A' has no steps"),
        (_doc(stages=[{"name": "A", "steps": [{"event": "page_visited"}]}] * 2), "stage 2: name 'A' is already used"),
        (
            _doc(stages=[{"name": "A", "steps": [{"event": "form_submission", "include_anonymous": True}]}]),
            "stage 1, step 1: event 'form_submission' does not support anonymous visitors",
        ),
        (
            _doc(
                stages=[
                    {
                        "name": "A",
                        "steps": [
                            {
                                "event": "page_visited",
                                "filters": [{"property": "amount", "op": "between", "value": [1]}],
                            }
                        ],
                    }
                ]
            ),
            "stage 1, step 1, filter 1: op 'between' needs two values",
        ),
        (
            _doc(
                stages=[
                    {
                        "name": "A",
                        "steps": [
                            {
                                "event": "page_visited",
                                "filters": [{"property": "country", "op": "is_known", "value": "US"}],
                            }
                        ],
                    }
                ]
            ),
            "op 'is_known' takes no value",
        ),
        (
            _doc(
                stages=[
                    {
                        "name": "A",
                        "steps": [
                            {"event": "page_visited", "filters": [{"property": "country", "op": "in", "value": []}]}
                        ],
                    }
                ]
            ),
            "needs a non-empty list",
        ),
        (
            _doc(
                stages=[
                    {
                        "name": "A",
                        "steps": [
                            {"event": "page_visited", "filters": [{"property": "country", "op": "like", "value": "x"}]}
                        ],
                    }
                ]
            ),
            "stage 1, step 1, filter 1, op",
        ),
        (
            _doc(stages=[{"name": f"S{i}", "steps": [{"event": "page_visited"}]} for i in range(21)]),
            "stages: Tuple should have at most 20 items",
        ),
        (
            _doc(stages=[{"name": "A", "steps": [{"event": "page_visited"}] * 11}]),
            "stage 1, steps: Tuple should have at most 10 items",
        ),
        (_doc(colour="red"), "colour: unknown field"),
    ],
)
def test_invalid_definitions_name_the_culprit(doc, message):
    with pytest.raises(JourneyDefinitionError) as error:
        Journey.from_dict(doc)
    assert message in str(error.value)


def test_malformed_json_is_a_definition_error():
    with pytest.raises(JourneyDefinitionError, match="not valid JSON"):
        Journey.from_json("{not json")


def test_builder_errors_name_the_problem():
    with pytest.raises(JourneyDefinitionError, match="does not support anonymous visitors"):
        step("meeting_booked", anonymous=True)
    with pytest.raises(JourneyDefinitionError, match="needs low <= high"):
        prop("amount").between(5, 1)


def test_draft_allows_no_stages():
    draft = Journey.from_dict({"name": "Empty", "stages": []}, draft=True)
    with pytest.raises(JourneyDefinitionError, match="has no stages"):
        draft.check_complete()


def test_json_schema_is_published():
    schema = Journey.json_schema()
    assert schema["properties"]["stages"]["maxItems"] == 20
    assert "Filter" in schema["$defs"]


def test_options_build_and_round_trip():
    """Strict order, held properties and breakdown attribution: builder, JSON round trip, defaults left out."""
    base = Journey("J").stage("A", "page_visited").stage("B", "form_submission")
    journey = base.strict().holding_constant("form_id").breakdown_by("country", attribution=2)
    assert journey.order == "strict" and journey.hold_constant == ("form_id",)
    assert (journey.breakdown.attribution, journey.breakdown.stage) == ("stage", 2)
    assert Journey.from_json(journey.to_json()) == journey
    assert journey.to_dict()["hold_constant"] == ["form_id"]
    plain = base.breakdown_by("country").to_dict()
    assert "hold_constant" not in plain and "attribution" not in plain["breakdown"]
    assert base.breakdown_by("country", attribution="last_touch").breakdown.attributed_stage() is None
    assert "strict order" in repr(journey) and "same form_id" in repr(journey)


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
        lambda: load(doc(stages=many_stages(21))),
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
        lambda: VISIT_TO_FORM.exclude("email_spam_reported", between=(2, 1)),
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
    assert_raises(action, error, needles)


# ---------------------------------------------------------------------------------------- codes of problems
OPTIONAL_2 = stage(1, optional=True)


def _coded(case_id, document, code, details, needle=""):
    return pytest.param(document, code, details, needle, id=case_id)


CODED_CASES = [
    # optional stages and compare (docs/semantics.md#optional-stages)
    _coded(
        "optional-first-stage",
        stage(0, optional=True),
        "optional_first_stage",
        {"stage": 1, "name": "Visited"},
        "stage 1 ('Visited') is optional, but it is the first stage",
    ),
    _coded(
        "optional-last-stage",
        edited(stage(2, optional=True), exclusions=None),
        "optional_last_stage",
        {"stage": 3, "name": "Met"},
        "stage 3 ('Met') is optional, but it is the last stage",
    ),
    _coded(
        "optional-stage-strict",
        edited(OPTIONAL_2, order="strict"),
        "optional_stage_out_of_order",
        {"stage": 2, "name": "Converted", "order": "strict"},
        "but a 'strict' journey has no optional stages",
    ),
    _coded(
        "optional-stage-any-order",
        edited(OPTIONAL_2, order="any"),
        "optional_stage_out_of_order",
        {"stage": 2, "name": "Converted", "order": "any"},
        "but a 'any' journey has no optional stages",
    ),
    _coded(
        "exclusion-names-optional-stage",
        edited(OPTIONAL_2, exclusions=[{"event": "email_spam_reported", "between": [1, 2]}]),
        "exclusion_names_optional_stage",
        {"exclusion": 1, "between": [1, 2], "stage": 2, "name": "Converted"},
        "exclusion 1: between [1, 2] names stage 2 ('Converted'), which is optional",
    ),
    _coded(
        "compare-without-date-range",
        doc(compare="previous_period"),
        "compare_needs_closed_range",
        {"compare": "previous_period"},
        "compare 'previous_period' needs a date range with a start and an end",
    ),
    _coded(
        "compare-with-open-date-range",
        doc(compare="previous_period", date_range={"end": "2026-01-01T00:00:00Z"}),
        "compare_needs_closed_range",
        {"compare": "previous_period"},
    ),
    # the model's own checks
    _coded("no-stages", doc(stages=[], exclusions=[]), "no_stages", {"name": "Visitor to customer"}),
    _coded(
        "stage-name-repeated",
        stage(1, name="Visited"),
        "stage_name_repeated",
        {"stage": 2, "name": "Visited", "other": 1},
    ),
    _coded("stage-without-steps", stage(0, steps=[]), "stage_without_steps", {"name": "Visited"}),
    _coded("window-unreadable", doc(window="P1M"), "duration_unreadable", {"value": "P1M"}, "cannot read the duration"),
    _coded(
        "window-too-long",
        doc(window="P1000000000D"),
        "window_too_long",
        {"window": "P1000000000D", "max_years": 100_000},
    ),
    _coded("window-zero", doc(window="PT0S"), "window_not_positive", {"window": timedelta(0)}),
    _coded("held-twice", doc(hold_constant=["form_id", "form_id"]), "property_repeated", {"names": ["form_id"]}),
    _coded(
        "exclusion-stage-missing",
        doc(exclusions=[{"event": "email_opened", "between": [1, 9]}]),
        "exclusion_stage_missing",
        {"exclusion": 1, "between": [1, 9], "stage": 9, "stages": 3},
    ),
    _coded("nul-in-a-name", doc(name="a\x00b"), "nul_character", {"text": "a\x00b"}),
    _coded("unknown-version", doc(version=2), "unknown_version", {"version": 2}),
    # a filter's value (operators.ValueCode)
    _coded(
        "filter-between-one-value",
        with_filter(property="amount", op="between", value=[1]),
        "two_values_needed",
        {"op": "between"},
    ),
    # pydantic's own error types and context
    _coded("long-name", doc(name="n" * 201), "string_too_long", {"max_length": 200}),
    _coded(
        "too-many-held",
        doc(hold_constant=["a", "b", "c", "d"]),
        "too_long",
        {"field_type": "Tuple", "max_length": 3, "actual_length": 4},
    ),
    _coded("unknown-order", doc(order="random"), "literal_error", {"expected": "'ordered', 'strict' or 'any'"}),
    _coded("stage-without-name", doc(stages=[{"steps": [{"event": "page_visited"}]}]), "missing", {}),
]


@pytest.mark.parametrize(("document", "code", "details", "needle"), CODED_CASES)
def test_problems_carry_a_code_and_details(document, code, details, needle):
    """A program tells problems apart by their code and details (the editor words them), not by their message."""
    with pytest.raises(JourneyDefinitionError) as info:
        Journey.from_dict(document)
    assert (info.value.code, info.value.details) == (code, details)
    [problem] = info.value.problems
    assert (problem["code"], problem["details"]) == (code, details)
    assert needle in str(info.value)


def test_several_problems_each_carry_their_code():
    with pytest.raises(JourneyDefinitionError) as info:
        Journey.from_dict(doc(name="", order="random"))
    assert (info.value.code, info.value.details) == ("", {})
    assert [(p["loc"], p["code"]) for p in info.value.problems] == [
        (["name"], "string_too_short"),
        (["order"], "literal_error"),
    ]


def test_reading_and_previous_period_problems_carry_a_code(tmp_path):
    for action, code in [
        (lambda: Journey.from_json("{"), "not_json"),
        (lambda: Journey.from_json({}), "not_text"),
        (lambda: Journey.from_dict([]), "not_an_object"),
        (lambda: Journey.load(tmp_path / "missing.json"), "unreadable_file"),
        (lambda: Journey.from_json("[" * 100_000 + "]" * 100_000), "too_deep"),
        (lambda: Journey("J").stage("A", "page_visited").previous_period(), "compare_needs_closed_range"),
    ]:
        with pytest.raises(JourneyDefinitionError) as info:
            action()
        assert info.value.code == code and info.value.problems[0]["code"] == code, str(info.value)


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
    events = small_events(
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


# ---------------------------------------------------------------------------------------- fuzzing


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
