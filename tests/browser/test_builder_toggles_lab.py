"""End-to-end in JupyterLab: the builder's switches of issue 25. A middle stage's "Optional" switch (from the
keyboard) reaches the kernel's journey and its code; the first and the last stage's are disabled with the reason
shown, as they are for every stage of a strict journey; the kernel's problem with an optional last stage is shown at
its switch; the exclusions' menus do not offer an optional stage. The
"Compare with previous period" switch is disabled until the date range has a start and an end, then reaches the
kernel's journey; clearing an end turns it off in the same edit (undone together). The numbers view shows optional
rows and, under the current period's numbers, the previous period's and the change with its p-values, as the compiler
computes them for a compared journey with an optional stage (the counts themselves are checked against the reference
elsewhere). Screenshots go to artifacts/."""

from __future__ import annotations

import json
import re

import pytest
from builder_page import UI_TIMEOUT, assert_accessible
from playwright.sync_api import expect
from test_builder_lab import kernel_run
from test_builder_options_lab import open_three_stages

pytestmark = pytest.mark.browser

READ_BACK = "builder.wait()\nprint(builder.journey.to_json(indent=None))"


def kernel_journey(page) -> dict:
    """The kernel's journey once the editor's last edit is computed (the status line says so)."""
    out = kernel_run(page, READ_BACK)
    assert out.startswith("{"), out
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)
    return json.loads(out)


def expect_blocked(switch, reason: str) -> None:
    """The switch is disabled, off, and says why: to screen readers and as the tooltip of its label."""
    expect(switch).to_be_disabled()
    expect(switch).not_to_be_checked()
    expect(switch).to_have_attribute("aria-description", reason)
    expect(switch.locator("xpath=..")).to_have_attribute("title", reason)


