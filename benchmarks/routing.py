"""Benchmark of the travel-time engine (opora.access.routing) against its peers.

Run from the project root::

    python benchmarks/routing.py [--nodes 1000000] [--peer-nodes 100000] [--pandana-nodes 40000]

It builds a seeded road-like graph (a perturbed grid: 250 m cells, roads of 40-80 km/h,
a regional road every 25 rows and columns at 90 km/h, a highway every 100 at 110 km/h,
one cell in twenty with a diagonal shortcut; two arcs per road, ~4.1M arcs on 1M nodes),
20,000 facility nodes and 2,000 origin nodes, and measures in one run on one machine:

(a) nearest facility for every node: opora ``nearest_times`` (one scipy multi-source
    Dijkstra pass) against networkx ``multi_source_dijkstra_path_length`` and pandana
    (contraction-hierarchy build + ``nearest_pois``). Both peers are too slow for the full
    graph within the run's budget (pandana's build grows faster than linearly on this grid:
    9 s at 10k nodes, 25 s at 40k, 77 s at 100k, and ``nearest_pois`` 37 s at 100k), so they
    run on smaller graphs made the same way with the same density of facilities
    (``--peer-nodes``, ``--pandana-nodes``; pass ``--pandana-nodes 1000000`` for the full
    graph), where opora is timed too for a direct ratio; their full-graph time is extrapolated
    linearly (a lower bound for pandana) and labelled so.
(b) origin-destination pairs within 60 minutes, 2,000 origins x 20,000 destinations:
    opora ``bounded_matrix`` (numba bucket-queue engine, 1 and 2 threads; with
    ``--scipy-engine`` also the scipy engine with 2 processes) against the peer, a plain
    loop of ``scipy.sparse.csgraph.dijkstra(limit=60)`` calls, one per origin, keeping the
    destination columns. Every opora table is checked to
    equal the peer's pairs exactly (same pairs, same float64 minutes).

Each step runs in a fresh process, so its peak resident memory (``ru_maxrss``, the step's
own and its worker processes') is its own; CPU seconds (all threads and worker processes)
are printed beside wall seconds, as they vary less when other work shares the machine.
Results are printed as a Markdown table. About 5 minutes on 2 idle cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

CUTOFF = 60.0
N_FACILITIES = 20_000
N_ORIGINS = 2_000


def road_graph(
    n_nodes: int, seed: int = 0, cell_km: float = 0.25
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Return a seeded perturbed-grid road graph (minutes) and node x, y in metres."""
    rng = np.random.default_rng(seed)
    side = round(np.sqrt(n_nodes))
    n = side * side
    idx = np.arange(n).reshape(side, side)
    h_from, h_to = idx[:, :-1].ravel(), idx[:, 1:].ravel()
    v_from, v_to = idx[:-1, :].ravel(), idx[1:, :].ravel()
    h_line = np.repeat(np.arange(side), side - 1)
    v_line = np.tile(np.arange(side), side - 1)
    h_speed = rng.uniform(40, 80, h_from.size)
    v_speed = rng.uniform(40, 80, v_from.size)
    h_speed[h_line % 25 == 0], v_speed[v_line % 25 == 0] = 90, 90
    h_speed[h_line % 100 == 0], v_speed[v_line % 100 == 0] = 110, 110
    cells = np.unique(rng.integers(0, (side - 1) ** 2, n // 20))
    r, c = cells // (side - 1), cells % (side - 1)
    d_from, d_to = idx[r, c], idx[r + 1, c + 1]
    d_speed = rng.uniform(40, 80, cells.size)
    start = np.concatenate([h_from, v_from, d_from])
    end = np.concatenate([h_to, v_to, d_to])
    km = np.concatenate(
        [np.full(h_from.size + v_from.size, cell_km), np.full(cells.size, cell_km * np.sqrt(2))]
    )
    km = km * rng.uniform(1.0, 1.4, km.size)  # winding roads
    minutes = km / np.concatenate([h_speed, v_speed, d_speed]) * 60
    # two arcs per road, each way slightly different (slopes, junctions)
    back = minutes * rng.uniform(0.95, 1.05, minutes.size)
    csr = sp.csr_matrix(
        (
            np.concatenate([minutes, back]),
            (np.concatenate([start, end]), np.concatenate([end, start])),
        ),
        shape=(n, n),
    )
    x = (np.arange(n) % side) * cell_km * 1000.0
    y = (np.arange(n) // side) * cell_km * 1000.0
    return csr, x, y


def _save(path: Path, n_nodes: int, seed: int) -> dict[str, Any]:
    csr, x, y = road_graph(n_nodes, seed)
    rng = np.random.default_rng(seed + 1)
    n = csr.shape[0]
    n_fac = max(1, round(N_FACILITIES * n / 1_000_000))
    facilities = rng.choice(n, n_fac, replace=False)
    origins = rng.choice(n, N_ORIGINS, replace=False)
    np.savez(
        path,
        indptr=csr.indptr,
        indices=csr.indices,
        data=csr.data,
        x=x,
        y=y,
        facilities=facilities,
        origins=origins,
    )
    return {"nodes": n, "arcs": csr.nnz, "facilities": n_fac}


def _load(path: str) -> tuple[sp.csr_matrix, dict[str, np.ndarray]]:
    z = np.load(path)
    n = z["x"].size
    csr = sp.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=(n, n))
    return csr, {k: z[k] for k in ("x", "y", "facilities", "origins")}


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


# --- steps, each run in a fresh process -------------------------------------------------


def step_nearest(path: str, repeat: int = 3, engine: str = "auto") -> dict[str, Any]:
    from opora.access.routing import nearest_times

    csr, a = _load(path)
    t0 = time.perf_counter()  # load (or compile, on a cold cache) the kernel, timed apart
    nearest_times(csr, a["facilities"][:1], engine=engine)
    warm = time.perf_counter() - t0
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        result = nearest_times(csr, a["facilities"], engine=engine)
        times.append(time.perf_counter() - t0)
        cpu.append(_cpu() - c0)
    return {
        "seconds": min(times),
        "cpu": min(cpu),
        "all": times,
        "warm": warm,
        "unreachable": result.n_unreachable,
        "peak_mb": _peak_mb(),
    }


def step_networkx(path: str) -> dict[str, Any]:
    import networkx as nx

    from opora.access.routing import nearest_times

    csr, a = _load(path)
    coo = csr.tocoo()
    t0 = time.perf_counter()
    g = nx.DiGraph()
    g.add_nodes_from(range(csr.shape[0]))
    g.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    build = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    lengths = nx.multi_source_dijkstra_path_length(g, set(a["facilities"].tolist()))
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    ours = nearest_times(csr, a["facilities"]).minutes
    theirs = np.array([lengths.get(v, np.nan) for v in range(csr.shape[0])])
    t0 = time.perf_counter()
    nearest_times(csr, a["facilities"])
    opora_seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "cpu": cpu,
        "build": build,
        "opora_seconds": opora_seconds,
        "equal": bool(np.array_equal(ours, theirs, equal_nan=True)),
        "peak_mb": _peak_mb(),
    }


def step_pandana(path: str) -> dict[str, Any]:
    try:
        import pandana
        import pandas as pd
    except ImportError as exc:  # record why, do not fail the benchmark
        return {"error": f"pandana not importable: {exc}"}
    from opora.access.routing import nearest_times

    csr, a = _load(path)
    coo = csr.tocoo()
    t0, c0 = time.perf_counter(), _cpu()
    net = pandana.Network(
        pd.Series(a["x"]),
        pd.Series(a["y"]),
        pd.Series(coo.row),
        pd.Series(coo.col),
        pd.DataFrame({"minutes": coo.data}),
        twoway=False,
    )
    build, build_cpu = time.perf_counter() - t0, _cpu() - c0
    fac = a["facilities"]
    t0, c0 = time.perf_counter(), _cpu()
    net.set_pois("f", 10_000, 1, pd.Series(a["x"][fac]), pd.Series(a["y"][fac]))
    got = net.nearest_pois(10_000, "f", num_pois=1)[1].to_numpy()
    query, query_cpu = time.perf_counter() - t0, _cpu() - c0
    # pandana searches from each node towards the facilities: compare with reverse=True
    nearest_times(csr, fac[:1], reverse=True)  # kernel load, not timed
    t0 = time.perf_counter()
    ours = nearest_times(csr, fac, reverse=True).minutes
    opora_seconds = time.perf_counter() - t0
    return {
        "build": build,
        "build_cpu": build_cpu,
        "seconds": query,
        "cpu": query_cpu,
        "opora_seconds": opora_seconds,
        "max_abs_diff": float(np.nanmax(np.abs(got - ours))),
        "peak_mb": _peak_mb(),
    }


def step_peer_loop(path: str, out: str) -> dict[str, Any]:
    csr, a = _load(path)
    dest = a["facilities"]
    rows, cols, mins = [], [], []
    t0, c0 = time.perf_counter(), _cpu()
    for i, origin in enumerate(a["origins"]):
        d = dijkstra(csr, indices=int(origin), limit=CUTOFF)[dest]
        j = np.flatnonzero(d <= CUTOFF)
        rows.append(np.full(j.size, i, dtype=np.int32))
        cols.append(j.astype(np.int32))
        mins.append(d[j])
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    np.savez(
        out,
        origin=np.concatenate(rows),
        destination=np.concatenate(cols),
        minutes=np.concatenate(mins),
    )
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb()}


