"""A journey through the API with and without a DuckDB memory limit: wall time and peak memory.

    .venv/bin/python benchmarks/memory_limit.py [--size 50M] [--journey v2c_4] [--limit 1500MB] [--repeats 1]

DuckDB's default limit is 80% of the machine's memory; below it a journey keeps its window pass in
memory. With ``SET memory_limit`` DuckDB spills sorts and windows to disk instead. Each run is a fresh
process (alternating with and without the limit); prints a Markdown table.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
from pathlib import Path

from common import BENCHMARKS, DEFAULT_DATA, THREADS, SampleFiles, journey_path, parse_size, size_label
from run import run_process

#: Memory limits accepted (the value is written into a SET statement, so only this shape).
_LIMIT = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$")


def _worker(events: str, identity: str, journey: str, limit: str) -> None:
    from journey_widgets import Journey
    from journey_widgets.sources import read_table

    table, identity_table = read_table(events), read_table(identity, what="identity")
    connection = table.get_backend()
    connection.raw_sql(f"SET threads={THREADS}")
    if limit != "default":
        connection.raw_sql(f"SET memory_limit='{limit}'")  # checked against _LIMIT by the caller
    Journey.load(journey).run(table, identity=identity_table).funnel()


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        _worker(*sys.argv[2:6])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="50M")
    parser.add_argument("--journey", default="v2c_4")
    parser.add_argument("--limit", default="1500MB", help="DuckDB memory_limit, e.g. 1500MB or 2GB")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not _LIMIT.match(args.limit):
        parser.error(f"--limit must look like 1500MB or 2GB, got {args.limit!r}")
    files = SampleFiles.in_folder(args.data / size_label(parse_size(args.size)))
    runs: dict[str, list] = {"default": [], args.limit: []}
    for _ in range(args.repeats):
        for limit in runs:
            command = [sys.executable, str(BENCHMARKS / "memory_limit.py"), "--worker", str(files.events)]
            finished = run_process([*command, str(files.identity), str(journey_path(args.journey)), limit], 3600)
            if finished.returncode != 0:
                raise SystemExit(f"the run with memory limit {limit} failed: {finished.stderr.strip()[-500:]}")
            runs[limit].append(finished)
    print(f"{args.journey} at {args.size} events, DuckDB {THREADS} threads, {args.repeats} run(s) each\n")
    print("| memory limit | median wall s | peak MiB |")
    print("|---|---|---|")
    for limit, finished in runs.items():
        wall = statistics.median(f.wall_s for f in finished)
        print(f"| {limit} | {wall:.1f} | {max(f.peak_mib for f in finished):.0f} |")


if __name__ == "__main__":
    main()
