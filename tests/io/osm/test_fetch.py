"""Download, checksum, cut and cache of a region's OSM extract, from a loopback server.

The extract is written here with pyosmium: a grid of roads over two regions (an
irregular one with a hole, RU-BA, and a square one, RU-TA) with their admin_level=4
boundary relations. What the cut must keep is computed independently with shapely from
the coordinates written; nothing reaches the internet.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import osmium
import pytest
from shapely.geometry import Point, Polygon

from opora.errors import BoundaryNotFoundError, OsmChecksumError, OsmDownloadError
from opora.io.osm import read_osm_roads
from opora.io.osm.fetch import (
    cached_region_extract,
    district_extract_url,
    download_extract,
    fetch_region_extract,
    read_published_md5,
)

EXTRACT = "/russia/volga-fed-district-latest.osm.pbf"

#: RU-BA: an irregular outer ring and a hole (an enclave of another region).
BA_OUTER = [(55.0, 54.0), (57.0, 54.0), (57.6, 55.1), (56.1, 56.0), (55.0, 55.5)]
BA_HOLE = [(55.8, 54.6), (56.3, 54.6), (56.3, 54.9), (55.8, 54.9)]
#: RU-TA: a square to the north.
TA_RING = [(55.0, 56.3), (57.0, 56.3), (57.0, 57.0), (55.0, 57.0)]


@dataclass
class Fixture:
    """The extract written and what it holds, for the independent check."""

    path: Path
    nodes: dict[int, tuple[float, float, dict[str, str]]]
    ways: dict[int, tuple[list[int], dict[str, str]]]
    relations: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = field(
        default_factory=dict
    )


def _build(path: Path) -> Fixture:
    nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
    ways: dict[int, tuple[list[int], dict[str, str]]] = {}
    rels: dict[int, tuple[list[tuple[str, int, str]], dict[str, str]]] = {}
    nid = 1
    grid: dict[tuple[int, int], int] = {}
    for i in range(16):  # lon 54.53 … 58.28, lat 53.57 … 57.32: off every boundary edge
        for j in range(16):
            grid[i, j] = nid
            nodes[nid] = (54.53 + 0.25 * i, 53.57 + 0.25 * j, {})
            nid += 1
    wid = 1
    for j in range(16):  # east-west roads of three nodes each
        for i in range(0, 15, 2):
            refs = [grid[i, j], grid[i + 1, j], grid[min(i + 2, 15), j]]
            ways[wid] = (refs, {"highway": "residential", "name": f"row {j}"})
            wid += 1
    for i in (3, 7, 11):  # a few north-south roads crossing everything
        ways[wid] = ([grid[i, j] for j in range(16)], {"highway": "primary"})
        wid += 1
    pois = {  # tagged points: inside, in the hole, outside
        5001: (56.5, 54.5),
        5002: (56.0, 54.75),
        5003: (58.0, 54.0),
        5004: (55.5, 56.6),
    }
    for k, (lon, lat) in pois.items():
        nodes[k] = (lon, lat, {"amenity": "school", "name": f"school {k}"})

    def ring(first_id: int, coords: list[tuple[float, float]]) -> list[int]:
        ids = []
        for n, (lon, lat) in enumerate(coords):
            nodes[first_id + n] = (lon, lat, {})
            ids.append(first_id + n)
        return ids

    ba = ring(9000, BA_OUTER)
    hole = ring(9100, BA_HOLE)
    ta = ring(9200, TA_RING)
    ways[8001] = (ba[:3], {})
    ways[8002] = ([*ba[2:], ba[0]], {})
    ways[8003] = ([*hole, hole[0]], {})
    ways[8004] = ([*ta, ta[0]], {})
    admin = {"type": "boundary", "boundary": "administrative", "admin_level": "4"}
    rels[7001] = (
        [("w", 8001, "outer"), ("w", 8002, "outer"), ("w", 8003, "inner")],
        {**admin, "ISO3166-2": "RU-BA", "name": "Башкортостан"},
    )
    rels[7002] = ([("w", 8004, "outer")], {**admin, "ISO3166-2": "RU-TA"})
    # a lake across the border (kept whole), one far outside (dropped), a route (dropped)
    lake = ring(9300, [(56.9, 54.4), (57.3, 54.4), (57.3, 54.7), (56.9, 54.7)])
    far = ring(9400, [(58.1, 56.9), (58.2, 56.9), (58.2, 57.0)])
    ways[8005] = ([*lake, lake[0]], {})
    ways[8006] = ([*far, far[0]], {})
    rels[7003] = ([("w", 8005, "outer")], {"type": "multipolygon", "natural": "water"})
    rels[7004] = ([("w", 8006, "outer")], {"type": "multipolygon", "natural": "water"})
    rels[7005] = ([("w", 1, ""), ("w", 2, "")], {"type": "route", "route": "road"})

    writer = osmium.SimpleWriter(str(path))
    for k, (lon, lat, tags) in sorted(nodes.items()):
        writer.add_node(osmium.osm.mutable.Node(id=k, location=(lon, lat), tags=tags))
    for k, (refs, tags) in sorted(ways.items()):
        writer.add_way(osmium.osm.mutable.Way(id=k, nodes=refs, tags=tags))
    for k, (members, tags) in sorted(rels.items()):
        writer.add_relation(osmium.osm.mutable.Relation(id=k, members=members, tags=tags))
    writer.close()
    return Fixture(path, nodes, ways, rels)


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Fixture:
    return _build(tmp_path_factory.mktemp("osm_src") / "volga.osm.pbf")


class Server:
    """A loopback HTTP server of a few files, counting requests; it can misbehave."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: Counter[str] = Counter()
        self.ranges: list[str] = []
        self.cut_after: int | None = None  # close the connection after so many bytes, once
        self.ignore_range = False
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server.requests[self.path] += 1
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and not server.ignore_range:
                    server.ranges.append(rng)
                    start = int(rng.removeprefix("bytes=").rstrip("-"))
                    if start >= len(body):
                        self.send_error(416, "Range Not Satisfiable")
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                data = body[start:]
                if server.cut_after is not None and self.path.endswith(".pbf"):
                    data, server.cut_after = data[: server.cut_after], None
                    self.close_connection = True
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _files(pbf: bytes, md5: str | None = None) -> dict[str, bytes]:
    digest = md5 or hashlib.md5(pbf).hexdigest()
    return {
        EXTRACT: pbf,
        f"{EXTRACT}.md5": f"{digest}  volga-fed-district-latest.osm.pbf\n".encode(),
    }


