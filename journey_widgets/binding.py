"""Bind a user's events table to the journey: schema mapping, checks, actor resolution.

Everything here is checked before any query runs, and every error names the column or step.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir

from journey_widgets.errors import DataBindingError, NaiveTimestampWarning, UnknownEventWarning, warn
from journey_widgets.model import Filter, Journey
from journey_widgets.operators import OPERATORS, kind_of, value_fits, values_of
from journey_widgets.portable import backend_name, epoch_microseconds, runnable
from journey_widgets.sources import read_table

if TYPE_CHECKING:
    from journey_widgets.catalog import Catalog

#: Internal column names of the normalised events table (user columns never start with this).
PREFIX = "_jw_"
EVENT = f"{PREFIX}event"
TIME = f"{PREFIX}t"
CONTACT = f"{PREFIX}contact"
VISITOR = f"{PREFIX}visitor"
ANONYMOUS = f"{PREFIX}anonymous"


@dataclass(frozen=True)
class EventSchema:
    """Which of the user's columns plays which role (defaults: the sample data's names)."""

    event_type: str = "event_type"
    occurred_at: str = "occurred_at"
    contact_id: str | None = "contact_id"
    visitor_id: str | None = "visitor_id"
    deal_id: str | None = "deal_id"
    #: Identity table columns: visitor -> contact, and when it was learnt (optional).
    identity_visitor_id: str = "visitor_id"
    identity_contact_id: str = "contact_id"
    identity_identified_at: str | None = "identified_at"

    def role_columns(self) -> dict[str, str]:
        """The event table's role -> column mapping, for the roles that are mapped."""
        roles = ("event_type", "occurred_at", "contact_id", "visitor_id", "deal_id")
        return {role: getattr(self, role) for role in roles if getattr(self, role) is not None}


