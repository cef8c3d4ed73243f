"""The documented install path works: a clean virtualenv with ``pip install journey-widgets[lab]`` (no Node.js
needed) has the JupyterLab extension enabled and starts ``journey-widgets demo``, whose JupyterLab answers a real
request, loads the extension and serves the example journey file; without JupyterLab, the demo says in one line
what to install."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from journey_widgets.cli import main

REPO = Path(__file__).parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode("utf-8", "replace")


def test_demo_without_jupyterlab_says_what_to_install(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["demo", "--dir", str(tmp_path / "demo"), "--no-browser"])
    assert code == 1 and out.getvalue() == ""
    assert err.getvalue() == "journey-widgets: error: the demo needs JupyterLab: pip install 'journey-widgets[lab]'\n"


@pytest.fixture(scope="module")
def lab_venv(tmp_path_factory) -> Path:
    """A clean virtualenv with the built wheel installed as ``journey-widgets[lab]`` (the packages from the
    machine's pip configuration, as a user's pip gets them) and nothing else: no Node.js on its PATH."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check", "-w", wheels, REPO],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("journey_widgets-*.whl")
    assert "journey_widgets/py.typed" in zipfile.ZipFile(wheel).namelist()  # type checkers read the package's hints
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-compile", "--disable-pip-version-check", f"{wheel}[lab]"],
        capture_output=True,
        text=True,
        env=_in_venv(venv, root),  # the wheel holds the built frontends: no npm, no Node.js
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    return venv


def _in_venv(venv: Path, home: Path) -> dict[str, str]:
    """The environment of a user of ``venv``: only its programs on the PATH, Jupyter's settings under ``home``."""
    return {
        **os.environ,
        "PATH": str(venv / "bin"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "rt"),
    }


def test_fresh_install_with_the_lab_extra_serves_the_demo(lab_venv, tmp_path):
    venv = lab_venv
    env = _in_venv(venv, tmp_path)  # no Node.js on the PATH
    listed = subprocess.run(
        [str(venv / "bin" / "jupyter"), "labextension", "list"], capture_output=True, text=True, env=env
    )
    plain = _plain(listed.stdout + listed.stderr)
    assert re.search(r"journey-widgets v0\.1\.0 enabled OK \(python, journey-widgets\)", plain), plain
    port = _free_port()
    log = (tmp_path / "demo.log").open("w+")
    server = subprocess.Popen(
        [str(venv / "bin" / "journey-widgets"), "demo", "--no-browser", "--port", str(port), "--dir", "demo"],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    try:
        url, token = _printed_url(tmp_path / "demo.log", server)
        status, page = _wait_for(url, token, server, tmp_path / "demo.log")
        assert status == 200 and "JupyterLab" in page
        assert '"name": "journey-widgets"' in page.replace('":"', '": "')  # the page loads the extension
        journey = f"http://127.0.0.1:{port}/api/contents/website_to_meeting.journey.json?content=0"
        status, listing = _get(journey, token)
        assert status == 200 and '"type": "file"' in listing.replace('":"', '": "')
        status, notebook = _get(f"http://127.0.0.1:{port}/api/contents/quickstart.ipynb?content=0", token)
        assert status == 200 and '"type": "notebook"' in notebook.replace('":"', '": "')
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/shutdown", method="POST", headers={"Authorization": f"token {token}"}
        )
        urllib.request.urlopen(request, timeout=10).close()
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()


def test_every_demo_notebook_runs_on_the_lab_install(lab_venv, tmp_path):
    """Each notebook ``journey-widgets demo`` copies runs top to bottom with only ``journey-widgets[lab]``
    installed (an engine of another extra is skipped by the notebook)."""
    env = _in_venv(lab_venv, tmp_path)
    copy = "import sys, pathlib, journey_widgets.cli as c; print(*c.copy_demo(pathlib.Path(sys.argv[1])), sep='\\n')"
    copied = subprocess.run(
        [str(lab_venv / "bin" / "python"), "-c", copy, str(tmp_path / "demo")], capture_output=True, text=True, env=env
    )
    assert copied.returncode == 0, copied.stderr[-2000:]
    notebooks = copied.stdout.splitlines()
    assert len(notebooks) >= 8 and any(n.endswith("bring_your_own_engine.ipynb") for n in notebooks), notebooks

    def execute(notebook: str) -> subprocess.CompletedProcess[str]:
        command = [str(lab_venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace"]
        return subprocess.run([*command, notebook], capture_output=True, text=True, cwd=tmp_path / "demo", env=env)

    with ThreadPoolExecutor(max_workers=2) as pool:  # the notebooks are independent: one a core
        runs = dict(zip(notebooks, pool.map(execute, notebooks)))
    failed = {Path(notebook).name: _plain(run.stderr)[-3000:] for notebook, run in runs.items() if run.returncode}
    assert not failed, f"notebooks failed on journey-widgets[lab]: {failed}"


def _plain(text: str) -> str:
    """``text`` without its terminal colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _printed_url(log: Path, server: subprocess.Popen) -> tuple[str, str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"open (http://127\.0\.0\.1:\d+/lab/tree/quickstart\.ipynb\?token=(\w+))", log.read_text())
        if found:
            return found.group(1), found.group(2)
        if server.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"the demo printed no URL:\n{log.read_text()[-2000:]}")


def _wait_for(url: str, token: str, server: subprocess.Popen, log: Path) -> tuple[int, str]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the demo stopped (exit {server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            return _get(url, token)
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-2000:]}")


def test_every_engine_has_an_extra_with_the_tested_pins():
    import tomllib

    from journey_widgets.sources import EXTRAS

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(EXTRAS.values()) | {"lab"} == {name for name in extras if name not in ("all", "test")}
    assert extras["all"] == [f"journey-widgets[{','.join(['lab', 'polars', 'datafusion', 'postgres', 'spark'])}]"]
    assert "journey-widgets[all]" in extras["test"]  # the suite tests exactly what users install
    assert "datafusion>=51,<52" in extras["datafusion"] and "pyspark>=3.5,<4.1" in extras["spark"]
    assert extras["lab"] == ["jupyterlab>=4.2"]
