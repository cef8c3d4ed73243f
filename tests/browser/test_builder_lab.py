"""End-to-end in JupyterLab with Debian's Chromium: build a 3-stage journey with a branch and a
filter by clicking and typing, see the numbers change, read the definition back in Python, reload
the page and find the journey restored; keys, drafts, typing and errors in the builder. Screenshots go
to artifacts/."""

from __future__ import annotations

import json
import re
import time

import pytest
from builder_page import (
    KERNEL_TIMEOUT,
    UI_TIMEOUT,
    actors,
    assert_accessible,
    assert_definition,
    build_three_stages,
    expect_ok,
    wait_for_results,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def lab_js(page, body: str, arg=None):
    return page.evaluate(
        f"async (arg) => {{ const app = window.jupyterapp; const nb = app.shell.currentWidget; {body} }}", arg
    )


def open_notebook(page, server, name, reset=True, path="lab/tree"):
    page.goto(f"{server['base_url']}/{path}/{name}?token={server['token']}" + ("&reset" if reset else ""))
    page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext", timeout=KERNEL_TIMEOUT)
    lab_js(page, "await nb.context.ready; await nb.sessionContext.ready;")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'",
        timeout=KERNEL_TIMEOUT,
    )


def build_read_back_and_reload(page, server, artifacts_dir, host: str, path: str = "lab/tree"):
    """The whole round trip in a Jupyter host (JupyterLab or Notebook 7)."""
    t0 = time.monotonic()
    open_notebook(page, server, "builder.ipynb", path=path)
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect_ok(
        page,
        lambda: expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT),
        "the builder did not render",
    )
    expect_ok(
        page,
        lambda: expect(page.locator(".vega-embed canvas, .vega-embed svg.marks").first).to_be_visible(
            timeout=UI_TIMEOUT
        ),
        "the funnel chart did not render offline",
    )
    build_three_stages(page)
    t_built = time.monotonic() - t0
    assert_accessible(page)
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / f"builder-{host}.png"))
    page.screenshot(path=str(artifacts_dir / f"builder-{host}-page.png"))
    if host == "lab":
        check_both_themes(page, artifacts_dir)

    # read the definition back in Python
    lab_js(page, "nb.content.activeCellIndex = 1; await app.commands.execute('notebook:run-cell');")
    output = page.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".jp-OutputArea-output")
    expect(output).to_contain_text("sequence_meeting_booked", timeout=UI_TIMEOUT)
    assert_definition(json.loads(output.inner_text()))

    # save with widget state, reload the page: the same journey is there
    lab_js(page, "await app.commands.execute('docmanager:save');")
    page.reload()
    open_notebook(page, server, "builder.ipynb", reset=False, path=path)
    names = page.locator(".jw-stage-name")
    expect_ok(page, lambda: expect(names).to_have_count(3, timeout=KERNEL_TIMEOUT), "journey not restored on reload")
    assert [names.nth(i).input_value() for i in range(3)] == ["Visited", "Converted", "Met"]
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / f"builder-{host}-restored.png"))
    saved = json.loads((server["root"] / "builder.ipynb").read_text())
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
    assert actors(page)[3] == 0 and page.locator(".jw-error:visible").count() == 0
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-warning.png"))

    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
    print(f"\nTIMING {host}: built in {t_built:.1f}s")


def switch_theme(page, theme: str, dark: bool):
    lab_js(page, "await app.commands.execute('apputils:change-theme', {theme: arg});", theme)
    page.wait_for_function(
        "(dark) => document.body.dataset.jpThemeLight === String(!dark)", arg=dark, timeout=UI_TIMEOUT
    )
    expected = "{'theme': 'dark'}" if dark else "None"
    expect_ok(
        page,
        lambda: page.wait_for_function(
            """async (expected) => {
                const nb = window.jupyterapp.shell.currentWidget;
                const future = nb.sessionContext.session.kernel.requestExecute(
                    {code: "print(builder.chart.embed_options)", store_history: false});
                let out = "";
                future.onIOPub = (msg) => { if (msg.content.text) out += msg.content.text; };
                await future.done;
                return out.trim() === expected;
            }""",
            arg=expected,
            timeout=UI_TIMEOUT,
            polling=500,
        ),
        f"the chart did not follow the {theme} theme",
    )
    expect(page.locator(".vega-embed canvas, .vega-embed svg.marks").first).to_be_visible(timeout=UI_TIMEOUT)


