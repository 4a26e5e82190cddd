"""Whole-process benchmark: ``opora access 2sfca`` against a plain PySAL ``access`` script.

Run from the project root after set-up (``pip install access``)::

    nice python benchmarks/access_process.py [--repeat 3] [--cache-dir DIR]
        [--demand 132480] [--sites 20000] [--pairs 4.84e6] [--reach 60] [--max-cost 30]
        [--ids integer|oktmo] [--parquet]

It builds once, in a cache folder (``DIR``, default ``$OPORA_CACHE_DIR/benchmarks``), the
national instance of issue 16: 132,480 demand points and 20,000 sites scattered over a
plane, travel time = distance at 60 km/h, every pair within 60 minutes kept (about 4.8
million pairs, 1% of the demand points remote with no site in reach), integer ids, three
CSV files (``costs.csv``, ``demand.csv``, ``supply.csv``). Then, in the same run and on
the same files, as a user runs them (opora's modules byte-compiled first, as ``pip
install`` leaves them, like the peer's):

* ``opora access 2sfca --max-cost 30 --costs ... --out ... -q`` (a new process);
* a plain script (written next to the data) that reads the three files with
  :func:`pandas.read_csv`, calls ``access.Access(...).two_stage_fca(max_cost=30)`` and
  writes the scores with :meth:`pandas.DataFrame.to_csv` (a new process);

each the best of ``--repeat`` wall times, with the peak resident set and the least
processor time (user + system) of the process (``ru_maxrss``, ``ru_utime``, ``ru_stime`` of
that child, from :func:`os.wait4`; processor time varies less on a shared machine); the
scores written by both are compared (same NaNs, largest absolute and relative
difference). It also times
``opora --version`` (best of 5), the start of every command. A Markdown table with the
ratios goes to standard output. Timings on a shared machine vary; the ratios are taken
in one run, the processes alternating.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

SPEED_KM_PER_MIN = 1.0  # 60 km/h

PEER_SCRIPT = '''\
"""Plain PySAL `access` 2SFCA on three CSV files (the peer of `opora access 2sfca`)."""
import sys

import pandas as pd
from access import Access

costs_csv, demand_csv, supply_csv, max_cost, out = sys.argv[1:6]
costs = pd.read_csv(costs_csv)
demand = pd.read_csv(demand_csv)
supply = pd.read_csv(supply_csv)
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
scores = model.two_stage_fca(name="2sfca", max_cost=float(max_cost))["2sfca_capacity"]
scores.rename("score").rename_axis("demand_id").reset_index().to_csv(out, index=False)
'''


def _ids(n: int, kind: str, first: int) -> list[str]:
    if kind == "oktmo":  # 11 digits, leading zeros kept as text
        return [f"{first + k:011d}" for k in range(n)]
    return [str(first + k) for k in range(n)]


def build(args: argparse.Namespace, folder: Path) -> dict[str, Path]:
    """Write the instance's CSV (and Parquet) files into ``folder`` unless already there."""
    files = {name: folder / f"{name}.csv" for name in ("costs", "demand", "supply")}
    done = folder / "DONE"
    if done.exists() and (not args.parquet or (folder / "costs.parquet").exists()):
        return files
    import numpy as np
    import pandas as pd
    from scipy.spatial import cKDTree

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    radius = args.reach * SPEED_KM_PER_MIN
    n_demand, n_sites = args.demand, args.sites
    # the square's side for about `pairs` pairs (0.985: the pairs lost at the edges)
    side = math.sqrt(n_demand * n_sites * math.pi * radius**2 / args.pairs) * 0.985
    demand_xy = rng.uniform(0, side, size=(n_demand, 2))
    remote = rng.random(n_demand) < 0.01  # no site within reach: score NaN
    demand_xy[remote, 0] += 3 * side
    site_xy = rng.uniform(0, side, size=(n_sites, 2))
    found = cKDTree(demand_xy).sparse_distance_matrix(
        cKDTree(site_xy), radius, output_type="ndarray"
    )
    order = np.lexsort((found["j"], found["i"]))
    i, j = found["i"][order], found["j"][order]
    cost = np.round(found["v"][order] / SPEED_KM_PER_MIN, 2)
    demand_ids = np.array(_ids(n_demand, args.ids, 1), dtype=object)
    site_ids = np.array(_ids(n_sites, args.ids, 1_000_001 if args.ids == "integer" else 1), object)
    weight = np.round(rng.lognormal(mean=5.5, sigma=1.5, size=n_demand)) + 1
    capacity = rng.integers(1, 50, size=n_sites).astype(np.float64)
    frames = {
        "costs": pd.DataFrame({"demand_id": demand_ids[i], "site_id": site_ids[j], "cost": cost}),
        "demand": pd.DataFrame({"demand_id": demand_ids, "weight": weight}),
        "supply": pd.DataFrame({"site_id": site_ids, "capacity": capacity}),
    }
    for name, frame in frames.items():
        frame.to_csv(files[name], index=False)
        if args.parquet:
            frame.astype({c: "string" for c in frame.columns if c.endswith("_id")}).to_parquet(
                folder / f"{name}.parquet", index=False
            )
    done.write_text(f"{len(frames['costs'])}\n")
    return files


