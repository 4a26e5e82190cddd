"""Benchmark of economic complexity against the Growth Lab ``ecomplexity`` package.

Run from the project root (``pip install ecomplexity`` first)::

    python benchmarks/complexity.py [--repeat 5] [--locations 2600] [--activities 20]

It builds a seeded table of municipalities × OKVED sections × 2 years (lognormal
values, 30 % of the cells zero: the sparsity of municipal employment by section),
then times, in the same run on the same machine:

* opora: :func:`opora.economy.complexity` (input checks, RCA, M, diversity, ubiquity,
  proximity, ECI, PCI, density, COI, COG, index-aligned output tables);
* the peer: ``ecomplexity.ecomplexity`` with ``verbose=False`` and
  ``check_logsupermodularity=False`` (opora does not run that check), and, for
  reference, with the check on (the package's default).

It also reports the largest absolute difference between the two results for ECI,
PCI, density, COI and COG. Results are printed as Markdown rows for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from ecomplexity import ecomplexity

from opora.economy import ComplexityResult, complexity

COLS = {"time": "year", "loc": "oktmo", "prod": "section", "val": "employment"}


def make_table(n_loc: int, n_act: int, years: tuple[int, ...], seed: int = 2026) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    locs = np.repeat([f"{80600000 + i:08d}" for i in range(n_loc)], n_act)
    acts = np.tile([chr(ord("A") + j) for j in range(n_act)], n_loc)
    frames = []
    for year in years:
        size = n_loc * n_act
        value = rng.lognormal(4.0, 1.5, size=size) * (rng.random(size) > 0.3)
        frames.append(
            pd.DataFrame({"year": year, "oktmo": locs, "section": acts, "employment": value})
        )
    return pd.concat(frames, ignore_index=True)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def run_opora(data: pd.DataFrame) -> ComplexityResult:
    return complexity(data, location="oktmo", activity="section", value="employment", period="year")


def flat(res: ComplexityResult) -> pd.DataFrame:
    """One row per year × location × section with every measure (not timed)."""
    cells = res.cells.reset_index()
    cells = cells.merge(res.locations[["eci", "coi"]].reset_index(), on=["year", "oktmo"])
    cells = cells.merge(res.activities[["pci"]].reset_index(), on=["year", "section"])
    return cells.set_index(["year", "oktmo", "section"])


def run_peer(data: pd.DataFrame, check: bool) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(data, COLS, verbose=False, check_logsupermodularity=check)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--locations", type=int, default=2600)
    parser.add_argument("--activities", type=int, default=20)
    args = parser.parse_args()
    data = make_table(args.locations, args.activities, (2022, 2023))

    run_opora(data)  # warm-up (imports, caches)
    run_peer(data, check=False)
    t_ours, result = timed(lambda: run_opora(data), args.repeat)
    ours = flat(result)
    t_peer, peer = timed(lambda: run_peer(data, check=False), args.repeat)
    t_peer_check, _ = timed(lambda: run_peer(data, check=True), max(1, args.repeat // 2))

    peer = peer.set_index(["year", "oktmo", "section"]).reindex(ours.index)
    diffs = {
        col: float(np.nanmax(np.abs(ours[col].to_numpy(float) - peer[col].to_numpy(float))))
        for col in ("eci", "pci", "density", "coi", "cog")
    }
    worst = max(diffs.values())
    corr = float(np.corrcoef(ours["eci"], peer["eci"])[0, 1])

    size = f"{args.locations:,} × {args.activities} × 2 years"
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, numpy {np.__version__}"
    )
    print()
    print(f"| measure | median of {args.repeat} | ratio |")
    print("| --- | --- | --- |")
    print(
        f"| complexity, opora ({size}: RCA, M, ECI, PCI, proximity, density, COI, COG) "
        f"| {t_ours:.3f} s | {t_ours / t_peer:.2f}× the peer |"
    )
    print(
        f"| peer: `ecomplexity` 0.5 (same table, log-supermodularity check off) "
        f"| {t_peer:.3f} s | 1.0× |"
    )
    print(
        f"| peer: `ecomplexity` with its default log-supermodularity check "
        f"| {t_peer_check:.3f} s | {t_peer_check / t_peer:.2f}× |"
    )
    print(
        f"| agreement: max abs difference (ECI, PCI, density, COI, COG) "
        f"| {worst:.1e} | ECI correlation {corr:.12f} |"
    )
    print()
    print("max abs difference by measure: " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()))


if __name__ == "__main__":
    main()
