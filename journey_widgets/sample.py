"""Deterministic, realistic sample events for the demo, notebooks, tests and benchmarks.

Visitors are simulated in blocks of ``BLOCK_VISITORS``, each block seeded by ``(seed, block)``, so the
data does not depend on how it is written. A visitor browses anonymously (pages, CTAs, ads, forms);
some submit a form and become contacts (the identity table records it), then get emails, sales
emails, sequences, calls, meetings, documents, events, SMS and WhatsApp messages; some meetings
lead to deals that move through stages and get paid. Properties are skewed (Zipf-like), timestamps
tie exactly where a form view and its submission share an instant, and pages are revisited.
Page visits, forms, meetings and deals are about a product (``product_id``): mostly the visitor's
own interest, sometimes another, so a product varies within a contact (for ``hold_constant``).

Rows are in simulation order within a block (not sorted by time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journey_widgets.errors import ArgumentError

BLOCK_VISITORS = 2_000
START_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z
SPAN_US = 181 * 86_400_000_000  # to 2026-07-01
HOUR_US, DAY_US = 3_600_000_000, 86_400_000_000
PRODUCT_STREAM = 1  # the products' random stream: (seed, block, PRODUCT_STREAM)

TRACKED = ("browser", "content_type", "country", "device_type", "region")
STRING_PROPERTIES = (
    "ad_campaign_id",
    "ad_network",
    "interaction_type",
    "network_placement",
    "call_owner",
    "call_country",
    "content_id",
    "cta_id",
    "form_id",
    "business_unit",
    "email_content_id",
    "original_url",
    "event_name",
    "event_origin",
    "content_page",
    "meeting_owner",
    "meeting_type",
    "meeting_outcome",
    "deal_stage",
    "pipeline",
    "user_id",
    "enrolled_by_user",
    "sequence_id",
    "template_id",
    "campaign_id",
    "product_id",
    *TRACKED,
)
SCHEMA = pa.schema(
    [
        ("event_type", pa.string()),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("contact_id", pa.int64()),
        ("visitor_id", pa.string()),
        ("deal_id", pa.int64()),
        *[(name, pa.string()) for name in STRING_PROPERTIES],
        ("amount", pa.float64()),
    ]
)
IDENTITY_SCHEMA = pa.schema(
    [("visitor_id", pa.string()), ("contact_id", pa.int64()), ("identified_at", pa.timestamp("us", tz="UTC"))]
)

#: Skewed value domains (first values most frequent).
DOMAINS: dict[str, tuple[str, ...]] = {
    "country": ("US", "DE", "GB", "FR", "NL", "NO", "SE", "ES", "IT", "CA", "AU", "BR", "IN", "JP", "PL"),
    "device_type": ("desktop", "mobile", "tablet", "other"),
    "browser": ("Chrome", "Safari", "Edge", "Firefox", "Samsung Internet", "Opera"),
    "content_type": ("website_page", "blog_post", "landing_page", "knowledge_article"),
    "ad_network": ("Google", "Facebook", "LinkedIn", "Microsoft", "TikTok", "X"),
    "interaction_type": ("click", "impression", "engagement"),
    "network_placement": ("search", "feed", "display", "video"),
    "event_origin": ("online", "in_person"),
    "meeting_type": ("personal", "round_robin", "group"),
    "meeting_outcome": ("scheduled", "completed", "no_show", "rescheduled", "canceled"),
    "pipeline": ("default", "enterprise"),
    "business_unit": ("Main brand", "Labs"),
}
PRODUCTS = ("crm", "marketing", "sales", "service", "cms", "operations", "commerce")
#: The share of a visitor's product events about their own product (the rest: any product, skewed).
PRODUCT_LOYALTY = 0.6
REGIONS = {"US": ("US-CA", "US-NY", "US-TX", "US-WA"), "DE": ("DE-BE", "DE-BY", "DE-HH"), "GB": ("GB-LND", "GB-MAN")}
DEAL_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)


@dataclass(frozen=True)
class SamplePaths:
    """Where :func:`write_sample` wrote the two tables."""

    events: Path
    identity: Path


_PRODUCT_WEIGHTS = 1 / np.arange(1, len(PRODUCTS) + 1)  # Zipf-like: the first product is the most frequent


class _Products:
    """Which product an event is about: the visitor's own product, or another. Drawn from a random stream
    of its own, so the other columns are those of the data before products were added."""

    def __init__(self, rng: np.random.Generator, n_visitors: int) -> None:
        self.rng = rng
        self.own = self._ranks(n_visitors)

    def _ranks(self, n: int) -> np.ndarray:
        return self.rng.choice(len(PRODUCTS), n, p=_PRODUCT_WEIGHTS / _PRODUCT_WEIGHTS.sum())

    def of(self, visitors: np.ndarray) -> pa.Array:
        """The products of events of ``visitors`` (their indexes in the block)."""
        loyal = self.rng.random(len(visitors)) < PRODUCT_LOYALTY
        return _pick(PRODUCTS, np.where(loyal, self.own[visitors], self._ranks(len(visitors))))


class _Block:
    """Collects the event batches of one block of visitors."""

    def __init__(self, rng: np.random.Generator, first_visitor: int, products: _Products) -> None:
        self.rng = rng
        self.first_visitor = first_visitor
        self.products = products
        self.batches: list[pa.Table] = []

    def ranks(self, name: str, n: int, a: float = 1.6, size: int = 40) -> np.ndarray:
        """``n`` skewed ranks into a property's domain (0 is the most frequent)."""
        return np.minimum(self.rng.zipf(a, n) - 1, len(DOMAINS.get(name, range(size))) - 1)

    def zipf(self, name: str, n: int, a: float = 1.6, prefix: str | None = None, size: int = 40) -> pa.Array:
        """``n`` skewed picks from a property's domain (or ids like ``form-12``)."""
        domain = DOMAINS.get(name) or tuple(f"{prefix or name.removesuffix('_id')}-{i}" for i in range(1, size + 1))
        return _pick(domain, self.ranks(name, n, a, size))

    def emit(
        self,
        event: str,
        times: np.ndarray,
        *,
        contact: np.ndarray | None = None,
        visitor: np.ndarray | None = None,
        deal: np.ndarray | None = None,
        properties: dict[str, pa.Array | np.ndarray] | None = None,
    ) -> None:
        """Add events of one type; ids of -1 are null."""
        n = len(times)
        if n == 0:
            return
        columns: dict[str, pa.Array] = {
            "event_type": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([event])).cast(
                pa.string()
            ),
            "occurred_at": pa.array(times.astype(np.int64), pa.timestamp("us", tz="UTC")),
            "contact_id": _ids(contact, n),
            "visitor_id": _visitor_ids(visitor, n),
            "deal_id": _ids(deal, n),
        }
        for name, values in (properties or {}).items():
            columns[name] = values if isinstance(values, pa.Array) else pa.array(values)
        arrays = [columns.get(f.name, pa.nulls(n, f.type)) for f in SCHEMA]
        self.batches.append(pa.Table.from_arrays(arrays, schema=SCHEMA))

    def tracked(self, n: int) -> dict[str, pa.Array]:
        """Browser, content type, country, device and region of tracked interactions."""
        country = self.ranks("country", n)
        region_choice = self.rng.integers(0, 4, n)
        region = np.array([None] + [r for c in DOMAINS["country"] for r in REGIONS.get(c, ())], dtype=object)
        offsets = np.cumsum([0] + [len(REGIONS.get(c, ())) for c in DOMAINS["country"]])
        sizes = np.diff(offsets)[country]
        region_index = np.where(sizes > 0, 1 + offsets[country] + region_choice % np.maximum(sizes, 1), 0)
        return {
            "browser": self.zipf("browser", n),
            "content_type": self.zipf("content_type", n),
            "country": _pick(DOMAINS["country"], country),
            "device_type": self.zipf("device_type", n, a=2.0),
            "region": pa.array(region[region_index], pa.string()),
        }


