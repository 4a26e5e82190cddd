"""Typology and strategy section: town types, resilience, alerts and town passports.

The view model :class:`StrategySection` holds the types of every municipality and
town with their reasons (drawn on the main map's projection), the resilience
ranking with its components and sensitivity, the alerts and the passports already
rendered; :func:`build_strategy_section` makes it from the typology and strategy
results and :func:`template_data` turns it into what the template part shows.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import quote

import markupsafe
import numpy as np
import pandas as pd

from opora.errors import ReportInputError
from opora.model.region import Region
from opora.report._helpers import (
    Projection,
    RenderContext,
    display_text,
    dots_path,
    floats,
    fmt_coord,
    format_number,
    lonlat,
    require_columns,
    to_float,
    value_cell,
)
from opora.report.passport import PASSPORT_CSS, TownPassport
from opora.typology.rules import TYPES

__all__ = [
    "COMPONENT_LABELS",
    "RESILIENCE_CLASSES",
    "TYPE_COLOURS",
    "StrategyAnalyses",
    "StrategySection",
    "build_strategy_section",
    "resilience_class",
    "template_data",
]


class StrategyAnalyses(Protocol):
    """What the section reads of a region's typology and strategy results."""

    @property
    def features(self) -> pd.DataFrame:
        """Municipality and town feature rows (population and centres)."""

    @property
    def types(self) -> pd.DataFrame:
        """One row per municipality or town: its types and their reasons."""

    @property
    def resilience(self) -> pd.DataFrame:
        """Resilience index, rank and components."""

    @property
    def sensitivity(self) -> pd.DataFrame:
        """Weight sensitivity of the resilience ranks."""

    @property
    def cards(self) -> list[dict[str, Any]]:
        """Strategy cards, with their monitoring alerts."""


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


# --------------------------------------------------------------------------- builder

#: Russian and English names of the resilience index components, by column.
COMPONENT_LABELS: Final[dict[str, tuple[str, str]]] = {
    "component_population": ("Население", "Population"),
    "component_budget": ("Бюджет", "Budget"),
    "component_employment": ("Занятость", "Employment"),
    "component_services": ("Услуги", "Services"),
    "component_diversity": ("Разнообразие", "Diversity"),
    "component_ties": ("Связи", "Ties"),
}


