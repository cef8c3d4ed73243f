"""The compiler's internal column names, defined once (user columns never start with ``_jw_``).

Each name means one thing everywhere in the compiler. Per-stage and per-exclusion names take the
1-based stage number ``k`` or exclusion number ``e``.
"""

from __future__ import annotations

from journey_widgets.binding import ANONYMOUS, CONTACT, EVENT, TIME, VISITOR

__all__ = ["ANONYMOUS", "CONTACT", "EVENT", "TIME", "VISITOR"]

#: One int64 per actor: contacts (or deals) numbered from 0 up, anonymous visitors from -1 down.
ACTOR = "_jw_actor"
#: The event's breakdown property as text (event rows only).
VALUE = "_jw_value"
#: Per actor: the depth its path reaches, and the path's start time t1 (microseconds).
DEPTH = "_jw_depth"
START = "_jw_start"
#: Per actor and stage its path reached: when, by which step (1-based), and the microseconds since
#: the stage before (null at stage 1).
REACHED_AT = "_jw_reached_at"
BRANCH = "_jw_branch"
GAP = "_jw_gap"
#: Per actor: the breakdown value its path is attributed to (text, null is a value).
BREAKDOWN = "_jw_breakdown"
#: Per actor: in progress at ``as_of`` (depth below the last stage, its latest start's window open), and
#: the window of its path's own start open (docs/semantics.md#in-progress).
IN_PROGRESS = "_jw_in_progress"
WINDOW_OPEN = "_jw_window_open"
#: The time the data ends, ``as_of`` (microseconds).
AS_OF = "_jw_as_of"
#: Per actor and stage: the shortest window (microseconds) with which some start reaches the stage.
SHORTEST = "_jw_shortest"
#: With ``hold_constant``: the held values of a (actor, values) pair as one text (for ties).
HELD_TEXT = "_jw_held_text"
#: Following ordered paths state by state (``ordered``, ``sweep``): a state's instant, the latest start
#: reaching it, and the next instant of the stage after it.
STATE_AT = "_jw_at"
LATEST = "_jw_latest"
NEXT = "_jw_next"
#: Per actor: the latest start (``open_windows``, ``in_process``).
LATEST_ACTOR, LATEST_START = "_jw_latest_actor", "_jw_latest_start"


def held_column(i: int) -> str:
    """The i-th held property (1-based) of ``hold_constant``."""
    return f"_jw_held{i}"


def step_column(k: int) -> str:
    """The 1-based index of the first listed step of stage ``k`` the event (instant) matches, or null."""
    return f"_jw_step{k}"


def exclusion_column(e: int) -> str:
    """Whether the event (instant) matches exclusion ``e``."""
    return f"_jw_excl{e}"


def stage_value_column(k: int) -> str:
    """The breakdown value of the instant's event that matches stage ``k`` by its branch."""
    return f"_jw_value{k}"


def next_column(k: int) -> str:
    """The earliest stage-``k`` instant of the actor strictly after this one (microseconds)."""
    return f"_jw_next{k}"


def next_exclusion_column(e: int) -> str:
    """The earliest instant matching exclusion ``e`` strictly after this one (microseconds)."""
    return f"_jw_next_excl{e}"


def first_column(k: int) -> str:
    """Any order: the earliest stage-``k`` instant in ``[t, t + window]`` (microseconds)."""
    return f"_jw_first{k}"


def reached_column(k: int) -> str:
    """The path reached optional stage ``k`` (a boolean of the paths)."""
    return f"_jw_reached{k}"