@dataclass(frozen=True)
class BoundEvents:
    """The user's events as an Ibis table, checked against a schema, with optional identity map."""

    table: ir.Table
    schema: EventSchema = field(default_factory=EventSchema)
    identity: ir.Table | None = None
    #: The SQL dialect the journey compiles for: the table's backend unless compiling for another.
    dialect: str | None = None
    #: Compute the normalized events (every column) once per object kind into a temporary table, the first
    #: time a journey of that kind needs them (see :meth:`prepared`).
    prepare: bool = False
    _prepared: dict[str, ir.Table | None] = field(default_factory=dict, compare=False, repr=False)
    _latest: list[int] = field(default_factory=list, compare=False, repr=False)

    @property
    def target(self) -> str:
        """The backend or SQL dialect whose formulations the compiler uses."""
        return self.dialect or backend_name(self.table)

    @property
    def properties(self) -> list[str]:
        """The columns that are filterable properties (every column not playing a role)."""
        roles = set(self.schema.role_columns().values())
        return [name for name in self.table.columns if name not in roles]

    def normalized(self, journey: Journey, target: str | None = None, *, properties: Sequence[str] = ()) -> ir.Table:
        """Events with the internal actor and time columns of :mod:`journey_widgets.compiler`.

        Adds ``_jw_event``, ``_jw_t`` (int64 microseconds since the epoch, UTC), ``_jw_contact``
        (the actor: contact or deal id, or null), ``_jw_visitor`` (the anonymous visitor when there is
        no contact) and ``_jw_anonymous``. Rows with no actor or no time are dropped. ``target``
        (default: :attr:`target`) is the dialect whose formulation of times is used; ``properties`` are
        columns kept besides those the journey reads.
        """
        columns = _columns_read(self.table, self.schema, journey, properties)
        ready = self._prepared_table(journey.object) if self.prepare and target in (None, self.target) else None
        if ready is not None:
            return ready.select(*columns, EVENT, TIME, CONTACT, VISITOR, ANONYMOUS)
        return self._normalize(journey.object, columns, target or self.target)

    def _prepared_table(self, kind: str) -> ir.Table | None:
        """The normalized events of every column of ``kind``, computed once into a temporary table; None when
        the backend cannot compute them (a column that fails to read): each query then normalizes the columns
        it reads, so a broken column fails only the journeys that read it."""
        if kind not in self._prepared:
            try:
                self._prepared[kind] = self._normalize(kind, list(self.table.columns), self.target).cache()
            except Exception as exc:
                if type(exc).__name__ == "InterruptException":  # DuckDB's, from a newer edit: prepare next time
                    raise
                self._prepared[kind] = None
        return self._prepared[kind]

    def prepared(self) -> BoundEvents:
        """These events, normalized once per object kind into a temporary table when first needed, so that
        each journey run on them (an interactive edit) reads that table instead of stitching again; their
        latest event time is kept too."""
        return replace(self, prepare=True, _prepared={}, _latest=[])

    def latest_time(self, journey: Journey | None = None) -> int:
        """The latest event time (microseconds; 0 when there is none): when the data ends, by default, for
        who is still in progress (see :meth:`latest`; the same for every ``journey``); prepared events keep it."""
        if self._latest:
            return self._latest[0]
        latest = self.latest().to_pyarrow().as_py() or 0
        if self.prepare:
            self._latest.append(latest)
        return latest

    def latest(self, target: str | None = None) -> ir.IntegerScalar:
        """The latest event time of the whole table (microseconds) as an Ibis scalar: every row with a time,
        whatever the journey's object or event types (a deal journey's data ends when the table's does)."""
        return epoch_microseconds(self.table[self.schema.occurred_at], target or self.target).max()

    def _normalize(self, kind: str, columns: list[str], target: str) -> ir.Table:
        schema = self.schema
        events = self.table.select(*columns)
        if kind == "deal":
            contact: ir.Value = events[schema.deal_id]
            visitor: ir.Value = ibis.null(dt.string)
        else:
            contact = _column_or_null(events, schema.contact_id, self._contact_type())
            if self.identity is not None and schema.visitor_id is not None:
                events, contact = self._stitch(events)
            raw_visitor = _column_or_null(events, schema.visitor_id, dt.string).cast(dt.string)
            visitor = ibis.cases((contact.isnull(), raw_visitor), else_=ibis.null(dt.string))
        table = events.mutate(
            **{
                EVENT: events[schema.event_type],
                TIME: epoch_microseconds(events[schema.occurred_at], target),
                CONTACT: contact,
                VISITOR: visitor,
                ANONYMOUS: contact.isnull(),
            }
        )
        return table.filter(table[CONTACT].notnull() | table[VISITOR].notnull(), table[TIME].notnull())

    def _contact_type(self) -> dt.DataType:
        if self.schema.contact_id is not None:
            return self.table[self.schema.contact_id].type()
        return self.identity[self.schema.identity_contact_id].type() if self.identity is not None else dt.string

    def _stitch(self, events: ir.Table) -> tuple[ir.Table, ir.Value]:
        """Left-join the identity map (one contact per visitor) and coalesce the contact."""
        schema, identity = self.schema, self.identity
        assert identity is not None
        first = first_contacts(identity_pairs(identity, schema), schema)
        mapping = first.select(
            _jw_map_visitor=first[schema.identity_visitor_id].cast(dt.string), _jw_map_contact=first[FIRST_CONTACT]
        )
        joined = events.left_join(mapping, events[schema.visitor_id].cast(dt.string) == mapping._jw_map_visitor)
        joined = joined.drop("_jw_map_visitor")
        mapped = joined._jw_map_contact
        return joined, (joined[schema.contact_id].coalesce(mapped) if schema.contact_id else mapped)


#: The column of :func:`first_contacts` that holds each visitor's contact.
FIRST_CONTACT = "_jw_first_contact"


def identity_pairs(identity: ir.Table, schema: EventSchema) -> ir.Table:
    """The identity table's rows that map a visitor to a contact (both ids known)."""
    return identity.filter(
        identity[schema.identity_visitor_id].notnull(), identity[schema.identity_contact_id].notnull()
    )


def first_contacts(pairs: ir.Table, schema: EventSchema) -> ir.Table:
    """The contact each visitor of ``pairs`` (:func:`identity_pairs`) is stitched to: the first identified (a null
    ``identified_at`` last), then the smallest contact id (docs/semantics.md#actors). One row per visitor: its
    visitor column and :data:`FIRST_CONTACT`. Group-bys and a join only, no window function (Polars has none)."""
    visitor, contact, at = schema.identity_visitor_id, schema.identity_contact_id, schema.identity_identified_at
    if at and at in pairs.columns:
        first = pairs.group_by(visitor).aggregate(_jw_first_at=pairs[at].min())
        joined = pairs.join(first, visitor)
        pairs = joined.filter((joined[at] == joined._jw_first_at) | joined._jw_first_at.isnull())
    return pairs.group_by(visitor).aggregate(**{FIRST_CONTACT: pairs[contact].min()})


