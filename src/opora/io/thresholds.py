"""Read the inputs of the town typology: thresholds file, municipality lists, feature table.

* :func:`read_thresholds` reads ``typology.toml`` (the package default, optionally
  overlaid by a user's file holding only the entries it changes); the types and their
  checks live in :mod:`opora.model.thresholds`;
* :func:`read_code_list` reads a user's list of municipalities or towns (the official
  monotown list, the border municipalities) given by OKTMO code or by name;
* :func:`read_feature_table` reads a feature table written by ``opora demo``
  (``municipality_features.csv``).

Every problem stops with :class:`~opora.errors.FormatError` (or another
:class:`~opora.errors.InputFileError`) naming the file and the key or column.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from opora.errors import EmptyFileError, FormatError
from opora.io._checks import check_exists, decode_text, package_data, read_text_csv
from opora.model.thresholds import Thresholds, overlay_thresholds, parse_thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "read_code_list",
    "read_feature_table",
    "read_thresholds",
]

#: File name of the default thresholds in ``opora/data``.
DEFAULT_THRESHOLDS = "typology.toml"

#: Columns of a feature table read as text.
_FEATURE_TEXT = ("oktmo", "name", "type", "centre_settlement", "top_section", "candidate_1")


def _load_toml(path: Path) -> dict[str, Any]:
    text = decode_text(path, path.read_bytes())
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"not a valid TOML file ({exc}); compare with the default typology.toml"
        raise FormatError(path, msg) from exc


def read_thresholds(path: str | Path | None = None) -> Thresholds:
    """Read the typology thresholds: the package default, overlaid by ``path`` if given.

    Parameters
    ----------
    path
        A TOML file in the layout of ``opora/data/typology.toml``, holding all entries or
        only those it changes (full ``[rule.key]`` tables or the short ``[rule]`` /
        ``key = value`` form). ``None`` reads the default only.

    Returns
    -------
    Thresholds
        Every threshold with its unit and rationale.

    Raises
    ------
    SourceNotFoundError
        If ``path`` does not exist.
    EncodingError
        If the file is not UTF-8.
    FormatError
        If the file is not valid TOML, names an unknown rule or key, or gives a value of
        the wrong kind, outside its range or not among its choices; the error's
        ``column`` (and message) names the key, e.g. ``single_enterprise.top_share_min``.
    """
    default = package_data(DEFAULT_THRESHOLDS)
    base = parse_thresholds(_load_toml(default), default)
    if path is None:
        return Thresholds(entries=base, source="default")
    p = check_exists(path)
    entries = overlay_thresholds(_load_toml(p), base, p)
    return Thresholds(entries=entries, source=f"default + {p}")


_CODE_HEADERS = ("oktmo", "октмо", "code", "код", "код октмо")
_NAME_HEADERS = (
    "name",
    "название",
    "наименование",
    "municipality",
    "муниципальное образование",
    "town",
    "город",
)


def _clean_code(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).removesuffix(".0")


def read_code_list(path: str | Path) -> list[str]:
    """Read a list of municipalities or towns (official monotowns, border municipalities).

    The file is a UTF-8 CSV (``,`` or ``;``) with a header holding a code column
    (``oktmo``, ``октмо``, ``code``, ``код``, or any header containing ``oktmo`` /
    ``октмо`` such as ``oktmo8_mo``) and/or a name column (``name``,
    ``название``, ``наименование``, ``municipality``, ``город``...), or a plain list with
    one entry a line and no header. On each line the code is used when present, the name
    otherwise. Codes keep their leading zeros; a 7- or 10-digit code (an 8- or 11-digit
    code whose leading zero a spreadsheet dropped) is padded back.

    Parameters
    ----------
    path
        The list.

    Returns
    -------
    list of str
        Entries in file order, duplicates removed: OKTMO codes (8 or 11 digits) or names.

    Raises
    ------
    SourceNotFoundError, EncodingError, EmptyFileError
        If the file is missing, not UTF-8 or holds no entry.
    FormatError
        If a code column holds something that is not an OKTMO code.
    """
    p = check_exists(path)
    text = decode_text(p, p.read_bytes())
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        msg = "the list holds no entry; write one OKTMO code or name a line"
        raise EmptyFileError(p, msg)
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = [c.strip().lower() for c in rows[0]]
    code_col = next((header.index(h) for h in _CODE_HEADERS if h in header), None)
    if code_col is None:  # `oktmo8_mo`, `код_октмо`, `OKTMO (11)`: a header naming OKTMO
        code_col = next((i for i, h in enumerate(header) if "oktmo" in h or "октмо" in h), None)
    name_col = next((header.index(h) for h in _NAME_HEADERS if h in header), None)
    if code_col is None and name_col is None:
        body, code_col, name_col, first_line = rows, None, 0, 1
    else:
        body, first_line = rows[1:], 2
    out: list[str] = []
    for i, row in enumerate(body):
        code = _clean_code(row[code_col]) if code_col is not None and code_col < len(row) else ""
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        if code_col is not None and code:
            if not code.isdigit() or len(code) not in {7, 8, 10, 11}:
                msg = (
                    f"line {first_line + i}: {row[code_col]!r} is not an OKTMO code "
                    "(8 digits for a municipality, 11 for a settlement)"
                )
                raise FormatError(p, msg, column=header[code_col])
            entry = code.zfill(8) if len(code) == 7 else code.zfill(11) if len(code) == 10 else code
        elif name:
            entry = _clean_code(name) if _clean_code(name).isdigit() else name
        else:
            continue
        if entry not in out:
            out.append(entry)
    if not out:
        msg = "the list holds no entry; write one OKTMO code or name a line"
        raise EmptyFileError(p, msg)
    return out


def read_feature_table(path: str | Path) -> pd.DataFrame:
    """Read a feature table as written by ``opora demo`` (``municipality_features.csv``).

    Parameters
    ----------
    path
        The CSV file (UTF-8); its columns are those of
        :data:`opora.analysis.features.FEATURE_DOCS` (``oktmo`` and ``name`` required).

    Returns
    -------
    pandas.DataFrame
        The table; ``oktmo``, names, codes and category columns as text, the rest as
        read by pandas (numbers, booleans).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        If the file is missing, empty, not UTF-8 or lacks ``oktmo`` / ``name``.
    FormatError
        If an ``oktmo`` is empty or repeated.
    """
    frame = read_text_csv(path, ["oktmo", "name"], text_columns=_FEATURE_TEXT)
    codes = frame["oktmo"].astype("string").str.strip()
    empty = codes.isna() | (codes == "")
    if empty.any():
        line = frame.loc[empty.to_numpy(bool), "_row"].iloc[0]
        msg = f"is empty at line {line}; every row needs an OKTMO code"
        raise FormatError(path, msg, column="oktmo")
    dup = codes.duplicated(keep=False).to_numpy(bool)
    if dup.any():
        lines = frame.loc[dup, "_row"].head(2).tolist()
        msg = f"repeats code {codes[dup].iloc[0]} (lines {lines}); one row per municipality"
        raise FormatError(path, msg, column="oktmo")
    frame["oktmo"] = codes.astype(str)
    for col in _FEATURE_TEXT:
        if col in frame:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame.drop(columns="_row").reset_index(drop=True)
