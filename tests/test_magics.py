"""The IPython magics, through IPython's own shell: ``%%journey`` runs the journey in its body, ``-o`` keeps the
result, errors are one line, ``%journey sql`` prints SQL and ``%journey open`` edits a journey file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from cases import ev, events_frame
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from traitlets.config import Config

from journey_widgets import Journey, JourneyDefinitionError, JourneyError
from journey_widgets.result import JourneyResult

BODY = json.dumps(
    {
        "version": 1,
        "name": "Visit to form",
        "window": "PT60M",
        "stages": [
            {"name": "Visited", "steps": [{"event": "page_visited"}]},
            {"name": "Converted", "steps": [{"event": "form_submission"}]},
        ],
    },
    indent=2,
)
EVENTS = events_frame(
    [ev("page_visited", 0, 1), ev("form_submission", 10, 1), ev("page_visited", 0, 2), ev("page_visited", 5, 3)]
)


@pytest.fixture(scope="module")
def shell():
    config = Config()
    config.HistoryManager.hist_file = ":memory:"  # nothing written under ~/.ipython
    ip = InteractiveShell.instance(config=config)
    ip.run_line_magic("load_ext", "journey_widgets")
    yield ip
    InteractiveShell.clear_instance()  # other tests see no IPython shell


@pytest.fixture
def ns(shell):
    shell.user_ns.update(events=EVENTS.copy())
    yield shell.user_ns
    for name in ("events", "kept", "funnel"):
        shell.user_ns.pop(name, None)


def run(shell, code: str):
    with capture_output() as captured:
        result = shell.run_cell(code)
    return result, captured


def test_the_cell_body_is_the_journey_and_the_result_is_shown(shell, ns):
    result, captured = run(shell, f"%%journey events\n{BODY}")
    assert result.success, captured.stderr + captured.stdout
    assert isinstance(result.result, JourneyResult)
    assert list(result.result.funnel()["actors"]) == [3, 1]
    # the cell's value, displayed as journey.run(...) is (a notebook shows its HTML; this shell its repr)
    assert "<JourneyResult 'Visit to form' on duckdb: 2 stages, 3 started → 1 reached the last>" in captured.stdout


def test_o_keeps_the_result(shell, ns):
    result, captured = run(shell, f"%%journey events -o kept --as-of 2026-01-05T02:00:00Z\n{BODY}")
    assert result.success, captured.stderr + captured.stdout
    kept = ns["kept"]
    assert isinstance(kept, JourneyResult) and kept.journey == Journey.from_json(BODY)
    assert list(kept.funnel()["actors"]) == [3, 1]


def test_bad_json_is_one_line_naming_it(shell, ns):
    result, captured = run(shell, '%%journey events\n{"version": 1, "stages": [')
    assert isinstance(result.error_in_exec, JourneyDefinitionError)
    text = captured.stdout + captured.stderr
    assert "JourneyDefinitionError: the journey is not valid JSON" in text
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1


def test_an_invalid_journey_names_the_place(shell, ns):
    body = json.dumps({"version": 1, "stages": [{"name": "A", "steps": [{"event": "page_visited"}]}], "order": "x"})
    result, captured = run(shell, f"%%journey events\n{body}")
    assert isinstance(result.error_in_exec, JourneyDefinitionError)
    assert "order" in str(result.error_in_exec) and "Traceback" not in captured.stdout + captured.stderr


def test_an_unknown_table_is_one_line_listing_the_tables(shell, ns):
    result, captured = run(shell, f"%%journey evnts\n{BODY}")
    assert isinstance(result.error_in_exec, JourneyError)
    text = (captured.stdout + captured.stderr).strip()
    assert text == "ArgumentError: no variable named 'evnts' in the notebook (tables here: events)"


def test_a_backend_error_is_one_line_too(shell, ns):
    ns["events"] = pd.DataFrame({"event_type": ["page_visited"]})  # no time column
    result, captured = run(shell, f"%%journey events\n{BODY}")
    assert isinstance(result.error_in_exec, JourneyError)
    assert "Traceback" not in captured.stdout + captured.stderr
    assert len((captured.stdout + captured.stderr).strip().splitlines()) == 1


def test_sql_prints_the_warehouse_sql(shell, ns, tmp_path):
    path = tmp_path / "j.journey.json"
    Journey.from_json(BODY).save(path)
    result, captured = run(shell, f"%journey sql {path} snowflake")
    assert result.success, captured.stderr
    assert captured.stdout.lstrip().upper().startswith(("WITH", "SELECT"))
    assert "form_submission" in captured.stdout


def test_sql_of_an_unknown_dialect_is_one_line(shell, ns, tmp_path):
    path = tmp_path / "j.journey.json"
    Journey.from_json(BODY).save(path)
    result, captured = run(shell, f"%journey sql {path} no_such_dialect")
    assert isinstance(result.error_in_exec, JourneyError)
    assert len((captured.stdout + captured.stderr).strip().splitlines()) == 1


def test_a_wrong_line_says_how_to_use_it(shell, ns):
    result, captured = run(shell, "%journey opn x.json")
    assert isinstance(result.error_in_exec, JourneyError)
    assert "%journey open PATH [EVENTS]" in captured.stdout + captured.stderr


def test_open_creates_the_file_and_save_writes_the_builders_journey(shell, ns, tmp_path):
    path = tmp_path / "new.journey.json"
    result, captured = run(shell, f"%journey open {path} events")
    assert result.success, captured.stderr
    opened = result.result
    assert Journey.load(path) == Journey.load(path).check_complete() and len(Journey.load(path).stages) == 1
    opened.builder.journey = Journey.load(path).stage("Converted", "form_submission")
    opened._button.click()
    again = Journey.load(path)
    assert [s.name for s in again.stages] == ["Visited", "Converted"]
    assert path.read_text() == again.to_json() + "\n"  # as journey.save writes it
    assert opened._status.value == f"saved {path}"


def test_open_refuses_to_save_an_invalid_journey(shell, ns, tmp_path):
    path = tmp_path / "kept.journey.json"
    Journey("Kept").stage("Visited", "page_visited").save(path)
    before = path.read_text()
    result, _ = run(shell, f"%journey open {path} events")
    opened = result.result
    opened.builder.editor.journey = {"version": 1, "name": "", "stages": []}
    opened._button.click()
    assert path.read_text() == before and opened._status.value.startswith("not saved: ")


def test_open_with_the_sample_data_by_default(shell, ns, tmp_path: Path):
    result, captured = run(shell, f"%journey open {tmp_path / 'sample.journey.json'}")
    assert result.success, captured.stderr
    builder = result.result.builder
    builder.wait()
    assert builder.result is not None and builder.result.funnel()["actors"].iloc[0] > 0
