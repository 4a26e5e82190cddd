"""The per-process memo of whole-file readers: off by default, copies, reread on change."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from opora.io._memo import enable_read_memo, memo_read


@pytest.fixture
def memo():
    enable_read_memo()
    yield
    enable_read_memo(False)


def _counting_reader(calls):
    def read(path, sep=","):
        calls.append(path)
        return pd.read_csv(path, sep=sep)

    return read


def test_off_by_default_reads_every_time(tmp_path):
    enable_read_memo(False)
    path = tmp_path / "a.csv"
    path.write_text("x\n1\n")
    calls = []
    read = _counting_reader(calls)
    memo_read(read, path)
    memo_read(read, path)
    assert len(calls) == 2


def test_on_reads_once_and_returns_independent_copies(tmp_path, memo):
    path = tmp_path / "a.csv"
    path.write_text("x\n1\n")
    calls = []
    read = _counting_reader(calls)
    first = memo_read(read, path)
    first.loc[0, "x"] = 99  # a caller changing its table
    second = memo_read(read, path)
    assert len(calls) == 1
    assert second["x"].tolist() == [1]
    # other arguments are another read
    memo_read(read, path, ";")
    assert len(calls) == 2


def test_a_changed_file_is_read_again(tmp_path, memo):
    path = tmp_path / "a.csv"
    path.write_text("x\n1\n")
    calls = []
    read = _counting_reader(calls)
    memo_read(read, path)
    path.write_text("x\n1\n2\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert memo_read(read, path)["x"].tolist() == [1, 2]
    assert len(calls) == 2


def test_shared_computes_once_per_key_and_only_when_on(memo):
    from opora.io._memo import memo_shared

    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    first = memo_shared(("k", 1), compute)
    assert memo_shared(("k", 1), compute) is first  # the object itself, not a copy
    memo_shared(("k", 2), compute)
    assert len(calls) == 2
    enable_read_memo(False)
    memo_shared(("k", 1), compute)
    memo_shared(("k", 1), compute)
    assert len(calls) == 4
