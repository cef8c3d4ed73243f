"""Window sweep (docs/semantics.md#window-sweep): how many actors reach each stage for every window, from one pass.

Without exclusions, the greedy path from a start does not depend on the window: the window only cuts
it. The timeline's ``_jw_next{k}`` do not depend on it either (in strict order too: the very next
instant), so following the states stage by stage with no window, and keeping per (actor, instant) the
*latest* start reaching it, gives each state its smallest τ - s; the smallest over the actor's states
of stage k is its shortest window for stage k. With ``hold_constant`` an actor's shortest window is the
smallest of its pairs'. With exclusions (or in any order) the journey is evaluated at each window.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.columns import (
    ACTOR,
    CONTACT,
    LATEST,
    NEXT,
    SHORTEST,
    STATE_AT,
    TIME,
    VISITOR,
    next_column,
)
from journey_widgets.compiler.ordered import follow_states
from journey_widgets.compiler.rows import window_us
from journey_widgets.compiler.timeline import is_start
from journey_widgets.model import Journey
from journey_widgets.portable import as_int

_US_PER_SECOND = 1_000_000


def sweeps_in_one_pass(journey: Journey) -> bool:
    """The shortest-window pass is exact for this journey (ordered or strict, without exclusions or optional
    stages)."""
    return journey.follows_order and not journey.exclusions and not journey.has_optional_stages


def default_windows(journey: Journey, points: int = 24) -> list[int]:
    """The default grid in microseconds: ``points`` equal steps up to twice the journey's window."""
    window, half = window_us(journey), points // 2
    return sorted({max(1, window * i // half) for i in range(1, points + 1)})


def shortest_windows(timeline: ir.Table, journey: Journey) -> ir.Table:
    """Per actor with a start and stage it can reach: ``_jw_actor``, ``stage_index`` and ``_jw_shortest``,
    the shortest window (microseconds) with which some start's path reaches the stage."""
    n_stages = len(journey.stages)
    starts = timeline.filter(is_start(timeline, journey))
    stage_one = starts.group_by(ACTOR).aggregate(
        stage_index=ibis.literal(1, type=dt.int64), **{SHORTEST: ibis.literal(0, type=dt.int64)}
    )
    parts = [stage_one]
    following = {NEXT: starts[next_column(2)]} if n_stages > 1 else {}
    states = starts.select(ACTOR, **{LATEST: starts[TIME]}, **following)
    for k in range(2, n_stages + 1):
        states = follow_states(states, timeline, k, k + 1 if k < n_stages else None, window=None)
        parts.append(
            states.group_by(ACTOR).aggregate(
                stage_index=ibis.literal(k, type=dt.int64), **{SHORTEST: (states[STATE_AT] - states[LATEST]).min()}
            )
        )
    return ibis.union(*parts, distinct=False)


def per_actor(shortest: ir.Table, pairs: ir.Table) -> ir.Table:
    """With ``hold_constant``: the shortest windows of pairs as those of their actors (the smallest)."""
    keys = pairs.select(_jw_pair=pairs[ACTOR], _jw_contact=pairs[CONTACT], _jw_visitor=pairs[VISITOR])
    joined = shortest.inner_join(keys, shortest[ACTOR] == keys._jw_pair)
    return joined.group_by(["_jw_contact", "_jw_visitor", "stage_index"]).aggregate(
        **{SHORTEST: joined[SHORTEST].min()}
    )


def sweep_table(shortest: ir.Table, windows: Sequence[int]) -> ir.Table:
    """``stage_index``, ``window_seconds``, ``actors``: actors whose shortest window for the stage is at
    most each window (microseconds). Stages nobody reaches have no rows."""
    counts = {
        f"_jw_w{i}": as_int(shortest[SHORTEST] <= ibis.literal(w, type=dt.int64)).sum() for i, w in enumerate(windows)
    }
    wide = shortest.group_by("stage_index").aggregate(**counts)
    long = ibis.union(
        *[
            wide.select("stage_index", window_seconds=_seconds(w), actors=wide[f"_jw_w{i}"].cast(dt.int64))
            for i, w in enumerate(windows)
        ],
        distinct=False,
    )
    return long.order_by(["stage_index", "window_seconds"])


def _seconds(us: int) -> ir.FloatingValue:
    """Microseconds as float seconds (a float literal would be NUMERIC on PostgreSQL)."""
    return ibis.literal(us, type=dt.int64).cast(dt.float64) / _US_PER_SECOND


def evaluated_sweep(funnels: Sequence[tuple[int, ir.Table]]) -> ir.Table:
    """The sweep from one funnel per window (microseconds; funnels without breakdown)."""
    long = ibis.union(
        *[
            funnel.select("stage_index", window_seconds=_seconds(w), actors=funnel.actors.cast(dt.int64))
            for w, funnel in funnels
        ],
        distinct=False,
    )
    return long.order_by(["stage_index", "window_seconds"])


def public_shortest(shortest: ir.Table, pairs: ir.Table) -> ir.Table:
    """Per actor and stage it can reach: ``actor_id``, ``is_anonymous``, ``stage_index`` and
    ``shortest_window_seconds``."""
    table = per_actor(shortest, pairs)
    anonymous = table._jw_contact.isnull()
    return table.select(
        actor_id=ibis.cases((anonymous, table._jw_visitor), else_=table._jw_contact.cast(dt.string)),
        is_anonymous=anonymous,
        stage_index="stage_index",
        shortest_window_seconds=table[SHORTEST].cast(dt.float64) / _US_PER_SECOND,
    ).order_by(["actor_id", "is_anonymous", "stage_index"])
