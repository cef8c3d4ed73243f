"""End-to-end in JupyterLab: the builder's drill-down. A stage's "Dropped off" number lists exactly the actors behind
it (as many as the number clicked, in id order), what they did next by the catalog's labels, a CSV of all of them and
one actor's explanation (the kernel's, its times in the user's notation); its "in progress" number is a drill-down of
its own; Escape closes the panel; a click on a bar of the funnel chart lists the actors who reached that stage, and a
new result refreshes the panel. The property menus beside it name properties by their catalog labels, and a breakdown
says how many paths have no value at their attributed event, and why. Screenshots go to artifacts/, the README's
picture to docs/drilldown.png."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from builder_page import KERNEL_TIMEOUT, UI_TIMEOUT, assert_accessible, expect_ok, wait_for_results
from playwright.sync_api import expect
from test_builder_lab import kernel_run, lab_js, open_notebook

from journey_widgets.charts._theme import REACHED

pytestmark = pytest.mark.browser
PROJECT = Path(__file__).resolve().parents[2]
CHART = ".jw-builder .vega-embed canvas, .jw-builder .vega-embed svg.marks"
#: A time as the kernel writes it in an explanation (the page shows it in the browser's notation).
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC")


def kernel_value(page, expression: str):
    """The value of `expression` in the kernel, through JSON. Computed under the builder's backend lock: the kernel
    handles the page's drill-down requests while a cell runs, and DuckDB refuses two calls at once."""
    locked = f"from journey_widgets.backend_lock import BACKEND_LOCK\nwith BACKEND_LOCK:\n    value = {expression}\n"
    out = kernel_run(page, f"import json\n{locked}print(json.dumps(value))")
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        raise AssertionError(f"the kernel printed {out!r} for {expression}") from None


def reached_bars(page):
    """The funnel chart's "Reached" bars (Vega draws them as SVG paths), top to bottom."""
    expect(page.locator(CHART).first).to_be_visible(timeout=UI_TIMEOUT)
    assert page.locator(".jw-builder .vega-embed svg.marks").count(), "the chart is not SVG: its bars cannot be found"
    paths = page.locator(".jw-builder .vega-embed .mark-rect path").all()
    bars = [p for p in paths if (p.get_attribute("fill") or "").upper() == REACHED.upper()]
    return sorted(bars, key=lambda bar: bar.bounding_box()["y"])


