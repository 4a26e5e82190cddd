"""Readers of firm registries: FNS open data, EGRUL-style tables, SPARK / Kontur.Focus exports.

Every reader returns an :class:`~opora.model.result.ImportResult` (table, reject report,
counts) and stops with a typed error naming the file (and the column) when the file
cannot be used.

* :func:`read_sme_register`: the FNS register of small and medium-sized enterprises
  (ЕРСМСП, ``ТипИнф="РЕЕСТРМСП"``) as published: a zip archive of XML files of about
  900 ``Документ`` elements each, or one plain XML file. It is **streamed**
  (:func:`xml.etree.ElementTree.iterparse`, each document cleared once read), so a
  multi-gigabyte archive never sits in memory; only the documents of the workspace's
  region (and those whose INN is asked for) are kept. Personal names of individual
  entrepreneurs are not kept.
* :func:`read_fns_headcount` and :func:`read_fns_revexp`: the FNS open datasets of
  average headcount (``ОТКРДАННЫЕ3``) and of revenue and expenditure (``ОТКРДАННЫЕ5``),
  same layout, same streaming; they give the weights of firms.
* :func:`read_ownership_csv`, :func:`read_branches_csv`, :func:`read_supply_csv`:
  EGRUL-style tables (UTF-8 or Windows-1251, ``,`` ``;`` or tab separated) of owners,
  branches and supply ties.
* :func:`read_firm_export`: SPARK-Interfax and Kontur.Focus exports (Excel or CSV), whose
  Russian headers are mapped to the model by ``opora/data/firm_mapping.toml``
  (:func:`load_firm_mapping`); :func:`export_ownership` and :func:`export_branches` turn
  their head-company, founder and branch columns into ownership and branch tables.

Locations resolve to OKTMO through a :class:`~opora.model.places.LocationIndex` built
from the workspace's settlement and municipality tables; a location of the region that
does not resolve is rejected with the reason.

INNs are text. A 9- or 11-digit INN whose control digits become valid with a leading
zero lost by a spreadsheet is repaired; an INN with wrong control digits is kept and
flagged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any, Final, NamedTuple
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    MissingSheetError,
)
from opora.io._checks import check_exists, decode_text
from opora.io._oktmo import classify_oktmo, strip_oktmo
from opora.model.places import LocationIndex, Resolution, external_place, parse_address
from opora.model.result import ImportResult, RejectLog

__all__ = [
    "BRANCH_COLUMNS",
    "FIRM_COLUMNS",
    "OWNERSHIP_COLUMNS",
    "SUPPLY_COLUMNS",
    "FieldSpec",
    "FirmMapping",
    "SmeDocument",
    "clean_inn",
    "export_branches",
    "export_ownership",
    "inn_is_valid",
    "iter_fns_documents",
    "iter_sme_register",
    "load_firm_mapping",
    "okved_section",
    "read_branches_csv",
    "read_firm_export",
    "read_fns_headcount",
    "read_fns_revexp",
    "read_ownership_csv",
    "read_sme_register",
    "read_supply_csv",
]

DEFAULT_MAPPING = "firm_mapping.toml"

#: Columns of the firm table.
FIRM_COLUMNS = [
    "inn",
    "ogrn",
    "name",
    "kind",
    "category",
    "okved",
    "okved_extra",
    "okved_section",
    "region_code",
    "region",
    "district",
    "city",
    "settlement",
    "address",
    "place",
    "settlement_oktmo",
    "municipality_oktmo",
    "in_region",
    "location_status",
    "employees",
    "revenue",
    "parent_inn",
    "founders",
    "branches",
    "date",
    "doc_id",
    "source",
    "source_row",
    "modelled",
]

#: Columns of the ownership table (one row per owner of a firm; share is a fraction 0-1).
OWNERSHIP_COLUMNS = [
    "child_inn",
    "parent_inn",
    "parent_name",
    "share",
    "date",
    "source",
    "source_row",
    "modelled",
]

#: Columns of the branch table (one row per branch or separate subdivision).
BRANCH_COLUMNS = [
    "inn",
    "kpp",
    "name",
    "address",
    "place",
    "settlement_oktmo",
    "municipality_oktmo",
    "employees",
    "source",
    "source_row",
    "modelled",
]

#: Columns of the supply table (value in thousand roubles, where given).
SUPPLY_COLUMNS = ["supplier_inn", "customer_inn", "value", "source", "source_row", "modelled"]

_TEXT: Final = "string"
_FNS_KINDS = {
    "РЕЕСТРМСП": "the SME register (ЕРСМСП)",
    "ОТКРДАННЫЕ3": "the average headcount dataset (ССЧР)",
    "ОТКРДАННЫЕ5": "the revenue and expenditure dataset",
}
_SME_KIND = {"1": "legal_entity", "2": "entrepreneur", "3": "peasant_farm"}
_SME_CATEGORY = {"1": "micro", "2": "small", "3": "medium"}
_ENTREPRENEUR_NAME = "индивидуальный предприниматель"

# -- INN and OKVED ---------------------------------------------------------------------

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """Tell whether a 10- or 12-digit INN has valid control digits.

    Parameters
    ----------
    inn
        INN as text.

    Returns
    -------
    bool
        True for a 10-digit (organisation) or 12-digit (person) INN whose control
        digits match.

    Examples
    --------
    >>> inn_is_valid("0274613182")
    True
    >>> inn_is_valid("0274613183")
    False
    """
    if len(inn) == 10 and inn.isdigit():
        return _check(inn, _W10) == int(inn[9])
    if len(inn) == 12 and inn.isdigit():
        return _check(inn, _W11) == int(inn[10]) and _check(inn, _W12) == int(inn[11])
    return False


def clean_inn(value: object) -> tuple[str | None, str]:
    """Clean an INN read from a file.

    Parameters
    ----------
    value
        The raw value (text or number).

    Returns
    -------
    tuple of (str or None, str)
        The INN and its status: ``ok``, ``repaired`` (a leading zero put back),
        ``bad_checksum`` (kept, control digits wrong), ``invalid`` (not 10 or 12
        digits; INN ``None``) or ``missing``.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None, "missing"
    text = re.sub(r"[\s\u00a0]", "", str(value))
    text = re.sub(r"\.0$", "", text)
    if not text or text.lower() in {"nan", "none", "-", "—"}:
        return None, "missing"
    if not text.isdigit():
        return None, "invalid"
    if len(text) in (9, 11) and inn_is_valid("0" + text):
        return "0" + text, "repaired"
    if len(text) not in (10, 12):
        return None, "invalid"
    return text, "ok" if inn_is_valid(text) else "bad_checksum"


_SECTION_BY_DIVISION: dict[int, str] = {}
for _lo, _hi, _sec in (
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 35, "D"),
    (36, 39, "E"),
    (41, 43, "F"),
    (45, 47, "G"),
    (49, 53, "H"),
    (55, 56, "I"),
    (58, 63, "J"),
    (64, 66, "K"),
    (68, 68, "L"),
    (69, 75, "M"),
    (77, 82, "N"),
    (84, 84, "O"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 96, "S"),
    (97, 98, "T"),
    (99, 99, "U"),
):
    for _d in range(_lo, _hi + 1):
        _SECTION_BY_DIVISION[_d] = _sec
