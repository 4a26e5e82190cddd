"""The stores and the loading of tables: once per version, reloaded atomically, jobs kept."""

from __future__ import annotations

import json
import os
import threading

import geopandas as gpd
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point

from opora.api import create_app
from opora.errors import SourceNotFoundError
from opora.io.store import FileStore, Store


def test_store_reads_tables_and_layers(store, workspace_copy):
    assert isinstance(store, Store)
    v = store.version()
    assert v == store.version()
    anchors = store.table("anchors")
    raw = pd.read_csv(workspace_copy / "anchors.csv", dtype=str)
    assert len(anchors) == len(raw)
    assert anchors["settlement_id"].map(type).eq(str).all()
    assert anchors["settlement_id"].tolist() == raw["settlement_id"].tolist()
    s = store.layer("settlements")
    assert s.crs.to_epsg() == 4326
    assert s["oktmo"].dropna().map(type).eq(str).all()
    with pytest.raises(SourceNotFoundError):
        store.table("no_such_table")
    with pytest.raises(SourceNotFoundError):
        store.layer("no_such_layer")


def test_store_keeps_jobs_results_files(store):
    job = {"id": "job-1", "kind": "export", "author": "ann", "created": "2026-01-01T00:00:00"}
    store.save_job(job | {"status": "queued"})
    store.save_job(job | {"status": "done"})
    store.save_job({"id": "job-0", "kind": "scenario", "created": "2025-12-31T00:00:00"})
    assert store.job("job-1")["status"] == "done"
    # the PostGIS store's schema is shared with the job tests: look at this test's jobs
    assert [j["id"] for j in store.jobs() if j["id"] in ("job-0", "job-1")] == ["job-0", "job-1"]
    frame = pd.DataFrame({"settlement_id": ["01", "02"], "value": [1.5, 2.0]})
    store.save_result("job-1", "coverage", frame)
    pd.testing.assert_frame_equal(store.result("job-1", "coverage"), frame)
    geo = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(55, 54)], crs=4326)
    store.save_result("job-1", "points", geo)
    back = store.result("job-1", "points")
    assert isinstance(back, gpd.GeoDataFrame)
    assert back.geometry.iloc[0].equals(Point(55, 54))
    store.save_file("job-1", "out.xlsx", b"PK\x03\x04data")
    assert store.file("job-1", "out.xlsx") == b"PK\x03\x04data"
    with pytest.raises(SourceNotFoundError):
        store.job("nope")
    with pytest.raises(SourceNotFoundError):
        store.file("job-1", "missing.gpkg")
    with pytest.raises(SourceNotFoundError):
        store.result("job-1", "missing")


@pytest.mark.parametrize("bad", ["../job-1", "job/1", "..", "", "a" * 101, "job-1/../x"])
def test_file_store_never_builds_a_path_from_a_request(workspace_copy, bad, tmp_path):
    store = FileStore(workspace_copy, state_dir=tmp_path / "state")
    store.save_job({"id": "job-1"})
    with pytest.raises(SourceNotFoundError):
        store.job(bad)
    with pytest.raises((SourceNotFoundError, ValueError)):
        store.file("job-1", bad)
    with pytest.raises(ValueError):
        store.save_file("job-1", bad or ".hidden", b"x")
    with pytest.raises(ValueError):
        store.save_job({"id": bad})
    # nothing was written outside the state folder
    assert sorted(p.name for p in (tmp_path / "state" / "jobs").iterdir()) == ["job-1"]


def _count_reads(monkeypatch) -> dict[str, int]:
    calls: dict[str, int] = {}
    original = FileStore.table

    def counting(self, name):
        calls[name] = calls.get(name, 0) + 1
        return original(self, name)

    monkeypatch.setattr(FileStore, "table", counting)
    return calls


def _bump(folder, extra: str) -> None:
    """Rewrite the completion record, as a finished rerun would."""
    path = folder / "run.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["rerun"] = extra
    tmp = folder / ".run.json.tmp"
    tmp.write_text(json.dumps(record), encoding="utf-8")
    os.replace(tmp, path)


def test_tables_load_once_per_version_and_reload(workspace_copy, monkeypatch):
    calls = _count_reads(monkeypatch)
    anchors = pd.read_csv(workspace_copy / "anchors.csv", dtype=str)
    with TestClient(create_app(workspace_copy)) as c:
        for _ in range(5):
            assert c.get("/api/anchors").json()["total"] == len(anchors)
        assert calls["anchors"] == 1
        # a file changed under the server, run.json not (yet): the loaded version is kept
        anchors.head(3).to_csv(workspace_copy / "anchors.csv", index=False)
        assert c.get("/api/anchors").json()["total"] == len(anchors)
        assert calls["anchors"] == 1
        # the run finished: its record changed, the new tables are loaded once
        _bump(workspace_copy, "1")
        for _ in range(3):
            assert c.get("/api/anchors").json()["total"] == 3
        assert calls["anchors"] == 2
        info = c.get("/api/info").json()
        assert info["version"] == FileStore(workspace_copy).version()


def test_reload_under_concurrent_requests_never_fails(workspace_copy):
    anchors = pd.read_csv(workspace_copy / "anchors.csv", dtype=str)
    totals: list[int] = []
    statuses: list[int] = []
    with TestClient(create_app(workspace_copy)) as c:

        def hit() -> None:
            for _ in range(10):
                r = c.get("/api/anchors")
                statuses.append(r.status_code)
                totals.append(r.json()["total"])

        threads = [threading.Thread(target=hit) for _ in range(4)]
        for t in threads:
            t.start()
        anchors.head(2).to_csv(workspace_copy / "anchors.csv", index=False)
        _bump(workspace_copy, "2")
        for t in threads:
            t.join()
        assert set(statuses) == {200}
        # each answer is one whole version: the old table or the new one
        assert set(totals) <= {len(anchors), 2}
        assert c.get("/api/anchors").json()["total"] == 2


