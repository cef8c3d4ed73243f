"""Explain one actor: its journey events and what each matched, every start with the depth its
greedy path reaches, the chosen path and why, the exclusion that removed it, whether it is in progress.

One backend query fetches the actor's events with, per event, the step each stage matches, each
exclusion and each filter's outcome; the few instants of one actor are then walked here, path by path
(greedy paths in ordered and strict journeys, the stages matched within the window in any order; with
``hold_constant``, per pair of held values). A property test keeps this walk consistent with the paths table.

The explanation is read by people: events, properties and operators by their catalog labels, times to the second
(``2026-03-17 10:17:41 UTC``), counts with their plural.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from journey_widgets.catalog import Catalog, default_catalog
from journey_widgets.compiler.columns import ANONYMOUS, CONTACT, EVENT, TIME, VISITOR
from journey_widgets.compiler.matching import filter_predicate, stage_step_index, step_predicate
from journey_widgets.compiler.rows import epoch_us, window_us
from journey_widgets.errors import ArgumentError, CatalogError
from journey_widgets.operators import OPERATORS
from journey_widgets.portable import as_text

if TYPE_CHECKING:
    from journey_widgets.compiler import CompiledJourney
    from journey_widgets.model import Filter, Journey


@dataclass(frozen=True)
class Explanation:
    """Why one actor counts as it does."""

    actor_id: str
    #: Its journey events: ``time``, ``event``, ``matches`` (stages, steps, exclusions), ``failed``.
    events: pd.DataFrame
    #: Every start: ``start``, (``held``,) ``depth``, ``stages`` (in the order its path reaches them) and
    #: ``reached`` (when).
    starts: pd.DataFrame
    depth: int
    #: The chosen path's times, in the order its stages are reached (empty with no start).
    path: list[pd.Timestamp]
    #: The chosen path's stages in that order: 1, 2, ... in ordered journeys, any order in ``any``.
    path_stages: list[int]
    excluded_by: str | None
    in_progress: bool
    text: str

    def _repr_html_(self) -> str:
        lines = "".join(f"<li>{line}</li>" for line in self.text.splitlines())
        return f"<ul>{lines}</ul>" + self.events.to_html(index=False) + self.starts.to_html(index=False)


@dataclass(frozen=True)
class _Path:
    held: str | None
    start: int
    #: When the path reaches its stages, in time order, and those stages.
    times: list[int]
    stages: list[int]
    #: Ordered: the number of the deepest required stage reached; any order: how many stages.
    depth: int
    ordered: bool

    def entries(self) -> dict[int, int]:
        """What an exclusion's "stage i" is: ordered, stage i; any order, the path's i-th entry (by time)."""
        if self.ordered:
            return dict(zip(self.stages, self.times, strict=True))
        return dict(enumerate(self.times, start=1))


@dataclass(frozen=True)
class _Words:
    """Names as the user reads them: the catalog's labels of events and properties."""

    catalog: Catalog

    def event(self, event_id: str) -> str:
        return self.catalog.labels().get(event_id, event_id)

    def property(self, name: str) -> str:
        try:
            return self.catalog.property(name).label
        except CatalogError:
            return name

    def condition(self, flt: Filter) -> str:
        """``Country is any of US, DE``; ``Amount between 5 and 10``."""
        values = flt.value if isinstance(flt.value, tuple) else () if flt.value is None else (flt.value,)
        joined = " and ".join if flt.op == "between" else ", ".join
        value = f" {joined(_plain(v) for v in values)}" if values else ""
        return f"{self.property(flt.property)} {OPERATORS[flt.op].label}{value}"

    def holds(self, name: str, value: Any) -> str:
        """What the event has: ``Country is DE``, or ``no Country`` when the value is missing."""
        return f"no {self.property(name)}" if pd.isna(value) else f"{self.property(name)} is {_plain(value)}"


