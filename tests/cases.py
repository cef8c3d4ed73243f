"""Hand-worked cases, one per rule of docs/semantics.md, with the numbers worked out by hand.

Each case lists events (times in minutes after Monday 2026-01-05 00:00 UTC unless given as text),
a journey (version-1 dict) and the expected subset of the result tables. ``check_case`` asserts that
subset on tables in the reference's format, so the same cases run on every backend.
"""

from __future__ import annotations

import contextlib
import math
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
import pytest

from journey_widgets import UnknownEventWarning

BASE = pd.Timestamp("2026-01-05 00:00:00", tz="UTC")  # a Monday
PROPERTIES = ("country", "form_id", "deal_stage", "amount", "original_url", "product_id")


def at(minutes: float) -> pd.Timestamp:
    return BASE + pd.Timedelta(minutes=minutes)


def ev(event: str, t: float | str, contact: Any = None, visitor: str | None = None, deal: Any = None, **props) -> dict:
    """One event row; ``t`` is minutes after BASE, or an ISO timestamp text (any zone)."""
    when = pd.Timestamp(t).tz_convert("UTC") if isinstance(t, str) else at(t)
    return {"event_type": event, "occurred_at": when, "contact_id": contact, "visitor_id": visitor, "deal_id": deal} | {
        p: props.get(p) for p in PROPERTIES
    }


def events_frame(rows: list[dict]) -> pd.DataFrame:
    """The events table with stable dtypes (nullable ints, UTC microsecond timestamps)."""
    columns = ["event_type", "occurred_at", "contact_id", "visitor_id", "deal_id", *PROPERTIES]
    frame = pd.DataFrame(rows, columns=columns)
    frame["event_type"] = frame["event_type"].astype("string")
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True).astype("datetime64[us, UTC]")
    for name in ("contact_id", "deal_id"):
        frame[name] = frame[name].astype("Int64")
    for name in ("visitor_id", "country", "form_id", "deal_stage", "original_url", "product_id"):
        frame[name] = frame[name].astype("string")
    frame["amount"] = frame["amount"].astype("Float64")
    return frame


