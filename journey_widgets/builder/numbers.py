"""The funnel's numbers as the editor shows them: the rows of its ``funnel`` trait (``messages.FunnelRow``).

A funnel table becomes JSON rows, nulls as ``None``. A stage's ``optional`` flag, when the table has it, stays on its
row. A journey compared with its previous period has a leading ``period`` column (``current``, ``previous``): the
editor shows the current period's rows, each with the previous period's ``actors`` and ``conversion_from_start`` of
the same stage (and segment) beside it, and the change, the table's ``conversion_from_start_change`` (the difference,
when the table lacks it) with its ``p_value`` and ``p_value_holm`` when the table has them.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd

from journey_widgets.builder.messages import FunnelRow

CURRENT, PREVIOUS = "current", "previous"
#: A previous period's column -> its name on the current period's row.
PREVIOUS_COLUMNS = {"actors": "previous_actors", "conversion_from_start": "previous_conversion_from_start"}
CHANGE = "conversion_from_start_change"


def funnel_rows(funnel: pd.DataFrame) -> list[FunnelRow]:
    """The rows of ``funnel`` the editor shows: the current period's beside the previous one's when it has periods."""
    return cast(list[FunnelRow], records(compared(funnel) if "period" in funnel else funnel))


def compared(funnel: pd.DataFrame) -> pd.DataFrame:
    """The current period's rows of ``funnel`` (without ``period``), with the previous period's numbers of the same
    stage and segment (null where the previous period has no such row) and the change in conversion from start."""
    key = [column for column in ("breakdown", "stage_index") if column in funnel]
    current = funnel[funnel["period"] == CURRENT].drop(columns="period")
    previous = funnel.loc[funnel["period"] == PREVIOUS, [*key, *PREVIOUS_COLUMNS]].rename(columns=PREVIOUS_COLUMNS)
    rows = current.merge(previous, on=key, how="left", sort=False)  # null segments match each other
    if CHANGE not in rows:
        rows[CHANGE] = rows["conversion_from_start"] - rows["previous_conversion_from_start"]
    return rows.reset_index(drop=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON objects: nulls (NaN, NaT, NA) as ``None``."""
    return cast(list[dict[str, Any]], frame.astype(object).where(frame.notna(), None).to_dict("records"))
