"""The builder's drill-down, kernel side: one request from the browser, one JSON-ready reply.

Requests and replies (:mod:`journey_widgets.builder.messages`; the frontend sends and shows them, the builder answers
on the last valid result). A
drill-down names a stage ``k`` and a ``group``, one number of the funnel table: ``"reached"`` (the actors who
reached stage k), ``"dropped_off"`` (those who reached stage k-1 and not k, their window closed) or
``"in_progress"`` (the same, their window still open); with ``"segment"`` (a breakdown value, null included),
only the actors of that segment. Its actors are exactly that number's, listed by id (numbers in numeric order).

- ``{"type": "drilldown", "id": n, "stage": k, "group": g, ["segment": v,] "limit": 200}`` ->
  ``{"type": "drilldown", "id": n, "stage": k, "name": "<stage name>", "group": g, ["segment": v,]
  "total": int, "actors": [the first `limit` rows of actor_id, is_anonymous, depth, in_progress],
  "next_events": [rows of next_event, actors] (dropped off) or "events_between": [rows of event, actors]
  (reached, k >= 2)}``; these two are of every segment, and absent in any order;
- ``{"type": "csv", "id": n, "stage": k, "group": g, ["segment": v]}`` ->
  ``{"type": "csv", "id": n, "csv": "<every actor of the drill-down, every column of the paths table>"}``;
- ``{"type": "explain", "id": n, "actor_id": "...", "anonymous": bool}`` ->
  ``{"type": "explanation", "id": n, "actor_id": "...", "text": "...", "events": [rows of time, event, matches,
  failed]}``.

A reply with ``"error"`` carries one readable line instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

import pandas as pd

from journey_widgets.builder.messages import (
    REPLY_TYPES,
    CsvReply,
    CsvRequest,
    DrilldownReply,
    DrilldownRequest,
    DrillGroup,
    DrillReply,
    DrillRequest,
    ExplainRequest,
    ExplanationReply,
)
from journey_widgets.builder.numbers import records
from journey_widgets.compiler.breakdown import LABEL
from journey_widgets.errors import ArgumentError, one_line

if TYPE_CHECKING:
    from journey_widgets.catalog import Catalog
    from journey_widgets.result import JourneyResult

#: Actors listed in a drill-down when the request names no limit.
LIMIT = 200
_ACTOR_COLUMNS = ["actor_id", "is_anonymous", "depth", "in_progress"]
#: The numbers of a funnel row a drill-down lists the actors of.
GROUPS: tuple[DrillGroup, ...] = get_args(DrillGroup)


def reply(result: JourneyResult | None, request: DrillRequest, catalog: Catalog | None = None) -> DrillReply:
    """The reply to one drill-down request on ``result`` (None: the journey has not run yet); explanations name
    events and properties by ``catalog``'s labels (default: the package's catalog)."""
    error = "no result yet: the journey has not run"
    if result is not None:
        try:
            if request["type"] == "explain":
                return _explanation(result, request, catalog)
            if request["type"] == "csv":
                return _csv(result, request)
            return _listing(result, request)
        except Exception as exc:  # one line in the builder, the kernel stays alive
            error = one_line(exc)
    return {"type": REPLY_TYPES[request["type"]], "id": request.get("id"), "error": error}


def _group(request: DrilldownRequest | CsvRequest) -> DrillGroup:
    group = request.get("group", "reached")
    if group not in GROUPS:
        raise ArgumentError(f"unknown drill-down group {group!r}: expected one of {', '.join(GROUPS)}")
    return group


def _actors(result: JourneyResult, request: DrilldownRequest | CsvRequest) -> pd.DataFrame:
    """Every actor of the drill-down the request names (of its segment, if it names one), in id order."""
    group = _group(request)
    actors = result.actors(int(request.get("stage", 1)), dropped=group != "reached")
    if group != "reached":  # those of the stage before who did not reach this one: window open or closed
        actors = actors[actors["in_progress"].astype(bool) == (group == "in_progress")]
    if "segment" in request:
        if LABEL not in actors:
            raise ArgumentError("the journey has no breakdown: a drill-down by segment needs one")
        segment = request["segment"]
        actors = actors[actors[LABEL].isna() if segment is None else actors[LABEL] == str(segment)]
    return in_id_order(actors)


def in_id_order(actors: pd.DataFrame) -> pd.DataFrame:
    """``actors`` sorted as people read ids: contacts (or deals) before anonymous visitors, ids that are whole
    numbers in numeric order (10021 before 100018) before the other ids, in text order."""
    ids = actors["actor_id"].astype(str).tolist()
    anonymous = actors["is_anonymous"].astype(bool).tolist()
    order = sorted(range(len(ids)), key=lambda i: _id_key(ids[i], anonymous[i]))
    return actors.iloc[order].reset_index(drop=True)


def _id_key(actor_id: str, anonymous: bool) -> tuple[bool, bool, int, str]:
    number = actor_id.isdigit()  # whole numbers compare by length first, then as text: numerically
    return anonymous, not number, len(actor_id) if number else 0, actor_id


def _listing(result: JourneyResult, request: DrilldownRequest) -> DrilldownReply:
    actors = _actors(result, request)
    stage, group = int(request.get("stage", 1)), _group(request)
    journey = result.journey
    answer: DrilldownReply = {
        "type": "drilldown",
        "id": request.get("id"),
        "stage": stage,
        "name": journey.stages[stage - 1].name,
        "group": group,
        "total": len(actors),
        "actors": records(actors[_ACTOR_COLUMNS].head(int(request.get("limit", LIMIT)))),
    }
    if "segment" in request:
        answer["segment"] = request["segment"]
    if journey.follows_order and group == "dropped_off":
        answer["next_events"] = records(result.next_events(stage)[["next_event", "actors"]])
    elif journey.follows_order and group == "reached" and stage >= 2:
        answer["events_between"] = records(result.events_between(stage)[["event", "actors"]])
    return answer


def _csv(result: JourneyResult, request: CsvRequest) -> CsvReply:
    return {"type": "csv", "id": request.get("id"), "csv": _actors(result, request).to_csv(index=False)}


def _explanation(result: JourneyResult, request: ExplainRequest, catalog: Catalog | None) -> ExplanationReply:
    anonymous = request.get("anonymous")
    anonymous = None if anonymous is None else bool(anonymous)
    explanation = result.explain(request.get("actor_id"), anonymous=anonymous, catalog=catalog)
    events = records(explanation.events.astype({"time": str}))
    return {
        "type": "explanation",
        "id": request.get("id"),
        "actor_id": explanation.actor_id,
        "text": explanation.text,
        "events": events,
    }
