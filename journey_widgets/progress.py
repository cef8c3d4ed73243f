"""A running elapsed time for queries that take more than a second (``tqdm.auto``: a widget in the
notebook, a line on a terminal, nothing when output goes to a file or pipe, or with the environment
variable ``JOURNEY_WIDGETS_PROGRESS=0``)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Quick queries show nothing; slower ones show their elapsed time from this many seconds on.
DELAY_SECONDS = 1.0
_REFRESH_SECONDS = 0.5


def _interactive() -> bool:
    """In a Jupyter kernel or on a terminal (where a status line is seen, not logged), unless turned off."""
    if os.environ.get("JOURNEY_WIDGETS_PROGRESS") == "0":
        return False
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return (bool(shell) and hasattr(shell, "kernel")) or sys.stderr.isatty()


@contextmanager
def elapsed(description: str, *, enabled: bool = True) -> Iterator[None]:
    """Show ``description`` and the elapsed time while the block runs, once it has run ``DELAY_SECONDS``
    (only where someone watches: a notebook or a terminal)."""
    if not (enabled and _interactive()):
        yield
        return
    done, delay = threading.Event(), DELAY_SECONDS

    def show() -> None:
        if done.wait(delay):
            return
        from tqdm.auto import tqdm

        with tqdm(desc=description, bar_format="{desc}: running {elapsed}", leave=False) as bar:
            while not done.wait(_REFRESH_SECONDS):
                bar.refresh()

    watcher = threading.Thread(target=show, name="journey-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
