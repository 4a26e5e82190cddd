"""Validation of input files: existence, encoding, columns, sheets, emptiness; settings files.

Every reader goes through these helpers, so that a wrong file always stops with the
same typed error and a message that names the file and column and says how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
import tomllib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    MissingSheetError,
    SourceNotFoundError,
)

__all__ = [
    "check_exists",
    "decode_text",
    "package_data",
    "parse_csv",
    "read_text_csv",
    "read_toml",
    "require_columns",
    "require_sheets",
    "settings_path",
]


def check_exists(path: str | Path) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path`, raising if it does not exist.

    Parameters
    ----------
    path
        A file path.

    Returns
    -------
    pathlib.Path
        The same path.

    Raises
    ------
    SourceNotFoundError
        If nothing is at ``path``.
    """
    p = Path(path)
    if not p.exists():
        msg = f"{p}: file not found; check the path or pass `--data-dir` pointing at the sources"
        raise SourceNotFoundError(msg)
    if p.is_file() and p.stat().st_size == 0:
        msg = "the file is empty (0 bytes); export it again from the source"
        raise EmptyFileError(p, msg)
    return p


def package_data(name: str) -> Path:
    """Return the path of a file or folder shipped in ``opora/data``.

    Parameters
    ----------
    name
        Its name there (``normatives.toml``...).

    Returns
    -------
    pathlib.Path
        The path inside the installed package.
    """
    return Path(str(resources.files("opora") / "data" / name))


def settings_path(path: str | Path | None, default: str) -> Path:
    """Return a user's settings file, or the package's ``default`` when ``path`` is ``None``.

    Parameters
    ----------
    path
        The user's file, or ``None``.
    default
        Name of the default file in ``opora/data``.

    Returns
    -------
    pathlib.Path
        The file to read.

    Raises
    ------
    SourceNotFoundError
        If ``path`` does not exist.
    """
    return package_data(default) if path is None else check_exists(path)


def read_toml(path: Path, hint: str) -> dict[str, Any]:
    """Load a UTF-8 TOML file.

    Parameters
    ----------
    path
        The file.
    hint
        What the error message advises (``compare with the default strategy.toml``).

    Returns
    -------
    dict
        The loaded tables.

    Raises
    ------
    FormatError
        If the file is not UTF-8 or not valid TOML.
    """
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"not a valid UTF-8 TOML file ({exc}); {hint}"
        raise FormatError(path, msg) from exc


def decode_text(path: str | Path, raw: bytes) -> str:
    """Decode UTF-8 bytes, raising :class:`EncodingError` with a fix otherwise.

    Parameters
    ----------
    path
        The file the bytes came from, for the message.
    raw
        File content.

    Returns
    -------
    str
        The text, without a byte-order mark.

    Raises
    ------
    EncodingError
        If the bytes are not UTF-8; the message says if they look like cp1251.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            raw.decode("cp1251")
            hint = " It looks like Windows-1251 (cp1251)."
        except UnicodeDecodeError:
            pass
        line = raw[: exc.start].count(b"\n") + 1
        msg = (
            f"not valid UTF-8 at byte {exc.start} (line {line}).{hint} "
            "Re-save the file as UTF-8 (in Excel: 'CSV UTF-8'; or "
            "`iconv -f cp1251 -t utf-8 IN > OUT`)."
        )
        raise EncodingError(path, msg) from exc


def _check_utf8(path: Path, block: int = 1 << 22) -> bool:
    """Stream the file through a UTF-8 decoder; return whether it holds non-blank text.

    Raises :class:`EncodingError` (via :func:`decode_text`) on the first invalid block,
    without ever holding the whole file in memory.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    seen_text = False
    with path.open("rb") as fh:
        while chunk := fh.read(block):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                # decode the whole file once for the precise message (line, cp1251 hint)
                decode_text(path, path.read_bytes())
                raise
            seen_text = seen_text or bool(text.strip())
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            decode_text(path, path.read_bytes())
            raise
    return seen_text


