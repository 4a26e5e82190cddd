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


def _versioned_dictionary():
    """Sochi as the real dictionary has it: version 628 (2018–2021) and 2812 (2021–, active)."""
    return pd.DataFrame(
        {
            "territory_id": [628, 2812],
            "oktmo": ["03726000", "03726000"],
            "year_from": pd.array([2018, 2021], dtype="Int64"),
            "year_to": pd.array([2021, 9999], dtype="Int64"),
            "active": [False, True],
        }
    )


def test_one_dictionary_version_per_year_and_duplicates_kept_once(tmp_path):
    rows = [
        # 2020: only the old version is valid → its figure
        (628, 2020, "январь-декабрь", "Все отрасли", "0", 40_000.0),
        (2812, 2020, "январь-декабрь", "Все отрасли", "0", 41_000.0),
        # 2023: both give a figure; the version valid in 2023 (2812) is kept
        (628, 2023, "январь-декабрь", "Все отрасли", "0", 60_000.0),
        (2812, 2023, "январь-декабрь", "Все отрасли", "0", 67_318.2),
        # an exact repeat and a blank repeat of a published figure
        (2812, 2023, "январь-декабрь", "Образование", "P", 50_000.0),
        (2812, 2023, "январь-декабрь", "Образование", "P", 50_000.0),
        (2812, 2023, "январь-декабрь", "Здравоохранение", "Q", 55_000.0),
        (2812, 2023, "январь-декабрь", "Здравоохранение", "Q", None),
    ]
    cols = ["territory_id", "year", "period", "okved_name", "okved_letter", "value"]
    path = tmp_path / "4_bdmo_salary.parquet"
    pd.DataFrame(rows, columns=cols).to_parquet(path)
    res = read_sberindex_indicators(path, _versioned_dictionary())
    t = res.table.set_index(["year", "dimension"])["value"]
    assert res.table.duplicated(["oktmo", "code", "year", "period", "dimension"]).sum() == 0
    # 628 was valid until 2021, 2812 from 2021: 2020 takes 628 and 2023 takes 2812
    assert t[(2020, "total")] == 40_000.0
    assert t[(2023, "total")] == 67_318.2
    assert t[(2023, "P")] == 50_000.0
    assert t[(2023, "Q")] == 55_000.0
    assert set(res.rejects["action"]) == {"repaired"}
    assert res.rejects["reason"].str.contains("dictionary versions").sum() == 2


def test_memo_of_the_national_file_gives_the_same_region(dictionary, data_dir):
    """The country job keeps each cleaned national file once: regions read from it match."""
    from opora.io._memo import enable_read_memo

    path = data_dir / "sberindex" / "4_bdmo_salary.parquet"
    fresh = {
        p: read_sberindex_indicators(path, dictionary.table, oktmo_prefix=p) for p in ["80", "02"]
    }
    enable_read_memo()
    try:
        for _ in range(2):
            for prefix, expect in fresh.items():
                got = read_sberindex_indicators(path, dictionary.table, oktmo_prefix=prefix)
                pd.testing.assert_frame_equal(got.table, expect.table)
                pd.testing.assert_frame_equal(got.rejects, expect.rejects)
                assert (got.rows_read, got.extra) == (expect.rows_read, expect.extra)
    finally:
        enable_read_memo(False)
