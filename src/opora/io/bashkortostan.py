"""Readers of the Republic of Bashkortostan municipal database extracts (tochno.st, CC BY 4.0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from opora.io._checks import read_text_csv
from opora.io._oktmo import strip_oktmo
from opora.model.result import ImportResult, RejectLog
from opora.model.schemas import INDICATOR_COLUMNS

__all__ = ["EMPLOYMENT_SECTIONS", "read_bdmo_long", "read_crosswalk", "read_employment_shares"]

_SOURCE_BDMO = "Rosstat municipal database via tochno.st (CC BY 4.0)"

#: Column of the employment file → OKVED 2 section letter.
EMPLOYMENT_SECTIONS: dict[str, str] = {
    "emp_agri": "A",
    "emp_mining": "B",
    "emp_manuf": "C",
    "emp_energy": "D",
    "emp_water": "E",
    "emp_constr": "F",
    "emp_trade": "G",
    "emp_transp": "H",
    "emp_hotel": "I",
    "emp_ict": "J",
    "emp_fin": "K",
    "emp_realty": "L",
    "emp_science": "M",
    "emp_admin": "N",
    "emp_gov": "O",
    "emp_edu": "P",
    "emp_health": "Q",
    "emp_culture": "R",
    "emp_other": "S",
}


def _oktmo8(frame: pd.DataFrame, column: str, log: RejectLog) -> tuple[pd.Series, pd.Series]:
    code = strip_oktmo(frame[column])
    short = code.str.fullmatch(r"\d{7}").fillna(False)
    log.add_many(
        frame.loc[short, "_row"],
        column,
        frame.loc[short, column],
        "OKTMO lost its leading zero",
        "repaired",
    )
    code = code.where(~short, code.str.zfill(8)).str.slice(0, 8)
    bad = ~code.str.fullmatch(r"\d{8}").fillna(False)
    log.add_many(
        frame.loc[bad, "_row"],
        column,
        frame.loc[bad, column],
        "not an 8-digit OKTMO code",
        "rejected",
    )
    return code, bad


def read_bdmo_long(path: str | Path) -> ImportResult:
    """Read the Bashkortostan municipal-database long table.

    Indicators that the publisher split by sector and then collapsed appear several
    times for the same municipality, year and code: those values are parts, not totals.
    They are kept with ``dimension`` = ``part N`` and flagged in the reject report.

    Parameters
    ----------
    path
        ``bdmo_bashkortostan_2024_2025_long.csv``.

    Returns
    -------
    ImportResult
        Long indicators (:data:`~opora.model.schemas.INDICATOR_COLUMNS`), ``code`` is the
        Rosstat indicator id (``Y48313015`` is the own-revenue share of the local budget).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    req = ["oktmo8", "year", "sourceIndicatorId", "indicator_name", "unit", "value"]
    raw = read_text_csv(path, req, text_columns=["oktmo8", "sourceIndicatorId"])
    log = RejectLog(path)
    code, bad = _oktmo8(raw, "oktmo8", log)
    value = pd.to_numeric(raw["value"], errors="coerce")
    nonnum = value.isna() & raw["value"].notna()
    log.add_many(
        raw.loc[nonnum, "_row"],
        "value",
        raw.loc[nonnum, "value"],
        "value is not a number; kept as missing",
        "flagged",
    )
    year = pd.to_numeric(raw["year"], errors="coerce").astype("Int64")
    bad_year = year.isna()
    log.add_many(
        raw.loc[bad_year, "_row"],
        "year",
        raw.loc[bad_year, "year"],
        "year is not a number",
        "rejected",
    )
    out = pd.DataFrame(
        {
            "oktmo": code,
            "code": raw["sourceIndicatorId"],
            "name": raw["indicator_name"],
            "unit": raw["unit"],
            "year": year,
            "period": "год",
            "dimension": "",
            "value": value,
            "source": _SOURCE_BDMO,
            "_row": raw["_row"],
        }
    )[~(bad | bad_year).to_numpy()]
    key = ["oktmo", "code", "year"]
    parts = out.duplicated(key, keep=False)
    out.loc[parts, "dimension"] = "part " + (out[parts].groupby(key).cumcount() + 1).astype(str)
    log.add_many(
        out.loc[parts, "_row"],
        "sourceIndicatorId",
        out.loc[parts, "code"],
        "sector-split indicator collapsed by the publisher: value is a part, not a total",
        "flagged",
    )
    table = out[INDICATOR_COLUMNS].astype({"year": "Int64", "value": "float64"})
    return ImportResult(
        "bdmo_bashkortostan",
        table.reset_index(drop=True),
        log.to_frame(),
        len(raw),
        {"sector_split_rows": int(parts.sum())},
    )


