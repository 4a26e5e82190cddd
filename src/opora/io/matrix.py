"""Readers of a user's own travel-cost matrix, demand points and supply sites (CSV, Parquet).

Three long tables, UTF-8, one header line, separated by commas (or by ``;`` or tabs,
detected from the header and reported as a note in ``table.attrs["notes"]``):

* costs: ``demand_id,site_id,cost`` (minutes; a pair left out is unreachable);
* demand: ``demand_id,weight`` (more columns are kept);
* supply: ``site_id,capacity`` (more columns are kept).

Ids are read as text, so codes such as OKTMO keep their leading zeros, and surrounding
spaces are removed. Numbers written with thousands separators (``"1 200"``, no-break
spaces) or a decimal comma are read where unambiguous and reported as ``repaired``. A
row with an empty id or a missing, non-numeric, infinite, too large or negative number
is rejected and reported (file, row, column, value, reason); a repeated
id or pair stops the import with :class:`~opora.errors.FormatError`, since there is no
safe way to choose between the rows.

A clean file is read in one pass by :func:`opora.io._tables.fast_read` (pyarrow's CSV
reader, ids as dictionary codes, vectorised checks); a file with anything to repair or
reject is read the careful way, with the same result. The ``demand_id`` and ``site_id``
of the costs table are categorical (text categories, each distinct id stored once), so
that matching them against the demand and supply ids works on codes. A Parquet file is
accepted wherever a CSV file is (its rows are numbered from 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from opora.errors import FormatError
from opora.io._checks import MAX_VALUE, atomic_write, parse_numbers
from opora.io._tables import as_category, fast_read, has_repeats, read_text_table
from opora.model.result import ImportResult, RejectLog

__all__ = ["read_costs_csv", "read_demand_csv", "read_supply_csv", "write_csv"]

_SHOW = 5


def _ids(frame: pd.DataFrame, column: str, log: RejectLog, bad: pd.Series) -> pd.Series:
    """Strip the ids of ``column``; reject empty ones (rows not yet rejected)."""
    ids = frame[column].astype("string").str.strip()
    empty = (ids.isna() | (ids == "")) & ~bad
    if empty.any():
        log.add_many(
            frame.loc[empty, "_row"],
            column,
            frame.loc[empty, column],
            "empty id",
            "rejected",
        )
    frame[column] = ids
    return bad | empty


def _numbers(
    frame: pd.DataFrame, column: str, log: RejectLog, bad: pd.Series, sep: str
) -> pd.Series:
    """Convert ``column`` to float64, repairing thousands separators and decimal commas.

    Missing, non-numeric, non-finite, too large (> :data:`MAX_VALUE`) or negative values
    are rejected; repaired ones are reported with the action ``repaired``.
    """
    raw = frame[column]
    values, repaired, problem = parse_numbers(raw, sep)
    fixed = repaired.notna() & ~bad
    if fixed.any():
        for why in repaired[fixed].unique():
            hit = fixed & (repaired == why).fillna(False)
            log.add_many(frame.loc[hit, "_row"], column, raw[hit], str(why), "repaired")
    not_number = problem.notna()
    checks: list[tuple[pd.Series, str | pd.Series]] = [
        (not_number, problem),
        (values.isna() & ~not_number, "missing value"),
        (values.isin([np.inf, -np.inf]), "infinite value; leave an unreachable pair out instead"),
        (
            values.abs() > MAX_VALUE,
            f"too large (over {MAX_VALUE:.0e}); check the export, the value cannot be right",
        ),
        (values < 0, "negative value; must be >= 0"),
    ]
    for mask, reason in checks:
        hit = mask.fillna(False).astype(bool) & ~bad
        if hit.any():
            if isinstance(reason, str):
                log.add_many(frame.loc[hit, "_row"], column, raw[hit], reason, "rejected")
            else:
                for r, v, why in zip(frame.loc[hit, "_row"], raw[hit], reason[hit], strict=True):
                    log.add(int(r), column, v, str(why), "rejected")
            bad = bad | hit
    frame[column] = values
    return bad


def _repeated(path: Path, frame: pd.DataFrame, key: Sequence[str]) -> None:
    if not has_repeats([frame[column] for column in key]):
        return
    dup = frame.duplicated(list(key), keep=False)
    if dup.any():
        first = frame[dup].head(_SHOW)
        shown = "; ".join(
            f"row {row}: " + ", ".join(str(v) for v in vals)
            for row, *vals in first[["_row", *key]].itertuples(index=False, name=None)
        )
        what = " and ".join(f"`{k}`" for k in key)
        msg = f"{int(dup.sum()):,} rows repeat the same {what} ({shown}); keep one row for each"
        raise FormatError(path, msg, column=key[0] if len(key) == 1 else None)


def _read(
    path: str | Path,
    name: str,
    ids: Sequence[str],
    value: str,
    *,
    keep_extra: bool,
    known: Mapping[str, pd.Series | pd.Index] | None = None,
) -> ImportResult:
    p = Path(path)
    log = RejectLog(p)
    fast = fast_read(p, ids, value, extras=keep_extra, known=known)
    if fast is not None:  # a clean file: nothing to repair or reject
        frame, notes = fast.frame, fast.notes
        kept = frame
    else:
        frame = read_text_table(p, [*ids, value], text_columns=[*ids, value], sep=None)
        notes = list(frame.attrs.get("notes", []))
        sep = str(frame.attrs.get("sep", ","))
        bad = pd.Series(False, index=frame.index)
        for column in ids:
            bad = _ids(frame, column, log, bad)
        bad = _numbers(frame, value, log, bad, sep)
        kept = frame[~bad]
    _repeated(p, kept, ids)
    extra = [c for c in frame.columns if c not in {*ids, value, "_row"}] if keep_extra else []
    table = kept[[*ids, value, *extra, "_row"]].rename(columns={"_row": "source_row"})
    table = table.reset_index(drop=True)
    for column in ids:  # the pairs' ids as codes; a demand or supply id column as text
        table[column] = as_category(table[column]) if len(ids) > 1 else _text(table[column])
    table.attrs["notes"] = notes
    return ImportResult(
        name=name,
        table=table,
        rejects=log.to_frame().sort_values("row", kind="stable", ignore_index=True),
        rows_read=len(frame),
    )


def _text(ids: pd.Series) -> pd.Series:
    """Return ids as pandas text (``string``), from categorical or text.

    Categorical ids of text are expanded by Arrow (each row takes its category's text),
    without the Python strings pandas would make on the way.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype) and isinstance(
        ids.cat.categories.dtype, pd.StringDtype
    ):
        import pyarrow as pa

        codes = np.asarray(ids.array.codes)
        categories = pa.array(ids.cat.categories.array)
        if isinstance(categories, pa.ChunkedArray):
            categories = categories.combine_chunks()
        text = categories.take(pa.array(codes, mask=codes < 0))
        return pd.Series(pd.array(text, dtype="string"), index=ids.index, name=ids.name)
    return ids.astype("string")


