"""Facility registries with Russian type names (opora.io.facilities)."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    SourceNotFoundError,
)
from opora.io.facilities import facility_type_from_name, read_facility_registry

REGISTRY_CSV = """name,type,lat,lon,capacity
МБОУ СОШ №1,Школа,62.01,60.02,500
Детский сад «Солнышко»,детский сад,62.02,60.03,
ФАП д. Ивановка,ФАП,62.03,60.04,
Центральная районная больница,ЦРБ,"62,04","60,05",120
Аптека №5,аптека,62.05,60.06,
Отделение почты,почтовое отделение,62.06,60.07,
Библиотека,библиотека,62.07,60.08,
Дом культуры,Дом культуры,62.08,60.09,300
МФЦ,МФЦ,62.09,60.10,
Поликлиника,поликлиника,62.10,60.11,много
Автосервис,автосервис,62.11,60.12,
Школа без координат,школа,,,
Школа вне карты,школа,95,60,
"""


def test_registry_csv_russian_types(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY_CSV, encoding="utf-8")
    result = read_facility_registry(path)
    table = result.table
    assert table["type"].tolist() == [
        "school",
        "kindergarten",
        "doctors",
        "hospital",
        "pharmacy",
        "post_office",
        "library",
        "community_centre",
        "public_services",
        "clinic",
    ]
    assert table.crs.to_epsg() == 4326
    assert table.loc[3, "geometry"].y == pytest.approx(62.04)  # decimal comma
    assert table["capacity"].tolist()[:4] == [500, pd.NA, pd.NA, 120]
    rejects = result.rejects.set_index("row")
    assert rejects.loc[12, "column"] == "type"  # Автосервис, line 12
    assert rejects.loc[12, "action"] == "rejected"
    assert rejects.loc[13, "action"] == "rejected"  # no coordinates
    assert rejects.loc[14, "action"] == "rejected"  # latitude 95
    assert rejects.loc[11, "action"] == "flagged"  # capacity "много"
    assert result.rows_read == 13
    assert result.rows_rejected == 3


def test_registry_xlsx_oktmo(tmp_path):
    path = tmp_path / "registry.xlsx"
    pd.DataFrame(
        {
            "Наименование": ["Школа", "ФАП", "Клуб", "Аптека"],
            "Тип": ["школа", "фельдшерско-акушерский пункт", "клуб", "аптека"],
            "ОКТМО": ["80601000101", "3601000101", "80601000", None],
            "Мощность": [200, None, 50, None],
        }
    ).to_excel(path, index=False)
    result = read_facility_registry(path)
    table = result.table
    assert table["type"].tolist() == ["school", "doctors"]
    assert table["oktmo"].tolist() == ["80601000101", "03601000101"]
    assert (table["located"] == "oktmo").all()
    assert table.geometry.isna().all()
    actions = result.rejects.set_index("row")["action"]
    assert actions[3] == "repaired"
    assert actions[4] == "rejected"  # 8-digit municipality code
    assert actions[5] == "rejected"  # no code


def test_registry_keyword_types_flagged(tmp_path):
    path = tmp_path / "long_names.csv"
    path.write_text(
        "name;type;lat;lon\n"
        "Берёзка;Муниципальное бюджетное дошкольное образовательное учреждение;62;60\n"
        "СОШ 2;Средняя общеобразовательная школа;62;60\n"
        "ДЮСШ;Детско-юношеская спортивная школа;62;60\n",
        encoding="utf-8",
    )
    result = read_facility_registry(path)
    assert result.table["type"].tolist() == ["kindergarten", "school"]
    actions = result.rejects.set_index("row")["action"]
    assert actions[2] == "flagged"
    assert actions[3] == "flagged"
    assert actions[4] == "rejected"
    header_only = tmp_path / "header.csv"
    header_only.write_text("name,type,lat,lon\n", encoding="utf-8")
    with pytest.raises(EmptyFileError):
        read_facility_registry(header_only)


def test_facility_type_names():
    assert facility_type_from_name("  Детский  сад ") == "kindergarten"
    assert facility_type_from_name("ФАП") == "doctors"
    assert facility_type_from_name("school") == "school"
    assert facility_type_from_name("post_office") == "post_office"
    assert facility_type_from_name("бассейн") is None
    assert facility_type_from_name(None) is None


def test_registry_broken_inputs(tmp_path):
    cp1251 = tmp_path / "cp1251.csv"
    cp1251.write_bytes(REGISTRY_CSV.encode("cp1251"))
    with pytest.raises(EncodingError) as err:
        read_facility_registry(cp1251)
    assert "cp1251.csv" in str(err.value)
    assert "1251" in str(err.value)
    no_type = tmp_path / "no_type.csv"
    no_type.write_text("name,lat,lon\nШкола,62,60\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as err:
        read_facility_registry(no_type)
    assert err.value.column == "type"
    assert "no_type.csv" in str(err.value)
    no_place = tmp_path / "no_place.csv"
    no_place.write_text("name,type\nШкола,школа\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="oktmo") as err:
        read_facility_registry(no_place)
    assert err.value.column == "lat"
    with pytest.raises(SourceNotFoundError):
        read_facility_registry(tmp_path / "missing.csv")
    other = tmp_path / "registry.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(FormatError, match=r"\.csv or \.xlsx"):
        read_facility_registry(other)
