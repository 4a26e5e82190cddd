"""Validation of input files: existence, encoding, columns, sheets, emptiness; settings files.

Every reader goes through these helpers, so that a wrong file always stops with the
same typed error and a message that names the file and column and says how to fix it.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    InputPathError,
    MissingColumnError,
    MissingSheetError,
    OutputPathError,
    SourceNotFoundError,
)

__all__ = [
    "MAX_VALUE",
    "atomic_write",
    "check_exists",
    "check_input_file",
    "check_output_folder",
    "check_output_path",
    "decode_text",
    "detect_separator",
    "package_data",
    "parse_csv",
    "parse_numbers",
    "read_text_csv",
    "read_toml",
    "remove_stale",
    "repair_ids",
    "require_columns",
    "require_sheets",
    "settings_path",
    "sniff_bytes",
    "sniff_content",
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
        If the file is not UTF-8 (the message says if it looks like cp1251 and how to fix
        it) or not valid TOML.
    """
    raw = path.read_bytes()
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        try:
            raw.decode("cp1251")
            how = "it looks like Windows-1251 (cp1251): `iconv -f cp1251 -t utf-8 IN > OUT`"
        except UnicodeDecodeError:
            how = "re-save it as UTF-8"
        msg = f"not a valid UTF-8 TOML file (byte {exc.start} is not UTF-8; {how}); {hint}"
        raise FormatError(path, msg) from exc
    except tomllib.TOMLDecodeError as exc:
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
        kind = sniff_bytes(raw[:4096])
        if kind is not None:
            raise FormatError(path, _not_text_message(kind)) from exc
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
    sep: str | None = ",",
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
        Field separator, or ``None`` to detect ``,``, ``;`` or a tab from the header
        (a note saying so is left in ``frame.attrs["notes"]``) and to report rows with
        another number of fields than the header, with their line numbers.

    Returns
    -------
    pandas.DataFrame
        The table with a ``_row`` column; ``attrs["sep"]`` is the separator used.

    Raises
    ------
    EmptyFileError, EncodingError, MissingColumnError
        On an empty file, a non-UTF-8 file or a missing column.
    """
    p = check_input_file(path)
    kind = sniff_content(p)
    if kind is not None:
        raise FormatError(p, _not_text_message(kind))
    if not _check_utf8(p):
        msg = "the file holds only whitespace; export it again from the source"
        raise EmptyFileError(p, msg)
    required = list(required)
    notes: list[str] = []
    sep_detected = sep is None
    if sep is None:
        sep = detect_separator(p, required)
        if sep != ",":
            notes.append(
                f"{p.name}: this looks like `{sep}`-separated (a Russian Excel export); "
                f"read with `{sep}` as the separator"
            )
    types: dict[str, str] = dict.fromkeys(text_columns, "string")
    types.update(dtype or {})
    if sep_detected:
        # the names as written (" weight "), so that the types reach padded columns too
        header = next(csv.reader([_header_line(p)], delimiter=sep), [])
        for raw in header:
            if raw.strip() in types and raw not in types:
                types[raw] = types[raw.strip()]
    try:
        frame = parse_csv(p, p, sep=sep, dtype=types, keep_default_na=True, encoding="utf-8-sig")
    except FormatError:
        if sep_detected:
            _check_ragged(p, sep)  # list the rows with too many fields, by line
        raise
    if sep_detected and len(frame.columns) and frame.iloc[:, -1].isna().any():
        _check_ragged(p, sep)  # a short row reads as missing values: list it instead
    if sep_detected:
        frame.columns = [str(c).strip() for c in frame.columns]
    frame.attrs["notes"] = notes
    frame.attrs["sep"] = sep
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


#: Largest magnitude accepted for a number in a user's table (minutes, weights,
#: capacities): anything larger is an export error and would overflow the models.
MAX_VALUE = 1e12

_MAGIC: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "old Excel (.xls)"),
    (b"SQLite format 3\x00", "SQLite/GeoPackage"),
    (b"PAR1", "Parquet"),
]


def sniff_bytes(head: bytes) -> str | None:
    """Name the binary or markup format that ``head`` starts with, or ``None`` for text.

    Parameters
    ----------
    head
        The first bytes of a file (a few kilobytes).

    Returns
    -------
    str or None
        ``"zip"``, ``"gzip"``, ``"PDF"``, ``"OSM PBF"``, ``"XML"``... or ``None``.
    """
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"OSMHeader" in head[:64]:
        return "OSM PBF"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<osm", b"<html", b"<!DOCTYPE", b"<Workbook")):
        return "XML"
    if b"\x00" in head[:1024]:
        return "binary (or UTF-16)"
    return None


def sniff_content(path: Path) -> str | None:
    """Name what a file really holds when it is not text, by its first bytes.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str or None
        As :func:`sniff_bytes`; a zip holding a workbook is ``"xlsx"``.
    """
    with path.open("rb") as fh:
        head = fh.read(4096)
    kind = sniff_bytes(head)
    if kind == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
            if any(n.startswith("xl/") for n in names):
                kind = "xlsx"
        except (zipfile.BadZipFile, OSError):
            kind = "zip (damaged)"
    return kind


def _not_text_message(kind: str) -> str:
    if kind == "xlsx":
        return (
            "this is an Excel workbook (xlsx), not CSV; open it in Excel and save the sheet "
            "as 'CSV UTF-8'"
        )
    return (
        f"this is a {kind} file, not CSV text; check that you passed the right file, or "
        "unpack/convert it to a UTF-8 CSV first"
    )


def check_input_file(path: str | Path) -> Path:
    """Check that ``path`` is an existing, non-empty file (not a folder).

    Parameters
    ----------
    path
        The input path.

    Returns
    -------
    pathlib.Path
        The same path.

    Raises
    ------
    SourceNotFoundError, InputPathError, EmptyFileError
        If nothing is there, a folder is there, or the file is empty.
    """
    p = Path(path)
    if p.is_dir():
        msg = f"{p}: is a folder, not a file; pass the path of the CSV file inside it"
        raise InputPathError(msg)
    return check_exists(p)


def check_output_path(
    out: str | Path,
    *,
    inputs: Iterable[str | Path | None] = (),
    formats: Iterable[str] = (".csv",),
    option: str = "--out",
) -> Path:
    """Check, before any work, that an output file can be written at ``out``.

    Parameters
    ----------
    out
        The output file.
    inputs
        Input paths the output must not overwrite.
    formats
        Extensions written by the command (``.csv``); another format-bearing extension
        (``.parquet``, ``.json``, ``.xlsx``...) is refused instead of written as CSV.
    option
        Name of the option, for the message.

    Returns
    -------
    pathlib.Path
        The same path.

    Raises
    ------
    OutputPathError
        If ``out`` is a folder, its parent is a file, its folder is not writable, it is
        one of ``inputs``, or its extension names a format the command does not write.
    """
    p = Path(out)
    allowed = [f.lower() for f in formats]
    suffix = p.suffix.lower()
    bearing = {".csv", ".parquet", ".json", ".xlsx", ".xls", ".pdf", ".html", ".gpkg", ".txt"}
    for given in inputs:
        if given is not None and p.exists() and Path(given).exists():
            try:
                same = p.samefile(given)
            except OSError:
                same = False
            if same:
                msg = f"{p}: {option} is also an input of this command; write to another file"
                raise OutputPathError(msg)
    if suffix in bearing and suffix not in allowed:
        msg = (
            f"{p}: {option} has the extension {suffix}, but this command writes "
            f"{' or '.join(allowed)}; name the file with {allowed[0]}"
        )
        raise OutputPathError(msg)
    if p.is_dir():
        msg = f"{p}: {option} is a folder; give a file name inside it, such as {p / 'result'}"
        raise OutputPathError(msg + allowed[0])
    parent = p.parent
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        msg = f"{p}: {existing} is a file, not a folder; choose another place for {option}"
        raise OutputPathError(msg)
    if not os.access(existing, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        msg = f"{p}: the folder {existing} is not writable; choose a folder you can write to"
        raise OutputPathError(msg)
    return p


def check_output_folder(
    out: str | Path, *, inputs: Iterable[str | Path | None] = (), option: str = "--out"
) -> Path:
    """Check, before any work, that an output folder can be created or written at ``out``.

    The jobs that write a folder stage their files in a hidden sibling folder, so the
    parent of ``out`` must be writable too.

    Parameters
    ----------
    out
        The output folder (created when missing).
    inputs
        Input paths (files or folders) the output must not be.
    option
        Name of the option, for the message.

    Returns
    -------
    pathlib.Path
        The same path.

    Raises
    ------
    OutputPathError
        If ``out`` is a file, one of its parents is a file, it or its parent is not
        writable, or it is one of ``inputs``.
    """
    p = Path(out)
    if p.exists() and not p.is_dir():
        msg = f"{p}: {option} is a file, not a folder; give a folder (it is created if missing)"
        raise OutputPathError(msg)
    for given in inputs:
        if given is not None and p.exists() and Path(given).exists():
            try:
                same = p.samefile(given)
            except OSError:
                same = False
            if same:
                msg = f"{p}: {option} is also an input of this command; write to another folder"
                raise OutputPathError(msg)
    existing = p.absolute().parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        msg = f"{p}: {existing} is a file, not a folder; choose another place for {option}"
        raise OutputPathError(msg)
    for folder in (existing, p) if p.is_dir() else (existing,):
        if not os.access(folder, os.W_OK | os.X_OK):
            msg = f"{p}: the folder {folder} is not writable; choose a folder you can write to"
            raise OutputPathError(msg)
    return p


def remove_stale(path: Path) -> None:
    """Remove a file left by an earlier run (a stale ``*_rejects.csv``), if any.

    Parameters
    ----------
    path
        The file.
    """
    if path.is_file():
        path.unlink()


def file_mode() -> int:
    """Return the permission bits a newly created file gets under the process umask.

    :func:`tempfile.mkstemp` creates its file readable by its owner only; files renamed
    into place get these bits instead, as if they had been opened normally.

    Returns
    -------
    int
        ``0o666`` less the umask.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write a file atomically: ``write(tmp)`` in the same folder, then rename onto ``path``.

    Parameters
    ----------
    path
        The final file.
    write
        Writes the content to the temporary path it is given.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputPathError
        If the folder cannot be created or the file cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        msg = f"{path}: cannot write here ({exc.strerror}); choose another output path"
        raise OutputPathError(msg) from exc
    tmp = Path(tmp_name)
    try:
        write(tmp)
        tmp.chmod(file_mode())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        msg = f"{path}: cannot write here ({exc.strerror}); choose another output path"
        raise OutputPathError(msg) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _header_line(path: Path) -> str:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        for line in fh:
            if line.strip():
                return line
    return ""


