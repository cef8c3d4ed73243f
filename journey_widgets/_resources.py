"""Files shipped beside the code: in a wheel under ``journey_widgets/``, in a checkout at the repo root."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent
#: packaged folder -> folder of the checkout it is copied from at build time (see pyproject.toml)
_CHECKOUT_FOLDERS = {"static": "js/dist", "notebooks": "notebooks", "examples": "examples"}


def resource_path(folder: str, name: str) -> Path:
    """``journey_widgets/<folder>/<name>`` when installed from a wheel, else the checkout's copy."""
    packaged = resources.files("journey_widgets").joinpath(folder, name)
    if packaged.is_file():
        return Path(str(packaged))
    return _REPO / _CHECKOUT_FOLDERS[folder] / name


def resource_names(folder: str, suffix: str) -> list[str]:
    """Names of the shipped files of ``folder`` ending in ``suffix``."""
    packaged = resources.files("journey_widgets").joinpath(folder)
    base = Path(str(packaged)) if packaged.is_dir() else _REPO / _CHECKOUT_FOLDERS[folder]
    return sorted(p.name for p in base.glob(f"*{suffix}"))
