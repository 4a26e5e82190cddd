"""Readers of SberIndex open data: the municipal dictionary and the indicator parquet files.

SberIndex files key municipalities by ``territory_id``; :func:`read_sberindex_dictionary`
gives the mapping to 8-digit OKTMO, and :func:`read_sberindex_indicators` turns any of
the five indicator files into the model's long indicator form.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from opora.errors import FormatError
from opora.io._checks import check_exists, require_columns
from opora.io._memo import file_key, memo_shared
from opora.io._oktmo import strip_oktmo
from opora.model.result import ImportResult, RejectLog
from opora.model.schemas import INDICATOR_COLUMNS, INDICATOR_DTYPES

__all__ = ["SBERINDEX_KINDS", "read_sberindex_dictionary", "read_sberindex_indicators"]

_DICT_COLUMNS = [
    "territory_id",
    "oktmo",
    "municipal_district_name",
    "municipal_district_name_short",
    "municipal_district_type",
    "municipal_district_status",
    "municipal_district_center",
    "year_from",
    "year_to",
    "region_code",
    "region_name",
    "municipal_district_center_lat",
    "municipal_district_center_lon",
]

#: Indicator files recognised by their columns.
SBERINDEX_KINDS: dict[str, list[str]] = {
    "market_access": ["territory_id", "market_access"],
    "population": ["territory_id", "year", "period", "age", "gender", "value"],
    "migration": ["territory_id", "year", "period", "age", "gender", "value"],
    "salary": ["territory_id", "year", "period", "okved_name", "okved_letter", "value"],
    "consumption": ["date", "territory_id", "category", "value"],
}

_SOURCE = "SberIndex open data (CC BY-SA 4.0)"


def read_sberindex_dictionary(path: str | Path) -> ImportResult:
    """Read the SberIndex versioned dictionary of municipalities.

    Parameters
    ----------
    path
        ``t_dict_municipal_districts.xlsx``.

    Returns
    -------
    ImportResult
        One row per dictionary version with ``territory_id``, ``oktmo`` (8 digits),
        ``name``, ``name_short``, ``type``, ``status``, ``centre_name``, ``year_from``,
        ``year_to``, ``active`` (valid today), ``region_code`` (2-digit text),
        ``region_name``, ``lat``, ``lon``.

    Raises
    ------
    SourceNotFoundError, MissingColumnError, FormatError
        When the workbook cannot be used.
    """
    p = check_exists(path)
    try:
        raw = pd.read_excel(p, dtype={"oktmo": "string"})
    except (ValueError, OSError) as exc:
        msg = f"cannot be read as an Excel workbook ({exc}); pass the .xlsx dictionary"
        raise FormatError(p, msg) from exc
    require_columns(raw, _DICT_COLUMNS, p)
    log = RejectLog(p)
    code = strip_oktmo(raw["oktmo"])
    ok = code.str.fullmatch(r"\d{11}|\d{8}").fillna(False)
    short = code.str.fullmatch(r"\d{10}|\d{7}").fillna(False)
    code = code.where(~short, code.str.zfill(11).where(code.str.len() == 10, code.str.zfill(8)))
    rows = pd.Series(np.arange(2, len(raw) + 2), index=raw.index)
    log.add_many(rows[short], "oktmo", raw.loc[short, "oktmo"], "lost leading zero", "repaired")
    bad = ~(ok | short)
    log.add_many(rows[bad], "oktmo", raw.loc[bad, "oktmo"], "not an OKTMO code", "rejected")
    table = pd.DataFrame(
        {
            "territory_id": raw["territory_id"].astype("int64"),
            "oktmo": code.str.slice(0, 8),
            "name": raw["municipal_district_name"].astype("string"),
            "name_short": raw["municipal_district_name_short"].astype("string"),
            "type": raw["municipal_district_type"].astype("string"),
            "status": raw["municipal_district_status"].astype("string"),
            "centre_name": raw["municipal_district_center"].astype("string"),
            "year_from": raw["year_from"].astype("Int64"),
            "year_to": raw["year_to"].astype("Int64"),
            "active": raw["year_to"].eq(9999),
            "region_code": raw["region_code"].astype("int64").astype(str).str.zfill(2),
            "region_name": raw["region_name"].astype("string"),
            "lat": pd.to_numeric(raw["municipal_district_center_lat"], errors="coerce"),
            "lon": pd.to_numeric(raw["municipal_district_center_lon"], errors="coerce"),
        }
    )[~bad.to_numpy()]
    return ImportResult(
        "sberindex_dictionary", table.reset_index(drop=True), log.to_frame(), len(raw)
    )


def _detect_kind(frame: pd.DataFrame, path: Path) -> str:
    cols = set(frame.columns)
    if "market_access" in cols:
        return "market_access"
    if "okved_letter" in cols:
        return "salary"
    if "category" in cols:
        return "consumption"
    if "age" in cols:
        ages = set(frame["age"].astype(str).unique())
        dashed = sum("-" in a for a in ages)
        return "migration" if dashed > len(ages) / 2 else "population"
    msg = (
        "not a known SberIndex indicator file (expected one of: "
        + "; ".join(f"{k}: {', '.join(v)}" for k, v in SBERINDEX_KINDS.items())
        + ")"
    )
    raise FormatError(path, msg)


def _population_totals(data: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Total and 65+ population per (oktmo, year) from single-year and open-ended ages.

    The file mixes single years (``0`` … ``79``), open-ended groups (``65+``, ``70+``,
    ``80+``) and ``Всего``. The total is ``Всего`` where given, else the sum of single
    years plus the open group that starts right after the last single year; people
    65+ are ``65+`` where given, else single years from 65 plus that open group.
    """
    age = data["age"].astype(str)
    single = age.str.fullmatch(r"\d+")
    start = pd.to_numeric(age.str.extract(r"^(\d+)\+$")[0], errors="coerce")
    d = data.assign(
        single=single, a=pd.to_numeric(age.where(single), errors="coerce"), open_start=start
    )
    keys = ["oktmo", "year", "gender"]
    top = d[d["single"]].groupby(keys)["a"].max().rename("top")
    d = d.join(top, on=keys)
    tail = d["open_start"].eq(d["top"] + 1)
    stated_total = d[age.eq("Всего")].groupby(keys)["value"].sum(min_count=1)
    summed_total = d[d["single"] | tail].groupby(keys)["value"].sum(min_count=1)
    total_g = stated_total.combine_first(summed_total)
    stated_old = d[age.eq("65+")].groupby(keys)["value"].sum(min_count=1)
    summed_old = (
        d[(d["single"] & (d["a"] >= 65)) | (tail & (d["open_start"] >= 65))]
        .groupby(keys)["value"]
        .sum(min_count=1)
    )
    old_g = stated_old.combine_first(summed_old)
    by = ["oktmo", "year"]
    return (total_g.groupby(level=by).sum(min_count=1), old_g.groupby(level=by).sum(min_count=1))


