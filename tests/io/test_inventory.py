"""Which sources each region has: counts on the tiny committed data and on the real sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from opora.errors import SourceNotFoundError
from opora.io.inventory import EXPECTED_SOURCES, INVENTORY_SOURCES, region_inventory
from opora.io.sberindex import read_sberindex_dictionary
from opora.io.sources import list_regions


def _row(table: pd.DataFrame, iso: str) -> pd.Series:
    return table[table["iso"] == iso].iloc[0]


def test_counts_on_the_tiny_data(mini_data_dir: Path, register_csv: Path) -> None:
    inv = region_inventory(mini_data_dir, register_csv)
    t = inv.table
    assert len(t) == 85
    assert inv.notes == {}
    ba = _row(t, "RU-BA")
    # hand-counted in the committed files: 12 register rows of Bashkortostan, 3 employment
    # rows with 80… codes (80601000, 80602000, 80701000), Adygea's 79701000
    assert ba["register"] == 12
    assert ba["employment"] == 3
    assert _row(t, "RU-AD")["employment"] == 1
    assert _row(t, "RU-ALT")["register"] == 4
    assert _row(t, "RU-TVE")["register"] == 1
    # the Arctic sample: 6 Karelian and 2 Komi municipalities, the «без НАО» rows are
    # Arkhangelsk oblast; Murmansk, Nenets, Chukotka and Yamalo-Nenets as whole regions
    assert (_row(t, "RU-KR")["arctic"], _row(t, "RU-KO")["arctic"]) == (6, 2)
    assert _row(t, "RU-ARK")["arctic"] == 2
    whole = set(t.loc[t["arctic_whole"], "iso"])
    assert whole == {"RU-MUR", "RU-NEN", "RU-CHU", "RU-YAN"}
    assert _row(t, "RU-MUR")["status"] == "Arctic: whole"
    assert "bdmo" in ba["sources"].split(", ")
    assert ba["lacks"] == "urov14a"  # the Urov-14a sample holds other regions
    # a region no source holds lacks every expected source
    assert _row(t, "RU-KEM")["lacks"] == ", ".join(EXPECTED_SOURCES)
    assert set(INVENTORY_SOURCES) <= set(t.columns)


def test_a_missing_source_is_not_evaluated(mini_data_dir: Path, tmp_path: Path) -> None:
    d = tmp_path / "data"
    shutil.copytree(mini_data_dir, d)
    (d / "rosstat" / "bdmo_employment_by_okved_2023_mo.csv").unlink()
    (d / "sberindex" / "t_dict_municipal_districts.xlsx").unlink()
    inv = region_inventory(d)  # no register either
    t = inv.table
    for key in ("employment", "dictionary", "wages", "population", "register"):
        assert t[key].isna().all(), key
        assert key in inv.notes
    assert "bdmo_employment_by_okved_2023_mo.csv" in inv.notes["employment"]
    assert "dictionary" in inv.notes["wages"]
    assert "fetch-register" in inv.notes["register"]
    # what was read is still counted; a source not evaluated is not "lacking"
    assert _row(t, "RU-BA")["bulletin"] > 0
    assert "employment" not in _row(t, "RU-BA")["lacks"]


def test_no_data_dir_counts_the_embedded_default_only() -> None:
    inv = region_inventory(None)
    t = inv.table
    ba = _row(t, "RU-BA")
    # the embedded default: 63 top-level municipalities of the Republic of Bashkortostan
    assert ba["dictionary"] == 63
    assert ba["employment"] == 63
    others = t[t["iso"] != "RU-BA"]
    assert others["dictionary"].isna().all()
    assert (others["sources"] == "").all()
    assert inv.data_dir is None


def test_a_data_dir_that_is_not_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="data folder not found"):
        region_inventory(tmp_path / "nowhere")


@pytest.mark.slow
def test_real_sources(shared_dir: Path) -> None:
    inv = region_inventory(shared_dir)
    t = inv.table
    # the dictionary counted by OKTMO prefix agrees with the dictionary grouped by its own
    # region names (io.sources.list_regions): the okrugs are apart from their oblasts
    dic = read_sberindex_dictionary(shared_dir / "sberindex" / "t_dict_municipal_districts.xlsx")
    by_name = list_regions(dic.table).set_index("region")["municipalities"]
    assert dict(zip(t["name_ru"], t["dictionary"], strict=True)) == by_name.to_dict()
    assert _row(t, "RU-NEN")["dictionary"] == 2
    # the nationwide employment file holds the whole Bashkortostan file (63 rows)
    bash = pd.read_csv(
        shared_dir / "bashkortostan" / "akhrameshin_employment_2023_bashkortostan.csv", dtype=str
    )
    assert _row(t, "RU-BA")["employment"] == len(bash) == 63
    # "82 regions" in the data README are 2-digit codes: with the three okrugs apart, 85
    held = t[t["employment"] > 0]
    assert held["oktmo_prefix"].str.slice(0, 2).nunique() == 82
    assert len(held) == 85
    # the Arctic zone's four whole regions (data README)
    assert int(t["arctic_whole"].sum()) == 4
