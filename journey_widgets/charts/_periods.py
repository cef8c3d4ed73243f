"""Charts of a journey compared with its previous period (docs/semantics.md#comparison-with-the-previous-period):
its tables carry a leading ``period`` column, ``current`` rows first. The current period is drawn in the palette's
blue, the previous in grey; a chart with no view of its own for two periods draws one chart per period."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd

from journey_widgets.charts._theme import PALETTE, AnyChart, compact, percent

PERIOD = "period"
PERIODS = ("current", "previous")
PREVIOUS_GREY = "#9AA7B4"
#: How the funnel's comparison is tested, for the chart's subtitle.
TEST_NOTE = (
    "Change: current minus previous conversion from start; p: two-proportion z-test, Holm-corrected across the "
    "stages (p_value_holm)"
)


def is_compared(table: pd.DataFrame) -> bool:
    """The table is a comparison's: it has the ``period`` column of text (a trend's own period is a time)."""
    return PERIOD in table and not pd.api.types.is_datetime64_any_dtype(table[PERIOD])


def period_color(**options: Any) -> alt.Color:
    """The colour of each period: current blue, previous grey."""
    scale = alt.Scale(domain=list(PERIODS), range=[PALETTE[0], PREVIOUS_GREY])
    return alt.Color("period:N", scale=scale, sort=list(PERIODS), title="Period", **options)


def per_period(draw: Callable[[pd.DataFrame], AnyChart], table: pd.DataFrame) -> AnyChart:
    """One chart per period of a compared ``table`` (drawn by ``draw`` from the period's rows), one above the
    other, each titled by its period."""
    charts = [
        alt.vconcat(draw(rows.drop(columns=PERIOD).reset_index(drop=True)), title=f"{str(name).capitalize()} period")
        for name, rows in table.groupby(PERIOD, sort=False)
    ]
    return alt.vconcat(*charts)


def period_label(row: pd.Series) -> str:
    """A compared funnel row's bar label: reached and conversion from start; on the current period's stages 2 on,
    the change from the previous period and the Holm-corrected p-value."""
    label = f"{compact(row.actors)} · {percent(row.conversion_from_start)}"
    change = row.get("conversion_from_start_change")
    if row.period != "current" or row.stage_index == 1 or change is None or pd.isna(change):
        return label
    holm = row.get("p_value_holm")
    tested = "" if holm is None or pd.isna(holm) else f", Holm p {holm:.2g}"
    return f"{label} · {change * 100:+.1f} pts{tested}"
