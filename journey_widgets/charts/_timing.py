"""Time between stages: median, mean and p90 per transition, and the binned distribution."""

from __future__ import annotations

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._theme import (
    COUNT_FORMAT,
    SECONDS_FORMAT,
    WIDTH,
    AnyChart,
    duration,
    empty_chart,
    segment_labels,
    tooltip,
)

_STATISTICS = {
    "median_seconds_from_previous": "Median",
    "mean_seconds_from_previous": "Mean",
    "p90_seconds_from_previous": "90th percentile",
}


@draws_offline
def time_between_stages_chart(funnel: pd.DataFrame) -> AnyChart:
    """Median, mean and p90 time from the previous stage, one row per transition (hours); with a
    breakdown, one small chart per segment."""
    title = "Time from the previous stage"
    rows = funnel.assign(segment=segment_labels(funnel)) if "breakdown" in funnel else funnel
    rows = rows[rows.stage_index > 1].dropna(subset=["median_seconds_from_previous"])
    if rows.empty:
        return empty_chart(title)
    keys = ["stage_index", "stage", *(["segment"] if "breakdown" in funnel else [])]
    data = rows.melt(id_vars=keys, value_vars=list(_STATISTICS), var_name="statistic", value_name="seconds")
    data["statistic"] = data.statistic.map(_STATISTICS)
    data["hours"] = data.seconds / 3600
    data["readable"] = data.seconds.map(duration)
    order = list(dict.fromkeys(data.sort_values("stage_index").stage))
    subtitle = "Line: median to 90th percentile; dots per statistic"
    base = alt.Chart(data)
    stage = alt.Y("stage:N", sort=order, title=None)
    span = (
        base.transform_filter(alt.datum.statistic != "Mean")
        .mark_line(color="#999")
        .encode(
            stage, alt.X("hours:Q", title="Hours from the previous stage", scale=alt.Scale(zero=True)), detail="stage:N"
        )
    )
    dots = base.mark_point(filled=True, size=90).encode(
        stage,
        alt.X("hours:Q"),
        color=alt.Color("statistic:N", title=None, sort=list(_STATISTICS.values())),
        tooltip=tooltip(
            ("stage", "Stage", None),
            ("statistic", "Statistic", None),
            ("readable", "Time", None),
            ("seconds", "Seconds", SECONDS_FORMAT),
        ),
    )
    chart = alt.layer(span, dots)
    if "breakdown" not in funnel:
        return chart.properties(width=WIDTH, height=40 * len(order), title=alt.Title(title, subtitle=subtitle))
    segments = list(dict.fromkeys(data.segment))
    return chart.properties(width=WIDTH // 2, height=30 * len(order)).facet(
        alt.Facet("segment:N", sort=segments, title=None), columns=2, title=alt.Title(title, subtitle=subtitle)
    )


@draws_offline
def time_distribution_chart(histogram: pd.DataFrame) -> AnyChart:
    """Histogram of time from the previous stage per stage, from backend-binned counts."""
    title = "How long each stage took"
    if histogram.empty:
        return empty_chart(title)
    data = histogram.assign(start_hours=histogram.bin_start_seconds / 3600, end_hours=histogram.bin_end_seconds / 3600)
    order = list(dict.fromkeys(data.sort_values("stage_index").stage))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            alt.X("start_hours:Q", bin="binned", title="Hours from the previous stage", scale=alt.Scale(zero=True)),
            alt.X2("end_hours:Q"),
            alt.Y("actors:Q", title="Paths", scale=alt.Scale(zero=True), axis=alt.Axis(format="~s", tickCount=3)),
            tooltip=tooltip(
                ("stage", "Stage", None),
                ("start_hours", "From (hours)", ",.1f"),
                ("end_hours", "To (hours)", ",.1f"),
                ("actors", "Paths", COUNT_FORMAT),
            ),
        )
        .properties(width=WIDTH, height=110)
    )
    return chart.facet(row=alt.Row("stage:N", sort=order, title=None), title=title).resolve_scale(
        x="independent", y="independent"
    )
