"""Charts that draw with no network in JupyterLab.

Altair's default renderer emits Vega-Lite v6 as HTML that loads Vega from a CDN, because JupyterLab's
built-in renderer takes only Vega-Lite v5; with no internet the output says "Error loading script".
Altair's ``jupyter`` renderer in offline mode shows each chart as a ``JupyterChart`` widget whose
JavaScript (Vega, Vega-Lite, vega-embed) comes from vl-convert, inside the kernel.
"""

from __future__ import annotations

import sys

import altair as alt


def _in_jupyter_kernel() -> bool:
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and hasattr(shell, "kernel")


def enable_offline_rendering() -> None:
    """In a Jupyter kernel, draw Altair charts offline (``alt.renderers.enable("jupyter", offline=True)``),
    unless the user already enabled a renderer of their own; elsewhere, leave Altair as it is."""
    if _in_jupyter_kernel() and alt.renderers.active == "default":
        alt.renderers.enable("jupyter", offline=True)
