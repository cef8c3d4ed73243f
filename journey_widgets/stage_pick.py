"""Clicks on the builder's funnel chart as drill-downs: the click selection its bars get, and which bar a change
of that selection picked (the builder then opens the editor's drill-down panel on it)."""

from __future__ import annotations

from typing import Any

import altair as alt

#: The name of the bars' click selection (``JupyterChart.selections`` has a trait of this name).
PICK = "jw_stage_pick"
#: The funnel's bar segments of the actors who did not reach the stage (see ``charts._funnel.SEGMENTS``).
_NOT_REACHED = ("In progress", "Dropped off")


def pickable(chart: alt.TopLevelMixin, *, segments: bool) -> alt.TopLevelMixin:
    """``chart`` (a funnel chart; ``segments``: the one of a breakdown) whose bars take clicks. A click toggles
    its bar in the selection, so every click changes it, a second click on the same bar too."""
    fields = ["stage_index", "breakdown" if segments else "segment"]
    pick = alt.selection_point(name=PICK, fields=fields, on="click", toggle="true", clear=False)
    return chart.add_params(pick).configure_bar(cursor="pointer")


def picked(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The drill-down of the one bar a click added to or took from the selection: ``{"stage": k, "dropped":
    bool}`` (a segment of those who did not reach it: dropped), plus ``"segment"`` on a breakdown's chart; None
    when not exactly one bar changed."""
    changed = [point for point in new if point not in old] + [point for point in old if point not in new]
    if len(changed) != 1 or "stage_index" not in changed[0]:
        return None
    point = changed[0]
    drill = {"stage": int(point["stage_index"]), "dropped": point.get("segment") in _NOT_REACHED}
    return drill | ({"segment": point["breakdown"]} if "breakdown" in point else {})