def build_strategy_section(
    region: Region,
    strat: StrategyAnalyses,
    passports: Sequence[TownPassport],
    fragments: list[str],
    *,
    modelled_network: bool = False,
) -> StrategySection:
    """Prepare the report's typology and strategy section.

    Parameters
    ----------
    region
        The region's model (town centres come from its settlements).
    strat
        Typology, resilience and strategy cards of the region.
    passports
        The small towns' passports, listed in the section's index.
    fragments
        The passports' HTML fragments, in the same order.
    modelled_network
        Whether accessibility was computed on a modelled road network.

    Returns
    -------
    StrategySection
        Data of the section.
    """
    f = strat.features
    t = strat.types.merge(
        f[["oktmo", "population", "centre_lon", "centre_lat"]].drop_duplicates("oktmo"),
        on="oktmo",
        how="left",
    )
    s = region.settlements.dropna(subset=["oktmo"]).drop_duplicates("oktmo").set_index("oktmo")
    town = t["level"] == "town"
    t.loc[town, "centre_lon"] = t.loc[town, "oktmo"].map(s.geometry.x)
    t.loc[town, "centre_lat"] = t.loc[town, "oktmo"].map(s.geometry.y)
    types = t.rename(columns={"centre_lon": "lon", "centre_lat": "lat"})[
        ["oktmo", "name", "level", "types", "reasons", "population", "lon", "lat"]
    ]
    res = strat.resilience.rename(columns={"resilience_index": "score"})
    comp_cols = [c for c in res.columns if c.startswith("component_")]
    labels = {c: COMPONENT_LABELS.get(c, (c, c)) for c in comp_cols}
    sens = strat.sensitivity.rename(columns={"bottom_share": "share_bottom_quintile"})
    if "oktmo" not in sens:
        sens = sens.reset_index().rename(columns={"index": "oktmo"})
    sens = sens[
        [c for c in ("oktmo", "median_abs_rank_change", "share_bottom_quintile") if c in sens]
    ]
    alerts = []
    for c in strat.cards:
        a = c.get("monitoring", {}).get("alert", {})
        # no official ONP list: report where the status would lack substance
        if not (a.get("active") or a.get("condition_holds")):
            continue
        held = [x for x in a.get("conditions", []) if x.get("holds")]
        ru = "; ".join(str(x["label_ru"]) for x in held)
        en = "; ".join(str(x["label_en"]) for x in held)
        if not a.get("active"):
            ru = f"при статусе ОНП сработал бы сигнал «статус без содержания»: {ru}"
            en = f"with ONP status the 'status without substance' alert would fire: {en}"
        alerts.append(
            {"oktmo": c["oktmo"], "name": c.get("name", c["oktmo"]), "alert_ru": ru, "alert_en": en}
        )
    index = pd.DataFrame(
        {
            "oktmo": [p.oktmo for p in passports],
            "name": [p.name for p in passports],
            "anchor": [f"passport-{p.oktmo}" for p in passports],
            "pdf": "",
        }
    )
    return StrategySection(
        types=types,
        type_labels=TYPES,
        resilience=res[["oktmo", "name", "score", "rank", *comp_cols]],
        component_labels=labels,
        sensitivity=sens
        if {"median_abs_rank_change", "share_bottom_quintile"} <= set(sens)
        else None,
        alerts=pd.DataFrame(alerts, columns=["oktmo", "name", "alert_ru", "alert_en"]),
        passports_html=fragments,
        passport_index=index,
        note_ru=(
            "Типы назначены правилами из файла порогов (typology.toml) с цифрами-"
            "обоснованиями; устойчивость — составной индекс (strategy.toml) с проверкой "
            "чувствительности весов. Официальный список ОНП не задан: сигнал «статус без "
            "содержания» проверен для всех муниципалитетов."
            + (
                " Время до крупного города, обслуживание жителей соседних районов и "
                "доступность услуг посчитаны по смоделированной сети дорог и смоделированным "
                "учреждениям: типы «межрайонный центр» и «спутник агломерации» и "
                "компонента «Услуги» ориентировочны."
                if modelled_network
                else ""
            )
        ),
        note_en=(
            "Types come from the rules of the thresholds file (typology.toml) with the "
            "figures behind them; resilience is a composite index (strategy.toml) with a "
            "weight-sensitivity check. No official ONP list was given: the 'status "
            "without substance' alert is checked for every municipality."
            + (
                " Travel time to a large city, service of neighbouring districts and access "
                "to services come from the modelled road network and modelled facilities: "
                "the 'inter-district centre' and 'agglomeration satellite' types and the "
                "'Services' component are indicative."
                if modelled_network
                else ""
            )
        ),
    )


# --------------------------------------------------------------------------- template data

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
    return list(dict.fromkeys(p.strip() for p in display_text(value).split(";") if p.strip()))


def _type_palette(
    strategy: StrategySection, ids: Iterable[str], lang: str
) -> dict[str, dict[str, str]]:
    """Return label and colour of every type id: labelled ids first, then the others."""
    order = list(dict.fromkeys([*(display_text(k) for k in strategy.type_labels), *ids]))
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
    require_columns(frame, ["oktmo", "name", "level", "types"], "typology")
    records = frame.to_dict("records")
    ids = [_type_ids(r.get("types")) for r in records]
    palette = _type_palette(strategy, (i for row in ids for i in row), lang)
    rows: list[dict[str, Any]] = []
    for record, row_ids in zip(records, ids, strict=True):
        level = display_text(record.get("level")).lower()
        parts = _reason_parts(display_text(record.get("reasons")), palette)
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
                "oktmo": display_text(record.get("oktmo")),
                "name": display_text(record.get("name")),
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
                "population": value_cell(record.get("population"), "int", lang),
                "pop": to_float(record.get("population")),
                "lon": to_float(record.get("lon")),
                "lat": to_float(record.get("lat")),
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
                "cx": fmt_coord(x + distance * math.cos(angle)),
                "cy": fmt_coord(y + distance * math.sin(angle)),
                "r": fmt_coord(dot),
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
        "cx": fmt_coord(x),
        "cy": fmt_coord(y),
        "r": fmt_coord(radius),
        "colour": palette[ids[0]]["colour"] if ids else "#ffffff",
        "dots": dots,
        "title": "\n".join(tip),
    }


