"""Where backends differ, the formulation that gives every backend the same exact numbers.

Each function takes the backend's name (``ibis`` backend ``.name``) and returns an Ibis expression.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import timedelta

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import sqlglot
from ibis import util

from journey_widgets.durations import format_duration
from journey_widgets.errors import UnsupportedBackendError

#: Backends whose timestamps are text and whose microsecond extraction is not exact (SQLite's
#: ``strftime('%f')`` has milliseconds): the fraction is read from the text instead.
_TEXT_TIMESTAMPS = frozenset({"sqlite"})

#: Backends storing Arrow timestamps whose cast to an integer is exact (DataFusion's epoch and
#: microsecond extraction accept only some timestamp types).
_INTEGER_TIMESTAMPS = frozenset({"datafusion"})

#: Backends that would recompute a table each time a query reads it (Spark, DataFusion), whose SQL
#: parser cannot take a long journey as one nested query (SQLite's parser stack), or whose planner
#: misjudges one (PostgreSQL: with the events' statistics, a 20-stage journey's one query ran for more
#: than 6 minutes; as steps, each analysed, in 4 s): the timeline and the paths are computed into
#: temporary tables.
MATERIALIZE_PATHS = frozenset({"sqlite", "datafusion", "pyspark", "postgres"})
#: Engines whose journey rows are fetched and followed in this process (``compiler.in_process``): those
#: running here (DuckDB, SQLite), and PostgreSQL, whose planner misjudges the SQL plan's joins (at 300k
#: events, an 8-stage journey took 94 s and a 20-stage one over 300 s; fetched, a few seconds). DataFusion and
#: Spark compute the SQL plan themselves (``benchmarks/engines.py`` measures both routes); Polars' data runs on
#: DuckDB (:func:`runnable`).
PATHS_IN_PROCESS = frozenset({"duckdb", "sqlite", "postgres"})


#: SQL dialects whose SQL is a script computing the plan's checkpoints into temporary tables, then the table:
#: engines that copy a common table expression into each query that reads it (ClickHouse, Spark SQL), so a
#: journey's one query grows as the cube of its stages (three stages: 20 s of ClickHouse's planning, 46 s of
#: Spark's), and PostgreSQL, whose planner takes a join on (actor, time) for one row and may loop over it: there
#: each temporary table is indexed and analysed (the sample data's 20-stage journey on 300,000 analysed events:
#: 6 s as the script, 16 s as one query).
SCRIPTED_SQL = frozenset({"clickhouse", "databricks", "postgres"})


#: What each statement of a dialect's script ends with: ClickHouse fills the missing side of an outer join
#: with its type's default (0, '') unless ``join_use_nulls`` is set.
_STATEMENT_SETTINGS = {"clickhouse": "\nSETTINGS join_use_nulls = 1"}


def computed_ahead(table: ir.Table, index_by: Sequence[str] = ()) -> ir.Table:
    """The table computed into a temporary table on its backend, for the later queries that read it.

    PostgreSQL analyses it (the planner's statistics for the next step's joins); SQLite indexes it by
    ``index_by`` (its joins are nested loops otherwise); Spark gets a local checkpoint instead of Ibis'
    ``cache()``, since a cached Spark view keeps the plan that made it, so every later query would be
    analysed with the plans of all the checkpoints before it (a 20-stage journey's analyser runs out of
    memory), while a checkpoint cuts that lineage.
    """
    if table.get_backend().name == "pyspark":
        return _spark_checkpoint(table)
    cached = table.cache()
    backend = cached.get_backend()
    name = cached.op().name
    if backend.name == "postgres":
        backend.raw_sql(f"ANALYZE {sqlglot.to_identifier(name, quoted=True).sql('postgres')}").close()
    if backend.name == "sqlite" and index_by:
        quoted = ", ".join(sqlglot.to_identifier(key, quoted=True).sql("sqlite") for key in index_by)
        table_name = sqlglot.to_identifier(name, quoted=True).sql("sqlite")
        index_name = sqlglot.to_identifier(f"{name}_actor", quoted=True).sql("sqlite")
        # Ibis hands back the same cached table for an equal expression: index it once.
        backend.raw_sql(f"CREATE INDEX IF NOT EXISTS {index_name} ON {table_name} ({quoted})").close()
    return cached


def _spark_checkpoint(table: ir.Table) -> ir.Table:
    """The table computed into a Spark local checkpoint behind a temporary view (dropped with the
    expression that reads it)."""
    backend = table.get_backend()
    frame = backend._session.sql(backend.compile(table)).localCheckpoint(eager=True)
    name = util.gen_name("jw_checkpoint")
    frame.createTempView(name)
    checkpointed = backend.table(name)
    weakref.finalize(checkpointed.op(), backend._session.catalog.dropTempView, name).atexit = False
    return checkpointed


def script_statements(query: str, dialect: str, into: str | None = None, index_by: Sequence[str] = ()) -> list[str]:
    """The statements of a dialect's script for ``query``: computing it into the session's temporary table
    ``into``, or returning it.

    PostgreSQL has no ``CREATE OR REPLACE`` for temporary tables: the session's own table of that name is
    dropped first (``pg_temp``, never a permanent table of that name); the new one is indexed by ``index_by``
    and analysed. The next statement is planned on its statistics, and where the planner still misjudges a join
    on (actor, time) as one row, its nested loop probes the index instead of scanning the table per row (at
    100,000 events a 20-stage journey's paths took 42 s that way, without the index). Databricks SQL gets a
    temporary table, which sqlglot would write as a view, not computed ahead.
    """
    statement = query + _STATEMENT_SETTINGS.get(dialect, "")
    if into is None:
        return [statement]
    identifier = sqlglot.exp.to_identifier(into, quoted=True).sql(dialect)
    if dialect != "postgres":
        return [f"CREATE OR REPLACE TEMPORARY TABLE {identifier} AS\n{statement}"]
    keys = ", ".join(sqlglot.exp.to_identifier(key, quoted=True).sql(dialect) for key in index_by)
    return [
        f"DROP TABLE IF EXISTS pg_temp.{identifier}",
        f"CREATE TEMPORARY TABLE {identifier} AS\n{statement}",
        *([f"CREATE INDEX ON {identifier} ({keys})"] if index_by else []),
        f"ANALYZE {identifier}",
    ]


#: Backends that cannot run a journey's window functions (Ibis' Polars backend has none): their
#: tables are handed to embedded DuckDB through Arrow.
_NO_WINDOW_FUNCTIONS = frozenset({"polars"})


def runnable(table: ir.Table) -> ir.Table:
    """``table``, or its data on embedded DuckDB where its own backend cannot run a journey."""
    if backend_name(table) in _NO_WINDOW_FUNCTIONS:
        return ibis.memtable(table.to_pyarrow())
    return table


def backend_name(expr: ir.Table | ir.Value) -> str:
    """The name of the backend a table or column lives on (in-memory tables run on DuckDB)."""
    try:
        return expr.get_backend().name
    except Exception:  # an unbound memtable: executed by the default backend
        return ibis.get_backend().name


#: Engines whose RANGE frame offsets must fit in 31 bits (ClickHouse: "Frame start offset for 'RANGE'
#: frame must be a nonnegative 32-bit integer"), about 35 minutes of microseconds.
_SHORT_RANGE_OFFSETS = frozenset({"clickhouse"})
_MAX_RANGE_OFFSET = 2**31 - 1


def range_frame(time: ir.IntegerValue, reach_us: int, backend: str) -> tuple[ir.NumericValue, int]:
    """The ORDER BY key and the offset of a RANGE frame reaching ``reach_us`` microseconds along ``time``.

    Where offsets must be short, the key is the time divided by a power of two dividing the reach,
    and the offset the reach divided by it: exact, since times (below 2**53) and their halvings are
    exact doubles, and so is the frame's bound ``key - offset``.
    """
    if backend not in _SHORT_RANGE_OFFSETS or reach_us <= _MAX_RANGE_OFFSET:
        return time, reach_us
    twos = (reach_us & -reach_us).bit_length() - 1  # the largest k with 2**k dividing the reach
    for k in range(1, twos + 1):
        if reach_us >> k <= _MAX_RANGE_OFFSET:
            return time / (1 << k), reach_us >> k
    raise UnsupportedBackendError(
        f"{backend} cannot take a window of {format_duration(timedelta(microseconds=reach_us))} exactly "
        f"(its window frames reach at most {_MAX_RANGE_OFFSET} steps): choose a window with more factors of "
        "two, e.g. P364D rather than P365D"
    )


#: Engines with SQL's ``UNIX_MICROS`` (Spark cannot extract the microsecond part of a timestamp).
_UNIX_MICROS = frozenset({"pyspark", "databricks", "bigquery"})


@ibis.udf.scalar.builtin(name="unix_micros", signature=((dt.Timestamp(),), dt.int64))
def _unix_micros(value: ir.TimestampValue) -> ir.IntegerValue:
    """Exact microseconds since the epoch."""


@ibis.udf.scalar.builtin(name="epoch_us", signature=((dt.Timestamp(),), dt.int64))
def _epoch_us(value: ir.TimestampValue) -> ir.IntegerValue:
    """DuckDB's exact microseconds since the epoch."""


@ibis.udf.scalar.builtin(name="unixepoch")
def _unixepoch(value: str) -> dt.int64:
    """SQLite's whole seconds since the epoch of a time written as text."""


@ibis.udf.scalar.builtin(name="instr")
def _instr(text: str, part: str) -> dt.int64:
    """SQLite's 1-based position of ``part`` in ``text`` (0: absent)."""


@ibis.udf.scalar.builtin(name="substr")
def _substr_from(text: str, start: dt.int64) -> dt.string:
    """SQLite's text from the 1-based ``start`` on."""


@ibis.udf.scalar.builtin(name="substr")
def _substr(text: str, start: dt.int64, length: dt.int64) -> dt.string:
    """SQLite's ``length`` characters of the text from the 1-based ``start``."""


@ibis.udf.scalar.builtin(name="ltrim")
def _ltrim(text: str, characters: str) -> dt.string:
    """SQLite's text without the leading characters that are among ``characters``."""


def _text_epoch_us(text: ir.StringValue) -> ir.IntegerValue:
    """Exact microseconds of a time written as text (SQLite), with SQLite's own string functions (Ibis'
    regular expressions run as Python functions per row, ten times slower): the whole seconds of the text
    without its fraction (``unixepoch`` would round the fraction to milliseconds), plus the fraction's first
    six digits."""
    dot = _instr(text, ".")
    fraction_on = _substr_from(text, dot + 1)
    after_digits = _ltrim(fraction_on, "0123456789")
    digits = _substr(fraction_on, 1, fraction_on.length() - after_digits.length())
    micros = _substr(digits + "000000", 1, 6).cast(dt.int64)
    seconds = _unixepoch(ibis.cases((dot > 0, _substr(text, 1, dot - 1) + after_digits), else_=text))
    return seconds * 1_000_000 + ibis.cases((dot > 0, micros), else_=ibis.literal(0, type=dt.int64))


def as_int(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 where ``condition`` holds, else 0 (PostgreSQL cannot cast a boolean to a big integer)."""
    return condition.ifelse(1, 0)


#: Engines writing a whole float without its fraction (``1`` for ``1.0``).
_WHOLE_FLOATS_AS_INTEGERS = frozenset({"postgres", "clickhouse"})


def as_text(value: ir.Value, backend: str) -> ir.StringValue:
    """A property value as text, the same on every engine: ``true``/``false``, floats as Python
    writes them (``1.0``; PostgreSQL and ClickHouse write ``1``)."""
    type_ = value.type()
    if type_.is_boolean():
        return ibis.cases((value, "true"), (~value, "false"), else_=ibis.null(dt.string))
    if type_.is_floating() and backend in _WHOLE_FLOATS_AS_INTEGERS:
        integral = (value == value.floor()) & (value.abs() < 1e15)
        return ibis.cases((integral, value.cast(dt.int64).cast(dt.string) + ".0"), else_=value.cast(dt.string))
    return value.cast(dt.string)


def compares_time_literals(backend: str) -> bool:
    """Whether ``backend`` compares a timestamp column with a time literal exactly (SQLite compares their
    text, which it writes differently: compare :func:`epoch_microseconds` there)."""
    return backend not in _TEXT_TIMESTAMPS


def epoch_microseconds(column: ir.TimestampValue, backend: str) -> ir.IntegerValue:
    """Microseconds since 1970-01-01 UTC, exactly; tz-aware values compare in UTC, naive ones are UTC."""
    if backend == "duckdb":
        return _epoch_us(column)
    if backend in _UNIX_MICROS:
        return _unix_micros(column)
    if backend in _INTEGER_TIMESTAMPS:
        return column.cast(dt.Timestamp(scale=6, timezone=column.type().timezone)).cast(dt.int64)
    if backend in _TEXT_TIMESTAMPS:
        return _text_epoch_us(column.cast(dt.string))
    # Whole seconds of the value cut to the second: engines round a fractional epoch when casting it.
    seconds = column.truncate("s").epoch_seconds().cast(dt.int64) * 1_000_000
    return seconds + column.microsecond().cast(dt.int64)


_US_PER_DAY = 86_400_000_000
#: Days from 0000-03-01 to 1970-01-01 (proleptic Gregorian): shifted day counts are non-negative,
#: so the backends' integer division and modulo agree with Python's.
_SHIFT_DAYS = 719_468


def with_period_start(table: ir.Table, microseconds: str, unit: str, name: str) -> ir.Table:
    """Add column ``name``: the start of the UTC day / ISO week (Monday) / month containing the time
    in column ``microseconds``, itself in microseconds since the epoch.

    Plain integer arithmetic (the month after H. Hinnant's ``civil_from_days``), so it is exact on every
    backend whatever its date functions; every backend divides integers as ``FLOOR(double / double)``,
    so dividends stay far below 2**53. Each step is its own projection: SQLite's parser rejects the
    deeply nested expression that inlining would produce.
    """
    days = f"{name}_days"
    table = table.mutate(**{days: table[microseconds] // _US_PER_DAY + _SHIFT_DAYS})  # since 0000-03-01
    if unit == "D":
        start = table[days]
    elif unit == "W":  # 0000-03-01 was a Wednesday: Monday-based weeks start 2 days earlier
        start = table[days] - (table[days] + 2) % 7
    else:
        table = _with_day_of_month(table, days, f"{name}_mday")
        start = table[days] - table[f"{name}_mday"] + 1
    table = table.mutate(**{name: (start - _SHIFT_DAYS) * _US_PER_DAY})
    return table.drop(*[c for c in table.columns if c.startswith(f"{name}_")])


def _with_day_of_month(table: ir.Table, days: str, name: str) -> ir.Table:
    """Add column ``name``: the day of the month (1-31) of a day count since 0000-03-01."""
    era_day = table[days] % 146_097
    table = table.mutate(_jw_era_day=era_day)
    era_day = table._jw_era_day
    table = table.mutate(_jw_era_year=(era_day - era_day // 1_460 + era_day // 36_524 - era_day // 146_096) // 365)
    era_year = table._jw_era_year
    table = table.mutate(_jw_year_day=era_day - (365 * era_year + era_year // 4 - era_year // 100))
    year_day = table._jw_year_day
    month = (5 * year_day + 2) // 153  # 0 = March
    return table.mutate(**{name: year_day - (153 * month + 2) // 5 + 1}).drop(
        "_jw_era_day", "_jw_era_year", "_jw_year_day"
    )
