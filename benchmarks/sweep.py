"""Time the window sweep against the funnel's own time, on one sample size (issue 17: within 1.5x).

    .venv/bin/python benchmarks/sweep.py --size 50M --journey v2c_4 --repeats 3

Each round times, in one fresh process per measurement (as ``run.py`` does), the funnel alone and the
window sweep alone (default grid: 24 windows), from ``read_table`` to the DataFrame; prints one JSON line
per round and the ratio of the medians. Uses the sample data of ``run.py`` (written once if missing).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from time import perf_counter

from common import DEFAULT_DATA, SampleFiles, journey_path, parse_size


def time_once(files: SampleFiles, journey: str, what: str) -> float:
    """Seconds from reading the tables to the fetched table: ``what`` is "funnel" or "sweep"."""
    from measure import _read_tables

    from journey_widgets import Journey

    started = perf_counter()
    events, identity = _read_tables(files)
    result = Journey.load(journey_path(journey)).run(events, identity=identity)
    table = result.funnel() if what == "funnel" else result.window_sweep()
    assert len(table) > 0
    return perf_counter() - started


def compare(size: str, journey: str = "v2c_4", repeats: int = 1, data: Path = DEFAULT_DATA) -> dict[str, float]:
    """Median seconds of the funnel and of the sweep at ``size`` ("1M", "50M"), each in a fresh process."""
    from run import prepare_sample

    files = prepare_sample(parse_size(size), data)
    times: dict[str, list[float]] = {"funnel": [], "sweep": []}
    for _ in range(repeats):
        for what in times:
            command = [sys.executable, __file__, "--one", what, "--events", str(files.events), "--journey", journey]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            times[what].append(float(output.strip().splitlines()[-1]))
            print(json.dumps({"size": size, "journey": journey, "what": what, "seconds": times[what][-1]}))
    medians = {what: statistics.median(values) for what, values in times.items()}
    return medians | {"ratio": medians["sweep"] / medians["funnel"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--journey", default="v2c_4")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--one", choices=["funnel", "sweep"], help=argparse.SUPPRESS)
    parser.add_argument("--events", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        files = SampleFiles.in_folder(args.events.parent)
        print(time_once(files, args.journey, args.one))
        return
    print(json.dumps(compare(args.size, args.journey, args.repeats, args.data)))


if __name__ == "__main__":
    main()
