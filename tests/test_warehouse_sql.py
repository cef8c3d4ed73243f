"""Warehouse SQL that runs: ``to_sql("clickhouse")`` executed on chDB (the ClickHouse engine, embedded),
``to_sql("databricks")`` executed on Spark SQL and ``to_sql("postgres")`` executed on the suite's PostgreSQL
server give the reference's funnel and paths tables, and its trend and actors tables; the time histogram equals
DuckDB's of the same journey on the same data (tests/test_properties.py checks DuckDB's against the reference's;
compared journeys have none there), and its bins hold every actor of the reference's funnel.

Each engine reads the events and identity tables as its own tables (ClickHouse: created from Parquet
files; Spark: temporary views; PostgreSQL: tables of a schema of this run's own, analysed, as in a
warehouse with statistics); the SQL is the text a user would paste into the warehouse.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator, Mapping
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
from backends import arrow_rows, connect, spark_session
from cases import CASES, Case, ev, events_frame, identity_frame, unknown_event_warnings
from cases import journey as cases_journey
from compare import assert_tables_equal
from generators import events_frames, journeys
from hypothesis import HealthCheck, given, settings
from reference import reference_run, reference_trend
from test_dialects import RENAMED, SCHEMA, asked_tables  # the user's names for the roles (and identity columns)

from journey_widgets import DataBindingError, Journey, UnsupportedBackendError
from journey_widgets.portable import range_frame, script_statements
from journey_widgets.result import result_frame
from journey_widgets.sample import sample_events
from journey_widgets.script import SEPARATOR
from journey_widgets.sql_tables import TableOptions
from journey_widgets.warehouse import is_table_name

#: The result tables whose SQL is executed (the funnel's SQL holds the whole journey; the paths
#: table shows every actor's path).
TABLES = ("funnel", "paths")
#: Generated journeys per engine (Spark plans every query for seconds).
GENERATED_EXAMPLES = {"clickhouse": 8, "spark": 2, "postgres": 4}
#: How long one statement may run on PostgreSQL, so that a plan taking minutes fails the test instead of holding
#: it: a statement of the scripts here takes under a second.
POSTGRES_STATEMENT_TIMEOUT = "20s"
#: Events for the planner's test: at this size, a join on (actor, time) that the planner misjudges as one row and
#: runs as a nested loop over a table scan takes tens of seconds (42 s for one statement of the 20-stage
#: journey's script before its temporary tables were indexed), the whole script about 2 s.
PLANNER_EVENTS = 100_000


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


@dataclasses.dataclass
class PostgreSQL:
    """The suite's PostgreSQL server: each table in a schema of this run's own (first on the search path),
    analysed as a warehouse's tables are; a script executed as one string, as a console runs what is pasted."""

    con: Any
    schema: str
    dialect = "postgres"

    def load(self, name: str, frame: pd.DataFrame) -> None:
        """Table ``name`` (in this run's schema unless ``name`` names another) from ``frame``, analysed."""
        database, _, table = name.rpartition(".")
        rows = arrow_rows(frame)
        self.con.create_table(
            table, rows, schema=ibis.memtable(frame).schema(), database=database or self.schema, overwrite=True
        )
        self.run(f"ANALYZE {sqlglot.to_table(f'{database or self.schema}.{table}').sql(self.dialect)}")

    def run(self, sql: str) -> None:
        self.con.con.execute(sql)

    def execute(self, sql: str) -> pa.Table:
        """The rows of the script's last statement."""
        with self.con.con.cursor() as cursor:
            cursor.execute(sql)
            while cursor.nextset():  # to the last statement's result
                pass
            assert cursor.description is not None, "the script's last statement returns no rows"
            names = [column.name for column in cursor.description]
            rows = cursor.fetchall()
        return pa.table({name: pa.array([row[i] for row in rows]) for i, name in enumerate(names)})


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


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgreSQL]:
    """A connection to the suite's server with a schema of its own and a statement timeout, so that a plan
    taking minutes fails the test instead of holding it."""
    con = connect("postgres")
    engine = PostgreSQL(con, f"warehouse_sql_{os.getpid()}")
    schema = sqlglot.to_identifier(engine.schema, quoted=True).sql(engine.dialect)
    engine.run(f"CREATE SCHEMA {schema}")
    engine.run(f"SET search_path TO {schema}")
    engine.run(f"SET statement_timeout = '{POSTGRES_STATEMENT_TIMEOUT}'")
    yield engine
    engine.run(f"DROP SCHEMA {schema} CASCADE")
    con.disconnect()


