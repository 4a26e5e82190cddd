"""The header mapping of firm tables (``opora/data/firm_mapping.toml``) and header matching.

:func:`load_firm_mapping` reads the built-in mapping, updated by a user file; the
readers of :mod:`opora.io.firms` find a field's column among a table's headers with it
(exact names first, then prefixes followed by a unit or a year, the latest year
preferred).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opora.errors import FormatError
from opora.io._checks import check_exists, decode_text, package_data

__all__ = ["DEFAULT_MAPPING", "FieldSpec", "FirmMapping", "load_firm_mapping"]

DEFAULT_MAPPING = "firm_mapping.toml"


@dataclass(frozen=True)
class FieldSpec:
    """How one model field is found among a table's headers.

    Attributes
    ----------
    headers
        Header names that hold the field (compared normalised).
    prefix
        Also match headers that start with one of the names (units, years follow).
    unit
        Money unit when the header does not say: ``"руб"``, ``"тыс"`` or ``"млн"``.
    """

    headers: tuple[str, ...]
    prefix: bool = False
    unit: str | None = None


@dataclass(frozen=True)
class FirmMapping:
    """Header mapping of firm tables and criteria, read from ``firm_mapping.toml``.

    Attributes
    ----------
    tables
        ``export``, ``ownership``, ``branches``, ``supply`` → field → :class:`FieldSpec`.
    sources
        Product name → words that identify its exports (``spark``, ``kontur``).
    criteria
        Control and VIC criteria (see :class:`opora.ties.graph.TiesCriteria`).
    path
        The file read (the built-in one if none was given).
    """

    tables: dict[str, dict[str, FieldSpec]]
    sources: dict[str, tuple[str, ...]]
    criteria: dict[str, float] = field(default_factory=dict)
    path: Path | None = None


_TABLES = ("export", "ownership", "branches", "supply")


def _parse_mapping(data: dict[str, Any], path: Path) -> FirmMapping:
    tables: dict[str, dict[str, FieldSpec]] = {}
    for table in _TABLES:
        spec = data.get(table, {})
        if not isinstance(spec, dict):
            msg = f"`[{table}]` must be a table of fields"
            raise FormatError(path, msg, column=table)
        fields: dict[str, FieldSpec] = {}
        for name, raw in spec.items():
            if not isinstance(raw, dict) or not isinstance(raw.get("headers"), list):
                msg = f"`[{table}.{name}]` needs `headers = [...]` (a list of header names)"
                raise FormatError(path, msg, column=f"{table}.{name}")
            unit = raw.get("unit")
            if unit is not None and _unit_factor(str(unit)) is None:
                msg = f"`[{table}.{name}] unit = {unit!r}`: use 'руб', 'тыс' or 'млн'"
                raise FormatError(path, msg, column=f"{table}.{name}")
            fields[name] = FieldSpec(
                tuple(str(h) for h in raw["headers"]),
                bool(raw.get("prefix", False)),
                None if unit is None else str(unit),
            )
        tables[table] = fields
    sources = {str(k): tuple(str(w) for w in v) for k, v in data.get("sources", {}).items()}
    criteria: dict[str, float] = {}
    for k, v in data.get("criteria", {}).items():
        if not isinstance(v, int | float) or isinstance(v, bool):
            msg = f"`[criteria] {k}` must be a number, got {v!r}"
            raise FormatError(path, msg, column=f"criteria.{k}")
        criteria[str(k)] = float(v)
    return FirmMapping(tables, sources, criteria, path)


def load_firm_mapping(path: str | Path | None = None) -> FirmMapping:
    """Read the header mapping: the built-in one, updated by a user file.

    Parameters
    ----------
    path
        A TOML file laid out like ``opora/data/firm_mapping.toml``. Each field (and
        each criterion) it gives replaces the built-in one; the rest stays built in.

    Returns
    -------
    FirmMapping
        The mapping.

    Raises
    ------
    SourceNotFoundError
        If ``path`` does not exist.
    FormatError
        If the file is not valid TOML or a field has no ``headers`` list.
    """
    default = package_data(DEFAULT_MAPPING)
    base = _parse_mapping(tomllib.loads(default.read_text(encoding="utf-8")), default)
    if path is None:
        return base
    p = check_exists(path)
    try:
        data = tomllib.loads(decode_text(p, p.read_bytes()))
    except tomllib.TOMLDecodeError as exc:
        msg = f"not valid TOML ({exc}); compare with opora/data/{DEFAULT_MAPPING}"
        raise FormatError(p, msg) from exc
    user = _parse_mapping(data, p)
    tables = {t: {**base.tables[t], **user.tables.get(t, {})} for t in _TABLES}
    return FirmMapping(
        tables, {**base.sources, **user.sources}, {**base.criteria, **user.criteria}, p
    )


def _norm_header(text: object) -> str:
    t = str(text).lower().replace("ё", "е").replace("\u00a0", " ")
    t = re.sub(r"\s+", " ", t)
    return t.strip(" .,:;*\t")


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _match_headers(headers: list[str], spec: dict[str, FieldSpec]) -> dict[str, int]:
    """Return field → column position for the fields found among ``headers``."""
    norm = [_norm_header(h) for h in headers]
    found: dict[str, int] = {}
    used: set[int] = set()
    # exact names first, in the order of the mapping (the first name is preferred)
    for name, fs in spec.items():
        for alias in fs.headers:
            a = _norm_header(alias)
            hit = [i for i, h in enumerate(norm) if h == a and i not in used]
            if hit:
                found[name] = hit[0]
                used.add(hit[0])
                break
    for name, fs in spec.items():
        if name in found or not fs.prefix:
            continue
        best: tuple[int, int] | None = None
        for alias in fs.headers:
            a = _norm_header(alias)
            for i, h in enumerate(norm):
                if i in used or not h.startswith(a) or len(h) == len(a):
                    continue
                if h[len(a)].isalnum():
                    continue  # «выручка» must not match «выручкаx»
                years = [int(y) for y in _YEAR.findall(h[len(a) :])]
                year = max(years) if years else 0
                if best is None or year > best[0]:
                    best = (year, i)
        if best is not None:
            found[name] = best[1]
            used.add(best[1])
    return found


def _unit_factor(text: str) -> float | None:
    """Factor turning a money value in the unit named by ``text`` into thousand roubles."""
    t = _norm_header(text)
    if "млрд" in t:
        return 1e6
    if "млн" in t:
        return 1e3
    if "тыс" in t:
        return 1.0
    if "руб" in t or "rub" in t:
        return 1e-3
    return None
