"""What every host's browser test does with the builder on the page: build a 3-stage journey by clicking and
typing (a branch, a filter with a value from the suggestions), wait for the numbers, check accessibility."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

KERNEL_TIMEOUT = 90_000
UI_TIMEOUT = 20_000
AXE = Path(__file__).resolve().parents[2] / "js" / "node_modules" / "axe-core" / "axe.min.js"


def expect_ok(page, assertion, what):
    try:
        assertion()
    except AssertionError as exc:
        errors = "\n  ".join(page.console_errors[-10:]) or "(none)"
        raise AssertionError(f"{what}\nbrowser console errors:\n  {errors}\n\n{exc}") from None


def actors(page):
    return [int(t.replace(",", "")) for t in page.locator(".jw-funnel-table .jw-actors").all_inner_texts()]


def wait_for_results(page, stages: int):
    """The numbers of `stages` stages are up to date, and their chart drawn (its note hidden)."""
    expect(page.locator(".jw-status")).to_have_text("Up to date", timeout=UI_TIMEOUT)
    expect(page.locator(".jw-funnel-table tbody tr")).to_have_count(stages, timeout=UI_TIMEOUT)
    expect(page.locator(".jw-chart-note")).to_be_hidden(timeout=UI_TIMEOUT)


def pick(page, stage, search, label):
    card = page.locator(".jw-stage").nth(stage)
    card.locator(".jw-add-step-search").fill(search)
    card.locator(".jw-add-step-select").select_option(label=label)


def rename(page, stage, name):
    box = page.locator(".jw-stage").nth(stage).locator(".jw-stage-name")
    box.fill(name)
    box.press("Enter")
    expect(box).to_have_value(name)


def build_three_stages(page) -> tuple[int, list[int]]:
    """Visited (country is US) -> Converted (form submission) -> Met (meeting booked or sequence meeting booked),
    from a builder showing one stage. Returns the visitors before the filter and the counts after it."""
    expect_ok(page, lambda: wait_for_results(page, 1), "the builder did not compute its first stage")
    visitors_before = actors(page)[0]
    page.locator(".jw-add-stage").click()
    expect(page.locator(".jw-stage")).to_have_count(2)
    pick(page, 1, "form sub", "Form submission")  # a new stage has no step: the first pick is its step
    expect(page.locator(".jw-stage").nth(1).locator(".jw-step")).to_have_count(1)
    rename(page, 1, "Converted")
    page.locator(".jw-add-stage").click()
    expect(page.locator(".jw-stage")).to_have_count(3)
    pick(page, 2, "meeting", "Meeting booked")
    pick(page, 2, "sequence meet", "Sequence meeting booked")
    expect(page.locator(".jw-stage").nth(2).locator(".jw-step-label")).to_have_text(
        ["Meeting booked", "Sequence meeting booked"]
    )
    rename(page, 2, "Met")
    wait_for_results(page, 3)
    counts = actors(page)
    assert counts[0] == visitors_before and counts[0] > counts[1] > counts[2] > 0

    # a filter on stage 1: country is US (the value typed, suggestions from the data)
    page.locator(".jw-stage").nth(0).locator(".jw-add-filter").first.click()
    filter_row = page.locator(".jw-filter").first
    filter_row.locator(".jw-filter-property").select_option("country")
    value = filter_row.locator(".jw-filter-value")
    value.click()
    expect(filter_row.locator("datalist option[value='US']")).to_have_count(1, timeout=UI_TIMEOUT)
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
    return visitors_before, filtered


def assert_accessible(page):
    """axe-core (js/package.json's dev dependency, injected into the page) finds no serious or critical problem
    in the builder."""
    assert AXE.is_file(), f"{AXE} is missing: run `make setup` (npm ci in js/)"
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document.querySelector('.jw-root'), {resultTypes: ['violations']}))
            .violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                     nodes: v.nodes.slice(0, 3).map((n) => n.html)}))"""
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)


def assert_definition(definition: dict) -> None:
    """The journey read back in Python is the one built by `build_three_stages`."""
    assert [s["name"] for s in definition["stages"]] == ["Visited", "Converted", "Met"]
    assert definition["stages"][0]["steps"][0]["filters"] == [{"property": "country", "op": "eq", "value": "US"}]
    assert [s["event"] for s in definition["stages"][2]["steps"]] == ["meeting_booked", "sequence_meeting_booked"]
