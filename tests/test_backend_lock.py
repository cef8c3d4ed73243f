"""A cell's journey.run() while the builder computes on the same DuckDB connection: one waits for the other.

DuckDB refuses a second call on a connection while one runs ("connection is busy with another call"); a user
hit it by running a cell while the builder recomputed an edit.
"""

from __future__ import annotations

import threading

import pandas as pd

from journey_widgets import Journey, JourneyBuilder, sample_events, step


def test_a_cells_run_while_the_builder_computes_waits_instead_of_failing() -> None:
    events, identity = sample_events(100_000)
    journey = (
        Journey("Busy", window="30d")
        .stage("Visited", step("page_visited", anonymous=True))
        .stage("Converted", "form_submission")
        .stage("Met", "meeting_booked")
    )
    builder = JourneyBuilder(events, journey, identity=identity)
    builder.wait()

    def edit_the_window() -> None:
        for days in range(5, 20):
            builder.editor.journey = builder.editor.journey | {"window": f"P{days}D"}

    editing = threading.Thread(target=edit_the_window)
    editing.start()
    funnels = [journey.within(f"P{days}D").run(events, identity=identity).funnel() for days in (10, 20, 30)]
    editing.join()
    builder.wait()
    assert builder.editor.status == "idle", builder.editor.message
    alone = [journey.within(f"P{days}D").run(events, identity=identity).funnel() for days in (10, 20, 30)]
    for concurrent, sequential in zip(funnels, alone, strict=True):
        pd.testing.assert_frame_equal(concurrent, sequential)
    assert builder.result.journey.window.days == 19


def test_an_edit_interrupts_the_builders_running_query(monkeypatch) -> None:
    import journey_widgets.builder.widget as widget

    events, identity = sample_events(100_000)
    journey = Journey("Interrupted", window="30d").stage("Visited", "page_visited").stage("Met", "meeting_booked")
    builder = JourneyBuilder(events, journey, identity=identity)
    builder.wait()
    interrupts: list[str] = []
    running = threading.Event()
    original = widget._interrupt

    def counted(bound) -> None:
        interrupts.append(bound.table.get_backend().name)
        original(bound)

    monkeypatch.setattr(widget, "_interrupt", counted)
    slow = widget.JourneyResult.compute

    def held_open(*args, **kwargs):  # the query of the first edit is still running when the second comes
        running.set()
        builder.editor.journey = builder.editor.journey | {"window": "P9D"}
        return slow(*args, **kwargs)

    monkeypatch.setattr(widget.JourneyResult, "compute", held_open)
    builder.editor.journey = builder.editor.journey | {"window": "P8D"}
    assert running.wait(30)
    monkeypatch.setattr(widget.JourneyResult, "compute", slow)
    builder.wait()
    assert interrupts == ["duckdb"]
    assert builder.editor.status == "idle", builder.editor.message
    assert builder.result.journey.window.days == 9
