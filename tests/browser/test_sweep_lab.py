"""End-to-end in JupyterLab: the builder's "Window sweep" tab draws offline, and hovering the lines at a window
shows the funnel at that window, with the numbers of the kernel's `builder.result.window_sweep()`. Screenshots go
to artifacts/."""

from __future__ import annotations

import json
import re

import pytest
from builder_page import KERNEL_TIMEOUT, UI_TIMEOUT, expect_ok, wait_for_results
from playwright.sync_api import expect
from test_builder_lab import kernel_run, lab_js, open_notebook

pytestmark = pytest.mark.browser
SWEEP = ".jw-charts .vega-embed svg.marks"  # the sweep is drawn as SVG below; the funnel chart on a canvas
LINES = f"{SWEEP} .concat_0_group > g > path.background"  # the line chart's plot area
HEADING = f"{SWEEP} .concat_1_group .role-mark text:text-matches('^Funnel at a window of')"
BAR_LABELS = f"{SWEEP} .concat_1_group .role-mark text:text-matches('^[0-9,]+( · |$)')"
UNIT_SECONDS = {"d": 86_400, "h": 3_600, "min": 60, "s": 1}


def hover(page, fraction: float, before: str) -> tuple[float, list[int]]:
    """Point at `fraction` of the line chart's width; once the funnel beside it has changed from `before`: the
    window it names (seconds, as shown: to one decimal of its unit) and the counts of its bars."""
    lines = page.locator(LINES)
    lines.scroll_into_view_if_needed()
    plot = lines.bounding_box()
    page.mouse.move(plot["x"] + plot["width"] * fraction, plot["y"] + plot["height"] / 2)
    heading = page.locator(HEADING)
    expect_ok(page, lambda: expect(heading).not_to_have_text(before, timeout=UI_TIMEOUT), "hovering changed nothing")
    number, unit = re.fullmatch(r"Funnel at a window of ([\d.]+) (\w+)", heading.text_content()).groups()
    counts = [int(label.split(" · ")[0].replace(",", "")) for label in page.locator(BAR_LABELS).all_text_contents()]
    return float(number) * UNIT_SECONDS[unit], counts


def test_hovering_the_window_sweep_shows_the_funnel_at_that_window(page, lab_server, artifacts_dir):
    open_notebook(page, lab_server, "builder.ipynb")
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect_ok(page, lambda: expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT), "no builder")
    kernel_run(
        page,
        "builder.journey = builder.journey.stage('Submitted', 'form_submission').stage('Met', 'meeting_booked')\n"
        "builder.sweep_chart.embed_options = {'renderer': 'svg'}  # its text is then in the page",
    )
    wait_for_results(page, 3)
    assert kernel_run(page, "print('Computing' in str(builder.sweep_chart.chart.to_dict()))").strip() == "True"

    page.get_by_role("tab", name="Window sweep").click()
    heading = page.locator(HEADING)
    expect_ok(
        page,
        lambda: expect(heading).to_have_text("Funnel at a window of 30.0 d", timeout=KERNEL_TIMEOUT),
        "the sweep did not draw, at the journey's own window until hovered",
    )
    expect(page.locator(BAR_LABELS)).to_have_count(3)
    code = "import json\nbuilder.wait()\nsweep = builder.result.window_sweep()\nprint(sweep.to_json(orient='records'))"
    sweep = json.loads(kernel_run(page, code))
    windows = sorted({row["window_seconds"] for row in sweep})

    def expected(shown: float) -> list[int]:
        window = min(windows, key=lambda w: abs(w - shown))  # the window the label names, to one decimal
        return [
            row["actors"] for row in sorted(sweep, key=lambda r: r["stage_index"]) if row["window_seconds"] == window
        ]

    short, short_counts = hover(page, 0.1, "Funnel at a window of 30.0 d")
    page.locator(".jw-charts").screenshot(path=str(artifacts_dir / "sweep-lab.png"))
    long, long_counts = hover(page, 0.7, heading.text_content())
    assert short < 30 * 86_400 < long
    assert short_counts == expected(short) and long_counts == expected(long)
    assert short_counts[1:] != long_counts[1:]  # a longer window lets more actors reach the later stages

    page.mouse.move(0, 0)  # nothing hovered: back to the journey's own window
    expect(heading).to_have_text("Funnel at a window of 30.0 d", timeout=UI_TIMEOUT)
    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
