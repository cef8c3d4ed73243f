"""Warehouse SQL that runs: ``to_sql("clickhouse")`` executed on chDB (the ClickHouse engine, embedded) and
``to_sql("databricks")`` executed on Spark SQL give the reference's funnel and paths tables.

Each engine reads the events and identity tables as its own tables (ClickHouse: created from Parquet
files; Spark: temporary views); the SQL is the text a user would paste into the warehouse.
"""

from __future__ import annotations

import dataclasses
import json
import re
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
from cases import CASES, Case, events_frame, identity_frame
from compare import assert_tables_equal
from generators import events_frames, journeys
from hypothesis import HealthCheck, given, settings
from reference import reference_run

from journey_widgets import Journey
from journey_widgets.result import result_frame
from journey_widgets.script import SEPARATOR

#: The result tables whose SQL is executed (the funnel's SQL holds the whole journey; the paths
#: table shows every actor's path).
TABLES = ("funnel", "paths")
#: Generated journeys per engine (Spark plans every query for seconds).
GENERATED_EXAMPLES = {"clickhouse": 8, "spark": 2}


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
        source = sqlglot.exp.func("file", sqlglot.exp.Literal.string(str(path)), sqlglot.exp.var("Parquet"))
        query = sqlglot.select("*").from_(source).sql(self.dialect)
        table = sqlglot.to_table(name).sql(self.dialect)
        self.session.query(f"CREATE OR REPLACE TABLE {table} ENGINE = Memory AS {query}")

    def execute(self, sql: str) -> pa.Table:
        return self.session.query(sql, "ArrowTable")


#: A statement of a Databricks script computing a temporary table (open-source Spark has no temporary
#: tables: the test computes the statement's query into a local checkpoint behind a temporary view).
_TEMPORARY_TABLE = re.compile(r"CREATE OR REPLACE TEMPORARY TABLE `(?P<name>\w+)` AS\n(?P<query>.*)", re.DOTALL)


@dataclasses.dataclass
class SparkSQL:
    """Spark SQL (the dialect of Databricks) in local mode: each table a temporary view."""

    session: Any
    dialect = "databricks"
    #: The statements run since the data was loaded: the funnel's and the paths' scripts share their
    #: temporary tables, word for word, so each is computed once.
    done: set[str] = dataclasses.field(default_factory=set)

    def load(self, name: str, frame: pd.DataFrame) -> None:
        self.session.createDataFrame(arrow_rows(frame)).createOrReplaceTempView(name)
        self.done.clear()

    def execute(self, sql: str) -> pa.Table:
        *statements, query = sql.split(SEPARATOR)
        for statement in statements:
            table = _TEMPORARY_TABLE.fullmatch(statement)
            assert table is not None, f"not a temporary table: {statement[:200]}"
            if statement not in self.done:
                self.session.sql(table["query"]).localCheckpoint(eager=True).createOrReplaceTempView(table["name"])
                self.done.add(statement)
        return self.session.sql(query).toArrow()


@pytest.fixture(scope="module")
def clickhouse(tmp_path_factory) -> Iterator[ClickHouse]:
    engine = ClickHouse(tmp_path_factory.mktemp("clickhouse"))
    yield engine
    engine.session.close()


#: Interpreted rather than compiled execution, planned once: on a few rows Spark spends its time
#: generating code and re-planning, about three times the query's run otherwise.
FAST_SMALL_QUERIES = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
}


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSQL]:
    """The suite's Spark session, set for small queries while this module runs."""
    session = spark_session()
    before = {key: session.conf.get(key, None) for key in FAST_SMALL_QUERIES}
    for key, value in FAST_SMALL_QUERIES.items():
        session.conf.set(key, value)
    yield SparkSQL(session)
    for key, value in before.items():
        if value is None:
            session.conf.unset(key)
        else:
            session.conf.set(key, value)


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


def _journey_key(case: Case) -> str:
    return json.dumps(case.journey, sort_keys=True)


#: Cases sharing a journey run as one dataset (a script takes a second to compile, and seconds to plan on Spark).
CASE_GROUPS = [list(group) for _, group in groupby(sorted(CASES, key=_journey_key), key=_journey_key)]


def combined_frames(cases: list[Case]) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The cases' events and identity maps as one dataset, each case's actors kept apart: case k's
    contact and deal ids are shifted by 1000 k, its visitor ids get the suffix ``~k``."""
    events, identities = [], []
    for k, case in enumerate(cases):
        frame, identity = _case_frames(case)
        events.append(_apart(frame, k, ids=("contact_id", "deal_id"), names=("visitor_id",)))
        if identity is not None:
            identities.append(_apart(identity, k, ids=("contact_id",), names=("visitor_id",)))
    identity = pd.concat(identities, ignore_index=True) if identities else None
    return pd.concat(events, ignore_index=True), identity


def _apart(frame: pd.DataFrame, k: int, *, ids: tuple[str, ...], names: tuple[str, ...]) -> pd.DataFrame:
    if k == 0:
        return frame
    return frame.assign(**{c: frame[c] + 1000 * k for c in ids}, **{c: frame[c] + f"~{k}" for c in names})


# ------------------------------------------------------------------------------------- hand-worked cases
GROUP_IDS = [" + ".join(c.name for c in group) for group in CASE_GROUPS]


@pytest.mark.parametrize("cases", CASE_GROUPS, ids=GROUP_IDS)
def test_hand_worked_cases_on_clickhouse(cases, clickhouse):
    """Every hand-worked case, the cases sharing a journey as one dataset."""
    events, identity = combined_frames(cases)
    assert_reference_tables(clickhouse, cases[0].journey, events, identity, " + ".join(c.name for c in cases))


@pytest.mark.parametrize(
    ("spark_group_index", "cases"),
    list(enumerate(CASE_GROUPS)),
    ids=GROUP_IDS,
)
def test_hand_worked_cases_on_spark_sql(spark_group_index, cases, spark):
    """Every SPARK_CASE_STRIDE-th group of cases sharing a journey (conftest deselects the others)."""
    events, identity = combined_frames(cases)
    assert_reference_tables(spark, cases[0].journey, events, identity, " + ".join(c.name for c in cases))


def test_combined_cases_keep_actors_apart():
    """Two copies of a case as one dataset: twice the actors, the same depths."""
    case = CASES[0]
    events, _ = combined_frames([case, case])
    once = reference_run(_case_frames(case)[0], case.journey)["funnel"]["actors"].tolist()
    twice = reference_run(events, case.journey)["funnel"]["actors"].tolist()
    assert twice == [2 * n for n in once]


# ------------------------------------------------------------------------------------- both engines
@pytest.mark.parametrize("engine", ["clickhouse", "spark"])
def test_generated_journeys(engine, request):
    warehouse = request.getfixturevalue(engine)

    @settings(
        max_examples=GENERATED_EXAMPLES[engine],
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )
    @given(data=events_frames(), journey=journeys())
    def warehouse_equals_reference(data, journey):
        events, identity = data
        assert_reference_tables(warehouse, journey, events, identity, json.dumps(journey))

    warehouse_equals_reference()


@pytest.mark.parametrize("engine", ["clickhouse", "spark"])
def test_twenty_stage_journey(engine, request, sample_frames, twenty_stage_journey):
    events, identity = sample_frames
    warehouse = request.getfixturevalue(engine)
    tables = assert_reference_tables(warehouse, twenty_stage_journey, events, identity, "20 stages")
    assert tables["funnel"]["actors"].iloc[-1] > 0, "the journey should reach its last stage somewhere"