_OKVED = re.compile(r"(?<![\d.])(\d{2}(?:\.\d{1,2}){0,3})(?![\d])")


def okved_section(code: object) -> str | None:
    """Return the OKVED 2 section letter (A-U) of a code.

    Parameters
    ----------
    code
        An OKVED 2 code such as ``"47.11"`` or ``"01"`` (text before or after it is
        ignored: ``"47.11 Торговля розничная..."``).

    Returns
    -------
    str or None
        The section letter, or ``None`` when there is no valid division.

    Examples
    --------
    >>> okved_section("47.11"), okved_section("06.10.1"), okved_section("x")
    ('G', 'B', None)
    """
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        return None
    m = _OKVED.search(str(code))
    if m is None:
        return None
    return _SECTION_BY_DIVISION.get(int(m.group(1)[:2]))


def _okved_code(text: object) -> str | None:
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return None
    m = _OKVED.search(str(text))
    return m.group(1) if m and okved_section(m.group(1)) else None


# -- mapping ---------------------------------------------------------------------------


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
    default = Path(str(resources.files("opora") / "data" / DEFAULT_MAPPING))
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


# -- FNS open data (streamed XML) ------------------------------------------------------


def _xml_members(path: Path) -> Iterator[tuple[str, IO[bytes]]]:
    """Yield (member name, binary stream) of each XML file of a zip archive or plain XML."""
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            msg = f"not a readable zip archive ({exc}); download it again"
            raise FormatError(path, msg) from exc
        with zf:
            names = sorted(i.filename for i in zf.infolist() if not i.is_dir())
            xml = [n for n in names if n.lower().endswith(".xml")]
            if not xml:
                shown = ", ".join(names[:5]) or "nothing"
                msg = (
                    f"the archive holds no XML file (it has: {shown}); the FNS publishes "
                    "zip archives of XML files: check that this is the right download"
                )
                raise FormatError(path, msg)
            for name in xml:
                with zf.open(name) as fh:
                    yield name, fh
        return
    with path.open("rb") as fh:
        head = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<"):
            msg = (
                "neither a zip archive nor an XML file; give the archive as downloaded "
                "from the FNS open data (data-*.zip) or one XML file extracted from it"
            )
            raise FormatError(path, msg)
        fh.seek(0)
        yield path.name, fh


def iter_fns_documents(path: str | Path, kind: str) -> Iterator[tuple[str, int, ET.Element]]:
    """Stream the ``Документ`` elements of an FNS open-data file.

    Each element is cleared (and dropped from its parent) once the caller moves on, so
    memory stays bounded whatever the size of the archive: read what you need from the
    element before asking for the next one.

    Parameters
    ----------
    path
        Zip archive of XML files as published, or one XML file.
    kind
        Expected ``ТипИнф`` of the files: ``"РЕЕСТРМСП"`` (SME register),
        ``"ОТКРДАННЫЕ3"`` (average headcount) or ``"ОТКРДАННЫЕ5"`` (revenue and
        expenditure).

    Yields
    ------
    tuple of (str, int, xml.etree.ElementTree.Element)
        Member file name, 1-based number of the document in that file, the element.

    Raises
    ------
    SourceNotFoundError, EmptyFileError
        If the file is missing or empty.
    FormatError
        If it is not a zip archive or XML, if an XML file is broken or truncated, or
        if it is another FNS dataset (the message says which).
    """
    p = check_exists(path)
    want = _FNS_KINDS.get(kind, kind)
    for member, fh in _xml_members(p):
        n = 0
        try:
            # ElementTree never fetches external entities, and expat >= 2.4 (bundled with
            # Python 3.11) caps entity expansion, so published FNS files parse safely.
            context = ET.iterparse(fh, events=("start", "end"))  # noqa: S314
            _, root = next(context)
            if root.tag != "Файл":
                msg = (
                    f"{member}: the root element is <{root.tag}>, not <Файл>: this is not "
                    f"an FNS open-data file; expected {want}"
                )
                raise FormatError(p, msg)
            got = root.get("ТипИнф")
            if got != kind:
                what = _FNS_KINDS.get(str(got), f"ТипИнф={got!r}")
                msg = f"{member}: this is {what}, not {want} (ТипИнф={kind!r})"
                raise FormatError(p, msg, column="ТипИнф")
            for event, elem in context:
                if event == "end" and elem.tag == "Документ":
                    n += 1
                    yield member, n, elem
                    root.clear()
        except ET.ParseError as exc:
            line, col = exc.position
            msg = (
                f"{member}: broken XML at line {line}, column {col} after {n:,} documents "
                f"({exc.msg if hasattr(exc, 'msg') else exc}); the file is truncated or "
                "damaged: download it again"
            )
            raise FormatError(p, msg) from exc
        except StopIteration as exc:
            msg = f"{member}: empty XML file; download the archive again"
            raise EmptyFileError(p, msg) from exc
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            msg = f"{member}: the archive is damaged ({exc}); download it again"
            raise FormatError(p, msg) from exc


class SmeDocument(NamedTuple):
    """One document of the SME register, as read (names with their types).

    Attributes
    ----------
    member, number
        XML file of the archive and 1-based number of the document in it.
    doc_id, date
        ``ИдДок`` and ``ДатаСост`` (the register date, ``DD.MM.YYYY``).
    kind, category
        ``ВидСубМСП`` (1 organisation, 2 individual entrepreneur) and ``КатСубМСП``
        (1 micro, 2 small, 3 medium), as codes.
    inn, ogrn, name
        ``ИННЮЛ`` / ``ИННФЛ``, ``ОГРН`` / ``ОГРНИП`` and ``НаимОргСокр`` (else
        ``НаимОрг``); ``None`` name for entrepreneurs (personal names are not kept).
    region_code, region, district, district_type, city, city_type, settlement,
    settlement_type
        ``СведМН``: ``КодРегион`` and the ``Наим`` / ``Тип`` of ``Регион``, ``Район``,
        ``Город``, ``НаселПункт``.
    okved, okved_extra
        ``СвОКВЭДОсн/@КодОКВЭД`` and the codes of ``СвОКВЭДДоп``.
    """

    member: str
    number: int
    doc_id: str | None
    date: str | None
    kind: str | None
    category: str | None
    inn: str | None
    ogrn: str | None
    name: str | None
    region_code: str | None
    region: str | None
    district: str | None
    district_type: str | None
    city: str | None
    city_type: str | None
    settlement: str | None
    settlement_type: str | None
    okved: str | None
    okved_extra: tuple[str, ...]


