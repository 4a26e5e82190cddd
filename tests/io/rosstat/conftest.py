"""Fixtures of the Rosstat reader tests: real sources and look-ups in results.

Fixtures under tests/data/ are cut from the real files by
tests/data/make_fixtures_rosstat.py. Expected numbers were read by hand from the real
files (line numbers given next to them) or come from an independent source (HFLabs
OKTMO codes, the tidy Urov-14a table), never from the readers' own output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.model.result import ImportResult


def _one(frame: pd.DataFrame, **match: object) -> pd.Series:
    """The single row of ``frame`` whose columns equal ``match``."""
    mask = np.ones(len(frame), dtype=bool)
    for col, value in match.items():
        mask &= (frame[col] == value).fillna(False).to_numpy()
    rows = frame[mask]
    assert len(rows) == 1, f"{len(rows)} rows match {match}"
    return rows.iloc[0]


def _rejects_at(result: ImportResult, row: int, column: str | None = None) -> pd.DataFrame:
    """The rejects of ``result`` at ``row`` (and ``column`` when given)."""
    rej = result.rejects
    hit = rej[rej["row"] == row]
    return hit if column is None else hit[hit["column"] == column]


def _cp1251_copy(src: Path, dst: Path) -> Path:
    """Copy a UTF-8 text file to ``dst`` in Windows-1251."""
    dst.write_bytes(src.read_text(encoding="utf-8").encode("cp1251"))
    return dst


@pytest.fixture(scope="session")
def one() -> Callable[..., pd.Series]:
    """``one(frame, **match)``: the single row of ``frame`` whose columns equal ``match``."""
    return _one


@pytest.fixture(scope="session")
def rejects_at() -> Callable[..., pd.DataFrame]:
    """``rejects_at(result, row, column=None)``: the rejects of one row (and column)."""
    return _rejects_at


@pytest.fixture(scope="session")
def cp1251_copy() -> Callable[[Path, Path], Path]:
    """``cp1251_copy(src, dst)``: a Windows-1251 copy of a UTF-8 file."""
    return _cp1251_copy


@pytest.fixture(scope="session")
def real_source(shared_dir: Path) -> Callable[[str], Path]:
    """``real_source(relative)``: a real source file, skipping the test when it is absent."""

    def real(relative: str) -> Path:
        path = shared_dir / relative
        if not path.exists():
            pytest.skip(f"real source {path} not found")
        return path

    return real