def check_both_themes(page, artifacts_dir):
    """The builder and its chart follow JupyterLab's light and dark themes; axe checks the dark one too."""
    output = page.locator(".jp-Notebook .jp-CodeCell").first.locator(".jp-OutputArea")
    output.screenshot(path=str(artifacts_dir / "theme-light.png"))
    switch_theme(page, "JupyterLab Dark", dark=True)
    background = page.evaluate("() => getComputedStyle(document.querySelector('.jw-root')).backgroundColor")
    assert background != "rgb(255, 255, 255)", background
    assert_accessible(page)
    output.screenshot(path=str(artifacts_dir / "theme-dark.png"))
    switch_theme(page, "JupyterLab Light", dark=False)


def test_build_a_journey_by_clicking(page, lab_server, artifacts_dir):
    build_read_back_and_reload(page, lab_server, artifacts_dir, "lab")


def test_build_a_journey_in_notebook_7(page, notebook_server, artifacts_dir):
    build_read_back_and_reload(page, notebook_server, artifacts_dir, "notebook7", path="notebooks")


def kernel_run(page, code: str) -> str:
    """Run `code` in the notebook's kernel without touching the page's focus; return its output text."""
    return lab_js(
        page,
        """const kernel = nb.sessionContext.session.kernel;
        const future = kernel.requestExecute({code: arg, store_history: false});
        let out = "";
        future.onIOPub = (msg) => {
          const c = msg.content;
          if (c.text) out += c.text;
          if (c.ename) out += `${c.ename}: ${c.evalue}`;
        };
        await future.done;
        return out;""",
        code,
    )


def focused(page) -> str:
    """The focused element's class names ('' when focus left the builder)."""
    return page.evaluate("() => document.activeElement.closest('.jw-root') ? document.activeElement.className : ''")


def cells(page) -> tuple[int, int]:
    return tuple(lab_js(page, "return [nb.content.widgets.length, nb.content.activeCellIndex];"))


