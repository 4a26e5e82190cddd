"""`opora access reach`: pairs against scipy's bounded Dijkstra, inputs, errors, help.

Network: pyrosm's ``test.osm.pbf`` (the ``osm_test_pbf`` fixture of tests/conftest.py), a
clipped real extract. The reference reads the same roads, keeps their main network, snaps
the points with :func:`opora.access.snap.snap_points` and routes with one
``scipy.sparse.csgraph.dijkstra(limit=max_cost)`` per snapped node, adding the access legs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy.sparse.csgraph import dijkstra

from opora.access.snap import snap_points
from opora.io.osm import read_osm_roads

CUTOFF = 4.0


@pytest.fixture(scope="module")
def points_frame() -> pd.DataFrame:
    """30 seeded points over the extract; ids with leading zeros; two on one spot."""
    rng = np.random.default_rng(11)
    n = 30
    lon = rng.uniform(26.935, 26.965, n)
    lat = rng.uniform(60.522, 60.538, n)
    lon[7], lat[7] = lon[3], lat[3]  # two settlements snapped to one node
    return pd.DataFrame({"id": [f"{i:05d}" for i in range(n)], "lon": lon, "lat": lat})


@pytest.fixture
def points_csv(tmp_path, points_frame):
    path = tmp_path / "points.csv"
    points_frame.to_csv(path, index=False)
    return path


def _reference(pbf, frame: pd.DataFrame, cutoff: float, state: str = "summer") -> pd.DataFrame:
    """Pairs within ``cutoff`` by scipy's Dijkstra from the snapped nodes, access legs added."""
    full = read_osm_roads(pbf).graph
    graph, _ = full.subgraph(full.main_component())
    snapped = snap_points(graph, frame["lon"].to_numpy(), frame["lat"].to_numpy(), state=state)
    node = snapped["node"].to_numpy()
    leg = snapped["access_minutes"].to_numpy()
    dist = dijkstra(graph.csr(state), indices=node, limit=cutoff)  # one row per point
    rows = []
    for i in range(len(frame)):
        total = (leg[i] + dist[i][node]) + leg
        for j in np.flatnonzero(total <= cutoff):
            rows.append((i, int(j), float(total[j])))
    return pd.DataFrame(rows, columns=["origin", "destination", "minutes"])


def _run(cli, pbf, out, *extra):
    return cli("access", "reach", "--osm", pbf, "--out", out, *extra)


def _pairs(path) -> pd.DataFrame:
    return pq.read_table(path).to_pandas().sort_values(["origin", "destination"], ignore_index=True)


@pytest.mark.parametrize(("threads", "block"), [("1", "8192"), ("2", "7")])
def test_pairs_equal_scipy_dijkstra(
    opora_cli, osm_test_pbf, points_csv, points_frame, tmp_path, threads, block
):
    out = tmp_path / "res" / "reach.parquet"
    args = ["--points", points_csv, "--max-cost", str(CUTOFF)]
    r = _run(opora_cli, osm_test_pbf, out, *args, "--threads", threads, "--block-size", block)
    assert r.exit_code == 0, r.output
    got = _pairs(out)
    ref = _reference(osm_test_pbf, points_frame, CUTOFF)
    assert len(got) == len(ref) > len(points_frame)
    np.testing.assert_array_equal(got["origin"], ref["origin"])
    np.testing.assert_array_equal(got["destination"], ref["destination"])
    np.testing.assert_allclose(got["minutes"], ref["minutes"], rtol=1e-12, atol=0)
    assert got["minutes"].max() <= CUTOFF
    schema = pq.read_schema(out)
    assert [str(t) for t in schema.types] == ["int32", "int32", "double"]
    meta = {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}
    assert meta["opora:cutoff_minutes"] == str(CUTOFF)
    assert meta["opora:n_origins"] == str(len(points_frame))
    assert meta["opora:points_file"] == "reach_points.parquet"
    pts = pd.read_parquet(tmp_path / "res" / "reach_points.parquet")
    assert pts["id"].tolist() == points_frame["id"].tolist()  # leading zeros kept
    assert pts["position"].tolist() == list(range(len(points_frame)))
    counts = ref.groupby("origin").size().reindex(range(len(points_frame)), fill_value=0)
    assert pts["n_reached"].tolist() == counts.tolist()
    assert pts.loc[3, "node"] == pts.loc[7, "node"]
    # the summary names the pairs, the origins and the file
    assert f"wrote {len(ref):,} pairs" in r.output
    assert "origins reaching none" in r.output
    assert "file size" in r.output
    assert "30/30" in r.output  # the progress bar's origins done / total
    assert "warning" not in r.output


