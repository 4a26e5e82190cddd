"""National reach in blocks against a loop of scipy's bounded Dijkstra and bounded_matrix."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from opora.access.reach import ReachBlock, reach_blocks
from opora.access.routing import bounded_matrix
from opora.errors import ValidationError

HAS_NUMBA = importlib.util.find_spec("numba") is not None
ENGINES = [
    "scipy",
    pytest.param("numba", marks=pytest.mark.skipif(not HAS_NUMBA, reason="numba not installed")),
]


def _grid(seed: int, side: int = 14) -> sp.csr_matrix:
    """A grid of two-way roads with random minutes and a few one-way shortcuts."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    short_a = rng.integers(0, side * side, 20)
    short_b = rng.integers(0, side * side, 20)
    keep = short_a != short_b
    row = np.concatenate([a, b, short_a[keep]])
    col = np.concatenate([b, a, short_b[keep]])
    w = rng.uniform(0.5, 4.0, row.size)
    csr = sp.csr_matrix((w, (row, col)), shape=(side * side,) * 2)
    csr.sum_duplicates()
    return csr


def _peer(csr: sp.csr_matrix, origins: np.ndarray, dests: np.ndarray, cutoff: float) -> dict:
    """Pairs of one scipy ``dijkstra(limit=cutoff)`` per origin, as {(o, d): minutes}."""
    out = {}
    for i, o in enumerate(origins):
        d = dijkstra(csr, indices=int(o), limit=cutoff)[dests]
        for j in np.flatnonzero(d <= cutoff):
            out[(i, int(j))] = float(d[j])
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_blocks_equal_a_loop_of_scipy(engine: str, n_jobs: int) -> None:
    csr = _grid(1)
    rng = np.random.default_rng(2)
    origins = rng.integers(0, csr.shape[0], 57)  # repeats allowed
    cutoff = 9.0
    blocks = list(reach_blocks(csr, origins, None, cutoff, n_jobs=n_jobs, block_size=10,
                               engine=engine))  # fmt: skip
    assert [(b.first, b.n_origins) for b in blocks] == [
        (k, min(10, 57 - k)) for k in range(0, 57, 10)
    ]
    got = {}
    for block in blocks:
        assert isinstance(block, ReachBlock)
        assert block.origin.dtype == np.int32
        assert block.destination.dtype == np.int32
        assert np.all(
            (block.origin >= block.first) & (block.origin < block.first + block.n_origins)
        )
        key = block.origin.astype(np.int64) * 1000 + block.destination
        assert np.all(np.diff(key) > 0)  # sorted by origin, then destination
        got.update(zip(zip(block.origin.tolist(), block.destination.tolist(), strict=True),
                       block.minutes.tolist(), strict=True))  # fmt: skip
    assert got == _peer(csr, origins, origins, cutoff)  # exactly: same pairs, same floats


@pytest.mark.parametrize("engine", ENGINES)
def test_blocks_concatenate_to_bounded_matrix_with_access_legs(engine: str) -> None:
    csr = _grid(3)
    rng = np.random.default_rng(4)
    origins = rng.integers(0, csr.shape[0], 33)
    dests = rng.integers(0, csr.shape[0], 70)
    o_off = rng.uniform(0, 2, origins.size)
    d_off = rng.uniform(0, 2, dests.size)
    table = bounded_matrix(csr, origins, dests, 8.0, origin_offset=o_off, dest_offset=d_off,
                           engine=engine)  # fmt: skip
    blocks = list(reach_blocks(csr, origins, dests, 8.0, origin_offset=o_off, dest_offset=d_off,
                               block_size=8, engine=engine))  # fmt: skip
    np.testing.assert_array_equal(np.concatenate([b.origin for b in blocks]), table["origin"])
    np.testing.assert_array_equal(
        np.concatenate([b.destination for b in blocks]), table["destination"]
    )
    np.testing.assert_array_equal(np.concatenate([b.minutes for b in blocks]), table["minutes"])
    assert sum(b.n_unreached for b in blocks) == table.attrs["n_unreached_origins"]


def test_settlements_to_settlements_use_their_access_legs_both_ways() -> None:
    # two settlements on a two-node road of 5 minutes, access legs 1 and 2 minutes
    csr = sp.csr_matrix(([5.0, 5.0], ([0, 1], [1, 0])), shape=(3, 3))
    blocks = list(reach_blocks(csr, [0, 1, 2], None, 8.0, origin_offset=[1.0, 2.0, 0.0]))
    (block,) = blocks
    pairs = set(zip(block.origin.tolist(), block.destination.tolist(), block.minutes.tolist(),
                    strict=True))  # fmt: skip
    # 0->1: 1 + 5 + 2 = 8 (kept: the cutoff is inclusive); self pairs: 2 legs; 2 is isolated
    assert pairs == {(0, 0, 2.0), (0, 1, 8.0), (1, 0, 8.0), (1, 1, 4.0), (2, 2, 0.0)}
    assert block.n_unreached == 0


def test_bad_inputs_raise_before_any_block() -> None:
    csr = _grid(0, side=3)
    with pytest.raises(ValidationError, match="block_size"):
        reach_blocks(csr, [0], None, 5.0, block_size=0)
    with pytest.raises(ValidationError, match="origins"):
        reach_blocks(csr, [0, 99], None, 5.0)
    with pytest.raises(ValidationError, match="cutoff"):
        reach_blocks(csr, [0], None, -1.0)
    assert list(reach_blocks(csr, np.zeros(0, dtype=int), None, 5.0)) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_a_consumer_may_stop_early(engine: str) -> None:
    csr = _grid(5)
    blocks = reach_blocks(csr, np.arange(csr.shape[0]), None, 6.0, n_jobs=2, block_size=16,
                          engine=engine)  # fmt: skip
    first = next(blocks)
    blocks.close()  # the queued chunks of the next block are dropped, nothing hangs
    want = _peer(csr, np.arange(16), np.arange(csr.shape[0]), 6.0)
    got = zip(first.origin.tolist(), first.destination.tolist(), strict=True)
    assert dict(zip(got, first.minutes.tolist(), strict=True)) == want
