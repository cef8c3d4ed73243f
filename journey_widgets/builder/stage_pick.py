"""Clicks on the builder's funnel chart as drill-downs: the click selection its bars get, and which bar a change
of that selection picked (the builder then opens the editor's drill-down panel on it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt

if TYPE_CHECKING:
    from journey_widgets.builder.messages import DrillGroup, DrillTarget
    from journey_widgets.charts import AnyChart

#: The name of the bars' click selection (``JupyterChart.selections`` has a trait of this name).
PICK = "jw_stage_pick"
#: The drill-down group (``drilldown.GROUPS``) of each of the funnel's bar segments (see ``charts._funnel``).
_GROUPS: dict[str | None, DrillGroup] = {
    "Reached": "reached",
    "In progress": "in_progress",
    "Dropped off": "dropped_off",
}


def pickable(chart: AnyChart, *, segments: bool) -> AnyChart:
    """``chart`` (a funnel chart; ``segments``: the one of a breakdown) whose bars take clicks. A click toggles
    its bar in the selection, so every click changes it, a second click on the same bar too."""
    fields = ["stage_index", "breakdown" if segments else "segment"]
    pick = alt.selection_point(name=PICK, fields=fields, on="click", toggle="true", clear=False)
    return chart.add_params(pick).configure_bar(cursor="pointer")


def picked(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> DrillTarget | None:
    """The drill-down of the one bar a click added to or took from the selection: ``{"stage": k, "group": g}``
    (g: the bar's segment, ``"reached"``, ``"in_progress"`` or ``"dropped_off"``), plus ``"segment"`` on a
    breakdown's chart (whose bars are those who reached the stage); None when not exactly one bar changed."""
    changed = [point for point in new if point not in old] + [point for point in old if point not in new]
    if len(changed) != 1 or "stage_index" not in changed[0]:
        return None
    point = changed[0]
    drill: DrillTarget = {"stage": int(point["stage_index"]), "group": _GROUPS.get(point.get("segment"), "reached")}
    if "breakdown" in point:
        drill["segment"] = point["breakdown"]
    return drill
