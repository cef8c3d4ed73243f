"""Conversion drivers: which event types and start-event property values go with converting.

The backend counts (:mod:`journey_widgets.compiler.drivers`); here each candidate's two-by-two table
(with / without it, converted / not) gets its odds ratio and a two-sided Fisher exact p-value from
scipy. These are associations, not causes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pandas as pd
from scipy.stats import fisher_exact

if TYPE_CHECKING:
    from journey_widgets.charts import AnyChart

NOTE = (
    "These are associations, not causes: actors who did something (or arrived with some property) "
    "converted more or less often, which may be due to who they are rather than to what they did."
)
COLUMNS = [
    "kind",
    "value",
    "with_actors",
    "with_conversion",
    "without_actors",
    "without_conversion",
    "odds_ratio",
    "p_value",
    "direction",
]


@dataclass(frozen=True)
class Drivers:
    """Candidates ranked by p-value, the strongest positive and negative ones, and the caveat."""

    #: One row per candidate: ``kind`` ("event" or the property), ``value``, actors and conversion with
    #: and without it, ``odds_ratio``, ``p_value``, ``direction`` ("positive", "negative" or "none").
    table: pd.DataFrame
    note: str = NOTE

    def strongest(self, direction: Literal["positive", "negative"], n: int = 5) -> pd.DataFrame:
        """The ``n`` candidates of ``direction`` with the smallest p-values (compared with the previous period: of
        each period)."""
        return _first(self.table[self.table.direction == direction], n)

    @property
    def strongest_positive(self) -> pd.DataFrame:
        """The five candidates that go most surely with converting."""
        return self.strongest("positive")

    @property
    def strongest_negative(self) -> pd.DataFrame:
        """The five candidates that go most surely with not converting."""
        return self.strongest("negative")

    def chart(self, n: int = 15) -> AnyChart:
        """The ``n`` candidates with the smallest p-values (of each period): odds ratio on a log scale."""
        from journey_widgets.charts import drivers_chart

        return drivers_chart(_first(self.table, n), note=self.note)

    def _repr_html_(self) -> str:
        return f"<p><em>{self.note}</em></p>" + self.table.to_html(index=False)


def _first(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` rows (of each period, compared with the previous period)."""
    return (table.groupby("period", sort=False).head(n) if "period" in table else table.head(n)).reset_index(drop=True)


def drivers_from_counts(counts: pd.DataFrame) -> Drivers:
    """Odds ratio and two-sided Fisher exact p-value per candidate, from the backend's counts
    (``with_converted``, ``with_actors``, ``converted``, ``actors``)."""
    rows = []
    for row in counts.to_dict("records"):
        a, with_actors = int(row["with_converted"]), int(row["with_actors"])
        c, without_actors = int(row["converted"]) - a, int(row["actors"]) - with_actors
        odds_ratio, p_value = fisher_exact([[a, with_actors - a], [c, without_actors - c]], alternative="two-sided")
        rows.append(
            {
                "kind": row["kind"],
                "value": row["value"],
                "with_actors": with_actors,
                "with_conversion": a / with_actors if with_actors else None,
                "without_actors": without_actors,
                "without_conversion": c / without_actors if without_actors else None,
                "odds_ratio": float(odds_ratio),
                "p_value": float(p_value),
                "direction": "positive" if odds_ratio > 1 else "negative" if odds_ratio < 1 else "none",
            }
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return Drivers(table.sort_values(["p_value", "kind", "value"], kind="stable").reset_index(drop=True))
