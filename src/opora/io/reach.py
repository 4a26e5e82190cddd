"""Write a reach table (origin-destination pairs within a cutoff) to Parquet, block by block.

The pairs of a national reach computation (:func:`opora.access.reach.reach_blocks`) do not
fit in memory as one table; :func:`write_reach_parquet` takes them as an iterable of blocks
and appends each block to one Parquet file as it arrives (one row group or more per block),
so only one block is held at a time. The file appears under its final name only when every
block is written: it is written to a temporary file in the same folder and renamed, so an
interrupted run leaves no partial file behind.

Columns: ``origin`` and ``destination`` (int32 positions in the origin and destination lists
the pairs were computed for) and ``minutes`` (float64). The file's key-value metadata holds
the caller's ``metadata`` entries (for example the cutoff and the counts of origins and
destinations) under keys prefixed ``opora:``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from opora.errors import ValidationError
from opora.io._checks import atomic_write

__all__ = ["PairBlock", "ReachFile", "read_reach_parquet", "write_reach_parquet"]

#: Rows per Parquet row group at most (a block larger than this is split).
ROW_GROUP_SIZE = 1 << 22


class PairBlock(Protocol):
    """A block of pairs: three equal-length arrays (for example a ``ReachBlock``)."""

    @property
    def origin(self) -> npt.NDArray[Any]:
        """Origin position of each pair."""

    @property
    def destination(self) -> npt.NDArray[Any]:
        """Destination position of each pair."""

    @property
    def minutes(self) -> npt.NDArray[Any]:
        """Minutes of each pair."""


class ReachFile(NamedTuple):
    """What :func:`write_reach_parquet` wrote.

    Attributes
    ----------
    path
        The Parquet file.
    n_pairs
        Rows written.
    n_blocks
        Blocks received.
    """

    path: Path
    n_pairs: int
    n_blocks: int


def _schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            pa.field("origin", pa.int32(), nullable=False),
            pa.field("destination", pa.int32(), nullable=False),
            pa.field("minutes", pa.float64(), nullable=False),
        ]
    )


def write_reach_parquet(
    path: str | Path,
    blocks: Iterable[PairBlock],
    *,
    metadata: Mapping[str, str | int | float] | None = None,
    compression: str = "zstd",
) -> ReachFile:
    """Stream blocks of pairs to one Parquet file, atomically.

    Parameters
    ----------
    path
        The file to write (``.parquet``); its folder is created if missing. An existing file
        is replaced only once every block is written.
    blocks
        Blocks with ``origin``, ``destination`` and ``minutes`` arrays of equal length, such
        as the :class:`~opora.access.reach.ReachBlock` items of
        :func:`~opora.access.reach.reach_blocks`; consumed once, one at a time.
    metadata
        Entries stored in the file's key-value metadata as ``opora:<key>`` (values as text).
    compression
        Parquet compression codec (``"zstd"``, ``"snappy"``, ``"none"``...).

    Returns
    -------
    ReachFile
        The path, the number of rows and of blocks written.

    Raises
    ------
    ValidationError
        If a block's arrays differ in length or a position does not fit in int32; nothing is
        left at ``path`` then.
    OutputPathError
        If the folder cannot be created or the file cannot be written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    schema = _schema().with_metadata(
        {f"opora:{key}": str(value) for key, value in (metadata or {}).items()}
    )
    counts = [0, 0]

    def write(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, schema, compression=compression) as writer:
            for number, block in enumerate(blocks):
                columns = _columns(block, number)
                table = pa.Table.from_arrays(
                    [pa.array(columns[0]), pa.array(columns[1]), pa.array(columns[2])],
                    schema=schema,
                )
                writer.write_table(table, row_group_size=ROW_GROUP_SIZE)
                counts[0] += table.num_rows
                counts[1] += 1

    atomic_write(target, write)
    return ReachFile(target, counts[0], counts[1])


def _columns(
    block: PairBlock, number: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """Return the block's arrays as int32, int32, float64; raise if they are not a table."""
    origin, destination = np.asarray(block.origin), np.asarray(block.destination)
    minutes = np.asarray(block.minutes)
    if not (origin.ndim == destination.ndim == minutes.ndim == 1) or not (
        origin.size == destination.size == minutes.size
    ):
        msg = (
            f"block {number}: `origin`, `destination` and `minutes` must be one-dimensional "
            f"arrays of one length (got {origin.shape}, {destination.shape}, {minutes.shape})"
        )
        raise ValidationError(msg)
    limit = np.iinfo(np.int32).max
    for name, values in (("origin", origin), ("destination", destination)):
        if values.size and (
            not np.issubdtype(values.dtype, np.integer) or values.min() < 0 or values.max() > limit
        ):
            msg = f"block {number}: `{name}` must hold positions 0..{limit} as integers"
            raise ValidationError(msg)
    return (
        origin.astype(np.int32, copy=False),
        destination.astype(np.int32, copy=False),
        minutes.astype(np.float64, copy=False),
    )


def read_reach_parquet(path: str | Path) -> tuple[Any, dict[str, str]]:
    """Read a file of :func:`write_reach_parquet` back (whole; for checks and small runs).

    Parameters
    ----------
    path
        The Parquet file.

    Returns
    -------
    tuple
        The table as a ``pandas.DataFrame`` (``origin``, ``destination``, ``minutes``) and the
        ``opora:`` metadata entries (keys without the prefix).

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    """
    import pyarrow.parquet as pq

    from opora.errors import SourceNotFoundError

    source = Path(path)
    if not source.is_file():
        msg = f"{source}: no such reach file; write it with `write_reach_parquet` first"
        raise SourceNotFoundError(msg)
    table = pq.read_table(source)
    raw = table.schema.metadata or {}
    meta = {
        key.decode()[len("opora:") :]: value.decode()
        for key, value in raw.items()
        if key.startswith(b"opora:")
    }
    return table.to_pandas(), meta