def identity_frame(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    """Identity rows (visitor, contact, identified at minutes)."""
    frame = pd.DataFrame(
        {
            "visitor_id": [r[0] for r in rows],
            "contact_id": [r[1] for r in rows],
            "identified_at": [at(r[2]) for r in rows],
        }
    )
    frame["visitor_id"] = frame["visitor_id"].astype("string")
    frame["contact_id"] = frame["contact_id"].astype("Int64")
    frame["identified_at"] = frame["identified_at"].astype("datetime64[us, UTC]")
    return frame


def journey(*stages: list | dict, **settings) -> dict:
    """A journey dict; each stage is a list of steps (event id or step dict)."""
    built = []
    for index, steps in enumerate(stages, start=1):
        steps = steps if isinstance(steps, list) else [steps]
        built.append({"name": f"S{index}", "steps": [{"event": s} if isinstance(s, str) else s for s in steps]})
    return {"version": 1, "name": "case", "window": "PT60M", "stages": built} | settings


@dataclass
class Case:
    name: str
    journey: dict
    events: list[dict]
    expected: dict[str, Any]
    identity: list[tuple[str, int, float]] | None = None
    trend: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    #: When the data ends (minutes after BASE); None: the latest event time.
    as_of: float | None = None
    #: An event type in neither the catalog nor the data: running the case warns about it.
    unknown_event: str | None = None
    #: Run on Spark too, where the other cases run every fourth (SPEC 1.2's options: each case on every engine).
    every_engine: bool = False

    @property
    def as_of_time(self) -> pd.Timestamp | None:
        return None if self.as_of is None else at(self.as_of)


V, F, M, W = "page_visited", "form_submission", "meeting_booked", "deal_stage_changed"
OPENED, BOUNCED, PAID = "email_opened", "email_bounced", "payment_succeeded"
ABC = journey(V, F, M)


def optional(journey_dict: dict, *stages: int) -> dict:
    """``journey_dict`` with ``stages`` (1-based) optional."""
    built = [dict(stage, optional=True) if k in stages else stage for k, stage in enumerate(journey_dict["stages"], 1)]
    return journey_dict | {"stages": built}


V_F_M = optional(ABC, 2)
#: docs/semantics.md#optional-stages, rule by rule (the data ends at minute 200 unless a case says otherwise).
OPTIONAL_CASES = [
    Case(
        "optional: reached in its gap or skipped; previous is the nearest required stage",
        V_F_M,
        [
            *[ev(V, 0, 1), ev(F, 10, 1), ev(M, 20, 1)],
            *[ev(V, 0, 2), ev(M, 20, 2)],
            *[ev(V, 0, 3), ev(F, 10, 3)],
            ev(V, 0, 4),
        ],
        {
            "actors": [4, 2, 2],
            "conversion_from_previous": [1.0, 0.5, 0.5],  # stage 3 from stage 1: 2 of 4
            "in_progress": [0, 0, 0],
            "dropped_off": [0, 0, 2],  # nobody drops off at an optional stage
            "median_seconds_from_previous": [None, 600.0, 1200.0],  # stage 3: M - V, not M - F
            "branches": [(1, 1, V, 4), (2, 1, F, 2), (3, 1, M, 2)],
            "paths": {
                "1": {"depth": 3, "reached": [0, 10, 20]},
                "2": {"depth": 3, "reached": [0, None, 20]},
                "3": {"depth": 1, "reached": [0, 10, None]},  # the gap after the deepest required stage
            },
        },
        as_of=200,
    ),
    Case(
        "optional: two in one gap, each strictly after the stage reached before it",
        optional(journey(V, F, OPENED, M), 2, 3),
        [
            *[ev(V, 0, 1), ev(OPENED, 5, 1), ev(F, 10, 1), ev(OPENED, 15, 1), ev(M, 20, 1)],
            *[ev(V, 0, 2), ev(OPENED, 5, 2), ev(M, 20, 2)],
            *[ev(V, 0, 3), ev(F, 10, 3), ev(OPENED, 10, 3), ev(M, 20, 3)],
            *[ev(V, 0, 4), ev(F, 10, 4), ev(M, 20, 4), ev(OPENED, 25, 4)],
        ],
        {
            "actors": [4, 3, 2, 4],
            "conversion_from_previous": [1.0, 0.75, 0.5, 1.0],
            "dropped_off": [0, 0, 0, 0],
            "median_seconds_from_previous": [None, 600.0, 300.0, 1200.0],
            "p90_seconds_from_previous": [None, 600.0, 900.0, 1200.0],
            "paths": {
                "1": {"depth": 4, "reached": [0, 10, 15, 20]},  # not the open at 5: before F
                "2": {"depth": 4, "reached": [0, None, 5, 20]},  # F skipped: after V
                "3": {"depth": 4, "reached": [0, 10, None, 20]},  # at F's instant is not after it
                "4": {"depth": 4, "reached": [0, 10, None, 20]},  # after M is outside the gap
            },
        },
        as_of=200,
    ),
    Case(
        "optional: strictly before the next required stage, else up to the window's end",
        V_F_M,
        [
            *[ev(V, 0, 1), ev(F, 60, 1)],
            *[ev(V, 0, 2), ev(F, 61, 2)],
            *[ev(V, 0, 3), ev(M, 30, 3), ev(F, 40, 3)],
            *[ev(V, 0, 4), ev(F, 30, 4), ev(M, 30, 4)],
        ],
        {
            "actors": [4, 1, 2],
            "dropped_off": [0, 0, 2],
            "paths": {
                "1": {"depth": 1, "reached": [0, 60, None]},  # the window's end is inclusive
                "2": {"depth": 1, "reached": [0, None, None]},
                "3": {"depth": 3, "reached": [0, None, 30]},
                "4": {"depth": 3, "reached": [0, None, 30]},  # at the next required stage's instant: too late
            },
        },
        as_of=200,
    ),
    Case(
        "optional: in progress and dropped off count at the next required stage, from the one before",
        V_F_M,
        [
            *[ev(V, 0, 1), ev(F, 10, 1)],
            ev(V, 0, 2),
            *[ev(V, -100, 3), ev(F, -90, 3)],
            ev(V, -100, 4),
            *[ev(V, 0, 5), ev(M, 20, 5)],
        ],
        {
            "actors": [5, 2, 1],
            "conversion_from_previous": [1.0, 0.4, 0.2],
            "in_progress": [0, 0, 2],  # 1 and 2: their windows are open at minute 30
            "dropped_off": [0, 0, 2],  # 3 and 4
            "paths": {"1": {"depth": 1, "reached": [0, 10, None], "in_progress": True}},
        },
        as_of=30,
    ),
    Case(
        "optional: the required stages alone choose the path",
        V_F_M,
        [ev(V, 0, 1), ev(F, 5, 1), ev(V, 30, 1), ev(M, 80, 1)],  # the start at 0 reaches F but not M
        {"actors": [1, 0, 1], "paths": {"1": {"depth": 3, "reached": [30, None, 80]}}},
        as_of=200,
    ),
    Case(
        "optional: last touch is the deepest required stage's event",
        V_F_M | {"breakdown": {"property": "country", "attribution": "last_touch"}},
        [
            *[ev(V, 0, 1, country="a"), ev(F, 10, 1, country="b")],
            *[ev(V, 0, 2, country="a"), ev(F, 10, 2, country="b"), ev(M, 20, 2, country="c")],
        ],
        {"breakdown_rows": [("a", 1, 1), ("a", 2, 1), ("a", 3, 0), ("c", 1, 1), ("c", 2, 1), ("c", 3, 1)]},
        as_of=200,
    ),
    Case(
        "optional: attribution to an optional stage is null where the path skipped it",
        V_F_M | {"breakdown": {"property": "country", "attribution": "stage", "stage": 2}},
        [
            *[ev(V, 0, 1, country="a"), ev(F, 10, 1, country="b")],
            *[ev(V, 0, 2, country="a"), ev(M, 20, 2)],
            *[ev(V, 0, 3), ev(F, 5, 3, country="b"), ev(M, 20, 3)],
        ],
        {"breakdown_rows": [("b", 1, 2), ("b", 2, 2), ("b", 3, 1), (None, 1, 1), (None, 2, 0), (None, 3, 1)]},
        as_of=200,
    ),
    Case(
        "optional: an exclusion between the required stages around it",
        V_F_M | {"exclusions": [{"event": BOUNCED, "between": [1, 3]}]},
        [
            *[ev(V, 0, 1), ev(F, 10, 1), ev(BOUNCED, 15, 1), ev(M, 20, 1)],
            *[ev(V, 0, 2), ev(BOUNCED, 15, 2)],
            *[ev(V, 0, 3), ev(F, 10, 3), ev(M, 20, 3), ev(BOUNCED, 25, 3)],
        ],
        {"actors": [1, 1, 1], "paths": {"3": {"depth": 3, "reached": [0, 10, 20]}}},
        as_of=200,
    ),
    Case(
        "optional: with hold constant, read on the path's own pair; the optional stage never breaks a tie",
        V_F_M | {"hold_constant": ["product_id"]},
        [
            *[ev(V, 0, 1, product_id="a"), ev(F, 10, 1, product_id="b"), ev(M, 20, 1, product_id="a")],
            *[ev(V, 0, 2, product_id="a"), ev(F, 10, 2, product_id="a")],
            *[ev(V, 5, 2, product_id="b"), ev(F, 8, 2, product_id="b"), ev(M, 20, 2, product_id="b")],
            *[ev(V, 0, 3, product_id="a"), ev(M, 20, 3, product_id="a")],
            *[ev(V, 0, 3, product_id="b"), ev(F, 10, 3, product_id="b"), ev(M, 20, 3, product_id="b")],
        ],
        {
            "actors": [3, 1, 3],
            "paths": {
                "1": {"depth": 3, "reached": [0, None, 20]},  # F is product b's
                "2": {"depth": 3, "reached": [5, 8, 20]},  # the deeper pair, b
                "3": {"depth": 3, "reached": [0, None, 20]},  # equal required stages: the smaller value, a
            },
        },
        as_of=200,
    ),
    Case(
        "optional: a gap after each required stage",
        optional(journey(V, OPENED, F, BOUNCED, M), 2, 4),
        [*[ev(V, 0, 1), ev(F, 10, 1), ev(BOUNCED, 15, 1)], *[ev(V, 0, 2), ev(OPENED, 15, 2), ev(F, 10, 2)]],
        {
            "actors": [2, 0, 2, 1, 0],
            "conversion_from_previous": [1.0, 0.0, 1.0, 0.5, 0.0],
            "dropped_off": [0, 0, 0, 0, 2],
            "paths": {
                "1": {"depth": 3, "reached": [0, None, 10, 15, None]},
                "2": {"depth": 3, "reached": [0, None, 10, None, None]},
            },
        },
        as_of=200,
    ),
]
OPTIONAL_CASES = [replace(case, every_engine=True) for case in OPTIONAL_CASES]

CASES = [
    Case(
        "simple ordered",
        ABC,
        [ev(V, 0, 1), ev(F, 10, 1), ev(M, 20, 1), ev(V, 0, 2), ev(F, 5, 2), ev(V, 3, 3)],
        {
            "actors": [3, 2, 1],
            "in_progress": [0, 1, 1],  # the data ends at minute 20: every window (60 minutes) is still open
            "dropped_off": [0, 0, 0],
            "conversion_from_previous": [1.0, 2 / 3, 0.5],
            "conversion_from_start": [1.0, 2 / 3, 1 / 3],
        },
    ),
    Case("wrong order does not count", ABC, [ev(F, 0, 1), ev(V, 10, 1), ev(M, 5, 1)], {"actors": [1, 0, 0]}),
    Case("same instant is not later", ABC, [ev(V, 0, 1), ev(F, 0, 1), ev(M, 1, 1)], {"actors": [1, 0, 0]}),
    Case(
        "same instant later stage after a real step",
        ABC,
        [ev(V, 0, 1), ev(F, 1, 1), ev(M, 1, 1)],
        {"actors": [1, 1, 0]},
    ),
    Case(
        "one microsecond later is later",
        ABC,
        [
            ev(V, "2026-01-05T00:00:00.000000Z", 1),
            ev(F, "2026-01-05T00:00:00.000001Z", 1),
            ev(M, "2026-01-05T00:00:00.000002Z", 1),
        ],
        {"actors": [1, 1, 1], "median_seconds_from_previous": [None, 1e-6, 1e-6]},
    ),
    Case("window edge inclusive", ABC, [ev(V, 0, 1), ev(F, 30, 1), ev(M, 60, 1)], {"actors": [1, 1, 1]}),
    Case(
        "window edge plus one microsecond",
        ABC,
        [ev(V, "2026-01-05T00:00:00Z", 1), ev(F, 30, 1), ev(M, "2026-01-05T01:00:00.000001Z", 1)],
        {"actors": [1, 1, 0]},
    ),
    Case(
        "later start reaches deeper",
        ABC,
        [ev(V, 0, 1), ev(F, 50, 1), ev(V, 55, 1), ev(M, 100, 1), ev(F, 70, 1)],
        {"actors": [1, 1, 1], "paths": {"1": {"depth": 3, "reached": [55, 70, 100]}}},
    ),
    Case(
        "earliest start among equal depths",
        ABC,
        [ev(V, 0, 1), ev(V, 10, 1), ev(F, 20, 1)],
        {
            "actors": [1, 1, 0],
            "paths": {"1": {"depth": 2, "reached": [0, 20]}},
            "median_seconds_from_previous": [None, 1200.0, None],
        },
    ),
    Case(
        "greedy earliest next stage",
        ABC,
        [ev(V, 0, 1), ev(F, 10, 1), ev(F, 20, 1), ev(M, 15, 1)],
        {"actors": [1, 1, 1], "paths": {"1": {"depth": 3, "reached": [0, 10, 15]}}},
    ),
    Case(
        "repeated events",
        ABC,
        [ev(V, t, 1) for t in (0, 1, 2, 3)] + [ev(F, 4, 1), ev(F, 4, 1), ev(M, 9, 1)],
        {"actors": [1, 1, 1], "paths": {"1": {"depth": 3, "reached": [0, 4, 9]}}},
    ),
    Case(
        "branching first listed step wins at same instant",
        journey(V, [M, "sequence_meeting_booked"]),
        [
            ev(V, 0, 1),
            ev("sequence_meeting_booked", 5, 1),
            ev(M, 5, 1),
            ev(V, 0, 2),
            ev("sequence_meeting_booked", 3, 2),
        ],
        {"actors": [2, 2], "branches": [(1, 1, V, 2), (2, 1, M, 1), (2, 2, "sequence_meeting_booked", 1)]},
    ),
    Case(
        "branching earlier step wins over listing",
        journey(V, [M, "sequence_meeting_booked"]),
        [ev(V, 0, 1), ev("sequence_meeting_booked", 4, 1), ev(M, 5, 1)],
        {"branches": [(1, 1, V, 1), (2, 2, "sequence_meeting_booked", 1)]},
    ),
    Case("event matching two stages", journey(V, V, V), [ev(V, 0, 1), ev(V, 1, 1), ev(V, 1, 2)], {"actors": [2, 1, 0]}),
    Case(
        "same event type three times", journey(V, V, V), [ev(V, 0, 1), ev(V, 1, 1), ev(V, 2, 1)], {"actors": [1, 1, 1]}
    ),
    Case(
        "date range on the start only",
        ABC | {"date_range": {"start": "2026-01-05T00:10:00Z", "end": "2026-01-05T00:20:00Z"}},
        [ev(V, 0, 1), ev(F, 30, 1), ev(V, 10, 2), ev(F, 25, 2), ev(M, 40, 2), ev(V, 20, 3), ev(F, 21, 3)],
        {"actors": [1, 1, 1]},
    ),
    Case(
        "date range start can reach later stages after its end",
        ABC | {"date_range": {"end": "2026-01-05T00:01:00Z"}},
        [ev(V, 0, 1), ev(F, 50, 1), ev(V, 2, 1), ev(M, 55, 1)],
        {"actors": [1, 1, 1]},
    ),
    Case(
        "exclusion inside removes the actor",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [1, 3]}]},
        [ev(V, 0, 1), ev(F, 10, 1), ev("email_spam_reported", 15, 1), ev(M, 20, 1), ev(V, 0, 2), ev(F, 10, 2)],
        {"actors": [1, 1, 0]},
    ),
    Case(
        "exclusion at stage i instant does not count",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [1, 2]}]},
        [ev(V, 0, 1), ev("email_spam_reported", 0, 1), ev(F, 10, 1)],
        {"actors": [1, 1, 0]},
    ),
    Case(
        "exclusion at stage j instant counts",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [1, 2]}]},
        [ev(V, 0, 1), ev("email_spam_reported", 10, 1), ev(F, 10, 1)],
        {"actors": [0, 0, 0]},
    ),
    Case(
        "exclusion after stage j is fine",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [1, 2]}]},
        [ev(V, 0, 1), ev(F, 10, 1), ev("email_spam_reported", 11, 1)],
        {"actors": [1, 1, 0]},
    ),
    Case(
        "exclusion with stage j unreached uses the window end",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [2, 3]}]},
        [
            ev(V, 0, 1),
            ev(F, 10, 1),
            ev("email_spam_reported", 60, 1),
            ev(V, 0, 2),
            ev(F, 10, 2),
            ev("email_spam_reported", 61, 2),
        ],
        {"actors": [1, 1, 0]},
    ),
    Case(
        "exclusion before stage i reached is ignored",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [2, 3]}]},
        [ev(V, 0, 1), ev("email_spam_reported", 5, 1)],
        {"actors": [1, 0, 0]},
    ),
    Case(
        "path chosen before exclusions",
        ABC | {"exclusions": [{"event": "email_spam_reported", "between": [1, 2]}]},
        [ev(V, 0, 1), ev("email_spam_reported", 5, 1), ev(F, 10, 1), ev(V, 100, 1)],
        {"actors": [0, 0, 0]},
    ),
    Case(
        "anonymous visitor needs include_anonymous",
        journey(V, F),
        [ev(V, 0, visitor="a"), ev(V, 0, 1, "b"), ev(F, 5, 1)],
        {"actors": [1, 1], "anonymous_actors": [0, 0]},
    ),
    Case(
        "anonymous visitors counted",
        journey({"event": V, "include_anonymous": True}, F),
        [ev(V, 0, visitor="a"), ev(V, 1, visitor="b"), ev(V, 0, 1, "c"), ev(F, 5, 1)],
        {"actors": [3, 1], "anonymous_actors": [2, 0]},
    ),
    Case(
        "identity stitching joins visitor and contact",
        journey({"event": V, "include_anonymous": True}, F),
        [ev(V, 0, visitor="a"), ev(F, 5, 7, "a"), ev(V, 1, visitor="b")],
        {"actors": [2, 1], "anonymous_actors": [1, 0], "paths": {"7": {"depth": 2, "reached": [0, 5]}}},
        identity=[("a", 7, 5)],
    ),
    Case(
        "stitched visitor events match without include_anonymous",
        journey(V, F),
        [ev(V, 0, visitor="a"), ev(F, 5, 7)],
        {"actors": [1, 1]},
        identity=[("a", 7, 5)],
    ),
    Case(
        "visitor mapped to two contacts takes the first",
        journey(V, F),
        [ev(V, 0, visitor="a"), ev(F, 5, 8), ev(F, 6, 9)],
        {"actors": [1, 1], "paths": {"8": {"depth": 2, "reached": [0, 5]}}},
        identity=[("a", 9, 30), ("a", 8, 10)],
    ),
    Case("events without actor are ignored", journey(V), [ev(V, 0), ev(V, 1, 1)], {"actors": [1]}),
    Case(
        "contact and visitor ids that look alike are different actors",
        journey({"event": V, "include_anonymous": True}),
        [ev(V, 0, 1), ev(V, 0, visitor="1")],
        {"actors": [2], "anonymous_actors": [1]},
    ),
    Case(
        "filters: eq and neq with nulls",
        journey({"event": V, "filters": [{"property": "country", "op": "neq", "value": "US"}]}),
        [ev(V, 0, 1, country="US"), ev(V, 0, 2, country="DE"), ev(V, 0, 3)],
        {"actors": [2]},
    ),
    Case(
        "filters: in fails on null",
        journey({"event": V, "filters": [{"property": "country", "op": "in", "value": ["US", "DE"]}]}),
        [ev(V, 0, 1, country="US"), ev(V, 0, 2, country="FR"), ev(V, 0, 3)],
        {"actors": [1]},
    ),
    Case(
        "filters: not_in passes null",
        journey({"event": V, "filters": [{"property": "country", "op": "not_in", "value": ["US"]}]}),
        [ev(V, 0, 1, country="US"), ev(V, 0, 2, country="FR"), ev(V, 0, 3)],
        {"actors": [2]},
    ),
    Case(
        "filters: contains is case-sensitive",
        journey({"event": V, "filters": [{"property": "original_url", "op": "contains", "value": "Pricing"}]}),
        [ev(V, 0, 1, original_url="/Pricing/x"), ev(V, 0, 2, original_url="/pricing"), ev(V, 0, 3)],
        {"actors": [1]},
    ),
    Case(
        "filters: not_contains passes null",
        journey({"event": V, "filters": [{"property": "original_url", "op": "not_contains", "value": "blog"}]}),
        [ev(V, 0, 1, original_url="/blog/a"), ev(V, 0, 2, original_url="/home"), ev(V, 0, 3)],
        {"actors": [2]},
    ),
    Case(
        "filters: starts_with is case-sensitive",
        journey({"event": V, "filters": [{"property": "original_url", "op": "starts_with", "value": "/Blog"}]}),
        [ev(V, 0, 1, original_url="/Blog/a"), ev(V, 0, 2, original_url="/blog/b"), ev(V, 0, 3)],
        {"actors": [1]},
    ),
    Case(
        "filters: is_known and is_unknown",
        journey(
            {"event": V, "filters": [{"property": "country", "op": "is_unknown"}]},
            {"event": F, "filters": [{"property": "form_id", "op": "is_known"}]},
        ),
        [ev(V, 0, 1), ev(F, 1, 1, form_id="f"), ev(V, 0, 2, country="US"), ev(V, 0, 3), ev(F, 1, 3)],
        {"actors": [2, 1]},
    ),
    Case(
        "filters: numeric comparisons",
        journey(
            {
                "event": "payment_succeeded",
                "filters": [
                    {"property": "amount", "op": "gt", "value": 10},
                    {"property": "amount", "op": "lte", "value": 100},
                ],
            }
        ),
        [
            ev("payment_succeeded", 0, 1, amount=10.0),
            ev("payment_succeeded", 0, 2, amount=10.5),
            ev("payment_succeeded", 0, 3, amount=100.0),
            ev("payment_succeeded", 0, 4, amount=100.01),
            ev("payment_succeeded", 0, 5),
        ],
        {"actors": [2]},
    ),
    Case(
        "filters: between is inclusive",
        journey({"event": "payment_succeeded", "filters": [{"property": "amount", "op": "between", "value": [5, 7]}]}),
        [
            ev("payment_succeeded", 0, 1, amount=5.0),
            ev("payment_succeeded", 0, 2, amount=7.0),
            ev("payment_succeeded", 0, 3, amount=7.5),
            ev("payment_succeeded", 0, 4),
        ],
        {"actors": [2]},
    ),
    Case(
        "filters: gte and lt on text",
        journey(
            {
                "event": V,
                "filters": [
                    {"property": "country", "op": "gte", "value": "DE"},
                    {"property": "country", "op": "lt", "value": "US"},
                ],
            }
        ),
        [ev(V, 0, 1, country="DE"), ev(V, 0, 2, country="GB"), ev(V, 0, 3, country="US"), ev(V, 0, 4, country="AT")],
        {"actors": [2]},
    ),
    Case(
        "tz-aware times in another zone compare in UTC",
        ABC,
        [
            ev(V, "2026-01-05T01:00:00+01:00", 1),
            ev(F, "2026-01-05T00:30:00+00:00", 1),
            ev(M, "2026-01-05T02:00:00+01:00", 1),
        ],
        {"actors": [1, 1, 1], "mean_seconds_from_previous": [None, 1800.0, 1800.0]},
    ),
    Case(
        "no starts gives zero rows per stage",
        ABC,
        [ev(F, 0, 1), ev(M, 5, 1)],
        {
            "actors": [0, 0, 0],
            "conversion_from_start": [None, None, None],
            "conversion_from_previous": [None, None, None],
        },
    ),
    Case("empty events", ABC, [], {"actors": [0, 0, 0], "branches": []}),
    Case(
        "any order counts distinct stages",
        journey(V, F, M, order="any"),
        [ev(M, 0, 1), ev(V, 10, 1), ev(F, 20, 1), ev(F, 0, 2), ev(F, 5, 2), ev(V, 0, 3), ev(M, 61, 3)],
        {"actors": [3, 1, 1], "median_seconds_from_previous": [None, None, None], "branches": []},
    ),
    Case("any order window is inclusive", journey(V, F, order="any"), [ev(F, 0, 1), ev(V, 60, 1)], {"actors": [1, 1]}),
    Case(
        "any order start must be in range",
        journey(V, F, order="any", date_range={"start": "2026-01-05T00:30:00Z"}),
        [ev(F, 0, 1), ev(V, 40, 1), ev(V, 0, 2), ev(F, 10, 2)],
        {"actors": [1, 0]},
    ),
    Case(
        "deal journey counts deals",
        journey(W, "payment_succeeded", object="deal"),
        [
            ev(W, 0, 1, deal=100, deal_stage="closedwon"),
            ev("payment_succeeded", 5, 2, deal=100),
            ev(W, 0, 1, deal=101),
            ev(W, 0, 3),
        ],
        {"actors": [2, 1], "anonymous_actors": [0, 0], "paths": {"100": {"depth": 2, "reached": [0, 5]}}},
    ),
    Case(
        "breakdown top N with Other and null",
        journey(V, F, breakdown={"property": "country", "limit": 2}),
        [
            ev(V, 0, 1, country="US"),
            ev(F, 1, 1),
            ev(V, 0, 2, country="US"),
            ev(V, 0, 3, country="DE"),
            ev(F, 1, 3),
            ev(V, 0, 4),
            ev(V, 0, 5),
            ev(V, 0, 6, country="FR"),
            ev(V, 0, 7, country="AT"),
        ],
        {"breakdown_rows": [("US", 1, 2), ("US", 2, 1), (None, 1, 2), (None, 2, 0), ("Other", 1, 3), ("Other", 2, 1)]},
    ),
    Case(
        "breakdown ties by value ascending",
        journey(V, breakdown={"property": "country", "limit": 1}),
        [ev(V, 0, 1, country="US"), ev(V, 0, 2, country="DE")],
        {"breakdown_rows": [("DE", 1, 1), ("Other", 1, 1)]},
    ),
    Case(
        "breakdown value from the first listed step at the start instant",
        journey([{"event": V}, {"event": "cta_clicked"}], F, breakdown={"property": "country"}),
        [
            ev("cta_clicked", 0, 1, country="AA"),
            ev(V, 0, 1, country="ZZ"),
            ev(V, 0, 1, country="YY"),
            ev(V, 0, 1),
            ev(F, 3, 1),
        ],
        {"breakdown_rows": [("YY", 1, 1), ("YY", 2, 1)]},
    ),
    Case(
        "nearest-rank median and p90, n=10",
        journey(V, F),
        [e for c in range(1, 11) for e in (ev(V, 0, c), ev(F, c, c))],
        {
            "median_seconds_from_previous": [None, 300.0],
            "p90_seconds_from_previous": [None, 540.0],
            "mean_seconds_from_previous": [None, 330.0],
        },
    ),
    Case(
        "nearest-rank median and p90, n=11",
        journey(V, F),
        [e for c in range(1, 12) for e in (ev(V, 0, c), ev(F, c, c))],
        {"median_seconds_from_previous": [None, 360.0], "p90_seconds_from_previous": [None, 600.0]},
    ),
    Case(
        "nearest-rank n=2 and n=1",
        journey(V, F, M),
        [ev(V, 0, 1), ev(F, 1, 1), ev(M, 3, 1), ev(V, 0, 2), ev(F, 2, 2)],
        {"median_seconds_from_previous": [None, 60.0, 120.0], "p90_seconds_from_previous": [None, 120.0, 120.0]},
    ),
    Case(
        "trend by day, week and month",
        journey(V, F),
        [
            ev(V, "2026-01-31T23:00:00Z", 1),
            ev(F, "2026-01-31T23:30:00Z", 1),
            ev(V, "2026-02-01T00:10:00Z", 2),
            ev(V, "2026-02-02T00:10:00Z", 3),
            ev(F, "2026-02-02T00:20:00Z", 3),
        ],
        {"actors": [3, 2]},
        trend={
            "day": [("2026-01-31", 1, 1), ("2026-02-01", 1, 0), ("2026-02-02", 1, 1)],
            "week": [("2026-01-26", 2, 1), ("2026-02-02", 1, 1)],
            "month": [("2026-01-01", 1, 1), ("2026-02-01", 2, 1)],
        },
    ),
    # any-order exclusions: "between [i, j]" counts the path's entries in time order (then stage number)
    Case(
        "any order exclusion between path entries",
        journey(V, F, M, order="any", exclusions=[{"event": "email_spam_reported", "between": [1, 2]}]),
        [
            *[ev(M, 0, 1), ev("email_spam_reported", 5, 1), ev(V, 10, 1), ev(F, 20, 1)],  # spam in (0, 10]
            *[ev(V, 0, 2), ev(F, 10, 2), ev("email_spam_reported", 15, 2), ev(M, 20, 2)],  # after entry 2
            *[ev(F, 0, 3), ev("email_spam_reported", 0, 3), ev(V, 30, 3)],  # at entry 1: not strictly after
        ],
        {"actors": [2, 2, 1]},
    ),
    Case(
        "any order exclusion runs to the window end without entry j",
        journey(V, F, M, order="any", exclusions=[{"event": "email_spam_reported", "between": [2, 3]}]),
        [
            *[ev(V, 0, 1), ev(F, 10, 1), ev("email_spam_reported", 50, 1)],  # no 3rd entry: (10, 60]
            *[ev(V, 0, 2), ev(F, 10, 2), ev("email_spam_reported", 61, 2)],  # past the window
            *[ev(V, 0, 3), ev("email_spam_reported", 5, 3)],  # only 1 entry: never reached entry 2
        ],
        {"actors": [2, 1, 0]},
    ),
    Case(
        "any order entries at one instant go by stage number",
        journey(V, F, M, order="any", exclusions=[{"event": "email_spam_reported", "between": [2, 3]}]),
        [
            *[ev(V, 10, 1), ev(F, 10, 1), ev("email_spam_reported", 20, 1), ev(M, 30, 1)],  # F is entry 2
            *[ev(F, 0, 2), ev(M, 0, 2), ev("email_spam_reported", 0, 2), ev(V, 40, 2)],  # M is entry 2, at 0
        ],
        {"actors": [1, 1, 1]},
    ),
    # --- issue 14: event types in neither the catalog nor the data match nothing (docs/semantics.md#the-events-table)
    Case(
        "absent event type: its stage counts 0",
        journey(V, "webinar_joined", F),
        [ev(V, 0, 1), ev(F, 5, 1), ev(V, 0, 2)],
        {"actors": [2, 0, 0], "in_progress": [0, 2, 0], "dropped_off": [0, 0, 0], "branches": [(1, 1, V, 2)]},
        unknown_event="webinar_joined",
    ),
    Case(
        "absent event type as a branch: the other step reaches the stage",
        journey(V, ["webinar_joined", F]),
        [ev(V, 0, 1), ev(F, 5, 1), ev(V, 0, 2)],
        {"actors": [2, 1], "branches": [(1, 1, V, 2), (2, 2, F, 1)]},
        unknown_event="webinar_joined",
    ),
    Case(
        "absent event type as an exclusion removes nobody",
        journey(V, F, exclusions=[{"event": "webinar_joined", "between": [1, 2]}]),
        [ev(V, 0, 1), ev(F, 5, 1)],
        {"actors": [1, 1]},
        unknown_event="webinar_joined",
    ),
    # --- issue 14: a kept value "Other" keeps its name; the rest is "Other (merged)" (docs/semantics.md#breakdown)
    Case(
        "breakdown value Other is kept apart from the merged bucket",
        journey(V, F, breakdown={"property": "country", "limit": 2}),
        [
            ev(V, 0, 1, country="Other"),
            ev(F, 1, 1),
            ev(V, 0, 2, country="Other"),
            ev(V, 0, 3, country="US"),
            ev(V, 0, 4, country="DE"),
            ev(F, 1, 4),
            ev(V, 0, 5, country="FR"),
        ],
        {
            "breakdown_rows": [
                ("Other", 1, 2),
                ("Other", 2, 1),
                ("DE", 1, 1),
                ("DE", 2, 1),
                ("Other (merged)", 1, 2),
                ("Other (merged)", 2, 0),
            ]
        },
    ),
    Case(
        "breakdown value Other merged with the rest keeps the label Other",
        journey(V, breakdown={"property": "country", "limit": 1}),
        [ev(V, 0, 1, country="US"), ev(V, 0, 2, country="US"), ev(V, 0, 3, country="Other")],
        {"breakdown_rows": [("US", 1, 2), ("Other", 1, 1)]},
    ),
    # ---------------------------------------------------------------- strict order (docs/semantics.md#strict-order)
    Case(
        "strict: any other event in between breaks the step",
        journey(V, F, order="strict"),
        [ev(V, 0, 1), ev(OPENED, 5, 1), ev(F, 10, 1), ev(V, 0, 2), ev(F, 10, 2)],
        {"actors": [2, 1]},
    ),
    Case(
        "strict: events at the same instant neither break nor make a step",
        journey(V, F, order="strict"),
        [
            ev(V, 0, 1),
            ev(F, 10, 1),
            ev(OPENED, 10, 1),
            ev(V, 0, 2),
            ev(OPENED, 0, 2),
            ev(F, 5, 2),
            ev(V, 0, 3),
            ev(F, 0, 3),
        ],
        {"actors": [3, 2]},
    ),
    Case(
        "strict: a later start that is followed at once reaches deeper",
        journey(V, F, order="strict"),
        [ev(V, 0, 1), ev(OPENED, 5, 1), ev(V, 10, 1), ev(F, 20, 1)],
        {"actors": [1, 1], "paths": {"1": {"depth": 2, "reached": [10, 20]}}},
    ),
    Case(
        "strict: the window still applies",
        journey(V, F, order="strict"),
        [ev(V, 0, 1), ev(F, 61, 1)],
        {"actors": [1, 0]},
    ),
    Case(
        "strict: a non-matching next instant ends the path",
        journey(V, F, M, order="strict"),
        [ev(V, 0, 1), ev(M, 5, 1), ev(F, 10, 1), ev(M, 15, 1), ev(V, 0, 2), ev(F, 5, 2), ev(M, 6, 2)],
        {"actors": [2, 1, 1]},
    ),
    Case(
        "strict with an exclusion after the path ended",
        journey(V, F, M, order="strict", exclusions=[{"event": BOUNCED, "between": [1, 3]}]),
        [ev(V, 0, 1), ev(F, 5, 1), ev(BOUNCED, 10, 1), ev(V, 0, 2), ev(F, 5, 2), ev(M, 10, 2)],
        {"actors": [1, 1, 1]},
    ),
    Case(
        "strict with branches and anonymous visitors: a visitor's unmatched event still breaks",
        journey([{"event": V, "include_anonymous": True}, F], M, order="strict"),
        [ev(V, 0, visitor="v1"), ev(M, 5, visitor="v1"), ev(F, 0, 2), ev(M, 5, 2)],
        {"actors": [2, 1], "anonymous_actors": [1, 0], "branches": [(1, 1, V, 1), (1, 2, F, 1), (2, 1, M, 1)]},
    ),
    Case(
        "strict deal journey: only the deal's own events are next",
        journey(W, PAID, object="deal", order="strict"),
        [
            ev(W, 0, deal=100),
            ev(OPENED, 5, deal=100),
            ev(PAID, 10, deal=100),
            ev(W, 0, deal=200),
            ev(OPENED, 5, 7),
            ev(PAID, 10, deal=200),
        ],
        {"actors": [2, 1]},
    ),
    Case(
        "strict with the breakdown of stage 2",
        journey(V, F, order="strict", breakdown={"property": "country", "attribution": "stage", "stage": 2}),
        [
            ev(V, 0, 1, country="US"),
            ev(F, 5, 1, country="DE"),
            ev(V, 0, 2, country="US"),
            ev(OPENED, 1, 2),
            ev(F, 5, 2),
        ],
        {"breakdown_rows": [("DE", 1, 1), ("DE", 2, 1), (None, 1, 1), (None, 2, 0)]},
    ),
    # ---------------------------------------------------------------- hold a property constant
    Case(
        "hold constant: the same product from view to form",
        journey(V, F, hold_constant=["product_id"]),
        [
            ev(V, 0, 1, product_id="A"),
            ev(F, 10, 1, product_id="B"),
            ev(V, 0, 2, product_id="A"),
            ev(F, 10, 2, product_id="A"),
        ],
        {"actors": [2, 1]},
    ),
    Case(
        "hold constant: events with a null held value take no part",
        journey(V, F, hold_constant=["product_id"]),
        [
            ev(V, 0, 1),
            ev(F, 10, 1, product_id="A"),
            ev(V, 0, 2, product_id="A"),
            ev(F, 5, 2),
            ev(F, 10, 2, product_id="A"),
        ],
        {"actors": [1, 1], "paths": {"2": {"depth": 2, "reached": [0, 10]}}},
    ),
    Case(
        "hold constant: the actor counts once, at its deepest pair",
        journey(V, F, M, hold_constant=["product_id"]),
        [
            ev(V, 0, 1, product_id="A"),
            ev(V, 5, 1, product_id="B"),
            ev(F, 10, 1, product_id="B"),
            ev(M, 20, 1, product_id="B"),
            ev(F, 15, 1, product_id="A"),
        ],
        {"actors": [1, 1, 1], "paths": {"1": {"depth": 3, "reached": [5, 10, 20]}}},
    ),
    Case(
        "hold constant: equal depths go to the earliest stages, then the smallest value",
        journey(V, F, hold_constant=["product_id"]),
        [
            ev(V, 0, 1, product_id="B"),
            ev(F, 10, 1, product_id="B"),
            ev(V, 0, 1, product_id="A"),
            ev(F, 20, 1, product_id="A"),
            ev(V, 0, 2, product_id="B"),
            ev(F, 10, 2, product_id="B"),
            ev(V, 0, 2, product_id="A"),
            ev(F, 10, 2, product_id="A"),
        ],
        {"actors": [2, 2], "paths": {"1": {"depth": 2, "reached": [0, 10]}}},
    ),
    Case(
        "hold constant with an exclusion: only the pair's own exclusion events count",
        journey(V, F, M, hold_constant=["product_id"], exclusions=[{"event": BOUNCED, "between": [1, 2]}]),
        [
            ev(V, 0, 1, product_id="A"),
            ev(BOUNCED, 5, 1, product_id="B"),
            ev(F, 10, 1, product_id="A"),
            ev(V, 0, 2, product_id="A"),
            ev(BOUNCED, 5, 2, product_id="A"),
            ev(F, 10, 2, product_id="A"),
            ev(V, 0, 3, product_id="A"),
            ev(BOUNCED, 5, 3),
            ev(F, 10, 3, product_id="A"),
        ],
        {"actors": [2, 2, 0]},
    ),
    Case(
        "hold constant and strict: another pair's events do not break the step",
        journey(V, F, order="strict", hold_constant=["product_id"]),
        [
            ev(V, 0, 1, product_id="A"),
            ev(OPENED, 5, 1, product_id="B"),
            ev(F, 10, 1, product_id="A"),
            ev(V, 0, 2, product_id="A"),
            ev(OPENED, 5, 2, product_id="A"),
            ev(F, 10, 2, product_id="A"),
        ],
        {"actors": [2, 1]},
    ),
    Case(
        "hold constant with a breakdown: the value of the best pair's start",
        journey(V, F, hold_constant=["product_id"], breakdown={"property": "country"}),
        [
            ev(V, 0, 1, product_id="A", country="US"),
            ev(V, 0, 1, product_id="B", country="DE"),
            ev(F, 10, 1, product_id="B", country="DE"),
        ],
        {"breakdown_rows": [("DE", 1, 1), ("DE", 2, 1)]},
    ),
    Case(
        "hold constant in any order",
        journey(V, F, order="any", hold_constant=["product_id"]),
        [
            ev(F, 0, 1, product_id="A"),
            ev(V, 5, 1, product_id="B"),
            ev(F, 0, 2, product_id="A"),
            ev(V, 5, 2, product_id="A"),
        ],
        {"actors": [2, 1]},
    ),
    Case(
        "hold constant: an anonymous visitor counts once",
        journey([{"event": V, "include_anonymous": True}], F, hold_constant=["product_id"]),
        [ev(V, 0, visitor="v1", product_id="A"), ev(V, 5, visitor="v1", product_id="B")],
        {"actors": [1, 0], "anonymous_actors": [1, 0]},
    ),
    Case(
        "hold constant in a deal journey",
        journey(W, PAID, object="deal", hold_constant=["product_id"]),
        [
            ev(W, 0, deal=100, product_id="A"),
            ev(PAID, 10, deal=100, product_id="B"),
            ev(W, 0, deal=200, product_id="A"),
            ev(PAID, 10, deal=200, product_id="A"),
        ],
        {"actors": [2, 1]},
    ),
    # ---------------------------------------------------------------- breakdown attribution
    Case(
        "breakdown by last touch: the event that reached the deepest stage",
        journey(V, F, M, breakdown={"property": "country", "attribution": "last_touch"}),
        [
            ev(V, 0, 1, country="US"),
            ev(F, 10, 1, country="DE"),
            ev(V, 0, 2, country="US"),
            ev(F, 10, 2, country="US"),
            ev(M, 20, 2, country="FR"),
            ev(V, 0, 3, country="US"),
        ],
        {
            "breakdown_rows": [
                ("DE", 1, 1),
                ("DE", 2, 1),
                ("DE", 3, 0),
                ("FR", 1, 1),
                ("FR", 2, 1),
                ("FR", 3, 1),
                ("US", 1, 1),
                ("US", 2, 0),
                ("US", 3, 0),
            ]
        },
    ),
    Case(
        "breakdown at stage 2: null for actors who did not reach it",
        journey(V, F, M, breakdown={"property": "country", "attribution": "stage", "stage": 2}),
        [
            ev(V, 0, 1, country="US"),
            ev(F, 10, 1, country="DE"),
            ev(V, 0, 2, country="US"),
            ev(V, 0, 3, country="FR"),
            ev(F, 5, 3, country="DE"),
            ev(M, 10, 3, country="US"),
        ],
        {"breakdown_rows": [("DE", 1, 2), ("DE", 2, 2), ("DE", 3, 1), (None, 1, 1), (None, 2, 0), (None, 3, 0)]},
    ),
    Case(
        "breakdown by last touch in any order: the path's last entry",
        journey(V, F, order="any", breakdown={"property": "country", "attribution": "last_touch"}),
        [ev(F, 0, 1, country="DE"), ev(V, 10, 1, country="US"), ev(V, 0, 2, country="FR")],
        {"breakdown_rows": [("FR", 1, 1), ("FR", 2, 0), ("US", 1, 1), ("US", 2, 1)]},
    ),
    Case(
        "breakdown at stage 1 in any order: the event that reached stage 1, not the start (the first touch)",
        journey(V, F, order="any", breakdown={"property": "country", "attribution": "stage", "stage": 1}),
        [ev(F, 0, 1, country="DE"), ev(V, 10, 1, country="US"), ev(F, 0, 2, country="FR")],
        {"breakdown_rows": [("US", 1, 1), ("US", 2, 1), (None, 1, 1), (None, 2, 0)]},
    ),
    Case(
        "breakdown by last touch: one instant, the first listed step's event",
        journey(V, [F, M], breakdown={"property": "country", "attribution": "last_touch"}),
        [ev(V, 0, 1, country="US"), ev(M, 10, 1, country="AT"), ev(F, 10, 1, country="DE")],
        {"breakdown_rows": [("DE", 1, 1), ("DE", 2, 1)]},
    ),
    # --- issue 17: who is still in progress at as_of (docs/semantics.md#in-progress)
    Case(
        "in progress: an open window is not a drop-off",
        ABC,
        [
            *[ev(V, 0, 1), ev(F, 10, 1)],  # window closed at 60 <= 100: dropped before S3
            ev(V, 50, 2),  # 50 + 60 > 100: in progress before S2
            *[ev(V, 0, 3), ev(V, 45, 3), ev(F, 50, 3)],  # path from 0 reaches S2; latest start 45 is open
            *[ev(V, 60, 4), ev(F, 70, 4), ev(M, 80, 4)],  # complete: never in progress
            ev(V, 40, 5),  # 40 + 60 = 100 is not after as_of: dropped
        ],
        {
            "actors": [5, 3, 1],
            "in_progress": [0, 1, 1],
            "dropped_off": [0, 1, 1],
            "paths": {
                "2": {"depth": 1, "reached": [50], "in_progress": True},
                "3": {"depth": 2, "reached": [0, 50], "in_progress": True},
                "4": {"depth": 3, "reached": [60, 70, 80], "in_progress": False},
                "5": {"depth": 1, "reached": [40], "in_progress": False},
            },
        },
        as_of=100,
    ),
    Case(
        "in progress: by default the data ends at the latest event of any type",
        ABC,
        [ev(V, 0, 1), ev(OPENED, 70, 2)],  # the email sets the end at 70: actor 1's window closed
        {"actors": [1, 0, 0], "in_progress": [0, 0, 0], "dropped_off": [0, 1, 0]},
    ),
    Case(
        "in progress: a deal journey's data ends at the latest event of the whole table, not its deals'",
        journey(W, PAID, object="deal", window="P30D"),
        [ev(W, 0, 1, deal=100), ev(V, "2026-06-01T00:00:00Z", 1)],  # deals end in January, the data in June
        {"actors": [1, 0], "in_progress": [0, 0], "dropped_off": [0, 1]},
    ),
    Case(
        "in progress: any order looks at the latest start of any stage",
        journey(V, F, order="any"),
        [*[ev(F, 0, 1), ev(F, 90, 1)], ev(V, 0, 2)],  # data ends at 90: only actor 1's latest start is open
        {"actors": [2, 0], "in_progress": [0, 1], "dropped_off": [0, 1]},
    ),
    Case(
        "in progress: strict order, the same rule",
        journey(V, F, order="strict"),
        [*[ev(V, 0, 1), ev(OPENED, 5, 1), ev(F, 10, 1)], ev(V, 50, 2)],  # actor 1 broken and closed; 2 open
        {"actors": [2, 0], "in_progress": [0, 1], "dropped_off": [0, 1]},
        as_of=100,
    ),
    Case(
        "in progress: hold_constant reads the latest start over all the actor's pairs (a new pair may still start)",
        journey(V, F, M, hold_constant=["product_id"]),
        # the best pair (a) started at 0, its window closed at 60; pair b started at 50, open until 110
        [ev(V, 0, 1, product_id="a"), ev(F, 10, 1, product_id="a"), ev(V, 50, 1, product_id="b")],
        {
            "actors": [1, 1, 0],
            "in_progress": [0, 0, 1],
            "dropped_off": [0, 0, 0],
            "paths": {"1": {"depth": 2, "reached": [0, 10], "in_progress": True}},
        },
        as_of=100,
    ),
    Case(
        "in progress: a trend period is incomplete while a window in it is open",
        journey(V, F, window="P1D"),
        [*[ev(V, 0, 1), ev(F, 10, 1)], ev(V, 3 * 1440, 2)],  # Monday closed; Thursday's window open
        {"actors": [2, 1], "trend_complete": {"day": [True, False], "week": [False]}},
        trend={"day": [("2026-01-05", 1, 1), ("2026-01-08", 1, 0)], "week": [("2026-01-05", 2, 1)]},
    ),
    *OPTIONAL_CASES,
]


