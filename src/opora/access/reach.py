"""National reach: every origin to every destination within a cutoff, block by block.

:func:`reach_blocks` answers the question of :func:`~opora.access.routing.bounded_matrix`
(which destinations lie within ``cutoff`` minutes of each origin) for problems too large to
hold as one table, such as every populated settlement of the country (132,480 of them) to
every settlement within an hour on a national road graph: the origins are taken in blocks of
``block_size`` consecutive positions, each block is solved with the same engine (the
bucket-queue search in ``n_jobs`` threads when numba is installed, else scipy) and handed out
as a :class:`ReachBlock` of plain numpy arrays before the next block starts. Only one block of
pairs is held at a time; :func:`opora.io.reach.write_reach_parquet` streams the blocks to one
Parquet file.

The pairs equal those of :func:`~opora.access.routing.bounded_matrix` on the same inputs,
block for block and bit for bit (they come from the same chunk solver), and so, without
access legs, those of one ``scipy.sparse.csgraph.dijkstra(limit=cutoff)`` search per origin.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from opora.access._buckets import FloatArray, Int32Array, IntArray
from opora.access.routing import (
    Engine,
    _Checked,
    _Groups,
    _Pairs,
    _Problem,
    _problem,
    _run,
    _solve_chunk,
    _validate,
)
from opora.errors import ValidationError

__all__ = ["DEFAULT_BLOCK_SIZE", "ReachBlock", "reach_blocks"]

#: Origins per block of :func:`reach_blocks`.
DEFAULT_BLOCK_SIZE = 8192

#: Origins per search call inside a block: large enough that the per-call set-up (arrays
#: over the whole graph) is paid rarely, small enough to share a block between threads.
_REACH_CHUNK = 256


class ReachBlock(NamedTuple):
    """Pairs within the cutoff for one block of consecutive origins.

    Attributes
    ----------
    first
        Position (in ``origins``) of the block's first origin.
    n_origins
        Number of origins in the block: positions ``first`` to ``first + n_origins - 1``.
    origin
        Position in ``origins`` of each pair's origin (int32, counted from the start of all
        origins, not of the block).
    destination
        Position in ``destinations`` of each pair's destination (int32).
    minutes
        Travel time of each pair, access legs included (float64, ``<= cutoff``).

    Pairs are sorted by origin, then destination; an origin with nothing in reach has no row.
    """

    first: int
    n_origins: int
    origin: Int32Array
    destination: Int32Array
    minutes: FloatArray

    @property
    def n_unreached(self) -> int:
        """Number of the block's origins with no destination within the cutoff."""
        return self.n_origins - int(np.unique(self.origin).size)


def reach_blocks(
    csr: sp.spmatrix | sp.sparray,
    origins: npt.ArrayLike,
    destinations: npt.ArrayLike | None = None,
    cutoff: float = 60.0,
    *,
    origin_offset: npt.ArrayLike | None = None,
    dest_offset: npt.ArrayLike | None = None,
    n_jobs: int = 1,
    block_size: int = DEFAULT_BLOCK_SIZE,
    engine: Engine = "auto",
) -> Generator[ReachBlock, None, None]:
    """Stream the origin-destination pairs within ``cutoff`` minutes, one block at a time.

    Parameters
    ----------
    csr
        Travel-time matrix, ``n_nodes × n_nodes`` minutes (``graph.csr(state)``).
    origins
        Node index of each origin (a settlement's node); repeats are allowed.
    destinations
        Node index of each destination; ``None``: the origins themselves (with
        ``origin_offset`` as their access legs unless ``dest_offset`` is given).
    cutoff
        Largest travel time kept, minutes, inclusive.
    origin_offset, dest_offset
        Access legs in minutes, one per origin and one per destination, added to the network
        time before the cutoff applies, as in :func:`~opora.access.routing.bounded_matrix`.
    n_jobs
        Threads (numba engine) or processes (scipy engine, started again for each block)
        solving the blocks.
    block_size
        Origins per block: the memory held at once is one block's pairs (16 bytes a pair)
        plus the graph and, per thread, arrays over the graph's nodes and arcs.
    engine
        ``"auto"``, ``"numba"`` or ``"scipy"``, as in
        :func:`~opora.access.routing.bounded_matrix`.

    Returns
    -------
    generator of ReachBlock
        One block per ``block_size`` consecutive origins, in order; concatenated, the blocks
        equal :func:`~opora.access.routing.bounded_matrix`'s table. With several threads the
        next block is computed while the caller handles the current one; ``close()`` the
        generator to stop early.

    Raises
    ------
    ValidationError
        If an input is malformed, raised by this call before any block is computed.
    """
    same = destinations is None
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        msg = f"`block_size` must be a whole number >= 1 (got {block_size!r})"
        raise ValidationError(msg)
    if same and dest_offset is None:
        dest_offset = origin_offset
    checked = _validate(
        csr,
        {"origins": origins, "destinations": origins if same else destinations},
        {
            "origin_offset": ("origins", origin_offset),
            "dest_offset": ("destinations", dest_offset),
        },
        cutoff=cutoff,
        n_jobs=n_jobs,
        chunk_size=_REACH_CHUNK,
        engine=engine,
    )
    return _blocks(checked, block_size)


