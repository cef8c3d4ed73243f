"""The data check: exact counts and examples of each problem, computed on the backend."""

from __future__ import annotations

from datetime import UTC, datetime

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import journey_widgets
from journey_widgets import DataBindingError, DataCheck, check
from journey_widgets.binding import EventSchema
from journey_widgets.catalog import Catalog, default_catalog
from journey_widgets.check import Finding
from journey_widgets.errors import NaiveTimestampWarning
from journey_widgets.sample import sample_events

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CHECKS = ["no_actor", "null_timestamp", "future_timestamp", "duplicate_event", "unknown_event_type"]


def _ts(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), utc=True, format="ISO8601")).astype("datetime64[us, UTC]")


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """Events from (event_type, occurred_at, contact_id, visitor_id, deal_id, country) tuples."""
    event, at, contact, visitor, deal, country = zip(*rows)
    return pd.DataFrame(
        {
            "event_type": pd.Series(event, dtype="string"),
            "occurred_at": _ts(*at),
            "contact_id": pd.array(contact, dtype="Int64"),
            "visitor_id": pd.Series(visitor, dtype="string"),
            "deal_id": pd.array(deal, dtype="Int64"),
            "country": pd.Series(country, dtype="string"),
        }
    )


CLEAN = [("page_visited", f"2026-01-{day:02d} 10:00", day, f"v{day}", None, "US") for day in range(1, 11)]
NO_ACTOR = [
    ("page_visited", "2026-02-01 10:00", None, None, None, "DE"),
    ("form_viewed", "2026-02-02 10:00", None, None, None, None),
    ("email_opened", "2026-02-03 10:00", None, None, None, "US"),
]
DEAL_ONLY = [("deal_stage_changed", "2026-02-04 10:00", None, None, 77, None)]  # the deal is an actor
NULL_TIME = [("page_visited", None, 5, "v5", None, "US"), ("form_submission", None, 6, None, None, None)]
FUTURE = [
    ("page_visited", "2026-06-01 12:00:00.000001", 1, "v1", None, "US"),
    ("page_visited", "2026-07-01 00:00", 2, "v2", None, "US"),
    ("meeting_booked", "2027-01-01 00:00", 3, None, None, None),
    ("cta_clicked", "2030-05-05 05:05", None, "v9", None, "NO"),
]
AT_NOW = [("page_visited", "2026-06-01 12:00", 4, "v4", None, "US")]  # exactly now: not in the future
DUPLICATES = [
    *[("cta_viewed", "2026-03-01 09:00", 8, "v8", None, "GB")] * 3,  # 2 extra copies
    *[("email_opened", "2026-03-02 09:00", 9, None, None, None)] * 2,  # 1 extra copy, null property
]
NEAR_DUPLICATES = [  # differ in one column each: not duplicates
    ("cta_viewed", "2026-03-05 09:00", 8, "v8", None, "GB"),
    ("cta_viewed", "2026-03-05 09:00", 8, "v8", None, "FR"),
    ("cta_viewed", "2026-03-05 09:00", 8, None, None, "GB"),
    ("cta_viewed", "2026-03-05 09:00:00.000001", 8, "v8", None, "GB"),
]
UNKNOWN = [
    *[("my_custom_event", f"2026-04-0{i} 10:00", 1, None, None, None) for i in range(1, 4)],
    ("page_visted", "2026-04-05 10:00", 2, None, None, None),
    (None, "2026-04-06 10:00", 3, None, None, None),
]
PROBLEMS = _frame(CLEAN + NO_ACTOR + DEAL_ONLY + NULL_TIME + FUTURE + AT_NOW + DUPLICATES + NEAR_DUPLICATES + UNKNOWN)

IDENTITY = pd.DataFrame(
    {
        "visitor_id": pd.Series(
            ["v1", "v2", "v2", "v3", "v3", "v4", "v4", "v5", None, "v7", "v7", "v7"], dtype="string"
        ),
        "contact_id": pd.array([1, 2, 3, 4, 4, 5, 6, None, 9, 10, 11, 12], dtype="Int64"),
        "identified_at": _ts(
            "2026-01-01",
            "2026-01-02",  # v2 -> 2 later ...
            "2026-01-01",  # ... v2 -> 3 first: 3 is used
            "2026-01-01",
            "2026-01-05",  # v3 -> 4 twice: one contact, fine
            None,  # v4 -> 5 with no time ...
            "2026-02-01",  # ... v4 -> 6 known: 6 is used (nulls last)
            "2026-01-01",  # v5 -> null contact: ignored
            "2026-01-01",  # null visitor: ignored
            "2026-03-01",
            "2026-03-01",  # v7 -> 10, 11 at the same instant, 12 later: the smaller, 10, is used
            "2026-03-02",
        ),
    }
)


