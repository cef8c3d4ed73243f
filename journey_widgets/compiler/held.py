"""Hold a property constant (docs/semantics.md#hold-constant): each (actor, held values) pair ran as an actor of its
own; the actor counts at its best pair.

The best pair has the deepest path, then the earliest start, then (ordered journeys) the path that
reaches each stage earliest, then the smallest held values as text. It is chosen before exclusions, as
every path is.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from journey_widgets.compiler.chosen import ChosenPaths
from journey_widgets.compiler.columns import (
    ACTOR,
    CONTACT,
    DEPTH,
    HELD_TEXT,
    LATEST_ACTOR,
    LATEST_START,
    REACHED_AT,
    START,
    VISITOR,
)
from journey_widgets.compiler.tables import at_stage


def best_pairs(chosen: ChosenPaths, pairs: ir.Table, stages: list[int]) -> ChosenPaths:
    """``chosen`` (per pair) cut to each actor's best pair; ``pairs`` is the rows' actors table, ``stages`` the
    numbers of the required stages (optional ones never decide the path)."""
    actors, steps = chosen.actors, chosen.steps
    keys = pairs.select(
        _jw_pair=pairs[ACTOR], _jw_person=pairs[CONTACT], _jw_visitor=pairs[VISITOR], **{HELD_TEXT: pairs[HELD_TEXT]}
    )
    ranked = actors.inner_join(keys, actors[ACTOR] == keys._jw_pair)
    order = [ibis.desc(DEPTH), ibis.asc(START)]
    if steps is not None and len(stages) > 1:
        reached = steps.group_by(_jw_reached_actor=steps[ACTOR]).aggregate(
            **{_reached(k): at_stage(steps, k, REACHED_AT) for k in stages[1:]}
        )
        ranked = ranked.inner_join(reached, ranked[ACTOR] == reached._jw_reached_actor)
        order += [ibis.asc(_reached(k), nulls_first=False) for k in stages[1:]]
    order.append(ibis.asc(HELD_TEXT))
    rank = ibis.row_number().over(group_by=[ranked._jw_person, ranked._jw_visitor], order_by=order)
    ranked = ranked.mutate(_jw_rank=rank)
    best = ranked.filter(ranked._jw_rank == 0).select(*actors.columns)
    if steps is not None:
        steps = steps.semi_join(best, steps[ACTOR] == best[ACTOR])
    return ChosenPaths(best, steps, chosen.excluded)


def latest_over_pairs(latest: ir.Table, pairs: ir.Table) -> ir.Table:
    """Each pair's latest start (``_jw_latest_actor``, ``_jw_latest_start``) replaced by its actor's latest
    over all its pairs: the actor is in progress while a new pair may still start (docs/semantics.md#in-progress)."""
    keyed = latest.inner_join(pairs, latest[LATEST_ACTOR] == pairs[ACTOR])
    actor_latest = keyed[LATEST_START].max().over(group_by=[keyed[CONTACT], keyed[VISITOR]])
    return keyed.select(**{LATEST_ACTOR: keyed[LATEST_ACTOR], LATEST_START: actor_latest})


def _reached(k: int) -> str:
    return f"_jw_reached{k}"
