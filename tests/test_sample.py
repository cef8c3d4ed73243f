"""The sample generator: exact size, deterministic, realistic shape, bounded-memory Parquet writing."""

from __future__ import annotations

import json
from importlib import resources

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from inputs import assert_raises

from journey_widgets import ArgumentError
from journey_widgets.sample import SCHEMA, sample_events, write_sample


@pytest.fixture(scope="module")
def sample():
    return sample_events(100_000, seed=3)


def test_exact_size_and_schema(sample):
    events, identity = sample
    assert events.num_rows == 100_000
    assert events.schema == SCHEMA
    assert identity.column_names == ["visitor_id", "contact_id", "identified_at"]


def test_deterministic_per_seed(sample):
    again, _ = sample_events(100_000, seed=3)
    other, _ = sample_events(100_000, seed=4)
    assert again.equals(sample[0])
    assert not other.equals(sample[0])


def test_every_catalog_event_appears(sample):
    catalog = json.loads(resources.files("journey_widgets").joinpath("catalog.json").read_text())
    present = set(pc.unique(sample[0]["event_type"]).to_pylist())
    assert {e["id"] for e in catalog["events"]} <= present


def test_ties_repeats_and_orphans(sample):
    frame = sample[0].select(["event_type", "occurred_at", "contact_id", "visitor_id"]).to_pandas()
    tracked = frame[frame.visitor_id.notna()]
    assert tracked.duplicated(["visitor_id", "occurred_at"]).sum() > 100  # form view and submission at one instant
    visits = frame[frame.event_type == "page_visited"].groupby("visitor_id").size()
    assert (visits > 3).sum() > 100  # repeated events
    orphans = (frame.contact_id.isna() & frame.visitor_id.isna()).sum()
    assert 0 < orphans < 200


def test_funnel_shape_and_identity(sample):
    events, identity = sample
    frame = events.select(["event_type", "contact_id", "visitor_id", "deal_stage"]).to_pandas()
    visitors = frame.visitor_id.nunique()
    submitted = frame[frame.event_type == "form_submission"].contact_id.nunique()
    met = frame[frame.event_type.isin(["meeting_booked", "sequence_meeting_booked"])].contact_id.nunique()
    won = frame[frame.deal_stage == "closedwon"].contact_id.nunique()
    assert visitors > submitted > met > won > 0
    ids = identity.to_pandas()
    assert ids.visitor_id.isin(frame.visitor_id).all()
    assert ids.duplicated("visitor_id").sum() >= 1  # a visitor mapped to two contacts


def test_properties_only_where_they_apply(sample):
    frame = sample[0].select(["event_type", "deal_stage", "amount", "meeting_outcome", "form_id"]).to_pandas()
    assert frame[frame.deal_stage.notna()].event_type.eq("deal_stage_changed").all()
    assert frame[frame.meeting_outcome.notna()].event_type.eq("meeting_outcome_changed").all()
    assert frame[frame.amount.notna()].event_type.str.contains("payment|refund").all()


def test_products_vary_within_a_contact(sample):
    """product_id (for hold_constant) is on visits, forms, meetings and deals; most contacts stay with one product,
    many touch another."""
    frame = sample[0].select(["event_type", "contact_id", "deal_id", "product_id"]).to_pandas()
    about = frame[frame.product_id.notna()]
    assert set(about.event_type) == {
        "page_visited", "form_viewed", "form_submission", "meeting_booked", "sequence_meeting_booked",
        "meeting_outcome_changed", "deal_stage_changed",
    }  # fmt: skip
    per_contact = about.dropna(subset=["contact_id"]).groupby("contact_id").product_id.nunique()
    assert 0.1 < (per_contact > 1).mean() < 0.9
    assert about.dropna(subset=["deal_id"]).groupby("deal_id").product_id.nunique().eq(1).all()  # a deal, one product


def test_write_sample_matches_memory_in_row_groups(tmp_path):
    paths = write_sample(tmp_path, 400_000, seed=1)
    written = pq.ParquetFile(paths.events)
    assert written.metadata.num_rows == 400_000 and written.num_row_groups > 1
    assert pq.read_table(paths.events).equals(sample_events(400_000, seed=1)[0])


def test_sample_of_no_events_is_refused():
    assert_raises(lambda: sample_events(0), ArgumentError, ("at least 1, got 0",))
