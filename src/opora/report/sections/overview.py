"""Overview: the key figures and the map of settlements by size class.

The size classes are those of :mod:`opora.model.settlements`; this module only names
their markers (CSS class, radius, legend order) and reads the register's type
spellings (``"П.г.т."``, ``"город"``) as the abbreviations that classification expects.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from opora.model.settlements import SIZE_CLASSES, URBAN_TYPES
from opora.model.settlements import size_class as _model_size_class
from opora.report._helpers import (
    MISSING_TEXT,
    display_text,
    fit_projection,
    fmt_coord,
    format_number,
    lonlat,
    normalise_type,
    require_columns,
    scale_bar,
    to_float,
)

__all__ = [
    "MARKER_CLASSES",
    "key_figures",
    "map_data",
    "size_class",
    "type_key",
]

# --------------------------------------------------------------------------- size classes

#: Marker class (CSS class and label key ``cls_<class>``) of each size class of
#: :data:`opora.model.settlements.SIZE_CLASSES`.
MARKER_CLASSES: Final[Mapping[str, str]] = {
    "largest_city": "city_xl",
    "large_city": "city_l",
    "medium_city": "city_m",
    "small_town": "city_s",
    "rural_1000": "rural_l",
    "rural_small": "rural_s",
    "no_data": "no_data",
}

#: Drawing order of the markers: the smallest first, so the largest stay on top.
_DRAW_ORDER: Final[tuple[str, ...]] = tuple(MARKER_CLASSES[c] for c in reversed(SIZE_CLASSES))

#: Legend order: towns from the largest down, then rural, then no data.
_LEGEND_ORDER: Final[tuple[str, ...]] = tuple(MARKER_CLASSES[c] for c in SIZE_CLASSES)

#: Full names of the urban settlement types, normalised, and their abbreviations.
_LONG_TYPES: Final[Mapping[str, str]] = {
    "город": "г",
    "поселок городского типа": "пгт",
    "рабочий поселок": "рп",
    "курортный поселок": "кп",
    "дачный поселок": "дп",
    "городской поселок": "гп",
}

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


def type_key(settlement_type: object) -> str:
    """Return a settlement type as the abbreviation the size classes expect.

    Parameters
    ----------
    settlement_type
        Type as written in a register: ``"г"``, ``"П.г.т."``, ``"город"``...

    Returns
    -------
    str
        The normalised abbreviation (``"г"``, ``"пгт"``...); other types normalised
        (lower case, no dots); ``""`` when missing.
    """
    text = normalise_type(settlement_type)
    return _LONG_TYPES.get(text, text)


def _marker_classes(types: Sequence[object], populations: Sequence[object]) -> list[str]:
    """Return the marker class of each settlement (see :func:`size_class`)."""
    keys = pd.Series([type_key(tp) for tp in types], dtype=object)
    pops = pd.Series([to_float(p) for p in populations], dtype=float)
    return [MARKER_CLASSES[c] for c in _model_size_class(keys, pops)]


def size_class(settlement_type: object, population: object) -> str:
    """Return the map marker class of a settlement.

    The class is :func:`opora.model.settlements.size_class` of the settlement (urban
    types :data:`~opora.model.settlements.URBAN_TYPES`, written in full or abbreviated,
    with or without dots), named as on the map: ``city_xl`` (over 250 000 people),
    ``city_l`` (over 100 000), ``city_m`` (over 50 000), ``city_s``; ``rural_l``
    (1 000 and more), ``rural_s``; ``no_data`` without population whatever the type.

    Parameters
    ----------
    settlement_type
        Settlement type abbreviation as in the register (``г``, ``пгт``, ``с``, ``д``...).
    population
        Number of residents; missing values give ``no_data``.

    Returns
    -------
    str
        One of the values of :data:`MARKER_CLASSES`.
    """
    return _marker_classes([settlement_type], [population])[0]


# --------------------------------------------------------------------------- map

_MAX_LABELS: Final = 12


def map_data(
    settlements: Any,
    municipalities: Any,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Project settlements and municipal centres and prepare the map's SVG elements.

    The projection fitted here (``"projection"`` of the result) is shared by every
    other map of the report.

    Parameters
    ----------
    settlements
        Settlement points with ``settlement_id``, ``name``, ``type``, ``population``
        and optionally ``oktmo``.
    municipalities
        Municipality centre points with ``name`` and optionally ``level``,
        ``is_regional_centre`` and ``centre_name``.
    lang
        Report language.
    t
        The report's labels in that language.

    Returns
    -------
    dict
        Template data of the map: projection, circles, centres, labels, legend,
        scale bar and caption.

    Raises
    ------
    ReportInputError
        If a table lacks a column the map needs.
    """
    require_columns(settlements, ["settlement_id", "name", "type", "population"], "settlements")
    s_lon, s_lat = lonlat(settlements)
    if len(municipalities) and hasattr(municipalities, "geometry"):
        require_columns(municipalities, ["name"], "municipalities")
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
        m_lon, m_lat = lonlat(centres)
    else:
        centres = municipalities.iloc[0:0]
        regional = np.zeros(0, dtype=bool)
        m_lon = m_lat = np.zeros(0)

    classes = _marker_classes(settlements["type"].tolist(), settlements["population"].tolist())
    counts = dict.fromkeys(_DRAW_ORDER, 0)
    projection = fit_projection(
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
    rank = {c: i for i, c in enumerate(_DRAW_ORDER)}
    pops = [to_float(p) for p in settlements["population"]]
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
        tip = [f"{display_text(names[i])} ({display_text(types[i])})"]
        tip.append(t["tt_population"].format(n=pop_text) if pop_text else t["tt_population_na"])
        if oktmos is not None and display_text(oktmos[i]):
            tip.append(f"{t['col_oktmo']} {display_text(oktmos[i])}")
        circles.append(
            {
                "id": display_text(ids[i]),
                "cls": cls,
                "cx": fmt_coord(float(sx[i])),
                "cy": fmt_coord(float(sy[i])),
                "r": fmt_coord(_RADIUS[cls]),
                "title": "\n".join(tip),
            }
        )
    result["circles"] = circles

    # Labels: the most populous towns (type г), so the map can be read without hovering.
    towns = [i for i in order if type_key(types[i]) == "г" and pops[i] is not None]
    towns.sort(key=lambda i: -(pops[i] or 0.0))
    labels = []
    for i in towns[:_MAX_LABELS]:
        # Clear the marker and a possible centre square (half-size 4, or 6 for the capital).
        x, y, r = float(sx[i]), float(sy[i]), max(_RADIUS[classes[i]], 6.0)
        right = x < projection.width * 0.8
        labels.append(
            {
                "x": fmt_coord(x + r + 1.5 if right else x - r - 1.5),
                "y": fmt_coord(y + 3.5),
                "anchor": "start" if right else "end",
                "text": display_text(names[i]),
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
        if centre_names is not None and display_text(centre_names[j]):
            tip.append(display_text(centre_names[j]))
        tip.append(t["tt_centre"].format(municipality=display_text(name)))
        if is_reg:
            tip.append(t["tt_regional_centre"])
        centre_rows.append(
            {
                "x": fmt_coord(float(mx[j]) - half),
                "y": fmt_coord(float(my[j]) - half),
                "size": fmt_coord(2 * half),
                "regional": is_reg,
                "title": "\n".join(tip),
            }
        )
    # Regional centre last, so it is drawn on top.
    centre_rows.sort(key=lambda c: bool(c["regional"]))
    result["centres"] = centre_rows
    result["legend"] = _legend(counts, len(centre_rows) - n_regional, n_regional, t)
    result["scale_bar"] = scale_bar(projection, lang, t)
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
            "r": fmt_coord(_RADIUS[cls]),
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


def key_figures(settlements: Any, municipalities: Any, lang: str) -> list[dict[str, str]]:
    """Return the headline numbers shown under the title.

    Parameters
    ----------
    settlements
        Settlements with ``type`` and ``population``.
    municipalities
        Municipalities, optionally with ``level``.
    lang
        Report language.

    Returns
    -------
    list of dict
        ``value`` (formatted) and ``key`` (label key) of each figure.
    """
    pops = [to_float(p) for p in settlements["population"]]
    total = sum(p for p in pops if p is not None)
    towns = sum(type_key(tp) in URBAN_TYPES for tp in settlements["type"])
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
