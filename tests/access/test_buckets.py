"""Bucket-queue searches against scipy's Dijkstra and networkx on random graphs.

The engine never rounds a travel time: the integer of a bucket queue is only the bucket key
``floor(minutes / width)`` (width a little below the shortest arc), and the minutes stay the
float64 sums ``d(u) + w`` of scipy's relaxation. So the results are equal to scipy's bit for
bit on any weights, and on weights that are whole tenths of a second (``k / 600`` minutes)
they are within float rounding of the exact integer sums. Zero-length arcs have no bucket
width; the default engine then uses scipy, and ``engine="numba"`` refuses.
"""

from __future__ import annotations

import importlib.util

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from opora.access import _buckets
from opora.access.routing import bounded_matrix, nearest_times
from opora.errors import ValidationError

HAS_NUMBA = importlib.util.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")


def _graph(
    seed: int, n: int, m: int, kind: str
) -> tuple[sp.csr_matrix, dict[tuple[int, int], int | float]]:
    """A seeded random directed graph; ``kind`` picks the weights.

    ``"float"``: uniform minutes; ``"tenths"``: whole tenths of a second (``k / 600``
    minutes, the dict keeps ``k``); ``"ties"``: 1 to 3 minutes (many equal paths);
    ``"zero"``: as ``"float"`` with one arc in ten of length 0.
    """
    rng = np.random.default_rng(seed)
    arcs: dict[tuple[int, int], int | float] = {}
    while len(arcs) < m:
        u, v = (int(x) for x in rng.integers(0, n, 2))
        if u == v:
            continue
        if kind == "tenths":
            arcs[(u, v)] = int(rng.integers(30, 4000))
        elif kind == "ties":
            arcs[(u, v)] = float(rng.integers(1, 4))
        else:
            arcs[(u, v)] = float(rng.uniform(0.05, 9.0))
            if kind == "zero" and rng.random() < 0.1:
                arcs[(u, v)] = 0.0
    row = np.array([a for a, _ in arcs])
    col = np.array([b for _, b in arcs])
    w = np.array(list(arcs.values()), dtype=np.float64)
    if kind == "tenths":
        w = w / 600
    return sp.csr_matrix((w, (row, col)), shape=(n, n)), arcs


def _nx(n: int, arcs: dict[tuple[int, int], int | float]) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((u, v, w) for (u, v), w in arcs.items())
    return g


KINDS = ["float", "tenths", "ties"]


@needs_numba
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_nearest_equals_scipy_and_networkx(kind: str, seed: int) -> None:
    n = 400
    csr, arcs = _graph(seed, n, 1200, kind)  # sparse enough to leave nodes unreached
    sources = np.random.default_rng(seed).choice(n, 12, replace=False)
    got = nearest_times(csr, sources, engine="numba")
    want = dijkstra(csr, indices=sources, min_only=True)
    np.testing.assert_array_equal(got.minutes, np.where(np.isinf(want), np.nan, want))
    lengths = nx.multi_source_dijkstra_path_length(_nx(n, arcs), set(sources.tolist()))
    exact = np.array([lengths.get(v, np.nan) for v in range(n)], dtype=np.float64)
    if kind == "tenths":  # networkx summed whole tenths of a second exactly
        exact = exact / 600
    np.testing.assert_allclose(got.minutes, exact, rtol=1e-12, atol=0)
    assert got.n_unreachable == int(np.isnan(exact).sum()) > 0
    # the nearest facility is one at the node's minutes (ties: any of them)
    reached = ~np.isnan(got.minutes)
    each = dijkstra(csr, indices=sources)
    np.testing.assert_array_equal(
        each[got.nearest[reached], np.flatnonzero(reached)], got.minutes[reached]
    )


