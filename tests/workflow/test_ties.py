"""Ties built into a workspace: files written, tables in memory, bad options, metrics read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from opora.errors import SourceNotFoundError, ValidationError
from opora.io.workspace import read_workspace_tables
from opora.workflow.ties import TIES_FILES, build_workspace_ties, read_ties_metrics


@pytest.fixture
def workspace(tmp_path: Path, ties_workspace) -> Path:
    return ties_workspace(tmp_path / "ws")


def test_modelled_on_the_default_region_writes_every_file(workspace: Path) -> None:
    done = build_workspace_ties(workspace, seed=5)
    assert done.modelled
    assert done.results == []
    assert done.paths == {key: workspace / name for key, name in TIES_FILES.items()}
    for path in done.paths.values():
        assert path.exists(), path
    assert done.summary["source"].tolist() == ["modelled_registry"]
    assert done.summary["seed"].tolist() == [5]
    metrics = read_ties_metrics(workspace)
    assert metrics["place"].dtype == "string"
    assert set(metrics["place"]) == set(done.metrics["place"].astype(str))
    assert metrics["modelled"].all()


def test_tables_in_memory_give_the_same_files(workspace: Path, tmp_path: Path) -> None:
    """A caller holding the region's tables needs no workspace on disk to read back."""
    tables = read_workspace_tables(workspace)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    from_memory = build_workspace_ties(elsewhere, tables=tables, modelled=True)
    from_disk = build_workspace_ties(workspace, modelled=True)
    assert not (elsewhere / "region.gpkg").exists()
    for key in TIES_FILES:
        a, b = from_memory.paths[key], from_disk.paths[key]
        if a.suffix == ".parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
        else:
            assert a.read_bytes() == b.read_bytes(), key


def test_other_region_without_registry(tmp_path: Path, ties_workspace) -> None:
    ws = ties_workspace(tmp_path / "ws", region="Тестовая область")
    with pytest.raises(SourceNotFoundError, match="--modelled"):
        build_workspace_ties(ws)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"registry": ["firms.csv"], "modelled": True}, "not both"),
        ({"level": "region"}, "`level`"),
    ],
)
def test_bad_options(workspace: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build_workspace_ties(workspace, **options)


def test_metrics_missing(workspace: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="opora ties build"):
        read_ties_metrics(workspace)


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="not a workspace"):
        build_workspace_ties(tmp_path)