def _pick(domain: tuple[str, ...], ranks: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(ranks, pa.int32()), pa.array(domain)).cast(pa.string())


def _ids(values: np.ndarray | None, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, pa.int64())
    return pa.array(values.astype(np.int64), pa.int64(), mask=values < 0)


def _visitor_ids(values: np.ndarray | None, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, pa.string())
    numbers = pa.array(values.astype(np.int64), pa.int64(), mask=values < 0)
    padded = pc.utf8_lpad(pc.cast(numbers, pa.string()), 8, "0")
    return pc.binary_join_element_wise("v", padded, "")


def _simulate_block(seed: int, block: int) -> tuple[pa.Table, pa.Table]:
    """Events and identity rows of one block of visitors."""
    rng = np.random.default_rng([seed, block])
    n = BLOCK_VISITORS
    out = _Block(rng, block * BLOCK_VISITORS, _Products(np.random.default_rng([seed, block, PRODUCT_STREAM]), n))
    visitor = np.arange(n) + out.first_visitor
    first_seen = START_US + rng.integers(0, SPAN_US - 30 * DAY_US, n)

    # anonymous browsing: repeated page visits, CTAs, ads, pop-ups, form views
    visits = 1 + rng.geometric(0.3, n)
    who = np.repeat(np.arange(n), visits)
    visit_times = first_seen[who] + rng.exponential(3 * DAY_US, len(who)).astype(np.int64)
    converts = rng.random(n) < 0.3
    converted_at = first_seen + rng.integers(HOUR_US, 12 * DAY_US, n)
    contact = np.where(converts, visitor, -1)
    # a contact is known on every event after the conversion
    known = converts[who] & (visit_times >= converted_at[who])
    out.emit(
        "page_visited",
        visit_times,
        contact=np.where(known, contact[who], -1),
        visitor=visitor[who],
        properties={
            "content_id": out.zipf("content_id", len(who), prefix="page", size=200),
            "campaign_id": out.zipf("campaign_id", len(who), a=2.2),
            **out.tracked(len(who)),
            "product_id": out.products.of(who),
        },
    )
    for event, share, kind in (
        ("cta_viewed", 0.4, "cta"),
        ("cta_clicked", 0.15, "cta"),
        ("ad_interaction", 0.2, "ad"),
        ("popup_form_viewed", 0.12, "form"),
        ("form_interaction", 0.2, "form"),
    ):
        rows = np.flatnonzero(rng.random(n) < share)
        times = first_seen[rows] + rng.integers(0, 2 * DAY_US, len(rows))
        props: dict = {"campaign_id": out.zipf("campaign_id", len(rows), a=2.2), **out.tracked(len(rows))}
        if kind == "cta":
            props |= {
                "cta_id": out.zipf("cta_id", len(rows)),
                "content_id": out.zipf("content_id", len(rows), prefix="page"),
            }
        elif kind == "ad":
            props |= {
                name: out.zipf(name, len(rows)) for name in ("ad_network", "interaction_type", "network_placement")
            }
            props["ad_campaign_id"] = out.zipf("ad_campaign_id", len(rows), prefix="ad")
        else:
            props |= {
                "form_id": out.zipf("form_id", len(rows), size=12),
                "content_id": out.zipf("content_id", len(rows), prefix="page"),
            }
        out.emit(event, times, visitor=visitor[rows], properties=props)

    # conversion: a form view and the submission, often at the very same instant
    rows = np.flatnonzero(converts)
    tie = rng.random(len(rows)) < 0.3
    forms = out.zipf("form_id", len(rows), size=12)
    form_products = out.products.of(rows)
    out.emit(
        "form_viewed",
        converted_at[rows] - np.where(tie, 0, rng.integers(1, HOUR_US, len(rows))),
        visitor=visitor[rows],
        properties={"form_id": forms, **out.tracked(len(rows)), "product_id": form_products},
    )
    out.emit(
        "form_submission",
        converted_at[rows],
        contact=contact[rows],
        visitor=visitor[rows],
        properties={
            "form_id": forms,
            "campaign_id": out.zipf("campaign_id", len(rows), a=2.2),
            **out.tracked(len(rows)),
            "product_id": form_products,
        },
    )
    identity = _identity_rows(rng, visitor[rows], contact[rows], converted_at[rows])

    _contact_lifecycle(out, contact[rows], converted_at[rows])
    events = pa.concat_tables(out.batches)
    return _drop_some_actors(rng, events), identity


