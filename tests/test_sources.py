"""Connecting: the same funnel from files read by each engine, a DuckDB file, and a database URL."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import ibis
import pandas as pd
import pyarrow.parquet as pq
import pytest
from backends import BACKENDS, POSTGRES_URL, connect

from journey_widgets import DataBindingError, Journey, UnsupportedBackendError
from journey_widgets.cli import main
from journey_widgets.sample import write_sample
from journey_widgets.sources import read_table

EXAMPLE = Path(__file__).parent.parent / "examples" / "visitor_to_customer.json"
FILE_BACKENDS = [b for b in BACKENDS if b in ("duckdb", "sqlite", "polars", "datafusion")]


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, 20_000, seed=5)
    return out


@pytest.fixture(scope="module")
def expected_funnel(sample_dir):
    return Journey.load(EXAMPLE).run(sample_dir / "events.parquet", identity=sample_dir / "identity.parquet").funnel()


def _run_cli(*args: str) -> tuple[int, pd.DataFrame | None, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["run", str(EXAMPLE), *args])
    return code, pd.read_csv(io.StringIO(out.getvalue())) if code == 0 else None, err.getvalue()


def _assert_same_funnel(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert got["actors"].tolist() == expected["actors"].tolist()
    assert got["anonymous_actors"].tolist() == expected["anonymous_actors"].tolist()
    pd.testing.assert_series_equal(
        got["median_seconds_from_previous"], expected["median_seconds_from_previous"].astype("float64")
    )


@pytest.mark.parametrize("backend", FILE_BACKENDS)
def test_cli_backend_reads_the_files(backend, sample_dir, expected_funnel):
    code, funnel, err = _run_cli(
        "--events", str(sample_dir / "events.parquet"), "--identity", str(sample_dir / "identity.parquet"),
        "--backend", backend,
    )  # fmt: skip
    assert code == 0, err
    _assert_same_funnel(funnel, expected_funnel)


@pytest.mark.parametrize("backend", FILE_BACKENDS)
def test_read_table_puts_the_file_on_the_engine(backend, sample_dir):
    table = read_table(sample_dir / "events.parquet", backend=backend)
    assert table.get_backend().name == backend
    assert table.count().execute() == pq.read_metadata(sample_dir / "events.parquet").num_rows


def test_duckdb_file_url(sample_dir, tmp_path, expected_funnel):
    database = tmp_path / "warehouse.duckdb"
    con = ibis.duckdb.connect(database)
    con.create_table("events", pq.read_table(sample_dir / "events.parquet"))
    con.create_table("identity", pq.read_table(sample_dir / "identity.parquet"))
    con.disconnect()
    url = f"duckdb://{database}"
    code, funnel, err = _run_cli("--events", f"{url}#events", "--identity", f"{url}#identity")
    assert code == 0, err
    _assert_same_funnel(funnel, expected_funnel)


@pytest.mark.skipif("postgres" not in BACKENDS, reason="JOURNEY_BACKENDS leaves PostgreSQL out")
def test_postgres_url(sample_dir, expected_funnel):
    con = connect("postgres")
    con.create_table("cli_events", pq.read_table(sample_dir / "events.parquet"), overwrite=True)
    con.create_table("cli_identity", pq.read_table(sample_dir / "identity.parquet"), overwrite=True)
    code, funnel, err = _run_cli("--events", f"{POSTGRES_URL}#cli_events", "--identity", f"{POSTGRES_URL}#cli_identity")
    assert code == 0, err
    _assert_same_funnel(funnel, expected_funnel)


def test_url_without_table_is_a_clear_error():
    with pytest.raises(DataBindingError, match="names no table"):
        read_table("duckdb://")


def test_missing_url_table_names_it(tmp_path):
    with pytest.raises(DataBindingError, match="'nope' does not exist"):
        read_table(f"duckdb://{tmp_path / 'empty.duckdb'}#nope")


def test_password_is_not_echoed():
    with pytest.raises(Exception) as info:
        read_table("postgres://someone:s3cret@127.0.0.1:1/none")
    assert "s3cret" not in str(info.value)


def test_postgres_cannot_read_files(sample_dir):
    with pytest.raises(UnsupportedBackendError, match="cannot read files"):
        read_table(sample_dir / "events.parquet", backend="postgres")


class _Missing:
    """An Ibis backend whose driver is not installed."""

    def connect(self, *args, **kwargs):
        raise ImportError("No module named 'driver'")


@pytest.mark.parametrize(("backend", "extra"), [("polars", "polars"), ("datafusion", "datafusion")])
def test_a_missing_engine_names_the_extra_that_installs_it(monkeypatch, backend, extra):
    from journey_widgets.sources import connect as connect_backend

    monkeypatch.setattr(ibis, backend, _Missing())
    with pytest.raises(
        UnsupportedBackendError,
        match=rf"^backend '{backend}' is not installed: pip install 'journey-widgets\[{extra}\]'$",
    ):
        connect_backend(backend)


def test_missing_spark_and_postgres_name_their_extras(monkeypatch):
    import sys

    from journey_widgets.sources import connect as connect_backend

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(UnsupportedBackendError, match=r"pip install 'journey-widgets\[spark\]'"):
        connect_backend("pyspark")
    monkeypatch.setattr(ibis, "connect", _Missing().connect)
    with pytest.raises(UnsupportedBackendError, match=r"'postgres' URLs: pip install 'journey-widgets\[postgres\]'"):
        read_table("postgres://user:secret@host/db#events")
