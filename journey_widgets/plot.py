"""``result.plot``: the result's charts, in the manner of ``DataFrame.plot``.

Each method runs the table it needs (cached on the result) and returns an Altair chart, which composes
with ``|``, ``&`` and ``+`` like any other: ``result.plot.funnel() | result.plot.trend()``. A journey compared with
its previous period draws both periods: the funnel's bars side by side per stage (with the change and its
Holm-corrected p-value), the histogram over shared bins, the trend's two lines; the other charts one per period.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal

from journey_widgets import charts
from journey_widgets.errors import JourneyDefinitionError

if TYPE_CHECKING:
    from journey_widgets.compiler.tables import Period
    from journey_widgets.result import JourneyResult


class PlotAccessor:
    """Charts of one :class:`~journey_widgets.result.JourneyResult`."""

    def __init__(self, result: JourneyResult) -> None:
        self._result = result

    def __repr__(self) -> str:
        methods = "funnel(), branches(), timing(), trend(), breakdown(), window_sweep()"
        return f"<PlotAccessor of {self._result!r}: {methods}>"

    def funnel(
        self, *, orientation: Literal["horizontal", "vertical"] = "horizontal", **options: Any
    ) -> charts.AnyChart:
        """Actors per stage with the drop-off; one bar per segment, side by side, with a breakdown."""
        options.setdefault("title", self._result.journey.name)
        return charts.funnel_chart(self._result.funnel(), orientation=orientation, **options)

    def branches(self, *, mode: Literal["stacked", "grouped"] = "stacked") -> charts.AnyChart:
        """Per stage, how many paths reached it by each step (steps named by their catalog labels)."""
        from journey_widgets.catalog import default_catalog

        labels = default_catalog().labels()
        return charts.branches_chart(self._result.branches(), self._result.funnel(), labels=labels, mode=mode)

    def timing(self, *, bins: int | None = None) -> charts.AnyChart:
        """Median, mean and p90 time from the previous stage; with ``bins``, the histogram of that time."""
        if bins is None:
            return charts.time_between_stages_chart(self._result.funnel())
        return charts.time_distribution_chart(self._result.time_histogram(bins))

    def trend(self, period: Period = "week") -> charts.AnyChart:
        """Conversion per ``period`` of the start, with the number started; one line per segment."""
        return charts.trend_chart(self._result.trend(period))

    def window_sweep(self, windows: Sequence[str | timedelta] | None = None) -> charts.AnyChart:
        """Actors reaching each stage against the window (default grid: up to twice the journey's window), the
        journey's own window marked; hovering a window shows the funnel at that window beside the lines (at the
        journey's own window until then). The same chart as the builder's "Window sweep" tab."""
        journey = self._result.journey
        return charts.window_sweep_chart(
            self._result.window_sweep(windows),
            stages=[s.name for s in journey.stages],
            window_seconds=journey.window.total_seconds(),
        )

    def breakdown(self, *, layout: Literal["side_by_side", "overlaid"] = "side_by_side") -> charts.AnyChart:
        """Conversion from start per segment, with Wilson intervals and significance markers."""
        journey = self._result.journey
        if journey.breakdown is None:
            raise JourneyDefinitionError(
                f"journey {journey.name!r} has no breakdown: run journey.breakdown_by('country') for a breakdown chart"
            )
        return charts.breakdown_chart(self._result.funnel(), layout=layout)
