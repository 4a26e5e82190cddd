"""The national layer of a country run, read back from every region's output folder.

Each region's main job writes its folder ``OUT/regions/<key>/``; this module reads
the tables of the finished ones and writes, at the top of ``OUT``:

- ``national.gpkg`` (layers ``settlements`` and ``municipalities``) and the same two
  tables as GeoParquet (``national_settlements.parquet``,
  ``national_municipalities.parquet``): every settlement with its travel times and
  anchor fields, every municipality with its types, resilience and strategy fields;
- ``national_regions.csv``: one row per region (settlements, population, anchors by
  level, coverage per service, population outside the standards by reason, typology
  counts, what was not evaluated, the region's status and error);
- ``national_report_<lang>.html``: the national page (:mod:`opora.report.national`).

A table a region lacks (a step that did not run) leaves its columns empty and is
named in the region's ``not_evaluated``; nothing here raises on a missing file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from opora.io.normatives import read_normatives
from opora.io.workspace import RUN_RECORD
from opora.report.national import write_national_report

__all__ = ["NATIONAL_FILES", "national_table", "write_national"]

#: Files of the national layer, by kind (``{lang}`` is the report language).
NATIONAL_FILES: dict[str, str] = {
    "gpkg": "national.gpkg",
    "settlements": "national_settlements.parquet",
    "municipalities": "national_municipalities.parquet",
    "table": "national_regions.csv",
    "report": "national_report_{lang}.html",
}

#: Reasons a person is outside a standard (columns of ``anchor_coverage.csv``).
OUTSIDE_REASONS = ("too_far", "no_anchor", "capacity", "unreachable", "season")

_SETTLEMENT_COLS = [
    "settlement_id",
    "oktmo",
    "name",
    "type",
    "municipality_oktmo",
    "municipality_name",
    "population",
    "population_year",
]
_ANCHOR_COLS = {
    "level": "anchor_level",
    "services": "anchor_services",
    "catchment_population": "anchor_catchment_population",
    "served_population": "anchor_served_population",
}
_CARD_COLS = ["role", "specialisation", "capacity_level", "anchor_status", "alert", "gaps"]


def _csv(folder: Path, name: str, missing: list[str]) -> pd.DataFrame | None:
    path = folder / name
    if not path.is_file():
        missing.append(name)
        return None
    return pd.read_csv(path, dtype={"oktmo": "string", "settlement_id": "string"})


def _layer(folder: Path, layer: str, missing: list[str]) -> gpd.GeoDataFrame | None:
    path = folder / "region.gpkg"
    if not path.is_file() or layer not in {str(r[0]) for r in pyogrio.list_layers(path)}:
        missing.append(f"region.gpkg:{layer}")
        return None
    return gpd.read_file(path, layer=layer)


def _region_settlements(
    folder: Path, record: Mapping[str, Any], missing: list[str]
) -> gpd.GeoDataFrame | None:
    base = _layer(folder, "settlements", missing)
    if base is None:
        return None
    cols = [c for c in _SETTLEMENT_COLS if c in base.columns]
    out = base[[*cols, "geometry"]].copy()
    out["settlement_id"] = out["settlement_id"].astype(str)
    acc = _layer(folder, "settlement_access", missing)
    if acc is not None:
        keep = [c for c in acc.columns if c.startswith("min_") or c == "network"]
        acc = pd.DataFrame(acc[["settlement_id", *keep]]).assign(
            settlement_id=lambda f: f["settlement_id"].astype(str)
        )
        out = out.merge(acc, on="settlement_id", how="left")
    anchors = _csv(folder, "anchors.csv", missing)
    if anchors is not None:
        a = anchors[["settlement_id", *[c for c in _ANCHOR_COLS if c in anchors.columns]]]
        out = out.merge(a.rename(columns=_ANCHOR_COLS), on="settlement_id", how="left")
    out.insert(0, "region", record["name"])
    out.insert(0, "region_key", record["key"])
    return gpd.GeoDataFrame(out, geometry="geometry", crs=base.crs)


def _region_municipalities(
    folder: Path, record: Mapping[str, Any], missing: list[str]
) -> gpd.GeoDataFrame | None:
    base = _layer(folder, "municipalities", missing)
    if base is None:
        return None
    out = base.copy()
    out["oktmo"] = out["oktmo"].astype(str)
    typ = _csv(folder, "typology.csv", missing)
    if typ is not None:
        t = typ[typ["level"] == "municipality"] if "level" in typ.columns else typ
        t = t[["oktmo", "types", "not_evaluated"]].drop_duplicates("oktmo")
        out = out.merge(
            t.rename(columns={"not_evaluated": "types_not_evaluated"}), on="oktmo", how="left"
        )
    res = _csv(folder, "strategy_resilience.csv", missing)
    if res is not None:
        r = res[["oktmo", "resilience_index", "rank"]].rename(columns={"rank": "resilience_rank"})
        out = out.merge(r, on="oktmo", how="left")
    cards = _csv(folder, "strategy_cards.csv", missing)
    if cards is not None:
        c = cards[["oktmo", *[k for k in _CARD_COLS if k in cards.columns]]]
        out = out.merge(c, on="oktmo", how="left")
    out.insert(0, "region_key", record["key"])
    return gpd.GeoDataFrame(out, geometry="geometry", crs=base.crs)


def _run_record(folder: Path) -> dict[str, Any]:
    path = folder / RUN_RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _not_evaluated(folder: Path, missing: Sequence[str], lang: str) -> str:
    """Return what a region's run could not evaluate: steps, missing tables, economy, typology."""
    parts = []
    steps = [
        f"{s.get('step')} ({s.get('status')}: {s.get(f'reason_{lang}') or s.get('reason_en')})"
        for s in _run_record(folder).get("steps", [])
        if s.get("status") != "ran"
    ]
    if steps:
        parts.append("steps: " + "; ".join(steps))
    if missing:
        parts.append("files: " + ", ".join(sorted(set(missing))))
    notes_path = folder / "economy_notes.csv"
    if notes_path.is_file():
        notes = pd.read_csv(notes_path)
        if {"indicator", "status", "oktmo"} <= set(notes.columns):
            ok = notes[notes["status"] == "ok"].groupby("indicator")["oktmo"].nunique()
            all_missing = sorted(set(notes["indicator"]) - set(ok.index))
            if all_missing:
                parts.append("economy: " + ", ".join(map(str, all_missing)))
    typ_path = folder / "typology.csv"
    if typ_path.is_file():
        typ = pd.read_csv(typ_path)
        if "not_evaluated" in typ.columns:
            names = {
                part.split(":", 1)[0].strip()
                for text in typ["not_evaluated"].dropna().astype(str)
                for part in text.split(" | ")
                if part.strip()
            }
            if names:
                parts.append("typology: " + ", ".join(sorted(names)))
    return "; ".join(parts)


