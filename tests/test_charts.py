"""Chart specs carry the right data, encodings and labels, and do not mislead (axes from 0, breakdowns side by
side with one label per bar); statistics match hand-computed values; charts compose under the package theme;
every chart renders to PNG from a real result on sample data (look at artifacts/charts/)."""

from __future__ import annotations

import importlib
import math
import struct
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from inputs import assert_raises

from journey_widgets import ArgumentError, Journey, JourneyError, sample_events, step
from journey_widgets import charts as C
from journey_widgets.catalog import default_catalog

ARTIFACTS = Path(__file__).parent.parent / "artifacts" / "charts"
EXAMPLE = Path(__file__).parent.parent / "examples" / "visitor_to_customer.json"


@pytest.fixture(scope="module")
def results():
    events, identity = sample_events(150_000, seed=5)
    with_breakdown = Journey.load(EXAMPLE)
    plain = with_breakdown.model_copy(update={"breakdown": None})
    return plain.run(events, identity=identity), with_breakdown.run(events, identity=identity)


@pytest.fixture(scope="module")
def ten_segments():
    """A breakdown with the default limit of 10 segments plus "Other" (countries, no country filter)."""
    events, identity = sample_events(60_000, seed=5)
    journey = (
        Journey("By country")
        .stage("Visited", step("page_visited", anonymous=True))
        .stage("Converted", "form_submission")
        .stage("Met", "meeting_booked", "sequence_meeting_booked")
        .breakdown_by("country", limit=10)
    )
    return journey.run(events, identity=identity)


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_funnel_spec_has_counts_labels_and_dropoff(results):
    plain, _ = results
    spec = C.funnel_chart(plain.funnel(), title="V2C").to_dict()
    values = next(iter(spec["datasets"].values()))
    reached = [v for v in values if v["segment"] == "Reached"]
    assert [v["value"] for v in reached] == plain.funnel().actors.tolist()
    dropped = [v["value"] for v in values if v["segment"] == "Dropped off"]
    assert dropped == plain.funnel().dropped_off.tolist()
    assert reached[1]["label"].endswith("of previous") and "of start" in reached[0]["label"]
    bars = _layers(spec)[0]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["Reached", "In progress", "Dropped off"]
    in_progress = [v["value"] for v in values if v["segment"] == "In progress"]
    assert in_progress == plain.funnel().in_progress.tolist()
    assert {t["title"] for t in bars["encoding"]["tooltip"]} >= {"Reached", "Dropped off", "From start", "Anonymous"}
    assert spec["title"]["text"] == "V2C" and "anonymous" in spec["title"]["subtitle"].lower()


def test_funnel_vertical_swaps_axes(results):
    spec = C.funnel_chart(results[0].funnel(), orientation="vertical").to_dict()
    assert _layers(spec)[0]["encoding"]["x"]["field"] == "stage"


def test_branches_use_catalog_labels(results):
    plain, _ = results
    spec = C.branches_chart(plain.branches(), plain.funnel(), labels=default_catalog().labels()).to_dict()
    steps = {v["step"] for v in next(iter(spec["datasets"].values()))}
    assert "Meeting booked (step 1)" in steps and "Sequence meeting booked (step 2)" in steps


