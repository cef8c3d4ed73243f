"""Compile a journey on bound events into Ibis expressions (docs/semantics.md); the backend does the work.

``compile_journey(journey, bound)`` returns a :class:`CompiledJourney` whose methods give the
result tables (docs/semantics.md#result-tables) as unexecuted Ibis expressions. The plan, for every backend:

1. **rows** (:mod:`.rows`): the events matching a stage or exclusion, narrowed to actor number, time,
   step indices and flags;
2. **timeline** (:mod:`.timeline`): one row per actor and instant, and one window pass (one sort);
3. **paths** (:mod:`.ordered`, :mod:`.any_order`): one row per actor, by joins into one stage's
   instants at a time;
4. **tables** (:mod:`.tables`): funnel, branches, paths, trend... by aggregation.

A journey compared with its previous period (:mod:`.periods`) compiles as two period compilations that share
the rows, the timeline (or the rows fetched into this process) and ``as_of``; each table is both periods' as one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import Concatenate, ParamSpec

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import BoundEvents
from journey_widgets.compiler import tables
from journey_widgets.compiler.any_order import any_order_paths
from journey_widgets.compiler.breakdown import with_labels
from journey_widgets.compiler.chosen import (
    AttributedStage,
    Checkpoint,
    ChosenPaths,
    materialized,
    unchanged,
    without_excluded,
)
from journey_widgets.compiler.columns import ACTOR, ANONYMOUS, AS_OF, DEPTH, START
from journey_widgets.compiler.drivers import driver_counts
from journey_widgets.compiler.held import best_pairs, latest_over_pairs
from journey_widgets.compiler.in_process import FetchedRows, InProcessPlan, fetch_rows, paths_of
from journey_widgets.compiler.next_events import (
    NO_EVENT,
    ActorEvents,
    events_between_table,
    next_events_table,
)
from journey_widgets.compiler.next_events import OTHER as OTHER_EVENTS
from journey_widgets.compiler.open_windows import as_of_microseconds, latest_starts, with_open_windows
from journey_widgets.compiler.optional import with_optional_stages
from journey_widgets.compiler.ordered import ordered_paths
from journey_widgets.compiler.periods import (
    PERIOD,
    PERIOD_START,
    PERIODS,
    PeriodName,
    SortKeys,
    by_columns,
    label_order,
    period_union,
    shared_histogram,
    with_label_order,
)
from journey_widgets.compiler.rows import JourneyRows, journey_rows, matched_rows, window_us
from journey_widgets.compiler.sweep import (
    evaluated_sweep,
    per_actor,
    public_shortest,
    shortest_windows,
    sweep_table,
    sweeps_in_one_pass,
)
from journey_widgets.compiler.tables import Period
from journey_widgets.compiler.timeline import any_order_timeline, instants, ordered_timeline
from journey_widgets.errors import ArgumentError
from journey_widgets.model import Journey
from journey_widgets.portable import MATERIALIZE_PATHS, PATHS_IN_PROCESS, backend_name

_P = ParamSpec("_P")
_TableMethod = Callable[Concatenate["CompiledJourney", _P], ir.Table]


def _per_period(
    keys: SortKeys, *, labelled: bool = False, renamed: dict[str, str] | None = None
) -> Callable[[_TableMethod[_P]], _TableMethod[_P]]:
    """A table method that, for a journey compared with its previous period, returns both periods' tables as
    one (:func:`.periods.period_union`): sorted by period, then by the breakdown's order where ``labelled``
    (and the journey has a breakdown), then by ``keys``; ``renamed`` renames columns of each period's table."""

    def decorate(method: _TableMethod[_P]) -> _TableMethod[_P]:
        @functools.wraps(method)
        def compared(self: CompiledJourney, *args: _P.args, **kwargs: _P.kwargs) -> ir.Table:
            if self.journey.compare is None:
                return method(self, *args, **kwargs)
            by_label = labelled and self.journey.breakdown is not None
            parts = []
            for name, period in self.periods:
                table = method(period, *args, **kwargs).rename({new: old for old, new in (renamed or {}).items()})
                parts.append((name, with_label_order(table, label_order(period.internal_paths)) if by_label else table))
            return period_union(parts, keys, labelled=by_label)

        return compared

    return decorate


