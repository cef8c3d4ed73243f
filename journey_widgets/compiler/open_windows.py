"""Who is still in progress (docs/semantics.md#in-progress): windows still open when the data ends.

The data ends at ``as_of``: a time the user gives, or the latest event time in the table. An actor
whose depth is below the last stage and whose *latest* start t has t + window > as_of may still
progress: it is in progress, not dropped off. With ``hold_constant`` the actor's starts are those of
its best pair (the pair its path comes from). A trend period is incomplete while the window of a path
start in it is still open.
"""

from __future__ import annotations

import functools
import operator
from datetime import datetime

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import (
    ACTOR,
    AS_OF,
    DEPTH,
    IN_PROGRESS,
    LATEST_ACTOR,
    LATEST_START,
    START,
    TIME,
    WINDOW_OPEN,
    step_column,
)
from journey_widgets.compiler.rows import epoch_us, in_date_range, window_us
from journey_widgets.compiler.timeline import is_start
from journey_widgets.durations import as_utc
from journey_widgets.errors import ArgumentError
from journey_widgets.model import Journey


def as_of_microseconds(as_of: datetime | str | None) -> int | None:
    """``as_of`` (a datetime, naive meaning UTC, or ISO 8601 text) in microseconds since the epoch."""
    if as_of is None:
        return None
    if isinstance(as_of, str):
        try:
            as_of = datetime.fromisoformat(as_of.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ArgumentError(f"as_of {as_of!r} is not an ISO 8601 time (e.g. 2026-03-01T00:00:00Z)") from None
    if not isinstance(as_of, datetime):  # pandas Timestamps are datetimes
        raise ArgumentError(f"as_of must be a datetime or ISO 8601 text, got {type(as_of).__name__}")
    return epoch_us(as_utc(as_of))


def is_any_start(timeline: ir.Table, journey: Journey) -> ir.BooleanValue:
    """The instant is a start: it matches stage 1 (any stage, in any order), in the date range."""
    if journey.follows_order:
        return is_start(timeline, journey)
    matches = [timeline[step_column(k)].notnull() for k in range(1, len(journey.stages) + 1)]
    return functools.reduce(operator.or_, matches) & in_date_range(timeline, journey)


def latest_starts(timeline: ir.Table, journey: Journey) -> ir.Table:
    """The latest start of each actor with one (``_jw_latest_actor``, ``_jw_latest_start``)."""
    started = timeline.filter(is_any_start(timeline, journey))
    return started.group_by(**{LATEST_ACTOR: started[ACTOR]}).aggregate(**{LATEST_START: started[TIME].max()})


def with_open_windows(paths: ir.Table, latest: ir.Table, as_of: int | ir.Table, journey: Journey) -> ir.Table:
    """``paths`` with ``_jw_in_progress`` and ``_jw_window_open`` at ``as_of`` (microseconds, or a one-row
    table of column ``_jw_as_of``: the events' latest time); ``latest`` is :func:`latest_starts`."""
    joined = paths.inner_join(latest, paths[ACTOR] == latest[LATEST_ACTOR])
    if isinstance(as_of, int):
        end: ir.IntegerValue = ibis.literal(as_of, type=dt.int64)
    else:
        joined = joined.cross_join(as_of)
        end = joined[AS_OF]
    window = ibis.literal(window_us(journey), type=dt.int64)
    latest_open = (joined[LATEST_START] + window > end).fill_null(False)
    return joined.select(
        *paths.columns,
        **{
            IN_PROGRESS: (joined[DEPTH] < len(journey.stages)) & latest_open,
            WINDOW_OPEN: (joined[START] + window > end).fill_null(False),
        },
    )
