"""SPARK-Interfax and Kontur.Focus exports (Excel or CSV) and their ownership and branches.

Russian headers are mapped to the model by ``opora/data/firm_mapping.toml``
(:func:`~opora.io.firms.mapping.load_firm_mapping`); :func:`export_ownership` and
:func:`export_branches` turn the head-company, founder and branch columns of an export
into ownership and branch tables.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from opora.errors import EmptyFileError, FormatError, MissingColumnError, MissingSheetError
from opora.io._checks import check_exists
from opora.io.firms._tables import (
    _TEXT,
    _branch_frame,
    _Columns,
    _decode_any,
    _drop_duplicate_inns,
    _firm_frame,
    _header,
    _inn_column,
    _locate,
    _mapped_frame,
    _money_factor,
    _numbers,
    _sniff_sep,
    _val,
)
from opora.io.firms.codes import _okved_code, clean_inn, okved_section
from opora.io.firms.mapping import FirmMapping, _match_headers, _norm_header, load_firm_mapping
from opora.model.firms import BRANCH_COLUMNS, FIRM_COLUMNS, OWNERSHIP_COLUMNS
from opora.model.places import LocationIndex, external_place, parse_address
from opora.model.result import ImportResult, RejectLog

__all__ = ["export_branches", "export_ownership", "read_firm_export"]


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
    columns = {
        f: pd.Series(
            [None if j >= len(r) or r[j] is None else str(r[j]).strip() for r in body],
            dtype=_TEXT,
        )
        for f, j in found.items()
    }
    frame = _mapped_frame(
        pd.DataFrame(columns),
        spec,
        {f: headers[j] for f, j in found.items()},
        first_row=header_at + 2,
    )
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
