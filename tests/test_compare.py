"""A journey compared with its previous period (docs/semantics.md#comparison-with-the-previous-period), beyond the
hand-worked cases (``tests/cases.py``, every engine): each table is both periods' tables, the rows fetched once,
one SQL statement, the funnel's statistics, the CLI. On DuckDB and sample data."""

from __future__ import annotations

import functools
import io
import math

import ibis
import pandas as pd
import pytest
import sqlglot
from compare import assert_tables_equal
from reference import FUNNEL_COLUMNS
from test_cli import _cli

from journey_widgets import Journey, JourneyDefinitionError, step
from journey_widgets.result import JourneyResult
from journey_widgets.stats import PERIOD_STATISTICS, two_proportion_z_test, with_period_statistics

#: Starts from April to May, compared with the 61 days before (January 30 to March 31).
COMPARED = (
    Journey("Compared", window="14d")
    .stage("Visited", step("page_visited", anonymous=True))
    .stage("Converted", "form_submission")
    .stage("Met", "meeting_booked", "sequence_meeting_booked")
    .between_dates("2026-04-01", "2026-06-01")
    .compared_with_previous_period()
)


@functools.cache
def _events() -> tuple[ibis.Table, ibis.Table]:
    from journey_widgets.sample import sample_events

    events, identity = sample_events(20_000, seed=11)
    con = ibis.duckdb.connect()
    return con.create_table("events", events), con.create_table("identity", identity)


@functools.cache
def _run(journey: Journey) -> JourneyResult:
    events, identity = _events()
    return journey.run(events, identity=identity)


def _period(table: pd.DataFrame, name: str) -> pd.DataFrame:
    return table[table.period == name].drop(columns="period").reset_index(drop=True)


def _periods_alone(journey: Journey) -> dict[str, JourneyResult]:
    return {"current": _run(journey.compared_with_previous_period(False)), "previous": _run(journey.previous_period())}


TABLES = {
    "funnel": lambda r: r.funnel().drop(columns=list(PERIOD_STATISTICS), errors="ignore"),
    "branches": lambda r: r.branches(),
    "paths": lambda r: r.paths(),
    "trend": lambda r: r.trend("week").rename(columns={} if r.journey.compare else {"period": "period_start"}),
    "actors reaching stage 2": lambda r: r.actors(2),
    "actors dropped before stage 3": lambda r: r.actors(3, dropped=True),
    "window sweep": lambda r: r.window_sweep(["1d", "7d", "14d"]),
    "shortest windows": lambda r: r.shortest_windows(),
    "next events": lambda r: r.next_events(2),
    "events between": lambda r: r.events_between(2),
    "drivers": lambda r: r.drivers(["country"]).table,
}


@pytest.mark.parametrize("table", list(TABLES))
def test_each_period_is_the_journey_over_its_own_range(table):
    """Every table of the compared journey is the current period's rows, then the previous period's, each equal to
    the table of the journey run alone over that period's date range."""
    read = TABLES[table]
    compared = read(_run(COMPARED))
    assert compared.columns[0] == "period" and list(dict.fromkeys(compared.period)) == ["current", "previous"]
    for name, alone in _periods_alone(COMPARED).items():
        pd.testing.assert_frame_equal(_period(compared, name), read(alone).reset_index(drop=True), check_dtype=False)


def test_the_periods_are_the_range_and_the_range_of_the_same_length_before_it():
    previous = COMPARED.previous_period()
    assert (previous.date_range.start.isoformat(), previous.date_range.end.isoformat()) == (
        "2026-01-30T00:00:00+00:00",
        "2026-04-01T00:00:00+00:00",
    )
    assert previous.compare is None and _run(COMPARED).paths().groupby("period").size().to_dict().keys() == {
        "current",
        "previous",
    }