def test_health_answers_while_a_table_loads(workspace_copy, monkeypatch):
    """A page whose table is loading waits in a worker thread: /health answers meanwhile."""
    started, release = threading.Event(), threading.Event()
    original = FileStore.table

    def slow(self, name):
        if name == "anchors":
            started.set()
            release.wait(timeout=30)
        return original(self, name)

    monkeypatch.setattr(FileStore, "table", slow)
    with TestClient(create_app(workspace_copy)) as c:
        out: dict[str, object] = {}
        t = threading.Thread(target=lambda: out.setdefault("page", c.get("/api/anchors")))
        t.start()
        try:
            assert started.wait(timeout=30)
            assert c.get("/health").status_code == 200
            assert t.is_alive()  # the page is still waiting for its table
        finally:
            release.set()
            t.join(timeout=30)
        assert out["page"].status_code == 200  # type: ignore[attr-defined]


def test_cached_answers_equal_fresh_ones(workspace_copy):
    """A repeated request is answered from the cache with the bytes of a fresh app."""
    paths = [
        "/api/municipalities?limit=20&sort=population&order=desc",
        "/api/municipalities?limit=5&offset=3&q=%D1%80%D0%B0%D0%B9%D0%BE%D0%BD",
        "/api/anchors?limit=7&offset=2",
        "/api/anchors/services?limit=9",
        "/api/anchors/tables/coverage",
        "/api/towns?limit=3",
        "/api/layers/anchors.geojson?limit=4",
        "/api/tiles/settlements/6/43/20.pbf",
    ]
    app = create_app(workspace_copy)
    with TestClient(app) as c:
        first = [c.get(p) for p in paths]
        again = [c.get(p) for p in paths]
        pages = app.state.opora.snapshot().cache("pages")
        assert len(pages) >= 5
    for p, a, b in zip(paths, first, again, strict=True):
        assert a.status_code == b.status_code, p
        assert a.content == b.content, p
        assert a.headers.get("content-type") == b.headers.get("content-type"), p
    for p, a in zip(paths, first, strict=True):
        with TestClient(create_app(workspace_copy)) as fresh:
            assert fresh.get(p).content == a.content, p


def test_errors_are_not_cached(workspace_copy):
    app = create_app(workspace_copy)
    with TestClient(app) as c:
        (workspace_copy / "anchor_solves.csv").unlink(missing_ok=True)
        assert c.get("/api/anchors/tables/solves").status_code == 404
        assert c.get("/api/anchors/tables/solves").status_code == 404
        assert len(app.state.opora.snapshot().cache("pages")) == 0


def test_bytes_cache_is_bounded():
    from opora.api.state import BytesCache

    cache = BytesCache(max_items=3, max_bytes=10)
    for i in range(5):
        cache.put(i, b"ab")
    assert len(cache) == 3
    assert cache.get(0) is None
    assert cache.get(4) == b"ab"
    cache.put("big", b"x" * 11)  # larger than the whole cache: not kept
    assert cache.get("big") is None
    cache.put("eight", b"x" * 8)  # drops the least recently used until 10 bytes fit
    assert cache.nbytes <= 10
    assert cache.get("eight") == b"x" * 8
    assert cache.get(4) == b"ab"
    cache.put(4, b"")  # replacing an answer counts its new length
    assert cache.nbytes == 8
    assert cache.get(4) == b""


def test_each_store_serves_the_same_answers(served, client):
    """The file store and PostGIS give the same pages, layers and tile contents."""
    import mapbox_vector_tile

    info, ref = served.get("/api/info").json(), client.get("/api/info").json()
    assert info["kind"] == ref["kind"]
    assert info["modelled"] == ref["modelled"]
    assert [x["id"] for x in info["layers"]] == [x["id"] for x in ref["layers"]]
    assert info["services"] == ref["services"]
    for path in (
        "/api/municipalities?limit=500&sort=population&order=desc",
        "/api/anchors?limit=500",
        "/api/anchors/services?limit=20",
        "/api/layers/anchors.geojson",
    ):
        got, want = served.get(path), client.get(path)
        assert got.status_code == want.status_code == 200, path
        a, b = got.json(), want.json()
        key = "items" if "items" in a else "features"
        assert a["total"] == b["total"], path
        assert len(a[key]) == len(b[key]), path
    import math

    w, s, e, n = ref["bbox"]
    lon, lat = (w + e) / 2, (s + n) / 2
    x = int((lon + 180.0) / 360.0 * 32)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * 32)
    for layer in ("settlements", "outside"):
        got = served.get(f"/api/tiles/{layer}/5/{x}/{y}.pbf")
        want = client.get(f"/api/tiles/{layer}/5/{x}/{y}.pbf")
        assert got.status_code == want.status_code, layer
        if want.status_code == 200:
            ids = [
                sorted(f["properties"]["settlement_id"] for f in t[layer]["features"])
                for t in (
                    mapbox_vector_tile.decode(got.content),
                    mapbox_vector_tile.decode(want.content),
                )
            ]
            assert ids[0] == ids[1], layer
