"""Accessibility section: services within their travel-time standards.

The view model :class:`AccessSection` holds the shares of the population within each
service's standard, by municipality and for the region, the worst-served settlements
(drawn on the main map's projection) and the settlements cut off in winter or the
thaw; :func:`build_access_section` makes it from the accessibility analysis and
:func:`template_data` turns it into what the template part shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from opora.access.services import ServiceAccess
from opora.errors import ReportInputError
from opora.model.region import Region
from opora.model.roads import RoadGraph
from opora.model.settlements import top_municipality
from opora.report._helpers import (
    SHARE_CLASSES,
    Projection,
    RenderContext,
    display_text,
    dots_path,
    fmt_coord,
    format_number,
    lonlat,
    minutes_cell,
    minutes_text,
    require_columns,
    share_class,
    standard_text,
    to_float,
    value_cell,
)

__all__ = [
    "SHARE_CLASSES",
    "AccessSection",
    "ServiceInfo",
    "ServiceStandard",
    "build_access_section",
    "share_class",
    "template_data",
]


class ServiceStandard(Protocol):
    """What the section reads of a service standard (:class:`opora.io.normatives.Normative`)."""

    @property
    def label_ru(self) -> str:
        """Russian name of the service."""

    @property
    def label_en(self) -> str:
        """English name of the service."""

    @property
    def max_minutes(self) -> float:
        """Longest travel time within the standard, minutes."""


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
        minutes = to_float(self.max_minutes)
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


# --------------------------------------------------------------------------- builder


def build_access_section(
    region: Region,
    acc: ServiceAccess,
    shares: pd.DataFrame,
    normatives: Mapping[str, ServiceStandard],
    graph: RoadGraph,
    *,
    facilities_modelled: bool = True,
    worst_n: int = 40,
) -> AccessSection:
    """Prepare the report's accessibility section.

    Parameters
    ----------
    region
        The region's model (settlements and municipalities).
    acc
        Service accessibility of the region's settlements.
    shares
        Shares of population within each standard per top-level municipality.
    normatives
        Service standards by service key.
    graph
        The road network the times were computed on (modelled or OSM).
    facilities_modelled
        Whether the facilities were placed by a model rather than read from a source.
    worst_n
        Number of worst-served settlements listed.

    Returns
    -------
    AccessSection
        Data of the section.
    """
    s = region.settlements.reset_index(drop=True)
    names = region.municipalities.set_index("oktmo")["name"]
    top = top_municipality(s, region.municipalities)
    info = pd.DataFrame(
        {
            "settlement_id": s["settlement_id"].astype(str),
            "name": s["name"],
            "municipality": top.map(names).fillna(top).to_numpy(),
            "population": pd.to_numeric(s["population"], errors="coerce"),
            "lon": s.geometry.x,
            "lat": s.geometry.y,
        }
    )
    summer = acc.nearest[acc.nearest["state"] == "summer"].merge(info, on="settlement_id")
    summer["over"] = summer["minutes"] / summer["service"].map(
        {k: n.max_minutes for k, n in normatives.items()}
    )
    summer["pop_outside"] = summer["population"].where(~summer["within_standard"], 0)
    worst = (
        summer[~summer["within_standard"]]
        .sort_values(["pop_outside", "over"], ascending=False)
        .drop_duplicates("settlement_id")
        .head(worst_n)
    )
    iso = acc.isolated.merge(info, on="settlement_id", how="left")
    mshares = shares.copy()
    mshares.insert(1, "name", mshares["oktmo"].map(names).fillna(mshares["oktmo"]))
    if graph.modelled:
        net_ru = (
            "Сеть дорог смоделирована: граф Габриэля по населённым пунктам, "
            "коэффициент непрямолинейности 1,3, скорости 80/60/40 км/ч по иерархии "
            "поселений. Подключите выгрузку OSM (--osm), чтобы считать по реальным "
            "дорогам."
        )
        net_en = (
            "Road network is modelled: Gabriel graph over settlements, detour factor "
            "1.3, speeds 80/60/40 km/h by settlement rank. Pass an OSM extract (--osm) "
            "to use real roads."
        )
    else:
        net_ru = f"Дороги: OpenStreetMap ({graph.source}); сезонные состояния учтены."
        net_en = f"Roads: OpenStreetMap ({graph.source}); seasonal states applied."
    if facilities_modelled:
        fac_ru = (
            " Учреждения размещены моделью по численности населения и нормативам "
            "(не реестр): подключите реестр (--facilities)."
        )
        fac_en = (
            " Facilities are placed by a model from population thresholds of the "
            "standards (not a registry): pass a registry (--facilities)."
        )
    else:
        fac_ru = " Учреждения — из заданного источника."
        fac_en = " Facilities come from the given source."
    note_ru, note_en = net_ru + fac_ru, net_en + fac_en
    return AccessSection(
        services=[
            ServiceInfo(k, n.label_ru, n.label_en, n.max_minutes) for k, n in normatives.items()
        ],
        municipal_shares=mshares,
        region_shares=acc.region[
            ["service", "within_standard_pct", "population_outside", "unreachable_settlements"]
        ],
        worst=worst[
            [
                "settlement_id",
                "name",
                "municipality",
                "population",
                "service",
                "minutes",
                "lon",
                "lat",
            ]
        ].reset_index(drop=True),
        isolated=iso[
            ["settlement_id", "name", "municipality", "population", "state", "reason"]
        ].reset_index(drop=True),
        network_note_ru=note_ru,
        network_note_en=note_en,
        modelled=acc.modelled,
    )


# --------------------------------------------------------------------------- template data

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


def _service_lookup(
    services: Sequence[ServiceInfo], values: Iterable[object], what: str
) -> list[int]:
    """Return the position in ``services`` of each service key in ``values``."""
    index = {s.key: i for i, s in enumerate(services)}
    positions = []
    for value in values:
        key = display_text(value)
        if key not in index:
            msg = f"{what} table names service {key!r}, which is not in the section's services"
            raise ReportInputError(msg)
        positions.append(index[key])
    return positions


def _build_worst(
    access: AccessSection,
    settlements: Any,
    projection: Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare the worst-served map (base dots, coloured markers, legend) and table."""
    worst = access.worst
    services = access.services
    require_columns(
        worst,
        ["settlement_id", "name", "municipality", "population", "service", "minutes"],
        "worst-served",
    )
    positions = _service_lookup(services, worst["service"].tolist(), "worst-served")
    ids = [display_text(v) for v in worst["settlement_id"].tolist()]
    lon = np.array(
        [to_float(v) for v in worst["lon"]] if "lon" in worst.columns else [None] * len(worst),
        dtype=float,
    )
    lat = np.array(
        [to_float(v) for v in worst["lat"]] if "lat" in worst.columns else [None] * len(worst),
        dtype=float,
    )
    s_lon, s_lat = lonlat(settlements)
    gaps = ~(np.isfinite(lon) & np.isfinite(lat))
    if gaps.any() and len(settlements):
        where = {
            sid: i for i, sid in enumerate(display_text(v) for v in settlements["settlement_id"])
        }
        for gap in np.flatnonzero(gaps).tolist():
            i = where.get(ids[gap])
            if i is not None:
                lon[gap], lat[gap] = s_lon[i], s_lat[i]

    names = worst["name"].tolist()
    munis = worst["municipality"].tolist()
    pops = worst["population"].tolist()
    minutes = [to_float(v) for v in worst["minutes"]]
    rows: list[dict[str, Any]] = []
    for k in range(len(worst)):
        service = services[positions[k]]
        rows.append(
            {
                "name": display_text(names[k]),
                "municipality": display_text(munis[k]),
                "service": service.label(lang),
                "population": value_cell(pops[k], "int", lang),
                "minutes": minutes_cell(minutes[k], lang, t),
                "standard": standard_text(service.max_minutes, lang, t),
                "colour": _SERVICE_COLOURS[positions[k] % len(_SERVICE_COLOURS)],
            }
        )

    result: dict[str, Any] = {
        "rows": rows,
        "groups": [],
        "legend": [],
        "not_shown": 0,
        "r": fmt_coord(_WORST_RADIUS),
    }
    if projection is None:
        result["base"] = ""
        result["not_shown"] = len(worst)
        return result
    result["base"] = dots_path(s_lon, s_lat, projection)
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
                    minutes=minutes_text(minutes[k], lang, t),
                    standard=rows[k]["standard"],
                )
            )
            circles.append(
                {
                    "id": ids[k],
                    "cx": fmt_coord(float(wx[k])),
                    "cy": fmt_coord(float(wy[k])),
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
    projection: Projection | None,
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
    require_columns(
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
        cell = value_cell(within, "pct1", lang)
        cell["cls"] = share_class(within)
        region_rows.append(
            {
                "key": service.key,
                "label": service.label(lang),
                "standard": standard_text(service.max_minutes, lang, t),
                "standard_v": repr(float(service.max_minutes)),
                "within": cell,
                "outside": value_cell(record.get("population_outside"), "int", lang),
                "unreachable": value_cell(record.get("unreachable_settlements"), "int", lang),
            }
        )

    shares = access.municipal_shares
    require_columns(shares, ["oktmo", "name", "population", *keys], "municipal shares")
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
            cell = value_cell(values[k][i], "pct1", lang)
            cell["cls"] = share_class(values[k][i])
            cells.append(cell)
        muni_rows.append(
            {
                "oktmo": display_text(oktmo),
                "name": display_text(name),
                "population": value_cell(pop, "int", lang),
                "cells": cells,
            }
        )
    muni_headers = [
        {"key": s.key, "label": s.label(lang), "unit": standard_text(s.max_minutes, lang, t)}
        for s in services
    ]

    isolated = access.isolated
    require_columns(isolated, ["name", "municipality", "population", "state", "reason"], "isolated")
    isolated_rows = []
    for record in isolated.to_dict("records"):
        state = display_text(record.get("state"))
        isolated_rows.append(
            {
                "id": display_text(record.get("settlement_id")),
                "name": display_text(record.get("name")),
                "municipality": display_text(record.get("municipality")),
                "population": value_cell(record.get("population"), "int", lang),
                "state": t[f"acc_state_{state}"] if state in _STATES else state,
                "state_key": state,
                "reason": display_text(record.get("reason")),
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


def template_data(section: AccessSection, ctx: RenderContext) -> dict[str, Any]:
    """Prepare every part of the accessibility section for its template part.

    Parameters
    ----------
    section
        The section's view model.
    ctx
        Language, labels, settlements and the main map's projection.

    Returns
    -------
    dict
        What ``sections/access.html.j2`` reads.

    Raises
    ------
    ReportInputError
        If a table lacks a column, names a service that is not among
        ``section.services``, or repeats a service.
    """
    return _build_access(section, ctx.settlements, ctx.projection, ctx.lang, ctx.labels)
