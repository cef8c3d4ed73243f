"""pytest setup for every folder. nbval starts the notebooks' kernels from this process: with no progress
bars in them, a cell's outputs do not depend on how long its query took (``# NBVAL_CHECK_OUTPUT`` compares)."""

import os

os.environ["JOURNEY_WIDGETS_PROGRESS"] = "0"