def test_with_a_breakdown_each_period_keeps_its_own_segments_and_order():
    journey = COMPARED.breakdown_by("country", limit=3)
    funnel = _run(journey).funnel()
    for name, alone in _periods_alone(journey).items():
        expected = alone.funnel()
        assert_tables_equal(_period(funnel, name)[list(expected.columns)], expected, name)


def test_the_funnel_statistics_are_the_z_test_of_the_two_periods_and_holm_across_the_stages():
    funnel = _run(COMPARED).funnel()
    assert list(funnel.columns) == ["period", *FUNNEL_COLUMNS, *PERIOD_STATISTICS]
    current, previous = _period(funnel, "current"), _period(funnel, "previous")
    assert previous[list(PERIOD_STATISTICS)].isna().all().all()
    change = current.conversion_from_start - previous.conversion_from_start
    assert current.conversion_from_start_change.tolist() == pytest.approx(change.tolist(), rel=1e-12)
    tests = [
        two_proportion_z_test(current.actors[k], current.actors[0], previous.actors[k], previous.actors[0])[1]
        for k in (1, 2)
    ]
    assert math.isnan(current.p_value[0]) and current.p_value[1:].tolist() == pytest.approx(tests, rel=1e-12)
    smaller, larger = sorted(tests)
    holm = {smaller: min(1.0, 2 * smaller), larger: max(min(1.0, 2 * smaller), larger)}
    assert current.p_value_holm[1:].tolist() == pytest.approx([holm[p] for p in tests], rel=1e-12)


def test_statistics_with_a_breakdown_compare_the_same_segment_and_correct_per_segment():
    """Holm's family is one segment's stages: the segments' p-values do not adjust one another."""
    reached = {("current", "US"): (100, 40, 25), ("current", "DE"): (10, 5, 1)}
    reached |= {("previous", "DE"): (10, 2, 1), ("previous", "US"): (100, 30, 10)}
    rows = [(p, segment, k, n, n / ns[0]) for (p, segment), ns in reached.items() for k, n in enumerate(ns, start=1)]
    funnel = pd.DataFrame(rows, columns=["period", "breakdown", "stage_index", "actors", "conversion_from_start"])
    found = with_period_statistics(funnel)
    us, de = two_proportion_z_test(40, 100, 30, 100)[1], two_proportion_z_test(5, 10, 2, 10)[1]
    us3 = two_proportion_z_test(25, 100, 10, 100)[1]
    assert found.p_value[[1, 2, 4]].tolist() == pytest.approx([us, us3, de])
    assert found.p_value[5] == 1.0  # 1 of 10 in both periods: z = 0
    assert found.p_value_holm[[1, 2]].tolist() == pytest.approx([max(us, 2 * us3), 2 * us3])
    assert found.conversion_from_start_change[[4, 5]].tolist() == pytest.approx([0.3, 0.0])


def test_a_compared_run_on_duckdb_fetches_the_rows_once(monkeypatch):
    """The periods share one query of the rows (and the data's end): the same queries as the journey alone."""
    from ibis.backends.duckdb import Backend

    events, identity = _events()
    queries: list[str] = []

    def counted(real):
        def count(self, *args, **kwargs):
            if self is events.get_backend():
                queries.append(real.__name__)
            return real(self, *args, **kwargs)

        return count

    for method in ("_to_duckdb_relation", "raw_sql"):
        monkeypatch.setattr(Backend, method, counted(getattr(Backend, method)))

    def run(journey: Journey) -> int:
        queries.clear()
        result = journey.run(events, identity=identity)
        result.funnel(), result.paths(), result.trend()
        return len(queries)

    alone = run(COMPARED.compared_with_previous_period(False))
    assert alone >= 1 and run(COMPARED) == alone


def _rows_read(sql: str) -> int:
    """How many times the SQL reads the events' rows (other than for their latest time, ``as_of``)."""
    reads = [t for t in sqlglot.parse_one(sql, read="duckdb").find_all(sqlglot.exp.Table) if t.name == "events"]
    return sum(1 for t in reads if not t.parent_select.find(sqlglot.exp.Max))


