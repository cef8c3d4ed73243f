"""The drill-down replies (kernel side of the builder's drill-down): actors, CSV, next events, events between,
explanations, segments."""

from __future__ import annotations

import io

import pandas as pd
from backends import load
from cases import ABC, F, V, at, ev, events_frame

from journey_widgets import Journey
from journey_widgets.builder.drilldown import reply


def run(rows: list[dict], connection=None, **settings):
    events = events_frame(rows) if connection is None else load(connection, "events", events_frame(rows))
    return Journey.from_dict(ABC | settings).run(events, as_of=at(1000))


def test_drilldown_lists_actors_and_what_the_dropped_did_next(connection):
    rows = [ev(V, 0, 1), ev(V, 0, 2), ev("email_opened", 5, 2), ev(V, 0, 3), ev(F, 5, 3)]
    result = run(rows, connection)
    listed = reply(result, {"type": "drilldown", "id": 1, "stage": 2, "group": "dropped_off", "limit": 1})
    assert listed["id"] == 1 and listed["total"] == 2 and len(listed["actors"]) == 1
    assert listed["name"] == "S2" and listed["group"] == "dropped_off"
    assert listed["actors"] == [{"actor_id": "1", "is_anonymous": False, "depth": 1, "in_progress": False}]
    assert listed["next_events"] == [
        {"next_event": "email_opened", "actors": 1},
        {"next_event": "(no further event)", "actors": 1},
    ]
    assert "csv" not in listed and "events_between" not in listed  # the CSV is a request of its own


def test_reached_drilldown_shows_the_events_between_the_stages(connection):
    rows = [ev(V, 0, 1), ev("email_opened", 2, 1), ev(F, 5, 1), ev(V, 0, 2), ev(F, 5, 2), ev(V, 0, 3)]
    result = run(rows, connection)
    listed = reply(result, {"type": "drilldown", "id": 2, "stage": 2, "group": "reached"})
    assert listed["total"] == 2 and [a["actor_id"] for a in listed["actors"]] == ["1", "2"]
    assert listed["events_between"] == [{"event": "email_opened", "actors": 1}]
    assert "next_events" not in listed
    first = reply(result, {"type": "drilldown", "id": 3, "stage": 1})
    assert first["total"] == 3 and "events_between" not in first  # nothing comes before stage 1


def test_csv_holds_every_actor_of_the_drilldown():
    result = run([ev(V, 0, c) for c in range(1, 6)] + [ev(F, 5, 1)])
    answer = reply(result, {"type": "csv", "id": 4, "stage": 2, "group": "dropped_off"})
    assert (answer["type"], answer["id"]) == ("csv", 4)
    table = pd.read_csv(io.StringIO(answer["csv"]))
    assert list(table.columns[:4]) == ["actor_id", "is_anonymous", "depth", "in_progress"]
    assert sorted(table.actor_id) == [2, 3, 4, 5] and "reached_at_1" in table


def test_an_actor_is_explained():
    result = run([ev(V, 0, 1), ev(V, 0, 2), ev(F, 5, 2)])
    explained = reply(result, {"type": "explain", "id": 5, "actor_id": "1", "anonymous": False})
    assert explained["type"] == "explanation" and explained["actor_id"] == "1"
    assert "deepest path reaches stage 1" in explained["text"]
    assert explained["events"][0]["matches"] == "stage 1 'S1' (step 1)"
    assert isinstance(explained["events"][0]["time"], str)


def test_any_order_has_no_events_around_the_step_and_explains_actors():
    result = run([ev(V, 0, 1), ev(F, 5, 2), ev(V, 0, 2)], order="any")
    listed = reply(result, {"type": "drilldown", "id": 6, "stage": 2, "group": "dropped_off"})
    assert listed["total"] == 1 and "error" not in listed
    assert "next_events" not in listed and "events_between" not in listed
    reached = reply(result, {"type": "drilldown", "id": 7, "stage": 2, "group": "reached"})
    assert reached["total"] == 1 and "events_between" not in reached
    explained = reply(result, {"type": "explain", "id": 8, "actor_id": "2", "anonymous": False})
    assert "error" not in explained and explained["events"]


