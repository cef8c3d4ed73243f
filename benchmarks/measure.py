"""One measurement, in the fresh process ``run.py`` starts for it; writes its results as JSON to ``--result``.

    python benchmarks/measure.py KIND --data DIR --journey NAME --result FILE

Kinds: floor, api (also times building and compiling the expression), pandas, widget (edit refresh
and value suggestions), reference (the API's tables against ``tests/reference.py``), spark_floor and
spark_api (the floor and the API on local Spark, see ``spark.py``). Each times only
the work inside the process: the interpreter's start and the imports come before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter
from typing import Any

import pandas as pd
import pyarrow as pa
from baselines import floor, handwritten, pandas_funnel
from common import HANDWRITTEN, ROOT, THREADS, SampleFiles, event_types, journey_document, journey_path
from spark import measure_spark_api, measure_spark_floor

Measurement = dict[str, Any]
#: Building and compiling the expression: one warm-up, then this many timed repetitions (median).
COMPILE_REPETITIONS = 10
#: Edits timed in the widget (each changes the window, as a browser edit would).
EDITS = 20
#: Value-suggestion searches: the first (empty, cold) is reported apart from the median of the rest.
SEARCHES = ("", "1", "2", "3", "4", "5", "6", "7", "8", "9", "no-such-value")


def measure_floor(files: SampleFiles, name: str) -> list[Measurement]:
    """The floor query, from connecting to DuckDB to the fetched result."""
    return _timed_baseline("floor", floor, files, name, "actor_rows")


def measure_handwritten(query: str) -> Callable[[SampleFiles, str], list[Measurement]]:
    """A measurement of one of ``../shared/perf``'s hand-written queries (for its own journey only)."""

    def measure(files: SampleFiles, name: str) -> list[Measurement]:
        started = perf_counter()
        actors = handwritten(files, query)
        return [{"kind": f"handwritten_{query}", "inprocess_s": perf_counter() - started, "actors": actors}]

    return measure


def measure_api(files: SampleFiles, name: str) -> list[Measurement]:
    """``read_table`` of both files through ``Journey.load(...).run(...).funnel()``; then compile alone."""
    import ibis.backends.duckdb  # noqa: F401  (imported before the clock, as the floor's duckdb is)

    from journey_widgets import Journey

    started = perf_counter()
    events, identity = _read_tables(files)
    funnel = Journey.load(journey_path(name)).run(events, identity=identity).funnel()
    elapsed = perf_counter() - started
    compiles = [_compile_once(name, events, identity) for _ in range(COMPILE_REPETITIONS + 1)][1:]
    return [
        {"kind": "api", "inprocess_s": elapsed, "actors": [int(n) for n in funnel["actors"]]},
        {
            "kind": "compile",
            "inprocess_s": statistics.median(build + sql for build, sql in compiles),
            "build_s": statistics.median(build for build, _ in compiles),
            "sql_s": statistics.median(sql for _, sql in compiles),
        },
    ]


def _read_tables(files: SampleFiles) -> tuple[Any, Any]:
    """Both files on the shared DuckDB connection, set to ``THREADS`` threads."""
    from journey_widgets.sources import read_table

    events = read_table(files.events)
    identity = read_table(files.identity, what="identity")
    events.get_backend().raw_sql(f"SET threads={THREADS}")
    return events, identity


def _compile_once(name: str, events: Any, identity: Any) -> tuple[float, float]:
    """Seconds to load, bind and compile the journey and build its funnel expression as one SQL query (what
    ``to_sql`` compiles; run in process, no query is built this way); then to make its SQL."""
    from dataclasses import replace

    import ibis

    from journey_widgets import Journey
    from journey_widgets.result import JourneyResult

    started = perf_counter()
    compiled = JourneyResult.compute(Journey.load(journey_path(name)), events, identity=identity).compiled
    funnel = replace(compiled, in_process=False).funnel()
    built = perf_counter()
    ibis.to_sql(funnel)
    return built - started, perf_counter() - built


def measure_pandas(files: SampleFiles, name: str) -> list[Measurement]:
    """The notebook user's pandas groupby-apply, from reading the files to the counts per stage."""
    return _timed_baseline("pandas", pandas_funnel, files, name, "actors")


def _timed_baseline(
    kind: str, baseline: Callable[[SampleFiles, dict[str, Any]], Any], files: SampleFiles, name: str, key: str
) -> list[Measurement]:
    """Time ``baseline`` on the journey's document; its result is recorded under ``key``."""
    document = journey_document(name)
    started = perf_counter()
    value = baseline(files, document)
    return [{"kind": kind, "inprocess_s": perf_counter() - started, key: value}]


# ------------------------------------------------------------------------------------------ widget
def measure_widget(files: SampleFiles, name: str) -> list[Measurement]:
    """Edit -> refreshed result in the builder, and value suggestions on the widest property column."""
    from journey_widgets import Journey, JourneyBuilder

    events, identity = _read_tables(files)
    builder = JourneyBuilder(events, Journey.load(journey_path(name)), identity=identity)
    builder.wait()
    refresh = [_time_edit(builder, days) for days in range(10, 10 + EDITS)]
    column, distinct = _widest_property(builder, events)
    replies: list[dict[str, Any]] = []
    builder.editor.send = replies.append  # capture the replies instead of sending them to a browser
    suggest = [_time_suggestion(builder, replies, column, search, i) for i, search in enumerate(SEARCHES)]
    return [
        {"kind": "widget", "inprocess_s": statistics.median(refresh), "samples": refresh},
        {
            "kind": "suggest",
            "inprocess_s": statistics.median(suggest[1:]),
            "cold_s": suggest[0],
            "samples": suggest,
            "property": column,
            "distinct": distinct,
        },
    ]