def read_text_csv(
    path: str | Path,
    required: Iterable[str],
    *,
    dtype: dict[str, str] | None = None,
    text_columns: Iterable[str] = (),
    sep: str = ",",
) -> pd.DataFrame:
    """Read a UTF-8 CSV file after checking its encoding and header.

    Every column named in ``text_columns`` is read as text so that codes keep their
    leading zeros. A ``_row`` column gives the 1-based line number of each record in
    the file (the header is line 1), for reject reports.

    Parameters
    ----------
    path
        CSV file.
    required
        Columns that must be present.
    dtype
        Extra dtypes passed to :func:`pandas.read_csv`.
    text_columns
        Columns read as text (``str``), never as numbers.
    sep
        Field separator.

    Returns
    -------
    pandas.DataFrame
        The table with a ``_row`` column.

    Raises
    ------
    EmptyFileError, EncodingError, MissingColumnError
        On an empty file, a non-UTF-8 file or a missing column.
    """
    p = check_exists(path)
    if not _check_utf8(p):
        msg = "the file holds only whitespace; export it again from the source"
        raise EmptyFileError(p, msg)
    types: dict[str, str] = dict.fromkeys(text_columns, "string")
    types.update(dtype or {})
    frame = parse_csv(p, p, sep=sep, dtype=types, keep_default_na=True, encoding="utf-8-sig")
    require_columns(frame, required, p)
    if frame.empty:
        msg = "the file has a header but no data rows"
        raise EmptyFileError(p, msg)
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return frame


def parse_csv(path: Path, source: Path | io.StringIO, **options: Any) -> pd.DataFrame:
    """Parse CSV with :func:`pandas.read_csv`, turning its errors into typed ones.

    Parameters
    ----------
    path
        The file, for the messages.
    source
        What to parse: the file itself or its decoded text.
    **options
        Passed to :func:`pandas.read_csv` (``sep``, ``dtype``...).

    Returns
    -------
    pandas.DataFrame
        The table as read.

    Raises
    ------
    FormatError
        If the text cannot be parsed as CSV.
    EmptyFileError
        If there is no header line.
    """
    try:
        frame: pd.DataFrame = pd.read_csv(source, **options)
    except (pd.errors.ParserError, csv.Error) as exc:
        msg = f"cannot be parsed as CSV ({exc}); check the separator and the quoting"
        raise FormatError(path, msg) from exc
    except pd.errors.EmptyDataError as exc:
        msg = "the file has no header line; export it again with column names"
        raise EmptyFileError(path, msg) from exc
    return frame


def require_columns(frame: pd.DataFrame, required: Iterable[str], path: str | Path) -> None:
    """Raise :class:`MissingColumnError` naming the first missing column.

    Parameters
    ----------
    frame
        The table read.
    required
        Columns that must be present.
    path
        The file the table came from, for the message.

    Raises
    ------
    MissingColumnError
        If a column is missing.
    """
    have = [str(c) for c in frame.columns]
    missing = [c for c in required if c not in have]
    if missing:
        shown = ", ".join(have[:12]) + (" ..." if len(have) > 12 else "")
        msg = (
            f"required column missing ({', '.join(missing)}); the file has: {shown}. "
            "Rename the column or export the table with the expected header."
        )
        raise MissingColumnError(path, msg, column=missing[0])


def require_sheets(have: Iterable[str], required: Iterable[str], path: str | Path) -> None:
    """Raise :class:`MissingSheetError` if a workbook lacks a required sheet.

    Parameters
    ----------
    have
        Sheet names in the workbook.
    required
        Sheet names that must be present.
    path
        The workbook, for the message.

    Raises
    ------
    MissingSheetError
        If a sheet is missing.
    """
    names = list(have)
    missing = [s for s in required if s not in names]
    if missing:
        msg = (
            f"sheet {missing[0]!r} not found; the workbook has {names}. "
            "Check that this is the right workbook, or rename the sheet."
        )
        raise MissingSheetError(path, msg)
