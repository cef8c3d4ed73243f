"""Fixtures for real-browser tests: a throw-away JupyterLab server and a
headless Debian Chromium driven by Playwright (no `playwright install`).
Adapted from shared/recipes/browser-testing.

Environment knobs:
  CHROMIUM_PATH      browser binary (default /usr/bin/chromium)
  BROWSER_TEST_ARTIFACTS  where screenshots/failure dumps go (default ./artifacts)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BROWSER_TEST_ARTIFACTS", PROJECT / "artifacts"))
TOKEN = "browser-test-token"

# Without these, Debian's Chromium can stall on DNS/network lookups in a sandboxed CI box.
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # harmless when /dev/shm is big, essential in small-shm docker
]

# JupyterLab asks for no news, updates or extensions (it would talk to PyPI).
LAB_QUIET = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]

SERVER_START_TIMEOUT = 90  # s
SERVER_STOP_TIMEOUT = 20  # s


# --------------------------------------------------------------------------- helpers
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(url: str, method: str = "GET", timeout: float = 5) -> bytes:
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()


def _write_lab_settings(settings_dir: Path) -> None:
    """Silence the 'get notified about Jupyter news?' toast and update checks."""
    d = settings_dir / "@jupyterlab" / "apputils-extension"
    d.mkdir(parents=True, exist_ok=True)
    (d / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Save widget state into the notebook, so a reopened notebook shows the same journey.
    w = settings_dir / "@jupyter-widgets" / "jupyterlab-manager"
    w.mkdir(parents=True, exist_ok=True)
    (w / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))


# --------------------------------------------------------------------------- hooks
@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose the test outcome to fixtures (for screenshot-on-failure)."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


# --------------------------------------------------------------------------- fixtures
def _serve(base: Path, cmd: list[str], env: dict[str, str], ready_url: str, headers: dict[str, str]):
    """Start `cmd` (a server on 127.0.0.1) in its own session; wait until `ready_url` answers. Returns the process
    and its log file; `_stop` ends both."""
    log_path = base / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        cmd,
        cwd=base / "root",
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"{cmd[2]} exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(urllib.request.Request(ready_url, headers=headers), timeout=2):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                log.close()
                pytest.fail(f"{cmd[2]} not ready after {SERVER_START_TIMEOUT}s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.25)
    return proc, log


def _stop(proc: subprocess.Popen, log) -> None:
    try:
        proc.wait(SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log.close()


def _jupyter_server(tmp_path_factory, app: str, app_class: str, extra: list[str]):
    """Start `python -m <app>` (jupyterlab or notebook) on 127.0.0.1:<random port> in an isolated temp root,
    with tests/browser/builder.ipynb. Yields base_url, token, root; shuts the server (and its kernels) down via
    the REST API, then signals the process group as a fallback."""
    base = tmp_path_factory.mktemp(app)
    root = base / "root"
    root.mkdir()
    shutil.copy(Path(__file__).parent / "builder.ipynb", root / "builder.ipynb")
    _write_lab_settings(base / "settings")
    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(base / "config"),  # ignore ~/.jupyter
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(base / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),  # no restored layout
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
    )
    cmd = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        f"--{app_class}.expose_app_in_browser=True",  # window.jupyterapp for commands
        *extra,
    ]
    base_url = f"http://127.0.0.1:{port}"
    proc, log = _serve(base, cmd, env, f"{base_url}/api/status", {"Authorization": f"token {TOKEN}"})
    yield {"base_url": base_url, "token": TOKEN, "root": root, "log": base / "server.log"}
    try:
        _http(f"{base_url}/api/shutdown", method="POST", timeout=5)
    except Exception:
        pass
    _stop(proc, log)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """JupyterLab 4 serving tests/browser/builder.ipynb."""
    yield from _jupyter_server(tmp_path_factory, "jupyterlab", "LabApp", LAB_QUIET)


@pytest.fixture(scope="session")
def notebook_server(tmp_path_factory):
    """Jupyter Notebook 7 serving tests/browser/builder.ipynb."""
    yield from _jupyter_server(tmp_path_factory, "notebook", "JupyterNotebookApp", [])


@pytest.fixture(scope="session")
def marimo_server(tmp_path_factory):
    """`marimo run` (app mode: every cell runs, widgets are live) on notebooks/marimo_builder.py."""
    base = tmp_path_factory.mktemp("marimo")
    (base / "root").mkdir()
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "marimo",
        "run",
        str(PROJECT / "notebooks" / "marimo_builder.py"),
        "--headless",
        "--host=127.0.0.1",
        f"--port={port}",
        "--no-token",
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1", MARIMO_SKIP_UPDATE_CHECK="1")
    base_url = f"http://127.0.0.1:{port}"
    proc, log = _serve(base, cmd, env, f"{base_url}/health", {})
    yield {"base_url": base_url, "log": base / "server.log"}
    os.killpg(proc.pid, signal.SIGTERM)
    _stop(proc, log)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} not found: run scripts/setup.sh (installs Debian's chromium)"
    with sync_playwright() as p:
        # Playwright's launch() always uses a fresh temporary --user-data-dir
        # (it rejects --user-data-dir in args; use launch_persistent_context for a fixed one).
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=60_000)
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser, request, artifacts_dir):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: m.type == "error" and pg.console_errors.append(m.text))
    pg.on("pageerror", lambda e: pg.console_errors.append(f"pageerror: {e}"))
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        name = request.node.name
        try:
            pg.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
            (ARTIFACTS / f"FAILED-{name}.console.txt").write_text("\n".join(pg.console_errors))
        except Exception as exc:  # page may be dead
            print(f"could not capture failure artifacts: {exc}")
    context.close()
