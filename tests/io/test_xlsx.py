"""The column-wise workbook writer against pandas' ``to_excel`` (XlsxWriter engine)."""

from __future__ import annotations

import datetime
import io
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest

from opora.io.xlsx import write_workbook


def _cells(data: bytes) -> dict[str, list[list[tuple[object, str, str]]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {
        name: [
            [(c.value, c.data_type, c.number_format) for c in row] for row in book[name].iter_rows()
        ]
        for name in book.sheetnames
    }


def _by_pandas(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def _by_opora(sheets: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    write_workbook(buffer, sheets)
    return buffer.getvalue()


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "int": [1, -2, 3, 0, 5],
            "float": [1.5, np.nan, np.inf, -np.inf, 1e-300],
            "bool": [True, False, True, True, False],
            "text": ["a", None, "", "=1+1", "https://example.org"],
            "string": pd.array(["x", pd.NA, "z", "ё", "w"], dtype="string"),
            "object": pd.Series([1, 2.5, "s", None, [1, 2]], dtype=object),
            "nullable": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "category": pd.Categorical(["u", "v", None, "u", "v"]),
            "when": pd.to_datetime(
                ["2026-01-02 00:00:00", None, "2026-03-04 05:06:07", None, None]
            ),
            "day": [datetime.date(2026, 1, 1), None, None, None, datetime.date(2026, 2, 2)],
            "span": [datetime.timedelta(hours=36), None, None, None, None],
            "numpy_scalars": pd.Series([np.int64(3), np.float64(2.5), np.bool_(True), None, 7]),
        }
    )


def test_same_cells_as_pandas():
    sheets = {
        "about": pd.DataFrame({"ru": ["а", "б"], "en": ["a", "b"]}),
        "mixed": _mixed(),
        "empty": pd.DataFrame(columns=["one", "two"]),
        "floats only": pd.DataFrame({"v": np.arange(1000) / 7.0}),
    }
    assert _cells(_by_opora(sheets)) == _cells(_by_pandas(sheets))


def test_a_text_too_long_for_a_cell_does_not_stop_the_column():
    sheets = {"long": pd.DataFrame({"t": ["a", "x" * 40_000, "b", "c"], "n": [1, 2, 3, 4]})}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _cells(_by_pandas(sheets))
        got = _cells(_by_opora(sheets))
    assert got == want
    assert [row[0][0] for row in got["long"]][3:] == ["b", "c"]


def test_writes_a_file(tmp_path):
    path = tmp_path / "book.xlsx"
    assert write_workbook(path, {"a": pd.DataFrame({"x": [1]})}) == path
    assert pd.read_excel(path, sheet_name="a")["x"].tolist() == [1]


@pytest.mark.parametrize("rows", [0, 1, 3000])
def test_read_back_equals_the_frame(rows):
    rng = np.random.default_rng(rows)
    frame = pd.DataFrame(
        {"id": [f"s{i}" for i in range(rows)], "v": rng.random(rows), "k": rng.integers(0, 9, rows)}
    )
    back = pd.read_excel(io.BytesIO(_by_opora({"t": frame})), sheet_name="t")
    pd.testing.assert_frame_equal(back, frame, check_dtype=False, check_index_type=False)
