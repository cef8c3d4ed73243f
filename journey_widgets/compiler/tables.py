"""Result tables of SPEC §7 from a path table: funnel, branches, public paths, trend, actors."""

from __future__ import annotations

from typing import Literal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from journey_widgets.binding import ANONYMOUS, CONTACT, VISITOR
from journey_widgets.compiler.breakdown import LABEL, ORDER
from journey_widgets.compiler.paths import DEPTH, START, branch_column, reached_column
from journey_widgets.errors import ArgumentError
from journey_widgets.model import Journey
from journey_widgets.portable import as_int, with_period_start

Period = Literal["day", "week", "month"]
_TRUNCATE_UNIT = {"day": "D", "week": "W", "month": "M"}
_US_PER_SECOND = 1_000_000


def _groups(journey: Journey) -> list[str]:
    return [LABEL, ORDER] if journey.breakdown is not None else []


def _gap_us(paths: ir.Table, k: int) -> ir.IntegerValue:
    """Microseconds from stage k-1 to stage k on the path."""
    return paths[reached_column(k)] - paths[reached_column(k - 1)]


def funnel_table(paths: ir.Table, journey: Journey) -> ir.Table:
    """One row per stage (per breakdown value): counts, conversions, drop-off, time from previous."""
    groups, n_stages, ordered = _groups(journey), len(journey.stages), journey.order == "ordered"
    grouped = paths.group_by(groups) if groups else paths
    counts = {}
    for k in range(1, n_stages + 1):
        reached = paths[DEPTH] >= k
        counts[f"_jw_a{k}"] = as_int(reached).sum()
        counts[f"_jw_an{k}"] = as_int(reached & paths[ANONYMOUS]).sum()
        if ordered and k > 1:
            counts[f"_jw_m{k}"] = _gap_us(paths, k).mean()
    wide = grouped.aggregate(**counts)
    no_seconds = ibis.null(dt.float64)
    long = ibis.union(
        *[
            wide.select(
                *groups,
                stage_index=ibis.literal(k, type=dt.int64),
                stage=ibis.literal(stage.name, type=dt.string),
                actors=wide[f"_jw_a{k}"].coalesce(0),
                anonymous_actors=wide[f"_jw_an{k}"].coalesce(0),
                mean_seconds_from_previous=(
                    wide[f"_jw_m{k}"] / _US_PER_SECOND if f"_jw_m{k}" in wide.columns else no_seconds
                ),
            )
            for k, stage in enumerate(journey.stages, start=1)
        ],
        distinct=False,
    )
    if ordered and n_stages > 1:
        quantiles = _nearest_rank_quantiles(paths, journey)
        keys = [ORDER, "stage_index"] if groups else ["stage_index"]
        long = long.left_join(quantiles, keys).drop(*[f"{k}_right" for k in keys])
    else:
        long = long.mutate(median_seconds_from_previous=no_seconds, p90_seconds_from_previous=no_seconds)
    return _with_conversions(long, groups)


