"""Benchmark of opora's 2SFCA against PySAL ``access`` on a national-size instance.

Run from the project root after set-up (``pip install access``)::

    python benchmarks/access_measures.py [--demand 130000] [--sites 20000] [--pairs 5e6]
        [--max-cost 60] [--repeat 3] [--seed 2024] [--shuffle]

It builds a seeded synthetic instance shaped like Russia's settlement network
(demand points and sites scattered over a plane, travel time = distance at 60 km/h,
pairs kept within 60 minutes, about 5 million pairs; 1% of the demand points are remote,
with no site in reach), with text ids as
:mod:`opora.io.matrix` reads them, and in the same run:

* times :func:`opora.access.measures.two_sfca` and
  ``access.Access(...).two_stage_fca(max_cost=...)`` (best of ``--repeat``, each in a
  fresh forked child so that one does not warm the other);
* measures each one's peak memory twice: the growth of the child's resident set
  (``VmHWM`` after resetting it, so it counts every allocator, Arrow's included) and
  the peak of :mod:`tracemalloc` (Python and NumPy allocations only);
* checks that the scores agree (same NaNs, relative difference <= 1e-9).

It prints a Markdown table to paste into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from opora.access.measures import two_sfca

SPEED_KM_PER_MIN = 1.0  # 60 km/h


def build(
    n_demand: int, n_sites: int, pairs: float, max_cost: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (costs, demand, supply) with about ``pairs`` pairs within ``max_cost``."""
    rng = np.random.default_rng(seed)
    radius = max_cost * SPEED_KM_PER_MIN
    # side of the square so that the expected number of pairs (ignoring edges) is `pairs`
    side = math.sqrt(n_demand * n_sites * math.pi * radius**2 / pairs) * 0.985
    demand_xy = rng.uniform(0, side, size=(n_demand, 2))
    # 1% of the demand points are remote (Far North): no site within reach, score NaN
    remote = rng.random(n_demand) < 0.01
    demand_xy[remote, 0] += 3 * side
    site_xy = rng.uniform(0, side, size=(n_sites, 2))
    found = cKDTree(demand_xy).sparse_distance_matrix(
        cKDTree(site_xy), radius, output_type="ndarray"
    )
    order = np.lexsort((found["j"], found["i"]))
    i, j = found["i"][order], found["j"][order]
    cost = np.round(found["v"][order] / SPEED_KM_PER_MIN, 2)
    demand_ids = np.array([f"{k:011d}" for k in range(n_demand)], dtype=object)
    site_ids = np.array([f"s{k:06d}" for k in range(n_sites)], dtype=object)
    weight = np.round(rng.lognormal(mean=5.5, sigma=1.5, size=n_demand)) + 1
    capacity = rng.integers(1, 50, size=n_sites).astype(np.float64)
    costs = pd.DataFrame(
        {
            "demand_id": pd.array(demand_ids[i], dtype="string"),
            "site_id": pd.array(site_ids[j], dtype="string"),
            "cost": cost,
        }
    )
    demand = pd.DataFrame({"demand_id": pd.array(demand_ids, dtype="string"), "weight": weight})
    supply = pd.DataFrame({"site_id": pd.array(site_ids, dtype="string"), "capacity": capacity})
    return costs, demand, supply


def run_opora(
    costs: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame, max_cost: float
) -> pd.Series:
    return two_sfca(costs, demand, supply, max_cost)


def run_access(
    costs: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame, max_cost: float
) -> pd.Series:
    from access import Access

    model = Access(
        demand_df=demand,
        demand_index="demand_id",
        demand_value="weight",
        supply_df=supply,
        supply_index="site_id",
        supply_value="capacity",
        cost_df=costs,
        cost_origin="demand_id",
        cost_dest="site_id",
        cost_name="cost",
    )
    out = model.two_stage_fca(name="2sfca", max_cost=max_cost)
    return out["2sfca_capacity"]


