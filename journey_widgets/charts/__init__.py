"""Altair renderers: pure functions from result tables (SPEC §7) to charts, plus offline export."""

from journey_widgets.charts._branches import branches_chart
from journey_widgets.charts._breakdown import breakdown_chart, breakdown_significance
from journey_widgets.charts._export import chart_to_html, chart_to_png_bytes, chart_to_svg, save_chart
from journey_widgets.charts._funnel import funnel_chart
from journey_widgets.charts._stats import two_proportion_z_test, wilson_interval
from journey_widgets.charts._theme import PALETTE, THEME_NAME, compact, duration, percent
from journey_widgets.charts._timing import time_between_stages_chart, time_distribution_chart
from journey_widgets.charts._trend import trend_chart

__all__ = [
    "PALETTE",
    "THEME_NAME",
    "branches_chart",
    "breakdown_chart",
    "breakdown_significance",
    "chart_to_html",
    "chart_to_png_bytes",
    "chart_to_svg",
    "compact",
    "duration",
    "funnel_chart",
    "percent",
    "save_chart",
    "time_between_stages_chart",
    "time_distribution_chart",
    "trend_chart",
    "two_proportion_z_test",
    "wilson_interval",
]
