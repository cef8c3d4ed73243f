"""The chosen paths (one row per actor, one per stage reached, the excluded actors), and checkpoints:
where a backend computes an intermediate table before the rest of the query reads it.

DuckDB and PostgreSQL compute a table that a query reads several times once (a common table
expression); engines that would recompute it for each reader, or whose SQL parsers cannot take the
whole journey as one nested query, get it computed into a temporary table instead, the way each
engine needs it (:func:`journey_widgets.portable.computed_ahead`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis.expr.types as ir

from journey_widgets.compiler.columns import ACTOR, TIME
from journey_widgets.portable import computed_ahead

#: The stage whose event gives the breakdown value: a stage number, or the path's deepest stage.
AttributedStage = int | Literal["deepest"] | None


@dataclass(frozen=True)
class ChosenPaths:
    """The chosen paths, before exclusions: one row per actor, one row per stage each path reached
    (ordered journeys), and the actors an exclusion removes."""

    #: ``_jw_actor``, ``_jw_depth``, ``_jw_start`` (and ``_jw_breakdown``).
    actors: ir.Table
    #: ``_jw_actor``, ``stage_index``, ``_jw_reached_at``, ``_jw_branch``, ``_jw_gap`` (from the stage
    #: before); None in any order.
    steps: ir.Table | None
    #: ``_jw_actor`` of the excluded paths (None without exclusions).
    excluded: ir.Table | None


def without_excluded(table: ir.Table, excluded: ir.Table | None) -> ir.Table:
    """``table`` less the rows of excluded actors."""
    if excluded is None:
        return table
    return table.anti_join(excluded, table[ACTOR] == excluded[ACTOR])


#: Called on the intermediate tables that several later steps read.
Checkpoint = Callable[[ir.Table], ir.Table]


def unchanged(table: ir.Table) -> ir.Table:
    """The default :data:`Checkpoint`: the table itself (the engine shares it as a CTE)."""
    return table


def materialized(table: ir.Table) -> ir.Table:
    """A :data:`Checkpoint` computing the table into a temporary table on its backend, indexed by actor
    (and time) where the backend needs it (:func:`journey_widgets.portable.computed_ahead`)."""
    index_by = [key for key in (ACTOR, TIME) if key in table.columns] if ACTOR in table.columns else []
    return computed_ahead(table, index_by)