def test_points_far_from_the_roads_are_reported(opora_cli, osm_test_pbf, tmp_path):
    path = tmp_path / "far.csv"
    path.write_text("id,lon,lat\nnear,26.95,60.53\nfar,27.4,60.53\n", encoding="utf-8")
    out = tmp_path / "far.parquet"
    r = _run(opora_cli, osm_test_pbf, out, "--points", path, "--max-cost", "5")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "1 point lies more than 5 km from any road" in text
    pts = pd.read_parquet(tmp_path / "far_points.parquet")
    assert pts["too_far"].tolist() == [False, True]
    assert pts["n_reached"].tolist()[1] == 0


def test_parquet_and_geopackage_points_give_the_same_file(
    opora_cli, osm_test_pbf, points_csv, points_frame, tmp_path
):
    import geopandas as gpd

    base = tmp_path / "csv.parquet"
    assert _run(opora_cli, osm_test_pbf, base, "--points", points_csv, "-q").exit_code == 0
    renamed = points_frame.rename(columns={"id": "oktmo", "lon": "x", "lat": "y"})
    parquet = tmp_path / "points.parquet"
    renamed.to_parquet(parquet)
    out = tmp_path / "pq.parquet"
    cols = ["--id-column", "oktmo", "--lon-column", "x", "--lat-column", "y"]
    r = _run(opora_cli, osm_test_pbf, out, "--points", parquet, *cols, "-q")
    assert r.exit_code == 0, r.output
    pd.testing.assert_frame_equal(_pairs(out), _pairs(base))
    gpkg = tmp_path / "points.gpkg"
    gdf = gpd.GeoDataFrame(
        {"oktmo": points_frame["id"]},
        geometry=gpd.points_from_xy(points_frame["lon"], points_frame["lat"]),
        crs="EPSG:4326",
    ).to_crs(3857)  # read back in degrees
    gdf.to_file(gpkg, driver="GPKG")
    out = tmp_path / "gpkg.parquet"
    r = _run(opora_cli, osm_test_pbf, out, "--points", gpkg, "--id-column", "oktmo", "-q")
    assert r.exit_code == 0, r.output
    a, b = _pairs(out), _pairs(base)
    pd.testing.assert_frame_equal(a[["origin", "destination"]], b[["origin", "destination"]])
    np.testing.assert_allclose(a["minutes"], b["minutes"], rtol=1e-9)
    assert r.output == ""  # --quiet: no bar, no summary


def test_workspace_settlements_are_the_points(opora_cli, osm_test_pbf, points_frame, tmp_path):
    import geopandas as gpd
    import pandas as pd

    from opora.io.workspace import write_workspace
    from opora.testing import tiny_region

    region = tiny_region(((12_000, 800, 300), (2_500, 400)))
    s = region.settlements.copy()
    s["geometry"] = gpd.points_from_xy(points_frame["lon"][:5], points_frame["lat"][:5])
    ws = tmp_path / "ws"
    write_workspace(
        ws,
        settlements=gpd.GeoDataFrame(s, geometry="geometry", crs="EPSG:4326"),
        municipalities=region.municipalities,
        indicators=region.indicators,
        provenance=pd.DataFrame({"source": ["test"]}),
        rejects=pd.DataFrame(),
        imports=[],
    )
    out = tmp_path / "ws.parquet"
    r = _run(opora_cli, osm_test_pbf, out, "--workspace", ws, "--max-cost", "3")
    assert r.exit_code == 0, r.output
    ref = _reference(osm_test_pbf, points_frame[:5], 3.0)
    got = _pairs(out)
    np.testing.assert_array_equal(got[["origin", "destination"]], ref[["origin", "destination"]])
    pts = pd.read_parquet(tmp_path / "ws_points.parquet")
    assert pts["id"].tolist() == s["settlement_id"].tolist()


def test_winter_state_routes_on_the_winter_network(
    opora_cli, osm_test_pbf, points_csv, points_frame, tmp_path
):
    out = tmp_path / "w.parquet"
    args = ["--points", points_csv, "--max-cost", "3", "--state", "winter", "-q"]
    assert _run(opora_cli, osm_test_pbf, out, *args).exit_code == 0
    ref = _reference(osm_test_pbf, points_frame, 3.0, state="winter")
    np.testing.assert_allclose(_pairs(out)["minutes"], ref["minutes"], rtol=1e-12)


