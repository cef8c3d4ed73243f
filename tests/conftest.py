"""Shared test setup: the tests folder is importable (reference implementation, cases, strategies),
and a connection fixture over the executed backends."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from backends import BACKENDS, connect

#: Spark plans and caches every query for seconds, so it runs every SPARK_CASE_STRIDE-th hand-worked case
#: (the others are deselected, not skipped: pytest reports them as deselected); JOURNEY_SPARK_ALL_CASES=1
#: runs all of them.
SPARK_CASE_STRIDE = 4
#: By-hand tests that Spark leaves to the other engines (its property runs cover the same queries).
SPARK_DESELECTED = frozenset({"test_next_events_by_hand", "test_shortest_window_per_stage_by_hand"})


def pytest_collection_modifyitems(config, items):
    """Keep the Spark share of the hand-worked cases lean (see :data:`SPARK_CASE_STRIDE`)."""
    if os.environ.get("JOURNEY_SPARK_ALL_CASES") == "1":
        return
    from cases import CASES

    order = {case.name: index for index, case in enumerate(CASES)}
    kept, deselected = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec else {}
        case = params.get("case")
        on_spark = params.get("connection") == "pyspark"
        is_hand_worked = getattr(item, "originalname", None) == "test_hand_worked_case" and case is not None
        spared = getattr(item, "originalname", None) in SPARK_DESELECTED
        if on_spark and (spared or (is_hand_worked and order[case.name] % SPARK_CASE_STRIDE)):
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
