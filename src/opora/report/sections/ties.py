"""Ties section: the network of firms' ties between municipalities and the towns' card.

The view model :class:`TiesSection` holds the ties between municipalities (drawn as
a flow map on the main map's projection), the municipalities as nodes with their
detachment and the per-town card; :func:`build_ties_section` makes it from the
ties network's tables and :func:`template_data` turns it into what the template
part shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from opora.errors import ReportInputError
from opora.report._helpers import (
    MISSING_TEXT,
    ProfileColumn,
    ProfileColumnLike,
    Projection,
    RenderContext,
    column_table,
    display_text,
    dots_path,
    fmt_coord,
    format_number,
    lonlat,
    require_columns,
    sqrt_scale,
    to_float,
)

__all__ = [
    "TIES_DETACHMENT_COLOURS",
    "TIES_KIND_COLOURS",
    "TIES_MAX_LINES",
    "TiesSection",
    "build_ties_section",
    "template_data",
    "ties_detachment_class",
]


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


# --------------------------------------------------------------------------- builder

_TIES_CARD = [
    (
        "population",
        "Население",
        "Population",
        "чел.",
        "people",
        "int",
        "settlement register / bulletin",
    ),
    (
        "local_employment",
        "Занятые в фирмах",
        "Employment in firms",
        "чел.",
        "people",
        "int",
        "firm registry",
    ),
    (
        "ext_controlled_share",
        "Под внешним контролем",
        "Controlled from outside",
        "доля",
        "share",
        "float2",
        "share of local employment in firms controlled from another municipality",
    ),
    (
        "vic_share",
        "В ВИК",
        "In VIC groups",
        "доля",
        "share",
        "float2",
        "share of local employment in vertically integrated corporations",
    ),
    (
        "control_exported",
        "Контроль вовне",
        "Control exported",
        "чел.",
        "people",
        "int",
        "employees elsewhere controlled from here",
    ),
    (
        "core_links",
        "Связи с ядрами",
        "Ties to cores",
        "ед.",
        "count",
        "int",
        "ties to agglomeration cores and large cities",
    ),
    (
        "rural_links",
        "Связи с сёлами",
        "Ties to villages",
        "ед.",
        "count",
        "int",
        "ties to rural settlements of its own and neighbouring municipalities",
    ),
    ("betweenness", "Посредничество", "Betweenness", "", "", "float2", "network position"),
    (
        "detachment",
        "Оторванность",
        "Detachment",
        "0–1",
        "0–1",
        "float2",
        "detachment index (components in ties_metrics.csv)",
    ),
]


def build_ties_section(
    municipalities: pd.DataFrame,
    edges: pd.DataFrame,
    metrics: pd.DataFrame,
    ties_features: pd.DataFrame,
    *,
    modelled: bool,
) -> TiesSection:
    """Prepare the report's ties section.

    Parameters
    ----------
    municipalities
        The region's municipalities (``oktmo``, ``name``, ``level`` and point geometry).
    edges
        Ties aggregated by pair of places and kind (``ties_edges.csv``), with
        ``source_municipality``, ``target_municipality``, ``kind`` and ``employees``.
    metrics
        Metrics of every place (``ties_metrics.csv``).
    ties_features
        Municipality ties facts: ``oktmo`` and ``ties_embeddedness`` (see
        :func:`opora.workflow.analyses.add_ties_features`).
    modelled
        Whether the firm population is modelled.

    Returns
    -------
    TiesSection
        Data of the section.
    """
    m = municipalities[municipalities["level"] == "upper"]
    pos = pd.DataFrame(
        {
            "oktmo": m["oktmo"].astype(str),
            "name": m["name"],
            "lon": m.geometry.x,
            "lat": m.geometry.y,
        }
    ).set_index("oktmo")
    e = edges.groupby(["source_municipality", "target_municipality", "kind"], as_index=False)[
        "employees"
    ].sum()
    e = e[e["source_municipality"].isin(pos.index) & e["target_municipality"].isin(pos.index)]
    e = e.rename(
        columns={
            "source_municipality": "source",
            "target_municipality": "target",
            "employees": "weight",
        }
    )
    e["weight"] = e["weight"].fillna(0.0)
    for side in ("source", "target"):
        e[f"{side}_lon"] = e[side].map(pos["lon"])
        e[f"{side}_lat"] = e[side].map(pos["lat"])
    local = e[e["source"] == e["target"]].groupby("source")["weight"].sum()
    embedded = ties_features.drop_duplicates("oktmo").set_index("oktmo")["ties_embeddedness"]
    nodes = pos.reset_index().assign(
        detachment=(1 - pos.index.to_series().map(embedded)).clip(0, 1).to_numpy(),
        local_weight=lambda d: d["oktmo"].map(local).fillna(0.0),
    )
    town = metrics[metrics["is_town"].fillna(False).astype(bool)]
    card = town.rename(columns={"place": "oktmo"})
    cols = [ProfileColumn(*c) for c in _TIES_CARD if c[0] in card]
    card = card[["oktmo", "name", *[c.key for c in cols]]]
    return TiesSection(
        edges=e.reset_index(drop=True),
        nodes=nodes,
        card=card.reset_index(drop=True),
        card_columns=cols,
        modelled=modelled,
        note_ru=(
            "Связи построены по реестру фирм: контроль (головная → дочерняя), филиалы, "
            "поставки; вес — численность занятых. Реестр для региона по умолчанию "
            "смоделирован (согласован с реальными числом организаций и занятостью по "
            "разделам ОКВЭД) и не используется в оценке устойчивости."
            if modelled
            else "Связи построены по заданному реестру фирм; вес — численность занятых."
        ),
        note_en=(
            "Ties from the firm registry: control (parent → subsidiary), branches, "
            "supply; weight = employees. The default region's registry is modelled "
            "(consistent with the real organisation counts and sector employment) and "
            "is not used in the resilience index."
            if modelled
            else "Ties from the given firm registry; weight = employees."
        ),
    )


# --------------------------------------------------------------------------- template data

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
    number = to_float(value)
    if number is None:
        return len(TIES_DETACHMENT_COLOURS) - 1
    if not 0.0 <= number <= 1.0:
        msg = f"ties node detachment {number!r} lies outside 0-1"
        raise ReportInputError(msg)
    return min(int(number * 5), 4)


def _nan_if_none(value: float | None) -> float:
    """Return ``value``, or NaN when it is ``None``."""
    return math.nan if value is None else value


def _ties_edges(edges: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the checked tie rows: codes, kind, weight, coordinates."""
    require_columns(edges, _TIES_EDGE_COLUMNS, "ties edges")
    rows = []
    for record in edges.to_dict("records"):
        kind = display_text(record["kind"])
        if kind not in TIES_KIND_COLOURS:
            msg = f"ties edge kind {kind!r} is not one of {', '.join(TIES_KIND_COLOURS)}"
            raise ReportInputError(msg)
        weight = to_float(record["weight"])
        if weight is None or weight < 0:
            msg = f"ties edge weight {record['weight']!r} is not a finite non-negative number"
            raise ReportInputError(msg)
        coords = [
            to_float(record[c]) for c in ("source_lon", "source_lat", "target_lon", "target_lat")
        ]
        rows.append(
            {
                "source": display_text(record["source"]),
                "target": display_text(record["target"]),
                "kind": kind,
                "weight": weight,
                "coords": coords,
            }
        )
    return rows


