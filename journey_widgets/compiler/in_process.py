"""The paths computed in this process: the journey's rows fetched once, sorted once, one pass per actor.

The shape of ClickHouse's ``windowFunnel`` and PostHog's ``aggregate_funnel``, for an engine that runs in
this process (DuckDB). The engine filters and stitches the journey's rows and hands them over as Arrow,
sorted by actor and time, with a bit per stage (and per exclusion) that the row matches. Compiled loops
(:mod:`.kernels`) fold each instant's rows into one entry and follow every start's greedy path once; the
chosen paths are then read with numpy: the stage instants by binary search, the branch and breakdown
value from the instant's own rows.

The result is the plan's own tables (:class:`~journey_widgets.compiler.chosen.ChosenPaths`, the rows and
their actors, each actor's latest start) as in-memory tables, so everything after the paths (exclusions
removed, breakdown labels, in progress, the result tables) is the same Ibis code as on every engine. The
semantics are those of docs/semantics.md; ``tests/reference.py`` checks both routes against one plain reading.
"""

from __future__ import annotations

import functools
import operator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journey_widgets.compiler.chosen import AttributedStage, ChosenPaths
from journey_widgets.compiler.columns import (
    ACTOR,
    BRANCH,
    BREAKDOWN,
    CONTACT,
    DEPTH,
    GAP,
    HELD_TEXT,
    LATEST_ACTOR,
    LATEST_START,
    REACHED_AT,
    START,
    TIME,
    VALUE,
    VISITOR,
    exclusion_column,
    held_column,
    reached_column,
    step_column,
)
from journey_widgets.compiler.rows import JourneyRows, epoch_us, held_text, window_us
from journey_widgets.model import Journey

if TYPE_CHECKING:
    from ibis.backends import BaseBackend

#: Per row: bit k-1 set where the row matches stage k (exclusion e), from the engine.
_STAGE_BITS, _EXCLUSION_BITS = "_jw_stage_bits", "_jw_exclusion_bits"
#: No step of the stage matched (step indices are 1..20).
_NO_STEP = np.iinfo(np.int16).max
#: Any order: a stage not found from a start (microseconds, later than any event; times 32 stays in int64).
_NEVER = 2**57


@functools.cache
def local_engine() -> BaseBackend:
    """This process's own DuckDB connection, for the result tables read off paths computed here: they read
    only in-memory tables, so they need no round trip to (or turn on) the events' connection."""
    return ibis.duckdb.connect()


