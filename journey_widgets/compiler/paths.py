"""The chosen paths, and checkpoints: where a backend computes an intermediate table before the rest
of the query reads it.

DuckDB and PostgreSQL compute a table that a query reads several times once (a common table
expression); engines that would recompute it for each reader, or whose SQL parsers cannot take the
whole journey as one nested query, get it computed into a temporary table instead.

Spark is given a *local checkpoint* rather than Ibis' ``cache()``: a cached Spark view keeps the
plan that made it, so every later query would be analysed with the plans of all the checkpoints
before it (the analyser of a 20-stage journey runs out of memory); a checkpoint cuts that lineage.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis.expr.types as ir
import sqlglot as sg
from ibis import util

from journey_widgets.compiler.columns import ACTOR, TIME

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
    """A :data:`Checkpoint` computing the table into a temporary table on its backend.

    On SQLite the table is also indexed by actor (and time): its joins are nested loops otherwise.
    """
    if table.get_backend().name == "pyspark":
        return _spark_checkpoint(table)
    cached = table.cache()
    backend = cached.get_backend()
    if backend.name == "postgres":  # the planner's statistics of the new table, for the next step's joins
        backend.raw_sql(f"ANALYZE {sg.to_identifier(cached.op().name, quoted=True).sql('postgres')}").close()
    if backend.name == "sqlite" and ACTOR in cached.columns:
        name = cached.op().name
        keys = [ACTOR, TIME] if TIME in cached.columns else [ACTOR]
        quoted = ", ".join(sg.to_identifier(key, quoted=True).sql("sqlite") for key in keys)
        table_name = sg.to_identifier(name, quoted=True).sql("sqlite")
        index_name = sg.to_identifier(f"{name}_actor", quoted=True).sql("sqlite")
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
