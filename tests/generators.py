"""Hypothesis strategies: small random event tables and valid journeys that hit the edge cases.

Times come from a coarse grid of instants (minutes, plus a few one-microsecond offsets) so that ties
and window edges are common; actors are few, so actors have many events; properties have small
domains with nulls; visitors get stitched to contacts through an identity table.
"""

from __future__ import annotations

import pandas as pd
from cases import at, events_frame, identity_frame
from hypothesis import strategies as st

EVENTS = (
    "page_visited",
    "cta_clicked",
    "form_submission",
    "meeting_booked",
    "sequence_meeting_booked",
    "email_spam_reported",
    "payment_succeeded",
)
ANONYMOUS_EVENTS = {"page_visited", "cta_clicked"}
GRID_MINUTES = (0, 1, 2, 5, 10, 30, 59, 60, 61, 90, 120, 1440)
WINDOWS = ("PT1M", "PT30M", "PT60M", "P1D")
COUNTRIES = ("US", "DE", "GB", None)
FORMS = ("f1", "f2", None)
AMOUNTS = (1.0, 5.0, 10.0, None)
CONTACTS = (1, 2, 3, 4)
VISITORS = ("a", "b", "c", "d")
DEALS = (100, 101, None)
PRODUCTS = ("p1", "p2", None)


@st.composite
def event_rows(draw) -> dict:
    minutes = draw(st.sampled_from(GRID_MINUTES))
    micro = draw(st.sampled_from((0, 0, 0, 1)))
    kind = draw(st.sampled_from(("contact", "visitor", "both", "none", "contact", "visitor")))
    contact = draw(st.sampled_from(CONTACTS)) if kind in ("contact", "both") else None
    visitor = draw(st.sampled_from(VISITORS)) if kind in ("visitor", "both") else None
    return {
        "event_type": draw(st.sampled_from(EVENTS)),
        "occurred_at": at(minutes) + pd.Timedelta(microseconds=micro),
        "contact_id": contact,
        "visitor_id": visitor,
        "deal_id": draw(st.sampled_from(DEALS)),
        "country": draw(st.sampled_from(COUNTRIES)),
        "form_id": draw(st.sampled_from(FORMS)),
        "deal_stage": None,
        "amount": draw(st.sampled_from(AMOUNTS)),
        "original_url": draw(st.sampled_from(("/Blog/a", "/pricing", None))),
        "product_id": draw(st.sampled_from(PRODUCTS)),
    }


@st.composite
def events_frames(draw) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """(events, identity): up to 40 events; sometimes times in Europe/Oslo; sometimes an identity map."""
    rows = draw(st.lists(event_rows(), max_size=40))
    events = events_frame(rows)
    if draw(st.booleans()):
        events["occurred_at"] = events["occurred_at"].dt.tz_convert("Europe/Oslo")
    identity = None
    if draw(st.booleans()):
        links = draw(
            st.lists(
                st.tuples(st.sampled_from(VISITORS), st.sampled_from(CONTACTS), st.sampled_from(GRID_MINUTES)),
                min_size=1,
                max_size=4,
            )
        )
        identity = identity_frame(links)
    return events, identity


FILTERS = st.one_of(
    st.builds(
        lambda op, v: {"property": "country", "op": op, "value": v},
        st.sampled_from(("eq", "neq", "gte", "lt")),
        st.sampled_from(("US", "DE", "GB")),
    ),
    st.builds(
        lambda op, v: {"property": "country", "op": op, "value": list(v)},
        st.sampled_from(("in", "not_in")),
        st.sets(st.sampled_from(("US", "DE", "GB")), min_size=1, max_size=2).map(sorted),
    ),
    st.builds(
        lambda op, p: {"property": p, "op": op},
        st.sampled_from(("is_known", "is_unknown")),
        st.sampled_from(("country", "form_id", "amount")),
    ),
    st.builds(
        lambda op, v: {"property": "amount", "op": op, "value": v},
        st.sampled_from(("gt", "gte", "lt", "lte", "eq", "neq")),
        st.sampled_from((1, 5.0, 7.5)),
    ),
    st.builds(
        lambda lo, hi: {"property": "amount", "op": "between", "value": [min(lo, hi), max(lo, hi)]},
        st.sampled_from((1.0, 5.0)),
        st.sampled_from((5.0, 10.0)),
    ),
    st.builds(
        lambda op, v: {"property": "original_url", "op": op, "value": v},
        st.sampled_from(("contains", "not_contains", "starts_with")),
        st.sampled_from(("/Blog", "pricing", "a")),
    ),
)