def read_sberindex_indicators(
    path: str | Path, dictionary: pd.DataFrame, *, oktmo_prefix: str | None = None
) -> ImportResult:
    """Read a SberIndex indicator parquet file into long indicators keyed by OKTMO.

    The file kind is recognised by its columns (:data:`SBERINDEX_KINDS`). Fine
    breakdowns are aggregated to what the model uses:

    * population: total (``sber_population``), people aged 65+ (``sber_population_65plus``)
      and their share (``sber_share_65plus``, %), per year;
    * migration: net migration of all ages (``sber_net_migration``, people), from the
      ``Всего`` rows where present, else the sum of age groups;
    * salary: average monthly wage (``sber_wage``, rubles) by OKVED section in
      ``dimension`` (``total`` for all sectors), per cumulative period;
    * consumption: cashless consumer spending (``sber_consumption``) by category and month;
    * market access: the index (``sber_market_access``, 0-1000).

    Parameters
    ----------
    path
        A parquet file from the SberIndex contest data.
    dictionary
        The ``table`` of :func:`read_sberindex_dictionary`.
    oktmo_prefix
        Keep only municipalities whose OKTMO starts with this (``"80"`` for Bashkortostan).

    Returns
    -------
    ImportResult
        Indicators in :data:`~opora.model.schemas.INDICATOR_COLUMNS`; unmapped
        ``territory_id`` values go to the reject report.

    Raises
    ------
    SourceNotFoundError, FormatError
        When the file is missing or not a SberIndex indicator file.
    """
    p = check_exists(path)
    key = ("sberindex_indicators", *file_key(p), _fingerprint(dictionary))
    national = memo_shared(key, lambda: _read_national(p, dictionary))
    data = national.data
    rows_read = national.rows
    if oktmo_prefix:
        data = data[data["oktmo"].str.startswith(oktmo_prefix)]
        rows_read = len(data) + national.unmapped
    out = _aggregate(national.kind, data)
    out["source"] = _SOURCE
    out = out[INDICATOR_COLUMNS].astype(INDICATOR_DTYPES)
    return ImportResult(
        f"sberindex_{national.kind}",
        out.reset_index(drop=True),
        national.rejects.copy(),
        rows_read,
        {"suppressed_values": int(data["value"].isna().sum()) if "value" in data else 0},
    )