def detect_separator(path: Path, required: Iterable[str] = ()) -> str:
    """Tell which separator (``,``, ``;`` or a tab) the file's header line uses.

    Parameters
    ----------
    path
        A UTF-8 CSV file.
    required
        Columns that must be present: the separator splitting the header into them wins.

    Returns
    -------
    str
        The separator.
    """
    line = _header_line(path)
    need = set(required)
    best, best_score = ",", -1
    for sep in (",", ";", "\t"):
        cells = {c.strip().strip('"') for c in next(csv.reader([line], delimiter=sep), [])}
        score = len(need & cells) * 100 + len(cells)
        if score > best_score:
            best, best_score = sep, score
    return best


def _check_ragged(path: Path, sep: str, show: int = 5) -> None:
    """Raise :class:`FormatError` listing the rows whose number of fields is not the header's."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        width = None
        bad: list[tuple[int, int]] = []
        for row in reader:
            if not row or not any(c.strip() for c in row):
                continue
            if width is None:
                width = len(row)
                continue
            if len(row) != width:
                bad.append((reader.line_num, len(row)))
    if bad:
        shown = ", ".join(f"line {n} has {k}" for n, k in bad[:show])
        more = f" and {len(bad) - show:,} more" if len(bad) > show else ""
        msg = (
            f"{len(bad):,} rows have another number of fields than the header ({width}): "
            f"{shown}{more}; fix these rows (a separator or quote inside a value?) and "
            "export again"
        )
        raise FormatError(path, msg)


_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f\u2009']\d{3})+(?:[.,]\d+)?$")
_DEC_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_DOT_GROUPS_COMMA = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+,\d+$")
_COMMA_GROUPS_DOT = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")


def _repair_one(text: str, sep: str) -> tuple[str | None, str]:
    """Return the repaired number text and why, or ``None`` when it is ambiguous."""
    if _GROUPED.match(text):
        cleaned = re.sub(r"[ \u00a0\u202f\u2009']", "", text).replace(",", ".")
        return cleaned, "thousands separator removed"
    if _DOT_GROUPS_COMMA.match(text):
        return text.replace(".", "").replace(",", "."), "thousands dots and decimal comma read"
    if _COMMA_GROUPS_DOT.match(text):
        return text.replace(",", ""), "thousands commas removed"
    if _DEC_COMMA.match(text):
        decimals = len(text.split(",")[1])
        if decimals == 3 and sep != ";" and text.lstrip("+-").split(",")[0] not in ("", "0"):
            return None, (
                "ambiguous: a comma before 3 digits may be a decimal or a thousands "
                "separator; write it with a dot (1.200) or without separator (1200)"
            )
        return text.replace(",", "."), "decimal comma read as a dot"
    return None, ""


def parse_numbers(raw: pd.Series, sep: str = ",") -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read a column as float64, repairing unambiguous Russian/Excel number formats.

    Thousands separators (``"1 200"``, no-break spaces, ``1 200,5``), decimal commas
    (``0,5``; ``1,200`` only in a ``;``-separated file, else ambiguous) and
    ``1.200,5`` / ``1,200.5`` are read; anything else that is not a number stays missing.

    Parameters
    ----------
    raw
        The column as read.
    sep
        The file's separator (with ``;`` a comma is always the decimal separator).

    Returns
    -------
    values : pandas.Series
        float64, missing where not a number.
    repaired : pandas.Series
        Text saying how each repaired cell was read (missing elsewhere).
    problem : pandas.Series
        Why a present cell is not a number (missing elsewhere).
    """
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        none = pd.Series(pd.NA, index=raw.index, dtype="string")
        return raw.astype("float64"), none, none.copy()
    text = raw.astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    repaired = pd.Series(pd.NA, index=raw.index, dtype="string")
    problem = pd.Series(pd.NA, index=raw.index, dtype="string")
    todo = values.isna() & text.notna() & (text != "")
    for idx in text.index[todo.to_numpy(bool)]:
        fixed, why = _repair_one(str(text[idx]), sep)
        number = pd.to_numeric(fixed, errors="coerce") if fixed is not None else None
        if number is not None and pd.notna(number):
            values[idx] = float(number)
            repaired[idx] = why
        else:
            problem[idx] = why or "not a number (use a dot as the decimal separator, no units)"
    return values, repaired, problem


