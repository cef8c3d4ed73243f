"""Window sweep: actors reaching each stage against the window length, and the funnel at one window.

Hovering the lines picks the window nearest the pointer (a point selection on the window, drawn as a
rule); the bars beside them show the funnel at that window, or at the journey's own window (dashed)
when nothing is hovered. Pure Vega-Lite: it draws offline, in a static export at the journey's window.
Compared with the previous period (a ``period`` column), the previous period's lines are dashed and its bars
lighter, below the current period's.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline
from journey_widgets.charts._periods import PERIOD, PERIODS, is_compared
from journey_widgets.charts._theme import (
    COUNT_FORMAT,
    HEIGHT_PER_ROW,
    AnyChart,
    duration,
    empty_chart,
    on_dark,
    percent,
    tooltip,
)

#: Units of the window axis, largest first: the first that the longest window spans twice is used.
_UNITS = (("days", 86_400), ("hours", 3_600), ("minutes", 60), ("seconds", 1))
_GUIDE = "#888"  # rules and their labels: readable on a light and a dark background
HOVER = "hovered_window"
LINES_WIDTH, BARS_WIDTH, LINES_HEIGHT = 420, 260, 240


def window_unit(longest_seconds: float) -> tuple[str, int]:
    """The unit of the window axis (name, seconds): days for windows of days, hours for hours..."""
    return next(((name, size) for name, size in _UNITS if longest_seconds >= 2 * size), _UNITS[-1])


def sweep_data(sweep: pd.DataFrame, stages: list[str], unit_seconds: int) -> pd.DataFrame:
    """The sweep with a stage label, the window in the axis's unit and as text, the share of stage 1 at
    that window, and the bar label (count, and share of the start after stage 1)."""
    keys = [PERIOD, "window_seconds"] if is_compared(sweep) else ["window_seconds"]
    first = sweep.actors.where(sweep.stage_index == 1).groupby([sweep[k] for k in keys]).transform("max")
    share = (sweep.actors / first).astype(float)
    return sweep.assign(
        stage=[f"{k}. {stages[k - 1]}" for k in sweep.stage_index],
        window=sweep.window_seconds / unit_seconds,
        window_label=sweep.window_seconds.map(duration),
        share=share,
        label=[
            f"{a:,}" if k == 1 else f"{a:,} · {percent(s)}" for k, a, s in zip(sweep.stage_index, sweep.actors, share)
        ],
    )


@draws_offline
def window_sweep_chart(
    sweep: pd.DataFrame,
    *,
    stages: list[str] | None = None,
    window_seconds: float | None = None,
    dark: bool = False,
) -> AnyChart:
    """One line per stage (``stages`` names them): actors reaching it with each window; hovering a window
    shows the funnel at that window beside the lines, by default at ``window_seconds`` (the journey's own
    window, dashed; else the longest). ``dark``: for a dark background, as :func:`funnel_chart`."""
    title = "Actors reaching each stage, by window"
    if sweep.empty:
        return empty_chart(title)
    names = stages or [f"Stage {k}" for k in range(1, int(sweep.stage_index.max()) + 1)]
    windows = sorted(float(w) for w in sweep.window_seconds.unique())
    own = windows[-1] if window_seconds is None else min(windows, key=lambda w: abs(w - window_seconds))
    unit, size = window_unit(windows[-1])
    data = sweep_data(sweep, names, size)
    order = [f"{k}. {name}" for k, name in enumerate(names, start=1)]
    window = alt.X("window:Q", title=f"Window ({unit})", scale=alt.Scale(zero=True))
    stage_colour = alt.Color("stage:N", sort=order, title=None)
    hover = alt.selection_point(
        name=HOVER, fields=["window_seconds"], nearest=True, on="pointerover", clear="pointerout"
    )
    # The hovered window, else the journey's. Inline, not a variable param: JupyterChart would echo a param
    # back into the view (and into views it drew before, which lack it).
    at_shown = f"datum.window_seconds === ({HOVER}.window_seconds ? {HOVER}.window_seconds[0] : {own!r})"

    base = alt.Chart(data)
    one_per_window = base.transform_filter(alt.datum.stage_index == 1)
    compared = is_compared(data)
    shown = tooltip(
        *([(PERIOD, "Period", None)] if compared else []),
        ("stage", "Stage", None),
        ("window_label", "Window", None),
        ("actors", "Actors", COUNT_FORMAT),
    )
    dashed = {"strokeDash": alt.StrokeDash("period:N", sort=list(PERIODS), title="Period")} if compared else {}
    lines = base.mark_line(point=True).encode(
        window, alt.Y("actors:Q", title="Actors", axis=alt.Axis(format="~s")), stage_colour, tooltip=shown, **dashed
    )
    pointer = one_per_window.mark_rule(opacity=0, strokeWidth=12).encode(window).add_params(hover)
    rule = one_per_window.transform_filter(at_shown).mark_rule(color=_GUIDE).encode(window)
    layers = [lines, pointer, rule]
    if window_seconds is not None:
        journey = pd.DataFrame({"window": [window_seconds / size], "text": [f"journey: {duration(window_seconds)}"]})
        marker = alt.Chart(journey).encode(window)
        layers += [
            marker.mark_rule(strokeDash=[4, 4], color=_GUIDE),
            marker.mark_text(align="center", baseline="bottom", y=-4, color=_GUIDE, fontSize=11).encode(text="text:N"),
        ]
    trend = alt.layer(*layers).properties(width=LINES_WIDTH, height=LINES_HEIGHT)

    at_window = base.transform_filter(at_shown)
    stage = alt.Y("stage:N", sort=order, title=None, axis=alt.Axis(labelLimit=140))
    if compared:  # the current period's bar above the previous period's, lighter
        at_window = at_window.encode(alt.YOffset("period:N", sort=list(PERIODS)))
    lighter = {"opacity": alt.condition(alt.datum.period == "previous", alt.value(0.45), alt.value(1.0))}
    bars = at_window.mark_bar().encode(
        stage,
        alt.X("actors:Q", title="Actors", axis=alt.Axis(format="~s", tickCount=4)),
        stage_colour,
        tooltip=shown,
        **(lighter if compared else {}),
    )
    counts = at_window.mark_text(align="left", dx=3, fontSize=11).encode(stage, alt.X("actors:Q"), text="label:N")
    heading = (
        at_window.transform_filter((alt.datum.stage_index == 1) & (alt.datum.period != "previous"))
        .transform_calculate(text="'Funnel at a window of ' + datum.window_label")
        .mark_text(align="left", baseline="bottom", x=0, y=-8, fontSize=13, fontWeight="bold")
        .encode(text="text:N")
    )
    funnel = alt.layer(bars, counts, heading).properties(width=BARS_WIDTH, height=HEIGHT_PER_ROW * len(order))

    subtitle = "Hover the lines: the funnel at that window, beside them (dashed: the journey's own window)"
    chart = alt.hconcat(trend, funnel, spacing=24).properties(title=alt.Title(title, subtitle=subtitle))
    return on_dark(chart) if dark else chart
