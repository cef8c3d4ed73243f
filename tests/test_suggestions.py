"""Value suggestions for a filter: counted among the events of the filter's step, on every engine."""

from __future__ import annotations

from backends import load
from cases import F, V, ev, events_frame

from journey_widgets.binding import bind_events
from journey_widgets.builder.suggestions import ValueIndex, suggest_values

#: Visits mostly from the US, form submissions mostly from Germany.
ROWS = [ev(V, t, t, country="US") for t in range(3)] + [ev(V, 3, 3, country="DE")]
ROWS += [ev(F, t, t, country="DE") for t in range(5)] + [ev(F, 5, 5)]


def test_suggestion_counts_are_of_the_steps_event(connection):
    bound = bind_events(load(connection, "events", events_frame(ROWS)))
    visits = [{"value": "US", "count": 3}, {"value": "DE", "count": 1}]
    assert suggest_values(bound, "country", event=V) == visits
    assert suggest_values(bound, "country", event=F) == [{"value": "DE", "count": 5}]
    assert suggest_values(bound, "country", "d", event=V) == [{"value": "DE", "count": 1}]
    assert suggest_values(bound, "country", event="meeting_booked") == []
    assert suggest_values(bound, "country") == [{"value": "DE", "count": 6}, {"value": "US", "count": 3}]  # all
    index = ValueIndex(bound)
    assert index.suggest("country", event=V) == visits and index.suggest("country", "u", event=F) == []


def test_the_builder_answers_with_the_counts_of_the_steps_event(builder, monkeypatch):
    sent = []
    monkeypatch.setattr(builder.editor, "send", sent.append)
    for event in ("page_visited", "form_submission"):
        request = {"type": "suggest", "id": 1, "event": event, "property": "country", "search": ""}
        builder._on_message(builder.editor, request, [])
    events = builder._bound.table
    for event, reply in zip(("page_visited", "form_submission"), sent, strict=True):
        own = events.filter((events.event_type == event) & events.country.notnull())
        assert sum(v["count"] for v in reply["values"]) == own.count().to_pyarrow().as_py() > 0
