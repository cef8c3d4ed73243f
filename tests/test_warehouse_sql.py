"""Warehouse SQL that runs: ``to_sql("clickhouse")`` executed on chDB (the ClickHouse engine, embedded) and
``to_sql("databricks")`` executed on Spark SQL give the reference's funnel and paths tables.

Each engine reads the events and identity tables as its own tables (ClickHouse: created from Parquet
files; Spark: temporary views); the SQL is the text a user would paste into the warehouse.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any, Protocol

import chdb.session
import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlglot
from backends import arrow_rows, spark_session
from cases import CASES, Case, check_case, events_frame, identity_frame
from compare import assert_tables_equal
from generators import events_frames, journeys
from hypothesis import HealthCheck, given, settings
from reference import reference_run

from journey_widgets import Journey
from journey_widgets.result import result_frame

#: The result tables whose SQL is executed (the funnel's SQL holds the whole journey; the paths
#: table shows every actor's path).
TABLES = ("funnel", "paths")
#: Generated journeys per engine (Spark plans every query for seconds).
GENERATED_EXAMPLES = 10


class Warehouse(Protocol):
    """An engine that runs SQL text in one dialect over tables it holds."""

    dialect: str

    def load(self, name: str, frame: pd.DataFrame) -> None: ...

    def execute(self, sql: str) -> pa.Table: ...


class ClickHouse:
    """chDB: each table created from a Parquet file of the frame."""

    dialect = "clickhouse"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.session = chdb.session.Session(str(folder / "chdb"))

    def load(self, name: str, frame: pd.DataFrame) -> None:
        path = self.folder / f"{name}.parquet"
        pq.write_table(arrow_rows(frame), path)
        table = sqlglot.to_table(name, dialect=self.dialect)
        select = sqlglot.select("*").from_(
            sqlglot.exp.Anonymous(this="file", expressions=[sqlglot.exp.Literal.string(str(path)), sqlglot.exp.Var(this="Parquet")])
        )
        create = sqlglot.exp.Create(this=table, kind="TABLE", replace=True, expression=select)
        self.session.query(create.sql(self.dialect).replace(" AS SELECT", " ENGINE = Memory AS SELECT", 1))

    def execute(self, sql: str) -> pa.Table:
        return self.session.query(sql, "ArrowTable")


@dataclasses.dataclass
class SparkSQL:
    """Spark SQL (the dialect of Databricks) in local mode: each table a temporary view."""

    session: Any
    dialect = "databricks"

    def load(self, name: str, frame: pd.DataFrame) -> None:
        self.session.createDataFrame(arrow_rows(frame)).createOrReplaceTempView(name)

    def execute(self, sql: str) -> pa.Table:
        return self.session.sql(sql).toArrow()


@pytest.fixture(scope="module")
def clickhouse(tmp_path_factory) -> Iterator[ClickHouse]:
    engine = ClickHouse(tmp_path_factory.mktemp("clickhouse"))
    yield engine
    engine.session.close()


@pytest.fixture(scope="module")
def spark() -> SparkSQL:
    return SparkSQL(spark_session())


def warehouse_tables(
    warehouse: Warehouse, journey: dict, events: pd.DataFrame, identity: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """Load the tables into ``warehouse``, run the journey's SQL there, read the results."""
    warehouse.load("events", events)
    tables: dict[str, Any] = {"events": ibis.table(ibis.memtable(events).schema(), name="events"), "identity": None}
    if identity is not None:
        warehouse.load("identity", identity)
        tables["identity"] = ibis.table(ibis.memtable(identity).schema(), name="identity")
    result = Journey.from_dict(journey).run(tables["events"], identity=tables["identity"])
    return {name: result_frame(warehouse.execute(result.to_sql(warehouse.dialect, table=name))) for name in TABLES}


def assert_reference_tables(
    warehouse: Warehouse, journey: dict, events: pd.DataFrame, identity: pd.DataFrame | None, what: str
) -> dict[str, pd.DataFrame]:
    """The warehouse's funnel and paths tables equal the reference's."""
    tables = warehouse_tables(warehouse, journey, events, identity)
    expected = reference_run(events, journey, identity)
    for name in TABLES:
        assert_tables_equal(tables[name], expected[name], f"{what} / {warehouse.dialect} / {name}")
    return tables


def _case_frames(case: Case) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    return events_frame(case.events), identity_frame(case.identity) if case.identity else None


# ------------------------------------------------------------------------------------- ClickHouse
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hand_worked_case_on_clickhouse(case, clickhouse):
    events, identity = _case_frames(case)
    tables = assert_reference_tables(clickhouse, case.journey, events, identity, case.name)
    # the case's own numbers too (its branch table and trends are not part of this suite)
    expected = {k: v for k, v in case.expected.items() if k != "branches"}
    check_case(dataclasses.replace(case, expected=expected, trend={}), tables)
