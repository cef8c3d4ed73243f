"""Window sweep (docs/semantics.md#window-sweep): actors per stage for every window, as runs at each window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from backends import load
from cases import ABC, ev, events_frame, journey
from compare import assert_tables_equal
from generators import events_frames, journeys
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_window_sweep

from journey_widgets import Journey
from journey_widgets.errors import ArgumentError

#: Windows around the generated data's grid of instants (1, 30, 59, 60, 61 minutes, a day...).
WINDOWS = [timedelta(microseconds=1), timedelta(minutes=1), timedelta(minutes=30), timedelta(minutes=59, seconds=59)]
WINDOWS += [timedelta(minutes=60), timedelta(minutes=61), timedelta(hours=2), timedelta(days=1), timedelta(days=2)]

V, F, M = "page_visited", "form_submission", "meeting_booked"


def test_shortest_window_per_stage_by_hand(connection):
    """Actor 1: from the start at 0, stage 3 needs 100 minutes; from the later start at 30, only 70.
    Actor 2 reaches stage 2 five minutes after its start."""
    events = events_frame([ev(V, 0, 1), ev(V, 30, 1), ev(F, 40, 1), ev(M, 100, 1), ev(V, 0, 2), ev(F, 5, 2)])
    result = Journey.from_dict(ABC).run(load(connection, "events", events))
    sweep = result.window_sweep(["PT4M", "PT10M", "PT69M", "PT70M"])
    assert sweep.window_seconds.tolist() == [240.0, 600.0, 4140.0, 4200.0] * 3
    assert sweep.actors.tolist() == [2, 2, 2, 2, 0, 2, 2, 2, 0, 0, 0, 1]
    shortest = result.shortest_windows()
    assert shortest.actor_id.tolist() == ["1", "1", "1", "2", "2"]
    assert (shortest.shortest_window_seconds // 60).tolist() == [0, 10, 70, 0, 5]


def test_sweep_with_an_exclusion_runs_each_window(connection):
    """With exclusions the sweep runs the journey at each window; those runs share their checkpoints
    (on SQLite: one cached, indexed table). Actor 1's bounce at 20 minutes excludes it only once its
    stage 2 at 30 minutes is in the window; actor 2 has no bounce."""
    events = events_frame([ev(V, 0, 1), ev("email_bounced", 20, 1), ev(F, 30, 1), ev(V, 0, 2), ev(F, 40, 2)])
    spec = journey(V, F, exclusions=[{"event": "email_bounced", "between": [1, 2]}])
    sweep = Journey.from_dict(spec).run(load(connection, "events", events)).window_sweep(["PT10M", "PT35M", "PT45M"])
    assert sweep.actors.tolist() == [2, 1, 1, 0, 0, 1]


def test_default_grid_reaches_twice_the_window():
    events = events_frame([ev(V, 0, 1), ev(F, 90, 1)])
    sweep = Journey.from_dict(ABC).run(events).window_sweep()
    assert sweep.window_seconds.max() == 7200.0 and sweep.window_seconds.nunique() == 24
    assert sweep[sweep.stage_index == 2].set_index("window_seconds").actors.loc[[5100.0, 5400.0]].tolist() == [0, 1]


def test_hold_constant_counts_actors_at_their_best_pair():
    """Actor 1 reaches S2 in 10 minutes with product a and in 5 with product b: counted once, at 5."""
    rows = [ev(V, 0, 1, product_id="a"), ev(F, 10, 1, product_id="a")]
    rows += [ev(V, 20, 1, product_id="b"), ev(F, 25, 1, product_id="b")]
    result = Journey.from_dict(journey(V, F, hold_constant=["product_id"])).run(events_frame(rows))
    assert result.window_sweep(["PT4M", "PT5M", "PT10M"]).actors.tolist() == [1, 1, 1, 0, 1, 1]
    assert result.shortest_windows().shortest_window_seconds.tolist() == [0.0, 300.0]


def test_window_sweep_equals_runs_at_each_window(connection):
    examples = {"duckdb": 40, "pyspark": 1}.get(connection.name, 3)

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=events_frames(), journey=journeys(), windows=st.lists(st.sampled_from(WINDOWS), min_size=1, max_size=3))
    def sweep_equals_reference(data, journey, windows):
        events, identity = data
        result = Journey.from_dict(journey).run(
            load(connection, "events", events), identity=load(connection, "identity", identity)
        )
        expected = reference_window_sweep(events, journey, identity, windows)
        assert_tables_equal(result.window_sweep(windows), expected, "window sweep")

    sweep_equals_reference()


@pytest.mark.parametrize(
    ("windows", "message"),
    [(["soon"], "cannot read the duration 'soon'"), ("7d", "a non-empty list"), (["PT0S"], "must be positive")],
)
def test_bad_windows_are_named(windows, message):
    result = Journey.from_dict(ABC).run(events_frame([ev(V, 0, 1)]))
    with pytest.raises(ValueError, match=message):
        result.window_sweep(windows)


def test_shortest_windows_need_a_journey_without_exclusions():
    spec = journey(V, F, exclusions=[{"event": "email_bounced", "between": [1, 2]}])
    with pytest.raises(ArgumentError, match="without exclusions"):
        Journey.from_dict(spec).run(events_frame([ev(V, 0, 1)])).shortest_windows()
