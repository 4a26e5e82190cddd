"""What-if work of the web application, checked against networkx shortest paths.

The reference recomputes coverage from the workspace's own files (``anchors.csv`` with
the services of each anchor, ``anchor_coverage.csv``, the facilities layer) and the
road graph, with networkx's Dijkstra instead of the framework's travel-time matrices:
a settlement is covered for a service when an anchor providing it (less the closed
ones) lies within the service's standard.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from opora.errors import (
    AnchorSelectionError,
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    SourceNotFoundError,
)
from opora.io.normatives import read_normatives
from opora.workflow import workspace_accessibility
from opora.workflow.whatif import (
    ScenarioRequest,
    evaluate_anchor_list,
    export_workspace,
    read_uploaded_list,
    run_scenario,
    upload_kind,
)


@pytest.fixture(scope="module")
def ws(demo) -> Path:
    return demo.paths["report"].parent


@pytest.fixture(scope="module")
def network(ws):
    """The road graph and settlement nodes the workspace's accessibility uses (inputs)."""
    reg, an = workspace_accessibility(ws)
    s = reg.settlements.reset_index(drop=True)
    ids = s["settlement_id"].astype(str).tolist()
    return {
        "graph": an.graph,
        "node": dict(zip(ids, np.asarray(an.access.settlement_node), strict=True)),
        "leg": dict(
            zip(
                ids,
                np.zeros(len(ids))
                if an.access.settlement_access_min is None
                else np.asarray(an.access.settlement_access_min, dtype=float),
                strict=True,
            )
        ),
        "population": dict(
            zip(ids, pd.to_numeric(s["population"], errors="coerce").fillna(0.0), strict=True)
        ),
    }


def _anchors(ws: Path) -> dict[str, set[str]]:
    """Services of each anchor of the workspace's proposal (``anchors.csv``)."""
    a = pd.read_csv(ws / "anchors.csv", dtype={"settlement_id": str})
    return {
        sid: {x.strip() for x in str(services).split(",")}
        for sid, services in zip(a["settlement_id"], a["services"], strict=True)
    }


def _reference(
    network,
    anchors: dict[str, set[str]],
    *,
    state: str = "summer",
    closed: set[tuple[str, str]] = frozenset(),
    links: list[tuple[str, str, float]] = (),
) -> dict[str, set[str]]:
    """Per service, the settlements (population > 0) within its standard, by networkx."""
    g = network["graph"]
    mask = g.open_in[state]
    factor = float(g.slowdown.get(state, 1.0))
    nxg = nx.DiGraph()
    nxg.add_nodes_from(range(len(g.node_lon)))
    for f, t, w in zip(g.arc_from[mask], g.arc_to[mask], g.arc_minutes[mask], strict=True):
        w = float(w) * factor
        if not nxg.has_edge(int(f), int(t)) or nxg[int(f)][int(t)]["w"] > w:
            nxg.add_edge(int(f), int(t), w=w)
    node, leg = network["node"], network["leg"]
    for a, b, m in links:
        for u, v in ((node[a], node[b]), (node[b], node[a])):
            w = float(m) * factor
            if not nxg.has_edge(int(u), int(v)) or nxg[int(u)][int(v)]["w"] > w:
                nxg.add_edge(int(u), int(v), w=w)
    norms = read_normatives(None)
    out: dict[str, set[str]] = {k: set() for k in norms}
    for anchor, services in anchors.items():
        # travel time from every settlement to this anchor (reverse search from it)
        dist = nx.single_source_dijkstra_path_length(
            nxg.reverse(copy=False), int(node[anchor]), weight="w"
        )
        for k in services:
            if (anchor, k) in closed:
                continue
            std = norms[k].max_minutes
            for sid, n in node.items():
                if network["population"][sid] <= 0 or int(n) not in dist:
                    continue
                minutes = leg[sid] + dist[int(n)] + leg[anchor]
                if sid == anchor or minutes <= std + 1e-9:
                    out[k].add(sid)
    return out