def test_a_segment_lists_only_its_actors():
    rows = [ev(V, 0, 1, country="US"), ev(V, 0, 2, country="DE"), ev(V, 0, 3), ev(F, 5, 3)]
    result = run(rows, breakdown={"property": "country"})
    us = reply(result, {"type": "drilldown", "id": 7, "stage": 1, "group": "reached", "segment": "US"})
    unknown = reply(result, {"type": "drilldown", "id": 8, "stage": 1, "group": "reached", "segment": None})
    assert [a["actor_id"] for a in us["actors"]] == ["1"] and us["segment"] == "US"
    assert [a["actor_id"] for a in unknown["actors"]] == ["3"] and unknown["segment"] is None
    everyone = reply(result, {"type": "csv", "id": 9, "stage": 1})
    assert everyone["csv"].count("\n") == 4  # the header and three actors: no segment, no filter


def test_each_number_lists_exactly_its_actors_and_in_progress_is_a_drilldown_of_its_own(connection):
    # the data ends at minute 1000: windows (60 minutes) from minute 0 are closed, those from minute 990 open
    rows = [ev(V, 0, c) for c in (1, 2, 3)] + [ev(F, 5, 1)] + [ev(V, 990, c) for c in (4, 5)]
    result = run(rows, connection)
    funnel = result.funnel().set_index("stage_index")
    (dropped_off, in_progress) = funnel.loc[2, ["dropped_off", "in_progress"]]
    assert (dropped_off, in_progress) == (2, 2)
    for group, number, ids in (("dropped_off", dropped_off, ["2", "3"]), ("in_progress", in_progress, ["4", "5"])):
        listed = reply(result, {"type": "drilldown", "id": 1, "stage": 2, "group": group})
        assert (listed["group"], listed["total"]) == (group, number)
        assert [a["actor_id"] for a in listed["actors"]] == ids
        assert all(a["in_progress"] == (group == "in_progress") for a in listed["actors"])
        csv = pd.read_csv(io.StringIO(reply(result, {"type": "csv", "id": 2, "stage": 2, "group": group})["csv"]))
        assert len(csv) == number
    assert "next_events" not in reply(result, {"type": "drilldown", "id": 3, "stage": 2, "group": "in_progress"})


def test_actor_ids_are_listed_in_numeric_order_contacts_first():
    rows = [ev(V, 0, c) for c in (100018, 10021, 9, 200)] + [ev(V, 0, visitor="v2"), ev(V, 0, visitor="v10")]
    journey = ABC | {"stages": [{"name": "S1", "steps": [{"event": V, "include_anonymous": True}]}, *ABC["stages"][1:]]}
    result = Journey.from_dict(journey).run(events_frame(rows), as_of=at(1000))
    listed = reply(result, {"type": "drilldown", "id": 1, "stage": 1})
    assert [a["actor_id"] for a in listed["actors"]] == ["9", "200", "10021", "100018", "v10", "v2"]
    csv = pd.read_csv(io.StringIO(reply(result, {"type": "csv", "id": 2, "stage": 1})["csv"]), dtype=str)
    assert csv.actor_id.tolist() == ["9", "200", "10021", "100018", "v10", "v2"]


def test_drilldown_errors_are_one_line():
    result = Journey.from_dict(ABC).run(events_frame([ev(V, 0, 1)]))
    assert reply(result, {"type": "drilldown", "id": 3, "stage": 9})["error"].startswith(
        "ArgumentError: stage 9 is out of range"
    )
    assert reply(result, {"type": "csv", "id": 4, "stage": 1, "segment": "US"})["error"].startswith(
        "ArgumentError: the journey has no breakdown"
    )
    assert reply(None, {"type": "explain", "id": 5})["error"] == "no result yet: the journey has not run"
    unknown = reply(result, {"type": "drilldown", "id": 6, "group": "dropped"})
    assert "unknown drill-down group 'dropped'" in unknown["error"]