@pytest.fixture
def server(extract) -> Iterator[Server]:
    srv = Server(_files(extract.path.read_bytes()))
    yield srv
    srv.close()


def _read(path: Path) -> tuple[dict[int, dict[str, str]], dict[int, list[int]], set[int]]:
    """Nodes (tags), ways (refs) and relation ids of a file, read with pyosmium."""
    nodes: dict[int, dict[str, str]] = {}
    ways: dict[int, list[int]] = {}
    rels: set[int] = set()
    for obj in osmium.FileProcessor(str(path)):
        if obj.is_node():
            nodes[obj.id] = dict(obj.tags)
        elif obj.is_way():
            ways[obj.id] = [n.ref for n in obj.nodes]
        elif obj.is_relation():
            rels.add(obj.id)
    return nodes, ways, rels


def test_url_of_a_district_extract():
    assert district_extract_url("volga") == (
        "https://download.geofabrik.de/russia/volga-fed-district-latest.osm.pbf"
    )
    assert district_extract_url("far-eastern", "http://mirror/").endswith(
        "/russia/far-eastern-fed-district-latest.osm.pbf"
    )


def test_fetch_cuts_exactly_the_region(tmp_path, extract, server):
    got = fetch_region_extract("Bashkortostan", tmp_path, url_base=server.url)
    assert got.downloaded
    assert got.cut
    assert got.region.iso == "RU-BA"
    assert got.path.parent == tmp_path / "osm" / "regions"
    assert got.md5 == hashlib.md5(extract.path.read_bytes()).hexdigest()
    assert server.requests == {EXTRACT: 1, f"{EXTRACT}.md5": 1}

    area = Polygon(BA_OUTER, [BA_HOLE])
    inside = {k for k, (lon, lat, _) in extract.nodes.items() if area.covers(Point(lon, lat))}
    want_ways = {k for k, (refs, _) in extract.ways.items() if inside & set(refs)}
    assert 8005 in want_ways
    assert 8006 not in want_ways
    want_nodes = inside | {n for k in want_ways for n in extract.ways[k][0]}
    nodes, ways, rels = _read(got.path)

    assert set(ways) == want_ways
    assert set(nodes) == want_nodes
    assert rels == {7001, 7003}
    assert {k for k, tags in nodes.items() if tags} == {5001}  # hole and outside left out
    assert all(ways[k] == extract.ways[k][0] for k in ways)  # border roads kept whole
    assert 50 < len(inside) < len(extract.nodes) - 100  # the grid straddles the boundary

    record = json.loads(got.path.with_suffix("").with_suffix(".json").read_text())
    assert record["iso"] == "RU-BA"
    assert record["source_md5"] == got.md5
    assert record["nodes_inside"] == len(inside)
    assert record["boundary_relation"] == 7001
    kept = tmp_path / "osm" / "extracts" / "volga-fed-district-latest.osm.pbf"
    assert kept.read_bytes() == extract.path.read_bytes()
    assert not list(kept.parent.glob("*.part*"))

    roads = read_osm_roads(got.path)  # the cut is a usable extract
    assert roads.graph is not None