def test_drill_down_into_a_stage(page, lab_server, artifacts_dir):
    open_notebook(page, lab_server, "builder.ipynb")
    lab_js(page, "app.shell.collapseLeft();")  # the file browser: room for the builder
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect_ok(page, lambda: expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT), "no builder")
    wait_for_results(page, 1)
    package = kernel_run(page, "import journey_widgets\nprint(journey_widgets.__file__)").strip()
    assert package == str(PROJECT / "journey_widgets" / "__init__.py"), f"the kernel imports {package}"
    kernel_run(
        page, "builder.journey = builder.journey.stage('Submitted', 'form_submission').stage('Met', 'meeting_booked')"
    )
    wait_for_results(page, 3)
    expect(page.locator(CHART).first).to_be_visible(timeout=UI_TIMEOUT)
    panel = page.locator(".jw-drilldown")
    title = panel.locator(".jw-drill-title")
    expect(panel).to_be_hidden()

    # the breakdown and hold-constant menus name properties by their catalog labels, as the filter menu does
    country = "Country (ISO 3166-1 alpha-2) (country)"
    expect(page.locator(".jw-breakdown option[value='country']")).to_have_text(country)
    expect(page.locator(".jw-add-held option[value='country']")).to_have_text(country)

    # the dropped-off number of stage 2: exactly the actors it counts, in id order, and what they did next
    row = page.locator(".jw-funnel-table tbody tr").nth(1)
    row.locator(".jw-drill-dropped_off").click()
    dropped = kernel_value(
        page,
        "(lambda a, f: {'total': int(f.dropped_off[2]),"
        " 'listed': len(a), 'ids': a.actor_id.head(200).tolist(),"
        " 'first': [a.actor_id.iloc[0], bool(a.is_anonymous.iloc[0])],"
        " 'next': [jw.default_catalog().labels().get(e, e) for e in builder.result.next_events(2).next_event]})"
        "(jw.builder.drilldown.in_id_order("
        "(lambda a: a[~a.in_progress.astype(bool)])(builder.result.actors(2, dropped=True))),"
        " builder.result.funnel().set_index('stage_index'))",
    )
    assert dropped["listed"] == dropped["total"], dropped  # the kernel's own count of them: the number clicked
    expect(row.locator(".jw-drill-dropped_off")).to_have_text(f"{dropped['total']:,}")
    expect(row.locator(".jw-drill-in_progress")).to_have_count(0)  # nobody in progress: no such number
    expect_ok(
        page,
        lambda: expect(title).to_have_text(
            f"Dropped off before 2. Submitted: {dropped['total']:,} actors", timeout=UI_TIMEOUT
        ),
        "the drill-down did not list the dropped-off actors",
    )
    expect(panel.locator(".jw-drill-actors tbody tr")).to_have_count(min(200, dropped["total"]))
    assert panel.locator(".jw-drill-actor").all_inner_texts() == dropped["ids"]
    expect(panel.locator(".jw-drill-subtitle")).to_have_text("Next event of those who dropped off, windows closed")
    assert panel.locator(".jw-drill-events tbody td:first-child").all_inner_texts() == dropped["next"]

    # the CSV has every one of them
    with page.expect_download(timeout=UI_TIMEOUT) as download:
        panel.locator(".jw-drill-csv").click()
    assert download.value.suggested_filename == "stage-2-submitted-dropped-off.csv"
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("actor_id,is_anonymous,depth,in_progress,reached_at_1")
    assert len(lines) - 1 == dropped["total"]
    expect(panel.locator(".jw-drill-csv")).to_be_enabled()

    # the first actor's explanation: the kernel's text, and its events
    actor = panel.locator(".jw-drill-actor").first
    assert actor.inner_text() == dropped["first"][0]
    actor.click()
    expect(actor).to_have_attribute("aria-current", "true")
    explained = panel.locator(".jw-drill-explanation-text > div")
    expect(explained.first).to_be_visible(timeout=UI_TIMEOUT)
    text = kernel_value(page, "builder.result.explain({!r}, anonymous={}).text".format(*dropped["first"]))
    shown = explained.all_inner_texts()
    assert len(shown) == len(text.splitlines()) and STAMP.search(text), (shown, text)
    for line, kernel_line in zip(shown, text.splitlines(), strict=True):  # the same words, times in the page's notation
        assert not STAMP.search(line) and "+00:00" not in line, line
        assert all(part.strip(" .()") in line for part in STAMP.split(kernel_line)), (line, kernel_line)
    expect(panel.locator(".jw-drill-explanation tbody tr").first).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1400, "height": 1800})  # the whole builder in view, for the pictures
    page.locator(".jw-builder").scroll_into_view_if_needed()
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "drilldown-explained.png"))
    page.locator(".jw-builder").screenshot(path=str(artifacts_dir / "drilldown-builder.png"))

    # the in-progress number beside it is a drill-down of its own; Escape closes it and gives the focus back
    # a click on the chart's bar of stage 3: the actors who reached it, and what they did since stage 2
    bars = reached_bars(page)
    assert len(bars) == 3, [bar.get_attribute("d") for bar in bars]
    bars[2].click()
    reached = kernel_value(page, "len(builder.result.actors(3))")
    expect_ok(
        page,
        lambda: expect(title).to_have_text(f"Reached 3. Met: {reached:,} actors", timeout=KERNEL_TIMEOUT),
        "a click on the chart's bar did not open its drill-down",
    )
    expect(panel.locator(".jw-drill-subtitle").first).to_have_text("Events between stage 2 and stage 3")
    expect(panel.locator(".jw-drill-explanation-text")).to_have_count(0)  # another drill-down: no old explanation

    # a new result: the open panel shows the new journey's actors
    kernel_run(page, "builder.journey = builder.journey.within('7d')")
    kernel_run(page, "builder.wait()")
    week = kernel_value(page, "len(builder.result.actors(3))")
    assert week < reached
    expect_ok(
        page,
        lambda: expect(title).to_have_text(f"Reached 3. Met: {week:,} actors", timeout=UI_TIMEOUT),
        "the panel was not refreshed for the new result",
    )
    page.locator(".jw-drill-close").click()
    expect(panel).to_be_hidden()

    # with a window longer than the month between the sample's last visit and its last event, some are still in
    # progress: their number is a drill-down of its own, and Escape closes it and gives the focus back
    kernel_run(page, "builder.journey = builder.journey.within('60d')")
    kernel_run(page, "builder.wait()")
    in_progress = kernel_value(page, "int(builder.result.funnel().set_index('stage_index').in_progress[2])")
    assert in_progress, "nobody is in progress before stage 2: the test needs some"
    opener = row.locator(".jw-drill-in_progress")
    expect(opener).to_have_text(f"{in_progress:,} in progress", timeout=UI_TIMEOUT)
    opener.focus()
    page.keyboard.press("Enter")
    expect(title).to_have_text(f"Still in progress before 2. Submitted: {in_progress:,} actors", timeout=UI_TIMEOUT)
    expect(panel.locator(".jw-drill-actors tbody tr")).to_have_count(min(200, in_progress))
    assert all(text == "yes" for text in panel.locator(".jw-drill-actors tbody td:nth-child(4)").all_inner_texts())
    panel.locator(".jw-drill-actor").first.focus()
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(opener).to_be_focused()

    # a breakdown by country at stage 3 (Met): beside it, how many paths have no country there and why, read from
    # the funnel shown (the "(none)" segment)
    kernel_run(page, "builder.journey = builder.journey.breakdown_by('country', attribution=3)")
    kernel_run(page, "builder.wait()")
    none = kernel_value(
        page,
        "(lambda f: [int(f[f.breakdown.isna()].actors.iloc[0]), int(f[f.stage_index == 1].actors.sum())])"
        "(builder.result.funnel())",
    )
    country = "Country (ISO 3166-1 alpha-2)"
    expect(page.locator(".jw-breakdown-note")).to_contain_text(
        f"{none[0]:,} of {none[1]:,} paths have no {country} at their attributed event (stage 3: Met)",
        timeout=UI_TIMEOUT,
    )
    expect(page.locator(".jw-breakdown-note")).to_contain_text(f"Meeting booked events do not record {country}.")

    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
