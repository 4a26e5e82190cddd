"""First map paint of the web application, in headless Chromium.

Run from the project root::

    python benchmarks/first_paint.py --workspace DEMO_FOLDER [--country COUNTRY_FOLDER] [--runs 5]

For each folder it starts the real application (``opora.api.create_app`` under uvicorn, in a
subprocess on a free loopback port), opens the page in Debian's ``chromium`` driven by
Playwright (a fresh browser context per run: empty HTTP cache), and measures the time from
the start of the navigation to the map's first ``idle`` event with the default layers
drawn (``window.opora.readyAt``, set by ``app.js``; the page reports it in
``performance.now()`` milliseconds, whose origin is the navigation start). The server is
warmed first by one untimed page load, so the numbers are those of a running server, not
of its first reading of the tables. It also counts the settlement features MapLibre
rendered, to show that the layer was drawn and not merely requested.

Prints a markdown table with the goal (≤ 2 s for the default region). The country row uses
a country folder written by ``opora country`` (the national settlement layer served as
vector tiles).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

GOAL_S = 2.0

_SERVE = """
import sys, uvicorn
from opora.api import create_app
app = create_app(sys.argv[1])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(folder: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _SERVE, str(folder), str(port)], stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    msg = f"the server for {folder} did not start: {log.read_text(errors='replace')[-2000:]}"
    raise SystemExit(msg)


def _paint(browser, url: str) -> tuple[float, int]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(url + "/")
        page.wait_for_function("document.body.dataset.ready", timeout=300_000)
        if page.evaluate("document.body.dataset.ready") != "1":
            msg = f"the page at {url} failed to start"
            raise SystemExit(msg)
        ms = float(page.evaluate("window.opora.readyAt"))
        n = int(
            page.evaluate(
                "window.opora.map.getLayer('L-settlements') ? "
                "window.opora.map.queryRenderedFeatures({layers: ['L-settlements']}).length : 0"
            )
        )
        return ms / 1000, n
    finally:
        context.close()


def measure(browser, folder: Path, runs: int) -> dict[str, float | int]:
    """Start the app for one folder, warm it, and time ``runs`` first paints."""
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = _start(folder, Path(tmp) / "server.log")
        try:
            _paint(browser, url)  # warm-up: the server reads its tables once
            times, drawn = [], 0
            for _ in range(runs):
                s, drawn = _paint(browser, url)
                times.append(s)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "drawn": drawn,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workspace", type=Path, required=True, help="default region workspace")
    parser.add_argument("--country", type=Path, help="country folder (opora country)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        msg = "no chromium on PATH (apt-get install chromium)"
        raise SystemExit(msg)
    from playwright.sync_api import sync_playwright

    rows = [("default region", args.workspace, GOAL_S)]
    if args.country is not None:
        rows.append(("national settlement layer", args.country, None))
    print("| folder | runs | first paint, median (s) | min–max (s) | settlements drawn | goal |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for name, folder, goal in rows:
                r = measure(browser, folder, args.runs)
                verdict = (
                    "—"
                    if goal is None
                    else (f"≤ {goal:g} s: {'met' if r['median'] <= goal else 'NOT met'}")
                )
                print(
                    f"| {name} (`{folder.name}`) | {args.runs} | {r['median']:.2f} | "
                    f"{r['min']:.2f}–{r['max']:.2f} | {r['drawn']:,} | {verdict} |"
                )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
