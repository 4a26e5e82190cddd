"""The ``opora ties build`` and ``opora ties report`` commands on a tiny workspace."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from opora.model.result import REJECT_COLUMNS
from opora.workflow.ties import TIES_FILES

TIES = Path(__file__).parents[1] / "data" / "ties"


@pytest.fixture(scope="session")
def ties(opora_cli):
    """Return ``ties(args, **kwargs)``: ``opora ties ARGS``."""

    def invoke(args: list[str], **kwargs: object):
        return opora_cli("ties", *args, **kwargs)

    return invoke


@pytest.fixture
def workspace(tmp_path: Path, ties_workspace) -> Path:
    return ties_workspace(tmp_path / "ws")


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "data-20240610-structure-20220801.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for xml in sorted((TIES / "sme").glob("*.xml")):
            zf.write(xml, xml.name)
    return path


def test_build_from_the_fns_register(ties, workspace: Path, archive: Path) -> None:
    result = ties(
        [
            "build",
            "--workspace",
            str(workspace),
            "--registry",
            str(archive),
            "--ownership",
            str(TIES / "ownership.csv"),
            "--branches",
            str(TIES / "branches.csv"),
            "--supply",
            str(TIES / "supply.csv"),
            "--headcount",
            str(TIES / "VO_OTKRDAN_3_9965_9965_20241025_5a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c01.xml"),
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    # the Moscow parent named by the ownership table is kept outside the region
    assert "registry documents: read 16, kept 10, rejected 4 (other regions 2)" in result.output
    for name in TIES_FILES.values():
        assert (workspace / name).exists(), name
    firms = pd.read_parquet(workspace / TIES_FILES["firms"])
    assert len(firms) == 10
    assert not firms["modelled"].any()
    holding = firms.set_index("inn").loc["0274613182"]
    assert holding["employees"] == 950  # from the headcount dataset
    assert holding["is_vic"]
    metrics = pd.read_csv(workspace / TIES_FILES["metrics"], dtype={"place": "string"})
    belebey = metrics.set_index("place").loc["80609101001"]
    assert belebey["ext_controlled_share"] > 0
    edges = pd.read_csv(workspace / TIES_FILES["edges"], dtype="string")
    assert {"control", "branch", "supply"} <= set(edges["kind"])
    rejects = pd.read_csv(workspace / TIES_FILES["rejects"])
    assert list(rejects.columns) == REJECT_COLUMNS
    assert {"ownership.csv", "branches.csv"} <= {Path(f).name for f in rejects["file"]}
    summary = pd.read_csv(workspace / TIES_FILES["summary"])
    assert set(summary["source"]) >= {"fns_sme_register", "ownership", "branches", "supply"}


def test_build_from_exports(ties, workspace: Path) -> None:
    result = ties(
        [
            "build",
            "--workspace",
            str(workspace),
            "--registry",
            str(TIES / "spark_export.xlsx"),
            "--registry",
            str(TIES / "kontur_export.xlsx"),
            "--level",
            "municipality",
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    firms = pd.read_parquet(workspace / TIES_FILES["firms"])
    assert len(firms) == 6
    groups = pd.read_csv(workspace / TIES_FILES["groups"], dtype={"head_inn": "string"})
    assert "7704797547" in set(groups["head_inn"])


def test_build_modelled_and_report(ties, workspace: Path, tmp_path: Path) -> None:
    result = ties(["build", "--workspace", str(workspace), "--modelled", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "modelled registry" in result.output
    for key in ("metrics", "edges", "groups", "links"):
        table = pd.read_csv(workspace / TIES_FILES[key])
        assert table["modelled"].all(), key
    assert pd.read_parquet(workspace / TIES_FILES["firms"])["modelled"].all()
    report = ties(["report", "--workspace", str(workspace)], terminal_width=200)
    assert report.exit_code == 0, report.output
    assert "Ties card (modelled registry)" in report.output
    assert "Белебей" in report.output
    for suffix in ("csv", "md", "html"):
        out = tmp_path / f"card.{suffix}"
        done = ties(["report", "--workspace", str(workspace), "--out", str(out)])
        assert done.exit_code == 0, done.output
        assert "Белебей" in out.read_text(encoding="utf-8")
    card = pd.read_csv(tmp_path / "card.csv", dtype={"place": "string"})
    assert card["modelled"].all()
    assert set(card["place"]) == {"80701000001", "80609101001", "80609165051", "80613101001"}


def test_default_region_is_modelled_without_registry(ties, workspace: Path) -> None:
    result = ties(["build", "--workspace", str(workspace), "-q"])
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(workspace / TIES_FILES["firms"])["modelled"].all()


def test_other_region_needs_a_registry(ties, ties_workspace, tmp_path: Path) -> None:
    ws = ties_workspace(tmp_path / "ws", region="Тестовая область")
    result = ties(["build", "--workspace", str(ws)])
    assert result.exit_code == 2
    assert "--modelled" in result.output


def test_errors_exit_2(ties, workspace: Path, tmp_path: Path, archive: Path) -> None:
    both = ties(["build", "--workspace", str(workspace), "--registry", str(archive), "--modelled"])
    assert both.exit_code == 2
    bad = tmp_path / "register.zip"
    bad.write_bytes(b"PK\x03\x04 broken")
    broken = ties(["build", "--workspace", str(workspace), "--registry", str(bad)])
    assert broken.exit_code == 2
    assert "register.zip" in broken.output
    odd = tmp_path / "register.json"
    odd.write_text("{}", encoding="utf-8")
    unknown = ties(["build", "--workspace", str(workspace), "--registry", str(odd)])
    assert unknown.exit_code == 2
    assert "unknown registry format" in unknown.output
    missing = ties(["build", "--workspace", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    no_ties = ties(["report", "--workspace", str(workspace)])
    assert no_ties.exit_code == 2
    assert "opora ties build" in no_ties.output
