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
from datetime import timedelta
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
from cases import CASES, Case, ev, events_frame, identity_frame, unknown_event_warnings
from cases import journey as cases_journey
from compare import assert_tables_equal
from generators import events_frames, journeys
from hypothesis import HealthCheck, given, settings
from reference import reference_run
from test_dialects import RENAMED, SCHEMA  # the user's names for the roles (and identity columns)

from journey_widgets import DataBindingError, Journey, UnsupportedBackendError
from journey_widgets.portable import range_frame, script_statement
from journey_widgets.result import result_frame
from journey_widgets.script import SEPARATOR
from journey_widgets.warehouse import is_table_name

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
        """A temporary view ``name``, or a global one (``global_temp.name``: a table of a database)."""
        rows = self.session.createDataFrame(arrow_rows(frame))
        database, _, view = name.rpartition(".")
        if database == "global_temp":
            rows.createOrReplaceGlobalTempView(view)
        else:
            rows.createOrReplaceTempView(name)
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
    with unknown_event_warnings(cases):
        assert_reference_tables(clickhouse, cases[0].journey, events, identity, " + ".join(c.name for c in cases))


@pytest.mark.parametrize(
    ("spark_group_index", "cases"),
    list(enumerate(CASE_GROUPS)),
    ids=GROUP_IDS,
)
def test_hand_worked_cases_on_spark_sql(spark_group_index, cases, spark):
    """Every SPARK_CASE_STRIDE-th group of cases sharing a journey (conftest deselects the others)."""
    events, identity = combined_frames(cases)
    with unknown_event_warnings(cases):
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


# ------------------------------------------------------------------------------------- the user's tables
#: A journey reading the identity map, a text filter, a number filter and a breakdown.
NAMED_CASE = Case(
    "the user's tables",
    cases_journey(
        {"event": "page_visited", "include_anonymous": True},
        {"event": "form_submission", "filters": [{"property": "amount", "op": "gte", "value": 5}]},
        {"event": "meeting_booked", "filters": [{"property": "country", "op": "neq", "value": "FR"}]},
        breakdown={"property": "country", "limit": 1},
    ),
    [
        ev("page_visited", 0, visitor="a", country="DE"),
        ev("form_submission", 5, 7, "a", amount=5.0),
        ev("meeting_booked", 9, 7, country="DE"),
        ev("page_visited", 1, visitor="b", country="US"),
        ev("page_visited", 2, 8, country="US"),
        ev("form_submission", 3, 8, amount=1.0),
    ],
    {},
    identity=[("a", 7, 5)],
)


def _named_tables_sql(dialect: str, events: str, identity: str, table: str) -> str:
    return Journey.from_dict(NAMED_CASE.journey).to_sql(
        dialect, events=events, identity=identity, schema=SCHEMA, table=table
    )


def _assert_named_tables(warehouse: Warehouse, events_name: str, identity_name: str) -> None:
    """Load the case's tables under the user's names and columns; the SQL naming them gives the reference's."""
    events, identity = _case_frames(NAMED_CASE)
    assert identity is not None
    warehouse.load(events_name, events.rename(columns=RENAMED))
    warehouse.load(identity_name, identity.rename(columns=RENAMED))
    expected = reference_run(events, NAMED_CASE.journey, identity)
    assert expected["funnel"]["actors"].tolist() == [2, 0, 0, 1, 1, 1], "US on top, a stitched actor in Other"
    for name in TABLES:
        got = result_frame(warehouse.execute(_named_tables_sql(warehouse.dialect, events_name, identity_name, name)))
        assert_tables_equal(got, expected[name], f"{warehouse.dialect} / {name}")


def test_named_tables_on_clickhouse(clickhouse):
    """The SQL names a database's tables and the user's columns; ClickHouse runs it as it is."""
    clickhouse.session.query("CREATE DATABASE IF NOT EXISTS web")
    _assert_named_tables(clickhouse, "web.events", "web.identity_map")


def test_named_tables_on_spark_sql(spark):
    """Databricks SQL over tables of a database (Spark's global_temp), with the user's columns."""
    _assert_named_tables(spark, "global_temp.web_events", "global_temp.identity_map")


