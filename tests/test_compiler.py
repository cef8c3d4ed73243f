"""The compiled journey on DuckDB returns exactly the reference's numbers (SPEC §5)."""

from __future__ import annotations

import pytest
from cases import CASES, check_case, events_frame, identity_frame
from compare import assert_tables_equal, run_journey
from reference import reference_run, reference_trend


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hand_worked_case(case):
    events = events_frame(case.events)
    identity = identity_frame(case.identity) if case.identity else None
    tables, result = run_journey(events, case.journey, identity)
    check_case(case, tables, {p: result.trend(p) for p in case.trend})
    expected = reference_run(events, case.journey, identity)
    for name in ("funnel", "branches", "paths"):
        assert_tables_equal(tables[name], expected[name], f"{case.name} / {name}")
    for period in ("day", "week", "month"):
        assert_tables_equal(result.trend(period), reference_trend(events, case.journey, identity, period), period)
