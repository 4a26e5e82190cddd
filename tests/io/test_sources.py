"""Reading one region's sources from a data folder laid out like shared/data."""

from __future__ import annotations

import pytest

from opora.errors import SourceNotFoundError, UnknownRegionError
from opora.io.sberindex import read_sberindex_dictionary
from opora.io.sources import SOURCE_FILES, list_regions, read_sources


def test_list_regions(mini_data_dir):
    dic = read_sberindex_dictionary(mini_data_dir / SOURCE_FILES["dictionary"])
    regions = list_regions(dic.table)
    assert list(regions.columns) == ["region", "oktmo_prefix", "municipalities"]
    prefix = regions.set_index("region")["oktmo_prefix"]
    assert prefix["Республика Башкортостан"] == "80"


@pytest.mark.parametrize("region", ["Bashkiria", "РЕСП. БАШКОРТОСТАН"])
def test_region_by_alias_or_other_spelling(mini_data_dir, region):
    bundle = read_sources(mini_data_dir, region)
    assert (bundle.region, bundle.oktmo_prefix) == ("Республика Башкортостан", "80")


def test_unknown_region_and_missing_folder(mini_data_dir, tmp_path):
    with pytest.raises(UnknownRegionError, match="Марс"):
        read_sources(mini_data_dir, "Марс")
    with pytest.raises(SourceNotFoundError, match="data folder not found"):
        read_sources(tmp_path / "absent", "80")


def test_employment_comes_from_the_nationwide_file(mini_data_dir):
    """One reader, one source: the nationwide file; the Bashkortostan file is its subset."""
    import pandas as pd

    bundle = read_sources(mini_data_dir, "80")
    emp = bundle.indicators[bundle.indicators["code"] == "emp_share"]
    assert set(emp["source"]) == {"Rosstat municipal database Y48423005 via tochno.st (CC BY 4.0)"}
    names = [i["source"] for i in bundle.imports]
    assert "employment_by_okved" in names
    assert "employment_bashkortostan" not in names
    # the same shares as the Bashkortostan file, read here with pandas
    raw = pd.read_csv(
        mini_data_dir / "bashkortostan" / "akhrameshin_employment_2023_bashkortostan.csv",
        dtype={"oktmo8": str},
    ).set_index("oktmo8")
    got = emp.set_index(["oktmo", "dimension"])["value"]
    assert got[("80601000", "P")] == raw.loc["80601000", "emp_edu"]
    assert got[("80602000", "C")] == raw.loc["80602000", "emp_manuf"]
    assert len(got) == int(raw.drop(columns="emp_total").notna().sum().sum())
    assert "employment" not in bundle.missing
    assert "bdmo_bashkortostan" not in bundle.missing


def test_a_region_outside_bashkortostan_lacks_own_revenues_with_a_reason(mini_data_dir):
    bundle = read_sources(mini_data_dir, "Адыгея")
    assert set(bundle.upper["oktmo"]) == {"79701000"}
    codes = set(bundle.indicators["code"])
    assert {"emp_share", "emp_total"} <= codes
    assert "Y48313015" not in codes
    assert "Bashkortostan only" in bundle.missing["bdmo_bashkortostan"]
    assert "только для Республики Башкортостан" in bundle.missing_ru["bdmo_bashkortostan"]


@pytest.mark.slow
def test_nationwide_employment_for_a_northern_region(shared_dir):
    import pandas as pd

    bundle = read_sources(shared_dir, "Ненецкий автономный округ")
    raw = pd.read_csv(
        shared_dir / "rosstat" / "bdmo_employment_by_okved_2023_mo.csv", dtype={"oktmo8": str}
    )
    mine = raw[raw["oktmo8"].isin(set(bundle.upper["oktmo"]))]
    tot = bundle.indicators[bundle.indicators["code"] == "emp_total"].set_index("oktmo")["value"]
    assert tot.to_dict() == mine.set_index("oktmo8")["emp_total"].to_dict()
    assert len(tot) == 2  # Naryan-Mar urban okrug and Zapolyarny district
