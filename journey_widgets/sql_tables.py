"""The result tables whose SQL :meth:`JourneyResult.to_sql` writes, and the options each takes.

``to_sql(dialect, table="trend", period="month")``: each table takes the options of its result method
(``trend(period)``, ``time_histogram(bins)``, ``actors(stage, dropped=...)``), and an option given to a table
that does not take it is an error naming the table that does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

from journey_widgets.errors import ArgumentError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from journey_widgets.compiler import CompiledJourney
    from journey_widgets.compiler.tables import Period


class TableOptions(TypedDict, total=False):
    """The options of the tables that take any (each table's default where not given)."""

    #: ``trend``: "day", "week" (default) or "month".
    period: Period
    #: ``time_histogram``: the number of bins (default 20).
    bins: int
    #: ``actors`` (required): the stage, by index (1-based) or name.
    stage: int | str
    #: ``actors``: the actors who reached the stage before and not this one (default False).
    dropped: bool


#: Each result table whose SQL ``to_sql`` writes, and the options it takes.
TABLE_OPTIONS: dict[str, tuple[str, ...]] = {
    "funnel": (),
    "branches": (),
    "paths": (),
    "trend": ("period",),
    "time_histogram": ("bins",),
    "actors": ("stage", "dropped"),
}


def table_query(table: str, options: TableOptions) -> Callable[[CompiledJourney], ir.Table]:
    """The compiled journey's expression of ``table`` with ``options``, once both are checked."""
    if table not in TABLE_OPTIONS:
        raise ArgumentError(f"table must be one of {', '.join(map(repr, TABLE_OPTIONS))}, got {table!r}")
    for option in options:
        if option not in TABLE_OPTIONS[table]:
            raise ArgumentError(f"table={table!r} takes no {option}=: {_owner(option)}")
    if table == "actors" and "stage" not in options:
        raise ArgumentError("table='actors' needs stage= (the stage's index, 1-based, or its name)")
    if "bins" in options:
        check_bins(options["bins"])
    arguments: dict[str, Any] = dict(options)
    return lambda compiled: getattr(compiled, table)(**arguments)


def _owner(option: str) -> str:
    """Which table takes ``option``, in words."""
    for table, names in TABLE_OPTIONS.items():
        if option in names:
            return f"{option}= is an option of table={table!r}"
    return f"no table takes {option}= (the options are {', '.join(f'{o}=' for o in TableOptions.__annotations__)})"


def check_bins(bins: Any) -> None:
    """A histogram's number of bins: a whole number of at least 1."""
    if not isinstance(bins, int) or isinstance(bins, bool) or bins < 1:
        raise ArgumentError(f"bins must be a whole number of at least 1, got {bins!r}")
