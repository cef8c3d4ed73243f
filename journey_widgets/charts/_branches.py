"""Branches: per stage, how many paths reached it by each step."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import is_compared, per_period
from journey_widgets.charts._theme import COUNT_FORMAT, HEIGHT_PER_ROW, WIDTH, AnyChart, empty_chart, tooltip


@draws_offline
def branches_chart(
    branches: pd.DataFrame,
    funnel: pd.DataFrame | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    mode: Literal["stacked", "grouped"] = "stacked",
) -> AnyChart:
    """Stacked (or grouped) bars per stage, one colour per step, labelled with the catalog labels; compared with
    the previous period (a ``period`` column), one chart per period."""
    if is_compared(branches):
        return per_period(lambda rows: branches_chart(rows, funnel, labels=labels, mode=mode), branches)
    title = "How each stage was reached"
    if branches.empty:
        return empty_chart(title)
    data = branches.drop(columns=["breakdown"], errors="ignore")
    data = data.groupby(["stage_index", "step_index", "event"], as_index=False).agg(actors=("actors", "sum"))
    names = dict(zip(funnel.stage_index, funnel.stage)) if funnel is not None else {}
    data["stage"] = [names.get(i, f"Stage {i}") for i in data.stage_index]
    data["step"] = [f"{(labels or {}).get(e, e)} (step {j})" for e, j in zip(data.event, data.step_index)]
    order = list(dict.fromkeys(data.sort_values("stage_index").stage))
    encodings = {
        "y": alt.Y("stage:N", sort=order, title=None),
        "x": alt.X("actors:Q", title="Paths reaching the stage", axis=alt.Axis(format="~s", tickCount=6)),
        "color": alt.Color("step:N", title="Step", legend=alt.Legend(columns=3, labelLimit=260)),
        "tooltip": tooltip(("stage", "Stage", None), ("step", "Step", None), ("actors", "Paths", COUNT_FORMAT)),
    }
    if mode == "grouped":
        encodings["yOffset"] = alt.YOffset("step:N")
    height = HEIGHT_PER_ROW * len(order) * (max(1, data.step.nunique()) if mode == "grouped" else 1)
    return alt.Chart(data, title=title).mark_bar().encode(**encodings).properties(width=WIDTH, height=height)
