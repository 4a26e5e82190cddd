"""Single-file, offline HTML report: map, tables, access, economy, strategy, ties, provenance.

The report is one HTML document with all CSS and JavaScript inline and the map drawn
as inline SVG, so it opens from a USB stick or an e-mail attachment with no network.
All data text goes through Jinja2 with autoescaping on; all fixed text comes from
:mod:`opora.report.labels`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol
from urllib.parse import quote

import geopandas as gpd
import jinja2
import markupsafe
import numpy as np
import pandas as pd

from opora._version import __version__
from opora.errors import OporaError
from opora.report.labels import LABELS, LANGUAGES

if TYPE_CHECKING:
    from opora.report.anchors import AnchorSection

__all__ = [
    "ECONOMY_REGION_KEY",
    "RESILIENCE_CLASSES",
    "SHARE_CLASSES",
    "SIZE_CLASSES",
    "TIES_DETACHMENT_COLOURS",
    "TIES_KIND_COLOURS",
    "TIES_MAX_LINES",
    "TYPE_COLOURS",
    "URBAN_TYPES",
    "AccessSection",
    "EconomySection",
    "ProfileColumn",
    "ProfileColumnLike",
    "ReportInputError",
    "ServiceInfo",
    "StrategySection",
    "TiesSection",
    "UnknownLanguageError",
    "format_number",
    "render_report",
    "resilience_class",
    "share_class",
    "size_class",
    "ties_detachment_class",
    "write_report",
]


class UnknownLanguageError(ValueError, OporaError):
    """The report language is not one of those supported (``ru``, ``en``)."""


class ReportInputError(ValueError, OporaError):
    """A table given to the report lacks a column the report needs, or holds a bad value."""


_FORMATS: Final[frozenset[str]] = frozenset({"int", "float1", "pct1", "float2"})


@dataclass(frozen=True)
class ProfileColumn:
    """How one numeric column of the municipality profile is shown in the report.

    Attributes
    ----------
    key
        Column name in the profile table.
    label_ru, label_en
        Column header in Russian and in English.
    unit_ru, unit_en
        Unit shown under the header (``"чел."``, ``"км"``); empty for none.
    fmt
        Number format: ``"int"`` (rounded to a whole number), ``"float1"`` and
        ``"float2"`` (one or two decimals) or ``"pct1"`` (the value is already in
        percent, 0-100, and is shown with one decimal and a ``%`` sign).
    source
        Short source text, shown as the header's tooltip.
    """

    key: str
    label_ru: str
    label_en: str
    unit_ru: str = ""
    unit_en: str = ""
    fmt: str = "float1"
    source: str = ""

    def __post_init__(self) -> None:
        """Reject an unknown number format early, with the column named."""
        if self.fmt not in _FORMATS:
            msg = (
                f"profile column {self.key!r}: unknown format {self.fmt!r}; "
                f"use one of {', '.join(sorted(_FORMATS))}"
            )
            raise ReportInputError(msg)

    def label(self, lang: str) -> str:
        """Return the header text in ``lang`` (``"ru"`` or ``"en"``).

        Parameters
        ----------
        lang
            Report language.

        Returns
        -------
        str
            The column label.
        """
        return self.label_ru if lang == "ru" else self.label_en

    def unit(self, lang: str) -> str:
        """Return the unit text in ``lang`` (``"ru"`` or ``"en"``).

        Parameters
        ----------
        lang
            Report language.

        Returns
        -------
        str
            The unit, possibly empty.
        """
        return self.unit_ru if lang == "ru" else self.unit_en


class ProfileColumnLike(Protocol):
    """Anything with the attributes of :class:`ProfileColumn` (such as ``ProfileField``)."""

    @property
    def key(self) -> str:
        """Column name in the profile table."""

    @property
    def label_ru(self) -> str:
        """Russian header."""

    @property
    def label_en(self) -> str:
        """English header."""

    @property
    def unit_ru(self) -> str:
        """Russian unit."""

    @property
    def unit_en(self) -> str:
        """English unit."""

    @property
    def fmt(self) -> str:
        """Number format."""

    @property
    def source(self) -> str:
        """Source text."""


# --------------------------------------------------------------------------- numbers

_NBSP: Final = "\u00a0"
_MINUS: Final = "\u2212"
MISSING_TEXT: Final = "—"


def _to_float(value: object) -> float | None:
    """Return ``value`` as a finite float, or ``None`` when it is missing or not a number."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        try:
            number = float(value.replace(",", ".").replace(_NBSP, "").replace(" ", ""))
        except ValueError:
            return None
    elif isinstance(value, bool | int | float | np.integer | np.floating):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None


def _group(value: float, decimals: int, lang: str) -> str:
    """Format ``value`` with thousands groups in the style of ``lang``."""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", _NBSP).replace(".", ",")
    negative = value < 0 and any(ch in "123456789" for ch in text)
    return f"{_MINUS}{text}" if negative else text


def format_number(value: object, fmt: str, lang: str) -> str | None:
    """Format a number for display in the report language.

    Russian style groups thousands with a no-break space (U+00A0) and uses a decimal
    comma (``12 345,6``); English style uses a comma and a decimal point
    (``12,345.6``). Negative numbers take a true minus sign (U+2212).

    Parameters
    ----------
    value
        The number; ``None``, ``NA``, ``NaN``, infinities and non-numbers count as missing.
    fmt
        ``"int"``, ``"float1"``, ``"float2"`` or ``"pct1"`` (value in percent, shown
        with one decimal and a ``%`` sign).
    lang
        ``"ru"`` or ``"en"``.

    Returns
    -------
    str or None
        The formatted text, or ``None`` when the value is missing.

    Raises
    ------
    ReportInputError
        If ``fmt`` is not a known format.
    """
    number = _to_float(value)
    if number is None:
        return None
    if fmt == "int":
        return _group(number, 0, lang)
    if fmt == "float1":
        return _group(number, 1, lang)
    if fmt == "float2":
        return _group(number, 2, lang)
    if fmt == "pct1":
        return _group(number, 1, lang) + (f"{_NBSP}%" if lang == "ru" else "%")
    msg = f"unknown number format {fmt!r}; use one of {', '.join(sorted(_FORMATS))}"
    raise ReportInputError(msg)


# --------------------------------------------------------------------------- size classes

#: Size classes of settlements, from the smallest marker to the largest (drawing order).
SIZE_CLASSES: Final[tuple[str, ...]] = (
    "no_data",
    "rural_s",
    "rural_l",
    "city_s",
    "city_m",
    "city_l",
    "city_xl",
)

#: Marker radius of each size class, in SVG units (the map is about 1000 units wide).
_RADIUS: Final[dict[str, float]] = {
    "no_data": 1.6,
    "rural_s": 1.6,
    "rural_l": 2.4,
    "city_s": 3.6,
    "city_m": 5.0,
    "city_l": 6.5,
    "city_xl": 8.5,
}

#: Legend order: towns from the largest down, then rural, then no data.
_LEGEND_ORDER: Final[tuple[str, ...]] = (*reversed(SIZE_CLASSES[1:]), "no_data")

#: Settlement types counted as urban (towns and urban-type settlements), normalised.
URBAN_TYPES: Final[frozenset[str]] = frozenset(
    {
        "г",
        "город",
        "пгт",
        "рп",
        "кп",
        "дп",
        "гп",
        "поселок городского типа",
        "рабочий поселок",
        "курортный поселок",
        "дачный поселок",
        "городской поселок",
    }
)


def _normalise_type(settlement_type: object) -> str:
    """Lower-case a type, drop dots and ``ё``, squeeze spaces: ``"П.г.т."`` → ``"пгт"``."""
    if settlement_type is None or settlement_type is pd.NA:
        return ""
    text = str(settlement_type).strip().lower().replace("ё", "е").replace(".", "")
    return " ".join(text.split())


def size_class(settlement_type: object, population: object) -> str:
    """Return the map size class of a settlement.

    Urban settlements (types in :data:`URBAN_TYPES`: ``г``, ``пгт``, ``рп``, ``кп``,
    ``дп``, ``гп``) are ``city_s`` up to and including 50 000 people, ``city_m`` up
    to 100 000, ``city_l`` up to 250 000 and ``city_xl`` above (the bounds of
    :func:`opora.analysis.size_class`); all other settlements are ``rural_l``
    (1 000 and more) or ``rural_s`` (under 1 000). A settlement without population
    is ``no_data`` whatever its type.

    Parameters
    ----------
    settlement_type
        Settlement type abbreviation as in the register (``г``, ``пгт``, ``с``, ``д``...).
    population
        Number of residents; missing values give ``no_data``.

    Returns
    -------
    str
        One of :data:`SIZE_CLASSES`.
    """
    pop = _to_float(population)
    if pop is None:
        return "no_data"
    if _normalise_type(settlement_type) in URBAN_TYPES:
        if pop > 250_000:
            return "city_xl"
        if pop > 100_000:
            return "city_l"
        if pop > 50_000:
            return "city_m"
        return "city_s"
    return "rural_l" if pop >= 1_000 else "rural_s"


# --------------------------------------------------------------------------- map

_MAP_WIDTH: Final = 1000.0
_MAP_MAX_HEIGHT: Final = 1100.0
_MARGIN: Final = 24.0
_BOTTOM: Final = 34.0  # room for the scale bar
_KM_PER_DEGREE: Final = 111.32
_MAX_LABELS: Final = 12
_MIN_SPAN_DEG: Final = 0.05


def _fmt_coord(value: float) -> str:
    """Round an SVG coordinate to one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _lonlat(frame: Any) -> tuple[np.ndarray[Any, np.dtype[np.float64]], ...]:
    """Return longitude and latitude arrays of a GeoDataFrame's points (NaN when missing)."""
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    if len(frame) == 0 or not hasattr(frame, "geometry"):
        return lon, lat
    geoms = frame.geometry
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    usable = geoms.notna() & ~geoms.is_empty
    points = geoms.where(~usable | (geoms.geom_type == "Point"), geoms.representative_point())
    mask = usable.to_numpy(dtype=bool)
    if mask.any():
        lon[mask] = points[usable].x.to_numpy(dtype=float)
        lat[mask] = points[usable].y.to_numpy(dtype=float)
    return lon, lat


@dataclass(frozen=True)
class _Projection:
    """Equirectangular projection scaled by cos(φ₀), fitted to the SVG viewBox."""

    phi0: float
    kx: float
    x_min: float
    y_max: float
    scale: float
    wrap: bool
    width: float
    height: float

    def project(
        self, lon: np.ndarray[Any, np.dtype[np.float64]], lat: np.ndarray[Any, np.dtype[np.float64]]
    ) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
        """Return SVG x and y of longitudes and latitudes."""
        if self.wrap:
            lon = np.where(lon < 0, lon + 360.0, lon)
        x = _MARGIN + (lon * self.kx - self.x_min) * self.scale
        y = _MARGIN + (self.y_max - lat) * self.scale
        return x, y

    def units_per_km(self) -> float:
        """Return SVG units per kilometre (exact north-south, and east-west at φ₀)."""
        return self.scale / _KM_PER_DEGREE


def _fit_projection(
    lon: np.ndarray[Any, np.dtype[np.float64]],
    lat: np.ndarray[Any, np.dtype[np.float64]],
    phi_lat: np.ndarray[Any, np.dtype[np.float64]],
) -> _Projection | None:
    """Fit the projection to all finite points; ``phi_lat`` gives the mean latitude."""
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return None
    lon, lat = lon[ok], lat[ok]
    wrap = bool(lon.max() - lon.min() > 180.0)  # a region across the 180th meridian (Chukotka)
    if wrap:
        lon = np.where(lon < 0, lon + 360.0, lon)
    finite_phi = phi_lat[np.isfinite(phi_lat)]
    phi0 = float(finite_phi.mean()) if finite_phi.size else float(lat.mean())
    kx = max(math.cos(math.radians(phi0)), 0.05)
    xs = lon * kx
    x_min, x_max = float(xs.min()), float(xs.max())
    y_min, y_max = float(lat.min()), float(lat.max())
    dx, dy = x_max - x_min, y_max - y_min
    if dx < _MIN_SPAN_DEG:
        x_min -= (_MIN_SPAN_DEG - dx) / 2
        dx = _MIN_SPAN_DEG
    if dy < _MIN_SPAN_DEG:
        y_max += (_MIN_SPAN_DEG - dy) / 2
        dy = _MIN_SPAN_DEG
    scale = min((_MAP_WIDTH - 2 * _MARGIN) / dx, (_MAP_MAX_HEIGHT - _MARGIN - _BOTTOM) / dy)
    return _Projection(
        phi0=phi0,
        kx=kx,
        x_min=x_min,
        y_max=y_max,
        scale=scale,
        wrap=wrap,
        width=math.ceil(dx * scale + 2 * _MARGIN),
        height=math.ceil(dy * scale + _MARGIN + _BOTTOM),
    )