def explain_actor(
    compiled: CompiledJourney, actor_id: Any, *, anonymous: bool | None = None, catalog: Catalog | None = None
) -> Explanation:
    """The explanation of ``actor_id`` (a contact or deal id, or an anonymous visitor id; ``anonymous``
    says which when one id is both), naming events and properties by ``catalog``'s labels (default: the
    package's catalog)."""
    journey = compiled.journey
    normalized = compiled.bound.normalized(journey, compiled.target)
    key = ibis.literal(str(actor_id), type=dt.string)
    is_contact = normalized[CONTACT].notnull() & (normalized[CONTACT].cast(dt.string) == key)
    is_visitor = normalized[CONTACT].isnull() & (normalized[VISITOR] == key)
    which = {True: is_visitor, False: is_contact, None: is_contact | is_visitor}[anonymous]
    mine = normalized.filter(which)
    if journey.order != "strict":  # strict order: any event of the actor breaks a step
        types = sorted({s.event for st in journey.stages for s in st.steps} | {x.event for x in journey.exclusions})
        mine = mine.filter(mine[EVENT].isin([ibis.literal(t, type=dt.string) for t in types]))
    frame = mine.select(**_columns(mine, journey, compiled.target)).order_by("_t").to_pandas()
    if frame.empty:
        raise ArgumentError(f"actor {actor_id!r} has no event of this journey's steps or exclusions")
    if frame._anonymous.nunique() > 1:
        raise ArgumentError(f"{actor_id!r} is both a contact and a visitor id: pass anonymous=True or False")
    as_of = compiled.as_of if compiled.as_of is not None else compiled.bound.latest_time()
    return _walk(journey, str(actor_id), frame, as_of, _Words(catalog or default_catalog()))


def _columns(table: ir.Table, journey: Journey, target: str) -> dict[str, ir.Value]:
    anonymity = journey.object == "contact"
    columns: dict[str, ir.Value] = {"_t": table[TIME], "event": table[EVENT], "_anonymous": table[ANONYMOUS]}
    if journey.hold_constant:
        texts = [as_text(table[name], target) for name in journey.hold_constant]
        held = texts[0]
        for text in texts[1:]:
            held = held + "\x1f" + text
        columns["_held"] = held  # null when a held value is null: the event belongs to no pair
    for k, stage in enumerate(journey.stages, start=1):
        columns[f"_stage{k}"] = stage_step_index(table, stage, anonymity_applies=anonymity)
        for j, step in enumerate(stage.steps, start=1):
            for f, flt in enumerate(step.filters, start=1):
                columns[f"_filter{k}_{j}_{f}"] = filter_predicate(table, flt)
                columns[f"_prop_{flt.property}"] = table[flt.property]
    for e, exclusion in enumerate(journey.exclusions, start=1):
        columns[f"_excl{e}"] = step_predicate(table, exclusion, anonymity_applies=anonymity)
    return columns


def _describe(journey: Journey, row: Any, words: _Words) -> tuple[str, str]:
    """What the event matched (stages by step, exclusions) and, for steps of its type it missed, why."""
    matches, failed = [], []
    anonymity = journey.object == "contact"
    for k, stage in enumerate(journey.stages, start=1):
        step = row[f"_stage{k}"]
        if not pd.isna(step):
            matches.append(f"stage {k} '{stage.name}' (step {int(step)})")
            continue
        for j, s in enumerate(stage.steps, start=1):
            if s.event != row["event"]:
                continue
            reasons = [
                f"“{words.condition(flt)}” does not hold ({words.holds(flt.property, row[f'_prop_{flt.property}'])})"
                for f, flt in enumerate(s.filters, start=1)
                if not row[f"_filter{k}_{j}_{f}"]
            ]
            if anonymity and row["_anonymous"] and not s.include_anonymous:
                reasons.append("an anonymous visitor, and the step does not include anonymous visitors")
            failed.append(f"stage {k} step {j}: " + "; ".join(reasons))
    matches += [f"exclusion {e}" for e in range(1, len(journey.exclusions) + 1) if row[f"_excl{e}"]]
    return ", ".join(matches), " | ".join(failed)


