"""Explain one actor (docs/semantics.md#beyond-the-funnel): readable, and always consistent with the paths table."""

from __future__ import annotations

import pandas as pd
import pytest
from backends import connect, load
from cases import at, ev, events_frame, journey
from generators import as_of_times, events_frames, journeys
from hypothesis import HealthCheck, given, settings

from journey_widgets import Journey
from journey_widgets.compiler.columns import CONTACT, VISITOR
from journey_widgets.compiler.periods import PERIODS
from journey_widgets.errors import ArgumentError

V, F, M = "page_visited", "form_submission", "meeting_booked"


def test_explanation_by_hand(connection):
    """On every engine: one actor's query."""
    spec = journey(
        V,
        {"event": F, "filters": [{"property": "country", "op": "eq", "value": "US"}]},
        M,
        exclusions=[{"event": "email_spam_reported", "between": [2, 3]}],
    )
    events = events_frame(
        [
            *[ev(V, 0, 1), ev(F, 5, 1, country="DE"), ev(V, 20, 1), ev(F, 30, 1, country="US")],
            ev("email_spam_reported", 40, 1),
            *[ev(V, 0, 2), ev(F, 10, 2, country="US"), ev(M, 20, 2)],
        ]
    )
    result = Journey.from_dict(spec).run(load(connection, "events", events), as_of=at(1000))
    first = result.explain(1)
    assert first.starts.depth.tolist() == [2, 2] and first.depth == 2
    assert first.path == [at(0), at(30)]
    assert first.excluded_by.startswith("exclusion 1 (Email reported as spam between stages 2 and 3)")
    failed = first.events.set_index("time").failed
    country = "Country (ISO 3166-1 alpha-2)"
    assert failed[at(5)] == f"stage 2 step 1: “{country} is US” does not hold ({country} is DE)"
    assert first.events.set_index("time").matches[at(40)] == "exclusion 1"
    assert "Removed by exclusion 1" in first.text and "earliest start reaching stage 2" in first.text
    second = result.explain("2")
    assert second.depth == 3 and not second.in_progress and second.excluded_by is None
    assert "<ul>" in second._repr_html_()
    with pytest.raises(ArgumentError, match="actor 99 has no event"):
        result.explain(99)


def test_optional_stages_are_explained_reached_or_skipped():
    """Stages 2 and 3 optional: actor 1 reaches 3 but not 2 (its form comes after the meeting), and M at 30 is
    the deepest required stage; actor 2 stops at stage 1 with stage 2 reached in the gap after it."""
    spec = journey(V, F, "email_opened", M)
    spec["stages"][1]["optional"] = spec["stages"][2]["optional"] = True
    events = events_frame(
        [*[ev(V, 0, 1), ev("email_opened", 10, 1), ev(M, 30, 1), ev(F, 40, 1)], *[ev(V, 0, 2), ev(F, 5, 2)]]
    )
    result = Journey.from_dict(spec).run(events, as_of=at(1000))
    first = result.explain(1)
    assert first.depth == 4 and first.path_stages == [1, 3, 4] and first.path == [at(0), at(10), at(30)]
    assert "Optional stages: 2 'S2' skipped; 3 'S3' reached at 2026-01-05 00:10:00 UTC." in first.text
    second = result.explain(2)
    assert second.depth == 1 and second.path_stages == [1, 2]
    assert "Dropped off before stage 4" in second.text and "2 'S2' reached at 2026-01-05 00:05:00 UTC" in second.text


def test_anonymous_steps_and_strict_order_are_explained():
    spec = journey({"event": V, "include_anonymous": True}, F, order="strict")
    events = events_frame([ev(V, 0, visitor="v1"), ev(F, 5, visitor="v1")])
    explanation = Journey.from_dict(spec).run(events).explain("v1", anonymous=True)
    assert "does not include anonymous visitors" in explanation.events.failed.iloc[1]
    assert explanation.depth == 1 and explanation.in_progress


def test_any_order_explanation_by_hand():
    """Actor 1: from the start at 0 (M) the window [0, 60] holds M and V: 2 stages, S3 then S1, and the bounce at
    30 lies between the path's first and second entries. From 50: V and F, also 2, but later. Actor 2: all 3."""
    spec = journey(V, F, M, order="any", exclusions=[{"event": "email_bounced", "between": [1, 2]}])
    rows = [ev(M, 0, 1), ev("email_bounced", 30, 1), ev(V, 50, 1), ev(F, 100, 1)]
    result = Journey.from_dict(spec).run(events_frame([*rows, ev(V, 0, 2), ev(F, 10, 2), ev(M, 20, 2)]), as_of=at(1000))
    first = result.explain(1)
    assert first.starts.depth.tolist() == [2, 2, 1] and first.starts.stages.tolist() == [[3, 1], [1, 2], [2]]
    assert first.depth == 2 and first.path == [at(0), at(50)] and first.path_stages == [3, 1]
    assert first.excluded_by.startswith("exclusion 1 (Email bounced between stages 1 and 2) at")
    assert "reaches 2 distinct stages of 3" in first.text and "order reached: 3, 1." in first.text
    second = result.explain(2)
    assert second.depth == 3 and second.path_stages == [1, 2, 3] and second.excluded_by is None


