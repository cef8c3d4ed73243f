"""Where the events live: files, a DuckDB file, a database URL, or an engine of the user's choice.

``read_table("events.parquet", backend="sqlite")`` loads a Parquet/CSV file (or a folder of Parquet files)
into the chosen engine; ``read_table("postgres://user:pw@host/db#events")`` opens a table of a database
(the part after ``#`` names the table); an Ibis table or a DataFrame is used as it is.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

from journey_widgets.errors import DataBindingError, UnsupportedBackendError

#: Engines that run a journey on files (PostgreSQL reads tables through a URL).
FILE_BACKENDS = ("duckdb", "sqlite", "polars", "datafusion", "pyspark")
BACKENDS = (*FILE_BACKENDS, "postgres")
#: The ``journey-widgets[...]`` extra that installs each engine (DuckDB and SQLite come with the package).
EXTRAS = {"polars": "polars", "datafusion": "datafusion", "pyspark": "spark", "postgres": "postgres"}


def _install_hint(backend: str) -> str:
    extra = EXTRAS.get(backend)
    return f"pip install 'journey-widgets[{extra}]'" if extra else f"pip install 'ibis-framework[{backend}]'"


def connect(backend: str = "duckdb") -> Any:
    """A new, embedded Ibis connection to ``backend`` (PySpark: a local session)."""
    import ibis

    if backend not in FILE_BACKENDS:
        raise UnsupportedBackendError(
            f"backend {backend!r} cannot read files: use one of {', '.join(FILE_BACKENDS)}, "
            "or pass a database URL such as postgres://user:password@host/db#events"
        )
    try:
        if backend == "pyspark":
            from pyspark.sql import SparkSession

            return ibis.pyspark.connect(SparkSession.builder.master("local[*]").getOrCreate())
        return getattr(ibis, backend).connect()
    except ImportError as exc:
        raise UnsupportedBackendError(f"backend {backend!r} is not installed: {_install_hint(backend)}") from exc


@functools.cache
def _shared_connection(backend: str) -> Any:
    """One connection per engine for files read without one, so that events and identity can be joined
    (DuckDB: Ibis' default backend, which also runs in-memory tables)."""
    import ibis

    return ibis.get_backend() if backend == "duckdb" else connect(backend)


def is_url(source: Any) -> bool:
    """True for a database URL such as ``postgres://...`` or ``duckdb:///file.duckdb``."""
    return isinstance(source, str) and "://" in source


def read_table(source: Any, *, backend: str = "duckdb", connection: Any = None, what: str = "events") -> Any:
    """An Ibis table for ``source``: an Ibis table or DataFrame as it is, a file or folder read by
    ``backend`` (or into ``connection``), or ``URL#table`` of a database."""
    import ibis
    import ibis.expr.types as ir

    if isinstance(source, ir.Table):
        return source
    if is_url(source):
        return _url_table(source, what)
    if isinstance(source, str | Path):
        return _file_table(Path(source), connection or _shared_connection(backend), what)
    try:
        if source is None:
            raise TypeError("no table")
        return ibis.memtable(source)
    except Exception as exc:  # ibis raises several types for unsupported inputs
        raise DataBindingError(
            f"cannot use a {type(source).__name__} as the {what} table: pass an Ibis table, a pandas or "
            "Polars DataFrame, an Arrow table, a Parquet/CSV path or a database URL"
        ) from exc


def _url_table(url: str, what: str) -> Any:
    import ibis

    location, table = urldefrag(url)
    if not table:
        raise DataBindingError(f"the {what} URL {_redacted(location)!r} names no table: add '#TABLE'")
    try:
        connection = ibis.connect(location)
    except ImportError as exc:
        scheme = location.split("://", 1)[0]
        backend = "postgres" if scheme in ("postgres", "postgresql") else scheme
        raise UnsupportedBackendError(
            f"no Ibis backend installed for {scheme!r} URLs: {_install_hint(backend)}"
        ) from exc
    try:
        return connection.table(table)
    except Exception as exc:  # each backend raises its own "no such table"
        raise DataBindingError(f"the {what} table {table!r} does not exist in {_redacted(location)!r}") from exc


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':', 1)[0]}{at}{host}" if at else url


def _file_table(path: Path, connection: Any, what: str) -> Any:
    if not path.exists():
        raise DataBindingError(f"the {what} file {str(path)!r} does not exist")
    suffixes = {s.lower() for s in path.suffixes} or {p.suffix.lower() for p in path.glob("*")}
    if path.is_dir() or ".parquet" in suffixes:
        kind, source = "parquet", str(path / "*.parquet") if path.is_dir() else str(path)
    elif ".csv" in suffixes:
        kind, source = "csv", str(path)
    else:
        raise DataBindingError(f"cannot read the {what} file {str(path)!r}: use .parquet or .csv")
    if connection.name == "sqlite":  # no file readers: load through Arrow
        return connection.create_table(f"_jw_{what}", _read_arrow(path, kind), overwrite=True)
    reader = connection.read_parquet if kind == "parquet" else connection.read_csv
    return reader(source)


def _read_arrow(path: Path, kind: str) -> Any:
    if kind == "csv":
        from pyarrow import csv

        return csv.read_csv(path)
    from pyarrow import parquet

    return parquet.read_table(path)
