"""Trend: conversion from start per period as a line, stage-1 volume as bars behind it; with a
breakdown, one line per segment above the number started per segment."""

from __future__ import annotations

import altair as alt
import pandas as pd

from journey_widgets.charts._theme import (
    COUNT_FORMAT,
    DROPPED,
    PALETTE,
    SHARE_FORMAT,
    WIDTH,
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
)


def trend_chart(trend: pd.DataFrame) -> alt.TopLevelMixin:
    """Conversion (completed / started) per period, with the number started as context."""
    title = "Conversion over time"
    if trend.empty:
        return empty_chart(title)
    data = trend.assign(period=pd.to_datetime(trend.period).dt.tz_convert(None))
    period = alt.X("period:T", title="Start of period (UTC)")
    if "breakdown" in data:
        return _segment_trend(data.assign(segment=segment_labels(data)), period, title)
    base = alt.Chart(data).encode(period, tooltip=tooltip(*_TOOLTIP))
    volume = base.mark_bar(color=DROPPED, opacity=0.8).encode(
        alt.Y("started:Q", title="Started (bars)", axis=alt.Axis(format="~s"))
    )
    rate = base.mark_line(point=True, color=PALETTE[0]).encode(
        alt.Y("conversion:Q", title="Conversion (line)", axis=alt.Axis(format="%"))
    )
    return alt.layer(volume, rate).resolve_scale(y="independent").properties(title=title, width=WIDTH, height=240)


def _segment_trend(data: pd.DataFrame, period: alt.X, title: str) -> alt.TopLevelMixin:
    segments = list(dict.fromkeys(data.segment))
    base = alt.Chart(data).encode(
        period, segment_color(segments), tooltip=tooltip(("segment", "Segment", None), *_TOOLTIP)
    )
    rate = base.mark_line(point=True).encode(alt.Y("conversion:Q", title="Conversion", axis=alt.Axis(format="%")))
    volume = base.mark_area().encode(
        alt.Y("started:Q", stack="zero", title="Started (stacked)", axis=alt.Axis(format="~s"))
    )
    return alt.vconcat(
        rate.properties(width=WIDTH, height=220), volume.properties(width=WIDTH, height=110), title=title
    )
