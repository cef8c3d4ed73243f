"""SQL scripts, for the dialects whose one query an engine would copy or misplan
(:data:`~journey_widgets.portable.SCRIPTED_SQL`): one statement per checkpoint of the compiler's plan,
computing it into a temporary table of the session (on PostgreSQL, then indexed by actor and time and
analysed), then the result table's query over them.

Each statement reads at most a couple of stages' joins, so the script grows with the number of stages
rather than as its cube. Run it as one script in one session (the temporary tables are the session's).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from journey_widgets.compiler import CompiledJourney
from journey_widgets.compiler.columns import ACTOR, TIME
from journey_widgets.portable import script_statements

#: Separates the script's statements.
SEPARATOR = ";\n\n"


@dataclass
class _Statements:
    """A checkpoint writing each table it is given as a temporary table (``_jw_1``, ``_jw_2``, ...)."""

    dialect: str
    statements: list[str] = field(default_factory=list)
    tables: int = 0

    def __call__(self, table: ir.Table) -> ir.Table:
        self.tables += 1
        name = f"_jw_{self.tables}"
        index_by = [key for key in (ACTOR, TIME) if key in table.columns] if ACTOR in table.columns else []
        self.statements += script_statements(ibis.to_sql(table, dialect=self.dialect), self.dialect, name, index_by)
        return ibis.table(table.schema(), name=name)


def script_sql(compiled: CompiledJourney, query: Callable[[CompiledJourney], ir.Table]) -> str:
    """The script whose last statement returns ``query``'s table of ``compiled`` (compiled for the script's
    dialect)."""
    statements = _Statements(compiled.target)
    table = query(dataclasses.replace(compiled, checkpoint=statements))
    return SEPARATOR.join(
        [*statements.statements, *script_statements(ibis.to_sql(table, dialect=compiled.target), compiled.target)]
    )
