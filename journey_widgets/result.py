"""Results of a journey run: DataFrames on demand, plus the Ibis expressions and their SQL.

The rule of the API: a table that runs a query is a method (``funnel()``, ``branches()``, ``paths()``,
``trend()``, ``time_histogram()``, ``actors()``), computed by the backend on the first call and then
cached; cheap attributes (``journey``, ``expr``, ``plot``) are properties.

A journey compared with its previous period (``compare="previous_period"``) gives every table a leading ``period``
column, ``"current"`` rows first, then ``"previous"`` (docs/semantics.md#comparison-with-the-previous-period).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Unpack

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from journey_widgets.backend_lock import BACKEND_LOCK
from journey_widgets.binding import BoundEvents, EventSchema, bind_events
from journey_widgets.compiler import CompiledJourney, compile_journey
from journey_widgets.compiler.in_process import local_engine, reads_only_local_tables
from journey_widgets.compiler.periods import PERIOD, PERIOD_START, PeriodName
from journey_widgets.compiler.sweep import default_windows
from journey_widgets.compiler.tables import Period
from journey_widgets.durations import parse_duration
from journey_widgets.errors import ArgumentError
from journey_widgets.portable import SCRIPTED_SQL
from journey_widgets.progress import elapsed
from journey_widgets.script import script_sql
from journey_widgets.sql_tables import TABLE_OPTIONS, TableOptions, check_bins, table_query
from journey_widgets.stats import with_period_statistics

if TYPE_CHECKING:
    from journey_widgets.catalog import Catalog
    from journey_widgets.drivers import Drivers
    from journey_widgets.explain import Explanation
    from journey_widgets.model import Journey
    from journey_widgets.plot import PlotAccessor


#: The result tables whose SQL :meth:`JourneyResult.to_sql` writes.
TABLES = tuple(TABLE_OPTIONS)


@dataclass(repr=False)
class JourneyResult:
    """A journey bound to events. Tables are computed by the backend when first read, then cached."""

    compiled: CompiledJourney
    #: Show the elapsed time of queries over a second (off where something else shows progress).
    progress: bool = True
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def compute(
        cls,
        journey: Journey,
        events: Any,
        *,
        identity: Any = None,
        schema: EventSchema | None = None,
        catalog: Catalog | None = None,
        as_of: datetime | str | None = None,
    ) -> JourneyResult:
        """Check ``events`` against the journey and compile it (queries run lazily). ``as_of``: when the
        data ends, for who is still in progress (default: the latest event time in the table)."""
        journey.check_complete()
        with BACKEND_LOCK:  # binding checks the data with queries
            bound = (
                events
                if isinstance(events, BoundEvents)
                else bind_events(events, journey, identity=identity, schema=schema, catalog=catalog)
            )
        return cls(compile_journey(journey, bound, as_of=as_of))

    @property
    def journey(self) -> Journey:
        return self.compiled.journey

    def renamed(self, journey: Journey) -> JourneyResult:
        """This result under ``journey``'s names (it differs from this one's journey in names only): the
        funnel and window sweeps already computed are kept (the funnel relabelled), no query runs."""
        sweeps = {key: table for key, table in self._cache.items() if key.startswith("sweep-")}
        result = JourneyResult(replace(self.compiled, journey=journey), progress=self.progress, _cache=sweeps)
        if "funnel" in self._cache:
            names = {index: stage.name for index, stage in enumerate(journey.stages, start=1)}
            funnel = self._cache["funnel"].copy()
            funnel["stage"] = funnel["stage_index"].map(names).astype(funnel["stage"].dtype)
            result._cache["funnel"] = funnel
        return result

    def _execute(self, key: str, table: Callable[[CompiledJourney], ir.Table]) -> pd.DataFrame:
        """Run ``table`` of the executed journey once (timed: building it may fill temporary tables)."""
        if key not in self._cache:
            with BACKEND_LOCK, elapsed(f"{self.journey.name}: {key.split('-')[0]}", enabled=self.progress):
                self._cache[key] = _computed(self.compiled, table)
        return self._cache[key]

    def cached(self, key: str) -> pd.DataFrame | None:
        """A table already computed (``"funnel"``, ``"branches"``, ...), or None; never runs a query."""
        return self._cache.get(key)

    def funnel(self) -> pd.DataFrame:
        """One row per stage (per breakdown segment): actors, anonymous actors, conversion from the
        previous stage and from the start, in progress and dropped off, and median, mean and p90 seconds from
        the previous stage. Compared with the previous period, per period, and on the current rows the change of
        the conversion from start, its two-proportion z-test ``p_value`` and ``p_value_holm`` (Holm across the
        stages)."""
        return self._execute("funnel", CompiledJourney.funnel)

    def branches(self) -> pd.DataFrame:
        """Per stage and step (per breakdown segment): how many paths reached the stage by that step."""
        return self._execute("branches", CompiledJourney.branches)

    def paths(self) -> pd.DataFrame:
        """One row per contact, deal or visitor with a start: depth, in progress, ``reached_at_k`` (UTC) and
        ``branch_k``."""
        return self._execute("paths", CompiledJourney.paths)

    @property
    def plot(self) -> PlotAccessor:
        """The result's Altair charts: ``.plot.funnel()``, ``.branches()``, ``.timing()``, ``.trend()``,
        ``.breakdown()``."""
        from journey_widgets.plot import PlotAccessor

        return PlotAccessor(self)

    def __repr__(self) -> str:
        from journey_widgets._repr import result_repr

        return result_repr(self)

    def _repr_html_(self) -> str:
        from journey_widgets._repr import result_html

        return result_html(self)

    def trend(self, period: Period = "week") -> pd.DataFrame:
        """Started, completed and conversion per ``period`` ("day", "week", "month") of the start (compared with
        the previous period: the start of the day, week or month is ``period_start``, ``period`` says which)."""
        return self._execute(f"trend-{period}", lambda executed: executed.trend(period))

    def time_histogram(self, bins: int = 20) -> pd.DataFrame:
        """Binned time from the previous stage (computed on the backend), per stage; compared with the previous
        period, per period in bins both periods share."""
        check_bins(bins)
        return self._execute(f"histogram-{bins}", lambda executed: executed.time_histogram(bins))

    def actors(self, stage: int | str, *, dropped: bool = False) -> pd.DataFrame:
        """Actors who reached ``stage`` (by index or name), or dropped off just before it."""
        with BACKEND_LOCK, elapsed(f"{self.journey.name}: actors", enabled=self.progress):
            return _to_pandas(self.compiled.actors(stage, dropped=dropped))

    def window_sweep(self, windows: Sequence[str | timedelta] | None = None) -> pd.DataFrame:
        """How many actors reach each stage with each window (``"7d"``, ``"PT12H"``, timedeltas; default: 24
        equal steps up to twice the journey's window): ``stage_index``, ``window_seconds``, ``actors``, one
        row per stage and window."""
        if windows is None:
            grid = default_windows(self.journey)
        elif isinstance(windows, str | timedelta) or not windows:
            raise ArgumentError(f"windows must be a non-empty list of durations such as ['7d', '30d'], got {windows!r}")
        else:
            grid = sorted({_window_us(w) for w in windows})
        key = f"sweep-{grid}"
        if key not in self._cache:
            found = self._execute(f"{key}-found", lambda executed: executed.window_sweep(grid))
            axes: dict[str, Sequence[Any]] = {
                "stage_index": range(1, len(self.journey.stages) + 1),
                "window_seconds": [w / 1e6 for w in grid],
            }
            if self.journey.compare is not None:
                axes = {PERIOD: [name for name, _ in self.compiled.periods]} | axes
            full = pd.MultiIndex.from_product(list(axes.values()), names=list(axes))
            table = found.set_index(list(axes)).reindex(full, fill_value=0).reset_index()
            self._cache[key] = table.astype({"stage_index": "Int64", "actors": "Int64"})
        return self._cache[key]

    def shortest_windows(self) -> pd.DataFrame:
        """Per actor and stage it can reach: the shortest window that reaches it, ``shortest_window_seconds``
        (ordered and strict journeys without exclusions)."""
        return self._execute("shortest", CompiledJourney.shortest_windows)

    def next_events(self, stage: int | str) -> pd.DataFrame:
        """For the actors who dropped off at ``stage`` (window closed): their first event of any type
        after the stage before, within the window, or "(no further event)": ``stage_index``,
        ``next_event``, ``actors``; the 10 most common types, the rest merged."""
        return self._execute(f"next-{stage}", lambda executed: executed.next_events(stage))

    def events_between(self, stage: int | str) -> pd.DataFrame:
        """For the actors who reached ``stage``: how many did each event type strictly between the
        stage before and it (``stage_index``, ``event``, ``actors``; the 10 most common)."""
        return self._execute(f"between-{stage}", lambda executed: executed.events_between(stage))

    def drivers(self, properties: Sequence[str] = ()) -> Drivers:
        """Which event types, and which values of ``properties`` of the start event, go with converting
        (reaching the last stage), among actors whose window has closed: odds ratios and Fisher exact
        p-values. Associations, not causes. Compared with the previous period, each period's, in a leading
        ``period`` column."""
        from journey_widgets.drivers import COLUMNS, Drivers, drivers_from_counts

        if isinstance(properties, str):
            raise ArgumentError(f"properties must be a list of column names, got the text {properties!r}")
        names = list(properties)
        counts = self._execute(f"drivers-{names}", lambda executed: executed.driver_counts(names))
        if PERIOD not in counts:
            return drivers_from_counts(counts)
        per_period = [drivers_from_counts(rows).table.assign(**{PERIOD: name}) for name, rows in counts.groupby(PERIOD)]
        table = pd.concat([drivers_from_counts(counts.head(0)).table.assign(**{PERIOD: ""}), *per_period])
        return Drivers(table[[PERIOD, *COLUMNS]].sort_values(PERIOD, kind="stable").reset_index(drop=True))

    def explain(
        self,
        actor_id: Any,
        *,
        anonymous: bool | None = None,
        catalog: Catalog | None = None,
        period: PeriodName = "current",
    ) -> Explanation:
        """Why ``actor_id`` counts as it does: its journey events and what each matched (or which filter
        failed), every start with its depth, the chosen path, the exclusion, whether it is in progress; in words,
        with ``catalog``'s labels (default: the package's catalog). Compared with the previous period, one
        period's explanation: ``period="previous"`` explains the previous one."""
        from journey_widgets.explain import explain_actor

        with BACKEND_LOCK:
            return explain_actor(self.compiled.period(period), actor_id, anonymous=anonymous, catalog=catalog)

    @cached_property
    def expr(self) -> dict[str, ir.Table]:
        """The Ibis expressions of the funnel, branches and paths tables (one query each, nothing
        computed ahead into temporary tables)."""
        compiled = replace(self.compiled, materialize=False, in_process=False)
        return {"funnel": compiled.funnel(), "branches": compiled.branches(), "paths": compiled.paths()}

    def to_sql(self, dialect: str | None = None, *, table: str = "funnel", **options: Unpack[TableOptions]) -> str:
        """The SQL of one result table (default: the funnel; also ``branches``, ``paths``, ``trend`` with
        ``period``, ``time_histogram`` with ``bins``, ``actors`` with ``stage`` and ``dropped``, as their
        methods take them) for ``dialect`` (default: the backend's, as one query), compiled with that dialect's
        formulations where engines differ; for ClickHouse, Databricks and PostgreSQL, a script whose last
        statement gives the table (see :mod:`journey_widgets.script`)."""
        query = table_query(table, options)
        if dialect is None:
            return _sql(query(replace(self.compiled, materialize=False, in_process=False)), dialect)
        retargeted = compile_journey(self.journey, self.compiled.bound, dialect=dialect)
        retargeted = replace(retargeted, as_of=self.compiled.as_of)
        if dialect in SCRIPTED_SQL:
            return script_sql(retargeted, query)
        return _sql(query(retargeted), dialect)