def _pct(network, covered: set[str]) -> float:
    pop = network["population"]
    total = sum(v for v in pop.values() if v > 0)
    return sum(pop[s] for s in covered) / total * 100


# -- scenarios ----------------------------------------------------------------------------------


def test_empty_scenario_reproduces_the_workspace_coverage(ws, network):
    steps: list[str] = []
    r = run_scenario(ws, ScenarioRequest(), progress=steps.append)
    base = pd.read_csv(ws / "anchor_coverage.csv").set_index("service")
    got = r.tables["coverage"].set_index("service").loc[base.index]
    np.testing.assert_allclose(got["covered_pct_before"], base["covered_pct"], rtol=1e-12)
    np.testing.assert_allclose(got["covered_pct_after"], base["covered_pct"], rtol=1e-12)
    np.testing.assert_allclose(
        got["covered_population_after"], base["covered_population"], rtol=1e-12
    )
    assert r.summary["changed"] == {
        "settlements": 0,
        "lost": 0,
        "gained": 0,
        "population_lost": 0.0,
        "population_gained": 0.0,
    }
    assert r.summary["anchors"]["added"] == []
    assert r.summary["anchors"]["removed"] == []
    assert len(r.layers["coverage_change"]) == 0
    assert steps
    assert steps[-1] == "scenario: the change"
    # the reference agrees with the workspace file, so it can judge the other scenarios
    ref = _reference(network, _anchors(ws))
    for k, row in base.iterrows():
        assert _pct(network, ref[k]) == pytest.approx(row["covered_pct"], rel=1e-12)


def _closing_that_loses(ws, network, service: str) -> tuple[str, str, set[str]]:
    """A facility of ``service`` at an anchor whose closure leaves people outside."""
    anchors = _anchors(ws)
    base = _reference(network, anchors)[service]
    fac = gpd.read_file(ws / "region.gpkg", layer="facilities")
    fac = fac[(fac["type"] == service) & fac["settlement_id"].isin(list(anchors))]
    for fid, sid in zip(fac["facility_id"], fac["settlement_id"], strict=True):
        after = _reference(network, anchors, closed={(sid, service)})[service]
        if base - after:
            return str(fid), str(sid), base - after
    pytest.fail(f"no closure of a {service} loses coverage in the tiny region")


def test_closing_a_facility_loses_the_settlements_networkx_finds(ws, network):
    fid, sid, lost = _closing_that_loses(ws, network, "clinic")
    r = run_scenario(ws, ScenarioRequest(close_facilities=(fid,)))
    per = r.tables["settlements"]
    got = set(per.loc[per["services_lost"].str.contains("clinic"), "settlement_id"])
    assert got == lost
    ref = _reference(network, _anchors(ws), closed={(sid, "clinic")})
    cov = r.tables["coverage"].set_index("service")
    assert cov.at["clinic", "covered_pct_after"] == pytest.approx(_pct(network, ref["clinic"]))
    # only the clinic changes: every other service keeps its coverage
    others = cov.drop(index="clinic")
    np.testing.assert_allclose(others["covered_pct_after"], others["covered_pct_before"])
    assert set(per["change"]) == {"lost"}
    layer = r.layers["coverage_change"]
    assert layer.crs.to_epsg() == 4326
    assert set(layer["settlement_id"]) == set(per["settlement_id"])
    assert r.summary["changed"]["population_lost"] == pytest.approx(
        sum(network["population"][s] for s in lost)
    )


