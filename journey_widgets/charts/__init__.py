"""Altair renderers: pure functions from result tables to charts, plus offline export.

Importing this module enables the package's Altair theme. In a Jupyter kernel, the first chart made here turns on
a renderer that draws with no network (see :func:`enable_offline_rendering`), unless the user chose their own;
importing changes no renderer.
"""

from journey_widgets.charts._branches import branches_chart
from journey_widgets.charts._breakdown import breakdown_chart, breakdown_significance
from journey_widgets.charts._display import enable_offline_rendering
from journey_widgets.charts._drivers import drivers_chart
from journey_widgets.charts._export import chart_to_html, chart_to_png_bytes, chart_to_svg, save_chart
from journey_widgets.charts._funnel import funnel_chart
from journey_widgets.charts._sweep import window_sweep_chart
from journey_widgets.charts._theme import (
    PALETTE,
    THEME_NAME,
    AnyChart,
    compact,
    duration,
    enable_theme,
    message_chart,
    percent,
)
from journey_widgets.charts._timing import time_between_stages_chart, time_distribution_chart
from journey_widgets.charts._trend import trend_chart
from journey_widgets.stats import holm, two_proportion_z_test, wilson_interval

__all__ = [
    "PALETTE",
    "THEME_NAME",
    "AnyChart",
    "branches_chart",
    "breakdown_chart",
    "breakdown_significance",
    "chart_to_html",
    "chart_to_png_bytes",
    "chart_to_svg",
    "compact",
    "drivers_chart",
    "duration",
    "enable_offline_rendering",
    "enable_theme",
    "funnel_chart",
    "holm",
    "message_chart",
    "percent",
    "save_chart",
    "time_between_stages_chart",
    "time_distribution_chart",
    "trend_chart",
    "two_proportion_z_test",
    "wilson_interval",
    "window_sweep_chart",
]

enable_theme()
