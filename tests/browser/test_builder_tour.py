"""A new user's tour of the builder in JupyterLab (and, shorter, in Notebook 7), with the mouse and the keyboard only:
every control gets a valid edit, an invalid one, and Enter versus Tab; every Tab stop of the builder (its charts,
their tabs and "…" menus included) gets the notebook's shortcuts with the cells counted; Escape; a narrow layout.
After each edit the numbers shown must be those of `builder.journey.run()` in the kernel (read there, never set),
and numbers shown while they are not the editor's journey's (table and chart) must be marked as such."""

from __future__ import annotations

import json
import re
import time

import pytest
from builder_page import KERNEL_TIMEOUT, UI_TIMEOUT, expect_ok
from playwright.sync_api import expect
from test_builder_lab import cells, kernel_run, lab_js, open_notebook

pytestmark = pytest.mark.browser

SOURCE = [
    "import journey_widgets as jw\nfrom journey_widgets import Journey\n\n"
    "events, identity = jw.sample_events(30_000, seed=3)\n"
    'builder = jw.JourneyBuilder(events, Journey("Tour").stage("Visited", "page_visited"), identity=identity)\n'
    "builder",
    "1 + 1",
]

# The numbers of the journey in the editor, computed afresh in the kernel (and the definition, to check edits); under
# the builder's backend lock, as the builder's own queries: DuckDB refuses a call while another thread's is running.
KERNEL_NUMBERS = """
import json
from journey_widgets.backend_lock import BACKEND_LOCK
builder.wait()
try:
    with BACKEND_LOCK:
        _rows = builder.journey.run(events, identity=identity).funnel().to_dict("records")
    print(json.dumps({"journey": builder.editor.journey,
                      "rows": [[int(r["stage_index"]), int(r["actors"]), int(r["dropped_off"]),
                                int(r["in_progress"] or 0)] for r in _rows]}))
except Exception as _exc:
    print(json.dumps({"journey": builder.editor.journey, "error": str(_exc)}))
"""

# The journey in the editor, as the kernel has it (cheaper: nothing computed).
KERNEL_JOURNEY = "import json\nbuilder.wait()\nprint(json.dumps({'journey': builder.editor.journey}))"

CHART_OPACITY = "() => Number(getComputedStyle(document.querySelector('.jw-charts > .widget-tab-contents')).opacity)"

# Records, each time the status changes while numbers are shown, whether the table and the chart are marked stale.
WATCH_STALE = """() => {
  window.jwStale = [];
  const status = document.querySelector('.jw-status');
  new MutationObserver(() => {
    const rows = document.querySelectorAll('.jw-funnel-table tbody tr').length;
    if (status.dataset.status === 'idle' || !rows) return;
    const note = document.querySelector('.jw-chart-note');
    window.jwStale.push({
      status: status.dataset.status,
      table: document.querySelector('.jw-numbers').classList.contains('jw-stale'),
      note: note.checkVisibility() ? note.textContent : '',
      chart: Number(getComputedStyle(document.querySelector('.jw-charts > .widget-tab-contents')).opacity),
    });
  }).observe(status, {attributes: true, attributeFilter: ['data-status']});
}"""


