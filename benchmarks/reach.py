"""Benchmark of national reach: every settlement to every settlement within 60 minutes.

Run from the project root::

    python benchmarks/reach.py [--nodes 5000000] [--origins 132480] [--cell-km 0.6] [--jobs 2]

It builds a seeded road-like graph of about 5 million nodes (the perturbed grid of
``benchmarks/routing.py``: 0.6 km cells, roads of 40-80 km/h, a regional road every 25 rows
and columns at 90 km/h, a highway every 100 at 110 km/h, diagonal shortcuts, two arcs per
road; 1,342 km a side, about 2.8 nodes per km²), places 132,480 settlements (the populated
settlements of Russia) on distinct random nodes with access legs of 0-2 minutes, and
measures, in a fresh process, the whole national run as a user would run it:
``opora.access.reach.reach_blocks`` (numba bucket-queue engine, ``--jobs`` threads) streamed
to one Parquet file by ``opora.io.reach.write_reach_parquet``; wall and CPU seconds and the
process's peak resident memory (``ru_maxrss``), graph loading included.

The peer is a loop of ``scipy.sparse.csgraph.dijkstra(limit=60)`` calls, one per origin, on a
seeded sample of ``--sample`` origins (the whole loop would take hours); its time is
extrapolated linearly to all origins and labelled so. The sample's pairs are read back from
the Parquet file and checked to equal the peer's exactly (same pairs, same float64 minutes).
Results are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).resolve().parent))

from routing import road_graph

CUTOFF = 60.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def step_build(path: str, n_nodes: int, n_origins: int, cell_km: float, seed: int) -> dict:
    """Build the graph and the settlements, save them to ``path`` (not part of the run)."""
    t0 = time.perf_counter()
    csr, _, _ = road_graph(n_nodes, seed, cell_km)
    rng = np.random.default_rng(seed + 1)
    n = csr.shape[0]
    origins = rng.choice(n, n_origins, replace=False)
    legs = rng.uniform(0, 2, n_origins)
    np.savez(path, indptr=csr.indptr, indices=csr.indices, data=csr.data, origins=origins,
             legs=legs)  # fmt: skip
    return {"nodes": n, "arcs": csr.nnz, "seconds": time.perf_counter() - t0,
            "km2": n * cell_km**2}  # fmt: skip


def _load(path: str) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    z = np.load(path)
    n = z["indptr"].size - 1
    csr = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, n))
    return csr, z["origins"], z["legs"]


def step_reach(path: str, out: str, jobs: int, block_size: int) -> dict:
    """The measured run: load the graph, compute every block, stream it to Parquet."""
    from opora.access._buckets import numba_search

    numba_search()  # load (or compile, on a cold cache) the kernel, timed apart
    t0, c0 = time.perf_counter(), _cpu()
    from opora.access.reach import reach_blocks
    from opora.io.reach import write_reach_parquet

    csr, origins, legs = _load(path)
    loaded = time.perf_counter() - t0
    blocks = reach_blocks(csr, origins, None, CUTOFF, origin_offset=legs, n_jobs=jobs,
                          block_size=block_size)  # fmt: skip
    meta = {"cutoff": CUTOFF, "n_origins": origins.size, "n_destinations": origins.size}
    written = write_reach_parquet(out, blocks, metadata=meta)
    return {
        "seconds": time.perf_counter() - t0,
        "cpu": _cpu() - c0,
        "load": loaded,
        "pairs": written.n_pairs,
        "blocks": written.n_blocks,
        "file_mb": Path(out).stat().st_size / 2**20,
        "peak_mb": _peak_mb(),
    }


def step_peer(path: str, out: str, sample: int, seed: int) -> dict:
    """Peer on a sample: one scipy ``dijkstra(limit=60)`` per origin; check the file's pairs."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    csr, origins, legs = _load(path)
    rng = np.random.default_rng(seed + 2)
    chosen = np.sort(rng.choice(origins.size, sample, replace=False))
    order = np.argsort(origins)
    sorted_nodes = origins[order]
    t0, c0 = time.perf_counter(), _cpu()
    want_o, want_d, want_m = [], [], []
    for i in chosen:
        limit = CUTOFF - legs[i] - legs.min()
        dist = dijkstra(csr, indices=int(origins[i]), limit=limit)
        reached = np.flatnonzero(np.isfinite(dist))
        hit = np.searchsorted(sorted_nodes, reached)
        hit[hit == sorted_nodes.size] = 0
        ok = sorted_nodes[hit] == reached
        dest = order[hit[ok]]
        minutes = (legs[i] + dist[reached[ok]]) + legs[dest]
        keep = minutes <= CUTOFF
        sort = np.argsort(dest[keep])
        want_o.append(np.full(int(keep.sum()), i))
        want_d.append(dest[keep][sort])
        want_m.append(minutes[keep][sort])
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    table = pq.read_table(out, filters=[("origin", "in", chosen.tolist())])
    table = table.sort_by([("origin", "ascending"), ("destination", "ascending")])
    equal = (
        np.array_equal(pc.cast(table["origin"], "int64").to_numpy(), np.concatenate(want_o))
        and np.array_equal(table["destination"].to_numpy(), np.concatenate(want_d))
        and np.array_equal(table["minutes"].to_numpy(), np.concatenate(want_m))
    )
    return {"seconds": seconds, "cpu": cpu, "equal": bool(equal), "pairs": table.num_rows}