def _identity_rows(rng: np.random.Generator, visitors: np.ndarray, contacts: np.ndarray, at: np.ndarray) -> pa.Table:
    """visitor -> contact at conversion; 0.1% of visitors also map to a second contact, later."""
    twice = np.flatnonzero(rng.random(len(visitors)) < 0.001)
    all_visitors = np.concatenate([visitors, visitors[twice]])
    all_contacts = np.concatenate([contacts, contacts[twice] + 1])
    all_times = np.concatenate([at, at[twice] + DAY_US])
    return pa.Table.from_arrays(
        [
            _visitor_ids(all_visitors, len(all_visitors)),
            pa.array(all_contacts, pa.int64()),
            pa.array(all_times, pa.timestamp("us", tz="UTC")),
        ],
        schema=IDENTITY_SCHEMA,
    )


def _after(rng: np.random.Generator, start: np.ndarray, low: int, high: int) -> np.ndarray:
    return start + rng.integers(low, high, len(start))


def _contact_lifecycle(out: _Block, contacts: np.ndarray, since: np.ndarray) -> None:
    """Emails, sales outreach, sequences, calls, meetings, deals and payments for new contacts."""
    rng, n = out.rng, len(contacts)

    def some(share: float) -> np.ndarray:
        return np.flatnonzero(rng.random(n) < share)

    emails = rng.poisson(3, n)
    who = np.repeat(np.arange(n), emails)
    sent = _after(rng, since[who], HOUR_US, 40 * DAY_US)

    def email_props(m: int) -> dict[str, pa.Array]:
        return {
            "business_unit": out.zipf("business_unit", m),
            "campaign_id": out.zipf("campaign_id", m, a=2.2),
            "email_content_id": out.zipf("email_content_id", m, prefix="email"),
        }

    out.emit("email_delivered", sent, contact=contacts[who], properties=email_props(len(who)))
    for event, share, delay in (
        ("email_opened", 0.5, HOUR_US),
        ("email_link_clicked", 0.15, 2 * HOUR_US),
        ("email_bounced", 0.02, 1),
        ("email_spam_reported", 0.01, 3 * HOUR_US),
        ("email_subscription_updated", 0.02, 4 * HOUR_US),
    ):
        rows = np.flatnonzero(rng.random(len(who)) < share)
        props = email_props(len(rows))
        if event == "email_link_clicked":
            props["original_url"] = out.zipf("original_url", len(rows), prefix="https://example.com/page", size=30)
        out.emit(event, _after(rng, sent[rows], 1, delay + 1), contact=contacts[who[rows]], properties=props)

    simple = (
        ("sales_email_sent", 0.3, 0, "user_id"),
        ("sales_email_opened", 0.2, 1, "user_id"),
        ("sales_email_clicked", 0.06, 2, "user_id"),
        ("sales_email_replied", 0.05, 3, "user_id"),
        ("call_started", 0.2, 1, "call"),
        ("call_ended", 0.19, 2, "call"),
        ("document_shared", 0.15, 1, None),
        ("document_viewed", 0.1, 2, None),
        ("document_viewing_finished", 0.05, 3, None),
        ("marketing_event_registered", 0.1, 1, "event"),
        ("marketing_event_attended", 0.06, 5, "event"),
        ("marketing_event_cancelled", 0.02, 3, "event"),
        ("media_played", 0.1, 1, "media"),
        ("sms_sent", 0.15, 1, None),
        ("sms_delivered", 0.13, 2, None),
        ("sms_link_clicked", 0.04, 3, None),
        ("sms_dropped", 0.01, 2, None),
        ("sms_failed", 0.01, 2, None),
        ("message_sent", 0.1, 1, None),
        ("message_delivered", 0.09, 2, None),
        ("message_opened", 0.06, 3, None),
        ("message_failed", 0.01, 2, None),
        ("sequence_enrolled", 0.3, 1, "sequence"),
        ("sequence_step_executed", 0.28, 2, "sequence"),
        ("sequence_finished", 0.12, 9, "sequence"),
        ("sequence_unenrolled", 0.06, 5, "sequence"),
        ("sequence_manually_unenrolled", 0.02, 5, "sequence"),
        ("sequence_email_unsubscribed", 0.02, 4, "sequence"),
        ("sequence_email_bounced", 0.01, 3, "sequence"),
        ("sequence_errored", 0.01, 3, "sequence"),
    )
    for event, share, days, kind in simple:
        rows = some(share)
        m = len(rows)
        props = {"campaign_id": out.zipf("campaign_id", m, a=2.2)}
        if kind == "user_id":
            props["user_id"] = out.zipf("user_id", m, prefix="user", size=15)
        elif kind == "call":
            props |= {
                "call_owner": out.zipf("call_owner", m, prefix="user", size=15),
                "call_country": out.zipf("country", m),
            }
        elif kind == "event":
            props |= {
                "event_name": out.zipf("event_name", m, prefix="webinar", size=10),
                "event_origin": out.zipf("event_origin", m),
            }
        elif kind == "media":
            props |= {"content_page": out.zipf("content_page", m, prefix="page"), **out.tracked(m)}
        elif kind == "sequence":
            props |= {
                "sequence_id": out.zipf("sequence_id", m, prefix="seq", size=8),
                "template_id": out.zipf("template_id", m, prefix="tpl", size=20),
                "enrolled_by_user": out.zipf("enrolled_by_user", m, prefix="user", size=15),
            }
        out.emit(
            event,
            _after(rng, since[rows], days * DAY_US + 1, (days + 5) * DAY_US),
            contact=contacts[rows],
            properties=props,
        )

    _meetings_and_deals(out, contacts, since)


