"""Account for every second of ``Journey.run(...).funnel()`` on DuckDB: each query it executes, and the Python.

    python benchmarks/profile.py JOURNEY --size 10M [--data DIR] [--route sql]

Runs in a fresh process (run it as a script). The imports are timed first, then ``read_table`` of the sample
files, then the API call, during which every statement sent to DuckDB is recorded: its SQL size, its wall time
from being sent to its result fetched, and its rows out. Compiling expressions to SQL (Ibis and sqlglot) is
timed apart from executing them; what is left of the API time is Python building the plan. The table ends
with the share of the measured time its rows account for. ``--route sql`` computes the paths with the SQL
plan every other engine runs instead of in this process (the route before the in-process pass).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

started = perf_counter()
import duckdb  # noqa: E402  (timed: the imports are a row of the profile)
import ibis  # noqa: E402

import journey_widgets  # noqa: E402
from journey_widgets.result import JourneyResult, result_frame  # noqa: E402
from journey_widgets.sources import read_table  # noqa: E402

IMPORTS_S = perf_counter() - started
started = perf_counter()
from journey_widgets.compiler.kernels import warm_up  # noqa: E402

warm_up()
KERNELS_S = perf_counter() - started

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEFAULT_DATA, THREADS, SampleFiles, journey_path, parse_size, size_label, use_route  # noqa: E402


@dataclass
class Statement:
    """One statement sent to DuckDB."""

    sql: str
    seconds: float = 0.0
    rows: int | None = None

    @property
    def what(self) -> str:
        """A short name: the table a statement creates, else its first words."""
        created = re.search(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\w*\s+)?(?:TABLE|VIEW)\s+(\S+)", self.sql, re.I)
        if created:
            return f"create {created.group(1).strip(chr(34))}"
        return " ".join(self.sql.split())[:48]


@dataclass
class Recorder:
    """The statements of a run, in order, and the time spent compiling expressions to SQL."""

    statements: list[Statement] = field(default_factory=list)
    compile_s: float = 0.0

    def timed(self, statement: Statement, call: Any, *args: Any, **kwargs: Any) -> Any:
        began = perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            statement.seconds += perf_counter() - began


class _Result:
    """A relation or cursor whose fetches count towards the statement that made it."""

    FETCHES = ("arrow", "to_arrow_table", "fetch_arrow_table", "fetchall", "fetchone", "df", "fetchdf", "pl")

    def __init__(self, inner: Any, statement: Statement, recorder: Recorder) -> None:
        self._inner, self._statement, self._recorder = inner, statement, recorder

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name not in self.FETCHES:
            return attribute

        def fetch(*args: Any, **kwargs: Any) -> Any:
            out = self._recorder.timed(self._statement, attribute, *args, **kwargs)
            self._statement.rows = _row_count(out)
            return out

        return fetch


class _Connection:
    """The DuckDB connection Ibis uses, recording every statement sent through it."""

    def __init__(self, inner: duckdb.DuckDBPyConnection, recorder: Recorder) -> None:
        self._inner, self._recorder = inner, recorder

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _send(self, method: str, query: Any, *args: Any, **kwargs: Any) -> _Result:
        statement = Statement(str(query))
        self._recorder.statements.append(statement)
        out = self._recorder.timed(statement, getattr(self._inner, method), query, *args, **kwargs)
        return _Result(out, statement, self._recorder)

    def execute(self, query: Any, *args: Any, **kwargs: Any) -> _Result:
        return self._send("execute", query, *args, **kwargs)

    def sql(self, query: Any, *args: Any, **kwargs: Any) -> _Result:
        return self._send("sql", query, *args, **kwargs)


def _busy(recorder: Recorder) -> float:
    return sum(s.seconds for s in recorder.statements)


def _row_count(out: Any) -> int | None:
    for attribute in ("num_rows", "__len__"):
        value = getattr(out, attribute, None)
        if value is not None:
            return value() if callable(value) else int(value)
    return None


def profile(journey_name: str, files: SampleFiles) -> tuple[list[tuple[str, int | None, float, int | None]], float]:
    """The profile's rows (what, SQL characters, seconds, rows out) and the measured total in seconds."""
    began = perf_counter()
    events = read_table(files.events)
    identity = read_table(files.identity, what="identity")
    backend = events.get_backend()
    backend.raw_sql(f"SET threads={THREADS}")
    read_s = perf_counter() - began

    recorder = Recorder()
    backend.con = _Connection(backend.con, recorder)
    compile_sql = backend.compile

    def timed_compile(*args: Any, **kwargs: Any) -> Any:
        began = perf_counter()
        try:
            return compile_sql(*args, **kwargs)
        finally:
            recorder.compile_s += perf_counter() - began

    backend.compile = timed_compile
    phases: list[tuple[str, float, float]] = []  # (name, seconds, of which statements and compiling)

    def phase(name: str, call: Any) -> Any:
        sent, compiled, began = _busy(recorder), recorder.compile_s, perf_counter()
        out = call()
        phases.append((name, perf_counter() - began, _busy(recorder) - sent + recorder.compile_s - compiled))
        return out

    api_began = perf_counter()
    journey = phase("Python: Journey.load", lambda: journey_widgets.Journey.load(journey_path(journey_name)))
    result = phase(
        "Python: bind, check, compile_journey", lambda: JourneyResult.compute(journey, events, identity=identity)
    )
    expr = phase("Python: build the funnel expression", result.compiled.funnel)
    phase("Python: run the funnel, Arrow to pandas", lambda: result_frame(expr.to_pyarrow()))
    api_s = perf_counter() - api_began

    rows: list[tuple[str, int | None, float, int | None]] = [("imports", None, IMPORTS_S, None)]
    rows.append(("numba: import, load the compiled kernels", None, KERNELS_S, None))
    rows.append(("read_table (both files)", None, read_s, None))
    rows += [(s.what, len(s.sql), s.seconds, s.rows) for s in recorder.statements]
    rows.append(("Ibis compile to SQL", None, recorder.compile_s, None))
    rows += [(name, None, seconds - inside, None) for name, seconds, inside in phases]
    return rows, IMPORTS_S + KERNELS_S + read_s + api_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("journey", help="a journey of benchmarks/journeys, e.g. v2c_4")
    parser.add_argument("--size", default="1M", help="sample events, e.g. 1M or 10M (written by run.py)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--route", choices=["in_process", "sql"], default="in_process", help="how DuckDB computes")
    args = parser.parse_args()
    use_route(args.route)
    files = SampleFiles.in_folder(args.data / size_label(parse_size(args.size)))
    if not files.exist():
        sys.exit(
            f"no sample data in {files.events.parent}: write it with `journey-widgets sample --events N --out ...`"
        )
    wall_began = perf_counter()
    rows, measured = profile(args.journey, files)
    wall = perf_counter() - wall_began + IMPORTS_S + KERNELS_S
    versions = f"DuckDB {duckdb.__version__}, Ibis {ibis.__version__}, {THREADS} threads"
    print(f"{args.journey} at {args.size}, route {args.route}, {versions}\n")
    print("| # | what | SQL chars | seconds | rows out |\n|---|---|---|---|---|")
    for number, (what, chars, seconds, out) in enumerate(rows, start=1):
        print(f"| {number} | {what} | {chars or ''} | {seconds:.3f} | {'' if out is None else f'{out:,}'} |")
    print(f"\nrows add up to {sum(r[2] for r in rows):.2f} s of {wall:.2f} s measured ({measured / wall:.0%})")


if __name__ == "__main__":
    main()
