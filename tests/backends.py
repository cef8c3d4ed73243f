"""Backend-specific data loading, in one place: the same pandas frames on every executed backend."""

from __future__ import annotations

import os
import sys
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

#: Executed backends; JOURNEY_BACKENDS narrows them (e.g. "duckdb,sqlite").
ALL_BACKENDS = ("duckdb", "sqlite", "datafusion", "postgres", "polars", "pyspark")
BACKENDS = tuple(b for b in os.environ.get("JOURNEY_BACKENDS", ",".join(ALL_BACKENDS)).split(",") if b)


#: The PostgreSQL server the suite uses (`.ci/run` starts one on 127.0.0.1).
POSTGRES_URL = os.environ.get("JOURNEY_POSTGRES_URL", "postgres://journey:journey@127.0.0.1:5432/journey")


def connect(backend: str) -> Any:
    """A fresh connection to ``backend``."""
    if backend == "postgres":
        return ibis.connect(POSTGRES_URL)
    if backend == "pyspark":
        return ibis.pyspark.connect(spark_session())
    return getattr(ibis, backend).connect()


def load(con: Any, name: str, frame: pd.DataFrame | None) -> ir.Table | None:
    """Create table ``name`` from ``frame`` with the frame's exact column types (nulls as NULL)."""
    if frame is None:
        return None
    schema = ibis.memtable(frame).schema()
    if con.name == "sqlite":  # its loader binds Python values: None for nulls
        rows: Any = frame.astype(object).where(frame.notna(), None)
    else:
        rows = arrow_rows(frame)
    if con.name == "pyspark":  # Arrow straight into a temporary view (its pandas path mangles nulls)
        con._session.createDataFrame(rows).createOrReplaceTempView(name)
        return con.table(name)
    return con.create_table(name, rows, schema=schema, overwrite=True)


def arrow_rows(frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow with the exact column types Ibis sees in it (nulls as nulls)."""
    return pa.Table.from_pandas(frame, schema=ibis.memtable(frame).schema().to_pyarrow(), preserve_index=False)


def spark_session() -> Any:
    """One local Spark session for the whole run, sized for a small machine, in UTC."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need this venv's pandas
    return (
        SparkSession.builder.master("local[1]")
        .appName("journey_widgets tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "4g")  # the cached tables of many journeys share one session
        .getOrCreate()
    )
