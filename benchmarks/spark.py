"""Spark measurements (local mode, ``THREADS`` cores): the floor written for Spark, and the API on Spark.

Both read the same Parquet files into a fresh local Spark session; the clock starts after the session
is up (its start-up is the same for both and is not the journey's cost).
"""

from __future__ import annotations

import os
import sys
from time import perf_counter
from typing import Any

from common import THREADS, SampleFiles, event_types, journey_document, journey_path

#: The floor of ``baselines.FLOOR_SQL`` in Spark SQL: one read of the events, the journey's event types,
#: identity stitching and a group by actor. Event types enter as a bound array parameter.
SPARK_FLOOR_SQL = """
WITH stitched AS (
    SELECT visitor_id, contact_id FROM (
        SELECT visitor_id, contact_id,
               row_number() OVER (PARTITION BY visitor_id ORDER BY identified_at NULLS LAST, contact_id) AS rank
        FROM identity WHERE visitor_id IS NOT NULL AND contact_id IS NOT NULL)
    WHERE rank = 1
)
SELECT coalesce(e.contact_id, s.contact_id) AS contact,
       CASE WHEN coalesce(e.contact_id, s.contact_id) IS NULL THEN e.visitor_id END AS visitor,
       count(*) AS events, min(e.occurred_at) AS first_at
FROM events AS e LEFT JOIN stitched AS s ON e.visitor_id = s.visitor_id
WHERE array_contains(:types, e.event_type)
GROUP BY 1, 2
"""


def spark_session() -> Any:
    """A local Spark session with ``THREADS`` cores, in UTC."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{THREADS}]")
        .appName("journey_widgets benchmark")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(2 * THREADS))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "8g")
        .getOrCreate()
    )


def _register(session: Any, files: SampleFiles) -> None:
    session.read.parquet(str(files.events)).createOrReplaceTempView("events")
    session.read.parquet(str(files.identity)).createOrReplaceTempView("identity")


def measure_spark_floor(files: SampleFiles, name: str) -> list[dict[str, Any]]:
    """The Spark floor, from reading the files to the collected actor rows."""
    from pyspark.sql import functions

    session = spark_session()
    started = perf_counter()
    _register(session, files)
    types = functions.array(*[functions.lit(t) for t in event_types(journey_document(name))])
    rows = session.sql(SPARK_FLOOR_SQL, args={"types": types}).count()
    return [{"kind": "spark_floor", "inprocess_s": perf_counter() - started, "actor_rows": rows}]


def measure_spark_api(files: SampleFiles, name: str) -> list[dict[str, Any]]:
    """``Journey.load(...).run(...).funnel()`` on Spark tables, from reading the files to the funnel."""
    import ibis

    from journey_widgets import Journey

    session = spark_session()
    started = perf_counter()
    _register(session, files)
    connection = ibis.pyspark.connect(session)
    result = Journey.load(journey_path(name)).run(connection.table("events"), identity=connection.table("identity"))
    funnel = result.funnel()
    elapsed = perf_counter() - started
    return [{"kind": "spark_api", "inprocess_s": elapsed, "actors": [int(n) for n in funnel["actors"]]}]
