"""How long an edit in the builder takes to show a refreshed result, on 1M sample events.

Run: .venv/bin/python benchmarks/widget_refresh.py [--events 1000000] [--edits 20]

Measures, in the kernel process, from the journey trait changing (what a browser edit does) to the
new funnel being set on the widget and chart: the 300 ms debounce plus the backend query. The
browser's own drawing of the chart (tens of ms) is not included.
"""

from __future__ import annotations

import argparse
import statistics
import time

from journey_widgets import Journey, sample_events, step
from journey_widgets.widget import DEBOUNCE_SECONDS, JourneyBuilder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    events, identity = sample_events(args.events)
    journey = (
        Journey("Visitor to customer")
        .stage("Visited", step("page_visited", anonymous=True))
        .stage("Converted", "form_submission")
        .stage("Met", "meeting_booked", "sequence_meeting_booked")
        .stage("Won", step("deal_stage_changed", deal_stage="closedwon"))
    )
    builder = JourneyBuilder(events, journey, identity=identity)
    builder.wait()
    refresh = []
    for edit in range(args.edits):
        document = builder.editor.journey | {"window": f"P{10 + edit}D"}
        started = time.perf_counter()
        builder.editor.journey = document
        builder.wait()
        refresh.append(time.perf_counter() - started)
        assert builder.result.journey.window.days == 10 + edit
    median = statistics.median(refresh)
    print(f"events={args.events:,} edits={args.edits}")
    print(
        f"edit -> refreshed result: median {median * 1000:.0f} ms (min {min(refresh) * 1000:.0f}, "
        f"max {max(refresh) * 1000:.0f}), of which debounce {DEBOUNCE_SECONDS * 1000:.0f} ms"
    )
    print(f"query and chart alone: median {(median - DEBOUNCE_SECONDS) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