def _columns_read(table: ir.Table, schema: EventSchema, journey: Journey, extra: Sequence[str] = ()) -> list[str]:
    """The columns a journey reads: its roles and the properties its steps, breakdown and held
    properties name (and ``extra``)."""
    steps = [s for stage in journey.stages for s in stage.steps] + list(journey.exclusions)
    names = set(schema.role_columns().values()) | {f.property for s in steps for f in s.filters}
    if journey.breakdown is not None:
        names.add(journey.breakdown.property)
    names.update(journey.hold_constant)
    names.update(extra)
    return [name for name in table.columns if name in names]


def _column_or_null(table: ir.Table, name: str | None, type_: dt.DataType) -> ir.Value:
    return table[name] if name is not None else ibis.null(type_)


# ---------------------------------------------------------------------------------------- loading
def as_table(data: Any, *, what: str = "events") -> ir.Table:
    """An Ibis table that can run a journey, from an Ibis table, a DataFrame (pandas/Polars), an Arrow
    table, a Parquet/CSV path or a database ``URL#table`` (see :func:`journey_widgets.sources.read_table`)."""
    return runnable(read_table(data, what=what))


# ---------------------------------------------------------------------------------------- checks
def bind_events(
    events: Any,
    journey: Journey | None = None,
    *,
    identity: Any = None,
    schema: EventSchema | None = None,
    catalog: Catalog | None = None,
) -> BoundEvents:
    """Check ``events`` (and ``identity``) against the schema and, if given, the journey (an event type in
    neither the catalog nor the data gives an :class:`~journey_widgets.errors.UnknownEventWarning`)."""
    schema = _as_schema(schema)
    table = as_table(events)
    identity_table = None if identity is None else as_table(identity, what="identity")
    bound = BoundEvents(table=table, schema=_effective_schema(table, schema), identity=identity_table)
    _check_roles(bound, journey)
    if identity_table is not None:
        _check_identity(bound)
    bound = _with_whole_number_ids(bound)
    if journey is not None:
        warn_unknown_events(check_journey_against_data(bound, journey, catalog=catalog))
    return bound


def _as_schema(schema: EventSchema | Mapping[str, Any] | None) -> EventSchema:
    """The schema, also from a plain mapping such as ``{"contact_id": "person"}``."""
    if schema is None or isinstance(schema, EventSchema):
        return schema or EventSchema()
    if not isinstance(schema, Mapping):
        raise DataBindingError(
            f"schema must be an EventSchema or a dict of role -> column, got {type(schema).__name__}"
        )
    roles = {f.name for f in fields(EventSchema)}
    unknown = sorted(set(schema) - roles)
    if unknown:
        raise DataBindingError(f"schema: unknown roles {unknown}; the roles are {', '.join(sorted(roles))}")
    return EventSchema(**schema)


def _effective_schema(table: ir.Table, schema: EventSchema) -> EventSchema:
    """Drop optional roles whose default column is absent (a user table may lack visitor_id)."""
    defaults = EventSchema()
    changes = {
        role: None
        for role in ("contact_id", "visitor_id", "deal_id")
        if getattr(schema, role) == getattr(defaults, role) and getattr(schema, role) not in table.columns
    }
    return schema if not changes else EventSchema(**{**schema.__dict__, **changes})


def _require_column(table: ir.Table, name: str, role: str, what: str = "events") -> dt.DataType:
    if name not in table.columns:
        raise DataBindingError(
            f"the {what} table has no column {name!r} for the role {role!r}; its columns are "
            f"{', '.join(map(repr, table.columns))} (map yours with EventSchema({role}=...))"
        )
    type_ = table[name].type()
    if type_.is_unknown():
        raise DataBindingError(
            f"{what} column {name!r} ({role}) mixes value types (e.g. text and numbers): make them one type"
        )
    return type_


