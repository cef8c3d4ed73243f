"""The builder in marimo (`marimo run notebooks/marimo_builder.py`, Debian's Chromium): the same 3-stage journey
built by clicking and typing through `mo.ui.anywidget`; the edits reach Python, and the downstream cell that
reads `builder.journey` re-runs and shows it."""

from __future__ import annotations

import json

import pytest
from builder_page import KERNEL_TIMEOUT, UI_TIMEOUT, assert_definition, build_three_stages, expect_ok
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_build_a_journey_in_marimo(page, marimo_server, artifacts_dir):
    page.goto(marimo_server["base_url"])
    expect_ok(
        page,
        lambda: expect(page.locator(".jw-stage")).to_have_count(1, timeout=KERNEL_TIMEOUT),
        "the builder did not render in marimo",
    )
    downstream = page.get_by_text("Journey in Python:")
    expect(downstream).to_contain_text('"page_visited"', timeout=KERNEL_TIMEOUT)
    build_three_stages(page)
    # the downstream cell re-ran with the edited journey, read from Python
    expect_ok(
        page,
        lambda: expect(downstream).to_contain_text('"value": "US"', timeout=UI_TIMEOUT),
        "the cell reading builder.journey did not re-run after the edits",
    )
    text = downstream.inner_text()
    assert_definition(json.loads(text[text.index("{") :]))
    page.screenshot(path=str(artifacts_dir / "builder-marimo-page.png"), full_page=True)
    widget_errors = [e for e in page.console_errors if "widget" in e.lower()]
    assert not widget_errors, widget_errors
