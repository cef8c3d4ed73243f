"""Breakdown: each segment's conversion from start with its Wilson interval and a significance marker."""

from __future__ import annotations

from typing import Literal

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import is_compared, per_period
from journey_widgets.charts._theme import (
    COUNT_FORMAT,
    HEIGHT_PER_ROW,
    SEGMENT_ROW,
    SHARE_FORMAT,
    WIDTH,
    AnyChart,
    empty_chart,
    percent,
    segment_color,
    segment_labels,
    stage_labels,
    tooltip,
)
from journey_widgets.stats import holm, two_proportion_z_test, wilson_interval


def _actors_at(segment_rows: pd.DataFrame, stage_index: int) -> int:
    return int(segment_rows.actors[segment_rows.stage_index == stage_index].sum())


def breakdown_significance(funnel: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Per segment: started, completed (last stage), conversion, 95% Wilson interval, and a pooled
    two-proportion z-test of the segment against all other segments together (two-sided): ``p_value``,
    and ``p_value_holm`` corrected by Holm's method across the segments, as one family of tests; the
    segment is ``significant`` when the corrected p < ``alpha``."""
    columns = [
        "breakdown",
        "started",
        "completed",
        "conversion",
        "wilson_low",
        "wilson_high",
        "z",
        "p_value",
        "p_value_holm",
        "significant",
    ]
    if funnel.empty:
        return pd.DataFrame(columns=columns)
    last = funnel.stage_index.max()
    data = funnel.assign(segment=segment_labels(funnel))
    # One group per breakdown value (null its own): a segment's label may equal another's.
    groups = data.groupby("breakdown", dropna=False, sort=False)
    counts = [(group.segment.iloc[0], _actors_at(group, 1), _actors_at(group, last)) for _, group in groups]
    total_started, total_completed = sum(n for _, n, _ in counts), sum(x for _, _, x in counts)
    rows = []
    for segment, n, x in counts:
        low, high = wilson_interval(x, n)
        z, p = two_proportion_z_test(x, n, total_completed - x, total_started - n)
        rows.append([segment, n, x, x / n if n else float("nan"), low, high, z, p])
    table = pd.DataFrame(rows, columns=columns[:-2])
    table["p_value_holm"] = holm(table.p_value.tolist())
    table["significant"] = table.p_value_holm < alpha
    return table


@draws_offline
def breakdown_chart(
    funnel: pd.DataFrame,
    *,
    layout: Literal["side_by_side", "overlaid"] = "side_by_side",
    alpha: float = 0.05,
) -> AnyChart:
    """Conversion from start per stage and segment (bars grouped side by side, or ``"overlaid"`` lines);
    below, the last stage's interval and a star where a segment differs significantly from the rest
    (see :func:`breakdown_significance`); compared with the previous period, one such chart per period."""
    if is_compared(funnel):
        return per_period(lambda rows: breakdown_chart(rows, layout=layout, alpha=alpha), funnel)
    title = "Conversion from start by segment"
    if funnel.empty or "breakdown" not in funnel:
        return empty_chart(title)
    data = funnel.assign(segment=segment_labels(funnel))
    segments = list(dict.fromkeys(data.segment))
    stats = breakdown_significance(funnel, alpha).rename(columns={"breakdown": "segment"})
    stats["marker"] = [f"★ differs (Holm p < {alpha:g})" if s else "" for s in stats.significant]
    order = stage_labels(data)
    color = segment_color(segments)
    tips = tooltip(
        ("segment", "Segment", None),
        ("stage", "Stage", None),
        ("actors", "Reached", COUNT_FORMAT),
        ("conversion_from_start", "From start", SHARE_FORMAT),
    )
    if layout == "overlaid":
        lines = (
            alt.Chart(data)
            .mark_line(point=True)
            .encode(
                alt.X("stage:N", sort=order, title=None),
                alt.Y("conversion_from_start:Q", title="Conversion from start", axis=alt.Axis(format="%")),
                color,
                tooltip=tips,
            )
        )
        funnels = lines.properties(width=WIDTH, height=260)
    else:
        data["label"] = [f"{g} · {percent(c)}" for g, c in zip(data.segment, data.conversion_from_start)]
        grouped = alt.Chart(data).encode(
            alt.Y("stage:N", sort=order, title=None), alt.YOffset("segment:N", sort=segments)
        )
        share = alt.X("conversion_from_start:Q", title="Conversion from start", axis=alt.Axis(format="%"))
        funnels = alt.layer(
            grouped.mark_bar().encode(share, color, tooltip=tips),
            grouped.mark_text(align="left", dx=3, fontSize=10, color="#222").encode(share, text="label:N"),
        ).properties(width=WIDTH - 100, height=SEGMENT_ROW * len(segments) * len(order))
    interval_tips = tooltip(
        ("segment", "Segment", None),
        ("started", "Started", COUNT_FORMAT),
        ("completed", "Completed", COUNT_FORMAT),
        ("conversion", "Conversion", SHARE_FORMAT),
        ("wilson_low", "95% low", SHARE_FORMAT),
        ("wilson_high", "95% high", SHARE_FORMAT),
        ("p_value", "p-value vs rest", ".3g"),
        ("p_value_holm", "p-value vs rest, Holm-corrected", ".3g"),
    )
    base = alt.Chart(
        stats,
        title=alt.Title(
            "Completed the journey, with 95% Wilson interval",
            subtitle=f"★: differs from all other segments (two-proportion z-test, Holm-corrected across the "
            f"{len(segments)} segments, p < {alpha:g})",
        ),
    )
    y = alt.Y("segment:N", sort=segments, title=None)
    intervals = alt.layer(
        base.mark_rule(strokeWidth=2).encode(
            y,
            alt.X("wilson_low:Q", title="Conversion to the last stage", axis=alt.Axis(format=".1%", tickCount=5)),
            alt.X2("wilson_high:Q"),
            color,
        ),
        base.mark_point(filled=True, size=70).encode(y, alt.X("conversion:Q"), color, tooltip=interval_tips),
        base.mark_text(align="left", dx=8, fontSize=11).encode(y, alt.X("wilson_high:Q"), text="marker:N"),
    ).properties(width=WIDTH - 100, height=HEIGHT_PER_ROW * len(segments))
    return alt.vconcat(funnels, intervals, title=title)
