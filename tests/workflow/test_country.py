"""The country job: region list, sequential and Dask runs, failures, resuming, national layer.

The fast tests run two regions of the tiny committed sources (``mini_data_dir``: the
Republic of Bashkortostan and a one-municipality Adygea) with the hand-made register.
The slow ones run two small real regions (Nenets AO, Jewish AO) on the nationwide
sources with the real register, and kill a running ``opora country``.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psutil
import pyogrio
import pytest

from opora.config import Settings
from opora.errors import UnknownRegionError
from opora.io.workspace import RUN_RECORD
from opora.testing import compare_run_folders
from opora.workflow import country
from opora.workflow.country import (
    COMPLETION_RECORD,
    FAILURE_RECORD,
    country_regions,
    run_country,
)

MINI_REGIONS = ["80", "Adygea"]
#: Files whose content is a wall time or a time stamp: equal runs differ there.
TIMED = [
    "**/run.json",
    "**/run_summary.csv",
    "**/anchor_solves.csv",
    f"**/{COMPLETION_RECORD}",
    "country_run.json",
]


def _compare(a: Path, b: Path) -> None:
    """Assert two country runs wrote the same tables.

    The national table is compared without its wall times, a region finished by an
    earlier run (``reused``) counting as ``done``.
    """
    assert compare_run_folders(a, b, ignore=[*TIMED, "national_regions.csv"]) == []
    ta, tb = (
        pd.read_csv(p / "national_regions.csv").drop(columns="seconds").replace("reused", "done")
        for p in (a, b)
    )
    pd.testing.assert_frame_equal(ta, tb)


@pytest.fixture(scope="module")
def mini_run(tmp_path_factory, mini_data_dir, register_csv):
    """Return ``run(out, **kwargs)``: the country job on the two tiny regions."""

    def run(out: Path, **kwargs):
        settings = Settings(cache_dir=out.parent / "cache", data_dir=mini_data_dir)
        kwargs.setdefault("regions", MINI_REGIONS)
        kwargs.setdefault("workers", 0)
        return run_country(out, settings, data_dir=mini_data_dir, register=register_csv, **kwargs)

    return run


@pytest.fixture(scope="module")
def sequential(tmp_path_factory, mini_run):
    out = tmp_path_factory.mktemp("seq") / "country"
    return mini_run(out)


def test_regions_by_any_name_keyed_by_iso_code():
    regions = country_regions(["80", "Adygea", "RU-NEN", "Архангельская"])
    # Arkhangelsk and Nenets share OKTMO 11: their folders must still differ
    assert {r.key: r.code for r in regions} == {
        "RU-ARK": "11",
        "RU-NEN": "11",
        "RU-AD": "79",
        "RU-BA": "80",
    }
    assert len(country_regions()) == 85
    with pytest.raises(UnknownRegionError):
        country_regions(["Атлантида"])


def test_sequential_run_writes_regions_and_national_layer(sequential):
    out = sequential.out_dir
    assert [o.key for o in sequential.outcomes] == ["RU-AD", "RU-BA"]
    for o in sequential.outcomes:
        folder = out / "regions" / o.key
        assert o.status == "done", o.error
        assert (folder / RUN_RECORD).is_file()
        assert (folder / COMPLETION_RECORD).is_file()
        assert list(folder.glob("report_*.html"))
    for kind in ("gpkg", "settlements", "municipalities", "table", "report"):
        assert sequential.paths[kind].is_file(), kind


def test_national_settlements_are_every_region_settlement(sequential):
    out = sequential.out_dir
    nat = gpd.read_parquet(out / "national_settlements.parquet")
    gpkg = pyogrio.read_dataframe(out / "national.gpkg", layer="settlements")
    assert len(nat) == len(gpkg)
    expected = 0
    for o in sequential.outcomes:
        own = pyogrio.read_dataframe(out / "regions" / o.key / "region.gpkg", layer="settlements")
        mine = nat[nat["region_key"] == o.key]
        assert sorted(mine["settlement_id"].astype(str)) == sorted(own["settlement_id"].astype(str))
        assert mine["population"].sum() == own["population"].sum()
        expected += len(own)
    assert len(nat) == expected
    assert nat.crs.to_epsg() == 4326
    # access and anchor fields travel with the settlements
    ba = nat[nat["region_key"] == "RU-BA"]
    assert any(c.startswith("min_") for c in nat.columns)
    anchors = pd.read_csv(out / "regions" / "RU-BA" / "anchors.csv", dtype={"settlement_id": str})
    assert ba["anchor_level"].notna().sum() == len(anchors)
    levels = ba.set_index("settlement_id")["anchor_level"].dropna().to_dict()
    assert levels == dict(zip(anchors["settlement_id"], anchors["level"], strict=True))


def test_national_table_counts_match_region_files(sequential):
    out = sequential.out_dir
    table = pd.read_csv(out / "national_regions.csv").set_index("key")
    folder = out / "regions" / "RU-BA"
    own = pyogrio.read_dataframe(folder / "region.gpkg", layer="settlements")
    row = table.loc["RU-BA"]
    assert row["settlements"] == len(own)
    assert row["population"] == own["population"].sum()
    anchors = pd.read_csv(folder / "anchors.csv")
    for level, n in anchors["level"].value_counts().items():
        assert row[f"anchors_{level}"] == n
    cov = pd.read_csv(folder / "anchor_coverage.csv")
    # person-services covered over person-services in all, computed by hand
    mean = 100 * cov["covered_population"].sum() / cov["population"].sum()
    assert row["coverage_mean"] == pytest.approx(mean, abs=0.01)
    for service, pct in zip(cov["service"], cov["covered_pct"], strict=True):
        assert row[f"coverage_{service}"] == pytest.approx(pct, abs=0.01)
    assert row["outside_too_far"] == cov["outside_too_far"].sum()
    typology = pd.read_csv(folder / "typology.csv")
    types = typology.loc[typology["level"] == "municipality", "types"].dropna()
    n_industrial = sum("industrial" in t.split(";") for t in types)
    if n_industrial:
        assert row["type_industrial"] == n_industrial
    assert row["report"] == "regions/RU-BA/report_ru.html"


def test_not_evaluated_names_the_steps_a_region_skipped(sequential):
    table = pd.read_csv(sequential.out_dir / "national_regions.csv").set_index("key")
    run = json.loads((sequential.out_dir / "regions" / "RU-AD" / RUN_RECORD).read_text())
    not_run = [s["step"] for s in run["steps"] if s["status"] != "ran"]
    text = str(table.loc["RU-AD", "not_evaluated"])
    assert bool(table.loc["RU-AD", "complete"]) is run["complete"]
    for step in not_run:
        assert step in text
    # the national municipalities carry types, resilience and strategy fields
    muni = gpd.read_parquet(sequential.out_dir / "national_municipalities.parquet")
    assert {"types", "resilience_index", "role", "region_key"} <= set(muni.columns)


def test_a_failing_region_is_recorded_and_the_others_run(tmp_path, mini_run, monkeypatch):
    real = country.run_demo

    def flaky(out_dir, settings, **kwargs):
        if kwargs["region"] == "Республика Адыгея":
            msg = "disk full (test)"
            raise OSError(msg)
        return real(out_dir, settings, **kwargs)

    monkeypatch.setattr(country, "run_demo", flaky)
    res = mini_run(tmp_path / "c")
    by_key = {o.key: o for o in res.outcomes}
    assert by_key["RU-AD"].status == "failed"
    assert by_key["RU-AD"].error == "OSError: disk full (test)"
    assert by_key["RU-BA"].status == "done"
    folder = tmp_path / "c" / "regions" / "RU-AD"
    assert not (folder / RUN_RECORD).exists()
    assert "disk full" in json.loads((folder / FAILURE_RECORD).read_text())["error"]
    table = pd.read_csv(tmp_path / "c" / "national_regions.csv").set_index("key")
    assert table.loc["RU-AD", "status"] == "failed"
    assert table.loc["RU-AD", "error"] == "OSError: disk full (test)"
    html = (tmp_path / "c" / "national_report_ru.html").read_text(encoding="utf-8")
    assert "disk full (test)" in html


def test_interrupted_run_resumes_without_redoing_finished_regions(tmp_path, mini_run, sequential):
    out = tmp_path / "c"

    finished = []

    def stop(outcome, done, total):
        finished.append(outcome.key)
        msg = "interrupted after the first region"
        raise KeyboardInterrupt(msg)

    with pytest.raises(KeyboardInterrupt):
        mini_run(out, on_region=stop)
    # the larger region (more municipalities) is started first
    assert finished == ["RU-BA"]
    first, second = "RU-BA", "RU-AD"
    record = out / "regions" / first / RUN_RECORD
    assert record.is_file()
    assert not (out / "regions" / second / RUN_RECORD).exists()
    assert not (out / "national_regions.csv").exists()
    before = {p: p.stat().st_mtime_ns for p in (out / "regions" / first).iterdir()}
    calls = []
    seen = []

    def counting(region, folder, *args):
        calls.append(region.key)
        return country.run_region(region, folder, *args)

    res = mini_run(out, job=counting, on_region=lambda o, d, n: seen.append((o.key, d, n)))
    assert calls == [second]
    assert {o.key: o.status for o in res.outcomes} == {first: "reused", second: "done"}
    after = {p: p.stat().st_mtime_ns for p in (out / "regions" / first).iterdir()}
    assert after == before
    assert seen == [(first, 1, 2), (second, 2, 2)]
    _compare(out, sequential.out_dir)


def test_a_half_written_region_is_redone(tmp_path, mini_run):
    out = tmp_path / "c"
    stale = out / "regions" / "RU-AD"
    stale.mkdir(parents=True)
    (stale / "leftover.csv").write_text("a\n1\n")
    (out / "regions" / ".RU-AD.partial-1").mkdir()
    res = mini_run(out, regions=["Adygea"])
    assert res.outcomes[0].status == "done"
    assert not (stale / "leftover.csv").exists()
    assert not (out / "regions" / ".RU-AD.partial-1").exists()


@pytest.mark.slow
def test_dask_local_cluster_gives_the_sequential_outputs(tmp_path, mini_run, sequential, caplog):
    # children of this process before the run (a browser or a server other tests started)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    import distributed  # noqa: F401 - its import sets the level of its loggers

    logger = logging.getLogger("distributed")  # its own stderr handler, no propagation
    level = logger.level
    records: list[logging.LogRecord] = []
    collect = logging.Handler()
    collect.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(collect)
    seen = []
    try:
        res = mini_run(tmp_path / "dask", workers=2, on_region=lambda o, d, n: seen.append(d))
    finally:
        logger.removeHandler(collect)
    # the in-process scheduler's INFO lines would break the progress display
    assert [r.getMessage() for r in records if r.levelno < logging.ERROR] == []
    assert logger.level == level
    assert seen == [1, 2]
    assert [o.status for o in res.outcomes] == ["done", "done"]
    _compare(tmp_path / "dask", sequential.out_dir)
    # the worker processes ended with the cluster (multiprocessing's resource tracker,
    # a helper of this process, may stay)
    left = [
        p
        for p in psutil.Process().children(recursive=True)
        if p.pid not in before and "resource_tracker" not in " ".join(p.cmdline())
    ]
    assert left == []


@pytest.mark.slow
def test_existing_scheduler_runs_the_same(tmp_path, mini_run, sequential):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        res = mini_run(tmp_path / "sched", workers=None, scheduler=cluster.scheduler_address)
        assert {o.status for o in res.outcomes} == {"done"}
    _compare(tmp_path / "sched", sequential.out_dir)
    record = json.loads((tmp_path / "sched" / "country_run.json").read_text())
    assert record["scheduler"] == cluster.scheduler_address


# -- real regions (slow: the full register and the nationwide sources) -----------------------


@pytest.fixture(scope="module")
def real_sources(shared_dir):
    cache = Path(os.environ.get("OPORA_CACHE_DIR", "/root/.cache/opora"))
    if not list(cache.rglob("*.whl")):
        pytest.skip(f"settlement register not cached in {cache} (set OPORA_CACHE_DIR)")
    return Settings(cache_dir=cache, data_dir=shared_dir)


@pytest.mark.slow
def test_two_small_real_regions_on_dask_equal_sequential(tmp_path, real_sources):
    regions = ["Ненецкий автономный округ", "Еврейская автономная область"]
    seq = run_country(tmp_path / "seq", real_sources, regions=regions, workers=0)
    par = run_country(tmp_path / "dask", real_sources, regions=regions, workers=2)
    assert sorted(o.key for o in seq.outcomes) == ["RU-NEN", "RU-YEV"]
    assert all(o.status == "done" for o in par.outcomes), [o.error for o in par.outcomes]
    _compare(tmp_path / "seq", tmp_path / "dask")
    table = pd.read_csv(tmp_path / "dask" / "national_regions.csv").set_index("key")
    for key in ("RU-NEN", "RU-YEV"):
        own = pyogrio.read_dataframe(
            tmp_path / "dask" / "regions" / key / "region.gpkg", layer="settlements"
        )
        assert table.loc[key, "settlements"] == len(own)


@pytest.mark.slow
def test_killed_country_run_leaves_no_workers_and_resumes(tmp_path, mini_data_dir, register_csv):
    out = tmp_path / "c"
    cmd = [
        sys.executable,
        "-m",
        "opora",
        "country",
        "--out",
        str(out),
        "--regions",
        ",".join(MINI_REGIONS),
        "--data-dir",
        str(mini_data_dir),
        "--register",
        str(register_csv),
        "--workers",
        "2",
        "--quiet",
    ]
    env = {**os.environ, "OPORA_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = parent.children(recursive=True)
        if len(workers) >= 2:
            break
        time.sleep(0.2)
    assert workers, "no worker process started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=30)
    assert alive == [], f"worker processes outlived the parent: {[p.pid for p in alive]}"
    # the rerun finishes what was left and writes the national layer
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode in (0, 3), done.stderr[-2000:]
    table = pd.read_csv(out / "national_regions.csv")
    assert sorted(table["key"]) == ["RU-AD", "RU-BA"]
    assert set(table["status"]) <= {"done", "reused"}


def test_osm_auto_gives_each_region_its_cached_cut(tmp_path, mini_data_dir, monkeypatch):
    """`--osm auto`: the region's cut from the cache goes to its main job; none → modelled."""
    cuts = {"Республика Башкортостан": tmp_path / "RU-BA-cut.osm.pbf"}
    asked, given = [], {}

    def cached(region, cache_dir):
        asked.append((region, Path(cache_dir)))
        return cuts.get(region)

    def demo(folder, settings, *, region, osm=None, **kwargs):
        given[region] = osm
        raise RuntimeError("stop after the call")  # recorded as a failed region

    monkeypatch.setattr(country, "cached_region_extract", cached)
    monkeypatch.setattr(country, "run_demo", demo)
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=mini_data_dir)
    regions = country_regions(MINI_REGIONS, mini_data_dir)
    for region in regions:
        country.run_region(region, tmp_path / region.key, settings, mini_data_dir, "ru")
    assert asked == []  # without --osm auto the cache is not consulted
    assert set(given.values()) == {None}
    for region in regions:
        country.run_region(
            region, tmp_path / region.key, settings, mini_data_dir, "ru", osm_auto=True
        )
    assert [a[1] for a in asked] == [tmp_path / "cache"] * len(regions)
    assert given["Республика Башкортостан"] == cuts["Республика Башкортостан"]
    assert [v for k, v in given.items() if k != "Республика Башкортостан"] == [None]
