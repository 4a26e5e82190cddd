"""Bucket-queue searches (Dial's algorithm) behind :mod:`opora.access.routing`.

Plain Python kernels, compiled with numba when it is installed (see the *Engines* section
of :mod:`opora.access.routing`): :func:`bucket_search` (bounded searches from many
sources, one after another) and :func:`bucket_nearest` (one multi-source search), with
buckets slightly narrower than the shortest arc (:func:`bucket_width`), so that a node
taken from the lowest bucket is final. While a node's arcs are relaxed, those of the
nodes a few entries further in its bucket are already being loaded (:func:`prefetch`, a
hint to the processor).
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

__all__ = [
    "MAX_BUCKETS",
    "bucket_nearest",
    "bucket_search",
    "bucket_width",
    "numba_nearest",
    "numba_search",
    "prefetch",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]

#: Most buckets the bucket-queue searches may hold (``cutoff`` / shortest arc).
MAX_BUCKETS = 1_000_000

#: Bucket width = shortest arc × (1 - margin); the margin covers float rounding for minutes
#: up to this many bucket widths.
_MARGIN = 1e-6
_MAX_ABSOLUTE_BUCKET = 1_000_000_000

#: How far ahead in its bucket :func:`bucket_search` loads a node's arcs, and where they
#: begin (entries; 8 and 12 were the quickest of 1-16 on the 1 M-node benchmark grid).
_AHEAD_ARCS, _AHEAD_NODES = 8, 12

#: Buckets of :func:`bucket_nearest` with at least this many nodes are swept in node order.
_SORTED_BUCKET = 64
#: Constants of the bitmaps of :func:`bucket_nearest` (unsigned: no overflow, no warning).
_ZERO, _ONE, _TWO, _FOUR = np.uint64(0), np.uint64(1), np.uint64(2), np.uint64(4)
_EIGHT, _SIXTEEN, _THIRTY_TWO = np.uint64(8), np.uint64(16), np.uint64(32)
_M1, _M2 = np.uint64(0x5555555555555555), np.uint64(0x3333333333333333)
_M4, _BYTE = np.uint64(0x0F0F0F0F0F0F0F0F), np.uint64(0xFF)


def bucket_search(
    indptr: npt.NDArray[np.integer[Any]],
    indices: npt.NDArray[np.integer[Any]],
    data: FloatArray,
    sources: IntArray,
    limit: float,
    inv_delta: float,
    dest_of_node: Int32Array,
    n_dest: int,
    out_row: Int32Array,
    out_dest: Int32Array,
    out_minutes: FloatArray,
) -> tuple[int, int]:
    """Bounded one-to-all searches with a bucket queue; compiled with numba.

    Dijkstra with a bucket queue of width ``1 / inv_delta``, slightly less than the shortest
    arc (Dial's algorithm): a node taken from the lowest non-empty bucket can no longer be
    improved by a node of the same bucket, so it is final; there is no heap and no reset of
    whole-graph arrays between sources. The relaxation is scipy's (``d(v) = d(u) + w`` when
    strictly shorter and ``<= limit``), so the minutes are equal bit for bit. Settled
    destination nodes are written to the ``out_*`` buffers.

    Returns
    -------
    tuple of int
        Number of sources done (fewer than ``len(sources)`` when the buffers could not hold
        another source's worst case, ``n_dest`` pairs) and number of pairs written.
    """
    n = indptr.size - 1
    n_buckets = int(limit * inv_delta) + 2
    dist = np.full(n, np.inf)
    head = np.full(n_buckets, -1, dtype=np.int32)
    # bucket entries: (node, next entry) pairs and the minutes the node had when pushed
    pool = np.empty(2 * (data.size + 1), dtype=np.int32)
    pool_minutes = np.empty(data.size + 1)
    count = 0
    for i in range(sources.size):
        if out_row.size - count < n_dest:
            return i, count
        source = sources[i]
        dist[source] = 0.0
        pool[0] = source
        pool[1] = -1
        pool_minutes[0] = 0.0
        head[0] = 0
        top = 1
        for bucket in range(n_buckets):
            slot = head[bucket]
            # two cursors run ahead in the bucket (whose list this bucket's work never
            # changes): where a node's arcs begin is loaded _AHEAD_NODES entries ahead,
            # its arcs _AHEAD_ARCS ahead, so that they are in the cache when it comes
            arcs_at = slot
            for _ in range(_AHEAD_ARCS):
                if arcs_at >= 0:
                    arcs_at = pool[2 * arcs_at + 1]
            node_at = arcs_at
            for _ in range(_AHEAD_NODES - _AHEAD_ARCS):
                if node_at >= 0:
                    node_at = pool[2 * node_at + 1]
            while slot >= 0:
                if arcs_at >= 0:
                    ahead = pool[2 * arcs_at]
                    prefetch(indices, indptr[ahead])
                    prefetch(data, indptr[ahead])
                    prefetch(dest_of_node, ahead)
                    arcs_at = pool[2 * arcs_at + 1]
                if node_at >= 0:
                    prefetch(indptr, pool[2 * node_at])
                    node_at = pool[2 * node_at + 1]
                u = pool[2 * slot]
                du = pool_minutes[slot]
                slot_next = pool[2 * slot + 1]
                if du == dist[u]:  # else a stale entry: u was improved after this push
                    if dest_of_node[u] >= 0:
                        out_row[count] = i
                        out_dest[count] = dest_of_node[u]
                        out_minutes[count] = du
                        count += 1
                    for j in range(indptr[u], indptr[u + 1]):
                        v = indices[j]
                        dv = du + data[j]
                        if dv < dist[v] and dv <= limit:
                            dist[v] = dv
                            b = int(dv * inv_delta)
                            pool[2 * top] = v
                            pool_minutes[top] = dv
                            if b == bucket:  # never with a width below the shortest arc
                                pool[2 * top + 1] = slot_next
                                slot_next = top
                            else:
                                pool[2 * top + 1] = head[b]
                                head[b] = top
                            top += 1
                slot = slot_next
            head[bucket] = -1
        for t in range(top):  # every node reached was pushed at least once
            dist[pool[2 * t]] = np.inf
    return sources.size, count


def bucket_nearest(
    indptr: npt.NDArray[np.integer[Any]],
    indices: npt.NDArray[np.integer[Any]],
    data: FloatArray,
    nodes: IntArray,
    offsets: FloatArray,
    positions: IntArray,
    inv_delta: float,
    n_buckets: int,
    dist: FloatArray,
    nearest: IntArray,
) -> bool:
    """Multi-source search with a circular bucket queue; compiled with numba.

    Every source ``nodes[k]`` starts at ``offsets[k]``. On return ``dist`` holds each node's
    minutes (``NaN`` where unreachable) and ``nearest`` the ``positions[k]`` of its nearest
    source (``-1`` where unreachable); both are written whole, whatever they held. Buckets
    are as in :func:`bucket_search`; the queued minutes always lie within ``n_buckets``
    buckets of the current one, so the buckets are reused in a ring.

    A node is queued at most once per bucket (only when an improvement moves it to another
    bucket) and an entry carries no minutes: when its bucket comes, a node is settled if its
    minutes still fall in that bucket. Every node of the lowest bucket is final, so their
    order does not matter: a large bucket is put in node order first (through a bitmap of
    the nodes when they are dense in their range, else by sorting), which turns the
    scattered frontier of many sources into one sweep through the graph's arrays. The minutes
    are those of any Dijkstra that relaxes ``d(v) = d(u) + w`` (scipy's): a node's minutes are
    the least ``d(u) + w`` over its in-arcs, whatever the order.

    Returns
    -------
    bool
        ``False`` if the minutes grew past 10⁹ buckets, where the width's margin no longer
        covers float rounding, or an arc did not lead to a later bucket (the caller then falls
        back to scipy).
    """
    n = dist.size
    dist[:] = np.inf
    label = np.full(n, -1, dtype=np.int32)  # index in `nodes` of the nearest source
    head = np.full(n_buckets, -1, dtype=np.int32)
    size = data.size + nodes.size + 1  # one entry per source, at most one per arc
    pool = np.empty(2 * size, dtype=np.int32)  # (node, next entry) pairs
    scratch = np.empty(n, dtype=np.int32)  # the nodes of the current bucket
    bits = np.zeros((n >> 6) + 1, dtype=np.uint64)  # the same as a bitmap, when dense
    top = 0
    live = 0
    current = np.int64(_MAX_ABSOLUTE_BUCKET)
    for k in range(nodes.size):
        s, minutes = nodes[k], offsets[k]
        old = dist[s]
        if minutes < old:
            dist[s] = minutes
            label[s] = k
            b = np.int64(minutes * inv_delta)
            current = min(current, b)
            if old == np.inf or np.int64(old * inv_delta) != b:
                ring = b % n_buckets
                pool[2 * top] = s
                pool[2 * top + 1] = head[ring]
                head[ring] = top
                top += 1
                live += 1
    while live > 0:
        if current > _MAX_ABSOLUTE_BUCKET:
            return False
        ring = current % n_buckets
        slot = head[ring]
        head[ring] = -1
        m = 0
        low, high = n, 0
        while slot >= 0:
            u = pool[2 * slot]
            scratch[m] = u
            low, high = min(low, u), max(high, u)
            m += 1
            slot = pool[2 * slot + 1]
        live -= m
        first, last = low >> 6, high >> 6
        if m >= _SORTED_BUCKET and last - first >= 8 * m:  # sparse: sort
            scratch[:m].sort()
        elif m >= _SORTED_BUCKET:  # dense in its range: through the bitmap, left all zero
            for t in range(m):
                u = scratch[t]
                bits[u >> 6] |= _ONE << np.uint64(u & 63)
            m = 0
            for w in range(first, last + 1):
                word = bits[w]
                if word == _ZERO:
                    continue
                bits[w] = _ZERO
                node = w << 6
                while word != _ZERO:  # its set bits, lowest first
                    rest = word & (word - _ONE)
                    bit = (word ^ rest) - _ONE  # trailing zeros of word: count these ones
                    bit = bit - ((bit >> _ONE) & _M1)
                    bit = (bit & _M2) + ((bit >> _TWO) & _M2)
                    bit = (bit + (bit >> _FOUR)) & _M4
                    bit = bit + (bit >> _EIGHT)
                    bit = bit + (bit >> _SIXTEEN)
                    bit = bit + (bit >> _THIRTY_TWO)
                    scratch[m] = node + np.int64(bit & _BYTE)
                    m += 1
                    word = rest
        for t in range(m):
            u = scratch[t]
            du = dist[u]
            if np.int64(du * inv_delta) != current:  # improved into an earlier bucket
                continue
            lu = label[u]
            for j in range(indptr[u], indptr[u + 1]):
                v = indices[j]
                dv = du + data[j]
                old = dist[v]
                if dv < old:
                    dist[v] = dv
                    label[v] = lu
                    b = np.int64(dv * inv_delta)
                    if b <= current:  # never with a width below the shortest arc
                        return False
                    if old == np.inf or np.int64(old * inv_delta) != b:
                        ring = b % n_buckets
                        pool[2 * top] = v
                        pool[2 * top + 1] = head[ring]
                        head[ring] = top
                        top += 1
                        live += 1
        current += 1
    for v in range(n):
        if label[v] >= 0:
            nearest[v] = positions[label[v]]
        else:
            nearest[v] = -1
            dist[v] = np.nan
    return True


def prefetch(array: npt.NDArray[Any], index: int) -> None:
    """Ask the processor to start loading ``array[index]``; nothing in plain Python.

    Compiled by numba it is LLVM's ``prefetch`` (:mod:`opora.access._prefetch`): a hint
    that changes no result, so that the next node's arcs are on their way while this
    node's are relaxed.
    """


_COMPILED: dict[str, Any] = {}


def numba_search() -> Any | None:
    """Return :func:`bucket_search` compiled by numba, or ``None`` without numba."""
    return _compiled("bucket_search", bucket_search)


def numba_nearest() -> Any | None:
    """Return :func:`bucket_nearest` compiled by numba, or ``None`` without numba."""
    return _compiled("bucket_nearest", bucket_nearest)


def _compiled(name: str, function: Any) -> Any | None:
    """Compile ``function`` with numba once (``None`` without numba)."""
    if name not in _COMPILED:
        try:
            numba = importlib.import_module("numba")
        except ImportError:
            return None
        importlib.import_module("opora.access._prefetch")  # compiles `prefetch`
        _COMPILED[name] = numba.njit(cache=True, nogil=True)(function)
    return _COMPILED[name]


def bucket_width(csr: sp.csr_matrix, cutoff: float) -> float | None:
    """Return the bucket width of :func:`bucket_search`, ``None`` when the graph does not suit it.

    The width is the shortest arc less one part in 10⁶: below 10⁹ buckets the rounding of
    float sums can never reorder two nodes across that margin.
    """
    if csr.nnz == 0:  # only the sources are ever reached: any width will do
        return max(cutoff, 1.0)
    shortest = float(csr.data.min())
    if shortest <= 0 or csr.nnz >= np.iinfo(np.int32).max // 2:
        return None
    width = shortest * (1 - _MARGIN)
    return width if cutoff / width <= MAX_BUCKETS else None
