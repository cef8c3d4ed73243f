"""Trend: conversion from start per period as a line, stage-1 volume as bars behind it; with a
breakdown, one line per segment above the number started per segment. Incomplete periods (a window
still open when the data ends, ``complete`` false) are drawn lighter, with a note: their conversion
can still rise. Compared with the previous period, one line per period (per segment and period with a breakdown)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import PERIOD, is_compared, period_color
from journey_widgets.charts._theme import (
    COUNT_FORMAT,
    DROPPED,
    PALETTE,
    SHARE_FORMAT,
    WIDTH,
    AnyChart,
    empty_chart,
    segment_color,
    segment_labels,
    tooltip,
)

_TOOLTIP = (
    ("period", "Period", None),
    ("started", "Started", COUNT_FORMAT),
    ("completed", "Completed", COUNT_FORMAT),
    ("conversion", "Conversion", SHARE_FORMAT),
    ("complete", "Complete (every window closed)", None),
)
INCOMPLETE_NOTE = "Lighter: periods with windows still open when the data ends; their conversion can still rise"


@draws_offline
def trend_chart(trend: pd.DataFrame) -> AnyChart:
    """Conversion (completed / started) per period, with the number started as context; compared with the previous
    period (``period`` says which, ``period_start`` is the time), both periods' lines."""
    title = "Conversion over time"
    if trend.empty:
        return empty_chart(title)
    compared = is_compared(trend)
    if compared:  # the time axis reads ``period``: the comparison's becomes ``compared``
        trend = trend.rename(columns={PERIOD: "compared", "period_start": PERIOD})
    data = trend.assign(period=pd.to_datetime(trend.period).dt.tz_convert(None))
    if "complete" not in data:
        data["complete"] = True
    heading = alt.Title(title) if data.complete.all() else alt.Title(title, subtitle=INCOMPLETE_NOTE)
    period = alt.X("period:T", title="Start of period (UTC)")
    faded = alt.condition(alt.datum.complete, alt.value(0.8), alt.value(0.3))
    if compared:
        return _period_trend(data, period, heading, faded)
    if "breakdown" in data:
        return _segment_trend(data.assign(segment=segment_labels(data)), period, heading, faded)
    base = alt.Chart(data).encode(period, tooltip=tooltip(*_TOOLTIP))
    volume = base.mark_bar(color=DROPPED).encode(
        alt.Y("started:Q", title="Started (bars)", axis=alt.Axis(format="~s")), opacity=faded
    )
    conversion = alt.Y("conversion:Q", title="Conversion (line)", axis=alt.Axis(format="%"))
    rate = base.mark_line(color=PALETTE[0]).encode(conversion)
    points = base.mark_point(filled=True, color=PALETTE[0]).encode(conversion, opacity=faded)
    chart = alt.layer(volume, rate, points).resolve_scale(y="independent")
    return chart.properties(title=heading, width=WIDTH, height=240)


def _segment_trend(data: pd.DataFrame, period: alt.X, title: alt.Title, faded: alt.Value) -> AnyChart:
    segments = list(dict.fromkeys(data.segment))
    base = alt.Chart(data).encode(
        period, segment_color(segments), tooltip=tooltip(("segment", "Segment", None), *_TOOLTIP)
    )
    conversion = alt.Y("conversion:Q", title="Conversion", axis=alt.Axis(format="%"))
    rate = base.mark_line().encode(conversion) + base.mark_point(filled=True).encode(conversion, opacity=faded)
    volume = base.mark_area().encode(
        alt.Y("started:Q", stack="zero", title="Started (stacked)", axis=alt.Axis(format="~s"))
    )
    return alt.vconcat(
        rate.properties(width=WIDTH, height=220), volume.properties(width=WIDTH, height=110), title=title
    )


def _period_trend(data: pd.DataFrame, period: alt.X, title: alt.Title, faded: alt.Value) -> AnyChart:
    """Both periods' conversion lines (with a breakdown, a line per segment and period) above the number started
    (the periods overlaid where their days, weeks or months meet)."""
    segmented = "breakdown" in data
    if segmented:
        data = data.assign(segment=segment_labels(data))
    shown = [("compared", "Compared period", None), *([("segment", "Segment", None)] if segmented else []), *_TOOLTIP]
    base = alt.Chart(data).encode(
        period, period_color(), tooltip=tooltip(*shown), **({"detail": "segment:N"} if segmented else {})
    )
    conversion = alt.Y("conversion:Q", title="Conversion", axis=alt.Axis(format="%"))
    rate = base.mark_line().encode(conversion) + base.mark_point(filled=True).encode(conversion, opacity=faded)
    started = alt.Y("started:Q", title="Started", stack=None, axis=alt.Axis(format="~s"))
    volume = base.mark_bar(opacity=0.6).encode(started)
    return alt.vconcat(
        rate.properties(width=WIDTH, height=220), volume.properties(width=WIDTH, height=110), title=title
    )
