"""The performance benchmark: journeys through the API and the command line against a DuckDB floor.

    .venv/bin/python benchmarks/run.py [--sizes 1M,10M,50M] [--repeats 3] [--journeys v2c_4,...]
                                       [--data benchmarks/data] [--report-only] [--no-spark]

Per size: writes the sample data if missing, then runs ``--repeats`` rounds; each round runs every
measurement once, each in a fresh process, interleaved (floor, API, CLI of one journey, then the
next journey; at 1M also pandas and the widget; at 1M and 10M the Spark section), so that drift of a
shared machine falls on all alike. At 1M it then checks every journey against the reference
implementation. Raw measurements are appended to ``benchmarks/results/raw-<size>.jsonl``; the report
(``results/report.md``) is rebuilt from them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter, sleep
from typing import Any

from common import (
    BENCHMARKS,
    DEFAULT_DATA,
    HANDWRITTEN,
    HANDWRITTEN_JOURNEY,
    JOURNEY_NAMES,
    RESULTS,
    ROOT,
    SHARED_PERF,
    THREADS,
    SampleFiles,
    append_raw,
    journey_path,
    parse_size,
    read_raw,
    size_label,
)
from report import build_report

#: The size at which pandas, the widget and the reference check run (they are too slow above it).
SMALL = 1_000_000
#: The journey that pandas and the widget use.
WIDGET_JOURNEY = "v2c_4"
#: The Spark section: these journeys at these sizes (local Spark on 2 cores is slow above them).
SPARK_JOURNEYS = ("v2c_4", "long_20")
SPARK_SIZES = (1_000_000, 10_000_000)
#: No measurement process may run longer than this (seconds); the reference check has its own limit.
TIMEOUT = 3600
#: Seconds to wait before the one retry of a failed process (a file being edited may be half-written).
RETRY_PAUSE = 15


def _commit() -> str:
    """The checked-out commit, marked ``+dirty`` when the package has uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changes = subprocess.run(
        [*git, "status", "--porcelain", "--", "journey_widgets"], capture_output=True, text=True
    ).stdout.strip()
    return f"{head or 'unknown'}{'+dirty' if changes else ''}"


@dataclass(frozen=True)
class Run:
    """One invocation at one size: what every raw record of it shares."""

    run_id: str
    events: int
    files: SampleFiles

    @property
    def label(self) -> str:
        return size_label(self.events)

    def record(self, kind: str, journey: str, repeat: int, **values: Any) -> dict[str, Any]:
        """A raw measurement record."""
        return {
            "run": self.run_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _commit(),  # per record: the package may change during a run
            "size": self.label,
            "events": self.events,
            "threads": THREADS,
            "cpus": os.cpu_count(),
            "kind": kind,
            "journey": journey,
            "repeat": repeat,
            **values,
        }


@dataclass(frozen=True)
class Finished:
    """A finished child process: its wall time, peak resident memory and exit."""

    wall_s: float
    peak_mib: float
    returncode: int
    stderr: str


def run_process(command: list[str], timeout: float) -> Finished:
    """Run ``command``; wall time from start to exit, peak RSS of that child from ``wait4``."""
    with tempfile.TemporaryFile() as stderr:
        started = perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        text = stderr.read().decode(errors="replace")
    if process.returncode == -signal.SIGKILL:
        text = f"killed after the {timeout:.0f} s limit\n{text}"
    return Finished(wall, usage.ru_maxrss / 1024, process.returncode, text)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


# ------------------------------------------------------------------------------------------ measurements
def measure(run: Run, kind: str, journey: str, repeat: int, timeout: float = TIMEOUT) -> None:
    """A worker of ``measure.py`` in a fresh process (retried once on failure); records its results."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.json"
        command = [sys.executable, str(BENCHMARKS / "measure.py"), kind, "--data", str(run.files.events.parent)]
        command += ["--journey", journey, "--result", str(result)]
        finished, retried = _with_retry(lambda: run_process(command, timeout))
        if finished.returncode != 0:
            _record(run.record(kind, journey, repeat, ok=False, error=_last_line(finished.stderr), retried=retried))
            return
        measurements = json.loads(result.read_text(encoding="utf-8"))
    for index, values in enumerate(measurements):
        process = {"wall_s": finished.wall_s, "peak_mib": finished.peak_mib} if index == 0 else {}
        _record(run.record(values.pop("kind"), journey, repeat, ok=True, retried=retried, **process, **values))


def measure_cli(run: Run, journey: str, repeat: int) -> None:
    """``journey-widgets run`` as a user runs it: the whole process, printing JSON to /dev/null."""
    command = [str(Path(sys.executable).with_name("journey-widgets")), "run", str(journey_path(journey))]
    command += ["--events", str(run.files.events), "--identity", str(run.files.identity), "--format", "json"]
    finished, retried = _with_retry(lambda: run_process(command, TIMEOUT))
    values: dict[str, Any] = {"ok": finished.returncode == 0, "retried": retried}
    if finished.returncode == 0:
        values |= {"wall_s": finished.wall_s, "peak_mib": finished.peak_mib}
    else:
        values["error"] = _last_line(finished.stderr)
    _record(run.record("cli", journey, repeat, **values))


def _with_retry(start: Callable[[], Finished]) -> tuple[Finished, str | None]:
    """Run once more when the first attempt fails (the compiler may be mid-edit), not when it was
    killed for taking too long; also the first attempt's error."""
    finished = start()
    if finished.returncode in (0, -signal.SIGKILL):
        return finished, None
    first_error = _last_line(finished.stderr)
    print(f"    failed ({first_error}); retrying once in {RETRY_PAUSE} s", flush=True)
    sleep(RETRY_PAUSE)
    return start(), first_error