def test_second_call_uses_the_cache_without_requests(tmp_path, server):
    first = fetch_region_extract("RU-BA", tmp_path, url_base=server.url)
    before = dict(server.requests)
    again = fetch_region_extract("80", tmp_path, url_base=server.url)
    assert dict(server.requests) == before
    assert again.path == first.path
    assert not again.cut
    assert not again.downloaded
    assert cached_region_extract("Республика Башкортостан", tmp_path) == first.path

    refreshed = fetch_region_extract("RU-BA", tmp_path, url_base=server.url, refresh=True)
    assert refreshed.path == first.path
    assert server.requests[EXTRACT] == 1  # only the .md5 was read again
    assert server.requests[f"{EXTRACT}.md5"] == 2


def test_another_region_of_the_district_is_cut_from_the_kept_extract(tmp_path, server):
    fetch_region_extract("RU-BA", tmp_path, url_base=server.url)
    ta = fetch_region_extract("Татарстан", tmp_path, url_base=server.url)
    assert ta.cut
    assert not ta.downloaded
    assert server.requests[EXTRACT] == 1
    nodes, _, _ = _read(ta.path)
    assert {k for k, tags in nodes.items() if tags} == {5004}


def test_new_published_extract_replaces_the_cut(tmp_path, extract, server):
    first = fetch_region_extract("RU-BA", tmp_path, url_base=server.url)
    server.files.update(_files(_rewrite(tmp_path / "v2.osm.pbf", extract, {5005: (56.6, 54.6)})))
    second = fetch_region_extract("RU-BA", tmp_path, url_base=server.url, refresh=True)
    assert second.downloaded
    assert second.path != first.path
    assert not first.path.exists()  # the old cut is replaced
    assert cached_region_extract("RU-BA", tmp_path) == second.path
    got, _, _ = _read(second.path)
    assert {k for k, tags in got.items() if tags} == {5001, 5005}


def _rewrite(path: Path, fx: Fixture, extra: dict[int, tuple[float, float]]) -> bytes:
    writer = osmium.SimpleWriter(str(path))
    allnodes = {
        **fx.nodes,
        **{k: (lon, lat, {"amenity": "clinic"}) for k, (lon, lat) in extra.items()},
    }
    for k, (lon, lat, tags) in sorted(allnodes.items()):
        writer.add_node(osmium.osm.mutable.Node(id=k, location=(lon, lat), tags=tags))
    for k, (refs, tags) in sorted(fx.ways.items()):
        writer.add_way(osmium.osm.mutable.Way(id=k, nodes=refs, tags=tags))
    for k, (members, tags) in sorted(fx.relations.items()):
        writer.add_relation(osmium.osm.mutable.Relation(id=k, members=members, tags=tags))
    writer.close()
    return path.read_bytes()