def test_optional_stages_and_the_previous_period_in_the_builder(page, lab_server, artifacts_dir):
    open_three_stages(page, lab_server)
    cards = page.locator(".jw-stage")
    switches = [cards.nth(i).locator("input.jw-optional") for i in range(3)]

    # the first and the last stage are required; the middle one may be skipped
    expect_blocked(switches[0], "The first stage is required: every path starts there")
    expect_blocked(switches[2], "The last stage is required: every path ends there (add a stage after it first)")
    expect(switches[1]).to_be_enabled()
    expect(switches[1]).not_to_have_attribute("aria-description", "")
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-start.png"))

    # from the keyboard: the switch is a Tab stop, Space turns it on
    switches[1].focus()
    page.keyboard.press("Space")
    expect(switches[1]).to_be_checked()
    expect(cards.nth(1)).to_have_class("jw-stage jw-optional-stage")
    expect(cards.nth(1)).to_have_attribute("aria-label", "Stage 2 (optional): Submitted")
    journey = kernel_journey(page)
    assert [stage.get("optional", False) for stage in journey["stages"]] == [False, True, False]
    code = kernel_run(page, "print(builder.editor.python)")
    assert '.stage("Submitted", "form_submission", optional=True)' in code, code

    # an exclusion between stages 1 and 3: its menus do not offer the optional stage 2
    page.locator(".jw-add-exclusion-search").fill("spam")
    page.locator(".jw-add-exclusion-select").select_option("email_spam_reported")
    expect(page.locator(".jw-exclusion")).to_have_count(1)
    for menu in (".jw-exclusion-from", ".jw-exclusion-to"):
        expect(page.locator(f"{menu} option[value='2']")).to_be_disabled()
        expect(page.locator(f"{menu} option[value='2']")).to_have_text("2. Submitted (optional)")
        expect(page.locator(f"{menu} option[value='3']")).to_be_enabled()
    assert kernel_journey(page)["exclusions"] == [{"event": "email_spam_reported", "between": [1, 3]}]
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-optional.png"))
    page.locator(".jw-remove-exclusion").click()
    expect(page.locator(".jw-exclusion")).to_have_count(0)

    # strict order has no optional stages: a switch that is on stays enabled, so that it can be turned off; then
    # every switch is disabled, saying why
    page.locator(".jw-order").select_option("strict")
    expect(page.locator(".jw-status")).to_contain_text("Fix the marked fields", timeout=UI_TIMEOUT)
    expect(switches[1]).to_be_enabled()
    switches[1].click()
    expect(switches[1]).not_to_be_checked()
    journey = kernel_journey(page)
    assert journey["order"] == "strict" and not any("optional" in stage for stage in journey["stages"])
    expect_blocked(switches[1], "Only a journey in order has optional stages: set the order to “in order”")
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-strict.png"))
    page.locator(".jw-order").select_option("ordered")
    expect(switches[1]).to_be_enabled()

    # a last stage made optional elsewhere (a draft may have one): the kernel's problem at that switch, which is on and
    # enabled so that it can be turned off
    kernel_run(
        page,
        "doc = builder.editor.journey\n"
        "builder.editor.journey = doc | {'stages': [*doc['stages'][:2], doc['stages'][2] | {'optional': True}]}",
    )
    expect(switches[2]).to_have_attribute("aria-invalid", "true", timeout=UI_TIMEOUT)
    expect(page.locator(f"#{switches[2].get_attribute('aria-describedby')}")).not_to_be_empty()
    assert page.locator(".jw-loose-errors .jw-error").count() == 0  # at the switch, not at the top
    expect(switches[2]).to_be_checked()
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-last-stage-error.png"))
    switches[2].click()
    expect(switches[2]).not_to_have_attribute("aria-invalid", "true")
    assert "optional" not in kernel_journey(page)["stages"][2]
    expect_blocked(switches[2], "The last stage is required: every path ends there (add a stage after it first)")

    # the comparison needs a closed date range
    compare = page.locator("input.jw-compare")
    reason = "Set a date range with a start and an end first"
    expect_blocked(compare, reason)
    page.locator(".jw-start").fill("2026-03-01")
    page.locator(".jw-start").press("Enter")
    expect_blocked(compare, reason)  # a start alone is not enough
    page.locator(".jw-end").fill("2026-04-01")
    page.locator(".jw-end").press("Enter")
    expect(compare).to_be_enabled()
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-compare-off.png"))
    compare.click()
    expect(compare).to_be_checked()
    journey = kernel_journey(page)
    assert journey["compare"] == "previous_period"
    assert journey["date_range"] == {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"}
    assert ".compared_with_previous_period()" in kernel_run(page, "print(builder.editor.python)")
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-compare-on.png"))

    # clearing the end turns the comparison off in the same edit: no invalid journey; undo brings both back
    page.locator(".jw-end").fill("")
    page.locator(".jw-end").press("Enter")
    expect_blocked(compare, reason)
    journey = kernel_journey(page)
    assert "compare" not in journey and journey["date_range"] == {"start": "2026-03-01T00:00:00Z"}
    page.locator(".jw-undo").click()
    expect(compare).to_be_checked()
    expect(page.locator(".jw-end")).to_have_value("2026-04-01")
    assert kernel_journey(page)["compare"] == "previous_period"
    assert_accessible(page)

    # the numbers of a compared journey with an optional stage, as the compiler computes them
    switches[1].click()
    expect(switches[1]).to_be_checked()
    journey = kernel_journey(page)
    assert journey["compare"] == "previous_period" and journey["stages"][1].get("optional") is True
    table = page.locator(".jw-funnel-table")
    expect(table.locator("caption")).to_contain_text("The current period", timeout=UI_TIMEOUT)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1).locator(".jw-tag")).to_have_text("optional")
    expect(table.locator(".jw-tag")).to_have_count(1)
    expect(rows.nth(1).locator(".jw-dropped")).to_have_text("")  # nobody drops off at an optional stage
    expect(table.locator(".jw-actors .jw-previous")).to_have_count(3)
    assert all(t.startswith("was\xa0") for t in table.locator(".jw-actors .jw-previous").all_inner_texts())
    changes = table.locator("td:nth-child(3) .jw-previous")  # under "From start", from stage 2 on
    expect(changes).to_have_count(2)
    pattern = re.compile(r"^[+\u2212-]\d+\.\d\xa0pts vs\xa0previous$")
    assert all(pattern.match(t) for t in changes.all_inner_texts()), changes.all_inner_texts()
    expect(changes.first).to_have_attribute(
        "title", re.compile(r"^Previous period: \d+\.\d% from start \(p = \S+, Holm-adjusted p = \S+\)$")
    )
    assert_accessible(page)
    page.locator(".jw-root").screenshot(path=str(artifacts_dir / "builder-toggles-numbers.png"))

    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
