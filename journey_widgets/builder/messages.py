"""The custom messages between the builder's page (``js/src``) and the kernel, one ``TypedDict`` each.

``js/src/types.js`` mirrors them as JSDoc typedefs. The page sends requests, each with an ``id`` that the reply
repeats: value suggestions for a filter (``suggest``), and the drill-down's listing (``drilldown``), CSV (``csv``) and
one actor's explanation (``explain``). A reply with ``error`` carries one readable line instead of its fields. The
kernel also sends of itself ``show_drilldown``: a bar of the chart was clicked. A request's fields come from the page
as JSON: where they are read they are converted (``int``, ``str``), so a wrong one is an error reply, not a crash.
The ``funnel`` trait's rows (``FunnelRow``, made by :mod:`journey_widgets.builder.numbers`) are typed here too.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, cast

#: Which number of a funnel row a drill-down lists (docs/semantics.md): those who reached the stage, or those who
#: reached the stage before and not it, their window closed (dropped off) or still open (in progress).
DrillGroup = Literal["reached", "dropped_off", "in_progress"]


class SuggestRequest(TypedDict):
    """Values of ``property`` containing ``search``, counted among the events of type ``event``."""

    type: Literal["suggest"]
    id: NotRequired[int]
    event: NotRequired[str | None]
    property: NotRequired[str]
    search: NotRequired[str]


class Suggestion(TypedDict):
    value: Any
    count: int


class SuggestionsReply(TypedDict):
    type: Literal["suggestions"]
    id: int | None
    values: list[Suggestion]
    error: NotRequired[str]


class DrillTarget(TypedDict):
    """The actors behind one number of stage ``stage``; with ``segment`` (a breakdown value, null included), only
    those of that segment."""

    stage: int
    group: DrillGroup
    segment: NotRequired[str | None]


class _TargetRequest(TypedDict):
    id: NotRequired[int]
    stage: NotRequired[int]
    group: NotRequired[str]
    segment: NotRequired[str | None]


class DrilldownRequest(_TargetRequest):
    type: Literal["drilldown"]
    limit: NotRequired[int]


class CsvRequest(_TargetRequest):
    type: Literal["csv"]


class ExplainRequest(TypedDict):
    type: Literal["explain"]
    id: NotRequired[int]
    actor_id: NotRequired[str]
    anonymous: NotRequired[bool | None]


DrillRequest = DrilldownRequest | CsvRequest | ExplainRequest
Request = SuggestRequest | DrillRequest

#: The reply's type to each drill-down request's.
REPLY_TYPES: dict[str, Literal["drilldown", "csv", "explanation"]] = {
    "drilldown": "drilldown",
    "csv": "csv",
    "explain": "explanation",
}
_REQUEST_TYPES = frozenset({"suggest", *REPLY_TYPES})


class DrilldownReply(TypedDict):
    """The first actors of a drill-down, how many in all, and the events that explain the step: next events of
    those who dropped off, events between the stages of those who reached (absent in any order)."""

    type: Literal["drilldown"]
    id: int | None
    stage: int
    name: str
    group: DrillGroup
    segment: NotRequired[str | None]
    total: int
    actors: list[dict[str, Any]]
    next_events: NotRequired[list[dict[str, Any]]]
    events_between: NotRequired[list[dict[str, Any]]]


class CsvReply(TypedDict):
    type: Literal["csv"]
    id: int | None
    csv: str


class ExplanationReply(TypedDict):
    type: Literal["explanation"]
    id: int | None
    actor_id: str
    text: str
    events: list[dict[str, Any]]


class ErrorReply(TypedDict):
    """A drill-down request that could not be answered, as one readable line."""

    type: Literal["drilldown", "csv", "explanation"]
    id: int | None
    error: str


DrillReply = DrilldownReply | CsvReply | ExplanationReply | ErrorReply


class ShowDrilldown(DrillTarget):
    """Sent by the kernel of itself: a bar of the chart was clicked, the editor opens its drill-down."""

    type: Literal["show_drilldown"]


class FunnelRow(TypedDict):
    """One row of the ``funnel`` trait: a row of the funnel table (docs/ARCHITECTURE.md#result-tables). With optional
    stages, ``optional``; compared with the previous period, the current period's row with the previous period's
    numbers of its stage (and segment) and the change in conversion from start (with its p-values, when computed)."""

    breakdown: NotRequired[str | None]
    stage_index: int
    stage: str
    optional: NotRequired[bool]
    actors: int
    anonymous_actors: int
    conversion_from_previous: float | None
    conversion_from_start: float | None
    in_progress: int
    dropped_off: int
    median_seconds_from_previous: float | None
    mean_seconds_from_previous: float | None
    p90_seconds_from_previous: float | None
    previous_actors: NotRequired[int | None]
    previous_conversion_from_start: NotRequired[float | None]
    conversion_from_start_change: NotRequired[float | None]
    p_value: NotRequired[float | None]
    p_value_holm: NotRequired[float | None]


def request(content: object) -> Request | None:
    """``content`` as the request it is, or None when it is not a JSON object of a known request type (ignored)."""
    if isinstance(content, dict) and content.get("type") in _REQUEST_TYPES:
        return cast(Request, content)
    return None