def test_breakdown_significance_matches_hand_computation():
    funnel = pd.DataFrame(
        {
            "breakdown": ["A", "A", "B", "B", None, None],
            "stage_index": [1, 2] * 3,
            "stage": ["S1", "S2"] * 3,
            "actors": [100, 45, 200, 60, 50, 10],
        }
    )
    stats = C.breakdown_significance(funnel).set_index("breakdown")
    # A: 45/100 vs rest 70/250: pooled p = 115/350
    pooled = 115 / 350
    z = (0.45 - 0.28) / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 250))
    assert stats.loc["A", "z"] == pytest.approx(z)
    assert stats.loc["A", "p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert bool(stats.loc["A", "significant"]) is True
    assert stats.loc["(no value)", "started"] == 50


def test_breakdown_significance_with_a_kept_value_named_other():
    """A real value "Other" and the merged bucket are two segments (the labels used to collide and crash)."""
    events = pd.DataFrame(
        {
            "event_type": ["page_visited"] * 5 + ["form_submission"] * 2,
            "occurred_at": pd.to_datetime(["2026-01-05"] * 5 + ["2026-01-06"] * 2, utc=True),
            "contact_id": [1, 2, 3, 4, 5, 1, 4],
            "device_type": ["Other", "Other", "desktop", "mobile", "tablet", None, None],
        }
    )
    journey = Journey("J").stage("Visited", "page_visited").stage("Converted", "form_submission")
    funnel = journey.breakdown_by("device_type", limit=2).run(events).funnel()
    stats = C.breakdown_significance(funnel)
    assert stats.breakdown.tolist() == ["Other", "desktop", "Other (merged)"]
    assert stats.started.tolist() == [2, 1, 2] and stats.completed.tolist() == [1, 0, 1]


def test_breakdown_significance_keeps_a_null_and_a_real_no_value_label_apart():
    funnel = pd.DataFrame(
        {
            "breakdown": ["(no value)", "(no value)", None, None],
            "stage_index": [1, 2] * 2,
            "stage": ["S1", "S2"] * 2,
            "actors": [10, 5, 20, 4],
        }
    )
    stats = C.breakdown_significance(funnel)
    assert stats.started.tolist() == [10, 20] and stats.completed.tolist() == [5, 4]


def _three_segments(a_completed: int) -> pd.DataFrame:
    """Segments A, B, C of 100 starters each; A completes ``a_completed``, B 33 and C 34."""
    return pd.DataFrame(
        {
            "breakdown": ["A", "A", "B", "B", "C", "C"],
            "stage_index": [1, 2] * 3,
            "stage": ["S1", "S2"] * 3,
            "actors": [100, a_completed, 100, 33, 100, 34],
            "conversion_from_start": [1.0, a_completed / 100, 1.0, 0.33, 1.0, 0.34],
        }
    )


def test_holm_adjusts_p_values_by_hand():
    """Holm: the i-th smallest of m p-values times (m - i + 1), made non-decreasing, at most 1; nan is no test."""
    got = C.holm([0.04, 0.01, math.nan, 0.03, 0.5])
    # sorted 0.01, 0.03, 0.04, 0.5 (m = 4): 0.04, 0.09, max(0.09, 0.08), min(1, max(0.09, 0.5))
    assert got[:2] == pytest.approx([0.09, 0.04]) and math.isnan(got[2])
    assert got[3:] == pytest.approx([0.09, 0.5])
    assert C.holm([]) == [] and C.holm([0.6, 0.7]) == pytest.approx([1.0, 1.0])


def test_breakdown_stars_only_what_survives_holm():
    """A vs rest: p = 0.0352 uncorrected, but 3 x 0.0352 = 0.106 after Holm over 3 segments: no star."""
    stats = C.breakdown_significance(_three_segments(46)).set_index("breakdown")
    assert stats.loc["A", "p_value"] == pytest.approx(0.0352, abs=1e-4)
    assert stats.p_value_holm.tolist() == pytest.approx(
        [3 * stats.loc["A", "p_value"], *[2 * stats.loc["B", "p_value"]] * 2]
    )
    assert not stats.significant.any()
    stars = C.breakdown_significance(_three_segments(49)).significant.tolist()  # p = 0.0094, 0.028 after Holm
    assert stars == [True, False, False]


def test_breakdown_chart_names_its_correction():
    spec = C.breakdown_chart(_three_segments(49)).to_dict()
    intervals = spec["vconcat"][1]
    subtitles = {v["title"]["subtitle"] for v in _all_views(intervals) if "title" in v}
    assert subtitles == {
        "★: differs from all other segments (two-proportion z-test, Holm-corrected across the 3 segments, p < 0.05)"
    }
    tips = {t["title"] for v in _all_views(intervals) for t in v["encoding"].get("tooltip", [])}
    assert "p-value vs rest, Holm-corrected" in tips
    markers = {v.get("marker") for v in _data(spec, intervals).to_dict("records")}
    assert markers == {"★ differs (Holm p < 0.05)", ""}


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(45, 100, 0.3561454, 0.5475540), (0, 10, 0.0, 0.2775328), (10, 10, 0.7224672, 1.0)],
)
def test_wilson_interval_hand_values(x, n, low, high):
    got = C.wilson_interval(x, n)
    assert got == pytest.approx((low, high), abs=1e-6)


def test_empty_tables_give_a_no_actors_chart():
    empty = pd.DataFrame(columns=["stage_index", "stage", "actors", "anonymous_actors", "dropped_off"])
    for chart in (C.funnel_chart(empty), C.branches_chart(pd.DataFrame()), C.trend_chart(pd.DataFrame())):
        assert "No actors" in str(chart.to_dict())


