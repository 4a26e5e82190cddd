"""Fast, faithful reading of long id/value tables (CSV or Parquet) and id matching by codes.

The readers of a user's travel-cost matrix (:mod:`opora.io.matrix`) and of the
``opora locate`` inputs (:mod:`opora.io.locate`) read files of millions of rows whose
ids are text (OKTMO codes keep their leading zeros). This module reads them in one pass
with :mod:`pyarrow`'s multithreaded CSV reader, the ids as dictionary codes (the text of
each distinct id is kept once), the value as float64, and checks every row with
vectorised operations on the codes.

The fast path is taken only when it gives exactly what the careful pandas path of
:func:`opora.io._checks.read_text_csv` would: a UTF-8 file whose first line is the
header, distinct column names holding the required ones, every row with the header's
number of fields, no missing or empty id, every value a finite number in
``[0, MAX_VALUE]``. Anything else (a BOM-less cp1251 file, a ``"1 200"`` or ``"0,5"``
value, a ragged row, a missing value) returns ``None`` and the caller reads the file the
careful way, which repairs, rejects and explains. The same texts as pandas read as
missing (:data:`NA_TEXT`).

Parquet files (recognised by their first bytes, whatever the extension) are accepted
wherever CSV is: ids of a text or integer type are read as text, values of a numeric
type as float64; their rows are numbered from 1 (the first record).

Ids matched between files go through :func:`id_matches`, :func:`align_ids` and
:func:`repair_id_codes`, which work on the distinct ids of a categorical column (tens of
thousands) rather than on every row (millions); given the other file's ids,
:func:`fast_read` codes a column over them as it reads it.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from opora.errors import EmptyFileError, FormatError
from opora.io._checks import (
    MAX_VALUE,
    check_input_file,
    detect_separator,
    read_text_csv,
    repair_ids,
    require_columns,
    sniff_content,
)

if TYPE_CHECKING:
    import numpy.typing as npt
    import pyarrow as pa

__all__ = [
    "NA_TEXT",
    "FastTable",
    "as_category",
    "fast_read",
    "has_repeats",
    "id_matches",
    "is_parquet",
    "read_text_table",
    "repair_id_codes",
]

#: Texts read as missing, as :func:`pandas.read_csv` does by default (``keep_default_na``).
NA_TEXT: tuple[str, ...] = (
    "",
    "#N/A",
    "#N/A N/A",
    "#NA",
    "-1.#IND",
    "-1.#QNAN",
    "-NaN",
    "-nan",
    "1.#IND",
    "1.#QNAN",
    "<NA>",
    "N/A",
    "NA",
    "NULL",
    "NaN",
    "None",
    "n/a",
    "nan",
    "null",
)

#: The characters :meth:`str.strip` removes (every one for which ``str.isspace`` holds).
_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

#: Bytes the CSV reader parses at a time (per thread).
_BLOCK = 1 << 22

#: Parse CSV with several threads where there are several cores: on two idle cores a
#: national cost table is read sooner, for more processor time; the parse's memory comes
#: from :func:`_parse_pool`, which keeps the peak below that of one thread and mimalloc.
_THREADS = (os.cpu_count() or 1) > 1

#: Read Parquet with several threads only where there are more than two cores (its
#: reader takes no memory pool: two threads on two cores raise the peak).
_PARQUET_THREADS = (os.cpu_count() or 1) > 2


def _parse_pool() -> pa.MemoryPool:
    """Return the memory pool of the CSV parse: jemalloc, reusing freed pages for 0.2 s.

    The parsing threads free their block buffers as the parse goes. The default pool
    (mimalloc) keeps them until the process ends; jemalloc with no decay gives each back
    at once, and the next buffer faults its pages in again; with a decay of
    :data:`_DECAY_MS` they are reused during the parse and given back soon after. On the
    national cost table of ``benchmarks/access_process.py`` (4.8 million pairs, two
    threads), the whole command took 1.49 s with a peak of 314 MB without decay, and
    1.37-1.44 s with a peak of 383-412 MB at 0.2 s (a decay of 1 s kept 100 MB more).
    The default pool where pyarrow was built without jemalloc.
    """
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(_DECAY_MS)
    except NotImplementedError:  # pyarrow without jemalloc (ArrowNotImplementedError too)
        return pa.default_memory_pool()
    return pool


#: How long jemalloc keeps the CSV parse's freed pages for reuse, in milliseconds.
_DECAY_MS = 200


def _has_quote(path: Path) -> bool:
    """Tell whether the file holds a ``"`` anywhere (only a quoted field spans lines).

    One pass at memory speed (256 KiB at a time, searched by ``memchr``: about 20 ms
    for 100 MB in the page cache, with no more memory held), so that the parser can take
    every line end as a record end, which is quicker than watching for line ends inside
    quotes.
    """
    buffer = bytearray(_SCAN_CHUNK)
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buffer):
            if buffer.find(b'"', 0, n) >= 0:
                return True
    return False


#: Bytes read at a time by :func:`_has_quote` (fits the processor's cache).
_SCAN_CHUNK = 1 << 18


@dataclass
class FastTable:
    """A table read by :func:`fast_read`.

    Attributes
    ----------
    frame
        The id columns (categorical of text, surrounding spaces removed), the value
        (float64), the extra columns asked for (as pandas reads them) and ``_row``
        (line of each record, the header being line 1; record number for Parquet).
    sep
        The CSV separator (``","`` for Parquet).
    notes
        What was detected (a separator other than the comma).
    """

    frame: pd.DataFrame
    sep: str = ","
    notes: list[str] = field(default_factory=list)


def is_parquet(path: Path) -> bool:
    """Tell whether ``path`` holds a Parquet file (by its first bytes).

    Parameters
    ----------
    path
        An existing file.

    Returns
    -------
    bool
        True for Parquet.
    """
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _read_parquet(
    path: Path, columns: Sequence[str] | None = None, dictionary: Sequence[str] = ()
) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_table(
            path,
            columns=list(columns) if columns is not None else None,
            read_dictionary=list(dictionary) or None,
            use_threads=_PARQUET_THREADS,
        )
    except (pa.ArrowException, OSError) as exc:
        msg = f"cannot be read as Parquet ({exc}); write it again or export it as CSV"
        raise FormatError(path, msg) from exc


def _parquet_schema(path: Path) -> pa.Schema:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        msg = f"cannot be read as Parquet ({exc}); write it again or export it as CSV"
        raise FormatError(path, msg) from exc


def read_text_table(
    path: str | Path,
    required: Sequence[str],
    *,
    text_columns: Sequence[str] = (),
    sep: str | None = None,
) -> pd.DataFrame:
    """Read a CSV file as :func:`~opora.io._checks.read_text_csv` does, or a Parquet file.

    Parameters
    ----------
    path
        CSV (UTF-8) or Parquet file.
    required
        Columns that must be present.
    text_columns
        Columns read as text (a Parquet column of another type is turned into text,
        missing values kept).
    sep
        CSV separator, ``None`` to detect it.

    Returns
    -------
    pandas.DataFrame
        The table with ``_row`` (line, or record number for Parquet) and
        ``attrs["notes"]``, ``attrs["sep"]``.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    p = check_input_file(path)
    if not is_parquet(p):
        return read_text_csv(p, required, text_columns=text_columns, sep=sep)
    frame: pd.DataFrame = _read_parquet(p).to_pandas()
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in text_columns:
        if column in frame.columns:
            frame[column] = frame[column].astype("string")
    require_columns(frame, required, p)
    if frame.empty:
        msg = "the file has columns but no rows"
        raise EmptyFileError(p, msg)
    frame.insert(0, "_row", range(1, len(frame) + 1))
    frame.attrs["notes"] = []
    frame.attrs["sep"] = ","
    return frame


