"""Checkpoints: where a backend computes an intermediate table before the rest of the query reads it.

DuckDB and PostgreSQL compute a table that a query reads several times once (a common table
expression); engines that would recompute it for each reader, or whose SQL parsers cannot take the
whole journey as one nested query, get it computed into a temporary table instead.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

#: Called on the intermediate tables that several later steps read.
Checkpoint = Callable[[ir.Table], ir.Table]


def unchanged(table: ir.Table) -> ir.Table:
    """The default :data:`Checkpoint`: the table itself (the engine shares it as a CTE)."""
    return table


def materialized(table: ir.Table) -> ir.Table:
    """A :data:`Checkpoint` computing the table into a temporary table on its backend."""
    return table.cache()