@dataclass(frozen=True)
class _National:
    """A whole indicator file mapped to OKTMO, one dictionary version per OKTMO and year."""

    kind: str
    data: pd.DataFrame
    rejects: pd.DataFrame
    unmapped: int
    rows: int


def _fingerprint(dictionary: pd.DataFrame) -> str:
    """Return a digest of the dictionary columns that map and choose the versions."""
    cols = [
        c for c in ("territory_id", "oktmo", "year_from", "year_to", "active") if c in dictionary
    ]
    hashed = pd.util.hash_pandas_object(dictionary[cols], index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest() + str(cols)


def _read_national(p: Path, dictionary: pd.DataFrame) -> _National:
    """Read a whole indicator file, map it to OKTMO and keep one version per OKTMO and year.

    This is the part of :func:`read_sberindex_indicators` that does not depend on the
    region; the country job keeps it once per process (:func:`opora.io._memo.memo_shared`).
    """
    try:
        raw = pd.read_parquet(p)
    except (OSError, ValueError) as exc:
        msg = f"cannot be read as Parquet ({exc})"
        raise FormatError(p, msg) from exc
    kind = _detect_kind(raw, p)
    require_columns(raw, SBERINDEX_KINDS[kind], p)
    log = RejectLog(p)
    mapping = dictionary.drop_duplicates("territory_id").set_index("territory_id")["oktmo"]
    raw = raw.assign(_row=np.arange(1, len(raw) + 1))
    raw["oktmo"] = raw["territory_id"].astype("int64").map(mapping)
    unmapped = raw["oktmo"].isna()
    if unmapped.any():
        first = raw[unmapped].drop_duplicates("territory_id")
        for r, tid in first[["_row", "territory_id"]].itertuples(index=False):
            n = int((raw["territory_id"] == tid).sum())
            log.add(
                int(r),
                "territory_id",
                tid,
                f"territory_id not in the SberIndex dictionary ({n} rows dropped)",
                "rejected",
            )
    data = _one_version_per_oktmo(raw[~unmapped], dictionary, log)
    return _National(kind, data, log.to_frame(), int(unmapped.sum()), len(raw))


def _one_version_per_oktmo(
    data: pd.DataFrame, dictionary: pd.DataFrame, log: RejectLog
) -> pd.DataFrame:
    """Keep, for each OKTMO and year, the rows of one dictionary version only.

    The dictionary is versioned: a municipality whose type or borders changed has several
    ``territory_id`` with the same OKTMO and consecutive validity years, and the data
    files may hold figures under each. For every OKTMO and year the version valid that
    year is kept (else the active one, else the newest); the other version's rows are
    dropped and logged as repaired, one line per dropped ``territory_id``. Rows that
    repeat an earlier row exactly (the salary file has some) are kept once.
    """
    same = data.drop(columns=["_row"]).duplicated()
    if same.any():
        first = data.loc[same, "_row"].iloc[0]
        log.add(
            int(first),
            "",
            "",
            f"{int(same.sum())} rows repeat an earlier row exactly; each is kept once",
            "repaired",
        )
        data = data[~same]
    if "value" in data:
        key = [c for c in data.columns if c not in ("_row", "value")]
        dup = data.duplicated(key, keep=False)
        # a figure given twice, once suppressed (blank): the published one is kept
        blank = (
            dup
            & data["value"].isna()
            & data.assign(_v=data["value"].notna())
            .groupby(key, dropna=False)["_v"]
            .transform("any")
        )
        if blank.any():
            log.add(
                int(data.loc[blank, "_row"].iloc[0]),
                "value",
                "",
                f"{int(blank.sum())} blank rows repeat a row that has the figure; the figure "
                "is kept",
                "repaired",
            )
            data = data[~blank]
        clash = data.duplicated(key, keep="first")
        if clash.any():
            log.add_many(
                data.loc[clash, "_row"],
                "value",
                data.loc[clash, "value"],
                "another row gives a different figure for the same territory, period and "
                "breakdown; the first is kept",
                "rejected",
            )
            data = data[~clash]
    tid = data["territory_id"].astype("int64")
    versions = dictionary.drop_duplicates("territory_id").set_index("territory_id")
    counts = tid.groupby(data["oktmo"]).nunique()
    multi = counts[counts > 1].index
    if multi.empty:
        return data
    sub = data[data["oktmo"].isin(multi)]
    sub_tid = tid[sub.index]
    v = versions.reindex(sub_tid.to_numpy())
    start = v["year_from"].to_numpy(dtype="float64", na_value=-np.inf)
    end = v["year_to"].to_numpy(dtype="float64", na_value=np.inf)
    active = v["active"].fillna(False).to_numpy(dtype=bool)
    if "year" in sub:
        year = pd.to_numeric(sub["year"], errors="coerce").to_numpy(dtype="float64")
        covers = (start <= year) & (year <= end)
        period = pd.Series(year, index=sub.index)
    else:
        covers = np.zeros(len(sub), dtype=bool)
        period = pd.Series(0.0, index=sub.index)
    score = pd.Series(covers * 4 + active * 2, index=sub.index) + start / 1e5
    best = (
        pd.DataFrame({"oktmo": sub["oktmo"], "period": period, "tid": sub_tid, "score": score})
        .sort_values("score", ascending=False)
        .drop_duplicates(["oktmo", "period"])
        .set_index(["oktmo", "period"])["tid"]
    )
    chosen = best.reindex(pd.MultiIndex.from_arrays([sub["oktmo"], period])).to_numpy()
    drop = sub.index[sub_tid.to_numpy() != chosen]
    dropped = data.loc[drop]
    for (okt, t), rows in dropped.groupby(["oktmo", tid[drop]]):
        kept = sorted(set(best.loc[okt].tolist()))
        log.add(
            int(rows["_row"].iloc[0]),
            "territory_id",
            t,
            f"OKTMO {okt} has several dictionary versions; the version valid in each year "
            f"(territory_id {', '.join(map(str, kept))}) is kept, {len(rows)} rows of this "
            "version dropped",
            "repaired",
        )
    result: pd.DataFrame = data.drop(index=drop)
    return result


def _aggregate(kind: str, data: pd.DataFrame) -> pd.DataFrame:
    if kind == "market_access":
        return pd.DataFrame(
            {
                "oktmo": data["oktmo"],
                "code": "sber_market_access",
                "name": "Индекс доступности рынков",
                "unit": "индекс 0–1000",
                "year": 2024,
                "period": "",
                "dimension": "",
                "value": data["market_access"].astype(float),
            }
        )
    if kind == "population":
        total, old = _population_totals(data)
        share = (old / total * 100).rename("share")
        frames = []
        for code, name, unit, series in (
            ("sber_population", "Численность населения (среднегодовая)", "человек", total),
            ("sber_population_65plus", "Население 65 лет и старше", "человек", old),
            ("sber_share_65plus", "Доля населения 65 лет и старше", "%", share),
        ):
            f = series.rename("value").reset_index()
            f["code"], f["name"], f["unit"] = code, name, unit
            frames.append(f)
        out = pd.concat(frames)
        out["period"], out["dimension"] = "год", ""
        return out
    if kind == "migration":
        tot = data[data["age"] == "Всего"]
        if tot.empty:
            tot = data
        out = tot.groupby(["oktmo", "year"])["value"].sum(min_count=1).reset_index()
        out["code"], out["name"], out["unit"] = (
            "sber_net_migration",
            "Миграционный прирост (убыль)",
            "человек",
        )
        out["period"], out["dimension"] = "год", ""
        return out
    if kind == "salary":
        letter = data["okved_letter"].astype(str).replace({"0": "total"})
        return pd.DataFrame(
            {
                "oktmo": data["oktmo"],
                "code": "sber_wage",
                "name": "Среднемесячная номинальная начисленная заработная плата",
                "unit": "рубль",
                "year": data["year"],
                "period": data["period"],
                "dimension": letter,
                "value": data["value"].astype(float),
            }
        )
    # consumption
    date = data["date"].astype(str)
    return pd.DataFrame(
        {
            "oktmo": data["oktmo"],
            "code": "sber_consumption",
            "name": "Безналичные потребительские расходы",
            "unit": "индекс СберИндекса",
            "year": pd.to_numeric(date.str.slice(0, 4)),
            "period": date,
            "dimension": data["category"].astype(str),
            "value": data["value"].astype(float),
        }
    )