@functools.cache
def _kernels() -> Future[ModuleType]:
    """The compiled loops, loading in a thread of their own (numba's start-up takes about a second in a
    fresh process) while the engine fetches the journey's rows."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journey-widgets-kernels")
    future = executor.submit(_warmed_kernels)
    executor.shutdown(wait=False)
    return future


def _warmed_kernels() -> ModuleType:
    from journey_widgets.compiler import kernels

    kernels.warm_up()
    return kernels


def reads_only_local_tables(table: ir.Table) -> bool:
    """``table`` reads in-memory tables only (no table of a database)."""
    return not table.op().find(ops.DatabaseTable)


@dataclass(frozen=True)
class InProcessPlan:
    """The journey's rows, its chosen paths and each actor's latest start, as in-memory tables."""

    rows: JourneyRows
    chosen: ChosenPaths
    #: ``_jw_latest_actor``, ``_jw_latest_start``: the latest start of each actor (pair) with one.
    latest_starts: ir.Table


@dataclass(frozen=True)
class _Instants:
    """One entry per actor and instant, sorted by (actor, time), and the rows they fold."""

    actor: np.ndarray
    time: np.ndarray
    #: Bit k-1 set where stage k (exclusion e) matches one of the instant's rows.
    stages: np.ndarray
    exclusions: np.ndarray
    #: The instant's rows are ``first_row[i]`` up to ``end_row[i]`` (exclusive) of ``rows``.
    first_row: np.ndarray
    end_row: np.ndarray
    rows: pa.Table

    def of_stage(self, k: int) -> np.ndarray:
        """The instants matching stage ``k``, in order."""
        return np.flatnonzero(self.stages & np.uint32(1 << (k - 1)))

    def of_exclusion(self, e: int) -> np.ndarray:
        return np.flatnonzero(self.exclusions & np.uint32(1 << (e - 1)))


@dataclass(frozen=True)
class FetchedRows:
    """The journey's rows fetched once (one query) and folded into instants: every period of a comparison
    computes its paths from them."""

    rows: JourneyRows
    instants: _Instants


def fetch_rows(matched: ir.Table, journey: Journey, target: str) -> FetchedRows:
    """Fetch ``matched`` (the journey's rows, before the actors are numbered) and fold them into instants."""
    loading = _kernels()
    held = [held_column(i) for i in range(1, len(journey.hold_constant) + 1)]
    table = fetch_query(matched, journey).to_pyarrow()
    kernels = loading.result()
    actor, actors = _numbered_actors(table, held)
    times = _numbers(table, TIME)
    first_row, stages, exclusions = kernels.fold_instants(
        actor, times, _bits(table, _STAGE_BITS), _bits(table, _EXCLUSION_BITS)
    )
    events = table.drop_columns([CONTACT, VISITOR, *held, _STAGE_BITS, _EXCLUSION_BITS])
    actors_table = ibis.memtable(actors)
    if held:
        actors_table = actors_table.mutate(**{HELD_TEXT: held_text(actors_table, held, target)})
    rows = JourneyRows(ibis.memtable(events.add_column(0, ACTOR, pa.array(actor))), actors_table)
    end_row = np.append(first_row[1:], len(table))
    instants = _Instants(actor[first_row], times[first_row], stages, exclusions, first_row, end_row, events)
    return FetchedRows(rows, instants)


def paths_of(fetched: FetchedRows, journey: Journey, attributed: AttributedStage) -> InProcessPlan:
    """The paths of ``journey`` (its own date range: the starts) computed here from rows already fetched."""
    if journey.follows_order:
        chosen, latest = _ordered(fetched.instants, journey, attributed)
    else:
        chosen, latest = _any_order(fetched.instants, journey, attributed)
    return InProcessPlan(fetched.rows, chosen, latest)


# ---------------------------------------------------------------------------------------------- rows
def fetch_query(matched: ir.Table, journey: Journey) -> ir.Table:
    """The one query of the route: the rows sorted by actor (contact, else visitor; with ``hold_constant``,
    the pair) and time, with their stage and exclusion bits."""
    held = [held_column(i) for i in range(1, len(journey.hold_constant) + 1)]
    stage_bits = [
        ibis.cases((matched[step_column(k)].notnull(), 1 << (k - 1)), else_=0)
        for k in range(1, len(journey.stages) + 1)
    ]
    exclusion_bits = [
        ibis.cases((matched[exclusion_column(e)], 1 << (e - 1)), else_=0) for e in range(1, len(journey.exclusions) + 1)
    ]
    keyed = matched.mutate(
        **{
            _STAGE_BITS: functools.reduce(operator.add, stage_bits).cast(dt.int64),
            _EXCLUSION_BITS: functools.reduce(operator.add, exclusion_bits, ibis.literal(0)).cast(dt.int64),
        }
    )
    return keyed.order_by([CONTACT, VISITOR, *held, TIME])


def _numbers(table: pa.Table, name: str) -> np.ndarray:
    """A column without nulls as one numpy array."""
    return table.column(name).to_numpy()


def _bits(table: pa.Table, name: str) -> np.ndarray:
    """A column of bits (sent as a signed integer: not every engine has unsigned types) as uint32."""
    return _numbers(table, name).astype(np.uint32)


def _numbered_actors(table: pa.Table, held: list[str]) -> tuple[np.ndarray, pa.Table]:
    """Number the actors of the sorted rows (with ``hold_constant``: the pairs): contacts from 0 up,
    visitors from -1 down; and the actors table (``_jw_actor``, ``_jw_contact``, ``_jw_visitor``, the
    held values)."""
    new = np.zeros(len(table), bool)
    for name in (CONTACT, VISITOR, *held):
        new |= _changes(table.column(name))
    is_contact = pc.is_valid(table.column(CONTACT)).to_numpy(zero_copy_only=False)
    number = np.where(is_contact, np.cumsum(new & is_contact) - 1, -np.cumsum(new & ~is_contact))
    heads = np.flatnonzero(new)
    actors = table.select([CONTACT, VISITOR, *held]).take(pa.array(heads))
    return number, actors.add_column(0, ACTOR, pa.array(number[heads]))


def _changes(column: pa.ChunkedArray) -> np.ndarray:
    """Per row: its value differs from the row before's (null equal to null); the first row is a change."""
    changed = np.ones(len(column), bool)
    if len(column) > 1:
        later, earlier = column.slice(1), column.slice(0, len(column) - 1)
        differ = pc.fill_null(pc.not_equal(later, earlier), False)
        nullness = pc.not_equal(pc.is_null(later), pc.is_null(earlier))
        changed[1:] = pc.or_(differ, nullness).to_numpy(zero_copy_only=False)
    return changed


def _rows_of(instants: _Instants, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each instant of ``positions`` (all >= 0): row indices, and each one's position index."""
    first = instants.first_row[positions]
    sizes = instants.end_row[positions] - first
    owner = np.repeat(np.arange(len(positions)), sizes)
    offset = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return first[owner] + offset, owner


def _branches_at(instants: _Instants, k: int, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """At each instant of ``positions`` (all matching stage k): the first listed step of stage k its rows
    match; and those rows with their steps and owners."""
    rows, owner = _rows_of(instants, positions)
    steps = instants.rows.column(step_column(k)).take(pa.array(rows)).cast(pa.int16()).fill_null(_NO_STEP)
    steps = steps.to_numpy()
    heads = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
    branch = np.minimum.reduceat(steps, heads) if len(owner) else steps
    return branch, rows[steps == branch[owner]], owner[steps == branch[owner]]


def _values_at(instants: _Instants, k: int, positions: np.ndarray) -> pa.Array:
    """The breakdown value of each path at its stage-k instant (-1: none): the smallest value among the
    instant's rows by its stage-k step; null where there is none."""
    values = pa.nulls(len(positions), pa.string())
    reached = np.flatnonzero(positions >= 0)
    if not len(reached):
        return values
    _, rows, owner = _branches_at(instants, k, positions[reached])
    found = pa.table({"owner": owner, "value": instants.rows.column(VALUE).take(pa.array(rows)).cast(pa.string())})
    smallest = found.group_by("owner").aggregate([("value", "min")])
    at = np.full(len(positions), -1, np.int64)
    at[reached[smallest.column("owner").to_numpy()]] = np.arange(len(smallest))
    return pc.if_else(pa.array(at >= 0), smallest.column("value_min").take(pa.array(np.maximum(at, 0))), values)


# ---------------------------------------------------------------------------------------- the passes
def _starts(instants: _Instants, journey: Journey, stages: range) -> np.ndarray:
    """Per instant: it matches one of ``stages``, in the journey's date range."""
    bits = sum(1 << (k - 1) for k in stages)
    matches = (instants.stages & np.uint32(bits)) != 0
    date_range = journey.date_range
    if date_range is not None and date_range.start is not None:
        matches &= instants.time >= epoch_us(date_range.start)
    if date_range is not None and date_range.end is not None:
        matches &= instants.time < epoch_us(date_range.end)
    return matches


def _actors_next(instants: _Instants, candidates: np.ndarray, after: np.ndarray, *, same_instant: bool) -> np.ndarray:
    """Of the sorted instants ``candidates``, the actor's first one strictly after each instant of ``after``
    (``same_instant``: at or after), else -1."""
    if not len(candidates) or not len(after):
        return np.full(len(after), -1, np.int64)
    j = np.searchsorted(candidates, after, side="left" if same_instant else "right")
    found = candidates[np.minimum(j, len(candidates) - 1)]
    ok = (j < len(candidates)) & (instants.actor[found] == instants.actor[after])
    return np.where(ok, found, -1)


def _actor_count(instants: _Instants) -> int:
    return int(np.count_nonzero(instants.actor[1:] != instants.actor[:-1])) + 1 if len(instants.actor) else 0


def _ordered(instants: _Instants, journey: Journey, attributed: AttributedStage) -> tuple[ChosenPaths, ir.Table]:
    """Ordered and strict journeys: the earliest start among the deepest (the required stages alone decide),
    its path, its optional stages, exclusions, values."""
    from journey_widgets.compiler.kernels import best_ordered_starts

    required = journey.required_stages
    paths, latest = best_ordered_starts(
        instants.actor,
        instants.time,
        _required_bits(instants.stages, required),
        _starts(instants, journey, range(1, 2)),
        len(required),
        window_us(journey),
        journey.order == "strict",
        _actor_count(instants),
    )
    depth = np.array(required, np.int16)[(paths >= 0).sum(axis=1) - 1]
    chosen = paths[:, 0]
    actor, start = instants.actor[chosen], instants.time[chosen]
    positions = [np.full(len(chosen), -1, np.int64) for _ in journey.stages]
    for i, k in enumerate(required):
        positions[k - 1] = paths[:, i]
    _add_optional_stages(instants, journey, positions, start)
    actors = pa.table({ACTOR: actor, DEPTH: depth, START: start})
    for _, optional, _ in journey.optional_gaps():
        for k in optional:
            actors = actors.append_column(reached_column(k), pa.array(positions[k - 1] >= 0))
    if attributed is not None:
        stage_of = np.full(len(chosen), attributed) if isinstance(attributed, int) else depth
        value = pa.nulls(len(chosen), pa.string())
        for k in range(1, len(journey.stages) + 1):
            at = np.where(stage_of == k, positions[k - 1], -1)
            if (at >= 0).any():
                value = pc.if_else(pa.array(at >= 0), _values_at(instants, k, at), value)
        actors = actors.append_column(BREAKDOWN, value)
    steps = []
    for k, position in enumerate(positions, start=1):
        reached = position >= 0
        where = position[reached]
        gap = (
            None
            if k == 1
            else instants.time[where] - instants.time[positions[journey.previous_required(k) - 1][reached]]
        )
        branch, _, _ = _branches_at(instants, k, where)
        steps.append(
            pa.table(
                {
                    ACTOR: actor[reached],
                    "stage_index": np.full(len(where), k, np.int64),
                    REACHED_AT: instants.time[where],
                    BRANCH: branch.astype(np.int16),
                    GAP: pa.nulls(len(where), pa.int64()) if gap is None else gap,
                }
            )
        )
    excluded = _excluded(instants, journey, depth, positions, start, actor)
    chosen_paths = ChosenPaths(ibis.memtable(actors), ibis.memtable(pa.concat_tables(steps)), excluded)
    return chosen_paths, _latest_table(instants, latest)


def _required_bits(stages: np.ndarray, required: list[int]) -> np.ndarray:
    """The instants' stage bits renumbered to the required stages only (bit i-1: the i-th required stage)."""
    if required == list(range(1, len(required) + 1)):
        return stages
    bits = np.zeros_like(stages)
    for i, k in enumerate(required):
        bits |= ((stages >> np.uint32(k - 1)) & np.uint32(1)) << np.uint32(i)
    return bits


def _add_optional_stages(instants: _Instants, journey: Journey, positions: list[np.ndarray], start: np.ndarray) -> None:
    """Fill ``positions`` (each path's instant per stage, -1: not reached) of the optional stages: in each gap
    between required stages r and R, in order, the earliest instant strictly after the gap's previous reached
    stage and strictly before R (R not reached: at or before the window's end; docs/semantics.md#optional-stages)."""
    for r, optional, following in journey.optional_gaps():
        after = positions[r - 1]
        before = positions[following - 1]
        end = np.where(before >= 0, instants.time[np.maximum(before, 0)] - 1, start + window_us(journey))
        for k in optional:
            found = np.full(len(after), -1, np.int64)
            valid = np.flatnonzero(after >= 0)
            candidate = _actors_next(instants, instants.of_stage(k), after[valid], same_instant=False)
            ok = (candidate >= 0) & (instants.time[np.maximum(candidate, 0)] <= end[valid])
            found[valid] = np.where(ok, candidate, -1)
            positions[k - 1] = found
            after = np.where(found >= 0, found, after)


def _excluded(
    instants: _Instants,
    journey: Journey,
    depth: np.ndarray,
    entries: list[np.ndarray],
    start: np.ndarray,
    actor: np.ndarray,
) -> ir.Table | None:
    """The actors whose path has an exclusion event strictly after its i-th entry (ordered: stage i) and at or
    before its j-th (or, with fewer than j entries, the window's end); ``entries[i - 1]`` holds each path's i-th
    instant (-1 past its depth)."""
    if not journey.exclusions:
        return None
    end = start + window_us(journey)
    hit = np.zeros(len(actor), bool)
    for e, exclusion in enumerate(journey.exclusions, start=1):
        i, j = exclusion.between
        after = np.where(depth >= i, entries[i - 1], -1)
        until = np.where(depth >= j, instants.time[np.maximum(entries[j - 1], 0)], end)
        hit |= _exclusion_within(instants, e, after, until)
    return ibis.memtable(pa.table({ACTOR: actor[hit]}))


def _exclusion_within(instants: _Instants, e: int, after: np.ndarray, until: np.ndarray) -> np.ndarray:
    """An instant of exclusion ``e`` strictly after ``after`` (an instant; -1: none) and at or before
    ``until`` (microseconds)."""
    hit = np.zeros(len(after), bool)
    valid = np.flatnonzero(after >= 0)
    found = _actors_next(instants, instants.of_exclusion(e), after[valid], same_instant=False)
    hit[valid] = (found >= 0) & (instants.time[np.maximum(found, 0)] <= until[valid])
    return hit


def _any_order(instants: _Instants, journey: Journey, attributed: AttributedStage) -> tuple[ChosenPaths, ir.Table]:
    """Any order: the most distinct stages within one window of a start; the earliest start reaching them."""
    from journey_widgets.compiler.kernels import best_any_order_starts

    n_stages = len(journey.stages)
    chosen, latest = best_any_order_starts(
        instants.actor,
        instants.time,
        instants.stages,
        _starts(instants, journey, range(1, n_stages + 1)),
        n_stages,
        window_us(journey),
    )
    firsts = np.array([_first_within(instants, journey, k, chosen) for k in range(1, n_stages + 1)])
    firsts = firsts.reshape(n_stages, len(chosen))
    depth = (firsts >= 0).sum(axis=0)
    actor, start = instants.actor[chosen], instants.time[chosen]
    actors = pa.table({ACTOR: actor, DEPTH: depth.astype(np.int16), START: start})
    # the path's entries: the stages found, in time order, then stage number
    times = np.where(firsts >= 0, instants.time[np.maximum(firsts, 0)], _NEVER)
    ranked = np.argsort(times * 32 + np.arange(1, n_stages + 1)[:, None], axis=0, kind="stable")
    entries = np.take_along_axis(firsts, ranked, axis=0)  # the i-th entry's instant (-1 past the depth)
    if attributed is not None:
        actors = actors.append_column(
            BREAKDOWN, _any_order_values(instants, journey, attributed, chosen, firsts, ranked)
        )
    excluded = _excluded(instants, journey, depth, list(entries), start, actor)
    return ChosenPaths(ibis.memtable(actors), None, excluded), _latest_table(instants, latest)


def _first_within(instants: _Instants, journey: Journey, k: int, starts: np.ndarray) -> np.ndarray:
    """The actor's first stage-k instant in [t, t + window] of each start t, else -1."""
    found = _actors_next(instants, instants.of_stage(k), starts, same_instant=True)
    ok = found >= 0
    ok[ok] &= instants.time[found[ok]] <= instants.time[starts[ok]] + window_us(journey)
    return np.where(ok, found, -1)


def _any_order_values(
    instants: _Instants,
    journey: Journey,
    attributed: AttributedStage,
    chosen: np.ndarray,
    firsts: np.ndarray,
    ranked: np.ndarray,
) -> pa.Array:
    """Any order's breakdown value: at the first touch, of the start instant's first listed stage; else of
    the attributed stage's entry, or of the path's last entry (latest time, then highest stage)."""
    n_stages = len(journey.stages)
    if journey.breakdown is not None and journey.breakdown.attribution == "first_touch":
        lowest = instants.stages[chosen] & (~instants.stages[chosen] + np.uint32(1))  # the lowest set bit
        stage_of = np.log2(np.maximum(lowest, 1)).astype(np.int64) + 1
        at = [np.where(stage_of == k, chosen, -1) for k in range(1, n_stages + 1)]
    else:
        if isinstance(attributed, int):
            stage_of = np.full(len(chosen), attributed)
        else:
            last = np.maximum((firsts >= 0).sum(axis=0) - 1, 0)
            stage_of = np.take_along_axis(ranked, last[None, :], axis=0)[0] + 1
        at = [np.where(stage_of == k, firsts[k - 1], -1) for k in range(1, n_stages + 1)]
    value = pa.nulls(len(chosen), pa.string())
    for k, positions in enumerate(at, start=1):
        if (positions >= 0).any():
            value = pc.if_else(pa.array(positions >= 0), _values_at(instants, k, positions), value)
    return value


def _latest_table(instants: _Instants, latest: np.ndarray) -> ir.Table:
    return ibis.memtable(pa.table({LATEST_ACTOR: instants.actor[latest], LATEST_START: instants.time[latest]}))
