"""What the journey is compared with: the DuckDB floor and the pandas groupby-apply of a notebook."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd
from common import SHARED_PERF, THREADS, SampleFiles, event_types

#: The least any funnel must do: read the events once, keep the journey's event types, stitch
#: anonymous visitors to contacts, and group by actor. Values enter as bound parameters.
FLOOR_SQL = """
WITH stitched AS (
    SELECT visitor_id, contact_id
    FROM read_parquet($identity)
    WHERE visitor_id IS NOT NULL AND contact_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY visitor_id ORDER BY identified_at NULLS LAST, contact_id) = 1
)
SELECT
    coalesce(e.contact_id, s.contact_id) AS contact,
    CASE WHEN coalesce(e.contact_id, s.contact_id) IS NULL THEN e.visitor_id END AS visitor,
    count(*) AS events,
    min(e.occurred_at) AS first_at
FROM read_parquet($events) AS e
LEFT JOIN stitched AS s ON e.visitor_id = s.visitor_id
WHERE e.event_type IN ({types})
GROUP BY ALL
"""


def floor(files: SampleFiles, document: dict[str, Any]) -> int:
    """Run the floor query on a new DuckDB connection (``THREADS`` threads); the number of actor rows."""
    types = event_types(document)
    sql = FLOOR_SQL.format(types=", ".join(f"$t{i}" for i in range(len(types))))
    params = {"events": str(files.events), "identity": str(files.identity)}
    params |= {f"t{i}": name for i, name in enumerate(types)}
    connection = duckdb.connect()
    connection.execute(f"SET threads={THREADS}")
    return connection.sql(sql, params=params).to_arrow_table().num_rows


def handwritten(files: SampleFiles, query: str) -> list[int]:
    """Run one of ``../shared/perf``'s hand-written queries (``query``: its file name without ``.sql``) on
    a new DuckDB connection (``THREADS`` threads); its stage counts."""
    text = (SHARED_PERF / f"{query}.sql").read_text(encoding="utf-8")
    sql = text.format(events=str(files.events).replace("'", "''"), identity=str(files.identity).replace("'", "''"))
    connection = duckdb.connect()
    connection.execute(f"SET threads={THREADS}")
    (row,) = connection.sql(sql).fetchall()
    return [int(n) for n in row[:4]]


# ------------------------------------------------------------------------------------------ pandas
def pandas_funnel(files: SampleFiles, document: dict[str, Any]) -> list[int]:
    """Actors per stage, the way a notebook user would write it: pandas, a merge, a groupby-apply.

    Handles ordered journeys with ``eq``/``in`` filters and no date range, exclusion, breakdown or held property.
    """
    if document.get("order", "ordered") != "ordered" or any(
        document.get(key) for key in ("date_range", "exclusions", "breakdown", "hold_constant")
    ):
        raise ValueError("the pandas baseline runs ordered journeys without date range, exclusions or breakdown")
    events = _with_actors(pd.read_parquet(files.events), pd.read_parquet(files.identity))
    stages = [f"stage_{k}" for k in range(len(document["stages"]))]
    for name, stage in zip(stages, document["stages"]):
        events[name] = _stage_mask(events, stage)
    events = events[events[stages].any(axis=1)].sort_values(["actor", "t"])
    window = pd.Timedelta(document.get("window", "P30D")) // pd.Timedelta(1, "us")
    depths = events.groupby("actor")[["t", *stages]].apply(_greedy_depth, window=window)
    return [int((depths >= k).sum()) for k in range(1, len(stages) + 1)]


def _with_actors(events: pd.DataFrame, identity: pd.DataFrame) -> pd.DataFrame:
    """Stitch visitors to their first contact; ``actor`` is the contact, else the visitor."""
    first = (
        identity.dropna(subset=["visitor_id", "contact_id"])
        .sort_values(["identified_at", "contact_id"])
        .drop_duplicates("visitor_id")
    )
    events = events.merge(
        first[["visitor_id", "contact_id"]].rename(columns={"contact_id": "stitched"}), on="visitor_id", how="left"
    )
    contact = events["contact_id"].fillna(events["stitched"])
    events["anonymous"] = contact.isna()
    events["actor"] = contact.astype("Int64").astype("string").fillna("visitor " + events["visitor_id"])
    events["t"] = events["occurred_at"].dt.as_unit("us").astype("int64")
    return events.dropna(subset=["actor"])


def _stage_mask(events: pd.DataFrame, stage: dict[str, Any]) -> pd.Series:
    """Rows matching any of the stage's steps."""
    mask = pd.Series(False, index=events.index)
    for step in stage["steps"]:
        matches = events["event_type"] == step["event"]
        if not step.get("include_anonymous", False):
            matches &= ~events["anonymous"]
        for flt in step.get("filters", []):
            if flt["op"] not in ("eq", "in"):
                raise ValueError(f"the pandas baseline handles eq and in filters, not {flt['op']!r}")
            values = flt["value"] if flt["op"] == "in" else [flt["value"]]
            matches &= events[flt["property"]].isin(values)
        mask |= matches
    return mask


def _greedy_depth(group: pd.DataFrame, window: int) -> int:
    """From every start, the earliest later event of each next stage within the window (docs/semantics.md)."""
    values = group.to_numpy(dtype="int64")  # t, then one 0/1 column per stage
    times, matched = values[:, 0], values[:, 1:].astype(bool)
    best = 0
    for start in times[matched[:, 0]]:
        reached, depth = start, 1
        for k in range(1, matched.shape[1]):
            later = times[matched[:, k] & (times > reached) & (times <= start + window)]
            if later.size == 0:
                break
            reached, depth = later.min(), depth + 1
        best = max(best, depth)
    return best