def test_formats():
    assert (C.compact(12345), C.compact(2_500_000), C.compact(999)) == ("12.3k", "2.5M", "999")
    assert C.percent(0.456) == "45.6%" and C.duration(5400) == "1.5 h"


def test_user_theme_overrides_ours(results):
    assert "font" in C.funnel_chart(results[0].funnel()).to_dict()["config"]
    with alt.theme.enable("dark"):
        assert "font" not in C.funnel_chart(results[0].funnel()).to_dict().get("config", {})


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_every_chart_renders_to_png_html_svg(results, tmp_path):
    plain, broken_down = results
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    charts = {
        "funnel": C.funnel_chart(plain.funnel(), title="Visitor to customer"),
        "branches": C.branches_chart(plain.branches(), plain.funnel(), labels=default_catalog().labels()),
        "time": C.time_between_stages_chart(plain.funnel()),
        "time_distribution": C.time_distribution_chart(plain.time_histogram(20)),
        "breakdown": C.breakdown_chart(broken_down.funnel()),
        "trend": C.trend_chart(plain.trend("week")),
        "window_sweep": plain.plot.window_sweep(),
    }
    for name, chart in charts.items():
        png = C.save_chart(chart, ARTIFACTS / f"{name}.png").read_bytes()
        width, height = _png_size(png)
        assert width > 300 and height > 150 and len(png) > 10_000, name
    html = C.save_chart(charts["funnel"], tmp_path / "f.html").read_text()
    assert "https://" not in html.split("<body>")[0] or "cdn" not in html.lower()
    assert C.save_chart(charts["funnel"], tmp_path / "f.svg").read_text().startswith("<svg")
    with pytest.raises(ValueError, match=r"use \.html, \.svg or \.png"):
        C.save_chart(charts["funnel"], tmp_path / "f.gif")


def test_funnel_without_anonymous_has_no_subtitle(results):
    funnel = results[0].funnel().assign(anonymous_actors=0)
    spec = C.funnel_chart(funnel, title="Known only").to_dict()
    assert spec["title"] == {"text": "Known only"} or spec["title"].get("subtitle") is None


# ---------------------------------------------------------------- charts that do not mislead


def _spec(chart) -> dict:
    return chart.to_dict()


def _all_views(spec: dict) -> list[dict]:
    """Every unit view of a spec (inside layers, concatenations and facets)."""
    views = []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for part in spec.get(key, []):
            views += _all_views(part)
    if "spec" in spec:
        views += _all_views(spec["spec"])
    if "mark" in spec:
        views.append(spec)
    return views


def _mark(view: dict) -> str:
    return view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]


def _data(spec: dict, view: dict | None = None) -> pd.DataFrame:
    name = (view or {}).get("data", spec.get("data", {})).get("name")
    return pd.DataFrame(spec["datasets"][name] if name else next(iter(spec["datasets"].values())))


def test_time_histogram_bars_rise_from_zero(results):
    plain, _ = results
    spec = _spec(plain.plot.timing(bins=20))
    (bars,) = _all_views(spec)
    assert _mark(bars) == "bar"
    assert bars["encoding"]["x"]["bin"] == "binned" and "x2" in bars["encoding"]  # bars span their bin
    assert bars["encoding"]["y"]["scale"]["zero"] is True and "y2" not in bars["encoding"]


def test_funnel_tick_has_the_colour_its_caption_names(results):
    spec = _spec(results[0].plot.funnel())
    (tick,) = [v for v in _all_views(spec) if _mark(v) == "tick"]
    assert spec["title"]["subtitle"].startswith("Orange tick")
    assert tick["mark"]["color"] == C.PALETTE[1] == "#E69F00"  # Okabe–Ito orange
    assert tick["mark"]["opacity"] == 1  # not blended with the blue bar underneath (which looked olive)


def _assert_grouped_with_one_label_per_bar(spec: dict, datasets: dict | None = None) -> None:
    views = _all_views(spec)
    bars = next(v for v in views if _mark(v) == "bar")
    texts = [v for v in views if _mark(v) == "text"]
    assert bars["encoding"]["yOffset"]["field"] == "segment"  # side by side, not stacked in one bar
    assert "stack" not in bars["encoding"]["x"] or bars["encoding"]["x"]["stack"] is None
    for text in texts:  # each label sits on its own bar: same y and yOffset, one row per (stage, segment)
        assert text["encoding"]["yOffset"]["field"] == "segment"
    data = _data({"datasets": datasets or spec["datasets"], "data": spec["data"]})
    assert not data.duplicated(["stage", "segment"]).any()