def _check_roles(bound: BoundEvents, journey: Journey | None) -> None:
    table, schema = bound.table, bound.schema
    kinds = {"event_type": "string", "occurred_at": "timestamp"}
    for role, expected in kinds.items():
        name = getattr(schema, role)
        type_ = _require_column(table, name, role)
        if (expected == "string" and not type_.is_string()) or (expected == "timestamp" and not type_.is_timestamp()):
            hint = _time_hint(name, type_) if expected == "timestamp" else ""
            raise DataBindingError(f"column {name!r} ({role}) has type {type_}, expected {expected}{hint}")
    _warn_naive_times(table, schema.occurred_at, "events")
    for role in ("contact_id", "visitor_id", "deal_id"):
        name = getattr(schema, role)
        if name is not None:
            type_ = _require_column(table, name, role)
            if not (type_.is_string() or type_.is_integer() or _may_hold_whole_numbers(type_)):
                raise DataBindingError(f"column {name!r} ({role}) has type {type_}, expected string or integer")
    if journey is not None and journey.object == "deal" and schema.deal_id is None:
        raise DataBindingError("a deal journey needs a deal_id column: map it with EventSchema(deal_id=...)")
    if schema.contact_id is None and schema.visitor_id is None and (journey is None or journey.object == "contact"):
        raise DataBindingError("a contact journey needs a contact_id or a visitor_id column")
    clashes = [c for c in table.columns if c.startswith(PREFIX)]
    if clashes:
        raise DataBindingError(f"column names starting with {PREFIX!r} are reserved: {clashes}")


def _time_hint(name: str, type_: dt.DataType) -> str:
    """How to turn a column of ``type_`` into timestamps, as a ``; ...`` suffix."""
    if type_.is_integer():
        return (
            f"; if these are epoch seconds, convert them, e.g. df[{name!r}] = pd.to_datetime(df[{name!r}], unit='s', "
            "utc=True) (unit='ms' or 'us' for milli- or microseconds)"
        )
    if type_.is_date():
        return f"; make them times, e.g. df[{name!r}] = pd.to_datetime(df[{name!r}], utc=True)"
    if type_.is_string():
        return f"; parse them, e.g. events.mutate({name}=events.{name}.as_timestamp('%Y-%m-%d %H:%M:%S'))"
    return ""


def _warn_naive_times(table: ir.Table, name: str | None, what: str) -> None:
    """Times without a time zone are read as UTC: say so, once per table. Not on Spark, whose ``TIMESTAMP`` holds
    instants (shown in the session's zone) but reaches Ibis without a zone, like ``TIMESTAMP_NTZ``."""
    if name is not None and name in table.columns and backend_name(table) != "pyspark":
        type_ = table[name].type()
        if type_.is_timestamp() and type_.timezone is None:
            warn(
                NaiveTimestampWarning(
                    f"{what} column {name!r} has no time zone: its times are read as UTC (if they are local "
                    f"times, give them their zone first, e.g. df[{name!r}].dt.tz_localize('Europe/Oslo'))"
                )
            )


def _check_identity(bound: BoundEvents) -> None:
    identity, schema = bound.identity, bound.schema
    assert identity is not None
    if schema.visitor_id is None:
        raise DataBindingError("an identity table needs a visitor_id column in the events table")
    _require_column(identity, schema.identity_visitor_id, "visitor_id", "identity")
    contact_type = _require_column(identity, schema.identity_contact_id, "contact_id", "identity")
    if schema.contact_id is not None:
        events_type = bound.table[schema.contact_id].type()
        if events_type.is_string() != contact_type.is_string():
            raise DataBindingError(
                f"identity column {schema.identity_contact_id!r} has type {contact_type} but the events' "
                f"{schema.contact_id!r} has type {events_type}: they must match"
            )


# ---------------------------------------------------------------------------------------- whole-number ids
#: Floats hold every integer up to 2**53 exactly; a larger id read as a float may have changed already.
_EXACT_FLOAT_INTEGERS = 2**53


def _may_hold_whole_numbers(type_: dt.DataType) -> bool:
    """Floats and decimals: pandas reads nullable integer ids as float64 (``pd.read_parquet``)."""
    return type_.is_floating() or type_.is_decimal()