def _strategy_map(
    rows: Sequence[Mapping[str, Any]],
    palette: Mapping[str, Mapping[str, str]],
    settlements: Any,
    projection: Projection | None,
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
        "r_muni": fmt_coord(_TYP_RADIUS[False]),
        "r_town": fmt_coord(_TYP_RADIUS[True]),
        "r_dot": fmt_coord(_TYP_DOT[False]),
    }
    if projection is None:
        return result
    s_lon, s_lat = lonlat(settlements)
    result["base"] = dots_path(s_lon, s_lat, projection)
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
    number = to_float(value)
    if number is None:
        return "res-na"
    step = min(max(int(round(number, 1) // 20.0), 0), 4)
    return RESILIENCE_CLASSES[step]


def _sensitivity(frame: pd.DataFrame) -> dict[str, tuple[float | None, float | None]]:
    """Return the median rank change and bottom-quintile share of each municipality."""
    result: dict[str, tuple[float | None, float | None]] = {}
    if not len(frame):
        return result
    require_columns(
        frame, ["oktmo", "median_abs_rank_change", "share_bottom_quintile"], "sensitivity"
    )
    for oktmo, change, share in zip(
        frame["oktmo"].tolist(),
        floats(frame["median_abs_rank_change"]),
        floats(frame["share_bottom_quintile"]),
        strict=True,
    ):
        code = display_text(oktmo)
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
        require_columns(frame, ["oktmo", "name", "score", "rank"], "resilience")
        values = {k: floats(frame[k]) for k in keys}
        for i, (oktmo, name, score, rank) in enumerate(
            zip(
                frame["oktmo"].tolist(),
                frame["name"].tolist(),
                floats(frame["score"]),
                floats(frame["rank"]),
                strict=True,
            )
        ):
            code = display_text(oktmo)
            cells = []
            for k in keys:
                cell = value_cell(values[k][i], "float1", lang)
                cell["cls"] = resilience_class(values[k][i])
                cells.append(cell)
            change, share = sens.get(code, (None, None))
            bar = 0.0 if score is None else min(max(score, 0.0), 100.0) / 100.0 * _RES_BAR_W
            rows.append(
                {
                    "oktmo": code,
                    "name": display_text(name),
                    "rank": value_cell(rank, "int", lang),
                    "score": value_cell(score, "float1", lang),
                    "bar": fmt_coord(bar),
                    "cells": cells,
                    "change": value_cell(change, "float1", lang),
                    "share": value_cell(None if share is None else share * 100.0, "pct1", lang),
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
        "bar_w": fmt_coord(_RES_BAR_W),
        "bar_h": fmt_coord(_RES_BAR_H),
    }


def _strategy_alerts(strategy: StrategySection, lang: str) -> list[dict[str, str]]:
    """Return the alert rows in the report language (the other one where it is empty)."""
    frame = strategy.alerts
    if not len(frame):
        return []
    require_columns(frame, ["oktmo", "name", "alert_ru", "alert_en"], "alerts")
    own, other = ("alert_ru", "alert_en") if lang == "ru" else ("alert_en", "alert_ru")
    rows = []
    for record in frame.to_dict("records"):
        text = display_text(record.get(own)) or display_text(record.get(other))
        if text:
            rows.append(
                {
                    "oktmo": display_text(record.get("oktmo")),
                    "name": display_text(record.get("name")),
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
        require_columns(frame, ["oktmo", "name", "anchor"], "passport index")
        for record in frame.to_dict("records"):
            anchor = display_text(record.get("anchor")).lstrip("#")
            pdf = display_text(record.get("pdf"))
            rows.append(
                {
                    "oktmo": display_text(record.get("oktmo")),
                    "name": display_text(record.get("name")),
                    "anchor": anchor if anchor in ids else "",
                    "pdf": pdf,
                    "pdf_href": _pdf_href(pdf) if pdf else "",
                }
            )
    css = PASSPORT_CSS if any("<style" not in f for f in fragments) else ""
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
    projection: Projection | None,
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


def template_data(section: StrategySection, ctx: RenderContext) -> dict[str, Any]:
    """Prepare every part of the typology and strategy section for its template part.

    Parameters
    ----------
    section
        The section's view model.
    ctx
        Language, labels, settlements and the main map's projection.

    Returns
    -------
    dict
        What ``sections/strategy.html.j2`` reads.

    Raises
    ------
    ReportInputError
        If a table lacks a column or holds a bad value (a bottom-quintile
        share outside 0-1, a repeated sensitivity row, a passport PDF that is not a
        relative file name).
    """
    return _build_strategy(section, ctx.settlements, ctx.projection, ctx.lang, ctx.labels)