def _sme_document(member: str, number: int, doc: ET.Element) -> SmeDocument:
    inn = ogrn = name = None
    region_code = region = None
    parts: dict[str, tuple[str | None, str | None]] = {}
    okved: str | None = None
    extra: list[str] = []
    for child in doc:
        tag = child.tag
        if tag == "ОргВклМСП":
            inn = child.get("ИННЮЛ")
            ogrn = child.get("ОГРН")
            name = child.get("НаимОргСокр") or child.get("НаимОрг")
        elif tag == "ИПВклМСП":
            inn = child.get("ИННФЛ")
            ogrn = child.get("ОГРНИП")
        elif tag == "СведМН":
            region_code = child.get("КодРегион")
            for part in child:
                parts[part.tag] = (part.get("Наим"), part.get("Тип"))
        elif tag == "СвОКВЭД":
            for part in child:
                code = part.get("КодОКВЭД")
                if part.tag == "СвОКВЭДОсн":
                    okved = code
                elif part.tag == "СвОКВЭДДоп" and code:
                    extra.append(code)
    a = doc.attrib
    none = (None, None)
    region = parts.get("Регион", none)[0]
    district, district_type = parts.get("Район", none)
    city, city_type = parts.get("Город", none)
    settlement, settlement_type = parts.get("НаселПункт", none)
    return SmeDocument(
        member,
        number,
        a.get("ИдДок"),
        a.get("ДатаСост"),
        a.get("ВидСубМСП"),
        a.get("КатСубМСП"),
        inn,
        ogrn,
        name,
        region_code,
        region,
        district,
        district_type,
        city,
        city_type,
        settlement,
        settlement_type,
        okved,
        tuple(extra),
    )


def iter_sme_register(path: str | Path) -> Iterator[SmeDocument]:
    """Stream the documents of the FNS SME register (zip of XML files, or one XML file).

    Parameters
    ----------
    path
        The archive as published (``data-YYYYMMDD-structure-...zip``) or an XML file.

    Yields
    ------
    SmeDocument
        One record per ``Документ``, in file order.

    Raises
    ------
    FormatError
        As :func:`iter_fns_documents`.
    """
    for member, number, doc in iter_fns_documents(path, "РЕЕСТРМСП"):
        yield _sme_document(member, number, doc)


def _date_iso(text: object) -> str | None:
    """Return a ``DD.MM.YYYY`` or ``YYYY-MM-DD`` date as ISO text, ``None`` if not a date."""
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return None
    t = str(text).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", t)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", t)
        parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return None


def _val(value: object) -> str | None:
    """Return a cell as stripped text, or ``None`` when it is missing or blank."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


class _Columns:
    """Column-wise accumulator of table rows (lists, turned into a DataFrame once)."""

    def __init__(self, names: list[str]) -> None:
        self.data: dict[str, list[Any]] = {n: [] for n in names}

    def add(self, **values: Any) -> None:
        for name, col in self.data.items():
            col.append(values.get(name))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.data)


def _firm_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a firm table the model's columns and dtypes."""
    out = frame.reindex(columns=FIRM_COLUMNS)
    text = [
        c
        for c in FIRM_COLUMNS
        if c not in {"employees", "revenue", "in_region", "source_row", "modelled"}
    ]
    out[text] = out[text].astype(_TEXT)
    out["employees"] = pd.to_numeric(out["employees"], errors="coerce").astype("float64")
    out["revenue"] = pd.to_numeric(out["revenue"], errors="coerce").astype("float64")
    out["in_region"] = out["in_region"].fillna(False).astype(bool)
    out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    out["modelled"] = out["modelled"].fillna(False).astype(bool)
    return out.reset_index(drop=True)


def _drop_duplicate_inns(table: pd.DataFrame, log: RejectLog, what: str) -> pd.DataFrame:
    """Keep the latest record of each INN; reject the others."""
    if table.empty:
        return table
    order = table.sort_values(["date", "source_row"], ascending=[False, True], na_position="last")
    dup = order.duplicated("inn", keep="first")
    for _, r in order[dup].iterrows():
        log.add(
            None if pd.isna(r["source_row"]) else int(r["source_row"]),
            "inn",
            r["inn"],
            f"INN repeated in the {what}; the latest record is kept",
            "rejected",
            None if pd.isna(r.get("doc_id")) else f"ИдДок={r['doc_id']}",
        )
    return table.loc[~dup.reindex(table.index).to_numpy(bool)]


def read_sme_register(
    path: str | Path,
    index: LocationIndex | None = None,
    *,
    keep_inns: Iterable[str] | None = None,
) -> ImportResult:
    """Read the FNS SME register, streamed, keeping the workspace region's firms.

    Parameters
    ----------
    path
        The archive as published (a zip of XML files) or one XML file.
    index
        Places of the workspace. Documents of other regions are skipped (counted as
        ``other_region``), and locations resolve to OKTMO; without an index every
        document is kept and nothing is resolved.
    keep_inns
        INNs to keep even outside the region (parents and head offices named by the
        ownership and branch tables); they get the place ``ext:<region code>``.

    Returns
    -------
    ImportResult
        Firm table (:data:`FIRM_COLUMNS`; ``source`` = ``fns_sme``; ``row`` of the
        reject report and ``source_row`` = number of the document in its XML file,
        the file and ``ИдДок`` are in ``context``). Counts in ``extra``: ``documents``,
        ``files``, ``other_region``, ``kept_outside_region``, ``located_settlement``,
        ``located_municipality``.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, FormatError
        When the file cannot be used (see :func:`iter_fns_documents`).
    """
    p = Path(path)
    log = RejectLog(p)
    wanted = set(keep_inns) if keep_inns is not None else set()
    cols = _Columns(FIRM_COLUMNS)
    counts: Counter[str] = Counter()
    members: set[str] = set()
    shared: dict[str, str] = {}

    def share(text: str | None) -> str | None:
        return None if text is None else shared.setdefault(text, text)

    read = 0
    for d in iter_sme_register(p):
        read += 1
        members.add(d.member)
        inside = index is None or index.in_region(d.region_code, d.region)
        if not inside and (d.inn is None or d.inn.strip() not in wanted):
            counts["other_region"] += 1
            continue
        ctx = f"{d.member} ИдДок={d.doc_id}"
        inn, status = clean_inn(d.inn)
        if inn is None:
            why = "document without an INN" if status == "missing" else "INN is not 10 or 12 digits"
            log.add(d.number, "ИННЮЛ" if d.kind != "2" else "ИННФЛ", d.inn, why, "rejected", ctx)
            continue
        if status == "bad_checksum":
            column = "ИННФЛ" if d.kind == "2" else "ИННЮЛ"
            log.add(d.number, column, d.inn, "INN control digits do not match", "flagged", ctx)
        okved = d.okved
        section = okved_section(okved)
        if section is None:
            log.add(d.number, "КодОКВЭД", okved, "no valid main OKVED code", "flagged", ctx)
        place = settlement_oktmo = municipality_oktmo = None
        loc_status = "not_resolved"
        if index is not None and inside:
            res = index.resolve(
                d.district,
                d.city,
                d.settlement,
                city_type=d.city_type,
                settlement_type=d.settlement_type,
            )
            if res.status == "unresolved":
                where = " / ".join(x for x in (d.district, d.city, d.settlement) if x)
                log.add(
                    d.number,
                    "СведМН",
                    where or None,
                    f"location not resolved: {res.reason}",
                    "rejected",
                    ctx,
                )
                continue
            if res.status == "partial":
                where = " / ".join(x for x in (d.district, d.city, d.settlement) if x)
                log.add(d.number, "СведМН", where, str(res.reason), "flagged", ctx)
            place, settlement_oktmo, municipality_oktmo = (
                res.place,
                res.settlement_oktmo,
                res.municipality_oktmo,
            )
            loc_status = res.status
            counts["located_settlement" if settlement_oktmo else "located_municipality"] += 1
        elif not inside:
            place = external_place(d.region_code, d.region)
            loc_status = "outside_region"
            counts["kept_outside_region"] += 1
        # repeated texts (places, codes, dates) are shared, so kept rows stay small
        cols.add(
            inn=inn,
            ogrn=d.ogrn,
            name=d.name if d.kind != "2" else _ENTREPRENEUR_NAME,
            kind=_SME_KIND.get(str(d.kind), d.kind),
            category=_SME_CATEGORY.get(str(d.category), d.category),
            okved=share(okved),
            okved_extra=";".join(d.okved_extra) or None,
            okved_section=section,
            region_code=share(d.region_code),
            region=share(d.region),
            district=share(d.district),
            city=share(d.city),
            settlement=share(d.settlement),
            place=share(place),
            settlement_oktmo=share(settlement_oktmo),
            municipality_oktmo=share(municipality_oktmo),
            in_region=inside and index is not None,
            location_status=loc_status,
            date=share(_date_iso(d.date)),
            doc_id=d.doc_id,
            source="fns_sme",
            source_row=d.number,
            modelled=False,
        )
    table = _drop_duplicate_inns(_firm_frame(cols.frame()), log, "register")
    extra = {"documents": read, "files": len(members), **counts}
    return ImportResult(
        "fns_sme_register", table.reset_index(drop=True), log.to_frame(), read, extra
    )