def _region_row(
    folder: Path,
    record: Mapping[str, Any],
    settlements: gpd.GeoDataFrame | None,
    municipalities: gpd.GeoDataFrame | None,
    missing: list[str],
    lang: str,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "key": record["key"],
        "code": record["code"],
        "region": record["name"],
        "status": record["status"],
        "error": record.get("error", ""),
        "seconds": round(float(record.get("seconds", 0.0)), 1),
    }
    if record["status"] == "failed":
        return row
    row["complete"] = bool(_run_record(folder).get("complete", False))
    if settlements is not None:
        row["settlements"] = len(settlements)
        row["population"] = int(pd.to_numeric(settlements["population"]).fillna(0).sum())
        if "network" in settlements.columns and settlements["network"].notna().any():
            row["network"] = str(settlements["network"].dropna().iloc[0])
    if municipalities is not None:
        row["municipalities"] = len(municipalities)
        if "types" in municipalities.columns:
            types = municipalities["types"].dropna().astype(str).str.split(";").explode()
            for name, n in types[types != ""].value_counts().sort_index().items():
                row[f"type_{name}"] = int(n)
    anchors = _csv(folder, "anchors.csv", [])
    if anchors is not None and "level" in anchors.columns:
        for level, n in anchors["level"].value_counts().sort_index().items():
            row[f"anchors_{level}"] = int(n)
    cov = _csv(folder, "anchor_coverage.csv", missing)
    if cov is not None and len(cov):
        pct = pd.to_numeric(cov["covered_pct"]).round(2)
        for service, value in zip(cov["service"], pct, strict=True):
            row[f"coverage_{service}"] = value
        pop = pd.to_numeric(cov["population"]).sum()
        covered = pd.to_numeric(cov["covered_population"]).sum()
        row["coverage_mean"] = round(100.0 * covered / pop, 2) if pop > 0 else np.nan
        for reason in OUTSIDE_REASONS:
            col = f"outside_{reason}"
            if col in cov.columns:
                row[col] = int(pd.to_numeric(cov[col]).fillna(0).sum())
    prov = _csv(folder, "provenance.csv", missing)
    if prov is not None and "kind" in prov.columns:
        row["modelled"] = ", ".join(sorted(set(prov.loc[prov["kind"] == "modelled", "table"])))
    reports = sorted(folder.glob("report_*.html"))
    row["report"] = f"regions/{record['key']}/{reports[0].name}" if reports else ""
    row["not_evaluated"] = _not_evaluated(folder, missing, lang)
    return row


