"""The builder's "latest request wins" worker thread, used by the funnel's computation and the window sweep's.

The owner keeps what is due (the newest edit, the result whose sweep is to be drawn) under its own lock, and calls
:meth:`LatestWins.wake` with that lock held whenever something became due. One thread takes what is due, runs it,
and takes again until nothing is due, then ends: requests made while one runs coalesce into the newest, which the
owner's ``take`` returns. A request that raises is reported to ``on_error``, and the thread goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Request = TypeVar("Request")


class LatestWins(Generic[Request]):
    """One worker thread at a time running ``run`` on what ``take`` (called under ``lock``) says is due."""

    def __init__(
        self,
        *,
        name: str,
        lock: threading.Lock,
        take: Callable[[], Request | None],
        run: Callable[[Request], None],
        on_error: Callable[[Request, Exception], None],
    ) -> None:
        self._name = name
        self._lock = lock
        self._take = take
        self._run = run
        self._on_error = on_error
        self._thread: threading.Thread | None = None
        self._settled = threading.Event()  # set when nothing is due or running
        self._settled.set()

    @property
    def busy(self) -> bool:
        """Whether the thread is running (read with the owner's lock held)."""
        return self._thread is not None

    def wake(self) -> None:
        """Something became due (call with the owner's lock held): the running thread takes it, or a new one does."""
        self._settled.clear()
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
            self._thread.start()

    def wait(self, timeout: float) -> bool:
        """Whether all that was due had run within ``timeout`` seconds."""
        return self._settled.wait(timeout)

    def _work(self) -> None:
        while True:
            with self._lock:
                request = self._take()
                if request is None:
                    self._thread = None
                    self._settled.set()
                    return
            try:
                self._run(request)
            except Exception as exc:  # reported to the owner (one line in the widget), the next request still runs
                self._on_error(request, exc)
