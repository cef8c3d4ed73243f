"""The funnel: one bar per stage, the drop-off as a lighter segment (and the actors whose window is still
open, in progress, as a segment of their own), counts and conversions as labels.

With a breakdown, one bar per stage and segment, grouped side by side (see :func:`segment_funnel_chart`); compared
with the previous period, one bar per stage and period (:func:`period_funnel_chart`). Optional stages (a funnel with
an ``optional`` column) are drawn lighter and named "(optional)".
"""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import PERIODS, TEST_NOTE, is_compared, period_color, period_label
from journey_widgets.charts._theme import (
    ANONYMOUS,
    COUNT_FORMAT,
    DARK_DROPPED,
    DROPPED,
    HEIGHT_PER_ROW,
    REACHED,
    SECONDS_FORMAT,
    SEGMENT_ROW,
    SHARE_FORMAT,
    WIDTH,
    AnyChart,
    compact,
    empty_chart,
    on_dark,
    percent,
    segment_color,
    segment_labels,
    stage_labels,
    tooltip,
)

#: Actors of the previous stage whose window is still open: neither reached nor dropped (a green tint).
IN_PROGRESS = "#A6DBC8"
SEGMENTS = ("Reached", "In progress", "Dropped off")

ROW_TOOLTIP = (
    ("stage", "Stage", None),
    ("actors", "Reached", COUNT_FORMAT),
    ("anonymous_actors", "Anonymous", COUNT_FORMAT),
    ("in_progress", "In progress", COUNT_FORMAT),
    ("dropped_off", "Dropped off", COUNT_FORMAT),
    ("conversion_from_previous", "From previous", SHARE_FORMAT),
    ("conversion_from_start", "From start", SHARE_FORMAT),
    ("median_seconds_from_previous", "Median seconds from previous", SECONDS_FORMAT),
    ("mean_seconds_from_previous", "Mean seconds from previous", SECONDS_FORMAT),
    ("p90_seconds_from_previous", "p90 seconds from previous", SECONDS_FORMAT),
)
CHANGE_TOOLTIP = (
    ("conversion_from_start_change", "Change of conversion from start", "+.1%"),
    ("p_value", "p-value (two-proportion z-test)", ".3g"),
    ("p_value_holm", "p-value, Holm-corrected across the stages", ".3g"),
)
#: The opacity of an optional stage's bars (the path may skip the stage).
OPTIONAL_OPACITY = 0.45


def with_optional_marked(funnel: pd.DataFrame) -> pd.DataFrame:
    """Optional stages (rows whose ``optional`` is true) named "<stage> (optional)", for the axis."""
    if "optional" not in funnel:
        return funnel
    optional = funnel.optional.fillna(False).astype(bool)
    names = [f"{name} (optional)" if skip else name for name, skip in zip(funnel.stage, optional, strict=True)]
    return funnel.assign(stage=names, optional=optional)


def optional_opacity(data: pd.DataFrame) -> dict[str, Any]:
    """The bars' opacity encoding: optional stages lighter (none without an ``optional`` column)."""
    if "optional" not in data:
        return {}
    return {"opacity": alt.condition(alt.datum.optional, alt.value(OPTIONAL_OPACITY), alt.value(1.0))}


def funnel_data(funnel: pd.DataFrame) -> pd.DataFrame:
    """Long form for stacking: 'Reached', 'In progress' and 'Dropped off' segments per stage, plus labels."""
    rows = funnel.sort_values("stage_index").copy()
    if "in_progress" not in rows:
        rows["in_progress"] = 0
    rows["label"] = [
        f"{compact(a)} · {percent(s)} of start" + ("" if i == 1 else f" · {percent(p)} of previous")
        for i, a, s, p in zip(rows.stage_index, rows.actors, rows.conversion_from_start, rows.conversion_from_previous)
    ]
    reached = rows.assign(segment="Reached", value=rows.actors)
    in_progress = rows.assign(segment="In progress", value=rows.in_progress)
    dropped = rows.assign(segment="Dropped off", value=rows.dropped_off)
    data = pd.concat([reached, in_progress, dropped], ignore_index=True)
    return data.assign(segment_order=data.segment.map(SEGMENTS.index))