def _scale_bar(projection: _Projection, lang: str, t: Mapping[str, str]) -> dict[str, Any]:
    """Choose a round scale-bar length near a fifth of the map width."""
    per_km = projection.units_per_km()
    target_km = (projection.width - 2 * _MARGIN) / 5 / per_km
    exponent = math.floor(math.log10(target_km)) if target_km > 0 else 0
    km = 10.0**exponent
    for step in (5.0, 2.0, 1.0):
        if step * 10.0**exponent <= target_km:
            km = step * 10.0**exponent
            break
    length = km * per_km
    x0 = _MARGIN
    y0 = projection.height - 12
    return {
        "x0": _fmt_coord(x0),
        "x1": _fmt_coord(x0 + length),
        "xm": _fmt_coord(x0 + length / 2),
        "y": _fmt_coord(y0),
        "y_tick": _fmt_coord(y0 - 5),
        "y_text": _fmt_coord(y0 - 8),
        "text": t["map_scale_km"].format(n=format_number(km, "int" if km >= 1 else "float2", lang)),
    }


def _text(value: object) -> str:
    """Return a display string for a possibly missing text value."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`ReportInputError` if ``frame`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{what} table lacks column(s) {', '.join(missing)}"
        raise ReportInputError(msg)


def _build_map(
    settlements: Any,
    municipalities: Any,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Project settlements and municipal centres and prepare the map's SVG elements."""
    _require(settlements, ["settlement_id", "name", "type", "population"], "settlements")
    s_lon, s_lat = _lonlat(settlements)
    if len(municipalities) and hasattr(municipalities, "geometry"):
        _require(municipalities, ["name"], "municipalities")
        upper = (
            municipalities["level"].astype("string").fillna("upper").eq("upper").to_numpy(bool)
            if "level" in municipalities.columns
            else np.ones(len(municipalities), dtype=bool)
        )
        regional = (
            municipalities["is_regional_centre"].fillna(False).astype(bool).to_numpy(bool)
            if "is_regional_centre" in municipalities.columns
            else np.zeros(len(municipalities), dtype=bool)
        )
        centres = municipalities[upper | regional]
        regional = regional[upper | regional]
        m_lon, m_lat = _lonlat(centres)
    else:
        centres = municipalities.iloc[0:0]
        regional = np.zeros(0, dtype=bool)
        m_lon = m_lat = np.zeros(0)

    classes = [
        size_class(tp, pop)
        for tp, pop in zip(settlements["type"], settlements["population"], strict=True)
    ]
    counts = dict.fromkeys(SIZE_CLASSES, 0)
    projection = _fit_projection(
        np.concatenate([s_lon, m_lon]), np.concatenate([s_lat, m_lat]), s_lat
    )
    result: dict[str, Any] = {
        "projection": projection,
        "circles": [],
        "centres": [],
        "labels": [],
        "not_shown": 0,
    }
    if projection is None:
        result["not_shown"] = len(settlements)
        result["legend"] = _legend(counts, 0, 0, t)
        return result

    sx, sy = projection.project(s_lon, s_lat)
    rank = {c: i for i, c in enumerate(SIZE_CLASSES)}
    pops = [_to_float(p) for p in settlements["population"]]
    order = sorted(
        (i for i in range(len(settlements)) if math.isfinite(sx[i]) and math.isfinite(sy[i])),
        key=lambda i: (rank[classes[i]], pops[i] or 0.0),
    )
    result["not_shown"] = len(settlements) - len(order)
    ids = settlements["settlement_id"].tolist()
    names = settlements["name"].tolist()
    types = settlements["type"].tolist()
    oktmos = settlements["oktmo"].tolist() if "oktmo" in settlements.columns else None
    circles = []
    for i in order:
        cls = classes[i]
        counts[cls] += 1
        pop_text = format_number(pops[i], "int", lang)
        tip = [f"{_text(names[i])} ({_text(types[i])})"]
        tip.append(t["tt_population"].format(n=pop_text) if pop_text else t["tt_population_na"])
        if oktmos is not None and _text(oktmos[i]):
            tip.append(f"{t['col_oktmo']} {_text(oktmos[i])}")
        circles.append(
            {
                "id": _text(ids[i]),
                "cls": cls,
                "cx": _fmt_coord(float(sx[i])),
                "cy": _fmt_coord(float(sy[i])),
                "r": _fmt_coord(_RADIUS[cls]),
                "title": "\n".join(tip),
            }
        )
    result["circles"] = circles

    # Labels: the most populous towns (type г), so the map can be read without hovering.
    towns = [
        i for i in order if _normalise_type(types[i]) in {"г", "город"} and pops[i] is not None
    ]
    towns.sort(key=lambda i: -(pops[i] or 0.0))
    labels = []
    for i in towns[:_MAX_LABELS]:
        # Clear the marker and a possible centre square (half-size 4, or 6 for the capital).
        x, y, r = float(sx[i]), float(sy[i]), max(_RADIUS[classes[i]], 6.0)
        right = x < projection.width * 0.8
        labels.append(
            {
                "x": _fmt_coord(x + r + 1.5 if right else x - r - 1.5),
                "y": _fmt_coord(y + 3.5),
                "anchor": "start" if right else "end",
                "text": _text(names[i]),
                "big": classes[i] in {"city_xl", "city_l"},
            }
        )
    result["labels"] = labels

    mx, my = projection.project(m_lon, m_lat)
    centre_rows: list[dict[str, Any]] = []
    n_regional = 0
    centre_names = centres["centre_name"].tolist() if "centre_name" in centres.columns else None
    centre_list = centres["name"].tolist() if "name" in centres.columns else []
    for j, name in enumerate(centre_list):
        if not (math.isfinite(mx[j]) and math.isfinite(my[j])):
            continue
        is_reg = bool(regional[j])
        n_regional += is_reg
        half = 6.0 if is_reg else 4.0
        tip = []
        if centre_names is not None and _text(centre_names[j]):
            tip.append(_text(centre_names[j]))
        tip.append(t["tt_centre"].format(municipality=_text(name)))
        if is_reg:
            tip.append(t["tt_regional_centre"])
        centre_rows.append(
            {
                "x": _fmt_coord(float(mx[j]) - half),
                "y": _fmt_coord(float(my[j]) - half),
                "size": _fmt_coord(2 * half),
                "regional": is_reg,
                "title": "\n".join(tip),
            }
        )
    # Regional centre last, so it is drawn on top.
    centre_rows.sort(key=lambda c: bool(c["regional"]))
    result["centres"] = centre_rows
    result["legend"] = _legend(counts, len(centre_rows) - n_regional, n_regional, t)
    result["scale_bar"] = _scale_bar(projection, lang, t)
    result["caption"] = t["map_caption"].format(lat=_phi_text(projection.phi0, lang))
    return result


def _phi_text(phi0: float, lang: str) -> str:
    """Return φ₀ as text with one decimal and a degree sign."""
    text = f"{phi0:.1f}"
    if lang == "ru":
        text = text.replace(".", ",")
    return f"{text}°"


