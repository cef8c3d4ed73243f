"""Short text and HTML representations of journeys and results, in the manner of pandas and Ibis.

The text form is one line (what a discarded builder call would have held); the HTML form is what the
notebook shows: a journey's stages, steps and filters at a glance; a result's funnel table and chart.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING

from journey_widgets.durations import format_duration

if TYPE_CHECKING:
    import pandas as pd

    from journey_widgets.model import Filter, Journey, Step
    from journey_widgets.result import JourneyResult

_STYLE = "font-family: system-ui, sans-serif; font-size: 13px"


def _window(window: timedelta) -> str:
    """``30d``, ``12h``, ``90m`` when whole; else the ISO duration."""
    for unit, size in (("d", timedelta(days=1)), ("h", timedelta(hours=1)), ("m", timedelta(minutes=1))):
        if not window % size:
            return f"{window // size}{unit}"
    return format_duration(window)


def _settings(journey: Journey) -> list[str]:
    """The journey's settings besides its stages, in plain words."""
    parts = [
        "deals" if journey.object == "deal" else "contacts",
        {"any": "any order", "strict": "strict order"}.get(journey.order, "ordered"),
        f"window {_window(journey.window)}",
    ]
    if journey.date_range is not None:
        start, end = journey.date_range.start, journey.date_range.end
        parts.append(f"starts {start.date() if start else '…'} to {end.date() if end else '…'}")
    if journey.compare is not None:
        parts.append("compared with the previous period")
    if journey.exclusions:
        parts.append(f"{len(journey.exclusions)} exclusion{'s' * (len(journey.exclusions) > 1)}")
    if journey.breakdown is not None:
        breakdown = journey.breakdown
        words = {"last_touch": ", last touch", "stage": f", at stage {breakdown.stage}"}
        attribution = words.get(breakdown.attribution, "")
        parts.append(f"breakdown by {breakdown.property} (top {breakdown.limit}{attribution})")
    if journey.hold_constant:
        parts.append(f"same {', '.join(journey.hold_constant)}")
    return parts


def _filter_text(flt: Filter) -> str:
    value = list(flt.value) if isinstance(flt.value, tuple) else flt.value
    return f"{flt.property} {flt.op}" + ("" if value is None else f" {value!r}")


def _step_text(step: Step) -> str:
    conditions = [_filter_text(f) for f in step.filters] + (["anonymous ok"] if step.include_anonymous else [])
    return step.event + (f" [{', '.join(conditions)}]" if conditions else "")


def journey_repr(journey: Journey) -> str:
    """``Journey('Visitor to customer', 4 stages: Visited → Converted → Met → Won; contacts, ordered, window 30d)``."""
    stages = " → ".join(s.name for s in journey.stages) or "no stages yet"
    count = f"{len(journey.stages)} stage{'s' * (len(journey.stages) != 1)}"
    return f"Journey({journey.name!r}, {count}: {stages}; {', '.join(_settings(journey))})"


def journey_html(journey: Journey) -> str:
    """A table of stages and their steps (with filters), and the settings underneath."""
    rows = "".join(
        f"<tr><td>{k}</td><td><b>{escape(stage.name)}</b></td>"
        f"<td>{'<br>or '.join(escape(_step_text(s)) for s in stage.steps)}</td></tr>"
        for k, stage in enumerate(journey.stages, start=1)
    )
    exclusions = "".join(
        f"<li>not {escape(_step_text(e))} between stages {e.between[0]} and {e.between[1]}</li>"
        for e in journey.exclusions
    )
    table = (
        f"<table><thead><tr><th>#</th><th>stage</th><th>reached by</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else "<p>No stages yet: add one with <code>.stage(name, step(...))</code>.</p>"
    )
    return (
        f'<div style="{_STYLE}"><b>Journey {escape(journey.name)!s}</b> · {escape(", ".join(_settings(journey)))}'
        f"{table}{f'<ul>{exclusions}</ul>' if exclusions else ''}</div>"
    )


def result_repr(result: JourneyResult) -> str:
    """One line: the journey, where it runs, and the start-to-end count once the funnel has run."""
    journey = result.journey
    line = f"<JourneyResult {journey.name!r} on {result.compiled.bound.target}: {len(journey.stages)} stages"
    funnel = result.cached("funnel")
    if funnel is None or funnel.empty or "breakdown" in funnel:
        return line + ">"
    if "period" not in funnel:
        return line + f", {_started_to_last(funnel)}>"
    periods = [f"{name}: {_started_to_last(rows)}" for name, rows in funnel.groupby("period", sort=False)]
    return line + f"; {'; '.join(periods)}>"


def _started_to_last(funnel: pd.DataFrame) -> str:
    return f"{int(funnel.actors.iloc[0]):,} started → {int(funnel.actors.iloc[-1]):,} reached the last"


def result_html(result: JourneyResult) -> str:
    """The funnel table and the funnel chart (inline SVG, drawn with no network) under a heading."""
    from journey_widgets.charts import chart_to_svg

    funnel = result.funnel()
    heading = f"<b>{escape(result.journey.name)}</b> on {escape(result.compiled.bound.target)}"
    hint = "Tables: <code>.funnel()</code> <code>.branches()</code> <code>.paths()</code> · charts: <code>.plot</code>"
    table = funnel.to_html(index=False, float_format=lambda v: f"{v:.4g}", na_rep="–", border=0)
    return (
        f'<div style="{_STYLE}"><p>{heading} · {hint}</p>{table}'
        f'<div style="margin-top: 8px">{chart_to_svg(result.plot.funnel())}</div></div>'
    )