def test_closing_an_anchor_matches_networkx(ws, network):
    anchors = _anchors(ws)
    district = pd.read_csv(ws / "anchors.csv", dtype={"settlement_id": str})
    sid = str(district.loc[district["population"] > 0].iloc[1]["settlement_id"])
    ref = _reference(network, {a: s for a, s in anchors.items() if a != sid})
    base = _reference(network, anchors)
    r = run_scenario(ws, ScenarioRequest(close_anchors=(sid,)))
    cov = r.tables["coverage"].set_index("service")
    for k in ref:
        assert cov.at[k, "covered_pct_after"] == pytest.approx(_pct(network, ref[k])), k
    lost = {s for k in ref for s in base[k] - ref[k]}
    assert lost, "the closed anchor should leave someone outside"
    assert set(r.tables["settlements"]["settlement_id"]) == lost
    # the re-selection never keeps a closed anchor
    assert sid not in set(r.tables["anchors"].query("change == 'added'")["settlement_id"])


def test_a_new_link_gains_the_settlements_networkx_finds(ws, network):
    anchors = _anchors(ws)
    base = _reference(network, anchors)
    outside = sorted(
        (s for s in network["node"] if network["population"][s] > 0 and s not in base["school"]),
        key=lambda s: -network["population"][s],
    )
    assert outside, "the tiny region has a settlement outside the school standard"
    town = outside[0]
    local = next(a for a, services in anchors.items() if "school" in services)
    links = [(town, local, 5.0)]
    ref = _reference(network, anchors, links=links)
    r = run_scenario(
        ws, ScenarioRequest.from_mapping({"add_links": [{"from": town, "to": local, "minutes": 5}]})
    )
    per = r.tables["settlements"]
    gained = set(per.loc[per["services_gained"].str.contains("school"), "settlement_id"])
    assert gained == ref["school"] - base["school"]
    assert town in gained
    cov = r.tables["coverage"].set_index("service")
    for k in ref:
        assert cov.at[k, "covered_pct_after"] == pytest.approx(_pct(network, ref[k])), k
    assert r.summary["changed"]["lost"] == 0


def test_scenario_errors_name_the_field():
    with pytest.raises(FormatError, match="season 'spring' is not known"):
        ScenarioRequest.from_mapping({"season": "spring"})
    with pytest.raises(FormatError, match="unknown field"):
        ScenarioRequest.from_mapping({"close": ["x"]})
    with pytest.raises(FormatError, match="minutes must be a number above 0"):
        ScenarioRequest.from_mapping({"add_links": [{"from": "a", "to": "b", "minutes": -1}]})
    with pytest.raises(FormatError, match="same settlement"):
        ScenarioRequest.from_mapping({"add_links": [{"from": "a", "to": "a"}]})


def test_unknown_facility_or_settlement_is_refused(ws):
    with pytest.raises(AnchorSelectionError, match="no facility has id 'nope'"):
        run_scenario(ws, ScenarioRequest(close_facilities=("nope",)))
    with pytest.raises(AnchorSelectionError, match="no settlement of the region has OKTMO"):
        run_scenario(ws, ScenarioRequest(close_anchors=("80999999999",)))


def test_a_folder_that_is_not_a_workspace(tmp_path):
    with pytest.raises(SourceNotFoundError, match="not a region workspace"):
        run_scenario(tmp_path, ScenarioRequest())


# -- the uploaded list --------------------------------------------------------------------------


def test_uploaded_list_is_evaluated_like_the_cli(ws, network):
    anchors = pd.read_csv(ws / "anchors.csv", dtype={"settlement_id": str})
    district = anchors[(anchors["level"] == "district") & anchors["settlement_id"].str.isdigit()]
    chosen = district["settlement_id"].head(2).tolist()
    text = "oktmo;level\n" + "".join(f"{c};межрайонный\n" for c in chosen) + "80999999999;local\n"
    steps: list[str] = []
    r = evaluate_anchor_list(ws, "список опор.csv", text.encode(), progress=steps.append)
    s = r.summary
    assert (s["rows"], s["matched"], s["rejected"]) == (3, 2, 1)
    assert s["list"] == "список_опор.csv"
    # coverage of the given list: each given anchor provides every service of its level and
    # below; the reference computes it with networkx
    norms = read_normatives(None)
    given = {c: set(norms) for c in chosen}
    ref = _reference(network, given)
    cov = r.tables["coverage"].set_index("service")
    for k in norms:
        assert cov.at[k, "given_pct"] == pytest.approx(_pct(network, ref[k])), k
    assert set(r.layers["given_anchors"]["settlement_id"]) == set(chosen)
    book = pd.read_excel(io.BytesIO(r.files["anchor_list_evaluation.xlsx"]), sheet_name=None)
    assert {"given_coverage", "given_additions", "list_rejects"} <= set(book)
    assert book["list_rejects"]["value"].astype(str).str.contains("80999999999").any()
    assert steps[0] == "read the uploaded list"


