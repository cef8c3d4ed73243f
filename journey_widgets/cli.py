"""The ``journey-widgets`` command line: run a journey file on events, or write sample data.

Start-up stays light: Ibis, pandas and Altair load only inside the command that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

from journey_widgets.errors import ArgumentError, JourneyError, JourneyWarning, one_line, warn
from journey_widgets.sources import FILE_BACKENDS

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
    run.add_argument(
        "--events", required=True, help="events: a Parquet or CSV file (or folder), or a database URL#TABLE"
    )
    run.add_argument("--identity", help="identity map visitor_id -> contact_id: a file or URL#TABLE")
    run.add_argument(
        "--backend",
        default="duckdb",
        choices=FILE_BACKENDS,
        help="engine that reads the files (default: duckdb); a URL brings its own (postgres://...)",
    )
    run.add_argument(
        "--as-of",
        metavar="TIME",
        help="when the data ends, ISO 8601 (default: the latest event): open windows are in progress",
    )
    run.add_argument(
        "--compare",
        action="store_true",
        help="also run it over the range of the same length just before its date range (the file's "
        '"compare": "previous_period"): a leading period column, the change and its p-values',
    )
    run.add_argument("--output", type=Path, help="write here instead of printing (.csv, .json, .html, .png, .svg)")
    run.add_argument("--format", choices=["csv", "json"], default=None, help="printed format (default: csv)")

    sample = commands.add_parser("sample", help="write generated sample events and identity Parquet files")
    sample.add_argument("--events", type=int, default=1_000_000, metavar="N", help="number of events (default 1M)")
    sample.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    sample.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    demo = commands.add_parser(
        "demo",
        help="open JupyterLab on the example notebooks (sample data, DuckDB)",
        description="Copy the example notebooks and journey files (*.journey.json, which open in the step builder) "
        "into DIR and open JupyterLab on the quickstart. "
        "The notebooks generate their sample data; nothing else to set up.",
    )
    demo.add_argument(
        "--dir", type=Path, default=Path("journey-demo"), help="folder for the notebooks (default journey-demo)"
    )
    demo.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1 (default 8888)")
    demo.add_argument("--no-browser", action="store_true", help="print the URL only, do not open a browser")

    catalog = commands.add_parser("catalog", help="list the step catalog's events and their properties")
    catalog.add_argument("--category", help="only this category (e.g. forms, web_pages)")
    catalog.add_argument("--search", help="only events whose id, label or category contains this")

    validate = commands.add_parser(
        "validate",
        help="check a journey file and print it in canonical form",
        description="Check JOURNEY against the step catalog (event types and properties it lacks are "
        "warnings) or, with --events, against the data too (a property no column holds is an error).",
    )
    validate.add_argument("journey", type=Path, metavar="JOURNEY.json")
    validate.add_argument("--events", help="also check against these events (file, folder or URL#TABLE)")
    validate.add_argument("--backend", default="duckdb", choices=FILE_BACKENDS, help="engine that reads the files")
    return parser


def _demo(args: argparse.Namespace) -> None:
    import importlib.util
    import secrets
    import subprocess

    if importlib.util.find_spec("jupyterlab") is None:
        raise JourneyError("the demo needs JupyterLab: pip install 'journey-widgets[lab]'")

    folder: Path = args.dir
    copy_demo(folder)
    token = secrets.token_hex(16)
    start = "/lab/tree/quickstart.ipynb"
    url = f"http://127.0.0.1:{args.port}{start}?token={token}"
    print(f"journey-widgets demo: JupyterLab on {folder.resolve()}\n  open {url}\n  (Ctrl-C stops it)", flush=True)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.open_browser={not args.no_browser}",
        f"--ServerApp.default_url={start}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={args.port}",
        "--ServerApp.port_retries=0",  # the printed URL stays right: fail if the port is taken
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder.resolve()}",
        "--LabApp.news_url=None",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    with contextlib.suppress(KeyboardInterrupt):
        if subprocess.run(command).returncode:
            raise JourneyError("JupyterLab stopped with an error (see its log above)")


def copy_demo(folder: Path) -> list[Path]:
    """Copy the example notebooks and journey files (which open in the builder) into ``folder``, keeping the
    files already there; the notebooks, as the demo opens them."""
    import shutil

    from journey_widgets._resources import resource_names, resource_path

    folder.mkdir(parents=True, exist_ok=True)
    shipped = [("notebooks", name) for name in resource_names("notebooks", ".ipynb")]
    shipped += [("examples", name) for name in resource_names("examples", ".journey.json")]
    for kind, name in shipped:
        if not (folder / name).exists():
            shutil.copy(resource_path(kind, name), folder / name)
    return [folder / name for kind, name in shipped if kind == "notebooks"]


def _catalog(args: argparse.Namespace) -> None:
    from journey_widgets.catalog import default_catalog

    catalog = default_catalog()
    events = catalog.events_in(args.category) if args.category else catalog.events
    if args.search:
        found = {e.id for e in catalog.search(args.search)}
        events = tuple(e for e in events if e.id in found)
    for event in events:
        flag = " (anonymous ok)" if event.anonymous else ""
        print(f"{event.category:<17} {event.id:<30} {event.label}{flag}")
        print(f"{'':<17}   properties: {', '.join(event.properties)}")


def _validate(args: argparse.Namespace) -> None:
    from journey_widgets.model import Journey

    journey = Journey.load(args.journey)
    if args.events:
        from journey_widgets.binding import bind_events
        from journey_widgets.sources import read_table

        bind_events(read_table(args.events, backend=args.backend), journey)
    else:
        from journey_widgets.catalog import default_catalog

        for warning in default_catalog().warnings_for(journey):
            warn(warning)
    print(journey.to_json())
    print(f"{args.journey}: valid ({len(journey.stages)} stages)", file=sys.stderr)


def _run(args: argparse.Namespace) -> None:
    from journey_widgets.model import Journey

    output: Path | None = args.output
    if output is not None and output.suffix.lower() not in _OUTPUT_KINDS:
        raise ArgumentError(f"--output must end in one of {', '.join(_OUTPUT_KINDS)}, got {str(output)!r}")
    if output is not None and args.format is not None and output.suffix.lower() != f".{args.format}":
        raise ArgumentError(
            f"--format {args.format} conflicts with --output {str(output)!r}: the file's suffix decides its format "
            f"(drop --format, or write to {str(output.with_suffix('.' + args.format))!r})"
        )
    journey = Journey.load(args.journey)
    if args.compare:
        journey = journey.compared_with_previous_period()
    from journey_widgets.sources import read_table

    events = read_table(args.events, backend=args.backend)  # files of one run share the engine's connection
    identity = read_table(args.identity, backend=args.backend, what="identity") if args.identity else None
    result = journey.run(events, identity=identity, as_of=args.as_of)
    funnel = result.funnel()  # a status line with the elapsed time on a terminal after a second
    if output is None:
        text = funnel.to_json(orient="records", indent=2) if args.format == "json" else funnel.to_csv(index=False)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    elif output.suffix.lower() == ".csv":
        funnel.to_csv(output, index=False)
    elif output.suffix.lower() == ".json":
        funnel.to_json(output, orient="records", indent=2)
    else:
        from journey_widgets.charts import save_chart

        save_chart(result.plot.funnel(), output)


def _sample(args: argparse.Namespace) -> None:
    from journey_widgets.sample import write_sample

    if args.events < 1:
        raise ArgumentError(f"--events must be at least 1, got {args.events}")
    paths = write_sample(args.out, args.events, seed=args.seed, progress=_progress if sys.stderr.isatty() else None)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"wrote {args.events:,} events to {paths.events} and the identity map to {paths.identity}")


def _progress(done: int, total: int) -> None:
    """A one-line progress bar on a terminal (quiet when piped)."""
    width = 30
    filled = width * done // total
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} events", end="", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Print each :class:`JourneyWarning` as one ``journey-widgets: warning:`` line, others as usual, once the
    command has succeeded (a failed command prints its one error line only)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", JourneyWarning)
        yield
    for item in caught:
        if issubclass(item.category, JourneyWarning):
            print(f"journey-widgets: warning: {item.message}", file=sys.stderr)
        else:
            warnings.showwarning(item.message, item.category, item.filename, item.lineno)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: returns the process exit code (errors print one line and return 1)."""
    args = _parser().parse_args(argv)
    commands = {"run": _run, "sample": _sample, "demo": _demo, "catalog": _catalog, "validate": _validate}
    try:
        with _warnings_as_lines():
            commands[args.command](args)
    except JourneyError as exc:
        print(f"journey-widgets: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a backend or file error: one readable line, no traceback wall
        print(f"journey-widgets: error: {one_line(exc)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
