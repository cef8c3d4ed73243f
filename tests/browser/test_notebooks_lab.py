"""Every notebook in notebooks/ runs in JupyterLab (Debian Chromium) with the network cut off, and every chart
draws: each Vega embed holds an SVG or canvas, each cell that plots shows one, and no output says
"Error loading script" (what Altair's default renderer shows when it cannot reach its CDN).
nbval runs the same notebooks but executes no JavaScript, so it cannot see this."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_builder_lab import KERNEL_TIMEOUT, expect_ok, lab_js, open_notebook

pytestmark = pytest.mark.browser
NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT = 240_000  # ms for all cells of one notebook (sample data, DuckDB, a few charts)
DRAWN = "svg, canvas"


@pytest.fixture(scope="module")
def notebooks_in_lab(lab_server):
    folder = lab_server["root"] / "notebooks"
    folder.mkdir(exist_ok=True)
    for notebook in NOTEBOOKS:
        shutil.copy(notebook, folder / notebook.name)
    return lab_server


def _offline(page, base_url: str) -> list[str]:
    """Abort every request that leaves the JupyterLab server; return the URLs that tried."""
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def _cells_state(page) -> dict:
    return lab_js(
        page,
        """
        const cells = nb.content.widgets.filter((c) => c.model.type === 'code');
        const plots = /\\.plot\\.|\\bcharts\\.\\w+_chart\\(/;
        return {
          errors: cells.flatMap((c) => {
            const outputs = [];
            for (let i = 0; i < c.model.outputs.length; i++) outputs.push(c.model.outputs.get(i).toJSON());
            return outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`);
          }),
          plotting: cells.map((c, i) => (plots.test(c.model.sharedModel.getSource()) ? i : -1)).filter((i) => i >= 0),
        };
        """,
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_every_chart_draws_offline(page, notebooks_in_lab, artifacts_dir, notebook):
    lab = notebooks_in_lab
    blocked = _offline(page, lab["base_url"])
    open_notebook(page, lab, f"notebooks/{notebook.name}")
    lab_js(page, "await app.commands.execute('notebook:run-all-cells');")
    page.wait_for_function(
        """() => {
          const nb = window.jupyterapp.shell.currentWidget;
          const cells = nb.content.widgets.filter((c) => c.model.type === 'code');
          return nb.sessionContext.session?.kernel?.status === 'idle'
            && cells.every((c) => c.model.executionCount !== null);
        }""",
        timeout=RUN_TIMEOUT,
    )
    state = _cells_state(page)
    assert state["errors"] == [], f"{notebook.name}: cells raised {state['errors']}"
    code_cells = page.locator(".jp-Notebook .jp-CodeCell")
    for index in state["plotting"]:
        output = code_cells.nth(index).locator(".jp-OutputArea-output")
        expect_ok(
            page,
            lambda output=output: expect(output.locator(DRAWN).first).to_be_attached(timeout=KERNEL_TIMEOUT),
            f"{notebook.name}: cell {index + 1} plots but shows no SVG or canvas",
        )
        output.last.scroll_into_view_if_needed()
        output.last.screenshot(path=str(artifacts_dir / f"notebook-{notebook.stem}-cell{index + 1}.png"))
    embeds = page.locator(".jp-Notebook .vega-embed")
    for index in range(embeds.count()):
        expect_ok(
            page,
            lambda index=index: expect(embeds.nth(index).locator(DRAWN).first).to_be_attached(timeout=KERNEL_TIMEOUT),
            f"{notebook.name}: chart {index + 1} did not draw",
        )
    text = page.locator(".jp-Notebook").inner_text()
    assert "Error loading script" not in text, f"{notebook.name}: a chart tried to load its script from the network"
    assert not [u for u in blocked if "jsdelivr" in u or "esm.sh" in u], blocked
    lab_js(page, "await nb.sessionContext.shutdown();")