@dataclass(frozen=True)
class CompiledJourney:
    """The journey's Ibis expressions over one events table, for one SQL dialect."""

    journey: Journey
    bound: BoundEvents
    #: The backend or SQL dialect whose formulations are used.
    target: str
    #: Compute the timeline and the paths into temporary tables (engines that would recompute a
    #: table each time the query reads it, or cannot parse the whole journey as one query).
    materialize: bool = False
    #: When the data ends (microseconds since the epoch); None: the latest event time in the table.
    as_of: int | None = None
    #: Replaces the checkpoint that ``materialize`` chooses (a SQL script's temporary tables).
    checkpoint: Checkpoint | None = None
    #: Fetch the journey's rows and compute the paths in this process (:mod:`.in_process`), for an engine
    #: that runs here; the result tables are then queries over those paths.
    in_process: bool = False
    #: The previous period of a comparison: the current period's compilation, whose rows, timeline (or rows
    #: fetched here) and ``as_of`` it shares (docs/semantics.md#comparison-with-the-previous-period).
    shared: CompiledJourney | None = None

    @property
    def _source(self) -> CompiledJourney | None:
        """The compilation whose rows, timeline and ``as_of`` this one reads, if not its own: a comparison's
        current period (no reference cycle, so the engine's cached tables go with the last expression reading
        them)."""
        if self.shared is not None:
            return self.shared
        return self.period("current") if self.journey.compare is not None else None

    @property
    def _checkpoint(self) -> Checkpoint:
        if self.checkpoint is not None:
            return self.checkpoint
        return materialized if self.materialize else unchanged

    @cached_property
    def rows(self) -> JourneyRows:
        """Events matching a stage or exclusion (actor number, time, steps, flags) and the actors."""
        if self._source is not None:
            return self._source.rows
        if self.in_process:
            return self._fetched.rows
        return journey_rows(self.bound, self.journey, self.target)

    @cached_property
    def _fetched(self) -> FetchedRows:
        """The journey's rows fetched into this process (runs a query; once for all the periods)."""
        if self._source is not None:
            return self._source._fetched
        return fetch_rows(matched_rows(self.bound, self.journey, self.target), self.journey, self.target)

    @cached_property
    def _in_process(self) -> InProcessPlan:
        """The paths computed in this process from the rows fetched."""
        return paths_of(self._fetched, self.journey, _attributed_stage(self.journey))

    @cached_property
    def periods(self) -> tuple[tuple[PeriodName, CompiledJourney], ...]:
        """A compared journey's periods, ``current`` then ``previous``: each the journey over its own date range,
        without ``compare``; the previous reads the current's rows, timeline and ``as_of``. Else this journey
        alone."""
        journey = self.journey
        if journey.compare is None:
            return (("current", self),)
        current = replace(self, journey=journey.compared_with_previous_period(False))
        return tuple(zip(PERIODS, (current, replace(self, journey=journey.previous_period(), shared=current))))

    def period(self, name: PeriodName) -> CompiledJourney:
        """One period's compilation (``"current"``: this journey itself when it is not compared)."""
        found = dict(self.periods).get(name)
        if found is None:
            raise ArgumentError(f"period must be one of {', '.join(map(repr, dict(self.periods)))}, got {name!r}")
        return found

    @cached_property
    def timeline(self) -> ir.Table:
        """One row per actor and instant with the columns of the single window pass."""
        if self._source is not None:
            return self._source.timeline
        journey = self.journey
        attributed = _attributed_stage(journey)
        valued: frozenset[int] = frozenset()
        if attributed is not None:
            all_stages = frozenset(range(1, len(journey.stages) + 1))
            valued = frozenset({attributed}) if journey.follows_order and isinstance(attributed, int) else all_stages
        by_instant = instants(self.rows.events, journey, valued)
        if journey.follows_order:
            timeline = ordered_timeline(by_instant, journey)
        else:
            timeline = any_order_timeline(by_instant, journey, self.target)
        return self._checkpoint(timeline)

    @cached_property
    def _chosen(self) -> ChosenPaths:
        journey = self.journey
        attributed = _attributed_stage(journey)
        if self.in_process:
            chosen = self._in_process.chosen
        elif journey.follows_order:
            chosen = ordered_paths(self.timeline, journey, breakdown_stage=attributed, checkpoint=self._checkpoint)
        else:
            chosen = any_order_paths(self.timeline, journey, attributed)
        if journey.hold_constant:
            chosen = best_pairs(chosen, self.rows.actors, journey.required_stages)
        if not self.in_process:  # in process, the optional stages come with the paths
            window = ibis.literal(window_us(journey), type=dt.int64)
            chosen = with_optional_stages(chosen, self.timeline, journey, window, attributed, self._checkpoint)
        return chosen

    @cached_property
    def internal_paths(self) -> ir.Table:
        """One row per actor with a path: ``_jw_actor``, depth, start (microseconds), anonymity, whether
        it is in progress and its path's window open at ``as_of``, and the breakdown label (with
        ``hold_constant``, ``_jw_actor`` numbers the actor's best pair)."""
        paths = without_excluded(self._chosen.actors, self._chosen.excluded)
        paths = paths.mutate(**{ANONYMOUS: paths[ACTOR] < 0})
        if self.journey.breakdown is not None:
            paths = with_labels(paths, self.journey.breakdown.limit)
        latest = self._in_process.latest_starts if self.in_process else latest_starts(self.timeline, self.journey)
        if self.journey.hold_constant:
            latest = latest_over_pairs(latest, self.rows.actors)
        return self._checkpoint(with_open_windows(paths, latest, self._as_of, self.journey))

    @cached_property
    def _as_of(self) -> int | ir.Table:
        """The given ``as_of``, or the events' latest time: a one-row table in the query or, where
        intermediate tables are computed ahead, a number computed ahead too (it keeps their SQL shallow; the
        prepared events of the builder keep it)."""
        if self._source is not None:
            return self._source._as_of
        if self.as_of is not None:
            return self.as_of
        if self.materialize or self.in_process:
            return self.bound.latest_time(self.journey)  # no events: no paths, any time will do
        return self.bound.latest(self.target).name(AS_OF).as_table()

    @cached_property
    def internal_steps(self) -> ir.Table | None:
        """Ordered journeys: one row per actor and stage its path reached, with the actor's columns."""
        steps = self._chosen.steps
        if steps is None:
            return None
        paths = self.internal_paths
        extra = [c for c in paths.columns if c not in (ACTOR, START, DEPTH)]
        actor = paths.select(*extra, _jw_step_actor=paths[ACTOR])
        joined = steps.inner_join(actor, steps[ACTOR] == actor._jw_step_actor).drop("_jw_step_actor")
        return self._checkpoint(joined)

    @_per_period(by_columns("stage_index"), labelled=True)
    def funnel(self) -> ir.Table:
        """The funnel table (docs/semantics.md#result-tables)."""
        return tables.funnel_table(self.internal_paths, self.internal_steps, self.journey)

    @_per_period(by_columns("stage_index", "step_index"), labelled=True)
    def branches(self) -> ir.Table:
        """The branch table (docs/semantics.md#result-tables)."""
        return tables.branches_table(self.internal_paths, self.internal_steps, self.journey)

    @_per_period(by_columns("actor_id", "is_anonymous"))
    def paths(self) -> ir.Table:
        """The paths table (docs/semantics.md#result-tables)."""
        return tables.public_paths(self.internal_paths, self.internal_steps, self.rows.actors, self.journey)

    @_per_period(by_columns(PERIOD_START), labelled=True, renamed={PERIOD: PERIOD_START})
    def trend(self, period: Period = "week") -> ir.Table:
        """Started, completed and conversion per day, week (from Monday) or month of the start, UTC (compared with
        the previous period, the start of the day, week or month is ``period_start``)."""
        return tables.trend_table(self.internal_paths, self.journey, period)

    def time_histogram(self, bins: int = 20) -> ir.Table:
        """Binned time from the previous stage per stage (for the distribution chart); compared with the previous
        period, per period in bins both periods share."""
        if self.journey.compare is None:
            return tables.time_histogram_table(self.internal_steps, self.journey, bins)
        steps = {name: period.internal_steps for name, period in self.periods}
        if len(self.journey.stages) < 2 or None in steps.values():
            raise ArgumentError("time between stages needs an ordered journey with at least two stages")
        names = [stage.name for stage in self.journey.stages]
        return shared_histogram([(n, s) for n, s in steps.items() if s is not None], names, bins)

    @_per_period(by_columns("actor_id", "is_anonymous"))
    def actors(self, stage: int | str, *, dropped: bool = False) -> ir.Table:
        """Actors who reached ``stage``, or who reached the stage before it and did not (in progress or
        dropped off: see the ``in_progress`` column)."""
        return tables.actors_table(self.paths(), self.journey, stage, dropped=dropped)

    @cached_property
    def _shortest(self) -> ir.Table:
        """Per actor (pair) and stage it can reach, the shortest window reaching it (microseconds)."""
        if not sweeps_in_one_pass(self.journey):
            raise ArgumentError("the shortest window per actor needs an ordered (or strict) journey without exclusions")
        return shortest_windows(self.timeline, self.journey)

    @_per_period(by_columns("actor_id", "is_anonymous", "stage_index"))
    def shortest_windows(self) -> ir.Table:
        """Per actor and stage it can reach: the shortest window (``shortest_window_seconds``) reaching it;
        ordered and strict journeys without exclusions (docs/semantics.md#window-sweep)."""
        return public_shortest(self._shortest, self.rows.actors)

    @_per_period(by_columns("stage_index", "window_seconds"))
    def window_sweep(self, windows: Sequence[int]) -> ir.Table:
        """Actors reaching each stage per window (microseconds): ``stage_index``, ``window_seconds``, ``actors``;
        one pass where docs/semantics.md#window-sweep allows it, else the journey evaluated at each window."""
        grid = sorted(set(windows))
        if sweeps_in_one_pass(self.journey):
            shortest = per_actor(self._shortest, self.rows.actors) if self.journey.hold_constant else self._shortest
            return sweep_table(shortest, grid)
        plain = self.journey.model_copy(update={"breakdown": None})
        at_window = [replace(self, journey=plain.within(timedelta(microseconds=w)), shared=None) for w in grid]
        funnels = [(w, compiled.funnel()) for w, compiled in zip(grid, at_window, strict=True)]
        return evaluated_sweep(funnels)

    @_per_period(lambda t: [_merged_last(t.next_event), ibis.desc("actors"), "next_event"])
    def next_events(self, stage: int | str) -> ir.Table:
        """What the actors who dropped off at ``stage`` (windows closed) did next
        (docs/semantics.md#beyond-the-funnel)."""
        k = self._stage_after_start(stage)
        if self.journey.stages[k - 1].optional:
            raise ArgumentError(f"no one drops off at optional stage {k}: paths may skip it")
        return next_events_table(self.internal_paths, self.internal_steps, self._actor_events(), k, self.journey)

    @_per_period(lambda t: [ibis.desc("actors"), "event"])
    def events_between(self, stage: int | str) -> ir.Table:
        """Per event type, how many actors who reached ``stage`` did it between the stage before and it."""
        k = self._stage_after_start(stage)
        return events_between_table(self.internal_paths, self.internal_steps, self._actor_events(), k, self.journey)

    @_per_period(by_columns("kind", "value"))
    def driver_counts(self, properties: Sequence[str] = ()) -> ir.Table:
        """Counts behind the conversion drivers (docs/semantics.md#beyond-the-funnel): per candidate event type or
        start-event property value, actors with it and how many of them converted, and the totals (closed windows
        only)."""
        unknown = [p for p in properties if p not in self.bound.table.columns]
        if unknown:
            raise ArgumentError(f"unknown property {unknown[0]!r}: the events have no such column")
        events = self._actor_events(properties)
        return driver_counts(self.internal_paths, events, self.journey, self.target, properties)

    def _actor_events(self, properties: Sequence[str] = ()) -> ActorEvents:
        """Every event of the actors, with the journey's columns and ``properties``."""
        normalized = self.bound.normalized(self.journey, self.target, properties=properties)
        return ActorEvents(self.rows.actors, normalized, tuple(self.journey.hold_constant))

    def _stage_after_start(self, stage: int | str) -> int:
        if not self.journey.follows_order:
            raise ArgumentError("what actors did between stages needs an ordered journey: any order has no stage times")
        k = tables.stage_index(self.journey, stage)
        if k == 1:
            raise ArgumentError("stage 1 has no stage before it: ask about stage 2 or later")
        return k


