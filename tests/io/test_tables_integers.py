"""Integer-like ids through the one-pass reader, against all-text pandas and the careful path.

:func:`opora.io._tables.fast_read` reads ids as text (dictionary codes), so ``"007"``,
``" 12"``, ``"-0"``, ``"+5"``, quoted and huge ids keep the text pandas gives them; every
case is checked against ``pandas.read_csv`` with all columns as text and against the
careful path, with LF, CRLF and CR-only line ends.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.io._tables import fast_read
from opora.io.matrix import read_costs_csv, read_demand_csv

IDS = ["demand_id", "site_id"]


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    path.write_bytes((end.join(lines) + end).encode("utf-8"))
    return path


def _reference(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    out = pd.DataFrame({c: [v.strip() for v in frame[c]] for c in IDS})
    out["cost"] = [float(v) for v in frame["cost"]]
    return out


def _careful(path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    with monkeypatch.context() as m:
        m.setattr("opora.io.matrix.fast_read", lambda *a, **k: None)
        return read_costs_csv(path).table


def _check(path: Path, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    table = read_costs_csv(path).table
    ref = _reference(path)
    careful = _careful(path, monkeypatch)
    for column in IDS:
        assert table[column].astype(str).tolist() == ref[column].tolist(), column
        assert table[column].astype(str).tolist() == careful[column].astype(str).tolist()
    assert np.array_equal(table["cost"].to_numpy(), ref["cost"].to_numpy())
    assert table["source_row"].tolist() == careful["source_row"].tolist()
    return table


CASES = {
    "plain": ["demand_id,site_id,cost", "1,1000001,5", "2,1000001,7.25", "10,1000002,0"],
    "mixed widths": ["demand_id,site_id,cost", "9,99,1", "10,100,2", "123456789,5,3"],
    "zero alone": ["demand_id,site_id,cost", "0,0,1", "10,100,2", "0,7,0.5"],
    "sparse": ["demand_id,site_id,cost", "1,3,1", "900000000000,3,2", "5,9000000000000000,3"],
    "int64 max": ["demand_id,site_id,cost", "9223372036854775807,1,1", "1,2,2"],
    "cost 0.5 and 05": ["demand_id,site_id,cost", "1,2,0.5", "3,4,0"],
    "leading zeros": ["demand_id,site_id,cost", "0012,007,1.5", "0013,007,2", "12,7,3"],
    "one leading zero": ["demand_id,site_id,cost", "12,7,1", "13,07,2"],
    "oktmo": ["demand_id,site_id,cost", "80601000001,00602000,12.5", "01601000002,00602000,0"],
    "spaces": ["demand_id,site_id,cost", " 12,7,1", "13, 7 ,2"],
    "negative": ["demand_id,site_id,cost", "-12,7,1", "13,-7,2"],
    "negative zero": ["demand_id,site_id,cost", "-0,7,1", "0,7,2"],
    "plus": ["demand_id,site_id,cost", "+12,7,1", "13,7,2"],
    "quoted": ["demand_id,site_id,cost", '"012",7,1', "13,7,2"],
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_ids_keep_their_text(
    tmp_path: Path, case: str, end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = _write(tmp_path / "costs.csv", CASES[case], end)
    if end != "\r":  # lines ended by CR alone: the careful path
        assert fast_read(p, IDS, "cost", extras=False) is not None
    _check(p, monkeypatch)


def test_ids_beyond_int64_keep_their_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["demand_id,site_id,cost", "99999999999999999999,7,1", "13,7,2"]
    p = _write(tmp_path / "costs.csv", lines)
    assert fast_read(p, IDS, "cost", extras=False) is not None
    table = _check(p, monkeypatch)
    assert table["demand_id"].astype(str).tolist() == ["99999999999999999999", "13"]


def test_random_integer_files_same_as_careful_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(7)
    for trial in range(5):
        n = 2_000
        demand = rng.integers(0, 10 ** rng.integers(1, 12), size=n)
        site = rng.integers(0, 500, size=n)
        keep = ~pd.DataFrame({"d": demand, "s": site}).duplicated().to_numpy()
        zeros = trial % 2 == 1  # every other file: some ids with a leading zero
        text = [f"0{d}" if zeros and k % 97 == 0 else str(d) for k, d in enumerate(demand)]
        lines = ["demand_id,site_id,cost"] + [
            f"{d},{s},{c}"
            for d, s, c, k in zip(text, site, rng.random(n).round(3), keep, strict=True)
            if k
        ]
        _check(_write(tmp_path / f"costs{trial}.csv", lines), monkeypatch)


def test_demand_integer_ids_come_out_as_text(tmp_path: Path) -> None:
    p = _write(tmp_path / "demand.csv", ["demand_id,weight", "10,1", "9,2", "0,3"])
    table = read_demand_csv(p).table
    assert table["demand_id"].tolist() == ["10", "9", "0"]
    assert isinstance(table["demand_id"].dtype, pd.StringDtype)
