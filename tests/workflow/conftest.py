"""Fixtures of the workflow tests: the tiny sources, the hand-made register, one demo run."""

import pytest

from opora.config import Settings
from opora.io.register import read_settlement_register
from opora.io.sources import read_sources
from opora.workflow import run_demo


@pytest.fixture(scope="session")
def register(register_csv):
    return read_settlement_register(register_csv)


@pytest.fixture(scope="session")
def bundle(mini_data_dir):
    return read_sources(mini_data_dir, "Башкортостан")


@pytest.fixture(scope="session")
def demo(tmp_path_factory, mini_data_dir, register):
    out = tmp_path_factory.mktemp("demo")
    settings = Settings(cache_dir=out / "cache", data_dir=mini_data_dir)
    return run_demo(out, settings, region="80", data_dir=mini_data_dir, register=register)
