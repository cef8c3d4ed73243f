"""Conversion drivers: the odds ratio of each candidate on a log scale, positive and negative apart."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import is_compared, per_period
from journey_widgets.charts._theme import PALETTE, SHARE_FORMAT, WIDTH, AnyChart, empty_chart, tooltip


@draws_offline
def drivers_chart(table: pd.DataFrame, *, note: str = "") -> AnyChart:
    """One bar per candidate: log2 of its odds ratio (right: goes with converting), p-value in the tooltip.
    Candidates whose odds ratio is 0 or infinite have no finite bar and are left out. Compared with the previous
    period (a ``period`` column), one chart per period."""
    if is_compared(table):
        return per_period(lambda rows: drivers_chart(rows, note=note), table)
    title = "What goes with converting"
    finite = table[table.odds_ratio.map(lambda x: 0 < x < math.inf)]
    if finite.empty:
        return empty_chart(title)
    data = finite.assign(
        candidate=[v if k == "event" else f"{k}: {v}" for k, v in zip(finite.kind, finite.value)],
        log2_odds=[math.log2(x) for x in finite.odds_ratio],
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            alt.X("log2_odds:Q", title="log2 odds ratio (right: more conversion)"),
            alt.Y("candidate:N", sort=list(data.candidate), title=None, axis=alt.Axis(labelLimit=220)),
            alt.Color(
                "direction:N",
                scale=alt.Scale(domain=["positive", "negative"], range=[PALETTE[2], PALETTE[5]]),
                title=None,
            ),
            tooltip=tooltip(
                ("candidate", "Candidate", None),
                ("with_actors", "Actors with it", ",d"),
                ("with_conversion", "Conversion with it", SHARE_FORMAT),
                ("without_conversion", "Conversion without it", SHARE_FORMAT),
                ("odds_ratio", "Odds ratio", ".2f"),
                ("p_value", "p-value (Fisher)", ".3g"),
            ),
        )
    )
    heading = alt.Title(title, subtitle=note) if note else alt.Title(title)
    return bars.properties(title=heading, width=WIDTH, height=22 * len(data))
