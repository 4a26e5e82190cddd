"""Benchmark of the whole country: ``opora country`` end to end, with its peak memory.

Run from the project root after set-up::

    python benchmarks/country.py --out /tmp/country [--data-dir ../shared/data] [--workers 2]
                                 [--regions LIST]

It runs ``opora country`` as a user would (a fresh process, the default Dask local cluster
unless ``--workers 0``), samples every second the resident memory of the whole process
tree (the command, its Dask workers and their helpers) with psutil, and then reads each
region's ``run_summary.csv`` to sum the worker seconds of every step. Results are printed
as Markdown tables to paste into BENCHMARKS.md, against the goal of issue 12 (the whole
country in at most 10 minutes and 8 GB on a 2-core machine). The output folder is emptied
first: a finished region would otherwise be reused, not measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil

GOAL_SECONDS = 600.0
GOAL_GB = 8.0


def run(command: list[str]) -> dict[str, float]:
    """Run ``command``; return its wall seconds, exit code and peak tree memory (GB)."""
    start = time.perf_counter()
    child = subprocess.Popen(command)
    root = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        rss = 0
        try:
            for proc in (root, *root.children(recursive=True)):
                try:
                    rss += proc.memory_info().rss
                except psutil.Error:
                    continue
        except psutil.Error:
            pass
        peak = max(peak, rss)
        time.sleep(1.0)
    return {
        "seconds": time.perf_counter() - start,
        "code": float(child.returncode),
        "peak_gb": peak / 2**30,
    }


def steps(out: Path) -> pd.DataFrame:
    """Worker seconds per step, summed over the regions' ``run_summary.csv``."""
    parts = []
    for path in sorted((out / "regions").glob("*/run_summary.csv")):
        table = pd.read_csv(path)
        table = table[~table["step"].str.startswith("source:")]
        parts.append(table.assign(region=path.parent.name))
    if not parts:
        return pd.DataFrame(columns=["step", "sum", "median", "max"])
    every = pd.concat(parts)
    grouped = every.groupby("step")["seconds"].agg(["sum", "median", "max"])
    return grouped.sort_values("sum", ascending=False).reset_index()


def main() -> None:
    """Parse the options, run the country, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (emptied)")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--regions", default=None)
    args = parser.parse_args()

    if args.out.exists():
        shutil.rmtree(args.out)
    command = [sys.executable, "-m", "opora", "country", "--out", str(args.out)]
    command += ["--data-dir", str(args.data_dir), "--quiet"]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    if args.regions:
        command += ["--regions", args.regions]
    load = os.getloadavg()[0]
    result = run(command)
    record = json.loads((args.out / "country_run.json").read_text(encoding="utf-8"))
    regions = pd.read_csv(args.out / "national_regions.csv", dtype={"code": str})
    done = int((regions["status"] != "failed").sum())
    complete = int(regions["complete"].astype(bool).sum())
    ok_time = "met" if result["seconds"] <= GOAL_SECONDS else "not met"
    ok_memory = "met" if result["peak_gb"] <= GOAL_GB else "not met"

    print(f"\nload average at the start {load:.2f}, at the end {os.getloadavg()[0]:.2f}")
    print("\n| measure | result | goal |\n| --- | --- | --- |")
    print(
        f"| regions | {done} of {len(regions)} finished, {complete} with every step, "
        f"exit code {int(result['code'])} | every region |"
    )
    minutes, seconds = divmod(result["seconds"], 60)
    print(
        f"| wall, end to end | {int(minutes)} min {seconds:.0f} s (regions "
        f"{record['seconds'].get('regions', float('nan')):.0f} s, national layer "
        f"{record['seconds'].get('national', float('nan')):.1f} s) | <= 10 min: {ok_time} |"
    )
    print(f"| peak memory, process tree | {result['peak_gb']:.2f} GB | <= 8 GB: {ok_memory} |")
    slowest = regions.sort_values("seconds", ascending=False).iloc[0]
    print(
        f"| one region's main job | median {regions['seconds'].median():.1f} s, slowest "
        f"{slowest['key']} {slowest['seconds']:.1f} s | <= 60 s |"
    )
    table = steps(args.out)
    print("\n| step | sum s | median s | max s |\n| --- | ---: | ---: | ---: |")
    for row in table.itertuples(index=False):
        print(f"| {row.step} | {row.sum:.0f} | {row.median:.1f} | {row.max:.1f} |")
    print(f"| all steps | {table['sum'].sum():.0f} | | |")


if __name__ == "__main__":
    main()
