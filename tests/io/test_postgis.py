"""The PostGIS server store against a throwaway PostgreSQL server (tests/postgis_server.py).

Every check compares what the store returns with the workspace's files read independently
(the csv module, pyarrow, geopandas), with a tile's points computed independently from the
tile grid's definition, or with plain SQL on the catalogue QGIS reads.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import shapely
from pandas.testing import assert_frame_equal
from pyproj import Transformer

from opora.config import Settings
from opora.errors import DatabaseError, IncompleteRunError, SourceNotFoundError, ValidationError
from opora.io.postgis import (
    MAX_FEATURES,
    PostgisStore,
    schema_name,
    workspace_version,
)
from opora.io.register import read_settlement_register
from opora.io.store import FileStore
from opora.workflow import run_demo
from postgis_server import postgis_url  # noqa: F401 - the session fixture

psycopg = pytest.importorskip("psycopg")

SCHEMA = "opora_test_io"
#: Half the side of the Web Mercator square, metres (EPSG:3857 definition).
HALF = math.pi * 6378137.0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, mini_data_dir, register_csv) -> Path:
    out = tmp_path_factory.mktemp("pg_ws")
    run_demo(
        out,
        Settings(cache_dir=out / "c", data_dir=mini_data_dir),
        region="80",
        data_dir=mini_data_dir,
        register=read_settlement_register(register_csv),
    )
    shutil.rmtree(out / "c", ignore_errors=True)
    return out


@pytest.fixture(scope="module")
def store(postgis_url, workspace):  # noqa: F811 - the fixture imported above
    with PostgisStore(postgis_url, workspace, schema=SCHEMA) as s:
        yield s


@pytest.fixture(scope="module")
def db(postgis_url):  # noqa: F811
    with psycopg.connect(postgis_url, autocommit=True) as conn:
        yield conn


def _is_null(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _same(raw: str, value) -> bool:
    """A CSV cell as written (text) against the store's value."""
    if raw == "":
        return _is_null(value) or value == ""
    if isinstance(value, bool | np.bool_):
        return raw == str(bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        return math.isclose(float(raw), float(value), rel_tol=1e-12, abs_tol=0.0)
    return raw == value


# --- tables and layers ----------------------------------------------------------------


def test_every_table_of_the_folder_is_loaded(store, workspace):
    stems = {p.stem for p in [*workspace.glob("*.csv"), *workspace.glob("*.parquet")]}
    assert stems, "the demo wrote no table"
    assert set(store.names("table")) == stems
    assert store.version() == workspace_version(workspace)
    assert store.info()["kind"] == store.folder_kind == "region"


def test_csv_tables_match_the_files_cell_by_cell(store, workspace, db):
    for path in sorted(workspace.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        frame = store.table(path.stem)
        if not rows:
            assert frame.empty
            continue
        # pandas names a column without a header (a written index) "Unnamed: <position>"
        header = [h or f"Unnamed: {i}" for i, h in enumerate(rows[0])]
        body = rows[1:]
        assert list(frame.columns) == header, path.name
        assert len(frame) == len(body), path.name
        count = db.execute(
            psycopg.sql.SQL("SELECT count(*) FROM {}").format(
                psycopg.sql.Identifier(SCHEMA, f"t_{path.stem}")
            )
        ).fetchone()[0]
        assert count == len(body), path.name
        values = frame.astype(object).to_numpy().tolist()
        for i, (raw_row, row) in enumerate(zip(body, values, strict=True)):
            for col, raw, value in zip(header, raw_row, row, strict=True):
                assert _same(raw, value), f"{path.name} row {i + 2} column {col}: {raw!r} {value!r}"


def test_parquet_tables_match_pyarrow(store, workspace):
    for path in sorted(workspace.glob("*.parquet")):
        if b"geo" in (pq.read_schema(path).metadata or {}):
            continue
        expected = pq.read_table(path).to_pydict()
        frame = store.table(path.stem)
        assert list(frame.columns) == list(expected), path.name
        for col, values in expected.items():
            got = frame[col].astype(object).tolist()
            assert len(got) == len(values)
            for a, b in zip(values, got, strict=True):
                if _is_null(a):
                    assert _is_null(b), (path.name, col)
                elif isinstance(a, float):
                    assert math.isclose(a, float(b), rel_tol=1e-12), (path.name, col)
                else:
                    assert str(a) == str(b), (path.name, col)


def test_codes_and_ids_are_text(store, workspace, db):
    kinds = dict(
        db.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s",
            (SCHEMA,),
        ).fetchall()
    )
    for column in ("settlements.oktmo", "settlements.settlement_id", "municipalities.oktmo"):
        assert kinds[column] == "text"
    for name, dtype in kinds.items():
        col = name.split(".", 1)[1]
        if col == "oktmo" or col.endswith(("_oktmo", "_id")):
            assert dtype == "text", name
    profile = store.table("municipality_profile")
    assert all(isinstance(v, str) and len(v) == 8 for v in profile["oktmo"])


def test_layers_match_the_geopackage(store, workspace):
    gpkg = workspace / "region.gpkg"
    import pyogrio

    spatial = [str(n) for n, g in pyogrio.list_layers(gpkg) if g is not None]
    assert set(store.names("layer")) == set(spatial)
    for name in spatial:
        expected = gpd.read_file(gpkg, layer=name)
        got = store.layer(name)
        assert got.crs.to_epsg() == 4326
        assert list(got.columns) == list(expected.columns), name
        assert len(got) == len(expected), name
        assert shapely.equals_exact(
            np.asarray(got.geometry.array), np.asarray(expected.geometry.array), tolerance=0
        ).all(), name
        for col in expected.columns.drop("geometry"):
            a = expected[col].astype(object).tolist()
            b = got[col].astype(object).tolist()
            for x, y in zip(a, b, strict=True):
                assert (_is_null(x) and _is_null(y)) or x == y, (name, col, x, y)


def test_the_same_frames_as_the_file_store(store, workspace):
    files = FileStore(workspace)
    assert store.tables() == files.tables()
    assert store.layers() == files.layers()
    for name in files.tables():
        assert_frame_equal(store.table(name), files.table(name), obj=name)
    for name in files.layers():
        got, expected = store.layer(name), files.layer(name)
        assert_frame_equal(
            pd.DataFrame(got.drop(columns="geometry")),
            pd.DataFrame(expected.drop(columns="geometry")),
            obj=name,
        )
        assert got.geometry.geom_equals_exact(expected.geometry, tolerance=0).all()


def test_unknown_names_are_refused_and_nothing_is_formatted(store):
    with pytest.raises(SourceNotFoundError, match="settlements"):
        store.table('x"; DROP TABLE settlements; --')
    with pytest.raises(SourceNotFoundError, match="layers there"):
        store.layer("settlements'--")
    assert len(store.layer("settlements")) > 0


# --- tiles ------------------------------------------------------------------------------


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    x = math.radians(lon) * 6378137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0
    return x, y


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    x, y = _mercator(lon, lat)
    n = 2**z
    return int((x + HALF) / (2 * HALF) * n), int((HALF - y) / (2 * HALF) * n)


def test_mercator_helper_agrees_with_pyproj():
    t = Transformer.from_crs(4326, 3857, always_xy=True)
    assert np.allclose(_mercator(56.0, 54.7), t.transform(56.0, 54.7))


def test_tile_holds_the_points_inside_its_envelope(store, workspace):
    settlements = gpd.read_file(workspace / "region.gpkg", layer="settlements")
    lon0, lat0 = settlements.geometry.x.iloc[0], settlements.geometry.y.iloc[0]
    z = 9
    tx, ty = _tile_of(lon0, lat0, z)
    size = 2 * HALF / 2**z
    margin = size * 64 / 4096
    west, north = -HALF + tx * size, HALF - ty * size
    points = zip(settlements.geometry.x, settlements.geometry.y, strict=True)
    xy = np.array([_mercator(x, y) for x, y in points])
    inside = (
        (xy[:, 0] >= west - margin)
        & (xy[:, 0] <= west + size + margin)
        & (xy[:, 1] <= north + margin)
        & (xy[:, 1] >= north - size - margin)
    )
    expected = settlements[inside]
    assert len(expected) >= 1

    tile = store.tile("settlements", z, tx, ty)
    decoded = mapbox_vector_tile.decode(tile, default_options={"y_coord_down": True})
    assert list(decoded) == ["settlements"]
    layer = decoded["settlements"]
    assert layer["extent"] == 4096
    got = {f["properties"]["settlement_id"]: f for f in layer["features"]}
    assert set(got) == set(expected["settlement_id"])
    one = expected.iloc[0]
    props = got[one["settlement_id"]]["properties"]
    wanted = {"settlement_id", "oktmo", "name", "type", "population", "municipality_oktmo"}
    assert set(props) == (wanted & set(settlements.columns)) | {"size_class"}
    assert props["name"] == one["name"]
    assert props["population"] == one["population"]
    for f in got.values():  # the size classes of the map, by hand
        p = f["properties"]
        urban = p["type"] in {"г", "пгт", "рп", "кп", "дп", "гп"}
        n = p.get("population")  # a missing value is left out of a tile
        if n is None:
            want = "no_data"
        elif urban:
            want = (
                "small_town"
                if n <= 50_000
                else "medium_city"
                if n <= 100_000
                else "large_city"
                if n <= 250_000
                else "largest_city"
            )
        else:
            want = "rural_1000" if n >= 1000 else "rural_small"
        assert p["size_class"] == want, p
    for _, row in expected.iterrows():
        px, py = got[row["settlement_id"]]["geometry"]["coordinates"]
        mx, my = _mercator(row.geometry.x, row.geometry.y)
        assert abs(px - (mx - west) / size * 4096) <= 1
        assert abs(py - (north - my) / size * 4096) <= 1


def _lonlat(mx: float, my: float) -> tuple[float, float]:
    return math.degrees(mx / 6378137.0), math.degrees(
        2 * math.atan(math.exp(my / 6378137.0)) - math.pi / 2
    )


def test_a_crowded_tile_is_thinned_like_the_file_store(postgis_url, workspace, tmp_path):  # noqa: F811
    """60 x 60 cells of 16 tile units, two settlements in each: the most populous of each
    cell is kept, then the MAX_FEATURES most populous of those."""
    z, tx, ty = 10, 671, 330
    size = 2 * HALF / 2**z
    west, north = -HALF + tx * size, HALF - ty * size
    rng = np.random.default_rng(7)
    population = rng.permutation(7200) + 1
    rows, k = [], 0
    for i in range(60):
        for j in range(60):
            for d in (0, 3):  # two points 3 units apart, inside one 16-unit cell
                px, py = 16 * i + 8 + d, 16 * j + 8 + d
                lon, lat = _lonlat(west + px / 4096 * size, north - py / 4096 * size)
                rows.append((f"s{k}", (i, j), int(population[k]), shapely.Point(lon, lat)))
                k += 1
    crowded = gpd.GeoDataFrame(
        {
            "settlement_id": [r[0] for r in rows],
            "name": [r[0] for r in rows],
            "type": "с",
            "population": [r[2] for r in rows],
        },
        geometry=[r[3] for r in rows],
        crs="EPSG:4326",
    )
    copy = tmp_path / "crowded"
    shutil.copytree(workspace, copy)
    import pyogrio

    pyogrio.write_dataframe(crowded, copy / "region.gpkg", layer="settlements", driver="GPKG")
    best: dict[tuple[int, int], tuple[int, str]] = {}
    for sid, cell, pop, _ in rows:
        if cell not in best or pop > best[cell][0]:
            best[cell] = (pop, sid)
    expected = {sid for _, sid in sorted(best.values(), reverse=True)[:MAX_FEATURES]}

    with PostgisStore(postgis_url, copy, schema="opora_test_crowded") as s:
        tile = mapbox_vector_tile.decode(s.tile("settlements", z, tx, ty))
    got = {f["properties"]["settlement_id"] for f in tile["settlements"]["features"]}
    assert len(got) == MAX_FEATURES
    assert got == expected


def test_empty_and_unknown_tiles(store):
    assert store.tile("settlements", 8, 0, 0) == b""  # the far north-west of the Pacific
    assert store.tile("no_such_layer", 0, 0, 0) is None
    assert store.tile("access", 0, 0, 0) is None  # the application picks service and season
    with pytest.raises(ValidationError, match="tile grid"):
        store.tile("settlements", 2, 4, 0)
    whole = mapbox_vector_tile.decode(store.tile("settlements", 0, 0, 0, columns=["name"]))
    features = whole["settlements"]["features"]
    assert len(features) == len(store.layer("settlements"))
    assert set(features[0]["properties"]) == {"name"}
    with pytest.raises(ValidationError, match="no column"):
        store.tile("settlements", 0, 0, 0, columns=["nope"])


# --- QGIS -------------------------------------------------------------------------------


def test_qgis_sees_every_layer_in_4326_with_an_index_and_a_key(store, db):
    rows = db.execute(
        "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns "
        "WHERE f_table_schema = %s",
        (SCHEMA,),
    ).fetchall()
    tables = {r[0]: r for r in rows}
    for name in store.names("layer"):
        assert name in tables, name
        assert tables[name][2] == 4326
        assert tables[name][1] == "geometry"
    assert tables["settlements"][3] == "POINT"
    indexed = {
        r[0]
        for r in db.execute(
            "SELECT tablename FROM pg_indexes WHERE schemaname = %s AND indexdef ILIKE %s",
            (SCHEMA, "%USING gist%"),
        ).fetchall()
    }
    assert set(store.names("layer")) <= indexed
    keyed = {
        r[0]
        for r in db.execute(
            "SELECT table_name FROM information_schema.table_constraints "
            "WHERE table_schema = %s AND constraint_type = 'PRIMARY KEY'",
            (SCHEMA,),
        ).fetchall()
    }
    assert set(store.names("layer")) <= keyed
    # what a desktop GIS runs: a bbox query on the layer
    n = db.execute(
        psycopg.sql.SQL(
            "SELECT count(*) FROM {} WHERE geometry && ST_MakeEnvelope(-180, -90, 180, 90, 4326)"
        ).format(psycopg.sql.Identifier(SCHEMA, "settlements"))
    ).fetchone()[0]
    assert n == len(store.layer("settlements"))


# --- jobs, results and files ------------------------------------------------------------


def test_jobs_round_trip(store):
    first = {
        "id": "job-1",
        "kind": "scenario",
        "author": "analyst",
        "created": "2026-12-07T10:00:00+00:00",
        "status": "queued",
        "progress": {"done": 0, "total": 3, "message": "ждёт"},
        "params": {"season": "winter", "close_facilities": ["f1"]},
        "summary": None,
        "error": None,
    }
    second = first | {"id": "job-0", "created": "2026-12-07T11:00:00+00:00"}
    store.save_job(first)
    store.save_job(second)
    assert store.job("job-1") == first
    assert [j["id"] for j in store.jobs() if j["id"] in {"job-0", "job-1"}] == ["job-1", "job-0"]
    done = first | {"status": "done", "progress": {"done": 3, "total": 3, "message": "готово"}}
    store.save_job(done)
    assert store.job("job-1") == done
    assert [j for j in store.jobs() if j["id"] == "job-1"] == [done]
    with pytest.raises(SourceNotFoundError, match="no job"):
        store.job("job-404")
    with pytest.raises(ValidationError, match="id"):
        store.save_job({"kind": "scenario"})
    with pytest.raises(ValidationError, match="not allowed"):
        store.save_job({"id": "../etc"})


def test_results_round_trip(store, db):
    store.save_job({"id": "job-r", "created": "2026-12-07T12:00:00+00:00"})
    plain = pd.DataFrame(
        {
            "settlement_id": ["0101", "0102", None],
            "minutes": [1.5, np.nan, 3.0],
            "count": [1, 2, 3],
            "ok": [True, False, True],
        }
    )
    store.save_result("job-r", "table", plain)
    assert_frame_equal(store.result("job-r", "table"), plain)

    indexed = plain.set_index("settlement_id")  # the index is not kept, as in the file store
    store.save_result("job-r", "indexed", indexed)
    assert_frame_equal(store.result("job-r", "indexed"), indexed.reset_index(drop=True))
    with pytest.raises(SourceNotFoundError, match="no job"):
        store.save_result("job-404", "table", plain)
    with pytest.raises(ValidationError, match="not allowed"):
        store.save_result("job-r", "../x", plain)

    geo = gpd.GeoDataFrame(
        {"name": ["a", "b"], "delta": [0.5, -1.0]},
        geometry=[shapely.Point(56.0, 54.7), shapely.Point(57.0, 55.0)],
        crs="EPSG:4326",
    )
    store.save_result("job-r", "coverage_change", geo)
    back = store.result("job-r", "coverage_change")
    assert isinstance(back, gpd.GeoDataFrame)
    assert back.crs.to_epsg() == 4326
    assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(geo.drop(columns="geometry"))
    )
    assert back.geometry.geom_equals_exact(geo.geometry, tolerance=0).all()

    projected = geo.to_crs(3857)
    store.save_result("job-r", "coverage_change", projected)  # replaced, stored in 4326
    again = store.result("job-r", "coverage_change")
    assert np.allclose(again.geometry.x, geo.geometry.x)
    assert np.allclose(again.geometry.y, geo.geometry.y)
    srids = db.execute(
        "SELECT srid FROM geometry_columns "
        "WHERE f_table_schema = %s AND f_table_name LIKE 'result_%%'",
        (SCHEMA,),
    ).fetchall()
    assert srids
    assert {r[0] for r in srids} == {4326}
    with pytest.raises(SourceNotFoundError, match="has no result"):
        store.result("job-r", "nope")


