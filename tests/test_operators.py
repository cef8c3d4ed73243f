"""The operator registry is the one source of the filter rules: the model, binding, matching, the catalog
and the builder's menus all agree with it, and every operator's null rule holds on every backend."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import get_args

import pandas as pd
import pytest
from backends import load

from journey_widgets import DataBindingError, Journey, JourneyDefinitionError, prop, step
from journey_widgets.binding import bind_events
from journey_widgets.builder.widget import JourneyEditor
from journey_widgets.catalog import PropertyType
from journey_widgets.model import MAX_HELD, MAX_STAGES, MAX_STEPS, Filter
from journey_widgets.operators import KINDS, OPERATORS, PROPERTY_KINDS, kind_of

#: docs/semantics.md#matching: a null property passes exactly these.
NULL_PASSING = {"neq", "not_in", "not_contains", "is_unknown"}
#: A value of each property kind for a filter, and a column holding it.
VALUES = {"string": "b", "number": 2, "timestamp": "2026-01-02T00:00:00", "boolean": True}


def _events() -> pd.DataFrame:
    """Three contacts: property values a < b, 1 < 2, day 1 < day 2, False/True; contact 3 all null."""
    frame = pd.DataFrame(
        {
            "event_type": ["page_visited"] * 3,
            "occurred_at": pd.to_datetime(["2026-01-05"] * 3, utc=True).astype("datetime64[us, UTC]"),
            "contact_id": pd.array([1, 2, 3], dtype="Int64"),
            "string": pd.Series(["a", "b", None], dtype="string"),
            "number": pd.array([1, 2, None], dtype="Int64"),
            "timestamp": pd.to_datetime(["2026-01-01", "2026-01-02", None]).astype("datetime64[us]"),
            "boolean": pd.array([False, True, None], dtype="boolean"),
            "day": pd.Series([dt.date(2026, 1, 1), dt.date(2026, 1, 2), None], dtype=object),
        }
    )
    return frame


def _value(op: str, kind: str):
    arity = OPERATORS[op].arity
    low = {"string": "a", "number": 1, "timestamp": "2026-01-01T00:00:00", "boolean": False}[kind]
    return {"none": None, "one": VALUES[kind], "list": [VALUES[kind]], "two": [low, VALUES[kind]]}[arity]


def test_the_model_the_schema_and_the_catalog_take_the_registry():
    ids = list(OPERATORS)
    assert list(get_args(Filter.model_fields["op"].annotation)) == ids
    schema = Journey.json_schema()
    assert schema["$defs"]["Filter"]["properties"]["op"]["enum"] == ids
    assert set(get_args(PropertyType)) == set(PROPERTY_KINDS) and set(PROPERTY_KINDS) < set(KINDS)
    assert {op for op, spec in OPERATORS.items() if spec.null_passes} == NULL_PASSING


def test_the_builder_gets_the_registry_and_the_limits_once():
    editor = JourneyEditor()
    assert editor.operators == [spec.to_dict() for spec in OPERATORS.values()]
    assert editor.limits == {"max_stages": MAX_STAGES, "max_steps": MAX_STEPS, "max_held": MAX_HELD}
    timestamp_ops = {o["op"] for o in editor.operators if "timestamp" in o["kinds"]}
    assert {"eq", "neq", "in", "not_in", "gt", "between", "is_known"} <= timestamp_ops  # Python accepts them


def test_the_js_unit_tests_read_the_registry():
    """js/test/operators.json, the registry the JS unit tests give the editor's helpers, is the one the kernel sends."""
    path = Path(__file__).resolve().parent.parent / "js" / "test" / "operators.json"
    assert json.loads(path.read_text(encoding="utf-8")) == [spec.to_dict() for spec in OPERATORS.values()]


@pytest.mark.parametrize("op", list(OPERATORS))
@pytest.mark.parametrize("kind", PROPERTY_KINDS)
def test_binding_accepts_an_operator_exactly_on_its_kinds(op, kind):
    if OPERATORS[op].arity == "two" and kind == "boolean":
        with pytest.raises(JourneyDefinitionError):  # no order on booleans: the model refuses the values
            prop(kind).between(False, True)
        return
    value = _value(op, kind if kind in OPERATORS[op].kinds else OPERATORS[op].kinds[0])  # one the model takes
    journey = Journey("J").stage("A", step("page_visited", Filter(property=kind, op=op, value=value)))
    if kind in OPERATORS[op].kinds:
        bind_events(_events(), journey)
    else:
        with pytest.raises(DataBindingError, match=f"'{op}' needs a .* column but '{kind}' is"):
            bind_events(_events(), journey)


@pytest.mark.parametrize(("op", "kind"), [(o, k) for o, spec in OPERATORS.items() for k in spec.kinds if k != "other"])
def test_null_rule_and_values_on_every_backend(op, kind, connection):
    """Per operator and kind: which contacts match; the all-null contact 3 matches iff the null rule says."""
    events = load(connection, "events", _events())
    journey = Journey("J").stage("A", step("page_visited", Filter(property=kind, op=op, value=_value(op, kind))))
    ids = sorted(journey.run(events).paths().actor_id)
    assert ("3" in ids) == OPERATORS[op].null_passes, ids
    if _expected(op) is not None:
        assert [i for i in ids if i != "3"] == _expected(op), ids


def _expected(op: str) -> list[str] | None:
    """Contacts 1 (low value) and 2 (high value) matched by ``op`` with value high / [high] / [low, high]."""
    return {
        "eq": ["2"], "neq": ["1"], "in": ["2"], "not_in": ["1"], "gt": [], "gte": ["2"], "lt": ["1"],
        "lte": ["1", "2"], "between": ["1", "2"], "is_known": ["1", "2"], "is_unknown": [],
    }.get(op)  # fmt: skip


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (prop("day") >= "2026-01-02", ["2"]),
        (prop("day") == "2026-01-01", ["1"]),
        (prop("day").isin(["2026-01-02"]), ["2"]),
    ],
)
def test_iso_dates_filter_date_columns_on_every_backend(flt, expected, connection):
    events = load(connection, "events", _events())
    assert list(Journey("J").stage("A", step("page_visited", flt)).run(events).paths().actor_id) == expected


def test_a_date_column_refuses_a_date_and_time():
    journey = Journey("J").stage("A", step("page_visited", prop("day") > "2026-01-01T10:00:00"))
    with pytest.raises(
        DataBindingError, match=r"value '2026-01-01T10:00:00' does not fit column 'day' of type date \(give a date"
    ):
        bind_events(_events(), journey)


def test_kinds_of_column_types():
    table = bind_events(_events()).table
    assert {name: kind_of(table[name].type()) for name in VALUES} == {k: k for k in VALUES}
    assert kind_of(table["day"].type()) == "timestamp"