def test_the_sql_is_one_statement_with_both_periods_reading_the_rows_once():
    """The SQL route: one statement, both periods' rows, the events' rows read once as by the journey alone (the
    periods share the rows and the timeline; only ``as_of``, the events' latest time, is one aggregate a period:
    Ibis does not share a table two joins read)."""
    events, identity = _events()
    compared = COMPARED.run(events, identity=identity).to_sql()
    alone = COMPARED.compared_with_previous_period(False).run(events, identity=identity).to_sql()
    assert len(sqlglot.parse(compared, read="duckdb")) == 1
    assert "'current'" in compared and "'previous'" in compared
    assert _rows_read(compared) == _rows_read(alone) == 1


def test_the_histogram_bins_are_shared_by_the_periods():
    histogram = _run(COMPARED).time_histogram(8)
    assert set(histogram.period) == {"current", "previous"}
    widths = (histogram.bin_end_seconds - histogram.bin_start_seconds).round(6)
    for _, rows in histogram.assign(width=widths).groupby("stage_index"):
        assert rows.width.nunique() == 1, rows  # one width per stage, whichever the period
        assert ((rows.bin_start_seconds / rows.width.iloc[0]).round(6) % 1 == 0).all()
    alone = {name: r.time_histogram(8) for name, r in _periods_alone(COMPARED).items()}
    for k in (2, 3):
        widest = max(r[r.stage_index == k].bin_end_seconds.max() for r in alone.values())
        assert histogram[histogram.stage_index == k].bin_end_seconds.max() == pytest.approx(widest, rel=1e-6)
        for name, table in alone.items():
            assert (
                _period(histogram, name).query("stage_index == @k").actors.sum()
                == table.query("stage_index == @k").actors.sum()
            )


def test_explain_takes_the_period():
    result = _run(COMPARED)
    paths = result.paths()
    both = set(paths[paths.period == "current"].actor_id) & set(paths[paths.period == "previous"].actor_id)
    actor = sorted(both)[0]
    for name in ("current", "previous"):
        row = paths[(paths.period == name) & (paths.actor_id == actor)].iloc[0]
        explained = result.explain(actor, anonymous=bool(row.is_anonymous), period=name)
        assert explained.depth == row.depth and explained.path[0] == row.reached_at_1


def test_compare_needs_a_closed_date_range():
    with pytest.raises(JourneyDefinitionError, match="needs a date range with a start and an end"):
        Journey("J").stage("Visited", "page_visited").compared_with_previous_period()


def test_the_repr_says_both_periods():
    result = _run(COMPARED)
    result.funnel()
    assert "compared with the previous period" in repr(COMPARED)
    assert "current: " in repr(result) and "; previous: " in repr(result)


def test_the_cli_compares_with_the_previous_period(tmp_path):
    """``run --compare`` (or the file's ``compare``) prints both periods' funnel with the statistics."""
    from journey_widgets.sample import write_sample

    paths = write_sample(tmp_path, 20_000, seed=11)
    plain = COMPARED.compared_with_previous_period(False)
    journey_file = tmp_path / "j.json"
    journey_file.write_text(plain.to_json())
    sources = ("--events", str(paths.events), "--identity", str(paths.identity))
    code, out, _ = _cli("run", str(journey_file), *sources, "--compare", "--format", "json")
    assert code == 0
    table = pd.read_json(io.StringIO(out))
    assert list(table.columns) == ["period", *FUNNEL_COLUMNS, *PERIOD_STATISTICS]
    assert table.period.tolist() == ["current"] * 3 + ["previous"] * 3
    assert table.p_value[1:3].notna().all() and table.p_value[3:].isna().all()
    journey_file.write_text(Journey("open").stage("Visited", "page_visited").to_json())
    code, _, err = _cli("run", str(journey_file), "--events", str(paths.events), "--compare")
    assert code == 1 and "needs a date range with a start and an end" in err
