"""Every benchmark journey on the other engines at 300k events: none may take over 60 s.

    .venv/bin/python benchmarks/engines.py [--engines sqlite,postgres,datafusion,polars] [--events 300k]
                                           [--routes default,sql,in_process] [--journeys v2c_4,...]
                                           [--limit 60] [--data benchmarks/data]

Writes the sample data if missing. Each (engine, journey) runs in a fresh process: the sample is loaded
into the engine (PostgreSQL: ``JOURNEY_POSTGRES_URL``, then ``ANALYZE``, as a user's tables have
statistics), then ``Journey.load(...).run(...).funnel()`` is timed, and its actors per stage are compared
with DuckDB's on the same files. A run over ``--limit`` seconds is killed and reported as over the limit.
``--routes`` measures the routes side by side: as the package chooses (``default``), the SQL plan on the
engine (``sql``), or the rows fetched and followed in this process (``in_process``). Prints one table
(seconds, equal to DuckDB or not) and appends it to ``results/engines.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

from common import DEFAULT_DATA, JOURNEY_NAMES, RESULTS, ROUTES, journey_path, parse_size, size_label, use_route
from run import prepare_sample

ENGINES = ("sqlite", "postgres", "datafusion", "polars")
POSTGRES_URL = os.environ.get("JOURNEY_POSTGRES_URL", "postgres://journey:journey@127.0.0.1:5432/journey")
#: Seconds a worker may spend loading the sample into its engine (and running DuckDB to compare), on top of
#: the limit, before it is killed.
LOAD_ALLOWANCE = 240


def _tables(engine: str, folder: Path) -> tuple[object, object]:
    """The sample's events and identity tables on ``engine``."""
    import ibis
    import pyarrow.parquet as pq

    from journey_widgets.sources import read_table

    if engine != "postgres":
        events = read_table(folder / "events.parquet", backend=engine)
        identity = read_table(folder / "identity.parquet", connection=events.get_backend(), what="identity")
        return events, identity
    connection = ibis.connect(POSTGRES_URL)
    tables = []
    for name in ("events", "identity"):
        table = connection.create_table(f"bench_{name}", pq.read_table(folder / f"{name}.parquet"), overwrite=True)
        connection.raw_sql(f"ANALYZE bench_{name}")
        tables.append(table)
    return tables[0], tables[1]


def worker(engine: str, route: str, journey: str, folder: Path) -> dict[str, Any]:
    """Load, run and compare one journey on one engine, its paths computed by ``route``."""
    from journey_widgets import Journey
    from journey_widgets.sources import read_table

    use_route(route)
    definition = Journey.load(journey_path(journey))
    started = perf_counter()
    events, identity = _tables(engine, folder)
    loaded = perf_counter()
    funnel = definition.run(events, identity=identity).funnel()
    seconds = perf_counter() - loaded
    use_route("default")
    expected = definition.run(
        read_table(folder / "events.parquet"), identity=read_table(folder / "identity.parquet", what="identity")
    ).funnel()
    return {
        "load_s": loaded - started,
        "run_s": seconds,
        "equal": funnel["actors"].tolist() == expected["actors"].tolist(),
    }


def measure(engine: str, route: str, journey: str, folder: Path, limit: float) -> dict[str, Any]:
    """``worker`` in a fresh process, killed past the limit (plus the load allowance)."""
    command = [sys.executable, __file__, "--worker", engine, route, journey, "--data", str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit + LOAD_ALLOWANCE)
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {limit + LOAD_ALLOWANCE:.0f} s"}
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        return {"error": lines[-1] if lines else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cell(result: dict[str, Any], limit: float) -> str:
    if "error" in result:
        return f"FAILED: {result['error']}"
    seconds = float(result["run_s"])
    verdict = "" if seconds <= limit else f" **over {limit:.0f} s**"
    return f"{seconds:.2f} s{verdict}{'' if result['equal'] else ' **numbers differ from DuckDB**'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--events", default="300k")
    parser.add_argument("--routes", default="default", help=f"comma-separated, of {', '.join(ROUTES)}")
    parser.add_argument("--journeys", default=",".join(JOURNEY_NAMES))
    parser.add_argument("--limit", type=float, default=60.0, help="seconds a journey may take (default 60)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "ROUTE", "JOURNEY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker, args.data)))
        return
    events = parse_size(args.events)
    folder = prepare_sample(events, args.data.resolve()).events.parent
    journeys = args.journeys.split(",")
    columns = [(engine, route) for engine in args.engines.split(",") for route in args.routes.split(",")]
    lines = [
        f"## {size_label(events)} events, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (limit {args.limit:.0f} s)",
        "",
        f"| journey | {' | '.join(f'{engine} ({route})' for engine, route in columns)} |",
        f"|---|{'---|' * len(columns)}",
    ]
    for journey in journeys:
        cells = []
        for engine, route in columns:
            cells.append(_cell(measure(engine, route, journey, folder, args.limit), args.limit))
            print(f"  {journey:<13} {engine:<11} {route:<11} {cells[-1]}", flush=True)
        lines.append(f"| {journey} | {' | '.join(cells)} |")
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / "engines.md").open("a", encoding="utf-8") as report:
        report.write(table + "\n")


if __name__ == "__main__":
    main()
