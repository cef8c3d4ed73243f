"""The journey model: JSON round trip, friendly Python, validation messages naming the culprit."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from journey_widgets import Journey, JourneyDefinitionError, prop, step
from journey_widgets.durations import format_duration, parse_duration

SPEC_EXAMPLE = {
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


def test_spec_example_round_trips_exactly():
    journey = Journey.from_dict(SPEC_EXAMPLE)
    assert journey.to_dict() == SPEC_EXAMPLE
    assert Journey.from_json(journey.to_json()) == journey
    assert json.loads(journey.to_json()) == SPEC_EXAMPLE


def test_fluent_builder_equals_json():
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
    assert built == Journey.from_dict(SPEC_EXAMPLE)


def test_builder_returns_copies():
    base = Journey("J").stage("A", "page_visited")
    longer = base.stage("B", "form_submission")
    assert len(base.stages) == 1 and len(longer.stages) == 2


def test_file_round_trip(tmp_path):
    journey = Journey.from_dict(SPEC_EXAMPLE)
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
    return {**SPEC_EXAMPLE, **changes}


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