def _values(column: pd.Series) -> list:
    """The column as a list, missing values as None."""
    return [None if pd.isna(v) else v for v in column]


@pytest.fixture(scope="module")
def report() -> DataCheck:
    return check(PROBLEMS, IDENTITY, now=NOW)


def test_counts_are_exact(report):
    assert report.rows == len(PROBLEMS)
    assert {f.name: f.count for f in report} == {
        "no_actor": 3,
        "null_timestamp": 2,
        "future_timestamp": 4,
        "duplicate_event": 3,
        "unknown_event_type": 5,
        "visitor_several_contacts": 3,
    }
    assert not report.ok and len(report.problems) == 6


def test_no_actor_examples_are_the_rows_in_time_order(report):
    examples = report["no_actor"].examples
    assert examples.event_type.tolist() == ["page_visited", "form_viewed", "email_opened"]
    assert examples[["contact_id", "visitor_id", "deal_id"]].isna().all().all()
    assert list(examples.columns) == list(PROBLEMS.columns)
    assert "contact_id, no visitor_id, no deal_id" in report["no_actor"].message


def test_null_and_future_timestamp_examples(report):
    assert report["null_timestamp"].examples.event_type.tolist() == ["form_submission", "page_visited"]
    future = report["future_timestamp"].examples
    assert future.event_type.tolist() == ["page_visited", "page_visited", "meeting_booked", "cta_clicked"]
    assert future.occurred_at.iloc[0] == pd.Timestamp("2026-06-01 12:00:00.000001", tz="UTC")
    assert "2026-06-01T12:00:00Z" in report["future_timestamp"].message


def test_duplicate_examples_have_their_copies(report):
    examples = report["duplicate_event"].examples
    assert examples[["event_type", "copies"]].values.tolist() == [["cta_viewed", 3], ["email_opened", 2]]
    assert examples.country.isna().tolist() == [False, True]


def test_unknown_event_types_are_listed_per_type(report):
    examples = report["unknown_event_type"].examples
    assert _values(examples.event_type) == ["my_custom_event", "page_visted", None]
    assert examples.events.tolist() == [3, 1, 1]


def test_several_contacts_names_the_contact_journeys_use(report):
    examples = report["visitor_several_contacts"].examples
    assert examples.visitor_id.tolist() == ["v2", "v4", "v7"]
    assert examples.contacts.tolist() == [2, 2, 3]
    assert examples.used_contact.tolist() == [3, 6, 10]
    assert "first by 'identified_at'" in report["visitor_several_contacts"].message


def test_the_used_contact_is_the_one_the_journey_stitches():
    from journey_widgets import Journey, step

    events = _frame(
        [("page_visited", f"2026-05-0{i} 10:00", None, v, None, None) for i, v in enumerate(["v2", "v4", "v7"], 1)]
    )
    journey = Journey("J").stage("Visited", step("page_visited", anonymous=True))
    paths = journey.run(events, identity=IDENTITY).paths().sort_values("reached_at_1")
    used = check(events, IDENTITY, now=NOW)["visitor_several_contacts"].examples.used_contact
    assert paths.actor_id.astype(int).tolist() == used.tolist() == [3, 6, 10]


def test_without_identified_at_the_smallest_contact_is_used():
    identity = IDENTITY.drop(columns="identified_at")
    finding = check(PROBLEMS, identity, now=NOW)["visitor_several_contacts"]
    assert finding.examples.used_contact.tolist() == [2, 5, 10]
    assert "smallest contact id" in finding.message


def test_at_most_five_examples():
    events = _frame([("nope", f"2026-01-01 00:00:{s:02d}", s, None, None, None) for s in range(20)] * 2)
    report = check(events, now=NOW)
    assert report["duplicate_event"].count == 20 and len(report["duplicate_event"].examples) == 5
    assert report["unknown_event_type"].count == 40 and report["unknown_event_type"].examples.events.tolist() == [40]


