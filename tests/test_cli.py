"""The command line: run prints the SPEC §7 funnel table; errors are one line and a non-zero exit."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from reference import FUNNEL_COLUMNS

from journey_widgets.cli import main
from journey_widgets.sample import write_sample

EXAMPLE = Path(__file__).parent.parent / "examples" / "visitor_to_customer.json"
SAME_PRODUCT = EXAMPLE.with_name("same_product.json")  # hold_constant and a breakdown attributed to stage 2


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, 50_000, seed=2)
    return out


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_run_prints_the_funnel_csv(sample_dir):
    code, out, _ = _cli(
        "run",
        str(EXAMPLE),
        "--events",
        str(sample_dir / "events.parquet"),
        "--identity",
        str(sample_dir / "identity.parquet"),
    )
    assert code == 0
    funnel = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    assert list(funnel.columns) == ["breakdown", *list(FUNNEL_COLUMNS)]
    assert set(funnel.stage) == {"Visited", "Converted", "Met", "Won"}
    assert len(funnel) == 4 * funnel.breakdown.nunique(dropna=False)
    first = funnel[funnel.stage_index == 1]
    assert (first.actors > 0).all() and (first.conversion_from_start == 1.0).all()


def test_run_writes_csv_and_json(sample_dir, tmp_path):
    journey = json.loads(EXAMPLE.read_text())
    del journey["breakdown"]
    journey_file = tmp_path / "j.json"
    journey_file.write_text(json.dumps(journey))
    for suffix in (".csv", ".json"):
        target = tmp_path / f"funnel{suffix}"
        code, _, _ = _cli(
            "run", str(journey_file), "--events", str(sample_dir / "events.parquet"), "--output", str(target)
        )
        assert code == 0
        table = pd.read_csv(target) if suffix == ".csv" else pd.read_json(target)
        assert list(table.columns) == list(FUNNEL_COLUMNS) and len(table) == 4


@pytest.mark.parametrize(
    "options",
    [{}, {"order": "strict"}, {"breakdown": {"property": "form_id", "limit": 5, "attribution": "last_touch"}}],
    ids=["held-at-stage-2", "strict", "last-touch"],
)
def test_run_takes_the_journey_options_from_the_file(sample_dir, tmp_path, options):
    """Strict order, held properties and attribution flow from the file: the CLI prints what the API computes."""
    from journey_widgets import Journey

    journey_file = tmp_path / "j.json"
    journey_file.write_text(json.dumps(json.loads(SAME_PRODUCT.read_text()) | options))
    events, identity = str(sample_dir / "events.parquet"), str(sample_dir / "identity.parquet")
    code, out, err = _cli("run", str(journey_file), "--events", events, "--identity", identity)
    assert code == 0, err
    printed = pd.read_csv(io.StringIO(out), keep_default_na=False, na_values=[""])
    journey = Journey.load(journey_file)
    assert journey.hold_constant == ("product_id",) and journey.order == options.get("order", "ordered")
    expected = journey.run(events, identity=identity).funnel()
    pd.testing.assert_frame_equal(printed, expected.astype(printed.dtypes.to_dict()), check_dtype=False)
    assert printed[printed.stage_index == 3].actors.sum() > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.json", "--events", "x.parquet"], "cannot read the journey file 'missing.json'"),
        (["run", str(EXAMPLE), "--events", "nope.parquet"], "the events file 'nope.parquet' does not exist"),
        (["run", str(EXAMPLE), "--events", "x.parquet", "--output", "f.txt"], "--output must end in one of"),
        (["sample", "--events", "0", "--out", "x"], "--events must be at least 1"),
    ],
)
def test_errors_are_one_line(args, message):
    code, _, err = _cli(*args)
    assert code == 1
    assert message in err and err.count("\n") == 1


def test_bad_journey_file_names_the_problem(tmp_path, sample_dir):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "version": 1,
                "name": "x",
                "stages": [
                    {
                        "name": "A",
                        "steps": [
                            {"event": "page_visited", "filters": [{"property": "colour", "op": "eq", "value": "red"}]}
                        ],
                    }
                ],
            }
        )
    )
    code, _, err = _cli("run", str(bad), "--events", str(sample_dir / "events.parquet"))
    assert code == 1 and "unknown property 'colour'" in err


def test_installed_entry_point_and_light_start_up(tmp_path):
    done = subprocess.run([sys.executable, "-m", "journey_widgets.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "run" in done.stdout and "sample" in done.stdout
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "journey_widgets.cli", "--help"], capture_output=True, text=True
    ).stderr
    assert " ibis" not in imports and "altair" not in imports and "pandas" not in imports


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_run_writes_the_funnel_chart(sample_dir, tmp_path, suffix):
    target = tmp_path / f"funnel{suffix}"
    code, _, err = _cli("run", str(EXAMPLE), "--events", str(sample_dir / "events.parquet"), "--output", str(target))
    assert code == 0, err
    content = target.read_bytes()
    assert content.startswith(b"\x89PNG") if suffix == ".png" else b"<html" in content.lower()


def test_result_sql_for_warehouses(sample_dir):
    from journey_widgets import Journey

    result = Journey.load(EXAMPLE).run(str(sample_dir / "events.parquet"))
    for dialect in ("duckdb", "snowflake", "bigquery", "trino"):
        sql = result.to_sql(dialect)
        assert "occurred_at" in sql and "event_type" in sql, dialect


def test_catalog_and_validate_commands():
    code, out, _ = _cli("catalog", "--category", "sms")
    assert code == 0 and out.count("sms_") == 5
    code, out, _ = _cli("catalog", "--search", "whatsapp")
    assert code == 0 and "message_opened" in out and "sms_sent" not in out
    code, out, err = _cli("validate", str(EXAMPLE))
    assert code == 0 and json.loads(out)["name"] == "Visitor to customer" and "valid (4 stages)" in err


def test_validate_checks_held_properties_against_the_data(sample_dir, tmp_path):
    events = str(sample_dir / "events.parquet")
    code, out, err = _cli("validate", str(SAME_PRODUCT), "--events", events)
    assert code == 0, err
    assert json.loads(out)["hold_constant"] == ["product_id"] and json.loads(out)["breakdown"]["stage"] == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(json.loads(SAME_PRODUCT.read_text()) | {"hold_constant": ["product_id", "colour"]}))
    code, _, err = _cli("validate", str(bad), "--events", events)
    assert code == 1 and err.count("\n") == 1
    assert "hold_constant 2: unknown property 'colour'" in err


def test_run_as_of_splits_drop_off_from_in_progress(sample_dir, tmp_path):
    """--as-of before all data: every open path is in progress; long after: every window has closed."""
    journey = json.loads(EXAMPLE.read_text())
    del journey["breakdown"]
    journey_file = tmp_path / "j.json"
    journey_file.write_text(json.dumps(journey))
    events = str(sample_dir / "events.parquet")
    funnels = []
    for as_of in ("2000-01-01T00:00:00Z", "2100-01-01T00:00:00+00:00"):
        code, out, _ = _cli("run", str(journey_file), "--events", events, "--as-of", as_of)
        assert code == 0
        funnels.append(pd.read_csv(io.StringIO(out)))
    early, late = funnels
    assert (early.dropped_off == 0).all() and early.in_progress.sum() > 0
    assert (late.in_progress == 0).all() and (early.in_progress == late.dropped_off).all()
    code, _, err = _cli("run", str(journey_file), "--events", events, "--as-of", "soon")
    assert code == 1 and "as_of 'soon' is not an ISO 8601 time" in err and err.count("\n") == 1
