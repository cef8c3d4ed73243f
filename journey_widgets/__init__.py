"""journey_widgets: customer-journey (funnel) analytics in the notebook, on any Ibis backend.

Heavy modules (Ibis, Altair, the widget) load on first use, so ``import journey_widgets`` is quick.
"""

from __future__ import annotations

import importlib
from typing import Any

from journey_widgets.check import DataCheck, check
from journey_widgets.errors import (
    ArgumentError,
    CatalogError,
    DataBindingError,
    JourneyDefinitionError,
    JourneyError,
    JourneyWarning,
    NaiveTimestampWarning,
    UnknownEventWarning,
    UnknownPropertyWarning,
    UnsupportedBackendError,
)
from journey_widgets.model import Breakdown, DateRange, Exclusion, Filter, Journey, Stage, Step, prop, step

__version__ = "0.1.0"

_LAZY = {
    "Catalog": "journey_widgets.catalog",
    "default_catalog": "journey_widgets.catalog",
    "EventSchema": "journey_widgets.binding",
    "bind_events": "journey_widgets.binding",
    "JourneyResult": "journey_widgets.result",
    "JourneyBuilder": "journey_widgets.builder.widget",
    "sample_events": "journey_widgets.sample",
    "write_sample": "journey_widgets.sample",
}

__all__ = [
    "ArgumentError",
    "Breakdown",
    "CatalogError",
    "DataBindingError",
    "DataCheck",
    "DateRange",
    "Exclusion",
    "Filter",
    "Journey",
    "JourneyDefinitionError",
    "JourneyError",
    "JourneyWarning",
    "NaiveTimestampWarning",
    "Stage",
    "Step",
    "UnknownEventWarning",
    "UnknownPropertyWarning",
    "UnsupportedBackendError",
    "check",
    "prop",
    "step",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'journey_widgets' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext journey_widgets``: the ``%journey`` and ``%%journey`` magics (:mod:`journey_widgets.magics`)."""
    from journey_widgets.magics import load_ipython_extension as load

    load(ipython)