def write_notebook(server, source: list[str] = SOURCE, name: str = "tour.ipynb") -> str:
    """A notebook of `source`'s code cells in the server's root; returns its name."""
    cells_ = [
        {"cell_type": "code", "execution_count": None, "id": f"tour{i}", "metadata": {}, "outputs": [], "source": s}
        for i, s in enumerate(source)
    ]
    notebook = {
        "cells": cells_,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (server["root"] / name).write_text(json.dumps(notebook))
    return name


def start(page, server, path="lab/tree", source: list[str] = SOURCE, name: str = "tour.ipynb"):
    """Open a notebook of `source` (its first cell shows a builder, its second is any code), run it, and wait for the
    builder and its chart; the stale marks are watched from then on, and the second cell is active."""
    open_notebook(page, server, write_notebook(server, source, name), path=path)
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect_ok(page, lambda: expect(page.locator(".jw-stage").first).to_be_visible(timeout=KERNEL_TIMEOUT), "no builder")
    expect(page.locator(".vega-embed canvas, .vega-embed svg.marks").first).to_be_visible(timeout=UI_TIMEOUT)
    page.add_style_tag(content="* { transition: none !important; }")  # opacity read at once, not mid-fade
    page.evaluate(WATCH_STALE)
    lab_js(page, "nb.content.activeCellIndex = 1; nb.content.mode = 'command';")


# The kernel has had every edit sent: idle for a while (the widgets send an edit made while the kernel is busy once it
# is idle again, and it then turns busy at once).
SETTLED = """() => {
  const idle = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle';
  window.jwIdleSince = idle ? (window.jwIdleSince ?? performance.now()) : null;
  return idle && performance.now() - window.jwIdleSince > 200;
}"""


def kernel_numbers(page, until=lambda kernel: True, what: str = "", code: str = KERNEL_NUMBERS) -> dict:
    """The kernel's answer to `code` once the edits sent have reached it (settled), asked again until `until` holds
    of it."""
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while True:
        page.evaluate("() => { window.jwIdleSince = null; }")
        page.wait_for_function(SETTLED, polling=50)
        kernel = json.loads(kernel_run(page, code))
        try:
            if until(kernel):
                return kernel
        except (KeyError, IndexError):  # a part the edit adds has not arrived
            pass
        assert time.monotonic() < deadline, f"{what}: the kernel's journey is not the one expected: {kernel}"


def shown_numbers_are_the_kernels(page, what: str, edited=lambda journey: True) -> dict:
    """After an edit (`edited` holds of the kernel's journey once it arrived): the numbers shown are
    `builder.journey.run()`'s, up to date and not dimmed. Returns the kernel's journey."""
    kernel = kernel_numbers(page, lambda k: "error" not in k and edited(k["journey"]), what)
    reached = [f"{actors:,}" for _, actors, _, _ in kernel["rows"]]
    dropped = [
        "" if stage == 1 else f"{off:,}" + (f"{open_:,} in progress" if open_ else "")
        for stage, _, off, open_ in kernel["rows"]
    ]
    try:
        expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)
    except AssertionError:
        message = page.locator(".jw-backend-error").text_content()
        expect_ok(page, lambda: expect(page.locator(".jw-status")).to_have_text("Up to date"), f"{what}: {message}")
    table = page.locator(".jw-funnel-table")
    expect_ok(page, lambda: expect(table.locator(".jw-actors")).to_have_text(reached), f"{what}: reached")
    expect_ok(page, lambda: expect(table.locator(".jw-dropped")).to_have_text(dropped), f"{what}: dropped off")
    expect(page.locator(".jw-numbers")).not_to_have_class(re.compile("jw-stale"))
    expect(page.locator(".jw-chart-note")).to_be_hidden()
    return kernel["journey"]


def invalid_is_marked(page, control, what: str) -> None:
    """An invalid edit: marked at its control, the numbers (table and chart) dimmed and said to be the last valid
    journey's."""
    expect_ok(page, lambda: expect(control).to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT), what)
    expect(page.locator(".jw-numbers")).to_have_class(re.compile("jw-stale"))
    expect(page.locator(".jw-chart-note")).to_have_text("The chart below is of the last valid journey.")
    assert page.evaluate(CHART_OPACITY) < 1, f"{what}: the chart is not dimmed"


def journey(page) -> dict:
    return kernel_numbers(page, code=KERNEL_JOURNEY)["journey"]


def retype(page, box, text: str, commit: str) -> None:
    """Click a box, replace its text, commit with `commit` ("Enter" or "Tab")."""
    box.click()
    page.keyboard.press("Control+a")
    if text:
        page.keyboard.type(text)
    else:
        page.keyboard.press("Delete")
    page.keyboard.press(commit)


