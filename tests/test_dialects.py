"""Warehouse SQL: every hand-worked journey compiles to SQL that sqlglot parses in the warehouse's
dialect and that reads the user's own column and table names.

ClickHouse, Databricks and PostgreSQL SQL is also executed (tests/test_warehouse_sql.py), so here those three
parse a sixth of the cases each, taking turns; the compiled-only dialects parse every case's funnel, and in
turn its branches and paths, and every third case one of its trend, time histogram and actors tables."""

from __future__ import annotations

import ibis
import pytest
import sqlglot
from cases import CASES, events_frame, identity_frame, unknown_event_warnings

from journey_widgets import Journey
from journey_widgets.binding import EventSchema
from journey_widgets.sql_tables import TableOptions

DIALECTS = ("bigquery", "snowflake", "trino", "clickhouse", "databricks", "postgres")
#: Dialects whose SQL no test executes.
PARSED_ONLY = ("bigquery", "snowflake", "trino")
#: The user's names for the roles of docs/semantics.md#the-events-table (nothing like the defaults).
RENAMED = {
    "event_type": "activity_kind",
    "occurred_at": "happened_at",
    "contact_id": "person_key",
    "visitor_id": "cookie_key",
    "deal_id": "opportunity_key",
}
SCHEMA = EventSchema(**RENAMED, identity_visitor_id="cookie_key", identity_contact_id="person_key")
#: The trend's periods, taken in turn by a journey's number of stages.
PERIODS = ("day", "week", "month")


def asked_tables(journey: dict) -> dict[str, TableOptions]:
    """The trend, time histogram and actors tables asked of ``journey``, with their options: the trend's
    period in turn by the number of stages n; the histogram in 7 bins (ordered journeys of two stages or
    more); the actors who reached the middle stage (n odd) or dropped off before the last (n even)."""
    n = len(journey["stages"])
    actors: TableOptions = {"stage": (n + 1) // 2} if n % 2 else {"stage": n, "dropped": True}
    asked: dict[str, TableOptions] = {"trend": {"period": PERIODS[n % 3]}, "actors": actors}
    if n > 1 and journey.get("order", "ordered") != "any":
        asked["time_histogram"] = {"bins": 7}
    return asked


def _warehouse_tables(case):
    frame = events_frame(case.events).rename(columns=RENAMED)
    events = ibis.table(ibis.memtable(frame).schema(), name="web_events")
    identity = None
    if case.identity:
        frame = identity_frame(case.identity).rename(columns={"visitor_id": "cookie_key", "contact_id": "person_key"})
        identity = ibis.table(ibis.memtable(frame).schema(), name="identity_map")
    return events, identity


def _in_turn(index: int, dialect: str) -> bool:
    return DIALECTS[index % len(DIALECTS)] == dialect


PAIRS = [(i, d) for i in range(len(CASES)) for d in DIALECTS if d in PARSED_ONLY or _in_turn(i, d)]


#: Every EXTRA_STRIDE-th case also parses one of its trend, time histogram and actors tables (the rest of
#: their SQL is the funnel's plan).
EXTRA_STRIDE = 3


def _tables(index: int, dialect: str) -> dict[str, TableOptions]:
    """The tables whose SQL case ``index`` parses in ``dialect``: the funnel; the branches and paths in turn;
    for every EXTRA_STRIDE-th case, in one compiled-only dialect, one of its other tables, all in turn."""
    tables: dict[str, TableOptions] = {"funnel": {}}
    if _in_turn(index, dialect):
        tables |= {"branches": {}, "paths": {}}
    turn, rest = divmod(index, EXTRA_STRIDE)
    if not rest and dialect == PARSED_ONLY[turn % len(PARSED_ONLY)]:
        asked = list(asked_tables(CASES[index].journey).items())
        tables |= dict([asked[turn // len(PARSED_ONLY) % len(asked)]])
    return tables


@pytest.mark.parametrize(("index", "dialect"), PAIRS, ids=[f"{CASES[i].name}-{d}" for i, d in PAIRS])
def test_journey_compiles_for_warehouse(index, dialect):
    """Each table's SQL (:func:`_tables`; compiling costs about half a second each) parses in the dialect,
    reading the user's tables and columns."""
    case = CASES[index]
    events, identity = _warehouse_tables(case)
    journey = Journey.from_dict(case.journey)
    for table, options in _tables(index, dialect).items():
        with unknown_event_warnings([case]):
            sql = journey.to_sql(dialect, events=events, identity=identity, schema=SCHEMA, table=table, **options)
        statements = sqlglot.parse(sql, read=dialect)  # ClickHouse, Databricks and PostgreSQL: a script
        tables = {t.name for statement in statements for t in statement.find_all(sqlglot.exp.Table)}
        columns = {c.name for statement in statements for c in statement.find_all(sqlglot.exp.Column)}
        assert "web_events" in tables, f"{table}: events table not read"
        assert {"activity_kind", "happened_at"} <= columns, f"{table}: role columns missing"
        assert "event_type" not in columns, f"{table}: reads a default column name"
        if identity is not None:
            assert "identity_map" in tables and "cookie_key" in columns


def test_every_table_is_parsed_in_every_compiled_only_dialect():
    """Taken in turn, the cases parse each of the trend, time histogram and actors tables in each dialect."""
    parsed = {(d, table) for i, d in PAIRS for table in _tables(i, d)}
    assert {(d, t) for d in PARSED_ONLY for t in ("trend", "time_histogram", "actors")} <= parsed


def test_default_tables_are_the_sample_schema():
    journey = Journey.from_dict(CASES[0].journey)
    sql = journey.to_sql("bigquery")
    assert {"events", "identity"} <= {
        t.name for t in sqlglot.parse_one(sql, read="bigquery").find_all(sqlglot.exp.Table)
    }