def _legend(
    counts: Mapping[str, int], n_centres: int, n_regional: int, t: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Return the legend entries with their counts."""
    items: list[dict[str, Any]] = [
        {
            "kind": "circle",
            "cls": cls,
            "label": t[f"cls_{cls}"],
            "count": counts[cls],
            "r": _fmt_coord(_RADIUS[cls]),
        }
        for cls in _LEGEND_ORDER
    ]
    items.append(
        {"kind": "centre", "cls": "centre", "label": t["legend_centre"], "count": n_centres}
    )
    if n_regional:
        items.append(
            {
                "kind": "regional",
                "cls": "regional",
                "label": t["legend_regional_centre"],
                "count": n_regional,
            }
        )
    return items


# --------------------------------------------------------------------------- tables

_SUMMARY_BASE: Final[tuple[str, ...]] = ("read", "kept", "repaired", "rejected", "flagged")
_PROVENANCE_COLUMNS: Final[tuple[str, ...]] = (
    "table",
    "source",
    "licence",
    "date",
    "kind",
    "detail",
)


def _cell(value: object, fmt: str, lang: str) -> dict[str, Any]:
    """Return one numeric table cell: shown text, sort value, missing flag."""
    number = _to_float(value)
    text = format_number(number, fmt, lang)
    if number is None or text is None:
        return {"text": MISSING_TEXT, "v": "", "missing": True}
    return {"text": text, "v": repr(number), "missing": False}


def _build_profile(
    profile: pd.DataFrame, columns: Sequence[ProfileColumnLike], lang: str
) -> dict[str, Any]:
    """Prepare the municipality table's header and rows."""
    _require(profile, ["oktmo", "name", *(c.key for c in columns)], "profile")
    for c in columns:
        if c.fmt not in _FORMATS:
            msg = (
                f"profile column {c.key!r}: unknown format {c.fmt!r}; "
                f"use one of {', '.join(sorted(_FORMATS))}"
            )
            raise ReportInputError(msg)
    headers = [
        {
            "label": c.label_ru if lang == "ru" else c.label_en,
            "unit": c.unit_ru if lang == "ru" else c.unit_en,
            "source": c.source,
        }
        for c in columns
    ]
    values = {c.key: profile[c.key].tolist() for c in columns}
    rows = [
        {
            "oktmo": _text(oktmo),
            "name": _text(name),
            "cells": [_cell(values[c.key][i], c.fmt, lang) for c in columns],
        }
        for i, (oktmo, name) in enumerate(
            zip(profile["oktmo"].tolist(), profile["name"].tolist(), strict=True)
        )
    ]
    return {"headers": headers, "rows": rows}


def _build_summary(
    summary: Sequence[Mapping[str, object]], lang: str, t: Mapping[str, str]
) -> dict[str, Any]:
    """Prepare the import summary table: the five base counts plus any extra keys."""
    extra: list[str] = []
    for row in summary:
        for key in row:
            if key != "source" and key not in _SUMMARY_BASE and key not in extra:
                extra.append(key)
    keys = [*_SUMMARY_BASE, *extra]
    headers = [t.get(f"col_{k}", k) if k in _SUMMARY_BASE else k for k in keys]
    rows = []
    for row in summary:
        cells = []
        for key in keys:
            value = row.get(key)
            number = _to_float(value) if not isinstance(value, str) else None
            if number is not None:
                cells.append(_cell(number, "int", lang))
            elif _text(value):
                cells.append({"text": _text(value), "v": "", "missing": False})
            else:
                cells.append({"text": MISSING_TEXT, "v": "", "missing": True})
        rows.append({"source": _text(row.get("source")), "cells": cells})
    return {"headers": headers, "rows": rows}


def _build_provenance(provenance: pd.DataFrame) -> dict[str, Any]:
    """Prepare the provenance rows, the modelled tables and the attribution list."""
    if len(provenance):
        _require(provenance, ["table", "source", "licence", "kind"], "provenance")
    rows = []
    modelled: list[dict[str, str]] = []
    attribution: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for record in provenance.to_dict("records"):
        row = {col: _text(record.get(col)) for col in _PROVENANCE_COLUMNS}
        row["modelled"] = "1" if row["kind"].lower() == "modelled" else ""
        rows.append(row)
        if row["modelled"] and all(m["table"] != row["table"] for m in modelled):
            modelled.append({"table": row["table"], "source": row["source"]})
        pair = (row["source"], row["licence"])
        if row["source"] and pair not in seen:
            seen.add(pair)
            attribution.append({"source": row["source"], "licence": row["licence"]})
    return {"rows": rows, "modelled": modelled, "attribution": attribution}


def _key_figures(settlements: Any, municipalities: Any, lang: str) -> list[dict[str, str]]:
    """Return the headline numbers shown under the title."""
    pops = [_to_float(p) for p in settlements["population"]]
    total = sum(p for p in pops if p is not None)
    towns = sum(_normalise_type(tp) in URBAN_TYPES for tp in settlements["type"])
    if "level" in municipalities.columns:
        n_upper = int(municipalities["level"].astype("string").eq("upper").fillna(False).sum())
    else:
        n_upper = len(municipalities)
    figures = [
        ("kf_settlements", len(settlements)),
        ("kf_population", total),
        ("kf_towns", towns),
        ("kf_municipalities", n_upper),
        ("kf_no_population", sum(p is None for p in pops)),
    ]
    return [{"value": format_number(v, "int", lang) or MISSING_TEXT, "key": k} for k, v in figures]


# --------------------------------------------------------------------------- accessibility


@dataclass(frozen=True)
class ServiceInfo:
    """One kind of service of the accessibility section and its travel-time standard.

    Attributes
    ----------
    key
        Service key, as used in the columns and ``service`` values of the
        :class:`AccessSection` tables (``"school"``, ``"kindergarten"``,
        ``"doctors"``, ``"clinic"``, ``"hospital"``, ``"pharmacy"``,
        ``"post_office"``, ``"library"``, ``"community_centre"``,
        ``"public_services"``...).
    label_ru, label_en
        Service name in Russian and in English.
    max_minutes
        The travel-time standard: the longest acceptable time to the nearest
        facility, in minutes (finite and positive).
    """

    key: str
    label_ru: str
    label_en: str
    max_minutes: float

    def __post_init__(self) -> None:
        """Reject a standard that is not a finite positive number of minutes."""
        minutes = _to_float(self.max_minutes)
        if minutes is None or minutes <= 0:
            msg = (
                f"service {self.key!r}: max_minutes must be a positive number of minutes, "
                f"got {self.max_minutes!r}"
            )
            raise ReportInputError(msg)

    def label(self, lang: str) -> str:
        """Return the service name in ``lang`` (``"ru"`` or ``"en"``).

        Parameters
        ----------
        lang
            Report language.

        Returns
        -------
        str
            The service name.
        """
        return self.label_ru if lang == "ru" else self.label_en


@dataclass(frozen=True, eq=False)
class AccessSection:
    """Data of the report's optional accessibility section.

    Instances compare by identity (``eq=False``): comparing data frames element by
    element has no single truth value.

    Attributes
    ----------
    services
        The services shown, in display order; keys must be unique.
    municipal_shares
        One row per municipality: ``oktmo``, ``name``, ``population`` and one column
        per service key holding the share of the population (0-100, in percent)
        within that service's standard; NaN where unknown.
    region_shares
        One row per service: ``service`` (key), ``within_standard_pct`` (0-100),
        ``population_outside`` and ``unreachable_settlements``. A service without a
        row is shown with missing values.
    worst
        The worst-served settlements: ``settlement_id``, ``name``, ``municipality``,
        ``population``, ``service`` (key), ``minutes`` (NaN or infinite when no
        facility can be reached), ``lon`` and ``lat`` (EPSG:4326; when missing, the settlement's own
        point is used).
    isolated
        Settlements cut off in a seasonal network state: ``settlement_id``,
        ``name``, ``municipality``, ``population``, ``state`` (``"winter"`` or
        ``"thaw"``) and ``reason`` (free text).
    network_note_ru, network_note_en
        How the road network and facilities were obtained, in Russian and English.
    modelled
        Whether the network and/or the facilities are modelled; the section then
        carries a prominent "modelled" badge.
    """

    services: list[ServiceInfo]
    municipal_shares: pd.DataFrame
    region_shares: pd.DataFrame
    worst: pd.DataFrame
    isolated: pd.DataFrame
    network_note_ru: str
    network_note_en: str
    modelled: bool


#: Colour classes of a within-standard share, from the best to the worst, then missing.
SHARE_CLASSES: Final[tuple[str, ...]] = ("acc-hi", "acc-mid", "acc-lo", "acc-na")

_SHARE_HI: Final = 95.0
_SHARE_MID: Final = 80.0

#: Marker colour of each service, by its position in :attr:`AccessSection.services`
#: (Paul Tol's "muted" scheme, which stays distinct under colour-vision deficiency,
#: then Tol's orange). None is black: a black ring marks an unreachable facility.
_SERVICE_COLOURS: Final[tuple[str, ...]] = (
    "#332288",
    "#88ccee",
    "#44aa99",
    "#117733",
    "#999933",
    "#ddcc77",
    "#cc6677",
    "#882255",
    "#aa4499",
    "#ee7733",
)

_WORST_RADIUS: Final = 7.0
_STATES: Final[tuple[str, ...]] = ("winter", "thaw")


def share_class(value: object) -> str:
    """Return the colour class of a population share within the standard.

    The share is first rounded to one decimal, as shown in the report, so that a
    cell reading ``95,0 %`` is never coloured as below 95 %.

    Parameters
    ----------
    value
        Share of the population within the standard, in percent (0-100); missing
        values (``None``, ``NA``, NaN) are allowed.

    Returns
    -------
    str
        ``"acc-hi"`` for 95 % and more, ``"acc-mid"`` for 80 % up to 95 %,
        ``"acc-lo"`` under 80 % and ``"acc-na"`` when the value is missing.
    """
    number = _to_float(value)
    if number is None:
        return "acc-na"
    shown = round(number, 1)
    if shown >= _SHARE_HI:
        return "acc-hi"
    if shown >= _SHARE_MID:
        return "acc-mid"
    return "acc-lo"


def _minutes_text(value: float | None, lang: str, t: Mapping[str, str]) -> str:
    """Return a travel time as ``"42 мин"``, or the "unreachable" label when missing."""
    text = format_number(value, "int", lang)
    return t["acc_unreachable"] if text is None else t["acc_minutes"].format(n=text)


def _standard_text(minutes: float, lang: str, t: Mapping[str, str]) -> str:
    """Return a standard as ``"≤ 30 мин"`` (one decimal only when it is not whole)."""
    fmt = "int" if float(minutes).is_integer() else "float1"
    return t["acc_standard"].format(n=format_number(minutes, fmt, lang))


def _minutes_cell(value: object, lang: str, t: Mapping[str, str]) -> dict[str, Any]:
    """Return a travel-time cell; an unreachable one sorts after every finite time."""
    number = _to_float(value)
    if number is None:
        return {"text": t["acc_unreachable"], "v": "Infinity", "missing": False, "unr": True}
    return {
        "text": format_number(number, "int", lang),
        "v": repr(number),
        "missing": False,
        "unr": False,
    }


def _service_lookup(
    services: Sequence[ServiceInfo], values: Iterable[object], what: str
) -> list[int]:
    """Return the position in ``services`` of each service key in ``values``."""
    index = {s.key: i for i, s in enumerate(services)}
    positions = []
    for value in values:
        key = _text(value)
        if key not in index:
            msg = f"{what} table names service {key!r}, which is not in the section's services"
            raise ReportInputError(msg)
        positions.append(index[key])
    return positions


def _access_base_path(lon: Any, lat: Any, projection: _Projection) -> str:
    """Return one SVG path drawing every settlement as a dot (one ``M x y h0`` each).

    Coordinates are rounded to whole units and repeated positions dropped, which
    keeps the path small even for thousands of settlements.
    """
    x, y = projection.project(lon, lat)
    ok = np.isfinite(x) & np.isfinite(y)
    points = np.unique(np.column_stack([np.rint(x[ok]), np.rint(y[ok])]).astype(np.int64), axis=0)
    return "".join(f"M{px} {py}h0" for px, py in points.tolist())


def _build_worst(
    access: AccessSection,
    settlements: Any,
    projection: _Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare the worst-served map (base dots, coloured markers, legend) and table."""
    worst = access.worst
    services = access.services
    _require(
        worst,
        ["settlement_id", "name", "municipality", "population", "service", "minutes"],
        "worst-served",
    )
    positions = _service_lookup(services, worst["service"].tolist(), "worst-served")
    ids = [_text(v) for v in worst["settlement_id"].tolist()]
    lon = np.array(
        [_to_float(v) for v in worst["lon"]] if "lon" in worst.columns else [None] * len(worst),
        dtype=float,
    )
    lat = np.array(
        [_to_float(v) for v in worst["lat"]] if "lat" in worst.columns else [None] * len(worst),
        dtype=float,
    )
    s_lon, s_lat = _lonlat(settlements)
    gaps = ~(np.isfinite(lon) & np.isfinite(lat))
    if gaps.any() and len(settlements):
        where = {sid: i for i, sid in enumerate(_text(v) for v in settlements["settlement_id"])}
        for gap in np.flatnonzero(gaps).tolist():
            i = where.get(ids[gap])
            if i is not None:
                lon[gap], lat[gap] = s_lon[i], s_lat[i]

    names = worst["name"].tolist()
    munis = worst["municipality"].tolist()
    pops = worst["population"].tolist()
    minutes = [_to_float(v) for v in worst["minutes"]]
    rows: list[dict[str, Any]] = []
    for k in range(len(worst)):
        service = services[positions[k]]
        rows.append(
            {
                "name": _text(names[k]),
                "municipality": _text(munis[k]),
                "service": service.label(lang),
                "population": _cell(pops[k], "int", lang),
                "minutes": _minutes_cell(minutes[k], lang, t),
                "standard": _standard_text(service.max_minutes, lang, t),
                "colour": _SERVICE_COLOURS[positions[k] % len(_SERVICE_COLOURS)],
            }
        )

    result: dict[str, Any] = {
        "rows": rows,
        "groups": [],
        "legend": [],
        "not_shown": 0,
        "r": _fmt_coord(_WORST_RADIUS),
    }
    if projection is None:
        result["base"] = ""
        result["not_shown"] = len(worst)
        return result
    result["base"] = _access_base_path(s_lon, s_lat, projection)
    wx, wy = projection.project(lon, lat)
    shown = np.isfinite(wx) & np.isfinite(wy)
    result["not_shown"] = int((~shown).sum())
    groups: list[dict[str, Any]] = []
    for j, service in enumerate(services):
        members = [k for k in range(len(worst)) if positions[k] == j and shown[k]]
        # Unreachable ones last, so their black rings stay visible.
        members.sort(key=lambda k: minutes[k] is None)
        circles = []
        for k in members:
            tip: list[str] = [rows[k]["name"]]
            if rows[k]["municipality"]:
                tip.append(rows[k]["municipality"])
            pop_text = format_number(pops[k], "int", lang)
            tip.append(t["tt_population"].format(n=pop_text) if pop_text else t["tt_population_na"])
            tip.append(
                t["acc_tt_service"].format(
                    service=rows[k]["service"],
                    minutes=_minutes_text(minutes[k], lang, t),
                    standard=rows[k]["standard"],
                )
            )
            circles.append(
                {
                    "id": ids[k],
                    "cx": _fmt_coord(float(wx[k])),
                    "cy": _fmt_coord(float(wy[k])),
                    "unr": minutes[k] is None,
                    "title": "\n".join(tip),
                }
            )
        colour = _SERVICE_COLOURS[j % len(_SERVICE_COLOURS)]
        if circles:
            groups.append({"key": service.key, "colour": colour, "circles": circles})
        result["legend"].append(
            {
                "key": service.key,
                "label": service.label(lang),
                "colour": colour,
                "count": len(circles),
            }
        )
    result["groups"] = groups
    return result


def _build_access(
    access: AccessSection,
    settlements: Any,
    projection: _Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare every part of the accessibility section for the template."""
    services = list(access.services)
    keys = [s.key for s in services]
    if len(set(keys)) != len(keys):
        msg = f"accessibility services have repeated keys: {', '.join(keys)}"
        raise ReportInputError(msg)

    region = access.region_shares
    _require(
        region,
        ["service", "within_standard_pct", "population_outside", "unreachable_settlements"],
        "region shares",
    )
    positions = _service_lookup(services, region["service"].tolist(), "region shares")
    if len(set(positions)) != len(positions):
        msg = "region shares table has more than one row for a service"
        raise ReportInputError(msg)
    by_service = dict(zip(positions, region.to_dict("records"), strict=True))
    region_rows = []
    for j, service in enumerate(services):
        record = by_service.get(j, {})
        within = record.get("within_standard_pct")
        cell = _cell(within, "pct1", lang)
        cell["cls"] = share_class(within)
        region_rows.append(
            {
                "key": service.key,
                "label": service.label(lang),
                "standard": _standard_text(service.max_minutes, lang, t),
                "standard_v": repr(float(service.max_minutes)),
                "within": cell,
                "outside": _cell(record.get("population_outside"), "int", lang),
                "unreachable": _cell(record.get("unreachable_settlements"), "int", lang),
            }
        )

    shares = access.municipal_shares
    _require(shares, ["oktmo", "name", "population", *keys], "municipal shares")
    values = {k: shares[k].tolist() for k in keys}
    muni_rows = []
    for i, (oktmo, name, pop) in enumerate(
        zip(
            shares["oktmo"].tolist(),
            shares["name"].tolist(),
            shares["population"].tolist(),
            strict=True,
        )
    ):
        cells = []
        for k in keys:
            cell = _cell(values[k][i], "pct1", lang)
            cell["cls"] = share_class(values[k][i])
            cells.append(cell)
        muni_rows.append(
            {
                "oktmo": _text(oktmo),
                "name": _text(name),
                "population": _cell(pop, "int", lang),
                "cells": cells,
            }
        )
    muni_headers = [
        {"key": s.key, "label": s.label(lang), "unit": _standard_text(s.max_minutes, lang, t)}
        for s in services
    ]

    isolated = access.isolated
    _require(isolated, ["name", "municipality", "population", "state", "reason"], "isolated")
    isolated_rows = []
    for record in isolated.to_dict("records"):
        state = _text(record.get("state"))
        isolated_rows.append(
            {
                "id": _text(record.get("settlement_id")),
                "name": _text(record.get("name")),
                "municipality": _text(record.get("municipality")),
                "population": _cell(record.get("population"), "int", lang),
                "state": t[f"acc_state_{state}"] if state in _STATES else state,
                "state_key": state,
                "reason": _text(record.get("reason")),
            }
        )

    scale = [
        {"cls": "acc-hi", "label": t["acc_scale_hi"]},
        {"cls": "acc-mid", "label": t["acc_scale_mid"]},
        {"cls": "acc-lo", "label": t["acc_scale_lo"]},
        {"cls": "acc-na", "label": t["acc_scale_na"]},
    ]
    return {
        "note": access.network_note_ru if lang == "ru" else access.network_note_en,
        "modelled": bool(access.modelled),
        "region_rows": region_rows,
        "muni_headers": muni_headers,
        "muni_rows": muni_rows,
        "scale": scale,
        "worst": _build_worst(access, settlements, projection, lang, t),
        "isolated": isolated_rows,
    }


# --------------------------------------------------------------------------- economy

#: ``oktmo`` value of the region-level rows of :attr:`EconomySection.sector_shares`.
ECONOMY_REGION_KEY: Final = "region"


@dataclass(frozen=True, eq=False)
class EconomySection:
    """Data of the report's optional economy section.

    Instances compare by identity (``eq=False``): comparing data frames element by
    element has no single truth value.

    Attributes
    ----------
    columns
        How each column of ``table`` is labelled and formatted, in display order
        (:class:`ProfileColumn` objects or any objects with the same attributes;
        ``fmt`` is ``"int"``, ``"float1"``, ``"float2"`` or ``"pct1"``). A column
        whose values are strings (such as ``top_lq``, ``"P 1,8; Q 1,5; O 1,3"``) is
        shown as text and sorted as text; ``fmt`` is then not used.
    table
        One row per municipality: ``oktmo``, ``name`` and the columns named in
        ``columns`` (for example ``budget_sector_employment``,
        ``own_revenue_share``, ``social_share``, ``diversity_entropy``, ``eci``,
        ``top_lq``). Missing values are shown as «—».
    reasons
        Why values of ``table`` are missing: ``oktmo``, ``column`` (a column key;
        a column named ``key`` is accepted too) and ``reason`` (free text), shown
        as the tooltip of the missing cell. May be empty.
    sector_shares
        Long table ``oktmo``, ``section`` (OKVED section letter, ``A``-``U``) and
        ``share`` (0-1) of employment; region-level rows have ``oktmo`` equal to
        :data:`ECONOMY_REGION_KEY` (``"region"``). At most one row per ``oktmo``
        and section.
    section_labels
        OKVED section letter → (Russian name, English name).
    trends
        Long table ``oktmo``, ``series`` (series key), ``year`` (whole number) and
        ``value``; at most one row per ``oktmo``, series and year. The reference
        line of each chart is the median over the municipalities, so rows with
        ``oktmo`` equal to :data:`ECONOMY_REGION_KEY` are left out.
    trend_labels
        Series key → (Russian label, English label, unit); series come in this
        order, then any others in the order they first appear in ``trends``.
    candidates
        Specialisation candidates: ``oktmo``, ``rank``, ``candidate`` (key),
        ``score``, ``why_ru`` and ``why_en`` (why the candidate was chosen).
    candidate_labels
        Candidate key → (Russian label, English label), for example
        ``"tourism": ("туризм", "tourism")``; a key without labels is shown as is.
    note_ru, note_en
        What the data are (for example employment of large and medium
        organisations in 2023, cells suppressed by Rosstat), in Russian and English.
    """

    columns: Sequence[ProfileColumnLike]
    table: pd.DataFrame
    reasons: pd.DataFrame
    sector_shares: pd.DataFrame
    section_labels: Mapping[str, tuple[str, str]]
    trends: pd.DataFrame
    trend_labels: Mapping[str, tuple[str, str, str]]
    candidates: pd.DataFrame
    candidate_labels: Mapping[str, tuple[str, str]]
    note_ru: str
    note_en: str


# Sector chart geometry, in SVG units (the chart is scaled to the page width).
_SEC_WIDTH: Final = 860.0
_SEC_LABEL_W: Final = 312.0  # labels are clipped to this width, whatever the font
_SEC_X0: Final = 320.0
_SEC_PLOT_W: Final = 470.0
_SEC_TOP: Final = 26.0
_SEC_ROW: Final = 26.0
_SEC_BAR: Final = 9.0
_SEC_GAP: Final = 1.0
_SEC_NAME_CHARS: Final = 42

# Trend chart geometry.
_TR_WIDTH: Final = 320.0
_TR_HEIGHT: Final = 190.0
_TR_X0: Final = 56.0
_TR_PLOT_W: Final = 250.0
_TR_Y0: Final = 12.0
_TR_PLOT_H: Final = 146.0
_TR_MAX_YEAR_LABELS: Final = 7
_TR_DOT: Final = 2.6

_NICE_STEPS: Final[tuple[float, ...]] = (1.0, 2.0, 2.5, 5.0, 10.0)


def _nice_scale(low: float, high: float, intervals: int = 4) -> tuple[float, float, float]:
    """Return round axis bounds and step ``(low, high, step)`` covering ``low..high``.

    The report's JavaScript repeats this computation (``niceScale``) when it
    rescales a trend chart, so that both give the same axis.
    """
    if high - low <= 0:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / intervals
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = magnitude * 10.0
    for m in _NICE_STEPS:
        if m * magnitude >= raw * (1 - 1e-9):
            step = m * magnitude
            break
    return (
        math.floor(low / step + 1e-9) * step,
        math.ceil(high / step - 1e-9) * step,
        step,
    )


def _step_decimals(step: float) -> int:
    """Return how many decimals show every multiple of ``step`` exactly (at most 6)."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return decimals


def _ticks(low: float, high: float, step: float) -> list[float]:
    """Return the multiples of ``step`` from ``low`` to ``high``."""
    count = round((high - low) / step)
    return [low + i * step + 0.0 for i in range(count + 1)]


def _fixed(value: float, decimals: int, lang: str) -> str:
    """Format ``value`` with exactly ``decimals`` decimals in the style of ``lang``."""
    if abs(value) < 0.5 * 10.0**-decimals:
        value = 0.0
    return _group(value, decimals, lang)


def _value_text(value: float, lang: str) -> str:
    """Format a trend value: no decimals from 100 up, one from 10 up, two below."""
    size = abs(value)
    return _fixed(value, 0 if size >= 100 else 1 if size >= 10 else 2, lang)


def _share_text(share: float, lang: str) -> str:
    """Format a share (0-1) as percent with one decimal: ``12,3 %`` / ``12.3%``."""
    return format_number(share * 100.0, "pct1", lang) or MISSING_TEXT


def _compact(value: float | None) -> float | int | None:
    """Round a value to six significant digits for the embedded JSON."""
    if value is None:
        return None
    rounded = float(f"{value:.6g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _script_json(data: object) -> markupsafe.Markup:
    """Return ``data`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return markupsafe.Markup(text)  # noqa: S704 - '<', '>' and '&' are escaped above


def _floats(values: pd.Series) -> list[float | None]:
    """Return the values of a column as finite floats or ``None`` (fast for numeric columns)."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        array = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(array)
        return [v if k else None for v, k in zip(array.tolist(), ok.tolist(), strict=True)]
    return [_to_float(v) for v in values.tolist()]


def _number_cell(value: object, fmt: str, lang: str, title: str) -> dict[str, Any]:
    """Return a numeric cell with a compact sort key and the tooltip used when missing."""
    number = _to_float(value)
    text = format_number(number, fmt, lang)
    if number is None or text is None:
        return {"text": MISSING_TEXT, "v": "", "missing": True, "text_cell": False, "title": title}
    # Six significant digits sort the same as the shown values, at half the size.
    return {"text": text, "v": f"{number:.6g}", "missing": False, "text_cell": False, "title": ""}


def _economy_reasons(reasons: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Return the reason of each missing value, by ``(oktmo, column)``."""
    if not len(reasons):
        return {}
    key = "column" if "column" in reasons.columns or "key" not in reasons.columns else "key"
    _require(reasons, ["oktmo", key, "reason"], "economy reasons")
    result: dict[tuple[str, str], str] = {}
    for oktmo, column, reason in zip(
        reasons["oktmo"].tolist(),
        reasons[key].tolist(),
        reasons["reason"].tolist(),
        strict=True,
    ):
        text = _text(reason)
        if text:
            pair = (_text(oktmo), _text(column))
            result[pair] = f"{result[pair]}; {text}" if pair in result else text
    return result


def _economy_table(
    economy: EconomySection, lang: str, t: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Prepare the economy table's header and rows (missing cells carry the reason)."""
    table = economy.table
    columns = list(economy.columns)
    _require(table, ["oktmo", "name", *(c.key for c in columns)], "economy")
    for c in columns:
        if c.fmt not in _FORMATS:
            msg = (
                f"economy column {c.key!r}: unknown format {c.fmt!r}; "
                f"use one of {', '.join(sorted(_FORMATS))}"
            )
            raise ReportInputError(msg)
    reasons = _economy_reasons(economy.reasons)
    values = {c.key: table[c.key].tolist() for c in columns}
    is_text = {c.key: any(isinstance(v, str) for v in values[c.key]) for c in columns}
    headers = [
        {
            "label": c.label_ru if lang == "ru" else c.label_en,
            "unit": c.unit_ru if lang == "ru" else c.unit_en,
            "source": c.source,
            "text": is_text[c.key],
        }
        for c in columns
    ]
    rows = []
    for i, (oktmo, name) in enumerate(
        zip(table["oktmo"].tolist(), table["name"].tolist(), strict=True)
    ):
        code = _text(oktmo)
        cells = []
        for c in columns:
            reason = reasons.get((code, c.key))
            title = t["eco_no_data_reason"].format(reason=reason) if reason else t["no_data"]
            value = values[c.key][i]
            if is_text[c.key]:
                text = _text(value)
                cells.append(
                    {
                        "text": text or MISSING_TEXT,
                        "v": "",
                        "missing": not text,
                        "text_cell": True,
                        "title": title,
                    }
                )
            else:
                cells.append(_number_cell(value, c.fmt, lang, title))
        rows.append({"oktmo": code, "name": _text(name), "cells": cells})
    return headers, rows


def _economy_sectors(
    economy: EconomySection, lang: str, t: Mapping[str, str]
) -> tuple[dict[str, Any], list[str], dict[str, list[int | None]]]:
    """Prepare the sector chart (region bars drawn) and the municipalities' shares.

    Returns the chart, the section letters in chart order and, per municipality,
    its shares in tenths of a percent (``None`` where missing) for the JSON.
    """
    frame = economy.sector_shares
    shares: dict[tuple[str, str], float | None] = {}
    if len(frame):
        _require(frame, ["oktmo", "section", "share"], "sector shares")
        for oktmo, section, number in zip(
            frame["oktmo"].tolist(),
            frame["section"].tolist(),
            _floats(frame["share"]),
            strict=True,
        ):
            key = (_text(oktmo), _text(section).upper())
            if not key[1]:
                msg = f"sector shares table has a row of {key[0]!r} without a section"
                raise ReportInputError(msg)
            if key in shares:
                msg = f"sector shares table has more than one row for {key[0]!r}, {key[1]!r}"
                raise ReportInputError(msg)
            if number is not None and not 0.0 <= number <= 1.0 + 1e-9:
                msg = (
                    f"sector share of {key[0]!r}, {key[1]!r} is {number:g}: "
                    "shares must lie within 0-1 (not percent)"
                )
                raise ReportInputError(msg)
            shares[key] = number
    letters = sorted({section for _, section in shares})
    finite = [v for v in shares.values() if v is not None]
    top = max(finite, default=0.0)
    x_max = _nice_scale(0.0, top, 5)[1] if top > 0 else 0.1
    x_max = min(x_max, 1.0)
    step = _nice_scale(0.0, x_max, 5)[2]
    decimals = _step_decimals(step * 100.0)
    ticks = [
        {
            "x": _fmt_coord(_SEC_X0 + tick / x_max * _SEC_PLOT_W),
            "text": _fixed(tick * 100.0, decimals, lang) + ("\u00a0%" if lang == "ru" else "%"),
        }
        for tick in _ticks(0.0, x_max, step)
    ]
    region_label = t["eco_legend_region"]
    rows = []
    for i, letter in enumerate(letters):
        names = economy.section_labels.get(letter)
        name = (names[0] if lang == "ru" else names[1]) if names else ""
        short = name if len(name) <= _SEC_NAME_CHARS else name[: _SEC_NAME_CHARS - 1] + "…"
        y = _SEC_TOP + i * _SEC_ROW
        row: dict[str, Any] = {
            "letter": letter,
            "name": name,
            "short": short,
            "y": _fmt_coord(y),
            "y_reg": _fmt_coord(y + 3),
            "y_mun": _fmt_coord(y + 3 + _SEC_BAR + _SEC_GAP),
            "y_reg_text": _fmt_coord(y + 3 + _SEC_BAR - 1),
            "y_mun_text": _fmt_coord(y + 3 + 2 * _SEC_BAR + _SEC_GAP - 1),
            "region": None,
        }
        value = shares.get((ECONOMY_REGION_KEY, letter))
        if value is not None:
            width = value / x_max * _SEC_PLOT_W
            text = _share_text(value, lang)
            row["region"] = {
                "w": _fmt_coord(width),
                "x_text": _fmt_coord(_SEC_X0 + width + 4),
                "text": text,
                "title": t["eco_tt_share"].format(name=region_label, value=text),
            }
        rows.append(row)
    chart = {
        "rows": rows,
        "ticks": ticks,
        "width": _fmt_coord(_SEC_WIDTH),
        "height": _fmt_coord(_SEC_TOP + len(letters) * _SEC_ROW + 4),
        "x0": _fmt_coord(_SEC_X0),
        "pw": _fmt_coord(_SEC_PLOT_W),
        "max": repr(x_max),
        "grid_y0": _fmt_coord(_SEC_TOP - 2),
        "grid_y1": _fmt_coord(_SEC_TOP + len(letters) * _SEC_ROW),
        "tick_y": _fmt_coord(_SEC_TOP - 8),
        "label_w": _fmt_coord(_SEC_LABEL_W),
        "row_h": _fmt_coord(_SEC_ROW),
        "bar_h": _fmt_coord(_SEC_BAR),
        "has_region": any(r["region"] is not None for r in rows),
    }
    munis: dict[str, list[int | None]] = {}
    for oktmo in dict.fromkeys(o for o, _ in shares):
        if oktmo == ECONOMY_REGION_KEY:
            continue
        values = [shares.get((oktmo, letter)) for letter in letters]
        munis[oktmo] = [None if v is None else round(v * 1000.0) for v in values]
    return chart, letters, munis


def _trend_series(
    economy: EconomySection,
) -> dict[str, dict[str, dict[int, float | None]]]:
    """Return the trend values by series, municipality and year (input order kept)."""
    frame = economy.trends
    series: dict[str, dict[str, dict[int, float | None]]] = {}
    if not len(frame):
        return series
    _require(frame, ["oktmo", "series", "year", "value"], "trends")
    for oktmo, key, year, number, value in zip(
        frame["oktmo"].tolist(),
        frame["series"].tolist(),
        frame["year"].tolist(),
        _floats(frame["year"]),
        _floats(frame["value"]),
        strict=True,
    ):
        code, name = _text(oktmo), _text(key)
        if number is None or not number.is_integer():
            msg = f"trends table: year {year!r} of series {name!r} is not a whole number"
            raise ReportInputError(msg)
        by_year = series.setdefault(name, {}).setdefault(code, {})
        if int(number) in by_year:
            msg = f"trends table has more than one row for {code!r}, {name!r}, {int(number)}"
            raise ReportInputError(msg)
        by_year[int(number)] = value
    return series


def _year_x(years: Sequence[int]) -> list[float]:
    """Return the x coordinate of each year (evenly by year; one year sits in the middle)."""
    first, last = years[0], years[-1]
    if last == first:
        return [_TR_X0 + _TR_PLOT_W / 2] * len(years)
    return [_TR_X0 + (y - first) / (last - first) * _TR_PLOT_W for y in years]


def _economy_trends(
    economy: EconomySection, lang: str, t: Mapping[str, str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Prepare the trend charts (median line drawn) and their data for the JSON."""
    series = _trend_series(economy)
    order = [k for k in economy.trend_labels if k in series]
    order += [k for k in series if k not in economy.trend_labels]
    charts: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    median_label = t["eco_legend_median"]
    for key in order:
        by_muni = {o: v for o, v in series[key].items() if o != ECONOMY_REGION_KEY}
        years = sorted({y for values in by_muni.values() for y in values})
        if not years:
            continue
        columns = [[values.get(y) for values in by_muni.values()] for y in years]
        medians = [
            float(np.median(finite)) if (finite := [v for v in col if v is not None]) else None
            for col in columns
        ]
        known = [m for m in medians if m is not None]
        if not known:
            continue
        low, high, step = _nice_scale(min(known), max(known))
        decimals = _step_decimals(step)
        xs = _year_x(years)

        def y_of(value: float, low: float = low, high: float = high) -> float:
            return _TR_Y0 + _TR_PLOT_H - (value - low) / (high - low) * _TR_PLOT_H

        every = math.ceil(len(years) / _TR_MAX_YEAR_LABELS)
        labels = economy.trend_labels.get(key)
        label = (labels[0] if lang == "ru" else labels[1]) if labels else key
        dots = [
            {
                "cx": _fmt_coord(x),
                "cy": _fmt_coord(y_of(m)),
                "title": t["eco_tt_year"].format(
                    name=median_label, year=year, value=_value_text(m, lang)
                ),
            }
            for x, year, m in zip(xs, years, medians, strict=True)
            if m is not None
        ]
        charts.append(
            {
                "key": key,
                "label": label,
                "unit": labels[2] if labels else "",
                "points": " ".join(f"{d['cx']},{d['cy']}" for d in dots),
                "dots": dots,
                "yticks": [
                    {"y": _fmt_coord(y_of(v)), "text": _fixed(v, decimals, lang)}
                    for v in _ticks(low, high, step)
                ],
                # Every ``every``-th year, counted back from the latest, which is always shown.
                "xticks": [
                    {"x": _fmt_coord(x), "text": str(year)}
                    for i, (x, year) in enumerate(zip(xs, years, strict=True))
                    if (len(years) - 1 - i) % every == 0
                ],
            }
        )
        data[key] = {
            "y": years,
            "med": [_compact(m) for m in medians],
            "v": {o: [_compact(values.get(y)) for y in years] for o, values in by_muni.items()},
        }
    return charts, data


def _economy_candidates(
    economy: EconomySection, names: Mapping[str, str], lang: str, t: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Prepare the candidate rows, by municipality (in table order) and rank."""
    frame = economy.candidates
    if not len(frame):
        return []
    _require(frame, ["oktmo", "rank", "candidate", "score", "why_ru", "why_en"], "candidates")
    order = {code: i for i, code in enumerate(names)}
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        code = _text(record.get("oktmo"))
        key = _text(record.get("candidate"))
        labels = economy.candidate_labels.get(key)
        why_own, why_other = ("why_ru", "why_en") if lang == "ru" else ("why_en", "why_ru")
        rank = _to_float(record.get("rank"))
        rows.append(
            {
                "oktmo": code,
                "name": names.get(code, code),
                "key": key,
                "rank": _number_cell(rank, "int", lang, t["no_data"]),
                "label": ((labels[0] if lang == "ru" else labels[1]) if labels else key) or key,
                "score": _number_cell(record.get("score"), "float2", lang, t["no_data"]),
                "why": _text(record.get(why_own)) or _text(record.get(why_other)),
                # Municipalities in table order (others after them, by code), then rank.
                "order": (
                    order.get(code, len(order)),
                    "" if code in order else code,
                    math.inf if rank is None else rank,
                ),
            }
        )
    rows.sort(key=lambda r: r["order"])
    return rows


def _build_economy(economy: EconomySection, lang: str, t: Mapping[str, str]) -> dict[str, Any]:
    """Prepare every part of the economy section for the template."""
    headers, rows = _economy_table(economy, lang, t)
    sectors, letters, shares = _economy_sectors(economy, lang, t)
    trends, trend_data = _economy_trends(economy, lang, t)
    names = {r["oktmo"]: r["name"] for r in rows}
    extra = [*shares, *(o for d in trend_data.values() for o in d["v"])]
    munis = [{"oktmo": code, "name": name} for code, name in names.items()]
    munis += [{"oktmo": code, "name": code} for code in dict.fromkeys(extra) if code not in names]
    return {
        "note": economy.note_ru if lang == "ru" else economy.note_en,
        "headers": headers,
        "rows": rows,
        "munis": munis,
        "sectors": sectors,
        "trends": trends,
        "candidates": _economy_candidates(economy, names, lang, t),
        "trend_box": {
            "w": _fmt_coord(_TR_WIDTH),
            "h": _fmt_coord(_TR_HEIGHT),
            "x0": _fmt_coord(_TR_X0),
            "x1": _fmt_coord(_TR_X0 + _TR_PLOT_W),
            "pw": _fmt_coord(_TR_PLOT_W),
            "y0": _fmt_coord(_TR_Y0),
            "ph": _fmt_coord(_TR_PLOT_H),
            "base": _fmt_coord(_TR_Y0 + _TR_PLOT_H),
            "tick": _fmt_coord(_TR_Y0 + _TR_PLOT_H + 4),
            "year_y": _fmt_coord(_TR_Y0 + _TR_PLOT_H + 16),
            "label_x": _fmt_coord(_TR_X0 - 5),
            "r": _fmt_coord(_TR_DOT),
        },
        "json": _script_json({"sec": letters, "s": shares, "t": trend_data}),
    }


# --------------------------------------------------------------------------- typology and strategy


@dataclass(frozen=True, eq=False)
class StrategySection:
    """Data of the report's optional typology and strategy section.

    Instances compare by identity (``eq=False``): comparing data frames element by
    element has no single truth value.

    Attributes
    ----------
    types
        One row per municipality or town: ``oktmo``, ``name``, ``level``
        (``"municipality"`` or ``"town"``), ``types`` (type ids separated by ``;``,
        empty when none; the first is the main type), ``reasons`` (free text; the
        ``"type_id: reason | type_id: reason"`` of
        :func:`opora.typology.rules.types_table` is shown as a list with the type
        labels), ``population``, ``lon`` and ``lat`` (EPSG:4326; a row without them
        is left off the map). ``reasons``, ``population``, ``lon`` and ``lat`` may be
        absent.
    type_labels
        Type id → (Russian label, English label), for example
        ``"inter_district_centre": ("межрайонный центр", "inter-district centre")``;
        the legend follows this order. A type id without labels is shown as is.
    resilience
        ``oktmo``, ``name``, ``score`` (0-100), ``rank`` (1 = most resilient) and
        the component columns named in ``component_labels`` (0-100, NaN allowed).
        Rows are shown by ``rank``; ranks are shown as given, not recomputed.
    component_labels
        Component column → (Russian label, English label), in display order; a
        column missing from ``resilience`` is left out.
    sensitivity
        ``oktmo``, ``median_abs_rank_change`` (places) and ``share_bottom_quintile``
        (0-1, the share of the sensitivity runs that put the municipality in the
        bottom fifth of the ranking); ``None`` leaves the two columns out.
    alerts
        ``oktmo``, ``name``, ``alert_ru`` and ``alert_en``: anchors whose status is
        not backed by substance. May be empty.
    passports_html
        Passport fragments already rendered in the report's language
        (:func:`opora.report.passport.render_passport_html`), each a
        ``<section class="passport" id="passport-...">``. They are trusted HTML of
        opora's own renderer and are embedded as they are, without escaping.
    passport_index
        ``oktmo``, ``name``, ``anchor`` (the element id of the passport, such as
        ``"passport-80613101001"``) and ``pdf`` (a file name relative to the report,
        or ``""`` when there is no PDF).
    note_ru, note_en
        What the data are and how the types and the index were obtained, in Russian
        and English.
    """

    types: pd.DataFrame
    type_labels: Mapping[str, tuple[str, str]]
    resilience: pd.DataFrame
    component_labels: Mapping[str, tuple[str, str]]
    sensitivity: pd.DataFrame | None
    alerts: pd.DataFrame
    passports_html: Sequence[str]
    passport_index: pd.DataFrame
    note_ru: str
    note_en: str


#: Marker colour of each known type id (the main type of a row colours its marker).
TYPE_COLOURS: Final[Mapping[str, str]] = {
    "inter_district_centre": "#b2182b",
    "single_enterprise": "#6a3d9a",
    "arctic": "#6fb7e0",
    "far_north": "#1f4e9c",
    "border": "#8c564b",
    "agglomeration_satellite": "#e377c2",
    "life_support": "#c9a227",
    "agro_service": "#2ca02c",
    "tourism": "#17becf",
    "industrial": "#ff7f0e",
}

#: Colours of type ids without a colour of their own, in order of first use.
_EXTRA_TYPE_COLOURS: Final[tuple[str, ...]] = (
    "#7f3b08",
    "#4d9221",
    "#c51b7d",
    "#35978f",
    "#5e3c99",
    "#a6761d",
)

#: Colour classes of a resilience component score, from the weakest to the strongest,
#: then missing.
RESILIENCE_CLASSES: Final[tuple[str, ...]] = ("res-0", "res-1", "res-2", "res-3", "res-4", "res-na")

_LEVELS: Final[tuple[str, ...]] = ("municipality", "town")
_TYP_RADIUS: Final[Mapping[bool, float]] = {False: 8.0, True: 4.5}  # by "is a town"
_TYP_DOT: Final[Mapping[bool, float]] = {False: 2.6, True: 1.8}
_TYP_DOT_GAP: Final = 1.6
_TYP_DOT_START_DEG: Final = -45.0
_TYP_DOT_STEP_DEG: Final = 36.0
_REASONS_SHORT: Final = 140
_SUMMARY_CHARS: Final = 90
_RES_BAR_W: Final = 44.0
_RES_BAR_H: Final = 8.0


def _type_ids(value: object) -> list[str]:
    """Return the type ids of a ``types`` cell (``"a;b"`` → ``["a", "b"]``), repeats dropped."""
    return list(dict.fromkeys(p.strip() for p in _text(value).split(";") if p.strip()))


def _type_palette(
    strategy: StrategySection, ids: Iterable[str], lang: str
) -> dict[str, dict[str, str]]:
    """Return label and colour of every type id: labelled ids first, then the others."""
    order = list(dict.fromkeys([*(_text(k) for k in strategy.type_labels), *ids]))
    palette: dict[str, dict[str, str]] = {}
    extra = 0
    for key in order:
        labels = strategy.type_labels.get(key)
        colour = TYPE_COLOURS.get(key)
        if colour is None:
            colour = _EXTRA_TYPE_COLOURS[extra % len(_EXTRA_TYPE_COLOURS)]
            extra += 1
        label = (labels[0] if lang == "ru" else labels[1]) if labels else ""
        palette[key] = {"label": label or key, "colour": colour}
    return palette


def _reason_parts(text: str, palette: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """Split ``"type: reason | type: reason"`` into parts, each with its type's label."""
    parts = []
    for piece in re.split(r"\s+\|\s+", text):
        piece = piece.strip()
        if not piece:
            continue
        match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)", piece, re.S)
        if match and match.group(1) in palette:
            label, rest = palette[match.group(1)]["label"], match.group(2).strip()
            # A reason that repeats its type's label ("Туризм: LQ I = 2,0") drops the repeat.
            head, colon, tail = rest.partition(":")
            if colon and tail.strip() and head.strip().casefold() == label.casefold():
                rest = tail.strip()
            parts.append({"label": label, "text": rest})
        else:
            parts.append({"label": "", "text": piece})
    return parts


def _shorten(text: str, chars: int) -> str:
    """Cut ``text`` to at most ``chars`` characters at a word boundary, with an ellipsis."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1].rsplit(" ", 1)[0] if " " in text[: chars - 1] else text[: chars - 1]
    return cut.rstrip(" ,;:") + "…"


def _strategy_type_rows(
    strategy: StrategySection, lang: str, t: Mapping[str, str]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """Prepare the typology table rows and the type palette."""
    frame = strategy.types
    if not len(frame):
        return [], _type_palette(strategy, [], lang)
    _require(frame, ["oktmo", "name", "level", "types"], "typology")
    records = frame.to_dict("records")
    ids = [_type_ids(r.get("types")) for r in records]
    palette = _type_palette(strategy, (i for row in ids for i in row), lang)
    rows: list[dict[str, Any]] = []
    for record, row_ids in zip(records, ids, strict=True):
        level = _text(record.get("level")).lower()
        parts = _reason_parts(_text(record.get("reasons")), palette)
        plain = "; ".join(f"{p['label']}: {p['text']}" if p["label"] else p["text"] for p in parts)
        collapsed = len(plain) > _REASONS_SHORT or len(parts) > 2
        first = parts[0] if parts else {"label": "", "text": ""}
        summary = _shorten(
            f"{first['label']}: {first['text']}" if first["label"] else first["text"],
            _SUMMARY_CHARS,
        )
        if len(parts) > 1:
            summary += " " + t["str_reasons_more"].format(n=len(parts) - 1)
        rows.append(
            {
                "oktmo": _text(record.get("oktmo")),
                "name": _text(record.get("name")),
                "level": level,
                "town": level == "town",
                "level_label": t[f"str_level_{level}"] if level in _LEVELS else level,
                "ids": row_ids,
                "data_types": " ".join(row_ids),
                "chips": [{"key": k, **palette[k]} for k in row_ids],
                "reasons": parts,
                "reasons_plain": plain,
                "collapsed": collapsed,
                "summary": summary,
                "population": _cell(record.get("population"), "int", lang),
                "pop": _to_float(record.get("population")),
                "lon": _to_float(record.get("lon")),
                "lat": _to_float(record.get("lat")),
            }
        )
    return rows, palette


def _type_marker(
    row: Mapping[str, Any],
    x: float,
    y: float,
    palette: Mapping[str, Mapping[str, str]],
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Return one typology marker: main circle, secondary-type dots and tooltip."""
    town = bool(row["town"])
    radius = _TYP_RADIUS[town]
    dot = _TYP_DOT[town]
    ids: list[str] = row["ids"]
    dots = []
    for k, key in enumerate(ids[1:]):
        angle = math.radians(_TYP_DOT_START_DEG + k * _TYP_DOT_STEP_DEG)
        distance = radius + _TYP_DOT_GAP + dot
        dots.append(
            {
                "cx": _fmt_coord(x + distance * math.cos(angle)),
                "cy": _fmt_coord(y + distance * math.sin(angle)),
                "r": _fmt_coord(dot),
                "colour": palette[key]["colour"],
            }
        )
    tip = [f"{row['name']} ({row['level_label']})" if row["level_label"] else row["name"]]
    labels = [palette[k]["label"] for k in ids]
    tip.append(t["str_tt_types"].format(types=", ".join(labels)) if ids else t["str_tt_no_types"])
    pop_text = format_number(row["pop"], "int", lang)
    if pop_text:
        tip.append(t["tt_population"].format(n=pop_text))
    tip.extend(f"{p['label']}: {p['text']}" if p["label"] else p["text"] for p in row["reasons"])
    return {
        "oktmo": row["oktmo"],
        "level": row["level"],
        "town": town,
        "types": row["data_types"],
        "n": len(ids),
        "none": not ids,
        "cx": _fmt_coord(x),
        "cy": _fmt_coord(y),
        "r": _fmt_coord(radius),
        "colour": palette[ids[0]]["colour"] if ids else "#ffffff",
        "dots": dots,
        "title": "\n".join(tip),
    }


def _strategy_map(
    rows: Sequence[Mapping[str, Any]],
    palette: Mapping[str, Mapping[str, str]],
    settlements: Any,
    projection: _Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare the typology map (grey settlements, type markers) and its legend."""
    counts = {key: [0, 0] for key in palette}
    none = [0, 0]
    for row in rows:
        level = int(bool(row["town"]))
        for key in row["ids"]:
            counts[key][level] += 1
        if not row["ids"]:
            none[level] += 1
    legend = [
        {
            "key": key,
            "label": entry["label"],
            "colour": entry["colour"],
            "muni": counts[key][0],
            "town": counts[key][1],
        }
        for key, entry in palette.items()
    ]
    result: dict[str, Any] = {
        "legend": legend,
        "none": {"muni": none[0], "town": none[1]},
        "options": [item for item in legend if item["muni"] or item["town"]],
        "markers": [],
        "base": "",
        "not_shown": len(rows),
        "r_muni": _fmt_coord(_TYP_RADIUS[False]),
        "r_town": _fmt_coord(_TYP_RADIUS[True]),
        "r_dot": _fmt_coord(_TYP_DOT[False]),
    }
    if projection is None:
        return result
    s_lon, s_lat = _lonlat(settlements)
    result["base"] = _access_base_path(s_lon, s_lat, projection)
    lon = np.array([np.nan if r["lon"] is None else r["lon"] for r in rows], dtype=float)
    lat = np.array([np.nan if r["lat"] is None else r["lat"] for r in rows], dtype=float)
    x, y = projection.project(lon, lat)
    shown = [i for i in range(len(rows)) if math.isfinite(x[i]) and math.isfinite(y[i])]
    # Municipalities under towns, and within each level the most populous first (below).
    shown.sort(key=lambda i: (bool(rows[i]["town"]), -(rows[i]["pop"] or 0.0)))
    result["markers"] = [
        _type_marker(rows[i], float(x[i]), float(y[i]), palette, lang, t) for i in shown
    ]
    result["not_shown"] = len(rows) - len(shown)
    return result


def resilience_class(value: object) -> str:
    """Return the colour class of a resilience component score (0-100).

    The score is first rounded to one decimal, as shown in the report.

    Parameters
    ----------
    value
        Component score, 0-100 (100 is the strongest value in the region); missing
        values (``None``, ``NA``, NaN) are allowed.

    Returns
    -------
    str
        ``"res-0"`` under 20, ``"res-1"`` under 40, ``"res-2"`` under 60, ``"res-3"``
        under 80, ``"res-4"`` from 80 up and ``"res-na"`` when the value is missing.
    """
    number = _to_float(value)
    if number is None:
        return "res-na"
    step = min(max(int(round(number, 1) // 20.0), 0), 4)
    return RESILIENCE_CLASSES[step]


def _sensitivity(frame: pd.DataFrame) -> dict[str, tuple[float | None, float | None]]:
    """Return the median rank change and bottom-quintile share of each municipality."""
    result: dict[str, tuple[float | None, float | None]] = {}
    if not len(frame):
        return result
    _require(frame, ["oktmo", "median_abs_rank_change", "share_bottom_quintile"], "sensitivity")
    for oktmo, change, share in zip(
        frame["oktmo"].tolist(),
        _floats(frame["median_abs_rank_change"]),
        _floats(frame["share_bottom_quintile"]),
        strict=True,
    ):
        code = _text(oktmo)
        if code in result:
            msg = f"sensitivity table has more than one row for {code!r}"
            raise ReportInputError(msg)
        if share is not None and not -1e-9 <= share <= 1.0 + 1e-9:
            msg = (
                f"share_bottom_quintile of {code!r} is {share:g}: "
                "shares must lie within 0-1 (not percent)"
            )
            raise ReportInputError(msg)
        result[code] = (change, share)
    return result


def _strategy_resilience(
    strategy: StrategySection, lang: str, t: Mapping[str, str]
) -> dict[str, Any]:
    """Prepare the resilience ranking: rows by rank, component cells with colour classes."""
    frame = strategy.resilience
    with_sens = strategy.sensitivity is not None
    sens = _sensitivity(strategy.sensitivity) if strategy.sensitivity is not None else {}
    keys = [k for k in strategy.component_labels if k in frame.columns]
    headers = [
        {"key": k, "label": strategy.component_labels[k][0 if lang == "ru" else 1] or k}
        for k in keys
    ]
    rows: list[dict[str, Any]] = []
    if len(frame):
        _require(frame, ["oktmo", "name", "score", "rank"], "resilience")
        values = {k: _floats(frame[k]) for k in keys}
        for i, (oktmo, name, score, rank) in enumerate(
            zip(
                frame["oktmo"].tolist(),
                frame["name"].tolist(),
                _floats(frame["score"]),
                _floats(frame["rank"]),
                strict=True,
            )
        ):
            code = _text(oktmo)
            cells = []
            for k in keys:
                cell = _cell(values[k][i], "float1", lang)
                cell["cls"] = resilience_class(values[k][i])
                cells.append(cell)
            change, share = sens.get(code, (None, None))
            bar = 0.0 if score is None else min(max(score, 0.0), 100.0) / 100.0 * _RES_BAR_W
            rows.append(
                {
                    "oktmo": code,
                    "name": _text(name),
                    "rank": _cell(rank, "int", lang),
                    "score": _cell(score, "float1", lang),
                    "bar": _fmt_coord(bar),
                    "cells": cells,
                    "change": _cell(change, "float1", lang),
                    "share": _cell(None if share is None else share * 100.0, "pct1", lang),
                    "order": (math.inf if rank is None else rank, i),
                }
            )
    rows.sort(key=lambda r: r["order"])
    caption = t["str_res_caption"]
    if headers:
        caption += " " + t["str_res_components"].format(
            components="; ".join(h["label"] for h in headers)
        )
    if with_sens:
        caption += " " + t["str_res_sens_caption"]
    scale = [
        {"cls": cls, "label": t[f"str_res_scale_{k}"]}
        for k, cls in enumerate(RESILIENCE_CLASSES[:-1])
    ]
    scale.append({"cls": "res-na", "label": t["no_data"]})
    return {
        "rows": rows,
        "headers": headers,
        "sens": with_sens,
        "caption": caption,
        "scale": scale,
        "bar_w": _fmt_coord(_RES_BAR_W),
        "bar_h": _fmt_coord(_RES_BAR_H),
    }


def _strategy_alerts(strategy: StrategySection, lang: str) -> list[dict[str, str]]:
    """Return the alert rows in the report language (the other one where it is empty)."""
    frame = strategy.alerts
    if not len(frame):
        return []
    _require(frame, ["oktmo", "name", "alert_ru", "alert_en"], "alerts")
    own, other = ("alert_ru", "alert_en") if lang == "ru" else ("alert_en", "alert_ru")
    rows = []
    for record in frame.to_dict("records"):
        text = _text(record.get(own)) or _text(record.get(other))
        if text:
            rows.append(
                {
                    "oktmo": _text(record.get("oktmo")),
                    "name": _text(record.get("name")),
                    "text": text,
                }
            )
    return rows


_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ELEMENT_ID: Final = re.compile(r"""<[A-Za-z][^>]*?\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _pdf_href(value: str) -> str:
    """Return the link of a passport PDF, which must be a relative file name."""
    if _SCHEME.match(value) or value.startswith(("/", "\\")):
        msg = (
            f"passport index: PDF {value!r} must be a file name relative to the report "
            "(the report links no other site or absolute path)"
        )
        raise ReportInputError(msg)
    return quote(value.replace("\\", "/"), safe="/")


def _strategy_passports(strategy: StrategySection) -> dict[str, Any]:
    """Prepare the passport index (links to embedded ids and PDFs) and the fragments."""
    fragments = [f for f in strategy.passports_html if f and f.strip()]
    ids = {a or b for f in fragments for a, b in _ELEMENT_ID.findall(f)}
    frame = strategy.passport_index
    rows: list[dict[str, Any]] = []
    if len(frame):
        _require(frame, ["oktmo", "name", "anchor"], "passport index")
        for record in frame.to_dict("records"):
            anchor = _text(record.get("anchor")).lstrip("#")
            pdf = _text(record.get("pdf"))
            rows.append(
                {
                    "oktmo": _text(record.get("oktmo")),
                    "name": _text(record.get("name")),
                    "anchor": anchor if anchor in ids else "",
                    "pdf": pdf,
                    "pdf_href": _pdf_href(pdf) if pdf else "",
                }
            )
    css = ""
    if any("<style" not in f for f in fragments):
        # Imported here: passport.py imports this module, so a top-level import would cycle.
        from opora.report.passport import PASSPORT_CSS

        css = PASSPORT_CSS
    return {
        "index": rows,
        "has_pdf": any(r["pdf"] for r in rows),
        # Trusted HTML of opora's own passport renderer, embedded as it is.
        "fragments": [markupsafe.Markup(f) for f in fragments],  # noqa: S704
        "css": markupsafe.Markup(css),  # noqa: S704 - a constant of opora.report.passport
    }


def _build_strategy(
    strategy: StrategySection,
    settlements: Any,
    projection: _Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare every part of the typology and strategy section for the template."""
    rows, palette = _strategy_type_rows(strategy, lang, t)
    return {
        "note": strategy.note_ru if lang == "ru" else strategy.note_en,
        "type_rows": rows,
        "map": _strategy_map(rows, palette, settlements, projection, lang, t),
        "res": _strategy_resilience(strategy, lang, t),
        "alerts": _strategy_alerts(strategy, lang),
        "passports": _strategy_passports(strategy),
    }


# --------------------------------------------------------------------------- inter-municipal ties


@dataclass(frozen=True, eq=False)
class TiesSection:
    """Data of the report's optional inter-municipal economic ties section.

    Instances compare by identity (``eq=False``): comparing data frames element by
    element has no single truth value.

    Attributes
    ----------
    edges
        One row per tie: ``source`` and ``target`` (8-digit OKTMO), ``kind``
        (``"control"``, ``"branch"`` or ``"supply"``), ``weight`` (employees, finite
        and not negative), ``source_lon``, ``source_lat``, ``target_lon`` and
        ``target_lat`` (EPSG:4326). A row with ``source == target`` is a local tie:
        it is not drawn as a line (the node's circle size shows local ties). At most
        :data:`TIES_MAX_LINES` of the heaviest inter-municipal ties are drawn.
    nodes
        ``oktmo``, ``name``, ``lon``, ``lat``, ``detachment`` (0-1 or NaN) and
        ``local_weight`` (employees in local ties; NaN allowed).
    card
        One row per municipality or town: ``oktmo``, ``name`` and the columns named
        in ``card_columns``.
    card_columns
        How each card column is labelled and formatted, in display order.
    modelled
        ``True`` when the firm registry behind the ties is modelled: the section then
        carries a prominent "modelled" badge.
    note_ru, note_en
        What the data are and how the ties were obtained, in Russian and English.
    """

    edges: pd.DataFrame
    nodes: pd.DataFrame
    card: pd.DataFrame
    card_columns: Sequence[ProfileColumnLike]
    modelled: bool
    note_ru: str
    note_en: str


#: Line colour of each tie kind (Okabe-Ito, colour-blind safe), in legend order.
TIES_KIND_COLOURS: Final[Mapping[str, str]] = {
    "control": "#0072b2",
    "branch": "#e69f00",
    "supply": "#009e73",
}

#: Node colours by detachment class, from the least to the most detached (a
#: colour-blind-safe sequential scale, light to dark), then missing.
TIES_DETACHMENT_COLOURS: Final[tuple[str, ...]] = (
    "#ffffcc",
    "#a1dab4",
    "#41b6c4",
    "#2c7fb8",
    "#253494",
    "#ffffff",
)

#: Most inter-municipal ties drawn on the map (the heaviest ones).
TIES_MAX_LINES: Final = 300

_TIES_W_MIN: Final = 0.8
_TIES_W_MAX: Final = 9.0
_TIES_R_MIN: Final = 2.5
_TIES_R_MAX: Final = 14.0
_TIES_BEND: Final = 0.12  # control-point offset of a curved line, as a share of its length
_TIES_EDGE_COLUMNS: Final[tuple[str, ...]] = (
    "source",
    "target",
    "kind",
    "weight",
    "source_lon",
    "source_lat",
    "target_lon",
    "target_lat",
)
_TIES_NODE_COLUMNS: Final[tuple[str, ...]] = (
    "oktmo",
    "name",
    "lon",
    "lat",
    "detachment",
    "local_weight",
)


def ties_detachment_class(value: object) -> int:
    """Return the colour class (index into :data:`TIES_DETACHMENT_COLOURS`) of a detachment.

    Parameters
    ----------
    value
        Detachment, 0-1, or a missing value.

    Returns
    -------
    int
        0-4 for the fifths of 0-1 (1 falls in the last), 5 when missing.

    Raises
    ------
    ReportInputError
        If the value lies outside 0-1.
    """
    number = _to_float(value)
    if number is None:
        return len(TIES_DETACHMENT_COLOURS) - 1
    if not 0.0 <= number <= 1.0:
        msg = f"ties node detachment {number!r} lies outside 0-1"
        raise ReportInputError(msg)
    return min(int(number * 5), 4)


def _sqrt_scale(value: float, top: float, low: float, high: float) -> float:
    """Scale ``value`` (0..``top``) by its square root onto ``low``..``high`` (capped)."""
    if top <= 0 or value <= 0:
        return low
    return low + (high - low) * math.sqrt(min(value / top, 1.0))


def _nan_if_none(value: float | None) -> float:
    """Return ``value``, or NaN when it is ``None``."""
    return math.nan if value is None else value


def _ties_edges(edges: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the checked tie rows: codes, kind, weight, coordinates."""
    _require(edges, _TIES_EDGE_COLUMNS, "ties edges")
    rows = []
    for record in edges.to_dict("records"):
        kind = _text(record["kind"])
        if kind not in TIES_KIND_COLOURS:
            msg = f"ties edge kind {kind!r} is not one of {', '.join(TIES_KIND_COLOURS)}"
            raise ReportInputError(msg)
        weight = _to_float(record["weight"])
        if weight is None or weight < 0:
            msg = f"ties edge weight {record['weight']!r} is not a finite non-negative number"
            raise ReportInputError(msg)
        coords = [
            _to_float(record[c]) for c in ("source_lon", "source_lat", "target_lon", "target_lat")
        ]
        rows.append(
            {
                "source": _text(record["source"]),
                "target": _text(record["target"]),
                "kind": kind,
                "weight": weight,
                "coords": coords,
            }
        )
    return rows


def _ties_map(
    ties: TiesSection,
    settlements: Any,
    projection: _Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare the flow map: grey settlements, tie lines, node circles, legends."""
    _require(ties.nodes, _TIES_NODE_COLUMNS, "ties nodes")
    edges = _ties_edges(ties.edges)
    names = {
        _text(o): _text(n)
        for o, n in zip(ties.nodes["oktmo"].tolist(), ties.nodes["name"].tolist(), strict=True)
    }
    inter = [e for e in edges if e["source"] != e["target"]]
    # The heaviest first; a stable sort keeps the given order among equal weights.
    chosen = sorted(inter, key=lambda e: -e["weight"])[:TIES_MAX_LINES]
    kind_labels = {k: t[f"ties_kind_{k}"] for k in TIES_KIND_COLOURS}
    counts = dict.fromkeys(TIES_KIND_COLOURS, 0)
    for e in inter:
        counts[e["kind"]] += 1
    nodes = ties.nodes.to_dict("records")
    classes = [ties_detachment_class(r["detachment"]) for r in nodes]
    result: dict[str, Any] = {
        "kinds": [
            {"key": k, "label": kind_labels[k], "colour": c, "count": counts[k]}
            for k, c in TIES_KIND_COLOURS.items()
        ],
        "classes": [
            {
                "cls": i,
                "colour": colour,
                "label": t["ties_det_na"]
                if i == len(TIES_DETACHMENT_COLOURS) - 1
                else t["ties_det_range"].format(lo=i * 20, hi=(i + 1) * 20),
                "count": classes.count(i),
            }
            for i, colour in enumerate(TIES_DETACHMENT_COLOURS)
        ],
        "total": len(inter),
        "local": len(edges) - len(inter),
        "capped": len(inter) > TIES_MAX_LINES,
        "cap_text": t["ties_cap_caption"].format(
            shown=TIES_MAX_LINES, total=format_number(len(inter), "int", lang)
        ),
        "lines": [],
        "nodes": [],
        "base": "",
        "not_shown": 0,
        "not_shown_nodes": len(nodes),
    }
    if projection is None:
        return result
    s_lon, s_lat = _lonlat(settlements)
    result["base"] = _access_base_path(s_lon, s_lat, projection)
    top = max((e["weight"] for e in chosen), default=0.0)
    lines = []
    for e in reversed(chosen):  # the lightest first: thin lines on top of the heavy ones
        c = [_nan_if_none(v) for v in e["coords"]]
        x, y = projection.project(np.array([c[0], c[2]]), np.array([c[1], c[3]]))
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            result["not_shown"] += 1
            continue
        x1, y1, x2, y2 = float(x[0]), float(y[0]), float(x[1]), float(y[1])
        # Bend to the right of the direction, so that opposite flows do not overlap.
        qx = (x1 + x2) / 2 - (y2 - y1) * _TIES_BEND
        qy = (y1 + y2) / 2 + (x2 - x1) * _TIES_BEND
        src = names.get(e["source"]) or e["source"]
        dst = names.get(e["target"]) or e["target"]
        weight_text = format_number(e["weight"], "int", lang) or MISSING_TEXT
        lines.append(
            {
                "d": (
                    f"M{_fmt_coord(x1)} {_fmt_coord(y1)}Q{_fmt_coord(qx)} {_fmt_coord(qy)} "
                    f"{_fmt_coord(x2)} {_fmt_coord(y2)}"
                ),
                "kind": e["kind"],
                "colour": TIES_KIND_COLOURS[e["kind"]],
                "width": f"{_sqrt_scale(e['weight'], top, _TIES_W_MIN, _TIES_W_MAX):.2f}",
                "weight": repr(e["weight"]),
                "source": e["source"],
                "target": e["target"],
                "title": "\n".join(
                    [
                        f"{src} → {dst}",
                        kind_labels[e["kind"]],
                        t["ties_tt_weight"].format(n=weight_text),
                    ]
                ),
            }
        )
    result["lines"] = lines
    lon = np.array([_nan_if_none(_to_float(r["lon"])) for r in nodes], dtype=float)
    lat = np.array([_nan_if_none(_to_float(r["lat"])) for r in nodes], dtype=float)
    x, y = projection.project(lon, lat)
    local = [_to_float(r["local_weight"]) for r in nodes]
    top_local = max((v for v in local if v is not None), default=0.0)
    markers: list[dict[str, Any]] = []
    for i, r in enumerate(nodes):
        if not (math.isfinite(x[i]) and math.isfinite(y[i])):
            continue
        name = _text(r["name"]) or _text(r["oktmo"])
        tip = [f"{name} ({_text(r['oktmo'])})"]
        local_text = format_number(local[i], "int", lang)
        tip.append(t["ties_tt_local"].format(n=local_text or MISSING_TEXT))
        det = _to_float(r["detachment"])
        det_text = format_number(None if det is None else det * 100, "pct1", lang)
        tip.append(t["ties_tt_detachment"].format(v=det_text or MISSING_TEXT))
        markers.append(
            {
                "oktmo": _text(r["oktmo"]),
                "cx": _fmt_coord(float(x[i])),
                "cy": _fmt_coord(float(y[i])),
                "r": _fmt_coord(_sqrt_scale(local[i] or 0.0, top_local, _TIES_R_MIN, _TIES_R_MAX)),
                "cls": classes[i],
                "colour": TIES_DETACHMENT_COLOURS[classes[i]],
                "title": "\n".join(tip),
            }
        )
    markers.sort(key=lambda m: -float(m["r"]))  # small circles on top of large ones
    result["nodes"] = markers
    result["not_shown_nodes"] = len(nodes) - len(markers)
    return result


def _build_ties(
    ties: TiesSection,
    settlements: Any,
    projection: _Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare every part of the ties section for the template."""
    _require(ties.card, ["oktmo", "name", *(c.key for c in ties.card_columns)], "ties card")
    return {
        "note": ties.note_ru if lang == "ru" else ties.note_en,
        "modelled": bool(ties.modelled),
        "map": _ties_map(ties, settlements, projection, lang, t),
        "card": _build_profile(ties.card, ties.card_columns, lang),
    }


# --------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Return the Jinja2 environment (autoescape on, undefined names are errors)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("opora.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _check_lang(lang: str) -> None:
    """Raise :class:`UnknownLanguageError` unless ``lang`` is supported."""
    if lang not in LANGUAGES:
        msg = f"unknown report language {lang!r}; use one of {', '.join(LANGUAGES)}"
        raise UnknownLanguageError(msg)


def render_report(
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    profile: pd.DataFrame,
    columns: Sequence[ProfileColumnLike],
    summary: Sequence[Mapping[str, object]],
    provenance: pd.DataFrame,
    *,
    region_name: str,
    lang: str = "ru",
    title: str | None = None,
    notes: Sequence[str] | None = None,
    generated: str | None = None,
    access: AccessSection | None = None,
    economy: EconomySection | None = None,
    strategy: StrategySection | None = None,
    ties: TiesSection | None = None,
    anchors: AnchorSection | None = None,
) -> str:
    """Render the single-file offline HTML report.

    Parameters
    ----------
    settlements
        Settlement points (EPSG:4326; other CRSs are reprojected) with columns
        ``settlement_id, name, type, population`` and optionally ``oktmo``.
    municipalities
        Municipality centre points with columns ``name`` and optionally ``level``,
        ``is_regional_centre``, ``centre_name``. Top-level (``level == "upper"``)
        centres and the regional centre are drawn as square markers; empty
        geometries are skipped.
    profile
        One row per top-level municipality: ``oktmo``, ``name`` and the columns
        named in ``columns``.
    columns
        How each profile column is labelled and formatted, in display order:
        :class:`ProfileColumn` objects, or any objects with the same attributes.
    summary
        Import summary rows: ``source``, ``read``, ``kept``, ``repaired``,
        ``rejected``, ``flagged`` and any extra count keys (shown as extra columns).
    provenance
        Columns ``table, source, licence, date, kind, detail``; ``kind`` is
        ``"real"`` or ``"modelled"``.
    region_name
        Region shown in the title.
    lang
        ``"ru"`` (default) or ``"en"``.
    title
        Document title; defaults to a title built from ``region_name``.
    notes
        Extra notices shown prominently near the top (for example that the road
        network is modelled).
    generated
        Timestamp text; defaults to the current UTC time (ISO 8601, minutes).
    access
        Data of the optional accessibility section (travel-time standards, shares
        of the population within them, a map of the worst-served settlements drawn
        on the main map's projection, settlements cut off in winter or the thaw);
        ``None`` (the default) leaves the section out.
    economy
        Data of the optional economy section (a per-municipality economic profile
        with the reason of each missing value, employment by OKVED section of the
        region and of a municipality chosen in the page, trend charts against the
        municipalities' median, specialisation candidates); ``None`` (the default)
        leaves the section out.
    strategy
        Data of the optional typology and strategy section (a map of the
        municipalities' and towns' types on the main map's projection with a type
        filter, the typology table, the resilience ranking with its components and,
        when given, its sensitivity, the alerts "anchor status without substance",
        and the town passports with their index); ``None`` (the default) leaves the
        section out.
    ties
        Data of the optional inter-municipal economic ties section (a flow map on
        the main map's projection: lines from source to target, width by weight,
        colour by tie kind, at most the :data:`TIES_MAX_LINES` heaviest; node
        circles sized by local ties and coloured by detachment; and the per-town
        ties card); ``None`` (the default) leaves the section out.
    anchors
        Data of the optional anchor settlement framework section
        (:class:`opora.report.anchors.AnchorSection`: a map on the main map's
        projection of the inter-district centres and local anchors sized by the
        population served, the catchment lines and the settlements outside the
        standards coloured by reason; the anchors, coverage, uncovered-settlement
        and scenario tables; and, when given, the comparison with a given anchor
        list); ``None`` (the default) leaves the section out.

    Returns
    -------
    str
        The complete HTML document.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    ReportInputError
        If a table lacks a column the report needs, an accessibility table names
        a service that is not among ``access.services``, or an economy table holds
        a bad value (a sector share outside 0-1, a year that is not a whole number,
        a repeated row), or a strategy table holds a bad value (a bottom-quintile
        share outside 0-1, a repeated sensitivity row, a passport PDF that is not a
        relative file name), or a ties table holds a bad value (an unknown tie kind,
        a negative or missing weight, a detachment outside 0-1), or an anchor table
        holds a bad value (an unknown anchor level or uncovered reason, a catchment
        naming an anchor that is not in the anchors table, a service that is not in
        the coverage table).
    """
    _check_lang(lang)
    t = LABELS[lang]
    if generated is None:
        generated = datetime.now(UTC).isoformat(timespec="minutes")
    doc_title = title if title is not None else t["title_default"].format(region=region_name)
    profile_data = _build_profile(profile, columns, lang)
    summary_data = _build_summary(summary, lang, t)
    provenance_data = _build_provenance(provenance)
    map_data = _build_map(settlements, municipalities, lang, t)
    access_data = (
        None
        if access is None
        else _build_access(access, settlements, map_data["projection"], lang, t)
    )
    economy_data = None if economy is None else _build_economy(economy, lang, t)
    strategy_data = (
        None
        if strategy is None
        else _build_strategy(strategy, settlements, map_data["projection"], lang, t)
    )
    ties_data = (
        None if ties is None else _build_ties(ties, settlements, map_data["projection"], lang, t)
    )
    anchors_data = None
    if anchors is not None:
        # Imported here: opora.report.anchors imports this module's helpers.
        from opora.report.anchors import _build_anchors

        anchors_data = _build_anchors(anchors, settlements, map_data["projection"], lang, t)
    template = _environment().get_template("report.html.j2")
    return template.render(
        lang=lang,
        t=t,
        title=doc_title,
        region_name=region_name,
        generated=generated,
        generated_by=t["generated_by"].format(version=__version__, generated=generated),
        notes=[n for n in (notes or []) if n],
        key_figures=_key_figures(settlements, municipalities, lang),
        map=map_data,
        profile=profile_data,
        summary=summary_data,
        provenance=provenance_data,
        access=access_data,
        economy=economy_data,
        strategy=strategy_data,
        ties=ties_data,
        anchors=anchors_data,
        missing_text=MISSING_TEXT,
    )


def write_report(
    path: str | Path,
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    profile: pd.DataFrame,
    columns: Sequence[ProfileColumnLike],
    summary: Sequence[Mapping[str, object]],
    provenance: pd.DataFrame,
    *,
    region_name: str,
    lang: str = "ru",
    title: str | None = None,
    notes: Sequence[str] | None = None,
    generated: str | None = None,
    access: AccessSection | None = None,
    economy: EconomySection | None = None,
    strategy: StrategySection | None = None,
    ties: TiesSection | None = None,
    anchors: AnchorSection | None = None,
) -> Path:
    """Render the report and write it as UTF-8 to ``path``.

    Parameters
    ----------
    path
        Output file; missing parent folders are created.
    settlements, municipalities, profile, columns, summary, provenance
        As for :func:`render_report`.
    region_name, lang, title, notes, generated, access, economy, strategy, ties, anchors
        As for :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    ReportInputError
        If a table lacks a column the report needs, or holds a bad value.
    """
    html = render_report(
        settlements,
        municipalities,
        profile,
        columns,
        summary,
        provenance,
        region_name=region_name,
        lang=lang,
        title=title,
        notes=notes,
        generated=generated,
        access=access,
        economy=economy,
        strategy=strategy,
        ties=ties,
        anchors=anchors,
    )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
