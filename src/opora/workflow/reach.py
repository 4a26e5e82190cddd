"""National reach as a user runs it: a road network and points in, one Parquet file out.

:func:`run_reach` chains the pieces of ``opora access reach``: the roads of an
OpenStreetMap extract (:func:`opora.io.osm.read_osm_roads`), kept to their main network
(the largest strongly connected part over all seasons, as in the main job); the points
(settlements) of a points file (:func:`opora.io.points.read_points`) or of a workspace,
snapped to the nearest road segment open in the chosen state with a walking access leg
(:func:`opora.access.snap.snap_points`); every point to every point within ``max_cost``
minutes (:func:`opora.access.reach.reach_blocks`, block by block) streamed to one Parquet
file (:func:`opora.io.reach.write_reach_parquet`, written under a temporary name and moved
into place). Beside it, ``<name>_points.parquet`` turns the positions of the pairs back into
the points' ids (:func:`reach_points_path`).

A pair's minutes are the origin's access leg, the network time between the two snapped
nodes and the destination's access leg; a point reaches itself when twice its access leg is
within the cutoff. Points farther than :data:`SNAP_WARN_M` from any road are still routed
(their access leg counts) and counted as ``too_far``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from opora._version import __version__
from opora.errors import FormatError, ValidationError
from opora.workflow.progress import Progress, no_progress

if TYPE_CHECKING:
    from opora.access.reach import ReachBlock
    from opora.model.roads import RoadGraph

__all__ = [
    "REACH_POINT_COLUMNS",
    "SNAP_WARN_M",
    "BlockProgress",
    "ReachRun",
    "check_reach_paths",
    "reach_points_path",
    "run_reach",
]

#: Points farther than this from any road of the network are counted as too far.
SNAP_WARN_M = 5_000.0

#: Columns of the points file written beside the pairs.
REACH_POINT_COLUMNS = [
    "position",
    "id",
    "lon",
    "lat",
    "node",
    "osm_node",
    "distance_m",
    "access_minutes",
    "too_far",
    "n_reached",
]

#: Called after each block with the origins done and the origins in all.
BlockProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class ReachRun:
    """What :func:`run_reach` computed and wrote.

    Attributes
    ----------
    path
        The Parquet file of the pairs (``origin``, ``destination``, ``minutes``).
    points_path
        The Parquet file of the points (:data:`REACH_POINT_COLUMNS`).
    n_points
        Points read (each is an origin and a destination).
    n_pairs
        Pairs within the cutoff written.
    n_blocks
        Blocks computed and written.
    n_unreached
        Points with no point (not even themselves) within the cutoff.
    n_too_far
        Points farther than :data:`SNAP_WARN_M` from any road.
    n_nodes, n_arcs
        Nodes and directed arcs of the network routed on (its main part).
    file_bytes
        Size of the pairs file.
    seconds
        Wall-clock time of the routing and writing (reading and snapping excluded).
    notes
        What was detected or repaired while reading the points.
    """

    path: Path
    points_path: Path
    n_points: int
    n_pairs: int
    n_blocks: int
    n_unreached: int
    n_too_far: int
    n_nodes: int
    n_arcs: int
    file_bytes: int
    seconds: float
    notes: tuple[str, ...] = ()


def reach_points_path(out: str | Path) -> Path:
    """Return the points file written beside the pairs file ``out``.

    Parameters
    ----------
    out
        The pairs file (``reach.parquet``).

    Returns
    -------
    pathlib.Path
        ``<stem>_points.parquet`` in the same folder.
    """
    p = Path(out)
    return p.with_name(f"{p.stem}_points.parquet")


def check_reach_paths(out: str | Path, *inputs: str | Path | None) -> None:
    """Check the inputs and both output files before any work.

    Parameters
    ----------
    out
        The pairs file.
    *inputs
        The input files and folders (``None`` for an option not given).

    Raises
    ------
    SourceNotFoundError, InputPathError, EmptyFileError
        If an input file is missing, a folder or empty.
    OutputPathError
        If an output cannot be written there, is an input or is not named ``.parquet``.
    """
    from opora.io._checks import check_input_file, check_output_path

    for path in inputs:
        if path is not None and not Path(path).is_dir():
            check_input_file(path)
    for target in (Path(out), reach_points_path(out)):
        check_output_path(target, inputs=inputs, formats=(".parquet",))
    if Path(out).suffix.lower() != ".parquet":
        from opora.errors import OutputPathError

        msg = f"{out}: --out must be a .parquet file (the pairs are written as Parquet)"
        raise OutputPathError(msg)


def _points(
    points: Path | None,
    workspace: Path | None,
    id_column: str,
    lon_column: str,
    lat_column: str,
) -> pd.DataFrame:
    """Read the points of a file, or the settlements of a workspace (id, lon, lat)."""
    if points is not None and workspace is None:
        from opora.io.points import read_points

        return read_points(
            points, id_column=id_column, lon_column=lon_column, lat_column=lat_column
        )
    if workspace is None or points is not None:
        msg = "give the points as a file (--points) or a workspace (--workspace), one of the two"
        raise ValidationError(msg)
    from opora.io.workspace import read_workspace_tables

    settlements = read_workspace_tables(workspace)["settlements"]
    gpkg = workspace / "region.gpkg"
    if settlements.empty:
        msg = "the workspace has no settlements"
        raise FormatError(gpkg, msg)
    geom = settlements.geometry
    frame = pd.DataFrame(
        {
            "id": settlements["settlement_id"].astype("string").to_numpy(),
            "lon": np.asarray(geom.x, dtype=float),
            "lat": np.asarray(geom.y, dtype=float),
            "source_row": np.arange(1, len(settlements) + 1),
        }
    )
    missing = ~np.isfinite(frame["lon"]) | ~np.isfinite(frame["lat"])
    if missing.any():
        row = int(frame["source_row"][missing].iloc[0])
        msg = f"record {row} of the layer `settlements` has no point; locate it first"
        raise FormatError(gpkg, msg, column="geometry")
    frame.attrs["notes"] = []
    return frame


def _network(osm: Path, progress: Progress) -> RoadGraph:
    """Read the roads of an extract and keep their main network."""
    from opora.io.osm import read_osm_roads

    progress("read OSM roads")
    full = read_osm_roads(osm).graph
    if full.n_arcs == 0:
        msg = "the extract holds no drivable road; give an extract of the area's roads"
        raise FormatError(osm, msg)
    graph, _ = full.subgraph(full.main_component())
    return graph


def _counting(
    blocks: Iterable[ReachBlock],
    total: int,
    reached: np.ndarray,
    on_block: BlockProgress | None,
) -> Generator[ReachBlock, None, None]:
    """Pass the blocks on, counting each origin's pairs and reporting the origins done."""
    for block in blocks:
        if block.origin.size:
            reached += np.bincount(block.origin, minlength=total)
        yield block
        if on_block is not None:
            on_block(block.first + block.n_origins, total)


