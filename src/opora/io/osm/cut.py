"""Cut one region out of a larger OpenStreetMap extract by its boundary, with pyosmium only.

The region's boundary is its own relation in the extract: ``boundary=administrative``,
``admin_level=4`` and ``ISO3166-2`` = the region's code (``RU-BA``). libosmium assembles
it into a (multi)polygon, holes included (Moscow inside Moscow Oblast).

What the cut keeps (the ``smart`` strategy of ``osmium extract``):

* every node inside the boundary or on it, with its tags;
* every way with at least one node inside, whole, with all its nodes: a road that
  crosses the border keeps its far end, so the network stays connected at the edge;
* the ``type=multipolygon`` relations with a member kept, completed with all their
  member ways and nodes (buildings, hospitals and lakes drawn as relations stay areas),
  and the region's boundary relation itself.

Other relations (routes, turn restrictions, other boundaries) are left out: opora's
readers use ways, nodes and areas only. Nodes outside the boundary appear only as
members of kept ways or relations.

Everything that touches every object of the extract runs in C++: the node locations are
written by libosmium to a binary file (``sparse_file_array``: id, x, y per node) that
numpy maps and tests against the polygon in blocks (shapely), and the ways and relations
are selected and written by libosmium's id filters. On an extract of a federal district
(about 200 million nodes) the cut needs about 16 bytes per node of temporary disk space
beside the output, and memory for the polygon and the ids kept.
"""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
import shapely
from shapely.geometry.base import BaseGeometry

from opora.errors import BoundaryNotFoundError
from opora.io.osm._pbf import _check_osm_file, _unreadable

__all__ = ["CutSummary", "cut_region", "region_boundary"]

#: Rows of the node file read at once (16 bytes each).
_BLOCK = 1 << 22
#: libosmium's undefined coordinate, which fills the unused end of the node file.
_UNDEFINED = 2**31 - 1
_NODE_ROW = np.dtype([("id", "<u8"), ("x", "<i4"), ("y", "<i4")])


@dataclass(frozen=True)
class CutSummary:
    """What a cut kept.

    Attributes
    ----------
    path
        The file written.
    relation_id
        Id of the boundary relation the region was cut by.
    nodes_inside
        Nodes inside the boundary (or on it).
    ways
        Ways with at least one node inside.
    relations
        Multipolygon relations kept, and the boundary.
    boundary
        The region's area (lon/lat, EPSG:4326).
    """

    path: Path
    relation_id: int
    nodes_inside: int
    ways: int
    relations: int
    boundary: BaseGeometry


def _find_relation(extract: Path, iso: str) -> int:
    """Return the id of the region's admin_level=4 boundary relation in the extract."""
    found: dict[str, int] = {}
    try:
        for rel in osmium.FileProcessor(str(extract), osmium.osm.RELATION).with_filter(
            osmium.filter.TagFilter(("boundary", "administrative"))
        ):
            code = rel.tags.get("ISO3166-2")
            if rel.tags.get("admin_level") == "4" and code:
                found.setdefault(code.strip().upper(), rel.id)
    except RuntimeError as exc:
        raise _unreadable(extract, exc) from exc
    if iso.upper() in found:
        return found[iso.upper()]
    there = ", ".join(sorted(found)) or "none"
    msg = (
        f"{extract}: no boundary relation with boundary=administrative, admin_level=4 and "
        f"ISO3166-2={iso} (regions found: {there}). The extract does not cover the region: "
        "fetch the extract of its federal district (`opora fetch-osm --region R --district "
        "SLUG`) or pass a regional extract with `--osm FILE`."
    )
    raise BoundaryNotFoundError(msg)


def region_boundary(extract: str | Path, iso: str) -> tuple[int, BaseGeometry]:
    """Return the region's boundary relation id and its area from an extract.

    Parameters
    ----------
    extract
        An ``.osm.pbf`` file holding the region (a federal district's extract).
    iso
        ISO 3166-2 code of the region (``RU-BA``), the relation's ``ISO3166-2`` tag.

    Returns
    -------
    tuple
        The relation id and its (multi)polygon in lon/lat.

    Raises
    ------
    BoundaryNotFoundError
        If the extract has no such relation, or its members do not close into an area.
    FormatError
        If the file cannot be read as OpenStreetMap data.
    """
    p = _check_osm_file(extract)
    rel_id = _find_relation(p, iso)
    tracker = osmium.IdTracker()
    tracker.add_relation(rel_id)
    tracker.complete_backward_references(str(p), relation_depth=1)
    geometry: BaseGeometry | None = None
    with tempfile.TemporaryDirectory(prefix="opora-boundary-") as tmp:
        small = Path(tmp) / "boundary.osm.pbf"
        writer = osmium.SimpleWriter(str(small))
        try:
            osmium.apply(str(p), tracker.id_filter(), writer)
        finally:
            writer.close()
        wkb = osmium.geom.WKBFactory()
        for area in (
            osmium.FileProcessor(str(small))
            .with_areas()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.AREA))
        ):
            if isinstance(area, osmium.osm.Area) and not area.from_way():
                try:
                    geometry = shapely.from_wkb(wkb.create_multipolygon(area))
                except (osmium.InvalidLocationError, RuntimeError):
                    geometry = None
    if geometry is None or geometry.is_empty:
        msg = (
            f"{p}: the boundary relation {rel_id} of {iso} does not close into an area "
            "(members missing from the extract or broken rings). Download the extract "
            "again; if it persists, pass a regional extract with `--osm FILE`."
        )
        raise BoundaryNotFoundError(msg)
    return rel_id, geometry


