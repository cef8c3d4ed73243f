"""The journey as code: the Python that ``journey_code`` writes rebuilds an equal journey, for every hand-worked
journey, every example file and generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from cases import CASES
from generators import journeys
from hypothesis import given, settings
from hypothesis import strategies as st

from journey_widgets import Journey, prop, step
from journey_widgets.codegen import journey_code

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.json"))


def rebuilt(journey: Journey, variable: str = "journey") -> Journey:
    """Run the generated code in a fresh namespace (its own import line included) and return the journey."""
    namespace: dict = {}
    exec(journey_code(journey, variable=variable), namespace)
    return namespace[variable]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_hand_worked_journey_round_trips_as_code(case):
    journey = Journey.from_dict(case.journey)
    again = rebuilt(journey)
    assert again == journey and again.to_json() == journey.to_json()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_file_round_trips_as_code(path):
    journey = Journey.load(path)
    assert rebuilt(journey) == journey


@settings(max_examples=200, deadline=None)
@given(journeys(), st.sampled_from(["journey", "j2", "funnel"]))
def test_generated_journeys_round_trip_as_code(document, variable):
    journey = Journey.from_dict(document)
    assert rebuilt(journey, variable) == journey


def test_the_code_reads_like_the_readme():
    journey = (
        Journey("Visitor to customer", window="7d")
        .stage("Visited", step("page_visited", anonymous=True, country=["US", "DE"]))
        .stage("Converted", "form_submission")
        .stage("Won", step("deal_stage_changed", prop("amount") > 10, deal_stage="closedwon"))
        .exclude("email_spam_reported", between=(1, 3))
        .breakdown_by("country", attribution="last_touch")
    )
    assert journey_code(journey) == (
        "from journey_widgets import Journey, prop, step\n"
        "\n"
        "journey = (\n"
        '    Journey("Visitor to customer", window="P7D")\n'
        '    .stage("Visited", step("page_visited", anonymous=True, country=["US", "DE"]))\n'
        '    .stage("Converted", "form_submission")\n'
        '    .stage("Won", step("deal_stage_changed", prop("amount") > 10, deal_stage="closedwon"))\n'
        '    .exclude("email_spam_reported", between=(1, 3))\n'
        '    .breakdown_by("country", attribution="last_touch")\n'
        ")\n"
    )


def test_names_that_are_not_identifiers_and_quotes_survive():
    journey = Journey('Say "hi" it\'s me\n').stage(
        "Stage 'one'", step("page_visited", prop("the country") == "US", prop("class") == "x", prop("event") == "y")
    )
    assert rebuilt(journey) == journey


def test_a_journey_without_stages_is_still_code():
    assert journey_code(Journey("Draft"), imports=False) == 'journey = (\n    Journey("Draft")\n)\n'


def test_optional_stages_and_the_previous_period_round_trip_as_code():
    journey = (
        Journey("Compared")
        .stage("Visited", "page_visited")
        .stage("Read", step("page_visited", content_type="blog"), optional=True)
        .stage("Submitted", "form_submission", optional=True)
        .stage("Met", "meeting_booked")
        .exclude("email_spam_reported", between=(1, 4))
        .between_dates("2026-01-08", "2026-01-15")
        .compared_with_previous_period()
    )
    code = journey_code(journey, imports=False)
    assert '    .stage("Read", step("page_visited", content_type="blog"), optional=True)\n' in code
    assert '    .stage("Visited", "page_visited")\n' in code  # a required stage says nothing
    assert code.endswith(
        '    .between_dates("2026-01-08T00:00:00Z", "2026-01-15T00:00:00Z")\n    .compared_with_previous_period()\n)\n'
    )
    again = rebuilt(journey)
    assert again == journey and again.to_json() == journey.to_json()
    assert [s.optional for s in again.stages] == [False, True, True, False] and again.compare == "previous_period"


def test_without_the_options_the_code_does_not_name_them():
    code = journey_code(Journey("Plain").stage("A", "page_visited").between_dates("2026-01-08", "2026-01-15"))
    assert "optional" not in code and "compared_with" not in code