def repair_ids(ids: pd.Series, known: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Restore lost leading zeros of numeric ids, where the other file makes it unambiguous.

    An all-digit id that is not among ``known`` is padded with zeros when every known id
    has one width and the padded id is known. Ids that look like Excel's scientific
    notation (``7.7E+10``) or that a padding would match only ambiguously get a hint.

    Parameters
    ----------
    ids
        Ids to check (text).
    known
        The ids of the other file (text).

    Returns
    -------
    ids : pandas.Series
        The ids, repaired where unambiguous.
    repaired : pandas.Series
        Bool mask of the repaired ids.
    hint : pandas.Series
        Text hint for an unknown id that looks damaged (missing elsewhere).
    """
    known_set = set(known.dropna().astype(str))
    out = ids.astype("string").copy()
    repaired = pd.Series(False, index=ids.index)
    hint = pd.Series(pd.NA, index=ids.index, dtype="string")
    unknown = ~out.isin(known_set).fillna(False)
    if not unknown.any():
        return out, repaired, hint
    widths = {len(k) for k in known_set if k.isdigit()}
    all_digits = bool(known_set) and all(k.isdigit() for k in known_set)
    for idx in out.index[unknown.to_numpy(bool)]:
        value = out[idx]
        if value is pd.NA:
            continue
        v = str(value)
        if re.match(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$", v):
            hint[idx] = (
                "looks like scientific notation (Excel turned the code into a number); "
                "format the id column as text and export again"
            )
        elif v.endswith(".0") and v[:-2].isdigit() and v[:-2] in known_set:
            out[idx] = v[:-2]
            repaired[idx] = True
        elif (
            v.isdigit()
            and all_digits
            and len(widths) == 1
            and len(v) < next(iter(widths))
            and v.zfill(next(iter(widths))) in known_set
        ):
            out[idx] = v.zfill(next(iter(widths)))
            repaired[idx] = True
        elif v.isdigit() and any(k.lstrip("0") == v for k in known_set if k.startswith("0")):
            hint[idx] = (
                "looks like a code that lost its leading zeros (Excel); format the id "
                "column as text and export again"
            )
        elif v.isdigit() and v.startswith("0") and v.lstrip("0") in known_set:
            hint[idx] = (
                "is written without its leading zeros in the other file (Excel); format "
                "that id column as text and export again"
            )
    return out, repaired, hint
