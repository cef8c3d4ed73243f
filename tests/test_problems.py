"""The editor's words for problems (builder/problems.py): at the control they belong to, no Python in them, drafts
marked incomplete, worded from each problem's code and details, never from a message."""

from __future__ import annotations

import copy
from typing import get_args

import pandas as pd
import pytest

from journey_widgets.binding import DataCode, bind_events, check_journey_against_data
from journey_widgets.builder.problems import _CODED, _INCOMPLETE, NOT_IN_EDITOR, editor_errors
from journey_widgets.errors import DataBindingError, DefinitionCode, JourneyDefinitionError
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


def _optional(index, **changes):
    """Stage ``index`` (0-based) optional, with top-level ``changes``."""
    return lambda d: d.update(copy.deepcopy(changes)) or d["stages"][index].update(optional=True)


THREE = [*BASE["stages"], {"name": "C", "steps": [{"event": "meeting_booked"}]}]


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
    "a held property with no name": (
        lambda d: d.update(hold_constant=[" "]),
        ["hold_constant"],
        "Property 1 has no name",
    ),
    "too many stages": (
        lambda d: d.update(stages=[{"name": f"S{i}", "steps": [{"event": "page_visited"}]} for i in range(21)]),
        ["stages"],
        "At most 20 are allowed",
    ),
    "window not a text": (lambda d: d.update(window=5), ["window"], "Type a number above 0"),
    "window of 0": (lambda d: d.update(window="PT0S"), ["window"], "Type a number above 0"),
    "date range backwards": (
        lambda d: d.update(date_range={"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}),
        ["date_range"],
        "“To” must be after “From”",
    ),
    "a date out of range in UTC": (
        lambda d: d.update(date_range={"start": "0001-01-01T00:00:00+01:00"}),
        ["date_range", "start"],
        "This date is out of range",
    ),
    "a text date": (
        lambda d: d.update(date_range={"end": "soon"}),
        ["date_range", "end"],
        "Not a date: use a 4-digit year (YYYY-MM-DD)",
    ),
    "a list for a date": (
        lambda d: d.update(date_range={"end": []}),
        ["date_range", "end"],
        "Not a date: use a 4-digit year (YYYY-MM-DD)",
    ),
    "exclusion past the last stage": (
        lambda d: d.update(exclusions=[{"event": "email_spam_reported", "between": [1, 5]}]),
        ["exclusions", 0],
        "There is no stage 5: the journey has 2 stages",
    ),
    "a stage for first-touch attribution": (
        lambda d: d.update(breakdown={"property": "country", "stage": 2}),
        ["breakdown"],
        "Stage 2 is chosen only for attribution to a stage",
    ),
    "anonymous visitors on a form submission": (
        lambda d: d["stages"][1]["steps"][0].update(include_anonymous=True),
        ["stages", 1, "steps", 0],
        "event 'form_submission' does not support anonymous visitors: only tracked events such as page_visited do",
    ),
    "a NUL in a stage name": (
        lambda d: d["stages"][0].update(name="A\x00"),
        ["stages", 0, "name"],
        "Remove the NUL character: databases cannot hold it in text",
    ),
    "no stages": (lambda d: d.update(stages=[]), [], "The journey has no stages: add one"),
    "optional first stage": (_optional(0), ["stages", 0, "optional"], "The first stage cannot be optional"),
    "optional last stage": (_optional(1), ["stages", 1, "optional"], "The last stage cannot be optional"),
    "optional stage in strict order": (
        _optional(1, stages=THREE, order="strict"),
        ["stages", 1, "optional"],
        "A journey in strict order has no optional stages: choose “in order”",
    ),
    "optional stage in any order": (
        _optional(1, stages=THREE, order="any"),
        ["stages", 1, "optional"],
        "A journey in any order has no optional stages: choose “in order”",
    ),
    "exclusion naming an optional stage": (
        _optional(1, stages=THREE, exclusions=[{"event": "email_spam_reported", "between": [2, 3]}]),
        ["exclusions", 0],
        "Stage 2 is optional: an exclusion is between stages that are not",
    ),
    "compare with no date range": (
        lambda d: d.update(compare="previous_period"),
        ["compare"],
        "Give the date range a start and an end to compare with the period before",
    ),
    "compare with an open date range": (
        lambda d: d.update(compare="previous_period", date_range={"start": "2026-01-01T00:00:00Z"}),
        ["compare"],
        "Give the date range a start and an end to compare with the period before",
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


def test_every_code_has_words():
    """Each code of the model, of a filter's value and of the data check is worded, or marks a draft part, or cannot
    reach the editor (reading JSON text or a file)."""
    codes = set(get_args(ValueCode)) | set(get_args(DataCode)) | set(get_args(DefinitionCode))
    assert codes == set(_CODED) | set(_INCOMPLETE) | NOT_IN_EDITOR
    assert not set(_CODED) & set(_INCOMPLETE) and not NOT_IN_EDITOR & (set(_CODED) | set(_INCOMPLETE))


@pytest.mark.parametrize(
    ("error", "loc", "message"),
    [
        (
            JourneyDefinitionError("–", code="stage_name_repeated", details={"stage": 3, "name": "A", "other": 1}),
            ["stages", 2, "name"],
            "Stage 1 already has this name",
        ),
        (
            JourneyDefinitionError("–", code="optional_first_stage", details={"stage": 1, "name": "A"}),
            ["stages", 0, "optional"],
            "The first stage cannot be optional",
        ),
        (
            JourneyDefinitionError("–", code="window_too_long", details={"window": "P1D", "max_years": 7}),
            [],
            "The window is at most 7 years",
        ),
        (
            DataBindingError("–", location=("breakdown",), code="unknown_property", details={"property": "x"}),
            ["breakdown"],
            "The data has no property x",
        ),
        (
            JourneyDefinitionError(
                "–", location=("hold_constant",), code="property_repeated", details={"names": ["a", "b"]}
            ),
            ["hold_constant"],
            "a, b are listed twice",
        ),
        (JourneyDefinitionError("as the model says", code="not_json"), [], "as the model says"),
    ],
    ids=["relocated", "optional", "window", "data", "two names", "not worded"],
)
def test_words_come_from_the_code_not_the_message(error, loc, message):
    """The message ("–") says nothing: the editor's words and place come from the code and details alone."""
    [problem] = editor_errors(error)
    assert (problem["loc"], problem["message"]) == (loc, message)


def test_a_name_holding_braces_is_worded_as_it_is():
    """pydantic fills a message template from its context: the model's messages are not templates of the user's
    names."""
    document = copy.deepcopy(BASE)
    document["stages"] = [{"name": "{other}", "steps": [{"event": "page_visited"}]}] * 2
    with pytest.raises(ValueError) as info:
        Journey.model_validate(document)
    assert "name '{other}' is already used by stage 1" in str(info.value)
    [problem] = editor_errors(info.value)
    assert (problem["loc"], problem["message"]) == (["stages", 1, "name"], "Stage 1 already has this name")