def _meetings_and_deals(out: _Block, contacts: np.ndarray, since: np.ndarray) -> None:
    rng, n = out.rng, len(contacts)
    met = np.flatnonzero(rng.random(n) < 0.3)
    via_sequence = rng.random(len(met)) < 0.3
    met_at = _after(rng, since[met], HOUR_US, 20 * DAY_US)
    owners = out.zipf("meeting_owner", len(met), prefix="user", size=15)
    products = out.products.of(contacts[met] - out.first_visitor)  # a deal is about its meeting's product
    meeting_props = {
        "meeting_owner": owners,
        "meeting_type": out.zipf("meeting_type", len(met)),
        "form_id": out.zipf("form_id", len(met), size=12),
        "product_id": products,
    }
    direct = np.flatnonzero(~via_sequence)
    out.emit(
        "meeting_booked",
        met_at[direct],
        contact=contacts[met[direct]],
        properties={k: v.take(pa.array(direct)) for k, v in meeting_props.items()},
    )
    seq = np.flatnonzero(via_sequence)
    out.emit(
        "sequence_meeting_booked",
        met_at[seq],
        contact=contacts[met[seq]],
        properties={
            "sequence_id": out.zipf("sequence_id", len(seq), prefix="seq", size=8),
            "product_id": products.take(pa.array(seq)),
        },
    )
    out.emit(
        "meeting_outcome_changed",
        met_at + rng.integers(DAY_US, 3 * DAY_US, len(met)),
        contact=contacts[met],
        properties={**meeting_props, "meeting_outcome": out.zipf("meeting_outcome", len(met), a=1.3)},
    )

    dealt = np.flatnonzero(rng.random(len(met)) < 0.5)
    deal_ids = contacts[met[dealt]] * 10 + 7
    reached = 1 + rng.binomial(4, 0.6, len(dealt))  # stages 1..5 of the open pipeline
    won = (reached == 5) & (rng.random(len(dealt)) < 0.7)
    lost = ~won & (rng.random(len(dealt)) < 0.5)
    pipeline = out.zipf("pipeline", len(dealt), a=2.5)
    deal_products = products.take(pa.array(dealt))
    stage_times = met_at[dealt] + DAY_US
    for stage_index, stage in enumerate(DEAL_STAGES[:5]):
        rows = np.flatnonzero(reached > stage_index)
        step_at = stage_times[rows] + stage_index * 3 * DAY_US + rng.integers(0, DAY_US, len(rows))
        out.emit(
            "deal_stage_changed",
            step_at,
            contact=contacts[met[dealt[rows]]],
            deal=deal_ids[rows],
            properties={
                "deal_stage": pa.array([stage] * len(rows), pa.string()),
                "pipeline": pipeline.take(pa.array(rows)),
                "product_id": deal_products.take(pa.array(rows)),
            },
        )
    for final, mask in (("closedwon", won), ("closedlost", lost)):
        rows = np.flatnonzero(mask)
        final_at = stage_times[rows] + rng.integers(4 * DAY_US, 16 * DAY_US, len(rows))
        out.emit(
            "deal_stage_changed",
            final_at,
            contact=contacts[met[dealt[rows]]],
            deal=deal_ids[rows],
            properties={
                "deal_stage": pa.array([final] * len(rows), pa.string()),
                "pipeline": pipeline.take(pa.array(rows)),
                "product_id": deal_products.take(pa.array(rows)),
            },
        )
        if final == "closedwon":
            _payments(out, contacts[met[dealt[rows]]], deal_ids[rows], final_at)