def _read_fns_values(
    path: str | Path,
    kind: str,
    element: str,
    attributes: dict[str, str],
    inns: Iterable[str] | None,
    name: str,
) -> ImportResult:
    p = Path(path)
    log = RejectLog(p)
    wanted = set(inns) if inns is not None else None
    cols = _Columns(["inn", "name", *attributes.values(), "date", "source_row"])
    read = skipped = 0
    for member, number, doc in iter_fns_documents(p, kind):
        read += 1
        who = doc.find("СведНП")
        raw_inn = None if who is None else who.get("ИННЮЛ")
        inn, status = clean_inn(raw_inn)
        ctx = f"{member} ИдДок={doc.get('ИдДок')}"
        if inn is None:
            log.add(number, "ИННЮЛ", raw_inn, "document without a valid INN", "rejected", ctx)
            continue
        if wanted is not None and inn not in wanted:
            skipped += 1
            continue
        values = doc.find(element)
        row: dict[str, Any] = {}
        bad = False
        for attr, col in attributes.items():
            raw = None if values is None else values.get(attr)
            try:
                row[col] = float(str(raw).replace(",", "."))
            except ValueError:
                log.add(number, attr, raw, "not a number", "rejected", ctx)
                bad = True
                break
        if bad:
            continue
        if status == "bad_checksum":
            log.add(number, "ИННЮЛ", raw_inn, "INN control digits do not match", "flagged", ctx)
        cols.add(
            inn=inn,
            name=None if who is None else who.get("НаимОрг"),
            date=_date_iso(doc.get("ДатаСост")),
            source_row=number,
            **row,
        )
    table = cols.frame().astype({"inn": _TEXT, "name": _TEXT, "date": _TEXT})
    table["source_row"] = table["source_row"].astype("Int64")
    for col in attributes.values():
        table[col] = table[col].astype("float64")
    table = table.sort_values("date", ascending=False, kind="stable")
    table = table.drop_duplicates("inn").sort_index().reset_index(drop=True)
    extra = {"documents": read, "not_asked": skipped}
    return ImportResult(name, table, log.to_frame(), read, extra)


def read_fns_headcount(path: str | Path, inns: Iterable[str] | None = None) -> ImportResult:
    """Read the FNS average headcount dataset (``ОТКРДАННЫЕ3``), streamed.

    Parameters
    ----------
    path
        The archive as published or one XML file.
    inns
        Keep only these INNs (for a national file, the firms of the region).

    Returns
    -------
    ImportResult
        ``inn, name, employees, date, source_row`` (``КолРаб`` of ``СведССЧР``; the
        latest record of an INN is kept).

    Raises
    ------
    FormatError
        If the file is not this dataset or is damaged.
    """
    return _read_fns_values(
        path, "ОТКРДАННЫЕ3", "СведССЧР", {"КолРаб": "employees"}, inns, "fns_headcount"
    )


def read_fns_revexp(path: str | Path, inns: Iterable[str] | None = None) -> ImportResult:
    """Read the FNS revenue and expenditure dataset (``ОТКРДАННЫЕ5``), streamed.

    Parameters
    ----------
    path
        The archive as published or one XML file.
    inns
        Keep only these INNs.

    Returns
    -------
    ImportResult
        ``inn, name, revenue, expenditure, date, source_row``, in thousand roubles
        (the file gives roubles).

    Raises
    ------
    FormatError
        If the file is not this dataset or is damaged.
    """
    res = _read_fns_values(
        path,
        "ОТКРДАННЫЕ5",
        "СведДохРасх",
        {"СумДоход": "revenue", "СумРасход": "expenditure"},
        inns,
        "fns_revexp",
    )
    table = res.table.copy()
    table["revenue"] = table["revenue"] / 1000.0
    table["expenditure"] = table["expenditure"] / 1000.0
    return ImportResult(res.name, table, res.rejects, res.rows_read, res.extra)


# -- EGRUL-style CSV -------------------------------------------------------------------


def _decode_any(path: Path, raw: bytes, encoding: str) -> tuple[str, str]:
    if encoding == "auto":
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            try:
                return raw.decode("cp1251"), "cp1251"
            except UnicodeDecodeError:
                decode_text(path, raw)  # raises EncodingError with the position
                raise
    if encoding.replace("_", "-").lower() in {"utf-8", "utf8"}:
        return decode_text(path, raw), "utf-8"
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        msg = f"cannot be decoded as {encoding} ({exc}); give the right `encoding`"
        raise EncodingError(path, msg) from exc