def test_clean_table_is_ok_and_has_typed_empty_examples():
    report = check(_frame(CLEAN), now=NOW)
    assert report.ok and report.problems == ()
    assert [f.name for f in report] == CHECKS  # no identity map: no identity check
    assert all(f.count == 0 and f.examples.empty for f in report)
    assert list(report["no_actor"].examples.columns) == list(PROBLEMS.columns)
    assert "no problems found" in str(report)


def test_naive_times_and_now_are_utc():
    naive = PROBLEMS.assign(occurred_at=PROBLEMS.occurred_at.dt.tz_localize(None))
    with pytest.warns(NaiveTimestampWarning):
        assert check(naive, now=NOW.replace(tzinfo=None))["future_timestamp"].count == 4
    with pytest.warns(NaiveTimestampWarning):
        assert check(naive, now=NOW)["future_timestamp"].count == 4


def test_other_time_zones_compare_in_utc():
    oslo = PROBLEMS.assign(occurred_at=PROBLEMS.occurred_at.dt.tz_convert("Europe/Oslo"))
    assert check(oslo, now=NOW)["future_timestamp"].count == 4
    in_new_york = pd.Timestamp("2026-06-01 08:00", tz="America/New_York").to_pydatetime()  # 12:00 UTC
    assert check(PROBLEMS, now=in_new_york)["future_timestamp"].count == 4


def test_default_now_is_the_current_time():
    events = _frame(
        [("page_visited", "2999-01-01", 1, None, None, None), ("page_visited", "2001-01-01", 1, None, None, None)]
    )
    assert check(events)["future_timestamp"].count == 1


def test_catalog_and_schema_are_respected():
    catalog = Catalog.default()
    catalog.register_event("my_custom_event")
    renamed = PROBLEMS.rename(columns={"event_type": "kind", "occurred_at": "ts", "contact_id": "person"})
    schema = EventSchema(event_type="kind", occurred_at="ts", contact_id="person")
    report = check(renamed, schema=schema, catalog=catalog, now=NOW)
    assert report["unknown_event_type"].count == 2
    assert _values(report["unknown_event_type"].examples.kind) == ["page_visted", None]
    assert "'kind' is null" in report["unknown_event_type"].message
    assert report["null_timestamp"].examples.columns[1] == "ts"


def test_optional_actor_columns_may_be_absent():
    events = PROBLEMS.drop(columns=["visitor_id", "deal_id"])
    report = check(events, now=NOW)
    # rows whose only id was a visitor or deal id now have no actor
    assert report["no_actor"].count == int(events.contact_id.isna().sum())
    assert "no contact_id: no journey" in report["no_actor"].message


@pytest.mark.parametrize(
    ("events", "identity", "message"),
    [
        (PROBLEMS.drop(columns="occurred_at"), None, "no column 'occurred_at' for the role 'occurred_at'"),
        (PROBLEMS.assign(occurred_at="2026-01-01"), None, "column 'occurred_at' (occurred_at) has type string"),
        (PROBLEMS, IDENTITY.drop(columns="contact_id"), "the identity table has no column 'contact_id'"),
        (PROBLEMS, IDENTITY.assign(contact_id=IDENTITY.contact_id.astype(str)), "they must match"),
    ],
    ids=["missing-column", "string-timestamps", "identity-missing-column", "identity-type-mismatch"],
)
def test_schema_problems_raise_like_a_journey(events, identity, message):
    with pytest.raises(DataBindingError) as error:
        check(events, identity, now=NOW)
    assert message in str(error.value)


def test_report_is_readable(report):
    text = str(report)
    assert text.splitlines()[0] == f"Data check of {len(PROBLEMS)} events: 6 problems found"
    assert all(name in text for name in [*CHECKS, "visitor_several_contacts"])
    html = report._repr_html_()
    assert html.count("<tr>") >= 7 and "<details>" in html and "my_custom_event" in html
    assert "DataCheck(rows=" in repr(report) and "no_actor=3" in repr(report)
    frame = report.to_frame()
    assert list(frame.columns) == ["check", "count", "ok", "message"]
    assert frame["count"].tolist() == [3, 2, 4, 3, 5, 3] and not frame.ok.any()
    with pytest.raises(KeyError, match="no check named 'nope'"):
        report["nope"]