def _ties_map(
    ties: TiesSection,
    settlements: Any,
    projection: Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare the flow map: grey settlements, tie lines, node circles, legends."""
    require_columns(ties.nodes, _TIES_NODE_COLUMNS, "ties nodes")
    edges = _ties_edges(ties.edges)
    names = {
        display_text(o): display_text(n)
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
    s_lon, s_lat = lonlat(settlements)
    result["base"] = dots_path(s_lon, s_lat, projection)
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
                    f"M{fmt_coord(x1)} {fmt_coord(y1)}Q{fmt_coord(qx)} {fmt_coord(qy)} "
                    f"{fmt_coord(x2)} {fmt_coord(y2)}"
                ),
                "kind": e["kind"],
                "colour": TIES_KIND_COLOURS[e["kind"]],
                "width": f"{sqrt_scale(e['weight'], top, _TIES_W_MIN, _TIES_W_MAX):.2f}",
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
    lon = np.array([_nan_if_none(to_float(r["lon"])) for r in nodes], dtype=float)
    lat = np.array([_nan_if_none(to_float(r["lat"])) for r in nodes], dtype=float)
    x, y = projection.project(lon, lat)
    local = [to_float(r["local_weight"]) for r in nodes]
    top_local = max((v for v in local if v is not None), default=0.0)
    markers: list[dict[str, Any]] = []
    for i, r in enumerate(nodes):
        if not (math.isfinite(x[i]) and math.isfinite(y[i])):
            continue
        name = display_text(r["name"]) or display_text(r["oktmo"])
        tip = [f"{name} ({display_text(r['oktmo'])})"]
        local_text = format_number(local[i], "int", lang)
        tip.append(t["ties_tt_local"].format(n=local_text or MISSING_TEXT))
        det = to_float(r["detachment"])
        det_text = format_number(None if det is None else det * 100, "pct1", lang)
        tip.append(t["ties_tt_detachment"].format(v=det_text or MISSING_TEXT))
        markers.append(
            {
                "oktmo": display_text(r["oktmo"]),
                "cx": fmt_coord(float(x[i])),
                "cy": fmt_coord(float(y[i])),
                "r": fmt_coord(sqrt_scale(local[i] or 0.0, top_local, _TIES_R_MIN, _TIES_R_MAX)),
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
    projection: Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare every part of the ties section for the template."""
    require_columns(ties.card, ["oktmo", "name", *(c.key for c in ties.card_columns)], "ties card")
    return {
        "note": ties.note_ru if lang == "ru" else ties.note_en,
        "modelled": bool(ties.modelled),
        "map": _ties_map(ties, settlements, projection, lang, t),
        "card": column_table(ties.card, ties.card_columns, lang),
    }


def template_data(section: TiesSection, ctx: RenderContext) -> dict[str, Any]:
    """Prepare every part of the ties section for its template part.

    Parameters
    ----------
    section
        The section's view model.
    ctx
        Language, labels, settlements and the main map's projection.

    Returns
    -------
    dict
        What ``sections/ties.html.j2`` reads.

    Raises
    ------
    ReportInputError
        If a table lacks a column or holds a bad value (an unknown tie kind,
        a negative or missing weight, a detachment outside 0-1).
    """
    return _build_ties(section, ctx.settlements, ctx.projection, ctx.lang, ctx.labels)
