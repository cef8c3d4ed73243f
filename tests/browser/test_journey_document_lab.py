"""The journey-widgets lab extension in JupyterLab 4 and Notebook 7, with Debian's Chromium: a ``*.journey.json``
file opens from the file browser in the step builder (its own kernel, the sample data); a rename marks it dirty,
Save writes it as ``journey.save`` does, revert brings the file back, an invalid draft never reaches it; data from
the data bar, a kernel restart and closing keep the unsaved journey, a file changed on disk asks which wins; closed
and opened again, it shows the builder in a new kernel, on the data chosen before; the launcher makes a new journey;
in a notebook (JupyterLab and Notebook 7), "Copy as Python" and "Insert cell below" give the builder's journey as
code that rebuilds it."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from builder_page import KERNEL_TIMEOUT, UI_TIMEOUT, expect_ok, rename, wait_for_results
from playwright.sync_api import expect

from journey_widgets import Journey, sample_events
from journey_widgets.document import file_text
from journey_widgets.journey_file import NEW_JOURNEY

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "website_to_meeting.journey.json"
NAME = EXAMPLE.name
DIRTY = re.compile(r"\bjp-mod-dirty\b")


def lab_js(page, body: str, arg=None):
    return page.evaluate(f"async (arg) => {{ const app = window.jupyterapp; {body} }}", arg)


def open_lab(page, server, path: str = "lab"):
    page.goto(f"{server['base_url']}/{path}?token={server['token']}&reset")
    page.wait_for_function("() => window.jupyterapp?.shell", timeout=KERNEL_TIMEOUT)
    lab_js(page, "await app.restored;")


def expect_builder(page, stages: int, what: str):
    document = page.locator(".jw-document").last
    expect_ok(page, lambda: expect(document.locator(".jw-stage")).to_have_count(stages, timeout=KERNEL_TIMEOUT), what)
    expect_ok(page, lambda: wait_for_results(page, stages), f"{what}: no numbers")
    chart = document.locator(".vega-embed canvas, .vega-embed svg.marks").first
    expect_ok(page, lambda: expect(chart).to_be_visible(timeout=UI_TIMEOUT), f"{what}: the funnel chart is not drawn")


def dirty(page) -> bool:
    return lab_js(page, "return app.shell.currentWidget.context.model.dirty;")


def copy_when(page, text: str) -> str:
    """Click "Copy as Python" until the clipboard holds `text` (the kernel updates the code after an edit)."""
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    copied = ""
    while text not in copied:
        assert time.monotonic() < deadline, f"Copy as Python never gave code with {text}; last: {copied!r}"
        page.locator(".jw-copy-python").click()
        expect(page.locator(".jw-code-status")).to_have_text("Copied", timeout=UI_TIMEOUT)
        copied = page.evaluate("() => navigator.clipboard.readText()")
    return copied


def test_a_journey_file_opens_in_the_builder_saves_and_reverts(page, lab_server, artifacts_dir):
    root: Path = lab_server["root"]
    shutil.copy(EXAMPLE, root / NAME)
    open_lab(page, lab_server)
    page.locator(".jp-DirListing-item", has_text=NAME).dblclick()
    expect_builder(page, 3, "the journey file did not open in the builder on the sample data")
    tab = page.locator(".lm-TabBar-tab", has_text=NAME)
    assert not dirty(page)
    page.screenshot(path=str(artifacts_dir / "journey-document-lab.png"))  # docs/journey-document.png

    # rename a stage: dirty; save: the file holds it, as journey.save writes it
    rename(page, 1, "Submitted a form")
    expect(tab).to_have_class(DIRTY, timeout=UI_TIMEOUT)
    lab_js(page, "await app.commands.execute('docmanager:save');")
    expect(tab).not_to_have_class(DIRTY, timeout=UI_TIMEOUT)
    saved = Journey.load(root / NAME)
    assert [s.name for s in saved.stages] == ["Visited", "Submitted a form", "Met"]
    assert (root / NAME).read_text() == file_text(saved)

    # another rename, then revert: the builder shows the file again, clean
    rename(page, 2, "Booked")
    expect(tab).to_have_class(DIRTY, timeout=UI_TIMEOUT)
    page.locator(".jw-doc-label").click()  # a box being edited keeps its text: leave it first
    lab_js(page, "await app.shell.currentWidget.context.revert();")
    names = page.locator(".jw-document .jw-stage-name")
    expect(names.nth(2)).to_have_value("Met", timeout=UI_TIMEOUT)
    expect(tab).not_to_have_class(DIRTY, timeout=UI_TIMEOUT)
    assert Journey.load(root / NAME) == saved

    # an incomplete draft (a new stage without a step) never reaches the file, and the bar says so
    page.locator(".jw-document .jw-add-stage").click()
    expect(page.locator(".jw-doc-warning")).to_contain_text("Not valid yet", timeout=UI_TIMEOUT)
    expect(tab).to_have_class(DIRTY, timeout=UI_TIMEOUT)
    lab_js(page, "await app.commands.execute('docmanager:save');")
    assert Journey.load(root / NAME) == saved
    lab_js(page, "await app.shell.currentWidget.context.revert();")

    # Open With -> Editor still shows the JSON
    lab_js(page, "await app.commands.execute('docmanager:open', {path: arg, factory: 'Editor'});", NAME)
    expect(page.locator(".jp-FileEditor .cm-content").last).to_contain_text('"Website to meeting"', timeout=UI_TIMEOUT)


def test_the_launcher_makes_a_new_journey(page, lab_server):
    root: Path = lab_server["root"]
    open_lab(page, lab_server)
    lab_js(page, "await app.commands.execute('launcher:create');")
    page.locator(".jp-LauncherCard", has_text="Journey").first.click()
    expect_builder(page, 1, "the new journey did not open in the builder")
    created = sorted(root.glob("untitled*.journey.json"))
    assert created and created[0].read_text() == file_text(NEW_JOURNEY)


@pytest.mark.parametrize("host", ["lab", "notebook7"])
def test_insert_cell_below_rebuilds_the_builders_journey(page, host, request):
    server = request.getfixturevalue("lab_server" if host == "lab" else "notebook_server")
    root: Path = server["root"]
    shutil.copy(root / "builder.ipynb", root / "insert_cell.ipynb")  # builder.ipynb stays as the other tests expect
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tree = "lab/tree" if host == "lab" else "notebooks"
    page.goto(f"{server['base_url']}/{tree}/insert_cell.ipynb?token={server['token']}&reset")
    page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext", timeout=KERNEL_TIMEOUT)
    nb = "const nb = app.shell.currentWidget;"
    lab_js(page, f"{nb} await nb.context.ready; await nb.sessionContext.ready;")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'",
        timeout=KERNEL_TIMEOUT,
    )
    lab_js(page, f"{nb} nb.content.activeCellIndex = 0; await app.commands.execute('notebook:run-cell');")
    expect_ok(page, lambda: wait_for_results(page, 1), "the builder did not compute")
    rename(page, 0, "Came by")

    copied = copy_when(page, '"Came by"')  # the kernel writes the code of the rename
    assert copied.startswith("from journey_widgets import Journey")

    insert = page.locator(".jw-insert-python")
    expect(insert).to_be_visible(timeout=UI_TIMEOUT)
    insert.click()
    source = lab_js(page, f"{nb} return nb.content.widgets[1].model.sharedModel.getSource();")
    assert source == copied
    lab_js(page, f"{nb} nb.content.activeCellIndex = 1; await app.commands.execute('notebook:run-cell');")
    lab_js(
        page,
        f"""{nb} nb.content.activeCellIndex = 1; await app.commands.execute('notebook:insert-cell-below');
        nb.content.activeCell.model.sharedModel.setSource('print("equal:", journey == builder.journey)');
        await app.commands.execute('notebook:run-cell');""",
    )
    output = page.locator(".jp-Notebook .jp-CodeCell").nth(2).locator(".jp-OutputArea-output")
    expect(output).to_have_text("equal: True", timeout=KERNEL_TIMEOUT)


def test_notebook_7_opens_a_journey_file_in_the_builder(page, notebook_server, artifacts_dir):
    shutil.copy(EXAMPLE, notebook_server["root"] / NAME)
    page.goto(f"{notebook_server['base_url']}/edit/{NAME}?token={notebook_server['token']}")
    expect_builder(page, 3, "Notebook 7 did not open the journey file in the builder")
    assert page.locator(".jw-insert-python").first.is_hidden()  # no notebook cell to insert below


def open_beside_data(page, lab_server, name: str, data: str, *, size: int, seed: int):
    """The example journey as ``name`` beside sample events in ``data/<data>``, opened in JupyterLab; the events."""
    root: Path = lab_server["root"]
    (root / "data").mkdir(exist_ok=True)
    events, _identity = sample_events(size, seed=seed)
    pq.write_table(events, root / "data" / data)
    shutil.copy(EXAMPLE, root / name)
    open_lab(page, lab_server)
    lab_js(page, f"await app.commands.execute('docmanager:open', {{path: '{name}'}});")
    expect_builder(page, 3, "the journey file did not open in the builder")
    return events


def test_data_bar_kernel_restart_and_closing_keep_the_unsaved_journey(page, lab_server):
    root: Path = lab_server["root"]
    events = open_beside_data(page, lab_server, "kept.journey.json", "events.parquet", size=20_000, seed=3)
    tab = page.locator(".lm-TabBar-tab", has_text="kept.journey.json")

    # data relative to the file, from the data bar: the numbers are those of that data
    page.locator(".jw-doc-events").fill("data/events.parquet")
    page.locator(".jw-doc-use").click()
    expect(page.locator(".jw-doc-status")).to_have_text("Data: data/events.parquet", timeout=KERNEL_TIMEOUT)
    expected = int(Journey.load(EXAMPLE).run(events).funnel()["actors"].iloc[0])
    first = page.locator(".jw-document .jw-funnel-table .jw-actors").first
    expect(first).to_have_text(f"{expected:,}", timeout=KERNEL_TIMEOUT)

    # an unsaved rename survives a kernel restart
    rename(page, 0, "Arrived")
    expect(tab).to_have_class(DIRTY, timeout=UI_TIMEOUT)
    page.locator(".jw-doc-label").click()
    page.evaluate("() => document.querySelector('.jw-document .jw-root').classList.add('before-restart')")
    lab_js(page, "await app.shell.currentWidget.context.sessionContext.session.kernel.restart();")
    redrawn = page.locator(".jw-document .jw-root:not(.before-restart)")
    expect_ok(page, lambda: expect(redrawn).to_have_count(1, timeout=KERNEL_TIMEOUT), "no builder after the restart")
    expect(redrawn.locator(".jw-stage-name").first).to_have_value("Arrived", timeout=UI_TIMEOUT)
    expect(first).to_have_text(f"{expected:,}", timeout=KERNEL_TIMEOUT)  # the same data again
    expect(tab).to_have_class(DIRTY)

    # closing the dirty document asks first
    lab_js(page, "void app.commands.execute('application:close');")
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text('Save changes in "kept.journey.json" before closing?', timeout=UI_TIMEOUT)
    dialog.locator("button", has_text="Cancel").click()
    expect(tab).to_be_visible()
    assert Journey.load(root / "kept.journey.json") == Journey.load(EXAMPLE)

    # the file changed on disk meanwhile: saving asks which version wins; "Revert" takes the file's
    changed = Journey.load(EXAMPLE).stage("Paid", "payment_succeeded")
    changed.save(root / "kept.journey.json")
    lab_js(page, "void app.commands.execute('docmanager:save');")
    expect(dialog).to_contain_text("has changed on disk", timeout=UI_TIMEOUT)
    dialog.locator("button", has_text="Revert").click()
    expect(page.locator(".jw-document .jw-stage")).to_have_count(4, timeout=UI_TIMEOUT)
    expect(tab).not_to_have_class(DIRTY, timeout=UI_TIMEOUT)
    assert Journey.load(root / "kept.journey.json") == changed


def close_document(page, name: str):
    tab = page.locator(".lm-TabBar-tab", has_text=name)
    lab_js(page, "await app.commands.execute('application:close');")
    expect(tab).to_have_count(0, timeout=UI_TIMEOUT)
    expect(page.locator(".jw-document")).to_have_count(0, timeout=UI_TIMEOUT)


def kernel_id(page) -> str:
    return lab_js(page, "return app.shell.currentWidget.context.sessionContext.session.kernel.id;")


def test_a_journey_document_closed_and_opened_again_shows_the_builder(page, lab_server):
    root: Path = lab_server["root"]
    shutil.copy(EXAMPLE, root / "reopened.journey.json")
    open_lab(page, lab_server)
    item = page.locator(".jp-DirListing-item", has_text="reopened.journey.json")
    item.dblclick()
    expect_builder(page, 3, "the journey file did not open in the builder")
    first_kernel = kernel_id(page)
    close_document(page, "reopened.journey.json")

    # opened again right away (its kernel still shutting down), in the same page: the builder, computed and drawn,
    # in a kernel of its own
    item.dblclick()
    expect_builder(page, 3, "the journey file closed and opened again did not show the builder")
    expect(page.locator(".jw-document")).not_to_contain_text("Error displaying widget")
    second_kernel = kernel_id(page)
    assert second_kernel != first_kernel
    # and once more
    close_document(page, "reopened.journey.json")
    item.dblclick()
    expect_builder(page, 3, "the journey file opened a third time did not show the builder")
    assert kernel_id(page) not in (first_kernel, second_kernel)
    widget_errors = [e for e in page.console_errors if "model not found" in e or "opening new comm" in e]
    assert not widget_errors, widget_errors


def test_the_data_choice_of_a_file_survives_closing_and_opening_it_again(page, lab_server):
    events = open_beside_data(page, lab_server, "chosen.journey.json", "chosen.parquet", size=30_000, seed=11)
    expected = int(Journey.load(EXAMPLE).run(events).funnel()["actors"].iloc[0])
    opened = "await app.commands.execute('docmanager:open', {path: 'chosen.journey.json'});"
    first = page.locator(".jw-document .jw-funnel-table .jw-actors").first
    default = first.inner_text()
    assert default != f"{expected:,}"  # the sample data gives other numbers

    page.locator(".jw-doc-events").fill("data/chosen.parquet")
    page.locator(".jw-doc-use").click()
    expect(page.locator(".jw-doc-status")).to_have_text("Data: data/chosen.parquet", timeout=KERNEL_TIMEOUT)
    expect(first).to_have_text(f"{expected:,}", timeout=KERNEL_TIMEOUT)
    close_document(page, "chosen.journey.json")

    lab_js(page, opened)
    expect_builder(page, 3, "the journey file closed and opened again did not show the builder")
    expect(page.locator(".jw-doc-events")).to_have_value("data/chosen.parquet")
    expect(page.locator(".jw-doc-status")).to_have_text("Data: data/chosen.parquet", timeout=KERNEL_TIMEOUT)
    expect(first).to_have_text(f"{expected:,}", timeout=KERNEL_TIMEOUT)