Runner = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame, float], pd.Series]
_DATA: dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, float]] = {}


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _child(conn: Connection, fn: Runner, mode: str) -> None:
    costs, demand, supply, max_cost = _DATA["args"]
    if mode == "tracemalloc":
        tracemalloc.start()
        fn(costs, demand, supply, max_cost)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        conn.send((0.0, peak / 2**20, None))
        return
    have_proc = Path("/proc/self/clear_refs").exists()
    if have_proc:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        base = _status_kb("VmRSS")
    else:  # pragma: no cover - not Linux
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    result = fn(costs, demand, supply, max_cost)
    wall = time.perf_counter() - t0
    peak = _status_kb("VmHWM") if have_proc else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    conn.send((wall, (peak - base) / 1024, result))


def measure(fn: Runner, mode: str) -> tuple[float, float, pd.Series | None]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, mode))
    proc.start()
    wall, mem, result = parent.recv()
    proc.join()
    return wall, mem, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--demand", type=int, default=130_000)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--pairs", type=float, default=5e6)
    parser.add_argument("--max-cost", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--shuffle", action="store_true", help="Shuffle the pairs (default: sorted by pair)."
    )
    args = parser.parse_args()

    t0 = time.perf_counter()
    costs, demand, supply = build(args.demand, args.sites, args.pairs, args.max_cost, args.seed)
    if args.shuffle:
        costs = costs.sample(frac=1.0, random_state=args.seed).reset_index(drop=True)
    print(
        f"instance: {len(demand):,} demand points x {len(supply):,} sites, "
        f"{len(costs):,} pairs within {args.max_cost:g} min"
        f"{' (shuffled)' if args.shuffle else ''} "
        f"(built in {time.perf_counter() - t0:.1f} s); "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"pandas {pd.__version__}, numpy {np.__version__}"
    )
    _DATA["args"] = (costs, demand, supply, args.max_cost)

    rows: dict[str, tuple[float, float, float]] = {}
    results: dict[str, pd.Series] = {}
    for name, fn in (("opora", run_opora), ("access", run_access)):
        walls, rss = [], []
        for _ in range(args.repeat):
            wall, mem, result = measure(fn, "rss")
            walls.append(wall)
            rss.append(mem)
            if result is not None:
                results[name] = result
        _, traced, _ = measure(fn, "tracemalloc")
        rows[name] = (min(walls), max(rss), traced)
        print(f"{name}: {min(walls):.2f} s, RSS +{max(rss):.0f} MB, tracemalloc {traced:.0f} MB")

    ours = results["opora"]
    theirs = results["access"].reindex(ours.index)
    same_nan = bool((ours.isna() == theirs.isna()).all())
    both = ours.notna() & theirs.notna()
    a, b = ours[both].to_numpy(), theirs[both].to_numpy()
    rel = np.abs(a - b) / np.maximum(np.abs(b), np.finfo(float).tiny)
    max_rel = float(rel.max()) if len(rel) else 0.0
    agree = same_nan and max_rel <= 1e-9
    print(
        f"agreement: same NaNs {same_nan} ({int(ours.isna().sum()):,} demand points with "
        f"no site in reach), max relative difference {max_rel:.2e} -> "
        f"{'OK' if agree else 'MISMATCH'}"
    )

    (ot, orss, otr), (at, arss, atr) = rows["opora"], rows["access"]
    print()
    print(
        "| measure | demand x sites | pairs | opora s | access s | time ratio | "
        "opora peak MB (RSS / traced) | access peak MB (RSS / traced) | memory ratio (RSS) "
        "| max rel diff |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| 2SFCA {args.max_cost:g} min | {len(demand):,} x {len(supply):,} | "
        f"{len(costs):,} | {ot:.2f} | {at:.2f} | {ot / at:.2f} | {orss:.0f} / {otr:.0f} | "
        f"{arss:.0f} / {atr:.0f} | {orss / arss:.2f} | {max_rel:.1e} |"
    )
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