def _plain(value: Any) -> str:
    """A value as written in a sentence: no quotes, no Python types."""
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 5.0 as 5, 1234567.0 as 1234567
    return str(value)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _walk(journey: Journey, actor_id: str, frame: pd.DataFrame, as_of: int, words: _Words) -> Explanation:
    n, window = len(journey.stages), window_us(journey)
    described = [_describe(journey, row, words) for _, row in frame.iterrows()]
    events = pd.DataFrame(
        {
            "time": pd.to_datetime(frame._t, unit="us", utc=True),
            "event": frame.event,
            "matches": [m for m, _ in described],
            "failed": [f for _, f in described],
        }
    )
    pairs = [None] if "_held" not in frame else sorted(frame._held.dropna().unique())
    paths = [path for held in pairs for path in _pair_paths(journey, _of_pair(frame, held), held, window)]
    starts = pd.DataFrame(
        {
            "start": [_stamp(p.start) for p in paths],
            **({"held": [p.held for p in paths]} if journey.hold_constant else {}),
            "depth": [p.depth for p in paths],
            "stages": [p.stages for p in paths],
            "reached": [[_stamp(t) for t in p.times] for p in paths],
        }
    )
    if not paths:
        first = "stage 1" if journey.follows_order else "any stage"
        text = f"No start: no event matches {first} in the date range, so the actor is not in the results."
        return Explanation(actor_id, events, starts, 0, [], [], None, False, text)
    # equal starts: the pair reaching each stage earliest (ordered), then the smallest held values as text
    ordered = journey.follows_order
    chosen = min(paths, key=lambda p: (-p.depth, p.start, p.times if ordered else [], p.held or ""))
    depth = chosen.depth
    reaching = f"stage {depth}" if ordered else _plural(depth, "distinct stage")
    pair = _of_pair(frame, chosen.held)
    excluded_by = _exclusion(journey, pair, chosen, window, words)
    if ordered and journey.has_optional_stages:
        chosen = _with_optional_stages(journey, pair, chosen, window)
    latest = max(p.start for p in paths if p.held == chosen.held)
    in_progress = excluded_by is None and depth < n and latest + window > as_of
    lines = [
        f"{_plural(len(paths), 'start')}; the deepest path reaches {reaching} of {n}.",
        f"Chosen: the earliest start reaching {reaching}, at {_when(chosen.start)}"
        + (f" (held values {chosen.held.replace(chr(0x1F), ', ')})." if chosen.held is not None else "."),
    ]
    if excluded_by:
        lines.append(f"Removed by {excluded_by}.")
    elif in_progress:
        lines.append(f"In progress: the latest start's window ends after the data does ({_when(as_of)}).")
    elif depth < n:
        following = min(k for k in journey.required_stages if k > depth) if ordered else 0
        stopped = f"before stage {following}" if ordered else f"after {depth} of {n} stages"
        lines.append(f"Dropped off {stopped}: its windows had closed when the data ends ({_when(as_of)}).")
    if not ordered:
        lines.append("Stages in the order reached: " + ", ".join(str(k) for k in chosen.stages) + ".")
    optional = [k for k, stage in enumerate(journey.stages, start=1) if stage.optional]
    if ordered and optional:
        said = [f"{k} '{journey.stages[k - 1].name}' " + _optional_fate(chosen, k) for k in optional]
        lines.append("Optional stages: " + "; ".join(said) + ".")
    path = [_stamp(t) for t in chosen.times]
    text = "\n".join(lines)
    return Explanation(actor_id, events, starts, depth, path, chosen.stages, excluded_by, in_progress, text)


def _of_pair(frame: pd.DataFrame, held: str | None) -> pd.DataFrame:
    """The events of one pair of held values (all events without ``hold_constant``)."""
    return frame if held is None else frame[frame._held == held]


def _optional_fate(path: _Path, k: int) -> str:
    return f"reached at {_when(path.times[path.stages.index(k)])}" if k in path.stages else "skipped"