def test_files_round_trip(store):
    store.save_job({"id": "job-f", "created": "2026-12-07T13:00:00+00:00"})
    data = bytes(range(256)) * 10
    store.save_file("job-f", "export.gpkg", data)
    assert store.file("job-f", "export.gpkg") == data
    store.save_file("job-f", "export.gpkg", b"new")
    assert store.file("job-f", "export.gpkg") == b"new"
    with pytest.raises(SourceNotFoundError, match="has no file"):
        store.file("job-f", "../../etc/passwd")
    with pytest.raises(ValidationError, match="not allowed"):
        store.save_file("job-f", "../../etc/passwd", b"x")


# --- versions and reloads --------------------------------------------------------------


def test_a_second_store_reuses_the_loaded_version(store, postgis_url, workspace):  # noqa: F811
    loaded = store.info()["loaded"]
    with PostgisStore(postgis_url, workspace, schema=SCHEMA) as again:
        assert again.info()["loaded"] == loaded
        assert again.version() == store.version()
    with PostgisStore(postgis_url, schema=SCHEMA) as by_schema:
        assert by_schema.names("layer") == store.names("layer")


def test_a_new_version_is_loaded_and_jobs_stay(postgis_url, workspace, tmp_path):  # noqa: F811
    copy = tmp_path / "Копия демо"
    shutil.copytree(workspace, copy)
    schema = 'opora "weird"; name'
    with PostgisStore(postgis_url, copy, schema=schema) as s:
        first = s.version()
        s.save_job({"id": "kept", "created": "2026-01-01"})
        (copy / "codes.csv").write_text("oktmo,value\n01701000,2\n", encoding="utf-8")
        record = json.loads((copy / "run.json").read_text(encoding="utf-8"))
        (copy / "run.json").write_text(json.dumps(record | {"note": "again"}), encoding="utf-8")
    assert workspace_version(copy) != first
    with PostgisStore(postgis_url, copy, schema=schema) as s:
        assert s.version() == workspace_version(copy) != first
        assert s.table("codes")["oktmo"].tolist() == ["01701000"]
        assert [j["id"] for j in s.jobs()] == ["kept"]
    assert schema_name(copy).startswith("opora_ws_")
    assert schema_name(workspace).startswith("opora_pg_ws")


