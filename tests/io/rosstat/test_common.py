"""Tests of what the Rosstat readers share (opora.io.rosstat._common).

The CSV readers read through the same path (:func:`opora.io._checks.read_text_csv` and
the cell parsers of :mod:`opora.io.rosstat._common`), so one test of their errors runs
over each of them; the shared cell parsers are also tested on their own.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from opora.errors import EmptyFileError, EncodingError, MissingColumnError, SourceNotFoundError
from opora.io.rosstat import (
    read_big_cities,
    read_hflabs_cities,
    read_org_stats_export,
    read_population_bulletin,
    read_status_list,
    read_urov14a_workbook,
)
from opora.io.rosstat._common import _cell_number, _fixed_code, _numbers, _optional_code
from opora.model.result import ImportResult, RejectLog

DATA = Path(__file__).resolve().parents[2] / "data"
BULLETIN = DATA / "rosstat" / "bul2024_population_by_mo_sample.csv"
ARCTIC = DATA / "rosstat" / "bul2024_arctic_zone_mo_sample.csv"
FAR_NORTH = DATA / "rosstat" / "bul2024_far_north_mo_sample.csv"
HFLABS = DATA / "cities" / "hflabs_city_sample.csv"
BIG_CITIES = DATA / "big_cities" / "big_cities_sample.csv"


def _rename_column(src: Path, dst: Path, column: str, new: str) -> Path:
    """Copy a CSV, renaming one header field (the data lines are copied verbatim)."""
    text = src.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    fields = next(csv.reader([header]))
    assert column in fields
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([new if f == column else f for f in fields])
    dst.write_text(buf.getvalue() + rest, encoding="utf-8")
    return dst


def _header_only(src: Path, dst: Path) -> Path:
    dst.write_text(src.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    return dst


CSV_READERS: list[tuple[Callable[[Path], ImportResult], Path, str]] = [
    (read_population_bulletin, BULLETIN, "pop_total"),
    (read_status_list, ARCTIC, "oktmo8"),
    (read_status_list, FAR_NORTH, "flag_star"),
    (read_hflabs_cities, HFLABS, "oktmo"),
    (read_big_cities, BIG_CITIES, "t8013001_1"),
]
CSV_IDS = ["bulletin", "arctic", "far_north", "hflabs", "big_cities"]


@pytest.mark.parametrize(("reader", "fixture", "column"), CSV_READERS, ids=CSV_IDS)
def test_csv_reader_missing_column(
    reader: Callable[[Path], ImportResult], fixture: Path, column: str, tmp_path: Path
) -> None:
    bad = _rename_column(fixture, tmp_path / f"no_{column}.csv", column, f"{column}_renamed")
    with pytest.raises(MissingColumnError) as err:
        reader(bad)
    assert err.value.column == column
    assert bad.name in str(err.value)
    assert f"`{column}`" in str(err.value)


@pytest.mark.parametrize(("reader", "fixture", "column"), CSV_READERS, ids=CSV_IDS)
def test_csv_reader_cp1251(
    reader: Callable[[Path], ImportResult],
    fixture: Path,
    column: str,
    tmp_path: Path,
    cp1251_copy: Callable[[Path, Path], Path],
) -> None:
    bad = cp1251_copy(fixture, tmp_path / "windows_1251.csv")
    with pytest.raises(EncodingError) as err:
        reader(bad)
    assert "windows_1251.csv" in str(err.value)
    assert "cp1251" in str(err.value)


@pytest.mark.parametrize(("reader", "fixture", "column"), CSV_READERS, ids=CSV_IDS)
def test_csv_reader_empty_and_header_only(
    reader: Callable[[Path], ImportResult], fixture: Path, column: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError) as err:
        reader(empty)
    assert "empty.csv" in str(err.value)
    header = _header_only(fixture, tmp_path / "header_only.csv")
    with pytest.raises(EmptyFileError) as err:
        reader(header)
    assert "header_only.csv" in str(err.value)


@pytest.mark.parametrize(
    "reader",
    [
        read_population_bulletin,
        read_status_list,
        read_urov14a_workbook,
        read_org_stats_export,
        read_hflabs_cities,
        read_big_cities,
    ],
)
def test_reader_missing_file(reader: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match=re.escape("nowhere.csv")):
        reader(tmp_path / "nowhere.csv")


# ------------------------------------------------------------------- shared cell parsing


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, (None, False)),
        (True, (None, False)),  # a bool is not a number
        (float("nan"), (None, False)),
        (12, (12.0, False)),
        ("1 234,5", (1234.5, False)),  # spaces and a decimal comma as Rosstat writes them
        ("\u00a0", (None, False)),
        ("…", (None, True)),
        ("-", (None, True)),
    ],
)
def test_cell_number(cell: object, expected: tuple[float | None, bool]) -> None:
    assert _cell_number(cell) == expected


def test_fixed_code_pads_lost_zero_and_marks_bad_codes() -> None:
    frame = pd.DataFrame(
        {"_row": [2, 3, 4, 5, 6], "code": ["1701000", "01 701 000", "12ab", None, " "]}
    )
    log = RejectLog("codes.csv")
    code, bad, short = _fixed_code(frame, "code", 8, log, label="OKTMO")
    assert code.tolist()[:3] == ["01701000", "01701000", "12ab"]
    assert code[3:].isna().all()  # missing and blank codes stay missing, not invalid
    assert bad.tolist() == [False, False, True, False, False]
    assert short.tolist() == [True, False, False, False, False]
    rejects = log.to_frame()
    assert rejects["row"].tolist() == [2]
    assert rejects["value"].tolist() == ["1701000"]
    assert rejects["action"].tolist() == ["repaired"]


def test_optional_code_flags_bad_codes_and_sets_them_missing() -> None:
    frame = pd.DataFrame({"_row": [2, 3, 4], "code": ["1701000", "12ab", None]})
    log = RejectLog("codes.csv")
    code = _optional_code(frame, "code", 8, log, "not an 8-digit OKTMO; set to missing")
    assert code.iloc[0] == "01701000"
    assert code.iloc[1:].isna().all()
    rejects = log.to_frame()
    assert rejects["row"].tolist() == [2, 3]
    assert rejects["action"].tolist() == ["repaired", "flagged"]
    assert rejects["reason"].iloc[1] == "not an 8-digit OKTMO; set to missing"


def test_numbers_flags_text_but_not_missing_markers() -> None:
    frame = pd.DataFrame({"_row": [2, 3, 4, 5], "x": ["1 234,5", "NA", "", "много"]})
    log = RejectLog("numbers.csv")
    value = _numbers(frame, "x", log)
    assert value.iloc[0] == 1234.5
    assert value.iloc[1:].isna().all()
    rejects = log.to_frame()
    assert rejects["row"].tolist() == [5]
    assert rejects["action"].tolist() == ["flagged"]