def run_reach(
    osm: Path,
    out: Path,
    *,
    points: Path | None = None,
    workspace: Path | None = None,
    id_column: str = "id",
    lon_column: str = "lon",
    lat_column: str = "lat",
    max_cost: float = 60.0,
    state: str = "summer",
    n_jobs: int = 1,
    block_size: int | None = None,
    progress: Progress = no_progress,
    on_block: BlockProgress | None = None,
) -> ReachRun:
    """Compute every point to every point within ``max_cost`` minutes and write it.

    Parameters
    ----------
    osm
        An OpenStreetMap extract (``.osm.pbf``) covering the points.
    out
        The pairs file to write (``.parquet``); ``<stem>_points.parquet`` is written
        beside it.
    points
        A points file (CSV, Parquet or GeoPackage: id and coordinates); or
    workspace
        A workspace folder, whose settlements are the points (ids ``settlement_id``).
    id_column, lon_column, lat_column
        Columns of the points file.
    max_cost
        Cutoff in minutes, inclusive, access legs included.
    state
        Network state: ``summer``, ``winter`` or ``thaw``.
    n_jobs
        Threads of the routing.
    block_size
        Origins per block (default :data:`opora.access.reach.DEFAULT_BLOCK_SIZE`).
    progress
        Called with a description before each step.
    on_block
        Called after each block is written with the origins done and in all.

    Returns
    -------
    ReachRun
        The files written and the counts.

    Raises
    ------
    OporaError
        If an input cannot be used (the file, the row and the column are named) or an
        output cannot be written; nothing is left at ``out`` then.
    """
    from opora.access.reach import DEFAULT_BLOCK_SIZE, reach_blocks
    from opora.access.snap import snap_points
    from opora.io.points import write_points_parquet
    from opora.io.reach import write_reach_parquet
    from opora.model.roads import STATES

    if state not in STATES:
        msg = f"unknown network state {state!r}; use one of {', '.join(STATES)}"
        raise ValidationError(msg)
    progress("read points")
    table = _points(points, workspace, id_column, lon_column, lat_column)
    graph = _network(osm, progress)
    progress("snap points to the roads")
    snapped = snap_points(
        graph,
        table["lon"].to_numpy(),
        table["lat"].to_numpy(),
        max_distance_m=SNAP_WARN_M,
        state=state,
    )
    nodes = snapped["node"].to_numpy(dtype=np.int64)
    legs = snapped["access_minutes"].to_numpy(dtype=np.float64)
    n = len(table)
    progress("route")
    start = time.perf_counter()
    blocks = reach_blocks(
        graph.csr(state),
        nodes,
        cutoff=max_cost,
        origin_offset=legs,
        n_jobs=n_jobs,
        block_size=DEFAULT_BLOCK_SIZE if block_size is None else block_size,
    )
    reached = np.zeros(n, dtype=np.int64)
    metadata: dict[str, str | int | float] = {
        "cutoff_minutes": max_cost,
        "state": state,
        "n_origins": n,
        "n_destinations": n,
        "network": osm.name,
        "points": (points or workspace or Path()).name,
        "points_file": reach_points_path(out).name,
        "opora_version": __version__,
    }
    try:
        written = write_reach_parquet(
            out, _counting(blocks, n, reached, on_block), metadata=metadata
        )
    finally:
        blocks.close()
    seconds = time.perf_counter() - start
    osm_node = graph.node_id[nodes] if graph.node_id is not None else np.full(n, -1, dtype=np.int64)
    sidecar = pd.DataFrame(
        {
            "position": np.arange(n, dtype=np.int32),
            "id": table["id"].astype("string").to_numpy(),
            "lon": table["lon"].to_numpy(),
            "lat": table["lat"].to_numpy(),
            "node": nodes,
            "osm_node": osm_node.astype(np.int64),
            "distance_m": snapped["distance_m"].to_numpy(),
            "access_minutes": legs,
            "too_far": snapped["too_far"].to_numpy(dtype=bool),
            "n_reached": reached,
        },
        columns=REACH_POINT_COLUMNS,
    )
    points_path = write_points_parquet(reach_points_path(out), sidecar)
    return ReachRun(
        path=written.path,
        points_path=points_path,
        n_points=n,
        n_pairs=written.n_pairs,
        n_blocks=written.n_blocks,
        n_unreached=int((reached == 0).sum()),
        n_too_far=int(sidecar["too_far"].sum()),
        n_nodes=graph.n_nodes,
        n_arcs=graph.n_arcs,
        file_bytes=written.path.stat().st_size,
        seconds=seconds,
        notes=tuple(table.attrs.get("notes", [])),
    )