def test_a_list_matching_nothing_is_refused(ws):
    with pytest.raises(EmptyFileError, match="no row matches a settlement"):
        evaluate_anchor_list(ws, "l.csv", b"oktmo\n80999999999\n")


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def test_upload_content_is_checked_by_its_first_bytes():
    book = _xlsx(pd.DataFrame({"oktmo": ["80701000001"]}))
    assert upload_kind("a.xlsx", book) == "xlsx"
    assert upload_kind("a.csv", b"oktmo\n80701000001\n") == "csv"
    with pytest.raises(FormatError, match="Excel workbook \\(xlsx\\), not CSV"):
        upload_kind("a.csv", book)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("x.txt", "hello")
    with pytest.raises(FormatError, match="this is a zip file, not CSV text"):
        upload_kind("renamed.csv", plain.getvalue())
    with pytest.raises(FormatError, match="not an Excel workbook"):
        upload_kind("a.xlsx", b"oktmo\n1\n")
    with pytest.raises(FormatError, match="PDF"):
        upload_kind("a.xlsx", b"%PDF-1.4 ...")
    with pytest.raises(FormatError, match="only CSV"):
        upload_kind("a.exe", b"MZ")
    with pytest.raises(EmptyFileError):
        upload_kind("a.csv", b"")


def test_uploaded_list_read_errors_name_the_upload_not_a_server_path():
    with pytest.raises(EncodingError, match="cp1251") as exc:
        read_uploaded_list("a.csv", "oktmo,name\n1,Уфа\n".encode("cp1251"))
    assert "/tmp" not in str(exc.value)
    with pytest.raises(MissingColumnError) as exc:
        read_uploaded_list("../../etc/passwd.csv", b"foo,bar\n1,2\n")
    assert str(exc.value).startswith("passwd.csv, column `oktmo`: needs an `oktmo`")
    table = read_uploaded_list("l.xlsx", _xlsx(pd.DataFrame({"Наименование": ["Уфа"]})))
    assert table["name"].tolist() == ["Уфа"]


# -- exports ------------------------------------------------------------------------------------


def test_export_gpkg_is_the_workspace_geopackage(ws, tmp_path):
    r = export_workspace(ws, "gpkg")
    path = tmp_path / "w.gpkg"
    path.write_bytes(r.files["workspace.gpkg"])
    got = gpd.read_file(path, layer="settlements")
    want = gpd.read_file(ws / "region.gpkg", layer="settlements")
    assert sorted(got["settlement_id"]) == sorted(want["settlement_id"])
    assert "facilities" in r.summary["layers"]


def test_export_xlsx_holds_every_table(ws):
    r = export_workspace(ws, "xlsx")
    book = pd.read_excel(io.BytesIO(r.files["workspace.xlsx"]), sheet_name=None, dtype=str)
    cov = pd.read_csv(ws / "anchor_coverage.csv", dtype=str, keep_default_na=False)
    got = book["anchor_coverage"].fillna("")
    assert got["covered_pct"].astype(float).tolist() == cov["covered_pct"].astype(float).tolist()
    assert len(book["settlements"]) == len(gpd.read_file(ws / "region.gpkg", layer="settlements"))
    assert all(len(name) <= 31 for name in book)
    with pytest.raises(FormatError, match="use gpkg or xlsx"):
        export_workspace(ws, "shp")