@st.composite
def steps(draw) -> dict:
    event = draw(st.sampled_from(EVENTS[:-1] if draw(st.booleans()) else EVENTS))
    step: dict = {"event": event}
    filters = draw(st.lists(FILTERS, max_size=2))
    if filters:
        step["filters"] = filters
    if event in ANONYMOUS_EVENTS and draw(st.booleans()):
        step["include_anonymous"] = True
    return step


@st.composite
def journeys(draw) -> dict:
    """A valid version-1 journey dict over the generated event types and properties (some compared with their
    previous period)."""
    n_stages = draw(st.integers(1, 4))
    stages = [
        {"name": f"Stage {k}", "steps": draw(st.lists(steps(), min_size=1, max_size=3))} for k in range(1, n_stages + 1)
    ]
    journey: dict = {
        "version": 1,
        "name": "generated",
        "object": draw(st.sampled_from(("contact",) * 5 + ("deal",))),
        "order": draw(st.sampled_from(("ordered",) * 3 + ("strict", "any"))),
        "window": draw(st.sampled_from(WINDOWS)),
        "stages": stages,
    }
    if draw(st.integers(0, 4)) == 0:
        start, end = sorted(draw(st.lists(st.sampled_from(GRID_MINUTES), min_size=2, max_size=2, unique=True)))
        journey["date_range"] = {"start": at(start).isoformat(), "end": at(end).isoformat()}
        journey |= draw(comparisons())
    if journey["order"] == "ordered" and n_stages >= 3 and draw(st.integers(0, 2)) == 0:
        for k in draw(st.lists(st.integers(2, n_stages - 1), min_size=1, unique=True)):
            stages[k - 1]["optional"] = True
    required = [k for k, stage in enumerate(stages, start=1) if not stage.get("optional")]
    if len(required) >= 2 and draw(st.integers(0, 3)) == 0:
        i, j = sorted(draw(st.lists(st.sampled_from(required), min_size=2, max_size=2, unique=True)))
        journey["exclusions"] = [{"event": draw(st.sampled_from(EVENTS)), "between": [i, j]}]
    if draw(st.integers(0, 3)) == 0:
        journey["breakdown"] = {
            "property": draw(st.sampled_from(("country", "form_id", "amount"))),
            "limit": draw(st.integers(1, 3)),
        } | draw(_attributions(n_stages))
    if draw(st.integers(0, 3)) == 0:
        journey["hold_constant"] = draw(
            st.lists(st.sampled_from(("product_id", "form_id", "country")), min_size=1, max_size=2, unique=True)
        )
    return journey


def _attributions(n_stages: int) -> st.SearchStrategy[dict]:
    return st.one_of(
        st.just({}),
        st.just({"attribution": "last_touch"}),
        st.integers(1, n_stages).map(lambda k: {"attribution": "stage", "stage": k}),
    )


def as_of_times() -> st.SearchStrategy[pd.Timestamp | None]:
    """When the data ends: mostly the default (the latest event), sometimes a grid instant or a microsecond
    off one."""
    given = st.builds(
        lambda minutes, micro: at(minutes) + pd.Timedelta(microseconds=micro),
        st.sampled_from(GRID_MINUTES),
        st.sampled_from((0, 1, -1)),
    )
    return st.one_of(st.none(), st.none(), given)


def comparisons() -> st.SearchStrategy[dict]:
    """Half the journeys with a date range are compared with their previous period (the range of the same length
    just before it, which the grid's instants reach when the range starts late enough)."""
    return st.sampled_from(({}, {"compare": "previous_period"}))
