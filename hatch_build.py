"""Hatch build hook: bundle the builder's frontend (js/src, several ES modules) into the one ES module
anywidget loads, with esbuild from js/package.json. The bundle is built, never committed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = ("journey_builder.js", "journey_builder.css")


class FrontendBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable":  # a checkout reads js/dist directly; scripts/setup.sh builds it
            return
        js = Path(self.root) / "js"
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("building journey-widgets needs Node.js and npm, to bundle the builder's frontend (js/)")
        if not (js / "node_modules").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=js, check=True)
        subprocess.run([npm, "run", "build"], cwd=js, check=True)
        for name in BUNDLE:
            build_data["force_include"][str(js / "dist" / name)] = f"journey_widgets/static/{name}"