def _in_child(fn: Any, *args: Any) -> dict:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5_000_000)
    parser.add_argument("--origins", type=int, default=132_480)
    parser.add_argument("--cell-km", type=float, default=0.6)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--block-size", type=int, default=8192)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        graph, out = str(Path(tmp, "graph.npz")), str(Path(tmp, "reach.parquet"))
        info = _in_child(step_build, graph, args.nodes, args.origins, args.cell_km, args.seed)
        print("graph", info, flush=True)
        run = _in_child(step_reach, graph, out, args.jobs, args.block_size)
        print("reach", run, flush=True)
        peer = _in_child(step_peer, graph, out, args.sample, args.seed)
        print("peer sample", peer, flush=True)
    scale = args.origins / args.sample
    print()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}; load average at start {load_start[0]:.2f}, at end "
        f"{os.getloadavg()[0]:.2f}; whole run {time.perf_counter() - started:.0f} s."
    )
    print(
        f"Graph: {info['nodes']:,} nodes, {info['arcs']:,} arcs, {info['km2']:,.0f} km² "
        f"(built in {info['seconds']:.0f} s, not counted); {args.origins:,} settlements to "
        f"every settlement within {CUTOFF:.0f} min: {run['pairs']:,} pairs in {run['blocks']} "
        f"blocks, Parquet {run['file_mb']:.0f} MiB."
    )
    print()
    print("| tool | origins | wall s | CPU s | peak RSS MB | ratio / check |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| opora reach_blocks + write_reach_parquet, {args.jobs} threads | {args.origins:,} | "
        f"{run['seconds']:.0f} | {run['cpu']:.0f} | {run['peak_mb']:.0f} | goal <= 600 s, "
        f"<= 8192 MB; graph load {run['load']:.1f} s included |"
    )
    print(
        f"| peer: loop of scipy dijkstra(limit=60), 1 core | {args.sample:,} (sample) | "
        f"{peer['seconds']:.1f} | {peer['cpu']:.1f} | - | {peer['pairs']:,} pairs equal to "
        f"opora's: {peer['equal']} |"
    )
    est = peer["seconds"] * scale
    print(
        f"| peer, extrapolated linearly | {args.origins:,} | {est:.0f} | "
        f"{peer['cpu'] * scale:.0f} | - | {est / run['seconds']:.1f}x opora's wall time "
        "(estimate, not measured) |"
    )


if __name__ == "__main__":
    main()
