"""A plain `pip install .` (not editable) into a fresh venv gives a working server.

The installed copy must find its schema.sql, templates and static files without the source tree,
so the server is started from an unrelated directory.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import iso_in
from tests.test_cli import STOP_TIMEOUT_S, free_port, wait_for_port

SOURCE = Path(__file__).resolve().parent.parent
PIP_TIMEOUT_S = 300

# What is never part of a release: local environments, build output, caches, databases.
_NOT_SOURCE = {".venv", ".git", "__pycache__", "build", "dist", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def _ignore(directory: str, names: list[str]) -> set[str]:
    ignored = {n for n in names if n in _NOT_SOURCE or n.endswith((".egg-info", ".pyc"))}
    ignored |= {n for n in names if n == "chat.db" or n.startswith("chat.db-")}
    if Path(directory).resolve() == SOURCE / "bench":
        ignored |= {"results"}
    return ignored


def _get(port: int, path: str, method: str = "GET", body: Any = None) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


@pytest.mark.slow
def test_pip_install_gives_a_working_server(tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(SOURCE, source, ignore=_ignore)
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=env)
    python, chatserver = venv / "bin" / "python", venv / "bin" / "chatserver"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(source)],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT_S,
        env=env,
        cwd=tmp_path,
    )
    assert install.returncode == 0, f"pip install failed:\n{install.stdout}\n{install.stderr}"

    # Elsewhere than the source tree, the installed package (not the checkout) is what runs.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import chatserver, chatserver.resources as r; print(chatserver.__file__); print(r.resource_root())",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        cwd=elsewhere,
        check=True,
    ).stdout.splitlines()
    assert Path(where[0]).is_relative_to(venv), where
    share = Path(where[1])
    assert share.is_relative_to(venv), where
    # Every template and static file of the tree is installed, including ones added later.
    for folder in ("templates", "static"):
        shipped = {p.relative_to(source / folder) for p in (source / folder).rglob("*") if p.is_file()}
        installed = {p.relative_to(share / folder) for p in (share / folder).rglob("*") if p.is_file()}
        assert shipped <= installed, f"not installed from {folder}/: {sorted(map(str, shipped - installed))}"

    version = subprocess.run(
        [str(python), "-m", "chatserver", "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        cwd=elsewhere,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("chatserver ")

    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [str(chatserver), "serve", "--port", str(port), "--db", str(tmp_path / "chat.db")],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=elsewhere,
        )
        try:
            wait_for_port(proc, port, log)

            status, content_type, page = _get(port, "/")
            assert status == 200, log.read_text()
            assert content_type.startswith("text/html") and b"<html" in page.lower()

            status, content_type, css = _get(port, "/static/style.css")
            assert status == 200 and css == (source / "static" / "style.css").read_bytes()

            # Creating an event needs the schema from schema.sql.
            status, _, created = _get(
                port, "/api/events", "POST", {"title": "Installed", "starts_at": iso_in(-60), "ends_at": iso_in(3600)}
            )
            assert status == 201, created
            slug = json.loads(created)["event"]["slug"]
            status, content_type, room = _get(port, f"/e/{slug}")
            assert status == 200 and content_type.startswith("text/html") and b"Installed" in room

            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"the server did not exit within {STOP_TIMEOUT_S} s of SIGTERM") from None
            assert code == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
    assert (tmp_path / "chat.db").is_file()
    assert not (elsewhere / "chat.db").exists()


# -- make run and make test -----------------------------------------------------------------------

_FAKE_PYTHON = """
import os, sys
from pathlib import Path

# Stands in for `python3 -m venv DIR`: a venv whose pip, python and chatserver only log their arguments.
log = os.environ["FAKE_LOG"]
with open(log, "a") as out:
    out.write("venv " + " ".join(sys.argv[1:]) + "\\n")
bin_dir = Path(sys.argv[-1], "bin")
bin_dir.mkdir(parents=True, exist_ok=True)
for tool in ("pip", "python", "chatserver"):
    path = bin_dir / tool
    path.write_text(f'#!/bin/sh\\necho "{tool} $*" >> "$FAKE_LOG"\\n')
    path.chmod(0o755)
"""


def _make(tree: Path, target: str, log: Path) -> list[str]:
    """Run `make TARGET` with a stand-in python; return what it ran in the venv, one line a call."""
    before = log.read_text().splitlines() if log.exists() else []
    env = {**os.environ, "FAKE_LOG": str(log)}
    result = subprocess.run(
        ["make", "--no-print-directory", target, f"PYTHON={sys.executable} {tree / 'fake_python.py'}"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text().splitlines()[len(before) :]


@pytest.fixture
def make_tree(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("Makefile", "setup.cfg", "pyproject.toml"):
        shutil.copy(SOURCE / name, tree / name)
    (tree / "fake_python.py").write_text(_FAKE_PYTHON)
    return tree


def _installs(calls: list[str]) -> list[str]:
    return [call for call in calls if call.startswith(("venv ", "pip "))]


def test_make_run_installs_the_runtime_only_and_make_test_adds_the_test_tools_once(
    make_tree: Path, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    ran = _make(make_tree, "run", log)
    assert _installs(ran) == ["venv -m venv .venv", "pip install --quiet --upgrade pip", "pip install --quiet -e ."]
    assert ran[-1].startswith("chatserver serve --host 127.0.0.1 --port 8888")

    ran = _make(make_tree, "test", log)
    assert _installs(ran) == ["pip install --quiet -e .[test]"]
    assert ran[-1].startswith("python -m pytest")

    assert _installs(_make(make_tree, "run", log)) == []
    assert _installs(_make(make_tree, "test", log)) == []


def test_make_test_then_make_run_installs_nothing_more(make_tree: Path, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    assert _installs(_make(make_tree, "test", log)) == [
        "venv -m venv .venv",
        "pip install --quiet --upgrade pip",
        "pip install --quiet -e .",
        "pip install --quiet -e .[test]",
    ]
    assert _installs(_make(make_tree, "run", log)) == []
    # A change to the project's metadata installs again, the test tools too.
    later = time.time() + 5
    os.utime(make_tree / "setup.cfg", (later, later))
    assert _installs(_make(make_tree, "test", log)) == [
        "venv -m venv .venv",
        "pip install --quiet --upgrade pip",
        "pip install --quiet -e .",
        "pip install --quiet -e .[test]",
    ]


@pytest.mark.slow
def test_make_venv_installs_quietly_without_the_test_tools(tmp_path: Path) -> None:
    """What `make run` installs, for real: no setuptools banner, the checkout on the path, no pytest."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    source = tmp_path / "src"
    shutil.copytree(SOURCE, source, ignore=_ignore)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    made = subprocess.run(
        ["make", "--no-print-directory", "venv", f"PYTHON={sys.executable}"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT_S,
    )
    output = made.stdout + made.stderr
    assert made.returncode == 0, output
    assert "Editable installation" not in output and "*****" not in output, output
    python = source / ".venv" / "bin" / "python"
    found = subprocess.run(
        [
            str(python),
            "-c",
            "import chatserver, importlib.util as u; print(chatserver.__file__, u.find_spec('pytest'))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [str(source / "chatserver" / "__init__.py"), "None"]
