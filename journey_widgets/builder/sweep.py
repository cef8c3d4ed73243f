"""The builder's "Window sweep" tab: the sweep chart beside the funnel chart, computed only while shown.

The sweep costs about one funnel pass (one run per window with exclusions), so it is not computed on
every edit: when its tab is opened, for the result shown, and after an edit only while the tab is open.
It runs in a worker thread (the kernel's thread stays free), taking the builder's backend lock like
every builder query; until it is computed the tab says "Computing…", and a backend error is one line.
A sweep finished for a result that a newer one has replaced is never shown.
"""

from __future__ import annotations

import threading
from typing import Any

import altair as alt
import ipywidgets
import pandas as pd

from journey_widgets.builder.worker import LatestWins
from journey_widgets.charts import AnyChart, message_chart, window_sweep_chart
from journey_widgets.errors import one_line
from journey_widgets.result import JourneyResult

COMPUTING = "Computing…"
TITLES = ("Funnel", "Window sweep")


class SweepView:
    """The tabs over the funnel chart and the window-sweep chart (``chart``), and when to compute the sweep."""

    def __init__(self, funnel: alt.JupyterChart, *, lock: threading.RLock) -> None:
        self._backend_lock = lock  # taken around every query of the builder, whatever its thread
        self._lock = threading.Lock()  # guards the state below and what the chart shows
        self._visible = False
        self._result: JourneyResult | None = None  # the builder's latest result
        self._shown: JourneyResult | None = None  # the result whose sweep (or error) the chart shows
        self._table: pd.DataFrame | None = None  # that sweep, to redraw it in another theme (None: it failed)
        self._says_computing = True  # the chart shows "Computing…" (not sent again: each edit would redraw it)
        self._dark = False
        # computes the due sweep until none is due (a newer result replaces an older one)
        self._worker: LatestWins[JourneyResult] = LatestWins(
            name="journey-builder-sweep", lock=self._lock, take=self._due, run=self._compute, on_error=self._failed
        )
        self.chart = alt.JupyterChart(message_chart(COMPUTING))
        self.tabs = ipywidgets.Tab([funnel, self.chart], titles=TITLES)
        self.tabs.add_class("jw-charts")
        self.tabs.observe(self._on_tab, names="selected_index")

    def update(self, result: JourneyResult | None) -> None:
        """The builder has a new result: its sweep is due now if the tab is open, else when it is opened."""
        with self._lock:
            self._result = result
            if result is not self._shown and not self._says_computing:
                self.chart.chart = message_chart(COMPUTING)
                self._says_computing = True
        self._schedule()

    def on_theme(self, change: dict[str, Any]) -> None:
        """Follow the host's theme (the editor's ``theme`` trait), as the funnel chart does."""
        with self._lock, self.chart.hold_sync():
            self._dark = change["new"] == "dark"
            # altair's trait allows None (allow_none=True); traitlets' typing of Dict does not say so
            self.chart.embed_options = {"theme": "dark"} if self._dark else None  # type: ignore[assignment]
            if self._shown is not None and self._shown is self._result and self._table is not None:
                self.chart.chart = self._sweep_chart(self._table, self._shown)

    def wait(self, timeout: float) -> bool:
        """Whether the sweep due (if any) was shown within ``timeout`` seconds."""
        return self._worker.wait(timeout)

    def _on_tab(self, change: dict[str, Any]) -> None:
        with self._lock:
            self._visible = TITLES[change["new"]] == "Window sweep"
        self._schedule()

    def _due(self) -> JourneyResult | None:
        """The result whose sweep should be computed now, if any (call with ``_lock`` held)."""
        due = self._visible and self._result is not None and self._result is not self._shown
        return self._result if due else None

    def _schedule(self) -> None:
        with self._lock:
            if self._due() is not None:
                self._worker.wake()

    def _compute(self, result: JourneyResult) -> None:
        with self._backend_lock:
            table = result.window_sweep()  # runs the query, here in the worker thread
        self._show(result, table, self._sweep_chart(table, result))

    def _failed(self, result: JourneyResult, exc: Exception) -> None:
        """A backend error: one line in the tab, the kernel stays alive."""
        self._show(result, None, message_chart(f"The window sweep failed: {one_line(exc)}"))

    def _show(self, result: JourneyResult, table: pd.DataFrame | None, chart: AnyChart) -> None:
        """Show ``result``'s sweep (``table``, None if it failed) as ``chart``, unless a newer result replaced it."""
        with self._lock:
            if result is not self._result:
                return  # a newer result replaced this one: never show a stale sweep
            self._shown, self._table = result, table
            self.chart.chart = chart
            self._says_computing = False

    def _sweep_chart(self, table: pd.DataFrame, result: JourneyResult) -> AnyChart:
        journey = result.journey
        stages = [stage.name for stage in journey.stages]
        return window_sweep_chart(table, stages=stages, window_seconds=journey.window.total_seconds(), dark=self._dark)