def _payments(out: _Block, contacts: np.ndarray, deals: np.ndarray, won_at: np.ndarray) -> None:
    rng, n = out.rng, len(contacts)
    amount = np.round(rng.lognormal(7, 1, n), 2)
    paid_at = won_at + rng.integers(HOUR_US, 5 * DAY_US, n)
    succeeded = rng.random(n) < 0.9
    for event, rows, offset in (
        ("payment_initiated", np.arange(n), 0),
        ("payment_succeeded", np.flatnonzero(succeeded), 60_000_000),
        ("payment_failed", np.flatnonzero(~succeeded), 60_000_000),
    ):
        out.emit(
            event, paid_at[rows] + offset, contact=contacts[rows], deal=deals[rows], properties={"amount": amount[rows]}
        )
    refunded = np.flatnonzero(succeeded & (rng.random(n) < 0.08))
    for event, rows, offset in (
        ("refund_started", refunded, 10 * DAY_US),
        ("refund_succeeded", refunded[::2], 11 * DAY_US),
        ("refund_failed", refunded[1::2], 11 * DAY_US),
    ):
        out.emit(
            event, paid_at[rows] + offset, contact=contacts[rows], deal=deals[rows], properties={"amount": amount[rows]}
        )


def _drop_some_actors(rng: np.random.Generator, events: pa.Table) -> pa.Table:
    """About 0.05% of events lose both actor ids (the data check reports them)."""
    orphan = pa.array(rng.random(events.num_rows) < 0.0005)
    for name in ("contact_id", "visitor_id"):
        column = events.column(name)
        events = events.set_column(
            events.schema.get_field_index(name), name, pc.if_else(orphan, pa.scalar(None, column.type), column)
        )
    return events