@dataclasses.dataclass(frozen=True)
class Run:
    """A journey on its data (and when the data ends), and the tables asked of it, with their options."""

    journey: dict
    events: pd.DataFrame
    identity: pd.DataFrame | None
    tables: Mapping[str, TableOptions]
    as_of: Any = None


def warehouse_tables(warehouse: Warehouse, run: Run) -> dict[str, pd.DataFrame]:
    """Load the run's data into ``warehouse``, run the SQL of its tables there, read the results."""
    warehouse.load("events", run.events)
    tables: dict[str, Any] = {"events": ibis.table(ibis.memtable(run.events).schema(), name="events"), "identity": None}
    if run.identity is not None:
        warehouse.load("identity", run.identity)
        tables["identity"] = ibis.table(ibis.memtable(run.identity).schema(), name="identity")
    result = Journey.from_dict(run.journey).run(tables["events"], identity=tables["identity"], as_of=run.as_of)
    sql = {name: result.to_sql(warehouse.dialect, table=name, **options) for name, options in run.tables.items()}
    return {name: result_frame(warehouse.execute(text)) for name, text in sql.items()}


def expected_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The reference's tables; the time histogram, which the reference lacks, as DuckDB computes it."""
    reference = reference_run(run.events, run.journey, run.identity, run.as_of)
    expected = {}
    for name, options in run.tables.items():
        if name == "trend":
            period = options.get("period", "week")
            expected[name] = reference_trend(run.events, run.journey, run.identity, period, run.as_of)
        elif name == "actors":
            expected[name] = reference_actors(reference["paths"], run.journey, **options)
        elif name == "time_histogram":
            expected[name] = duckdb_histogram(run, reference["funnel"], **options)
        else:
            expected[name] = reference[name]
    return expected


def reference_actors(paths: pd.DataFrame, journey: dict, stage: int, dropped: bool = False) -> pd.DataFrame:
    """The reference's paths of the actors who reached ``stage`` (an optional stage: on their path), or, with
    ``dropped``, reached the required stage before it and not it."""
    if paths.empty:
        return paths
    if dropped:
        required = [k for k, s in enumerate(journey["stages"], start=1) if k < stage and not s.get("optional")]
        return paths[paths.depth == required[-1]]
    if journey["stages"][stage - 1].get("optional"):
        return paths[paths[f"reached_at_{stage}"].notna()]
    return paths[paths.depth >= stage]


def duckdb_histogram(run: Run, funnel: pd.DataFrame, bins: int) -> pd.DataFrame:
    """DuckDB's time histogram of the run's journey, whose bins hold each stage's actors of the reference's
    funnel."""
    histogram = Journey.from_dict(run.journey).run(run.events, identity=run.identity).time_histogram(bins)
    binned = histogram.groupby("stage_index")["actors"].sum()
    reached = funnel[funnel.stage_index >= 2].groupby("stage_index")["actors"].sum()
    assert binned.to_dict() == reached[reached > 0].to_dict(), "the histogram's bins hold the funnel's actors"
    return histogram


def assert_reference_tables(
    warehouse: Warehouse,
    journey: dict,
    events: pd.DataFrame,
    identity: pd.DataFrame | None,
    what: str,
    *,
    beyond: bool = True,
    as_of: Any = None,
) -> dict[str, pd.DataFrame]:
    """The warehouse's funnel and paths tables, and ``beyond`` them its trend, time histogram and actors tables
    (:func:`asked_tables`), equal the expected ones."""
    asked: dict[str, TableOptions] = {name: {} for name in TABLES} | (asked_tables(journey) if beyond else {})
    run = Run(journey, events, identity, asked, as_of)
    tables, expected = warehouse_tables(warehouse, run), expected_tables(run)
    for name in asked:
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


