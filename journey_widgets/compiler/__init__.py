"""Compile a journey on bound events into Ibis expressions (SPEC §5); the backend does the work.

``compile_journey(journey, bound)`` returns a :class:`CompiledJourney` whose methods give the
result tables of SPEC §7 as unexecuted Ibis expressions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import ibis.expr.types as ir

from journey_widgets.binding import BoundEvents
from journey_widgets.compiler import tables
from journey_widgets.compiler.any_order import any_order_paths
from journey_widgets.compiler.breakdown import with_labels
from journey_widgets.compiler.ordered import ordered_paths
from journey_widgets.compiler.paths import Checkpoint, materialized, unchanged
from journey_widgets.compiler.rows import journey_rows
from journey_widgets.compiler.tables import Period
from journey_widgets.model import Journey
from journey_widgets.portable import check_supported


@dataclass(frozen=True)
class CompiledJourney:
    """The journey's Ibis expressions over one events table."""

    journey: Journey
    bound: BoundEvents
    #: Compute the matching rows and the paths into temporary tables (for backends that cannot
    #: take the whole journey as one nested query).
    materialize_paths: bool = False

    @cached_property
    def rows(self) -> ir.Table:
        """Events matching a stage or exclusion, with actor, time and per-stage step columns."""
        return self._checkpoint(journey_rows(self.bound, self.journey))

    @property
    def _checkpoint(self) -> Checkpoint:
        return materialized if self.materialize_paths else unchanged

    @cached_property
    def internal_paths(self) -> ir.Table:
        """One row per actor with a start (internal columns, times in microseconds)."""
        journey, rows = self.journey, self.rows
        if journey.order == "ordered":
            paths = ordered_paths(rows, journey, self._checkpoint)
        else:
            paths = any_order_paths(rows, journey)
        if journey.breakdown is not None:
            paths = with_labels(paths, journey.breakdown.limit)
        return self._checkpoint(paths)

    def funnel(self) -> ir.Table:
        """The funnel table of SPEC §7."""
        return tables.funnel_table(self.internal_paths, self.journey)

    def branches(self) -> ir.Table:
        """The branch table of SPEC §7."""
        return tables.branches_table(self.internal_paths, self.journey)

    def paths(self) -> ir.Table:
        """The paths table of SPEC §7."""
        return tables.public_paths(self.internal_paths, self.journey)

    def trend(self, period: Period = "week") -> ir.Table:
        """Started, completed and conversion per day, week (from Monday) or month of the start, UTC."""
        return tables.trend_table(self.internal_paths, self.journey, period)

    def time_histogram(self, bins: int = 20) -> ir.Table:
        """Binned time from the previous stage per stage (for the distribution chart)."""
        return tables.time_histogram_table(self.internal_paths, self.journey, bins)

    def actors(self, stage: int | str, *, dropped: bool = False) -> ir.Table:
        """Actors who reached ``stage``, or who reached the stage before it and dropped off."""
        return tables.actors_table(self.internal_paths, self.journey, stage, dropped=dropped)


def compile_journey(journey: Journey, bound: BoundEvents, *, materialize_paths: bool = False) -> CompiledJourney:
    """Compile ``journey`` (complete, checked against ``bound``) into Ibis expressions."""
    check_supported(len(journey.check_complete().stages), bound.target)
    return CompiledJourney(journey, bound, materialize_paths)