# ---------------------------------------------------------------- compared with the previous period
#: Starts from 01:00 to 02:00 (minutes 60 to 120), compared with 00:00 to 01:00 (minutes 0 to 60).
HOUR_TWO = {"start": "2026-01-05T01:00:00Z", "end": "2026-01-05T02:00:00Z"}
COMPARED = {"date_range": HOUR_TWO, "compare": "previous_period"}
#: Two-sided p-values worked by hand: z = (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p the pooled share;
#: p-value = erfc(|z| / sqrt 2). 1 of 2 against 1 of 1: p = 2/3, z = -sqrt(3)/2; 1 of 1 against 0 of 1: z = sqrt 2.
P_HALF_AGAINST_ALL = math.erfc(math.sqrt(3) / 2 / math.sqrt(2))
P_ALL_AGAINST_NONE = math.erfc(1.0)
#: The worked example of docs/semantics.md: 40 of 100 against 30 of 100 (z = 0.1 / sqrt(0.35 0.65 0.02)), and
#: 25 of 100 against 10 of 100 (z = 0.15 / sqrt(0.175 0.825 0.02)); Holm: the smaller times 2, the larger times 1.
P_40_30 = math.erfc(0.1 / math.sqrt(0.35 * 0.65 * 0.02) / math.sqrt(2))
P_25_10 = math.erfc(0.15 / math.sqrt(0.175 * 0.825 * 0.02) / math.sqrt(2))
CURRENT_3, PREVIOUS_3 = ["current"] * 3, ["previous"] * 3
NONE_3 = [None] * 3