def read_employment_shares(path: str | Path) -> ImportResult:
    """Read employment shares of large and medium organisations by OKVED section (2023).

    Parameters
    ----------
    path
        ``akhrameshin_employment_2023_bashkortostan.csv``.

    Returns
    -------
    ImportResult
        Long indicators: ``emp_share`` (share 0-1 of total employment, ``dimension`` =
        section letter) and ``emp_total`` (people). Blank cells are suppressed values:
        left out of the table and counted in ``extra['suppressed']``.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    req = ["oktmo8", *EMPLOYMENT_SECTIONS, "emp_total"]
    raw = read_text_csv(path, req, text_columns=["oktmo8"])
    log = RejectLog(path)
    code, bad = _oktmo8(raw, "oktmo8", log)
    raw = raw.assign(oktmo=code)[~bad.to_numpy()]
    long = raw.melt(
        id_vars=["oktmo", "_row"],
        value_vars=list(EMPLOYMENT_SECTIONS),
        var_name="col",
        value_name="value",
    )
    long["value"] = pd.to_numeric(long["value"], errors="coerce")
    suppressed = int(long["value"].isna().sum())
    long = long.dropna(subset=["value"])
    out_share = pd.DataFrame(
        {
            "oktmo": long["oktmo"],
            "code": "emp_share",
            "name": "Доля занятых в крупных и средних организациях по разделу ОКВЭД",
            "unit": "доля",
            "year": 2023,
            "period": "год",
            "dimension": long["col"].map(EMPLOYMENT_SECTIONS),
            "value": long["value"],
        }
    )
    out_total = pd.DataFrame(
        {
            "oktmo": raw["oktmo"],
            "code": "emp_total",
            "name": "Среднесписочная численность работников крупных и средних организаций",
            "unit": "человек",
            "year": 2023,
            "period": "год",
            "dimension": "",
            "value": pd.to_numeric(raw["emp_total"], errors="coerce"),
        }
    )
    out = pd.concat([out_total, out_share], ignore_index=True)
    out["source"] = "Rosstat municipal database Y48423005 via tochno.st (CC BY 4.0)"
    table = out[INDICATOR_COLUMNS].astype({"year": "Int64", "value": "float64"})
    return ImportResult(
        "employment_bashkortostan",
        table,
        log.to_frame(),
        len(raw) + int(bad.sum()),
        {"suppressed": suppressed},
    )


def read_crosswalk(path: str | Path) -> ImportResult:
    """Read the OKTMO ↔ SberIndex ``territory_id`` ↔ names crosswalk of the 63 municipalities.

    Parameters
    ----------
    path
        ``bashkortostan_mo_crosswalk.csv``.

    Returns
    -------
    ImportResult
        Columns ``oktmo`` (8 digits), ``territory_id``, ``district_id``, ``name``,
        ``type`` (``district`` / ``city``), ``sber_name``.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    req = ["districtId", "name", "type", "territory_id", "oktmo", "sber_name"]
    raw = read_text_csv(path, req, text_columns=["oktmo"])
    log = RejectLog(path)
    code, bad = _oktmo8(raw, "oktmo", log)
    out = pd.DataFrame(
        {
            "oktmo": code,
            "territory_id": pd.to_numeric(raw["territory_id"]).astype("Int64"),
            "district_id": raw["districtId"],
            "name": raw["name"],
            "type": raw["type"],
            "sber_name": raw["sber_name"],
        }
    )[~bad.to_numpy()]
    return ImportResult(
        "crosswalk_bashkortostan", out.reset_index(drop=True), log.to_frame(), len(raw)
    )