# --------------------------------------------------------------------------- errors


def _bad(opora_cli, osm_test_pbf, tmp_path, text: str, *extra: str):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "o.parquet"
    r = _run(opora_cli, osm_test_pbf, out, "--points", path, *extra)
    assert r.exit_code == 2, r.output
    assert not out.exists()
    assert not (tmp_path / "o_points.parquet").exists()
    return " ".join(r.output.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,lon\n1,26.95\n", ["bad.csv, column `lat`", "required column missing"]),
        ("id,lon,lat\n1,26.95,60.53\n2,abc,60.53\n", ["column `lon`", "line 3", "'abc'"]),
        ("id,lon,lat\n1,26.95,60.53\n2,26.95,\n", ["column `lat`", "line 3", "empty"]),
        ("id,lon,lat\n1,26.95,60.53\n1,26.96,60.53\n", ["column `id`", "lines 2 and 3"]),
        ("id,lon,lat\n,26.95,60.53\n", ["column `id`", "line 2", "the id is empty"]),
        ("id,lon,lat\n1,60.53,126.95\n", ["column `lat`", "line 2", "swapped"]),
        ("id,lon,lat\n1,3000000,7000000\n", ["column `lon`", "projected"]),
        ("id,lon,lat\n", ["bad.csv", "no data rows"]),
    ],
    ids=[
        "missing column",
        "text",
        "empty",
        "repeated id",
        "empty id",
        "swapped",
        "metres",
        "empty",
    ],
)
def test_bad_points_name_file_row_and_column(opora_cli, osm_test_pbf, tmp_path, text, expected):
    message = _bad(opora_cli, osm_test_pbf, tmp_path, text)
    for part in expected:
        assert part in message


def test_missing_files_and_bad_network(opora_cli, osm_test_pbf, points_csv, tmp_path):
    out = tmp_path / "o.parquet"
    r = _run(opora_cli, osm_test_pbf, out, "--points", tmp_path / "nope.csv")
    assert r.exit_code == 2
    assert "nope.csv" in r.output
    r = _run(opora_cli, tmp_path / "nope.osm.pbf", out, "--points", points_csv)
    assert r.exit_code == 2
    assert "nope.osm.pbf" in r.output
    r = _run(opora_cli, points_csv, out, "--points", points_csv)  # a CSV given as the roads
    assert r.exit_code == 2
    assert "OpenStreetMap" in " ".join(r.output.split())
    assert not out.exists()


def test_options_refused_before_any_work(opora_cli, osm_test_pbf, points_csv, tmp_path):
    out = tmp_path / "o.parquet"
    for extra, part in [
        (["--max-cost", "0"], "--max-cost"),
        (["--max-cost", "nan"], "--max-cost"),
        (["--threads", "0"], "--threads"),
        (["--block-size", "0"], "--block-size"),
        (["--state", "spring"], "--state"),
    ]:
        r = _run(opora_cli, osm_test_pbf, out, "--points", points_csv, *extra)
        assert r.exit_code == 2, (extra, r.output)
        assert part in r.output
    r = _run(opora_cli, osm_test_pbf, tmp_path / "o.csv", "--points", points_csv)
    assert r.exit_code == 2
    assert ".parquet" in r.output
    r = _run(opora_cli, osm_test_pbf, tmp_path, "--points", points_csv)  # a folder
    assert r.exit_code == 2
    r = _run(opora_cli, osm_test_pbf, out)  # no points
    assert r.exit_code == 2
    assert "--points" in r.output
    r = _run(opora_cli, osm_test_pbf, out, "--points", points_csv, "--workspace", tmp_path)
    assert r.exit_code == 2
    assert not out.exists()


def test_help_lists_the_options(opora_cli):
    r = opora_cli("access", "reach", "--help", terminal_width=200)
    assert r.exit_code == 0
    for option in (
        "--osm",
        "--points",
        "--workspace",
        "--id-column",
        "--lon-column",
        "--lat-column",
        "--max-cost",
        "--state",
        "--threads",
        "--block-size",
        "--out",
        "--quiet",
    ):
        assert option in r.output
    listing = opora_cli("access", "--help", terminal_width=200)
    assert "reach" in listing.output


def test_default_block_size_is_the_engine_default():
    from opora.access.reach import DEFAULT_BLOCK_SIZE
    from opora.cli.reach import DEFAULT_BLOCK

    assert DEFAULT_BLOCK == DEFAULT_BLOCK_SIZE