def _sniff_sep(text: str) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _read_mapped_csv(
    path: str | Path,
    table: str,
    mapping: FirmMapping,
    required: list[list[str]],
    encoding: str,
) -> tuple[pd.DataFrame, Path, str]:
    """Read a CSV whose headers map to ``mapping.tables[table]``.

    ``required`` lists groups of fields; each group needs at least one field present.
    Returns the table with model field names and ``_row``, the path and the encoding.
    """
    p = check_exists(path)
    text, used = _decode_any(p, p.read_bytes(), encoding)
    if not text.strip():
        msg = "the file holds only whitespace; export it again"
        raise EmptyFileError(p, msg)
    sep = _sniff_sep(text)
    try:
        raw = pd.read_csv(
            io.StringIO(text), sep=sep, dtype="string", keep_default_na=False, skip_blank_lines=True
        )
    except (pd.errors.ParserError, csv.Error) as exc:
        msg = f"cannot be parsed as CSV ({exc}); check the separator and the quoting"
        raise FormatError(p, msg) from exc
    except pd.errors.EmptyDataError as exc:
        msg = "the file has no header line; export it again with column names"
        raise EmptyFileError(p, msg) from exc
    spec = mapping.tables[table]
    found = _match_headers([str(c) for c in raw.columns], spec)
    for group in required:
        if not any(f in found for f in group):
            names = "; ".join(
                f"{f}: " + ", ".join(repr(h) for h in spec[f].headers[:4]) for f in group
            )
            shown = ", ".join(str(c) for c in raw.columns[:12])
            msg = (
                f"no column for {' or '.join(group)} (expected one of {names}); the file "
                f"has: {shown}. Rename the column or add its header to `[{table}.{group[0]}]` "
                "of the mapping file (`--mapping`)."
            )
            raise MissingColumnError(p, msg, column=group[0])
    if raw.empty:
        msg = "the file has a header but no data rows"
        raise EmptyFileError(p, msg)
    out = pd.DataFrame({f: raw.iloc[:, i] for f, i in found.items()}, index=raw.index)
    for f in spec:
        if f not in out:
            out[f] = pd.Series(pd.NA, index=raw.index, dtype=_TEXT)
    out = out.replace("", pd.NA)
    out.insert(0, "_row", range(2, len(out) + 2))
    out.attrs["headers"] = {f: str(raw.columns[i]) for f, i in found.items()}
    return out, p, used


def _inn_column(
    frame: pd.DataFrame, field: str, header: str, log: RejectLog, *, required: bool
) -> tuple[pd.Series, np.ndarray]:
    """Clean an INN column; return the INNs and a mask of rows to reject."""
    inns: list[str | None] = []
    bad = np.zeros(len(frame), dtype=bool)
    for k, (row, value) in enumerate(zip(frame["_row"], frame[field], strict=True)):
        inn, status = clean_inn(value)
        if status == "repaired":
            log.add(int(row), header, value, "INN lost its leading zero", "repaired")
        elif status == "bad_checksum":
            log.add(int(row), header, value, "INN control digits do not match", "flagged")
        elif status == "invalid":
            log.add(int(row), header, value, "INN is not 10 or 12 digits", "rejected")
            bad[k] = True
        elif status == "missing" and required:
            log.add(int(row), header, value, "INN missing", "rejected")
            bad[k] = True
        inns.append(inn)
    return pd.Series(inns, index=frame.index, dtype=_TEXT), bad


def _numbers(
    frame: pd.DataFrame, field: str, header: str, log: RejectLog, factor: float = 1.0
) -> pd.Series:
    """Parse numbers written with spaces and decimal commas; flag what is not a number."""
    raw = frame[field].astype(_TEXT)
    cleaned = raw.str.replace(r"[\s\u00a0%]", "", regex=True).str.replace(",", ".", regex=False)
    number: pd.Series = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (number.isna() & raw.notna()).to_numpy(bool)
    log.add_many(
        frame.loc[bad, "_row"], header, raw[bad], "not a number; kept as missing", "flagged"
    )
    return number.mul(factor)


def _header(frame: pd.DataFrame, field: str) -> str:
    headers: dict[str, str] = frame.attrs.get("headers", {})
    return headers.get(field, field)


def _money_factor(frame: pd.DataFrame, field: str, spec: FieldSpec) -> float:
    unit = _unit_factor(_header(frame, field))
    if unit is None and spec.unit is not None:
        unit = _unit_factor(spec.unit)
    return 1.0 if unit is None else unit


def read_ownership_csv(
    path: str | Path, *, mapping: FirmMapping | None = None, encoding: str = "auto"
) -> ImportResult:
    """Read an EGRUL-style ownership table: one row per owner of a firm.

    Columns are found through ``[ownership]`` of the mapping: the firm's INN
    (``child_inn``: ``ИНН``, ``ИНН ЮЛ``…), the owner's INN (``parent_inn``: ``ИНН
    учредителя``…) or name (``parent_name``: ``Учредитель``…), the share (``Доля, %``…)
    and the date of the record. Shares are fractions; a column with any value above 1
    is read as percent.

    Parameters
    ----------
    path
        CSV file (``,`` ``;`` or tab separated).
    mapping
        Header mapping (default: the built-in one).
    encoding
        ``"auto"`` (UTF-8, else Windows-1251), ``"utf-8"`` (strict) or a codec name.

    Returns
    -------
    ImportResult
        :data:`OWNERSHIP_COLUMNS`. Rejected: a missing or malformed firm INN, no owner,
        a firm owning itself, a repeated pair (the latest is kept). Flagged: shares
        outside 0-100 % (set missing), dates that cannot be read, owners whose shares
        add up to more than 100 %. ``extra['encoding_cp1251']`` is 1 for a
        Windows-1251 file.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    m = mapping or load_firm_mapping()
    frame, p, used = _read_mapped_csv(
        path, "ownership", m, [["child_inn"], ["parent_inn", "parent_name"]], encoding
    )
    log = RejectLog(p)
    child, bad_child = _inn_column(
        frame, "child_inn", _header(frame, "child_inn"), log, required=True
    )
    parent, bad_parent = _inn_column(
        frame, "parent_inn", _header(frame, "parent_inn"), log, required=False
    )
    name = frame["parent_name"].astype(_TEXT).str.strip()
    no_owner = (parent.isna() & name.isna()).to_numpy(bool) & ~bad_parent
    log.add_many(
        frame.loc[no_owner, "_row"],
        _header(frame, "parent_inn"),
        frame.loc[no_owner, "parent_inn"],
        "no owner: neither the owner's INN nor a name",
        "rejected",
    )
    itself = (child == parent).fillna(False).to_numpy(bool)
    log.add_many(
        frame.loc[itself, "_row"],
        _header(frame, "parent_inn"),
        parent[itself],
        "the firm is given as its own owner",
        "rejected",
    )
    share = _numbers(frame, "share", _header(frame, "share"), log)
    if (share > 1).any():
        share = share / 100.0
    out_of_range = ((share < 0) | (share > 1)).fillna(False).to_numpy(bool)
    log.add_many(
        frame.loc[out_of_range, "_row"],
        _header(frame, "share"),
        frame.loc[out_of_range, "share"],
        "share outside 0-100 %; kept as missing",
        "flagged",
    )
    share = share.mask(out_of_range)
    dates = frame["date"].map(_date_iso).astype(_TEXT)
    bad_date = (dates.isna() & frame["date"].notna()).to_numpy(bool)
    log.add_many(
        frame.loc[bad_date, "_row"],
        _header(frame, "date"),
        frame.loc[bad_date, "date"],
        "date not DD.MM.YYYY or YYYY-MM-DD; kept as missing",
        "flagged",
    )
    keep = ~(bad_child | bad_parent | no_owner | itself)
    table = pd.DataFrame(
        {
            "child_inn": child,
            "parent_inn": parent,
            "parent_name": name,
            "share": share,
            "date": dates,
            "source": "ownership_csv",
            "source_row": frame["_row"].astype("Int64"),
            "modelled": False,
        }
    )[keep]
    owner_key = table["parent_inn"].fillna("name:" + table["parent_name"].fillna(""))
    order = table.assign(_owner=owner_key).sort_values(
        ["date", "source_row"], ascending=[False, True], na_position="last"
    )
    dup = order.duplicated(["child_inn", "_owner"], keep="first")
    log.add_many(
        order.loc[dup, "source_row"],
        _header(frame, "child_inn"),
        order.loc[dup, "child_inn"],
        "owner repeated for this firm; the latest record is kept",
        "rejected",
    )
    table = table.loc[~dup.reindex(table.index).to_numpy(bool)]
    total = table.groupby("child_inn")["share"].sum(min_count=1)
    over = total[total > 1.0 + 1e-6]
    for inn, value in over.items():
        rows = table.loc[table["child_inn"] == inn, "source_row"]
        log.add(
            int(rows.iloc[0]),
            _header(frame, "share"),
            f"{value:.0%}",
            f"shares of the owners of {inn} add up to more than 100 %",
            "flagged",
        )
    table = table.reset_index(drop=True)[OWNERSHIP_COLUMNS]
    extra = {"encoding_cp1251": int(used == "cp1251")}
    return ImportResult("ownership", table, log.to_frame(), len(frame), extra)


_KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")


def _oktmo_text(value: object) -> tuple[str | None, str]:
    s = strip_oktmo(pd.Series([value], dtype=_TEXT))
    kind = str(classify_oktmo(s).iloc[0])
    code = s.iloc[0]
    if kind == "ok11" or kind == "ok8":
        return str(code), "ok"
    if kind == "lost_zero11":
        return "0" + str(code), "repaired"
    if kind == "lost_zero8":
        return "0" + str(code), "repaired"
    return None, kind


def _locate(
    index: LocationIndex | None,
    oktmo: object,
    address: object,
    row: int | None,
    log: RejectLog,
    headers: tuple[str, str],
) -> Resolution | None:
    """Resolve a row's OKTMO, else its address; log and return ``None`` when unresolved."""
    code, status = _oktmo_text(oktmo)
    if status == "repaired":
        log.add(row, headers[0], oktmo, "OKTMO lost its leading zero", "repaired")
    elif status not in {"ok", "missing"}:
        log.add(row, headers[0], oktmo, "not an OKTMO code (8 or 11 digits)", "flagged")
    if index is None:
        if code is None:
            return Resolution("unresolved", None, None, None, "no workspace to resolve the address")
        upper = code[:5] + "000" if len(code) == 11 else code
        return Resolution("ok", code, code if len(code) == 11 else None, upper, None)
    reasons: list[str] = []
    if code is not None:
        res = index.resolve_oktmo(code)
        if res.status != "unresolved":
            if res.status == "partial":
                log.add(row, headers[0], code, str(res.reason), "flagged")
            return res
        reasons.append(str(res.reason))
    has_address = _val(address) is not None
    if has_address:
        res, _ = index.resolve_address(address)
        if res.status != "unresolved":
            if res.status == "partial":
                log.add(row, headers[1], address, str(res.reason), "flagged")
            return res
        reasons.append(str(res.reason))
    if not reasons:
        reasons.append("neither OKTMO nor address given")
    column = headers[1] if has_address else headers[0]
    value = address if has_address else oktmo
    log.add(row, column, value, "location not resolved: " + "; ".join(reasons), "rejected")
    return None


