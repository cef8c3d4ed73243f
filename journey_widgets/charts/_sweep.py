"""Window sweep: actors reaching each stage against the window length, the journey's window marked."""

from __future__ import annotations

import altair as alt
import pandas as pd

from journey_widgets.charts._theme import COUNT_FORMAT, WIDTH, empty_chart, tooltip

_SECONDS_PER_DAY = 86_400


def window_sweep_chart(
    sweep: pd.DataFrame, *, stages: list[str] | None = None, window_seconds: float | None = None
) -> alt.TopLevelMixin:
    """One line per stage (``stages`` names them): actors reaching it with each window, in days; a
    dashed rule at ``window_seconds`` (the journey's own window)."""
    title = "Actors reaching each stage, by window"
    if sweep.empty:
        return empty_chart(title)
    names = stages or [f"Stage {k}" for k in range(1, int(sweep.stage_index.max()) + 1)]
    data = sweep.assign(
        window_days=sweep.window_seconds / _SECONDS_PER_DAY,
        stage=[f"{k}. {names[k - 1]}" for k in sweep.stage_index],
    )
    order = [f"{k}. {name}" for k, name in enumerate(names, start=1)]
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            alt.X("window_days:Q", title="Window (days)"),
            alt.Y("actors:Q", title="Actors", axis=alt.Axis(format="~s")),
            alt.Color("stage:N", sort=order, title=None),
            tooltip=tooltip(
                ("stage", "Stage", None), ("window_days", "Window (days)", ".2f"), ("actors", "Actors", COUNT_FORMAT)
            ),
        )
    )
    layers: list[alt.Chart] = [lines]
    if window_seconds is not None:
        rule = pd.DataFrame({"window_days": [window_seconds / _SECONDS_PER_DAY]})
        layers.append(alt.Chart(rule).mark_rule(strokeDash=[4, 4], color="#555").encode(x="window_days:Q"))
    return alt.layer(*layers).properties(title=title, width=WIDTH, height=260)