def test_a_country_folder(postgis_url, workspace, tmp_path):  # noqa: F811
    import pyogrio

    country = tmp_path / "country"
    country.mkdir()
    for layer in ("settlements", "municipalities"):
        frame = gpd.read_file(workspace / "region.gpkg", layer=layer)
        frame.insert(0, "region_key", "RU-BA")
        pyogrio.write_dataframe(frame, country / "national.gpkg", layer=layer, driver="GPKG")
    (country / "national_regions.csv").write_text("key,code,region\nRU-BA,80,Башкортостан\n")
    (country / "country_run.json").write_text("{}", encoding="utf-8")
    with PostgisStore(postgis_url, country) as s:
        assert s.schema == "opora_country"
        assert s.folder_kind == "country"
        assert s.layers() == ["settlements", "municipalities"]
        assert s.table("national_regions").to_dict("records") == [
            {"key": "RU-BA", "code": "80", "region": "Башкортостан"}
        ]
        tile = mapbox_vector_tile.decode(s.tile("settlements", 0, 0, 0))
        assert {f["properties"]["region_key"] for f in tile["settlements"]["features"]} == {"RU-BA"}


def test_refusals(postgis_url, tmp_path):  # noqa: F811
    (tmp_path / "region.gpkg").write_bytes(b"")
    with pytest.raises(IncompleteRunError, match=r"run\.json"):
        PostgisStore(postgis_url, tmp_path)
    with pytest.raises(SourceNotFoundError, match="no such folder"):
        PostgisStore(postgis_url, tmp_path / "missing")
    with pytest.raises(DatabaseError, match="cannot connect"):
        PostgisStore(f"postgresql://postgres@/nope?host={tmp_path}&port=1", schema="x")
    with pytest.raises(ValidationError, match="schema"):
        PostgisStore(postgis_url, schema="pg_catalog")


# --- the command ------------------------------------------------------------------------


def test_opora_db_load(postgis_url, workspace, tmp_path):  # noqa: F811
    from typer.testing import CliRunner

    from opora.cli import app

    runner = CliRunner()
    args = ["db", "load", str(workspace), "--database", postgis_url, "--schema", "opora_cli"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "schema opora_cli loaded" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "holds already" in again.output
    with PostgisStore(postgis_url, schema="opora_cli") as s:
        assert s.version() == workspace_version(workspace)
        assert "settlements" in s.layers()
    missing = runner.invoke(app, ["db", "load", str(tmp_path / "x"), "--database", postgis_url])
    assert missing.exit_code == 2
    assert "no such folder" in missing.output