@needs_numba
def test_nearest_large_buckets_are_swept_in_node_order() -> None:
    """A grid with many sources and equal arcs fills buckets past the sorting threshold."""
    side = 120
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    rng = np.random.default_rng(7)
    w = rng.integers(1, 3, a.size) / 2  # 0.5 or 1.0 minutes: many ties, large buckets
    csr = sp.csr_matrix(
        (np.concatenate([w, w[::-1]]), (np.concatenate([a, b]), np.concatenate([b, a]))),
        shape=(side * side,) * 2,
    )
    sources = rng.choice(side * side, 2000, replace=False)
    offsets = rng.integers(0, 4, sources.size) / 4
    got = nearest_times(csr, sources, offsets, engine="numba")
    want = nearest_times(csr, sources, offsets, engine="scipy")
    np.testing.assert_array_equal(got.minutes, want.minutes)
    assert got.n_unreachable == 0
    # the chosen facility is at the node's minutes (dyadic weights: sums are exact)
    for v in rng.choice(side * side, 60, replace=False):
        f = got.nearest[v]
        assert offsets[f] + dijkstra(csr, indices=int(sources[f]))[v] == got.minutes[v]


@pytest.mark.parametrize("threshold", [1024, 2])
def test_nearest_kernel_in_plain_python_and_its_guard(
    threshold: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel as plain Python; ``threshold`` 2 puts every bucket through the bitmap."""
    monkeypatch.setattr(_buckets, "_SORTED_BUCKET", threshold)
    csr, _ = _graph(3, 80, 300, "float")
    width = _buckets.bucket_width(csr, 0.0)
    assert width is not None
    nodes = np.array([0, 5, 9])
    offsets = np.array([0.0, 1.5, 0.25])
    positions = np.array([7, 4, 2])
    dist = np.full(80, -1.0)  # written whole by the kernel
    nearest = np.zeros(80, dtype=np.int64)
    n_buckets = int(max(csr.data.max(), 1.5) / width) + 2
    assert _buckets.bucket_nearest(
        csr.indptr,
        csr.indices,
        csr.data,
        nodes,
        offsets,
        positions,
        1 / width,
        n_buckets,
        dist,
        nearest,
    )
    want = nearest_times(csr, nodes, offsets, engine="scipy").minutes
    np.testing.assert_array_equal(dist, want)
    assert set(nearest[np.isnan(want)]) <= {-1}
    assert set(nearest[~np.isnan(want)]) <= {7, 4, 2}
    # buckets wider than the shortest arc would settle nodes too early: the kernel says so
    wide = 1 / (2 * float(csr.data.max()))
    assert not _buckets.bucket_nearest(
        csr.indptr, csr.indices, csr.data, nodes, offsets, positions, wide, 4, dist, nearest
    )


def test_nearest_kernel_sorts_a_sparse_large_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources far apart in node order: the bucket is sorted, not put through the bitmap."""
    monkeypatch.setattr(_buckets, "_SORTED_BUCKET", 2)
    n = 4000
    nodes = np.array([3990, 3, 1500, 700])  # 4 nodes over 63 words of 64 nodes: sparse
    csr = sp.csr_matrix((np.ones(nodes.size), (nodes, (nodes + 1) % n)), shape=(n, n))
    dist = np.empty(n)
    nearest = np.empty(n, dtype=np.int64)
    assert _buckets.bucket_nearest(
        csr.indptr,
        csr.indices,
        csr.data,
        nodes,
        np.zeros(4),
        np.arange(4),
        1.0,
        4,
        dist,
        nearest,
    )
    want = nearest_times(csr, nodes, engine="scipy")
    np.testing.assert_array_equal(dist, want.minutes)
    np.testing.assert_array_equal(nearest, want.nearest)


@needs_numba
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_bounded_matrix_equals_a_loop_of_scipy(kind: str, n_jobs: int) -> None:
    n = 300
    csr, _ = _graph(11, n, 1100, kind)
    rng = np.random.default_rng(5)
    origins = rng.choice(n, 40, replace=False)
    dests = rng.choice(n, 90, replace=False)
    cutoff = 12.0
    got = bounded_matrix(csr, origins, dests, cutoff, n_jobs=n_jobs, chunk_size=7, engine="numba")
    rows, cols, mins = [], [], []
    for i, o in enumerate(origins):  # the goal's peer: one dijkstra(limit) per origin
        d = dijkstra(csr, indices=int(o), limit=cutoff)[dests]
        j = np.flatnonzero(d <= cutoff)
        rows.append(np.full(j.size, i))
        cols.append(j)
        mins.append(d[j])
    np.testing.assert_array_equal(got["origin"], np.concatenate(rows))
    np.testing.assert_array_equal(got["destination"], np.concatenate(cols))
    np.testing.assert_array_equal(got["minutes"], np.concatenate(mins))
    assert got.attrs["n_unreached_origins"] == sum(r.size == 0 for r in rows)


@pytest.mark.parametrize("engine", ["auto", "scipy"])
def test_zero_length_arcs_use_scipy_and_stay_exact(engine: str) -> None:
    n = 200
    csr, arcs = _graph(2, n, 700, "zero")
    assert csr.data.min() == 0  # explicit zeros kept as arcs
    sources = np.array([0, 17, 101])
    got = nearest_times(csr, sources, engine=engine)  # type: ignore[arg-type]
    lengths = nx.multi_source_dijkstra_path_length(_nx(n, arcs), {0, 17, 101})
    exact = np.array([lengths.get(v, np.nan) for v in range(n)])
    np.testing.assert_allclose(got.minutes, exact, rtol=1e-12)
    pairs = bounded_matrix(csr, sources, np.arange(n), 6.0, engine=engine)  # type: ignore[arg-type]
    for i, s in enumerate(sources):
        one = nx.single_source_dijkstra_path_length(_nx(n, arcs), int(s), cutoff=6.0)
        sub = pairs[pairs["origin"] == i]
        assert dict(zip(sub["destination"], sub["minutes"], strict=True)) == pytest.approx(one)


@needs_numba
def test_numba_engine_refuses_zero_length_arcs() -> None:
    csr, _ = _graph(2, 50, 150, "zero")
    with pytest.raises(ValidationError, match="more than 0 minutes"):
        nearest_times(csr, [0], engine="numba")
    with pytest.raises(ValidationError, match="more than 0 minutes"):
        bounded_matrix(csr, [0], [1], 5.0, engine="numba")


def test_search_kernel_in_plain_python_equals_scipy() -> None:
    """The bounded kernel run as Python (``prefetch`` a no-op there) gives scipy's pairs.

    Compiled, ``prefetch`` only asks the processor to load memory early; the same code
    without it must give the same pairs, so the hint cannot change a result.
    """
    n = 120
    csr, _ = _graph(3, n, 420, "float")
    dests = np.arange(0, n, 3)
    dest_of_node = np.full(n, -1, dtype=np.int32)
    dest_of_node[dests] = np.arange(dests.size, dtype=np.int32)
    sources = np.array([0, 17, 64], dtype=np.int64)
    cutoff = 15.0
    width = _buckets.bucket_width(csr, cutoff)
    assert width is not None
    size = sources.size * dests.size
    out = np.empty(size, np.int32), np.empty(size, np.int32), np.empty(size)
    done, count = _buckets.bucket_search(
        csr.indptr, csr.indices, csr.data, sources, cutoff, 1 / width, dest_of_node,
        dests.size, *out,
    )  # fmt: skip
    assert done == sources.size
    rows, cols, mins = (a[:count].tolist() for a in out)
    got = sorted(zip(rows, cols, mins, strict=True))
    want = []
    for i, s in enumerate(sources):
        d = dijkstra(csr, indices=int(s), limit=cutoff)[dests]
        want += [(i, int(j), float(d[j])) for j in np.flatnonzero(d <= cutoff)]
    assert got == sorted(want)
