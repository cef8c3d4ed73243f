"""Charts that draw with no network in JupyterLab.

Altair's default renderer emits Vega-Lite v6 as HTML that loads Vega from a CDN, because JupyterLab's
built-in renderer takes only Vega-Lite v5; with no internet the output says "Error loading script".
Altair's ``jupyter`` renderer in offline mode shows each chart as a ``JupyterChart`` widget whose
JavaScript (Vega, Vega-Lite, vega-embed) comes from vl-convert, inside the kernel.

Importing the package changes no renderer: the first chart one of our chart functions makes (to be shown)
turns the offline renderer on, once per session (:func:`draws_offline`).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import altair as alt

P = ParamSpec("P")
R = TypeVar("R")


def _in_jupyter_kernel() -> bool:
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and hasattr(shell, "kernel")


def enable_offline_rendering() -> None:
    """In a Jupyter kernel, draw Altair charts offline (``alt.renderers.enable("jupyter", offline=True)``),
    unless the user already enabled a renderer of their own; elsewhere, leave Altair as it is."""
    if _in_jupyter_kernel() and alt.renderers.active == "default":
        alt.renderers.enable("jupyter", offline=True)


@functools.cache
def _enable_offline_rendering_once() -> None:
    enable_offline_rendering()


def draws_offline(make_chart: Callable[P, R]) -> Callable[P, R]:
    """``make_chart``, whose first call in the session enables offline rendering (:func:`enable_offline_rendering`):
    a chart is made to be shown, and a renderer chosen later by the user is never switched back."""

    @functools.wraps(make_chart)
    def make(*args: P.args, **kwargs: P.kwargs) -> R:
        _enable_offline_rendering_once()
        return make_chart(*args, **kwargs)

    return make
