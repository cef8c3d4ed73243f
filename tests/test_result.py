"""A result's methods and ``Journey.to_sql`` refuse bad arguments with :class:`ArgumentError` naming the culprit
(test ids ``usage-*``)."""

from __future__ import annotations

import functools

import pytest
from inputs import EVENTS, VISIT_TO_FORM, assert_raises, case

from journey_widgets import ArgumentError


@functools.cache
def _result():
    return VISIT_TO_FORM.run(EVENTS)


USAGE_CASES = [
    case(
        "usage-to-sql-unknown-table",
        lambda: _result().to_sql(table="nonsense"),
        ArgumentError,
        "table must be one of 'funnel', 'branches', 'paths', 'trend', 'time_histogram', 'actors', got 'nonsense'",
    ),
    case(
        "usage-to-sql-option-of-another-table",
        lambda: _result().to_sql("trino", period="month"),
        ArgumentError,
        "table='funnel' takes no period=: period= is an option of table='trend'",
    ),
    case(
        "usage-to-sql-unknown-option",
        lambda: _result().to_sql("trino", table="trend", perod="month"),
        ArgumentError,
        "table='trend' takes no perod=: no table takes perod= (the options are period=, bins=, stage=, dropped=)",
    ),
    case(
        "usage-to-sql-actors-without-stage",
        lambda: _result().to_sql("trino", table="actors", dropped=True),
        ArgumentError,
        "table='actors' needs stage=",
    ),
    case(
        "usage-to-sql-histogram-no-bins",
        lambda: _result().to_sql("trino", table="time_histogram", bins=0),
        ArgumentError,
        "bins must be",
        "got 0",
    ),
    case(
        "usage-to-sql-trend-by-year",
        lambda: _result().to_sql("postgres", table="trend", period="year"),
        ArgumentError,
        "period must be 'day', 'week' or",
    ),
    case(
        "usage-journey-to-sql-option-of-another-table",
        lambda: VISIT_TO_FORM.to_sql("bigquery", events="web.events", table="paths", stage=2),
        ArgumentError,
        "table='paths' takes no stage=: stage= is an option of table='actors'",
    ),
    case(
        "usage-to-sql-unknown-dialect",
        lambda: _result().to_sql("oracle9"),
        ArgumentError,
        "unknown SQL dialect 'oracle9'",
        "'bigquery'",
    ),
    case(
        "usage-journey-to-sql-unknown-dialect",
        lambda: VISIT_TO_FORM.to_sql("nonsense", events=EVENTS),
        ArgumentError,
        "unknown SQL dialect 'nonsense'",
    ),
    case("usage-trend-by-year", lambda: _result().trend("year"), ArgumentError, "period must be 'day', 'week' or"),
    case("usage-histogram-no-bins", lambda: _result().time_histogram(0), ArgumentError, "bins must be", "got 0"),
    case("usage-actors-stage-out-of-range", lambda: _result().actors(9), ArgumentError, "stage 9 is out of range"),
    case("usage-actors-unknown-stage-name", lambda: _result().actors("Won"), ArgumentError, "no stage named 'Won'"),
]


@pytest.mark.parametrize(("action", "error", "needles"), USAGE_CASES)
def test_usage_errors(action, error, needles):
    assert_raises(action, error, needles)
