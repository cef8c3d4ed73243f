"""Journeys and results show themselves briefly (repr) and richly (HTML) in the notebook; expensive tables
are methods; builder calls return new journeys; public docstrings cite nothing users do not have."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pandas as pd
import pytest

import journey_widgets
from journey_widgets import Journey, prop, sample_events, step


@pytest.fixture(scope="module")
def journey():
    return (
        Journey("Visitor <to> customer", window="14d")
        .stage("Visited", step("page_visited", anonymous=True, country=["US", "DE"]))
        .stage("Converted", "form_submission")
        .stage("Met", "meeting_booked", step("sequence_meeting_booked", prop("sequence_id").is_known()))
        .exclude("email_spam_reported", between=(1, 3))
    )


@pytest.fixture(scope="module")
def result(journey):
    events, identity = sample_events(20_000, seed=3)
    return journey.run(events, identity=identity)


def test_journey_repr_is_one_short_line_of_what_it_holds(journey):
    text = repr(journey)
    assert text == (
        "Journey('Visitor <to> customer', 3 stages: Visited → Converted → Met; "
        "contacts, ordered, window 14d, 1 exclusion)"
    )
    assert repr(Journey("Empty")) == "Journey('Empty', 0 stages: no stages yet; contacts, ordered, window 30d)"


def test_a_discarded_builder_call_leaves_the_journey_unchanged_and_repr_shows_it(journey):
    journey.stage("Won", "deal_stage_changed")  # result not kept: nothing changes
    assert "Won" not in repr(journey) and len(journey.stages) == 3
    kept = journey.stage("Won", "deal_stage_changed")
    assert repr(kept).startswith("Journey('Visitor <to> customer', 4 stages: Visited → Converted → Met → Won;")


def test_journey_html_shows_stages_steps_and_filters_escaped(journey):
    html = journey._repr_html_()
    assert "Visitor &lt;to&gt; customer" in html and "<to>" not in html
    assert "page_visited [country in [&#x27;US&#x27;, &#x27;DE&#x27;], anonymous ok]" in html
    assert "meeting_booked<br>or sequence_meeting_booked [sequence_id is_known]" in html
    assert "not email_spam_reported between stages 1 and 3" in html
    assert html.count("<tr>") == 4  # a header and one row per stage


def test_result_repr_is_short_and_runs_no_query(result):
    fresh = result.journey.run(sample_events(2_000, seed=1)[0])
    text = repr(fresh)
    assert text == "<JourneyResult 'Visitor <to> customer' on duckdb: 3 stages>" and fresh.cached("funnel") is None
    funnel = result.funnel()
    first, last = int(funnel.actors.iloc[0]), int(funnel.actors.iloc[-1])
    assert repr(result).endswith(f", {first:,} started → {last:,} reached the last>")
    assert len(repr(result)) < 120


def test_result_html_has_the_funnel_table_and_chart(result):
    html = result._repr_html_()
    assert html.count("<table") == 1 and "conversion_from_start" in html
    assert "<svg" in html and "https://" not in html.split("<svg")[0]  # drawn inline, with no network


def test_expensive_tables_are_cached_methods(result):
    for name in ("funnel", "branches", "paths"):
        table = getattr(result, name)
        assert inspect.ismethod(table), name
        assert isinstance(table(), pd.DataFrame) and table() is table(), name  # computed once
    assert set(result.expr) == {"funnel", "branches", "paths"}  # cheap attributes stay properties


def test_builder_docstrings_say_they_return_a_new_journey():
    builders = ("stage", "exclude", "within", "between_dates", "breakdown_by", "in_any_order", "for_deals")
    for name in builders:
        assert getattr(Journey, name).__doc__.startswith("A new journey"), name


def _public_docstrings():
    for info in pkgutil.walk_packages(journey_widgets.__path__, "journey_widgets."):
        if ".compiler" in info.name or info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        yield info.name, module.__doc__ or ""
        for name, value in vars(module).items():
            defined_in = getattr(value, "__module__", None) or ""
            if name.startswith("_") or not defined_in.startswith("journey_widgets") or ".compiler" in defined_in:
                continue  # private, imported from elsewhere, or the internal compiler
            yield f"{info.name}.{name}", inspect.getdoc(value) or ""
            for member, attribute in vars(value).items() if inspect.isclass(value) else ():
                if not member.startswith("_"):
                    yield f"{info.name}.{name}.{member}", inspect.getdoc(attribute) or ""


def test_public_docstrings_cite_no_spec_section():
    cited = [where for where, doc in _public_docstrings() if "SPEC" in doc]
    assert cited == []
