"""Trend: conversion from start per period as a line, stage-1 volume as bars behind it."""

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
    themed,
    tooltip,
)


def trend_chart(trend: pd.DataFrame) -> alt.TopLevelMixin:
    """Conversion (completed / started) per period, with the number started as context."""
    title = "Conversion over time"
    if trend.empty:
        return empty_chart(title)
    data = trend.assign(period=pd.to_datetime(trend.period).dt.tz_convert(None))
    base = alt.Chart(data).encode(
        alt.X("period:T", title="Start of period (UTC)"),
        tooltip=tooltip(
            ("period", "Period", None),
            ("started", "Started", COUNT_FORMAT),
            ("completed", "Completed", COUNT_FORMAT),
            ("conversion", "Conversion", SHARE_FORMAT),
        ),
    )
    volume = base.mark_bar(color=DROPPED, opacity=0.8).encode(
        alt.Y("started:Q", title="Started (bars)", axis=alt.Axis(format="~s"))
    )
    rate = base.mark_line(point=True, color=PALETTE[0]).encode(
        alt.Y("conversion:Q", title="Conversion (line)", axis=alt.Axis(format="%"))
    )
    chart = alt.layer(volume, rate).resolve_scale(y="independent").properties(title=title, width=WIDTH, height=240)
    return themed(chart)