def _with_whole_number_ids(bound: BoundEvents) -> BoundEvents:
    """``bound`` with its float or decimal id columns cast exactly to int64, once every value is checked
    to be a whole number a float holds exactly; otherwise a :class:`DataBindingError` with the fix."""
    schema = bound.schema
    events = _whole_number_ids(bound.table, [(r, getattr(schema, r)) for r in ("contact_id", "visitor_id", "deal_id")])
    identity = bound.identity
    if identity is not None:
        roles: list[tuple[str, str | None]] = [
            ("contact_id", schema.identity_contact_id),
            ("visitor_id", schema.identity_visitor_id),
        ]
        identity = _whole_number_ids(identity, roles, "identity")
    if events is bound.table and identity is bound.identity:
        return bound
    return BoundEvents(table=events, schema=schema, identity=identity, dialect=bound.dialect)


def _whole_number_ids(table: ir.Table, roles: list[tuple[str, str | None]], what: str = "events") -> ir.Table:
    numeric = [(role, name) for role, name in roles if name and _may_hold_whole_numbers(table[name].type())]
    if not numeric:
        return table
    checks = {}
    for index, (_, name) in enumerate(numeric):
        column = table[name]
        not_whole = column.notnull() & ((column != column.floor()) | (column.abs() > _EXACT_FLOAT_INTEGERS))
        checks[f"_jw_bad_{index}"] = column.min(where=not_whole)
    found = table.aggregate(**checks).to_pyarrow().to_pylist()[0]
    for index, (role, name) in enumerate(numeric):
        example = found[f"_jw_bad_{index}"]
        if example is not None:
            raise DataBindingError(
                f"{what} column {name!r} ({role}) holds ids that are not whole numbers below 2**53 (e.g. {example!r}): "
                f"make it text (df[{name!r}] = df[{name!r}].astype('string')) or read whole ids as integers "
                "(pd.read_parquet(path, dtype_backend='numpy_nullable'))"
            )
    return table.mutate(**{name: table[name].cast(dt.int64) for _, name in numeric})


def check_journey_against_data(
    bound: BoundEvents, journey: Journey, *, catalog: Catalog | None = None, data_in_catalog: bool = False
) -> list[UnknownEvent]:
    """Every filtered or broken-down property is a column of a fitting type (else raise); returns the
    event types in neither ``catalog`` nor the data, whose steps match no event.

    ``data_in_catalog``: ``catalog`` already holds every event type of the data, so nothing is queried.
    """
    from journey_widgets.catalog import default_catalog

    catalog = catalog or default_catalog()
    for where, location, step in journey.step_places():
        for index, flt in enumerate(step.filters):
            place = f"{where}, filter {index + 1} ({flt.property} {flt.op})"
            _check_filter(bound, flt, place, (*location, "filters", index))
    if journey.breakdown is not None:
        _check_property(bound, journey.breakdown.property, "breakdown", ("breakdown",))
    for index, name in enumerate(journey.hold_constant):
        _check_property(bound, name, f"hold_constant {index + 1}", ("hold_constant", index))
    unknown = unknown_events(journey, catalog)
    if not unknown:
        return []
    known = [event.id for event in catalog.events]
    data_checked = data_in_catalog or _can_query(bound.table)  # not a warehouse table compiled to SQL only
    if data_checked and not data_in_catalog:
        present = _data_event_types(bound, unknown)
        unknown = [event for event in unknown if event not in present]
        known += _data_event_types(bound) if unknown else []
    return describe_unknown_events(journey, unknown, known, data_checked=data_checked)


@dataclass(frozen=True)
class UnknownEvent:
    """An event type in neither the catalog nor the data: where the journey names it, and close known ids."""

    event: str
    #: (human place, location in the journey document) of each step or exclusion naming it.
    places: tuple[tuple[str, tuple[str | int, ...]], ...]
    close: tuple[str, ...]
    #: False when the events table could not be queried (declared for SQL only).
    data_checked: bool = True

    def message(self) -> str:
        """One line naming every place, e.g. for a :class:`UnknownEventWarning`."""
        return f"{'; '.join(place for place, _ in self.places)}: {self.detail()}"

    def detail(self) -> str:
        """What is wrong and the close known ids, without the place (shown beside the step)."""
        hint = f" (did you mean {', '.join(map(repr, self.close))}?)" if self.close else ""
        if not self.data_checked:
            return f"unknown event type {self.event!r}: not in the step catalog (the data was not read){hint}"
        return (
            f"unknown event type {self.event!r}: in neither the step catalog nor the events data, "
            f"so it matches no event{hint}"
        )