def test_corrupted_download_fails_the_checksum_and_keeps_nothing(tmp_path, extract):
    good = extract.path.read_bytes()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF
    srv = Server(_files(bytes(bad), hashlib.md5(good).hexdigest()))
    try:
        with pytest.raises(OsmChecksumError, match=r"MD5 .* publishes .*run the command again"):
            fetch_region_extract("RU-BA", tmp_path, url_base=srv.url)
    finally:
        srv.close()
    leftovers = [p for p in (tmp_path / "osm").rglob("*") if p.is_file()]
    assert leftovers == []
    assert cached_region_extract("RU-BA", tmp_path) is None


def test_interrupted_download_resumes_where_it_stopped(tmp_path, extract, server):
    size = len(extract.path.read_bytes())
    server.cut_after = size // 3
    with pytest.raises(OsmDownloadError, match="run the same command again to resume"):
        fetch_region_extract("RU-BA", tmp_path, url_base=server.url)
    part = tmp_path / "osm" / "extracts" / "volga-fed-district-latest.osm.pbf.part"
    assert part.stat().st_size == size // 3
    seen: list[tuple[int, int | None]] = []
    got = fetch_region_extract(
        "RU-BA", tmp_path, url_base=server.url, bytes_progress=lambda d, t: seen.append((d, t))
    )
    assert server.ranges == [f"bytes={size // 3}-"]
    assert seen[-1] == (size, size)
    assert got.path.exists()
    assert not part.exists()


def test_server_ignoring_the_range_restarts_cleanly(tmp_path, extract, server):
    target = tmp_path / "x.osm.pbf"
    target.with_name("x.osm.pbf.part").write_bytes(b"garbage from elsewhere")
    target.with_name("x.osm.pbf.part.md5").write_text(
        hashlib.md5(extract.path.read_bytes()).hexdigest()
    )
    server.ignore_range = True
    md5 = download_extract(server.url + EXTRACT, target)
    assert target.read_bytes() == extract.path.read_bytes()
    assert md5 == read_published_md5(server.url + EXTRACT)


def test_part_of_another_version_is_not_resumed(tmp_path, extract, server):
    target = tmp_path / "x.osm.pbf"
    target.with_name("x.osm.pbf.part").write_bytes(b"old version bytes")
    target.with_name("x.osm.pbf.part.md5").write_text("0" * 32)
    download_extract(server.url + EXTRACT, target)
    assert server.ranges == []
    assert target.read_bytes() == extract.path.read_bytes()


def test_download_errors_name_the_address_and_the_fix(tmp_path, server):
    with pytest.raises(OsmDownloadError, match=r"HTTP 404.*--url-base"):
        download_extract(server.url + "/russia/nothing.osm.pbf", tmp_path / "a.osm.pbf")
    server.files[f"{EXTRACT}.md5"] = b"<html>not a checksum</html>"
    with pytest.raises(OsmDownloadError, match="holds no MD5 checksum"):
        read_published_md5(server.url + EXTRACT)
    with pytest.raises(OsmDownloadError, match="could not download"):
        fetch_region_extract("RU-BA", tmp_path, url_base="http://127.0.0.1:9")
    with pytest.raises(OsmDownloadError, match="only http"):
        download_extract("file:///etc/passwd", tmp_path / "b.osm.pbf")
    assert cached_region_extract("RU-BA", tmp_path) is None


def test_region_without_boundary_in_the_extract(tmp_path, server):
    with pytest.raises(
        BoundaryNotFoundError, match=r"ISO3166-2=RU-UD \(regions found: RU-BA, RU-TA\)"
    ):
        fetch_region_extract("Udmurtia", tmp_path, url_base=server.url)
    assert not list((tmp_path / "osm" / "regions").glob("*.osm.pbf"))
    assert cached_region_extract("RU-UD", tmp_path) is None