def _dump_nodes(extract: Path, target: Path) -> None:
    """Write every node's id and location to ``target`` (libosmium, in C++)."""
    index = osmium.index.create_map(f"sparse_file_array,{target}")
    handler = osmium.NodeLocationsForWays(index)
    try:
        osmium.apply(osmium.io.Reader(str(extract), osmium.osm.NODE), handler)
    except RuntimeError as exc:
        raise _unreadable(extract, exc) from exc
    finally:
        del handler, index
        gc.collect()


def _nodes_inside(node_file: Path, area: BaseGeometry) -> np.ndarray:
    """Ids of the nodes of the node file inside the area or on its edge."""
    if node_file.stat().st_size < _NODE_ROW.itemsize:
        return np.empty(0, dtype=np.int64)
    rows = np.memmap(node_file, dtype=_NODE_ROW, mode="r")
    shapely.prepare(area)
    lon0, lat0, lon1, lat1 = area.bounds
    box = (
        np.floor(lon0 * 1e7) - 1,
        np.floor(lat0 * 1e7) - 1,
        np.ceil(lon1 * 1e7) + 1,
        np.ceil(lat1 * 1e7) + 1,
    )
    kept: list[np.ndarray] = []
    for start in range(0, len(rows), _BLOCK):
        block = rows[start : start + _BLOCK]
        x, y = block["x"], block["y"]
        near = (x != _UNDEFINED) & (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
        if not near.any():
            continue
        ids = block["id"][near].astype(np.int64)
        inside = shapely.intersects_xy(area, x[near] / 1e7, y[near] / 1e7)
        kept.append(ids[inside])
    del rows
    return np.concatenate(kept) if kept else np.empty(0, dtype=np.int64)


def cut_region(
    extract: str | Path,
    iso: str,
    out: str | Path,
    *,
    progress: Callable[[str], None] | None = None,
) -> CutSummary:
    """Cut a region out of an extract by its administrative boundary.

    The file is written beside ``out`` and moved into place when complete, so ``out``
    never holds a partial cut.

    Parameters
    ----------
    extract
        An ``.osm.pbf`` file holding the region with its boundary relation.
    iso
        ISO 3166-2 code of the region (``RU-BA``).
    out
        The ``.osm.pbf`` file to write (replaced if it exists).
    progress
        Called with a short description as each stage starts.

    Returns
    -------
    CutSummary
        The file written and what it holds.

    Raises
    ------
    BoundaryNotFoundError
        If the extract holds no usable boundary of the region.
    FormatError
        If the file cannot be read as OpenStreetMap data.
    """
    say = progress or (lambda _msg: None)
    p = _check_osm_file(extract)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    say(f"boundary of {iso}")
    rel_id, area = region_boundary(p, iso)
    with tempfile.TemporaryDirectory(prefix=".opora-cut-", dir=target.parent) as tmp:
        node_file = Path(tmp) / "nodes.bin"
        say("node locations")
        _dump_nodes(p, node_file)
        say("nodes inside the boundary")
        inside = _nodes_inside(node_file, area)
        node_file.unlink()
        tracker = osmium.IdTracker()
        for nid in inside.tolist():
            tracker.add_node(nid)
        say("ways and relations")
        src = str(p)
        ways = 0
        for way in osmium.FileProcessor(src, osmium.osm.WAY).with_filter(tracker.contains_filter()):
            tracker.add_way(way.id)
            ways += 1
        relations = [
            rel.id
            for rel in osmium.FileProcessor(src, osmium.osm.RELATION)
            .with_filter(osmium.filter.TagFilter(("type", "multipolygon")))
            .with_filter(tracker.contains_filter())
        ]
        for rid in [*relations, rel_id]:
            tracker.add_relation(rid)
        tracker.complete_backward_references(src, relation_depth=1)
        say("writing the region")
        part = Path(tmp) / "region.osm.pbf"
        writer = osmium.SimpleWriter(str(part))
        try:
            osmium.apply(src, tracker.id_filter(), writer)
        finally:
            writer.close()
        os.replace(part, target)
    return CutSummary(
        path=target,
        relation_id=rel_id,
        nodes_inside=len(inside),
        ways=ways,
        relations=len(relations) + 1,
        boundary=area,
    )
