"""Names and helpers shared by the ordered and any-order path computations.

A *path table* has one row per actor: the actor keys, ``_jw_depth``, ``_jw_start`` (t1 in
microseconds), ``_jw_r{k}`` (time stage k was reached, microseconds) and ``_jw_br{k}`` (its branch).
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from journey_widgets.binding import ANONYMOUS, CONTACT, VISITOR
from journey_widgets.compiler.rows import ACTOR

ACTOR_COLUMNS = (CONTACT, VISITOR, ANONYMOUS)
DEPTH = "_jw_depth"
START = "_jw_start"


def reached_column(k: int) -> str:
    """Time (microseconds) at which the path reached stage ``k``."""
    return f"_jw_r{k}"


def branch_column(k: int) -> str:
    """Step index (1-based) by which the path reached stage ``k``."""
    return f"_jw_br{k}"


#: Called on intermediate tables of the path computation: unchanged by default; backends whose SQL
#: parser cannot take deeply nested queries (SQLite) compute them into temporary tables.
Checkpoint = Callable[[ir.Table], ir.Table]
#: Stages between two checkpoints within a pass.
CHECKPOINT_EVERY = 3


def unchanged(table: ir.Table) -> ir.Table:
    """The default :data:`Checkpoint`: the table itself."""
    return table


def materialized(table: ir.Table) -> ir.Table:
    """A :data:`Checkpoint` computing the table into a temporary table on its backend."""
    return table.cache()


def actor_window(
    order_by: str | ir.Value | None = None,
    *,
    range: tuple[int | None, int | None] | None = None,
    rows: tuple[int | None, int | None] | None = None,
) -> ibis.Window:
    """A window over one actor's rows, optionally ordered by time with a RANGE or ROWS frame."""
    if order_by is None:
        return ibis.window(group_by=ACTOR)
    return ibis.window(group_by=ACTOR, order_by=order_by, range=range, rows=rows)


def actor_columns(table: ir.Table) -> dict[str, ir.Scalar]:
    """Aggregates carrying the actor's contact, visitor and anonymity through a group by ``_jw_actor``."""
    return {CONTACT: table[CONTACT].max(), VISITOR: table[VISITOR].max(), ANONYMOUS: table[ANONYMOUS].any()}


def per_actor(table: ir.Table, **aggregates: ir.Scalar) -> ir.Table:
    """One row per actor: its ``_jw_actor``, contact, visitor and anonymity, and ``aggregates``."""
    return table.group_by(ACTOR).aggregate(**actor_columns(table), **aggregates)
