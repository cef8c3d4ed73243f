"""Compiled loops over the sorted instants of :mod:`.in_process` (numba): one linear pass per actor.

Imported only when a journey is computed in this process. The first call compiles the loops, which numba
keeps on disk (``cache=True``), so later processes load them.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def best_ordered_starts(
    actor: np.ndarray,
    time: np.ndarray,
    stages: np.ndarray,
    is_start: np.ndarray,
    n_stages: int,
    window: int,
    strict: bool,
    n_actors: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per actor with a start: the path of the earliest start whose greedy path is the deepest (the instant
    reaching each stage, -1 past its depth), and the actor's latest start.

    ``actor`` and ``time`` are sorted, one entry per instant; ``stages`` has bit k-1 set where stage k
    matches; ``n_actors`` bounds the number of actors. A backward scan gives every instant the next instant
    of each stage strictly after it; each start then follows those indices until its window ends (strict:
    only the very next instant counts).
    """
    n = len(actor)
    paths = np.full((n_actors, n_stages), -1, np.int64)
    latest = np.empty(n_actors, np.int64)
    found = 0
    following = np.full(n_stages, -1, np.int64)
    next_at = np.empty((16, n_stages), np.int64)
    path = np.empty(n_stages, np.int64)
    i = 0
    while i < n:
        j = i
        first_start, last_start = -1, -1
        while j < n and actor[j] == actor[i]:
            if is_start[j]:
                last_start = j
                if first_start < 0:
                    first_start = j
            j += 1
        if first_start >= 0:
            if not strict:
                if next_at.shape[0] < j - first_start:
                    next_at = np.empty((j - first_start, n_stages), np.int64)
                following[:] = -1
                for r in range(j - 1, first_start - 1, -1):
                    next_at[r - first_start, :] = following
                    mask = stages[r]
                    for k in range(n_stages):
                        if mask & (1 << k):
                            following[k] = r
            best_depth = 0
            for s in range(first_start, last_start + 1):
                if not is_start[s]:
                    continue
                deadline = time[s] + window
                path[0], depth = s, 1
                for k in range(1, n_stages):
                    current = path[k - 1]
                    if strict:
                        reached = current + 1
                        if reached >= j or not stages[reached] & (1 << k):
                            break
                    else:
                        reached = next_at[current - first_start, k]
                        if reached < 0:
                            break
                    if time[reached] > deadline:
                        break
                    path[k], depth = reached, depth + 1
                if depth > best_depth:
                    best_depth = depth
                    paths[found, :depth] = path[:depth]
                    if depth == n_stages:
                        break
            latest[found] = last_start
            found += 1
        i = j
    return paths[:found], latest[:found]


@njit(cache=True, nogil=True)
def fold_instants(
    actor: np.ndarray, time: np.ndarray, stages: np.ndarray, exclusions: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fold rows sorted by (actor, time) into instants: each instant's first row, and the stage and
    exclusion bits of all its rows."""
    n = len(actor)
    first_row = np.empty(n, np.int64)
    stage_bits = np.empty(n, np.uint32)
    exclusion_bits = np.empty(n, np.uint32)
    m = -1
    for r in range(n):
        if m < 0 or actor[r] != actor[r - 1] or time[r] != time[r - 1]:
            m += 1
            first_row[m] = r
            stage_bits[m] = stages[r]
            exclusion_bits[m] = exclusions[r]
        else:
            stage_bits[m] |= stages[r]
            exclusion_bits[m] |= exclusions[r]
    return first_row[: m + 1], stage_bits[: m + 1], exclusion_bits[: m + 1]


@njit(cache=True, nogil=True)
def best_any_order_starts(
    actor: np.ndarray, time: np.ndarray, stages: np.ndarray, is_start: np.ndarray, n_stages: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """Any order, per actor with a start: the earliest start with the most distinct stages in
    ``[t, t + window]``, and the latest start. A window slides over the actor's instants with a count of
    each stage inside it."""
    n = len(actor)
    chosen = np.empty(n, np.int64)
    latest = np.empty(n, np.int64)
    found = 0
    inside = np.zeros(n_stages, np.int64)
    i = 0
    while i < n:
        j = i
        last_start = -1
        while j < n and actor[j] == actor[i]:
            if is_start[j]:
                last_start = j
            j += 1
        if last_start >= 0:
            inside[:] = 0
            distinct, end = 0, i  # the window holds the instants [s, end)
            best_depth, best = -1, -1
            for s in range(i, last_start + 1):
                while end < j and time[end] <= time[s] + window:
                    for k in range(n_stages):
                        if stages[end] & (1 << k):
                            if inside[k] == 0:
                                distinct += 1
                            inside[k] += 1
                    end += 1
                if is_start[s] and distinct > best_depth:
                    best_depth, best = distinct, s
                    if distinct == n_stages:
                        break
                for k in range(n_stages):  # s leaves the window
                    if stages[s] & (1 << k):
                        inside[k] -= 1
                        if inside[k] == 0:
                            distinct -= 1
            chosen[found] = best
            latest[found] = last_start
            found += 1
        i = j
    return chosen[:found], latest[:found]


def warm_up() -> None:
    """Load (or compile, the first time) every kernel, on a few rows."""
    some = np.zeros(2, np.int64)
    bits = np.ones(2, np.uint32)
    starts = np.ones(2, np.bool_)
    fold_instants(some, some, bits, bits)
    best_ordered_starts(some, some, bits, starts, 2, 1, False, 2)
    best_any_order_starts(some, some, bits, starts, 2, 1)
