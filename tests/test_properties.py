"""Property tests: on random events and journeys, DuckDB returns exactly the reference's tables."""

from __future__ import annotations

import os

from backends import load
from compare import assert_tables_equal, run_journey
from generators import as_of_times, events_frames, journeys
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_run, reference_time_histogram, reference_trend

#: Generated cases per run on DuckDB; CI runs the default, JOURNEY_EXAMPLES raises it for a long local run.
EXAMPLES = int(os.environ.get("JOURNEY_EXAMPLES", "300"))
#: The other backends run a fifteenth as many (each case loads its tables into the backend).
OTHER_BACKEND_EXAMPLES = max(1, EXAMPLES // 15)
#: Spark plans every query for seconds, even on a few rows: a handful per run.
SPARK_EXAMPLES = max(1, EXAMPLES // 60)


def test_compiled_tables_equal_reference(connection):
    examples = {"duckdb": EXAMPLES, "pyspark": SPARK_EXAMPLES}.get(connection.name, OTHER_BACKEND_EXAMPLES)

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(
        data=events_frames(), journey=journeys(), period=st.sampled_from(("day", "week", "month")), as_of=as_of_times()
    )
    def compiled_equals_reference(data, journey, period, as_of):
        events, identity = data
        tables, result = run_journey(
            load(connection, "events", events), journey, load(connection, "identity", identity), as_of
        )
        expected = reference_run(events, journey, identity, as_of)
        for name in ("funnel", "branches", "paths"):
            assert_tables_equal(tables[name], expected[name], name)
        trend = reference_trend(events, journey, identity, period, as_of)
        assert_tables_equal(result.trend(period), trend, "trend")
        if journey.get("order") != "any" and len(journey["stages"]) > 1 and not journey.get("compare"):
            histogram = reference_time_histogram(events, journey, identity, 7, as_of)
            assert_tables_equal(result.time_histogram(7), histogram, "time histogram")

    compiled_equals_reference()