def test_breakdown_funnel_groups_segments_side_by_side(results):
    _, broken_down = results
    spec = _spec(broken_down.plot.funnel())
    _assert_grouped_with_one_label_per_bar(spec)
    assert {v["segment"] for v in _data(spec).to_dict("records")} == set(broken_down.funnel().breakdown)


def test_breakdown_chart_is_grouped_and_readable_at_ten_segments(ten_segments):
    spec = _spec(ten_segments.plot.breakdown())
    _assert_grouped_with_one_label_per_bar(spec["vconcat"][0], spec["datasets"])
    segments = ten_segments.funnel().breakdown.nunique()
    assert segments == 11  # the top 10 and "Other"
    bars = next(v for v in _all_views(spec) if _mark(v) == "bar")
    assert bars["encoding"]["color"]["scale"]["scheme"] == "tableau20"  # 11 distinct colours, none reused
    assert spec["vconcat"][0]["height"] >= 12 * segments * 3  # at least 12 px per bar


def test_trend_splits_by_breakdown_segment(ten_segments):
    trend = ten_segments.trend("month")
    assert "breakdown" in trend and trend.breakdown.nunique() == 11
    spec = _spec(ten_segments.plot.trend("month"))
    lines = next(v for v in _all_views(spec) if _mark(v) == "line")
    assert lines["encoding"]["color"]["field"] == "segment"


def test_breakdown_plot_needs_a_breakdown(results):
    with pytest.raises(JourneyError, match=r"has no breakdown: run journey\.breakdown_by"):
        results[0].plot.breakdown()


# ---------------------------------------------------------------- charts that compose


def test_charts_compose_under_the_package_theme(results):
    plain, _ = results
    assert alt.theme.active == C.THEME_NAME
    assert plain.plot.funnel().config is alt.Undefined  # no per-chart configure(), which blocks composition
    spec = (plain.plot.funnel() | plain.plot.trend()).to_dict()
    assert len(spec["hconcat"]) == 2 and spec["config"]["range"]["category"] == list(C.PALETTE)
    assert "vconcat" in (plain.plot.timing() & plain.plot.branches()).to_dict()


def test_every_plot_method_returns_an_altair_chart(results):
    plain, broken_down = results
    charts = [plain.plot.funnel(), plain.plot.branches(), plain.plot.timing(), plain.plot.timing(bins=10)]
    charts += [plain.plot.trend("month"), broken_down.plot.breakdown(), plain.plot.window_sweep(["7d", "30d"])]
    for chart in charts:
        assert isinstance(chart, alt.TopLevelMixin)
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_timing_with_a_breakdown_draws_one_small_chart_per_segment(ten_segments):
    spec = _spec(ten_segments.plot.timing())
    assert spec["facet"]["field"] == "segment" and spec["columns"] == 2  # not all segments' dots on one row
    assert spec["spec"]["layer"][0]["encoding"]["x"]["field"] == "hours"


def test_trend_draws_incomplete_periods_lighter_with_a_note():
    trend = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-01-05", "2026-01-12"], utc=True),
            "started": [10, 4],
            "completed": [5, 0],
            "conversion": [0.5, 0.0],
            "complete": [True, False],
        }
    )
    spec = C.trend_chart(trend).to_dict()
    assert "still open" in spec["title"]["subtitle"]
    opacity = _layers(spec)[0]["encoding"]["opacity"]
    assert opacity["condition"]["value"] == 0.8 and opacity["value"] == 0.3
    assert "subtitle" not in C.trend_chart(trend.assign(complete=True)).to_dict()["title"]


def test_window_sweep_chart_draws_lines_and_the_funnel_at_the_hovered_window(results):
    plain, _ = results
    spec = plain.plot.window_sweep(["1d", "7d", "30d"]).to_dict()
    trend, funnel = spec["hconcat"]
    lines, pointer, rule, marker, _ = trend["layer"]
    values = spec["datasets"][lines["data"]["name"]]
    assert sorted({v["stage"] for v in values}) == [f"{k}. {s.name}" for k, s in enumerate(plain.journey.stages, 1)]
    assert sorted({v["window"] for v in values}) == [1.0, 7.0, 30.0]
    assert lines["encoding"]["x"]["title"] == "Window (days)"
    assert spec["datasets"][marker["data"]["name"]][0]["window"] == 30.0  # the journey's own window, dashed
    [hover] = spec["params"]
    assert hover["select"] == {
        "type": "point",
        "fields": ["window_seconds"],
        "nearest": True,
        "on": "pointerover",
        "clear": "pointerout",
    }
    assert hover["views"] == [pointer["name"]]
    # the hovered window, else the journey's own
    shown = "hovered_window.window_seconds ? hovered_window.window_seconds[0] : 2592000.0"
    at_shown = {"filter": f"datum.window_seconds === ({shown})"}
    assert at_shown in rule["transform"] and all(at_shown in layer["transform"] for layer in funnel["layer"])


