"""End-to-end in JupyterLab: the journey options in the builder (strict order, a held property, breakdown
attribution at the last touch and at a stage). Each change reaches the kernel's journey and redraws the funnel
chart; a bad option is shown at its control while the definition is kept, and undo brings back what was removed.
Screenshots go to artifacts/."""

from __future__ import annotations

import json
import re

import pytest
from builder_page import KERNEL_TIMEOUT, UI_TIMEOUT, assert_accessible, expect_ok, wait_for_results
from playwright.sync_api import expect
from test_builder_lab import kernel_run, lab_js, open_notebook

pytestmark = pytest.mark.browser
CHART = ".jw-builder .vega-embed canvas, .jw-builder .vega-embed svg.marks"


def chart_picture(page) -> str:
    """What the funnel chart shows: its canvas's pixels or its SVG ('' while there is none)."""
    return page.evaluate(
        """(selector) => {
            const drawn = document.querySelector(selector);
            return !drawn ? "" : drawn.tagName === "CANVAS" ? drawn.toDataURL() : drawn.outerHTML;
        }""",
        CHART,
    )


def computed(page, before: str) -> dict:
    """Once the editor's last edit is computed: the kernel's `builder.journey`, checked to be the one the numbers and
    the chart are of, and the chart redrawn in the page (its picture is not `before`)."""
    out = kernel_run(
        page,
        "builder.wait()\nassert builder.result.journey == builder.journey\nprint(builder.journey.to_json(indent=None))",
    )
    assert out.startswith("{"), out
    expect_ok(
        page,
        lambda: page.wait_for_function(
            "([selector, before]) => { const d = document.querySelector(selector);"
            " return d && (d.tagName === 'CANVAS' ? d.toDataURL() : d.outerHTML) !== before; }",
            arg=[CHART, before],
            timeout=UI_TIMEOUT,
        ),
        "the funnel chart was not redrawn",
    )
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)
    return json.loads(out)


def error_of(page, control) -> str:
    expect(control).to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    return page.locator(f"#{control.get_attribute('aria-describedby')}").inner_text()


def open_three_stages(page, server) -> None:
    """The test notebook run, its builder given the stages Visited, Submitted and Met, their numbers shown."""
    open_notebook(page, server, "builder.ipynb")
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    expect_ok(page, lambda: expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT), "no builder")
    wait_for_results(page, 1)
    kernel_run(
        page, "builder.journey = builder.journey.stage('Submitted', 'form_submission').stage('Met', 'meeting_booked')"
    )
    wait_for_results(page, 3)


