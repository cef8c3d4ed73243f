"""Value suggestions for filters: the most frequent distinct values of a property, bounded; counted among the
events of the filter's step (its event type), so the counts say how many of those events have each value."""

from __future__ import annotations

import contextlib
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from journey_widgets.binding import BoundEvents
from journey_widgets.builder.messages import Suggestion
from journey_widgets.errors import DataBindingError

MAX_SUGGESTIONS = 50
MAX_SEARCH_LENGTH = 200
#: Distinct values a :class:`ValueIndex` keeps per property (the most frequent ones).
MAX_INDEXED = 100_000


def suggest_values(
    bound: BoundEvents, property: str, search: str = "", limit: int = MAX_SUGGESTIONS, *, event: str | None = None
) -> list[Suggestion]:
    """Up to ``limit`` (at most 50) distinct non-null values of ``property`` with their counts,
    most frequent first, optionally only those containing ``search`` (case-insensitive); with ``event``, among
    the events of that type only."""
    counts = _value_counts(bound, property, event)
    if search:  # on the distinct values, not on every row
        needle = ibis.literal(_needle(search), type=dt.string)
        counts = counts.filter(counts.value.lower().contains(needle))
    return _as_suggestions(counts.limit(min(limit, MAX_SUGGESTIONS)).to_pyarrow())


class ValueIndex:
    """Suggestions from each property's value counts, counted on the backend once per property (and event
    type) and then searched in memory, so typing a search runs no query.

    A property with more than :data:`MAX_INDEXED` distinct values keeps its most frequent ones for
    the unfiltered list; its searches go to the backend (:func:`suggest_values`). ``lock`` is taken around
    each query only, so an answer from memory never waits for another query holding it.
    """

    def __init__(self, bound: BoundEvents, lock: contextlib.AbstractContextManager[Any] | None = None) -> None:
        self._bound = bound
        self._lock = lock or contextlib.nullcontext()
        self._counts: dict[tuple[str | None, str], tuple[pa.Table, bool]] = {}

    def suggest(
        self, property: str, search: str = "", limit: int = MAX_SUGGESTIONS, *, event: str | None = None
    ) -> list[Suggestion]:
        """What :func:`suggest_values` returns, from the in-memory counts where they are complete."""
        counts, complete = self._counts_of(property, event)
        if search and not complete:
            with self._lock:
                return suggest_values(self._bound, property, search, limit, event=event)
        if search:
            counts = counts.filter(pc.match_substring(pc.utf8_lower(counts.column("value")), _needle(search)))
        return _as_suggestions(counts.slice(0, min(limit, MAX_SUGGESTIONS)))

    def _counts_of(self, property: str, event: str | None) -> tuple[pa.Table, bool]:
        key = (event, property)
        if key not in self._counts:
            with self._lock:
                counts = _value_counts(self._bound, property, event).limit(MAX_INDEXED + 1).to_pyarrow()
            self._counts[key] = (counts.slice(0, MAX_INDEXED), counts.num_rows <= MAX_INDEXED)
        return self._counts[key]


def _value_counts(bound: BoundEvents, property: str, event: str | None = None) -> ir.Table:
    """Distinct non-null values of ``property`` as text with their counts, most frequent first (among the
    events of type ``event``, when given)."""
    if property not in bound.properties:
        raise DataBindingError(f"unknown property {property!r}: not a property column of the events table")
    column = bound.table[property]
    rows = bound.table.filter(column.notnull())
    if event is not None:
        rows = rows.filter(rows[bound.schema.event_type] == ibis.literal(event, type=dt.string))
    counts = rows.group_by(_jw_raw=column).aggregate(_jw_count=rows.count())
    if not column.type().is_string():  # cast the distinct values, not every row (then merge equal texts)
        as_text = counts.mutate(value=counts._jw_raw.cast(dt.string))
        counts = as_text.group_by("value").aggregate(count=as_text._jw_count.sum())
    else:
        counts = counts.select(value=counts._jw_raw, count=counts._jw_count)
    return counts.order_by([ibis.desc("count"), "value"])


def _needle(search: str) -> str:
    return search[:MAX_SEARCH_LENGTH].lower()


def _as_suggestions(counts: pa.Table) -> list[Suggestion]:
    return [{"value": row["value"], "count": int(row["count"])} for row in counts.to_pylist()]
