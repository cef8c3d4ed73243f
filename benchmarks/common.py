"""Shared by the benchmark's driver, workers and report: paths, sizes, journeys, raw results."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
JOURNEYS = BENCHMARKS / "journeys"
RESULTS = BENCHMARKS / "results"
DEFAULT_DATA = BENCHMARKS / "data"

#: The benchmark's journeys, in the order each round runs them.
JOURNEY_NAMES = (
    "v2c_4", "branches_8", "long_20", "any_order_4", "breakdown_4", "contacts_4", "strict_4", "held_4", "last_touch_4",
    "optional_6",
)  # fmt: skip
#: The journey of the hand-written queries in ``../shared/perf`` (measured beside the API on it).
HANDWRITTEN_JOURNEY = "contacts_4"
#: The hand-written DuckDB queries (``../shared/perf/<name>.sql``, outside the repository).
HANDWRITTEN = ("window_then_joins", "asof_chain")
SHARED_PERF = ROOT.parent / "shared" / "perf"
#: DuckDB threads for every in-process measurement (the issue's targets are for 2 threads).
THREADS = 2
_UNITS = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """``"1M"`` -> 1_000_000, ``"500k"`` -> 500_000, ``"2000"`` -> 2000."""
    text = text.strip().lower()
    unit = _UNITS.get(text[-1:], 1)
    number = text[:-1] if unit > 1 else text
    return int(float(number) * unit)


def size_label(events: int) -> str:
    """The short name of a size: 1_000_000 -> ``"1M"`` (used in file and folder names)."""
    for suffix, unit in (("M", 1_000_000), ("k", 1_000)):
        if events >= unit and events % unit == 0:
            return f"{events // unit}{suffix}"
    return str(events)


def journey_path(name: str) -> Path:
    return JOURNEYS / f"{name}.json"


def journey_document(name: str) -> dict[str, Any]:
    """The journey's version-1 JSON document."""
    return json.loads(journey_path(name).read_text(encoding="utf-8"))


def event_types(document: dict[str, Any]) -> list[str]:
    """Every event type the journey reads: its steps' and its exclusions' (sorted, distinct)."""
    steps = [step["event"] for stage in document["stages"] for step in stage["steps"]]
    return sorted({*steps, *(x["event"] for x in document.get("exclusions", []))})


@dataclass(frozen=True)
class SampleFiles:
    """The two Parquet files of one sample size."""

    events: Path
    identity: Path

    @classmethod
    def in_folder(cls, folder: Path) -> SampleFiles:
        return cls(folder / "events.parquet", folder / "identity.parquet")

    def exist(self) -> bool:
        return self.events.is_file() and self.identity.is_file()


def raw_path(label: str) -> Path:
    return RESULTS / f"raw-{label}.jsonl"


def append_raw(record: dict[str, Any]) -> None:
    """Append one measurement to its size's raw file."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    with raw_path(record["size"]).open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, sort_keys=True) + "\n")


def read_raw() -> list[dict[str, Any]]:
    """Every measurement of every raw file."""
    return [
        json.loads(line)
        for path in sorted(RESULTS.glob("raw-*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


#: How the paths are computed: as the package chooses per engine, by the SQL plan, or in this process.
ROUTES = ("default", "sql", "in_process")


def use_route(route: str) -> None:
    """Make every engine of this process compute its paths by ``route`` (one of :data:`ROUTES`)."""
    import journey_widgets.compiler

    if route == "sql":
        journey_widgets.compiler.PATHS_IN_PROCESS = frozenset()
    elif route == "in_process":
        journey_widgets.compiler.PATHS_IN_PROCESS = frozenset({"duckdb", "sqlite", "postgres", "datafusion", "polars"})
