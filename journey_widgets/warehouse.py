"""SQL for a warehouse the package cannot see: the journey over the user's own table and column names.

``warehouse_sql(journey, "snowflake", events="ANALYTICS.WEB.EVENTS", schema=EventSchema(...))`` gives
SQL to paste into the warehouse's console as it is. The tables' column types are not known here: they
are taken from the schema's roles (event type text, time a timestamp, contact and deal ids integers,
visitor ids text), from the journey's filter values (text, number or true/false) and text for the
breakdown and held properties; ``types`` overrides any of them (e.g. ``{"contact_id": "string"}``).
Names become quoted identifiers of the SQL (sqlglot quotes them), never text spliced into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import BoundEvents, EventSchema, check_journey_against_data
from journey_widgets.compiler import compile_journey
from journey_widgets.errors import DataBindingError
from journey_widgets.result import JourneyResult
from journey_widgets.sql_tables import TableOptions

if TYPE_CHECKING:
    from journey_widgets.model import Journey

_TIME = dt.Timestamp(timezone="UTC")
_ROLE_TYPES: dict[str, dt.DataType] = {
    "event_type": dt.string,
    "occurred_at": _TIME,
    "contact_id": dt.int64,
    "visitor_id": dt.string,
    "deal_id": dt.int64,
}


def journey_sql(
    journey: Journey,
    dialect: str,
    *,
    events: Any = None,
    identity: Any = None,
    schema: EventSchema | None = None,
    types: Mapping[str, str] | None = None,
    table: str = "funnel",
    **options: Unpack[TableOptions],
) -> str:
    """:meth:`Journey.to_sql`: over warehouse tables given by name (:func:`warehouse_sql`), over data as
    :meth:`Journey.run` takes it, or by default over tables named like the sample data's."""
    if is_table_name(events):
        return warehouse_sql(
            journey, dialect, events=events, identity=identity, schema=schema, types=types, table=table, **options
        )
    if types is not None:
        raise DataBindingError("types= sets the columns of warehouse tables given by name (events='db.events')")
    if events is None:
        from journey_widgets.sample import sample_tables

        events, identity = sample_tables()
    result = JourneyResult.compute(journey, events, identity=identity, schema=schema)
    return result.to_sql(dialect, table=table, **options)


def warehouse_sql(
    journey: Journey,
    dialect: str,
    *,
    events: str,
    identity: str | None = None,
    schema: EventSchema | None = None,
    types: Mapping[str, str] | None = None,
    table: str = "funnel",
    **options: Unpack[TableOptions],
) -> str:
    """The SQL of one result table (with its ``options``: :mod:`journey_widgets.sql_tables`) for ``dialect``
    over the warehouse tables named ``events`` and ``identity`` (``"catalog.schema.table"``, ``"schema.table"``
    or ``"table"``, spelt as the warehouse stores them: the SQL quotes every name)."""
    schema = schema or EventSchema()
    overrides = {name: dt.dtype(type_) for name, type_ in (types or {}).items()}
    columns = _events_columns(journey, schema) | overrides
    events_table = _named_table(events, columns, "events")
    identity_table = None
    if identity is not None:
        if schema.visitor_id is None:
            raise DataBindingError("an identity table needs a visitor_id column in the events table")
        identity_table = _named_table(identity, _identity_columns(schema, columns) | overrides, "identity")
    bound = BoundEvents(events_table, schema, identity_table, dialect=dialect)
    check_journey_against_data(bound, journey)
    return JourneyResult(compile_journey(journey, bound)).to_sql(dialect, table=table, **options)


def is_table_name(events: Any) -> bool:
    """``events`` names a warehouse table (text that is not a file path or a database URL)."""
    if not isinstance(events, str):
        return False
    return not any(mark in events for mark in ("/", "\\", "://", "#")) and not events.endswith((".parquet", ".csv"))


def _events_columns(journey: Journey, schema: EventSchema) -> dict[str, dt.DataType]:
    """The events columns the journey reads: its roles, then its properties (typed by filter values)."""
    columns = {column: _ROLE_TYPES[role] for role, column in schema.role_columns().items()}
    for _, _, step in journey.step_places():
        for flt in step.filters:
            columns.setdefault(flt.property, _value_type(flt.value))
    texts = [*journey.hold_constant, *([journey.breakdown.property] if journey.breakdown is not None else [])]
    for name in texts:
        columns.setdefault(name, dt.string)
    return columns


def _value_type(value: Any) -> dt.DataType:
    """The column type a filter value suggests: the first of a list's values decides."""
    first = value[0] if isinstance(value, tuple) and value else value
    if isinstance(first, bool):
        return dt.boolean
    if isinstance(first, int | float):
        return dt.float64
    return dt.string


def _identity_columns(schema: EventSchema, events: Mapping[str, dt.DataType]) -> dict[str, dt.DataType]:
    """The identity map's columns: the visitor as text, the contact typed as the events' contact."""
    contact_type = events.get(schema.contact_id or "", dt.int64)
    columns = {schema.identity_visitor_id: dt.string, schema.identity_contact_id: contact_type}
    if schema.identity_identified_at is not None:
        columns[schema.identity_identified_at] = _TIME
    return columns


def _named_table(name: str, columns: Mapping[str, dt.DataType], what: str) -> ir.Table:
    """An unbound Ibis table named by ``name``'s parts (catalog, database, table)."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise DataBindingError(
            f"the {what} table name {name!r} should be 'table', 'schema.table' or 'catalog.schema.table'"
        )
    *path, table = parts
    catalog = path[0] if len(path) == 2 else None
    database = path[-1] if path else None
    return ibis.table(ibis.schema(dict(columns)), name=table, catalog=catalog, database=database)
