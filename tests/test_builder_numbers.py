"""The funnel's rows as the editor gets them: a plain funnel as it is; optional stages flagged; with the previous
period, the current period's rows with the previous period's numbers beside them and the change."""

from __future__ import annotations

import json
import math
import typing

import pandas as pd

from journey_widgets.builder.messages import FunnelRow
from journey_widgets.builder.numbers import funnel_rows

NUMBERS = {
    "anonymous_actors": 0,
    "conversion_from_previous": None,
    "in_progress": 0,
    "dropped_off": 0,
    "median_seconds_from_previous": None,
    "mean_seconds_from_previous": None,
    "p90_seconds_from_previous": None,
}


def funnel(rows: list[dict]) -> pd.DataFrame:
    """A funnel table (its columns in the order of docs/ARCHITECTURE.md) from the columns each row names."""
    frame = pd.DataFrame([NUMBERS | row for row in rows])
    leading = [c for c in ("period", "breakdown", "stage_index", "stage", "optional", "actors") if c in frame]
    return frame[leading + [c for c in frame if c not in leading]]


def test_a_plain_funnel_is_sent_as_it_is_with_nulls_as_none():
    frame = funnel(
        [
            {"stage_index": 1, "stage": "Visited", "actors": 10, "conversion_from_start": 1.0},
            {"stage_index": 2, "stage": "Met", "actors": 4, "conversion_from_start": 0.4, "dropped_off": 6},
        ]
    )
    frame.loc[1, "median_seconds_from_previous"] = 30.0
    rows = funnel_rows(frame)
    assert [r["actors"] for r in rows] == [10, 4] and rows[1]["dropped_off"] == 6
    assert rows[0]["median_seconds_from_previous"] is None and rows[1]["median_seconds_from_previous"] == 30.0
    assert set(rows[0]) == set(frame.columns)  # no period: nothing added
    json.dumps(rows, allow_nan=False)


def test_optional_stages_keep_their_flag_as_a_boolean():
    frame = funnel(
        [
            {"stage_index": 1, "stage": "V", "optional": False, "actors": 3, "conversion_from_start": 1.0},
            {"stage_index": 2, "stage": "F", "optional": True, "actors": 2, "conversion_from_start": 2 / 3},
            {"stage_index": 3, "stage": "M", "optional": False, "actors": 2, "conversion_from_start": 2 / 3},
        ]
    )
    rows = funnel_rows(frame)
    assert [r["optional"] for r in rows] == [False, True, False]
    assert all(type(r["optional"]) is bool for r in rows)


def compared_funnel(**change_columns: list) -> pd.DataFrame:
    """Two stages in two segments ("US" and null; "DE" only in the current period), previous period first."""
    rows = [
        {"period": "previous", "breakdown": "US", "stage_index": 1, "actors": 100, "conversion_from_start": 1.0},
        {"period": "previous", "breakdown": "US", "stage_index": 2, "actors": 30, "conversion_from_start": 0.3},
        {"period": "previous", "breakdown": None, "stage_index": 1, "actors": 50, "conversion_from_start": 1.0},
        {"period": "previous", "breakdown": None, "stage_index": 2, "actors": 10, "conversion_from_start": 0.2},
        {"period": "current", "breakdown": "US", "stage_index": 1, "actors": 100, "conversion_from_start": 1.0},
        {"period": "current", "breakdown": "US", "stage_index": 2, "actors": 40, "conversion_from_start": 0.4},
        {"period": "current", "breakdown": "DE", "stage_index": 1, "actors": 20, "conversion_from_start": 1.0},
        {"period": "current", "breakdown": "DE", "stage_index": 2, "actors": 5, "conversion_from_start": 0.25},
        {"period": "current", "breakdown": None, "stage_index": 1, "actors": 40, "conversion_from_start": 1.0},
        {"period": "current", "breakdown": None, "stage_index": 2, "actors": 4, "conversion_from_start": 0.1},
    ]
    for row in rows:
        row["stage"] = f"Stage {row['stage_index']}"
    frame = funnel(rows)
    for column, values in change_columns.items():
        frame[column] = [None] * 4 + values  # null on the previous period's rows
    return frame


def test_with_the_previous_period_the_current_rows_carry_the_previous_numbers_and_the_change():
    rows = funnel_rows(compared_funnel())
    assert [(r["breakdown"], r["stage_index"]) for r in rows] == [
        ("US", 1),
        ("US", 2),
        ("DE", 1),
        ("DE", 2),
        (None, 1),
        (None, 2),
    ]
    assert all("period" not in r for r in rows)
    assert [r["actors"] for r in rows] == [100, 40, 20, 5, 40, 4]  # the current period's
    assert [r["previous_actors"] for r in rows] == [100, 30, None, None, 50, 10]  # the null segment matched too
    assert [r["previous_conversion_from_start"] for r in rows] == [1.0, 0.3, None, None, 1.0, 0.2]
    changes = [r["conversion_from_start_change"] for r in rows]
    assert [None if c is None else round(c, 9) for c in changes] == [0.0, 0.1, None, None, 0.0, -0.1]
    assert "p_value" not in rows[0]  # not computed: not made up
    json.dumps(rows, allow_nan=False)


def test_the_tables_own_change_and_p_values_are_kept():
    frame = compared_funnel(
        conversion_from_start_change=[0.0, 0.1, 0.0, None, 0.0, -0.1],
        p_value=[None, 0.14, None, None, None, 0.3],
        p_value_holm=[None, 0.28, None, None, None, 0.3],
    )
    frame.loc[5, "conversion_from_start_change"] = 0.125  # the table's own number wins over a difference
    rows = funnel_rows(frame)
    assert rows[1]["conversion_from_start_change"] == 0.125
    assert rows[1]["p_value"] == 0.14 and rows[1]["p_value_holm"] == 0.28
    assert rows[3]["p_value"] is None and rows[0]["p_value_holm"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for r in rows for v in r.values())


def test_without_a_breakdown_rows_match_by_stage_and_optional_rows_keep_their_flag():
    frame = funnel(
        [
            {"period": p, "stage_index": k, "stage": f"S{k}", "optional": k == 2, "actors": n}
            | {"conversion_from_start": c}
            for p, k, n, c in [
                ("current", 1, 10, 1.0),
                ("current", 2, 6, 0.6),
                ("current", 3, 5, 0.5),
                ("previous", 1, 20, 1.0),
                ("previous", 2, 8, 0.4),
                ("previous", 3, 5, 0.25),
            ]
        ]
    )
    rows = funnel_rows(frame)
    assert [(r["stage_index"], r["optional"], r["previous_actors"]) for r in rows] == [
        (1, False, 20),
        (2, True, 8),
        (3, False, 5),
    ]
    assert round(rows[2]["conversion_from_start_change"], 9) == 0.25


def test_every_key_sent_is_a_funnel_row_key():
    keys = set(typing.get_type_hints(FunnelRow))
    changes = {"conversion_from_start_change": [0.0] * 6, "p_value": [0.5] * 6, "p_value_holm": [0.5] * 6}
    frame = compared_funnel(**changes).assign(optional=False)
    assert set(funnel_rows(frame)[0]) <= keys