def _nearest_rank_quantiles(paths: ir.Table, journey: Journey) -> ir.Table:
    """Median and p90 of the gaps: the value at rank ceil(q n) of the n sorted values (SPEC §5)."""
    groups = [ORDER] if journey.breakdown is not None else []
    gaps = _gaps(paths, journey, groups)
    partition = ibis.window(group_by=[*groups, "stage_index"], order_by="_jw_gap")
    whole = ibis.window(group_by=[*groups, "stage_index"])
    ranked = gaps.mutate(_jw_rank=ibis.row_number().over(partition) + 1, _jw_n=gaps.count().over(whole))

    def at_rank(rank: ir.IntegerValue) -> ir.FloatingValue:
        value = ibis.cases((ranked._jw_rank == rank, ranked._jw_gap), else_=ibis.null(dt.int64))
        return value.max().cast(dt.float64) / _US_PER_SECOND

    return ranked.group_by([*groups, "stage_index"]).aggregate(
        median_seconds_from_previous=at_rank((ranked._jw_n + 1) // 2),
        p90_seconds_from_previous=at_rank((ranked._jw_n * 9 + 9) // 10),
    )


def _gaps(paths: ir.Table, journey: Journey, groups: list[str]) -> ir.Table:
    """One row per path and stage k >= 2 it reached: ``_jw_gap``, microseconds from stage k-1."""
    return ibis.union(
        *[
            paths.filter(paths[DEPTH] >= k).select(
                *groups, stage_index=ibis.literal(k, type=dt.int64), _jw_gap=_gap_us(paths, k)
            )
            for k in range(2, len(journey.stages) + 1)
        ],
        distinct=False,
    )


def time_histogram_table(paths: ir.Table, journey: Journey, bins: int) -> ir.Table:
    """Binned time from the previous stage, per stage: equal-width bins from 0 to the largest gap."""
    if journey.order != "ordered" or len(journey.stages) < 2:
        raise ArgumentError("time between stages needs an ordered journey with at least two stages")
    gaps = _gaps(paths, journey, [])
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


def _with_conversions(long: ir.Table, groups: list[str]) -> ir.Table:
    order = ibis.window(group_by=groups[1:] or None, order_by="stage_index")
    previous = long.actors.lag().over(order)
    first = long.actors.first().over(order)
    is_first_stage = long.stage_index == 1

    def ratio(numerator: ir.IntegerValue, denominator: ir.IntegerValue) -> ir.FloatingValue:
        return ibis.cases((denominator > 0, numerator.cast(dt.float64) / denominator), else_=ibis.null(dt.float64))

    funnel = long.mutate(
        conversion_from_previous=ibis.cases(
            (is_first_stage, ratio(long.actors, long.actors)), else_=ratio(long.actors, previous)
        ),
        conversion_from_start=ratio(long.actors, first),
        dropped_off=ibis.cases((is_first_stage, 0), else_=previous - long.actors).cast(dt.int64),
    )
    columns = [
        "stage_index",
        "stage",
        "actors",
        "anonymous_actors",
        "conversion_from_previous",
        "conversion_from_start",
        "dropped_off",
        "median_seconds_from_previous",
        "mean_seconds_from_previous",
        "p90_seconds_from_previous",
    ]
    return funnel.order_by([*groups[1:], "stage_index"]).select(*groups[:1], *columns)


def branches_table(paths: ir.Table, journey: Journey) -> ir.Table:
    """Per stage and step, how many paths reached the stage by that step (ordered journeys)."""
    groups = _groups(journey)
    parts = []
    for k, stage in enumerate(journey.stages, start=1):
        step = paths[branch_column(k)]
        event = ibis.cases(
            *[(step == j, ibis.literal(s.event, type=dt.string)) for j, s in enumerate(stage.steps, start=1)],
            else_=ibis.null(dt.string),
        )
        reached = paths.filter(paths[DEPTH] >= k, step.notnull())
        parts.append(
            reached.group_by([*groups, step.cast(dt.int64).name("step_index"), event.name("event")])
            .aggregate(actors=reached.count())
            .mutate(stage_index=ibis.literal(k, type=dt.int64))
        )
    table = ibis.union(*parts, distinct=False)
    table = table.select(*groups, "stage_index", "step_index", "event", "actors")
    return table.order_by([*groups[1:], "stage_index", "step_index"]).select(*groups[:1], *table.columns[len(groups) :])


def public_paths(paths: ir.Table, journey: Journey) -> ir.Table:
    """The paths table of SPEC §7: actor_id, is_anonymous, depth, reached_at_k, branch_k.

    ``reached_at_k`` are microseconds since the epoch (UTC) here, exact on every backend;
    :class:`~journey_widgets.result.JourneyResult` turns them into UTC timestamps.
    """
    actor_id = ibis.cases((paths[ANONYMOUS], paths[VISITOR]), else_=paths[CONTACT].cast(dt.string))
    columns: dict[str, ir.Value] = {
        "actor_id": actor_id,
        "is_anonymous": paths[ANONYMOUS],
        "depth": paths[DEPTH].cast(dt.int64),
    }
    for k in range(1, len(journey.stages) + 1):
        columns[f"reached_at_{k}"] = paths[reached_column(k)]
    for k in range(1, len(journey.stages) + 1):
        columns[f"branch_{k}"] = paths[branch_column(k)].cast(dt.int64)
    if journey.breakdown is not None:
        columns[LABEL] = paths[LABEL]
    table = paths.select(**columns)
    return table.order_by(["actor_id", "is_anonymous"])


def trend_table(paths: ir.Table, journey: Journey, period: Period) -> ir.Table:
    """Per UTC period of the path start: actors started, completed (all stages), conversion.

    ``period`` is the period's start in microseconds since the epoch (exact on every backend);
    :class:`~journey_widgets.result.JourneyResult` turns it into a UTC timestamp.
    """
    if period not in _TRUNCATE_UNIT:
        raise ArgumentError(f"period must be 'day', 'week' or 'month', got {period!r}")
    dated = with_period_start(paths, START, _TRUNCATE_UNIT[period], "period")
    completed = as_int(dated[DEPTH] == len(journey.stages))
    trend = dated.group_by("period").aggregate(started=dated.count(), completed=completed.sum())
    trend = trend.mutate(conversion=trend.completed.cast(dt.float64) / trend.started)
    return trend.order_by("period")


def actors_table(paths: ir.Table, journey: Journey, stage: int | str, *, dropped: bool = False) -> ir.Table:
    """Actors who reached ``stage`` (or, with ``dropped``, reached the stage before but not it)."""
    index = stage_index(journey, stage)
    public = public_paths(paths, journey)
    if dropped:
        if index == 1:
            raise ArgumentError("no one drops off at stage 1: ask for dropped=True at stage 2 or later")
        return public.filter(public.depth == index - 1)
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
