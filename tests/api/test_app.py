"""The HTTP API, in process (no network)."""

import pytest
from fastapi.testclient import TestClient

from opora.api import create_app
from opora.config import Settings
from opora.errors import SourceNotFoundError
from opora.io.register import read_settlement_register
from opora.workflow import run_demo


@pytest.fixture(scope="module")
def client(tmp_path_factory, mini_data_dir, register_csv):
    out = tmp_path_factory.mktemp("ws")
    run_demo(
        out,
        Settings(cache_dir=out / "c", data_dir=mini_data_dir),
        region="80",
        data_dir=mini_data_dir,
        register=read_settlement_register(register_csv),
    )
    return TestClient(create_app(out))


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_region_and_provenance(client):
    body = client.get("/region").json()
    assert body["region"] == "Республика Башкортостан"
    # the demo adds the modelled road network, facilities and firm registry, and settlement
    # populations scaled to the 2024 bulletin; nothing else
    assert body["modelled_tables"] == ["facilities", "firms", "roads", "settlement_population"]
    assert any("GPL" in p["licence"] for p in body["provenance"])


def test_settlements_filter(client):
    fc = client.get("/settlements", params={"municipality": "80601410"}).json()
    names = sorted(f["properties"]["name"] for f in fc["features"])
    assert names == ["Малая Тестовка", "Пример", "Тестовка"]
    big = client.get("/settlements", params={"min_population": 100_000}).json()
    assert [f["properties"]["name"] for f in big["features"]] == ["Уфа"]
    assert client.get("/settlements", params={"municipality": "8060"}).status_code == 422


def test_municipalities_and_profile(client):
    up = client.get("/municipalities", params={"level": "upper"}).json()
    assert len(up["features"]) == 3
    prof = client.get("/profile").json()
    assert {p["oktmo"] for p in prof} == {"80601000", "80602000", "80701000"}
    ind = client.get("/indicators", params={"oktmo": "80601000", "code": "Y48313015"}).json()
    assert [i["value"] for i in ind] == [25.5]


def test_rejects_summary(client):
    rows = client.get("/rejects/summary").json()
    assert any(r["action"] == "rejected" for r in rows)


def test_not_a_workspace(tmp_path):
    with pytest.raises(SourceNotFoundError, match="opora init"):
        create_app(tmp_path)


def test_anchor_endpoints(client):
    anchors = client.get("/anchors").json()
    assert anchors
    assert {a["level"] for a in anchors} <= {"district", "local"}
    local = client.get("/anchors", params={"level": "local"}).json()
    assert all(a["level"] == "local" for a in local)
    assert client.get("/anchors", params={"level": "regional"}).status_code == 422
    cov = client.get("/anchors/coverage").json()
    assert {c["service"] for c in cov} >= {"school", "hospital"}
    out = client.get("/anchors/outside", params={"limit": 5}).json()
    sizes = [o["population_outside"] for o in out]
    assert sizes == sorted(sizes, reverse=True)
    scen = client.get("/anchors/scenarios").json()
    assert {s["scenario"] for s in scen} == {"winter"}