def test_window_sweep_chart_shows_the_funnel_at_the_journeys_window_until_hovered(results):
    """Drawn by Vega (vl-convert), nothing hovered: the bars' labels are the counts at the journey's window."""
    plain, _ = results
    sweep = plain.window_sweep(["1d", "7d", "30d", "60d"])
    at_30_days = sweep[sweep.window_seconds == 30 * 86_400].actors.tolist()
    assert at_30_days != sweep[sweep.window_seconds == 86_400].actors.tolist()
    svg = C.chart_to_svg(plain.plot.window_sweep(["1d", "7d", "30d", "60d"]))
    assert "Funnel at a window of 30.0 d" in svg
    assert f">{at_30_days[0]:,}<" in svg and f">{at_30_days[1]:,} · " in svg


@pytest.mark.parametrize(
    ("longest", "unit"), [(90 * 86_400, "days"), (2 * 86_400, "days"), (36 * 3600, "hours"), (3600, "minutes")]
)
def test_window_sweep_axis_is_in_a_readable_unit(longest, unit):
    sweep = pd.DataFrame({"stage_index": [1, 1], "window_seconds": [longest / 2, longest], "actors": [3, 3]})
    lines = C.window_sweep_chart(sweep).to_dict()["hconcat"][0]["layer"][0]
    assert lines["encoding"]["x"]["title"] == f"Window ({unit})"


def test_save_chart_refuses_an_unknown_suffix():
    assert_raises(lambda: C.save_chart(alt.Chart(), "chart.pdf"), ArgumentError, ("cannot save a chart as '.pdf'",))


def test_importing_the_charts_switches_no_renderer_and_the_first_chart_draws_offline(monkeypatch):
    """In a Jupyter kernel, importing journey_widgets.charts leaves Altair's renderer as it is; the first chart
    made turns the offline renderer on, once: a renderer the user picks afterwards stays."""
    from journey_widgets.charts import _display

    before = alt.renderers.active
    monkeypatch.setattr(_display, "_in_jupyter_kernel", lambda: True)
    alt.renderers.enable("default")
    try:
        importlib.reload(C)
        assert alt.renderers.active == "default"
        _display._enable_offline_rendering_once.cache_clear()  # as in a new session: no chart made yet
        C.message_chart("first")
        assert alt.renderers.active == "jupyter"
        alt.renderers.enable("html")
        C.message_chart("second")
        assert alt.renderers.active == "html"
    finally:
        alt.renderers.enable(before)
        _display._enable_offline_rendering_once.cache_clear()


# ------------------------------------------------------------------- compared with the previous period
@pytest.fixture(scope="module")
def compared():
    """A journey compared with its previous period, on sample data (as in ``test_compare.py``)."""
    from test_compare import COMPARED, _run

    return _run(COMPARED), _run(COMPARED.breakdown_by("country", limit=3))


