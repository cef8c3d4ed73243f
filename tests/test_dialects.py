"""Warehouse SQL: every hand-worked journey compiles to SQL that sqlglot parses in the warehouse's
dialect and that reads the user's own column and table names.

ClickHouse and Databricks SQL is also executed (tests/test_warehouse_sql.py), so here those two parse
a fifth of the cases each, taking turns; the compiled-only dialects parse every case."""

from __future__ import annotations

import ibis
import pytest
import sqlglot
from cases import CASES, events_frame, identity_frame, unknown_event_warnings

from journey_widgets import Journey
from journey_widgets.binding import EventSchema

DIALECTS = ("bigquery", "snowflake", "trino", "clickhouse", "databricks")
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


@pytest.mark.parametrize(("index", "dialect"), PAIRS, ids=[f"{CASES[i].name}-{d}" for i, d in PAIRS])
def test_journey_compiles_for_warehouse(index, dialect):
    """The funnel (whose SQL holds the whole journey) for every case and dialect; the branch and paths
    tables for each case in one dialect, taking turns (compiling costs about half a second each)."""
    case = CASES[index]
    events, identity = _warehouse_tables(case)
    journey = Journey.from_dict(case.journey)
    tables = ["funnel"] + (["branches", "paths"] if _in_turn(index, dialect) else [])
    for table in tables:
        with unknown_event_warnings([case]):
            sql = journey.to_sql(dialect, events=events, identity=identity, schema=SCHEMA, table=table)
        statements = sqlglot.parse(sql, read=dialect)  # ClickHouse and Databricks: a script
        tables = {t.name for statement in statements for t in statement.find_all(sqlglot.exp.Table)}
        columns = {c.name for statement in statements for c in statement.find_all(sqlglot.exp.Column)}
        assert "web_events" in tables, f"{table}: events table not read"
        assert {"activity_kind", "happened_at"} <= columns, f"{table}: role columns missing"
        assert "event_type" not in columns, f"{table}: reads a default column name"
        if identity is not None:
            assert "identity_map" in tables and "cookie_key" in columns


def test_default_tables_are_the_sample_schema():
    journey = Journey.from_dict(CASES[0].journey)
    sql = journey.to_sql("bigquery")
    assert {"events", "identity"} <= {
        t.name for t in sqlglot.parse_one(sql, read="bigquery").find_all(sqlglot.exp.Table)
    }
