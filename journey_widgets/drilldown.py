"""The builder's drill-down, kernel side: one request from the browser, one JSON-ready reply.

Requests and replies (the frontend sends and shows them; the builder answers on the last valid result). A
drill-down names a stage ``k`` and ``dropped``: the actors who reached stage k, or (``dropped``) those who
reached stage k-1 and not k, in progress or dropped off; with ``"segment"`` (a breakdown value, null included),
only the actors of that segment.

- ``{"type": "drilldown", "id": n, "stage": k, "dropped": bool, ["segment": v,] "limit": 200}`` ->
  ``{"type": "drilldown", "id": n, "stage": k, "name": "<stage name>", "dropped": bool, ["segment": v,]
  "total": int, "in_progress": int, "actors": [the first `limit` rows of actor_id, is_anonymous, depth,
  in_progress], "next_events": [rows of next_event, actors] (dropped) or "events_between":
  [rows of event, actors] (reached, k >= 2)}``; these two are of every segment, and absent in any order;
- ``{"type": "csv", "id": n, "stage": k, "dropped": bool, ["segment": v]}`` ->
  ``{"type": "csv", "id": n, "csv": "<every actor of the drill-down, every column of the paths table>"}``;
- ``{"type": "explain", "id": n, "actor_id": "...", "anonymous": bool}`` ->
  ``{"type": "explanation", "id": n, "actor_id": "...", "text": "...", "events": [rows of time, event, matches,
  failed]}``.

A reply with ``"error"`` carries one readable line instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from journey_widgets.compiler.breakdown import LABEL
from journey_widgets.errors import ArgumentError, one_line

if TYPE_CHECKING:
    from journey_widgets.result import JourneyResult

#: The request types answered here, and the type of their replies.
REPLIES = {"drilldown": "drilldown", "csv": "csv", "explain": "explanation"}
#: Actors listed in a drill-down when the request names no limit.
LIMIT = 200
_ACTOR_COLUMNS = ["actor_id", "is_anonymous", "depth", "in_progress"]


def reply(result: JourneyResult | None, request: dict[str, Any]) -> dict[str, Any]:
    """The reply to one drill-down request on ``result`` (None: the journey has not run yet)."""
    kind = str(request.get("type"))
    base = {"type": REPLIES.get(kind, kind), "id": request.get("id")}
    if kind not in REPLIES:
        return base | {"error": f"unknown request type {kind!r}: expected one of {', '.join(REPLIES)}"}
    if result is None:
        return base | {"error": "no result yet: the journey has not run"}
    try:
        answer = {"drilldown": _listing, "csv": _csv, "explain": _explanation}[kind]
        return base | answer(result, request)
    except Exception as exc:  # one line in the builder, the kernel stays alive
        return base | {"error": one_line(exc)}


def _actors(result: JourneyResult, request: dict[str, Any]) -> pd.DataFrame:
    """Every actor of the drill-down the request names (of its segment, if it names one)."""
    actors = result.actors(int(request.get("stage", 1)), dropped=bool(request.get("dropped", False)))
    if "segment" not in request:
        return actors
    if LABEL not in actors:
        raise ArgumentError("the journey has no breakdown: a drill-down by segment needs one")
    segment = request["segment"]
    return actors[actors[LABEL].isna() if segment is None else actors[LABEL] == str(segment)]


def _listing(result: JourneyResult, request: dict[str, Any]) -> dict[str, Any]:
    actors = _actors(result, request)
    stage, dropped = int(request.get("stage", 1)), bool(request.get("dropped", False))
    journey = result.journey
    answer = {
        "stage": stage,
        "name": journey.stages[stage - 1].name,
        "dropped": dropped,
        "total": len(actors),
        "in_progress": int(actors["in_progress"].sum()),
        "actors": _records(actors[_ACTOR_COLUMNS].head(int(request.get("limit", LIMIT)))),
    }
    if "segment" in request:
        answer["segment"] = request["segment"]
    if journey.follows_order and dropped:
        answer["next_events"] = _records(result.next_events(stage)[["next_event", "actors"]])
    elif journey.follows_order and stage >= 2:
        answer["events_between"] = _records(result.events_between(stage)[["event", "actors"]])
    return answer


def _csv(result: JourneyResult, request: dict[str, Any]) -> dict[str, Any]:
    return {"csv": _actors(result, request).to_csv(index=False)}


def _explanation(result: JourneyResult, request: dict[str, Any]) -> dict[str, Any]:
    anonymous = request.get("anonymous")
    explanation = result.explain(request.get("actor_id"), anonymous=None if anonymous is None else bool(anonymous))
    events = _records(explanation.events.astype({"time": str}))
    return {"actor_id": explanation.actor_id, "text": explanation.text, "events": events}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
