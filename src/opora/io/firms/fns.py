"""FNS open data, streamed: the SME register, average headcount, revenue and expenditure.

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
"""

from __future__ import annotations

import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple
from xml.etree import ElementTree as ET

from opora.errors import EmptyFileError, FormatError
from opora.io._checks import check_exists
from opora.io.firms._tables import (
    _TEXT,
    _Columns,
    _date_iso,
    _drop_duplicate_inns,
    _firm_frame,
)
from opora.io.firms.codes import clean_inn, okved_section
from opora.model.firms import FIRM_COLUMNS
from opora.model.places import LocationIndex, external_place
from opora.model.result import ImportResult, RejectLog

__all__ = [
    "SmeDocument",
    "iter_fns_documents",
    "iter_sme_register",
    "read_fns_headcount",
    "read_fns_revexp",
    "read_sme_register",
]

_FNS_KINDS = {
    "РЕЕСТРМСП": "the SME register (ЕРСМСП)",
    "ОТКРДАННЫЕ3": "the average headcount dataset (ССЧР)",
    "ОТКРДАННЫЕ5": "the revenue and expenditure dataset",
}
_SME_KIND = {"1": "legal_entity", "2": "entrepreneur", "3": "peasant_farm"}
_SME_CATEGORY = {"1": "micro", "2": "small", "3": "medium"}
_ENTREPRENEUR_NAME = "индивидуальный предприниматель"


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
    others: Counter[str] = Counter()  # documents by region, outside the workspace's
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
            others[f"{(d.region or '?').strip()} ({d.region_code or '?'})"] += 1
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
    shown = ", ".join(f"{name}: {n:,}" for name, n in others.most_common(5))
    if len(others) > 5:
        shown += f" and {len(others) - 5} more regions"
    notes = {"other_regions": shown} if others else {}
    return ImportResult(
        "fns_sme_register", table.reset_index(drop=True), log.to_frame(), read, extra, notes
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
