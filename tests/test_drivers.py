"""Conversion drivers (docs/semantics.md#beyond-the-funnel): backend counts against the reference, scipy statistics."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from backends import load
from cases import at, ev, events_frame, journey
from compare import assert_tables_equal
from generators import as_of_times, events_frames, journeys
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import reference_driver_counts
from scipy.stats import fisher_exact

from journey_widgets import Journey
from journey_widgets.drivers import NOTE, drivers_from_counts
from journey_widgets.errors import ArgumentError

V, F = "page_visited", "form_submission"
VF = journey(V, F)


def test_drivers_by_hand(connection):
    """Three converters opened an email, three non-converters did not: odds ratio infinite, p = 0.1
    (Fisher, two-sided, for [[3, 0], [0, 3]]). Country on the start event: all US converted."""
    rows = []
    for i in range(1, 4):
        rows += [ev(V, 0, i, country="US"), ev("email_opened", 5, i), ev(F, 10, i)]
    for i in range(4, 7):
        rows += [ev(V, 0, i, country="DE" if i < 6 else None), ev("sms_sent", 70, i)]  # sms after the window
    result = Journey.from_dict(VF).run(load(connection, "events", events_frame(rows)), as_of=at(1000))
    drivers = result.drivers(properties=["country"])
    by_value = drivers.table.set_index(["kind", "value"])
    email = by_value.loc[("event", "email_opened")]
    assert (email.with_actors, email.with_conversion, email.without_conversion) == (3, 1.0, 0.0)
    assert math.isinf(email.odds_ratio) and email.p_value == pytest.approx(0.1)
    assert by_value.loc[("country", "US"), "p_value"] == pytest.approx(0.1)
    assert by_value.loc[("country", "DE"), "direction"] == "negative"
    assert by_value.loc[("country", "(unknown)"), "with_actors"] == 1
    assert ("event", "sms_sent") not in by_value.index
    assert set(drivers.strongest_positive.value[:2]) == {"email_opened", "US"}
    assert "not causes" in drivers.note and "not causes" in drivers._repr_html_()


def test_statistics_and_chart_from_counts():
    """[[8, 2], [4, 6]]: odds ratio 8*6 / (2*4) = 6; scipy's two-sided Fisher p-value."""
    counts = pd.DataFrame(
        [["event", "email_opened", 8, 10, 12, 20], ["country", "DE", 4, 10, 12, 20]],
        columns=["kind", "value", "with_converted", "with_actors", "converted", "actors"],
    )
    drivers = drivers_from_counts(counts)
    email = drivers.table.set_index("value").loc["email_opened"]
    assert email.odds_ratio == pytest.approx(6.0) and email.direction == "positive"
    assert email.p_value == pytest.approx(fisher_exact([[8, 2], [4, 6]])[1])
    assert drivers.strongest_negative.value.tolist() == ["DE"]
    spec = drivers.chart().to_dict()
    assert spec["title"]["subtitle"] == NOTE
    assert sorted(v["candidate"] for v in next(iter(spec["datasets"].values()))) == ["country: DE", "email_opened"]


def test_open_windows_are_left_out():
    events = events_frame([ev(V, 0, 1), ev("email_opened", 5, 1), ev(V, 100, 2)])
    counts = Journey.from_dict(VF).run(events).compiled.driver_counts().to_pandas()
    assert counts.actors.tolist() == [1] and counts.value.tolist() == ["email_opened"]


@pytest.mark.parametrize(("properties", "message"), [(["colour"], "unknown property 'colour'"), ("country", "a list")])
def test_bad_properties_are_named(properties, message):
    with pytest.raises(ArgumentError, match=message):
        Journey.from_dict(VF).run(events_frame([ev(V, 0, 1)])).drivers(properties=properties)


def test_driver_counts_equal_reference(connection):
    examples = {"duckdb": 20, "pyspark": 1}.get(connection.name, 3)

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        data=events_frames(),
        journey=journeys(),
        as_of=as_of_times(),
        properties=st.lists(st.sampled_from(["country", "form_id", "amount"]), unique=True, max_size=2),
    )
    def counts_equal_reference(data, journey, as_of, properties):
        events, identity = data
        result = Journey.from_dict(journey).run(
            load(connection, "events", events), identity=load(connection, "identity", identity), as_of=as_of
        )
        got = result.compiled.driver_counts(properties).to_pandas()
        got = got.sort_values([key for key in ("period", "kind", "value") if key in got]).reset_index(drop=True)
        assert_tables_equal(got, reference_driver_counts(events, journey, identity, properties, as_of), "counts")

    counts_equal_reference()
