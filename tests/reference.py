"""A plain, obviously-correct implementation of docs/semantics.md, the oracle every backend is compared with.

It loops per actor over its time-sorted events and tries every start. Slow on purpose: clarity
over speed. It reads the journey as the version-1 JSON dict and the events as a pandas DataFrame.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from journey_widgets.durations import format_duration, parse_duration

US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# ------------------------------------------------------------------------------------ inputs
def _us(value: Any) -> int | None:
    """Microseconds since the epoch (naive = UTC), or None for a missing time."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return (stamp.to_pydatetime() - EPOCH) // US


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """A Python scalar (numpy/pandas scalars unwrapped), None for missing."""
    if _missing(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _identity_map(identity: pd.DataFrame | None) -> dict[str, Any]:
    """visitor -> contact, the first by identified_at then the smallest contact."""
    if identity is None or identity.empty:
        return {}
    candidates: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
    for row in identity.to_dict("records"):
        visitor, contact = _plain(row["visitor_id"]), _plain(row["contact_id"])
        if visitor is None or contact is None:
            continue
        when = _us(row.get("identified_at"))
        candidates[str(visitor)].append((math.inf if when is None else when, contact))
    return {visitor: min(options)[1] for visitor, options in candidates.items()}


@dataclass
class Event:
    t: int
    row: dict[str, Any]
    stage_steps: dict[int, int] = field(default_factory=dict)  # stage k -> first matching step index


def _actor(row: dict[str, Any], journey: dict, stitched: dict[str, Any]) -> tuple[bool, str] | None:
    if journey.get("object", "contact") == "deal":
        deal = _plain(row.get("deal_id"))
        return None if deal is None else (False, str(deal))
    contact, visitor = _plain(row.get("contact_id")), _plain(row.get("visitor_id"))
    if contact is None and visitor is not None:
        contact = stitched.get(str(visitor))
    if contact is not None:
        return (False, str(contact))
    return None if visitor is None else (True, str(visitor))


# ------------------------------------------------------------------------------------ matching
def filter_holds(flt: dict, value: Any) -> bool:
    op, target = flt["op"], flt.get("value")
    if op == "is_unknown":
        return value is None
    if op == "is_known":
        return value is not None
    if value is None:
        return op in ("neq", "not_in", "not_contains")
    return {
        "eq": lambda: value == target,
        "neq": lambda: value != target,
        "in": lambda: value in target,
        "not_in": lambda: value not in target,
        "contains": lambda: target in value,
        "not_contains": lambda: target not in value,
        "starts_with": lambda: value.startswith(target),
        "gt": lambda: value > target,
        "gte": lambda: value >= target,
        "lt": lambda: value < target,
        "lte": lambda: value <= target,
        "between": lambda: target[0] <= value <= target[1],
    }[op]()


def step_matches(step: dict, row: dict, anonymous: bool, journey: dict) -> bool:
    if row["event_type"] != step["event"]:
        return False
    if journey.get("object", "contact") == "contact" and anonymous and not step.get("include_anonymous", False):
        return False
    return all(filter_holds(f, _plain(row.get(f["property"]))) for f in step.get("filters", []))


# ------------------------------------------------------------------------------------ journeys
@dataclass
class Path:
    depth: int  # ordered: the number of the deepest required stage reached
    start: int
    times: list[int | None]  # ordered: t_k by stage, None where not reached; any order: the entries' times
    branches: list[int | None]
    stages: list[int] = field(default_factory=list)  # any order: the entries' stages, in path order


def _ordered_path_from(events: list[Event], start: Event, stages: list[int], window: int, strict: bool) -> Path:
    """The greedy path through ``stages`` (the required ones) from ``start``; times and branches by stage
    number (None where not reached), depth the number of the deepest stage reached."""
    times: dict[int, int] = {stages[0]: start.t}
    branches = {stages[0]: start.stage_steps[stages[0]]}
    last = start.t
    for k in stages[1:]:
        found = [e for e in events if k in e.stage_steps and e.t > last and e.t <= start.t + window]
        if strict:  # only the very next instant of any event of the actor counts
            following = [e.t for e in events if e.t > last]
            found = [e for e in found if following and e.t == min(following)]
        if not found:
            break
        last = min(e.t for e in found)
        times[k], branches[k] = last, min(e.stage_steps[k] for e in found if e.t == last)
    n = max(stages)
    return Path(
        max(times), start.t, [times.get(k) for k in range(1, n + 1)], [branches.get(k) for k in range(1, n + 1)]
    )


def _with_optional_stages(events: list[Event], path: Path, journey: dict, window: int) -> Path:
    """Each optional stage read in the gap between the required stages r and R around it, in order: the
    earliest matching event strictly after the path's previous reached stage of the gap and strictly before
    R (R not reached: at or before the window's end); none in a gap whose r was not reached."""
    optional = [k for k, stage in enumerate(journey["stages"], start=1) if stage.get("optional")]
    for k in optional:
        previous_required = max(r for r in _required(journey) if r < k)
        if path.times[previous_required - 1] is None:
            continue
        after = max(t for t in path.times[previous_required - 1 : k - 1] if t is not None)
        following = min(r for r in _required(journey) if r > k)
        before = path.times[following - 1]
        found = [
            e
            for e in events
            if k in e.stage_steps
            and e.t > after
            and (e.t < before if before is not None else e.t <= path.start + window)
        ]
        if found:
            t = min(e.t for e in found)
            path.times[k - 1], path.branches[k - 1] = t, min(e.stage_steps[k] for e in found if e.t == t)
    return path


def _required(journey: dict) -> list[int]:
    return [k for k, stage in enumerate(journey["stages"], start=1) if not stage.get("optional")]


def previous_required(journey: dict, k: int) -> int:
    """The nearest required stage before stage ``k`` (k >= 2): "previous" for conversions and times."""
    return max(r for r in _required(journey) if r < k)


def _first_branch_at_start(events: list[Event], t: int) -> int:
    return min(e.stage_steps[1] for e in events if e.t == t and 1 in e.stage_steps)


def ordered_path(events: list[Event], journey: dict, in_range) -> Path | None:
    """The earliest start's path among the deepest (the required stages alone decide), then its optional
    stages."""
    window = _window(journey)
    best: Path | None = None
    strict = journey.get("order") == "strict"
    for start in sorted((e for e in events if 1 in e.stage_steps and in_range(e.t)), key=lambda e: e.t):
        path = _ordered_path_from(events, start, _required(journey), window, strict)
        path.branches[0] = _first_branch_at_start(events, start.t)
        if best is None or path.depth > best.depth:
            best = path
    return None if best is None else _with_optional_stages(events, best, journey, window)


def any_order_path(events: list[Event], journey: dict, in_range) -> Path | None:
    window = _window(journey)
    best: Path | None = None
    for start in sorted((e for e in events if e.stage_steps and in_range(e.t)), key=lambda e: e.t):
        firsts: dict[int, int] = {}
        for e in events:
            if start.t <= e.t <= start.t + window:
                for k in e.stage_steps:
                    firsts[k] = min(firsts.get(k, e.t), e.t)
        if best is None or len(firsts) > best.depth:
            entries = sorted((t, k) for k, t in firsts.items())  # the path: time order, then stage number
            best = Path(len(firsts), start.t, [t for t, _ in entries], [], [k for _, k in entries])
    return best


def excluded(events: list[Event], path: Path, journey: dict) -> bool:
    window = _window(journey)
    for exclusion in journey.get("exclusions", []):
        i, j = exclusion["between"]
        if path.depth < i:
            continue
        after = path.times[i - 1]
        until = path.times[j - 1] if path.depth >= j else path.start + window
        for e in events:
            if after < e.t <= until and step_matches(exclusion, e.row, e.row["_anonymous"], journey):
                return True
    return False


def breakdown_value(events: list[Event], path: Path, journey: dict) -> str | None:
    """The value of the event that ``attribution`` names: at the start instant the first listed (stage,
    step); at stage k's (or the deepest stage's) instant the event by the stage's first listed step;
    then the smallest non-null value. None when the path did not reach the attributed stage."""
    breakdown = journey["breakdown"]
    ordered = journey.get("order", "ordered") != "any"
    attribution = breakdown.get("attribution", "first_touch")
    if attribution == "first_touch":
        at, stages = path.start, ([1] if ordered else range(1, len(journey["stages"]) + 1))
    else:
        stage = breakdown["stage"] if attribution == "stage" else (path.depth if ordered else path.stages[-1])
        if (ordered and path.times[stage - 1] is None) or (not ordered and stage not in path.stages):
            return None
        at = path.times[stage - 1] if ordered else path.times[path.stages.index(stage)]
        stages = [stage]

    def rank(e: Event) -> tuple[int, int] | None:
        for k in stages:
            if k in e.stage_steps:
                return (k, e.stage_steps[k])
        return None

    ranked = [(rank(e), e) for e in events if e.t == at and rank(e) is not None]
    first = min(r for r, _ in ranked)
    values = [_text(_plain(e.row.get(breakdown["property"]))) for r, e in ranked if r == first]
    values = [v for v in values if v is not None]
    return min(values) if values else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _window(journey: dict) -> int:
    return parse_duration(journey.get("window", "P30D")) // US


def _date_filter(journey: dict):
    date_range = journey.get("date_range") or {}
    start = _us(date_range.get("start")) if date_range.get("start") else None
    end = _us(date_range.get("end")) if date_range.get("end") else None
    return lambda t: (start is None or t >= start) and (end is None or t < end)


# ------------------------------------------------------------------------------------ driver
@dataclass
class ActorPath:
    anonymous: bool
    actor_id: str
    path: Path
    breakdown: str | None = None
    held: dict[str, Any] = field(default_factory=dict)  # hold_constant: the best pair's values
    in_progress: bool = False  # depth below the last stage and the latest start's window open at as_of
    window_open: bool = False  # the window of the path's own start is open at as_of
    events: list[Event] = field(default_factory=list)  # all the actor's events, of any type and held values
    pair_events: list[Event] = field(default_factory=list)  # the events of the path's pair


def actor_paths(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None = None, as_of: Any = None
) -> list[ActorPath]:
    """Every actor with a start, its chosen path, exclusions applied, and whether it is in progress at
    ``as_of`` (default: the latest event time)."""
    stitched = _identity_map(identity)
    held = journey.get("hold_constant", [])
    by_pair: dict[tuple[bool, str, tuple], list[Event]] = defaultdict(list)
    by_actor: dict[tuple[bool, str], list[Event]] = defaultdict(list)
    for row in events.to_dict("records"):
        t = _us(row.get("occurred_at"))
        actor = _actor(row, journey, stitched)
        if t is None or actor is None:
            continue
        row["_anonymous"] = actor[0]
        event = Event(t, row)
        for k, stage in enumerate(journey["stages"], start=1):
            for j, step in enumerate(stage["steps"], start=1):
                if step_matches(step, row, actor[0], journey):
                    event.stage_steps[k] = j
                    break
        by_actor[actor].append(event)
        values = tuple(_plain(row.get(name)) for name in held)
        if None not in values:
            by_pair[(*actor, values)].append(event)
    times = (_us(t) for t in events["occurred_at"])  # the data ends when the table does: every row (SPEC §5)
    end = _us(as_of) if as_of is not None else max((t for t in times if t is not None), default=None)
    in_range = _date_filter(journey)
    follow = any_order_path if journey.get("order", "ordered") == "any" else ordered_path
    best: dict[tuple[bool, str], tuple[tuple, Path, list[Event], tuple]] = {}
    for (anonymous, actor_id, values), pair_events in by_pair.items():
        path = follow(pair_events, journey, in_range)
        if path is None:
            continue
        required_times = (
            [path.times[k - 1] for k in _required(journey) if k <= path.depth] if follow is ordered_path else []
        )
        rank = (-path.depth, path.start, required_times, [_text(v) for v in values])
        if (anonymous, actor_id) not in best or rank < best[(anonymous, actor_id)][0]:
            best[(anonymous, actor_id)] = (rank, path, pair_events, values)
    is_start = (lambda e: bool(e.stage_steps)) if follow is any_order_path else (lambda e: 1 in e.stage_steps)
    latest_of: dict[tuple[bool, str], int] = {}  # over all the actor's pairs: a new pair may still start
    for (anonymous, actor_id, _), pair_events in by_pair.items():
        starts = [e.t for e in pair_events if is_start(e) and in_range(e.t)]
        if starts:
            latest_of[(anonymous, actor_id)] = max(*starts, latest_of.get((anonymous, actor_id), starts[0]))
    result = []
    for (anonymous, actor_id), (_, path, pair_events, values) in sorted(
        best.items(), key=lambda kv: (kv[0][1], kv[0][0])
    ):
        if excluded(pair_events, path, journey):
            continue
        value = breakdown_value(pair_events, path, journey) if journey.get("breakdown") else None
        window, n_stages = _window(journey), len(journey["stages"])
        in_progress = path.depth < n_stages and latest_of[(anonymous, actor_id)] + window > end
        values_of = dict(zip(held, values, strict=True))
        actor_events = by_actor[(anonymous, actor_id)]
        window_open = path.start + window > end
        result.append(
            ActorPath(anonymous, actor_id, path, value, values_of, in_progress, window_open, actor_events, pair_events)
        )
    return result


def _labels(paths: list[ActorPath], limit: int) -> dict[str | None, tuple[str | None, int]]:
    """Breakdown value -> (label, display order): top `limit` by actors, ties by value, null last."""
    counts: dict[str | None, int] = defaultdict(int)
    for p in paths:
        counts[p.breakdown] += 1
    ranked = sorted(counts, key=lambda v: (-counts[v], v is None, v or ""))
    kept = set(ranked[:limit])
    candidates = ["Other", "Other (merged)", *(f"Other (merged {n})" for n in range(2, limit + 1))]
    other = next(label for label in candidates if label not in kept)
    return {v: ((v, i) if i < limit else (other, limit)) for i, v in enumerate(ranked)}


def _nearest_rank(values: list[int], numerator: int, denominator: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = -(-numerator * len(ordered) // denominator)  # ceil(q n) in integers
    return ordered[rank - 1] / 1e6


def reference_run(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None = None, as_of: Any = None
) -> dict[str, pd.DataFrame]:
    """The funnel, branches and paths tables (docs/semantics.md#result-tables; ``as_of``: default the latest event
    time)."""
    if journey.get("compare"):
        return reference_compared_run(events, journey, identity, as_of)
    paths = actor_paths(events, journey, identity, as_of)
    stages = journey["stages"]
    ordered = journey.get("order", "ordered") != "any"
    breakdown = journey.get("breakdown")
    labels = _labels(paths, breakdown.get("limit", 10)) if breakdown else {None: (None, 0)}
    groups: dict[tuple[int, str | None], list[ActorPath]] = defaultdict(list)
    for p in paths:
        label, order = labels[p.breakdown if breakdown else None]
        groups[(order, label)].append(p)
    if not breakdown and not groups:
        groups[(0, None)] = []
    funnel_rows, branch_rows = [], []
    for (_, label), members in sorted(groups.items(), key=lambda kv: kv[0][0]):
        counts = [sum(_reached(p.path, k, ordered) for p in members) for k in range(1, len(stages) + 1)]
        for k, stage in enumerate(stages, start=1):
            reached = [p for p in members if _reached(p.path, k, ordered)]
            r = previous_required(journey, k) if ordered and k > 1 else k - 1  # "previous": the nearest required
            gaps = [p.path.times[k - 1] - p.path.times[r - 1] for p in reached] if ordered and k > 1 else []
            previous = counts[r - 1] if k > 1 else counts[0]
            open_k = sum(p.path.depth == r and p.in_progress for p in members) if not stage.get("optional") else 0
            dropped = previous - counts[k - 1] - open_k if k > 1 and not stage.get("optional") else 0
            row = {
                "stage_index": k,
                "stage": stage["name"],
                "actors": counts[k - 1],
                "anonymous_actors": sum(p.anonymous for p in reached),
                "conversion_from_previous": counts[k - 1] / previous if previous else None,
                "conversion_from_start": counts[k - 1] / counts[0] if counts[0] else None,
                "in_progress": open_k,
                "dropped_off": dropped,
                "median_seconds_from_previous": _nearest_rank(gaps, 1, 2),
                "mean_seconds_from_previous": sum(gaps) / len(gaps) / 1e6 if gaps else None,
                "p90_seconds_from_previous": _nearest_rank(gaps, 9, 10),
            }
            if any(s.get("optional") for s in stages):
                row["optional"] = bool(stage.get("optional"))
            funnel_rows.append(({"breakdown": label} if breakdown else {}) | row)
            if ordered:
                for j, step in enumerate(stage["steps"], start=1):
                    n = sum(p.path.branches[k - 1] == j for p in reached)
                    if n:
                        branch_rows.append(
                            ({"breakdown": label} if breakdown else {})
                            | {"stage_index": k, "step_index": j, "event": step["event"], "actors": n}
                        )
    path_rows = []
    for p in paths:
        row: dict[str, Any] = {"actor_id": p.actor_id, "is_anonymous": p.anonymous, **p.held, "depth": p.path.depth}
        row["in_progress"] = p.in_progress
        for k in range(1, len(stages) + 1):
            reached = _reached(p.path, k, ordered) and ordered
            row[f"reached_at_{k}"] = pd.Timestamp(EPOCH + p.path.times[k - 1] * US) if reached else None
        for k in range(1, len(stages) + 1):
            row[f"branch_{k}"] = p.path.branches[k - 1] if ordered and _reached(p.path, k, ordered) else None
        if breakdown:
            row["breakdown"] = labels[p.breakdown][0]
        path_rows.append(row)
    optional_column = ["optional"] if any(s.get("optional") for s in stages) else []
    funnel_columns = (["breakdown"] if breakdown else []) + list(FUNNEL_COLUMNS) + optional_column
    return {
        "funnel": pd.DataFrame(funnel_rows, columns=funnel_columns),
        "branches": pd.DataFrame(branch_rows, columns=(["breakdown"] if breakdown else []) + list(BRANCH_COLUMNS)),
        "paths": pd.DataFrame(path_rows).sort_values(["actor_id", "is_anonymous"]).reset_index(drop=True)
        if path_rows
        else pd.DataFrame(path_rows),
    }


def _reached(path: Path, k: int, ordered: bool) -> bool:
    """The path reached stage k (any order: at least k of the stages)."""
    return path.times[k - 1] is not None if ordered else path.depth >= k


def reference_trend(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, period: str, as_of: Any = None
) -> pd.DataFrame:
    """Started, completed, conversion per UTC day / ISO week (Monday) / month of the path start, and per
    breakdown segment (in display order) when the journey has a breakdown; ``complete``: no path starting
    in the period has its window open at ``as_of``."""
    if journey.get("compare"):
        return reference_compared_trend(events, journey, identity, period, as_of)
    n_stages = len(journey["stages"])
    paths = actor_paths(events, journey, identity, as_of)
    breakdown = journey.get("breakdown")
    labels = _labels(paths, breakdown.get("limit", 10)) if breakdown else {None: (None, 0)}
    buckets: dict[tuple[int, str | None, datetime], list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in paths:
        start = EPOCH + p.path.start * US
        day = start.replace(hour=0, minute=0, second=0, microsecond=0)
        key = {"day": day, "week": day - timedelta(days=day.weekday()), "month": day.replace(day=1)}[period]
        label, order = labels[p.breakdown if breakdown else None]
        buckets[(order, label, key)][0] += 1
        buckets[(order, label, key)][1] += p.path.depth == n_stages
        buckets[(order, label, key)][2] += p.window_open
    rows = [
        ({"breakdown": label} if breakdown else {})
        | {"period": pd.Timestamp(k), "started": s, "completed": c, "conversion": c / s, "complete": o == 0}
        for (_, label, k), (s, c, o) in sorted(buckets.items(), key=lambda kv: (kv[0][0], kv[0][2]))
    ]
    columns = (["breakdown"] if breakdown else []) + ["period", "started", "completed", "conversion", "complete"]
    return pd.DataFrame(rows, columns=columns)


def reference_time_histogram(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, bins: int, as_of: Any = None
) -> pd.DataFrame:
    """Per stage k >= 2 of an ordered journey: the paths' times from the stage before (the nearest required one) in
    ``bins`` equal bins of whole microseconds from 0, each ``max // bins + 1`` wide; only bins holding actors."""
    gaps: dict[int, list[int]] = defaultdict(list)
    for p in actor_paths(events, journey, identity, as_of):
        for k in range(2, len(journey["stages"]) + 1):
            if p.path.times[k - 1] is not None:
                gaps[k].append(p.path.times[k - 1] - p.path.times[previous_required(journey, k) - 1])
    rows = []
    for k in sorted(gaps):
        width = max(gaps[k]) // bins + 1
        counts: dict[int, int] = defaultdict(int)
        for gap in gaps[k]:
            counts[gap // width] += 1
        rows += [
            {
                "stage_index": k,
                "stage": journey["stages"][k - 1]["name"],
                "bin_start_seconds": b * width / 1e6,
                "bin_end_seconds": (b * width + width) / 1e6,
                "actors": n,
            }
            for b, n in sorted(counts.items())
        ]
    return pd.DataFrame(rows, columns=["stage_index", "stage", "bin_start_seconds", "bin_end_seconds", "actors"])


FUNNEL_COLUMNS = (
    "stage_index",
    "stage",
    "actors",
    "anonymous_actors",
    "conversion_from_previous",
    "conversion_from_start",
    "in_progress",
    "dropped_off",
    "median_seconds_from_previous",
    "mean_seconds_from_previous",
    "p90_seconds_from_previous",
)
BRANCH_COLUMNS = ("stage_index", "step_index", "event", "actors")


# ------------------------------------------------------------------------------------ beyond the funnel
def reference_window_sweep(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, windows: list[timedelta]
) -> pd.DataFrame:
    """Actors reaching each stage with each window: the whole journey run again at every window."""
    if journey.get("compare"):
        return reference_compared(reference_window_sweep, events, journey, identity, windows)
    plain = {key: value for key, value in journey.items() if key != "breakdown"}
    rows = []
    for window in sorted(set(windows)):
        funnel = reference_run(events, plain | {"window": format_duration(window)}, identity)["funnel"]
        rows += [
            {"stage_index": k, "window_seconds": window / timedelta(seconds=1), "actors": a}
            for k, a in zip(funnel.stage_index, funnel.actors)
        ]
    rows.sort(key=lambda r: (r["stage_index"], r["window_seconds"]))
    return pd.DataFrame(rows, columns=["stage_index", "window_seconds", "actors"])


NO_EVENT, OTHER_EVENTS = "(no further event)", "(other events)"


def reference_next_events(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, stage: int, as_of: Any = None
) -> pd.DataFrame:
    """Dropped off at ``stage`` (window closed): the type of the first event of any type after stage k-1,
    within the window (ties: the smallest type), or none; the 10 most common types, the rest merged."""
    if journey.get("compare"):
        return reference_compared(reference_next_events, events, journey, identity, stage, as_of)
    window = _window(journey)
    counts: dict[str, int] = defaultdict(int)
    previous = previous_required(journey, stage)
    for p in actor_paths(events, journey, identity, as_of):
        if p.path.depth != previous or p.in_progress or journey["stages"][stage - 1].get("optional"):
            continue
        after, until = p.path.times[previous - 1], p.path.start + window
        found = [e for e in p.events if after < e.t <= until]
        first = min((e.t for e in found), default=None)
        counts[min(e.row["event_type"] for e in found if e.t == first) if found else NO_EVENT] += 1
    ranked = sorted((n for n in counts if n != NO_EVENT), key=lambda n: (-counts[n], n))
    rows = [(n, counts[n]) for n in ranked[:10]]
    if ranked[10:]:
        rows.append((OTHER_EVENTS, sum(counts[n] for n in ranked[10:])))
    if NO_EVENT in counts:
        rows.append((NO_EVENT, counts[NO_EVENT]))
    frame = pd.DataFrame([{"stage_index": stage, "next_event": n, "actors": a} for n, a in rows])
    return frame.reindex(columns=["stage_index", "next_event", "actors"])


def reference_events_between(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, stage: int
) -> pd.DataFrame:
    """Reached ``stage``: per event type, actors who did it strictly between stage k-1 and stage k (top 10)."""
    if journey.get("compare"):
        return reference_compared(reference_events_between, events, journey, identity, stage)
    counts: dict[str, int] = defaultdict(int)
    for p in actor_paths(events, journey, identity):
        if p.path.times[stage - 1] is not None:
            after, before = p.path.times[previous_required(journey, stage) - 1], p.path.times[stage - 1]
            for name in {e.row["event_type"] for e in p.events if after < e.t < before}:
                counts[name] += 1
    ranked = sorted(counts, key=lambda n: (-counts[n], n))[:10]
    frame = pd.DataFrame([{"stage_index": stage, "event": n, "actors": counts[n]} for n in ranked])
    return frame.reindex(columns=["stage_index", "event", "actors"])


def reference_driver_counts(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, properties: list[str], as_of: Any = None
) -> pd.DataFrame:
    """Actors whose path's window closed; per event type done in [t1, t1 + window] (not a journey step's)
    and per value of each property on the start event (of the path's pair; the first listed stage and step
    at t1, the smallest value as text), actors with it and how many converted; the totals."""
    if journey.get("compare"):
        return reference_compared(reference_driver_counts, events, journey, identity, properties, as_of)
    window, n_stages = _window(journey), len(journey["stages"])
    own = {s["event"] for stage in journey["stages"] for s in stage["steps"]}
    closed = [p for p in actor_paths(events, journey, identity, as_of) if not p.window_open]
    start_stages = range(1, n_stages + 1) if journey.get("order", "ordered") == "any" else [1]
    groups: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for p in closed:
        converted = p.path.depth == n_stages
        for name in {e.row["event_type"] for e in p.events if p.path.start <= e.t <= p.path.start + window} - own:
            groups[("event", name)].append(converted)
        ranks = {
            id(e): next(((k, e.stage_steps[k]) for k in start_stages if k in e.stage_steps), None)
            for e in p.pair_events
        }
        at_start = [e for e in p.pair_events if e.t == p.path.start and ranks[id(e)] is not None]
        first = min(ranks[id(e)] for e in at_start)
        for prop in properties:
            values = [_text(_plain(e.row.get(prop))) for e in at_start if ranks[id(e)] == first]
            values = [v for v in values if v is not None]
            groups[(prop, min(values) if values else "(unknown)")].append(converted)
    converted_total = sum(p.path.depth == n_stages for p in closed)
    rows = [
        {"kind": kind, "value": value, "with_converted": sum(flags), "with_actors": len(flags),
         "converted": converted_total, "actors": len(closed)}
        for (kind, value), flags in sorted(groups.items())
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["kind", "value", "with_converted", "with_actors", "converted", "actors"])


# ------------------------------------------------------------------------------------ compared with the previous period
def compared_periods(journey: dict) -> list[tuple[str, dict]]:
    """``compare: previous_period`` with a date range [a, b): the journey over [a, b) ("current") and over
    [a - (b - a), a) ("previous"), every other key unchanged, neither compared."""
    plain = {key: value for key, value in journey.items() if key != "compare"}
    a, b = _us(journey["date_range"]["start"]), _us(journey["date_range"]["end"])
    assert a is not None and b is not None
    previous = {"start": _iso(a - (b - a)), "end": _iso(a)}
    return [("current", plain), ("previous", plain | {"date_range": previous})]


def _iso(us: int) -> str:
    return (EPOCH + us * US).isoformat()


def _stacked(parts: list[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """The periods' tables one after the other, with a leading ``period`` column (a table with no columns: no rows)."""
    frames = [frame.assign(period=name)[["period", *frame.columns]] for name, frame in parts if len(frame.columns)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def reference_compared_run(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None = None, as_of: Any = None
) -> dict[str, pd.DataFrame]:
    """Each period's tables, stacked; the funnel's current rows compared with the previous period's."""
    runs = [(name, reference_run(events, period, identity, as_of)) for name, period in compared_periods(journey)]
    tables = {table: _stacked([(name, run[table]) for name, run in runs]) for table in ("funnel", "branches", "paths")}
    tables["funnel"] = _compared_funnel(tables["funnel"])
    return tables


def reference_compared_trend(
    events: pd.DataFrame, journey: dict, identity: pd.DataFrame | None, period: str, as_of: Any = None
) -> pd.DataFrame:
    """Each period's trend, stacked: the trend's own period is ``period_start``."""
    return _stacked(
        [
            (name, reference_trend(events, plain, identity, period, as_of).rename(columns={"period": "period_start"}))
            for name, plain in compared_periods(journey)
        ]
    )


def reference_compared(
    reference: Callable[..., pd.DataFrame], events: pd.DataFrame, journey: dict, *args: Any
) -> pd.DataFrame:
    """A table beyond the funnel of a compared journey: ``reference``'s table of each period, stacked."""
    return _stacked([(name, reference(events, plain, *args)) for name, plain in compared_periods(journey)])


def _compared_funnel(funnel: pd.DataFrame) -> pd.DataFrame:
    """On each current row: the change of conversion_from_start from the previous period's same stage and segment,
    the chi-square test of the two periods' 2x2 table (converted or not; equal to the pooled two-proportion z-test)
    for stages 2 on, and the p-values Holm-adjusted per segment. Null elsewhere."""
    rows = funnel.to_dict("records")
    segment = [_plain(row.get("breakdown")) for row in rows]
    at = {(row["period"], segment[i], row["stage_index"]): row for i, row in enumerate(rows)}
    change, p_value = [None] * len(rows), [None] * len(rows)
    for i, row in enumerate(rows):
        before = at.get(("previous", segment[i], row["stage_index"]))
        if row["period"] != "current" or before is None:
            continue
        now_share, before_share = _plain(row["conversion_from_start"]), _plain(before["conversion_from_start"])
        change[i] = None if now_share is None or before_share is None else now_share - before_share
        if row["stage_index"] >= 2:
            started = at[("current", segment[i], 1)]["actors"], at[("previous", segment[i], 1)]["actors"]
            p_value[i] = _chi_square_p(row["actors"], started[0], before["actors"], started[1])
    holm_adjusted: list[float | None] = [None] * len(rows)
    for value in set(segment):
        members = [i for i in range(len(rows)) if segment[i] == value and p_value[i] is not None]
        for i, adjusted in zip(members, _holm_plain([p_value[i] for i in members]), strict=True):
            holm_adjusted[i] = adjusted
    return funnel.assign(conversion_from_start_change=change, p_value=p_value, p_value_holm=holm_adjusted)


def _chi_square_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Pearson's chi-square test (no continuity correction) of x1 of n1 against x2 of n2; None when undefined."""
    from scipy.stats import chi2_contingency

    try:
        p = float(chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False).pvalue)
    except ValueError:  # a row or column of zeros: no test
        return None
    return None if math.isnan(p) else p  # no actors at all


def _holm_plain(p_values: list[float]) -> list[float]:
    """Holm: the i-th smallest of m p-values becomes max over j <= i of min(1, (m - j + 1) p_(j))."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    scaled = [min(1.0, (len(p_values) - rank) * p_values[i]) for rank, i in enumerate(order)]
    adjusted = [0.0] * len(p_values)
    for rank, i in enumerate(order):
        adjusted[i] = max(scaled[: rank + 1])
    return adjusted
