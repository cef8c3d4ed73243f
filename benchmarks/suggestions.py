"""Value suggestions on every property column of one sample size, as the builder answers them.

    .venv/bin/python benchmarks/suggestions.py [--size 50M] [--data benchmarks/data]

Per column: the first request (the builder's ``ValueIndex`` counts the column's values once on the
backend) and the median of ten searches after it (answered in memory). Prints a Markdown table,
slowest first request on top. Run ``run.py`` at that size first: it writes the sample data.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from time import perf_counter

from common import DEFAULT_DATA, THREADS, SampleFiles, parse_size, size_label

SEARCHES = ("", "1", "2", "3", "a", "e", "us", "-", "page", "no-such-value")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="50M", help="sample size (default 50M)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="sample data folder")
    args = parser.parse_args()
    files = SampleFiles.in_folder(args.data / size_label(parse_size(args.size)))
    from journey_widgets.binding import bind_events
    from journey_widgets.builder.suggestions import ValueIndex

    bound = bind_events(str(files.events))
    bound.table.get_backend().raw_sql(f"SET threads={THREADS}")
    bound.table.count().execute()  # open the file once, so the first column does not pay for it
    rows = []
    for column in bound.properties:
        index = ValueIndex(bound)
        started = perf_counter()
        distinct = len(index.suggest(column, limit=50))
        first = perf_counter() - started
        later = []
        for search in SEARCHES:
            started = perf_counter()
            index.suggest(column, search)
            later.append(perf_counter() - started)
        rows.append((first, statistics.median(later), column, distinct))
    print(f"Value suggestions, {args.size} events ({files.events}), DuckDB {THREADS} threads\n")
    print("| column | first request ms | median of 10 searches after it ms | values shown |")
    print("|---|---|---|---|")
    for first, later, column, distinct in sorted(rows, reverse=True):
        print(f"| `{column}` | {first * 1000:.0f} | {later * 1000:.2f} | {distinct} |")


if __name__ == "__main__":
    main()
