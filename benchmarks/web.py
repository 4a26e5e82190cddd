"""p50 / p99 of the web application's main endpoints under a bounded loopback load.

Starts ``opora serve FOLDER`` (uvicorn) in a subprocess on a free loopback port, warms
each endpoint once, then sends REQUESTS requests per endpoint, CONCURRENCY at a time
(httpx + asyncio), and prints a markdown table of p50 / p99 with the ratio of p99 to the
goal (200 ms: ``ratio ≤ 1`` meets it).

    python benchmarks/web.py FOLDER [--requests 2000] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np

GOAL_MS = 200.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


async def _load(base: str, path: str, n: int, conc: int) -> tuple[np.ndarray, int]:
    times: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(conc)
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def one() -> None:
            nonlocal errors
            async with sem:
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                except httpx.HTTPError:  # a dropped connection counts as an error
                    errors += 1
                    return
                times.append((time.perf_counter() - t0) * 1000)
                if r.status_code >= 400:
                    errors += 1

        await asyncio.gather(*(one() for _ in range(n)))
    return np.array(times), errors


def _row(label: str, t: np.ndarray, errors: int) -> None:
    if len(t) == 0:
        print(f"| {label} | - | - | - | {errors} |")
        return
    p50, p99 = np.percentile(t, 50), np.percentile(t, 99)
    print(f"| {label} | {p50:.1f} | {p99:.1f} | {p99 / GOAL_MS:.2f} | {errors} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    args = ap.parse_args()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.pop("OPORA_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "opora", "serve", str(args.folder), "--port", str(port)],
        env=env,
    )
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                sys.exit("the server did not start")
            time.sleep(0.3)
        info = httpx.get(f"{base}/api/info", timeout=300).json()
        w, s, e, n = info["bbox"]
        x, y = _tile_of((w + e) / 2, (s + n) / 2, 8)
        paths = {
            "/health": "/health",
            "table page (/api/municipalities)": "/api/municipalities?limit=50&sort=population"
            "&order=desc",
            "anchors page (/api/anchors)": "/api/anchors?limit=50",
            "settlement tile z8": f"/api/tiles/settlements/8/{x}/{y}.pbf",
        }
        for path in paths.values():  # warm: load the tables, build the indexes
            httpx.get(f"{base}{path}", timeout=300)
        print(
            f"{args.requests} requests per endpoint, {args.concurrency} concurrent, "
            f"loopback, folder {args.folder} ({info['kind']})\n"
        )
        print("| endpoint | p50 ms | p99 ms | p99 / goal (200 ms) | errors |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, path in paths.items():
            t, errors = asyncio.run(_load(base, path, args.requests, args.concurrency))
            _row(label, t, errors)
        # /health while other clients fetch a whole layer as GeoJSON (issue 14: it must stay fast)
        heavy = "/api/layers/settlements.geojson?limit=5000"
        httpx.get(f"{base}{heavy}", timeout=300)

        async def both() -> tuple[tuple[np.ndarray, int], tuple[np.ndarray, int]]:
            return await asyncio.gather(
                _load(base, "/health", args.requests // 4, 5),
                _load(base, heavy, args.requests // 10, args.concurrency),
            )

        (th, eh), (tg, eg) = asyncio.run(both())
        _row(f"/health during {args.concurrency} concurrent settlement GeoJSON", th, eh)
        _row("settlements GeoJSON (all, ~1 MB), same time", tg, eg)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