def test_html_escapes_user_data():
    events = _frame([("<script>alert(1)</script>", "2026-01-01", 1, None, None, None)])
    html = check(events, now=NOW)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_report_is_frozen(report):
    with pytest.raises(AttributeError):
        report.rows = 0  # type: ignore[misc]
    finding = report["no_actor"]
    assert isinstance(finding, Finding) and not finding.ok
    with pytest.raises(AttributeError):
        finding.count = 0  # type: ignore[misc]


def test_public_exports():
    assert journey_widgets.check is check and journey_widgets.DataCheck is DataCheck
    assert {"check", "DataCheck"} <= set(journey_widgets.__all__)


def test_computes_on_the_backend_with_small_results(monkeypatch):
    """Only aggregates and at most five example rows come back from the backend."""
    con = ibis.duckdb.connect()
    events, identity = con.create_table("events", PROBLEMS), con.create_table("identity", IDENTITY)
    sizes: list[int] = []
    real = ir.Table.to_pyarrow

    def recording(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        sizes.append(result.num_rows)
        return result

    monkeypatch.setattr(ir.Table, "to_pyarrow", recording)
    for name in ("to_pandas", "execute"):
        monkeypatch.setattr(ir.Table, name, lambda *a, **k: pytest.fail("a whole table was pulled to pandas"))
    report = check(events, identity, now=NOW)
    assert report["duplicate_event"].count == 3
    assert sizes and max(sizes) <= 5


def _load(con, name: str, frame: pd.DataFrame) -> ir.Table:
    """A table with the frame's column types (SQLite's loader binds Python values: None for nulls)."""
    schema = ibis.memtable(frame).schema()
    rows = frame.astype(object).where(frame.notna(), None) if con.name == "sqlite" else pa.Table.from_pandas(frame)
    return con.create_table(name, rows, schema=schema)


@pytest.mark.parametrize("backend", ["duckdb", "sqlite", "polars"])
def test_same_findings_on_other_backends(backend, report):
    con = ibis.connect(f"{backend}://")
    events, identity = _load(con, "events", PROBLEMS), _load(con, "identity", IDENTITY)
    other = check(events, identity, now=NOW)
    assert {f.name: f.count for f in other} == {f.name: f.count for f in report}
    assert other["visitor_several_contacts"].examples.used_contact.tolist() == [3, 6, 10]


# ---------------------------------------------------------------------------------------- sample data
@pytest.fixture(scope="module")
def sample():
    return sample_events(100_000, seed=1)


def test_sample_reports_what_it_really_has(sample):
    events, identity = sample
    now = datetime(2026, 4, 15, tzinfo=UTC)
    report = check(events, identity, now=now)
    frame, id_frame = events.to_pandas(), identity.to_pandas()

    no_actor = frame[["contact_id", "visitor_id", "deal_id"]].isna().all(axis=1)
    known = {e.id for e in default_catalog().events}
    several = id_frame.dropna(subset=["visitor_id", "contact_id"]).groupby("visitor_id").contact_id.nunique()
    expected = {
        "no_actor": int(no_actor.sum()),
        "null_timestamp": int(frame.occurred_at.isna().sum()),
        "future_timestamp": int((frame.occurred_at > pd.Timestamp(now)).sum()),
        "duplicate_event": int(len(frame) - len(frame.drop_duplicates())),
        "unknown_event_type": int((~frame.event_type.isin(known)).sum()),
        "visitor_several_contacts": int((several > 1).sum()),
    }
    assert {f.name: f.count for f in report} == expected
    assert report.rows == len(frame) == 100_000
    # what the generator documents: about 0.05% orphans, 0.1% of converted visitors mapped twice
    assert 0 < expected["no_actor"] < 200 and expected["visitor_several_contacts"] > 0
    assert expected["null_timestamp"] == expected["unknown_event_type"] == 0

    orphans = frame[no_actor].sort_values(["occurred_at", "event_type"], kind="stable").head(5)
    examples = report["no_actor"].examples
    assert examples.event_type.tolist() == orphans.event_type.tolist()
    assert examples.occurred_at.tolist() == orphans.occurred_at.tolist()

    twice = several[several > 1].index.sort_values()[:5]
    pairs = id_frame.dropna(subset=["visitor_id", "contact_id"]).sort_values(
        ["visitor_id", "identified_at", "contact_id"], na_position="last"
    )
    used = pairs.groupby("visitor_id").contact_id.first().loc[twice]
    found = report["visitor_several_contacts"].examples
    assert found.visitor_id.tolist() == list(twice)
    assert found.used_contact.tolist() == used.astype(np.int64).tolist()
