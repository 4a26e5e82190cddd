"""Jobs of the web application: tokens, upload checks, the three kinds of job, downloads.

Results are checked against the workspace's own files (``anchor_coverage.csv``,
``region.gpkg``), written by the main job, not by the code under test; the scenario's
numbers are checked against networkx in ``tests/workflow/test_whatif.py``.
"""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from opora.api import create_app
from opora.api.jobs import JobRunner
from opora.io.store import FileStore

TOKEN = "token-of-ivanova-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def ws(tmp_path_factory, workspace) -> Path:
    """A private copy of the workspace: the jobs keep their records in it."""
    out = tmp_path_factory.mktemp("jobs_ws") / "ws"
    shutil.copytree(workspace, out, ignore=shutil.ignore_patterns(".opora-server"))
    return out


@pytest.fixture(scope="module", params=["file", "postgis"])
def app_client(request, ws) -> Iterator[TestClient]:
    """The application with a token, jobs in the runner's thread; file store, then PostGIS."""
    database = None
    if request.param == "postgis":
        try:
            database = request.getfixturevalue("postgis_url")
        except pytest.FixtureLookupError:
            pytest.skip("no PostGIS server fixture")
    app = create_app(ws, database=database, tokens={"ivanova": TOKEN})
    app.state.job_mode = "thread"
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _wait(client: TestClient, job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish: {job}")


def _ids(client: TestClient) -> set[str]:
    r = client.get("/api/jobs", params={"limit": 500})
    assert r.status_code == 200
    return {j["id"] for j in r.json()["items"]}


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _writes(ws: Path) -> list[tuple[str, dict]]:
    return [
        ("/api/jobs/anchor-list", {"files": {"file": ("l.csv", b"oktmo\n80701000001\n")}}),
        ("/api/jobs/scenario", {"json": {"season": "winter"}}),
        ("/api/jobs/scenario", {"json": {"season": "spring", "bogus": 1}}),
        ("/api/jobs/export", {"json": {"format": "gpkg"}}),
    ]


# -- safe by default ----------------------------------------------------------------------------


def test_no_token_configured_every_write_is_403_and_no_job(client, workspace):
    before = _ids(client)
    for path, kwargs in _writes(workspace):
        for headers in ({}, AUTH):
            r = client.post(path, headers=headers, **kwargs)
            assert r.status_code == 403, (path, r.text)
            assert r.json()["error"]["status"] == 403
    assert _ids(client) == before == set()


def test_missing_or_wrong_token_is_401_and_no_job(app_client, ws):
    before = _ids(app_client)
    for path, kwargs in _writes(ws):
        for headers in ({}, {"Authorization": "Bearer nope-nope-nope"}, {"Authorization": TOKEN}):
            r = app_client.post(path, headers=headers, **kwargs)
            assert r.status_code == 401, (path, r.text)
            assert r.headers["www-authenticate"].startswith("Bearer")
    assert _ids(app_client) == before


def test_country_folder_has_no_jobs(country_client):
    r = country_client.get("/api/jobs")
    assert r.status_code == 409
    assert "serve one of its regions" in r.json()["error"]["message"]


# -- upload checks ------------------------------------------------------------------------------


def _post_list(client: TestClient, name: str, content: bytes, **extra):
    return client.post(
        "/api/jobs/anchor-list", headers=AUTH, files={"file": (name, content)}, **extra
    )


def test_zip_renamed_csv_is_refused_with_a_clear_message(app_client):
    before = _ids(app_client)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("list.csv", "oktmo\n80701000001\n")
    r = _post_list(app_client, "list.csv", plain.getvalue())
    assert r.status_code == 415
    err = r.json()["error"]
    assert err["type"] == "FormatError"
    assert err["message"] == (
        "list.csv: this is a zip file, not CSV text; check that you chose the right file, "
        "or unpack/convert it to a UTF-8 CSV first"
    )
    book = _xlsx(pd.DataFrame({"oktmo": ["80701000001"]}))
    r = _post_list(app_client, "list.csv", book)
    assert r.status_code == 415
    assert "Excel workbook (xlsx), not CSV" in r.json()["error"]["message"]
    r = _post_list(app_client, "list.xlsx", b"%PDF-1.7 not a workbook")
    assert r.status_code == 415
    assert _ids(app_client) == before


def test_unreadable_list_is_422_with_the_cli_message(app_client):
    before = _ids(app_client)
    r = _post_list(app_client, "l.csv", "oktmo,name\n1,Уфа\n".encode("cp1251"))
    assert r.status_code == 422
    assert r.json()["error"]["type"] == "EncodingError"
    assert "Windows-1251 (cp1251)" in r.json()["error"]["message"]
    r = _post_list(app_client, "l.csv", b"foo,bar\n1,2\n")
    assert r.status_code == 422
    assert r.json()["error"]["message"] == (
        "l.csv, column `oktmo`: needs an `oktmo` (11-digit settlement code) or a `name` column"
    )
    r = _post_list(app_client, "l.csv", b"oktmo,level\n80701000001,regional\n")
    assert r.status_code == 422
    assert "row 2: level 'regional' is not known" in r.json()["error"]["message"]
    r = _post_list(app_client, "l.csv", b"oktmo\n80701000001\n", data={"additions": "999"})
    assert r.status_code == 422
    assert _ids(app_client) == before


def test_upload_size_limit_is_413(app_client):
    before = _ids(app_client)
    app_client.app.state.job_runner.max_upload = 1000
    try:
        big = b"oktmo\n" + b"80701000001\n" * 200
        r = _post_list(app_client, "l.csv", big)
        assert r.status_code == 413
        assert "larger than" in r.json()["error"]["message"]
        huge = b"x" * 200_000  # beyond the limit and the form's overhead: refused while read
        assert _post_list(app_client, "l.csv", huge).status_code == 413
    finally:
        app_client.app.state.job_runner.max_upload = 10 * 1024 * 1024
    r = app_client.post(
        "/api/jobs/anchor-list", headers={**AUTH, "Content-Type": "text/csv"}, content=b"oktmo\n"
    )
    assert r.status_code == 415
    assert _ids(app_client) == before


# -- the jobs -----------------------------------------------------------------------------------


def test_anchor_list_job(app_client, ws):
    text = "ОКТМО;Уровень\n80701000001;межрайонный\n80999999999;опорный\n"
    r = _post_list(app_client, "Список опор.csv", text.encode(), data={"additions": "2"})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    job = _wait(app_client, job_id)
    assert job["status"] == "done", job["error"]
    assert job["author"] == "ivanova"
    assert job["kind"] == "anchor-list"
    assert job["created"].endswith("+00:00")
    assert job["params"] == {"file": "Список_опор.csv", "additions": 2}
    assert (job["summary"]["rows"], job["summary"]["matched"], job["summary"]["rejected"]) == (
        2,
        1,
        1,
    )
    assert job["progress"]["done"] == job["progress"]["total"] > 1
    assert job["downloads"] == ["anchor_list_evaluation.xlsx"]
    r = app_client.get(f"/api/jobs/{job_id}/download/anchor_list_evaluation.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="anchor_list_evaluation.xlsx"' in r.headers["content-disposition"]
    book = pd.read_excel(io.BytesIO(r.content), sheet_name=None)
    # the proposal's coverage in the workbook is the workspace's anchor_coverage.csv
    cov = pd.read_csv(ws / "anchor_coverage.csv")
    np.testing.assert_allclose(book["coverage"]["covered_pct"], cov["covered_pct"])
    fc = app_client.get(f"/api/jobs/{job_id}/layers/given_anchors.geojson").json()
    assert [f["properties"]["settlement_id"] for f in fc["features"]] == ["80701000001"]
    page = app_client.get(f"/api/jobs/{job_id}/tables/coverage", params={"limit": 3}).json()
    assert page["total"] == len(cov)
    assert len(page["items"]) == 3
    # the uploaded bytes are kept in the store, under the store's own name
    store = app_client.app.state.opora.store
    assert store.file(job_id, "upload.csv") == text.encode()


def test_empty_scenario_job_reproduces_the_workspace_coverage(app_client, ws):
    r = app_client.post("/api/jobs/scenario", headers=AUTH, json={})
    assert r.status_code == 202
    job = _wait(app_client, r.json()["id"])
    assert job["status"] == "done", job["error"]
    cov = pd.read_csv(ws / "anchor_coverage.csv")
    got = pd.DataFrame(job["summary"]["coverage"])
    assert got["service"].tolist() == cov["service"].tolist()
    np.testing.assert_allclose(got["covered_pct_before"], cov["covered_pct"], rtol=1e-12)
    np.testing.assert_allclose(got["covered_pct_after"], cov["covered_pct"], rtol=1e-12)
    assert job["summary"]["changed"]["settlements"] == 0
    fc = app_client.get(f"/api/jobs/{job['id']}/layers/coverage_change.geojson").json()
    assert fc["type"] == "FeatureCollection"
    assert fc["features"] == []


def test_closing_an_anchor_shows_the_change(app_client, ws):
    anchors = pd.read_csv(ws / "anchors.csv", dtype={"settlement_id": str})
    sid = str(anchors.loc[anchors["population"] > 0].iloc[1]["settlement_id"])
    body = {"season": "summer", "close_anchors": [sid]}
    job = _wait(
        app_client, app_client.post("/api/jobs/scenario", headers=AUTH, json=body).json()["id"]
    )
    assert job["status"] == "done", job["error"]
    assert job["params"]["close_anchors"] == [sid]
    assert job["summary"]["changed"]["lost"] > 0
    fc = app_client.get(f"/api/jobs/{job['id']}/layers/coverage_change.geojson").json()
    assert len(fc["features"]) == job["summary"]["changed"]["settlements"]
    assert {f["properties"]["change"] for f in fc["features"]} == {"lost"}
    assert all(f["geometry"]["type"] == "Point" for f in fc["features"])
    r = app_client.get(f"/api/jobs/{job['id']}/download/scenario.xlsx")
    assert r.status_code == 200
    book = pd.read_excel(io.BytesIO(r.content), sheet_name=None)
    assert {"about", "coverage", "settlements", "anchors"} <= set(book)


def test_failed_job_keeps_the_cli_message(app_client):
    body = {"close_anchors": ["80999999999"]}
    job = _wait(
        app_client, app_client.post("/api/jobs/scenario", headers=AUTH, json=body).json()["id"]
    )
    assert job["status"] == "failed"
    assert job["error"] == (
        "scenario `scenario`, close_anchors: no settlement of the region has OKTMO 80999999999"
    )
    assert job["error_type"] == "AnchorSelectionError"
    assert job["downloads"] == []


def test_export_jobs(app_client, ws):
    ids = {}
    for fmt in ("gpkg", "xlsx"):
        r = app_client.post("/api/jobs/export", headers=AUTH, json={"format": fmt})
        assert r.status_code == 202
        ids[fmt] = r.json()["id"]
    gpkg = _wait(app_client, ids["gpkg"])
    assert gpkg["downloads"] == ["workspace.gpkg"]
    r = app_client.get(f"/api/jobs/{ids['gpkg']}/download/workspace.gpkg")
    assert r.content == (ws / "region.gpkg").read_bytes()
    xlsx = _wait(app_client, ids["xlsx"])
    r = app_client.get(f"/api/jobs/{ids['xlsx']}/download/workspace.xlsx")
    book = pd.read_excel(io.BytesIO(r.content), sheet_name=None, dtype={"settlement_id": str})
    assert "anchor_coverage" in book
    assert xlsx["summary"]["sheets"][0] == "settlements"
    assert (
        app_client.post("/api/jobs/export", headers=AUTH, json={"format": "shp"}).status_code == 422
    )


def test_job_list_is_newest_first(app_client):
    items = app_client.get("/api/jobs").json()["items"]
    created = [j["created"] for j in items]
    assert created == sorted(created, reverse=True)
    assert all(j["author"] == "ivanova" for j in items)


def test_names_come_from_the_job_record_only(app_client):
    job_id = app_client.get("/api/jobs").json()["items"][0]["id"]
    for name in ("upload.csv", "region.gpkg", "job.json", "run.json", "%2e%2e"):
        r = app_client.get(f"/api/jobs/{job_id}/download/{name}")
        assert r.status_code == 404, name
        assert r.json()["error"]["type"] == "SourceNotFoundError"
    assert app_client.get(f"/api/jobs/{job_id}/download/..%2F..%2Frun.json").status_code == 404
    for bad in ("..%2F..", "x" * 32, "0" * 31):
        assert app_client.get(f"/api/jobs/{bad}").status_code == 404
    assert app_client.get(f"/api/jobs/{job_id}/layers/nope.geojson").status_code == 404
    assert app_client.get(f"/api/jobs/{job_id}/tables/nope").status_code == 404


def test_openapi_documents_the_job_endpoints(app_client):
    paths = app_client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/jobs",
        "/api/jobs/{job_id}",
        "/api/jobs/anchor-list",
        "/api/jobs/scenario",
        "/api/jobs/export",
        "/api/jobs/{job_id}/layers/{name}.geojson",
        "/api/jobs/{job_id}/tables/{name}",
        "/api/jobs/{job_id}/download/{name}",
    ):
        assert path in paths
    upload = paths["/api/jobs/anchor-list"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"401", "403", "413", "415", "422"} <= set(upload["responses"])


# -- the runner ---------------------------------------------------------------------------------


def test_jobs_left_running_by_a_stopped_server_are_failed(workspace_copy):
    store = FileStore(workspace_copy)
    store.save_job(
        {
            "id": "a" * 32,
            "kind": "export",
            "author": "x",
            "created": "2026-01-01T00:00:00+00:00",
            "status": "running",
            "progress": {"done": 1, "total": 3, "message": "copy"},
            "params": {"format": "gpkg"},
            "summary": None,
            "error": None,
        }
    )
    JobRunner(store, workspace_copy, mode="thread")
    job = store.job("a" * 32)
    assert job["status"] == "failed"
    assert "server stopped" in job["error"]


def test_process_mode_keeps_health_answering(workspace_copy):
    """The job runs in a child process; /health answers while it runs."""
    app = create_app(workspace_copy, tokens={"ivanova": TOKEN})
    with TestClient(app, raise_server_exceptions=False) as c:
        job_id = c.post("/api/jobs/export", headers=AUTH, json={"format": "gpkg"}).json()["id"]
        seen = set()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert c.get("/health").status_code == 200
            job = c.get(f"/api/jobs/{job_id}").json()
            seen.add(job["status"])
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
        assert job["status"] == "done", job["error"]
        assert "running" in seen or "queued" in seen
        assert job["downloads"] == ["workspace.gpkg"]
        failed = c.post("/api/jobs/scenario", headers=AUTH, json={"close_facilities": ["nope"]})
        job = _wait(c, failed.json()["id"], timeout=180)
        assert job["status"] == "failed"
        assert "no facility has id 'nope'" in job["error"]
        c.app.state.job_runner.close()
