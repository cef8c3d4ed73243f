"""Compare result tables from a backend with the reference implementation's, value by value."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from journey_widgets import Journey

REL = 1e-9


def _norm(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_convert("UTC") if value.tzinfo else value.tz_localize("UTC")
    return value.item() if hasattr(value, "item") else value


def _equal(a: Any, b: Any) -> bool:
    a, b = _norm(a), _norm(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= REL * max(1.0, abs(a), abs(b))
    return a == b


def assert_tables_equal(actual: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    """Same columns (in order), same number of rows, equal values (floats to 1e-9 relative)."""
    if expected.empty and not len(expected.columns):
        assert actual.empty, f"{what}: expected no rows, got {len(actual)}"
        return
    assert list(actual.columns) == list(expected.columns), f"{what}: columns {list(actual.columns)}"
    assert len(actual) == len(expected), f"{what}: {len(actual)} rows, expected {len(expected)}\n{actual}\n{expected}"
    for index, (got, want) in enumerate(zip(actual.itertuples(index=False), expected.itertuples(index=False))):
        for column, a, b in zip(expected.columns, got, want):
            assert _equal(a, b), f"{what}: row {index} column {column}: {a!r} != {b!r}\n{actual}\n{expected}"


def run_journey(
    events: Any, journey: dict, identity: Any = None, as_of: Any = None
) -> tuple[dict[str, pd.DataFrame], Any]:
    """The compiled result's tables in the reference's shape (and the result object)."""
    result = Journey.from_dict(journey).run(events, identity=identity, as_of=as_of)
    return {"funnel": result.funnel(), "branches": result.branches(), "paths": result.paths()}, result