def _values(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def test_compared_funnel_draws_both_periods_side_by_side_per_stage(compared):
    plain, _ = compared
    spec = C.funnel_chart(plain.funnel(), title="Compared").to_dict()
    bars = spec["layer"][0]
    assert bars["encoding"]["yOffset"]["field"] == "period" and bars["encoding"]["y"]["field"] == "stage"
    assert bars["encoding"]["color"]["field"] == "period"
    assert bars["encoding"]["color"]["scale"]["domain"] == ["current", "previous"]
    values = _values(spec)
    assert [(v["period"], v["actors"]) for v in values] == list(zip(plain.funnel().period, plain.funnel().actors))
    current = [v["label"] for v in values if v["period"] == "current"]
    assert "pts" not in current[0] and all(" pts, Holm p " in label for label in current[1:])
    assert all("pts" not in v["label"] for v in values if v["period"] == "previous")
    assert "Holm-corrected across the stages (p_value_holm)" in spec["title"]["subtitle"]


def test_compared_funnel_with_a_breakdown_is_one_chart_per_segment(compared):
    _, by_country = compared
    spec = C.funnel_chart(by_country.funnel()).to_dict()
    assert spec["facet"]["row"]["field"] == "segment"
    assert spec["spec"]["layer"][0]["encoding"]["yOffset"]["field"] == "period"


def test_compared_histogram_draws_both_periods_over_the_same_bins(compared):
    plain, _ = compared
    spec = C.time_distribution_chart(plain.time_histogram(10)).to_dict()
    encoding = spec["spec"]["encoding"]
    assert encoding["color"]["field"] == "period" and encoding["y"]["stack"] is None  # overlaid, not stacked
    bins: dict[tuple[str, str], set[float]] = {}
    for v in _values(spec):
        bins.setdefault((v["stage"], v["period"]), set()).add(round(v["end_hours"] - v["start_hours"], 9))
    for stage in {stage for stage, _ in bins}:
        assert bins[(stage, "current")] == bins[(stage, "previous")] and len(bins[(stage, "current")]) == 1
    assert spec["title"]["subtitle"] == "Both periods over the same bins"


def test_compared_trend_draws_both_periods(compared):
    plain, _ = compared
    spec = C.trend_chart(plain.trend("week")).to_dict()
    rate = spec["vconcat"][0]["layer"][0]
    assert rate["encoding"]["color"]["field"] == "period" and rate["encoding"]["x"]["field"] == "period"
    assert {v["compared"] for v in _values(spec)} == {"current", "previous"}


def test_compared_charts_without_a_view_of_two_periods_draw_one_chart_per_period(compared):
    """Breakdown, branches, drivers: one chart per period, titled; each still valid Vega-Lite (drawn to SVG)."""
    plain, by_country = compared
    for chart in (
        by_country.plot.breakdown(),
        plain.plot.branches(),
        plain.drivers(["country"]).chart(),
    ):
        spec = chart.to_dict()
        assert [part["title"] for part in spec["vconcat"]] == ["Current period", "Previous period"]
        assert C.chart_to_svg(chart).startswith("<svg")


def test_compared_sweep_and_timing_draw_both_periods(compared):
    plain, _ = compared
    sweep = plain.plot.window_sweep(["1d", "7d", "14d"])
    lines = sweep.to_dict()["hconcat"][0]["layer"][0]
    assert lines["encoding"]["strokeDash"]["field"] == "period"
    timing = plain.plot.timing().to_dict()
    assert {v["segment"] for v in _values(timing)} == {"current", "previous"}
    for chart in (sweep, plain.plot.timing(), plain.plot.funnel(), plain.plot.trend()):
        assert C.chart_to_svg(chart).startswith("<svg")


def _optional_funnel(**columns) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "stage_index": [1, 2, 3],
            "stage": ["Visited", "Asked", "Bought"],
            "actors": [10, 4, 6],
            "anonymous_actors": [0, 0, 0],
            "conversion_from_previous": [1.0, 0.4, 0.6],
            "conversion_from_start": [1.0, 0.4, 0.6],
            "in_progress": [0, 0, 0],
            "dropped_off": [0, 0, 4],
            **{f"{s}_seconds_from_previous": [None, 60.0, 120.0] for s in ("median", "mean", "p90")},
            "optional": [False, True, False],
        }
        | columns
    )


@pytest.mark.parametrize(
    "columns",
    [{}, {"breakdown": ["US", "US", "US"]}, {"period": ["current"] * 3}],
    ids=["plain", "breakdown", "compared"],
)
def test_optional_stages_are_drawn_lighter_and_named(columns):
    spec = C.funnel_chart(_optional_funnel(**columns)).to_dict()
    stages = {v["stage"] for v in _values(spec)}
    assert stages == {"Visited", "Asked (optional)", "Bought"}
    bars = spec["layer"][0] if "layer" in spec else spec["spec"]["layer"][0]
    opacity = bars["encoding"]["opacity"]
    assert opacity["condition"] == {"test": "datum.optional", "value": 0.45} and opacity["value"] == 1.0
    assert next(v["optional"] for v in _values(spec) if v["stage"] == "Asked (optional)") is True


def test_a_funnel_without_optional_stages_has_no_opacity(results):
    spec = C.funnel_chart(results[0].funnel()).to_dict()
    assert "opacity" not in spec["layer"][0]["encoding"]