def _converting(starts: int, converted: list[int], first_contact: int, day: str) -> list[dict]:
    """``starts`` contacts visiting on ``day`` (one a minute), the first ``converted[k]`` of them reaching stage
    k + 2 (a form, then a meeting), ten minutes a stage."""
    rows = []
    for n in range(starts):
        visit = pd.Timestamp(f"{day}T00:00:00Z") + pd.Timedelta(minutes=n)
        reached = [event for event, many in zip((F, M), converted, strict=True) if n < many]
        rows += [
            ev(e, (visit + pd.Timedelta(minutes=10 * k)).isoformat(), first_contact + n)
            for k, e in enumerate([V, *reached])
        ]
    return rows


COMPARISON_CASES = [
    Case(
        "compare: an actor with starts in both periods counts in both",
        ABC | COMPARED,
        [*[ev(V, 10, 1), ev(F, 20, 1)], *[ev(V, 70, 1), ev(F, 80, 1), ev(M, 90, 1)], ev(V, 65, 2)],
        {
            "period": CURRENT_3 + PREVIOUS_3,
            "actors": [2, 1, 1, 1, 1, 0],
            "conversion_from_start": [1.0, 0.5, 0.5, 1.0, 1.0, 0.0],
            "conversion_from_start_change": [0.0, -0.5, 0.5, *NONE_3],
            "p_value": [None, P_HALF_AGAINST_ALL, P_HALF_AGAINST_ALL, *NONE_3],
            "paths": {
                ("current", "1"): {"depth": 3, "reached": [70, 80, 90]},
                ("previous", "1"): {"depth": 2, "reached": [10, 20]},
            },
        },
    ),
    Case(
        "compare: a start at exactly a is current, at a - (b - a) previous, at b neither",
        journey(V, F) | COMPARED,
        [ev(V, 60, 1), ev(V, 0, 2), ev(V, 120, 3), ev(V, "2026-01-04T23:59:59.999999Z", 4)],
        {
            "period": ["current", "current", "previous", "previous"],
            "actors": [1, 0, 1, 0],
            "paths": {("current", "1"): {"depth": 1, "reached": [60]}, ("previous", "2"): {"depth": 1, "reached": [0]}},
        },
    ),
    Case(
        "compare: the previous period's paths may run past its end",
        ABC | COMPARED,
        [*[ev(V, 50, 1), ev(F, 70, 1), ev(M, 100, 1)], *[ev(V, 55, 2), ev(F, 65, 2), ev(V, 70, 2)]],
        {
            "period": CURRENT_3 + PREVIOUS_3,
            "actors": [1, 0, 0, 2, 2, 1],
            "paths": {
                ("previous", "1"): {"depth": 3, "reached": [50, 70, 100]},
                ("current", "2"): {"depth": 1, "reached": [70]},
                ("previous", "2"): {"depth": 2, "reached": [55, 65]},
            },
        },
    ),
    Case(
        "compare: in progress in the previous period, at the same as_of (the data's end, not the period's)",
        journey(V, F) | COMPARED,
        [ev(V, 50, 1), ev(V, 5, 2), ev(V, 70, 3)],  # the data ends at 70: 50 + 60 > 70 is open, 5 + 60 is not
        {
            "period": ["current", "current", "previous", "previous"],
            "actors": [1, 0, 2, 0],
            "in_progress": [0, 1, 0, 1],
            "dropped_off": [0, 0, 0, 1],
            "paths": {("previous", "1"): {"depth": 1, "reached": [50], "in_progress": True}},
        },
    ),
    Case(
        "compare: a given as_of holds for both periods",
        journey(V, F) | COMPARED,
        [ev(V, 50, 1), ev(V, 30, 2), ev(V, 70, 3), ev(F, 80, 3)],  # as_of 100: 50 + 60 > 100, 30 + 60 is not
        {"actors": [1, 1, 2, 0], "in_progress": [0, 0, 0, 1], "dropped_off": [0, 0, 0, 1]},
        as_of=100,
    ),
    Case(
        "compare: breakdown per period, segments matched by value",
        journey(V, F, breakdown={"property": "country"}) | COMPARED,
        [
            *[ev(V, 60, 1, country="US"), ev(F, 70, 1)],
            ev(V, 61, 2, country="US"),
            *[ev(V, 62, 3, country="DE"), ev(F, 70, 3)],
            ev(V, 63, 6, country="FR"),  # no FR in the previous period: nothing to compare with
            *[ev(V, 0, 4, country="US"), ev(F, 10, 4)],
            ev(V, 1, 5, country="DE"),
        ],
        {
            "breakdown_rows": [
                ("US", 1, 2),
                ("US", 2, 1),
                ("DE", 1, 1),
                ("DE", 2, 1),
                ("FR", 1, 1),
                ("FR", 2, 0),
                ("DE", 1, 1),
                ("DE", 2, 0),
                ("US", 1, 1),
                ("US", 2, 1),
            ],
            "period": ["current"] * 6 + ["previous"] * 4,
            "conversion_from_start_change": [0.0, -0.5, 0.0, 1.0, None, None, *[None] * 4],
            "p_value": [None, P_HALF_AGAINST_ALL, None, P_ALL_AGAINST_NONE, *[None] * 6],
            "p_value_holm": [None, P_HALF_AGAINST_ALL, None, P_ALL_AGAINST_NONE, *[None] * 6],
        },
    ),
    Case(
        "compare: an empty previous period",
        journey(V, F) | COMPARED,
        [ev(V, 70, 1), ev(F, 80, 1)],
        {
            "period": ["current", "current", "previous", "previous"],
            "actors": [1, 1, 0, 0],
            "conversion_from_start": [1.0, 1.0, None, None],
            "conversion_from_start_change": [None] * 4,
            "p_value": [None] * 4,
        },
    ),
    Case(
        "compare: the worked example, 40 of 100 against 30 of 100, Holm across the stages",
        ABC
        | {
            "date_range": {"start": "2026-01-08T00:00:00Z", "end": "2026-01-15T00:00:00Z"},
            "compare": "previous_period",
        },
        _converting(100, [40, 25], 1, "2026-01-08") + _converting(100, [30, 10], 1001, "2026-01-01"),
        {
            "actors": [100, 40, 25, 100, 30, 10],
            "conversion_from_start_change": [0.0, 0.1, 0.15, *NONE_3],
            "p_value": [None, P_40_30, P_25_10, *NONE_3],
            "p_value_holm": [None, P_40_30, 2 * P_25_10, *NONE_3],
        },
    ),
]
CASES += [replace(case, every_engine=True) for case in COMPARISON_CASES]


