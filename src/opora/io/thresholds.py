"""Read the inputs of the town typology: thresholds file, municipality lists, feature table.

* :func:`read_thresholds` reads ``typology.toml`` (the package default, optionally
  overlaid by a user's file holding only the entries it changes);
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
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from opora.errors import EmptyFileError, FormatError
from opora.io._checks import check_exists, decode_text, read_text_csv

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Threshold",
    "ThresholdValue",
    "Thresholds",
    "read_code_list",
    "read_feature_table",
    "read_thresholds",
]

#: File name of the default thresholds in ``opora/data``.
DEFAULT_THRESHOLDS = "typology.toml"

#: A threshold's value: a number, a text or a list of texts.
ThresholdValue = float | str | tuple[str, ...]

_DOC_FIELDS = ("unit", "rationale_ru", "rationale_en")

#: Columns of a feature table read as text.
_FEATURE_TEXT = ("oktmo", "name", "type", "centre_settlement", "top_section", "candidate_1")


@dataclass(frozen=True)
class Threshold:
    """One threshold of the typology, with its documentation.

    Attributes
    ----------
    rule
        Rule id (``single_enterprise``...).
    name
        Key within the rule (``top_share_min``...).
    value
        The threshold: a number, a text or a tuple of texts.
    unit
        What the value counts.
    rationale_ru, rationale_en
        Why this value.
    minimum, maximum
        Admissible range of a number (``None``: unbounded).
    choices
        Admissible values of a text or of the items of a list (empty: any).
    """

    rule: str
    name: str
    value: ThresholdValue
    unit: str
    rationale_ru: str
    rationale_en: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Return ``rule.name``."""
        return f"{self.rule}.{self.name}"


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of every rule, read from ``typology.toml`` (see :func:`read_thresholds`).

    Attributes
    ----------
    entries
        ``rule.name`` → :class:`Threshold`, in file order.
    source
        The file(s) read: ``default`` or ``default + PATH``.
    """

    entries: Mapping[str, Threshold] = field(repr=False)
    source: str = "default"

    def _get(self, rule: str, name: str) -> Threshold:
        key = f"{rule}.{name}"
        if key not in self.entries:
            msg = f"no threshold `{key}`; known: {', '.join(self.entries)}"
            raise KeyError(msg)
        return self.entries[key]

    def number(self, rule: str, name: str) -> float:
        """Return a numeric threshold.

        Parameters
        ----------
        rule, name
            Rule id and key.

        Returns
        -------
        float
            The value.

        Raises
        ------
        KeyError
            If there is no such threshold.
        TypeError
            If the threshold is not a number.
        """
        value = self._get(rule, name).value
        if not isinstance(value, float):
            msg = f"threshold `{rule}.{name}` is not a number: {value!r}"
            raise TypeError(msg)
        return value

    def text(self, rule: str, name: str) -> str:
        """Return a text threshold (see :meth:`number` for the parameters and errors).

        Parameters
        ----------
        rule, name
            Rule id and key.

        Returns
        -------
        str
            The value.
        """
        value = self._get(rule, name).value
        if not isinstance(value, str):
            msg = f"threshold `{rule}.{name}` is not a text: {value!r}"
            raise TypeError(msg)
        return value

    def items(self, rule: str, name: str) -> tuple[str, ...]:
        """Return a list threshold (see :meth:`number` for the parameters and errors).

        Parameters
        ----------
        rule, name
            Rule id and key.

        Returns
        -------
        tuple of str
            The items.
        """
        value = self._get(rule, name).value
        if not isinstance(value, tuple):
            msg = f"threshold `{rule}.{name}` is not a list: {value!r}"
            raise TypeError(msg)
        return value

    def table(self) -> pd.DataFrame:
        """Return the thresholds as a table, for reports.

        Returns
        -------
        pandas.DataFrame
            ``rule, name, value, unit, rationale_ru, rationale_en``, in file order.
        """
        rows = [
            {
                "rule": t.rule,
                "name": t.name,
                "value": ", ".join(t.value) if isinstance(t.value, tuple) else t.value,
                "unit": t.unit,
                "rationale_ru": t.rationale_ru,
                "rationale_en": t.rationale_en,
            }
            for t in self.entries.values()
        ]
        return pd.DataFrame(
            rows, columns=["rule", "name", "value", "unit", "rationale_ru", "rationale_en"]
        )


def _load_toml(path: Path) -> dict[str, Any]:
    text = decode_text(path, path.read_bytes())
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"not a valid TOML file ({exc}); compare with the default typology.toml"
        raise FormatError(path, msg) from exc


def _bound(spec: Mapping[str, Any], name: str, path: Path, key: str) -> float | None:
    if name not in spec:
        return None
    value = spec[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"`{name}` of `{key}` must be a number, got {value!r}"
        raise FormatError(path, msg, column=f"{key}.{name}")
    return float(value)


def _parse_default(path: Path, data: Mapping[str, Any]) -> dict[str, Threshold]:
    """Read the full layout (every entry a table with value and documentation)."""
    out: dict[str, Threshold] = {}
    for rule, table in data.items():
        if not isinstance(table, dict) or not table:
            msg = f"`{rule}` must be a table of [{rule}.KEY] entries"
            raise FormatError(path, msg, column=rule)
        for name, spec in table.items():
            key = f"{rule}.{name}"
            if not isinstance(spec, dict):
                msg = f"`{key}` must be a table with value, unit, rationale_ru, rationale_en"
                raise FormatError(path, msg, column=key)
            missing = [f for f in ("value", *_DOC_FIELDS) if f not in spec]
            if missing:
                msg = f"`{key}` lacks {', '.join(missing)}"
                raise FormatError(path, msg, column=f"{key}.{missing[0]}")
            choices = spec.get("choices", [])
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                msg = f"`choices` of `{key}` must be a list of texts"
                raise FormatError(path, msg, column=f"{key}.choices")
            kind = spec["value"]
            empty: ThresholdValue = (
                () if isinstance(kind, list) else "" if isinstance(kind, str) else 0.0
            )
            proto = Threshold(
                rule=rule,
                name=name,
                value=empty,
                unit=str(spec["unit"]),
                rationale_ru=str(spec["rationale_ru"]),
                rationale_en=str(spec["rationale_en"]),
                minimum=_bound(spec, "min", path, key),
                maximum=_bound(spec, "max", path, key),
                choices=tuple(choices),
            )
            out[key] = replace(proto, value=_check_value(path, proto, kind))
    return out


def _check_value(path: Path, proto: Threshold, raw: Any) -> ThresholdValue:
    """Check ``raw`` against the kind, range and choices of ``proto``; return it typed."""
    key = proto.key
    if isinstance(proto.value, float):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            msg = f"`{key}` must be a number ({proto.unit}), got {raw!r}"
            raise FormatError(path, msg, column=key)
        value = float(raw)
        if proto.minimum is not None and value < proto.minimum:
            msg = f"`{key}` must be at least {proto.minimum:g} ({proto.unit}), got {value:g}"
            raise FormatError(path, msg, column=key)
        if proto.maximum is not None and value > proto.maximum:
            msg = f"`{key}` must be at most {proto.maximum:g} ({proto.unit}), got {value:g}"
            raise FormatError(path, msg, column=key)
        return value
    if isinstance(proto.value, tuple):
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            msg = f"`{key}` must be a list of texts ({proto.unit}), got {raw!r}"
            raise FormatError(path, msg, column=key)
        items = tuple(v.strip() for v in raw)
        bad = [v for v in items if proto.choices and v not in proto.choices]
        if bad:
            msg = f"`{key}`: {bad[0]!r} is not one of {', '.join(proto.choices)}"
            raise FormatError(path, msg, column=key)
        return items
    if not isinstance(raw, str):
        msg = f"`{key}` must be a text ({proto.unit}), got {raw!r}"
        raise FormatError(path, msg, column=key)
    if proto.choices and raw not in proto.choices:
        msg = f"`{key}` must be one of {', '.join(proto.choices)}, got {raw!r}"
        raise FormatError(path, msg, column=key)
    return raw


def _overlay(
    path: Path, data: Mapping[str, Any], base: dict[str, Threshold]
) -> dict[str, Threshold]:
    """Apply a user's file (full or short entries) over the defaults."""
    out = dict(base)
    rules = {t.rule for t in base.values()}
    for rule, table in data.items():
        if rule not in rules:
            msg = f"unknown rule `{rule}`; known: {', '.join(sorted(rules))}"
            raise FormatError(path, msg, column=rule)
        if not isinstance(table, dict):
            msg = f"`{rule}` must be a table ([{rule}] with KEY = value lines)"
            raise FormatError(path, msg, column=rule)
        for name, spec in table.items():
            key = f"{rule}.{name}"
            if key not in base:
                known = [t.name for t in base.values() if t.rule == rule]
                msg = f"unknown key `{key}`; `{rule}` has: {', '.join(known)}"
                raise FormatError(path, msg, column=key)
            proto = base[key]
            ru, en = proto.rationale_ru, proto.rationale_en
            if isinstance(spec, dict):
                if "value" not in spec:
                    msg = f"`{key}` is a table without `value`"
                    raise FormatError(path, msg, column=f"{key}.value")
                unknown = set(spec) - {"value", *_DOC_FIELDS, "min", "max", "choices"}
                if unknown:
                    msg = f"`{key}` has unknown field `{sorted(unknown)[0]}`"
                    raise FormatError(path, msg, column=f"{key}.{sorted(unknown)[0]}")
                ru = str(spec.get("rationale_ru", ru))
                en = str(spec.get("rationale_en", en))
                raw = spec["value"]
            else:
                raw = spec
            value = _check_value(path, proto, raw)
            out[key] = replace(proto, value=value, rationale_ru=ru, rationale_en=en)
    return out


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
    default = Path(str(resources.files("opora") / "data" / DEFAULT_THRESHOLDS))
    base = _parse_default(default, _load_toml(default))
    if path is None:
        return Thresholds(entries=base, source="default")
    p = check_exists(path)
    entries = _overlay(p, _load_toml(p), base)
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
    (``oktmo``, ``октмо``, ``code``, ``код``) and/or a name column (``name``,
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
