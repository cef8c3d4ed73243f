"""The editor's words for problems: at the control they belong to, no Python in them, drafts marked incomplete."""

from __future__ import annotations

import copy
from typing import get_args

import pandas as pd
import pytest

from journey_widgets.binding import DataCode, bind_events, check_journey_against_data
from journey_widgets.builder.problems import _CODED, editor_errors
from journey_widgets.model import Journey
from journey_widgets.operators import ValueCode

BASE = {
    "version": 1,
    "name": "J",
    "stages": [
        {"name": "A", "steps": [{"event": "page_visited"}]},
        {"name": "B", "steps": [{"event": "form_submission"}]},
    ],
}


def _filter(**f):
    return lambda d: d["stages"][0]["steps"][0].update(filters=[f])


FILTER = ["stages", 0, "steps", 0, "filters", 0]
CASES = {
    "empty stage name": (lambda d: d["stages"][0].update(name=""), ["stages", 0, "name"], "Give this stage a name"),
    "empty journey name": (lambda d: d.update(name=""), ["name"], "Give the journey a name"),
    "window abc": (lambda d: d.update(window="abc"), ["window"], "Type a number above 0"),
    "stage with no step": (
        lambda d: d["stages"][1].update(steps=[]),
        ["stages", 1, "steps"],
        "Incomplete: pick a step",
    ),
    "exclusion backwards": (
        lambda d: d.update(exclusions=[{"event": "email_spam_reported", "between": [2, 1]}]),
        ["exclusions", 0],
        "The first stage must come before the second",
    ),
    "filter with no value yet": (_filter(property="country", op="eq"), FILTER, "Incomplete: type a value"),
    "filter with no property yet": (
        _filter(property="", op="eq"),
        [*FILTER, "property"],
        "Incomplete: choose a property",
    ),
    "between with one value": (
        _filter(property="amount", op="between", value=[5]),
        FILTER,
        "Type two values: low, high",
    ),
    "5-digit year": (
        lambda d: d.update(date_range={"start": "12024-03-01T00:00:00Z"}),
        ["date_range", "start"],
        "Not a date: use a 4-digit year (YYYY-MM-DD)",
    ),
    "duplicate stage name": (
        lambda d: d["stages"][1].update(name="A"),
        ["stages", 1, "name"],
        "Stage 1 already has this name",
    ),
    "attribution to a stage the journey lacks": (
        lambda d: d.update(breakdown={"property": "country", "attribution": "stage", "stage": 3}),
        ["breakdown", "stage"],
        "There is no stage 3: the journey has 2 stages",
    ),
    "attribution to a stage not chosen yet": (
        lambda d: d.update(breakdown={"property": "country", "attribution": "stage"}),
        ["breakdown", "stage"],
        "Incomplete: choose a stage",
    ),
    "too many held properties": (
        lambda d: d.update(hold_constant=["a", "b", "c", "d"]),
        ["hold_constant"],
        "At most 3 are allowed",
    ),
    "breakdown top of 0": (
        lambda d: d.update(breakdown={"property": "country", "limit": 0}),
        ["breakdown", "limit"],
        "Top must be a whole number from 1 to 1,000",
    ),
    "breakdown top of 2.5": (
        lambda d: d.update(breakdown={"property": "country", "limit": 2.5}),
        ["breakdown", "limit"],
        "Top must be a whole number from 1 to 1,000",
    ),
    "breakdown top of 5000": (
        lambda d: d.update(breakdown={"property": "country", "limit": 5000}),
        ["breakdown", "limit"],
        "Top must be a whole number from 1 to 1,000",
    ),
    "a 300-character stage name": (
        lambda d: d["stages"][0].update(name="x" * 300),
        ["stages", 0, "name"],
        "Stage names are at most 200 characters",
    ),
    "a 300-character journey name": (
        lambda d: d.update(name="x" * 300),
        ["name"],
        "Journey names are at most 200 characters",
    ),
    "a 300-character held property": (
        lambda d: d.update(hold_constant=["x" * 300]),
        ["hold_constant", 0],
        "Property names are at most 200 characters",
    ),
    "a 300-character filter property": (
        _filter(property="x" * 300, op="is_known"),
        [*FILTER, "property"],
        "Property names are at most 200 characters",
    ),
    "window 1e9 days": (lambda d: d.update(window="P1000000000D"), ["window"], "The window is at most 100,000 years"),
    "window past 64-bit microseconds": (
        lambda d: d.update(window="P200000000D"),
        ["window"],
        "The window is at most 100,000 years",
    ),
    "a property held twice": (
        lambda d: d.update(hold_constant=["country", "country"]),
        ["hold_constant"],
        "country is listed twice",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_problems_are_placed_and_worded_for_the_editor(case):
    edit, loc, message = CASES[case]
    document = copy.deepcopy(BASE)
    edit(document)
    with pytest.raises(ValueError) as info:
        Journey.model_validate(document).check_complete()
    [problem] = editor_errors(info.value)
    assert (problem["loc"], problem["message"]) == (loc, message)
    assert problem.get("incomplete", False) == message.startswith("Incomplete")
    python = ("Tuple", "got (", "float64", "None", "Input should", "String should", "fractional", "'P")
    assert not any(words in problem["message"] for words in python)


#: Filters the model refuses (operators.check_value) or the data check does (binding), and the editor's words.
FILTER_CASES = {
    "between with one value": ({"property": "amount", "op": "between", "value": [5]}, "Type two values: low, high"),
    "between backwards": (
        {"property": "amount", "op": "between", "value": [5, 1]},
        "The first value must not be above the second",
    ),
    "between a number and a text": (
        {"property": "amount", "op": "between", "value": [1, "a"]},
        "Type two numbers, or two texts",
    ),
    "between two booleans": (
        {"property": "amount", "op": "between", "value": [True, False]},
        "Type two numbers, or two texts",
    ),
    "an empty list": ({"property": "country", "op": "in", "value": []}, "Type one or more values, separated by commas"),
    "a list in a list": (
        {"property": "country", "op": "in", "value": [["US"]]},
        "Type one or more values, separated by commas",
    ),
    "contains nothing": ({"property": "country", "op": "contains", "value": ""}, "“contains” needs some text"),
    "is two values": ({"property": "country", "op": "eq", "value": ["US", "DE"]}, "“is” needs one number or text"),
    "is known with a value": ({"property": "country", "op": "is_known", "value": 0}, "“is known” takes no value"),
    "a text for a number column": (
        {"property": "amount", "op": "eq", "value": "abc"},
        "'abc' does not fit amount, which holds numbers",
    ),
    "contains on numbers": (
        {"property": "amount", "op": "contains", "value": "1"},
        "“contains” works on text; amount holds numbers",
    ),
    "greater than on true or false": (
        {"property": "flag", "op": "gt", "value": "a"},
        "“>” works on text, numbers or dates; flag holds true or false",
    ),
    "a column the data lacks": ({"property": "colour", "op": "eq", "value": "red"}, "The data has no property colour"),
}


@pytest.mark.parametrize("case", FILTER_CASES, ids=list(FILTER_CASES))
def test_filter_problems_are_worded_from_their_code(case):
    """The words come from the error's code and details: the same, whatever the message of the module raising it."""
    flt, message = FILTER_CASES[case]
    document = copy.deepcopy(BASE)
    _filter(**flt)(document)
    events = pd.DataFrame(
        {
            "event_type": ["page_visited"],
            "occurred_at": pd.to_datetime(["2026-01-01"], utc=True),
            "contact_id": [1],
            "country": ["US"],
            "amount": [1.5],
            "flag": [True],
        }
    )
    with pytest.raises(ValueError) as info:
        check_journey_against_data(bind_events(events), Journey.model_validate(document).check_complete())
    [problem] = editor_errors(info.value)
    assert (problem["loc"], problem["message"]) == (FILTER, message)


def test_every_code_of_a_filter_problem_has_words():
    assert set(get_args(ValueCode)) | set(get_args(DataCode)) == set(_CODED)
