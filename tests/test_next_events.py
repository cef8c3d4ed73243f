"""What actors did next (docs/semantics.md#beyond-the-funnel): after dropping off, and between stages for the others."""

from __future__ import annotations

import pytest
from backends import load
from cases import ABC, at, ev, events_frame
from compare import assert_tables_equal
from generators import as_of_times, events_frames, journeys
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_events_between, reference_next_events

from journey_widgets import Journey
from journey_widgets.errors import ArgumentError

V, F, M = "page_visited", "form_submission", "meeting_booked"
AS_OF = at(1000)  # every window (60 minutes) has closed


def _rows(table, label):
    return [(r.stage_index, getattr(r, label), r.actors) for r in table.itertuples(index=False)]


def test_next_events_by_hand(connection):
    events = events_frame(
        [
            *[ev(V, 0, 1), ev(F, 10, 1), ev("email_opened", 20, 1), ev("cta_clicked", 20, 1)],  # tie: smallest type
            *[ev(V, 0, 2), ev(F, 10, 2), ev("email_opened", 100, 2)],  # after the window: no further event
            *[ev(V, 0, 3), ev(F, 5, 3), ev("email_opened", 10, 3), ev("email_opened", 12, 3), ev(V, 20, 3)],
            ev(M, 30, 3),
            *[ev(V, 0, 4), ev(F, 5, 4), ev(M, 10, 4)],
            *[ev(V, 0, 5), ev("email_opened", 0, 5), ev("sms_sent", 61, 5)],  # same instant is not after
            *[ev(V, 0, 6), ev("form_viewed", 30, 6)],
            *[ev(V, 0, 7), ev(V, 60, 7)],  # at t1 + window exactly: within
        ]
    )
    result = Journey.from_dict(ABC).run(load(connection, "events", events), as_of=AS_OF)
    assert _rows(result.next_events(2), "next_event") == [
        (2, "form_viewed", 1),
        (2, "page_visited", 1),
        (2, "(no further event)", 1),
    ]
    assert _rows(result.next_events("S3"), "next_event") == [(3, "cta_clicked", 1), (3, "(no further event)", 1)]
    assert _rows(result.events_between(3), "event") == [(3, "email_opened", 1), (3, "page_visited", 1)]
    assert result.events_between(2).empty


def test_next_events_keep_ten_and_merge_the_rest():
    rows = [e for i in range(1, 13) for e in (ev(V, 0, i), ev(f"custom_{i:02d}", 10, i))]
    rows += [ev(V, 0, 13), ev("custom_01", 10, 13)]
    table = Journey.from_dict(ABC).run(events_frame(rows), as_of=AS_OF).next_events(2)
    assert table.next_event.tolist() == [f"custom_{i:02d}" for i in range(1, 11)] + ["(other events)"]
    assert table.actors.tolist() == [2] + [1] * 9 + [2]


def test_open_windows_are_not_counted():
    events = events_frame([ev(V, 0, 1), ev("form_viewed", 30, 1)])
    assert Journey.from_dict(ABC).run(events).next_events(2).empty  # the data ends at 30: still open


def test_next_events_need_an_ordered_journey_and_a_stage_after_the_first():
    with pytest.raises(ArgumentError, match="needs an ordered journey"):
        Journey.from_dict(ABC | {"order": "any"}).run(events_frame([ev(V, 0, 1)])).next_events(2)
    with pytest.raises(ArgumentError, match="stage 1 has no stage before it"):
        Journey.from_dict(ABC).run(events_frame([ev(V, 0, 1)])).next_events(1)


def test_next_events_equal_reference(connection):
    examples = {"duckdb": 20, "pyspark": 1}.get(connection.name, 3)

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=events_frames(), journey=journeys(), as_of=as_of_times(), stage=st.integers(2, 4))
    def next_events_equal_reference(data, journey, as_of, stage):
        journey = journey | {"order": "ordered" if journey.get("order") == "any" else journey.get("order", "ordered")}
        stage = min(stage, len(journey["stages"]))
        if stage < 2:
            return
        events, identity = data
        result = Journey.from_dict(journey).run(
            load(connection, "events", events), identity=load(connection, "identity", identity), as_of=as_of
        )
        if journey["stages"][stage - 1].get("optional"):
            with pytest.raises(ArgumentError, match=f"no one drops off at optional stage {stage}"):
                result.next_events(stage)
        else:
            expected = reference_next_events(events, journey, identity, stage, as_of)
            assert_tables_equal(result.next_events(stage), expected, "next events")
        between = reference_events_between(events, journey, identity, stage)
        assert_tables_equal(result.events_between(stage), between, "events between")

    next_events_equal_reference()
