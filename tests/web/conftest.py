"""Fixtures of the browser tests: a small workspace, the real app on a loopback port, Chromium.

The server is the real application (``opora.api.create_app`` under uvicorn) started in a
subprocess on a free port of 127.0.0.1; the browser is Debian's ``chromium`` driven by
Playwright (its own browser download cannot be used offline). Without chromium or
Playwright the tests are skipped, except where the environment variable ``CI`` is set:
there they must run, and a missing browser fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from opora.config import Settings
from opora.io.register import read_settlement_register
from opora.workflow import run_demo

TOKEN = "browser-test-token"
SCREENSHOTS = Path(os.environ.get("OPORA_SCREENSHOTS", "build/screenshots"))
#: The small town of the test workspace: the handmade register's «Образцово» made a town.
TOWN = ("80602405101", "Образцово")


def _need(what: str) -> None:
    msg = f"{what}; the browser tests need it (in CI they must run: .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _need("no chromium on PATH (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need("Playwright is not installed (pip install playwright)")
    return str(path)


@pytest.fixture(scope="session")
def web_workspace(tmp_path_factory, mini_data_dir, register_csv) -> Path:
    """A complete region workspace of the tiny fixtures with one small town (a passport)."""
    root = tmp_path_factory.mktemp("web")
    register = root / "register.csv"
    text = register_csv.read_text(encoding="utf-8")
    register.write_text(text.replace('"Образцово","с"', '"Образцово","г"'), encoding="utf-8")
    out = root / "ws"
    run_demo(
        out,
        Settings(cache_dir=root / "cache", data_dir=mini_data_dir),
        region="80",
        data_dir=mini_data_dir,
        register=read_settlement_register(register),
    )
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_SERVE = """
import sys, uvicorn
from opora.api import create_app
app = create_app(sys.argv[1], tokens={"tester": sys.argv[3]})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


@pytest.fixture(scope="session")
def server(web_workspace, chromium) -> str:
    """Base URL of the real application serving the test workspace."""
    port = _free_port()
    log = web_workspace.parent / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(web_workspace), str(port), TOKEN],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield b
        b.close()


class Console:
    """Errors the page wrote to its console or threw, collected while a test runs."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(msg.text)

    def on_error(self, exc) -> None:
        self.errors.append(str(exc))


@pytest.fixture
def page(browser, server):
    """A fresh page at the application, after its first idle with the layers drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    console = Console()
    pg.on("console", console.on_console)
    pg.on("pageerror", console.on_error)
    pg.console = console
    pg.goto(server + "/")
    pg.wait_for_function("document.body.dataset.ready", timeout=60_000)
    assert pg.evaluate("document.body.dataset.ready") == "1", console.errors
    yield pg
    context.close()


@pytest.fixture(scope="session")
def token() -> str:
    return TOKEN


@pytest.fixture(scope="session")
def town() -> tuple[str, str]:
    return TOWN


@pytest.fixture(scope="session")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