@draws_offline
def funnel_chart(
    funnel: pd.DataFrame,
    *,
    orientation: Literal["horizontal", "vertical"] = "horizontal",
    title: str | None = None,
    show_anonymous: bool | None = None,
    dark: bool = False,
) -> AnyChart:
    """Bars of actors per stage; drop-off stacked in a lighter colour; anonymous share marked. ``dark``: for a dark
    background (the widget's, with vega-embed's dark theme). A funnel with a ``breakdown`` column gets one bar per
    segment, side by side; one with a ``period`` column (compared with the previous period), one bar per period."""
    title = title or "Journey funnel"
    if funnel.empty or funnel.actors.sum() == 0:
        return empty_chart(title)
    funnel = with_optional_marked(funnel)
    if is_compared(funnel):
        return period_funnel_chart(funnel, title=title)
    if "breakdown" in funnel:
        return segment_funnel_chart(funnel, title=title)
    data = funnel_data(funnel)
    order = stage_labels(data)
    horizontal = orientation == "horizontal"
    colours = [REACHED, IN_PROGRESS, DARK_DROPPED if dark else DROPPED]
    stage_axis = alt.Y if horizontal else alt.X
    value_axis = alt.X if horizontal else alt.Y
    stage_enc = stage_axis("stage:N", sort=order, title=None, axis=alt.Axis(labelLimit=180))
    value_enc = value_axis("value:Q", stack="zero", title="Contacts or deals", axis=alt.Axis(format="~s", tickCount=6))
    size = (
        {"width": WIDTH, "height": HEIGHT_PER_ROW * len(order)}
        if horizontal
        else {"width": 110 * len(order), "height": 300}
    )
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        stage_enc,
        value_enc,
        color=alt.Color("segment:N", scale=alt.Scale(domain=list(SEGMENTS), range=colours), title=None),
        order=alt.Order("segment_order:Q"),
        tooltip=tooltip(*ROW_TOOLTIP),
        **optional_opacity(data),
    )
    reached = base.transform_filter(alt.datum.segment == "Reached")
    labels = reached.mark_text(
        align="left" if horizontal else "center",
        dx=4 if horizontal else 0,
        dy=0 if horizontal else -8,
        fontSize=11,
    ).encode(stage_enc, value_axis("value:Q"), text="label:N")
    layers = [bars, labels]
    show_anonymous = bool(funnel.anonymous_actors.sum() > 0) if show_anonymous is None else show_anonymous
    if show_anonymous:
        layers.append(
            reached.transform_filter(alt.datum.anonymous_actors > 0)
            .mark_tick(color=ANONYMOUS, opacity=1, thickness=3, size=HEIGHT_PER_ROW * 0.8)
            .encode(
                stage_enc,
                value_axis("anonymous_actors:Q"),
                tooltip=tooltip(("anonymous_actors", "Anonymous", COUNT_FORMAT)),
            )
        )
    heading = (
        alt.Title(title, subtitle="Orange tick: anonymous visitors among those reached")
        if show_anonymous
        else alt.Title(title)
    )
    chart = alt.layer(*layers).properties(title=heading, **size)
    return on_dark(chart) if dark else chart


def segment_funnel_chart(funnel: pd.DataFrame, *, title: str) -> AnyChart:
    """Actors per stage and breakdown segment: grouped bars (one colour per segment), each labelled
    with its count and conversion from start; readable at the default limit of 10 segments."""
    data = funnel.assign(segment=segment_labels(funnel))
    data["label"] = [
        f"{g} · {compact(a)} · {percent(s)}" for g, a, s in zip(data.segment, data.actors, data.conversion_from_start)
    ]
    segments = list(dict.fromkeys(data.segment))
    stage = alt.Y("stage:N", sort=stage_labels(data), title=None, axis=alt.Axis(labelLimit=180))
    offset = alt.YOffset("segment:N", sort=segments)
    base = alt.Chart(data).encode(stage, offset)
    bars = base.mark_bar().encode(
        alt.X("actors:Q", title="Contacts or deals", axis=alt.Axis(format="~s", tickCount=6)),
        segment_color(segments),
        tooltip=tooltip(("segment", "Segment", None), *ROW_TOOLTIP),
        **optional_opacity(data),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#222").encode(alt.X("actors:Q"), text="label:N")
    height = SEGMENT_ROW * len(segments) * data.stage.nunique()
    heading = alt.Title(title, subtitle="Label: segment · reached · conversion from start")
    return alt.layer(bars, labels).properties(title=heading, width=WIDTH, height=height)


def period_funnel_chart(funnel: pd.DataFrame, *, title: str) -> AnyChart:
    """Actors per stage, the current period's bar above the previous period's, each labelled with its count and
    conversion from start, the current one with the change and its Holm-corrected p-value; with a breakdown, one
    such chart per segment."""
    data = funnel.assign(label=[period_label(row) for _, row in funnel.iterrows()])
    stage = alt.Y("stage:N", sort=stage_labels(data), title=None, axis=alt.Axis(labelLimit=180))
    base = alt.Chart().encode(stage, alt.YOffset("period:N", sort=list(PERIODS)))
    bars = base.mark_bar().encode(
        alt.X("actors:Q", title="Contacts or deals", axis=alt.Axis(format="~s", tickCount=6)),
        period_color(),
        tooltip=tooltip(("period", "Period", None), *ROW_TOOLTIP, *[tip for tip in CHANGE_TOOLTIP if tip[0] in data]),
        **optional_opacity(data),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color="#222").encode(alt.X("actors:Q"), text="label:N")
    heading = alt.Title(title, subtitle=TEST_NOTE)
    if "breakdown" in data:
        data["segment"] = segment_labels(data)
    chart = alt.layer(bars, labels, data=data).properties(width=WIDTH, height=2 * SEGMENT_ROW * data.stage.nunique())
    if "breakdown" not in data:
        return chart.properties(title=heading)
    return chart.facet(row=alt.Row("segment:N", sort=list(dict.fromkeys(data.segment)), title=None), title=heading)