def _window_us(window: str | timedelta) -> int:
    """A window of the sweep in whole microseconds."""
    duration = parse_duration(window)
    if duration <= timedelta(0):
        raise ArgumentError(f"a window must be positive, got {window!r}")
    return duration // timedelta(microseconds=1)


def _sql(expr: ir.Table, dialect: str | None) -> str:
    try:
        return ibis.to_sql(expr, dialect=dialect)
    except ValueError as exc:
        if not str(exc).startswith("Unknown dialect"):
            raise
        raise ArgumentError(
            f"unknown SQL dialect {dialect!r}: use an Ibis backend or sqlglot dialect name such as "
            "'bigquery', 'snowflake', 'trino', 'postgres' or 'duckdb'"
        ) from None


_NULLABLE_INTEGERS = {
    pa.int8(): pd.Int64Dtype(),
    pa.int16(): pd.Int64Dtype(),
    pa.int32(): pd.Int64Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


#: Engines whose parser takes no query deeper than one period's (SQLite's stack): a comparison's periods run as one
#: query each, over the rows fetched once, and are stacked here.
_PERIODS_APART = frozenset({"sqlite"})


def _computed(compiled: CompiledJourney, table: Callable[[CompiledJourney], ir.Table]) -> pd.DataFrame:
    """``table`` of the journey, executed: one query, or one per period where the engine needs it."""
    if compiled.journey.compare is None or compiled.target not in _PERIODS_APART:
        return _to_pandas(table(compiled))
    parts = [_to_pandas(table(period)).rename(columns={PERIOD: PERIOD_START}) for _, period in compiled.periods]
    names = [name for name, _ in compiled.periods]
    stacked = pd.concat([part.assign(**{PERIOD: name}) for name, part in zip(names, parts, strict=True)])
    return result_frame(pa.Table.from_pandas(stacked[[PERIOD, *parts[0].columns]], preserve_index=False))


def _to_pandas(expr: ir.Table) -> pd.DataFrame:
    """Execute on the backend (a table of paths computed in this process: on this process's own engine) and
    read the result with :func:`result_frame`."""
    if reads_only_local_tables(expr):
        return result_frame(local_engine().to_pyarrow(expr))
    return result_frame(expr.to_pyarrow())


def result_frame(table: pa.Table) -> pd.DataFrame:
    """A result table as pandas, however it was computed (also the output of :meth:`JourneyResult.to_sql`
    run elsewhere): integers stay integers (nullable ``Int64``); path times and trend periods
    (microseconds since the epoch) become UTC timestamps; a funnel compared with its previous period gets its
    statistics (:func:`~journey_widgets.stats.with_period_statistics`)."""
    for index, name in enumerate(table.column_names):
        column = table.column(index)
        if name.startswith("reached_at_") or (name in (PERIOD, PERIOD_START) and pa.types.is_integer(column.type)):
            table = table.set_column(index, name, column.cast(pa.int64()).cast(pa.timestamp("us", tz="UTC")))
    frame = table.to_pandas(types_mapper=_NULLABLE_INTEGERS.get).reset_index(drop=True)
    if {PERIOD, "stage", "conversion_from_start"} <= set(frame.columns):
        return with_period_statistics(frame)
    return frame
