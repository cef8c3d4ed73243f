"""Data binding: the table is checked against the schema and the journey before any query runs.

Groups (test ids): ``data-*`` (bad events and identity tables: the one right error class, its message naming the
culprit), ``warning-*`` (unknown event types and naive times warn and the journey runs), and accepted data
(nulls, duplicates, time zones, dtypes, identity stitching) pinned by positive tests.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from typing import Any

import ibis
import pandas as pd
import pyarrow as pa
import pytest
from inputs import (
    EVENTS,
    IDENTITY,
    VISIT_TO_FORM,
    assert_raises,
    case,
    doc,
    load,
    run,
    small_events,
    step_doc,
    utc,
    with_columns,
)

from journey_widgets import DataBindingError, Journey, JourneyWarning, UnknownEventWarning, prop, step
from journey_widgets.binding import EventSchema, bind_events
from journey_widgets.errors import NaiveTimestampWarning
from journey_widgets.sample import write_sample


def _two_events(**overrides: Any) -> pd.DataFrame:
    """Two events of contact 1 (the first checks of binding)."""
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
    return with_columns(frame, **overrides)


JOURNEY = Journey("J").stage("Visited", "page_visited").stage("Converted", "form_submission")


def test_good_table_binds():
    bound = bind_events(_two_events(), JOURNEY)
    assert "country" in bound.properties and "event_type" not in bound.properties


@pytest.mark.parametrize(
    ("events", "journey", "message"),
    [
        (_two_events(event_type=None), JOURNEY, "no column 'event_type' for the role 'event_type'"),
        (
            _two_events(occurred_at=["2026-01-01", "2026-01-02"]),
            JOURNEY,
            "column 'occurred_at' (occurred_at) has type string, expected timestamp",
        ),
        (_two_events(contact_id=[1.5, 2.5]), JOURNEY, "'contact_id' (contact_id) holds ids that are not whole numbers"),
        (
            _two_events(),
            JOURNEY.stage("Won", step("deal_stage_changed", deal_stage="closedwon")),
            "stage 3 ('Won'), step 1 (deal_stage_changed), filter 1 (deal_stage eq): unknown property 'deal_stage'",
        ),
        (
            _two_events(),
            Journey("J").stage("A", step("payment_succeeded", prop("amount") > "ten")),
            "value 'ten' does not fit column 'amount'",
        ),
        (
            _two_events(),
            Journey("J").stage("A", step("page_visited", country=3)),
            "value 3 does not fit column 'country'",
        ),
        (
            _two_events(),
            Journey("J").stage("A", step("page_visited", prop("amount").contains("1"))),
            "'contains' needs a text column but 'amount' is float64",
        ),
        (_two_events(), JOURNEY.breakdown_by("browser"), "breakdown: unknown property 'browser'"),
        (_two_events(), JOURNEY.breakdown_by("visitor_id"), "it plays a role in the schema"),
        (_two_events(), JOURNEY.holding_constant("country", "sku"), "hold_constant 2: unknown property 'sku'"),
        (_two_events(deal_id=None), JOURNEY.for_deals(), "a deal journey needs a deal_id column"),
        (_two_events(_jw_t=[1, 2]), JOURNEY, "reserved"),
    ],
)
def test_bad_tables_name_the_culprit(events, journey, message):
    with pytest.raises(DataBindingError) as error:
        bind_events(events, journey)
    assert message in str(error.value)


def test_event_in_neither_catalog_nor_data_warns_with_close_matches():
    events = _two_events(event_type=["my_custom_event", "form_submission"])
    with pytest.warns(UnknownEventWarning) as caught:
        bind_events(events, Journey("J").stage("A", "my_custom_evnt").stage("B", "form_submision"))
    messages = sorted(str(w.message) for w in caught if w.category is UnknownEventWarning)
    assert len(messages) == 2, messages
    assert messages[0].startswith("stage 1 ('A'), step 1 (my_custom_evnt): unknown event type 'my_custom_evnt'")
    assert "did you mean 'my_custom_event'" in messages[0]  # from the data's own types
    assert "did you mean 'form_submission'" in messages[1]  # from the catalog


def test_custom_event_present_in_data_is_accepted():
    events = _two_events(event_type=["my_custom_event", "form_submission"])
    bind_events(events, Journey("J").stage("A", "my_custom_event"))


def test_schema_maps_user_columns():
    events = _two_events().rename(columns={"event_type": "kind", "occurred_at": "ts", "contact_id": "person"})
    schema = EventSchema(event_type="kind", occurred_at="ts", contact_id="person")
    result = JOURNEY.run(events, schema=schema)
    assert result.funnel().actors.tolist() == [1, 1]


def test_identity_types_must_match():
    identity = pd.DataFrame({"visitor_id": ["v1"], "contact_id": ["c1"]})
    with pytest.raises(DataBindingError, match="must match"):
        bind_events(_two_events(), JOURNEY, identity=identity)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DataBindingError, match="does not exist"):
        bind_events(tmp_path / "nope.parquet", JOURNEY)


# ---------------------------------------------------------------------------------------- data-*
B = DataBindingError

DATA_CASES = [
    case(
        "data-missing-event-type-column",
        lambda: run(small_events(event_type=None)),
        B,
        "the events table has no column 'event_type' for the role 'event_type'",
        "'occurred_at'",
    ),
    case(
        "data-missing-occurred-at-column",
        lambda: run(small_events(occurred_at=None)),
        B,
        "no column 'occurred_at' for the role 'occurred_at'",
    ),
    case(
        "data-missing-mapped-contact-column",
        lambda: run(EVENTS, schema=EventSchema(contact_id="person")),
        B,
        "no column 'person' for the role 'contact_id'",
    ),
    case(
        "data-missing-mapped-event-column",
        lambda: run(EVENTS, schema=EventSchema(event_type="kind")),
        B,
        "no column 'kind' for the role 'event_type'",
    ),
    case(
        "data-no-actor-columns",
        lambda: run(small_events(contact_id=None, visitor_id=None)),
        B,
        "a contact journey needs a contact_id or a visitor_id column",
    ),
    case(
        "data-deal-journey-without-deal-column",
        lambda: run(small_events(deal_id=None), Journey("D").stage("Won", "deal_stage_changed").for_deals()),
        B,
        "a deal journey needs a deal_id column",
    ),
    case("data-reserved-column-name", lambda: run(small_events(_jw_t=1)), B, "reserved", "'_jw_t'"),
    case(
        "data-text-timestamps",
        lambda: run(small_events(occurred_at=["2026-01-01 10:00"] * 6)),
        B,
        "column 'occurred_at' (occurred_at) has type string, expected timestamp",
        "as_timestamp",
    ),
    case(
        "data-integer-timestamps",
        lambda: run(small_events(occurred_at=range(6))),
        B,
        "column 'occurred_at' (occurred_at) has type int64, expected timestamp; if these are epoch seconds",
        "pd.to_datetime(df['occurred_at'], unit='s', utc=True)",
    ),
    case(
        "data-date-timestamps",
        lambda: run(small_events(occurred_at=[dt.date(2026, 1, d) for d in range(1, 7)])),
        B,
        "column 'occurred_at' (occurred_at) has type date, expected timestamp",
        "pd.to_datetime(df['occurred_at'], utc=True)",
    ),
    case(
        "data-schema-dict-with-an-unknown-role",
        lambda: run(EVENTS, schema={"person": "contact_id"}),
        B,
        "schema: unknown roles ['person']",
        "contact_id",
    ),
    case("data-schema-not-a-mapping", lambda: run(EVENTS, schema="contact_id"), B, "schema must be an EventSchema"),
    case(
        "data-renamed-timestamp-as-text",
        lambda: run(small_events(occurred_at=None, ts=["2026-01-01"] * 6), schema=EventSchema(occurred_at="ts")),
        B,
        "column 'ts' (occurred_at) has type string",
    ),
    case(
        "data-integer-event-types",
        lambda: run(small_events(event_type=range(6))),
        B,
        "column 'event_type' (event_type) has type int64, expected string",
    ),
    case(
        "data-float-contact-ids",
        lambda: run(small_events(contact_id=[1.5] * 6)),
        B,
        "events column 'contact_id' (contact_id) holds ids that are not whole numbers below 2**53 (e.g. 1.5)",
        "astype('string')",
    ),
    case(
        "data-float-contact-ids-beyond-exact-floats",
        lambda: run(small_events(contact_id=[2.0**60] * 6)),
        B,
        "'contact_id' (contact_id) holds ids that are not whole numbers below 2**53",
    ),
    case(
        "data-float-identity-contact-ids",
        lambda: run(EVENTS, identity=IDENTITY.assign(contact_id=[3.25])),
        B,
        "identity column 'contact_id' (contact_id) holds ids that are not whole numbers",
        "3.25",
    ),
    case(
        "data-contact-ids-mixing-text-and-numbers",
        lambda: run(small_events(contact_id=pd.Series([1, "c2", 3, "4", None, None], dtype=object))),
        B,
        "column 'contact_id' (contact_id)",
        "mixes value types",
    ),
    case(
        "data-visitor-ids-mixing-text-and-numbers",
        lambda: run(small_events(visitor_id=pd.Series(["v1", 2, "v3", 4.5, None, None], dtype=object))),
        B,
        "column 'visitor_id' (visitor_id)",
        "mixes value types",
    ),
    case(
        "data-boolean-visitor-ids",
        lambda: run(small_events(visitor_id=[True] * 6)),
        B,
        "column 'visitor_id' (visitor_id) has type boolean",
    ),
    case(
        "data-empty-untyped-table",
        lambda: run(pd.DataFrame(columns=["event_type", "occurred_at", "contact_id"])),
        B,
        "column 'event_type' (event_type) has type",
        "expected string",
    ),
    case(
        "data-identity-missing-visitor-column",
        lambda: run(EVENTS, identity=IDENTITY.rename(columns={"visitor_id": "cookie"})),
        B,
        "the identity table has no column 'visitor_id'",
        "'cookie'",
    ),
    case(
        "data-identity-missing-contact-column",
        lambda: run(EVENTS, identity=IDENTITY.drop(columns="contact_id")),
        B,
        "the identity table has no column 'contact_id'",
    ),
    case(
        "data-identity-without-events-visitor-column",
        lambda: run(small_events(visitor_id=None), identity=IDENTITY),
        B,
        "an identity table needs a visitor_id column in the events table",
    ),
    case(
        "data-identity-contact-type-mismatch",
        lambda: run(EVENTS, identity=IDENTITY.assign(contact_id=["c3"])),
        B,
        "identity column 'contact_id' has type string but the events' 'contact_id' has type int64",
    ),
    case(
        "data-identity-ids-mixing-text-and-numbers",
        lambda: run(EVENTS, identity=pd.DataFrame({"visitor_id": ["v3", "v4"], "contact_id": [3, "c4"]})),
        B,
        "identity column 'contact_id'",
    ),
    case(
        "data-events-not-a-table",
        lambda: run({"event_type": "page_visited"}),
        B,
        "cannot use a dict as the events table",
    ),
    case(
        "data-events-none",
        lambda: run(None),
        B,
        "NoneType",
    ),
    case("data-identity-not-a-table", lambda: run(EVENTS, identity=42), B, "cannot use a int as the identity table"),
    case(
        "data-events-file-missing",
        lambda: run("/nonexistent-folder/events.parquet"),
        B,
        "the events file '/nonexistent-folder/events.parquet' does not exist",
    ),
    case(
        "data-events-file-unknown-suffix",
        lambda: run(__file__),
        B,
        "cannot read the events file",
        "use .parquet or .csv",
    ),
    case(
        "data-identity-file-missing",
        lambda: run(EVENTS, identity="/nonexistent-folder/identity.csv"),
        B,
        "the identity file '/nonexistent-folder/identity.csv' does not exist",
    ),
    case(
        "data-filter-integer-out-of-range",
        lambda: run(EVENTS, Journey("J").stage("A", step("page_visited", prop("score") > 10**30))),
        B,
        "score",
        "1000000000000000000000000000000",
    ),
    case(
        "data-filter-unreadable-timestamp",
        lambda: run(EVENTS, Journey("J").stage("A", step("page_visited", prop("seen_at") > "not a date"))),
        B,
        "seen_at",
        "'not a date'",
    ),
]


@pytest.mark.parametrize(("action", "error", "needles"), DATA_CASES)
def test_data_errors(action, error, needles):
    assert_raises(action, error, needles)


# ---------------------------------------------------------------------------------------- warning-*
def _journey_warnings(action: Callable[[], Any]) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [str(w.message) for w in caught if issubclass(w.category, JourneyWarning)]


def _without_exclusions() -> dict[str, Any]:
    return doc(exclusions=None)


def _without_second_branch() -> dict[str, Any]:
    data = doc()
    del data["stages"][2]["steps"][1]
    return data


@pytest.mark.parametrize(
    ("document", "needles", "same_as"),
    [
        pytest.param(
            step_doc(0, 0, event="page_visitd"),
            ["stage 1 ('Visited'), step 1 (page_visitd): unknown event type 'page_visitd'", "'page_visited'"],
            None,
            id="warning-unknown-event",
        ),
        pytest.param(
            step_doc(2, 1, event="sequence_meting_booked"),
            ["stage 3 ('Met'), step 2 (sequence_meting_booked)", "did you mean 'sequence_meeting_booked'"],
            _without_second_branch(),
            id="warning-unknown-event-second-branch",
        ),
        pytest.param(
            doc(exclusions=[{"event": "spam_reported", "between": [1, 3]}]),
            ["exclusion 1 (spam_reported): unknown event type 'spam_reported'", "'email_spam_reported'"],
            _without_exclusions(),
            id="warning-unknown-event-in-exclusion",
        ),
    ],
)
def test_unknown_event_types_warn_once_and_match_nothing(document, needles, same_as):
    found = _journey_warnings(lambda: load(document))
    assert len(found) == 1 and all(n in found[0] for n in needles), found
    assert "in neither the step catalog nor the events data" in found[0]
    with pytest.warns(UnknownEventWarning):
        actors = run(EVENTS, Journey.from_dict(document)).actors.tolist()
    assert actors == ([] if same_as is None else run(EVENTS, Journey.from_dict(same_as)).actors.tolist())
    assert same_as is None or actors[0] > 0


def test_custom_event_absent_from_an_empty_table_warns():
    journey = Journey("J").stage("A", "webinar_joined")
    found = _journey_warnings(lambda: run(EVENTS.iloc[:0], journey))
    assert found == [
        "stage 1 ('A'), step 1 (webinar_joined): unknown event type 'webinar_joined': in neither the step catalog "
        "nor the events data, so it matches no event"
    ]
    with pytest.warns(UnknownEventWarning):
        assert run(EVENTS.iloc[:0], journey).actors.tolist() == [0]


def test_sql_for_a_table_declared_without_data_warns_against_the_catalog_only():
    warehouse = ibis.table(ibis.memtable(EVENTS).schema(), name="web_events")
    journey = Journey("J").stage("A", "page_visited").stage("B", "webinar_joined")
    found = _journey_warnings(lambda: journey.to_sql("snowflake", events=warehouse))
    assert found == ["stage 2 ('B'), step 1 (webinar_joined): unknown event type 'webinar_joined': not in the step "
                     "catalog (the data was not read)"]  # fmt: skip


def test_the_warning_points_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Journey("J").stage("A", "page_visited").stage("B", "page_visitd").run(EVENTS).funnel()
    (warning,) = [w for w in caught if w.category is UnknownEventWarning]
    assert warning.filename == __file__


def test_naive_times_are_read_as_utc_with_one_warning():
    naive = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_localize(None))
    found = _journey_warnings(lambda: run(naive))
    assert found == [
        "events column 'occurred_at' has no time zone: its times are read as UTC (if they are local times, give "
        "them their zone first, e.g. df['occurred_at'].dt.tz_localize('Europe/Oslo'))"
    ]
    assert _journey_warnings(lambda: run(EVENTS)) == []  # aware times: nothing to say


def test_schema_as_a_plain_dict_maps_columns():
    renamed = EVENTS.rename(columns={"contact_id": "person"})
    assert _paths(renamed.assign(contact_id=renamed.person).drop(columns="person")) == _paths(EVENTS)
    assert run(renamed, schema={"contact_id": "person"}).actors.tolist() == run(EVENTS).actors.tolist()


# ---------------------------------------------------------------------------------------- accepted data
def _paths(events: Any, identity: Any = None, journey: Journey = VISIT_TO_FORM) -> list[tuple]:
    paths = journey.run(events, identity=identity).paths()
    return sorted(
        (row.actor_id, row.is_anonymous, row.depth, row.reached_at_1, row.reached_at_2)
        for row in paths.itertuples(index=False)
    )


def test_null_timestamps_are_ignored():
    with_nulls = pd.concat([EVENTS, EVENTS.assign(occurred_at=pd.NaT, contact_id=pd.array([7] * 6, dtype="Int64"))])
    assert _paths(with_nulls) == _paths(EVENTS)


def test_events_with_no_actor_are_ignored():
    orphans = EVENTS.assign(
        contact_id=pd.array([None] * 6, dtype="Int64"), visitor_id=pd.Series([None] * 6, dtype="string")
    )
    assert _paths(pd.concat([EVENTS, orphans])) == _paths(EVENTS)


def test_duplicate_rows_count_their_actor_once():
    doubled = pd.concat([EVENTS, EVENTS, EVENTS.iloc[:2]])
    assert _paths(doubled) == _paths(EVENTS)
    assert run(doubled).actors.tolist() == run(EVENTS).actors.tolist() == [3, 1]


def test_naive_timestamps_are_utc():
    naive = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_localize(None))
    with pytest.warns(NaiveTimestampWarning):
        assert _paths(naive) == _paths(EVENTS)


def test_other_time_zones_are_compared_in_utc():
    oslo = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_convert("Europe/Oslo"))
    assert _paths(oslo) == _paths(EVENTS)


def test_naive_events_with_an_aware_identity_map_and_back():
    naive = EVENTS.assign(occurred_at=EVENTS.occurred_at.dt.tz_localize(None))
    naive_identity = IDENTITY.assign(identified_at=IDENTITY.identified_at.dt.tz_localize(None))
    expected = _paths(EVENTS, IDENTITY)
    assert ("3", False, 1) in [p[:3] for p in expected]  # visitor v3 is stitched to contact 3
    with pytest.warns(NaiveTimestampWarning, match="events column 'occurred_at'"):
        from_naive_events = _paths(naive, IDENTITY)
    assert from_naive_events == _paths(EVENTS, naive_identity) == expected


def test_naive_and_aware_values_in_one_column_are_utc():
    mixed = EVENTS.assign(
        occurred_at=pd.Series(
            [t.tz_localize(None) if i % 2 else t for i, t in enumerate(EVENTS.occurred_at)], dtype=object
        )
    )
    assert _paths(mixed) == _paths(EVENTS)


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param([1.0, 1.0, 1.0, 2.0, None, None], id="float64-with-nan"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="Float64"), id="pandas-Float64"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="int64[pyarrow]"), id="arrow-int64"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="double[pyarrow]"), id="arrow-double"),
        pytest.param(pd.array([1, 1, 1, 2, None, None], dtype="Int32"), id="pandas-Int32"),
    ],
)
def test_whole_number_ids_of_any_dtype_are_integers(ids):
    assert _paths(small_events(contact_id=ids), IDENTITY) == _paths(EVENTS, IDENTITY)
    float_identity = IDENTITY.assign(contact_id=[3.0])
    assert _paths(small_events(contact_id=ids), float_identity) == _paths(EVENTS, IDENTITY)


def test_arrow_backed_strings_and_times_are_accepted():
    arrow = EVENTS.assign(
        event_type=EVENTS.event_type.astype("string[pyarrow]"),
        visitor_id=EVENTS.visitor_id.astype(pd.ArrowDtype(pa.string())),
        occurred_at=EVENTS.occurred_at.astype(pd.ArrowDtype(pa.timestamp("us", tz="UTC"))),
    )
    assert _paths(arrow) == _paths(EVENTS)


def test_sample_parquet_read_with_pandas_runs_like_the_file(tmp_path):
    """pd.read_parquet turns the nullable int64 contact_id into float64 (issue 14)."""
    paths = write_sample(tmp_path, 3_000, seed=3)
    events, identity = pd.read_parquet(paths.events), pd.read_parquet(paths.identity)
    assert events.contact_id.dtype == "float64"
    journey = Journey("J").stage("Visited", step("page_visited", anonymous=True)).stage("Converted", "form_submission")
    from_pandas = journey.run(events, identity=identity).funnel()
    from_file = journey.run(str(paths.events), identity=str(paths.identity)).funnel()
    pd.testing.assert_frame_equal(from_pandas, from_file)
    assert from_pandas.actors.iloc[0] > 0


def test_empty_table_gives_an_empty_funnel():
    funnel = run(EVENTS.iloc[:0])
    assert funnel.stage.tolist() == ["Visited", "Converted"] and funnel.actors.tolist() == [0, 0]


def test_custom_event_present_in_the_data_is_accepted():
    assert run(EVENTS, Journey("J").stage("Clicked", step("cta_clicked"))).actors.tolist() == [0]
    events = small_events(event_type=pd.Series(["webinar_joined"] * 6, dtype="string"))
    assert run(events, Journey("J").stage("Joined", "webinar_joined")).actors.tolist() == [2]


@pytest.mark.parametrize(
    ("identified_at", "expected"),
    [
        (["2026-01-02", "2026-01-01"], "6"),  # the first identified wins, whatever the row order
        (["2026-01-01", "2026-01-02"], "5"),
        ([None, "2026-01-02"], "6"),  # an unknown time comes last
        (["2026-01-01", "2026-01-01"], "5"),  # same instant: the smaller contact id
        (None, "5"),  # no identified_at column: the smaller contact id
    ],
    ids=["later-row-first", "earlier-row-first", "null-time-last", "tie-smaller-id", "no-time-column"],
)
def test_visitor_mapped_to_two_contacts_first_identified_wins(identified_at, expected):
    identity = pd.DataFrame(
        {"visitor_id": pd.Series(["v9", "v9"], dtype="string"), "contact_id": pd.array([5, 6], dtype="Int64")}
    )
    if identified_at is not None:
        identity["identified_at"] = utc(*identified_at)
    events = small_events().assign(
        visitor_id=pd.Series(["v9"] * 6, dtype="string"), contact_id=pd.array([None] * 6, dtype="Int64")
    )
    paths = VISIT_TO_FORM.run(events, identity=identity).paths()
    assert paths.actor_id.tolist() == [expected] and not paths.is_anonymous.any()