def _record(record: dict[str, Any]) -> None:
    append_raw(record)
    print(f"    {_describe(record)}", flush=True)


def _describe(record: dict[str, Any]) -> str:
    """One progress line for a record."""
    head = f"{record['kind']:<9} {record['journey']:<12} "
    if not record["ok"]:
        return f"{head}FAILED: {record['error']}"
    parts = []
    if "inprocess_s" in record:
        parts.append(f"{_duration(record['inprocess_s'])} in-process")
    if "wall_s" in record:
        parts.append(f"{_duration(record['wall_s'])} wall, {record['peak_mib']:.0f} MiB peak")
    if record["kind"] == "reference":
        parts.append("equal" if record["equal"] else f"DIFFERENT: {record['failures']}")
    return head + ", ".join(parts)


def _duration(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


# ------------------------------------------------------------------------------------------ schedule
def prepare_sample(events: int, data: Path) -> SampleFiles:
    """The sample files of this size, written by ``journey-widgets sample`` unless they exist."""
    folder = data / size_label(events)
    files = SampleFiles.in_folder(folder)
    if files.exist():
        return files
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"writing {events:,} sample events to {folder} ...", flush=True)
    command = [str(Path(sys.executable).with_name("journey-widgets")), "sample", "--events", str(events)]
    subprocess.run([*command, "--out", str(partial)], check=True, cwd=ROOT)
    partial.rename(folder)
    return files


def run_size(run: Run, journeys: list[str], repeats: int, reference_timeout: float, spark: bool) -> None:
    """Every round at one size, then (at 1M) the reference check."""
    small = run.events == SMALL and WIDGET_JOURNEY in journeys
    if HANDWRITTEN_JOURNEY in journeys and not SHARED_PERF.is_dir():
        print(f"hand-written queries skipped: {SHARED_PERF} is not beside the repository", flush=True)
    for repeat in range(1, repeats + 1):
        print(f"[{run.label}] round {repeat}/{repeats}", flush=True)
        for journey in journeys:
            measure(run, "floor", journey, repeat)
            measure(run, "api", journey, repeat)
            measure_cli(run, journey, repeat)
            if journey == HANDWRITTEN_JOURNEY and SHARED_PERF.is_dir():  # the queries live beside the repository
                for query in HANDWRITTEN:
                    measure(run, f"handwritten_{query}", journey, repeat)
        if small:
            measure(run, "pandas", WIDGET_JOURNEY, repeat)
            measure(run, "widget", WIDGET_JOURNEY, repeat)
        if spark and run.events in SPARK_SIZES:
            for journey in SPARK_JOURNEYS:
                measure(run, "spark_floor", journey, repeat)
                measure(run, "spark_api", journey, repeat)
    if run.events == SMALL:
        print(f"[{run.label}] reference check", flush=True)
        for journey in journeys:
            measure(run, "reference", journey, 1, timeout=reference_timeout)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M,50M", help="numbers of events, comma-separated (default 1M,10M,50M)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per size (default 3)")
    parser.add_argument("--journeys", default=",".join(JOURNEY_NAMES), help="journey names, comma-separated")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="sample data folder (default benchmarks/data)")
    parser.add_argument("--report-only", action="store_true", help="only rebuild the report from the raw results")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark section (1M and 10M)")
    parser.add_argument(
        "--reference-timeout", type=float, default=300, help="seconds per reference check (default 300)"
    )
    args = parser.parse_args()
    unknown = set(args.journeys.split(",")) - set(JOURNEY_NAMES)
    if unknown:
        parser.error(f"unknown journeys {sorted(unknown)}: choose from {', '.join(JOURNEY_NAMES)}")
    return args


def main() -> None:
    args = _arguments()
    if not args.report_only:
        started = perf_counter()
        for events in sorted(parse_size(size) for size in args.sizes.split(",")):
            files = prepare_sample(events, args.data.resolve())
            run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{size_label(events)}"
            run_size(
                Run(run_id, events, files),
                args.journeys.split(","),
                args.repeats,
                args.reference_timeout,
                not args.no_spark,
            )
        print(f"measured in {(perf_counter() - started) / 60:.1f} min", flush=True)
    report = build_report(read_raw())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report.md").write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
