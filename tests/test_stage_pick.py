"""Clicks on the builder's funnel chart: the bars' click selection and the drill-down a click asks for."""

from __future__ import annotations

import pandas as pd

from journey_widgets.builder.stage_pick import PICK, pickable, picked
from journey_widgets.charts import funnel_chart

REACHED_2 = {"stage_index": 2, "segment": "Reached"}


def test_every_click_picks_its_bar_whether_it_adds_or_removes_it():
    assert picked([], [REACHED_2]) == {"stage": 2, "group": "reached"}
    assert picked([REACHED_2], []) == {"stage": 2, "group": "reached"}  # the same bar clicked again
    dropped_3 = {"stage_index": 3, "segment": "Dropped off"}
    assert picked([REACHED_2], [REACHED_2, dropped_3]) == {"stage": 3, "group": "dropped_off"}
    assert picked([], [{"stage_index": 3, "segment": "In progress"}]) == {"stage": 3, "group": "in_progress"}


def test_a_breakdown_bar_picks_its_segment_and_nothing_else_picks():
    assert picked([], [{"stage_index": 1, "breakdown": None}]) == {"stage": 1, "group": "reached", "segment": None}
    assert picked([REACHED_2], [REACHED_2]) is None
    assert picked([REACHED_2, {"stage_index": 1, "segment": "Reached"}], []) is None  # a cleared selection
    assert picked([], [{"unexpected": 1}]) is None


def test_the_funnel_bars_take_clicks():
    funnel = pd.DataFrame(
        {
            "stage_index": [1, 2],
            "stage": ["A", "B"],
            "actors": [10, 4],
            "anonymous_actors": [0, 0],
            "conversion_from_previous": [1.0, 0.4],
            "conversion_from_start": [1.0, 0.4],
            "in_progress": [0, 1],
            "dropped_off": [0, 5],
            **{f"{m}_seconds_from_previous": [None, 60.0] for m in ("median", "mean", "p90")},
        }
    )
    spec = pickable(funnel_chart(funnel), segments=False).to_dict()
    (param,) = spec["params"]
    assert param["name"] == PICK and param["select"]["fields"] == ["stage_index", "segment"]
    assert param["select"]["toggle"] == "true" and spec["config"]["bar"]["cursor"] == "pointer"
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert param["views"] == [bars["name"]]