def test_the_explanation_speaks_in_labels_plurals_and_times_to_the_second(connection):
    spec = journey(
        {"event": V, "filters": [{"property": "country", "op": "in", "value": ["US", "DE"]}]},
        {"event": F, "filters": [{"property": "amount", "op": "between", "value": [5.0, 1234567.5]}]},
        exclusions=[{"event": "email_spam_reported", "between": [1, 2]}],
    )
    rows = [ev(V, "2026-03-17T10:17:41.147060Z", 1, country="FR"), ev(V, "2026-03-17T10:20:00.5Z", 1, country="US")]
    rows += [ev(F, "2026-03-17T10:25:00Z", 1), ev("email_spam_reported", "2026-03-17T10:30:00.25Z", 1)]
    result = Journey.from_dict(spec).run(load(connection, "events", events_frame(rows)))
    explained = result.explain(1)
    failed = explained.events.failed.tolist()
    country = "Country (ISO 3166-1 alpha-2)"
    assert failed[0] == f"stage 1 step 1: “{country} is any of US, DE” does not hold ({country} is FR)"
    assert failed[2] == "stage 2 step 1: “Amount between 5 and 1234567.5” does not hold (no Amount)"
    assert explained.text.splitlines()[:2] == [
        "1 start; the deepest path reaches stage 1 of 2.",
        "Chosen: the earliest start reaching stage 1, at 2026-03-17 10:20:00 UTC.",
    ]
    spam = "exclusion 1 (Email reported as spam between stages 1 and 2) at 2026-03-17 10:30:00 UTC"
    assert explained.excluded_by == spam and "+00:00" not in explained.text and ".5" not in explained.text
    again = [rows[1], ev(V, "2026-03-17T10:22:00Z", 1, country="DE")]
    two = Journey.from_dict(spec | {"order": "any"}).run(load(connection, "events", events_frame(again)))
    assert "2 starts; the deepest path reaches 1 distinct stage of 2." in two.explain(1).text


@pytest.mark.parametrize("backend", ["duckdb", "sqlite"])
def test_explanations_agree_with_the_paths_table(backend, request):
    connection = connect(backend)
    request.addfinalizer(connection.disconnect)

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(data=events_frames(), journey=journeys(), as_of=as_of_times())
    def agree(data, journey, as_of):
        events, identity = data
        result = Journey.from_dict(journey).run(
            load(connection, "events", events), identity=load(connection, "identity", identity), as_of=as_of
        )
        actors = result.compiled.rows.actors.select(CONTACT, VISITOR).distinct().to_pandas()
        for period, paths in _paths_per_period(result.paths(), journey):
            for contact, visitor in zip(actors[CONTACT], actors[VISITOR]):
                _agrees(result, paths, journey, contact, visitor, period)

    agree()


def _paths_per_period(paths: pd.DataFrame, journey: dict) -> list[tuple[str, pd.DataFrame]]:
    """The paths table by actor, of each period of a compared journey (else the current one alone)."""
    if not journey.get("compare"):
        return [("current", paths.set_index(["actor_id", "is_anonymous"]))]
    return [(name, paths[paths.period == name].set_index(["actor_id", "is_anonymous"])) for name in PERIODS]


def _agrees(result, paths: pd.DataFrame, journey: dict, contact, visitor, period: str) -> None:
    """The actor's explanation in ``period`` agrees with its row of the paths table (or its absence)."""
    anonymous = pd.isna(contact)
    actor_id = visitor if anonymous else str(int(contact))
    explanation = result.explain(actor_id, anonymous=anonymous, period=period)
    if (actor_id, anonymous) in paths.index:
        row = paths.loc[(actor_id, anonymous)]
        assert explanation.excluded_by is None
        assert explanation.depth == row.depth
        assert explanation.in_progress == row.in_progress
        if journey.get("order") != "any":  # any order reports no times; skipped optional stages are null
            reached = [k for k in range(1, len(journey["stages"]) + 1) if pd.notna(row[f"reached_at_{k}"])]
            assert explanation.path_stages == reached
            assert explanation.path == [row[f"reached_at_{k}"] for k in reached]
    else:
        assert explanation.depth == 0 or explanation.excluded_by is not None
