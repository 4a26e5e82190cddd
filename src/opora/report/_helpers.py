"""Shared pieces of the report's sections: numbers, cells, columns, map projection, SVG.

Every section module builds its template data from these, so that numbers look the
same everywhere and all maps share one projection. Nothing here reads or writes files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final, Protocol

import jinja2
import numpy as np
import pandas as pd

from opora.errors import ReportInputError

__all__ = [
    "FORMATS",
    "MAP_MARGIN",
    "MISSING_TEXT",
    "NBSP",
    "SHARE_CLASSES",
    "ProfileColumn",
    "ProfileColumnLike",
    "Projection",
    "RenderContext",
    "check_format",
    "column_table",
    "display_text",
    "dots_path",
    "fit_projection",
    "floats",
    "fmt_coord",
    "format_number",
    "group_digits",
    "lonlat",
    "minutes_cell",
    "minutes_text",
    "normalise_type",
    "require_columns",
    "scale_bar",
    "share_class",
    "sqrt_scale",
    "standard_text",
    "template_environment",
    "to_float",
    "value_cell",
]

# --------------------------------------------------------------------------- numbers

FORMATS: Final[frozenset[str]] = frozenset({"int", "float1", "pct1", "float2"})
NBSP: Final = "\u00a0"
MINUS: Final = "\u2212"
MISSING_TEXT: Final = "—"


def to_float(value: object) -> float | None:
    """Return ``value`` as a finite float, or ``None`` when it is missing or not a number."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        try:
            number = float(value.replace(",", ".").replace(NBSP, "").replace(" ", ""))
        except ValueError:
            return None
    elif isinstance(value, bool | int | float | np.integer | np.floating):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None


def group_digits(value: float, decimals: int, lang: str) -> str:
    """Format ``value`` with thousands groups in the style of ``lang``."""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", NBSP).replace(".", ",")
    negative = value < 0 and any(ch in "123456789" for ch in text)
    return f"{MINUS}{text}" if negative else text


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
    number = to_float(value)
    if number is None:
        return None
    if fmt == "int":
        return group_digits(number, 0, lang)
    if fmt == "float1":
        return group_digits(number, 1, lang)
    if fmt == "float2":
        return group_digits(number, 2, lang)
    if fmt == "pct1":
        return group_digits(number, 1, lang) + (f"{NBSP}%" if lang == "ru" else "%")
    msg = f"unknown number format {fmt!r}; use one of {', '.join(sorted(FORMATS))}"
    raise ReportInputError(msg)


# --------------------------------------------------------------------------- text and tables


def display_text(value: object) -> str:
    """Return a display string for a possibly missing text value."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def normalise_type(settlement_type: object) -> str:
    """Lower-case a type, drop dots and ``ё``, squeeze spaces: ``"П.г.т."`` → ``"пгт"``."""
    if settlement_type is None or settlement_type is pd.NA:
        return ""
    text = str(settlement_type).strip().lower().replace("ё", "е").replace(".", "")
    return " ".join(text.split())


def require_columns(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`ReportInputError` if ``frame`` lacks any of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{what} table lacks column(s) {', '.join(missing)}"
        raise ReportInputError(msg)


def floats(values: pd.Series) -> list[float | None]:
    """Return the values of a column as finite floats or ``None`` (fast for numeric columns)."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        array = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(array)
        return [v if k else None for v, k in zip(array.tolist(), ok.tolist(), strict=True)]
    return [to_float(v) for v in values.tolist()]


def value_cell(value: object, fmt: str, lang: str) -> dict[str, Any]:
    """Return one numeric table cell: shown text, sort value, missing flag."""
    number = to_float(value)
    text = format_number(number, fmt, lang)
    if number is None or text is None:
        return {"text": MISSING_TEXT, "v": "", "missing": True}
    return {"text": text, "v": repr(number), "missing": False}


