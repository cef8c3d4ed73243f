"""The builder's Python side: sync, validation, coalescing and supersession, bounded suggestions."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from journey_widgets import Journey, sample_events, step
from journey_widgets.binding import bind_events
from journey_widgets.errors import DataBindingError
from journey_widgets.suggestions import suggest_values
from journey_widgets.widget import JourneyBuilder


@pytest.fixture(scope="module")
def data():
    return sample_events(60_000, seed=9)


@pytest.fixture
def builder(data):
    events, identity = data
    journey = (
        Journey("V2C").stage("Visited", step("page_visited", anonymous=True)).stage("Converted", "form_submission")
    )
    built = JourneyBuilder(events, journey, identity=identity)
    built.wait()
    return built


def test_initial_journey_is_computed(builder):
    assert builder.editor.status == "idle"
    assert [row["stage"] for row in builder.editor.funnel] == ["Visited", "Converted"]
    assert builder.editor.funnel[0]["actors"] > builder.editor.funnel[1]["actors"] > 0
    assert builder.chart.chart.to_dict()["title"]["text"] == "V2C"


def test_journey_round_trips_through_the_trait(builder):
    longer = builder.journey.stage("Met", step("meeting_booked"), step("sequence_meeting_booked"))
    builder.journey = longer
    assert builder.editor.journey == longer.to_dict()
    assert builder.journey == longer
    builder.wait()
    assert len(builder.editor.funnel) == 3


def test_edit_from_the_browser_recomputes(builder):
    document = builder.editor.journey | {"window": "P7D"}
    builder.editor.journey = document  # what a save_changes() from the frontend does
    builder.wait()
    assert builder.result.journey.window.days == 7


def test_invalid_edit_is_explained_and_last_result_kept(builder):
    before = list(builder.editor.funnel)
    bad = builder.editor.journey | {
        "stages": [{"name": "A", "steps": [{"event": "form_submission", "include_anonymous": True}]}]
    }
    builder.editor.journey = bad
    builder.wait()
    assert builder.editor.errors[0]["loc"] == ["stages", 0, "steps", 0]
    assert "does not support anonymous visitors" in builder.editor.errors[0]["message"]
    assert builder.editor.funnel == before
    assert builder.editor.journey == bad  # the definition being edited is never lost
    assert [s.name for s in builder.journey.stages] == ["Visited", "Converted"]  # last valid one


def test_data_errors_point_at_the_filter(builder):
    doc = builder.editor.journey
    doc = doc | {
        "stages": [
            doc["stages"][0]
            | {"steps": [{"event": "page_visited", "filters": [{"property": "colour", "op": "eq", "value": "red"}]}]}
        ]
    }
    builder.editor.journey = doc
    assert builder.editor.errors[0]["loc"] == ["stages", 0, "steps", 0, "filters", 0]
    assert "unknown property 'colour'" in builder.editor.errors[0]["message"]


def test_rapid_edits_coalesce_into_the_first_and_the_last_query(builder, monkeypatch):
    calls = []
    original = builder._compute
    monkeypatch.setattr(builder, "_compute", lambda j, g: (calls.append(g), original(j, g)))
    for days in range(1, 21):
        builder.editor.journey = builder.editor.journey | {"window": f"P{days}D"}
    builder.wait()
    assert builder.result.journey.window.days == 20
    assert len([c for c in calls if c == builder._generation]) == 1
    assert len(calls) <= 2  # the first edit at once, then only the newest of those made meanwhile


def test_slow_query_is_superseded_by_a_fast_one(builder, monkeypatch):
    from journey_widgets import widget as widget_module

    release = threading.Event()
    real = widget_module.JourneyResult.compute

    def slow_then_fast(journey, bound):
        if journey.name == "slow":
            release.wait(10)
        return real(journey, bound)

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(slow_then_fast))
    builder.editor.journey = builder.editor.journey | {"name": "slow"}
    time.sleep(0.5)  # the slow query has started
    builder.editor.journey = builder.editor.journey | {"name": "fast"}
    time.sleep(0.6)
    builder.wait()
    release.set()
    time.sleep(0.5)
    assert builder.result.journey.name == "fast"
    assert builder.chart.chart.to_dict()["title"]["text"] == "fast"


def test_backend_error_is_one_line_in_the_widget(builder, monkeypatch):
    from journey_widgets import widget as widget_module

    def broken(journey, bound):
        raise RuntimeError("connection lost\nstack line 1\nstack line 2")

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(broken))
    builder.editor.journey = builder.editor.journey | {"name": "again"}
    time.sleep(0.5)
    builder.wait()
    assert builder.editor.status == "error"
    assert builder.editor.message == "RuntimeError: connection lost"
    assert builder.editor.journey["name"] == "again"


def test_suggestions_are_bounded_and_searchable(data):
    events, _ = data
    bound = bind_events(events)
    values = suggest_values(bound, "content_id")
    assert 0 < len(values) <= 50
    counts = [v["count"] for v in values]
    assert counts == sorted(counts, reverse=True)
    assert all("page-1" in v["value"] for v in suggest_values(bound, "content_id", "PAGE-1"))


@pytest.mark.parametrize("indexed", [100_000, 60])  # every value kept; the 60 most frequent kept
def test_value_index_answers_as_the_backend_and_counts_once(data, monkeypatch, indexed):
    from journey_widgets import suggestions

    bound = bind_events(data[0])
    searches = ["", "PAGE-1", "page-12", "e-3", "zzz", "", "1"]
    expected = [suggest_values(bound, "content_id", search) for search in searches]
    monkeypatch.setattr(suggestions, "MAX_INDEXED", indexed)
    queries = []
    real = suggestions._value_counts
    monkeypatch.setattr(suggestions, "_value_counts", lambda *args: queries.append(args[1]) or real(*args))
    index = suggestions.ValueIndex(bound)
    assert [index.suggest("content_id", search) for search in searches] == expected
    # one count per property; when values were left out, searches ask the backend
    searched_on_backend = 0 if indexed == 100_000 else len([s for s in searches if s])
    assert queries == ["content_id"] * (1 + searched_on_backend)
    assert index.suggest("country", limit=3) == suggest_values(bound, "country", limit=3)
    with pytest.raises(DataBindingError, match="unknown property 'colour'"):
        index.suggest("colour")


def test_suggestions_of_a_number_column_are_its_values_as_text(data):
    """Counted per distinct number, then shown as text: the counts of pandas' value_counts."""
    amounts = data[0].column("amount").to_pandas().dropna()
    expected = amounts.value_counts()
    values = suggest_values(bind_events(data[0]), "amount", limit=50)
    assert len(values) == min(50, len(expected))
    assert sorted(v["count"] for v in values) == sorted(expected.sort_values(ascending=False).iloc[:50])
    assert all(float(v["value"]) in expected.index and expected[float(v["value"])] == v["count"] for v in values)


