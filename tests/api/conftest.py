"""Fixtures of the web application's tests: a demo workspace, a country folder, stores, clients.

The workspace is one run of the main job on the tiny committed sources with the
hand-made register (as in the workflow tests); the country folder holds that workspace
as its only region, with the national layer written by the country job's own writer.
Nothing here reads ``/tmp`` or the network.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from opora.config import Settings
from opora.io.register import read_settlement_register
from opora.io.store import COUNTRY_RECORD, FileStore
from opora.workflow import run_demo

try:  # the PostGIS helper's fixture, where it exists
    from postgis_server import postgis_url  # noqa: F401
except ImportError:  # pragma: no cover - the module is optional
    HAVE_POSTGIS_FIXTURE = False
else:
    HAVE_POSTGIS_FIXTURE = True


@pytest.fixture(scope="session")
def workspace(tmp_path_factory, mini_data_dir, register_csv) -> Path:
    """A finished demo workspace of the tiny Bashkortostan (read-only: copy before writing).

    The hand-made register has no small town; here the village «Образцово» (2,400 people)
    is made a town (``г``) so that the region has one town passport.
    """
    root = tmp_path_factory.mktemp("api_ws")
    register = root / "register.csv"
    text = register_csv.read_text(encoding="utf-8")
    row = '"Альшеевский","Образцово","с",'
    assert row in text
    register.write_text(text.replace(row, '"Альшеевский","Образцово","г",'), encoding="utf-8")
    out = root / "ws"
    run_demo(
        out,
        Settings(cache_dir=root / "cache", data_dir=mini_data_dir),
        region="80",
        data_dir=mini_data_dir,
        register=read_settlement_register(register),
    )
    return out


@pytest.fixture
def workspace_copy(workspace, tmp_path) -> Path:
    """A private copy of the workspace, for tests that change it."""
    out = tmp_path / "ws"
    shutil.copytree(workspace, out, ignore=shutil.ignore_patterns(".opora-server"))
    return out


@pytest.fixture(scope="session")
def country(tmp_path_factory, workspace) -> Path:
    """A country folder with the workspace as its one region (``regions/RU-BA``)."""
    from opora.workflow.country import COMPLETION_RECORD, RegionOutcome
    from opora.workflow.national import write_national

    out = tmp_path_factory.mktemp("api_country") / "country"
    region = out / "regions" / "RU-BA"
    shutil.copytree(workspace, region, ignore=shutil.ignore_patterns(".opora-server"))
    outcome = RegionOutcome(
        key="RU-BA",
        name="Республика Башкортостан",
        code="80",
        status="done",
        complete=True,
        seconds=1.0,
        finished="2026-01-01T00:00:00+00:00",
    )
    (region / COMPLETION_RECORD).write_text(json.dumps(asdict(outcome)), encoding="utf-8")
    write_national(out, [asdict(outcome)], lang="ru")
    (out / COUNTRY_RECORD).write_text(json.dumps({"regions": 1}), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def client(workspace) -> Iterator[TestClient]:
    """The application over the workspace, in process."""
    from opora.api import create_app

    with TestClient(create_app(workspace), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def country_client(country) -> Iterator[TestClient]:
    """The application over the country folder, in process."""
    from opora.api import create_app

    with TestClient(create_app(country), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(params=["file", "postgis"])
def store(request, workspace_copy):
    """The store over a private copy of the workspace: the file store, then PostGIS."""
    if request.param == "file":
        return FileStore(workspace_copy)
    if not HAVE_POSTGIS_FIXTURE:
        pytest.skip("tests/postgis_server.py is not there")
    url = request.getfixturevalue("postgis_url")
    try:
        from opora.io.postgis import PostgisStore
    except ImportError:
        pytest.skip("opora.io.postgis is not there")
    return PostgisStore(url, workspace_copy)


@pytest.fixture(params=["file", "postgis"])
def served(request, workspace_copy) -> Iterator[TestClient]:
    """The application over a private copy of the workspace, from each store."""
    from opora.api import create_app

    database = None
    if request.param == "postgis":
        if not HAVE_POSTGIS_FIXTURE:
            pytest.skip("tests/postgis_server.py is not there")
        database = request.getfixturevalue("postgis_url")
    app = create_app(workspace_copy, database=database)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
