"""Errors shown by IPython as one line: ``Type: message``, with no traceback."""

from __future__ import annotations

from typing import TypeVar

E = TypeVar("E", bound=BaseException)


def one_line_in_ipython(exc: E) -> E:
    """``exc`` without its traceback, shown by IPython as ``Type: message`` (IPython calls ``_render_traceback_``
    instead of printing the traceback); its type stays, so ``except JourneyDefinitionError`` still catches it."""
    line = f"{type(exc).__name__}: {exc}"
    exc._render_traceback_ = lambda: [line]  # type: ignore[attr-defined]
    return exc.with_traceback(None)
