"""The ``journey-widgets`` command line: run a journey file on events, or write sample data.

Start-up stays light: Ibis, pandas and Altair load only inside the command that needs them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from journey_widgets.errors import JourneyError

_OUTPUT_KINDS = (".csv", ".json", ".html", ".png", ".svg")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="journey-widgets",
        description="Customer-journey funnels on your own events data.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run a journey file on an events table and print or write the funnel",
        description="Run JOURNEY (a version-1 journey JSON file) on EVENTS and print the funnel "
        "table as CSV, or write it to --output (.csv, .json; .html/.png/.svg write the chart).",
    )
    run.add_argument("journey", type=Path, metavar="JOURNEY.json")
    run.add_argument("--events", required=True, help="events: a Parquet or CSV file (or folder)")
    run.add_argument("--identity", help="identity map visitor_id -> contact_id: Parquet or CSV")
    run.add_argument("--backend", default="duckdb", choices=["duckdb"], help="engine (default: duckdb)")
    run.add_argument("--output", type=Path, help="write here instead of printing (.csv, .json, .html, .png, .svg)")
    run.add_argument("--format", choices=["csv", "json"], default=None, help="printed format (default: csv)")

    sample = commands.add_parser("sample", help="write generated sample events and identity Parquet files")
    sample.add_argument("--events", type=int, default=1_000_000, metavar="N", help="number of events (default 1M)")
    sample.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    sample.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return parser


def _run(args: argparse.Namespace) -> None:
    from journey_widgets.model import Journey

    output: Path | None = args.output
    if output is not None and output.suffix.lower() not in _OUTPUT_KINDS:
        raise JourneyError(f"--output must end in one of {', '.join(_OUTPUT_KINDS)}, got {str(output)!r}")
    journey = Journey.load(args.journey)
    from journey_widgets.binding import as_table

    events = as_table(args.events)
    identity = as_table(args.identity, what="identity") if args.identity else None
    funnel = journey.run(events, identity=identity).funnel
    if output is None:
        text = funnel.to_json(orient="records", indent=2) if args.format == "json" else funnel.to_csv(index=False)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    elif output.suffix.lower() == ".csv":
        funnel.to_csv(output, index=False)
    elif output.suffix.lower() == ".json":
        funnel.to_json(output, orient="records", indent=2)
    else:
        from journey_widgets.charts import funnel_chart, save_chart

        save_chart(funnel_chart(funnel, title=journey.name), output)


def _sample(args: argparse.Namespace) -> None:
    from journey_widgets.sample import write_sample

    if args.events < 1:
        raise JourneyError(f"--events must be at least 1, got {args.events}")
    paths = write_sample(args.out, args.events, seed=args.seed)
    print(f"wrote {args.events:,} events to {paths.events} and the identity map to {paths.identity}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the process exit code (errors print one line and return 1)."""
    args = _parser().parse_args(argv)
    commands = {"run": _run, "sample": _sample}
    try:
        commands[args.command](args)
    except JourneyError as exc:
        print(f"journey-widgets: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a backend or file error: one readable line, no traceback wall
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"journey-widgets: error: {type(exc).__name__}: {first_line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
