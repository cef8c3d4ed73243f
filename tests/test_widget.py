"""The builder's Python side: sync, validation, coalescing and supersession, bounded suggestions."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from journey_widgets import step
from journey_widgets.backend_lock import BACKEND_LOCK
from journey_widgets.binding import bind_events
from journey_widgets.errors import DataBindingError, JourneyDefinitionError
from journey_widgets.stage_pick import PICK
from journey_widgets.suggestions import suggest_values
from journey_widgets.widget import JourneyBuilder


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
    from journey_widgets import widget as widget_module

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
    from journey_widgets import widget as widget_module

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
    from journey_widgets import widget as widget_module

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
    from journey_widgets import widget as widget_module

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
    from journey_widgets import widget as widget_module

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

    from journey_widgets import widget as widget_module

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
