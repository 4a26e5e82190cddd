"""Read-only endpoints against the workspace files read independently with pandas/pyogrio."""

from __future__ import annotations

import tomllib
from importlib.resources import files

import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import box, shape


@pytest.fixture(scope="module")
def files_of(workspace):
    """Workspace tables read straight from the files, codes as text."""
    gpkg = workspace / "region.gpkg"
    return {
        "settlements": pyogrio.read_dataframe(gpkg, layer="settlements"),
        "municipalities": pyogrio.read_dataframe(gpkg, layer="municipalities"),
        "catchments": pyogrio.read_dataframe(gpkg, layer="anchor_catchments"),
        "anchors": pd.read_csv(workspace / "anchors.csv", dtype=str),
        "services": pd.read_csv(workspace / "anchor_services.csv", dtype=str),
        "provenance": pd.read_csv(workspace / "provenance.csv", dtype=str),
        "additions": pd.read_csv(workspace / "anchor_evaluation_additions.csv", dtype=str),
    }


def test_info(client, files_of):
    body = client.get("/api/info").json()
    assert body["kind"] == "region"
    assert body["name"]["ru"] == "Республика Башкортостан"
    assert body["store"] == "file"
    assert body["writable"] is False
    s = files_of["settlements"]
    w, so, e, n = s.total_bounds
    assert body["bbox"] == pytest.approx([w, so, e, n], abs=1e-5)
    # services: the package's standards file, names in both languages
    norms = tomllib.loads(files("opora.data").joinpath("normatives.toml").read_text("utf-8"))
    table = norms.get("services", norms)
    codes = [s["code"] for s in body["services"]]
    assert "school" in codes
    for svc in body["services"]:
        assert svc["name_ru"] == table[svc["code"]]["label_ru"]
        assert svc["name_en"] == table[svc["code"]]["label_en"]
    assert body["seasons"][0] == "summer"
    # modelled flags from provenance.csv
    prov = files_of["provenance"]
    modelled = set(prov.loc[prov["kind"] == "modelled", "table"])
    for key in ("roads", "facilities", "firms"):
        assert body["modelled"][key] == (key in modelled)
    layers = {layer["id"]: layer for layer in body["layers"]}
    assert {"settlements", "access", "anchors", "outside", "municipalities"} <= set(layers)
    assert layers["settlements"]["source"] == "tiles"
    assert layers["anchors"]["source"] == "geojson"
    assert layers["settlements"]["features"] == len(s)
    # anchors rest on the road network and the facilities: modelled where those are
    assert layers["anchors"]["modelled"] == bool({"roads", "facilities"} & modelled)


def test_municipalities_page_and_codes(client, files_of):
    m = files_of["municipalities"]
    body = client.get("/api/municipalities", params={"limit": 500}).json()
    assert body["total"] == len(m)
    assert body["limit"] == 500
    items = body["items"]
    assert all(isinstance(i["oktmo"], str) and len(i["oktmo"]) == 8 for i in items)
    assert [i["oktmo"] for i in items] == sorted(m["oktmo"].astype(str))[:500]
    upper = client.get("/api/municipalities", params={"level": "upper"}).json()
    assert upper["total"] == int((m["level"] == "upper").sum())
    assert client.get("/api/municipalities", params={"limit": 501}).status_code == 422


def test_municipality_population_and_bbox(client, files_of):
    s = files_of["settlements"].assign(
        municipality_oktmo=lambda f: f["municipality_oktmo"].astype(str)
    )
    m = files_of["municipalities"]
    parent = dict(zip(m["oktmo"].astype(str), m["parent_oktmo"].astype(str), strict=True))
    level = dict(zip(m["oktmo"].astype(str), m["level"].astype(str), strict=True))
    checked = 0
    for code in s["municipality_oktmo"].unique():
        if code not in level:
            continue
        top = code if level[code] == "upper" else parent[code]
        for target in {code, top}:
            if level.get(target) == "upper":
                # a code unknown to the table belongs to its district (NNNNN000)
                own = s["municipality_oktmo"].map(
                    lambda c: c if level.get(c) == "upper" else parent.get(c, c[:5] + "000")
                )
                mine = s[own == target]
            else:
                mine = s[s["municipality_oktmo"] == target]
            body = client.get("/api/municipalities", params={"q": target, "limit": 500}).json()
            item = next(i for i in body["items"] if i["oktmo"] == target)
            assert item["population"] == round(mine["population"].sum()), target
            w, so, e, n = item["bbox"]
            assert w <= mine.geometry.x.min() + 1e-6
            assert e >= mine.geometry.x.max() - 1e-6
            assert so <= mine.geometry.y.min() + 1e-6
            assert n >= mine.geometry.y.max() - 1e-6
            assert w <= item["lon"] <= e
            assert so <= item["lat"] <= n
            checked += 1
    assert checked >= 2