def describe_unknown_events(
    journey: Journey, unknown: list[str], known: list[str], *, data_checked: bool = True
) -> list[UnknownEvent]:
    """The places of each ``unknown`` event type in the journey, with up to three close ``known`` ids."""
    places = journey.step_places()
    candidates = list(dict.fromkeys(known))
    return [
        UnknownEvent(
            event,
            tuple((where, location) for where, location, step in places if step.event == event),
            tuple(difflib.get_close_matches(event, candidates, n=3)),
            data_checked,
        )
        for event in unknown
    ]


def warn_unknown_events(unknown: list[UnknownEvent]) -> None:
    """One :class:`UnknownEventWarning` per event type."""
    for event in unknown:
        warn(UnknownEventWarning(event.message()))


def unknown_events(journey: Journey, catalog: Catalog) -> list[str]:
    """The journey's event types (steps and exclusions) that ``catalog`` lacks, sorted."""
    return sorted({s.event for _, _, s in journey.step_places() if not catalog.has_event(s.event)})


#: The ``code`` of a journey the data check refuses, and its ``details``: ``unknown_property`` (``property``),
#: ``column_kind_not_taken`` (``op``, ``property`` and its column's ``type`` and ``kind``) and ``value_does_not_fit``
#: (the same, ``value`` instead of ``op``).
DataCode = Literal["unknown_property", "column_kind_not_taken", "value_does_not_fit"]


def _check_property(bound: BoundEvents, name: str, where: str, location: tuple[str | int, ...]) -> dt.DataType:
    if name not in bound.properties:
        role_hint = " (it plays a role in the schema)" if name in bound.table.columns else ""
        raise DataBindingError(
            f"{where}: unknown property {name!r}{role_hint}; the events table's properties are "
            f"{', '.join(map(repr, bound.properties)) or 'none'}",
            location=location,
            code="unknown_property",
            details={"property": name},
        )
    return bound.table[name].type()


def _check_filter(bound: BoundEvents, flt: Filter, where: str, location: tuple[str | int, ...]) -> None:
    """The column's kind is one the operator applies to, and every value fits the column."""
    type_ = _check_property(bound, flt.property, where, location)
    operator = OPERATORS[flt.op]
    column = {"property": flt.property, "type": str(type_), "kind": kind_of(type_)}

    def refuse(message: str, code: DataCode, **details: Any) -> DataBindingError:
        return DataBindingError(f"{where}: {message}", location=location, code=code, details=column | details)

    if kind_of(type_) not in operator.kinds:
        raise refuse(
            f"{flt.op!r} needs a {operator.kind_words()} column but {flt.property!r} is {type_}",
            "column_kind_not_taken",
            op=flt.op,
        )
    for value in values_of(flt.value):
        if not value_fits(value, type_):
            hint = " (give a date such as '2026-01-05')" if type_.is_date() else ""
            raise refuse(
                f"value {value!r} does not fit column {flt.property!r} of type {type_}{hint}",
                "value_does_not_fit",
                value=value,
            )


#: Event types of the data offered as "did you mean" candidates (the most frequent ones).
_MAX_SUGGESTED_TYPES = 1_000


def _can_query(table: ir.Table) -> bool:
    """False for tables declared without a backend (``ibis.table(schema, name)``): SQL only."""
    return not table.op().find(ops.UnboundTable)


def _data_event_types(bound: BoundEvents, among: list[str] | None = None) -> list[str]:
    """The data's event types: those ``among`` the given ones, else the most frequent."""
    column = bound.table[bound.schema.event_type]
    if among is not None:
        types = bound.table.filter(column.isin(among)).select(column).distinct()
    else:
        counts = column.value_counts()
        types = counts.order_by(ibis.desc(counts.columns[1])).limit(_MAX_SUGGESTED_TYPES).select(column.get_name())
    return [t for t in types.to_pyarrow().column(0).to_pylist() if isinstance(t, str)]