@pytest.mark.parametrize("engine", ["clickhouse", "postgres"])
@pytest.mark.parametrize("cases", CASE_GROUPS, ids=GROUP_IDS)
def test_hand_worked_cases(engine, cases, request):
    """Every hand-worked case, the cases sharing a journey as one dataset: all their tables."""
    events, identity = combined_frames(cases)
    with unknown_event_warnings(cases):
        assert_reference_tables(
            request.getfixturevalue(engine), cases[0].journey, events, identity, " + ".join(c.name for c in cases)
        )


@pytest.mark.parametrize(
    ("spark_group_index", "cases"),
    list(enumerate(CASE_GROUPS)),
    ids=GROUP_IDS,
)
def test_hand_worked_cases_on_spark_sql(spark_group_index, cases, spark):
    """Every SPARK_CASE_STRIDE-th group of cases sharing a journey (conftest deselects the others): the funnel
    and paths tables (the tables beyond them run on Spark for the generated and the 20-stage journeys)."""
    events, identity = combined_frames(cases)
    with unknown_event_warnings(cases):
        what = " + ".join(c.name for c in cases)
        assert_reference_tables(spark, cases[0].journey, events, identity, what, beyond=False)


#: The in-progress cases whose data ends at a given time (as_of) rather than at their latest event.
AS_OF_CASES = [case for case in CASES if case.as_of is not None and case.name.startswith("in progress")]


@pytest.mark.parametrize("engine", ["clickhouse", "postgres"])
@pytest.mark.parametrize("case", AS_OF_CASES, ids=[case.name for case in AS_OF_CASES])
def test_script_keeps_the_results_as_of(engine, case, request):
    """A result run with ``as_of`` writes a script with that ``as_of`` (who is in progress)."""
    events, identity = _case_frames(case)
    warehouse = request.getfixturevalue(engine)
    assert_reference_tables(warehouse, case.journey, events, identity, case.name, as_of=case.as_of_time)


#: The hand-worked case whose starts fall in one week and two months.
TREND_CASE = next(case for case in CASES if case.name == "trend by day, week and month")


@pytest.mark.parametrize("engine", ["clickhouse", "postgres"])
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_trend_periods(engine, period, request):
    """Each period of the trend, on the case made for them."""
    events, identity = _case_frames(TREND_CASE)
    run = Run(TREND_CASE.journey, events, identity, {"trend": {"period": period}})
    got, expected = warehouse_tables(request.getfixturevalue(engine), run)["trend"], expected_tables(run)["trend"]
    assert len(expected) == len(TREND_CASE.trend[period]), "the reference's periods, as the case states them"
    assert_tables_equal(got, expected, f"{engine} / trend by {period}")


def test_combined_cases_keep_actors_apart():
    """Two copies of a case as one dataset: twice the actors, the same depths."""
    case = CASES[0]
    events, _ = combined_frames([case, case])
    once = reference_run(_case_frames(case)[0], case.journey)["funnel"]["actors"].tolist()
    twice = reference_run(events, case.journey)["funnel"]["actors"].tolist()
    assert twice == [2 * n for n in once]


# ------------------------------------------------------------------------------------- every engine
@pytest.mark.parametrize("engine", ["clickhouse", "spark", "postgres"])
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


@pytest.mark.parametrize("engine", ["clickhouse", "spark", "postgres"])
def test_twenty_stage_journey(engine, request, sample_frames, twenty_stage_journey):
    """The deepest journey on 20,000 events; on PostgreSQL, with the events analysed, each statement within
    the statement timeout (its one query ran for minutes there)."""
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


def _named_tables_sql(dialect: str, events: str, identity: str, table: str, **options: Any) -> str:
    return Journey.from_dict(NAMED_CASE.journey).to_sql(
        dialect, events=events, identity=identity, schema=SCHEMA, table=table, **options
    )


def _assert_named_tables(warehouse: Warehouse, events_name: str, identity_name: str) -> None:
    """Load the case's tables under the user's names and columns; the SQL naming them gives the expected
    tables."""
    events, identity = _case_frames(NAMED_CASE)
    assert identity is not None
    warehouse.load(events_name, events.rename(columns=RENAMED))
    warehouse.load(identity_name, identity.rename(columns=RENAMED))
    asked: dict[str, TableOptions] = {name: {} for name in TABLES} | asked_tables(NAMED_CASE.journey)
    expected = expected_tables(Run(NAMED_CASE.journey, events, identity, asked))
    assert expected["funnel"]["actors"].tolist() == [2, 0, 0, 1, 1, 1], "US on top, a stitched actor in Other"
    for name, options in asked.items():
        sql = _named_tables_sql(warehouse.dialect, events_name, identity_name, name, **options)
        assert_tables_equal(result_frame(warehouse.execute(sql)), expected[name], f"{warehouse.dialect} / {name}")