def check_format(key: str, fmt: str, what: str) -> None:
    """Raise :class:`ReportInputError` unless ``fmt`` is one of :data:`FORMATS`.

    Parameters
    ----------
    key
        The column described.
    fmt
        Its number format.
    what
        The table it belongs to, for the message (``"profile"``, ``"economy"``).

    Raises
    ------
    ReportInputError
        If the format is unknown.
    """
    if fmt not in FORMATS:
        msg = (
            f"{what} column {key!r}: unknown format {fmt!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
        raise ReportInputError(msg)


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
        check_format(self.key, self.fmt, "profile")

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


def column_table(
    profile: pd.DataFrame, columns: Sequence[ProfileColumnLike], lang: str
) -> dict[str, Any]:
    """Prepare a table of municipalities with described columns: header and rows.

    Parameters
    ----------
    profile
        One row per municipality: ``oktmo``, ``name`` and the columns named in ``columns``.
    columns
        How each column is labelled and formatted, in display order.
    lang
        Report language.

    Returns
    -------
    dict
        ``headers`` (label, unit, source) and ``rows`` (oktmo, name, cells).

    Raises
    ------
    ReportInputError
        If a column is missing or has an unknown format.
    """
    require_columns(profile, ["oktmo", "name", *(c.key for c in columns)], "profile")
    for c in columns:
        check_format(c.key, c.fmt, "profile")
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
            "oktmo": display_text(oktmo),
            "name": display_text(name),
            "cells": [value_cell(values[c.key][i], c.fmt, lang) for c in columns],
        }
        for i, (oktmo, name) in enumerate(
            zip(profile["oktmo"].tolist(), profile["name"].tolist(), strict=True)
        )
    ]
    return {"headers": headers, "rows": rows}


# ------------------------------------------------------------------------ travel times and shares

#: Colour classes of a within-standard share, from the best to the worst, then missing.
SHARE_CLASSES: Final[tuple[str, ...]] = ("acc-hi", "acc-mid", "acc-lo", "acc-na")
_SHARE_HI: Final = 95.0
_SHARE_MID: Final = 80.0


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
    number = to_float(value)
    if number is None:
        return "acc-na"
    shown = round(number, 1)
    if shown >= _SHARE_HI:
        return "acc-hi"
    if shown >= _SHARE_MID:
        return "acc-mid"
    return "acc-lo"


def minutes_text(value: float | None, lang: str, t: Mapping[str, str]) -> str:
    """Return a travel time as ``"42 мин"``, or the "unreachable" label when missing."""
    text = format_number(value, "int", lang)
    return t["acc_unreachable"] if text is None else t["acc_minutes"].format(n=text)


def standard_text(minutes: float, lang: str, t: Mapping[str, str]) -> str:
    """Return a standard as ``"≤ 30 мин"`` (one decimal only when it is not whole)."""
    fmt = "int" if float(minutes).is_integer() else "float1"
    return t["acc_standard"].format(n=format_number(minutes, fmt, lang))


def minutes_cell(value: object, lang: str, t: Mapping[str, str]) -> dict[str, Any]:
    """Return a travel-time cell; an unreachable one sorts after every finite time."""
    number = to_float(value)
    if number is None:
        return {"text": t["acc_unreachable"], "v": "Infinity", "missing": False, "unr": True}
    return {
        "text": format_number(number, "int", lang),
        "v": repr(number),
        "missing": False,
        "unr": False,
    }


# --------------------------------------------------------------------------- map projection and SVG

_MAP_WIDTH: Final = 1000.0
_MAP_MAX_HEIGHT: Final = 1100.0
MAP_MARGIN: Final = 24.0
_BOTTOM: Final = 34.0  # room for the scale bar
_KM_PER_DEGREE: Final = 111.32
_MIN_SPAN_DEG: Final = 0.05


def fmt_coord(value: float) -> str:
    """Round an SVG coordinate to one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def lonlat(frame: Any) -> tuple[np.ndarray[Any, np.dtype[np.float64]], ...]:
    """Return longitude and latitude arrays of a GeoDataFrame's points (NaN when missing)."""
    lon = np.full(len(frame), np.nan)
    lat = np.full(len(frame), np.nan)
    if len(frame) == 0 or not hasattr(frame, "geometry"):
        return lon, lat
    geoms = frame.geometry
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    usable = geoms.notna() & ~geoms.is_empty
    shapes = usable & (geoms.geom_type != "Point")  # points (NaN coordinates too) pass as they are
    points = geoms.copy()
    if shapes.any():
        points[shapes] = geoms[shapes].representative_point()
    mask = usable.to_numpy(dtype=bool)
    if mask.any():
        lon[mask] = points[usable].x.to_numpy(dtype=float)
        lat[mask] = points[usable].y.to_numpy(dtype=float)
    return lon, lat


