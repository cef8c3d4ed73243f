"""Render every chart of ``result.plot`` on sample data to docs/charts/*.png (look at them after a change).

Usage: .venv/bin/python scripts/chart_gallery.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from journey_widgets import Journey, sample_events, step
from journey_widgets.charts import chart_to_png_bytes

EXAMPLE = Path(__file__).parent.parent / "examples" / "visitor_to_customer.json"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    events, identity = sample_events(150_000, seed=5)
    example = Journey.load(EXAMPLE)
    plain = example.model_copy(update={"breakdown": None}).run(events, identity=identity)
    ten_segments = (
        Journey("Visitor to meeting by country")
        .stage("Visited", step("page_visited", anonymous=True))
        .stage("Converted", "form_submission")
        .stage("Met", "meeting_booked", "sequence_meeting_booked")
        .breakdown_by("country", limit=10)
        .run(events, identity=identity)
    )
    charts = {
        "funnel": plain.plot.funnel(),
        "branches": plain.plot.branches(),
        "timing": plain.plot.timing(),
        "timing_histogram": plain.plot.timing(bins=20),
        "trend": plain.plot.trend("week"),
        "example_breakdown_funnel": example.run(events, identity=identity).plot.funnel(),
        "breakdown_10_segments": ten_segments.plot.breakdown(),
        "funnel_10_segments": ten_segments.plot.funnel(),
        "trend_10_segments": ten_segments.plot.trend("month"),
        "timing_10_segments": ten_segments.plot.timing(),
        "funnel_and_trend": plain.plot.funnel() | plain.plot.trend(),
    }
    for name, chart in charts.items():
        (out / f"{name}.png").write_bytes(chart_to_png_bytes(chart, scale=1.0))
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "docs" / "charts")
