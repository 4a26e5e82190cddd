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


def test_health_is_async_and_table_handlers_are_not():
    """Handlers that touch tables run in worker threads, so /health never waits on them."""
    import inspect

    from opora.api import read, tiles

    assert inspect.iscoroutinefunction(read.health)
    for fn in (
        read.info,
        read.geojson_layer,
        read.municipalities,
        read.town,
        read.town_pdf,
        read.anchors,
        read.anchors_summary,
        read.regions,
        tiles.get_tile,
    ):
        assert not inspect.iscoroutinefunction(fn), fn.__name__


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