def read_costs_csv(
    path: str | Path, *, known_ids: Mapping[str, pd.Series | pd.Index] | None = None
) -> ImportResult:
    """Read a long travel-cost table ``demand_id,site_id,cost``.

    Parameters
    ----------
    path
        UTF-8 CSV file (or Parquet); ``cost`` in minutes.
    known_ids
        The ids of the demand and supply tables read before, by column (``"demand_id"``,
        ``"site_id"``; text as :func:`read_demand_csv` returns them). The ids of a clean file
        (CSV or Parquet) are then looked up as they are read, and coded over those: the
        categories of ``demand_id`` are the demand ids in their order, then the ids of
        the file not among them (to be rejected or repaired), and so for ``site_id``.
        The table holds the same ids either way.

    Returns
    -------
    ImportResult
        ``table`` with ``demand_id`` and ``site_id`` (categorical of text), ``cost`` (float64) and
        ``source_row`` (line in the file); ``rejects`` lists rows with an empty id or a
        missing, non-numeric, infinite or negative cost.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used, or a (demand_id, site_id) pair is repeated.
    """
    return _read(path, "costs", ["demand_id", "site_id"], "cost", keep_extra=False, known=known_ids)


def read_demand_csv(path: str | Path) -> ImportResult:
    """Read demand points ``demand_id,weight`` (more columns are kept).

    Parameters
    ----------
    path
        UTF-8 CSV file (or Parquet).

    Returns
    -------
    ImportResult
        ``table`` with ``demand_id`` (text), ``weight`` (float64), the other columns of
        the file and ``source_row``; ``rejects`` lists rows with an empty id or a
        missing, non-numeric, infinite or negative weight.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used, or a ``demand_id`` is repeated.
    """
    return _read(path, "demand", ["demand_id"], "weight", keep_extra=True)


def read_supply_csv(path: str | Path) -> ImportResult:
    """Read supply sites ``site_id,capacity`` (more columns are kept).

    Parameters
    ----------
    path
        UTF-8 CSV file (or Parquet).

    Returns
    -------
    ImportResult
        ``table`` with ``site_id`` (text), ``capacity`` (float64), the other columns of
        the file and ``source_row``; ``rejects`` lists rows with an empty id or a
        missing, non-numeric, infinite or negative capacity.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used, or a ``site_id`` is repeated.
    """
    return _read(path, "supply", ["site_id"], "capacity", keep_extra=True)


#: Characters that make the csv module quote a field (the separator, the quote, a line end).
_QUOTED = (",", '"', "\n", "\r")


def _plain_csv(frame: pd.DataFrame) -> bytes | None:
    """Return what ``frame.to_csv(index=False)`` writes, for text and float64 columns.

    Floats are written by :func:`repr` (as pandas does through NumPy's shortest
    round-trip form), missing ones as nothing. ``None`` for any other column, a missing
    text, or a text the csv module would quote: the caller then lets pandas write it.
    """
    names = [str(c) for c in frame.columns]
    if not names or any(ch in name for name in names for ch in _QUOTED):
        return None
    columns: list[list[str]] = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == np.float64:
            columns.append(["" if v != v else repr(v) for v in column.to_numpy().tolist()])
        elif isinstance(column.dtype, pd.StringDtype) and not column.hasnans:
            texts = [str(v) for v in column.tolist()]
            joined = "".join(texts)
            if any(ch in joined for ch in _QUOTED):
                return None
            columns.append(texts)
        else:
            return None
    lines = [",".join(names), *map(",".join, zip(*columns, strict=True)), ""]
    return "\n".join(lines).encode("utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV without its index, atomically.

    The bytes are those of :meth:`pandas.DataFrame.to_csv` (``index=False``); a table of
    text ids and float64 values (the scores of ``opora access``) is formatted directly,
    several times faster, anything else by pandas.

    Parameters
    ----------
    frame
        The table.
    path
        The file to write (its folder is created if needed).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputPathError
        If the file cannot be written.
    """
    data = _plain_csv(frame)
    if data is None:
        return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
