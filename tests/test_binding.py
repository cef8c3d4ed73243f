"""Data binding: the table is checked against the schema and the journey before any query runs."""

from __future__ import annotations

import pandas as pd
import pytest

from journey_widgets import DataBindingError, Journey, UnknownEventWarning, prop, step
from journey_widgets.binding import EventSchema, bind_events


def _events(**overrides) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "event_type": ["page_visited", "form_submission"],
            "occurred_at": pd.to_datetime(["2026-01-01", "2026-01-02"], utc=True),
            "contact_id": pd.array([1, 1], dtype="Int64"),
            "visitor_id": ["v1", "v1"],
            "deal_id": pd.array([None, None], dtype="Int64"),
            "country": ["US", None],
            "amount": [1.5, None],
        }
    )
    for name, value in overrides.items():
        if value is None:
            frame = frame.drop(columns=name)
        else:
            frame[name] = value
    return frame


JOURNEY = Journey("J").stage("Visited", "page_visited").stage("Converted", "form_submission")


def test_good_table_binds():
    bound = bind_events(_events(), JOURNEY)
    assert "country" in bound.properties and "event_type" not in bound.properties


@pytest.mark.parametrize(
    ("events", "journey", "message"),
    [
        (_events(event_type=None), JOURNEY, "no column 'event_type' for the role 'event_type'"),
        (
            _events(occurred_at=["2026-01-01", "2026-01-02"]),
            JOURNEY,
            "column 'occurred_at' (occurred_at) has type string, expected timestamp",
        ),
        (_events(contact_id=[1.5, 2.5]), JOURNEY, "'contact_id' (contact_id) holds ids that are not whole numbers"),
        (
            _events(),
            JOURNEY.stage("Won", step("deal_stage_changed", deal_stage="closedwon")),
            "stage 3 ('Won'), step 1 (deal_stage_changed), filter 1 (deal_stage eq): unknown property 'deal_stage'",
        ),
        (
            _events(),
            Journey("J").stage("A", step("payment_succeeded", prop("amount") > "ten")),
            "value 'ten' does not fit column 'amount'",
        ),
        (_events(), Journey("J").stage("A", step("page_visited", country=3)), "value 3 does not fit column 'country'"),
        (
            _events(),
            Journey("J").stage("A", step("page_visited", prop("amount").contains("1"))),
            "'contains' needs a text column but 'amount' is float64",
        ),
        (_events(), JOURNEY.breakdown_by("browser"), "breakdown: unknown property 'browser'"),
        (_events(), JOURNEY.breakdown_by("visitor_id"), "it plays a role in the schema"),
        (_events(), JOURNEY.holding_constant("country", "sku"), "hold_constant 2: unknown property 'sku'"),
        (_events(deal_id=None), JOURNEY.for_deals(), "a deal journey needs a deal_id column"),
        (_events(_jw_t=[1, 2]), JOURNEY, "reserved"),
    ],
)
def test_bad_tables_name_the_culprit(events, journey, message):
    with pytest.raises(DataBindingError) as error:
        bind_events(events, journey)
    assert message in str(error.value)


def test_event_in_neither_catalog_nor_data_warns_with_close_matches():
    events = _events(event_type=["my_custom_event", "form_submission"])
    with pytest.warns(UnknownEventWarning) as caught:
        bind_events(events, Journey("J").stage("A", "my_custom_evnt").stage("B", "form_submision"))
    messages = sorted(str(w.message) for w in caught if w.category is UnknownEventWarning)
    assert len(messages) == 2, messages
    assert messages[0].startswith("stage 1 ('A'), step 1 (my_custom_evnt): unknown event type 'my_custom_evnt'")
    assert "did you mean 'my_custom_event'" in messages[0]  # from the data's own types
    assert "did you mean 'form_submission'" in messages[1]  # from the catalog


def test_custom_event_present_in_data_is_accepted():
    events = _events(event_type=["my_custom_event", "form_submission"])
    bind_events(events, Journey("J").stage("A", "my_custom_event"))


def test_schema_maps_user_columns():
    events = _events().rename(columns={"event_type": "kind", "occurred_at": "ts", "contact_id": "person"})
    schema = EventSchema(event_type="kind", occurred_at="ts", contact_id="person")
    result = JOURNEY.run(events, schema=schema)
    assert result.funnel().actors.tolist() == [1, 1]


def test_identity_types_must_match():
    identity = pd.DataFrame({"visitor_id": ["v1"], "contact_id": ["c1"]})
    with pytest.raises(DataBindingError, match="must match"):
        bind_events(_events(), JOURNEY, identity=identity)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataBindingError, match="does not exist"):
        bind_events(tmp_path / "nope.parquet", JOURNEY)
