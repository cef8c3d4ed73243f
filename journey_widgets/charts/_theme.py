"""The shared look: a colourblind-safe palette, plain-word titles, formats and an Altair theme.

The theme is registered with ``alt.theme.register`` and enabled when the package's charts are imported
(unless the user already enabled a theme of their own), so charts carry no ``configure()`` of their own
and compose with ``|``, ``&`` and ``+``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from journey_widgets.charts._display import draws_offline

#: What a chart function returns: any top-level Altair chart (each has ``add_params`` and ``configure_*``).
AnyChart = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart | alt.ConcatChart | alt.FacetChart

#: Okabe–Ito, safe for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
REACHED, DROPPED, ANONYMOUS = PALETTE[0], "#BBD5E8", PALETTE[1]
DARK_DROPPED = "#3F5F7A"  # the drop-off on a dark background, under light labels
WIDTH, HEIGHT_PER_ROW = 560, 34
#: Height of one segment's bar when a breakdown groups bars side by side (fits a 10 px label).
SEGMENT_ROW = 14
NULL_SEGMENT = "(no value)"
COUNT_FORMAT, SHARE_FORMAT, SECONDS_FORMAT = ",d", ".1%", ",.1f"
THEME_NAME = "journey_widgets"


@alt.theme.register(THEME_NAME, enable=False)
def journey_theme() -> alt.theme.ThemeConfig:
    """The package's chart theme; enable another Altair theme to override it (``alt.theme.enable``)."""
    return {
        "config": {
            "font": "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif",
            "range": {"category": list(PALETTE)},
            "mark": {"color": PALETTE[0]},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "grid": False},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 15, "anchor": "start", "subtitleColor": "#555"},
            "view": {"stroke": None},
            "text": {"color": "#222"},  # labels beside bars; a dark host overrides it (see ``on_dark``)
        }
    }


def on_dark(chart: AnyChart) -> AnyChart:
    """A standalone ``chart`` for a dark background (with vega-embed's dark theme): light label text and
    subtitles."""
    return chart.configure_text(color="#ddd").configure_title(subtitleColor="#aaa")


def enable_theme() -> None:
    """Enable the package theme, unless the user already enabled another Altair theme."""
    if alt.theme.active == "default":
        alt.theme.enable(THEME_NAME)


def compact(value: float | None) -> str:
    """12345 -> '12.3k', 2.5e6 -> '2.5M' (for labels)."""
    if value is None or pd.isna(value):
        return "–"
    for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= divisor:
            return f"{value / divisor:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:,.0f}"


def percent(value: float | None) -> str:
    """0.456 -> '45.6%'."""
    return "–" if value is None or pd.isna(value) else f"{value:.1%}"


def duration(seconds: float | None) -> str:
    """Seconds in the largest sensible unit: '45 s', '12.5 min', '3.2 h', '4.1 d'."""
    if seconds is None or pd.isna(seconds):
        return "–"
    for size, unit in ((86_400, "d"), (3_600, "h"), (60, "min")):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.1f} s"


@draws_offline
def message_chart(text: str) -> alt.Chart:
    """A valid chart that only says ``text`` (nothing to show, still computing, an error)."""
    frame = pd.DataFrame({"text": [text]})
    return (
        alt.Chart(frame).mark_text(fontSize=14, color="#666").encode(text="text:N").properties(width=WIDTH, height=60)
    )


def empty_chart(title: str) -> alt.Chart:
    """A valid chart that says there is nothing to show."""
    return message_chart("No actors").properties(title=title)


def stage_labels(frame: pd.DataFrame) -> list[str]:
    """Stage names in journey order, for a sort that keeps the funnel's order."""
    return list(dict.fromkeys(frame.sort_values("stage_index")["stage"]))


def segment_labels(frame: pd.DataFrame) -> pd.Series:
    """The breakdown column as labels, with a readable name for the null segment."""
    return frame.breakdown.astype(object).where(frame.breakdown.notna(), NULL_SEGMENT)


def segment_color(segments: list[str]) -> alt.Color:
    """One colour per breakdown segment: the palette, or 20 distinct colours beyond its 8."""
    scale = alt.Scale(range=list(PALETTE)) if len(segments) <= len(PALETTE) else alt.Scale(scheme="tableau20")
    return alt.Color("segment:N", sort=segments, title="Segment", scale=scale, legend=alt.Legend(columns=5))


def tooltip(*fields: tuple[str, str, str | None]) -> list[Any]:
    """Tooltips from (field, title, format) triples."""
    return [alt.Tooltip(f, title=t, format=fmt) if fmt else alt.Tooltip(f, title=t) for f, t, fmt in fields]