def read_branches_csv(
    path: str | Path,
    index: LocationIndex | None = None,
    *,
    mapping: FirmMapping | None = None,
    encoding: str = "auto",
) -> ImportResult:
    """Read an EGRUL-style branch table: one row per branch or separate subdivision.

    Columns (through ``[branches]`` of the mapping): the firm's INN, the branch's KPP,
    its OKTMO and/or address, optionally a name and employees. The OKTMO resolves
    first, the address when the OKTMO is missing or not a place of the workspace.

    Parameters
    ----------
    path
        CSV file.
    index
        Places of the workspace (without it, OKTMO codes are kept as given).
    mapping
        Header mapping (default: the built-in one).
    encoding
        ``"auto"``, ``"utf-8"`` or a codec name.

    Returns
    -------
    ImportResult
        :data:`BRANCH_COLUMNS`. Rejected: a malformed INN, a location that does not
        resolve (with the reason). Flagged: a malformed KPP, a location found only at
        municipality level.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    m = mapping or load_firm_mapping()
    frame, p, used = _read_mapped_csv(
        path, "branches", m, [["inn"], ["oktmo", "address"]], encoding
    )
    log = RejectLog(p)
    inn, bad = _inn_column(frame, "inn", _header(frame, "inn"), log, required=True)
    kpp = frame["kpp"].astype(_TEXT).str.strip().str.upper()
    bad_kpp = (kpp.notna() & ~kpp.str.fullmatch(_KPP.pattern).fillna(False)).to_numpy(bool)
    log.add_many(
        frame.loc[bad_kpp, "_row"],
        _header(frame, "kpp"),
        kpp[bad_kpp],
        "KPP is not 9 characters (4 digits, 2 digits or letters, 3 digits)",
        "flagged",
    )
    employees = _numbers(frame, "employees", _header(frame, "employees"), log)
    heads = (_header(frame, "oktmo"), _header(frame, "address"))
    cols = _Columns(BRANCH_COLUMNS)
    for k, r in enumerate(frame.to_dict("records")):
        if bad[k]:
            continue
        row = int(r["_row"])
        res = _locate(index, r["oktmo"], r["address"], row, log, heads)
        if res is None:
            continue
        cols.add(
            inn=inn.iloc[k],
            kpp=kpp.iloc[k],
            name=_val(r["name"]),
            address=_val(r["address"]),
            place=res.place,
            settlement_oktmo=res.settlement_oktmo,
            municipality_oktmo=res.municipality_oktmo,
            employees=employees.iloc[k],
            source="branches_csv",
            source_row=row,
            modelled=False,
        )
    table = _branch_frame(cols.frame())
    extra = {"encoding_cp1251": int(used == "cp1251")}
    return ImportResult("branches", table, log.to_frame(), len(frame), extra)


def _branch_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=BRANCH_COLUMNS)
    text = ["inn", "kpp", "name", "address", "place", "settlement_oktmo", "municipality_oktmo"]
    out[text] = out[text].astype(_TEXT)
    out["source"] = out["source"].astype(_TEXT)
    out["employees"] = pd.to_numeric(out["employees"], errors="coerce").astype("float64")
    out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    out["modelled"] = out["modelled"].fillna(False).astype(bool)
    return out.reset_index(drop=True)


def read_supply_csv(
    path: str | Path, *, mapping: FirmMapping | None = None, encoding: str = "auto"
) -> ImportResult:
    """Read supply ties: one row per supplier and customer (``[supply]`` of the mapping).

    Parameters
    ----------
    path
        CSV file with the supplier's and the customer's INN and, optionally, a value.
    mapping
        Header mapping (default: the built-in one).
    encoding
        ``"auto"``, ``"utf-8"`` or a codec name.

    Returns
    -------
    ImportResult
        :data:`SUPPLY_COLUMNS` (value in thousand roubles).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    m = mapping or load_firm_mapping()
    frame, p, used = _read_mapped_csv(
        path, "supply", m, [["supplier_inn"], ["customer_inn"]], encoding
    )
    log = RejectLog(p)
    sup, bad_s = _inn_column(
        frame, "supplier_inn", _header(frame, "supplier_inn"), log, required=True
    )
    cus, bad_c = _inn_column(
        frame, "customer_inn", _header(frame, "customer_inn"), log, required=True
    )
    factor = _money_factor(frame, "value", m.tables["supply"]["value"])
    value = _numbers(frame, "value", _header(frame, "value"), log, factor)
    keep = ~(bad_s | bad_c)
    table = pd.DataFrame(
        {
            "supplier_inn": sup,
            "customer_inn": cus,
            "value": value,
            "source": "supply_csv",
            "source_row": frame["_row"].astype("Int64"),
            "modelled": False,
        }
    )[keep].reset_index(drop=True)
    table["source"] = table["source"].astype(_TEXT)
    extra = {"encoding_cp1251": int(used == "cp1251")}
    return ImportResult("supply", table, log.to_frame(), len(frame), extra)