def as_category(ids: pd.Series) -> pd.Series:
    """Return text ids as a categorical column (each distinct id stored once).

    Parameters
    ----------
    ids
        Text ids without missing values.

    Returns
    -------
    pandas.Series
        Categorical with text categories, same index; already categorical: as it is.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids
    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    cats = pd.Index(np.asarray(uniques, dtype=object), dtype="string")
    cat = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(cats), validate=False)
    return pd.Series(cat, index=ids.index, name=ids.name)


def _codes(ids: pd.Series) -> tuple[npt.NDArray[np.signedinteger], pd.Index]:
    """Return the codes (-1 for a missing id, not copied) and the distinct ids of ``ids``."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return np.asarray(ids.array.codes), ids.cat.categories
    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    return np.asarray(codes), pd.Index(uniques)


def _arrow_text(values: pd.Series | pd.Index) -> pa.Array | None:
    """Return text ids as an Arrow string array, or ``None`` if they are not text."""
    import pyarrow as pa

    if not isinstance(values.dtype, pd.StringDtype):
        return None
    array = pa.array(values.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type == pa.string() else array.cast(pa.string())


def _isin(values: pd.Index, known: pd.Series | pd.Index) -> npt.NDArray[np.bool_]:
    """``values.isin(known)`` for a few hundred thousand ids, by Arrow's hash set when text."""
    import pyarrow.compute as pc

    left, right = _arrow_text(values), _arrow_text(pd.Index(known))
    if left is None or right is None:
        return np.asarray(values.isin(known), dtype=bool)
    found = pc.is_in(left, value_set=right)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def id_matches(ids: pd.Series, known: pd.Series | pd.Index) -> npt.NDArray[np.bool_]:
    """Tell, for each id, whether it is among ``known`` (what :meth:`Series.isin` says).

    Parameters
    ----------
    ids
        Ids to look up (text or categorical of text).
    known
        The ids of the other file.

    Returns
    -------
    numpy.ndarray
        Boolean mask aligned with ``ids``; a missing id is never known.
    """
    codes, uniques = _codes(ids)
    found = np.append(_isin(pd.Index(uniques), known), False)
    out: npt.NDArray[np.bool_] = found[codes]
    return out


def _positions(values: pd.Index, known: pd.Index) -> npt.NDArray[np.int32]:
    """Position of each of ``values`` in ``known`` (-1 where absent), by Arrow's hash when text."""
    import pyarrow.compute as pc

    left, right = _arrow_text(values), _arrow_text(known)
    if left is None or right is None:
        return np.asarray(known.get_indexer(values), dtype=np.int32)
    found = pc.index_in(left, value_set=right).fill_null(-1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int32)


def align_ids(ids: pd.Series, known: pd.Series) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Re-code ids over the ids of another file: categories ``known``, in its order.

    One pass over the rows (each distinct id looked up once, then its code replaced), after
    which an analysis finds each row's position in ``known`` as the code itself
    (:func:`opora.access.measures.two_sfca` and the others take it without a lookup).

    Parameters
    ----------
    ids
        Ids to look up (text or categorical of text).
    known
        The ids of the other file (text, no repeat, no missing value).

    Returns
    -------
    aligned : pandas.Series
        Categorical whose categories are ``known``, same index and name as ``ids``; an id
        not among ``known`` (or missing) is missing here.
    unknown : numpy.ndarray
        Boolean mask of the rows whose id is not among ``known`` (what
        ``~ids.isin(known)`` says).
    """
    cat = as_category(ids)
    categories = pd.Index(known, copy=False)
    codes = np.asarray(cat.array.codes)
    given = cat.cat.categories
    if given.dtype == categories.dtype and given.equals(categories):  # coded over `known`
        return cat, codes < 0
    # code -1 (a missing id) looks up the last entry, -1
    table = np.append(_positions(pd.Index(given), categories), np.int32(-1))
    codes = table[codes]
    unknown = codes < 0
    aligned = pd.Categorical.from_codes(
        codes, dtype=pd.CategoricalDtype(categories), validate=False
    )
    return pd.Series(aligned, index=ids.index, name=ids.name, copy=False), unknown


def _known_prefix(categories: pd.Index, known: pd.Index) -> int:
    """Length of ``known`` if ``categories`` begin with it (codes read over it), else 0."""
    n = len(known)
    if len(categories) < n or categories.dtype != known.dtype:
        return 0
    return n if categories[:n].equals(known) else 0


def repair_id_codes(
    ids: pd.Series, known: pd.Series
) -> tuple[pd.Series, npt.NDArray[np.bool_], dict[str, str]]:
    """Restore lost leading zeros of ids, as :func:`~opora.io._checks.repair_ids`, per distinct id.

    Parameters
    ----------
    ids
        Ids to check (text or categorical of text, no missing value).
    known
        The ids of the other file (text).

    Returns
    -------
    ids : pandas.Series
        The ids (categorical), repaired where unambiguous.
    repaired : numpy.ndarray
        Bool mask of the repaired rows.
    hints : dict
        Hint for each unknown id that looks damaged (id as written -> text).
    """
    cat = as_category(ids)
    none = np.zeros(len(cat), dtype=bool)
    categories = pd.Index(cat.cat.categories)
    first = _known_prefix(categories, pd.Index(known))
    rest = categories[first:]
    unknown = first + np.flatnonzero(~_isin(rest, known)) if len(rest) else np.zeros(0, int)
    if not unknown.size:  # every id is known: nothing to repair or hint
        return cat, none, {}
    codes = np.asarray(cat.array.codes)
    # repair_ids treats each id alone: run it on the distinct unknown ids only
    distinct = pd.Series(np.asarray(cat.cat.categories, dtype=object)[unknown], dtype="string")
    fixed, repaired_c, hint_c = repair_ids(distinct, known)
    hints = {str(distinct.iloc[i]): str(hint_c.iloc[i]) for i in np.flatnonzero(hint_c.notna())}
    rep = np.asarray(repaired_c.to_numpy(dtype=bool), dtype=bool)
    if not rep.any():
        return cat, none, hints
    names = np.asarray(cat.cat.categories, dtype=object).copy()
    names[unknown[rep]] = np.asarray(fixed, dtype=object)[rep]
    remap, uniques = pd.factorize(names)
    new_codes = np.where(codes >= 0, np.asarray(remap)[codes], -1)
    cats = pd.Index(np.asarray(uniques, dtype=object), dtype="string")
    out = pd.Categorical.from_codes(new_codes, dtype=pd.CategoricalDtype(cats), validate=False)
    fixed_code = np.zeros(len(names) + 1, dtype=bool)
    fixed_code[unknown[rep]] = True
    mask: npt.NDArray[np.bool_] = fixed_code[codes]
    return pd.Series(out, index=ids.index, name=ids.name), mask, hints


def has_repeats(columns: Sequence[pd.Series]) -> bool:
    """Tell whether a key (one or more id columns) repeats: integer codes, at most one sort.

    The codes of the last column are ranked in the order of its distinct ids (by value for
    ids that are all digits, else as text), so that a table sorted by its key, as exports
    usually are, is recognised in one pass without a sort.

    Parameters
    ----------
    columns
        The key columns, aligned.

    Returns
    -------
    bool
        True if two rows have the same key.
    """
    if not columns or len(columns[0]) < 2:
        return False
    parts: list[tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.int64] | None, int]] = []
    for k, column in enumerate(columns):
        codes, uniques = _codes(column)
        # the last column's rank + 1 (0 for a missing id); the others' codes + 1 (one
        # column alone: its codes, numbered by first appearance, rise unless one repeats)
        last = k == len(columns) - 1 and k > 0
        table = _rank_table(uniques) if last else None
        parts.append((codes, table, len(uniques) + 1))
    n = len(columns[0])
    if _rising(parts, n):
        return False  # in key order: no repeats, no sort
    combined = _key(parts, slice(0, n))
    combined.sort()
    return bool((combined[1:] == combined[:-1]).any())


def _rising(
    parts: Sequence[tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.int64] | None, int]],
    n: int,
) -> bool:
    """Tell whether the keys rise strictly, row after row (then none repeats).

    Each pair of neighbouring rows is compared column by column, as words in a dictionary,
    slice by slice (each slice overlapping the last row of the one before), on the codes
    as they are (or their rank): no key-sized array is made.
    """
    for start in range(0, n - 1, _SLICE):
        rows = slice(start, min(start + _SLICE, n - 1) + 1)
        tied: npt.NDArray[np.bool_] | None = None  # neighbours equal on the columns so far
        for codes, table, _ in parts:
            values = codes[rows] if table is None else table[codes[rows]]
            step = values[1:] - values[:-1]
            falls = step < 0 if tied is None else (step < 0) & tied
            if falls.any():
                return False
            tied = step == 0 if tied is None else tied & (step == 0)
        if tied is not None and tied.any():
            return False
    return True


def _key(
    parts: Sequence[tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.int64] | None, int]],
    rows: slice,
) -> npt.NDArray[np.int64]:
    """Return the combined key of ``rows``: codes + 1 (or the rank table's entry), per column."""
    key: npt.NDArray[np.int64] | None = None
    for codes, table, size in parts:
        if key is None:
            key = np.add(codes[rows], 1, dtype=np.int64) if table is None else table[codes[rows]]
            continue
        key *= size
        if table is None:
            key += codes[rows]
            key += 1
        else:
            key += table[codes[rows]]
    assert key is not None
    return key


#: Rows looked up at a time by :func:`has_repeats`.
_SLICE = 1 << 20


def _rank_table(uniques: pd.Index) -> npt.NDArray[np.int64]:
    """Return 1 + the rank of each of ``uniques`` in sorted order, and 0 at the end (for -1).

    Sorted by value where every id is digits (by length, then as text), else as text.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = np.zeros(len(uniques) + 1, dtype=np.int64)
    text = _arrow_text(uniques)
    if text is None:  # not text: the codes' own order
        table[:-1] = np.arange(1, len(uniques) + 1)
        return table
    keys = [("text", "ascending")]
    if pc.all(pc.match_substring_regex(text, "^[0-9]+$")).as_py():
        keys.insert(0, ("length", "ascending"))  # numbers without leading zeros: by value
    columns = pa.table({"length": pc.utf8_length(text), "text": text})
    order = pc.sort_indices(columns, sort_keys=keys).to_numpy()
    table[order] = np.arange(1, len(order) + 1)
    return table


# -- the fast path -------------------------------------------------------------------------


def _utf8(path: Path, block: int = 1 << 22) -> bool:
    """Tell whether the file is UTF-8 text (ASCII blocks are checked without decoding)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            if chunk.isascii() and not decoder.getstate()[0]:
                continue
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _header(raw: bytes, start: int) -> str | None:
    """Return the first line if it is the header pandas would take (non-blank, UTF-8)."""
    if raw[start : start + 1] in (b"", b"\n", b"\r", b" ", b"\t"):
        return None
    end = raw.find(b"\n", start)
    if end < 0 and len(raw) >= 1 << 16:  # no line end in the first 64 KiB
        return None
    line = raw[start : end if end >= 0 else len(raw)]
    if b'"' in line:  # a quoted header may span lines: the careful path reads it
        return None
    text = line.decode("utf-8").rstrip("\r")
    return None if "\r" in text else text  # lines ended by CR alone: the careful path


def _dictionary_ids(column: pa.ChunkedArray) -> pd.Series | None:
    """Categorical of the stripped ids of a dictionary column; ``None`` if one is empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.null_count:
        return None
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    values = pc.utf8_trim(array.dictionary, characters=_SPACES)  # as str.strip()
    if pc.any(pc.equal(values, "")).as_py():
        return None
    codes = array.indices.to_numpy(zero_copy_only=False)  # int32, not copied
    try:
        dtype = pd.CategoricalDtype(pd.Index(pd.array(values, dtype="string")))
    except ValueError:  # " 1" and "1": one id once stripped
        encoded = pc.dictionary_encode(values)
        codes = encoded.indices.to_numpy(zero_copy_only=False)[codes]
        dtype = pd.CategoricalDtype(pd.Index(pd.array(encoded.dictionary, dtype="string")))
    cat = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    return pd.Series(cat, copy=False)  # the codes as they are


def _known_ids(column: pa.ChunkedArray, known: pd.Index) -> pd.Series | None:
    """Categorical of the stripped ids of a dictionary column, coded over ``known`` first.

    The dictionaries of the column's chunks (a few thousand distinct ids each, where the
    rows are millions) are looked up in ``known`` (the ids of the other file, stripped
    and distinct) by Arrow's hash, all in one call; each chunk's codes are then turned
    into positions in ``known`` by one gather, written straight into the result. The
    categories are ``known`` in its order, then the ids not among them, stripped, in
    order of first appearance. ``None`` if an id is missing or empty, or ``known`` is
    not text without repeats (the caller then codes the column by its own dictionary).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = _arrow_text(known)
    if column.null_count or value_set is None or value_set.null_count:
        return None
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    chunks = [c for c in column.chunks if len(c)]
    words = pa.concat_arrays([c.dictionary for c in chunks]) if chunks else value_set[:0]
    table = np.array(  # position in `known` of every chunk's every distinct id (writable)
        pc.index_in(words, value_set=value_set).fill_null(-1).to_numpy(zero_copy_only=False),
        dtype=np.int32,
    )
    categories = known
    missing = np.flatnonzero(table < 0)
    if missing.size:  # not found as written: strip, then look up once per distinct id
        stripped = pc.utf8_trim(words.take(pa.array(missing)), characters=_SPACES)
        if pc.any(pc.equal(stripped, "")).as_py():
            return None
        distinct = pc.unique(stripped)  # in order of first appearance
        again = np.array(
            pc.index_in(distinct, value_set=value_set).fill_null(-1).to_numpy(), dtype=np.int32
        )
        new = again < 0
        again[new] = len(known) + np.arange(int(new.sum()), dtype=np.int32)
        position = pc.index_in(stripped, value_set=distinct).to_numpy(zero_copy_only=False)
        table[missing] = again[np.asarray(position, dtype=np.intp)]
        if new.any():
            others = pd.array(distinct.filter(pa.array(new)), dtype="string")
            categories = known.append(pd.Index(others, dtype=known.dtype))
    codes = np.empty(len(column), dtype=np.int32)
    row = word = 0
    for chunk in chunks:
        size = len(chunk.dictionary)
        indices = chunk.indices.to_numpy(zero_copy_only=False)  # not copied
        # "clip": every index lies within its dictionary, and the gather writes straight
        # into the result ("raise" would gather into a buffer first, then copy)
        np.take(table[word : word + size], indices, out=codes[row : row + len(chunk)], mode="clip")
        row, word = row + len(chunk), word + size
    try:
        dtype = pd.CategoricalDtype(categories)
    except ValueError:  # `known` repeats an id
        return None
    cat = pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    return pd.Series(cat, copy=False)


def _clean_values(column: pa.ChunkedArray) -> npt.NDArray[np.float64] | None:
    """Float64 values if every one is a finite number in [0, MAX_VALUE]; else ``None``.

    The chunks go straight into one NumPy array (no Arrow copy first) and are checked
    there: a NaN makes the minimum NaN, an infinity the maximum too large.
    """
    import pyarrow as pa

    if column.null_count or not (
        pa.types.is_floating(column.type) or pa.types.is_integer(column.type)
    ):
        return None
    parts = [
        np.asarray(
            (c if c.type == pa.float64() else c.cast(pa.float64())).to_numpy(zero_copy_only=False),
            dtype=np.float64,
        )
        for c in column.chunks
        if len(c)
    ]
    if not parts:
        return None
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    del parts
    low, high = values.min(), values.max()
    if not (low >= 0 and high <= MAX_VALUE):  # False for NaN
        return None
    if low == 0 and np.signbit(values).any():  # -0.0 reads as 0.0, as in pandas
        values = values + 0.0
    return values


def _to_frame(
    columns: dict[str, pa.ChunkedArray],
    names: dict[str, str],
    ids: Sequence[str],
    value: str,
    extra: pd.DataFrame | None,
    first_row: int,
    known: Mapping[str, pd.Index] | None = None,
) -> pd.DataFrame | None:
    """Build the frame of the fast path, or ``None`` when a row needs the careful path.

    Each Arrow column is taken out of ``columns`` as it is converted, so that its memory
    goes back before the next one is converted. Id columns of text named in ``known``
    are coded over those ids (:func:`_known_ids`), the others as their dictionary.
    """
    n = len(columns[names[value]])
    cost = _clean_values(columns.pop(names[value]))
    if cost is None:
        return None
    out: dict[str, pd.Series | npt.NDArray[Any]] = {}
    # line numbers: int32 up to two billion rows, half the memory of int64
    small = n < 2**31 - first_row
    out["_row"] = np.arange(first_row, first_row + n, dtype=np.int32 if small else np.int64)
    for column in ids:
        array = columns.pop(names[column])
        if known is not None and column in known:
            ser = _known_ids(array, known[column])
        else:
            ser = _dictionary_ids(array)
        del array
        if ser is None:
            return None
        out[column] = ser
    out[value] = cost
    frame = pd.DataFrame(out, copy=False)
    if extra is not None:
        if len(extra) != len(frame):
            return None
        for name in extra.columns:
            frame[name] = extra[name].to_numpy()
    return frame


def _fast_parquet(
    path: Path,
    ids: Sequence[str],
    value: str,
    extras: bool,
    known: Mapping[str, pd.Index] | None = None,
) -> FastTable | None:
    import pyarrow as pa
    import pyarrow.compute as pc

    schema = _parquet_schema(path)
    names = {str(n).strip(): str(n) for n in schema.names}
    if len(names) != len(schema.names) or any(c not in names for c in (*ids, value)):
        return None
    text = []
    for column in ids:
        kind = schema.field(names[column]).type
        kind = kind.value_type if pa.types.is_dictionary(kind) else kind
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            text.append(names[column])
        elif not pa.types.is_integer(kind):
            return None
    rest = [n for s, n in names.items() if s not in {*ids, value}] if extras else []
    wanted = [names[c] for c in (*ids, value)]
    table = _read_parquet(path, [*wanted, *rest], dictionary=text)
    if table.num_rows == 0:
        return None
    extra = None
    if rest:
        extra = table.select(rest).to_pandas()
        extra.columns = [str(c).strip() for c in extra.columns]
    columns = dict(zip(table.column_names, table.columns, strict=True))
    del table
    for column in ids:
        if names[column] not in text:  # integer ids: the decimal text of each distinct one
            coded = pc.dictionary_encode(columns[names[column]])
            columns[names[column]] = coded.cast(pa.dictionary(pa.int32(), pa.string()))
    frame = _to_frame(columns, names, ids, value, extra, 1, known)
    if frame is None:
        return None
    pa.default_memory_pool().release_unused()
    return FastTable(frame[["_row", *(s for s in names if s in frame.columns)]])


def fast_read(
    path: str | Path,
    ids: Sequence[str],
    value: str,
    *,
    extras: bool,
    known: Mapping[str, pd.Series | pd.Index] | None = None,
) -> FastTable | None:
    """Read an id/value table in one pass, or return ``None`` for the careful path.

    Parameters
    ----------
    path
        CSV (UTF-8, ``,`` ``;`` or tab separated) or Parquet file.
    ids
        Id columns (text, kept as categorical).
    value
        The number column (float64).
    extras
        Also return the file's other columns (as pandas reads them).
    known
        Ids of other files (text, stripped, no repeat) by id column: that column is
        coded over them, its categories those ids in their order followed by the ids
        not among them (each row's position in the other file is then its code). The
        others are coded in order of first appearance.

    Returns
    -------
    FastTable or None
        The table, or ``None`` when a row or the file needs the careful path (see the
        module's docstring); the caller then reads it with :func:`read_text_table`.

    Raises
    ------
    SourceNotFoundError, InputPathError, EmptyFileError, FormatError
        On a missing, empty or unreadable file (Parquet that cannot be read).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    p = check_input_file(path)
    given = {  # an Index as given: its check of distinct ids is done once, cached on it
        c: k if isinstance(k, pd.Index) else pd.Index(k, copy=False)
        for c, k in (known or {}).items()
        if c in ids
    }
    if is_parquet(p):
        return _fast_parquet(p, ids, value, extras, given)
    if sniff_content(p) is not None:
        return None
    with p.open("rb") as fh:
        head = fh.read(1 << 16)
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    try:
        line = _header(head, start)
    except UnicodeDecodeError:
        return None
    if line is None:
        return None
    required = [*ids, value]
    sep = detect_separator(p, required)
    written = next(csv.reader([line], delimiter=sep), [])
    stripped = [c.strip() for c in written]
    if "" in stripped or len(set(stripped)) != len(stripped):
        return None
    if any(c not in stripped for c in required):
        return None
    # Arrow checks the UTF-8 of the id columns and no other byte can make a number: only
    # a file with more columns needs the whole scan
    if len(stripped) > len(required) and not _utf8(p):
        return None
    names = dict(zip(stripped, written, strict=True))
    dict_type = pa.dictionary(pa.int32(), pa.string())
    types: dict[str, pa.DataType] = {names[c]: dict_type for c in ids}
    types[names[value]] = pa.float64()
    pool = _parse_pool()
    quoted = _has_quote(p)
    try:
        table = pacsv.read_csv(
            pa.OSFile(str(p), memory_pool=pool),  # as it is: no decompression guessed
            read_options=pacsv.ReadOptions(block_size=_BLOCK, use_threads=_THREADS),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=quoted),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                include_columns=[names[c] for c in required],
                null_values=list(NA_TEXT),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
            memory_pool=pool,
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pool.release_unused()
        return None
    if table.num_rows == 0:
        return None
    extra = None
    rest = [names[c] for c in stripped if c not in required]
    if extras and rest:
        try:
            extra = pd.read_csv(
                p, sep=sep, usecols=rest, encoding="utf-8-sig", keep_default_na=True
            )
        except (ValueError, pd.errors.ParserError, csv.Error):
            return None
        extra.columns = [str(c).strip() for c in extra.columns]
    columns = dict(zip(table.column_names, table.columns, strict=True))
    del table
    frame = _to_frame(columns, names, ids, value, extra, 2, given)
    pool.release_unused()  # give the parse's unused pages back
    if frame is None:
        return None
    frame = frame[["_row", *(c for c in stripped if c in frame.columns)]]
    notes = []
    if sep != ",":
        notes.append(
            f"{p.name}: this looks like `{sep}`-separated (a Russian Excel export); "
            f"read with `{sep}` as the separator"
        )
    return FastTable(frame, sep, notes)