def test_municipalities_sort_search(client, files_of):
    m = files_of["municipalities"]
    body = client.get(
        "/api/municipalities", params={"sort": "name", "order": "desc", "limit": 5}
    ).json()
    names = [i["name"] for i in body["items"]]
    assert names == sorted(m["name"].astype(str), reverse=True)[:5]
    # search ignores case and «ё»
    body = client.get("/api/municipalities", params={"q": "УФА"}).json()
    expect = m["name"].str.lower().str.replace("ё", "е").str.contains("уфа")
    assert body["total"] >= int(expect.sum())
    assert body["total"] > 0


def test_geojson_bbox_and_pagination(client, files_of):
    c = files_of["catchments"]
    w, s, e, n = c.total_bounds
    bbox = (w, s, (w + e) / 2, (s + n) / 2)
    expect = int(c.geometry.intersects(box(*bbox)).sum())
    body = client.get(
        "/api/layers/anchor_catchments.geojson",
        params={"bbox": ",".join(str(v) for v in bbox), "limit": 20_000},
    ).json()
    assert body["type"] == "FeatureCollection"
    # bbox filter by bounds: every intersecting polygon, and only those whose bounds touch it
    assert body["total"] >= expect
    for f in body["features"]:
        gw, gs, ge, gn = shape(f["geometry"]).bounds
        assert gw <= bbox[2]
        assert ge >= bbox[0]
        assert gs <= bbox[3]
        assert gn >= bbox[1]
    full = client.get("/api/layers/anchor_catchments.geojson").json()
    assert full["total"] == len(c)
    page = client.get(
        "/api/layers/anchor_catchments.geojson", params={"offset": 2, "limit": 3}
    ).json()
    assert [f["properties"] for f in page["features"]] == [
        f["properties"] for f in full["features"][2:5]
    ]
    assert client.get("/api/layers/anchors.geojson", params={"limit": 20_001}).status_code == 422
    bad = client.get("/api/layers/anchors.geojson", params={"bbox": "1,2,0,3"})
    assert bad.status_code == 422
    assert "bbox" in bad.json()["error"]["message"]


def test_geojson_points_in_bbox_exactly(client, files_of):
    s = files_of["settlements"]
    x, y = s.geometry.x.to_numpy(), s.geometry.y.to_numpy()
    bbox = (np.quantile(x, 0.2), np.quantile(y, 0.2), np.quantile(x, 0.7), np.quantile(y, 0.8))
    inside = (x >= bbox[0]) & (x <= bbox[2]) & (y >= bbox[1]) & (y <= bbox[3])
    body = client.get(
        "/api/layers/settlements.geojson",
        params={"bbox": ",".join(repr(float(v)) for v in bbox), "limit": 20_000},
    ).json()
    assert body["total"] == int(inside.sum())
    got = sorted(f["properties"]["settlement_id"] for f in body["features"])
    assert got == sorted(s.loc[inside, "settlement_id"].astype(str))
    assert all(isinstance(f["properties"]["oktmo"], str) for f in body["features"])