def tab_out(page, date_box) -> None:
    """Tab out of a date box: through its day, year and calendar button first."""
    while date_box.evaluate("(box) => box === document.activeElement"):
        page.keyboard.press("Tab")


def browse_and_pick(page, select, keys: list[str]) -> str:
    """Focus a closed menu, browse with `keys`: nothing applies; Enter applies what they browsed to."""
    before = journey(page)
    select.focus()
    for key in keys:
        page.keyboard.press(key)
    browsed = select.input_value()
    assert journey(page) == before, f"keys {keys} on a closed menu applied its choice"
    page.keyboard.press("Enter")
    return browsed


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.closest('.jw-builder') ? document.activeElement.className : ''")


def edit_every_control(page, artifacts_dir):
    root = page.locator(".jw-root")
    stage = lambda n: page.locator(".jw-stage").nth(n)  # noqa: E731
    shown_numbers_are_the_kernels(page, "first result")

    # the journey's name: Enter, Tab; empty is invalid
    name = root.locator(".jw-journey-name")
    retype(page, name, "Tour A", "Enter")
    shown_numbers_are_the_kernels(page, "name, Enter", lambda j: j["name"] == "Tour A")
    retype(page, name, "Tour B", "Tab")
    shown_numbers_are_the_kernels(page, "name, Tab", lambda j: j["name"] == "Tour B")
    retype(page, name, "", "Enter")
    invalid_is_marked(page, name, "an empty name")
    page.locator(".jw-builder").screenshot(path=str(artifacts_dir / "tour-stale.png"))
    retype(page, name, "Tour", "Enter")
    shown_numbers_are_the_kernels(page, "name fixed")

    # a stage: "+ Add stage" from the keyboard is a draft; a letter on its picker browses, Enter picks
    root.locator(".jw-add-stage").focus()
    page.keyboard.press("Enter")
    invalid_is_marked(page, stage(1).locator(".jw-add-step-select"), "a draft stage")
    picker = stage(1).locator(".jw-add-step-select")
    picker.focus()
    page.keyboard.press("d")
    page.keyboard.press("Escape")
    assert stage(1).locator(".jw-step").count() == 0, "a letter on the step picker added a step"
    stage(1).locator(".jw-add-step-search").fill("form sub")
    assert browse_and_pick(page, picker, ["ArrowDown"]) == "form_submission"
    expect(stage(1).locator(".jw-step-label")).to_have_text(["Form submission"])
    shown_numbers_are_the_kernels(page, "stage 2 picked")
    stage_name = stage(1).locator(".jw-stage-name")
    retype(page, stage_name, "Converted", "Tab")
    shown_numbers_are_the_kernels(page, "stage renamed, Tab", lambda j: j["stages"][1]["name"] == "Converted")
    retype(page, stage_name, "", "Enter")
    invalid_is_marked(page, stage_name, "an empty stage name")
    retype(page, stage_name, "Converted", "Enter")
    shown_numbers_are_the_kernels(page, "stage name fixed")

    # a third stage of two steps: one picked from the keyboard, one with the mouse
    root.locator(".jw-add-stage").click()
    stage(2).locator(".jw-add-step-search").fill("meeting")
    browse_and_pick(page, stage(2).locator(".jw-add-step-select"), ["ArrowDown"])
    stage(2).locator(".jw-add-step-search").fill("sequence meet")
    stage(2).locator(".jw-add-step-select").select_option(label="Sequence meeting booked")
    expect(stage(2).locator(".jw-step-label")).to_have_text(["Meeting booked", "Sequence meeting booked"])
    retype(page, stage(2).locator(".jw-stage-name"), "Met", "Enter")
    shown_numbers_are_the_kernels(page, "stage 3")

    # the window: a fraction with Enter keeps its unit (2.5 days, not 2.5 hours), with Tab too; 0 is invalid
    amount, unit = root.locator(".jw-window"), root.locator(".jw-window-unit")
    retype(page, amount, "2.5", "Enter")
    shown_numbers_are_the_kernels(page, "window 2.5, Enter", lambda j: j["window"] == "P2.5D")
    expect(amount).to_have_value("2.5")
    expect(unit).to_have_value("days")
    assert browse_and_pick(page, unit, ["w"]) == "weeks"
    shown_numbers_are_the_kernels(page, "window unit", lambda j: j["window"] == "P2.5W")
    retype(page, amount, "1.5", "Tab")
    shown_numbers_are_the_kernels(page, "window 1.5, Tab", lambda j: j["window"] == "P1.5W")
    expect(amount).to_have_value("1.5")
    expect(unit).to_have_value("weeks")
    retype(page, amount, "0", "Enter")
    invalid_is_marked(page, amount, "a window of 0")
    retype(page, amount, "30", "Tab")
    unit.focus()
    page.keyboard.press("d")
    page.keyboard.press("Enter")
    shown_numbers_are_the_kernels(page, "window 30 days", lambda j: j["window"] == "P30D")

    # the order: ArrowDown browses (nothing runs), Tab leaves it as it was; ArrowDown then Enter applies
    order = root.locator(".jw-order")
    order.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(order).to_have_value("ordered")
    assert journey(page).get("order", "ordered") == "ordered"
    assert browse_and_pick(page, order, ["ArrowDown"]) == "strict"
    shown_numbers_are_the_kernels(page, "strict order", lambda j: j["order"] == "strict")
    browse_and_pick(page, order, ["ArrowUp"])
    shown_numbers_are_the_kernels(page, "order back", lambda j: j["order"] == "ordered")

    # dates: typed whole with Enter; typed in part and left with Tab: marked, the journey keeps its date
    start_box, end_box = root.locator(".jw-start"), root.locator(".jw-end")
    start_box.focus()
    page.keyboard.type("02012026")
    page.keyboard.press("Enter")
    shown_numbers_are_the_kernels(page, "From", lambda j: j["date_range"] == {"start": "2026-02-01T00:00:00Z"})
    end_box.focus()
    page.keyboard.type("06")
    tab_out(page, end_box)
    expect(end_box).to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    expect(page.locator(f"#{end_box.get_attribute('aria-describedby')}")).to_contain_text("Finish the date")
    assert journey(page)["date_range"] == {"start": "2026-02-01T00:00:00Z"}
    end_box.focus()
    page.keyboard.type("06012026")
    tab_out(page, end_box)
    expect(end_box).not_to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    shown_numbers_are_the_kernels(page, "To", lambda j: j["date_range"]["end"] == "2026-06-01T00:00:00Z")
    root.locator(".jw-undo").click()
    root.locator(".jw-undo").click()
    shown_numbers_are_the_kernels(page, "dates undone", lambda j: "date_range" not in j)

    # a filter from the keyboard: property and operator browsed then picked; value with Enter and with Tab
    root.locator(".jw-add-filter").first.focus()
    page.keyboard.press("Enter")
    row = stage(0).locator(".jw-filter")
    prop, op, value = row.locator(".jw-filter-property"), row.locator(".jw-filter-op"), row.locator(".jw-filter-value")
    invalid_is_marked(page, value, "a filter with no property")  # its problems show at the value
    assert browse_and_pick(page, prop, list("cou")) == "country"
    assert browse_and_pick(page, op, ["ArrowDown"]) == "neq"
    retype(page, value, "US", "Enter")
    filters = [{"property": "country", "op": "neq", "value": "US"}]
    shown_numbers_are_the_kernels(
        page, "country is not US", lambda j: j["stages"][0]["steps"][0].get("filters") == filters
    )
    browse_and_pick(page, op, ["ArrowUp"])
    retype(page, value, "DE", "Tab")
    shown_numbers_are_the_kernels(
        page, "country is DE", lambda j: j["stages"][0]["steps"][0]["filters"][0]["value"] == "DE"
    )
    retype(page, value, "", "Enter")
    invalid_is_marked(page, value, "a filter with no value")
    # removed from the keyboard: the focus stays in the builder, and Ctrl+Z brings the filter back
    row.locator(".jw-remove-filter").focus()
    page.keyboard.press("Enter")
    expect(row).to_have_count(0)
    assert "jw-add-filter" in focused(page), "the focus left the builder when the filter was removed"
    page.keyboard.press("Control+z")
    expect(row).to_have_count(1)
    retype(page, value, "DE", "Enter")
    shown_numbers_are_the_kernels(page, "filter back")

    # the anonymous switch with Space
    stage(0).locator(".jw-anonymous input").focus()
    page.keyboard.press("Space")
    shown_numbers_are_the_kernels(page, "anonymous", lambda j: j["stages"][0]["steps"][0]["include_anonymous"] is True)

    # a step removed from the keyboard: the focus moves to its neighbour, Ctrl+Z brings it back
    stage(2).locator(".jw-remove-step").nth(1).focus()
    page.keyboard.press("Enter")
    expect(stage(2).locator(".jw-step")).to_have_count(1)
    assert "jw-remove-step" in focused(page), "the focus left the builder when the step was removed"
    shown_numbers_are_the_kernels(page, "step removed")
    page.keyboard.press("Control+z")
    expect(stage(2).locator(".jw-step")).to_have_count(2)
    shown_numbers_are_the_kernels(page, "step back")

    # reorder and remove stages from the keyboard
    stage(2).locator(".jw-move-up").focus()
    page.keyboard.press("Enter")
    expect(stage(1).locator(".jw-stage-name")).to_have_value("Met")
    shown_numbers_are_the_kernels(page, "stage moved up")
    stage(1).locator(".jw-move-down").focus()
    page.keyboard.press("Enter")
    expect(stage(2).locator(".jw-stage-name")).to_have_value("Met")
    shown_numbers_are_the_kernels(page, "stage moved down")

    # an exclusion: picked from the keyboard, its stages browsed and picked; from 3 to 3 is invalid
    search = root.locator(".jw-add-exclusion-search")
    search.fill("deal stage")
    browse_and_pick(page, root.locator(".jw-add-exclusion-select"), ["ArrowDown"])
    exclusion = [{"event": "deal_stage_changed", "between": [1, 3]}]
    shown_numbers_are_the_kernels(page, "exclusion", lambda j: j.get("exclusions") == exclusion)
    browse_and_pick(page, root.locator(".jw-exclusion-from"), ["ArrowDown"])
    shown_numbers_are_the_kernels(page, "exclusion from 2", lambda j: j["exclusions"][0]["between"] == [2, 3])
    browse_and_pick(page, root.locator(".jw-exclusion-from"), ["ArrowDown"])
    invalid_is_marked(page, root.locator(".jw-exclusion-to"), "an exclusion from stage 3 to stage 3")
    root.locator(".jw-remove-exclusion").focus()
    page.keyboard.press("Enter")
    assert "jw-add-exclusion-search" in focused(page)
    shown_numbers_are_the_kernels(page, "exclusion removed", lambda j: "exclusions" not in j)

    # hold constant and breakdown: letters browse, Enter picks; Top with Enter, Tab, and an invalid 0
    assert browse_and_pick(page, root.locator(".jw-add-held"), list("cou")) == "country"
    shown_numbers_are_the_kernels(page, "held", lambda j: j["hold_constant"] == ["country"])
    root.locator(".jw-remove-held").click()
    shown_numbers_are_the_kernels(page, "held removed", lambda j: "hold_constant" not in j)
    assert browse_and_pick(page, root.locator(".jw-breakdown"), list("dev")) == "device_type"
    shown_numbers_are_the_kernels(page, "breakdown")
    limit = root.locator(".jw-breakdown-limit")
    retype(page, limit, "2", "Enter")
    shown_numbers_are_the_kernels(page, "top 2, Enter", lambda j: j["breakdown"]["limit"] == 2)
    retype(page, limit, "3", "Tab")
    shown_numbers_are_the_kernels(page, "top 3, Tab", lambda j: j["breakdown"]["limit"] == 3)
    retype(page, limit, "0", "Enter")
    invalid_is_marked(page, limit, "top 0")
    retype(page, limit, "3", "Enter")
    shown_numbers_are_the_kernels(page, "top fixed")
    browse_and_pick(page, root.locator(".jw-attribution"), ["ArrowDown"])
    shown_numbers_are_the_kernels(page, "last touch", lambda j: j["breakdown"]["attribution"] == "last_touch")
    browse_and_pick(page, root.locator(".jw-attribution"), ["ArrowDown"])
    assert browse_and_pick(page, root.locator(".jw-attribution-stage"), ["ArrowUp"]) == "1"
    shown_numbers_are_the_kernels(page, "at stage 1", lambda j: j["breakdown"]["stage"] == 1)
    browse_and_pick(page, root.locator(".jw-breakdown"), ["Home"])
    shown_numbers_are_the_kernels(page, "no breakdown", lambda j: "breakdown" not in j)

    # Reset, then Undo and Redo from the keyboard (outside a text box)
    root.locator(".jw-reset").click()
    expect(page.locator(".jw-stage")).to_have_count(1)
    shown_numbers_are_the_kernels(page, "reset")
    root.locator(".jw-undo").focus()
    page.keyboard.press("Control+z")
    expect(page.locator(".jw-stage")).to_have_count(3)
    page.keyboard.press("Control+Shift+z")
    expect(page.locator(".jw-stage")).to_have_count(1)
    page.keyboard.press("Control+z")
    expect(page.locator(".jw-stage")).to_have_count(3)
    shown_numbers_are_the_kernels(page, "undo")


