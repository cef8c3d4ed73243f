"""Results of a journey run: DataFrames on demand, plus the Ibis expressions and their SQL."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from journey_widgets.binding import BoundEvents, EventSchema, bind_events
from journey_widgets.compiler import CompiledJourney, compile_journey
from journey_widgets.compiler.tables import Period
from journey_widgets.errors import ArgumentError
from journey_widgets.portable import MATERIALIZE_PATHS

if TYPE_CHECKING:
    from journey_widgets.catalog import Catalog
    from journey_widgets.model import Journey


#: The result tables whose SQL :meth:`JourneyResult.to_sql` writes.
TABLES = ("funnel", "branches", "paths")


@dataclass
class JourneyResult:
    """A journey bound to events. Tables are computed by the backend when first read, then cached."""

    compiled: CompiledJourney
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
    ) -> JourneyResult:
        """Check ``events`` against the journey and compile it (queries run lazily)."""
        journey.check_complete()
        bound = (
            events
            if isinstance(events, BoundEvents)
            else bind_events(events, journey, identity=identity, schema=schema, catalog=catalog)
        )
        return cls(compile_journey(journey, bound))

    @property
    def journey(self) -> Journey:
        return self.compiled.journey

    @cached_property
    def _executed(self) -> CompiledJourney:
        """What runs: the compiled journey, with its paths in a temporary table where the backend needs it."""
        compiled = self.compiled
        if compiled.bound.target not in MATERIALIZE_PATHS:
            return compiled
        return compile_journey(compiled.journey, compiled.bound, materialize_paths=True)

    def _execute(self, key: str, expr: ir.Table) -> pd.DataFrame:
        if key not in self._cache:
            self._cache[key] = _to_pandas(expr)
        return self._cache[key]

    @property
    def funnel(self) -> pd.DataFrame:
        """The funnel table (SPEC §7)."""
        return self._execute("funnel", self._executed.funnel())

    @property
    def branches(self) -> pd.DataFrame:
        """The branch table (SPEC §7)."""
        return self._execute("branches", self._executed.branches())

    @property
    def paths(self) -> pd.DataFrame:
        """The paths table (SPEC §7): one row per actor."""
        return self._execute("paths", self._executed.paths())

    def trend(self, period: Period = "week") -> pd.DataFrame:
        """Started, completed and conversion per ``period`` ("day", "week", "month") of the start."""
        return self._execute(f"trend-{period}", self._executed.trend(period))

    def time_histogram(self, bins: int = 20) -> pd.DataFrame:
        """Binned time from the previous stage (computed on the backend), per stage."""
        if not isinstance(bins, int) or isinstance(bins, bool) or bins < 1:
            raise ArgumentError(f"bins must be a whole number of at least 1, got {bins!r}")
        return self._execute(f"histogram-{bins}", self._executed.time_histogram(bins))

    def actors(self, stage: int | str, *, dropped: bool = False) -> pd.DataFrame:
        """Actors who reached ``stage`` (by index or name), or dropped off just before it."""
        return _to_pandas(self._executed.actors(stage, dropped=dropped))

    @cached_property
    def expr(self) -> dict[str, ir.Table]:
        """The Ibis expressions of the funnel, branches and paths tables."""
        return {"funnel": self.compiled.funnel(), "branches": self.compiled.branches(), "paths": self.compiled.paths()}

    def to_sql(self, dialect: str | None = None, *, table: str = "funnel") -> str:
        """The SQL of one result table (default: the funnel) for ``dialect`` (default: the backend's),
        compiled with that dialect's formulations where engines differ."""
        if table not in TABLES:
            raise ArgumentError(f"table must be one of {', '.join(map(repr, TABLES))}, got {table!r}")
        if dialect is None or dialect == self.compiled.bound.target:
            return _sql(self.expr[table], dialect)
        retargeted = compile_journey(self.journey, dataclasses.replace(self.compiled.bound, dialect=dialect))
        return _sql(getattr(retargeted, table)(), dialect)


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


def _to_pandas(expr: ir.Table) -> pd.DataFrame:
    """Execute on the backend; integers stay integers (nullable ``Int64``) in pandas; path times and
    trend periods (microseconds since the epoch) become UTC timestamps."""
    table = expr.to_pyarrow()
    for index, name in enumerate(table.column_names):
        if name.startswith("reached_at_") or name == "period":
            times = table.column(index).cast(pa.int64()).cast(pa.timestamp("us", tz="UTC"))
            table = table.set_column(index, name, times)
    return table.to_pandas(types_mapper=_NULLABLE_INTEGERS.get).reset_index(drop=True)
