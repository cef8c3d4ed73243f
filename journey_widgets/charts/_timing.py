"""Time between stages: median, mean and p90 per transition, and the binned distribution (compared with the
previous period: one small chart per period, and both periods' histograms over the same bins)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import PERIOD, is_compared, period_color
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
    breakdown, one small chart per segment (and compared with the previous period, per period)."""
    title = "Time from the previous stage"
    faceted = "breakdown" in funnel or is_compared(funnel)
    rows = funnel.assign(segment=_facet_labels(funnel)) if faceted else funnel
    rows = rows[rows.stage_index > 1].dropna(subset=["median_seconds_from_previous"])
    if rows.empty:
        return empty_chart(title)
    keys = ["stage_index", "stage", *(["segment"] if faceted else [])]
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
    if not faceted:
        return chart.properties(width=WIDTH, height=40 * len(order), title=alt.Title(title, subtitle=subtitle))
    segments = list(dict.fromkeys(data.segment))
    return chart.properties(width=WIDTH // 2, height=30 * len(order)).facet(
        alt.Facet("segment:N", sort=segments, title=None), columns=2, title=alt.Title(title, subtitle=subtitle)
    )


def _facet_labels(funnel: pd.DataFrame) -> pd.Series:
    """Each row's small chart: its segment, its period, or both."""
    if not is_compared(funnel):
        return segment_labels(funnel)
    periods = funnel[PERIOD].astype(str)
    return segment_labels(funnel).astype(str) + " · " + periods if "breakdown" in funnel else periods


@draws_offline
def time_distribution_chart(histogram: pd.DataFrame) -> AnyChart:
    """Histogram of time from the previous stage per stage, from backend-binned counts; compared with the previous
    period, both periods' bars over the same bins, overlaid."""
    title = "How long each stage took"
    if histogram.empty:
        return empty_chart(title)
    data = histogram.assign(start_hours=histogram.bin_start_seconds / 3600, end_hours=histogram.bin_end_seconds / 3600)
    order = list(dict.fromkeys(data.sort_values("stage_index").stage))
    compared = is_compared(data)
    periods = {"color": period_color(), "opacity": alt.value(0.6)} if compared else {}
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            alt.X("start_hours:Q", bin="binned", title="Hours from the previous stage", scale=alt.Scale(zero=True)),
            alt.X2("end_hours:Q"),
            alt.Y(
                "actors:Q",
                title="Paths",
                scale=alt.Scale(zero=True),
                axis=alt.Axis(format="~s", tickCount=3),
                stack=None if compared else alt.Undefined,  # the periods overlaid, not stacked
            ),
            tooltip=tooltip(
                *([(PERIOD, "Period", None)] if compared else []),
                ("stage", "Stage", None),
                ("start_hours", "From (hours)", ",.1f"),
                ("end_hours", "To (hours)", ",.1f"),
                ("actors", "Paths", COUNT_FORMAT),
            ),
            **periods,
        )
        .properties(width=WIDTH, height=110)
    )
    heading = alt.Title(title, subtitle="Both periods over the same bins") if compared else alt.Title(title)
    return chart.facet(row=alt.Row("stage:N", sort=order, title=None), title=heading).resolve_scale(
        x="independent", y="independent"
    )
