"""Locate and read the sources of one region: nationwide files or the embedded default.

A :class:`SourceBundle` holds what the model of one region is built from, already
read and repaired by the individual readers. It comes either from a folder of
nationwide sources laid out like ``shared/data`` (:func:`read_sources`) or from the
processed subset of the Republic of Bashkortostan shipped inside the package
(:func:`read_embedded`). :func:`write_embedded` writes such a subset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from opora.errors import SourceNotFoundError
from opora.io._checks import package_data
from opora.io._memo import memo_read
from opora.io.bashkortostan import read_bdmo_long, read_employment_shares
from opora.io.boundaries import match_boundaries, read_boundaries
from opora.io.rosstat import read_population_bulletin, read_status_list, read_urov14a_workbook
from opora.io.sberindex import read_sberindex_dictionary, read_sberindex_indicators
from opora.model.provenance import Provenance, provenance_frame
from opora.model.regions import (
    DEFAULT_REGION,
    DEFAULT_REGION_CODE,
    find_region,
    same_region,
)
from opora.model.result import REJECT_COLUMNS, ImportResult, RejectLog
from opora.model.schemas import INDICATOR_COLUMNS

__all__ = [
    "REQUIRED_SOURCES",
    "SOURCE_FILES",
    "SOURCE_USES",
    "SourceBundle",
    "embedded_dir",
    "list_regions",
    "read_embedded",
    "read_sources",
    "write_embedded",
]

#: Files inside a data folder laid out like ``shared/data``.
SOURCE_FILES: dict[str, str] = {
    "dictionary": "sberindex/t_dict_municipal_districts.xlsx",
    "market_access": "sberindex/1_market_access.parquet",
    "population": "sberindex/2_bdmo_population.parquet",
    "migration": "sberindex/3_bdmo_migration.parquet",
    "salary": "sberindex/4_bdmo_salary.parquet",
    "consumption": "sberindex/consumption.parquet",
    "bulletin": "rosstat/bul2024_population_by_mo.csv",
    "arctic": "rosstat/bul2024_arctic_zone_mo.csv",
    "far_north": "rosstat/bul2024_far_north_mo.csv",
    "urov14a": "rosstat/Urov-14a_2010-2022.xlsx",
    "employment": "rosstat/bdmo_employment_by_okved_2023_mo.csv",
    "bdmo_bashkortostan": "bashkortostan/bdmo_bashkortostan_2024_2025_long.csv",
}

#: Sources without which a region cannot be assembled at all.
REQUIRED_SOURCES: tuple[str, ...] = ("dictionary", "bulletin")

#: What each optional source feeds, in English and Russian (for the "not read" notes).
SOURCE_USES: dict[str, tuple[str, str]] = {
    "market_access": ("market access index", "индекс доступа к рынкам"),
    "population": ("population by age and sex (SberIndex)", "население по возрасту и полу"),
    "migration": ("migration", "миграция"),
    "salary": ("wages by OKVED section", "заработная плата по разделам ОКВЭД"),
    "consumption": ("consumer spending", "потребительские расходы"),
    "arctic": ("Arctic zone list", "перечень Арктической зоны"),
    "far_north": ("Far North list", "перечень районов Крайнего Севера"),
    "urov14a": (
        "social payments vs taxable incomes",
        "социальные выплаты и налогооблагаемые доходы",
    ),
    "employment": (
        "employment structure by OKVED section",
        "структура занятости по разделам ОКВЭД",
    ),
    "bdmo_bashkortostan": (
        "municipal database (own revenues, roads, schools)",
        "база данных муниципальных образований (собственные доходы, дороги, школы)",
    ),
}

_UPPER_COLS = ["oktmo", "name", "type", "status", "centre_name", "lat", "lon"]
_LOWER_COLS = ["oktmo", "name", "upper_oktmo8", "pop_total"]
_BUL_SETTLEMENT_COLS = ["oktmo", "name", "upper_oktmo8", "pop_total"]


@dataclass
class SourceBundle:
    """The sources of one region, read and repaired.

    Attributes
    ----------
    region
        Region name as in the SberIndex dictionary and the register.
    oktmo_prefix
        The region's 2-digit OKTMO code.
    upper
        Top-level municipalities (:data:`_UPPER_COLS`): OKTMO, name, SberIndex type and
        status, centre name and coordinates.
    lower
        Lower-level municipalities (urban and rural settlements) from the Rosstat
        bulletin: OKTMO, name, parent OKTMO, population on 1 Jan 2024.
    arctic, far_north
        8-digit OKTMO codes of the region's municipalities in those official lists.
    indicators
        Long indicators of all sources.
    bulletin_settlements
        Settlement-level rows of the Rosstat bulletin (``oktmo`` 11 digits, ``name``,
        ``upper_oktmo8``, ``pop_total`` on 1 Jan 2024): the towns the bulletin lists.
    imports
        Import summaries (one dict per reader run).
    rejects
        Reject records of all readers (:data:`~opora.model.result.REJECT_COLUMNS`).
    provenance
        One record per source.
    boundaries
        Municipal boundary polygons matched to OKTMO, where a boundary file of the data
        folder covers the region (``boundaries/*.gpkg``); ``None`` otherwise.
    missing
        Optional sources not read, by key of :data:`SOURCE_FILES`, with the reason
        (file absent from the data folder, or no row for the region); the analyses that
        need them report ``not_evaluated`` with that reason.
    missing_ru
        The same reasons in Russian.
    """

    region: str
    oktmo_prefix: str
    upper: pd.DataFrame
    lower: pd.DataFrame
    arctic: set[str]
    far_north: set[str]
    indicators: pd.DataFrame
    bulletin_settlements: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=_BUL_SETTLEMENT_COLS)
    )
    imports: list[dict[str, Any]] = field(default_factory=list)
    rejects: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    provenance: list[Provenance] = field(default_factory=list)
    boundaries: gpd.GeoDataFrame | None = None
    missing: dict[str, str] = field(default_factory=dict)
    missing_ru: dict[str, str] = field(default_factory=dict)


def _path(data_dir: Path, key: str) -> Path:
    p = data_dir / SOURCE_FILES[key]
    if not p.exists():
        msg = (
            f"{p}: source file missing from the data folder {data_dir}; expected the "
            f"layout of shared/data ({SOURCE_FILES[key]})"
        )
        raise SourceNotFoundError(msg)
    return p


def list_regions(dictionary: pd.DataFrame) -> pd.DataFrame:
    """List regions with their 2-digit OKTMO code from the SberIndex dictionary.

    Parameters
    ----------
    dictionary
        The table of :func:`~opora.io.sberindex.read_sberindex_dictionary`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``oktmo_prefix``, ``municipalities`` (active ones).
    """
    active = dictionary[dictionary["active"]]
    grp = active.assign(prefix=active["oktmo"].str.slice(0, 2)).groupby("region_name")
    out = grp.agg(
        oktmo_prefix=("prefix", lambda s: s.mode().iloc[0]), municipalities=("oktmo", "nunique")
    ).reset_index()
    return out.rename(columns={"region_name": "region"}).sort_values("region")


def _collect(results: list[ImportResult]) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    frames = [r.rejects for r in results if len(r.rejects)]
    rej = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
    return [r.summary() for r in results], rej


def read_sources(data_dir: str | Path, region: str) -> SourceBundle:
    """Read every nationwide source for one region from a data folder.

    Parameters
    ----------
    data_dir
        Folder laid out like ``shared/data`` (see :data:`SOURCE_FILES`).
    region
        Region name, part of it, alias or 2-digit OKTMO code
        (:func:`opora.model.regions.find_region`).

    Returns
    -------
    SourceBundle
        The region's sources. Bashkortostan also gets its municipal database.

    Raises
    ------
    SourceNotFoundError
        If a source file is missing.
    UnknownRegionError
        If the region cannot be identified.
    """
    d = Path(data_dir)
    if not d.is_dir():
        msg = f"{d}: data folder not found; pass `--data-dir` pointing at shared/data"
        raise SourceNotFoundError(msg)
    dic = memo_read(read_sberindex_dictionary, _path(d, "dictionary"))
    name, prefix = find_region(region, list_regions(dic.table))
    results: list[ImportResult] = [dic]
    missing: dict[str, str] = {}
    missing_ru: dict[str, str] = {}
    # Membership by the dictionary's region name, not by OKTMO prefix: autonomous okrugs
    # share the prefix of the oblast they lie in (Nenets 118… inside Arkhangelsk 11…).
    upper_rows = dic.table[dic.table["active"] & (dic.table["region_name"] == name)]
    upper = upper_rows[_UPPER_COLS].drop_duplicates("oktmo").reset_index(drop=True)
    codes = set(upper["oktmo"].astype(str))

    bul = memo_read(read_population_bulletin, _path(d, "bulletin"))
    results.append(bul)
    bt = bul.table
    b = bt[bt["oktmo8"].isin(codes) | bt["upper_oktmo8"].isin(codes)]
    lower = b[b["level"] == "mo_lower"].rename(columns={"oktmo8": "oktmo"})[_LOWER_COLS]
    bul_settlements = b[b["level"] == "settlement"].rename(columns={"oktmo11": "oktmo"})[
        _BUL_SETTLEMENT_COLS
    ]
    ind = [_bulletin_indicators(b)]

    lower_codes = set(lower["oktmo"].dropna().astype(str))
    status: dict[str, set[str]] = {"arctic": set(), "far_north": set()}
    for key in ("arctic", "far_north"):
        path = _optional(d, key, missing, missing_ru)
        if path is None:
            continue
        res = memo_read(read_status_list, path)
        results.append(res)
        codes_listed = res.table["oktmo8"].dropna().astype(str)
        status[key] = {c for c in codes_listed if c in codes or c in lower_codes}
        whole = res.table[res.table["whole_region"].fillna(False).astype(bool)]
        if any(same_region(r, name) for r in whole["region"]):
            # the whole region is listed: every municipality of it has the status
            status[key] |= set(upper["oktmo"].astype(str)) | lower_codes

    for key in ("market_access", "population", "migration", "salary", "consumption"):
        path = _optional(d, key, missing, missing_ru)
        if path is None:
            continue
        res = read_sberindex_indicators(path, dic.table, oktmo_prefix=prefix)
        results.append(res)
        ind.append(_mine(res.table, codes, key, missing, missing_ru))
    path = _optional(d, "urov14a", missing, missing_ru)
    if path is not None:
        uro = memo_read(read_urov14a_workbook, path)
        results.append(uro)
        ind.append(_mine(uro.table, codes, "urov14a", missing, missing_ru))
    path = _optional(d, "employment", missing, missing_ru)
    if path is not None:
        # one reader, one source: the nationwide file; the Bashkortostan file is its subset
        emp = replace(memo_read(read_employment_shares, path), name="employment_by_okved")
        results.append(emp)
        ind.append(_mine(emp.table, codes, "employment", missing, missing_ru))
    bashkortostan = prefix == DEFAULT_REGION_CODE and same_region(name, DEFAULT_REGION)
    if bashkortostan:
        path = _optional(d, "bdmo_bashkortostan", missing, missing_ru)
        if path is not None:
            res = read_bdmo_long(path)
            results.append(res)
            ind.append(res.table)
    else:
        missing["bdmo_bashkortostan"] = (
            "the municipal database extract (own revenues, local roads, schools) covers the "
            "Republic of Bashkortostan only"
        )
        missing_ru["bdmo_bashkortostan"] = (
            "выгрузка БД ПМО (собственные доходы, местные дороги, школы) есть только для "
            "Республики Башкортостан"
        )
    prov = _provenance(name, bashkortostan=bashkortostan and "bdmo_bashkortostan" not in missing)
    if "employment" not in missing:
        prov.append(
            Provenance(
                "indicators",
                "Rosstat municipal database Y48423005: employment of large and medium "
                "organisations by OKVED section (tochno.st)",
                "CC BY 4.0",
                "2023",
                "real",
                SOURCE_FILES["employment"],
            )
        )
    polygons = None
    for gpkg in sorted((d / "boundaries").glob("*.gpkg")) if (d / "boundaries").is_dir() else []:
        bres = read_boundaries(gpkg)
        matched, unmatched = match_boundaries(bres.table, upper)
        if matched.empty:
            continue
        results.append(bres)
        polygons = matched
        log = RejectLog(gpkg)
        for side, nm in unmatched.itertuples(index=False):
            log.add(None, "name", nm, f"{side} without a match by name", "flagged", name)
        results.append(
            ImportResult(
                f"boundaries matched [{gpkg.name}]", matched, log.to_frame(), len(bres.table)
            )
        )
        prov.append(
            Provenance(
                "municipality_boundaries",
                "OpenStreetMap boundaries (admin_level 6)",
                "ODbL, © OpenStreetMap contributors",
                "",
                "real",
                f"boundaries/{gpkg.name}",
            )
        )
    imports, rejects = _collect(results)
    indicators = pd.concat(ind, ignore_index=True)[INDICATOR_COLUMNS]
    return SourceBundle(
        name,
        prefix,
        upper,
        lower.reset_index(drop=True),
        status["arctic"],
        status["far_north"],
        indicators,
        bul_settlements.reset_index(drop=True),
        imports,
        rejects,
        prov,
        polygons,
        missing,
        missing_ru,
    )


def _optional(
    data_dir: Path, key: str, missing: dict[str, str], missing_ru: dict[str, str]
) -> Path | None:
    """Return an optional source's path, or note why it is not read."""
    p = data_dir / SOURCE_FILES[key]
    if p.exists():
        return p
    missing[key] = f"{SOURCE_FILES[key]} not found in the data folder {data_dir}"
    missing_ru[key] = f"файл {SOURCE_FILES[key]} не найден в папке данных {data_dir}"
    return None


def _mine(
    table: pd.DataFrame,
    codes: set[str],
    key: str,
    missing: dict[str, str],
    missing_ru: dict[str, str],
) -> pd.DataFrame:
    """Rows of the region's municipalities; note the source when it has none."""
    rows = table[table["oktmo"].isin(codes)]
    if rows.empty:
        missing[key] = f"{SOURCE_FILES[key]} has no row for the region's municipalities"
        missing_ru[key] = f"в файле {SOURCE_FILES[key]} нет строк муниципалитетов региона"
    return rows


def _bulletin_indicators(b: pd.DataFrame) -> pd.DataFrame:
    rows = b[b["level"].isin(["mo_upper", "mo_lower"])]
    frames = []
    for col, code, name in (
        ("pop_total", "bul_population", "Численность населения на 1 января"),
        ("pop_urban", "bul_population_urban", "Городское население на 1 января"),
        ("pop_rural", "bul_population_rural", "Сельское население на 1 января"),
    ):
        frames.append(
            pd.DataFrame(
                {
                    "oktmo": rows["oktmo8"].astype(str),
                    "code": code,
                    "name": name,
                    "unit": "человек",
                    "year": 2024,
                    "period": "на 1 января",
                    "dimension": "",
                    "value": rows[col].astype(float),
                    "source": "Rosstat bulletin: population by municipality on 1 Jan 2024",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _provenance(region: str, *, bashkortostan: bool) -> list[Provenance]:
    recs = [
        Provenance(
            "municipalities",
            "SberIndex dictionary of municipalities",
            "CC BY-SA 4.0",
            "2024",
            "real",
            SOURCE_FILES["dictionary"],
        ),
        Provenance(
            "municipalities",
            "Rosstat bulletin: population by municipality",
            "Rosstat official publication",
            "2024-01-01",
            "real",
            SOURCE_FILES["bulletin"],
        ),
        Provenance(
            "municipalities",
            "Rosstat bulletin: Arctic zone and Far North lists",
            "Rosstat official publication",
            "2024",
            "real",
            f"{SOURCE_FILES['arctic']}; {SOURCE_FILES['far_north']}",
        ),
        Provenance(
            "indicators",
            "SberIndex open data: market access, population, migration, wages, consumer spending",
            "CC BY-SA 4.0",
            "2023-2024",
            "real",
            "sberindex/*.parquet",
        ),
        Provenance(
            "indicators",
            "Rosstat Urov-14a: social payments and taxable incomes",
            "Rosstat official publication",
            "2010-2022",
            "real",
            SOURCE_FILES["urov14a"],
        ),
    ]
    if bashkortostan:
        recs.append(
            Provenance(
                "indicators",
                "Rosstat municipal database, Republic of Bashkortostan (tochno.st)",
                "CC BY 4.0",
                "2023-2025",
                "real",
                SOURCE_FILES["bdmo_bashkortostan"],
            )
        )
    _ = region
    return recs


def embedded_dir() -> Path:
    """Return the folder of the embedded default region inside the package.

    Returns
    -------
    pathlib.Path
        ``opora/data/bashkortostan``.
    """
    return package_data("bashkortostan")


def write_embedded(bundle: SourceBundle, out_dir: str | Path) -> Path:
    """Write a region's processed sources as the embedded default subset.

    Parameters
    ----------
    bundle
        What :func:`read_sources` returned.
    out_dir
        Target folder.

    Returns
    -------
    pathlib.Path
        The folder written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "region": bundle.region,
        "oktmo_prefix": bundle.oktmo_prefix,
        "arctic": sorted(bundle.arctic),
        "far_north": sorted(bundle.far_north),
        "imports": bundle.imports,
    }
    (out / "region.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    bundle.upper.to_csv(out / "municipalities_upper.csv", index=False)
    bundle.lower.to_csv(out / "municipalities_lower.csv", index=False)
    bundle.bulletin_settlements.to_csv(out / "bulletin_settlements.csv", index=False)
    bundle.indicators.to_csv(out / "indicators.csv.gz", index=False)
    provenance_frame(bundle.provenance).to_csv(out / "provenance.csv", index=False)
    region_rejects = bundle.rejects[
        bundle.rejects["context"].isna() | (bundle.rejects["context"] == bundle.region)
    ]
    region_rejects.to_csv(out / "rejects_at_build.csv.gz", index=False)
    return out


def read_embedded(folder: str | Path | None = None) -> SourceBundle:
    """Read the embedded default region (Republic of Bashkortostan).

    Parameters
    ----------
    folder
        Folder written by :func:`write_embedded`; the package's own by default.

    Returns
    -------
    SourceBundle
        The default region's sources, with the import summaries recorded when the
        subset was built from the original files.

    Raises
    ------
    SourceNotFoundError
        If the folder lacks one of the subset files.
    """
    d = Path(folder) if folder is not None else embedded_dir()
    need = [
        "region.json",
        "municipalities_upper.csv",
        "municipalities_lower.csv",
        "bulletin_settlements.csv",
        "indicators.csv.gz",
        "provenance.csv",
    ]
    for n in need:
        if not (d / n).exists():
            msg = f"{d / n}: embedded default file missing; reinstall opora"
            raise SourceNotFoundError(msg)
    meta = json.loads((d / "region.json").read_text(encoding="utf-8"))
    text = {"oktmo": "string", "upper_oktmo8": "string"}
    upper = pd.read_csv(d / "municipalities_upper.csv", dtype=text)
    lower = pd.read_csv(d / "municipalities_lower.csv", dtype=text)
    bul_s = pd.read_csv(d / "bulletin_settlements.csv", dtype=text)
    ind = pd.read_csv(
        d / "indicators.csv.gz",
        dtype={"oktmo": "string", "code": "string", "dimension": "string", "period": "string"},
        keep_default_na=False,
        na_values={"value": [""]},
    )
    ind["year"] = ind["year"].astype("Int64")
    ind["value"] = pd.to_numeric(ind["value"], errors="coerce")
    prov_df = pd.read_csv(d / "provenance.csv", dtype="string", keep_default_na=False)
    prov = [
        Provenance(
            str(r["table"]),
            str(r["source"]),
            str(r["licence"]),
            str(r["date"]),
            "modelled" if r["kind"] == "modelled" else "real",
            str(r["detail"]),
        )
        for r in prov_df.to_dict("records")
    ]
    rej_path = d / "rejects_at_build.csv.gz"
    rejects = (
        pd.read_csv(rej_path, dtype={"value": "string"})
        if rej_path.exists()
        else pd.DataFrame(columns=REJECT_COLUMNS)
    )
    imports = [{**i, "source": f"{i['source']} (at build)"} for i in meta["imports"]]
    return SourceBundle(
        meta["region"],
        meta["oktmo_prefix"],
        upper,
        lower,
        set(meta["arctic"]),
        set(meta["far_north"]),
        ind[INDICATOR_COLUMNS],
        bul_s,
        imports,
        rejects,
        prov,
    )
