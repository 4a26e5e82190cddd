"""The national page of a country run: a map of Russia by coverage and a table of regions.

One offline HTML document (inline CSS and SVG, no network), in Russian or English.
Region polygons are not in the data, so each region is drawn as the convex hull of
its settlements, coloured by the share of person-services within the access
standards; each region links to its own report. The table shows one row per region
(:func:`opora.workflow.national.national_table`); a region whose network or
facilities are modelled is badged as such, and a failed region shows its error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from opora._version import __version__
from opora.report._helpers import (
    MISSING_TEXT,
    dots_path,
    fit_projection,
    fmt_coord,
    format_number,
    share_class,
    template_environment,
    to_float,
)
from opora.report._language import language_table
from opora.report.labels import LANGUAGES
from opora.report.labels.national import LABELS
from opora.typology.rules import TYPES

__all__ = ["national_page_data", "render_national_report", "write_national_report"]

#: Radius (SVG units) of a region drawn as a dot (fewer than three distinct places).
_DOT_RADIUS = 4.0
#: Longitudes (east, after wrapping west longitudes past 180°) and latitudes of Russia,
#: with a margin: Kaliningrad at 19.6° E to Chukotka at 169° W (191° E), 41° N to 82° N.
_LON_RANGE = (19.0, 192.0)
_LAT_RANGE = (41.0, 82.5)


def _wrap(lon: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Bring longitudes west of Greenwich to the east (Chukotka crosses the 180th meridian)."""
    return np.where(lon < 0, lon + 360.0, lon)


def _shapes(
    table: pd.DataFrame, points: pd.DataFrame
) -> tuple[list[dict[str, Any]], str, float, float]:
    """Return each region's outline (SVG), the settlement dots, the map width and height."""
    lon_all = _wrap(points["lon"].to_numpy(float))
    lat_all = points["lat"].to_numpy(float)
    ok = np.isfinite(lon_all) & np.isfinite(lat_all)
    # a point outside Russia's extent is a coordinate error of the source (the register
    # puts some Chukotka villages at 17° W): drawn, it would stretch its region across the map
    ok &= (lon_all >= _LON_RANGE[0]) & (lon_all <= _LON_RANGE[1])
    ok &= (lat_all >= _LAT_RANGE[0]) & (lat_all <= _LAT_RANGE[1])
    pts = points[ok]
    lon, lat = lon_all[ok], lat_all[ok]
    projection = fit_projection(lon, lat, lat)
    if projection is None:
        return [], "", 0, 0
    x, y = projection.project(lon, lat)
    xy = pd.DataFrame({"key": pts["key"].astype(str).to_numpy(), "x": x, "y": y})
    shapes = []
    for key, group in xy.groupby("key", sort=True):
        hull = shapely.MultiPoint(group[["x", "y"]].to_numpy()).convex_hull
        shape: dict[str, Any] = {"key": key, "area": float(hull.area)}
        if isinstance(hull, shapely.Polygon):
            ring = hull.exterior.coords
            shape["path"] = "M" + "L".join(f"{fmt_coord(a)} {fmt_coord(b)}" for a, b in ring) + "Z"
        else:
            c = hull.centroid
            shape["cx"], shape["cy"] = fmt_coord(c.x), fmt_coord(c.y)
        shapes.append(shape)
    known = set(table["key"].astype(str)) if "key" in table.columns else set()
    shapes = [s for s in shapes if s["key"] in known]
    shapes.sort(key=lambda s: -s["area"])  # small regions drawn last, on top
    return shapes, dots_path(lon, lat, projection), projection.width, projection.height


def _columns(
    table: pd.DataFrame, t: Mapping[str, str], services: Mapping[str, str]
) -> list[dict[str, str]]:
    """Return the numeric columns shown, in order, with their headers and formats."""
    cols = [
        {"key": "settlements", "head": t["col_settlements"], "fmt": "int"},
        {"key": "population", "head": t["col_population"], "fmt": "int"},
        {"key": "municipalities", "head": t["col_municipalities"], "fmt": "int"},
    ]
    cols += [
        {
            "key": c,
            "head": t["col_anchors"].format(
                level=t.get(f"level_{c.removeprefix('anchors_')}", c.removeprefix("anchors_"))
            ),
            "fmt": "int",
        }
        for c in table.columns
        if c.startswith("anchors_")
    ]
    cols.append({"key": "coverage_mean", "head": t["col_coverage_mean"], "fmt": "float1"})
    for c in table.columns:
        if c.startswith("coverage_") and c != "coverage_mean":
            name = c.removeprefix("coverage_")
            cols.append(
                {
                    "key": c,
                    "head": t["col_coverage"].format(service=services.get(name, name)),
                    "fmt": "float1",
                }
            )
    for c in table.columns:
        if c.startswith("outside_"):
            reason = c.removeprefix("outside_")
            text = t.get(f"reason_{reason}", reason)
            cols.append({"key": c, "head": t["col_outside"].format(reason=text), "fmt": "int"})
    cols.append({"key": "seconds", "head": t["col_seconds"], "fmt": "float1"})
    return [c for c in cols if c["key"] in table.columns]