def _merged_last(label: ir.StringValue) -> ir.IntegerValue:
    """Next events' order: the event types, then the merged rest, then "no further event"."""
    return ibis.cases((label == NO_EVENT, 2), (label == OTHER_EVENTS, 1), else_=0)


def _attributed_stage(journey: Journey) -> AttributedStage:
    """The stage whose event gives the breakdown value (None without a breakdown)."""
    if journey.breakdown is None:
        return None
    return journey.breakdown.attributed_stage() or "deepest"


def compile_journey(
    journey: Journey,
    bound: BoundEvents,
    *,
    dialect: str | None = None,
    materialize: bool | None = None,
    as_of: datetime | str | None = None,
) -> CompiledJourney:
    """Compile ``journey`` (complete, checked against ``bound``) into Ibis expressions.

    ``dialect`` (default: the events' backend) chooses the formulations where engines differ.
    ``materialize`` (default: what the events' backend needs to execute) computes intermediate
    tables into temporary tables; SQL for another dialect is never materialized. ``as_of`` (a datetime,
    naive meaning UTC, or ISO 8601 text; default: the latest event time in the table) is
    when the data ends, for who is still in progress (docs/semantics.md#in-progress).
    """
    journey.check_complete()
    target = dialect or backend_name(bound.table)
    in_process = dialect is None and target in PATHS_IN_PROCESS
    if materialize is None:  # paths computed here are in-memory tables already
        materialize = dialect is None and target in MATERIALIZE_PATHS and not in_process
    return CompiledJourney(journey, bound, target, materialize, as_of_microseconds(as_of), in_process=in_process)


__all__ = ["CompiledJourney", "Period", "compile_journey"]
