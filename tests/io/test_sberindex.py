import pandas as pd
import pytest

from opora.errors import FormatError, MissingColumnError, SourceNotFoundError
from opora.io.sberindex import read_sberindex_dictionary, read_sberindex_indicators


@pytest.fixture(scope="module")
def dictionary(data_dir):
    return read_sberindex_dictionary(data_dir / "sberindex" / "t_dict_municipal_districts.xlsx")


def _raw(data_dir, name):
    return pd.read_parquet(data_dir / "sberindex" / f"{name}.parquet")


def test_dictionary_codes_are_text(dictionary):
    t = dictionary.table
    assert t["oktmo"].str.fullmatch(r"\d{8}").all()
    ufa = t[(t["oktmo"] == "80701000") & t["active"]].iloc[0]
    assert ufa["region_name"] == "Республика Башкортостан"
    assert ufa["status"] == "административный_центр_субъекта"
    assert 54 < ufa["lat"] < 55


def test_population_total_and_65plus(dictionary, data_dir):
    res = read_sberindex_indicators(
        data_dir / "sberindex" / "2_bdmo_population.parquet", dictionary.table
    )
    tid = int(dictionary.table.query("oktmo == '80601000' and active")["territory_id"].iloc[0])
    raw = _raw(data_dir, "2_bdmo_population")
    raw = raw[(raw["territory_id"] == tid) & (raw["year"] == 2024)]
    # independent reference: the file's own "Всего" and "65+" rows
    total = raw[raw["age"] == "Всего"]["value"].sum()
    old = raw[raw["age"] == "65+"]["value"].sum()
    t = res.table.set_index(["oktmo", "code", "year"])["value"]
    assert t[("80601000", "sber_population", 2024)] == pytest.approx(total)
    assert t[("80601000", "sber_population_65plus", 2024)] == pytest.approx(old)
    assert t[("80601000", "sber_share_65plus", 2024)] == pytest.approx(old / total * 100)
    # single years 0..64 plus 65+ give the same total: the aggregates were not double counted
    single = raw[raw["age"].str.fullmatch(r"\d+")]
    young = single[single["age"].astype(int) < 65]["value"].sum()
    assert young + old == pytest.approx(total)


def test_unknown_territory_rejected(dictionary, data_dir):
    res = read_sberindex_indicators(
        data_dir / "sberindex" / "1_market_access.parquet", dictionary.table
    )
    rej = res.rejects
    assert (rej["action"] == "rejected").all()
    assert (rej["column"] == "territory_id").all()
    assert len(rej) >= 1
    assert res.table["oktmo"].str.fullmatch(r"\d{8}").all()


def test_salary_sections(dictionary, data_dir):
    res = read_sberindex_indicators(
        data_dir / "sberindex" / "4_bdmo_salary.parquet", dictionary.table, oktmo_prefix="80"
    )
    t = res.table
    assert set(t["oktmo"].str.slice(0, 2)) == {"80"}
    assert "total" in set(t["dimension"])
    assert {"P", "Q"} <= set(t["dimension"])


def test_migration_net_total(dictionary, data_dir):
    res = read_sberindex_indicators(
        data_dir / "sberindex" / "3_bdmo_migration.parquet", dictionary.table
    )
    raw = _raw(data_dir, "3_bdmo_migration")
    tid = int(dictionary.table.query("oktmo == '80701000' and active")["territory_id"].iloc[0])
    expect = raw[(raw["territory_id"] == tid) & (raw["age"] == "Всего")]["value"].sum()
    got = res.table.query("oktmo == '80701000'")["value"].iloc[0]
    assert got == pytest.approx(expect)


def test_wrong_parquet(tmp_path, dictionary):
    p = tmp_path / "x.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(p)
    with pytest.raises(FormatError, match=r"x\.parquet"):
        read_sberindex_indicators(p, dictionary.table)
    q = tmp_path / "y.parquet"
    pd.DataFrame({"territory_id": [1], "okved_letter": ["A"]}).to_parquet(q)
    with pytest.raises(MissingColumnError, match="okved_name"):
        read_sberindex_indicators(q, dictionary.table)


def test_dictionary_missing_column_and_file(tmp_path, data_dir):
    d = pd.read_excel(data_dir / "sberindex" / "t_dict_municipal_districts.xlsx")
    p = tmp_path / "dict.xlsx"
    d.drop(columns=["oktmo"]).to_excel(p, index=False)
    with pytest.raises(MissingColumnError) as err:
        read_sberindex_dictionary(p)
    assert err.value.column == "oktmo"
    assert "dict.xlsx" in str(err.value)
    with pytest.raises(SourceNotFoundError):
        read_sberindex_dictionary(tmp_path / "nope.xlsx")
    txt = tmp_path / "notexcel.xlsx"
    txt.write_text("hello")
    with pytest.raises(FormatError, match=r"notexcel\.xlsx"):
        read_sberindex_dictionary(txt)
