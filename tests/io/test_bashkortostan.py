import pandas as pd
import pytest

from opora.errors import EmptyFileError, EncodingError, MissingColumnError
from opora.io.bashkortostan import read_bdmo_long, read_crosswalk, read_employment_shares


def _p(data_dir, name):
    return data_dir / "bashkortostan" / name


def test_bdmo_own_revenue(data_dir):
    res = read_bdmo_long(_p(data_dir, "bdmo_bashkortostan_2024_2025_long.csv"))
    t = res.table
    own = t[(t["code"] == "Y48313015") & (t["oktmo"] == "80601000")]
    # value read by hand from the real file: Abzelilovsky district, 2024, 25.5 %
    assert own["value"].tolist() == [25.5]
    assert own["year"].tolist() == [2024]


def test_bdmo_sector_split_flagged(data_dir):
    res = read_bdmo_long(_p(data_dir, "bdmo_bashkortostan_2024_2025_long.csv"))
    parts = res.table[res.table["dimension"].str.startswith("part")]
    assert len(parts) == res.extra["sector_split_rows"]
    assert res.rows_flagged == len(parts)
    assert (res.rejects["action"] == "flagged").all()


def test_employment_long(data_dir):
    res = read_employment_shares(_p(data_dir, "akhrameshin_employment_2023_bashkortostan.csv"))
    t = res.table
    raw = pd.read_csv(
        _p(data_dir, "akhrameshin_employment_2023_bashkortostan.csv"), dtype={"oktmo8": str}
    )
    row = raw[raw["oktmo8"] == "80601000"].iloc[0]
    got = t.query("oktmo == '80601000' and code == 'emp_share' and dimension == 'P'")
    assert got["value"].iloc[0] == pytest.approx(row["emp_edu"])
    total = t.query("oktmo == '80601000' and code == 'emp_total'")["value"].iloc[0]
    assert total == 5764
    assert res.extra["suppressed"] == int(
        raw.filter(like="emp_").drop(columns="emp_total").isna().sum().sum()
    )


def test_crosswalk_dashed_codes(data_dir):
    res = read_crosswalk(_p(data_dir, "bashkortostan_mo_crosswalk.csv"))
    assert res.table["oktmo"].str.fullmatch(r"\d{8}").all()


def test_broken_variants(tmp_path, data_dir):
    src = _p(data_dir, "bdmo_bashkortostan_2024_2025_long.csv")
    cp = tmp_path / "bdmo_cp1251.csv"
    cp.write_bytes(src.read_text(encoding="utf-8").encode("cp1251"))
    with pytest.raises(EncodingError) as err:
        read_bdmo_long(cp)
    assert "bdmo_cp1251.csv" in str(err.value)
    assert "cp1251" in str(err.value)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(EmptyFileError):
        read_bdmo_long(empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(src.read_text(encoding="utf-8").splitlines()[0] + "\n")
    with pytest.raises(EmptyFileError, match="no data rows"):
        read_bdmo_long(header_only)
    nocol = tmp_path / "nocol.csv"
    pd.read_csv(src, dtype=str).drop(columns=["value"]).to_csv(nocol, index=False)
    with pytest.raises(MissingColumnError) as err2:
        read_bdmo_long(nocol)
    assert err2.value.column == "value"
    assert "nocol.csv" in str(err2.value)


def test_lost_zero_repaired_and_bad_code_rejected(tmp_path, data_dir):
    src = pd.read_csv(_p(data_dir, "bashkortostan_mo_crosswalk.csv"), dtype=str)
    src.loc[0, "oktmo"] = "1601000"
    src.loc[1, "oktmo"] = "abc"
    p = tmp_path / "cw.csv"
    src.to_csv(p, index=False)
    res = read_crosswalk(p)
    assert "01601000" in set(res.table["oktmo"])
    rej = res.rejects.set_index("action")
    assert rej.loc["repaired", "row"] == 2
    assert rej.loc["rejected", "value"] == "abc"
    assert res.rows_kept == len(src) - 1
