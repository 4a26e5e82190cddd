"""The application factory, the command, errors as JSON, the front end and the schema."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from opora.api import create_app
from opora.api.app import STATIC_DIR
from opora.cli.main import app as cli
from opora.errors import IncompleteRunError, SourceNotFoundError


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_not_a_workspace_is_refused(tmp_path):
    with pytest.raises(SourceNotFoundError, match="opora demo"):
        create_app(tmp_path)
    with pytest.raises(SourceNotFoundError, match="no such folder"):
        create_app(tmp_path / "missing")


def test_incomplete_folder_is_refused(workspace_copy):
    (workspace_copy / "run.json").unlink()
    with pytest.raises(IncompleteRunError, match="did not finish"):
        create_app(workspace_copy)


def test_folder_becoming_incomplete_answers_409(workspace_copy):
    from fastapi.testclient import TestClient

    with TestClient(create_app(workspace_copy), raise_server_exceptions=False) as c:
        assert c.get("/api/info").status_code == 200
        (workspace_copy / "run.json").unlink()
        r = c.get("/api/municipalities")
        assert r.status_code == 409
        err = r.json()["error"]
        assert err["type"] == "IncompleteRunError"
        assert err["status"] == 409
        assert "run.json" in err["message"]
        # liveness does not depend on the folder
        assert c.get("/health").status_code == 200


def test_serve_refuses_incomplete_folder_with_exit_2(workspace_copy, tmp_path):
    (workspace_copy / "run.json").unlink()
    r = CliRunner().invoke(cli, ["serve", str(workspace_copy)])
    assert r.exit_code == 2, r.output
    assert "did not finish" in r.output
    assert "Traceback" not in r.output
    r = CliRunner().invoke(cli, ["serve", str(tmp_path / "nowhere")])
    assert r.exit_code == 2
    assert "no such folder" in r.output
    r = CliRunner().invoke(cli, ["serve", str(tmp_path), "--tiles", "ftp://x"])
    assert r.exit_code == 2
    assert "--tiles" in r.output


def test_serve_prints_the_address(workspace, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    monkeypatch.delenv("OPORA_TOKEN", raising=False)
    r = CliRunner().invoke(cli, ["serve", str(workspace), "--port", "8123"])
    assert r.exit_code == 0, r.output
    assert f"opora: serving {workspace} on http://127.0.0.1:8123/" in r.output
    assert seen["host"] == "127.0.0.1"
    assert seen["port"] == 8123
    assert seen["app"].state.opora.tokens == {}


def test_errors_are_json(client):
    r = client.get("/api/layers/settlements.geojson", params={"limit": 0})
    assert r.status_code == 422
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["type"] == "RequestValidationError"
    assert "limit" in body["error"]["message"]
    r = client.get("/api/no-such-endpoint")
    assert r.status_code == 404
    assert r.json()["error"]["status"] == 404


def test_front_end_and_static(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    if (STATIC_DIR / "index.html").is_file():
        assert r.text == (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    assets = [p for p in STATIC_DIR.rglob("*") if p.is_file()] if STATIC_DIR.is_dir() else []
    if assets:
        rel = assets[0].relative_to(STATIC_DIR).as_posix()
        r = client.get(f"/static/{rel}")
        assert r.status_code == 200
        assert r.content == assets[0].read_bytes()
    # no path from a request leaves the static folder
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404


def test_openapi_documents_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    ops = [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "delete", "put", "patch"}
    ]
    paths = {p for p, _, _ in ops}
    for needed in [
        "/health",
        "/api/info",
        "/api/layers/{layer_id}.geojson",
        "/api/tiles/{layer}/{z}/{x}/{y}.pbf",
        "/api/municipalities",
        "/api/towns/{oktmo}",
        "/api/towns/{oktmo}/passport.html",
        "/api/towns/{oktmo}/passport.pdf",
        "/api/anchors/summary",
        "/api/anchors",
        "/api/anchors/services",
        "/api/regions",
    ]:
        assert needed in paths
    for path, method, op in ops:
        assert op.get("summary"), f"{method} {path} has no summary"
        assert op.get("responses"), f"{method} {path} documents no response"


def test_country_folder_incomplete_is_refused(country, tmp_path):
    copy = tmp_path / "c"
    shutil.copytree(country, copy)
    (copy / "country_run.json").unlink()
    with pytest.raises(IncompleteRunError, match="opora country"):
        create_app(copy)
