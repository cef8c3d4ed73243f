"""The reference implementation itself satisfies every hand-worked case."""

from __future__ import annotations

import pytest
from cases import CASES, check_case, events_frame, identity_frame
from reference import reference_run, reference_trend


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_reference_matches_hand_worked_case(case):
    events = events_frame(case.events)
    identity = identity_frame(case.identity) if case.identity else None
    tables = reference_run(events, case.journey, identity, case.as_of_time)
    trends = {p: reference_trend(events, case.journey, identity, p, case.as_of_time) for p in case.trend}
    check_case(case, tables, trends)