def test_suggestions_on_a_million_distinct_values_stay_bounded_and_fast():
    frame = pd.DataFrame(
        {
            "event_type": ["page_visited"] * 1_000_000,
            "occurred_at": pd.Timestamp("2026-01-01", tz="UTC"),
            "contact_id": pd.array(range(1_000_000), dtype="Int64"),
            "order_id": [f"o{i}" for i in range(1_000_000)],
        }
    )
    bound = bind_events(frame)
    started = time.perf_counter()
    values = suggest_values(bound, "order_id", "o99")
    assert len(values) == 50 and time.perf_counter() - started < 5


def test_message_handler_answers_suggestions(builder, monkeypatch):
    sent = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    builder._on_message(builder.editor, {"type": "suggest", "id": 7, "property": "country", "search": "u"}, [])
    builder._on_message(builder.editor, {"type": "suggest", "id": 8, "property": "nope"}, [])
    builder._on_message(builder.editor, ["not", "a", "dict"], [])
    assert sent[0]["id"] == 7 and {v["value"] for v in sent[0]["values"]} >= {"US"}
    assert sent[1]["values"] == [] and "unknown property" in sent[1]["error"]
    assert len(sent) == 2


def test_save_and_load(builder, data, tmp_path):
    path = tmp_path / "journey.json"
    builder.save(path)
    reopened = JourneyBuilder.load(path, data[0], identity=data[1])
    assert reopened.journey == builder.journey


def test_kernel_interrupt_during_a_query_keeps_the_builder_working(builder, monkeypatch):
    """A kernel interrupt (KeyboardInterrupt in the main thread) while a query runs in the builder's worker
    thread: the cell stops, the definition is kept, and the next edit computes as usual."""
    import _thread
    import signal

    from journey_widgets import widget as widget_module

    # as in a Jupyter kernel; a shell starting the tests in the background leaves SIGINT ignored,
    # and interrupt_main() then does nothing
    signal.signal(signal.SIGINT, signal.default_int_handler)

    started, release = threading.Event(), threading.Event()
    real = widget_module.JourneyResult.compute

    def slow(journey, bound):
        if journey.name == "slow":
            started.set()
            release.wait(10)
        return real(journey, bound)

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(slow))
    builder.editor.journey = builder.editor.journey | {"name": "slow"}
    assert started.wait(5)
    threading.Timer(0.2, _thread.interrupt_main).start()  # what Jupyter's interrupt button does
    with pytest.raises(KeyboardInterrupt):
        builder.wait(timeout=10)
    release.set()
    assert builder.editor.journey["name"] == "slow"
    builder.editor.journey = builder.editor.journey | {"name": "after the interrupt"}
    time.sleep(0.5)
    builder.wait()
    assert builder.editor.status != "error"
    assert builder.result.journey.name == "after the interrupt"
    assert builder.result.funnel()["actors"].iloc[0] > 0