def test_journey_options_in_the_builder(page, lab_server, artifacts_dir):
    open_three_stages(page, lab_server)
    expect(page.locator(CHART).first).to_be_visible(timeout=UI_TIMEOUT)

    # strict order
    picture = chart_picture(page)
    page.locator(".jw-order").select_option("strict")
    journey = computed(page, picture)
    assert journey["order"] == "strict"

    # hold the product constant: a chip; the menu offers the other columns
    picture = chart_picture(page)
    page.locator(".jw-add-held").select_option("product_id")
    expect(page.locator(".jw-held > span")).to_have_text(["product_id"])
    journey = computed(page, picture)
    assert journey["hold_constant"] == ["product_id"]
    assert page.locator(".jw-add-held option[value='product_id']").count() == 0

    # a breakdown: its attribution menu appears, at first touch; last touch; then at a stage (2, then 3)
    attribution, stage = page.locator(".jw-attribution"), page.locator(".jw-attribution-stage")
    expect(attribution).to_be_hidden()
    picture = chart_picture(page)
    page.locator(".jw-breakdown").select_option("device_type")
    expect(attribution).to_have_value("first_touch")
    expect(stage).to_be_hidden()
    assert computed(page, picture)["breakdown"] == {"property": "device_type", "limit": 10}
    picture = chart_picture(page)
    attribution.select_option("last_touch")
    assert computed(page, picture)["breakdown"]["attribution"] == "last_touch"
    picture = chart_picture(page)
    attribution.select_option("stage")
    expect(stage).to_be_visible()
    expect(stage).to_have_value("2")
    assert computed(page, picture)["breakdown"] == {
        "property": "device_type",
        "limit": 10,
        "attribution": "stage",
        "stage": 2,
    }
    picture = chart_picture(page)
    stage.select_option("3")
    assert computed(page, picture)["breakdown"]["stage"] == 3
    assert_accessible(page)
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-options.png"))
    page.locator(".jw-builder").screenshot(path=str(artifacts_dir / "builder-options-chart.png"))

    # removing the attributed stage leaves the attribution to be finished; the rest of the definition is kept
    page.locator(".jw-stage").nth(2).locator(".jw-remove-stage").click()
    expect(page.locator(".jw-stage")).to_have_count(2)
    expect(stage).to_have_value("")
    expect(page.locator(".jw-setting .jw-incomplete-note")).to_have_text(
        "Incomplete: choose a stage", timeout=UI_TIMEOUT
    )
    expect(page.locator(".jw-status")).to_contain_text("Incomplete")
    expect(page.locator(".jw-numbers")).to_have_class(re.compile("jw-stale"))
    kept = json.loads(kernel_run(page, "import json\nprint(json.dumps(builder.editor.journey))"))
    assert kept["order"] == "strict" and kept["hold_constant"] == ["product_id"]
    assert kept["breakdown"] == {"property": "device_type", "limit": 10, "attribution": "stage"}
    assert "not valid yet" in kernel_run(page, "builder.journey")
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-options-incomplete.png"))
    page.locator(".jw-undo").click()  # the stage comes back, attributed again; redo and undo from the keyboard
    expect(page.locator(".jw-stage")).to_have_count(3)
    expect(stage).to_have_value("3")
    attribution.focus()
    page.keyboard.press("Control+Shift+z")
    expect(stage).to_have_value("")
    page.keyboard.press("Control+z")
    expect(stage).to_have_value("3")
    kernel_run(page, "builder.wait()")
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)

    # problems the kernel finds are shown at their control, the definition kept: a stage beyond the last (the
    # model's check), then, once that is fixed, a held property the data lacks (the data's check)
    kernel_status = kernel_run(
        page,
        "builder.editor.journey = builder.editor.journey | {'hold_constant': ['product_id', 'colour'],"
        " 'breakdown': {'property': 'device_type', 'attribution': 'stage', 'stage': 5}}\n"
        "print(builder.editor.status, len(builder.editor.errors))",
    )
    assert kernel_status.split() == ["invalid", "1"], kernel_status
    assert error_of(page, stage) == "There is no stage 5: the journey has 3 stages"
    expect(page.locator(".jw-status")).to_contain_text("last valid journey", timeout=UI_TIMEOUT)
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-options-stage-error.png"))
    stage.select_option("2")
    colour = page.locator(".jw-held").nth(1)
    assert error_of(page, colour) == "The data has no property colour"
    expect(stage).not_to_have_attribute("aria-invalid", "true")
    assert page.locator(".jw-loose-errors .jw-error").count() == 0  # nothing unplaced at the top
    assert json.loads(kernel_run(page, "import json\nprint(json.dumps(builder.editor.journey))"))["hold_constant"] == [
        "product_id",
        "colour",
    ]
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-options-held-error.png"))
    assert_accessible(page)

    # the chip's remove button, from the keyboard
    colour.locator(".jw-remove-held").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".jw-held")).to_have_count(1)
    final = json.loads(kernel_run(page, "builder.wait()\nprint(builder.journey.to_json(indent=None))"))
    assert final["hold_constant"] == ["product_id"] and final["breakdown"]["stage"] == 2 and final["order"] == "strict"
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)

    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
