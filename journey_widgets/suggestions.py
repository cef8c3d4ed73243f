"""Value suggestions for filters: the most frequent distinct values of a property, bounded."""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt

from journey_widgets.binding import BoundEvents
from journey_widgets.errors import DataBindingError

MAX_SUGGESTIONS = 50
MAX_SEARCH_LENGTH = 200


def suggest_values(bound: BoundEvents, property: str, search: str = "", limit: int = MAX_SUGGESTIONS) -> list[dict]:
    """Up to ``limit`` (at most 50) distinct non-null values of ``property`` with their counts,
    most frequent first, optionally only those containing ``search`` (case-insensitive)."""
    if property not in bound.properties:
        raise DataBindingError(f"unknown property {property!r}: not a property column of the events table")
    table = bound.table
    column = table[property]
    rows = table.filter(column.notnull())
    counts = rows.group_by(column.cast(dt.string).name("value")).aggregate(count=rows.count())
    if search:  # on the distinct values, not on every row
        needle = ibis.literal(search[:MAX_SEARCH_LENGTH].lower(), type=dt.string)
        counts = counts.filter(counts.value.lower().contains(needle))
    top = counts.order_by([ibis.desc("count"), "value"]).limit(min(limit, MAX_SUGGESTIONS))
    return [{"value": row["value"], "count": int(row["count"])} for row in top.to_pyarrow().to_pylist()]
