"""One query at a time on this process's database connections.

A DuckDB connection refuses a second call while one runs ("connection is busy with another call"), and the
builder computes in a worker thread while the user's cells run journeys on the same connection. Every query
of a result, and the builder's, runs under this lock, so one waits for the other instead of failing.
"""

from __future__ import annotations

import threading

#: Reentrant: a result's table may read another (the funnel of a sweep) in the same thread.
BACKEND_LOCK = threading.RLock()
