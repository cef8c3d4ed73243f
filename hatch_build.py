"""Hatch build hook: bundle the frontends with npm. The builder's (js/src, several ES modules) becomes the one ES module
anywidget loads (esbuild); the JupyterLab extension (labextension/) becomes a prebuilt lab extension
(@jupyterlab/builder) installed to share/jupyter/labextensions/journey-widgets, so `pip install` alone enables it. The
bundles are built, never committed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = ("journey_builder.js", "journey_builder.css")
#: Where JupyterLab finds a prebuilt extension installed by pip (the name is labextension/package.json's).
LAB_EXTENSION = "share/jupyter/labextensions/journey-widgets"


def npm_build(folder: Path) -> None:
    """``npm ci`` (once) and ``npm run build`` in ``folder``."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"building journey-widgets needs Node.js and npm, to bundle its frontend ({folder.name}/)")
    if not (folder / "node_modules").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=folder, check=True)
    subprocess.run([npm, "run", "build"], cwd=folder, check=True)


class FrontendBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # a checkout reads js/dist and links the lab extension; scripts/setup.sh builds them
            return
        root = Path(self.root)
        npm_build(root / "js")
        for name in BUNDLE:
            build_data["force_include"][str(root / "js" / "dist" / name)] = f"journey_widgets/static/{name}"
        npm_build(root / "labextension")  # writes journey_widgets/labextension (git-ignored, so not in the package)
        build_data["shared_data"][str(root / "journey_widgets" / "labextension")] = LAB_EXTENSION
        build_data["shared_data"][str(root / "labextension" / "install.json")] = f"{LAB_EXTENSION}/install.json"
