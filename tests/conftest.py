"""Shared test setup: the tests folder is importable (reference implementation, cases, strategies),
and a connection fixture over the executed backends."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from backends import BACKENDS, connect


@pytest.fixture(scope="session", params=BACKENDS)
def connection(request):
    """A connection to each executed backend (JOURNEY_BACKENDS narrows them), shared by the session."""
    con = connect(request.param)
    yield con
    con.disconnect()