def test_named_tables_parse_in_every_dialect():
    """The three-part names reach every dialect's SQL, quoted, with the user's columns."""
    for dialect in ("bigquery", "snowflake", "trino", "clickhouse", "databricks"):
        statements = sqlglot.parse(_named_tables_sql(dialect, "lake.web.events", "web.identity_map", "funnel"), dialect)
        tables = {(t.catalog, t.db, t.name) for s in statements for t in s.find_all(sqlglot.exp.Table) if t.db}
        assert tables == {("lake", "web", "events"), ("", "web", "identity_map")}, dialect
        columns = {c.name for s in statements for c in s.find_all(sqlglot.exp.Column)}
        assert {"activity_kind", "cookie_key"} <= columns, dialect


def test_named_tables_are_quoted_identifiers():
    """A name is an identifier of the SQL, never SQL text: a quote in it stays inside the identifier."""
    sql = Journey("q").stage("Visited", "page_visited").to_sql("trino", events='web.ev"ents')
    assert '"web"."ev""ents"' in sql


def test_named_tables_take_custom_events_unseen():
    """Event types outside the catalog cannot be looked up in a warehouse table: they are taken as given."""
    sql = Journey("custom").stage("Signed", "contract_signed").to_sql("trino", events="web.events")
    assert "'contract_signed'" in sql


def test_named_tables_column_types():
    """``types`` sets a column's type, and the journey is checked against it."""
    journey = Journey.from_dict(NAMED_CASE.journey)
    journey.to_sql("trino", events="web.events", types={"amount": "int64"})
    with pytest.raises(DataBindingError, match="country"):
        journey.to_sql("trino", events="web.events", types={"country": "int64"})


def test_table_names_and_data():
    """Text names a warehouse table unless it is a file path or a database URL (read as by ``run``)."""
    assert is_table_name("events") and is_table_name("lake.web.events")
    for data in ("events.parquet", "data/events", "duckdb:///w.duckdb#events", ibis.table({"a": "int64"}, name="t")):
        assert not is_table_name(data)
    with pytest.raises(DataBindingError, match="types= sets the columns of warehouse tables given by name"):
        Journey.from_dict(NAMED_CASE.journey).to_sql("trino", types={"amount": "int64"})


def test_named_tables_bad_name():
    with pytest.raises(DataBindingError, match=r"the events table name 'a\.b\.c\.d' should be"):
        Journey.from_dict(NAMED_CASE.journey).to_sql("trino", events="a.b.c.d")


# ------------------------------------------------------------------------------------- portable.py
@pytest.mark.parametrize("window", ["PT30M", "PT60M", "P1D", "P60D", "P400D"])
def test_clickhouse_range_frames_reach_the_window_in_31_bits(window):
    """ClickHouse takes RANGE offsets below 2**31: a longer window is reached over halved times."""
    reach = Journey("w", window=window).window // timedelta(microseconds=1)
    time = ibis.table({"t": "int64"}, name="rows").t
    key, offset = range_frame(time, reach, "clickhouse")
    halvings = reach // offset
    assert offset < 2**31 and offset * halvings == reach and halvings & (halvings - 1) == 0
    assert (key is time) == (halvings == 1)
    key, offset = range_frame(time, reach, "databricks")
    assert key is time and offset == reach


def test_clickhouse_window_that_cannot_be_reached_exactly():
    journey = Journey("year", window="P365D", order="any").stage("Visited", "page_visited")
    with pytest.raises(UnsupportedBackendError, match=r"clickhouse cannot take a window of P365D exactly"):
        journey.to_sql("clickhouse", events="web.events")


def test_script_statements():
    """Temporary tables are quoted identifiers; ClickHouse's statements fill outer joins with NULLs."""
    query = "SELECT 1 AS a"
    assert script_statement(query, "databricks", "_jw_1") == f"CREATE OR REPLACE TEMPORARY TABLE `_jw_1` AS\n{query}"
    assert script_statement(query, "clickhouse").endswith("SETTINGS join_use_nulls = 1")
    assert script_statement(query, "trino") == query


def test_script_for_clickhouse_and_databricks_only():
    """The engines that copy a shared subquery into each reader get a script; others one query."""
    journey = Journey.from_dict(CASES[0].journey)
    for dialect, scripted in (("clickhouse", True), ("databricks", True), ("snowflake", False)):
        statements = sqlglot.parse(journey.to_sql(dialect, events="web.events"), read=dialect)
        assert (len(statements) > 1) == scripted, dialect
        assert isinstance(statements[-1], sqlglot.exp.Select), dialect