TAB_STOP = """() => {
  const el = document.activeElement;
  if (!el.closest('.jw-builder')) return null;
  const text = (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40);
  return {tag: el.tagName.toLowerCase(), cls: String(el.className), text, type: el.type || '',
          visible: el.checkVisibility() && el.getBoundingClientRect().width > 0};
}"""


def keys_stay_in_the_builder(page, first, *, open_menus: bool) -> list[str]:
    """From `first`, every Tab stop of the builder up to its end: D D, B, A and the arrows leave the notebook's
    cells as they were and the journey unchanged; each stop is visible. With `open_menus`, a chart's "…" menu is
    opened (Enter) so that its links are Tab stops too. Returns the stops visited."""
    before_cells, before_journey = cells(page), journey(page)
    first.focus()
    seen = []
    for _ in range(200):
        stop = page.evaluate(TAB_STOP)
        if stop is None:
            break
        where = f"{stop['tag']}.{stop['cls']} '{stop['text']}'"
        assert stop["visible"], f"a hidden part is a Tab stop: {where}"
        types = stop["type"] in ("text", "search", "number", "date")
        original = page.evaluate("() => document.activeElement.value") if types else None
        arrows = ["ArrowLeft", "ArrowRight"] if types else ["ArrowDown", "ArrowUp"]
        for key in ["d", "d", "b", "a", *arrows]:
            page.keyboard.press(key)
            assert cells(page) == before_cells, f"{key!r} on {where} reached the notebook"
        if types and stop["type"] != "date":
            page.keyboard.press("Control+a")
            page.keyboard.type(original) if original else page.keyboard.press("Delete")
        seen.append(where)
        if open_menus and stop["tag"] == "summary":
            page.keyboard.press("Enter")
        page.keyboard.press("Tab")
    assert journey(page) == before_journey, "keys on the builder's parts changed the journey"
    return seen


