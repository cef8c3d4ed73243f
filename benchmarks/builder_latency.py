"""How long the builder makes a user wait, in JupyterLab in Debian's Chromium, on the sample events of one size.

    .venv/bin/python benchmarks/builder_latency.py [--size 1M] [--rounds 3] [--data benchmarks/data]

Each round opens a fresh notebook (a new kernel) with ``JourneyBuilder`` on the sample's Parquet files (DuckDB),
makes the 20 edits of ``tests/browser/latency.py`` with the keyboard and mouse, and times each from its last press
to the paint of the funnel numbers, once they are checked to equal ``builder.journey.run()``; then value
suggestions (a column counted already, and one counted on its first key) and event-type suggestions, each key to
the paint of its list. Prints every time, then the median and the maximum of each. Write the sample data first
(``run.py`` does, or ``journey-widgets sample --events 1000000 --out benchmarks/data/1M``).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import DEFAULT_DATA, ROOT, SampleFiles, parse_size, size_label

sys.path.insert(0, str(ROOT / "tests" / "browser"))

from latency import EDITS, notebook, record, stage, timed_edit, timed_suggestions
from playwright.sync_api import Page, sync_playwright
from test_builder_tour import retype, shown_numbers_are_the_kernels, start

from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LAB_QUIET, _jupyter_server

SUGGESTIONS = (
    "suggestions, counted column",
    "suggestions, funnel computing",
    "suggestions, first key counts",
    "event-type suggestions",
)


class _Folders:
    """What ``_jupyter_server`` asks of pytest's ``tmp_path_factory``: a new folder of a name."""

    def __init__(self, base: Path) -> None:
        self._base = base

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self._base))


@contextlib.contextmanager
def lab(base: Path) -> Iterator[dict[str, Any]]:
    """A throw-away JupyterLab server, as the browser tests start it."""
    yield from _jupyter_server(_Folders(base), "jupyterlab", "LabApp", LAB_QUIET)


def one_round(page: Page, server: dict[str, Any], files: SampleFiles, n: int) -> dict[str, list[float]]:
    """The 20 edits and the suggestions, on a fresh notebook; milliseconds by what was measured."""
    code = (
        "from journey_widgets.sources import read_table\n"
        f"events = read_table({str(files.events)!r})\nidentity = read_table({str(files.identity)!r})"
    )
    start(page, server, source=notebook(code), name=f"latency{n}.ipynb")
    record(page)
    shown_numbers_are_the_kernels(page, "first result")
    times: dict[str, list[float]] = {}
    for edit in EDITS:
        ms = timed_edit(page, edit)
        times.setdefault(edit.name, []).append(ms)
        print(f"  {edit.name:<36} {ms:8.0f} ms", flush=True)

    row = stage(page, 0).locator(".jw-filter").first
    value = row.locator(".jw-filter-value")
    times["suggestions, counted column"] = timed_suggestions(page, value, row.locator("datalist"), "de", contains=True)
    retype(page, page.locator(".jw-window"), "21", "Enter")  # an edit: typed into while its funnel computes
    computing = timed_suggestions(page, value, row.locator("datalist"), "de", contains=True)
    times["suggestions, funnel computing"] = computing
    retype(page, value, "DE", "Enter")  # as it was: no edit
    shown_numbers_are_the_kernels(page, "window 21", lambda j: j["window"] == "P21W")
    stage(page, 1).locator(".jw-add-filter").first.click()
    row = stage(page, 1).locator(".jw-filter").first
    row.locator(".jw-filter-property").select_option("form_id")
    times["suggestions, first key counts"] = timed_suggestions(
        page, row.locator(".jw-filter-value"), row.locator("datalist"), "form-1", contains=True
    )
    picker = stage(page, 0).locator(".jw-add-step")
    times["event-type suggestions"] = timed_suggestions(
        page, picker.locator(".jw-picker-search"), picker.locator(".jw-picker-select"), "meeting", contains=False
    )
    for name in SUGGESTIONS:
        print(f"  {name:<36} " + " ".join(f"{ms:.0f}" for ms in times[name]) + " ms", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M", help="sample size (default 1M)")
    parser.add_argument("--rounds", type=int, default=3, help="fresh notebooks, one after the other (default 3)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="sample data folder")
    args = parser.parse_args()
    files = SampleFiles.in_folder(args.data / size_label(parse_size(args.size)))
    edits: list[float] = []
    kinds: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as base, lab(Path(base)) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        for n in range(1, args.rounds + 1):
            print(f"round {n} of {args.rounds}, {args.size} events", flush=True)
            context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
            context.set_default_timeout(120_000)
            page = context.new_page()
            page.console_errors = []  # read by the tour's checks when one fails
            page.on("console", lambda m, page=page: m.type == "error" and page.console_errors.append(m.text))
            times = one_round(page, server, files, n)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"builder_latency_round{n}.png"))
            context.close()
            edits += [ms for edit in EDITS for ms in times[edit.name]]
            for name in SUGGESTIONS:
                kinds.setdefault(name, []).extend(times[name])
        browser.close()
    print(f"\n{args.size} events, {args.rounds} rounds of {len(EDITS)} edits")
    print("| measured | n | median ms | max ms |\n|---|---|---|---|")
    for name, values in {"keypress to numbers up to date": edits, **kinds}.items():
        print(f"| {name} | {len(values)} | {statistics.median(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
