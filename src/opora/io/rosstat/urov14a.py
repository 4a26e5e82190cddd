"""Reader of the raw Rosstat Urov-14a workbook (incomes vs social payments)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from opora.errors import FormatError
from opora.io._checks import check_exists, require_sheets
from opora.io.rosstat._common import _cell_number
from opora.model.result import REJECT_COLUMNS, ImportResult, RejectLog
from opora.model.schemas import INDICATOR_COLUMNS, INDICATOR_DTYPES

__all__ = ["UROV14A_CODES", "read_urov14a_workbook"]

#: Indicator codes written by :func:`read_urov14a_workbook`: code -> (name, unit).
UROV14A_CODES: dict[str, tuple[str, str]] = {
    "urov14a_taxable_income": (
        "Налогооблагаемые денежные доходы физических лиц и индивидуальных предпринимателей",
        "тыс. руб.",
    ),
    "urov14a_social_payments": ("Социальные и другие выплаты населению", "тыс. руб."),
    "urov14a_total": (
        "Объем социальных выплат населению и налогооблагаемых денежных доходов населения",
        "тыс. руб.",
    ),
    "urov14a_social_share": (
        "Доля социальных выплат в сумме социальных выплат и налогооблагаемых доходов",
        "доля",
    ),
}

_UROV_SOURCE = "Rosstat Urov-14a"
#: Names of the Urov-14a subtotal rows ("Муниципальные районы", "Городские округа", ...).
_SUBTOTAL_NAME = re.compile(
    r"^(муниципальн\w*\s+(район|округ)\w*|городск\w*\s+округ\w*|"
    r"административн\w*\s+район\w*|прочие)",
    re.IGNORECASE,
)


def _empty_rejects() -> pd.DataFrame:
    return RejectLog("").to_frame()


def _norm_header(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().lower() if value is not None else ""


def _urov_columns(header: list[str], path: Path, sheet: str) -> dict[str, int]:
    """Map the value columns of one Urov-14a sheet by their header text."""
    found: dict[str, int] = {}
    for j, text in enumerate(header):
        if not text:
            continue
        if "на 1 жителя" in text or "в среднем" in text:
            kind = "per_capita"
        elif "объем" in text or "объём" in text:
            kind = "total"
        elif "налогооблагаем" in text:
            kind = "taxable"
        elif text.startswith("социальн") or "в том числе социальн" in text:
            kind = "social"
        else:
            continue
        found.setdefault(kind, j)
    for kind, label in (("taxable", "Налогооблагаемые ..."), ("social", "Социальные выплаты")):
        if kind not in found:
            msg = (
                f"sheet {sheet!r}: no column headed {label!r} next to 'Код ОКТМО'; "
                "check that this is the Urov-14a table"
            )
            raise FormatError(path, msg, column=label)
    return found


def _urov_row_code(value: object) -> str:
    if value is None:
        return ""
    text = re.sub(r"\s", "", str(value))
    return text[:-2] if text.endswith(".0") else text


def _read_urov_sheet(
    ws: Any, path: Path, sheet: str, year: int, counts: dict[str, int]
) -> tuple[list[dict[str, Any]], pd.DataFrame, int]:
    """Read one year sheet: indicator records, reject frame, data rows read."""
    log = RejectLog(f"{path.name}[{sheet}]")
    rows = ws.iter_rows(values_only=True)
    header: list[str] = []
    header_row = 0
    code_col = -1
    for excel_row, row in enumerate(rows, start=1):
        texts = [_norm_header(v) for v in row]
        if "код октмо" in texts:
            header, header_row, code_col = texts, excel_row, texts.index("код октмо")
            break
        if excel_row >= 30:
            break
    if code_col < 0:
        msg = f"sheet {sheet!r}: no 'Код ОКТМО' header in the first 30 rows; not a Urov-14a sheet"
        raise FormatError(path, msg, column="Код ОКТМО")
    name_col = code_col - 1
    number_col = header.index("№") if "№" in header else -1
    records: list[dict[str, Any]] = []
    pending: list[tuple[int, tuple[Any, ...]]] = []
    cols: dict[str, int] | None = None
    for excel_row, row in enumerate(rows, start=header_row + 1):
        if cols is None:
            # The row under the header either completes it ("в том числе" parts) or is data.
            if excel_row == header_row + 1 and _urov_row_code(_at(row, code_col)) == "":
                header = [
                    " ".join(
                        p for p in (header[j] if j < len(header) else "", _norm_header(v)) if p
                    )
                    for j, v in enumerate(row)
                ]
                cols = _urov_columns(header, path, sheet)
                continue
            cols = _urov_columns(header, path, sheet)
        pending.append((excel_row, row))
    if cols is None:
        cols = _urov_columns(header, path, sheet)
    rows_read = 0
    municipal: dict[str, list[tuple[int, tuple[object, ...]]]] = {}
    for excel_row, row in pending:
        name_raw = _at(row, name_col)
        name = re.sub(r"\s+", " ", str(name_raw)).strip() if name_raw is not None else ""
        code = _urov_row_code(_at(row, code_col))
        number = _at(row, number_col)
        numbered = number is not None and str(number).strip() != ""
        values: dict[str, float | None] = {}
        unreadable: list[tuple[str, object]] = []
        for kind in ("taxable", "social", "total"):
            if kind not in cols:
                values[kind] = None
                continue
            cell = _at(row, cols[kind])
            values[kind], bad = _cell_number(cell)
            if bad:
                unreadable.append((kind, cell))
        has_values = any(v not in (None, 0.0) for v in values.values())
        if not name and not code:
            if has_values:
                rows_read += 1
                log.add(excel_row, "Код ОКТМО", None, "values without a name or code", "rejected")
            else:
                counts["blank_rows_skipped"] += 1
            continue
        rows_read += 1
        group_code = code.isdigit() and bool(re.fullmatch(r"\d{3}00000", code.zfill(8)))
        if _SUBTOTAL_NAME.match(name) and (not numbered or code == "" or group_code):
            # "городской округ Анадырь" (numbered, own code) is a municipality
            counts["subtotal_rows_skipped"] += 1
            continue
        if (code.isdigit() and len(code) <= 2) or re.fullmatch(r"\d{1,2}000000", code):
            counts["region_rows_skipped"] += 1
            continue
        if code == "":
            if has_values or numbered:
                log.add(excel_row, "Код ОКТМО", None, f"{name}: no OKTMO code", "rejected")
            else:
                counts["heading_rows_skipped"] += 1
            continue
        if not code.isdigit() or len(code) not in (7, 8):
            log.add(
                excel_row,
                "Код ОКТМО",
                _at(row, code_col),
                f"{name}: code cannot be turned into an 8-digit OKTMO",
                "rejected",
            )
            continue
        oktmo = code.zfill(8)
        if re.fullmatch(r"\d{3}00000", oktmo):
            if numbered:
                log.add(
                    excel_row,
                    "Код ОКТМО",
                    _at(row, code_col),
                    f"{name}: {oktmo} is a group code (NNT00000), not a municipality's",
                    "rejected",
                )
            else:
                counts["subtotal_rows_skipped"] += 1
            continue
        if len(code) == 7:
            counts["codes_padded"] += 1
        for kind, cell in unreadable:
            log.add(excel_row, kind, cell, f"{name}: not a number; kept as missing", "flagged")
        taxable, social, total = values["taxable"], values["social"], values["total"]
        if total is None and taxable is not None and social is not None and "total" not in cols:
            total = taxable + social
        for kind in ("taxable", "social"):
            if values[kind] is None and not any(k == kind for k, _ in unreadable):
                log.add(excel_row, kind, None, f"{name}: value missing", "flagged")
        if taxable == 0.0 and social == 0.0:
            log.add(
                excel_row,
                "taxable",
                0,
                f"{name}: taxable income and social payments both 0 (no data?); share missing",
                "flagged",
            )
        share = (
            social / (social + taxable)
            if taxable is not None and social is not None and (social + taxable) > 0
            else None
        )
        signature = (name, taxable, social, total)
        municipal.setdefault(oktmo, []).append((excel_row, signature))
        for icode, value in (
            ("urov14a_taxable_income", taxable),
            ("urov14a_social_payments", social),
            ("urov14a_total", total),
            ("urov14a_social_share", share),
        ):
            records.append(
                {
                    "oktmo": oktmo,
                    "code": icode,
                    "year": year,
                    "value": np.nan if value is None else value,
                    "_row": excel_row,
                }
            )
    dup_rows: set[int] = set()
    for oktmo, seen in municipal.items():
        if len(seen) < 2:
            continue
        first_row, first_sig = seen[0]
        if all(sig == first_sig for _, sig in seen[1:]):
            for r, _ in seen[1:]:
                reason = f"exact repeat of Excel row {first_row} (same name, code and values)"
                log.add(r, "Код ОКТМО", oktmo, reason, "rejected")
                dup_rows.add(r)
                counts["repeated_rows_rejected"] += 1
            continue
        for r, _ in seen:
            others = ", ".join(str(o) for o, _ in seen if o != r)
            reason = (
                f"same OKTMO as Excel row(s) {others} with other values; cannot tell which is right"
            )
            log.add(r, "Код ОКТМО", oktmo, reason, "rejected")
            dup_rows.add(r)
            counts["duplicate_code_rows_rejected"] += 1
    records = [r for r in records if r["_row"] not in dup_rows]
    rejects = log.to_frame()
    rejects["context"] = sheet
    return records, rejects, rows_read


def _at(row: tuple[Any, ...], j: int) -> Any:
    return row[j] if 0 <= j < len(row) else None


def read_urov14a_workbook(path: str | Path, years: Iterable[int] | None = None) -> ImportResult:
    """Read the raw Rosstat Urov-14a workbook (incomes vs social payments, 2010-2022).

    The workbook has a sheet ``Содержание`` and one sheet per year (``2010`` ...
    ``2022``). Column order differs between years (2010 puts the total before the two
    parts; from 2012 the parts come first, then the total and a per-capita value), so
    the columns are found by their header text under the ``Код ОКТМО`` header. OKTMO is
    stored as a number (leading zero lost) or as text with spaces (``01 600 000``);
    7-digit codes are padded to 8 (counted in ``extra['codes_padded']``: this is how the
    format stores them, so they are not reported row by row).

    Row rules:

    * codes of 1-2 digits, or ``NN000000``, are region rows: skipped
      (``extra['region_rows_skipped']``);
    * subtotal rows are skipped (``extra['subtotal_rows_skipped']``): rows named
      ``Муниципальные районы``, ``Городские округа``, ``Муниципальные округа``,
      ``Административные районы``, ``Прочие`` ... that have no row number, no code or
      a group code ``NNT00000``, and unnumbered rows with a group code such as
      ``Коми-Пермяцкий округ`` (a numbered row with its own code, such as ``городской
      округ Анадырь``, is a municipality);
    * a numbered (municipal) row whose code is missing, cannot be made 8 digits, or is
      a group code ``NNT00000`` (``Таймырский Долгано-Ненецкий`` = ``04800000``,
      ``г. Липецк`` = ``42700000`` in 2010) is rejected;
    * a municipal row repeating an earlier one exactly (name, code, values: the
      Irkutsk block of 2022 is printed twice) is rejected as a repeat; two municipal
      rows of one sheet sharing a code with different values (one code is mistyped)
      are both rejected.

    Rejects carry ``<workbook name>[<sheet>]`` in ``file``, the Excel row number in
    ``row`` and the sheet in ``context``.

    Parameters
    ----------
    path
        ``Urov-14a_2010-2022.xlsx``.
    years
        Years to read; every sheet named like a year when omitted.

    Returns
    -------
    ImportResult
        Long indicators (:data:`~opora.model.schemas.INDICATOR_COLUMNS`) for municipal
        rows only, codes :data:`UROV14A_CODES`: ``urov14a_taxable_income``,
        ``urov14a_social_payments``, ``urov14a_total`` (thousand rubles) and
        ``urov14a_social_share`` (social / (social + taxable), 0-1); ``period`` is
        ``год``, ``dimension`` is empty, ``source`` is ``Rosstat Urov-14a``.

    Raises
    ------
    SourceNotFoundError, EmptyFileError
        When the file is missing or empty.
    MissingSheetError
        When a requested year has no sheet.
    FormatError
        When the file is not an .xlsx workbook, has no year sheets, or a sheet lacks
        the ``Код ОКТМО`` header or the income / social-payment columns.
    """
    p = check_exists(path)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        msg = f"cannot be opened as an .xlsx workbook ({exc}); save it as Excel .xlsx"
        raise FormatError(p, msg) from exc
    counts = {
        "region_rows_skipped": 0,
        "subtotal_rows_skipped": 0,
        "heading_rows_skipped": 0,
        "blank_rows_skipped": 0,
        "codes_padded": 0,
        "duplicate_code_rows_rejected": 0,
        "repeated_rows_rejected": 0,
    }
    try:
        names = [str(s) for s in wb.sheetnames]
        if years is None:
            wanted = [s for s in names if re.fullmatch(r"\d{4}", s.strip())]
            if not wanted:
                msg = f"no sheet named like a year (2010 ... 2022); the workbook has {names}"
                raise FormatError(p, msg)
        else:
            wanted = [str(int(y)) for y in years]
            require_sheets(names, wanted, p)
        records: list[dict[str, Any]] = []
        rejects: list[pd.DataFrame] = []
        rows_read = 0
        for sheet in wanted:
            recs, rej, n = _read_urov_sheet(wb[sheet], p, sheet, int(sheet.strip()), counts)
            records.extend(recs)
            rejects.append(rej)
            rows_read += n
    finally:
        wb.close()
    frame = pd.DataFrame(records, columns=["oktmo", "code", "year", "value", "_row"])
    frame["name"] = frame["code"].map(lambda c: UROV14A_CODES[c][0])
    frame["unit"] = frame["code"].map(lambda c: UROV14A_CODES[c][1])
    frame["period"] = "год"
    frame["dimension"] = ""
    frame["source"] = _UROV_SOURCE
    table = frame[INDICATOR_COLUMNS].astype(INDICATOR_DTYPES)
    rej_frame = (
        pd.concat(rejects, ignore_index=True) if any(len(r) for r in rejects) else _empty_rejects()
    )
    return ImportResult(
        "rosstat_urov14a",
        table.reset_index(drop=True),
        rej_frame[REJECT_COLUMNS],
        rows_read,
        counts,
    )