def narrow_layout(page, artifacts_dir):
    """At 1024 px with the file browser open, the numbers table fits its column and a filter's property (its longest,
    "Country (ISO 3166-1 alpha-2) (country)") is shown whole."""
    page.set_viewport_size({"width": 1024, "height": 800})
    lab_js(page, "await app.commands.execute('filebrowser:activate');")
    expect(page.locator(".jp-FileBrowser")).to_be_visible()
    expect(page.locator(".jw-filter-property")).to_have_value("country")  # the tour's filter, back by Ctrl+Z
    sizes = page.evaluate("""() => {
      const results = document.querySelector('.jw-results');
      const select = document.querySelector('.jw-filter-property');
      const width = select.getBoundingClientRect().width;
      select.style.maxWidth = 'none';
      const whole = select.getBoundingClientRect().width;
      select.style.maxWidth = '';
      return {client: results.clientWidth, scroll: results.scrollWidth, width, whole};
    }""")
    assert sizes["scroll"] <= sizes["client"], f"the numbers table is cut at 1024 px: {sizes}"
    assert sizes["width"] >= sizes["whole"] - 0.5, f"the filter's property is cut at 1024 px: {sizes}"
    page.screenshot(path=str(artifacts_dir / "tour-narrow.png"))


def stale_was_marked(page):
    records = page.evaluate("() => window.jwStale")
    assert any(r["status"] == "running" for r in records), "no computation was watched"
    unmarked = [r for r in records if not (r["table"] and r["note"] and r["chart"] < 1)]
    assert not unmarked, f"numbers shown as current while not the editor's journey's: {unmarked[:3]}"


