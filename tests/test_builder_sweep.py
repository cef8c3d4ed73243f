"""The builder's window-sweep tab: computed when opened, again after an edit only while open; a newer result's
sweep replaces an older one's; errors are one line; the theme is followed."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from journey_widgets.compiler import CompiledJourney

FUNNEL, SWEEP = 0, 1
DAY = 86_400.0


@pytest.fixture
def sweeps(monkeypatch):
    """The journeys whose window sweep ran on the backend, in order."""
    ran = []
    real = CompiledJourney.window_sweep
    monkeypatch.setattr(
        CompiledJourney, "window_sweep", lambda self, grid: ran.append(self.journey) or real(self, grid)
    )
    return ran


def show(builder, tab: int) -> None:
    """Select a tab as the browser does, then wait for what it started."""
    builder.children[1].selected_index = tab
    builder.wait()


def shown_sweep(builder) -> pd.DataFrame:
    """The sweep the tab's chart draws: stage_index, window_seconds, actors."""
    spec = builder.sweep_chart.chart.to_dict()
    rows = next(rows for rows in spec["datasets"].values() if "window_seconds" in rows[0])
    return pd.DataFrame(rows)[["stage_index", "window_seconds", "actors"]]


def stages_of(chart) -> set[str]:
    """The stage labels a sweep chart draws (none for a chart that only says something)."""
    return {row["stage"] for rows in chart.to_dict()["datasets"].values() for row in rows if "stage" in row}


def shown_text(builder) -> str:
    """The text of a chart that only says something ("Computing…", an error)."""
    return builder.sweep_chart.chart.to_dict()["datasets"].popitem()[1][0]["text"]


def test_the_tab_shows_the_results_window_sweep_once_opened(builder, sweeps):
    tabs = builder.children[1]
    assert tabs.titles == ("Funnel", "Window sweep") and tabs.children == (builder.chart, builder.sweep_chart)
    assert sweeps == [] and shown_text(builder) == "Computing…"  # nothing runs until the tab is opened
    show(builder, SWEEP)
    expected = builder.result.window_sweep()
    pd.testing.assert_frame_equal(shown_sweep(builder), expected.astype({"stage_index": int, "actors": int}))
    assert expected.window_seconds.max() == 60 * DAY and expected.actors.iloc[-1] > 0
    assert sweeps == [builder.result.journey]


def test_switching_tabs_computes_the_sweep_once(builder, sweeps):
    show(builder, SWEEP)
    drawn = builder.sweep_chart.chart
    show(builder, FUNNEL)
    show(builder, SWEEP)
    assert len(sweeps) == 1 and builder.sweep_chart.chart is drawn


def test_an_edit_recomputes_the_sweep_only_while_the_tab_is_open(builder, sweeps):
    show(builder, SWEEP)
    builder.editor.journey = builder.editor.journey | {"window": "P7D"}
    builder.wait()
    assert [j.window.days for j in sweeps] == [30, 7]
    assert shown_sweep(builder).window_seconds.max() == 14 * DAY  # the default grid: up to twice the window

    show(builder, FUNNEL)
    builder.editor.journey = builder.editor.journey | {"window": "P3D"}
    builder.wait()
    assert [j.window.days for j in sweeps] == [30, 7]
    assert shown_text(builder) == "Computing…"  # the last sweep drawn is not this journey's: it says so
    show(builder, SWEEP)
    assert [j.window.days for j in sweeps] == [30, 7, 3]
    assert shown_sweep(builder).window_seconds.max() == 6 * DAY


def test_edits_while_the_tab_is_closed_leave_its_chart_alone(builder):
    computing = builder.sweep_chart.chart
    for days in (7, 3):
        builder.editor.journey = builder.editor.journey | {"window": f"P{days}D"}
        builder.wait()
    assert builder.sweep_chart.chart is computing  # "Computing…" drawn once, not again (in the page too) at each edit


def test_renaming_redraws_the_sweep_under_the_new_names_without_a_query(builder, sweeps):
    show(builder, SWEEP)
    document = builder.editor.journey
    builder.editor.journey = document | {"stages": [document["stages"][0] | {"name": "Landed"}, document["stages"][1]]}
    builder.wait()
    assert stages_of(builder.sweep_chart.chart) == {"1. Landed", "2. Converted"} and len(sweeps) == 1


def test_a_sweep_replaced_by_a_newer_result_is_never_shown(builder, monkeypatch):
    """A stage renamed while the sweep runs (the rename runs no query and replaces the result at once): the
    sweep under the old name is never drawn, only the one under the new name."""
    started, release = threading.Event(), threading.Event()
    real = CompiledJourney.window_sweep

    def slow_at_first(self, grid):
        if not started.is_set():
            started.set()
            release.wait(10)
        return real(self, grid)

    monkeypatch.setattr(CompiledJourney, "window_sweep", slow_at_first)
    drawn = []
    builder.sweep_chart.observe(lambda change: drawn.append(stages_of(change["new"])), names="chart")
    builder.children[1].selected_index = SWEEP
    assert started.wait(5)
    document = builder.editor.journey
    builder.editor.journey = document | {"stages": [document["stages"][0] | {"name": "Landed"}, document["stages"][1]]}
    release.set()
    builder.wait()
    assert drawn == [{"1. Landed", "2. Converted"}]  # it said "Computing…" already, then the renamed result's sweep


def test_a_backend_error_is_one_line_in_the_tab(builder, monkeypatch):
    def broken(self, grid):
        raise RuntimeError("connection lost\nstack line 1")

    monkeypatch.setattr(CompiledJourney, "window_sweep", broken)
    show(builder, SWEEP)
    assert shown_text(builder) == "The window sweep failed: RuntimeError: connection lost"
    assert builder.editor.status == "idle" and builder.editor.message == ""  # the funnel's numbers stand
    monkeypatch.undo()
    builder.editor.journey = builder.editor.journey | {"window": "P10D"}
    builder.wait()
    assert shown_sweep(builder).window_seconds.max() == 20 * DAY


def test_the_sweep_follows_the_hosts_theme(builder, sweeps):
    show(builder, SWEEP)
    builder.editor.theme = "dark"
    assert builder.sweep_chart.embed_options == {"theme": "dark"}
    assert builder.sweep_chart.chart.to_dict()["config"]["text"]["color"] == "#ddd"
    builder.editor.theme = "light"
    assert builder.sweep_chart.embed_options is None
    assert builder.sweep_chart.chart.to_dict()["config"]["text"]["color"] == "#222"
    assert len(sweeps) == 1  # redrawn from the sweep computed, not computed again
