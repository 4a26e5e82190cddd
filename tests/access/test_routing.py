"""Travel-time engine against an independent Dijkstra (networkx) on small graphs."""

from __future__ import annotations

import importlib.util
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from opora.access import _buckets, routing
from opora.access.routing import (
    bounded_matrix,
    nearest_times,
    origin_times,
    reachable_population,
    unreached_origins,
)
from opora.errors import ValidationError
from opora.model.roads import RoadGraph

HAS_NUMBA = importlib.util.find_spec("numba") is not None
ENGINES = [
    "scipy",
    pytest.param("numba", marks=pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")),
]


def _random_graph(
    seed: int, n: int = 60, m: int = 200, *, dyadic: bool = False
) -> tuple[sp.csr_matrix, nx.DiGraph]:
    """A seeded random sparse directed graph as scipy CSR and as networkx."""
    rng = np.random.default_rng(seed)
    arcs: dict[tuple[int, int], float] = {}
    while len(arcs) < m:
        u, v = (int(x) for x in rng.integers(0, n, 2))
        if u != v:
            w = rng.integers(1, 80) / 8 if dyadic else float(rng.uniform(0.3, 12.0))
            arcs[(u, v)] = float(w)
    return _both(n, arcs)


def _grid_graph(seed: int, side: int = 9) -> tuple[sp.csr_matrix, nx.DiGraph]:
    """A small square grid with two-way roads of random (asymmetric) minutes."""
    rng = np.random.default_rng(seed)
    arcs: dict[tuple[int, int], float] = {}
    for r in range(side):
        for c in range(side):
            a = r * side + c
            for b in ([a + 1] if c + 1 < side else []) + ([a + side] if r + 1 < side else []):
                arcs[(a, b)] = float(rng.uniform(1, 5))
                arcs[(b, a)] = float(rng.uniform(1, 5))
    return _both(side * side, arcs)


def _both(n: int, arcs: dict[tuple[int, int], float]) -> tuple[sp.csr_matrix, nx.DiGraph]:
    u = np.array([a for a, _ in arcs])
    v = np.array([b for _, b in arcs])
    w = np.array(list(arcs.values()))
    csr = sp.csr_matrix((w, (u, v)), shape=(n, n))
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((a, b, x) for (a, b), x in arcs.items())
    return csr, g


def _nx_pairs(
    g: nx.DiGraph,
    origins: np.ndarray,
    destinations: np.ndarray,
    cutoff: float,
    origin_offset: np.ndarray | None = None,
    dest_offset: np.ndarray | None = None,
) -> pd.DataFrame:
    o_off = np.zeros(len(origins)) if origin_offset is None else origin_offset
    d_off = np.zeros(len(destinations)) if dest_offset is None else dest_offset
    rows = []
    for i, o in enumerate(origins):
        lengths = nx.single_source_dijkstra_path_length(g, int(o), cutoff=cutoff)
        for j, d in enumerate(destinations):
            if int(d) in lengths:
                total = o_off[i] + lengths[int(d)] + d_off[j]
                if total <= cutoff:
                    rows.append((i, j, total))
    frame = pd.DataFrame(rows, columns=["origin", "destination", "minutes"])
    return frame.astype({"origin": np.int32, "destination": np.int32, "minutes": np.float64})


def _assert_same_pairs(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    theirs = theirs.sort_values(["origin", "destination"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs, check_exact=True)


# --- nearest_times ---------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", range(6))
def test_nearest_times_matches_networkx_on_random_graphs(seed: int, engine: str) -> None:
    csr, g = _random_graph(seed)
    rng = np.random.default_rng(100 + seed)
    sources = rng.choice(60, 5, replace=False)
    result = nearest_times(csr, sources, engine=engine)
    expected = nx.multi_source_dijkstra_path_length(g, {int(s) for s in sources})
    want = np.array([expected.get(v, np.nan) for v in range(60)])
    np.testing.assert_array_equal(result.minutes, want)
    reached = ~np.isnan(want)
    assert result.n_unreachable == int((~reached).sum())
    assert np.all(result.nearest[~reached] == -1)
    # the named facility is one of the nearest: its own time equals the minimum
    for v in np.flatnonzero(reached):
        src = int(sources[result.nearest[v]])
        assert nx.dijkstra_path_length(g, src, int(v)) == result.minutes[v]


@pytest.mark.parametrize("engine", ENGINES)
def test_nearest_times_matches_networkx_on_a_grid(engine: str) -> None:
    csr, g = _grid_graph(1)
    sources = np.array([0, 40, 80, 17])
    minutes, nearest = nearest_times(csr, sources, engine=engine)
    expected = nx.multi_source_dijkstra_path_length(g, {int(s) for s in sources})
    np.testing.assert_array_equal(minutes, [expected[v] for v in range(81)])
    assert np.all(nearest >= 0)
    np.testing.assert_array_equal(nearest[sources], np.arange(4))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", range(4))
def test_offsets_match_a_networkx_super_source(seed: int, engine: str) -> None:
    csr, g = _random_graph(seed, n=50, m=180)
    rng = np.random.default_rng(seed)
    sources = rng.choice(50, 6, replace=False)
    offsets = rng.uniform(0, 15, 6)
    result = nearest_times(csr, sources, offsets, engine=engine)
    g.add_weighted_edges_from(
        ("S", int(s), float(o)) for s, o in zip(sources, offsets, strict=True)
    )
    expected = nx.single_source_dijkstra_path_length(g, "S")
    want = np.array([expected.get(v, np.nan) for v in range(50)])
    np.testing.assert_array_equal(result.minutes, want)
    for v in np.flatnonzero(~np.isnan(want)):
        k = result.nearest[v]
        via = offsets[k] + nx.dijkstra_path_length(g, int(sources[k]), int(v))
        assert via == pytest.approx(result.minutes[v], abs=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
def test_shared_source_node_keeps_the_smaller_offset(engine: str) -> None:
    csr, _ = _grid_graph(2, side=4)
    result = nearest_times(csr, [5, 5, 10], [3.0, 1.0, 50.0], engine=engine)
    assert result.minutes[5] == 1.0
    assert result.nearest[5] == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_reverse_gives_times_towards_the_sources(engine: str) -> None:
    csr, g = _random_graph(7)
    sources = np.array([3, 11])
    result = nearest_times(csr, sources, reverse=True, engine=engine)
    expected = nx.multi_source_dijkstra_path_length(g.reverse(), {3, 11})
    np.testing.assert_array_equal(result.minutes, [expected.get(v, np.nan) for v in range(60)])


@pytest.mark.parametrize("engine", ENGINES)
def test_unreachable_nodes_are_nan_and_counted(engine: str) -> None:
    csr = sp.csr_matrix(([2.0, 3.0], ([0, 1], [1, 2])), shape=(5, 5))
    result = nearest_times(csr, [0], engine=engine)
    np.testing.assert_array_equal(result.minutes[:3], [0.0, 2.0, 5.0])
    assert np.isnan(result.minutes[3:]).all()
    np.testing.assert_array_equal(result.nearest, [0, 0, 0, -1, -1])
    assert result.n_unreachable == 2
    empty = nearest_times(csr, np.array([], dtype=np.int64))
    assert empty.n_unreachable == 5


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_nearest_engines_agree_bit_for_bit_with_offsets() -> None:
    csr, _ = _grid_graph(9, side=40)
    rng = np.random.default_rng(9)
    sources = rng.choice(1600, 60, replace=False)
    offsets = rng.uniform(0, 30, 60)
    by_scipy = nearest_times(csr, sources, offsets, engine="scipy")
    by_numba = nearest_times(csr, sources, offsets, engine="numba")
    np.testing.assert_array_equal(by_scipy.minutes, by_numba.minutes)
    np.testing.assert_array_equal(by_scipy.nearest, by_numba.nearest)  # no ties here


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_nearest_zero_minute_arcs_fall_back_or_refuse() -> None:
    csr = sp.csr_matrix(([0.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    np.testing.assert_array_equal(nearest_times(csr, [0]).minutes, [0.0, 0.0, 1.0])
    with pytest.raises(ValidationError, match="engine='numba'"):
        nearest_times(csr, [0], engine="numba")


def test_origin_times_adds_the_origin_leg_after() -> None:
    csr = sp.csr_matrix(([2.0, 3.0], ([0, 1], [1, 2])), shape=(4, 4))
    result = nearest_times(csr, [0], [1.0])
    at = origin_times(result, [2, 3, 1], [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(at.minutes, [6.5, np.nan, 3.0])
    np.testing.assert_array_equal(at.nearest, [0, -1, 0])
    assert at.n_unreachable == 1


# --- bounded_matrix --------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", range(5))
def test_bounded_matrix_matches_networkx_with_cutoff(seed: int, engine: str) -> None:
    csr, g = _random_graph(seed, n=70, m=260)
    rng = np.random.default_rng(seed)
    origins = rng.choice(70, 12, replace=False)
    destinations = rng.choice(70, 25, replace=False)
    ours = bounded_matrix(csr, origins, destinations, 14.0, chunk_size=5, engine=engine)
    _assert_same_pairs(ours, _nx_pairs(g, origins, destinations, 14.0))


@pytest.mark.parametrize("engine", ENGINES)
def test_bounded_matrix_on_a_grid_and_chunk_sizes_agree(engine: str) -> None:
    csr, g = _grid_graph(3, side=12)
    rng = np.random.default_rng(3)
    origins = rng.choice(144, 30, replace=False)
    destinations = rng.choice(144, 50, replace=False)
    expected = _nx_pairs(g, origins, destinations, 12.0)
    for chunk_size in (1, 4, 7, 1000):
        ours = bounded_matrix(
            csr, origins, destinations, 12.0, chunk_size=chunk_size, engine=engine
        )
        _assert_same_pairs(ours, expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_pair_at_exactly_the_cutoff_is_kept_and_unreachable_is_absent(engine: str) -> None:
    # 0 -> 1 -> 2 -> 3 costs 10, 20, 30 minutes; node 4 is cut off from everything
    csr = sp.csr_matrix(([10.0, 10.0, 10.0], ([0, 1, 2], [1, 2, 3])), shape=(5, 5))
    pairs = bounded_matrix(csr, [0, 4], [2, 3, 4], 20.0, engine=engine)
    assert pairs.to_dict("list") == {"origin": [0, 1], "destination": [0, 2], "minutes": [20.0, 0]}
    assert pairs.attrs["n_unreached_origins"] == 0
    pairs = bounded_matrix(csr, [0, 4], [2, 3], 20.0, engine=engine)
    assert pairs.to_dict("list") == {"origin": [0], "destination": [0], "minutes": [20.0]}
    assert pairs.attrs["n_unreached_origins"] == 1
    np.testing.assert_array_equal(unreached_origins(pairs, 2), [1])
    # offsets push a pair over the cutoff, or keep it exactly on it
    pairs = bounded_matrix(
        csr, [0], [2, 1], 20.0, origin_offset=[5.0], dest_offset=[0.0, 5.0], engine=engine
    )
    assert pairs.to_dict("list") == {"origin": [0], "destination": [1], "minutes": [20.0]}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("seed", range(3))
def test_bounded_matrix_offsets_and_repeated_nodes(seed: int, engine: str) -> None:
    csr, g = _random_graph(seed, n=40, m=150, dyadic=True)
    rng = np.random.default_rng(seed)
    origins = np.concatenate([rng.choice(40, 8, replace=False), [3, 3]])
    destinations = np.concatenate([rng.choice(40, 15, replace=False), [3, 7, 7]])
    o_off = rng.integers(0, 24, origins.size) / 4
    d_off = rng.integers(0, 24, destinations.size) / 4
    ours = bounded_matrix(
        csr,
        origins,
        destinations,
        16.0,
        origin_offset=o_off,
        dest_offset=d_off,
        chunk_size=3,
        engine=engine,
    )
    _assert_same_pairs(ours, _nx_pairs(g, origins, destinations, 16.0, o_off, d_off))


@pytest.mark.parametrize("engine", ENGINES)
def test_bounded_matrix_two_workers_equal_one(engine: str) -> None:
    # scipy: two worker processes; numba: two threads
    csr, _ = _grid_graph(5, side=30)
    rng = np.random.default_rng(5)
    origins = rng.choice(900, 120, replace=False)
    destinations = rng.choice(900, 300, replace=False)
    one = bounded_matrix(csr, origins, destinations, 25.0, chunk_size=16, engine=engine)
    two = bounded_matrix(csr, origins, destinations, 25.0, chunk_size=16, n_jobs=2, engine=engine)
    pd.testing.assert_frame_equal(one, two, check_exact=True)
    assert one.attrs == two.attrs
    assert len(one) > 1000


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_engines_agree_bit_for_bit_and_small_buffers_split_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    csr, _ = _grid_graph(6, side=25)
    rng = np.random.default_rng(6)
    origins = rng.choice(625, 60, replace=False)
    destinations = rng.choice(625, 200, replace=False)
    by_scipy = bounded_matrix(csr, origins, destinations, 20.0, engine="scipy")
    by_numba = bounded_matrix(csr, origins, destinations, 20.0, engine="numba")
    pd.testing.assert_frame_equal(by_scipy, by_numba, check_exact=True)
    # a pair buffer smaller than one origin's worst case: one search per kernel call
    monkeypatch.setattr(routing, "_PAIR_BUFFER", 1)
    split = bounded_matrix(csr, origins, destinations, 20.0, engine="numba")
    pd.testing.assert_frame_equal(by_scipy, split, check_exact=True)


@pytest.mark.parametrize("engine", ["auto", "scipy"])
def test_zero_minute_arcs_use_scipy_and_stay_exact(engine: str) -> None:
    csr, g = _random_graph(8, n=40, m=150)
    coo = csr.tocoo()
    keep = ~((coo.row == 0) & (coo.col == 1))
    # an explicitly stored zero-minute arc (a node split in two)
    rows, cols = np.append(coo.row[keep], 0), np.append(coo.col[keep], 1)
    csr = sp.csr_matrix((np.append(coo.data[keep], 0.0), (rows, cols)), shape=(40, 40))
    assert csr.nnz == coo.nnz + int(keep.all())
    g.add_edge(0, 1, weight=0.0)
    origins = np.array([0, 5, 9])
    destinations = np.arange(40)
    ours = bounded_matrix(csr, origins, destinations, 12.0, engine=engine)
    _assert_same_pairs(ours, _nx_pairs(g, origins, destinations, 12.0))


@pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")
def test_numba_engine_refuses_zero_minute_arcs() -> None:
    csr = sp.csr_matrix(([0.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    with pytest.raises(ValidationError, match="engine='numba'"):
        bounded_matrix(csr, [0], [2], 5.0, engine="numba")


def test_bounded_matrix_empty_inputs() -> None:
    csr, _ = _grid_graph(0, side=3)
    pairs = bounded_matrix(csr, [0, 1], np.array([], dtype=int), 10.0)
    assert pairs.empty
    assert list(pairs.columns) == ["origin", "destination", "minutes"]
    assert pairs.attrs["n_unreached_origins"] == 2
    assert bounded_matrix(csr, np.array([], dtype=int), [1], 10.0).empty


# --- reachable_population --------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_reachable_population_matches_brute_force(engine: str) -> None:
    csr, g = _grid_graph(4, side=10)
    rng = np.random.default_rng(4)
    population = rng.integers(0, 500, 100).astype(float)
    population[rng.choice(100, 30, replace=False)] = 0
    origins = rng.choice(100, 15, replace=False)
    offsets = rng.integers(0, 8, 15) / 2
    ours = reachable_population(
        csr, origins, population, 9.0, origin_offset=offsets, chunk_size=4, engine=engine
    )
    want = []
    for o, off in zip(origins, offsets, strict=True):
        lengths = nx.single_source_dijkstra_path_length(g, int(o))
        want.append(sum(population[v] for v, t in lengths.items() if off + t <= 9.0))
    np.testing.assert_allclose(ours, want, rtol=0, atol=1e-9)
    # the same weights as (node, weight) pairs, with a repeated node, in two processes
    nodes = np.concatenate([np.arange(100), [7]])
    weights = np.concatenate([population, [0.0]])
    pairs_form = reachable_population(
        csr,
        origins,
        (nodes, weights),
        9.0,
        origin_offset=offsets,
        chunk_size=4,
        n_jobs=2,
        engine=engine,
    )
    np.testing.assert_allclose(pairs_form, ours, rtol=0, atol=1e-9)


def test_reachable_population_is_zero_where_nothing_is_in_reach() -> None:
    csr = sp.csr_matrix(([5.0], ([0], [1])), shape=(3, 3))
    got = reachable_population(csr, [0, 2], ([1], [100.0]), 10.0)
    np.testing.assert_array_equal(got, [100.0, 0.0])


# --- seasonal graph --------------------------------------------------------------------


def _seasonal_graph() -> RoadGraph:
    """Village 0 on a river bank, town 1 across it: summer detour 0-2-1, winter ice road 0-1."""
    arcs = [(0, 2, 70.0, "road"), (2, 1, 80.0, "road"), (0, 1, 25.0, "ice_road")]
    arcs += [(b, a, t, k) for a, b, t, k in arcs]
    kinds = np.array([k for *_, k in arcs], dtype=object)
    ice = kinds == "ice_road"
    return RoadGraph(
        node_lon=np.array([55.0, 55.2, 55.5]),
        node_lat=np.array([54.0, 54.1, 53.9]),
        arc_from=np.array([a for a, *_ in arcs], dtype=np.int64),
        arc_to=np.array([b for _, b, *_ in arcs], dtype=np.int64),
        arc_minutes=np.array([t for *_, t, _ in arcs]),
        arc_length_m=np.array([t * 1000 for *_, t, _ in arcs]),
        arc_kind=kinds,
        open_in={"summer": ~ice, "winter": np.ones(len(arcs), dtype=bool), "thaw": ~ice},
    )


def test_ice_road_changes_reach_between_seasons() -> None:
    graph = _seasonal_graph()
    summer, winter = graph.csr("summer"), graph.csr("winter")
    assert nearest_times(summer, [1]).minutes[0] == 150.0
    assert nearest_times(winter, [1]).minutes[0] == 25.0
    assert bounded_matrix(summer, [0], [1], 60.0).empty
    pairs = bounded_matrix(winter, [0], [1], 60.0)
    assert pairs["minutes"].tolist() == [25.0]
    population = np.array([100.0, 5000.0, 300.0])
    np.testing.assert_array_equal(reachable_population(summer, [0], population, 60.0), [100.0])
    np.testing.assert_array_equal(reachable_population(winter, [0], population, 60.0), [5100.0])


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"cutoff": -1.0}, "cutoff"),
        ({"cutoff": math.inf}, "cutoff"),
        ({"cutoff": "60"}, "cutoff"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"chunk_size": 2.5}, "chunk_size"),
        ({"origins": [0, 9]}, "origins"),
        ({"destinations": [0.5]}, "destinations"),
        ({"origin_offset": [1.0, 2.0]}, "origin_offset"),
        ({"dest_offset": [-1.0]}, "dest_offset"),
        ({"dest_offset": [np.nan]}, "dest_offset"),
        ({"engine": "fast"}, "engine"),
    ],
)
def test_bounded_matrix_rejects_bad_input(kwargs: dict[str, object], fragment: str) -> None:
    csr, _ = _grid_graph(0, side=3)
    args: dict[str, object] = {"origins": [0], "destinations": [1], "cutoff": 10.0, **kwargs}
    with pytest.raises(ValidationError, match=fragment):
        bounded_matrix(csr, **args)


def test_bad_graphs_and_weights_are_rejected() -> None:
    negative = sp.csr_matrix(([-1.0], ([0], [1])), shape=(2, 2))
    with pytest.raises(ValidationError, match="negative"):
        nearest_times(negative, [0])
    with pytest.raises(ValueError, match="square"):
        nearest_times(np.zeros((2, 2)), [0])
    with pytest.raises(ValidationError, match="square"):
        nearest_times(sp.csr_matrix((2, 3)), [0])
    csr, _ = _grid_graph(0, side=3)
    with pytest.raises(ValidationError, match="weights"):
        reachable_population(csr, [0], np.ones(4), 5.0)
    with pytest.raises(ValidationError, match="weights"):
        reachable_population(csr, [0], ([0, 1], [1.0, -2.0]), 5.0)
    with pytest.raises(ValidationError, match="weight_nodes"):
        reachable_population(csr, [0], ([0, 99], [1.0, 2.0]), 5.0)
    with pytest.raises(ValidationError, match="source_offset_min"):
        nearest_times(csr, [0, 1], [1.0])


# --- the bucket-queue kernels, run as plain Python (no numba needed) -------------------


def test_bucket_kernels_in_plain_python_match_scipy() -> None:
    from scipy.sparse.csgraph import dijkstra

    csr, _ = _grid_graph(11, side=6)
    width = _buckets.bucket_width(csr, 9.0)
    assert width is not None
    nodes = np.array([0, 20, 35])
    dest_of_node = np.arange(36, dtype=np.int32)
    row = np.empty(200, dtype=np.int32)
    dest = np.empty(200, dtype=np.int32)
    minutes = np.empty(200)
    done, count = _buckets.bucket_search(
        csr.indptr, csr.indices, csr.data, nodes, 9.0, 1 / width, dest_of_node, 36,
        row, dest, minutes,
    )  # fmt: skip
    assert done == 3
    want = dijkstra(csr, indices=nodes, limit=9.0)
    got = np.full((3, 36), np.inf)
    got[row[:count], dest[:count]] = minutes[:count]
    np.testing.assert_array_equal(got, want)
    # a buffer that cannot hold a second worst case (36 pairs) stops after one source
    small = (np.empty(40, dtype=np.int32), np.empty(40, dtype=np.int32), np.empty(40))
    done, count = _buckets.bucket_search(
        csr.indptr, csr.indices, csr.data, nodes, 9.0, 1 / width, dest_of_node, 36, *small
    )
    assert (done, count) == (1, int(np.isfinite(want[0]).sum()))

    dist = np.full(36, np.inf)
    label = np.full(36, -1, dtype=np.int64)
    offsets = np.array([0.0, 2.5, 1.0])
    n_buckets = int(max(csr.data.max(), 2.5) / width) + 2
    positions = np.arange(nodes.size)
    ok = _buckets.bucket_nearest(
        csr.indptr,
        csr.indices,
        csr.data,
        nodes,
        offsets,
        positions,
        1 / width,
        n_buckets,
        dist,
        label,
    )
    assert ok
    np.testing.assert_array_equal(dist, nearest_times(csr, nodes, offsets, engine="scipy")[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_graph_without_arcs(engine: str) -> None:
    csr = sp.csr_matrix((4, 4))
    pairs = bounded_matrix(csr, [0, 1], [1, 2], 1e6, engine=engine)
    assert pairs.to_dict("list") == {"origin": [1], "destination": [0], "minutes": [0.0]}
    assert pairs.attrs["n_unreached_origins"] == 1
    result = nearest_times(csr, [2, 3], [0.0, 5e5], engine=engine)
    np.testing.assert_array_equal(result.minutes, [np.nan, np.nan, 0.0, 5e5])
    assert result.n_unreachable == 2