def test_tour_of_the_builder_in_jupyterlab(page, lab_server, artifacts_dir):
    t0 = time.monotonic()
    start(page, lab_server)
    edit_every_control(page, artifacts_dir)
    t_edits = time.monotonic() - t0

    builder = page.locator(".jw-builder")
    stops = keys_stay_in_the_builder(page, builder.locator(".jw-undo"), open_menus=False)
    assert sum("lm-TabBar-tab" in s for s in stops) == 1 and any(s.startswith("summary") for s in stops), stops
    # the window sweep's tab: its chart and menu too, the menus opened
    page.get_by_role("tab", name="Window sweep").click()
    expect(page.locator(".jw-charts .vega-embed").nth(1)).to_be_visible(timeout=KERNEL_TIMEOUT)
    stops = keys_stay_in_the_builder(page, builder.locator(".lm-TabBar-tab.lm-mod-current"), open_menus=True)
    assert any(s.startswith("a.") for s in stops), f"no link of a chart's menu was visited: {stops}"
    page.get_by_role("tab", name="Funnel").click()
    stops = keys_stay_in_the_builder(page, builder.locator(".lm-TabBar-tab.lm-mod-current"), open_menus=True)
    assert any(s.startswith("a.") for s in stops), stops

    # Escape in the builder leaves the notebook as it was, and the focus where it was
    before = cells(page)
    page.locator(".jw-journey-name").focus()
    page.keyboard.press("Escape")
    assert cells(page) == before and "jw-journey-name" in focused(page)

    narrow_layout(page, artifacts_dir)
    stale_was_marked(page)
    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
    print(f"\nTIMING tour: edits {t_edits:.1f}s, all {time.monotonic() - t0:.1f}s")


def test_shorter_tour_in_notebook_7(page, notebook_server):
    start(page, notebook_server, path="notebooks")
    root = page.locator(".jw-root")
    shown_numbers_are_the_kernels(page, "first result")
    retype(page, root.locator(".jw-window"), "2.5", "Enter")
    shown_numbers_are_the_kernels(page, "window 2.5, Enter", lambda j: j["window"] == "P2.5D")
    expect(root.locator(".jw-window-unit")).to_have_value("days")
    assert browse_and_pick(page, root.locator(".jw-order"), ["ArrowDown"]) == "strict"
    shown_numbers_are_the_kernels(page, "strict")
    keys_stay_in_the_builder(page, page.locator(".jw-builder .jw-journey-name"), open_menus=True)
    stale_was_marked(page)