@dataclass(frozen=True)
class Projection:
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
        x = MAP_MARGIN + (lon * self.kx - self.x_min) * self.scale
        y = MAP_MARGIN + (self.y_max - lat) * self.scale
        return x, y

    def units_per_km(self) -> float:
        """Return SVG units per kilometre (exact north-south, and east-west at φ₀)."""
        return self.scale / _KM_PER_DEGREE


def fit_projection(
    lon: np.ndarray[Any, np.dtype[np.float64]],
    lat: np.ndarray[Any, np.dtype[np.float64]],
    phi_lat: np.ndarray[Any, np.dtype[np.float64]],
) -> Projection | None:
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
    scale = min((_MAP_WIDTH - 2 * MAP_MARGIN) / dx, (_MAP_MAX_HEIGHT - MAP_MARGIN - _BOTTOM) / dy)
    return Projection(
        phi0=phi0,
        kx=kx,
        x_min=x_min,
        y_max=y_max,
        scale=scale,
        wrap=wrap,
        width=math.ceil(dx * scale + 2 * MAP_MARGIN),
        height=math.ceil(dy * scale + MAP_MARGIN + _BOTTOM),
    )


def scale_bar(projection: Projection, lang: str, t: Mapping[str, str]) -> dict[str, Any]:
    """Choose a round scale-bar length near a fifth of the map width."""
    per_km = projection.units_per_km()
    target_km = (projection.width - 2 * MAP_MARGIN) / 5 / per_km
    exponent = math.floor(math.log10(target_km)) if target_km > 0 else 0
    km = 10.0**exponent
    for step in (5.0, 2.0, 1.0):
        if step * 10.0**exponent <= target_km:
            km = step * 10.0**exponent
            break
    length = km * per_km
    x0 = MAP_MARGIN
    y0 = projection.height - 12
    return {
        "x0": fmt_coord(x0),
        "x1": fmt_coord(x0 + length),
        "xm": fmt_coord(x0 + length / 2),
        "y": fmt_coord(y0),
        "y_tick": fmt_coord(y0 - 5),
        "y_text": fmt_coord(y0 - 8),
        "text": t["map_scale_km"].format(n=format_number(km, "int" if km >= 1 else "float2", lang)),
    }


def dots_path(lon: Any, lat: Any, projection: Projection) -> str:
    """Return one SVG path drawing every settlement as a dot (one ``M x y h0`` each).

    Coordinates are rounded to whole units and repeated positions dropped, which
    keeps the path small even for thousands of settlements.
    """
    x, y = projection.project(lon, lat)
    ok = np.isfinite(x) & np.isfinite(y)
    points = np.unique(np.column_stack([np.rint(x[ok]), np.rint(y[ok])]).astype(np.int64), axis=0)
    return "".join(f"M{px} {py}h0" for px, py in points.tolist())


def sqrt_scale(value: float, top: float, low: float, high: float) -> float:
    """Scale ``value`` (0..``top``) by its square root onto ``low``..``high`` (capped)."""
    if top <= 0 or value <= 0:
        return low
    return low + (high - low) * math.sqrt(min(value / top, 1.0))


@dataclass(frozen=True)
class RenderContext:
    """What a section's template data depend on besides the section's own view model.

    Attributes
    ----------
    lang
        Report language (``"ru"`` or ``"en"``).
    labels
        The report's fixed text in that language (:data:`opora.report.labels.LABELS`).
    settlements
        Settlement points, drawn as grey dots under a section's map.
    projection
        The main map's projection, shared by every map of the report; ``None`` when no
        settlement has coordinates.
    """

    lang: str
    labels: Mapping[str, str]
    settlements: Any
    projection: Projection | None


@lru_cache(maxsize=1)
def template_environment() -> jinja2.Environment:
    """Return the Jinja2 environment of the report's templates (``opora/report/templates``).

    Autoescaping is on and an undefined name is an error, so no data text reaches the
    page unescaped and no template reads a value its section did not prepare.

    Returns
    -------
    jinja2.Environment
        The environment, created once.
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader("opora.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