def _with_optional_stages(journey: Journey, frame: pd.DataFrame, path: _Path, window: int) -> _Path:
    """``path`` (through the required stages) with the optional stages it reached: each, in its gap between
    required stages r and R, at its earliest event strictly after the stage reached before it and strictly
    before R (R not reached: at or before the window's end)."""
    reached = dict(zip(path.stages, path.times, strict=True))
    for r, optional, following in journey.optional_gaps():
        if r not in reached:
            continue
        after = reached[r]
        for k in optional:
            times = frame._t[frame[f"_stage{k}"].notna()].astype(int)
            inside = times[
                (times > after)
                & ((times < reached[following]) if following in reached else (times <= path.start + window))
            ]
            if len(inside):
                after = reached[k] = int(inside.min())
    stages = sorted(reached)
    return replace(path, times=[reached[k] for k in stages], stages=stages)


def _pair_paths(journey: Journey, frame: pd.DataFrame, held: str | None, window: int) -> list[_Path]:
    """The path from every start of one pair."""
    date_range = journey.date_range
    low = epoch_us(date_range.start) if date_range and date_range.start else None
    high = epoch_us(date_range.end) if date_range and date_range.end else None
    instants = sorted(set(frame._t.astype(int)))
    stage_times = {
        k: sorted(set(frame._t[frame[f"_stage{k}"].notna()].astype(int)))
        for k in (journey.required_stages if journey.follows_order else range(1, len(journey.stages) + 1))
    }
    if journey.follows_order:
        starts, strict = stage_times[1], journey.order == "strict"
    else:
        starts = sorted(set().union(*stage_times.values()))
    paths = []
    for start in starts:
        if (low is not None and start < low) or (high is not None and start >= high):
            continue
        if journey.follows_order:
            path = _greedy(stage_times, instants, start, window, strict)
        else:
            path = _within(stage_times, start, window)
        stages = [k for _, k in path]
        ordered = journey.follows_order
        paths.append(_Path(held, start, [t for t, _ in path], stages, stages[-1] if ordered else len(stages), ordered))
    return paths


def _greedy(
    stage_times: dict[int, list[int]], instants: Sequence[int], start: int, window: int, strict: bool
) -> list[tuple[int, int]]:
    """(time, stage) of the greedy path from ``start`` through the stages of ``stage_times`` (the required
    ones; strict: each stage only at the very next instant)."""
    stages = sorted(stage_times)
    path = [(start, stages[0])]
    for k in stages[1:]:
        last = path[-1][0]
        later = [t for t in instants if t > last][:1] if strict else stage_times[k]
        found = [t for t in later if last < t <= start + window and t in stage_times[k]]
        if not found:
            break
        path.append((found[0], k))
    return path


def _within(stage_times: dict[int, list[int]], start: int, window: int) -> list[tuple[int, int]]:
    """(time, stage) of each stage matched in [start, start + window] at its earliest time, in time order
    (then stage number): the any-order path from ``start``."""
    reached = []
    for k, times in stage_times.items():
        inside = [t for t in times if start <= t <= start + window]
        if inside:
            reached.append((inside[0], k))
    return sorted(reached)


def _exclusion(journey: Journey, frame: pd.DataFrame, path: _Path, window: int, words: _Words) -> str | None:
    entries = path.entries()
    for e, exclusion in enumerate(journey.exclusions, start=1):
        i, j = exclusion.between
        if i not in entries:
            continue
        until = entries.get(j, path.start + window)
        hits = frame._t[frame[f"_excl{e}"].astype(bool) & (frame._t > entries[i]) & (frame._t <= until)]
        if len(hits):
            event = words.event(exclusion.event)
            return f"exclusion {e} ({event} between stages {i} and {j}) at {_when(int(hits.iloc[0]))}"
    return None


def _stamp(us: int) -> pd.Timestamp:
    return pd.Timestamp(0, tz="UTC") + timedelta(microseconds=int(us))


def _when(us: int) -> str:
    """A time in a sentence, to the second: ``2026-03-17 10:17:41 UTC``."""
    return _stamp(us).strftime("%Y-%m-%d %H:%M:%S UTC")
