"""``opora fetch-osm`` against a loopback server, and ``--osm auto`` with and without a cut."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon

import opora.workflow
from opora.cli._common import resolve_osm
from opora.errors import OporaError

PATH = "/russia/volga-fed-district-latest.osm.pbf"
#: The region's boundary (a triangle) and the nodes: two inside, two outside.
RING = [(55.0, 54.0), (57.0, 54.0), (56.0, 55.5)]
NODES = {
    1: (55.5, 54.2),
    2: (56.5, 54.2),
    3: (56.0, 55.8),
    4: (58.0, 54.2),
    **{100 + k: xy for k, xy in enumerate(RING)},
}


@pytest.fixture(scope="module")
def extract(tmp_path_factory, write_osm) -> Path:
    nodes = {k: (lon, lat) for k, (lon, lat) in NODES.items()}
    nodes[1] = (*NODES[1], {"amenity": "school"})
    nodes[3] = (*NODES[3], {"amenity": "school"})
    ways = [
        (1, [1, 2], {"highway": "primary"}),  # inside
        (2, [2, 4], {"highway": "primary"}),  # across the border
        (3, [3, 4], {"highway": "primary"}),  # outside
        (9, [100, 101, 102, 100], {}),
    ]
    tags = {"type": "boundary", "boundary": "administrative", "admin_level": "4"}
    rels = [(7, [("w", 9, "outer")], {**tags, "ISO3166-2": "RU-BA"})]
    return write_osm(tmp_path_factory.mktemp("osm_cli") / "x.osm.pbf", nodes, ways, rels)


@pytest.fixture
def server(extract) -> Iterator[tuple[str, Counter[str]]]:
    body = extract.read_bytes()
    files = {PATH: body, f"{PATH}.md5": f"{hashlib.md5(body).hexdigest()}  x\n".encode()}
    hits: Counter[str] = Counter()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            hits[self.path] += 1
            data = files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=functools.partial(httpd.serve_forever, 0.05), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def test_fetch_osm_downloads_cuts_and_caches(tmp_path, opora_cli, server):
    url, hits = server
    r = opora_cli(
        "fetch-osm", "--region", "Bashkortostan", "--cache-dir", tmp_path, "--url-base", url
    )
    assert r.exit_code == 0, r.output
    assert "RU-BA" in r.output
    assert "--osm auto" in r.output
    cut = next((tmp_path / "osm" / "regions").glob("RU-BA-*.osm.pbf"))
    import osmium

    ways = {w.id for w in osmium.FileProcessor(str(cut), osmium.osm.WAY)}
    area = Polygon(RING)
    inside = {k for k, xy in NODES.items() if area.covers(Point(xy))}
    assert inside == {1, 2, 100, 101, 102}
    assert ways == {1, 2, 9}  # the way outside (3) is cut off
    assert hits[PATH] == 1

    again = opora_cli("fetch-osm", "--region", "RU-BA", "--cache-dir", tmp_path, "--url-base", url)
    assert again.exit_code == 0, again.output
    assert "cached" in again.output
    assert hits[PATH] == 1
    assert hits[f"{PATH}.md5"] == 1


def test_fetch_osm_errors_exit_2_with_the_fix(tmp_path, opora_cli, server):
    url, _ = server
    r = opora_cli("fetch-osm", "--region", "Tatarstan", "--cache-dir", tmp_path, "--url-base", url)
    assert r.exit_code == 2
    assert "ISO3166-2=RU-TA" in r.output
    assert "--osm FILE" in r.output
    r = opora_cli(
        "fetch-osm", "--region", "RU-BA", "--cache-dir", tmp_path, "--url-base", url + "/x"
    )
    assert r.exit_code == 2
    assert "HTTP 404" in r.output
    r = opora_cli("fetch-osm", "--region", "Атлантида", "--cache-dir", tmp_path, "--url-base", url)
    assert r.exit_code == 2
    assert "matches no region" in r.output


def test_osm_auto_without_a_cut_falls_back_to_the_modelled_network(tmp_path, capsys):
    assert resolve_osm(Path("auto"), "RU-BA", tmp_path) is None
    err = capsys.readouterr().err
    assert "modelled network" in err
    assert "opora fetch-osm --region RU-BA" in err
    assert resolve_osm(None, None, tmp_path) is None
    assert resolve_osm(Path("my.osm.pbf"), None, tmp_path) == Path("my.osm.pbf")


class _StopError(OporaError):
    """Stops the demo once its arguments are seen."""


def test_demo_osm_auto_passes_the_cached_cut(tmp_path, opora_cli, server, monkeypatch):
    seen: list[object] = []

    def fake_run_demo(*args: object, **kwargs: object) -> None:
        seen.append(kwargs["osm"])
        raise _StopError("stop")

    monkeypatch.setattr(opora.workflow, "run_demo", fake_run_demo)
    r = opora_cli("demo", "--osm", "auto", "--cache-dir", tmp_path, "--out", tmp_path / "o", "-q")
    assert "modelled network" in r.output
    assert seen == [None]

    url, _ = server
    assert opora_cli("fetch-osm", "--cache-dir", tmp_path, "--url-base", url, "-q").exit_code == 0
    r = opora_cli("demo", "--osm", "auto", "--cache-dir", tmp_path, "--out", tmp_path / "o", "-q")
    cut = next((tmp_path / "osm" / "regions").glob("RU-BA-*.osm.pbf"))
    assert seen == [None, cut]
    assert f"roads from {cut}" in r.output.replace("\n", "")
