"""Reading a location × activity table: columns, periods, numbers, and the Rosstat sniff."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from opora.errors import FormatError
from opora.io.economy_table import ActivityTable, is_org_stats_export, read_activity_table

HANDMADE = Path(__file__).parents[1] / "data" / "rosstat" / "rosstat_org_stats_handmade.csv"


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _read(path: Path, **kwargs: str) -> ActivityTable:
    return read_activity_table(path, location="oktmo", activity="okved", value="v", **kwargs)


def test_is_org_stats_export(tmp_path: Path) -> None:
    assert is_org_stats_export(HANDMADE)
    assert is_org_stats_export(tmp_path / "registry.whl")  # by its suffix, not read
    assert not is_org_stats_export(_csv(tmp_path, "oktmo,okved,v\n80601000,A,1\n"))
    assert not is_org_stats_export(_csv(tmp_path, "", "empty.csv"))
    cp1251 = tmp_path / "win.csv"
    cp1251.write_bytes(HANDMADE.read_text(encoding="utf-8").encode("cp1251"))
    assert not is_org_stats_export(cp1251)
    assert not is_org_stats_export(tmp_path / "nowhere.csv")


def test_reads_text_keys_and_numbers(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "oktmo,okved,v\n"
        " 08601000 ,A,1 234\n"
        '08601000,B,"12,5"\n'
        "08601000,C,…\n"
        "08602000,A,n/a?\n"
        "08602000,B,3\n",
    )
    got = _read(path)
    assert list(got.table.columns) == ["location", "activity", "value"]
    assert got.table["location"].tolist()[:2] == ["08601000", "08601000"]  # zeros kept
    values = got.table["value"].tolist()
    assert values[:2] == [1234.0, 12.5]
    assert math.isnan(values[2])
    assert math.isnan(values[3])
    # a suppressed marker is expected; a word is counted in a note
    assert got.notes == ["1 cells of `v` are not numbers; read as missing (zero)"]
    assert got.selected == ""


def test_latest_year_and_period(tmp_path: Path) -> None:
    text = "oktmo,okved,year,period,v\n"
    text += "1,A,2022,I,1\n1,A,2023,I,2\n1,A,2023,II,3\n"
    path = _csv(tmp_path, text)
    got = _read(path, year="year", period="II")
    assert got.table["value"].tolist() == [3.0]
    assert got.selected == "period = II, year = 2023 (latest)"
    got = _read(path, year="year", period="2022")
    assert got.table["value"].tolist() == [1.0]
    assert got.selected == "year = 2022"
    with pytest.raises(FormatError, match="values found") as info:
        _read(path, year="year", period="1999")
    assert info.value.column == "year"


def test_period_needs_a_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "oktmo,okved,v\n1,A,1\n")
    with pytest.raises(FormatError, match="needs `--year COL` or a `period` column"):
        _read(path, period="2023")


def test_year_that_is_not_a_year(tmp_path: Path) -> None:
    path = _csv(tmp_path, "oktmo,okved,year,v\n1,A,2023,1\n1,B,soon,1\n")
    with pytest.raises(FormatError, match="not a year at line 3") as info:
        _read(path, year="year")
    assert info.value.column == "year"


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("oktmo,okved,v\n1,A,1\n,B,1\n", "oktmo", "is empty at line 3"),
        ("oktmo,okved,v\n1,A,1\n1,B,-2\n", "v", "is negative at line 3"),
        ("oktmo,okved,v\n1,A,many\n1,B,few\n", "v", "holds no numbers"),
        ("oktmo,okved,v\n1,A,1\n1,A,2\n", "okved", "repeat a location × activity pair"),
    ],
)
def test_unusable_tables(tmp_path: Path, text: str, column: str, message: str) -> None:
    with pytest.raises(FormatError, match=message) as info:
        _read(_csv(tmp_path, text))
    assert info.value.column == column
    assert info.value.path == tmp_path / "t.csv"
