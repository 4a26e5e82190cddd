"""The misleading messages of issue 14, each as a user meets it: what is said instead now."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from opora.config import Settings
from opora.errors import SourceNotFoundError, UnknownRegionError

DATA = Path(__file__).parents[1] / "data"
SME = sorted((DATA / "ties" / "sme").glob("*.xml"))
BAD = DATA / "bad"


@pytest.fixture
def workspace(tmp_path: Path, ties_workspace) -> Path:
    return ties_workspace(tmp_path / "ws")


def _zip_renamed(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("inside.csv", "ИНН,Наименование\n0274613182,ООО Ромашка\n")
    return path


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_zip_renamed, "this is a zip file, not CSV"),
        (lambda p: shutil.copyfile(BAD / "demand_xlsx_renamed.csv", p), "Excel workbook (xlsx)"),
    ],
    ids=["zip", "xlsx"],
)
def test_ties_registry_renamed_csv_is_named_by_its_content(
    opora_cli, workspace, tmp_path, make, said
) -> None:
    """Was: "no header row with an INN column" after reading a zip as Windows-1251 text."""
    export = tmp_path / "spark.csv"
    make(export)
    r = opora_cli(
        "ties", "build", "--workspace", workspace, "--registry", export, terminal_width=400
    )
    assert r.exit_code == 2, r.output
    assert said in r.output
    assert "spark.csv" in r.output
    assert "Windows-1251" not in r.output
    assert "INN column" not in r.output


def test_ties_registry_of_another_region_says_what_it_read(opora_cli, workspace, tmp_path) -> None:
    """Was: "no firm of the workspace's region was kept; see the reject report" (none written)."""
    perm = re.sub(r'КодРегион="\d+"', 'КодРегион="59"', SME[0].read_text(encoding="utf-8"))
    perm = re.sub(r'<Регион Тип="[^"]*" Наим="[^"]*"', '<Регион Тип="КРАЙ" Наим="ПЕРМСКИЙ"', perm)
    n_docs = perm.count("<Документ ")
    assert n_docs == perm.count('КодРегион="59"') == 5
    register = tmp_path / "perm.xml"
    register.write_text(perm, encoding="utf-8")
    r = opora_cli(
        "ties", "build", "--workspace", workspace, "--registry", register, terminal_width=400
    )
    assert r.exit_code == 2, r.output
    assert "reject report" not in r.output
    assert "no firm of Республика Башкортостан was kept" in r.output
    assert f"{n_docs} register documents read, {n_docs} of other regions" in r.output
    assert "ПЕРМСКИЙ (59): 5" in r.output
    assert not (workspace / "ties_rejects.csv").exists()


def test_mapping_section_is_printed_not_swallowed(opora_cli, workspace, tmp_path) -> None:
    """Was: "add its header to `` of the mapping file" (the section read as rich markup)."""
    ownership = tmp_path / "ownership.csv"
    ownership.write_text("компания,доля\n0274613182,50\n", encoding="utf-8")
    r = opora_cli(
        "ties",
        "build",
        "--workspace",
        workspace,
        "--registry",
        SME[0],
        "--ownership",
        ownership,
        terminal_width=400,
    )
    assert r.exit_code == 2, r.output
    assert "add its header to `[ownership." in r.output
    assert "``" not in r.output


def test_eci_left_empty_says_why_without_a_missing_column(opora_cli, tmp_path) -> None:
    """Was: "ECI left empty (see `reason`)" though the output has no `reason` column."""
    table = tmp_path / "t.csv"
    rows = ["location,activity,value"]
    values = {"a": (10, 1, 1), "b": (1, 10, 1), "c": (1, 1, 10), "z": (0, 0, 0)}
    for loc, vals in values.items():
        rows += [f"{loc},{act},{v}" for act, v in zip("xyz", vals, strict=True)]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "eci.csv"
    r = opora_cli(
        "economy",
        "complexity",
        "--input",
        table,
        "--location",
        "location",
        "--activity",
        "activity",
        "--value",
        "value",
        "--out",
        out,
        terminal_width=400,
    )
    assert r.exit_code == 0, r.output
    assert "ECI left empty" in r.output
    assert "see `reason`" not in r.output
    written = pd.read_csv(out)
    assert "reason" not in written.columns or written["reason"].notna().any()


def test_unknown_region_is_not_sent_for_the_nationwide_sources(tmp_path) -> None:
    """Was: "Атлантида", "Башкирия", "02" all got "needs the nationwide sources"."""
    from opora.workflow.region import source_bundle

    settings = Settings(cache_dir=tmp_path, data_dir=None)
    with pytest.raises(UnknownRegionError, match="'Атлантида' matches no region; closest"):
        source_bundle("Атлантида", settings, None)
    with pytest.raises(UnknownRegionError, match="OKTMO code 80 or RU-BA"):
        source_bundle("02", settings, None)
    with pytest.raises(SourceNotFoundError, match=r"Тверская область, OKTMO 28\) needs the"):
        source_bundle("Тверская", settings, None)
    for name in ("Башкирия", "Респ. Башкортостан", "80", "RU-BA"):
        assert source_bundle(name, settings, None).region == "Республика Башкортостан"


def test_unknown_region_on_the_command_line(opora_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("OPORA_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no shared/data beside it: no nationwide sources
    assert Settings().data_dir is None
    r = opora_cli("init", "--region", "Атлантида", "--out", tmp_path / "ws", "-q")
    assert r.exit_code == 2, r.output
    assert "matches no region" in r.output
    assert "nationwide" not in r.output


def test_official_monotowns_column_oktmo8_mo_and_lower_level_codes(opora_cli, tmp_path) -> None:
    """Was: a column `oktmo8_mo` ignored; a town settlement's code matched nothing."""
    sample = DATA / "typology" / "features_sample.csv"
    lst = tmp_path / "mono.csv"
    # 80739000: Salavat (a whole okrug); 80703101: a lower-level code inside Agidel's
    # okrug 80703000
    lst.write_text(
        "region;oktmo8_mo\nБашкортостан;80739000\nБашкортостан;80703101\n", encoding="utf-8"
    )
    out = tmp_path / "t.csv"
    r = opora_cli(
        "typology", "--features", sample, "--out", out, "--official-monotowns", lst,
        terminal_width=400,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("oktmo")
    assert t.loc["80739000", "official_monotown"] == "yes"
    assert t.loc["80703000", "official_monotown"] == "yes"  # 80703101 lies in it
    assert t.loc["80701000", "official_monotown"] == "no"
    assert "80703101" not in r.output  # matched: not listed as unmatched


def test_lower_level_code_matches_its_town_and_district() -> None:
    from opora.typology.lists import match_list

    rows = pd.DataFrame(
        {
            "oktmo": ["80611000", "80611101001", "80611000", "80739000"],
            "name": ["Белорецкий район", "Белорецк", "Белорецкий район", "Салават"],
            "level": ["municipality", "town", "municipality", "municipality"],
            "municipality_oktmo": ["80611000", "80611000", "80611000", "80739000"],
        }
    ).iloc[[0, 1, 3]]
    hits, unmatched = match_list(rows, ["80611101", "80645404"])
    assert hits == ["80611101", "80611101", None]
    assert unmatched == ["80645404"]


def test_code_list_reads_a_header_naming_oktmo(tmp_path) -> None:
    from opora.io.thresholds import read_code_list

    lst = tmp_path / "l.csv"
    lst.write_text("name,oktmo8_mo\nСалават,80739000\nАгидель,\n", encoding="utf-8")
    assert read_code_list(lst) == ["80739000", "Агидель"]


def test_no_numpy_repr_in_messages(opora_cli, tmp_path) -> None:
    """Was: `locate` printed `np.float64(inf)`."""
    base = BAD / "base"
    costs = tmp_path / "c.csv"
    costs.write_text(
        (base / "costs.csv").read_text(encoding="utf-8").replace(",15\n", ",inf\n", 1),
        encoding="utf-8",
    )
    r = opora_cli(
        "locate", "--model", "pmedian", "--facilities", "1", "--costs", costs,
        "--demand", base / "demand.csv", "--out", tmp_path / "o.json", terminal_width=400,
    )  # fmt: skip
    assert "np.float64" not in r.output
    assert "Traceback" not in r.output
    assert r.exit_code in {0, 2}, r.output


def test_semicolon_is_said(opora_cli, tmp_path) -> None:
    """`;` and decimal commas (the Russian Excel export) are detected and said."""
    out = tmp_path / "o.csv"
    r = opora_cli(
        "access", "nearest", "--costs", BAD / "costs_semicolon.csv",
        "--demand", BAD / "demand_semicolon_decimal_comma.csv", "--out", out,
        terminal_width=400,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "looks like `;`" in r.output
    assert io.StringIO(out.read_text(encoding="utf-8")).readline().startswith("demand_id")


def test_damaged_workspace_geopackage_is_an_error_not_a_traceback(opora_cli, workspace) -> None:
    gpkg = workspace / "region.gpkg"
    gpkg.write_bytes(gpkg.read_bytes()[:20_000])
    r = opora_cli("ties", "build", "--workspace", workspace, terminal_width=400)
    assert r.exit_code == 2, r.output
    assert "region.gpkg: the workspace cannot be read" in r.output
    assert "opora init" in r.output
    assert "Traceback" not in r.output