def national_table(
    out_dir: Path, records: Sequence[Mapping[str, Any]], *, lang: str = "en"
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Read every finished region's folder into the national tables.

    Parameters
    ----------
    out_dir
        The country output folder (regions under ``regions/<key>/``).
    records
        One mapping per region: ``key``, ``code``, ``name``, ``status`` (``done``,
        ``reused`` or ``failed``), ``seconds``, ``error``.
    lang
        Language of the reasons in ``not_evaluated`` (``ru`` or ``en``).

    Returns
    -------
    tuple
        The national table (one row per region), all settlements, all municipalities.
    """
    rows, sett, muni = [], [], []
    for record in records:
        folder = out_dir / "regions" / str(record["key"])
        missing: list[str] = []
        s = m = None
        if record["status"] != "failed":
            s = _region_settlements(folder, record, missing)
            m = _region_municipalities(folder, record, missing)
            if s is not None:
                sett.append(s.to_crs("EPSG:4326"))
            if m is not None:
                muni.append(m.to_crs("EPSG:4326"))
        rows.append(_region_row(folder, record, s, m, missing, lang))
    table = _order(pd.DataFrame(rows))
    settlements = _concat(sett)
    municipalities = _concat(muni)
    return table, settlements, municipalities


_COUNT_PREFIXES = ("anchors_", "type_", "outside_")
_FIRST = [
    "key",
    "code",
    "region",
    "status",
    "complete",
    "error",
    "seconds",
    "network",
    "modelled",
]
_COUNTS = ["settlements", "population", "municipalities"]


def _order(table: pd.DataFrame) -> pd.DataFrame:
    """Order the national table's columns by group and make the counts integers."""
    groups = [
        [c for c in _FIRST + _COUNTS if c in table.columns],
        *(sorted(c for c in table.columns if c.startswith(p)) for p in ("anchors_",)),
        [c for c in table.columns if c.startswith("coverage_") and c != "coverage_mean"],
        [c for c in ("coverage_mean",) if c in table.columns],
        *(sorted(c for c in table.columns if c.startswith(p)) for p in ("outside_", "type_")),
    ]
    ordered = [c for g in groups for c in g]
    rest = [c for c in table.columns if c not in ordered]
    table = table[ordered + rest].copy()
    for c in table.columns:
        if c in _COUNTS or c.startswith(_COUNT_PREFIXES):
            table[c] = pd.to_numeric(table[c]).round().astype("Int64")
    return table


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    if not frames:
        return gpd.GeoDataFrame({"region_key": []}, geometry=gpd.GeoSeries([]), crs="EPSG:4326")
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def write_national(
    out_dir: Path, records: Sequence[Mapping[str, Any]], *, lang: str = "ru"
) -> tuple[pd.DataFrame, dict[str, Path]]:
    """Write the national layer of a country run (see the module docstring).

    Parameters
    ----------
    out_dir
        The country output folder.
    records
        One mapping per region (:func:`national_table`).
    lang
        Language of the national page.

    Returns
    -------
    tuple
        The national table and the files written, by kind (:data:`NATIONAL_FILES`).
    """
    table, settlements, municipalities = national_table(out_dir, records, lang=lang)
    paths = {k: out_dir / v.format(lang=lang) for k, v in NATIONAL_FILES.items()}
    table.to_csv(paths["table"], index=False)
    if paths["gpkg"].exists():
        paths["gpkg"].unlink()
    settlements.to_file(paths["gpkg"], layer="settlements", driver="GPKG")
    municipalities.to_file(paths["gpkg"], layer="municipalities", driver="GPKG")
    settlements.to_parquet(paths["settlements"], index=False)
    municipalities.to_parquet(paths["municipalities"], index=False)
    lon = settlements.geometry.x.to_numpy() if len(settlements) else np.array([])
    lat = settlements.geometry.y.to_numpy() if len(settlements) else np.array([])
    points = pd.DataFrame({"key": settlements["region_key"].to_numpy(), "lon": lon, "lat": lat})
    services = {
        k: (n.label_ru if lang == "ru" else n.label_en) for k, n in read_normatives().items()
    }
    write_national_report(paths["report"], table, points, lang=lang, services=services)
    return table, paths
