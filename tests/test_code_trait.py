"""The builder's ``python`` trait follows its journey: the code rebuilds it, and is empty while it is invalid."""

from __future__ import annotations

from cases import ev, events_frame

from journey_widgets import Journey, JourneyBuilder
from journey_widgets.code_trait import code_of

EVENTS = events_frame([ev("page_visited", 0, 1), ev("form_submission", 10, 1)])


def _run(code: str) -> Journey:
    namespace: dict = {}
    exec(code, namespace)
    return namespace["journey"]


def test_the_trait_is_the_code_of_the_journey_in_the_editor():
    builder = JourneyBuilder(EVENTS, Journey("Mine").stage("Visited", "page_visited"))
    assert _run(builder.editor.python) == builder.journey
    edited = builder.journey.stage("Converted", "form_submission")
    builder.editor.journey = edited.to_dict()
    assert _run(builder.editor.python) == edited


def test_the_trait_is_empty_while_the_journey_is_invalid():
    builder = JourneyBuilder(EVENTS)
    builder.editor.journey = {"version": 1, "name": "x", "stages": [{"name": "A", "steps": []}]}
    assert builder.editor.python == ""


def test_code_of_refuses_what_is_not_a_journey():
    assert code_of([1, 2]) == "" and code_of({"version": 2}) == ""