def test_named_tables_on_clickhouse(clickhouse):
    """The SQL names a database's tables and the user's columns; ClickHouse runs it as it is."""
    clickhouse.session.query("CREATE DATABASE IF NOT EXISTS web")
    _assert_named_tables(clickhouse, "web.events", "web.identity_map")


def test_named_tables_on_postgres(postgres):
    """The script names a schema's tables and the user's columns; PostgreSQL runs it as it is."""
    _assert_named_tables(postgres, f"{postgres.schema}.web_events", f"{postgres.schema}.identity_map")


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
    """Temporary tables are quoted identifiers; ClickHouse's statements fill outer joins with NULLs; PostgreSQL
    replaces its session's own temporary table, indexes it by the keys given and analyses it."""
    query = "SELECT 1 AS a"
    assert script_statements(query, "databricks", "_jw_1") == [f"CREATE OR REPLACE TEMPORARY TABLE `_jw_1` AS\n{query}"]
    assert script_statements(query, "postgres", "_jw_1", ["_jw_actor", "_jw_t"]) == [
        'DROP TABLE IF EXISTS pg_temp."_jw_1"',
        f'CREATE TEMPORARY TABLE "_jw_1" AS\n{query}',
        'CREATE INDEX ON "_jw_1" ("_jw_actor", "_jw_t")',
        'ANALYZE "_jw_1"',
    ]
    assert 'CREATE INDEX ON "_jw_1"' not in SEPARATOR.join(script_statements(query, "postgres", "_jw_1"))
    assert script_statements(query, "clickhouse")[0].endswith("SETTINGS join_use_nulls = 1")
    assert script_statements(query, "trino") == [query]


def test_script_for_clickhouse_databricks_and_postgres_only():
    """The engines that copy a shared subquery into each reader, or misplan one query, get a script; others
    one query."""
    journey = Journey.from_dict(CASES[0].journey)
    for dialect, scripted in (("clickhouse", True), ("databricks", True), ("postgres", True), ("snowflake", False)):
        statements = sqlglot.parse(journey.to_sql(dialect, events="web.events"), read=dialect)
        assert (len(statements) > 1) == scripted, dialect
        assert isinstance(statements[-1], sqlglot.exp.Select), dialect


def test_postgres_script_on_analysed_events_plans_every_statement_in_time(postgres, twenty_stage_journey):
    """The 20-stage journey's script on PLANNER_EVENTS analysed events: each statement within the statement
    timeout, the funnel equal to DuckDB's (the reference would take minutes on this many events)."""
    nullable = {pa.int64(): pd.Int64Dtype(), pa.string(): pd.StringDtype()}.get
    events, identity = (table.to_pandas(types_mapper=nullable) for table in sample_events(PLANNER_EVENTS, seed=11))
    run = Run(twenty_stage_journey, events, identity, {"funnel": {}})
    got = warehouse_tables(postgres, run)["funnel"]
    expected = Journey.from_dict(twenty_stage_journey).run(events, identity=identity).funnel()
    assert_tables_equal(got, expected, f"{PLANNER_EVENTS} events")
    assert expected["actors"].iloc[-1] > 0, "the journey should reach its last stage somewhere"


def test_postgres_script_runs_twice_and_spares_a_table_of_the_same_name(postgres):
    """The script replaces its own temporary tables when run again in the session, and never drops a
    permanent table that has a temporary table's name."""
    case = CASES[0]
    events, _ = _case_frames(case)
    postgres.load("_jw_1", events)
    sql = Journey.from_dict(case.journey).to_sql("postgres", events=f"{postgres.schema}.events_again")
    postgres.load(f"{postgres.schema}.events_again", events)
    once, twice = (result_frame(postgres.execute(sql)) for _ in range(2))
    assert_tables_equal(twice, once, "run twice")
    assert_tables_equal(once, reference_run(events, case.journey)["funnel"], "funnel")
    assert postgres.con.table("_jw_1", database=postgres.schema).count().execute() == len(events)
