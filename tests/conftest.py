"""Shared test setup: the tests folder is importable (reference implementation, cases, strategies),
a connection fixture over the executed backends, and the sample data with its 20-stage journey."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from backends import BACKENDS, connect
from inputs import SPEC_EXAMPLE, edited

from journey_widgets.sample import sample_events

#: Spark plans and caches every query for seconds, so it runs every SPARK_CASE_STRIDE-th hand-worked case
#: (test_warehouse_sql: every SPARK_CASE_STRIDE-th group of cases, by ``spark_group_index``); the others are
#: deselected, not skipped: pytest reports them as deselected. JOURNEY_SPARK_ALL_CASES=1 runs all of them.
SPARK_CASE_STRIDE = 4
#: By-hand tests that Spark leaves to the other engines (its property runs cover the same queries).
SPARK_DESELECTED = frozenset({"test_next_events_by_hand", "test_shortest_window_per_stage_by_hand"})


def pytest_collection_modifyitems(config, items):
    """Keep the Spark share of the hand-worked cases lean (see :data:`SPARK_CASE_STRIDE`)."""
    if os.environ.get("JOURNEY_SPARK_ALL_CASES") == "1":
        return
    from cases import CASES

    order = {case.name: index for index, case in enumerate(CASES)}
    everywhere = {case.name for case in CASES if case.every_engine}
    kept, deselected = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        case = params.get("case")
        on_spark = params.get("connection") == "pyspark"
        is_hand_worked = getattr(item, "originalname", None) == "test_hand_worked_case" and case is not None
        spared = on_spark and getattr(item, "originalname", None) in SPARK_DESELECTED
        position = order[case.name] if on_spark and is_hand_worked else params.get("spark_group_index")
        if (is_hand_worked and case.name in everywhere) or any(c.name in everywhere for c in params.get("cases", ())):
            position = None
        if spared or (position is not None and position % SPARK_CASE_STRIDE):
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session", params=BACKENDS)
def connection(request):
    """A connection to each executed backend (JOURNEY_BACKENDS narrows them), shared by the session."""
    con = connect(request.param)
    yield con
    con.disconnect()


@pytest.fixture
def spec_example() -> dict:
    """The SPEC's example journey document (a fresh copy, so a test may change it)."""
    return edited(SPEC_EXAMPLE)


@pytest.fixture(scope="session")
def data():
    """60,000 sample events and their identity map (Arrow tables), for the builder's tests."""
    return sample_events(60_000, seed=9)


@pytest.fixture
def builder(data):
    """A builder of "Visited (anonymous too), then Converted" on :func:`data`, its first result shown."""
    from journey_widgets import Journey, step
    from journey_widgets.builder.widget import JourneyBuilder

    events, identity = data
    journey = (
        Journey("V2C").stage("Visited", step("page_visited", anonymous=True)).stage("Converted", "form_submission")
    )
    built = JourneyBuilder(events, journey, identity=identity)
    built.wait()
    return built


@pytest.fixture(scope="session")
def sample_frames():
    """20,000 sample events and their identity map as pandas frames (nullable integers and text)."""
    nullable = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}.get
    return tuple(table.to_pandas(types_mapper=nullable) for table in sample_events(20_000, seed=11))


#: Event types of the sample data, in an order its actors often follow, repeated to 20 stages.
_LONG_JOURNEY_EVENTS = [
    "page_visited", "cta_viewed", "form_viewed", "form_submission", "email_delivered",
    "email_opened", "page_visited", "email_link_clicked", "email_opened", "page_visited",
]  # fmt: skip


@pytest.fixture(scope="session")
def twenty_stage_journey() -> dict:
    """The deepest journey the model allows (20 stages, a branch per stage, an exclusion, a breakdown),
    for the sample data (:func:`sample_frames`)."""
    stages = [
        {"name": f"S{k}", "steps": [{"event": event}, {"event": "page_visited", "include_anonymous": True}]}
        for k, event in enumerate((_LONG_JOURNEY_EVENTS * 2)[:20], start=1)
    ]
    return {
        "version": 1, "name": "long", "window": "P60D", "stages": stages,
        "exclusions": [{"event": "email_bounced", "between": [2, 5]}],
        "breakdown": {"property": "country", "limit": 3},
    }  # fmt: skip