def _types_text(row: Mapping[Any, Any], lang: str) -> str:
    """Return the municipal type counts of one region, type names in the page's language."""
    parts = []
    for k, v in row.items():
        if str(k).startswith("type_") and to_float(v) is not None:
            key = str(k).removeprefix("type_")
            ru, en = TYPES.get(key, (key, key))
            parts.append(f"{ru if lang == 'ru' else en} {int(v)}")
    return "; ".join(parts)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def national_page_data(
    table: pd.DataFrame,
    points: pd.DataFrame,
    *,
    lang: str = "ru",
    services: Mapping[str, str] | None = None,
    generated: str | None = None,
) -> dict[str, Any]:
    """Return what the national page's template shows.

    Parameters
    ----------
    table
        The national table (one row per region: ``key``, ``region``, ``status`` and
        the columns of :func:`opora.workflow.national.national_table`).
    points
        Settlement points: ``key`` (the region), ``lon``, ``lat``.
    lang
        ``ru`` or ``en``.
    services
        Service key → name in the page's language (default: the keys).
    generated
        Time stamp shown (default: now, UTC).

    Returns
    -------
    dict
        The template context.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not supported.
    """
    t = language_table(LABELS, lang, LANGUAGES, "national page")
    services = services or {}
    shapes, dots, width, height = _shapes(table, points)
    lon, lat = _wrap(points["lon"].to_numpy(float)), points["lat"].to_numpy(float)
    inside = (lon >= _LON_RANGE[0]) & (lon <= _LON_RANGE[1])
    inside &= (lat >= _LAT_RANGE[0]) & (lat <= _LAT_RANGE[1])
    outside = int((np.isfinite(lon) & np.isfinite(lat) & ~inside).sum())
    records = table.to_dict("records")
    by_key = {str(r["key"]): r for r in records}
    for shape in shapes:
        row = by_key[shape["key"]]
        value = row.get("coverage_mean") if row.get("status") != "failed" else None
        shape["css"] = share_class(value)
        shown = format_number(value, "float1", lang) or MISSING_TEXT
        shape["title"] = f"{row['region']}: {shown} %"
        shape["href"] = _text(row.get("report"))
    columns = _columns(table, t, services)
    rows = []
    for r in records:
        network = _text(r.get("network"))
        rows.append(
            {
                "region": r["region"],
                "code": r.get("code", ""),
                "href": _text(r.get("report")),
                "status": t.get(f"status_{r['status']}", r["status"]),
                "failed": r["status"] == "failed",
                "partial": r["status"] != "failed" and r.get("complete") is False,
                "modelled": network.startswith("modelled") or bool(_text(r.get("modelled"))),
                "modelled_tables": _text(r.get("modelled")),
                "css": share_class(r.get("coverage_mean")) if r["status"] != "failed" else "acc-na",
                "cells": [
                    format_number(r.get(c["key"]), c["fmt"], lang) or MISSING_TEXT for c in columns
                ],
                "types": _types_text(r, lang),
                "not_evaluated": _text(r.get("not_evaluated")),
                "error": _text(r.get("error")),
            }
        )
    ok = table[table["status"] != "failed"] if "status" in table.columns else table
    stamp = generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    summary = t["summary"].format(
        total=len(table),
        ok=len(ok),
        failed=len(table) - len(ok),
        settlements=format_number(
            pd.to_numeric(ok.get("settlements", pd.Series(dtype=float))).sum(), "int", lang
        ),
        population=format_number(
            pd.to_numeric(ok.get("population", pd.Series(dtype=float))).sum(), "int", lang
        ),
    )
    return {
        "lang": lang,
        "t": t,
        "title": t["title"],
        "generated": stamp,
        "footer": t["generated_by"].format(version=__version__, generated=stamp),
        "summary": summary,
        "any_modelled": any(r["modelled"] for r in rows),
        "shapes": shapes,
        "dots": dots,
        "width": width,
        "height": height,
        "dot_radius": _DOT_RADIUS,
        "outside_note": t["map_outside"].format(n=outside) if outside else "",
        "columns": columns,
        "rows": rows,
    }


def render_national_report(
    table: pd.DataFrame,
    points: pd.DataFrame,
    *,
    lang: str = "ru",
    services: Mapping[str, str] | None = None,
    generated: str | None = None,
) -> str:
    """Render the national page as one offline HTML document.

    Parameters
    ----------
    table, points, lang, services, generated
        As for :func:`national_page_data`.

    Returns
    -------
    str
        The HTML text.
    """
    data = national_page_data(table, points, lang=lang, services=services, generated=generated)
    return template_environment().get_template("national.html.j2").render(**data)


def write_national_report(
    path: str | Path,
    table: pd.DataFrame,
    points: pd.DataFrame,
    *,
    lang: str = "ru",
    services: Mapping[str, str] | None = None,
    generated: str | None = None,
) -> Path:
    """Render the national page and write it as UTF-8 to ``path``.

    Parameters
    ----------
    path
        Output file; missing parent folders are created.
    table, points, lang, services, generated
        As for :func:`national_page_data`.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    html = render_national_report(table, points, lang=lang, services=services, generated=generated)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