def test_keys_focus_drafts_and_errors_stay_in_the_builder(page, lab_server, artifacts_dir):
    """A: notebook shortcuts do not act from inside the builder; C: a new stage is an incomplete draft and is not
    computed; D: text being typed survives an update from the kernel; E: an error is shown at its control;
    B: numbers of the last valid journey are dimmed and said to be; undo/redo from the keyboard."""
    open_notebook(page, lab_server, "builder.ipynb")
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT)
    wait_for_results(page, 1)
    lab_js(page, "nb.content.activeCellIndex = 0; nb.content.mode = 'command';")
    before = cells(page)

    # A: D D, B, A and arrows on a focused builder button leave the notebook's cells as they were
    add = page.locator(".jw-add-stage")
    add.focus()
    for key in ["d", "d", "b", "a", "ArrowDown", "j", "k", "x", "z"]:
        page.keyboard.press(key)
    assert cells(page) == before, "a notebook shortcut acted from inside the builder"
    assert "jw-add-stage" in focused(page)

    # C: Enter on "+ Add stage" adds a draft stage: marked incomplete, not computed, numbers dimmed and labelled
    page.keyboard.press("Enter")
    draft = page.locator(".jw-stage").nth(1)
    expect(draft).to_have_class(re.compile("jw-draft"))
    expect(draft.locator(".jw-error:not([hidden])")).to_have_text("Incomplete: pick a step", timeout=UI_TIMEOUT)
    expect(page.locator(".jw-status")).to_contain_text("Incomplete", timeout=UI_TIMEOUT)
    expect(page.locator(".jw-numbers")).to_have_class(re.compile("jw-stale"))
    assert "jw-add-step-search" in focused(page)  # focus moved to the new stage's step search
    assert actors(page) and len(actors(page)) == 1  # the draft did not run (no 0 row)

    # the step picker from the keyboard: type, Tab to the menu, arrow to the event, Enter picks it
    page.keyboard.type("form sub")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert draft.locator(".jw-step").count() == 0  # browsing with arrows picks nothing yet
    page.keyboard.press("Enter")
    expect(draft.locator(".jw-step-label")).to_have_text(["Form submission"])
    wait_for_results(page, 2)
    assert cells(page) == before

    # D: typing in stage 2's name while the kernel sends an update keeps the text, focus and caret
    name = draft.locator(".jw-stage-name")
    name.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Conv")
    kernel_run(
        page,
        'builder.editor.errors = [{"loc": ["stages", 0, "name"], "where": "", "message": "from the kernel"}]',
    )
    expect(page.locator(".jw-stage").nth(0).locator(".jw-error:not([hidden])")).to_have_text("from the kernel")
    page.keyboard.type("erted")
    assert name.input_value() == "Converted" and "jw-stage-name" in focused(page)
    kernel_run(page, "builder.editor.errors = []")
    page.keyboard.press("Enter")  # commits, focus stays
    assert "jw-stage-name" in focused(page) and cells(page) == before
    expect(page.locator(".jw-funnel-table td").filter(has_text="2. Converted")).to_have_count(1, timeout=UI_TIMEOUT)

    # undo and redo from the keyboard (outside a text box)
    add.focus()
    page.keyboard.press("Control+z")
    expect(name).to_have_value("Stage 2")
    page.keyboard.press("Control+Shift+z")
    expect(name).to_have_value("Converted")
    # Reset goes back to the journey the builder started with; the Undo button brings the edits back
    page.locator(".jw-reset").click()
    expect(page.locator(".jw-stage")).to_have_count(1)
    page.locator(".jw-undo").click()
    expect(page.locator(".jw-stage-name")).to_have_count(2)
    expect(page.locator(".jw-stage-name").nth(1)).to_have_value("Converted")
    wait_for_results(page, 2)

    # reorder from the keyboard: the focus follows the moved stage
    page.locator(".jw-stage").nth(1).locator(".jw-move-up").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".jw-stage-name").nth(0)).to_have_value("Converted")
    assert "jw-stage-name" in focused(page)  # its "move up" is disabled now: the name box has the focus
    page.locator(".jw-stage").nth(0).locator(".jw-move-down").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".jw-stage-name").nth(1)).to_have_value("Converted")
    wait_for_results(page, 2)

    # a filter from the keyboard: a draft until its value is typed; a value the data lacks says "0 in data"
    page.locator(".jw-stage").nth(0).locator(".jw-add-filter").focus()
    page.keyboard.press("Enter")
    assert "jw-filter-property" in focused(page)
    expect(page.locator(".jw-status")).to_contain_text("Incomplete", timeout=UI_TIMEOUT)
    expect(page.locator(".jw-filter .jw-incomplete-note")).to_have_text("Incomplete: choose a property")
    page.keyboard.press("ArrowDown")  # browses to the first property of the step's event (content_id)
    page.keyboard.press("Enter")  # and picks it
    expect(page.locator(".jw-filter .jw-incomplete-note")).to_have_text("Incomplete: type a value", timeout=UI_TIMEOUT)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("no-such-page")
    page.keyboard.press("Enter")
    expect(page.locator(".jw-absent")).to_have_text("“no-such-page”: 0 in data", timeout=UI_TIMEOUT)
    wait_for_results(page, 2)
    page.locator(".jw-remove-filter").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".jw-filter")).to_have_count(0)
    kernel_run(page, "builder.wait()")  # the status shown may not have left "Up to date" yet
    wait_for_results(page, 2)
    assert cells(page) == before

    # E: an invalid window is shown at its control in the user's words; builder.journey refuses it
    window = page.locator(".jw-window")
    window.fill("")
    window.press("Enter")
    expect(window).to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    expect(page.locator(f"#{window.get_attribute('aria-describedby')}")).to_have_text("Type a number above 0")
    expect(page.locator(".jw-status")).to_contain_text("last valid journey")
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-invalid.png"))
    assert_accessible(page)  # errors and dimmed numbers stay readable
    assert "not valid yet" in kernel_run(page, "builder.journey")
    window.fill("14")
    window.press("Enter")
    expect(window).not_to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    wait_for_results(page, 2)
    assert '"window": "P14D"' in kernel_run(page, "print(builder.journey.to_json(indent=None))")

    # E: a 5-digit year is not taken as a date: the kernel says so at the control
    start = page.locator(".jw-start")
    start.focus()
    for key in "0301" + "12024":  # month, day, then a 5-digit year (the box fires "change" at every digit)
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    expect(start).to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    expect(page.locator(f"#{start.get_attribute('aria-describedby')}")).to_have_text(
        "Not a date: use a 4-digit year (YYYY-MM-DD)"
    )
    assert "not valid yet" in kernel_run(page, "builder.journey")
    assert cells(page) == before