def iter_blocks(n_events: int, *, seed: int = 0) -> Iterator[tuple[pa.Table, pa.Table]]:
    """(events, identity) per block until exactly ``n_events`` events were produced."""
    produced, block = 0, 0
    while produced < n_events:
        events, identity = _simulate_block(seed, block)
        events = events.slice(0, n_events - produced)
        produced += events.num_rows
        block += 1
        yield events, identity


def sample_tables() -> tuple[Any, Any]:
    """Unbound Ibis tables ``events`` and ``identity`` with the sample data's schemas (for compiling SQL)."""
    import ibis

    return (
        ibis.table(ibis.Schema.from_pyarrow(SCHEMA), name="events"),
        ibis.table(ibis.Schema.from_pyarrow(IDENTITY_SCHEMA), name="identity"),
    )


def sample_events(n_events: int = 100_000, *, seed: int = 0) -> tuple[pa.Table, pa.Table]:
    """``n_events`` sample events and the identity map, in memory (Arrow tables)."""
    _check_count(n_events)
    blocks = list(iter_blocks(n_events, seed=seed))
    return (
        pa.concat_tables([b[0] for b in blocks]).combine_chunks(),
        pa.concat_tables([b[1] for b in blocks]).combine_chunks(),
    )


def _check_count(n_events: int) -> None:
    if not isinstance(n_events, int) or isinstance(n_events, bool) or n_events < 1:
        raise ArgumentError(f"the number of sample events must be a whole number of at least 1, got {n_events!r}")


def write_sample(
    out_dir: str | Path,
    n_events: int,
    *,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> SamplePaths:
    """Write ``events.parquet`` and ``identity.parquet`` block by block (memory stays bounded)."""
    _check_count(n_events)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = SamplePaths(out / "events.parquet", out / "identity.parquet")
    done = 0
    with (
        pq.ParquetWriter(paths.events, SCHEMA) as events_writer,
        pq.ParquetWriter(paths.identity, IDENTITY_SCHEMA) as identity_writer,
    ):
        for events, identity in iter_blocks(n_events, seed=seed):
            events_writer.write_table(events, row_group_size=1_000_000)
            identity_writer.write_table(identity)
            done += events.num_rows
            if progress is not None:
                progress(done, n_events)
    return paths
