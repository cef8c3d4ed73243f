"""Queries over a second show a running elapsed time (tqdm.auto), in the API and on the command line."""

from __future__ import annotations

import io
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from journey_widgets import Journey, progress, sample_events
from journey_widgets.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "visitor_to_customer.json"


@pytest.fixture
def watched(monkeypatch):
    """As if in a notebook or on a terminal, with a short delay before the status shows."""
    monkeypatch.setattr(progress, "_interactive", lambda: True)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.05)


def _stderr_of(action) -> str:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        action()
    return err.getvalue()


def test_slow_work_shows_its_elapsed_time_and_quick_work_nothing(watched):
    def slow() -> None:
        with progress.elapsed("slow"):
            time.sleep(0.3)

    assert "slow: running 00:0" in _stderr_of(slow)

    def quick() -> None:
        with progress.elapsed("quick"):
            pass

    assert _stderr_of(quick) == ""


def test_nothing_is_shown_when_no_one_watches(monkeypatch):
    monkeypatch.setattr(progress, "_interactive", lambda: False)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)

    def slow() -> None:
        with progress.elapsed("slow"):
            time.sleep(0.2)

    assert _stderr_of(slow) == ""


def test_run_tables_show_progress_unless_turned_off(watched, monkeypatch):
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    events, identity = sample_events(20_000, seed=1)
    journey = Journey.load(EXAMPLE)
    assert "Visitor to customer: funnel: running" in _stderr_of(journey.run(events, identity=identity).funnel)
    quiet = journey.run(events, identity=identity)
    quiet.progress = False
    assert _stderr_of(quiet.funnel) == ""


def test_cli_run_shows_progress(watched, monkeypatch, tmp_path):
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    events, _ = sample_events(20_000, seed=1)
    events_file = tmp_path / "events.parquet"
    import pyarrow.parquet as pq

    pq.write_table(events, events_file)
    err = _stderr_of(lambda: main(["run", str(EXAMPLE), "--events", str(events_file)]))
    assert "Visitor to customer: funnel: running" in err


def test_the_environment_turns_progress_off(monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("JOURNEY_WIDGETS_PROGRESS", "1")
    assert progress._interactive()
    monkeypatch.setenv("JOURNEY_WIDGETS_PROGRESS", "0")
    assert not progress._interactive()