def test_ties_are_lines_between_settlements(client, files_of, workspace):
    edges = pd.read_csv(workspace / "ties_edges.csv", dtype={"source": str, "target": str})
    s = files_of["settlements"].set_index("settlement_id")
    known = edges["source"].isin(s.index) & edges["target"].isin(s.index)
    body = client.get("/api/layers/ties.geojson", params={"limit": 20_000}).json()
    assert body["total"] == int(known.sum())
    f = body["features"][0]
    (x0, y0), (x1, y1) = f["geometry"]["coordinates"]
    a, b = s.loc[f["properties"]["source"]], s.loc[f["properties"]["target"]]
    assert (x0, y0) == pytest.approx((a.geometry.x, a.geometry.y))
    assert (x1, y1) == pytest.approx((b.geometry.x, b.geometry.y))


def test_anchors_summary_and_tables(client, files_of):
    a = files_of["anchors"]
    summary = client.get("/api/anchors/summary").json()
    counts = {r["level"]: r["anchors"] for r in summary["levels"]}
    assert counts == a["level"].value_counts().to_dict()
    page = client.get("/api/anchors", params={"limit": 2}).json()
    assert page["total"] == len(a)
    assert [i["settlement_id"] for i in page["items"]] == a["settlement_id"].head(2).tolist()
    assert all(isinstance(i["settlement_id"], str) for i in page["items"])
    local = client.get("/api/anchors", params={"level": "local", "limit": 500}).json()
    assert local["total"] == int((a["level"] == "local").sum())
    name = a["name"].iloc[0]
    hit = client.get("/api/anchors", params={"q": name.upper()}).json()
    assert name in [i["name"] for i in hit["items"]]


def test_anchor_services_and_named_tables(client, files_of):
    sv = files_of["services"]
    anchor = sv["anchor_id"].iloc[0]
    body = client.get("/api/anchors/services", params={"anchor": anchor, "limit": 500}).json()
    assert body["total"] == int((sv["anchor_id"] == anchor).sum())
    mine = set(sv.loc[sv["anchor_id"] == anchor, "service"])
    assert {i["service"] for i in body["items"]} == mine
    add = client.get("/api/anchors/tables/evaluation_additions").json()
    assert add["total"] == len(files_of["additions"])
    assert client.get("/api/anchors/tables/..%2Frun").status_code in {404, 422}
    assert client.get("/api/anchors/tables/passwd").status_code == 422


def test_regions_only_in_a_country_folder(client):
    r = client.get("/api/regions")
    assert r.status_code == 404
    assert "opora country" in r.json()["error"]["message"]


def test_towns_and_passports(client, files_of):
    towns = client.get("/api/towns").json()
    assert towns["total"] > 0
    first = towns["items"][0]
    s = files_of["settlements"]
    row = s[s["oktmo"].astype(str) == first["oktmo"]].iloc[0]
    assert first["name"] == row["name"]
    # small towns only (≤ 50,000 people), largest first
    pops = [t["population"] for t in towns["items"]]
    assert pops == sorted(pops, reverse=True)
    assert max(pops) <= 50_000
    body = client.get(f"/api/towns/{first['oktmo']}").json()
    assert body["oktmo"] == first["oktmo"]
    assert body["view"]["name"] == first["name"]
    assert body["view"]["anchor_role"].keys() == {"ru", "en"}
    html = client.get(body["links"]["html"], params={"lang": "en"})
    assert html.status_code == 200
    assert first["name"] in html.text
    pdf = client.get(body["links"]["pdf"])
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    missing = client.get("/api/towns/00000000000")
    assert missing.status_code == 404
    assert "matches no small town" in missing.json()["error"]["message"]
    assert client.get("/api/towns/abc").status_code == 422


def test_country_folder(country_client, country):
    info = country_client.get("/api/info").json()
    assert info["kind"] == "country"
    ids = {layer["id"] for layer in info["layers"]}
    assert {"settlements", "access", "regions", "municipalities", "anchors"} <= ids
    table = pd.read_csv(country / "national_regions.csv", dtype=str)
    regions = country_client.get("/api/regions").json()
    assert regions["total"] == len(table)
    assert regions["items"][0]["key"] == "RU-BA"
    nat = pd.read_parquet(country / "national_municipalities.parquet")
    munis = country_client.get("/api/municipalities").json()
    assert munis["total"] == len(nat)
    layer = country_client.get("/api/layers/regions.geojson").json()
    assert layer["total"] == 1
    assert layer["features"][0]["properties"]["key"] == "RU-BA"
