"""Result tables (docs/semantics.md#result-tables) from the chosen paths: funnel, branches, public paths, trend, actors.

They read two internal tables: *paths*, one row per actor (``_jw_actor``, ``_jw_depth``,
``_jw_start``, ``_jw_anonymous``, and the breakdown ``breakdown``/``_jw_order``), and, for ordered
journeys, *steps*, one row per actor and stage its path reached (``stage_index``, ``_jw_reached_at``,
``_jw_branch``, ``_jw_gap``, with the same actor columns).
"""

from __future__ import annotations

from typing import Literal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.compiler.breakdown import LABEL, ORDER
from journey_widgets.compiler.columns import (
    ACTOR,
    ANONYMOUS,
    BRANCH,
    CONTACT,
    DEPTH,
    GAP,
    IN_PROGRESS,
    REACHED_AT,
    START,
    VISITOR,
    WINDOW_OPEN,
    held_column,
    reached_column,
)
from journey_widgets.errors import ArgumentError
from journey_widgets.model import Journey
from journey_widgets.portable import as_int, with_period_start

Period = Literal["day", "week", "month"]
_TRUNCATE_UNIT = {"day": "D", "week": "W", "month": "M"}
_US_PER_SECOND = 1_000_000


def _groups(journey: Journey) -> list[str]:
    return [LABEL, ORDER] if journey.breakdown is not None else []


def funnel_table(paths: ir.Table, steps: ir.Table | None, journey: Journey) -> ir.Table:
    """One row per stage (per breakdown value): counts, conversions, drop-off, time from previous (the nearest
    required stage before: docs/semantics.md#optional-stages)."""
    groups, n_stages = _groups(journey), len(journey.stages)
    grouped = paths.group_by(groups) if groups else paths
    counts = {}
    for k, stage in enumerate(journey.stages, start=1):
        reached = paths[reached_column(k)] if stage.optional else paths[DEPTH] >= k
        counts[_actors(k)] = as_int(reached).sum()
        counts[f"_jw_anonymous{k}"] = as_int(reached & paths[ANONYMOUS]).sum()
        if k > 1 and not stage.optional:
            waiting = (paths[DEPTH] == journey.previous_required(k)) & paths[IN_PROGRESS]
            counts[f"_jw_in_progress{k}"] = as_int(waiting).sum()
    wide = grouped.aggregate(**counts)
    none = ibis.literal(0, type=dt.int64)
    long = ibis.union(
        *[
            wide.select(
                *groups,
                stage_index=ibis.literal(k, type=dt.int64),
                stage=ibis.literal(stage.name, type=dt.string),
                actors=wide[_actors(k)].coalesce(0),
                anonymous_actors=wide[f"_jw_anonymous{k}"].coalesce(0),
                in_progress=_count(wide, f"_jw_in_progress{k}") if f"_jw_in_progress{k}" in counts else none,
                _jw_previous=wide[_actors(journey.previous_required(k) if k > 1 else 1)].coalesce(0),
                _jw_first=wide[_actors(1)].coalesce(0),
                **({"optional": ibis.literal(stage.optional)} if journey.has_optional_stages else {}),
            )
            for k, stage in enumerate(journey.stages, start=1)
        ],
        distinct=False,
    )
    no_seconds = ibis.null(dt.float64)
    if steps is not None and n_stages > 1:
        keys = [ORDER, "stage_index"] if groups else ["stage_index"]
        long = long.left_join(_gap_statistics(steps, groups), keys).drop(*[f"{k}_right" for k in keys])
    else:
        long = long.mutate(
            median_seconds_from_previous=no_seconds,
            mean_seconds_from_previous=no_seconds,
            p90_seconds_from_previous=no_seconds,
        )
    return _with_conversions(long, groups, journey.has_optional_stages)


def _actors(k: int) -> str:
    return f"_jw_actors{k}"


def _count(wide: ir.Table, name: str) -> ir.IntegerValue:
    return wide[name].coalesce(0).cast(dt.int64)


