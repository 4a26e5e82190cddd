"""Streaming reach blocks to Parquet: contents, metadata, atomic replacement."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyarrow.parquet as pq
import pytest

from opora.errors import SourceNotFoundError, ValidationError
from opora.io.reach import read_reach_parquet, write_reach_parquet


class _Block(NamedTuple):
    origin: np.ndarray
    destination: np.ndarray
    minutes: np.ndarray


def _blocks(n: int, seed: int = 0) -> list[_Block]:
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        size = int(rng.integers(0, 50))
        out.append(
            _Block(
                np.sort(rng.integers(10 * k, 10 * k + 10, size)),
                rng.integers(0, 1000, size),
                rng.uniform(0, 60, size),
            )
        )
    return out


def test_blocks_are_written_in_order_with_metadata(tmp_path: Path) -> None:
    blocks = _blocks(6)
    path = tmp_path / "out" / "reach.parquet"
    result = write_reach_parquet(path, iter(blocks), metadata={"cutoff": 60.0, "n_origins": 60})
    assert result.path == path
    assert result.n_blocks == 6
    assert result.n_pairs == sum(b.origin.size for b in blocks)
    frame, meta = read_reach_parquet(path)
    assert meta == {"cutoff": "60.0", "n_origins": "60"}
    np.testing.assert_array_equal(frame["origin"], np.concatenate([b.origin for b in blocks]))
    np.testing.assert_array_equal(
        frame["destination"], np.concatenate([b.destination for b in blocks])
    )
    np.testing.assert_array_equal(frame["minutes"], np.concatenate([b.minutes for b in blocks]))
    schema = pq.read_schema(path)
    assert [str(t) for t in schema.types] == ["int32", "int32", "double"]
    assert list(tmp_path.joinpath("out").iterdir()) == [path]  # no temporary file left


def test_a_failing_block_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "reach.parquet"
    write_reach_parquet(path, _blocks(2))
    before = path.read_bytes()

    def broken():
        yield from _blocks(2, seed=1)
        yield _Block(np.array([1, 2]), np.array([3]), np.array([1.0, 2.0]))

    with pytest.raises(ValidationError, match="block 2"):
        write_reach_parquet(path, broken())
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]
    with pytest.raises(ValidationError, match="`origin` must hold positions"):
        write_reach_parquet(path, [_Block(np.array([-1]), np.array([0]), np.array([1.0]))])


def test_no_blocks_give_an_empty_table_and_missing_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    assert write_reach_parquet(path, []).n_pairs == 0
    frame, _ = read_reach_parquet(path)
    assert frame.empty
    assert list(frame.columns) == ["origin", "destination", "minutes"]
    with pytest.raises(SourceNotFoundError, match=r"missing\.parquet"):
        read_reach_parquet(tmp_path / "missing.parquet")
