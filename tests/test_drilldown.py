"""The drill-down replies (kernel side of the builder's drill-down): actors, CSV, next events, explanations."""

from __future__ import annotations

from cases import ABC, at, ev, events_frame

from journey_widgets import Journey
from journey_widgets.drilldown import reply

V, F = "page_visited", "form_submission"


def test_drilldown_lists_actors_and_explains_one():
    events = events_frame([ev(V, 0, 1), ev(V, 0, 2), ev("email_opened", 5, 2), ev(V, 0, 3), ev(F, 5, 3)])
    result = Journey.from_dict(ABC).run(events, as_of=at(1000))
    listed = reply(result, {"type": "drilldown", "id": 1, "stage": 2, "dropped": True, "limit": 1})
    assert listed["id"] == 1 and listed["total"] == 2 and len(listed["actors"]) == 1
    assert listed["csv"].splitlines()[0].startswith("actor_id,is_anonymous,depth,in_progress")
    assert listed["next_events"] == [
        {"next_event": "email_opened", "actors": 1},
        {"next_event": "(no further event)", "actors": 1},
    ]
    first = listed["actors"][0]
    explained = reply(result, {"type": "explain", "id": 2, "actor_id": first["actor_id"], "anonymous": False})
    assert explained["type"] == "explanation" and "deepest path reaches stage 1" in explained["text"]
    assert explained["events"][0]["matches"] == "stage 1 'S1' (step 1)"


def test_drilldown_errors_are_one_line():
    result = Journey.from_dict(ABC).run(events_frame([ev(V, 0, 1)]))
    assert reply(result, {"type": "drilldown", "id": 3, "stage": 9})["error"].startswith(
        "ArgumentError: stage 9 is out of range"
    )
    assert reply(None, {"type": "explain", "id": 4})["error"] == "no result yet: the journey has not run"