# -- SPARK / Kontur.Focus exports -------------------------------------------------------


def _sheet_rows(path: Path, sheet: str | None) -> tuple[list[list[Any]], str]:
    """Return the rows of a workbook sheet (values) and the sheet name."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        msg = f"cannot be opened as an Excel .xlsx workbook ({exc}); save it again as .xlsx"
        raise FormatError(path, msg) from exc
    try:
        names = list(wb.sheetnames)
        if sheet is not None and sheet not in names:
            msg = (
                f"sheet {sheet!r} not found; the workbook has {names}. "
                "Check that this is the right workbook, or rename the sheet."
            )
            raise MissingSheetError(path, msg)
        ws = wb[sheet] if sheet is not None else wb[names[0]]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        return rows, ws.title
    finally:
        wb.close()


def _csv_rows(path: Path, encoding: str) -> list[list[Any]]:
    text, _ = _decode_any(path, path.read_bytes(), encoding)
    return [list(r) for r in csv.reader(io.StringIO(text), delimiter=_sniff_sep(text))]


def _detect_source(words: str, mapping: FirmMapping) -> str:
    t = _norm_header(words)
    for name, markers in mapping.sources.items():
        if any(_norm_header(mk) in t for mk in markers):
            return name
    return "export"


def read_firm_export(
    path: str | Path,
    index: LocationIndex | None = None,
    *,
    mapping: FirmMapping | None = None,
    sheet: str | None = None,
    source: str | None = None,
    encoding: str = "auto",
) -> ImportResult:
    """Read a SPARK-Interfax or Kontur.Focus export (Excel ``.xlsx`` or CSV).

    The header row is found among the first 30 rows (the first row naming the INN
    and at least one other field of ``[export]`` of the mapping); title rows above it
    may say which product made the export. Data rows run to the first empty row.
    Money goes to thousand roubles by the unit in the header (``руб``, ``тыс``,
    ``млн``); when several columns of a field carry years (``Выручка, 2022``,
    ``Выручка, 2023``) the latest is read.

    Parameters
    ----------
    path
        The export.
    index
        Places of the workspace: the OKTMO column resolves first, else the address;
        a firm whose address or region is outside the workspace's region is kept as
        an outside place (``ext:<region>``).
    mapping
        Header mapping (default: the built-in one).
    sheet
        Worksheet to read (default: the first).
    source
        ``"spark"``, ``"kontur"`` or another label (default: detected from the title
        rows and the sheet name through ``[sources]`` of the mapping).
    encoding
        For CSV exports: ``"auto"``, ``"utf-8"`` or a codec name.

    Returns
    -------
    ImportResult
        :data:`FIRM_COLUMNS` with ``parent_inn``, ``founders`` and ``branches`` as
        exported (see :func:`export_ownership`, :func:`export_branches`).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, FormatError, MissingSheetError, MissingColumnError
        When the file cannot be used.
    """
    p = check_exists(path)
    m = mapping or load_firm_mapping()
    suffix = p.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        rows, title = _sheet_rows(p, sheet)
    elif suffix in {".csv", ".txt"}:
        rows, title = _csv_rows(p, encoding), ""
    else:
        msg = f"unsupported export format {p.suffix!r}: save the export as .xlsx or .csv"
        raise FormatError(p, msg)
    spec = m.tables["export"]
    header_at = None
    found: dict[str, int] = {}
    for i, cells_raw in enumerate(rows[:30]):
        cells = ["" if c is None else str(c) for c in cells_raw]
        hit = _match_headers(cells, spec)
        if "inn" in hit and len(hit) >= 2:
            header_at, found = i, hit
            break
    if header_at is None:
        msg = (
            "no header row with an INN column among the first 30 rows (expected one of "
            + ", ".join(repr(h) for h in spec["inn"].headers[:4])
            + "); add the export's header to `[export.inn]` of the mapping (`--mapping`)"
        )
        raise MissingColumnError(p, msg, column="inn")
    headers = ["" if c is None else str(c) for c in rows[header_at]]
    label = source or _detect_source(
        " ".join(str(c) for r in rows[:header_at] for c in r if c is not None) + " " + title, m
    )
    body: list[list[Any]] = []
    for r in rows[header_at + 1 :]:
        if all(c is None or str(c).strip() == "" for c in r):
            break
        body.append(r)
    if not body:
        msg = "the export has a header but no data rows"
        raise EmptyFileError(p, msg)
    frame = pd.DataFrame(
        {
            f: pd.Series(
                [None if j >= len(r) or r[j] is None else str(r[j]).strip() for r in body],
                dtype=_TEXT,
            )
            for f, j in found.items()
        }
    )
    for f in spec:
        if f not in frame:
            frame[f] = pd.Series(pd.NA, index=frame.index, dtype=_TEXT)
    frame = frame.replace("", pd.NA)
    frame.insert(0, "_row", range(header_at + 2, header_at + 2 + len(frame)))
    frame.attrs["headers"] = {f: headers[j] for f, j in found.items()}
    log = RejectLog(p)
    inn, bad = _inn_column(frame, "inn", _header(frame, "inn"), log, required=True)
    employees = _numbers(frame, "employees", _header(frame, "employees"), log)
    revenue = _numbers(
        frame,
        "revenue",
        _header(frame, "revenue"),
        log,
        _money_factor(frame, "revenue", spec["revenue"]),
    )
    heads = (_header(frame, "oktmo"), _header(frame, "address"))
    cols = _Columns(FIRM_COLUMNS)
    counts: Counter[str] = Counter()
    for k, rec in enumerate(frame.to_dict("records")):
        if bad[k]:
            continue
        row = int(rec["_row"])
        okved = _okved_code(rec["okved"])
        if okved is None:
            log.add(row, _header(frame, "okved"), rec["okved"], "no valid OKVED code", "flagged")
        parent = _inn_in_text(rec["parent_inn"]) or _inn_in_text(rec["parent"])
        place = s_oktmo = m_oktmo = None
        status = "not_resolved"
        inside = True
        if index is not None:
            regions = [_val(rec["region"]), _address_region(rec["address"])]
            outside = [x for x in regions if x and not index.in_region(None, x)]
            if outside and _val(rec["oktmo"]) is None:
                inside = False
                place = external_place(None, outside[0])
                status = "outside_region"
                counts["outside_region"] += 1
            else:
                res = _locate(index, rec["oktmo"], rec["address"], row, log, heads)
                if res is None:
                    continue
                place, s_oktmo, m_oktmo = res.place, res.settlement_oktmo, res.municipality_oktmo
                status = res.status
        extra_codes = [_okved_code(x) for x in re.split(r"[;,\n]", str(_val(rec["okved_extra"])))]
        cols.add(
            inn=inn.iloc[k],
            ogrn=_val(rec["ogrn"]),
            name=_val(rec["name"]),
            kind="legal_entity" if len(str(inn.iloc[k])) == 10 else "entrepreneur",
            okved=okved,
            okved_extra=";".join(c for c in extra_codes if c) or None,
            okved_section=okved_section(okved),
            region=_val(rec["region"]),
            address=_val(rec["address"]),
            place=place,
            settlement_oktmo=s_oktmo,
            municipality_oktmo=m_oktmo,
            in_region=inside and index is not None,
            location_status=status,
            employees=employees.iloc[k],
            revenue=revenue.iloc[k],
            parent_inn=parent,
            founders=_val(rec["founders"]),
            branches=_val(rec["branches"]),
            source=label,
            source_row=row,
            modelled=False,
        )
    table = _firm_frame(cols.frame())
    table = _drop_duplicate_inns(table, log, "export")
    return ImportResult(
        f"firm_export[{label}]",
        table.reset_index(drop=True),
        log.to_frame(),
        len(frame),
        dict(counts),
    )


_BRANCH_LABEL = re.compile(
    r"^\s*(филиал|представительство|обособленное\s+подразделение|оп)\b\s*(в|во)?\s*",
    flags=re.IGNORECASE,
)


def _branch_address(item: str) -> str:
    """Drop a label such as «Филиал «Бирский»:» or «Филиал в» before a branch address."""
    text = item.split(":", 1)[1] if ":" in item else item
    return _BRANCH_LABEL.sub("", text).strip(" ,")


_INN_IN_TEXT = re.compile(r"(?<!\d)(\d{12}|\d{10})(?!\d)")
_SHARE_IN_TEXT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def _inn_in_text(text: object) -> str | None:
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return None
    for m in _INN_IN_TEXT.finditer(str(text)):
        inn, status = clean_inn(m.group(1))
        if inn is not None and status in {"ok", "repaired"}:
            return inn
    return None


def _address_region(address: object) -> str | None:
    return parse_address(address).region


def export_ownership(table: pd.DataFrame, path: str | Path | None = None) -> ImportResult:
    """Turn the head-company and founder columns of an export into ownership rows.

    The head company (``parent_inn``) gives a row with a missing share (control is
    stated by the export); each founder in ``founders`` (items separated by ``;`` or
    line breaks, such as ``ООО «Ромашка» (ИНН 0274000000) — 51 %``) gives a row with
    the INN and the percentage found in its text.

    Parameters
    ----------
    table
        Firm table from :func:`read_firm_export`.
    path
        The export, named in the reject report.

    Returns
    -------
    ImportResult
        :data:`OWNERSHIP_COLUMNS`; founders without an INN are kept by name, items
        with neither are flagged.
    """
    log = RejectLog(path if path is not None else "export founders")
    cols = _Columns(OWNERSHIP_COLUMNS)
    read = 0
    for r in table.to_dict("records"):
        row = None if pd.isna(r["source_row"]) else int(r["source_row"])
        child = str(r["inn"])
        head = _val(r["parent_inn"])
        if head is not None and head != child:
            read += 1
            cols.add(
                child_inn=child,
                parent_inn=head,
                share=np.nan,
                source=f"{r['source']}:head_company",
                source_row=row,
                modelled=False,
            )
        founders = _val(r["founders"])
        if founders is None:
            continue
        for item in re.split(r"[;\n]", founders):
            if not item.strip():
                continue
            read += 1
            inn = _inn_in_text(item)
            share_m = _SHARE_IN_TEXT.search(item)
            share = float(share_m.group(1).replace(",", ".")) / 100 if share_m else np.nan
            name = re.split(r"\(|ИНН|—|-\s|\d+(?:[.,]\d+)?\s*%", item)[0].strip(" ,") or None
            if inn is None and name is None:
                log.add(row, "founders", item, "founder without a name or INN", "flagged")
                continue
            if inn == child or (inn is not None and inn == head):
                continue
            if share_m and not 0 <= share <= 1:
                log.add(row, "founders", item, "share outside 0-100 %; kept as missing", "flagged")
                share = np.nan
            cols.add(
                child_inn=child,
                parent_inn=inn,
                parent_name=name,
                share=share,
                source=f"{r['source']}:founders",
                source_row=row,
                modelled=False,
            )
    out = cols.frame().reindex(columns=OWNERSHIP_COLUMNS)
    out = out.astype(
        {
            "child_inn": _TEXT,
            "parent_inn": _TEXT,
            "parent_name": _TEXT,
            "share": "float64",
            "date": _TEXT,
            "source": _TEXT,
        }
    )
    out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    out["modelled"] = out["modelled"].fillna(False).astype(bool)
    out = out.drop_duplicates(["child_inn", "parent_inn", "parent_name"]).reset_index(drop=True)
    return ImportResult("export_ownership", out, log.to_frame(), read)


def export_branches(
    table: pd.DataFrame, index: LocationIndex | None, path: str | Path | None = None
) -> ImportResult:
    """Turn the branch column of an export into branch rows, resolving each address.

    Parameters
    ----------
    table
        Firm table from :func:`read_firm_export`.
    index
        Places of the workspace.
    path
        The export, named in the reject report.

    Returns
    -------
    ImportResult
        :data:`BRANCH_COLUMNS`; a branch whose address does not resolve is rejected
        with the reason.
    """
    log = RejectLog(path if path is not None else "export branches")
    cols = _Columns(BRANCH_COLUMNS)
    read = 0
    for r in table.to_dict("records"):
        branches = _val(r["branches"])
        if branches is None:
            continue
        row = None if pd.isna(r["source_row"]) else int(r["source_row"])
        for item in re.split(r"[;\n]", branches):
            text = _branch_address(item)
            if not text:
                continue
            read += 1
            res = _locate(index, None, text, row, log, ("branches", "branches"))
            if res is None:
                continue
            cols.add(
                inn=r["inn"],
                address=text,
                place=res.place,
                settlement_oktmo=res.settlement_oktmo,
                municipality_oktmo=res.municipality_oktmo,
                source=f"{r['source']}:branches",
                source_row=row,
                modelled=False,
            )
    return ImportResult("export_branches", _branch_frame(cols.frame()), log.to_frame(), read)
