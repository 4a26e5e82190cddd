"""p50 / p99 of the web application's main endpoints under a bounded loopback load.

Starts ``opora serve FOLDER`` (uvicorn) in a subprocess on a free loopback port, warms
each endpoint once, then sends REQUESTS requests per endpoint over CONCURRENCY
keep-alive connections, each connection sending its next request as soon as the last
answer is read (a closed loop, as CONCURRENCY users clicking without pause). It prints
a markdown table of p50 / p99 with the ratio of p99 to the goal (200 ms: ``ratio ≤ 1``
meets it) and the processor time per request of the server and of the client.

A request's latency is the time from writing it on its connection to reading the last
byte of its answer: what a client waits for. The default client (``--client raw``)
speaks HTTP/1.1 over asyncio streams and costs the shared processors about 0.1 ms a
request; ``--client httpx`` uses ``httpx.AsyncClient`` (about 3 ms of the client's
processor time a request, which on a two-core machine slows the server it measures).

    python benchmarks/web.py FOLDER [--requests 2000] [--concurrency 20] [--client raw]
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
from collections.abc import Callable, Coroutine
from pathlib import Path

import httpx
import numpy as np

GOAL_MS = 200.0
HOST = "127.0.0.1"

#: Latencies in milliseconds and the number of failed requests.
Result = tuple[np.ndarray, int]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def _server_cpu(pid: int) -> float:
    """Processor seconds (user + system) used so far by a process; NaN off Linux."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 answer whole; return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
    elif status >= 200 and status not in (204, 304):
        await reader.read()  # the body ends with the connection
    return status


async def _load_raw(port: int, path: str, n: int, conc: int) -> Result:
    """Send ``n`` GETs of ``path`` over ``conc`` keep-alive connections (HTTP/1.1)."""
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAccept: */*\r\n\r\n".encode()
    times: list[float] = []
    errors = 0
    left = n

    async def connection() -> None:
        nonlocal errors, left
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        while left > 0:
            left -= 1
            try:
                if writer is None or reader is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                t0 = time.perf_counter()
                writer.write(request)
                status = await _read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1  # a dropped connection counts as an error; open a new one
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            times.append((time.perf_counter() - t0) * 1000)
            if status >= 400:
                errors += 1
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(conc)))
    return np.array(times), errors


async def _load_httpx(port: int, path: str, n: int, conc: int) -> Result:
    """Send ``n`` GETs of ``path``, ``conc`` at a time, with ``httpx.AsyncClient``."""
    times: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(conc)
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    base = f"http://{HOST}:{port}"
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def one() -> None:
            nonlocal errors
            async with sem:  # the clock starts when the request may be sent
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


Loader = Callable[[int, str, int, int], Coroutine[None, None, Result]]
LOADERS: dict[str, Loader] = {"raw": _load_raw, "httpx": _load_httpx}


def _row(label: str, result: Result, cpu: tuple[float, float] | None = None) -> None:
    t, errors = result
    server, client = ("-", "-") if cpu is None else (f"{cpu[0]:.2f}", f"{cpu[1]:.2f}")
    if len(t) == 0:
        print(f"| {label} | - | - | - | {server} | {client} | {errors} |")
        return
    p50, p99 = np.percentile(t, 50), np.percentile(t, 99)
    print(
        f"| {label} | {p50:.1f} | {p99:.1f} | {p99 / GOAL_MS:.2f} | {server} | {client} "
        f"| {errors} |"
    )


def _start(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("OPORA_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "opora", "serve", str(folder), "--port", str(port)], env=env
    )
    deadline = time.time() + 120
    while True:
        try:
            if httpx.get(f"http://{HOST}:{port}/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            sys.exit("the server did not start")
        time.sleep(0.3)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument(
        "--client", choices=sorted(LOADERS), default="raw", help="load client (default: raw)"
    )
    args = ap.parse_args()
    load = LOADERS[args.client]
    port = _free_port()
    base = f"http://{HOST}:{port}"
    proc = _start(args.folder, port)
    try:
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
            f"loopback, {args.client} client, folder {args.folder} ({info['kind']})\n"
        )
        print(
            "| endpoint | p50 ms | p99 ms | p99 / goal (200 ms) | server cpu ms/req "
            "| client cpu ms/req | errors |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, path in paths.items():
            s0, c0 = _server_cpu(proc.pid), time.process_time()
            result = asyncio.run(load(port, path, args.requests, args.concurrency))
            s1, c1 = _server_cpu(proc.pid), time.process_time()
            cpu = ((s1 - s0) * 1000 / args.requests, (c1 - c0) * 1000 / args.requests)
            _row(label, result, cpu)
        # /health while other clients fetch a whole layer as GeoJSON (issue 14: it must stay fast)
        heavy = "/api/layers/settlements.geojson?limit=5000"
        httpx.get(f"{base}{heavy}", timeout=300)

        async def both() -> tuple[Result, Result]:
            health, layer = await asyncio.gather(
                load(port, "/health", args.requests // 4, 5),
                load(port, heavy, args.requests // 10, args.concurrency),
            )
            return health, layer

        health, layer = asyncio.run(both())
        _row(f"/health during {args.concurrency} concurrent settlement GeoJSON", health)
        _row("settlements GeoJSON (all, ~1 MB), same time", layer)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
