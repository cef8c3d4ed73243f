"""The step catalog (docs/semantics.md#the-step-catalog): exactly 54 events in 16 categories, searchable, extensible."""

from __future__ import annotations

import json

import pytest

from journey_widgets import CatalogError
from journey_widgets.catalog import Catalog, default_catalog

SPEC_EVENTS = {
    "ads": ["ad_interaction"],
    "calls": ["call_started", "call_ended"],
    "ctas": ["cta_viewed", "cta_clicked"],
    "deals": ["deal_stage_changed"],
    "documents": ["document_viewing_finished", "document_viewed", "document_shared"],
    "forms": ["form_viewed", "form_interaction", "popup_form_viewed", "form_submission"],
    "marketing_email": [
        "email_link_clicked",
        "email_bounced",
        "email_delivered",
        "email_opened",
        "email_spam_reported",
        "email_subscription_updated",
    ],
    "marketing_events": ["marketing_event_attended", "marketing_event_cancelled", "marketing_event_registered"],
    "media": ["media_played"],
    "meetings": ["meeting_booked", "meeting_outcome_changed"],
    "messages": ["message_delivered", "message_failed", "message_opened", "message_sent"],
    "payments": [
        "payment_failed",
        "payment_initiated",
        "refund_failed",
        "refund_started",
        "refund_succeeded",
        "payment_succeeded",
    ],
    "sales_email": ["sales_email_clicked", "sales_email_opened", "sales_email_replied", "sales_email_sent"],
    "sequences": [
        "sequence_meeting_booked",
        "sequence_enrolled",
        "sequence_unenrolled",
        "sequence_manually_unenrolled",
        "sequence_email_unsubscribed",
        "sequence_email_bounced",
        "sequence_step_executed",
        "sequence_errored",
        "sequence_finished",
    ],
    "sms": ["sms_link_clicked", "sms_delivered", "sms_dropped", "sms_failed", "sms_sent"],
    "web_pages": ["page_visited"],
}
ANONYMOUS = {
    "ad_interaction",
    "cta_viewed",
    "cta_clicked",
    "form_viewed",
    "form_interaction",
    "popup_form_viewed",
    "page_visited",
}
TRACKED = {"browser", "content_type", "country", "device_type", "region"}


def test_exactly_the_spec_events_by_category():
    catalog = default_catalog()
    assert len(catalog.events) == 54 and len(catalog.categories) == 16
    assert {c.id: [e.id for e in catalog.events_in(c.id)] for c in catalog.categories} == SPEC_EVENTS


def test_anonymous_support_and_properties():
    catalog = default_catalog()
    assert {e.id for e in catalog.events if e.anonymous} == ANONYMOUS
    for event in catalog.events:
        names = {p.name for p in catalog.properties_for(event.id)}
        assert "campaign_id" in names
        assert ("meeting_outcome" in names) == (event.id == "meeting_outcome_changed")
        tracked = event.category in ("ads", "ctas", "forms", "media", "web_pages")
        assert (names >= TRACKED) == tracked, event.id
    assert catalog.property("meeting_type").values == ("round_robin", "personal", "group")
    assert catalog.property("event_origin").values == ("online", "in_person")
    assert catalog.property("amount").type == "number"


def test_search_by_label_id_and_category():
    catalog = default_catalog()
    assert [e.id for e in catalog.search("whatsapp")] == SPEC_EVENTS["messages"]
    assert [e.id for e in catalog.search("Form submission")] == ["form_submission"]
    assert {e.id for e in catalog.search(" sms_ ")} == set(SPEC_EVENTS["sms"])
    assert len(catalog.search("")) == 54


def test_unknown_ids_suggest_close_matches():
    with pytest.raises(CatalogError, match="did you mean 'form_submission'"):
        default_catalog().event("form_submision")
    with pytest.raises(CatalogError, match="unknown property 'countri'"):
        default_catalog().property("countri")


def test_custom_events_and_properties_stay_on_their_copy():
    mine = Catalog.default()
    mine.register_property("plan", values=["free", "pro"])
    spec = mine.register_event("trial_started", label="Trial started", properties=["plan"], anonymous=True)
    assert spec.custom and mine.event("trial_started").anonymous
    assert not Catalog.default().has_event("trial_started") and not default_catalog().has_event("trial_started")
    with pytest.raises(CatalogError, match="already in the catalog"):
        mine.register_event("trial_started")
    with pytest.raises(CatalogError, match="unknown property 'nope'"):
        mine.register_event("other", properties=["nope"])
    with pytest.raises(CatalogError, match="non-empty"):
        mine.register_event("  ")


def test_to_dict_is_json():
    data = json.loads(json.dumps(default_catalog().to_dict()))
    assert len(data["events"]) == 54 and data["events"][0]["properties"]