def _time_edit(builder: Any, days: int) -> float:
    """Seconds from a browser-like edit of the window to the refreshed result."""
    document = builder.editor.journey | {"window": f"P{days}D"}
    started = perf_counter()
    builder.editor.journey = document
    builder.wait()
    elapsed = perf_counter() - started
    if builder.editor.status == "error" or builder.result.journey.window.days != days:
        raise RuntimeError(f"the edit to P{days}D did not refresh: {builder.editor.message or builder.editor.errors}")
    return elapsed


def _widest_property(builder: Any, events: Any) -> tuple[str, int]:
    """The property column with the most distinct values, and that number."""
    names = [column["name"] for column in builder.editor.columns]
    counts = events.aggregate(**{n: events[n].nunique() for n in names}).to_pyarrow().to_pylist()[0]
    widest = max(names, key=lambda n: counts[n])
    return widest, int(counts[widest])


def _time_suggestion(builder: Any, replies: list[dict[str, Any]], column: str, search: str, request: int) -> float:
    """Seconds to answer one suggestion request as the widget does for the browser."""
    started = perf_counter()
    builder._on_message(None, {"type": "suggest", "property": column, "search": search, "id": request}, None)
    elapsed = perf_counter() - started
    if replies[-1].get("id") != request or replies[-1].get("error"):
        raise RuntimeError(f"suggestion request {request} failed: {replies[-1]}")
    return elapsed


# ------------------------------------------------------------------------------------------ reference
def measure_reference(files: SampleFiles, name: str) -> list[Measurement]:
    """Compare the API's funnel and branches with ``tests/reference.py`` on the same data."""
    sys.path.insert(0, str(ROOT / "tests"))
    from compare import assert_tables_equal
    from reference import reference_run

    from journey_widgets import Journey

    document = journey_document(name)
    events, identity = _read_tables(files)
    result = Journey.from_dict(document).run(events, identity=identity)
    events_frame, identity_frame = _reference_frames(files, document)
    started = perf_counter()
    expected = reference_run(events_frame, document, identity_frame, as_of=_latest_time(files))
    elapsed = perf_counter() - started
    failures = []
    for table in ("funnel", "branches"):
        try:
            assert_tables_equal(getattr(result, table)(), expected[table], table)
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    return [{"kind": "reference", "inprocess_s": elapsed, "equal": not failures, "failures": failures}]


def _latest_time(files: SampleFiles) -> Any:
    """When the data ends: the latest time of every row (the reference's frames keep the journey's rows only)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    return pc.max(pq.read_table(files.events, columns=["occurred_at"])["occurred_at"]).as_py()


def _reference_frames(files: SampleFiles, document: dict[str, Any]) -> tuple[Any, Any]:
    """The events and identity as pandas frames with nullable dtypes (as in tests/test_compiler.py),
    keeping only what the reference reads: role and filtered columns, rows of the journey's events (all
    rows in strict order)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    properties = {f["property"] for stage in document["stages"] for s in stage["steps"] for f in s.get("filters", [])}
    properties |= {f["property"] for x in document.get("exclusions", []) for f in x.get("filters", [])}
    if document.get("breakdown"):
        properties.add(document["breakdown"]["property"])
    properties.update(document.get("hold_constant", []))
    roles = ["event_type", "occurred_at", "contact_id", "visitor_id", "deal_id"]
    events = pq.read_table(files.events, columns=roles + sorted(properties - set(roles)))
    if document.get("order") != "strict":  # in strict order every event of an actor counts
        events = events.filter(pc.is_in(events["event_type"], pa.array(event_types(document))))
    nullable = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}.get
    return events.to_pandas(types_mapper=nullable), pq.read_table(files.identity).to_pandas(types_mapper=nullable)


WORKERS: dict[str, Callable[[SampleFiles, str], list[Measurement]]] = {
    "floor": measure_floor,
    "api": measure_api,
    "pandas": measure_pandas,
    "widget": measure_widget,
    "reference": measure_reference,
    **{f"handwritten_{query}": measure_handwritten(query) for query in HANDWRITTEN},
    "spark_floor": measure_spark_floor,
    "spark_api": measure_spark_api,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=sorted(WORKERS))
    parser.add_argument("--data", type=Path, required=True, help="folder with events.parquet and identity.parquet")
    parser.add_argument("--journey", required=True, help="journey name in benchmarks/journeys/")
    parser.add_argument("--result", type=Path, required=True, help="JSON file to write the measurements to")
    args = parser.parse_args()
    measurements = WORKERS[args.kind](SampleFiles.in_folder(args.data), args.journey)
    args.result.write_text(json.dumps(measurements), encoding="utf-8")


if __name__ == "__main__":
    main()
