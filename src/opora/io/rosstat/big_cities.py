"""Reader of the INID "Large cities" panel with the local budget split."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from opora.io._checks import read_text_csv
from opora.io.rosstat._common import _fixed_code, _numbers, _optional_code, _squeeze
from opora.model.result import ImportResult, RejectLog

__all__ = ["BIG_CITIES_BUDGET_COLUMNS", "read_big_cities"]

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
        reg = _optional_code(
            raw,
            "region_oktmo",
            2,
            log,
            "not a 2-digit region code; set to missing",
            label="region code",
        )
        out["region_oktmo"] = reg.astype("string")
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
