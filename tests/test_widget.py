"""The builder's Python side: sync, validation, coalescing and supersession, bounded suggestions."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any

import ibis
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from inputs import EVENTS, FUZZ, JSON_SCALARS, JSON_VALUES, SMALL, many_stages, mutated_journeys, small_events

from journey_widgets import Journey, sample_events, step
from journey_widgets.backend_lock import BACKEND_LOCK
from journey_widgets.binding import bind_events
from journey_widgets.builder import widget as widget_module
from journey_widgets.builder.stage_pick import PICK
from journey_widgets.builder.suggestions import suggest_values
from journey_widgets.builder.widget import JourneyBuilder
from journey_widgets.errors import DataBindingError, JourneyDefinitionError


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


def test_an_edits_numbers_are_sent_before_its_chart_which_is_marked_meanwhile(builder):
    """The chart takes longer to build than the numbers: they go first, with the chart said to be drawing; then the
    chart, no longer said to be."""
    seen = []
    builder.editor.observe(lambda c: seen.append(("numbers", builder.editor.drawing)), names="funnel")
    builder.chart.observe(lambda c: seen.append(("chart", builder.editor.drawing)), names="chart")
    builder.editor.journey = builder.editor.journey | {"window": "P7D"}
    builder.wait()
    assert seen == [("numbers", True), ("chart", True)] and builder.editor.drawing is False


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
    assert builder.editor.status == "invalid"  # the numbers shown are the last valid journey's
    assert builder.editor.journey == bad  # the definition being edited is never lost
    assert [s.name for s in builder.last_valid_journey.stages] == ["Visited", "Converted"]


def test_journey_and_save_refuse_an_invalid_draft(builder, tmp_path):
    """builder.journey never answers with the last valid journey while the editor shows another."""
    builder.editor.journey = builder.editor.journey | {"window": "abc"}
    with pytest.raises(JourneyDefinitionError, match=r"window: Type a number above 0.*last_valid_journey"):
        builder.journey  # noqa: B018
    with pytest.raises(JourneyDefinitionError, match="not valid yet"):
        builder.save(tmp_path / "draft.json")
    assert not (tmp_path / "draft.json").exists()
    assert builder.last_valid_journey.window.days == 30


def test_a_stage_with_no_step_is_incomplete_and_not_computed(builder, monkeypatch):
    from journey_widgets.builder import widget as widget_module

    computed = []
    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(lambda j, b: computed.append(j)))
    before = list(builder.editor.funnel)
    document = builder.editor.journey
    builder.editor.journey = document | {"stages": [*document["stages"], {"name": "Stage 3", "steps": []}]}
    builder.wait()
    assert builder.editor.errors == [
        {
            "loc": ["stages", 2, "steps"],
            "where": "stage 3, steps",
            "message": "Incomplete: pick a step",
            "incomplete": True,
        }
    ]
    assert builder.editor.status == "invalid" and builder.editor.funnel == before and computed == []


def test_status_is_one_of_its_states(builder):
    import traitlets

    with pytest.raises(traitlets.TraitError):
        builder.editor.status = "done"


def test_the_journey_it_started_with_is_kept_for_reset(builder):
    started = builder.editor.initial
    builder.editor.journey = builder.editor.journey | {"window": "P3D"}
    assert builder.editor.initial == started and started["window"] == "P30D"


def test_renaming_changes_no_number_and_runs_no_query(builder, monkeypatch):
    from journey_widgets.builder import widget as widget_module

    computed = []
    real = widget_module.JourneyResult.compute
    monkeypatch.setattr(
        widget_module.JourneyResult, "compute", staticmethod(lambda j, b: computed.append(j) or real(j, b))
    )
    before = [row["actors"] for row in builder.editor.funnel]
    document = builder.editor.journey
    stages = [document["stages"][0] | {"name": "Landed"}, document["stages"][1]]
    builder.editor.journey = document | {"name": "Renamed", "stages": stages}
    builder.wait()
    assert computed == []
    assert [row["stage"] for row in builder.editor.funnel] == ["Landed", "Converted"]
    assert [row["actors"] for row in builder.editor.funnel] == before
    assert builder.editor.status == "idle"
    assert builder.chart.chart.to_dict()["title"]["text"] == "Renamed"
    assert builder.result.journey.name == "Renamed" and list(builder.result.funnel()["stage"]) == [
        "Landed",
        "Converted",
    ]
    builder.editor.journey = builder.editor.journey | {"window": "P5D"}  # a number-changing edit still computes
    builder.wait()
    assert len(computed) == 1


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
    assert builder.editor.errors[0]["message"] == "The data has no property colour"


def test_journey_options_from_the_editor_are_computed_and_checked(builder):
    """Strict order, a held property and a breakdown attributed to stage 2, as the editor sends them."""
    options = {
        "order": "strict",
        "hold_constant": ["country"],
        "breakdown": {"property": "browser", "limit": 3, "attribution": "stage", "stage": 2},
    }
    builder.editor.journey = builder.editor.journey | options
    builder.wait()
    assert builder.editor.errors == [] and builder.editor.status == "idle"
    journey = builder.result.journey
    assert (journey.order, journey.hold_constant, journey.breakdown.stage) == ("strict", ("country",), 2)
    assert {row["breakdown"] for row in builder.editor.funnel} >= {"Chrome"}
    builder.editor.journey = builder.editor.journey | {"hold_constant": ["country", "colour"]}
    assert builder.editor.errors == [
        {"loc": ["hold_constant", 1], "where": "hold_constant", "message": "The data has no property colour"}
    ]
    assert builder.editor.journey["hold_constant"] == ["country", "colour"]  # the definition is kept as typed
    assert builder.last_valid_journey == journey


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
    from journey_widgets.builder import widget as widget_module

    release = threading.Event()
    real = widget_module.JourneyResult.compute

    def slow_then_fast(journey, bound):
        if journey.window.days == 2:
            release.wait(10)
        return real(journey, bound)

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(slow_then_fast))
    builder.editor.journey = builder.editor.journey | {"window": "P2D", "name": "slow"}
    time.sleep(0.5)  # the slow query has started
    builder.editor.journey = builder.editor.journey | {"window": "P3D", "name": "fast"}
    time.sleep(0.6)
    builder.wait()
    release.set()
    time.sleep(0.5)
    assert builder.result.journey.name == "fast"
    assert builder.chart.chart.to_dict()["title"]["text"] == "fast"


def test_an_invalid_edit_during_a_query_stays_invalid_after_it(builder, monkeypatch):
    from journey_widgets.builder import widget as widget_module

    started, release = threading.Event(), threading.Event()
    real = widget_module.JourneyResult.compute

    def slow(journey, bound):
        started.set()
        release.wait(10)
        return real(journey, bound)

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(slow))
    builder.editor.journey = builder.editor.journey | {"window": "P6D"}
    assert started.wait(5)
    builder.editor.journey = builder.editor.journey | {"window": "abc"}
    assert builder.editor.status == "invalid"
    release.set()
    builder.wait()
    assert builder.result.journey.window.days == 6  # the last valid journey's numbers, shown as such
    assert builder.editor.status == "invalid"


def test_backend_error_is_one_line_in_the_widget(builder, monkeypatch):
    from journey_widgets.builder import widget as widget_module

    def broken(journey, bound):
        raise RuntimeError("connection lost\nstack line 1\nstack line 2")

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(broken))
    builder.editor.journey = builder.editor.journey | {"window": "P4D"}
    time.sleep(0.5)
    builder.wait()
    assert builder.editor.status == "error"
    assert builder.editor.message == "RuntimeError: connection lost"
    assert builder.editor.journey["window"] == "P4D"


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
    from journey_widgets.builder import suggestions

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


def test_suggestions_counted_once_do_not_wait_for_a_running_query(builder, monkeypatch):
    """A column's values counted, its suggestions come from memory: a query holding the backend lock (the funnel
    being computed) does not hold them up."""
    sent = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    ask = {"type": "suggest", "id": 1, "property": "country", "search": ""}
    builder._on_message(builder.editor, ask, [])
    holding, release = threading.Event(), threading.Event()

    def query() -> None:
        with BACKEND_LOCK:
            holding.set()
            release.wait(10)

    running = threading.Thread(target=query)
    running.start()
    try:
        assert holding.wait(5)
        again = ask | {"id": 2, "search": "u"}
        answered = threading.Thread(target=builder._on_message, args=(builder.editor, again, []))
        answered.start()
        answered.join(5)
        assert not answered.is_alive(), "the suggestions waited for the query"
    finally:
        release.set()
        running.join()
    assert [m["id"] for m in sent] == [1, 2] and {v["value"] for v in sent[1]["values"]} >= {"US"}


def test_message_handler_answers_drilldowns(builder, monkeypatch):
    sent = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    builder._on_message(builder.editor, {"type": "drilldown", "id": 1, "stage": 2, "group": "dropped_off"}, [])
    builder._on_message(builder.editor, {"type": "csv", "id": 2, "stage": 2, "group": "dropped_off"}, [])
    actor = sent[0]["actors"][0]
    explain = {"type": "explain", "id": 3, "actor_id": actor["actor_id"], "anonymous": actor["is_anonymous"]}
    builder._on_message(builder.editor, explain, [])
    listed, csv, explained = sent
    dropped_off = builder.result.funnel().set_index("stage_index").dropped_off[2]
    assert [m["id"] for m in sent] == [1, 2, 3] and not any("error" in m for m in sent)
    assert listed["total"] == dropped_off == csv["csv"].count("\n") - 1 > 0
    assert explained["text"] == builder.result.explain(actor["actor_id"], anonymous=actor["is_anonymous"]).text


def test_a_click_on_a_bar_opens_its_drilldown_also_after_a_recompute(builder, monkeypatch):
    sent = []
    monkeypatch.setattr(builder.editor, "send", sent.append)

    def click(*points):  # the selection the chart's frontend syncs after a click on a bar
        builder.chart._vl_selections = {PICK: {"value": {"vlPoint": {"or": list(points)}}, "store": []}}

    click({"stage_index": 2, "segment": "Reached"})
    assert sent == [{"type": "show_drilldown", "stage": 2, "group": "reached"}]
    builder.journey = builder.journey.stage("Met", "meeting_booked")
    builder.wait()  # a new chart, with new selections
    click({"stage_index": 3, "segment": "Dropped off"})
    assert sent[1:] == [{"type": "show_drilldown", "stage": 3, "group": "dropped_off"}]


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

    from journey_widgets.builder import widget as widget_module

    # as in a Jupyter kernel; a shell starting the tests in the background leaves SIGINT ignored,
    # and interrupt_main() then does nothing
    signal.signal(signal.SIGINT, signal.default_int_handler)

    started, release = threading.Event(), threading.Event()
    real = widget_module.JourneyResult.compute

    def slow(journey, bound):
        if journey.window.days == 2:
            started.set()
            release.wait(10)
        return real(journey, bound)

    monkeypatch.setattr(widget_module.JourneyResult, "compute", staticmethod(slow))
    builder.editor.journey = builder.editor.journey | {"name": "slow", "window": "P2D"}
    assert started.wait(5)
    threading.Timer(0.2, _thread.interrupt_main).start()  # what Jupyter's interrupt button does
    with pytest.raises(KeyboardInterrupt):
        builder.wait(timeout=10)
    release.set()
    assert builder.editor.journey["name"] == "slow"
    builder.editor.journey = builder.editor.journey | {"name": "after the interrupt", "window": "P5D"}
    time.sleep(0.5)
    builder.wait()
    assert builder.editor.status != "error"
    assert builder.result.journey.name == "after the interrupt"
    assert builder.result.funnel()["actors"].iloc[0] > 0


def test_the_chart_follows_the_hosts_theme(builder):
    light_labels = builder.chart.chart.to_dict()["config"]["text"]["color"]
    builder.editor.theme = "dark"  # what the editor reports from a dark JupyterLab or system theme
    assert builder.chart.embed_options == {"theme": "dark"}
    dark_spec = builder.chart.chart.to_dict()
    assert (light_labels, dark_spec["config"]["text"]["color"]) == ("#222", "#ddd")
    assert "#3F5F7A" in str(dark_spec["layer"])  # a darker drop-off under the light labels
    builder.editor.theme = "light"
    assert builder.chart.embed_options is None
    assert builder.chart.chart.to_dict()["config"]["text"]["color"] == "#222"


def test_an_edit_sends_at_most_one_query_and_a_rename_none(builder, monkeypatch):
    """Each kind of edit from the editor is computed by one query to the events' backend (counted where Ibis sends
    SQL to that DuckDB connection; the result tables of paths computed in process run on the process's own engine);
    renaming the journey or a stage sends none."""
    from ibis.backends.duckdb import Backend

    queries = []
    events_backend = builder._bound.table.get_backend()

    def counted(real):
        def count(self, *args, **kwargs):
            if self is events_backend:
                queries.append(real.__name__)
            return real(self, *args, **kwargs)

        return count

    for method in ("_to_duckdb_relation", "raw_sql"):
        monkeypatch.setattr(Backend, method, counted(getattr(Backend, method)))

    def edit(change) -> int:
        queries.clear()
        builder.editor.journey = change(builder.editor.journey)
        builder.wait()
        assert builder.editor.status == "idle", builder.editor.errors
        return len(queries)

    def stage(document, index, **patch):
        stages = [dict(s) for s in document["stages"]]
        stages[index] = stages[index] | patch
        return document | {"stages": stages}

    meeting = {"name": "Met", "steps": [{"event": "meeting_booked"}]}
    edits = {
        "window": lambda d: d | {"window": "P2.5D"},
        "order": lambda d: d | {"order": "any"},
        "date range": lambda d: d | {"date_range": {"start": "2025-01-01T00:00:00Z"}},
        "add a stage": lambda d: d | {"stages": [*d["stages"], meeting]},
        "a step": lambda d: stage(d, 1, steps=[*d["stages"][1]["steps"], {"event": "meeting_booked"}]),
        "a filter": lambda d: stage(
            d, 0, steps=[d["stages"][0]["steps"][0] | {"filters": [{"property": "country", "op": "eq", "value": "US"}]}]
        ),
        "anonymous off": lambda d: stage(d, 0, steps=[d["stages"][0]["steps"][0] | {"include_anonymous": False}]),
        "an exclusion": lambda d: d | {"exclusions": [{"event": "deal_stage_changed", "between": [1, 2]}]},
        "hold constant": lambda d: d | {"hold_constant": ["country"]},
        "breakdown": lambda d: d | {"breakdown": {"property": "country", "limit": 3}},
        "remove a stage": lambda d: d | {"stages": d["stages"][:2]},
    }
    counts = {name: edit(change) for name, change in edits.items()}
    assert counts == dict.fromkeys(edits, 1), counts
    assert edit(lambda d: stage(d | {"name": "Renamed"}, 0, name="Landed")) == 0


# ---------------------------------------------------------------------------------------- widget-*
@pytest.fixture
def small_builder() -> JourneyBuilder:
    built = JourneyBuilder(EVENTS, SMALL)
    built.wait()
    assert built.editor.status == "idle" and len(built.editor.funnel) == 3, built.editor.message
    return built


def small(**changes: Any) -> dict[str, Any]:
    data = SMALL.to_dict()
    data.update(changes)
    return data


def small_step(stage_index: int, **changes: Any) -> dict[str, Any]:
    data = small()
    data["stages"][stage_index]["steps"][0].update(changes)
    return data


WIDGET_CASES = [
    (
        "widget-unknown-property",
        small_step(0, filters=[{"property": "colour", "op": "eq", "value": "red"}]),
        ["stages", 0, "steps", 0, "filters", 0],
        "The data has no property colour",
    ),
    (
        "widget-value-does-not-fit-column",
        small_step(0, filters=[{"property": "country", "op": "eq", "value": 3}]),
        ["stages", 0, "steps", 0, "filters", 0],
        "3 does not fit country, which holds text",
    ),
    (
        "widget-between-one-value",
        small_step(0, filters=[{"property": "amount", "op": "between", "value": [1]}]),
        ["stages", 0, "steps", 0, "filters", 0],
        "Type two values: low, high",
    ),
    (
        "widget-anonymous-not-allowed",
        small_step(1, include_anonymous=True),
        ["stages", 1, "steps", 0],
        "event 'form_submission' does not support anonymous visitors",
    ),
    (
        "widget-empty-stage",
        small(stages=[{"name": "A", "steps": []}]),
        ["stages", 0, "steps"],
        "Incomplete: pick a step",
    ),
    ("widget-no-stages", small(stages=[]), [], "has no stages"),
    ("widget-too-many-stages", small(stages=many_stages(21)), ["stages"], "At most 20 are allowed"),
    (
        "widget-too-many-steps",
        small(stages=[{"name": "A", "steps": [{"event": "page_visited"}] * 11}]),
        ["stages", 0, "steps"],
        "At most 10 are allowed",
    ),
    ("widget-window-months", small(window="P1M"), ["window"], "Type a number above 0"),
    ("widget-window-zero", small(window="PT0S"), ["window"], "Type a number above 0"),
    ("widget-window-too-long", small(window="P99999999999D"), ["window"], "The window is at most 100,000 years"),
    (
        "widget-date-range-reversed",
        small(date_range={"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}),
        ["date_range"],
        "“To” must be after “From”",
    ),
    (
        "widget-date-range-out-of-range",
        small(date_range={"start": "0001-01-01T00:00:00+01:00"}),
        ["date_range", "start"],
        "This date is out of range",
    ),
    (
        "widget-exclusion-out-of-range",
        small(exclusions=[{"event": "email_spam_reported", "between": [1, 5]}]),
        ["exclusions", 0],
        "There is no stage 5: the journey has 3 stages",
    ),
    ("widget-unknown-version", small(version=2), ["version"], "Input should be 1"),
    ("widget-unknown-field", small(colour="red"), ["colour"], "unknown field (value 'red')"),
    (
        "widget-duplicate-stage-names",
        small(stages=[*SMALL.to_dict()["stages"][:2], {"name": "Visited", "steps": [{"event": "meeting_booked"}]}]),
        ["stages", 2, "name"],
        "Stage 1 already has this name",
    ),
    ("widget-long-name", small(name="n" * 201), ["name"], "at most 200 characters"),
    ("widget-stages-not-a-list", small(stages="Visited"), ["stages"], "valid tuple"),
    (
        "widget-step-not-an-object",
        small(stages=[{"name": "A", "steps": ["page_visited"]}]),
        ["stages", 0, "steps", 0],
        "valid dictionary",
    ),
    (
        "widget-filter-unknown-op",
        small_step(0, filters=[{"property": "country", "op": "like", "value": "U%"}]),
        ["stages", 0, "steps", 0, "filters", 0, "op"],
        "'between'",
    ),
]


@pytest.fixture(scope="module")
def invalid_builder() -> JourneyBuilder:
    """One builder for the invalid-edit cases: none of them may change its last valid journey or results."""
    built = JourneyBuilder(EVENTS, SMALL)
    built.wait()
    return built


def _assert_kept(builder: JourneyBuilder) -> None:
    assert builder.last_valid_journey == SMALL
    assert builder.result.journey == SMALL and [row["actors"] for row in builder.editor.funnel] == [3, 1, 1]
    assert builder.editor.status == "invalid" and builder.editor.message == ""


@pytest.mark.parametrize(
    ("document", "loc", "needle"), [pytest.param(d, where, n, id=i) for i, d, where, n in WIDGET_CASES]
)
def test_widget_invalid_documents_are_explained(invalid_builder, document, loc, needle):
    builder = invalid_builder
    builder.editor.journey = document  # what a save_changes() from the browser does
    builder.wait()
    errors = builder.editor.errors
    assert len(errors) == 1, errors  # one problem, one message (no echoes)
    assert errors[0]["loc"] == loc and needle in errors[0]["message"], errors
    json.dumps(errors)  # the trait syncs to the browser
    assert builder.editor.journey == document  # the draft being edited is never lost
    _assert_kept(builder)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([SMALL.to_dict()], id="widget-journey-is-a-list"),
        pytest.param("{}", id="widget-journey-is-text"),
        pytest.param(None, id="widget-journey-is-null"),
        pytest.param(42, id="widget-journey-is-a-number"),
    ],
)
def test_widget_non_object_from_the_browser_is_explained(invalid_builder, document):
    builder = invalid_builder
    draft = builder.editor.journey
    builder.editor.set_state({"journey": document, "status": "idle"})  # the browser's update message
    assert builder.editor.errors[0]["message"] == f"the journey must be a JSON object, got {type(document).__name__}"
    assert builder.editor.journey == draft
    _assert_kept(builder)


def test_widget_unknown_event_is_a_warning_beside_the_step_and_the_journey_runs(small_builder):
    small_builder.editor.journey = small_step(2, event="meeting_bookd")
    small_builder.wait()
    assert small_builder.editor.errors == [] and small_builder.editor.status == "idle"
    (warning,) = small_builder.editor.warnings
    assert warning["loc"] == ["stages", 2, "steps", 0]
    assert "unknown event type 'meeting_bookd'" in warning["message"] and "'meeting_booked'" in warning["message"]
    assert [row["actors"] for row in small_builder.editor.funnel] == [3, 1, 0]
    small_builder.editor.journey = SMALL.to_dict()
    small_builder.wait()
    assert small_builder.editor.warnings == [] and [row["actors"] for row in small_builder.editor.funnel] == [3, 1, 1]


def _broken_events() -> ibis.Table:
    """Events whose ``score`` column fails on the backend as soon as a query reads it."""
    raw = small_events(score=None).assign(score_text=["1.5", "2", "3", "4", "oops", "6"])
    table = ibis.memtable(raw)
    return table.mutate(score=table.score_text.cast("float64")).drop("score_text")


def test_widget_backend_error_mid_query_is_one_line():
    builder = JourneyBuilder(_broken_events(), SMALL)
    builder.wait()
    assert builder.editor.status == "idle"  # the broken column is not read yet
    before = list(builder.editor.funnel)
    broken = small_step(0, filters=[{"property": "score", "op": "gt", "value": 1}])
    builder.editor.journey = broken
    builder.wait()
    assert builder.editor.status == "error" and builder.editor.errors == []
    assert builder.editor.message.startswith("ConversionException: ") and "'oops'" in builder.editor.message
    assert "\n" not in builder.editor.message
    assert builder.editor.funnel == before and builder.editor.journey == broken
    builder.editor.journey = SMALL.to_dict() | {"name": "Again"}  # the next good edit recovers
    builder.wait()
    assert builder.editor.status == "idle" and builder.editor.message == "" and builder.result.journey.name == "Again"


def test_widget_suggestions_on_a_broken_column_answer_with_the_error(monkeypatch):
    builder = JourneyBuilder(_broken_events(), SMALL)
    sent: list = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    builder._on_message(builder.editor, {"type": "suggest", "id": 4, "property": "score"}, [])
    assert sent[0]["id"] == 4 and sent[0]["values"] == []
    assert sent[0]["error"].startswith("ConversionException: ") and "'oops'" in sent[0]["error"]


def test_widget_failing_data_check_is_one_line(small_builder, monkeypatch):
    def lost(*args, **kwargs):
        raise ConnectionError("server closed the connection\nretry later")

    monkeypatch.setattr(widget_module, "check_journey_against_data", lost)
    small_builder.editor.journey = small(name="Offline")
    assert (
        small_builder.editor.status == "error"
        and small_builder.editor.message == "ConnectionError: server closed the connection"
    )
    assert small_builder.journey.name == "Offline" and small_builder.result.journey == SMALL


def test_widget_rapid_edits_end_with_the_last_one(small_builder, monkeypatch):
    started = time.perf_counter()
    for hours in range(1, 101):
        small_builder.editor.journey = small(window=f"PT{hours}H", name=f"edit {hours}")
    assert time.perf_counter() - started < 1.0  # a hundred edits within a second
    small_builder.wait()
    assert small_builder.result.journey.name == "edit 100" and small_builder.result.journey.window == dt.timedelta(
        hours=100
    )
    assert small_builder.editor.errors == [] and small_builder.editor.status == "idle"
    assert small_builder.chart.chart.to_dict()["title"]["text"] == "edit 100"


def test_widget_rapid_edits_ending_invalid_keep_the_last_valid(small_builder, monkeypatch):
    for index in range(1, 101):
        document = small(name=f"edit {index}")
        if index % 3 == 0:  # every third edit is broken: the last one (99) is valid, 100 is not
            document = small(name=f"edit {index}", window="P1M")
        small_builder.editor.journey = document if index != 100 else small_step(1, include_anonymous=True)
    small_builder.wait()
    assert small_builder.result.journey.name == "edit 98" and small_builder.last_valid_journey.name == "edit 98"
    assert small_builder.editor.errors[0]["loc"] == ["stages", 1, "steps", 0]
    assert "'form_submission' does not support anonymous visitors" in small_builder.editor.errors[0]["message"]
    assert small_builder.editor.status == "invalid"


def test_widget_edits_from_several_threads_never_raise(small_builder):
    failures: list[BaseException] = []

    def edit(worker: int) -> None:
        try:
            for index in range(20):
                small_builder.editor.journey = small(name=f"w{worker}-{index}")
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=edit, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    small_builder.wait()
    assert failures == [] and small_builder.editor.status == "idle"
    assert small_builder.result.journey.name == small_builder.editor.journey["name"]


# ---------------------------------------------------------------------------------------- fuzzing
@pytest.fixture(scope="module")
def fuzz_builder() -> JourneyBuilder:
    built = JourneyBuilder(EVENTS, SMALL)
    built.wait()
    built.editor.send = lambda *args, **kwargs: None  # no browser attached
    return built


@FUZZ
@given(mutated_journeys() | JSON_VALUES)
def test_fuzz_widget_documents_never_raise(fuzz_builder, data):
    if isinstance(data, dict):
        fuzz_builder.editor.journey = data  # a Python-side or browser-side edit
    else:
        fuzz_builder.editor.set_state({"journey": data})
    json.dumps(fuzz_builder.editor.errors, allow_nan=True)
    assert isinstance(fuzz_builder.last_valid_journey, Journey)
    if fuzz_builder.editor.errors:  # the journey in the editor is refused with a clear error, never a stale one
        with pytest.raises(JourneyDefinitionError, match="not valid yet"):
            fuzz_builder.journey  # noqa: B018
    else:
        assert isinstance(fuzz_builder.journey, Journey)


def test_fuzz_widget_settles_after_the_storm(fuzz_builder):
    settled = SMALL.to_dict() | {"window": "P29D"}  # an edit (the same document again would not be one)
    fuzz_builder.editor.journey = settled
    fuzz_builder.wait()
    assert fuzz_builder.editor.status == "idle" and fuzz_builder.result.journey == Journey.from_dict(settled)


PROPERTIES = st.sampled_from(["country", "amount", "score", "flag", "seen_at", "contact_id", "nope", ""])


@FUZZ
@given(
    JSON_VALUES
    | st.fixed_dictionaries(
        {"type": st.just("suggest"), "id": JSON_SCALARS, "property": PROPERTIES | JSON_VALUES, "search": JSON_VALUES}
    )
)
def test_fuzz_message_handler_never_raises(fuzz_builder, content):
    sent: list = []
    fuzz_builder.editor.send = sent.append
    fuzz_builder._on_message(fuzz_builder.editor, content, [])
    for reply in sent:
        assert reply["type"] == "suggestions" and isinstance(reply["values"], list)
        json.dumps(reply, allow_nan=True)


def test_widget_suggestions_while_computing_share_the_connection(monkeypatch):
    """Suggestions (kernel thread) during a computation (worker thread): both answer, neither fails."""
    events, _ = sample_events(20_000, seed=5)
    builder = JourneyBuilder(events, SMALL)
    builder.wait()
    sent: list = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    statuses: list[str] = []
    builder.editor.observe(lambda change: statuses.append(change["new"]), names="status")
    for index in range(2):
        builder.editor.journey = small(name=f"edit {index}", window=f"P{index + 1}D")
        while not builder._worker.wait(0.01):  # ask for suggestions while the journey computes
            builder._on_message(builder.editor, {"type": "suggest", "id": index, "property": "country"}, [])
    assert {reply["id"] for reply in sent} == {0, 1}
    assert [reply["error"] for reply in sent if "error" in reply] == []
    assert "error" not in statuses and builder.result.journey.name == "edit 1"
