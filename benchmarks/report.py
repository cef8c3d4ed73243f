"""The benchmark report (markdown) from the raw measurements: medians, ratios, scaling, targets.

For each (size, kind, journey) it uses the latest run that measured it, so sizes run at different
times combine into one report. Times are medians over the repeats, peak memory the largest.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from common import JOURNEY_NAMES, journey_document, size_label

SMALL, LARGE = 1_000_000, 50_000_000
#: The largest size of the Spark section (local Spark on 2 cores).
SPARK_LARGE = 10_000_000
#: "Linear" in the targets: time grows at most as size (or stages) to this power, log-log slope.
LINEAR_EXPONENT = 1.1
STAGE_JOURNEYS = ("v2c_4", "branches_8", "long_20")
Record = dict[str, Any]


@dataclass(frozen=True)
class Stats:
    """Medians over the repeats of one measurement, and the largest peak memory."""

    n: int
    inprocess: float | None
    wall: float | None
    peak: float | None

    @classmethod
    def of(cls, records: list[Record]) -> Stats:
        def median(key: str) -> float | None:
            values = [r[key] for r in records if r.get(key) is not None]
            return statistics.median(values) if values else None

        peaks = [r["peak_mib"] for r in records if r.get("peak_mib") is not None]
        return cls(len(records), median("inprocess_s"), median("wall_s"), max(peaks) if peaks else None)


class Results:
    """The raw records of the latest run per (size, kind, journey)."""

    def __init__(self, records: Iterable[Record]) -> None:
        by_key: dict[tuple[int, str, str], list[Record]] = defaultdict(list)
        for record in records:
            by_key[(record["events"], record["kind"], record["journey"])].append(record)
        self.latest = {key: [r for r in rs if r["run"] == max(x["run"] for x in rs)] for key, rs in by_key.items()}

    def ok(self, events: int, kind: str, journey: str) -> list[Record]:
        return [r for r in self.latest.get((events, kind, journey), []) if r["ok"]]

    def stats(self, events: int, kind: str, journey: str) -> Stats | None:
        records = self.ok(events, kind, journey)
        return Stats.of(records) if records else None

    def time(self, events: int, kind: str, journey: str) -> float | None:
        """Median in-process seconds (whole-process wall seconds for the CLI)."""
        stats = self.stats(events, kind, journey)
        return None if stats is None else (stats.wall if kind == "cli" else stats.inprocess)

    def ratio(self, events: int, journey: str) -> float | None:
        """Median API time over median floor time."""
        return _divide(self.time(events, "api", journey), self.time(events, "floor", journey))

    def cli_overhead(self, events: int, journey: str) -> float | None:
        """Median CLI wall time minus median API in-process time."""
        cli, api = self.time(events, "cli", journey), self.time(events, "api", journey)
        return None if cli is None or api is None else cli - api

    @property
    def sizes(self) -> list[int]:
        return sorted({events for events, _, _ in self.latest})

    def journeys(self, events: int) -> list[str]:
        return [j for j in JOURNEY_NAMES if (events, "api", j) in self.latest or (events, "floor", j) in self.latest]

    def records(self) -> list[Record]:
        return [r for rs in self.latest.values() for r in rs]


def _divide(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _exponent(x0: float, y0: float | None, x1: float, y1: float | None) -> float | None:
    """The log-log slope between two points: 1 is linear."""
    if y0 is None or y1 is None or y0 <= 0 or y1 <= 0 or x0 == x1:
        return None
    return math.log(y1 / y0) / math.log(x1 / x0)


def _stages(journey: str) -> int:
    return len(journey_document(journey)["stages"])


# ------------------------------------------------------------------------------------------ formatting
def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    ms = value * 1000
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}" if ms >= 1 else f"{ms:.2f}"


def _x(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def _section(title: str, text: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    """A report section: heading, explanation, table."""
    return [f"## {title}", "", text, "", *_table(headers, rows)]


# ------------------------------------------------------------------------------------------ sections
def _runs(results: Results) -> list[str]:
    rows, mixed = [], []
    for events in results.sizes:
        records = [r for r in results.records() if r["events"] == events]
        commits = sorted({r["commit"] for r in records})
        if len(commits) > 1:
            mixed.append(size_label(events))
        rows.append(
            [
                size_label(events),
                ", ".join(sorted({r["run"] for r in records})),
                ", ".join(commits),
                str(max(r["repeat"] for r in records)),
                ", ".join(sorted({str(r["cpus"]) for r in records})),
                min(r["at"] for r in records),
            ]
        )
    lines = ["## Runs", "", *_table(["events", "run", "commit", "rounds", "CPUs", "started (UTC)"], rows)]
    if mixed:
        lines += [f"The package changed during the runs at {', '.join(mixed)}: their medians mix versions.", ""]
    return lines


def _main_table(results: Results) -> list[str]:
    rows = []
    for events in results.sizes:
        for journey in results.journeys(events):
            floor, api, cli = (results.stats(events, kind, journey) for kind in ("floor", "api", "cli"))
            rows.append(
                [
                    size_label(events),
                    journey,
                    str(_stages(journey)),
                    _s(results.time(events, "floor", journey)),
                    _s(results.time(events, "api", journey)),
                    _s(results.time(events, "cli", journey)),
                    _x(results.ratio(events, journey)),
                    _s(results.cli_overhead(events, journey)),
                    *(_mib(s.peak if s else None) for s in (floor, api, cli)),
                    "/".join(str(s.n if s else 0) for s in (floor, api, cli)),
                ]
            )
    headers = ["events", "journey", "stages", "floor s", "API s", "CLI s", "API / floor", "CLI − API s"]
    headers += ["floor MiB", "API MiB", "CLI MiB", "n floor/API/CLI"]
    return _section(
        "Wall time and memory",
        "Medians over the rounds. floor and API: in-process time of the query (from connecting / `read_table`"
        " to the fetched result); CLI: the whole `journey-widgets run` process. MiB: peak resident memory of"
        " the process (largest over the rounds).",
        headers,
        rows,
    )


def _event_scaling(results: Results) -> list[str]:
    sizes = results.sizes
    rows = []
    for journey in JOURNEY_NAMES:
        times = [results.time(events, "api", journey) for events in sizes]
        if not any(times):
            continue
        cells = [
            "–" if t is None else f"{_s(t)} s · {t / events * 1e9:.0f} ns/event" for events, t in zip(sizes, times)
        ]
        measured = [(events, t) for events, t in zip(sizes, times) if t]
        slope = _exponent(measured[0][0], measured[0][1], measured[-1][0], measured[-1][1])
        rows.append([journey, *cells, _x(slope)])
    headers = ["journey", *(f"API at {size_label(e)}" for e in sizes), "exponent (1 = linear)"]
    return _section(
        "Scaling in events",
        "API median time and cost per event at each size; exponent: log-log slope from the smallest to the"
        " largest size measured.",
        headers,
        rows,
    )


def _stage_scaling(results: Results) -> list[str]:
    rows = []
    for events in results.sizes:
        times = [results.time(events, "api", j) for j in STAGE_JOURNEYS]
        ratios = [results.ratio(events, j) for j in STAGE_JOURNEYS]
        if not any(times):
            continue
        slope = _exponent(_stages(STAGE_JOURNEYS[0]), times[0], _stages(STAGE_JOURNEYS[-1]), times[-1])
        ratio_slope = _exponent(_stages(STAGE_JOURNEYS[0]), ratios[0], _stages(STAGE_JOURNEYS[-1]), ratios[-1])
        rows.append(
            [size_label(events), *(_s(t) for t in times), _x(slope), " / ".join(map(_x, ratios)), _x(ratio_slope)]
        )
    headers = ["events", "4 stages s", "8 stages s", "20 stages s", "exponent 4→20", "API / floor", "its exponent"]
    return _section(
        "Scaling in stages",
        f"API median time of {', '.join(STAGE_JOURNEYS)} (4, 8 and 20 stages; they also differ in events read,"
        " filters, exclusions and the 20-stage one's breakdown, so the ratio to each one's floor is shown too).",
        headers,
        rows,
    )


def _spark(results: Results) -> list[str]:
    rows = []
    for events in results.sizes:
        for journey in results.journeys(events):
            floor, api = (results.stats(events, kind, journey) for kind in ("spark_floor", "spark_api"))
            if floor is None and api is None:
                continue
            floor_s, api_s = results.time(events, "spark_floor", journey), results.time(events, "spark_api", journey)
            rows.append(
                [
                    size_label(events),
                    journey,
                    str(_stages(journey)),
                    _s(floor_s),
                    _s(api_s),
                    _x(_divide(api_s, floor_s)),
                    *(_mib(s.peak if s else None) for s in (floor, api)),
                    "/".join(str(s.n if s else 0) for s in (floor, api)),
                ]
            )
    return _section(
        "Spark (local mode, 2 cores)",
        "`spark.py`: the floor written for Spark SQL and the API on Spark tables, each from reading the Parquet"
        " files to the collected result, in a fresh process after the Spark session started. Medians over the rounds."
        " MiB: the Python process only (the JVM is a child process).",
        ["events", "journey", "stages", "Spark floor s", "API s", "API / floor", "floor MiB", "API MiB", "n"],
        rows,
    )


def _handwritten(results: Results) -> list[str]:
    rows = []
    for events in results.sizes:
        floor, api = results.time(events, "floor", "contacts_4"), results.time(events, "api", "contacts_4")
        if floor is None:
            continue
        cells = [_s(floor), _s(api), _x(_divide(api, floor))]
        for query in ("window_then_joins", "asof_chain"):
            time = results.time(events, f"handwritten_{query}", "contacts_4")
            cells += [_s(time), _x(_divide(time, floor))]
        rows.append([size_label(events), *cells])
    return _section(
        "The hand-written queries of shared/perf, on their own journey (contacts_4)",
        "The same 4-stage contacts-only journey as the API, as the two hand-written DuckDB queries of"
        " `../shared/perf` (run from their files), each in a fresh process; medians over the rounds.",
        ["events", "floor s", "API s", "API / floor", "window_then_joins s", "/ floor", "asof_chain s", "/ floor"],
        rows,
    )


def _compile(results: Results) -> list[str]:
    rows = []
    for events in results.sizes:
        for journey in results.journeys(events):
            records = results.ok(events, "compile", journey)
            if records:
                build = statistics.median(r["build_s"] for r in records)
                sql = statistics.median(r["sql_s"] for r in records)
                total = statistics.median(r["inprocess_s"] for r in records)
                rows.append([size_label(events), journey, str(_stages(journey)), _ms(total), _ms(build), _ms(sql)])
    return _section(
        "Building and compiling the expression (no query)",
        "`Journey.load` + `JourneyResult.compute` + `compiled.funnel()` (build), then `ibis.to_sql` (SQL); median"
        " of 10 after a warm-up, per round, then the median over rounds.",
        ["events", "journey", "stages", "total ms", "build ms", "to_sql ms"],
        rows,
    )


def _widget(results: Results) -> list[str]:
    lines = ["## Widget at 1M events", ""]
    refresh = results.ok(SMALL, "widget", "v2c_4")
    suggest = results.ok(SMALL, "suggest", "v2c_4")
    if not refresh:
        return [*lines, "Not measured.", ""]
    edits = [t for r in refresh for t in r["samples"]]
    lines += _table(
        ["", "median ms", "min ms", "max ms", "edits"],
        [
            [
                "edit → refreshed result",
                _ms(statistics.median(edits)),
                _ms(min(edits)),
                _ms(max(edits)),
                str(len(edits)),
            ]
        ],
    )
    lines.append(
        "From setting `builder.editor.journey` (what a browser edit does) to `builder.wait()` returning: the"
        " builder's validation and scheduling, the query and the chart update (not the browser's drawing)."
    )
    lines.append("")
    if suggest:
        warm = [t for r in suggest for t in r["samples"][1:]]
        first = suggest[0]
        lines += _table(
            [
                "property (distinct values)",
                "first request ms",
                "median of the rest ms",
                "max of the rest ms",
                "requests",
            ],
            [
                [
                    f"`{first['property']}` ({first['distinct']:,})",
                    _ms(statistics.median(r["cold_s"] for r in suggest)),
                    _ms(statistics.median(warm)),
                    _ms(max(warm)),
                    str(len(warm)),
                ]
            ],
        )
    return lines


def _pandas(results: Results) -> list[str]:
    stats = results.stats(SMALL, "pandas", "v2c_4")
    if stats is None:
        return []
    api = results.ok(SMALL, "api", "v2c_4")
    counts = {tuple(r["actors"]) for r in results.ok(SMALL, "pandas", "v2c_4")}
    same = "–" if not api else ("yes" if counts == {tuple(api[0]["actors"])} else f"NO: {sorted(counts)}")
    row = [
        _s(stats.inprocess),
        _mib(stats.peak),
        _x(_divide(stats.inprocess, results.time(SMALL, "api", "v2c_4")), 1),
        _x(_divide(stats.inprocess, results.time(SMALL, "floor", "v2c_4")), 1),
        same,
    ]
    return _section(
        "pandas groupby-apply at 1M events (v2c_4)",
        "What a notebook user would write: `read_parquet`, a merge for the identity, stage masks, sort,"
        " `groupby(actor).apply(greedy depth)`, counts per stage (in-process, from reading the files).",
        ["median s", "peak MiB", "× API", "× floor", "counts equal the API's"],
        [row],
    )


def _reference(results: Results) -> list[str]:
    rows = []
    for journey in JOURNEY_NAMES:
        records = results.latest.get((SMALL, "reference", journey), [])
        for record in records:
            if not record["ok"]:
                rows.append([journey, "not checked", "–", record["error"]])
            else:
                verdict = "equal" if record["equal"] else "DIFFERENT"
                rows.append([journey, verdict, _s(record["inprocess_s"]), "; ".join(record["failures"])])
    if not rows:
        return []
    return _section(
        "Reference check at 1M events",
        "The API's funnel and branches tables against `tests/reference.py` (`assert_tables_equal`) on the same"
        " 1M events; the reference reads only the columns and event types the journey uses.",
        ["journey", "funnel + branches", "reference s", "detail"],
        rows,
    )


# ------------------------------------------------------------------------------------------ targets
@dataclass(frozen=True)
class Target:
    """One target of the issue: its wording, the size it is judged at and how to measure it."""

    text: str
    events: int
    measure: Callable[[Results, int], tuple[float | None, str]]
    limit: float


def _ratio_of(journey: str) -> Callable[[Results, int], tuple[float | None, str]]:
    def measure(results: Results, events: int) -> tuple[float | None, str]:
        value = results.ratio(events, journey)
        return value, "–" if value is None else f"{value:.2f}×"

    return measure


def _spark_ratio_of(journey: str) -> Callable[[Results, int], tuple[float | None, str]]:
    def measure(results: Results, events: int) -> tuple[float | None, str]:
        ratio = _divide(results.time(events, "spark_api", journey), results.time(events, "spark_floor", journey))
        return ratio, _x(ratio)

    return measure


def _peak(results: Results, events: int) -> tuple[float | None, str]:
    peaks = [s.peak for j in JOURNEY_NAMES for k in ("api", "cli") if (s := results.stats(events, k, j)) and s.peak]
    value = max(peaks) if peaks else None
    return value, f"{_mib(value)} MiB"


def _event_exponent(results: Results, events: int) -> tuple[float | None, str]:
    sizes = [s for s in results.sizes if s <= events]
    slopes = {
        j: _exponent(sizes[0], results.time(sizes[0], "api", j), events, results.time(events, "api", j))
        for j in JOURNEY_NAMES
    }
    slopes = {j: s for j, s in slopes.items() if s is not None}
    if not slopes:
        return None, "–"
    worst = max(slopes, key=lambda j: slopes[j])
    return slopes[worst], f"exponent {slopes[worst]:.2f} ({worst}, {size_label(sizes[0])}→{size_label(events)})"


def _stage_exponent(results: Results, events: int) -> tuple[float | None, str]:
    first, last = STAGE_JOURNEYS[0], STAGE_JOURNEYS[-1]
    value = _exponent(
        _stages(first), results.time(events, "api", first), _stages(last), results.time(events, "api", last)
    )
    return value, f"exponent {_x(value)} (4→20 stages)"


def _compile_time(results: Results, events: int) -> tuple[float | None, str]:
    value = results.time(events, "compile", "long_20")
    return value, f"{_ms(value)} ms"


def _cli_overhead(results: Results, events: int) -> tuple[float | None, str]:
    overheads = [o for j in JOURNEY_NAMES if (o := results.cli_overhead(events, j)) is not None]
    if not overheads:
        return None, "–"
    value = statistics.median(overheads)
    return value, f"{_s(value)} s (median over journeys; {_s(min(overheads))} to {_s(max(overheads))})"


def _refresh(results: Results, events: int) -> tuple[float | None, str]:
    edits = [t for r in results.ok(events, "widget", "v2c_4") for t in r["samples"]]
    value = statistics.median(edits) if edits else None
    return value, f"{_ms(value)} ms"


def _suggestion(results: Results, events: int) -> tuple[float | None, str]:
    records = results.ok(events, "suggest", "v2c_4")
    warm = [t for r in records for t in r["samples"][1:]]
    value = statistics.median(warm) if warm else None
    cold = f", first request {_ms(statistics.median(r['cold_s'] for r in records))} ms" if records else ""
    return value, f"{_ms(value)} ms{cold}"


def _reference_failures(results: Results, events: int) -> tuple[float | None, str]:
    records = [r for j in JOURNEY_NAMES for r in results.latest.get((events, "reference", j), [])]
    if not records:
        return None, "–"
    bad = [r["journey"] for r in records if not (r["ok"] and r["equal"])]
    return float(len(bad)), "all equal" if not bad else f"not equal or not checked: {', '.join(bad)}"


TARGETS = (
    Target("4-stage ordered journey within 2× the floor (stretch: 1.5×)", LARGE, _ratio_of("v2c_4"), 2.0),
    Target("8-stage journey with branches within 3× the floor", LARGE, _ratio_of("branches_8"), 3.0),
    Target("20-stage journey within 3× the floor", LARGE, _ratio_of("long_20"), 3.0),
    Target("any-order journey within 2× the floor", LARGE, _ratio_of("any_order_4"), 2.0),
    Target("breakdown journey within 2× the floor", LARGE, _ratio_of("breakdown_4"), 2.0),
    Target("strict-order journey within 2× the floor", LARGE, _ratio_of("strict_4"), 2.0),
    Target("hold-constant journey within 2× the floor", LARGE, _ratio_of("held_4"), 2.0),
    Target("last-touch breakdown journey within 2× the floor", LARGE, _ratio_of("last_touch_4"), 2.0),
    Target("peak memory under 2 GB (API and CLI)", LARGE, _peak, 2048),
    Target(f"cost linear in events (exponent ≤ {LINEAR_EXPONENT})", LARGE, _event_exponent, LINEAR_EXPONENT),
    Target(f"cost linear in stages (exponent ≤ {LINEAR_EXPONENT})", LARGE, _stage_exponent, LINEAR_EXPONENT),
    Target("building and compiling a 20-stage journey under 100 ms", LARGE, _compile_time, 0.1),
    Target("command line adds at most 0.5 s over in-process", LARGE, _cli_overhead, 0.5),
    Target("widget: edit → refreshed result, median under 300 ms", SMALL, _refresh, 0.3),
    Target("widget: value suggestions on the widest column under 200 ms", SMALL, _suggestion, 0.2),
    Target("numbers equal the reference implementation", SMALL, _reference_failures, 0),
    Target("Spark: 20-stage journey within 4× Spark's floor", SPARK_LARGE, _spark_ratio_of("long_20"), 4.0),
)


def _targets(results: Results) -> list[str]:
    rows = []
    for target in TARGETS:
        value, shown = target.measure(results, target.events)
        if value is None:
            rows.append(
                [target.text, size_label(target.events), f"not measured{_elsewhere(target, results)}", "not measured"]
            )
        else:
            rows.append([target.text, size_label(target.events), shown, "met" if value <= target.limit else "NOT met"])
    return ["## Targets", "", *_table(["target", "at", "measured", "status"], rows)]


def _elsewhere(target: Target, results: Results) -> str:
    """The target's value at the largest other size that has one, as a hint."""
    for events in reversed(results.sizes):
        value, shown = target.measure(results, events)
        if events != target.events and value is not None:
            return f" (at {size_label(events)}: {shown})"
    return ""


def _failures(results: Results) -> list[str]:
    failed = [r for r in results.records() if not r["ok"] or r.get("retried")]
    rows = [
        [
            size_label(r["events"]),
            r["kind"],
            r["journey"],
            str(r["repeat"]),
            r.get("error") or f"retried: {r['retried']}",
        ]
        for r in failed
    ]
    return [
        "## Failures and retries",
        "",
        *(_table(["events", "kind", "journey", "round", "error"], rows) if rows else ["None.", ""]),
    ]


def build_report(records: Iterable[Record]) -> str:
    """The whole report as markdown."""
    results = Results(records)
    if not results.sizes:
        return "# Benchmark results\n\nNo measurements yet: run `.venv/bin/python benchmarks/run.py`.\n"
    sections = [
        [f"# Benchmark results ({datetime.now(UTC):%Y-%m-%d})", ""],
        _targets(results),
        _runs(results),
        _main_table(results),
        _event_scaling(results),
        _stage_scaling(results),
        _handwritten(results),
        _compile(results),
        _spark(results),
        _widget(results),
        _pandas(results),
        _reference(results),
        _failures(results),
    ]
    return "\n".join(line for section in sections for line in section)
