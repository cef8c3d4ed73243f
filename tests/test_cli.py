"""The command line: run prints the funnel table (docs/semantics.md#result-tables); errors are one line, exit 1."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from inputs import stage, step_doc, with_filter
from reference import FUNNEL_COLUMNS

from journey_widgets import Journey
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


_SUBMITTED_OPTIONAL = [
    dict(stage, optional=True) if k == 2 else stage
    for k, stage in enumerate(json.loads(SAME_PRODUCT.read_text())["stages"], start=1)
]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"order": "strict"},
        {"breakdown": {"property": "form_id", "limit": 5, "attribution": "last_touch"}},
        {"stages": _SUBMITTED_OPTIONAL},
    ],
    ids=["held-at-stage-2", "strict", "last-touch", "optional-stage-2"],
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
    assert ("optional" in printed) == journey.has_optional_stages


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


# ---------------------------------------------------------------------------------------- cli-* (bad inputs)
@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    good = {"version": 1, "name": "J", "stages": [{"name": "A", "steps": [{"event": "page_visited"}]}]}
    texts = {
        "good.json": json.dumps(good),
        "malformed.json": json.dumps(good)[:-3],
        "empty.json": "",
        "list.json": "[1, 2]",
        "v2.json": json.dumps({**good, "version": 2}),
        "nostages.json": json.dumps({**good, "stages": []}),
        "badfilter.json": json.dumps(with_filter(property="country", op="between", value=[1])),
        "colour.json": json.dumps(with_filter(property="colour", op="eq", value="red") | {"breakdown": None}),
        "typo.json": json.dumps({**good, "stages": [{"name": "A", "steps": [{"event": "page_visitd"}]}]}),
        "anonymous.json": json.dumps(step_doc(1, 0, include_anonymous=True)),
        "duplicate.json": json.dumps(stage(1, name="Visited")),
        "events.csv": "event_type,occurred_at,contact_id,visitor_id\npage_visited,2026-01-01 10:00:00,1,v1\n",
        "nocolumn.csv": "event_type,contact_id\npage_visited,1\n",
        "textdates.csv": "event_type,occurred_at,contact_id\npage_visited,yesterday,1\n",
        "empty.csv": "",
        "identity.csv": "cookie,contact_id\nv1,1\n",
        "events.txt": "not a table\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "latin1.json").write_bytes('{"name": "Kundereise ø"}'.encode("latin-1"))
    (folder / "corrupt.parquet").write_bytes(b"PAR1 this is not parquet")
    (folder / "adir.json").mkdir()
    return folder


CLI_CASES = [
    (
        "cli-run-journey-missing",
        ["run", "{d}/missing.json", "--events", "{d}/events.csv"],
        ["'{d}/missing.json'", "No such file"],
    ),
    (
        "cli-run-journey-is-a-folder",
        ["run", "{d}/adir.json", "--events", "{d}/events.csv"],
        ["'{d}/adir.json'", "Is a directory"],
    ),
    ("cli-run-journey-malformed", ["run", "{d}/malformed.json", "--events", "{d}/events.csv"], ["not valid JSON"]),
    ("cli-run-journey-empty", ["run", "{d}/empty.json", "--events", "{d}/events.csv"], ["not valid JSON"]),
    (
        "cli-run-journey-not-utf8",
        ["run", "{d}/latin1.json", "--events", "{d}/events.csv"],
        ["'{d}/latin1.json'", "UTF-8"],
    ),
    (
        "cli-run-journey-not-an-object",
        ["run", "{d}/list.json", "--events", "{d}/events.csv"],
        ["JSON object, got list"],
    ),
    ("cli-run-journey-version-2", ["run", "{d}/v2.json", "--events", "{d}/events.csv"], ["unknown journey version 2"]),
    ("cli-run-journey-no-stages", ["run", "{d}/nostages.json", "--events", "{d}/events.csv"], ["has no stages"]),
    (
        "cli-run-journey-bad-filter",
        ["run", "{d}/badfilter.json", "--events", "{d}/events.csv"],
        ["stage 1, step 1, filter 1", "two values"],
    ),
    (
        "cli-run-unknown-property",
        ["run", "{d}/colour.json", "--events", "{d}/events.csv"],
        ["unknown property 'colour'"],
    ),
    (
        "cli-run-events-missing",
        ["run", "{d}/good.json", "--events", "{d}/nope.parquet"],
        ["'{d}/nope.parquet' does not exist"],
    ),
    ("cli-run-events-unknown-suffix", ["run", "{d}/good.json", "--events", "{d}/events.txt"], ["use .parquet or .csv"]),
    (
        "cli-run-events-corrupt-parquet",
        ["run", "{d}/good.json", "--events", "{d}/corrupt.parquet"],
        ["corrupt.parquet"],
    ),
    (
        "cli-run-events-missing-column",
        ["run", "{d}/good.json", "--events", "{d}/nocolumn.csv"],
        ["no column 'occurred_at'"],
    ),
    (
        "cli-run-events-text-timestamps",
        ["run", "{d}/good.json", "--events", "{d}/textdates.csv"],
        ["has type string, expected timestamp"],
    ),
    ("cli-run-events-empty-file", ["run", "{d}/good.json", "--events", "{d}/empty.csv"], ["no column 'event_type'"]),
    (
        "cli-run-identity-missing",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--identity", "{d}/nope.csv"],
        ["the identity file '{d}/nope.csv' does not exist"],
    ),
    (
        "cli-run-identity-wrong-columns",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--identity", "{d}/identity.csv"],
        ["the identity table has no column 'visitor_id'", "'cookie'"],
    ),
    (
        "cli-run-format-conflicts-with-output",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--format", "json", "--output", "{d}/funnel.csv"],
        ["--format json conflicts with --output '{d}/funnel.csv'", "'{d}/funnel.json'"],
    ),
    (
        "cli-run-output-bad-suffix",
        ["run", "{d}/good.json", "--events", "{d}/events.csv", "--output", "{d}/funnel.xlsx"],
        ["--output must end in one of", "funnel.xlsx"],
    ),
    (
        "cli-validate-unknown-property-against-data",
        ["validate", "{d}/colour.json", "--events", "{d}/events.csv"],
        ["unknown property 'colour'"],
    ),
    ("cli-validate-missing", ["validate", "{d}/missing.json"], ["cannot read the journey file '{d}/missing.json'"]),
    ("cli-validate-malformed", ["validate", "{d}/malformed.json"], ["not valid JSON"]),
    ("cli-validate-not-utf8", ["validate", "{d}/latin1.json"], ["not UTF-8"]),
    ("cli-validate-anonymous", ["validate", "{d}/anonymous.json"], ["stage 2, step 1: event 'form_submission'"]),
    ("cli-validate-duplicate-stages", ["validate", "{d}/duplicate.json"], ["stage 2: name 'Visited' is already used"]),
    (
        "cli-sample-zero-events",
        ["sample", "--events", "0", "--out", "{d}/sample"],
        ["--events must be at least 1, got 0"],
    ),
]


def _format(args: list[str], folder: Path) -> list[str]:
    return [a.replace("{d}", str(folder)) for a in args]


@pytest.mark.parametrize(("args", "needles"), [pytest.param(a, n, id=i) for i, a, n in CLI_CASES])
def test_cli_errors_are_one_line(args, needles, files, capsys):
    code = main(_format(args, files))
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("journey-widgets: error: "), err
    assert "Traceback" not in err
    for needle in _format(needles, files):
        assert needle in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(
            ["run", "{d}/good.json", "--events", "{d}/events.csv", "--backend", "oracle"],
            "invalid choice: 'oracle'",
            id="cli-run-unknown-backend",
        ),
        pytest.param(
            ["run", "{d}/good.json"], "the following arguments are required: --events", id="cli-run-without-events"
        ),
        pytest.param(["frobnicate"], "invalid choice: 'frobnicate'", id="cli-unknown-command"),
    ],
)
def test_cli_usage_errors_end_with_one_error_line(args, needle, files, capsys):
    with pytest.raises(SystemExit) as info:
        main(_format(args, files))
    err = capsys.readouterr().err
    assert info.value.code == 2 and "Traceback" not in err
    assert needle in err.strip().splitlines()[-1] and "error:" in err.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(
            ["run", "{d}/malformed.json", "--events", "{d}/events.csv"],
            "not valid JSON",
            id="cli-process-malformed-journey",
        ),
        pytest.param(
            ["run", "{d}/good.json", "--events", "{d}/corrupt.parquet"],
            "corrupt.parquet",
            id="cli-process-corrupt-events",
        ),
        pytest.param(["validate", "{d}/latin1.json"], "not UTF-8", id="cli-process-not-utf8"),
    ],
)
def test_cli_process_exits_non_zero_with_one_line(args, needle, files):
    done = subprocess.run(
        [sys.executable, "-m", "journey_widgets.cli", *_format(args, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and needle in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        pytest.param(
            ["run", "{d}/typo.json", "--events", "{d}/events.csv"],
            "stage 1 ('A'), step 1 (page_visitd): unknown event type 'page_visitd': in neither the step catalog "
            "nor the events data, so it matches no event (did you mean 'page_visited'?)",
            id="cli-run-unknown-event-warns",
        ),
        pytest.param(
            ["validate", "{d}/typo.json", "--events", "{d}/events.csv"],
            "unknown event type 'page_visitd': in neither the step catalog nor the events data",
            id="cli-validate-unknown-event-against-data-warns",
        ),
        pytest.param(
            ["validate", "{d}/typo.json"],
            "stage 1 ('A'), step 1 (page_visitd): unknown event type 'page_visitd': not in the step catalog "
            "(did you mean 'page_visited'?)",
            id="cli-validate-unknown-event-against-catalog-warns",
        ),
        pytest.param(
            ["validate", "{d}/colour.json"],
            "filter 1 (colour eq): property 'colour' is not in the step catalog",
            id="cli-validate-unknown-property-against-catalog-warns",
        ),
    ],
)
def test_cli_warnings_are_one_line_each_and_the_command_succeeds(args, warning, files, capsys):
    code = main(_format(args, files))
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.startswith("journey-widgets: warning: ")]
    assert code == 0 and out, err
    assert len([line for line in lines if warning in line]) == 1, err


def test_cli_validate_prints_a_good_unicode_journey(tmp_path, capsys):
    path = tmp_path / "ø.json"
    Journey("Kundereise 🚀").stage("Besøkt", "page_visited").save(path)
    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert Journey.from_json(out) == Journey.load(path) and "valid (1 stages)" in err
