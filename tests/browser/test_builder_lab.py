"""End-to-end in JupyterLab with Debian's Chromium: build a 3-stage journey with a branch and a
filter by clicking and typing, see the numbers change, read the definition back in Python, reload
the page and find the journey restored. Screenshots go to artifacts/."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from journey_widgets.operators import OPERATORS

pytestmark = pytest.mark.browser
KERNEL_TIMEOUT = 90_000
UI_TIMEOUT = 20_000


def lab_js(page, body: str, arg=None):
    return page.evaluate(
        f"async (arg) => {{ const app = window.jupyterapp; const nb = app.shell.currentWidget; {body} }}", arg
    )


def open_notebook(page, lab_server, name, reset=True):
    page.goto(f"{lab_server['base_url']}/lab/tree/{name}?token={lab_server['token']}" + ("&reset" if reset else ""))
    page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext", timeout=KERNEL_TIMEOUT)
    lab_js(page, "await nb.context.ready; await nb.sessionContext.ready;")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'",
        timeout=KERNEL_TIMEOUT,
    )


def expect_ok(page, assertion, what):
    try:
        assertion()
    except AssertionError as exc:
        errors = "\n  ".join(page.console_errors[-10:]) or "(none)"
        raise AssertionError(f"{what}\nbrowser console errors:\n  {errors}\n\n{exc}") from None


def actors(page):
    return [int(t.replace(",", "")) for t in page.locator(".jw-funnel-table .jw-actors").all_inner_texts()]


def wait_for_results(page, stages: int):
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)
    expect(page.locator(".jw-funnel-table tbody tr")).to_have_count(stages, timeout=UI_TIMEOUT)


def pick(page, stage, search, label):
    card = page.locator(".jw-stage").nth(stage)
    card.locator(".jw-add-step-search").fill(search)
    card.locator(".jw-add-step-select").select_option(label=label)


def test_build_a_journey_by_clicking(page, lab_server, artifacts_dir):
    t0 = time.monotonic()
    open_notebook(page, lab_server, "builder.ipynb")
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect_ok(
        page,
        lambda: expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT),
        "the builder did not render",
    )
    wait_for_results(page, 1)
    expect_ok(
        page,
        lambda: expect(page.locator(".vega-embed canvas, .vega-embed svg.marks").first).to_be_visible(
            timeout=UI_TIMEOUT
        ),
        "the funnel chart did not render offline",
    )
    visitors_before = actors(page)[0]

    # stage 2: form submission
    page.locator(".jw-add-stage").click()
    expect(page.locator(".jw-stage")).to_have_count(2)
    pick(page, 1, "form sub", "Form submission")
    expect(page.locator(".jw-stage").nth(1).locator(".jw-step")).to_have_count(2)
    page.locator(".jw-stage").nth(1).locator(".jw-remove-step").first.click()
    name = page.locator(".jw-stage").nth(1).locator(".jw-stage-name")
    name.fill("Converted")
    name.press("Enter")

    # stage 3: a meeting, by either of two steps (a branch)
    expect(page.locator(".jw-stage-name").nth(1)).to_have_value("Converted")
    page.locator(".jw-add-stage").click()
    expect(page.locator(".jw-stage")).to_have_count(3)
    pick(page, 2, "meeting", "Meeting booked")
    pick(page, 2, "sequence meet", "Sequence meeting booked")
    page.locator(".jw-stage").nth(2).locator(".jw-remove-step").first.click()
    expect(page.locator(".jw-stage").nth(2).locator(".jw-step-label")).to_have_text(
        ["Meeting booked", "Sequence meeting booked"]
    )
    name = page.locator(".jw-stage").nth(2).locator(".jw-stage-name")
    name.fill("Met")
    name.press("Enter")
    wait_for_results(page, 3)
    counts = actors(page)
    assert counts[0] == visitors_before and counts[0] > counts[1] > counts[2] > 0

    # a filter on stage 1: country is US (value typed, suggestions come from the data)
    first_step = page.locator(".jw-stage").nth(0).locator(".jw-step").first
    first_step.locator(".jw-add-filter").click()
    filter_row = page.locator(".jw-filter").first
    filter_row.locator(".jw-filter-property").select_option("country")
    menu = filter_row.locator(".jw-filter-op option").all_inner_texts()
    assert menu == [op.label for op in OPERATORS.values() if "string" in op.kinds]  # the registry's, in order
    value = page.locator(".jw-filter .jw-filter-value").first
    value.click()
    expect(page.locator(".jw-filter datalist option[value='US']")).to_have_count(1, timeout=UI_TIMEOUT)
    value.fill("US")
    value.press("Enter")
    expect_ok(
        page,
        lambda: expect(page.locator(".jw-funnel-table .jw-actors").first).not_to_have_text(
            f"{visitors_before:,}", timeout=UI_TIMEOUT
        ),
        "the numbers did not change after the filter",
    )
    wait_for_results(page, 3)
    filtered = actors(page)
    assert filtered[0] < visitors_before
    t_built = time.monotonic() - t0
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder.png"))
    page.screenshot(path=str(artifacts_dir / "builder-page.png"))

    # read the definition back in Python
    lab_js(page, "nb.content.activeCellIndex = 1; await app.commands.execute('notebook:run-cell');")
    output = page.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".jp-OutputArea-output")
    expect(output).to_contain_text("sequence_meeting_booked", timeout=UI_TIMEOUT)
    definition = json.loads(output.inner_text())
    assert [s["name"] for s in definition["stages"]] == ["Visited", "Converted", "Met"]
    assert definition["stages"][0]["steps"][0]["filters"] == [{"property": "country", "op": "eq", "value": "US"}]
    assert [s["event"] for s in definition["stages"][2]["steps"]] == ["meeting_booked", "sequence_meeting_booked"]

    # save with widget state, reload the page: the same journey is there
    lab_js(page, "await app.commands.execute('docmanager:save');")
    page.reload()
    open_notebook(page, lab_server, "builder.ipynb", reset=False)
    names = page.locator(".jw-stage-name")
    expect_ok(page, lambda: expect(names).to_have_count(3, timeout=KERNEL_TIMEOUT), "journey not restored on reload")
    assert [names.nth(i).input_value() for i in range(3)] == ["Visited", "Converted", "Met"]
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-restored.png"))
    saved = json.loads((lab_server["root"] / "builder.ipynb").read_text())
    states = saved["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    journeys = [m["state"]["journey"] for m in states.values() if "journey" in m["state"]]
    assert journeys and journeys[0]["stages"][2]["name"] == "Met"

    # an event type in neither the catalog nor the data: a warning beside its step, and the journey still runs
    code = "builder.journey = builder.journey.stage('Typo', 'page_visted')"
    lab_js(page, "await nb.sessionContext.session.kernel.requestExecute({code: arg}).done;", code)
    warning = page.locator(".jw-stage").nth(3).locator(".jw-warning")
    expect_ok(
        page, lambda: expect(warning).to_contain_text("did you mean 'page_visited'", timeout=UI_TIMEOUT), "no warning"
    )
    wait_for_results(page, 4)
    assert actors(page)[3] == 0 and page.locator(".jw-error").count() == 0
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-warning.png"))

    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
    print(f"\nTIMING built in {t_built:.1f}s")