def _run(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd``; return its wall time (s), own peak resident set (MB) and processor time (s)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        msg = f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')}"
        raise SystemExit(msg)
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _opora() -> list[str]:
    script = Path(sys.executable).with_name("opora")
    return [str(script)] if script.exists() else [sys.executable, "-m", "opora"]


def _compare(ours_csv: Path, peer_csv: Path) -> tuple[int, int, float, float, bool]:
    import numpy as np
    import pandas as pd

    ours = pd.read_csv(ours_csv, dtype={"demand_id": str}).set_index("demand_id")["score"]
    peer = pd.read_csv(peer_csv, dtype={"demand_id": str}).set_index("demand_id")["score"]
    peer = peer.reindex(ours.index)
    same_nan = bool((ours.isna() == peer.isna()).all()) and len(ours) == len(peer)
    both = ours.notna() & peer.notna()
    a, b = ours[both].to_numpy(), peer[both].to_numpy()
    diff = np.abs(a - b)
    rel = diff / np.maximum(np.abs(b), np.finfo(float).tiny)
    max_abs = float(diff.max()) if diff.size else 0.0
    max_rel = float(rel.max()) if rel.size else 0.0
    return len(ours), int(ours.isna().sum()), max_abs, max_rel, same_nan and max_rel <= 1e-9


def _byte_compile_opora() -> str:
    """Byte-compile opora's modules, as ``pip install`` does, and say so.

    The peer's packages were byte-compiled when pip installed them. An editable install of
    opora is not: its first run writes the bytecode, unless ``PYTHONDONTWRITEBYTECODE`` is
    set (as in the development sandbox), when every run compiles opora's sources again
    (about 0.05 s for ``opora --version``). Python reads existing bytecode either way.
    """
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("opora")
    if spec is None or not spec.submodule_search_locations:
        return "opora not found to byte-compile"
    folder = Path(next(iter(spec.submodule_search_locations)))
    ok = compileall.compile_dir(folder, quiet=1)
    return f"opora byte-compiled ({folder})" if ok else "opora byte-compile failed"


def main() -> None:
    """Build the instance if needed, time both processes, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--demand", type=int, default=132_480)
    parser.add_argument("--sites", type=int, default=20_000)
    parser.add_argument("--pairs", type=float, default=4.84e6)
    parser.add_argument("--reach", type=float, default=60.0, help="Pairs kept (minutes).")
    parser.add_argument("--max-cost", type=float, default=30.0, help="2SFCA catchment.")
    parser.add_argument("--ids", choices=["integer", "oktmo"], default="integer")
    parser.add_argument("--parquet", action="store_true", help="Also time Parquet inputs.")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    base = args.cache_dir or Path(
        os.environ.get("OPORA_CACHE_DIR") or Path.home() / ".cache" / "opora"
    )
    key = (
        f"access2_{args.demand}x{args.sites}_{args.pairs:.0f}_{args.reach:g}_{args.ids}_{args.seed}"
    )
    folder = base / "benchmarks" / key
    t0 = time.perf_counter()
    if args.build_only:
        build(args, folder)
        return
    # build in a child: a process started from a big parent would count the parent's
    # memory in its own peak (Linux copies the high-water mark across fork and exec)
    subprocess.run([sys.executable, __file__, *sys.argv[1:], "--build-only"], check=True)
    files = {name: folder / f"{name}.csv" for name in ("costs", "demand", "supply")}
    n_pairs = int((folder / "DONE").read_text())
    compiled = _byte_compile_opora()
    peer_py = folder / "peer_access.py"
    peer_py.write_text(PEER_SCRIPT, encoding="utf-8")
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    print(
        f"instance: {args.demand:,} demand points x {args.sites:,} sites, {n_pairs:,} pairs "
        f"within {args.reach:g} min, {args.ids} ids, CSV "
        f"{files['costs'].stat().st_size / 2**20:.0f} MB (ready in "
        f"{time.perf_counter() - t0:.1f} s); {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; {compiled}",
        file=sys.stderr,
    )

    mc = f"{args.max_cost:g}"
    runs: dict[str, list[str]] = {
        "opora": [
            *_opora(),
            *("access", "2sfca", "--max-cost", mc, "--costs", str(files["costs"])),
            *("--demand", str(files["demand"]), "--supply", str(files["supply"])),
            *("--out", str(out / "opora.csv"), "-q"),
        ],
        "access": [
            sys.executable,
            str(peer_py),
            *(str(files[k]) for k in ("costs", "demand", "supply")),
            mc,
            str(out / "access.csv"),
        ],
    }
    if args.parquet:
        runs["opora parquet"] = [
            *_opora(),
            *("access", "2sfca", "--max-cost", mc, "--out", str(out / "opora_pq.csv"), "-q"),
            *(f"--{k}={folder / f'{k}.parquet'}" for k in ("costs", "demand", "supply")),
        ]
    best: dict[str, tuple[float, float]] = {}
    cpu: dict[str, float] = {}
    for _ in range(args.repeat):
        for name, cmd in runs.items():  # alternate, so that load hits both alike
            wall, rss, used = _run(cmd)
            old = best.get(name, (math.inf, 0.0))
            best[name] = (min(old[0], wall), max(old[1], rss))
            cpu[name] = min(cpu.get(name, math.inf), used)
            print(f"{name}: {wall:.2f} s, {used:.2f} s processor, {rss:.0f} MB", file=sys.stderr)
    start = min(_run([*_opora(), "--version"])[0] for _ in range(5))
    rows, nans, max_abs, max_rel, agree = _compare(out / "opora.csv", out / "access.csv")
    print(
        f"scores: {rows:,} rows, {nans:,} NaN, max abs diff {max_abs:.1e}, max rel diff "
        f"{max_rel:.1e} -> {'equal' if agree else 'MISMATCH'}; load {os.getloadavg()[0]:.2f}",
        file=sys.stderr,
    )

    (ot, om), (at, am) = best["opora"], best["access"]
    print(f"| measure (same run, best of {args.repeat}) | opora | peer | ratio | goal |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| `opora access 2sfca --max-cost {mc}`, {args.demand:,} x {args.sites:,}, "
        f"{n_pairs:,} pairs, CSV: time | {ot:.2f} s | {at:.2f} s (PySAL `access` script) | "
        f"{ot / at:.2f}x | <= 1.0x |"
    )
    print(f"| same: peak memory | {om:.0f} MB | {am:.0f} MB | {om / am:.2f}x | <= 1.0x |")
    oc, ac = cpu["opora"], cpu["access"]
    print(f"| same: processor time | {oc:.2f} s | {ac:.2f} s | {oc / ac:.2f}x | — |")
    if "opora parquet" in best:
        pt, pm = best["opora parquet"]
        print(
            f"| same from Parquet: time / peak memory | {pt:.2f} s / {pm:.0f} MB | "
            f"{at:.2f} s / {am:.0f} MB | {pt / at:.2f}x / {pm / am:.2f}x | — |"
        )
    print(f"| `opora --version` (best of 5) | {start:.3f} s | — | — | <= 0.3 s |")
    print(f"| scores equal (max abs diff) | {max_abs:.1e} | | | same NaNs, rel <= 1e-9 |")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
