"""Cutting a region out of a real extract by its boundary relation (pyosmium only).

pyrosm's bundled ``test.osm.pbf`` (a clipped Finnish extract) gets a boundary relation
added; what must be kept is computed with shapely from the coordinates read back.
"""

from __future__ import annotations

from pathlib import Path

import osmium
import pytest
from shapely.geometry import Point, Polygon

from opora.errors import BoundaryNotFoundError, FormatError
from opora.io.osm import read_osm_roads
from opora.io.osm.cut import cut_region, region_boundary

#: A pentagon over the western half of test.osm.pbf (lon 26.930-26.970, lat 60.520-60.540).
RING = [(26.925, 60.515), (26.951, 60.516), (26.955, 60.530), (26.947, 60.545), (26.925, 60.545)]
BASE = 9_000_000_000


def _with_boundary(src: Path, out: Path, members: list[tuple[str, int, str]] | None = None) -> Path:
    """Copy ``src`` and add RING as an admin_level=4 boundary relation of RU-XX."""
    writer = osmium.SimpleWriter(str(out))
    for obj in osmium.FileProcessor(str(src), osmium.osm.NODE):
        writer.add_node(obj)
    for k, (lon, lat) in enumerate(RING):
        writer.add_node(osmium.osm.mutable.Node(id=BASE + k, location=(lon, lat)))
    for obj in osmium.FileProcessor(str(src), osmium.osm.WAY):
        writer.add_way(obj)
    ring = [BASE + k for k in range(len(RING))]
    writer.add_way(osmium.osm.mutable.Way(id=BASE, nodes=[*ring, ring[0]], tags={}))
    for obj in osmium.FileProcessor(str(src), osmium.osm.RELATION):
        writer.add_relation(obj)
    tags = {
        "type": "boundary",
        "boundary": "administrative",
        "admin_level": "4",
        "ISO3166-2": "RU-XX",
    }
    rel = osmium.osm.mutable.Relation(id=BASE, members=members or [("w", BASE, "outer")], tags=tags)
    writer.add_relation(rel)
    writer.close()
    return out


def _content(path: Path):
    nodes: dict[int, tuple[float, float, bool]] = {}
    ways: dict[int, list[int]] = {}
    rels: dict[int, dict[str, str]] = {}
    for obj in osmium.FileProcessor(str(path)):
        if obj.is_node():
            nodes[obj.id] = (obj.location.lon, obj.location.lat, bool(obj.tags))
        elif obj.is_way():
            ways[obj.id] = [n.ref for n in obj.nodes]
        elif obj.is_relation():
            rels[obj.id] = dict(obj.tags)
    return nodes, ways, rels


def test_real_extract_is_cut_by_the_boundary(tmp_path, osm_test_pbf, osm_real):
    src = _with_boundary(osm_test_pbf, tmp_path / "with_boundary.osm.pbf")
    summary = cut_region(src, "ru-xx", tmp_path / "cut.osm.pbf")
    assert summary.relation_id == BASE

    nodes, ways, rels = _content(src)
    area = Polygon(RING)
    inside = {k for k, (lon, lat, _) in nodes.items() if area.covers(Point(lon, lat))}
    want_ways = {k for k, refs in ways.items() if inside & set(refs)}
    assert 0 < len(inside) < len(nodes)
    assert 0 < len(want_ways) < len(ways)

    got_nodes, got_ways, got_rels = _content(summary.path)
    assert set(got_ways) == want_ways | {
        m for r in got_rels if r != BASE for m in _members(src, r) if m in ways
    }
    assert summary.nodes_inside == len(inside)
    outside = set(got_nodes) - inside
    way_nodes = {n for k in got_ways for n in got_ways[k]}
    assert outside <= way_nodes  # nodes outside only as members of kept ways
    for k in got_ways:
        assert got_ways[k] == ways[k]  # ways kept whole
    assert all(rels[r].get("type") in {"multipolygon", "boundary"} for r in got_rels)
    assert BASE in got_rels

    roads = read_osm_roads(summary.path)
    assert 0 < roads.summary()["kept"] < osm_real.summary()["kept"]


def _members(path: Path, rel_id: int) -> list[int]:
    for obj in osmium.FileProcessor(str(path), osmium.osm.RELATION):
        if obj.id == rel_id:
            return [m.ref for m in obj.members if m.type == "w"]
    return []


def test_boundary_polygon_and_errors(tmp_path, osm_test_pbf):
    src = _with_boundary(osm_test_pbf, tmp_path / "with_boundary.osm.pbf")
    rel_id, area = region_boundary(src, "RU-XX")
    assert rel_id == BASE
    assert area.equals(Polygon(RING))

    with pytest.raises(BoundaryNotFoundError, match=r"ISO3166-2=RU-BA \(regions found: RU-XX\)"):
        cut_region(src, "RU-BA", tmp_path / "none.osm.pbf")
    assert not (tmp_path / "none.osm.pbf").exists()

    broken = _with_boundary(
        osm_test_pbf, tmp_path / "broken.osm.pbf", members=[("w", BASE + 1, "outer")]
    )
    with pytest.raises(BoundaryNotFoundError, match="does not close into an area"):
        cut_region(broken, "RU-XX", tmp_path / "x.osm.pbf")

    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"<html>404</html>")
    with pytest.raises(FormatError, match="OSMHeader"):
        cut_region(junk, "RU-XX", tmp_path / "y.osm.pbf")
