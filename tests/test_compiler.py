"""The compiled journey returns exactly the reference's numbers (docs/semantics.md) on every executed backend."""

from __future__ import annotations

import pandas as pd
import pytest
from backends import load
from cases import CASES, at, check_case, ev, events_frame, identity_frame, journey, unknown_event_warnings
from compare import assert_tables_equal, run_journey
from reference import reference_run, reference_trend

from journey_widgets import Journey


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hand_worked_case(case, connection):
    events = events_frame(case.events)
    identity = identity_frame(case.identity) if case.identity else None
    with unknown_event_warnings([case]):
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


def test_twenty_stage_journey_with_branches(connection, sample_frames, twenty_stage_journey):
    """The deepest journey the model allows (20 stages, a branch per stage, an exclusion, a breakdown),
    on every engine: no stage cap."""
    events, identity = sample_frames
    journey = twenty_stage_journey
    loaded = load(connection, "events", events), load(connection, "identity", identity)
    tables, _ = run_journey(loaded[0], journey, loaded[1])
    expected = reference_run(events, journey, identity)
    for name in ("funnel", "branches"):
        assert_tables_equal(tables[name], expected[name], name)
    assert tables["funnel"]["actors"].iloc[-1] > 0, "the journey should reach its last stage somewhere"


def test_the_merged_label_never_equals_a_kept_value(connection):
    """Kept (limit 2): "Other" (3 actors) and "Other (merged)" (2); merged: "x" and "y" (1 each), as
    "Other (merged 2)"."""
    values = ["Other"] * 3 + ["Other (merged)"] * 2 + ["x", "y"]
    events = pd.DataFrame(
        {
            "event_type": ["page_visited"] * len(values),
            "occurred_at": pd.to_datetime(["2026-01-05"] * len(values), utc=True).astype("datetime64[us, UTC]"),
            "contact_id": pd.array(range(1, len(values) + 1), dtype="Int64"),
            "country": pd.Series(values, dtype="string"),
        }
    )
    journey = Journey("J").stage("Visited", "page_visited").breakdown_by("country", limit=2)
    funnel = journey.run(load(connection, "events", events)).funnel()
    assert funnel.breakdown.tolist() == ["Other", "Other (merged)", "Other (merged 2)"]
    assert funnel.actors.tolist() == [3, 2, 2]


@pytest.mark.parametrize(
    "as_of",
    ["2026-01-05T01:40:00+01:00", at(40).tz_convert("Asia/Kolkata").to_pydatetime(), at(40).tz_localize(None)],
    ids=["text-plus-one-hour", "aware-datetime", "naive-datetime"],
)
def test_as_of_in_any_zone_is_the_same_instant(as_of):
    """as_of is minute 40 in UTC however it is written: the start at 0 (window 60 minutes) is still in progress."""
    result = Journey.from_dict(journey("page_visited", "form_submission")).run(
        events_frame([ev("page_visited", 0, 1)]), as_of=as_of
    )
    assert result.funnel().in_progress.tolist() == [0, 1]
