"""Facilities (schools, clinics, post offices...) of an OpenStreetMap extract, as points.

:func:`read_osm_facilities` reads nodes, closed ways and multipolygons (as their
representative point). The first matching rule gives the type:

==================  ==========================================================================
type                OSM tags
==================  ==========================================================================
public_services     ``office=government`` + ``government=public_service``;
                    ``amenity=public_service``; or a ``name`` with «МФЦ», «Мои документы»,
                    «многофункциональный центр» (on any object with ``amenity``, ``office``
                    or ``healthcare``)
doctors             ``amenity=doctors``, ``healthcare=doctor``; a ``name`` with «ФАП»,
                    «фельдшерско-акушерский», «фельдшерский пункт» or «амбулатория»
                    on a healthcare object
hospital            ``amenity=hospital``, ``healthcare=hospital``
clinic              ``amenity=clinic``, ``healthcare=clinic``
school              ``amenity=school``
kindergarten        ``amenity=kindergarten``
pharmacy            ``amenity=pharmacy``, ``healthcare=pharmacy``
post_office         ``amenity=post_office``
library             ``amenity=library``
community_centre    ``amenity=community_centre``; ``amenity=arts_centre|social_centre`` with
                    a ``name`` with «дом культуры», «ДК», «клуб»
==================  ==========================================================================

Feldsher-midwife posts (ФАП) are typed ``doctors``, the service of the same name in
``normatives.toml`` («ФАП / врачебная амбулатория»): the travel-time standard is the
same, and OSM tags them as ``amenity=doctors`` or ``clinic`` with the name telling them
apart. ``capacity`` comes from the ``capacity`` tag when it is a whole number (others
are flagged).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import osmium
import pandas as pd
import shapely

from opora.io.osm._pbf import _check_osm_file, _unreadable
from opora.model.result import ImportResult, RejectLog

__all__ = ["OSM_FACILITY_COLUMNS", "read_osm_facilities"]

#: Columns of the table of :func:`read_osm_facilities`.
OSM_FACILITY_COLUMNS = ["facility_id", "type", "name", "osm_id", "capacity", "geometry"]

_MFC = re.compile(r"мфц|мои документы|многофункциональн", re.IGNORECASE)
_FAP = re.compile(
    r"(^|[^а-яё])фап([^а-яё]|$)|фельдшерско|фельдшерский пункт|амбулатори", re.IGNORECASE
)
_CULTURE = re.compile(r"дом культуры|(^|[^а-яё])с?дк([^а-яё]|$)|клуб", re.IGNORECASE)
_AMENITY_TYPES = {
    "school": "school",
    "kindergarten": "kindergarten",
    "clinic": "clinic",
    "doctors": "doctors",
    "hospital": "hospital",
    "pharmacy": "pharmacy",
    "post_office": "post_office",
    "library": "library",
    "community_centre": "community_centre",
    "public_service": "public_services",
}
_HEALTHCARE_TYPES = {
    "hospital": "hospital",
    "clinic": "clinic",
    "doctor": "doctors",
    "pharmacy": "pharmacy",
}


def _osm_facility_type(tags: Mapping[str, str]) -> str | None:
    """Return the facility type of an OSM object (module docstring table), or ``None``."""
    amenity = tags.get("amenity", "")
    healthcare = tags.get("healthcare", "")
    name = tags.get("name", "")
    if (
        (tags.get("office") == "government" and tags.get("government") == "public_service")
        or amenity == "public_service"
        or (name and _MFC.search(name))
    ):
        return "public_services"
    medical = amenity in ("doctors", "clinic", "hospital") or healthcare != ""
    if medical and name and _FAP.search(name) and amenity != "hospital":
        return "doctors"
    if amenity in _AMENITY_TYPES:
        return _AMENITY_TYPES[amenity]
    if healthcare in _HEALTHCARE_TYPES:
        return _HEALTHCARE_TYPES[healthcare]
    if amenity in ("arts_centre", "social_centre") and name and _CULTURE.search(name):
        return "community_centre"
    return None


def _capacity(value: str | None, where: str, log: RejectLog, ctx: str) -> float | None:
    if value is None or not value.strip():
        return None
    text = value.strip().replace(" ", "")
    if text.isdigit():
        return float(text)
    log.add(None, where, value, "capacity is not a whole number; left empty", "flagged", ctx)
    return None


def read_osm_facilities(path: str | Path) -> ImportResult:
    """Read facilities (schools, clinics, post offices...) from an OpenStreetMap extract.

    Types follow the tag table of the module docstring; areas (closed ways and
    multipolygons) are placed at their representative point.

    Parameters
    ----------
    path
        An ``.osm.pbf`` extract (``.osm`` XML also works).

    Returns
    -------
    ImportResult
        ``table``: a GeoDataFrame (EPSG:4326 points) with :data:`OSM_FACILITY_COLUMNS`
        (``facility_id`` is ``osm:<type>/<id>``, ``osm_id`` is ``node/123``,
        ``way/45`` or ``relation/6``; ``capacity`` is a nullable float); ``rejects``:
        flagged capacities and areas whose geometry could not be built; ``rows_read``:
        objects with an ``amenity``, ``healthcare`` or ``office`` tag; ``extra``: count
        by type.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, FormatError
        If the file is missing, empty or not an OSM extract.
    """
    p = _check_osm_file(path)
    log = RejectLog(p)
    fab = osmium.geom.WKBFactory()
    rows: list[dict[str, Any]] = []
    geoms: list[shapely.Geometry] = []
    pending: dict[int, tuple[dict[str, str], str, shapely.Geometry | None, bool]] = {}
    area_ways: set[int] = set()
    read = 0
    processor = (
        osmium.FileProcessor(str(p))
        .with_areas()
        .with_filter(osmium.filter.KeyFilter("amenity", "healthcare", "office"))
    )

    def add(tags: dict[str, str], ftype: str, ref: str, geometry: shapely.Geometry) -> None:
        rows.append(
            {
                "facility_id": f"osm:{ref}",
                "type": ftype,
                "name": tags.get("name", ""),
                "osm_id": ref,
                "capacity": _capacity(tags.get("capacity"), "capacity", log, ref),
            }
        )
        geoms.append(shapely.point_on_surface(geometry))

    try:
        for obj in processor:
            tags = {t.k: t.v for t in obj.tags}
            ftype = _osm_facility_type(tags)
            if isinstance(obj, osmium.osm.Node | osmium.osm.Way) or (
                isinstance(obj, osmium.osm.Area) and not obj.from_way()
            ):
                read += 1
            if ftype is None:
                continue
            if isinstance(obj, osmium.osm.Node):
                add(
                    tags, ftype, f"node/{obj.id}", shapely.Point(obj.location.lon, obj.location.lat)
                )
            elif isinstance(obj, osmium.osm.Way):
                nodes = obj.nodes
                coords = [(n.lon, n.lat) for n in nodes if n.location.valid()]
                clipped = len(coords) < len(nodes)
                geom = shapely.MultiPoint(coords) if coords else None
                if nodes.is_closed() or clipped:
                    pending[obj.id] = (tags, ftype, geom, clipped)
                elif geom is not None:
                    add(tags, ftype, f"way/{obj.id}", shapely.LineString(coords))
            elif isinstance(obj, osmium.osm.Area):
                kind = "way" if obj.from_way() else "relation"
                ref = f"{kind}/{obj.orig_id()}"
                try:
                    area = shapely.from_wkb(fab.create_multipolygon(obj))
                except (osmium.InvalidLocationError, RuntimeError):
                    if kind == "relation":
                        log.add(None, None, None, "area geometry cannot be built", "rejected", ref)
                    continue
                if kind == "way":
                    area_ways.add(obj.orig_id())
                add(tags, ftype, ref, area)
    except RuntimeError as exc:
        raise _unreadable(p, exc) from exc
    for way_id, (tags, ftype, geom, clipped) in pending.items():
        ref = f"way/{way_id}"
        if way_id in area_ways:
            continue
        if geom is None:
            reason = "no node of the way is in the extract"
            log.add(None, None, None, reason, "rejected", ref)
            continue
        if clipped:
            reason = "area clipped at the border of the extract: placed in the part inside"
            log.add(None, None, None, reason, "repaired", ref)
        add(tags, ftype, ref, shapely.convex_hull(geom))
    frame = pd.DataFrame(rows, columns=OSM_FACILITY_COLUMNS[:-1])
    frame["capacity"] = pd.array(frame["capacity"].tolist(), dtype="Float64")
    table = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
    table = table.sort_values(["type", "facility_id"], ignore_index=True)
    extra = {f"type_{k}": int(v) for k, v in table["type"].value_counts().sort_index().items()}
    return ImportResult(
        name="osm_facilities",
        table=table[OSM_FACILITY_COLUMNS],
        rejects=log.to_frame(),
        rows_read=read,
        extra=extra,
    )
