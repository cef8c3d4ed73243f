"""The compiled journey returns exactly the reference's numbers (SPEC §5) on every executed backend."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from backends import load
from cases import CASES, check_case, events_frame, identity_frame
from compare import assert_tables_equal, run_journey
from reference import reference_run, reference_trend

from journey_widgets.sample import sample_events


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hand_worked_case(case, connection):
    events = events_frame(case.events)
    identity = identity_frame(case.identity) if case.identity else None
    tables, result = run_journey(
        load(connection, "events", events), case.journey, load(connection, "identity", identity), case.as_of_time
    )
    check_case(case, tables, {p: result.trend(p) for p in case.trend})
    expected = reference_run(events, case.journey, identity, case.as_of_time)
    for name in ("funnel", "branches", "paths"):
        assert_tables_equal(tables[name], expected[name], f"{case.name} / {name}")
    for period in ("day", "week", "month"):
        trend = reference_trend(events, case.journey, identity, period, case.as_of_time)
        assert_tables_equal(result.trend(period), trend, period)


#: Event types of the sample data, in an order its actors often follow, repeated to 20 stages.
_LONG_JOURNEY_EVENTS = [
    "page_visited", "cta_viewed", "form_viewed", "form_submission", "email_delivered",
    "email_opened", "page_visited", "email_link_clicked", "email_opened", "page_visited",
]  # fmt: skip


@pytest.fixture(scope="module")
def sample_frames():
    nullable = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}.get
    return tuple(table.to_pandas(types_mapper=nullable) for table in sample_events(20_000, seed=11))


def test_twenty_stage_journey_with_branches(connection, sample_frames):
    """The deepest journey the model allows (20 stages, a branch per stage, an exclusion, a breakdown),
    on every engine: no stage cap."""
    events, identity = sample_frames
    stages = [
        {"name": f"S{k}", "steps": [{"event": event}, {"event": "page_visited", "include_anonymous": True}]}
        for k, event in enumerate((_LONG_JOURNEY_EVENTS * 2)[:20], start=1)
    ]
    journey = {
        "version": 1, "name": "long", "window": "P60D", "stages": stages,
        "exclusions": [{"event": "email_bounced", "between": [2, 5]}],
        "breakdown": {"property": "country", "limit": 3},
    }  # fmt: skip
    loaded = load(connection, "events", events), load(connection, "identity", identity)
    tables, _ = run_journey(loaded[0], journey, loaded[1])
    expected = reference_run(events, journey, identity)
    for name in ("funnel", "branches"):
        assert_tables_equal(tables[name], expected[name], name)
    assert tables["funnel"]["actors"].iloc[-1] > 0, "the journey should reach its last stage somewhere"
