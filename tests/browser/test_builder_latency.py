"""The machinery of `benchmarks/builder_latency.py`, on small data in JupyterLab: a few of its edits, each timed from
its press to the paint of numbers checked to be `builder.journey.run()`'s, and suggestions timed from each key to their
list. No time is asserted (the benchmark makes the claim); what is asserted is that each was measured."""

from __future__ import annotations

import pytest
from latency import EDITS, notebook, record, stage, timed_edit, timed_suggestions
from test_builder_tour import shown_numbers_are_the_kernels, start

pytestmark = pytest.mark.browser

SAMPLE = "events, identity = jw.sample_events(30_000, seed=3)"
FEW = ("window 14, Enter", "strict order", "filter country is US", "stage 4 typed and picked", "stage 4 removed")


def test_edits_and_suggestions_are_timed(page, lab_server):
    start(page, lab_server, source=notebook(SAMPLE), name="latency.ipynb")
    record(page)
    shown_numbers_are_the_kernels(page, "first result")
    for edit in (e for e in EDITS if e.name in FEW):
        assert timed_edit(page, edit) > 0, edit.name

    row = stage(page, 0).locator(".jw-filter").first
    values = timed_suggestions(page, row.locator(".jw-filter-value"), row.locator("datalist"), "de", contains=True)
    picker = stage(page, 1).locator(".jw-add-step")
    events = timed_suggestions(
        page, picker.locator(".jw-picker-search"), picker.locator(".jw-picker-select"), "meet", contains=False
    )
    assert len(values) == 2 and len(events) == 4 and all(ms > 0 for ms in values + events), (values, events)