def _gap_statistics(steps: ir.Table, groups: list[str]) -> ir.Table:
    """Per stage k >= 2: mean, median and p90 of the time from stage k-1, the quantiles at rank
    ceil(q n) of the n sorted values (nearest rank: every backend returns the same value)."""
    keys = [*groups[1:], "stage_index"]
    gaps = steps.filter(steps.stage_index >= 2).select(*keys, _jw_gap=steps[GAP])
    partition = ibis.window(group_by=keys, order_by="_jw_gap")
    ranked = gaps.mutate(_jw_rank=ibis.row_number().over(partition) + 1, _jw_n=gaps.count().over(group_by=keys))

    def at_rank(rank: ir.IntegerValue) -> ir.FloatingValue:
        value = ibis.cases((ranked._jw_rank == rank, ranked._jw_gap), else_=ibis.null(dt.int64))
        return value.max().cast(dt.float64) / _US_PER_SECOND

    return ranked.group_by(keys).aggregate(
        median_seconds_from_previous=at_rank((ranked._jw_n + 1) // 2),
        mean_seconds_from_previous=ranked._jw_gap.mean() / _US_PER_SECOND,
        p90_seconds_from_previous=at_rank((ranked._jw_n * 9 + 9) // 10),
    )


def time_histogram_table(steps: ir.Table | None, journey: Journey, bins: int) -> ir.Table:
    """Binned time from the previous stage, per stage: equal-width bins from 0 to the largest gap."""
    if steps is None or len(journey.stages) < 2:
        raise ArgumentError("time between stages needs an ordered journey with at least two stages")
    gaps = steps.filter(steps.stage_index >= 2).select("stage_index", _jw_gap=steps[GAP])
    widest = gaps.group_by("stage_index").aggregate(_jw_max=gaps._jw_gap.max())
    gaps = gaps.inner_join(widest, "stage_index")
    width = (gaps._jw_max // bins + 1).cast(dt.int64)
    binned = gaps.mutate(_jw_bin=gaps._jw_gap // width, _jw_width=width)
    counts = binned.group_by(["stage_index", "_jw_bin", "_jw_width"]).aggregate(actors=binned.count())
    names = ibis.cases(*[(counts.stage_index == k, s.name) for k, s in enumerate(journey.stages, start=1)])
    start = (counts._jw_bin * counts._jw_width).cast(dt.float64) / _US_PER_SECOND
    return counts.select(
        "stage_index",
        stage=names,
        bin_start_seconds=start,
        bin_end_seconds=start + counts._jw_width.cast(dt.float64) / _US_PER_SECOND,
        actors="actors",
    ).order_by(["stage_index", "bin_start_seconds"])


def _with_conversions(long: ir.Table, groups: list[str], optional: bool) -> ir.Table:
    is_first_stage = long.stage_index == 1

    def ratio(numerator: ir.IntegerValue, denominator: ir.IntegerValue) -> ir.FloatingValue:
        return ibis.cases((denominator > 0, numerator.cast(dt.float64) / denominator), else_=ibis.null(dt.float64))

    no_drop = is_first_stage | long.optional if optional else is_first_stage
    funnel = long.mutate(
        conversion_from_previous=ratio(long.actors, long._jw_previous),
        conversion_from_start=ratio(long.actors, long._jw_first),
        dropped_off=ibis.cases((no_drop, 0), else_=long._jw_previous - long.actors - long.in_progress).cast(dt.int64),
    )
    columns = [
        "stage_index",
        "stage",
        "actors",
        "anonymous_actors",
        "conversion_from_previous",
        "conversion_from_start",
        "in_progress",
        "dropped_off",
        "median_seconds_from_previous",
        "mean_seconds_from_previous",
        "p90_seconds_from_previous",
        *(["optional"] if optional else []),
    ]
    return funnel.order_by([*groups[1:], "stage_index"]).select(*groups[:1], *columns)


def branches_table(paths: ir.Table, steps: ir.Table | None, journey: Journey) -> ir.Table:
    """Per stage and step, how many paths reached the stage by that step (ordered journeys; no rows for
    any order)."""
    groups = _groups(journey)
    if steps is None:
        return _no_branches(paths, journey)
    event = ibis.cases(
        *[
            ((steps.stage_index == k) & (steps[BRANCH] == j), ibis.literal(step.event, type=dt.string))
            for k, stage in enumerate(journey.stages, start=1)
            for j, step in enumerate(stage.steps, start=1)
        ],
        else_=ibis.null(dt.string),
    )
    table = steps.group_by(
        [*groups, "stage_index", steps[BRANCH].cast(dt.int64).name("step_index"), event.name("event")]
    )
    table = table.aggregate(actors=steps.count())
    table = table.select(*groups, "stage_index", "step_index", "event", "actors")
    return table.order_by([*groups[1:], "stage_index", "step_index"]).select(*groups[:1], *table.columns[len(groups) :])


def _no_branches(paths: ir.Table, journey: Journey) -> ir.Table:
    """The branch table's columns with no rows, read from the paths (so its SQL reads the user's tables)."""
    labels = {LABEL: paths[LABEL]} if journey.breakdown is not None else {}
    none = paths.filter(ibis.literal(False))
    return none.select(
        **labels,
        stage_index=ibis.literal(0, type=dt.int64),
        step_index=ibis.literal(0, type=dt.int64),
        event=ibis.literal("", type=dt.string),
        actors=ibis.literal(0, type=dt.int64),
    )


def public_paths(paths: ir.Table, steps: ir.Table | None, actors: ir.Table, journey: Journey) -> ir.Table:
    """The paths table (docs/semantics.md#result-tables): actor_id, is_anonymous, (the held properties,) depth,
    in_progress, reached_at_k, branch_k.

    ``reached_at_k`` are microseconds since the epoch (UTC) here, exact on every backend;
    :class:`~journey_widgets.result.JourneyResult` turns them into UTC timestamps.
    """
    n_stages = len(journey.stages)
    keys = actors.select(
        *[held_column(i) for i in range(1, len(journey.hold_constant) + 1)],
        _jw_key_actor=actors[ACTOR],
        _jw_key_contact=actors[CONTACT],
        _jw_key_visitor=actors[VISITOR],
    )
    table = paths.inner_join(keys, paths[ACTOR] == keys._jw_key_actor)
    reached: dict[str, ir.Value] = {f"reached_at_{k}": ibis.null(dt.int64) for k in range(1, n_stages + 1)}
    reached |= {f"branch_{k}": ibis.null(dt.int64) for k in range(1, n_stages + 1)}
    if steps is not None:
        wide = steps.group_by(_jw_wide_actor=steps[ACTOR]).aggregate(
            **{f"reached_at_{k}": at_stage(steps, k, REACHED_AT) for k in range(1, n_stages + 1)},
            **{f"branch_{k}": at_stage(steps, k, BRANCH).cast(dt.int64) for k in range(1, n_stages + 1)},
        )
        table = table.left_join(wide, table[ACTOR] == wide._jw_wide_actor)
        reached = {name: table[name] for name in reached}
    actor_id = ibis.cases((table[ANONYMOUS], table._jw_key_visitor), else_=table._jw_key_contact.cast(dt.string))
    columns: dict[str, ir.Value] = {
        "actor_id": actor_id,
        "is_anonymous": table[ANONYMOUS],
        **{name: table[held_column(i)] for i, name in enumerate(journey.hold_constant, start=1)},
        "depth": table[DEPTH].cast(dt.int64),
        "in_progress": table[IN_PROGRESS],
        **reached,
    }
    if journey.breakdown is not None:
        columns[LABEL] = table[LABEL]
    return table.select(**columns).order_by(["actor_id", "is_anonymous"])


def at_stage(steps: ir.Table, k: int, column: str) -> ir.Value:
    """Per actor (in an aggregation): ``column`` of its stage-k step (null if its path has none)."""
    return ibis.cases((steps.stage_index == k, steps[column]), else_=ibis.null(steps[column].type())).max()


def trend_table(paths: ir.Table, journey: Journey, period: Period) -> ir.Table:
    """Per UTC period of the path start (and breakdown segment): actors started, completed (all stages),
    conversion, and ``complete``: no path starting in it has its window open at ``as_of``
    (docs/semantics.md#in-progress).

    ``period`` is the period's start in microseconds since the epoch (exact on every backend);
    :class:`~journey_widgets.result.JourneyResult` turns it into a UTC timestamp.
    """
    if period not in _TRUNCATE_UNIT:
        raise ArgumentError(f"period must be 'day', 'week' or 'month', got {period!r}")
    groups = _groups(journey)
    dated = with_period_start(paths, START, _TRUNCATE_UNIT[period], "period")
    completed = as_int(dated[DEPTH] == len(journey.stages))
    trend = dated.group_by([*groups, "period"]).aggregate(
        started=dated.count(), completed=completed.sum(), _jw_open=as_int(dated[WINDOW_OPEN]).sum()
    )
    trend = trend.mutate(conversion=trend.completed.cast(dt.float64) / trend.started, complete=trend._jw_open == 0)
    columns = ["period", "started", "completed", "conversion", "complete"]
    return trend.order_by([*groups[1:], "period"]).select(*groups[:1], *columns)


def actors_table(public: ir.Table, journey: Journey, stage: int | str, *, dropped: bool = False) -> ir.Table:
    """Actors of the public paths table who reached ``stage`` (or, with ``dropped``, reached the stage
    before but not it)."""
    index = stage_index(journey, stage)
    if dropped:
        if index == 1:
            raise ArgumentError("no one drops off at stage 1: ask for dropped=True at stage 2 or later")
        if journey.stages[index - 1].optional:
            raise ArgumentError(f"no one drops off at optional stage {index}: paths may skip it")
        return public.filter(public.depth == journey.previous_required(index))
    if journey.stages[index - 1].optional:
        return public.filter(public[f"reached_at_{index}"].notnull())
    return public.filter(public.depth >= index)


def stage_index(journey: Journey, stage: int | str) -> int:
    """The 1-based index of a stage given by index or name."""
    names = [s.name for s in journey.stages]
    if isinstance(stage, str):
        if stage not in names:
            raise ArgumentError(f"no stage named {stage!r}; the stages are {names}")
        return names.index(stage) + 1
    if not isinstance(stage, int) or not 1 <= stage <= len(names):
        raise ArgumentError(f"stage {stage!r} is out of range: the journey has {len(names)} stages (1-based)")
    return stage