def _blocks(checked: _Checked, block_size: int) -> Generator[ReachBlock, None, None]:
    """Solve the blocks in order (the generator behind :func:`reach_blocks`).

    With the bucket-queue engine and several threads, the chunks of the next block are queued
    before a block is handed out, so the threads keep searching while the caller writes it.
    """
    nodes, offsets = checked.nodes["origins"], checked.offsets["origin_offset"]
    problem = _problem(checked)
    n_jobs = checked.n_jobs
    firsts = list(range(0, nodes.size, block_size))

    def block_of(first: int) -> tuple[int, int, _Problem]:
        last = min(first + block_size, nodes.size)
        groups = _Groups.of(nodes[first:last], offsets[first:last])
        return first, last, dataclasses.replace(problem, origins=groups)

    if problem.bucket_width is None or n_jobs == 1:
        for first in firsts:
            _, last, block = block_of(first)
            yield _assemble(first, last, list(_run(block, n_jobs, _REACH_CHUNK)))
        return
    pool = ThreadPoolExecutor(n_jobs)

    def submit(first: int) -> tuple[int, int, list[Future[_Pairs | tuple[IntArray, FloatArray]]]]:
        first, last, block = block_of(first)
        org = block.origins
        by_position = np.argsort(org.pos[org.ptr[:-1]], kind="stable")
        chunks = np.array_split(by_position, -(-org.nodes.size // _REACH_CHUNK))
        return first, last, [pool.submit(_solve_chunk, block, chunk) for chunk in chunks]

    try:
        queue = iter(firsts)
        start = next(queue, None)
        pending = submit(start) if start is not None else None
        while pending is not None:
            first, last, futures = pending
            following = next(queue, None)
            pending = submit(following) if following is not None else None
            yield _assemble(first, last, [future.result() for future in futures])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _assemble(
    first: int, last: int, results: list[_Pairs | tuple[IntArray, FloatArray]]
) -> ReachBlock:
    """Join the chunks' pairs of one block into a :class:`ReachBlock`."""
    parts = [p for p in results if isinstance(p, _Pairs)]
    if parts:
        origin = np.concatenate([p.origin for p in parts])
        destination = np.concatenate([p.destination for p in parts])
        minutes = np.concatenate([p.minutes for p in parts])
    else:
        origin = destination = np.zeros(0, dtype=np.int32)
        minutes = np.zeros(0)
    del parts, results
    if np.any(np.diff(origin) < 0):  # repeated origin nodes: restore the order
        order = np.argsort(origin, kind="stable")
        origin, destination, minutes = origin[order], destination[order], minutes[order]
    origin += np.int32(first)
    return ReachBlock(first, last - first, origin, destination, minutes)
