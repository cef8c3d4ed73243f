"""The builder's drill-down, kernel side: one request from the browser, one JSON-ready reply.

Requests and replies (the frontend sends and shows them; the builder answers on the last valid result):

- ``{"type": "drilldown", "id": n, "stage": k, "dropped": bool, "limit": 200}`` ->
  ``{"type": "drilldown", "id": n, "stage": k, "dropped": bool, "total": int, "actors": [rows of
  actor_id, is_anonymous, depth, in_progress], "csv": "<every row as CSV>", "next_events": [rows of
  next_event, actors] (dropped only)}``: the actors who reached stage k, or stopped before it;
- ``{"type": "explain", "id": n, "actor_id": "...", "anonymous": bool}`` ->
  ``{"type": "explanation", "id": n, "text": "...", "events": [rows of time, event, matches, failed]}``.

A reply with ``"error"`` carries one readable line instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from journey_widgets.result import JourneyResult

#: The request types answered here.
REQUESTS = frozenset({"drilldown", "explain"})
_ACTOR_COLUMNS = ["actor_id", "is_anonymous", "depth", "in_progress"]


def reply(result: JourneyResult | None, request: dict[str, Any]) -> dict[str, Any]:
    """The reply to one drill-down request on ``result`` (None: the journey has not run yet)."""
    kind = "explanation" if request.get("type") == "explain" else "drilldown"
    base = {"type": kind, "id": request.get("id")}
    if result is None:
        return base | {"error": "no result yet: the journey has not run"}
    try:
        return base | (_explanation(result, request) if kind == "explanation" else _actors(result, request))
    except Exception as exc:  # one line in the builder, the kernel stays alive
        text = str(exc).strip()
        return base | {"error": f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"}


def _actors(result: JourneyResult, request: dict[str, Any]) -> dict[str, Any]:
    stage, dropped = int(request.get("stage", 1)), bool(request.get("dropped", False))
    actors = result.actors(stage, dropped=dropped)
    answer = {
        "stage": stage,
        "dropped": dropped,
        "total": len(actors),
        "actors": _records(actors[_ACTOR_COLUMNS].head(int(request.get("limit", 200)))),
        "csv": actors.to_csv(index=False),
    }
    if dropped and result.journey.follows_order:
        answer["next_events"] = _records(result.next_events(stage)[["next_event", "actors"]])
    return answer


def _explanation(result: JourneyResult, request: dict[str, Any]) -> dict[str, Any]:
    anonymous = request.get("anonymous")
    explanation = result.explain(request.get("actor_id"), anonymous=None if anonymous is None else bool(anonymous))
    return {"text": explanation.text, "events": _records(explanation.events.astype({"time": str}))}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