def step_opora_matrix(path: str, out: str, n_jobs: int, engine: str) -> dict[str, Any]:
    from opora.access.routing import bounded_matrix

    csr, a = _load(path)
    warm = 0.0
    if engine == "numba":  # load (or compile, on a cold cache) the kernel, timed apart
        t0 = time.perf_counter()
        bounded_matrix(csr, a["origins"][:1], a["facilities"], 1.0, engine="numba")
        warm = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    pairs = bounded_matrix(csr, a["origins"], a["facilities"], CUTOFF, n_jobs=n_jobs, engine=engine)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    np.savez(
        out,
        origin=pairs["origin"].to_numpy(),
        destination=pairs["destination"].to_numpy(),
        minutes=pairs["minutes"].to_numpy(),
    )
    return {
        "seconds": seconds,
        "cpu": cpu,
        "warm": warm,
        "pairs": len(pairs),
        "unreached": pairs.attrs["n_unreached_origins"],
        "peak_mb": _peak_mb(),
    }


def _in_child(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _same(a: str, b: str) -> bool:
    za, zb = np.load(a), np.load(b)
    return all(np.array_equal(za[k], zb[k]) for k in ("origin", "destination", "minutes"))


def _fmt(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.3f}"
    return f"{seconds:.2f}" if seconds < 100 else f"{seconds:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--peer-nodes", type=int, default=100_000)
    parser.add_argument("--pandana-nodes", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--scipy-engine", action="store_true", help="also time engine='scipy' (2 processes)"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    load_start = os.getloadavg()
    rows: list[tuple[str, ...]] = []

    def row(part: str, tool: str, nodes: str, res: dict[str, Any], key: str, note: str) -> None:
        cpu = res.get("cpu" if key == "seconds" else f"{key}_cpu")
        rows.append(
            (
                part,
                tool,
                nodes,
                _fmt(res[key]) if key in res else "-",
                _fmt(cpu) if cpu is not None else "-",
                note,
                f"{res['peak_mb']:.0f}" if "peak_mb" in res else "-",
            )
        )

    with tempfile.TemporaryDirectory() as tmp:
        full, small, tiny = Path(tmp, "full.npz"), Path(tmp, "small.npz"), Path(tmp, "pd.npz")
        info = _save(full, args.nodes, args.seed)
        small_info = _save(small, min(args.peer_nodes, args.nodes), args.seed)
        tiny_info = _save(tiny, min(args.pandana_nodes, args.nodes), args.seed)
        n_label = f"{info['nodes']:,}"
        print(
            f"graph: {info['nodes']:,} nodes, {info['arcs']:,} arcs, {info['facilities']:,} "
            f"facilities, {N_ORIGINS:,} origins",
            flush=True,
        )

        # (a) nearest facility for every node
        ours = _in_child(step_nearest, str(full))
        print("nearest_times", ours, flush=True)
        row(
            "a",
            "opora nearest_times (numba engine, 1 core)",
            n_label,
            ours,
            "seconds",
            f"best of 3 (all: {', '.join(f'{t:.3f}' for t in ours['all'])}); goal <= 0.15 s; "
            f"kernel load before, not counted: {ours['warm']:.2f} s",
        )
        scipy_nearest = _in_child(step_nearest, str(full), 3, "scipy")
        print("nearest_times scipy", scipy_nearest, flush=True)
        row(
            "a",
            "opora nearest_times engine=scipy (dijkstra min_only)",
            n_label,
            scipy_nearest,
            "seconds",
            f"{scipy_nearest['seconds'] / ours['seconds']:.1f}x the numba engine",
        )
        nxr = _in_child(step_networkx, str(small))
        print("networkx", nxr, flush=True)
        ratio = nxr["seconds"] / nxr["opora_seconds"]
        row(
            "a",
            "networkx multi_source_dijkstra_path_length",
            f"{small_info['nodes']:,}",
            nxr,
            "seconds",
            f"{ratio:.0f}x opora on the same graph ({nxr['opora_seconds']:.3f} s); "
            f"equal minutes: {nxr['equal']}",
        )
        scale = info["nodes"] / small_info["nodes"]
        if scale > 1:
            est = {"seconds": nxr["seconds"] * scale}
            row(
                "a",
                "networkx, extrapolated linearly",
                n_label,
                est,
                "seconds",
                f"{est['seconds'] / ours['seconds']:.0f}x opora (estimate, not measured)",
            )
        pdr = _in_child(step_pandana, str(tiny))
        print("pandana", pdr, flush=True)
        if "error" in pdr:
            rows.append(("a", "pandana", "-", "-", "-", pdr["error"], "-"))
        else:
            label = f"{tiny_info['nodes']:,}"
            row("a", "pandana Network (CH build)", label, pdr, "build", "one-off preparation")
            row(
                "a",
                "pandana nearest_pois",
                label,
                pdr,
                "seconds",
                f"{pdr['seconds'] / pdr['opora_seconds']:.0f}x opora on the same graph "
                f"({pdr['opora_seconds']:.3f} s); max diff {pdr['max_abs_diff']:.3f} min "
                "(pandana rounds weights)",
            )
            factor = info["nodes"] / tiny_info["nodes"]
            if factor > 1:
                est = {"seconds": (pdr["build"] + pdr["seconds"]) * factor}
                row(
                    "a",
                    "pandana build + query, extrapolated linearly",
                    n_label,
                    est,
                    "seconds",
                    f"{est['seconds'] / ours['seconds']:.0f}x opora (lower bound: the build "
                    "grows faster than linearly)",
                )

        # (b) bounded origin-destination table
        peer_out = str(Path(tmp, "peer.npz"))
        peer = _in_child(step_peer_loop, str(full), peer_out)
        print("peer loop", peer, flush=True)
        row("b", "peer: loop of scipy dijkstra(limit=60), 1 core", n_label, peer, "seconds", "")
        runs = [(2, "numba"), (1, "numba")] + ([(2, "scipy")] if args.scipy_engine else [])
        for n_jobs, engine in runs:
            out = str(Path(tmp, f"opora_{engine}_{n_jobs}.npz"))
            res = _in_child(step_opora_matrix, str(full), out, n_jobs, engine)
            res["equal"] = _same(out, peer_out)
            print(f"bounded_matrix n_jobs={n_jobs} engine={engine}", res, flush=True)
            note = (
                f"{peer['seconds'] / res['seconds']:.1f}x faster than the peer (CPU "
                f"{peer['cpu'] / res['cpu']:.1f}x less); pairs equal to the peer's: {res['equal']}"
            )
            if engine == "numba":
                note += f"; kernel load before, not counted: {res['warm']:.2f} s"
            if engine == "numba" and n_jobs == 2:
                note += "; goal <= 10 s"
            workers = {1: "1 thread", 2: "2 threads"}[n_jobs]
            if engine == "scipy":
                workers = f"{n_jobs} processes"
            row(
                "b",
                f"opora bounded_matrix engine={engine}, n_jobs={n_jobs} ({workers})",
                n_label,
                res,
                "seconds",
                note,
            )
            pairs = res["pairs"]

    print()
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}; load average at start {load_start[0]:.2f}, at end "
        f"{os.getloadavg()[0]:.2f} (other work on the machine slows the wall times; CPU "
        f"seconds are steadier); whole run {time.perf_counter() - started:.0f} s."
    )
    print(
        f"(b): {N_ORIGINS:,} origins x {info['facilities']:,} destinations within "
        f"{CUTOFF:.0f} min: {pairs:,} pairs."
    )
    print()
    print("| part | tool | graph nodes | wall s | CPU s | ratio / check | peak RSS MB |")
    print("| --- | --- | ---: | ---: | ---: | --- | ---: |")
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
