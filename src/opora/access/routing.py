"""Travel times on a road graph: nearest facility, bounded origin-destination tables, reach.

Every function takes the travel-time matrix of a :class:`~opora.model.roads.RoadGraph`
(``graph.csr(state)``: a square scipy CSR matrix, minutes per arc, row = arc start) and node
indices into it. Times run along the arcs, from the first argument's nodes to the others.

* :func:`nearest_times` -- minutes from the nearest of many facilities to every node, in one
  multi-source Dijkstra pass; facilities may carry an access leg (minutes added at the start).
* :func:`origin_times` -- the same result read at origin nodes, with the origins' own access
  legs added after.
* :func:`bounded_matrix` -- a long table ``origin, destination, minutes`` of the pairs within a
  cutoff, computed chunk by chunk of origins, optionally in parallel workers; no dense matrix
  of the whole problem is ever built.
* :func:`reachable_population` -- the weight (population) within a cutoff of each origin.

Unreachable is never a large number: it is ``NaN`` (and ``-1`` for a facility index) in
arrays, an absent row in tables, and each result comes with a count of what was not reached.

Engines
-------
``engine="auto"`` (the default) runs a compiled search with a *bucket queue* when numba is
installed and every arc takes more than 0 minutes: Dial's algorithm, with buckets slightly
narrower than the shortest arc, so that a node taken from the lowest bucket is final. There is
no heap, and a bounded search touches only what it reaches (no whole-graph row per origin,
only the settled destinations written out). Its relaxation is scipy's, so the minutes equal
scipy's bit for bit. Otherwise, or with ``engine="scipy"``, the searches are
``scipy.sparse.csgraph.dijkstra`` calls.

The integer of the bucket queue is only a key, ``floor(minutes / width)``: no travel time is
rounded (to tenths of a second or otherwise), the minutes stay float64 sums. The
multi-source search of :func:`nearest_times` queues a node at most once per bucket and
sweeps a large bucket in node order (any order is exact, every node of the lowest bucket
being final), so that the scattered frontier of thousands of facilities is read as one pass
through the graph's arrays. For very large problems, :func:`opora.access.reach.reach_blocks`
runs the bounded search block by block of origins.

The peer of :func:`bounded_matrix`, one ``dijkstra(limit=cutoff)`` call per origin, pays a
heap operation per settled node and writes a row over the whole graph per origin; here the
origins are cut into chunks handed to ``n_jobs`` workers: threads sharing the graph for the
numba kernel (it releases the GIL), processes that each receive the graph once for scipy
(which holds it).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from opora.access._buckets import (
    MAX_BUCKETS,
    FloatArray,
    Int32Array,
    IntArray,
    bucket_width,
    numba_nearest,
    numba_search,
)
from opora.errors import ValidationError

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "Engine",
    "NearestTimes",
    "bounded_matrix",
    "nearest_times",
    "origin_times",
    "reachable_population",
    "unreached_origins",
]

#: Origins per task of :func:`bounded_matrix`. With the scipy engine a task holds a
#: ``chunk_size × n_nodes`` float64 block (32 × 1M nodes = 256 MB); with numba, arrays over
#: the nodes and arcs (8 bytes per node and 16 per arc, of which only the part a search
#: reaches is touched) and the task's pairs.
DEFAULT_CHUNK_SIZE = 32

#: Pairs buffered per call of the bucket-queue search.
_PAIR_BUFFER = 1 << 21

#: Search engines: ``"auto"`` (numba when installed and the graph suits it), ``"numba"``,
#: ``"scipy"``.
Engine = Literal["auto", "numba", "scipy"]


class NearestTimes(NamedTuple):
    """Result of :func:`nearest_times` (unpacks as ``minutes, nearest``).

    Attributes
    ----------
    minutes
        Minutes from the nearest source to each node (its access leg included); ``NaN``
        where no source reaches the node.
    nearest
        Position in ``sources`` of the nearest source of each node; ``-1`` where unreachable.
    """

    minutes: FloatArray
    nearest: IntArray

    @property
    def n_unreachable(self) -> int:
        """Number of nodes that no source reaches."""
        return int(np.count_nonzero(self.nearest < 0))


# --------------------------------------------------------------------------------------
# validation


@dataclass(frozen=True)
class _Checked:
    """Inputs after :func:`_validate`: a float64 CSR matrix, int64 nodes, float64 offsets."""

    csr: sp.csr_matrix
    nodes: dict[str, IntArray]
    offsets: dict[str, FloatArray]
    cutoff: float
    n_jobs: int
    chunk_size: int
    weights: FloatArray | None
    engine: Engine


def _validate(
    csr: Any,
    nodes: dict[str, Any],
    offsets: dict[str, tuple[str, Any]] | None = None,
    *,
    cutoff: Any = None,
    n_jobs: Any = 1,
    chunk_size: Any = DEFAULT_CHUNK_SIZE,
    weights: Any = None,
    engine: Any = "auto",
) -> _Checked:
    """Check every input of the public functions and return them in canonical form.

    Parameters
    ----------
    csr
        The travel-time matrix, or an int (number of nodes) when there is no matrix.
    nodes
        Node index arrays by parameter name.
    offsets
        Offset arrays by parameter name, each with the name of the node array it goes with;
        ``None`` values become zeros.
    cutoff
        A cutoff in minutes, or ``None`` when the function has none.
    n_jobs, chunk_size, engine
        Settings of :func:`bounded_matrix`.
    weights
        Node weights of :func:`reachable_population`: one per node, or ``(nodes, weights)``;
        in the second form the nodes are checked as ``nodes["weight_nodes"]``.

    Returns
    -------
    _Checked
        The canonical inputs; ``weights`` aligned with ``nodes["weight_nodes"]``.

    Raises
    ------
    ValidationError
        If any input is malformed; the message names the parameter and the fix.
    """
    if isinstance(csr, int):
        matrix = sp.csr_matrix((csr, csr))
    else:
        if not sp.issparse(csr) or csr.ndim != 2 or csr.shape[0] != csr.shape[1]:
            msg = "`csr` must be a square scipy sparse matrix of minutes (use `graph.csr(state)`)"
            raise ValidationError(msg)
        matrix = sp.csr_matrix(csr, dtype=np.float64)
        if not np.all(np.isfinite(matrix.data)) or (matrix.nnz and matrix.data.min() < 0):
            msg = "`csr` holds negative, infinite or NaN minutes; arcs need finite minutes >= 0"
            raise ValidationError(msg)
    n = matrix.shape[0]

    values: FloatArray | None = None
    if weights is not None:
        if isinstance(weights, tuple):
            if len(weights) != 2:
                msg = "`weights` must be one weight per node or a pair `(nodes, weights)`"
                raise ValidationError(msg)
            nodes = {**nodes, "weight_nodes": weights[0]}
            values = _numbers("weights", weights[1], np.asarray(weights[0]).size)
        else:
            values = _numbers("weights", weights, n)
            nodes = {**nodes, "weight_nodes": np.arange(n)}
        if values.size and values.min() < 0:
            msg = "`weights` must be >= 0 (a population cannot be negative)"
            raise ValidationError(msg)

    out_nodes: dict[str, IntArray] = {}
    for name, value in nodes.items():
        arr = np.asarray(value)
        if arr.ndim != 1:
            msg = f"`{name}` must be a one-dimensional array of node indices"
            raise ValidationError(msg)
        if arr.size and not np.issubdtype(arr.dtype, np.integer):
            msg = f"`{name}` must hold integer node indices (got dtype {arr.dtype})"
            raise ValidationError(msg)
        arr = arr.astype(np.int64, copy=False)
        if arr.size and (arr.min() < 0 or arr.max() >= n):
            msg = f"`{name}` holds node indices outside 0..{n - 1} (the graph has {n} nodes)"
            raise ValidationError(msg)
        out_nodes[name] = arr

    out_offsets: dict[str, FloatArray] = {}
    for name, (of, value) in (offsets or {}).items():
        size = out_nodes[of].size
        if value is None:
            out_offsets[name] = np.zeros(size)
            continue
        arr = _numbers(name, value, size)
        if arr.size and arr.min() < 0:
            msg = f"`{name}` must hold minutes >= 0 (an access leg cannot be negative)"
            raise ValidationError(msg)
        out_offsets[name] = arr

    value_cutoff = math.nan
    if cutoff is not None:
        if isinstance(cutoff, bool) or not isinstance(cutoff, numbers.Real):
            msg = f"`cutoff` must be a number of minutes (got {cutoff!r})"
            raise ValidationError(msg)
        value_cutoff = float(cutoff)
        if not (math.isfinite(value_cutoff) and value_cutoff >= 0):
            msg = f"`cutoff` must be finite and >= 0 minutes (got {cutoff!r})"
            raise ValidationError(msg)
    for name, setting in (("n_jobs", n_jobs), ("chunk_size", chunk_size)):
        if isinstance(setting, bool) or not isinstance(setting, numbers.Integral) or setting < 1:
            msg = f"`{name}` must be a whole number >= 1 (got {setting!r})"
            raise ValidationError(msg)
    if engine not in ("auto", "numba", "scipy"):
        msg = f"`engine` must be 'auto', 'numba' or 'scipy' (got {engine!r})"
        raise ValidationError(msg)
    return _Checked(
        matrix, out_nodes, out_offsets, value_cutoff, int(n_jobs), int(chunk_size), values, engine
    )


def _numbers(name: str, value: Any, size: int) -> FloatArray:
    """``value`` as a float64 array of ``size`` finite numbers, or raise."""
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size != size:
        msg = f"`{name}` must be a one-dimensional array of {size} values"
        raise ValidationError(msg)
    if arr.size and not (np.issubdtype(arr.dtype, np.number) and arr.dtype.kind != "c"):
        msg = f"`{name}` must hold numbers (got dtype {arr.dtype})"
        raise ValidationError(msg)
    out = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(out)):
        msg = f"`{name}` must hold finite numbers (no NaN or infinity)"
        raise ValidationError(msg)
    return out


# --------------------------------------------------------------------------------------
# nearest facility


def nearest_times(
    csr: sp.spmatrix | sp.sparray,
    sources: npt.ArrayLike,
    source_offset_min: npt.ArrayLike | None = None,
    *,
    reverse: bool = False,
    engine: Engine = "auto",
) -> NearestTimes:
    """Minutes from the nearest source (facility) to every node, in one Dijkstra pass.

    Parameters
    ----------
    csr
        Travel-time matrix, ``n_nodes × n_nodes`` minutes (``graph.csr(state)``).
    sources
        Node index of each facility. Several facilities may share a node.
    source_offset_min
        Access leg of each facility in minutes (from the facility to its graph node), added
        at the start of every path from it. ``None``: no access leg.
    reverse
        ``False``: minutes along the arcs from the facilities to each node. ``True``: minutes
        from each node to its nearest facility (travel towards the facilities), computed on
        the transposed graph; the access leg is then the last leg.
    engine
        ``"auto"``: the numba bucket-queue search when numba is installed and every arc takes
        more than 0 minutes, else scipy; ``"numba"`` insists, ``"scipy"``: scipy's
        ``dijkstra(min_only=True)``. Both give the same minutes, bit for bit.

    Returns
    -------
    NearestTimes
        ``minutes`` (float64 per node, ``NaN`` where unreachable) and ``nearest`` (position in
        ``sources`` of the nearest facility, ``-1`` where unreachable); ``n_unreachable``
        counts the nodes no facility reaches. On exact ties the facility is one of the nearest.

    Raises
    ------
    ValidationError
        If ``csr`` is not a square matrix of finite minutes >= 0, a source is not a node, an
        offset is negative or not finite, or ``engine="numba"`` cannot be used.

    Notes
    -----
    One multi-source Dijkstra pass from the distinct source nodes, each starting at its
    smallest offset. The numba engine uses a bucket queue (see :func:`bounded_matrix`) and
    starts each source at its offset. The scipy engine runs
    ``scipy.sparse.csgraph.dijkstra(min_only=True)``; with offsets each distinct source node
    gets a virtual node with one arc to it weighted by its offset, and the search starts from
    the virtual nodes: exact, and scipy's ``sources`` output then names the facility.
    """
    checked = _validate(
        csr,
        {"sources": sources},
        {"source_offset_min": ("sources", source_offset_min)},
        engine=engine,
    )
    graph = checked.csr.T.tocsr() if reverse else checked.csr
    src = checked.nodes["sources"]
    offset = checked.offsets["source_offset_min"]
    n = graph.shape[0]
    if src.size == 0:
        return NearestTimes(np.full(n, np.nan), np.full(n, -1, dtype=np.int64))

    # one facility per node: the one with the smallest offset, the first on ties
    order = np.lexsort((np.arange(src.size), offset, src))
    first = np.ones(src.size, dtype=bool)
    first[1:] = src[order][1:] != src[order][:-1]
    best = order[first]  # positions of the kept facilities, by ascending node
    nodes = src[best]

    found = _nearest_numba(graph, nodes, offset[best], best, checked.engine)
    if found is not None:
        return found
    if np.any(offset[best] > 0):
        k = nodes.size
        indptr = np.concatenate([graph.indptr, graph.nnz + np.arange(1, k + 1)])
        indices = np.concatenate([graph.indices, nodes.astype(graph.indices.dtype)])
        data = np.concatenate([graph.data, offset[best]])
        augmented = sp.csr_matrix((data, indices, indptr), shape=(n + k, n + k))
        virtual = np.arange(n, n + k)
        dist, _, origin = dijkstra(
            augmented, indices=virtual, min_only=True, return_predecessors=True
        )
        dist, origin = dist[:n], origin[:n]
        slot = np.where(origin >= 0, origin - n, -1)
    else:
        dist, _, origin = dijkstra(graph, indices=nodes, min_only=True, return_predecessors=True)
        slot = np.where(origin >= 0, np.searchsorted(nodes, np.maximum(origin, 0)), -1)

    reached = slot >= 0
    nearest = np.full(n, -1, dtype=np.int64)
    nearest[reached] = best[slot[reached]]
    minutes = np.where(reached, dist, np.nan).astype(np.float64)
    return NearestTimes(minutes, nearest)


def _nearest_numba(
    graph: sp.csr_matrix, nodes: IntArray, offsets: FloatArray, positions: IntArray, engine: Engine
) -> NearestTimes | None:
    """Run :func:`bucket_nearest` when the engine and graph allow; ``None`` otherwise.

    Returns
    -------
    NearestTimes or None
        Minutes of each node (``NaN`` unreachable) and the ``positions`` entry of its nearest
        source in ``nodes`` (``-1`` unreachable).

    Raises
    ------
    ValidationError
        If ``engine="numba"`` but numba or the graph does not allow it.
    """
    if engine == "scipy":
        return None
    search = numba_nearest()
    width = bucket_width(graph, 0.0)
    n_buckets = 0
    if width is not None:
        longest = float(graph.data.max()) if graph.nnz else 0.0
        window = max(longest, float(offsets.max() - offsets.min()))
        n_buckets = int(window / width) + 2
    if search is None or width is None or n_buckets > MAX_BUCKETS:
        if engine == "numba":
            msg = (
                "`engine='numba'` needs the numba package and a graph whose arcs all take more "
                "than 0 minutes; use `engine='auto'`"
            )
            raise ValidationError(msg)
        return None
    dist = np.empty(graph.shape[0])
    nearest = np.empty(graph.shape[0], dtype=np.int64)
    args = (graph.indptr, graph.indices, graph.data, nodes, offsets, positions, 1.0 / width)
    if not search(*args, n_buckets, dist, nearest):  # pragma: no cover - 10⁹ buckets
        return None
    return NearestTimes(dist, nearest)


def origin_times(
    result: NearestTimes,
    origins: npt.ArrayLike,
    origin_offset_min: npt.ArrayLike | None = None,
) -> NearestTimes:
    """Read a :func:`nearest_times` result at origin nodes, adding the origins' access legs.

    Parameters
    ----------
    result
        The output of :func:`nearest_times` on the graph.
    origins
        Node index of each origin (settlement, address point).
    origin_offset_min
        Access leg of each origin in minutes (from the origin to its graph node), added after
        the network time. ``None``: no access leg.

    Returns
    -------
    NearestTimes
        One entry per origin: minutes (``NaN`` where no facility reaches the node) and the
        position of the nearest facility (``-1`` where unreachable).

    Raises
    ------
    ValidationError
        If an origin is not a node of the result, or an offset is negative or not finite.
    """
    checked = _validate(
        result.minutes.size,
        {"origins": origins},
        {"origin_offset_min": ("origins", origin_offset_min)},
    )
    nodes = checked.nodes["origins"]
    minutes = result.minutes[nodes] + checked.offsets["origin_offset_min"]
    return NearestTimes(minutes, result.nearest[nodes].copy())


# --------------------------------------------------------------------------------------
# bounded origin-destination tables


@dataclass(frozen=True)
class _Groups:
    """Positions of an input array grouped by distinct node (CSR-like layout).

    ``nodes[i]`` is the i-th distinct node; its positions in the input are
    ``pos[ptr[i]:ptr[i + 1]]`` with offsets ``off[ptr[i]:ptr[i + 1]]``.
    """

    nodes: IntArray
    ptr: IntArray
    pos: IntArray
    off: FloatArray
    min_off: FloatArray
    unique: bool

    @classmethod
    def of(cls, nodes: IntArray, offsets: FloatArray) -> _Groups:
        """Group ``nodes`` (with their ``offsets``) by distinct node."""
        order = np.argsort(nodes, kind="stable")
        sorted_nodes = nodes[order]
        start = np.ones(nodes.size, dtype=bool)
        start[1:] = sorted_nodes[1:] != sorted_nodes[:-1]
        first = np.flatnonzero(start)
        ptr = np.append(first, nodes.size).astype(np.int64)
        off = offsets[order]
        min_off = np.minimum.reduceat(off, first) if first.size else np.zeros(0)
        return cls(
            nodes=sorted_nodes[first],
            ptr=ptr,
            pos=order.astype(np.int64),
            off=off,
            min_off=min_off,
            unique=bool(first.size == nodes.size),
        )

    def expand(self, group: npt.NDArray[np.integer[Any]]) -> tuple[IntArray, IntArray]:
        """Rows to repeat and input positions for a list of group indices.

        Parameters
        ----------
        group
            Distinct-node index of each row.

        Returns
        -------
        tuple of numpy.ndarray
            ``rows`` (index into ``group`` of each output row) and ``slots`` (index into
            ``pos``/``off`` of each output row).
        """
        if self.unique:
            return np.arange(group.size), self.ptr[group]
        counts = self.ptr[group + 1] - self.ptr[group]
        rows = np.repeat(np.arange(group.size), counts)
        within = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
        return rows, self.ptr[group][rows] + within


@dataclass(frozen=True)
class _Problem:
    """Everything a chunk needs; sent once to each worker process."""

    csr: sp.csr_matrix
    origins: _Groups
    dests: _Groups
    dest_of_node: Int32Array
    dest_weight: FloatArray | None
    cutoff: float
    bucket_width: float | None

    @property
    def plain(self) -> bool:
        """Every origin and destination node given once, and no access leg."""
        org, dst = self.origins, self.dests
        return org.unique and dst.unique and not org.off.any() and not dst.off.any()


class _Pairs(NamedTuple):
    origin: Int32Array
    destination: Int32Array
    minutes: FloatArray


def _network_pairs(
    problem: _Problem, chunk: IntArray, limit: float
) -> tuple[npt.NDArray[np.integer[Any]], npt.NDArray[np.integer[Any]], FloatArray]:
    """Network minutes <= ``limit`` from the chunk's distinct origin nodes to destinations.

    Returns
    -------
    tuple of numpy.ndarray
        Row in ``chunk``, distinct-destination index, and network minutes of each pair.
    """
    nodes = problem.origins.nodes[chunk]
    csr = problem.csr
    if problem.bucket_width is None:
        dest_nodes = problem.dests.nodes
        dist = dijkstra(csr, indices=nodes, limit=limit)[:, dest_nodes]
        row, col = np.nonzero(dist <= limit)
        return row.astype(np.int64), col.astype(np.int64), dist[row, col]
    search = numba_search()
    if search is None:  # pragma: no cover - bucket_width is only set when numba loads
        msg = "the numba search is not available"
        raise RuntimeError(msg)
    n_dest = problem.dests.nodes.size
    size = max(n_dest, min(nodes.size * n_dest, _PAIR_BUFFER))
    parts: list[tuple[npt.NDArray[np.integer[Any]], npt.NDArray[np.integer[Any]], FloatArray]] = []
    first = 0
    while first < nodes.size:
        row, dest = np.empty(size, np.int32), np.empty(size, np.int32)
        minutes = np.empty(size)
        n_done, count = search(
            csr.indptr,
            csr.indices,
            csr.data,
            nodes[first:],
            limit,
            1.0 / problem.bucket_width,
            problem.dest_of_node,
            n_dest,
            row,
            dest,
            minutes,
        )
        # the buffers' own int32 rows where the chunk fits them at once (as a rule)
        parts.append(
            (row[:count] + np.int32(first) if first else row[:count], dest[:count], minutes[:count])
        )
        first += n_done
    if len(parts) == 1:
        return parts[0]
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _solve_chunk(problem: _Problem, chunk: IntArray) -> _Pairs | tuple[IntArray, FloatArray]:
    """Pairs (or weight sums per origin) for one chunk of distinct origin nodes."""
    org, dst = problem.origins, problem.dests
    if dst.nodes.size == 0:
        limit = -1.0
    else:
        limit = problem.cutoff - float(org.min_off[chunk].min()) - float(dst.min_off.min())
    if limit >= 0:
        row, dest, net = _network_pairs(problem, chunk, limit)
    else:
        row = dest = np.zeros(0, dtype=np.int64)
        net = np.zeros(0)
    if problem.plain and problem.dest_weight is None:
        # every node once, no access leg: each pair is its input positions and its
        # network minutes as they are (0.0 + m + 0.0 == m, and m <= limit == cutoff)
        origin = org.pos[org.ptr[chunk]][row]
        destination = dst.pos[dst.ptr[:-1]][dest]
        minutes = net
    else:  # expand distinct nodes to input positions, add the access legs, apply the cutoff
        d_rows, d_slot = dst.expand(dest)
        o_rows, o_slot = org.expand(chunk[row[d_rows]])
        d_slot = d_slot[o_rows]
        minutes = (org.off[o_slot] + net[d_rows][o_rows]) + dst.off[d_slot]
        ok = minutes <= problem.cutoff
        origin, destination, minutes = org.pos[o_slot][ok], dst.pos[d_slot][ok], minutes[ok]
    if problem.dest_weight is not None:
        members = np.sort(org.pos[org.expand(chunk)[1]])
        local = np.searchsorted(members, origin)
        weight = problem.dest_weight[destination]
        sums = np.bincount(local, weights=weight, minlength=members.size).astype(np.float64)
        return members, sums
    # by origin, then destination: one sort of a 64-bit key (the pairs are distinct),
    # five times quicker than a lexsort of the two columns
    key = origin.astype(np.int64)
    key *= int(destination.max()) + 1 if destination.size else 1
    key += destination
    order = np.argsort(key)
    del key
    return _Pairs(
        origin[order].astype(np.int32),
        destination[order].astype(np.int32),
        minutes[order],
    )


_WORKER_PROBLEM: _Problem | None = None


def _init_worker(problem: _Problem) -> None:
    """Keep the problem (graph included) in the worker process for all its chunks."""
    global _WORKER_PROBLEM
    _WORKER_PROBLEM = problem


def _worker_chunk(chunk: IntArray) -> _Pairs | tuple[IntArray, FloatArray]:
    """Solve one chunk in a worker process."""
    if _WORKER_PROBLEM is None:  # pragma: no cover - set by the initializer
        msg = "worker process started without its problem"
        raise RuntimeError(msg)
    return _solve_chunk(_WORKER_PROBLEM, chunk)


def _run(
    problem: _Problem, n_jobs: int, chunk_size: int
) -> Iterator[_Pairs | tuple[IntArray, FloatArray]]:
    """Solve every chunk of origins, in order, here or in ``n_jobs`` workers.

    The numba kernel releases the GIL, so its workers are threads sharing the graph; the
    scipy searches hold the GIL, so theirs are processes, each given the graph once.
    """
    org = problem.origins
    n = org.nodes.size
    # distinct origin nodes in the order of their first position in the input, so that the
    # chunks' pairs (each sorted by origin) concatenate sorted when the origins are distinct
    by_position = np.argsort(org.pos[org.ptr[:-1]], kind="stable")
    chunks = np.array_split(by_position, -(-n // chunk_size)) if n else []
    if n_jobs == 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield _solve_chunk(problem, chunk)
        return
    workers = min(n_jobs, len(chunks))
    if problem.bucket_width is not None:
        with ThreadPoolExecutor(workers) as threads:
            yield from threads.map(partial(_solve_chunk, problem), chunks)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(problem,)) as pool:
        yield from pool.map(_worker_chunk, chunks)


def _problem(
    checked: _Checked, weight: FloatArray | None = None, *, dest_name: str = "destinations"
) -> _Problem:
    origins = _Groups.of(checked.nodes["origins"], checked.offsets["origin_offset"])
    dests = _Groups.of(checked.nodes[dest_name], checked.offsets["dest_offset"])
    dest_of_node = np.full(checked.csr.shape[0], -1, dtype=np.int32)
    dest_of_node[dests.nodes] = np.arange(dests.nodes.size, dtype=np.int32)
    width = None
    if checked.engine != "scipy":
        width = bucket_width(checked.csr, checked.cutoff)
        if width is not None and numba_search() is None:
            width = None
        if width is None and checked.engine == "numba":
            msg = (
                "`engine='numba'` needs the numba package and a graph whose arcs all take more "
                f"than 0 minutes, with `cutoff` at most {MAX_BUCKETS:.0e} shortest arcs; "
                "use `engine='auto'`"
            )
            raise ValidationError(msg)
    return _Problem(checked.csr, origins, dests, dest_of_node, weight, checked.cutoff, width)


def bounded_matrix(
    csr: sp.spmatrix | sp.sparray,
    origins: npt.ArrayLike,
    destinations: npt.ArrayLike,
    cutoff: float,
    *,
    origin_offset: npt.ArrayLike | None = None,
    dest_offset: npt.ArrayLike | None = None,
    n_jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    engine: Engine = "auto",
) -> pd.DataFrame:
    """Long table of the origin-destination pairs within ``cutoff`` minutes.

    Parameters
    ----------
    csr
        Travel-time matrix, ``n_nodes × n_nodes`` minutes (``graph.csr(state)``).
    origins, destinations
        Node index of each origin and of each destination; repeats are allowed.
    cutoff
        Largest travel time kept, in minutes (inclusive: a pair at exactly ``cutoff`` is kept).
    origin_offset, dest_offset
        Access legs in minutes, one per origin and one per destination, added to the network
        time (``origin_offset + network + dest_offset``) before the cutoff applies.
    n_jobs
        Parallel workers (threads for the numba engine, processes for scipy); ``1`` computes
        in this thread.
    chunk_size
        Origins per task. Working memory per worker: with numba, a few arrays over the nodes
        and arcs plus the chunk's pairs (at most ``chunk_size × len(destinations)``, buffered
        by 2M); with scipy, a ``chunk_size × n_nodes`` float64 block (256 MB for 32 origins
        on a million nodes).
    engine
        ``"auto"``: the numba bucket-queue search when numba is installed and every arc takes
        more than 0 minutes (and ``cutoff`` is at most 10⁶ shortest arcs), else scipy.
        ``"numba"`` insists (raises otherwise), ``"scipy"`` always uses scipy.

    Returns
    -------
    pandas.DataFrame
        Columns ``origin`` and ``destination`` (int32 *positions* in ``origins`` and
        ``destinations``, not node indices) and ``minutes`` (float64), one row per pair with
        ``minutes <= cutoff``, sorted by origin then destination. A pair beyond the cutoff or
        unreachable is absent. ``attrs`` holds ``cutoff``, ``n_origins``, ``n_destinations``
        and ``n_unreached_origins`` (origins with no destination in reach; see
        :func:`unreached_origins` for which).

    Raises
    ------
    ValidationError
        If an input is malformed (see the message), or ``engine="numba"`` cannot be used.

    Notes
    -----
    Results depend neither on ``n_jobs``, ``chunk_size`` nor ``engine``; without offsets the
    minutes equal those of one ``scipy.sparse.csgraph.dijkstra`` search per origin, bit for
    bit. With offsets they are ``(origin_offset + network) + dest_offset`` in float64.
    """
    checked = _validate(
        csr,
        {"origins": origins, "destinations": destinations},
        {
            "origin_offset": ("origins", origin_offset),
            "dest_offset": ("destinations", dest_offset),
        },
        cutoff=cutoff,
        n_jobs=n_jobs,
        chunk_size=chunk_size,
        engine=engine,
    )
    problem = _problem(checked)
    parts = list(_run(problem, checked.n_jobs, checked.chunk_size))
    pairs = [p for p in parts if isinstance(p, _Pairs)]
    columns = {
        "origin": _concat(pairs, 0, np.int32),
        "destination": _concat(pairs, 1, np.int32),
        "minutes": _concat(pairs, 2, np.float64),
    }
    del parts, pairs
    # distinct origin nodes come out in input order; repeated ones may not: restore it
    if not problem.origins.unique and np.any(np.diff(columns["origin"]) < 0):
        order = np.argsort(columns["origin"], kind="stable")
        columns = {name: values[order] for name, values in columns.items()}
    frame = pd.DataFrame(columns, copy=False)
    n_origins = checked.nodes["origins"].size
    frame.attrs.update(
        cutoff=checked.cutoff,
        n_origins=n_origins,
        n_destinations=checked.nodes["destinations"].size,
        n_unreached_origins=int(unreached_origins(frame, n_origins).size),
    )
    return frame


def _concat(parts: Sequence[_Pairs], field: int, dtype: type[np.generic]) -> npt.NDArray[Any]:
    if not parts:
        return np.zeros(0, dtype=dtype)
    return np.concatenate([p[field] for p in parts]).astype(dtype, copy=False)


def unreached_origins(pairs: pd.DataFrame, n_origins: int) -> IntArray:
    """Positions of the origins that have no row in a :func:`bounded_matrix` table.

    Parameters
    ----------
    pairs
        A table with an ``origin`` column of positions.
    n_origins
        Number of origins the table was computed for.

    Returns
    -------
    numpy.ndarray of int64
        Sorted positions of origins with no destination within the cutoff.
    """
    seen = np.zeros(n_origins, dtype=bool)
    seen[pairs["origin"].to_numpy()] = True
    return np.flatnonzero(~seen).astype(np.int64)


def reachable_population(
    csr: sp.spmatrix | sp.sparray,
    origins: npt.ArrayLike,
    weights: npt.ArrayLike | tuple[npt.ArrayLike, npt.ArrayLike],
    cutoff: float,
    *,
    origin_offset: npt.ArrayLike | None = None,
    n_jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    engine: Engine = "auto",
) -> FloatArray:
    """Weight (population) within ``cutoff`` minutes of each origin.

    Parameters
    ----------
    csr
        Travel-time matrix, ``n_nodes × n_nodes`` minutes (``graph.csr(state)``).
    origins
        Node index of each origin.
    weights
        Either one weight per graph node, or a pair ``(nodes, weights)`` of node indices and
        their weights (repeated nodes add up). Weights must be finite and >= 0.
    cutoff
        Largest travel time counted, minutes, inclusive.
    origin_offset
        Access leg of each origin, minutes, added to the network time.
    n_jobs, chunk_size, engine
        As for :func:`bounded_matrix`; the pairs of one chunk are held at once.

    Returns
    -------
    numpy.ndarray of float64
        Sum of the weights at the nodes within ``cutoff`` of each origin (the origin's own node
        included, at 0 minutes). ``0`` where nothing weighted is in reach: count those with
        ``np.count_nonzero(result == 0)``.

    Raises
    ------
    ValidationError
        If an input is malformed, or weights are negative or not finite.
    """
    checked = _validate(
        csr,
        {"origins": origins},
        {"origin_offset": ("origins", origin_offset)},
        cutoff=cutoff,
        n_jobs=n_jobs,
        chunk_size=chunk_size,
        weights=weights,
        engine=engine,
    )
    values = checked.weights if checked.weights is not None else np.zeros(0)
    positive = values > 0
    nodes, values = checked.nodes["weight_nodes"][positive], values[positive]
    checked.nodes["weight_nodes"] = nodes
    checked.offsets["dest_offset"] = np.zeros(nodes.size)
    problem = _problem(checked, values, dest_name="weight_nodes")
    total = np.zeros(checked.nodes["origins"].size)
    for part in _run(problem, checked.n_jobs, checked.chunk_size):
        if not isinstance(part, _Pairs):
            members, sums = part
            total[members] = sums
    return total