def unknown_event_warnings(cases: list[Case]) -> AbstractContextManager[Any]:
    """What running ``cases`` must warn: that each of their unknown event types matches nothing (nothing else)."""
    unknown = sorted({case.unknown_event for case in cases if case.unknown_event})
    if not unknown:
        return contextlib.nullcontext()
    return pytest.warns(UnknownEventWarning, match="|".join(f"'{name}'" for name in unknown))


def _same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None or pd.isna(actual)
    if actual is None or pd.isna(actual):
        return False
    if isinstance(expected, float):
        return abs(actual - expected) <= 1e-9 * max(1.0, abs(expected))
    return actual == expected


def check_case(case: Case, tables: dict[str, pd.DataFrame], trends: dict[str, pd.DataFrame] | None = None) -> None:
    """Assert the case's expected numbers on result tables in the format of docs/semantics.md#result-tables."""
    funnel = tables["funnel"]
    for column in (
        "actors",
        "anonymous_actors",
        "in_progress",
        "dropped_off",
        "conversion_from_previous",
        "conversion_from_start",
        "median_seconds_from_previous",
        "mean_seconds_from_previous",
        "p90_seconds_from_previous",
        *("period", "conversion_from_start_change", "p_value", "p_value_holm"),  # compared with the previous period
    ):
        if column in case.expected:
            got = [None if pd.isna(v) else v for v in funnel[column].tolist()]
            want = case.expected[column]
            assert len(got) == len(want) and all(map(_same, got, want)), f"{case.name}: {column} {got} != {want}"
    if "branches" in case.expected:
        got = [
            tuple(r)
            for r in tables["branches"][["stage_index", "step_index", "event", "actors"]].itertuples(index=False)
        ]
        assert got == case.expected["branches"], f"{case.name}: branches {got}"
    if "breakdown_rows" in case.expected:
        got = [
            (None if pd.isna(b) else b, s, a)
            for b, s, a in funnel[["breakdown", "stage_index", "actors"]].itertuples(index=False)
        ]
        assert got == case.expected["breakdown_rows"], f"{case.name}: breakdown {got}"
    for key, want in case.expected.get("paths", {}).items():
        period, actor_id = key if isinstance(key, tuple) else (None, key)  # (period, actor) when compared
        rows = tables["paths"][tables["paths"].actor_id == actor_id]
        rows = rows if period is None else rows[rows.period == period]
        assert len(rows) == 1, f"{case.name}: actor {actor_id} has {len(rows)} path rows"
        row = rows.iloc[0]
        assert row["depth"] == want["depth"], f"{case.name}: depth of {actor_id}"
        assert row["in_progress"] == want.get("in_progress", row["in_progress"]), f"{case.name}: {actor_id} in progress"
        reached = [
            None if pd.isna(t) else t for t in (row[f"reached_at_{k}"] for k in range(1, len(want["reached"]) + 1))
        ]
        assert reached == [None if m is None else at(m) for m in want["reached"]], f"{case.name}: reached {reached}"
    for period, want in case.trend.items():
        assert trends is not None
        got = [
            (str(p.date()), s, c)
            for p, s, c in trends[period][["period", "started", "completed"]].itertuples(index=False)
        ]
        assert got == want, f"{case.name}: trend {period} {got}"
    for period, want in case.expected.get("trend_complete", {}).items():
        assert trends is not None and trends[period]["complete"].tolist() == want, f"{case.name}: {period} complete"
