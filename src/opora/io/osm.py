"""Read roads and facilities from OpenStreetMap extracts, and facility registries.

Readers
-------
* :func:`read_osm_roads`: the drivable road network of an ``.osm.pbf`` extract as a
  :class:`~opora.model.roads.RoadGraph` with ``summer``, ``winter`` and ``thaw`` states,
  returned inside a :class:`RoadImport` (an :class:`~opora.io.ImportResult` whose
  ``table`` lists the ways kept and whose ``graph`` is the network);
* :func:`read_speed_table`: the speeds and seasonal rules (``opora/data/speeds.toml`` or a
  copy edited by the user);
* :func:`read_osm_facilities`: schools, clinics, post offices... of an extract, as points;
* :func:`read_facility_registry`: a CSV or XLSX registry of facilities with Russian or
  English type names, located by coordinates or by OKTMO code.

OSM library
-----------
Files are read with **pyosmium** (``osmium``), the Python binding of libosmium kept by
OSM's own developers. Measured on this project's 2-core machine (shared, so ±30%),
imports excluded, the first call of each library included:

======================================  ===============  ===============  ===============
file                                    opora (pyosmium  pyrosm           quackosm 0.19
                                        bulk export)     ``get_network``
======================================  ===============  ===============  ===============
pyrosm ``test.osm.pbf`` (0.14 MB)       0.06 s           3.5 s (0.08 s    7-10 s
                                                         once warm)
pyrosm ``Helsinki.osm.pbf`` (0.7 MB)    0.25 s           0.2-3.0 s        14-15 s
synthetic grid, 1 M nodes, 200 k ways   12 s, 1.05 GB    10-25 s,         not run
(2.2 M way nodes)                       peak (whole      1.3 GB peak
                                        graph built)     (edges only)
======================================  ===============  ===============  ===============

pyrosm's ``get_data_by_custom_criteria`` (ways only, no graph) took 9-14 s and 0.8 GB on
the synthetic file; the same pass written as a plain pyosmium loop over way and node
objects took 20-24 s, which is why the ways are exported by libosmium as OPL text with
their node locations and parsed in bulk (see :func:`_collect_ways`). quackosm needed
duckdb 1.x pinned and its spatial extension copied in by hand (it cannot be downloaded
here) and costs seconds of fixed overhead. pyosmium is chosen because

* it streams: tag filters and node locations run in C++ and only the road ways reach
  Python, while pyrosm loads the whole file into memory;
* it gives every tag of a way as it is (``ice_road``, ``seasonal``, ``access:conditional``,
  ``duration``...), where pyrosm keeps a fixed column set and a JSON ``tags`` column;
* it tolerates clipped extracts (ways whose nodes lie outside the file) and reads
  ``.osm.pbf``, ``.osm`` and compressed XML alike; it also writes files, which the tests
  use to build small hand-made extracts. pyrosm stays a test-only dependency: the tests
  check opora's graph against a networkx graph built from pyrosm's independent parse.

Road rules
----------
Every rule below is driven by :class:`SpeedTable` (``speeds.toml``):

* **drivable**: a way whose ``highway`` class has a speed in ``[highway_kmh]`` (motorway
  ... service, track, ``winter_road``); footways, cycleways, paths, steps... are left out
  unless they carry a winter or ice road tag. ``area=yes`` and ``highway`` values such as
  ``construction`` or ``proposed`` are left out. ``access``/``vehicle``/``motor_vehicle``/
  ``motorcar`` (most specific wins) equal to ``no``, ``agricultural``, ``forestry``,
  ``emergency`` or ``military`` leave the way out, unless a ``*:conditional`` tag opens it
  for some months; ``private`` and ``destination`` are kept (residents use them);
* **speed**: the class speed, replaced by ``maxspeed`` when it parses (``"60"``,
  ``"60 mph"``, ``"RU:urban"``/``"RU:rural"``/``"RU:motorway"``/``"RU:living_street"``,
  the first value of ``"60;90"``); ``none``, ``signals`` and ``variable`` keep the class
  speed; any other value keeps the class speed and is *flagged* in the report. Then
  capped by ``[surface_max_kmh]`` and, for winter and ice roads, by their speeds;
* **one-way**: ``oneway=yes|true|1`` forward, ``-1|reverse`` backward, ``no`` both ways;
  without the tag, ``junction=roundabout|circular`` and ``highway=motorway`` are one-way;
  ``reversible``/``alternating`` are kept both ways and flagged;
* **ferries** (``route=ferry`` ways, kept whatever their access tags, since passenger
  ferries carry people to services): the ``duration`` tag (``"HH:MM"``, ``"H:MM:SS"``,
  minutes, ISO ``"PT1H30M"``) spread over the way's segments by length, else the ferry
  speed; unreadable durations are flagged. Closed in ``[ferry] closed_in``
  (winter and thaw);
* **winter roads** (``highway=winter_road``, ``winter_road=yes``, ``seasonal=winter`` or
  ``seasonal=yes``) and **ice roads** (``ice_road=yes``): open only in
  ``[winter] winter_road_open_in``; ``seasonal=summer`` is open in summer only;
* **fords** (``ford`` other than ``no`` on a way): closed in ``[ford] closed_in``;
* **conditional access** (``access:conditional``, ``vehicle:conditional``,
  ``motor_vehicle:conditional``, ``motorcar:conditional`` such as
  ``"no @ (Apr 15-May 15)"`` or ``"yes @ (Dec-Mar)"``): months are read from the
  condition; a way is open in a state when it is open in every month listed for the state
  in ``[months]``. Conditions without months (hours, weights) are ignored; unreadable ones
  are flagged;
* **thaw** (распутица): ``track`` (unless ``tracktype`` grade1/grade2 or a paved surface)
  and ways on natural ground (``surface`` dirt, earth, ground, grass, mud, sand) are
  closed; gravel and other unpaved surfaces stay open at ``slow_factor`` × speed. A
  graph has one time per arc, so a slowed way gets two parallel arcs: the normal one,
  closed in the thaw, and a slow one open only in the thaw
  (:meth:`~opora.model.roads.RoadGraph.csr` keeps the fastest open arc);
* **geometry**: every OSM node of a kept way is a graph node (no simplification), so the
  arcs are the straight segments of the ways and snapping to them is exact. Lengths are
  geodesic on the WGS 84 ellipsoid (:class:`pyproj.Geod`), never in a projected CRS.
  Segments touching a node missing from a clipped extract are dropped, and the way is
  flagged. Arcs shorter than ``MIN_ARC_MINUTES`` (coincident nodes) get that time.

Facility tags
-------------
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

Registry type names
-------------------
:func:`read_facility_registry` maps type names case-insensitively (``ё`` = ``е``):
«школа», «СОШ», «ООШ», «гимназия», «лицей» → school; «детский сад», «ДОУ» → kindergarten;
«поликлиника» → clinic; «больница», «ЦРБ» → hospital; «ФАП», «фельдшерско-акушерский
пункт», «ФП», «врачебная амбулатория», «амбулатория», «офис врача общей практики» →
doctors; «аптека» → pharmacy; «почта», «почтовое отделение» → post_office; «библиотека»
→ library; «дом культуры», «ДК», «СДК», «клуб» → community_centre; «МФЦ» → public_services;
and the English keys themselves. Longer official names are matched by keyword
(«...дошкольное образовательное учреждение» → kindergarten, «...общеобразовательная...» →
school, «...фельдшерско...» → doctors...; sports, music and art schools excluded) and
flagged for checking. Other types are rejected to the report.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import osmium
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer

from opora.errors import EmptyFileError, FormatError, MissingColumnError
from opora.io._checks import check_exists, decode_text
from opora.io._oktmo import classify_oktmo, strip_oktmo
from opora.model.result import ImportResult, RejectLog
from opora.model.roads import STATES, RoadGraph

__all__ = [
    "DEFAULT_SPEEDS",
    "FACILITY_TYPES",
    "MIN_ARC_MINUTES",
    "OSM_FACILITY_COLUMNS",
    "REGISTRY_COLUMNS",
    "ROAD_TABLE_COLUMNS",
    "RoadImport",
    "SpeedTable",
    "facility_type_from_name",
    "parse_conditional_months",
    "parse_duration",
    "parse_maxspeed",
    "read_facility_registry",
    "read_osm_facilities",
    "read_osm_roads",
    "read_speed_table",
]

#: File name of the default speed table in ``opora/data``.
DEFAULT_SPEEDS = "speeds.toml"

#: Smallest arc time, minutes: arcs between coincident nodes get this time.
MIN_ARC_MINUTES = 1e-6

#: Facility types produced by the facility readers.
FACILITY_TYPES = (
    "school",
    "kindergarten",
    "doctors",
    "clinic",
    "hospital",
    "pharmacy",
    "post_office",
    "library",
    "community_centre",
    "public_services",
)

#: Columns of :attr:`RoadImport.table` (one row per way kept).
ROAD_TABLE_COLUMNS = [
    "osm_id",
    "kind",
    "highway",
    "name",
    "speed_kmh",
    "oneway",
    "surface",
    "length_m",
    "minutes",
    "open_summer",
    "open_winter",
    "open_thaw",
    "thaw_rule",
]

#: Columns of the table of :func:`read_osm_facilities`.
OSM_FACILITY_COLUMNS = ["facility_id", "type", "name", "osm_id", "capacity", "geometry"]

#: Columns of the table of :func:`read_facility_registry`.
REGISTRY_COLUMNS = [
    "facility_id",
    "type",
    "name",
    "oktmo",
    "capacity",
    "located",
    "type_source",
    "source_row",
    "geometry",
]

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_BLOCKED = frozenset({"no", "agricultural", "forestry", "emergency", "military"})
_ACCESS_KEYS = ("access", "vehicle", "motor_vehicle", "motorcar")
_NOT_ROADS = frozenset(
    {"proposed", "construction", "abandoned", "razed", "disused", "platform", "raceway"}
)
_PAVED = frozenset(
    {
        "paved",
        "asphalt",
        "chipseal",
        "concrete",
        "concrete:plates",
        "concrete:lanes",
        "paving_stones",
        "sett",
        "cobblestone",
        "unhewn_cobblestone",
        "metal",
        "wood",
    }
)
_NO_LIMIT = frozenset({"none", "signals", "variable", "implicit"})
_ROAD_KEYS = ("highway", "route", "winter_road", "ice_road")
_GEOD = Geod(ellps="WGS84")


# --------------------------------------------------------------------------- speed table


@dataclass(frozen=True)
class SpeedTable:
    """Speeds and seasonal rules for OSM roads (see ``opora/data/speeds.toml``).

    Attributes
    ----------
    highway_kmh
        Speed by ``highway`` class, km/h; the drivable classes.
    maxspeed_zones
        Speed of ``maxspeed`` zone values (``RU:urban``...) and of zone suffixes.
    surface_max_kmh
        Speed cap by ``surface``.
    winter_road_open_in
        States in which winter and ice roads are open.
    winter_road_kmh, ice_road_kmh
        Speed caps of winter roads and ice roads.
    ferry_kmh
        Ferry speed when the way has no ``duration``.
    ferry_closed_in, ford_closed_in
        States in which ferries and fords are closed.
    thaw_closed_highway, thaw_exempt_tracktype, thaw_closed_surface, thaw_slow_surface
        Thaw rules (see the module docstring).
    thaw_slow_factor
        Speed factor of slowed ways in the thaw (0-1].
    months
        Representative months (1-12) of each state.
    source
        The file the table was read from.
    """

    highway_kmh: Mapping[str, float]
    maxspeed_zones: Mapping[str, float]
    surface_max_kmh: Mapping[str, float]
    winter_road_open_in: frozenset[str]
    winter_road_kmh: float
    ice_road_kmh: float
    ferry_kmh: float
    ferry_closed_in: frozenset[str]
    ford_closed_in: frozenset[str]
    thaw_closed_highway: frozenset[str]
    thaw_exempt_tracktype: frozenset[str]
    thaw_closed_surface: frozenset[str]
    thaw_slow_surface: frozenset[str]
    thaw_slow_factor: float
    months: Mapping[str, tuple[int, ...]]
    source: str = ""


def _toml_table(p: Path, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        msg = f"no [{key}] table; compare with the default {DEFAULT_SPEEDS}"
        raise FormatError(p, msg, column=key)
    return value


def _positive(p: Path, value: object, where: str, *, at_most: float | None = None) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    if ok and at_most is not None:
        ok = float(value) <= at_most  # type: ignore[arg-type]
    if not ok:
        bound = f" and at most {at_most:g}" if at_most is not None else ""
        msg = f"`{where}` must be a positive number{bound}, got {value!r}"
        raise FormatError(p, msg, column=where)
    return float(value)  # type: ignore[arg-type]


def _speeds(p: Path, table: object, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        msg = f"`{where}` must be a table of names and km/h, got {table!r}"
        raise FormatError(p, msg, column=where)
    return {str(k): _positive(p, v, f"{where}.{k}") for k, v in table.items()}


def _names(p: Path, table: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"`{where}.{key}` must be a list of names, got {value!r}"
        raise FormatError(p, msg, column=f"{where}.{key}")
    return frozenset(value)


def _states(p: Path, table: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    names = _names(p, table, key, where)
    unknown = sorted(names - set(STATES))
    if unknown:
        msg = f"`{where}.{key}` names unknown states {unknown}; use {list(STATES)}"
        raise FormatError(p, msg, column=f"{where}.{key}")
    return names


def read_speed_table(path: str | Path | None = None) -> SpeedTable:
    """Read the speeds and seasonal rules; the package default when ``path`` is ``None``.

    Parameters
    ----------
    path
        A TOML file laid out like ``opora/data/speeds.toml`` (which documents every
        field and its source).

    Returns
    -------
    SpeedTable
        The rules.

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    FormatError
        If the file is not valid TOML, lacks a table or holds a wrong value; the message
        names the field.
    """
    if path is None:
        p = Path(str(resources.files("opora") / "data" / DEFAULT_SPEEDS))
    else:
        p = check_exists(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"not a valid UTF-8 TOML file ({exc}); compare with the default {DEFAULT_SPEEDS}"
        raise FormatError(p, msg) from exc
    highway = _speeds(p, _toml_table(p, data, "highway_kmh"), "highway_kmh")
    if not highway:
        msg = "`highway_kmh` is empty: list at least one drivable highway class"
        raise FormatError(p, msg, column="highway_kmh")
    winter = _toml_table(p, data, "winter")
    ferry = _toml_table(p, data, "ferry")
    ford = _toml_table(p, data, "ford")
    thaw = _toml_table(p, data, "thaw")
    months_t = _toml_table(p, data, "months")
    months: dict[str, tuple[int, ...]] = {}
    for state in STATES:
        value = months_t.get(state)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(m, int) and 1 <= m <= 12 for m in value)
        ):
            msg = f"`months.{state}` must be a non-empty list of month numbers 1-12, got {value!r}"
            raise FormatError(p, msg, column=f"months.{state}")
        months[state] = tuple(value)
    return SpeedTable(
        highway_kmh=highway,
        maxspeed_zones=_speeds(p, data.get("maxspeed_zones", {}), "maxspeed_zones"),
        surface_max_kmh=_speeds(p, data.get("surface_max_kmh", {}), "surface_max_kmh"),
        winter_road_open_in=_states(p, winter, "winter_road_open_in", "winter"),
        winter_road_kmh=_positive(p, winter.get("winter_road_kmh"), "winter.winter_road_kmh"),
        ice_road_kmh=_positive(p, winter.get("ice_road_kmh"), "winter.ice_road_kmh"),
        ferry_kmh=_positive(p, ferry.get("kmh"), "ferry.kmh"),
        ferry_closed_in=_states(p, ferry, "closed_in", "ferry"),
        ford_closed_in=_states(p, ford, "closed_in", "ford"),
        thaw_closed_highway=_names(p, thaw, "closed_highway", "thaw"),
        thaw_exempt_tracktype=_names(p, thaw, "exempt_tracktype", "thaw"),
        thaw_closed_surface=_names(p, thaw, "closed_surface", "thaw"),
        thaw_slow_surface=_names(p, thaw, "slow_surface", "thaw"),
        thaw_slow_factor=_positive(p, thaw.get("slow_factor"), "thaw.slow_factor", at_most=1.0),
        months=months,
        source=str(p),
    )


# --------------------------------------------------------------------------- tag parsers

_SPEED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?$", re.IGNORECASE)
_ISO_DURATION = re.compile(r"^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$")


def parse_maxspeed(value: str, zones: Mapping[str, float]) -> tuple[float | None, bool]:
    """Read an OSM ``maxspeed`` value.

    Parameters
    ----------
    value
        The tag value: ``"60"``, ``"60 mph"``, ``"RU:urban"``, ``"none"``, ``"60;90"``...
    zones
        Speeds of zone values (``{"RU:urban": 60, "urban": 60, ...}``); a zone of another
        country falls back to its suffix.

    Returns
    -------
    tuple
        ``(km/h, True)`` for a limit; ``(None, True)`` for a value that sets no number
        (``none``, ``signals``, ``variable``); ``(None, False)`` when not understood.
    """
    text = value.split(";")[0].strip()
    if text.lower() in _NO_LIMIT:
        return None, True
    match = _SPEED.match(text)
    if match:
        kmh = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower()
        if unit == "mph":
            kmh *= 1.609344
        elif unit == "knots":
            kmh *= 1.852
        return (kmh, True) if kmh > 0 else (None, False)
    if text in zones:
        return float(zones[text]), True
    if ":" in text:
        suffix = text.split(":", 1)[1].strip()
        if suffix in zones:
            return float(zones[suffix]), True
    return None, False


def parse_duration(value: str) -> float | None:
    """Read an OSM ``duration`` value in minutes.

    Parameters
    ----------
    value
        ``"HH:MM"``, ``"H:MM:SS"``, plain minutes (``"45"``) or ISO 8601 (``"PT1H30M"``).

    Returns
    -------
    float or None
        Minutes (> 0), or ``None`` when the value is not understood.
    """
    text = value.strip()
    minutes: float | None = None
    parts = text.split(":")
    if 2 <= len(parts) <= 3 and all(s.isdigit() for s in parts):
        nums = [int(s) for s in parts]
        if all(n < 60 for n in nums[1:]):
            minutes = nums[0] * 60 + nums[1] + (nums[2] / 60 if len(nums) == 3 else 0.0)
    elif re.fullmatch(r"\d+(?:\.\d+)?", text):
        minutes = float(text)
    else:
        iso = _ISO_DURATION.match(text.upper())
        if iso and any(iso.groups()):
            h, m, s = (float(g) if g else 0.0 for g in iso.groups())
            minutes = h * 60 + m + s / 60
    return minutes if minutes is not None and minutes > 0 else None


def _month_range(tokens: list[str]) -> set[int] | None:
    """Months touched by ``Mon [dd] [- Mon [dd] | - dd]``, or ``None``."""
    first: int | None = None
    last: int | None = None
    dash = False
    for tok in tokens:
        low = tok.lower()
        if low[:3] in _MONTHS and low.isalpha():
            if first is None:
                first = _MONTHS[low[:3]]
            elif dash and last is None:
                last = _MONTHS[low[:3]]
            else:
                return None
        elif tok == "-":
            if first is None or dash:
                return None
            dash = True
        elif not tok.isdigit():
            return None
    if first is None:
        return None
    end = last if last is not None else first
    months = {first}
    m = first
    while m != end:
        m = m % 12 + 1
        months.add(m)
    return months


def parse_conditional_months(value: str) -> list[tuple[str, frozenset[int]]] | None:
    """Read the month-based rules of an OSM ``*:conditional`` value.

    Parameters
    ----------
    value
        For example ``"no @ (Apr 15-May 15)"`` or ``"yes @ (Dec-Mar); no @ (Apr-May)"``.

    Returns
    -------
    list of (str, frozenset of int) or None
        ``(value, months)`` for each rule whose condition is a set of months (1-12);
        rules on hours, weights or combined with ``AND`` are skipped. ``None`` when the
        value cannot be read or a condition mixes months with something else.
    """
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in value:
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    rules: list[tuple[str, frozenset[int]]] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if "@" not in part:
            return None
        val, cond = (s.strip() for s in part.split("@", 1))
        cond = cond.strip().removeprefix("(").removesuffix(")").strip()
        if not val or not cond:
            return None
        if re.search(r"\bAND\b|[<>=]", cond) or ":" in cond:
            continue
        tokens = re.findall(r"[A-Za-z]+|\d+|-|,|\S", cond)
        has_month = any(t.lower()[:3] in _MONTHS and t.isalpha() for t in tokens)
        if not has_month:
            continue
        months: set[int] = set()
        group: list[str] = []
        for tok in [*tokens, ","]:
            if tok == ",":
                got = _month_range(group)
                if got is None:
                    return None
                months |= got
                group = []
            else:
                group.append(tok)
        rules.append((val.lower(), frozenset(months)))
    return rules


# --------------------------------------------------------------------------- roads


@dataclass(frozen=True, kw_only=True)
class RoadImport(ImportResult):
    """What :func:`read_osm_roads` returns: an :class:`ImportResult` with the graph.

    Attributes
    ----------
    graph
        The road network (``modelled=False``, ``node_id`` = OSM node ids).
    speeds
        The rules used.
    """

    graph: RoadGraph
    speeds: SpeedTable | None = field(default=None)


@dataclass(frozen=True)
class _Rule:
    """Attributes of a kept way decided from its tags (shared by ways with equal tags)."""

    kind: str
    highway: str
    speed_kmh: float
    ferry_minutes: float
    direction: int
    oneway: str
    surface: str
    open_in: tuple[bool, bool, bool]
    thaw_rule: str


@dataclass(frozen=True)
class _Decision:
    """Outcome of the road rules for one set of tags."""

    rule: _Rule | None
    drop: str = ""
    flags: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class _Way:
    """One kept way."""

    osm_id: int
    name: str
    rule: _Rule


#: Tags that decide a way's rule (everything :func:`_decide_way` reads).
_DECISION_TAGS = (
    "highway",
    "route",
    "seasonal",
    "ice_road",
    "winter_road",
    "area",
    *_ACCESS_KEYS,
    *(f"{k}:conditional" for k in _ACCESS_KEYS),
    "oneway",
    "junction",
    "maxspeed",
    "surface",
    "tracktype",
    "ford",
    "duration",
)


def _check_osm_file(path: str | Path) -> Path:
    p = check_exists(path)
    name = p.name.lower()
    if name.endswith(".pbf"):
        with p.open("rb") as fh:
            head = fh.read(64)
        if b"OSMHeader" not in head:
            msg = (
                "not an OpenStreetMap PBF file (no `OSMHeader` block at the start); "
                "download the extract again (for example a region from Geofabrik) as .osm.pbf"
            )
            raise FormatError(p, msg)
    elif not name.endswith((".osm", ".osm.bz2", ".osm.gz", ".o5m", ".opl")):
        msg = "not an OpenStreetMap file: expected an .osm.pbf extract (or .osm XML)"
        raise FormatError(p, msg)
    return p


def _access_months(tags: Mapping[str, str], flags: list[tuple[str, str, str]]) -> list[bool]:
    """Months (index 0 = January) in which the way is open to cars."""
    open_months = [True] * 12
    for key in _ACCESS_KEYS:
        if key in tags:
            open_months = [tags[key] not in _BLOCKED] * 12
        cond_key = f"{key}:conditional"
        if cond_key in tags:
            rules = parse_conditional_months(tags[cond_key])
            if rules is None:
                flags.append(
                    (
                        cond_key,
                        tags[cond_key],
                        "conditional access not understood; the unconditional access is used",
                    )
                )
                continue
            for val, months in rules:
                for m in months:
                    open_months[m - 1] = val not in _BLOCKED
    return open_months


def _oneway(tags: Mapping[str, str], flags: list[tuple[str, str, str]]) -> tuple[int, str]:
    value = tags.get("oneway")
    if value is None:
        implied = tags.get("junction") in ("roundabout", "circular") or (
            tags.get("highway") == "motorway"
        )
        return (1, "yes") if implied else (0, "no")
    if value in ("yes", "true", "1"):
        return 1, "yes"
    if value in ("-1", "reverse"):
        return -1, "-1"
    if value not in ("no", "false", "0"):
        flags.append(
            (
                "oneway",
                value,
                "oneway value not understood (or reversible); the way is kept in both directions",
            )
        )
    return 0, "no"


def _thaw_rule(tags: Mapping[str, str], speeds: SpeedTable) -> str:
    surface = tags.get("surface", "")
    if surface in speeds.thaw_closed_surface:
        return "closed"
    if (
        tags.get("highway") in speeds.thaw_closed_highway
        and tags.get("tracktype") not in speeds.thaw_exempt_tracktype
        and surface not in _PAVED
    ):
        return "closed"
    if surface in speeds.thaw_slow_surface:
        return "slow"
    return "open"


def _decide_way(tags: Mapping[str, str], speeds: SpeedTable) -> _Decision:
    """Apply the road rules of the module docstring to the tags of a way."""
    hw = tags.get("highway", "")
    ferry = tags.get("route") == "ferry"
    seasonal = tags.get("seasonal", "")
    ice = tags.get("ice_road") == "yes"
    winter = (
        hw == "winter_road" or tags.get("winter_road") == "yes" or seasonal in ("winter", "yes")
    )
    if not ferry:
        if hw in _NOT_ROADS or tags.get("area") == "yes":
            return _Decision(None, "ways_not_drivable")
        if hw not in speeds.highway_kmh and not (winter or ice):
            return _Decision(None, "ways_not_drivable")
    flags: list[tuple[str, str, str]] = []
    months = [True] * 12 if ferry else _access_months(tags, flags)
    if not any(months):
        return _Decision(None, "ways_no_access", tuple(flags))
    open_in = [all(months[m - 1] for m in speeds.months[s]) for s in STATES]
    restricted = not all(open_in)
    if winter or ice:
        open_in = [
            o and s in speeds.winter_road_open_in for o, s in zip(open_in, STATES, strict=True)
        ]
    elif seasonal == "summer":
        open_in = [o and s == "summer" for o, s in zip(open_in, STATES, strict=True)]
        restricted = True
    elif seasonal and seasonal != "no":
        flags.append(("seasonal", seasonal, "seasonal value not understood; ignored"))
    if ferry:
        open_in = [
            o and s not in speeds.ferry_closed_in for o, s in zip(open_in, STATES, strict=True)
        ]
    if tags.get("ford", "no") != "no":
        open_in = [
            o and s not in speeds.ford_closed_in for o, s in zip(open_in, STATES, strict=True)
        ]
        restricted = True
    thaw = "open" if (ferry or winter or ice) else _thaw_rule(tags, speeds)
    if thaw == "closed":
        open_in[STATES.index("thaw")] = False
    if not any(open_in):
        return _Decision(None, "ways_never_open", tuple(flags))
    ferry_minutes = math.nan
    if ferry:
        kind = "ferry"
        speed = speeds.ferry_kmh
        if "duration" in tags:
            got = parse_duration(tags["duration"])
            if got is None:
                flags.append(
                    (
                        "duration",
                        tags["duration"],
                        f"ferry duration not understood; {speeds.ferry_kmh:g} km/h is used",
                    )
                )
            else:
                ferry_minutes = got
    else:
        kind = (
            "ice_road" if ice else "winter_road" if winter else "seasonal" if restricted else "road"
        )
        speed = speeds.highway_kmh.get(hw, speeds.winter_road_kmh)
        if "maxspeed" in tags:
            kmh, understood = parse_maxspeed(tags["maxspeed"], speeds.maxspeed_zones)
            if kmh is not None:
                speed = kmh
            elif not understood:
                flags.append(
                    (
                        "maxspeed",
                        tags["maxspeed"],
                        f"maxspeed not understood; the `{hw}` class speed ({speed:g} km/h) is used",
                    )
                )
        surface = tags.get("surface", "")
        if surface in speeds.surface_max_kmh:
            speed = min(speed, speeds.surface_max_kmh[surface])
        if winter:
            speed = min(speed, speeds.winter_road_kmh)
        if ice:
            speed = min(speed, speeds.ice_road_kmh)
    direction, oneway = (0, "no") if ferry and "oneway" not in tags else _oneway(tags, flags)
    rule = _Rule(
        kind=kind,
        highway=hw or ("ferry" if ferry else ""),
        speed_kmh=float(speed),
        ferry_minutes=ferry_minutes,
        direction=direction,
        oneway=oneway,
        surface=tags.get("surface", ""),
        open_in=(open_in[0], open_in[1], open_in[2]),
        thaw_rule=thaw,
    )
    return _Decision(rule, "", tuple(flags))


@dataclass
class _Collected:
    """Kept ways and their node lists as flat arrays (refs, lon, lat; NaN if missing)."""

    ways: list[_Way]
    lens: npt.NDArray[np.int64]
    refs: npt.NDArray[np.int64]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]


#: ``n<id>x<lon>y<lat>`` of an OPL node list, with ``xy`` for a missing location.
_OPL_NODE = str.maketrans({"n": None, "x": ",", "y": ",", "?": "nan"})
_OPL_ESCAPE = re.compile(r"%([0-9a-fA-F]+)%")


def _opl_text(text: str) -> str:
    """Undo OPL's ``%hex%`` escapes."""
    if "%" not in text:
        return text
    return _OPL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _opl_tags(field_text: str) -> dict[str, str]:
    """Tags of an OPL ``T`` field (without the ``T``)."""
    tags: dict[str, str] = {}
    if not field_text:
        return tags
    for pair in field_text.split(","):
        key, _, value = pair.partition("=")
        tags[_opl_text(key)] = _opl_text(value)
    return tags


def _parse_opl_nodes(lists: list[str]) -> tuple[list[int], npt.NDArray[np.float64]]:
    """Node counts and ``(ref, lon, lat)`` rows of OPL node lists written with locations."""
    counts = [s.count(",") + 1 if s else 0 for s in lists]
    body = ",".join(s for s in lists if s).replace("xy", "x?y?").translate(_OPL_NODE)
    if not body:
        return counts, np.empty((0, 3))
    values = np.fromstring(body, dtype=np.float64, sep=",")
    return counts, values.reshape(-1, 3)


def _export_ways(p: Path, opl: Path) -> None:
    """Write the ways with road tags, with their node locations, as OPL (all in C++)."""
    writer = osmium.SimpleWriter(
        osmium.io.File(str(opl), "opl,locations_on_ways=true,add_metadata=false")
    )
    locations = osmium.NodeLocationsForWays(osmium.index.create_map("flex_mem"))
    locations.ignore_errors()
    try:
        osmium.apply(
            str(p),
            locations,
            osmium.filter.EntityFilter(osmium.osm.WAY),
            osmium.filter.KeyFilter(*_ROAD_KEYS),
            writer,
        )
    except RuntimeError as exc:
        msg = f"cannot be read as OpenStreetMap data ({exc}); download the extract again"
        raise FormatError(p, msg) from exc
    finally:
        writer.close()


def _collect_ways(
    p: Path, speeds: SpeedTable, log: RejectLog, counts: dict[str, int]
) -> _Collected:
    """Decide each way from its tags and gather the kept ways' nodes as arrays.

    libosmium filters the ways and writes them with their node locations as OPL text,
    which is parsed here in bulk: going through the ways and nodes as Python objects
    costs about three times as much.
    """
    ways: list[_Way] = []
    lens: list[int] = []
    chunks: list[npt.NDArray[np.float64]] = []
    cache: dict[tuple[str | None, ...], _Decision] = {}
    with tempfile.TemporaryDirectory(prefix="opora-osm-") as tmp:
        opl = Path(tmp) / "ways.opl"
        _export_ways(p, opl)
        with opl.open(encoding="utf-8") as fh:
            while batch := fh.readlines(1 << 24):
                kept: list[str] = []
                for line in batch:
                    head, _, nodes = line.rstrip("\n").rpartition(" N")
                    osm_id, _, tag_field = head.partition(" T")
                    counts["ways_read"] += 1
                    tags = _opl_tags(tag_field)
                    key = tuple(tags.get(k) for k in _DECISION_TAGS)
                    decision = cache.get(key)
                    if decision is None:
                        decision = cache[key] = _decide_way(tags, speeds)
                    for column, value, reason in decision.flags:
                        log.add(None, column, value, reason, "flagged", f"way/{osm_id[1:]}")
                    if decision.rule is None:
                        counts[decision.drop] += 1
                        continue
                    ways.append(_Way(int(osm_id[1:]), tags.get("name", ""), decision.rule))
                    kept.append(nodes)
                got_lens, rows = _parse_opl_nodes(kept)
                lens.extend(got_lens)
                chunks.append(rows)
    rows = np.concatenate(chunks) if chunks else np.empty((0, 3))
    return _Collected(
        ways=ways,
        lens=np.asarray(lens, dtype=np.int64),
        refs=rows[:, 0].astype(np.int64),
        lon=rows[:, 1].copy(),
        lat=rows[:, 2].copy(),
    )


def read_osm_roads(path: str | Path, speeds: SpeedTable | None = None) -> RoadImport:
    """Build the drivable road graph of an OpenStreetMap extract.

    The rules (drivable classes, speeds, one-way, ferries, winter and ice roads, fords,
    conditional access, thaw) are in the module docstring and in ``speeds.toml``.

    Parameters
    ----------
    path
        An ``.osm.pbf`` extract (``.osm`` XML also works).
    speeds
        Speeds and seasonal rules; :func:`read_speed_table` ``()`` when ``None``.

    Returns
    -------
    RoadImport
        ``graph``: the :class:`~opora.model.roads.RoadGraph`; ``table``: one row per
        way kept (:data:`ROAD_TABLE_COLUMNS`); ``rejects``: flagged tags and ways (the
        ``context`` column names the way, ``way/ID``); ``rows_read``: ways with a
        ``highway``, ``route``, ``winter_road`` or ``ice_road`` tag; ``extra``: counts
        (ways kept, not drivable, without access, arcs, nodes...).

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    EmptyFileError
        If the file is empty.
    FormatError
        If the file is not an OSM extract, or holds no drivable way.
    """
    rules = speeds if speeds is not None else read_speed_table()
    p = _check_osm_file(path)
    log = RejectLog(p)
    counts = dict.fromkeys(
        ["ways_read", "ways_not_drivable", "ways_no_access", "ways_never_open"], 0
    )
    c = _collect_ways(p, rules, log, counts)
    if not c.ways:
        msg = (
            f"no drivable road in the file ({counts['ways_read']:,} ways with highway or "
            "route tags were read); check that this is the extract of the right area"
        )
        raise FormatError(p, msg)
    lon, lat, refs, lens = c.lon, c.lat, c.refs, c.lens
    n_ways = len(c.ways)
    way_of = np.repeat(np.arange(n_ways), lens)
    valid = ~np.isnan(lon)
    same = way_of[1:] == way_of[:-1]
    seg = same & valid[1:] & valid[:-1] & (refs[1:] != refs[:-1])
    lost = same & ~(valid[1:] & valid[:-1])
    clipped, n_lost = np.unique(way_of[1:][lost], return_counts=True)
    for w, k in zip(clipped.tolist(), n_lost.tolist(), strict=True):
        log.add(
            None,
            "nodes",
            k,
            "segments touch nodes missing from the extract (clipped at its border); dropped",
            "flagged",
            f"way/{c.ways[w].osm_id}",
        )
    a = np.flatnonzero(seg)
    if len(a) == 0:
        msg = (
            f"none of the {n_ways:,} drivable ways has two nodes inside the extract; "
            "check that the file is a complete extract"
        )
        raise FormatError(p, msg)
    b = a + 1
    sw = way_of[a]
    _, _, seg_len = _GEOD.inv(lon[a], lat[a], lon[b], lat[b])
    seg_len = np.asarray(seg_len, dtype=float)
    way_len = np.bincount(sw, weights=seg_len, minlength=n_ways)
    way_nseg = np.bincount(sw, minlength=n_ways)
    rules_of = [w.rule for w in c.ways]
    speed = np.array([r.speed_kmh for r in rules_of])
    ferry_total = np.array([r.ferry_minutes for r in rules_of])
    share = np.where(way_len[sw] > 0, seg_len / np.where(way_len[sw] > 0, way_len[sw], 1.0), 0.0)
    share = np.where(way_len[sw] > 0, share, 1.0 / np.maximum(way_nseg[sw], 1))
    minutes = np.where(
        np.isnan(ferry_total[sw]), seg_len / 1000.0 / speed[sw] * 60.0, ferry_total[sw] * share
    )
    minutes = np.maximum(minutes, MIN_ARC_MINUTES)
    # Nodes: the OSM nodes of the kept segments.
    ends = np.concatenate([a, b])
    node_ids, first, inverse = np.unique(refs[ends], return_index=True, return_inverse=True)
    u = inverse[: len(a)].astype(np.int64)
    v = inverse[len(a) :].astype(np.int64)
    node_lon = lon[ends][first]
    node_lat = lat[ends][first]
    # Arcs: forward, backward, and the slow thaw copies.
    direction = np.array([r.direction for r in rules_of])[sw]
    masks = np.array([r.open_in for r in rules_of], dtype=bool)[sw]
    kinds = np.array([r.kind for r in rules_of], dtype=object)[sw]
    slow = np.array([r.thaw_rule == "slow" for r in rules_of])[sw]
    fwd = direction >= 0
    bwd = direction <= 0
    arc_seg = np.concatenate([np.flatnonzero(fwd), np.flatnonzero(bwd)])
    arc_from = np.concatenate([u[fwd], v[bwd]])
    arc_to = np.concatenate([v[fwd], u[bwd]])
    arc_masks = masks[arc_seg]
    arc_minutes = minutes[arc_seg]
    thaw_i = STATES.index("thaw")
    slow_arc = slow[arc_seg] & arc_masks[:, thaw_i]
    copy_masks = np.zeros((int(slow_arc.sum()), len(STATES)), dtype=bool)
    copy_masks[:, thaw_i] = True
    arc_masks[slow_arc, thaw_i] = False
    arc_seg = np.concatenate([arc_seg, arc_seg[slow_arc]])
    arc_from = np.concatenate([arc_from, arc_from[slow_arc]])
    arc_to = np.concatenate([arc_to, arc_to[slow_arc]])
    arc_minutes = np.concatenate([arc_minutes, arc_minutes[slow_arc] / rules.thaw_slow_factor])
    arc_masks = np.concatenate([arc_masks, copy_masks])
    used = arc_masks.any(axis=1)  # a slowed way open only in the thaw keeps its copy only
    arc_seg, arc_from, arc_to = arc_seg[used], arc_from[used], arc_to[used]
    arc_minutes, arc_masks = arc_minutes[used], arc_masks[used]
    graph = RoadGraph(
        node_lon=node_lon.astype(np.float64),
        node_lat=node_lat.astype(np.float64),
        arc_from=arc_from.astype(np.int64),
        arc_to=arc_to.astype(np.int64),
        arc_minutes=arc_minutes.astype(np.float64),
        arc_length_m=seg_len[arc_seg].astype(np.float64),
        arc_kind=kinds[arc_seg],
        open_in={s: arc_masks[:, i].copy() for i, s in enumerate(STATES)},
        modelled=False,
        source=f"OpenStreetMap extract {p.name} (opora.io.osm.read_osm_roads)",
        node_id=node_ids.astype(np.int64),
    )
    way_minutes = np.bincount(sw, weights=minutes, minlength=n_ways)
    table = pd.DataFrame(
        {
            "osm_id": pd.array([w.osm_id for w in c.ways], dtype="Int64"),
            "kind": [r.kind for r in rules_of],
            "highway": [r.highway for r in rules_of],
            "name": [w.name for w in c.ways],
            "speed_kmh": speed,
            "oneway": [r.oneway for r in rules_of],
            "surface": [r.surface for r in rules_of],
            "length_m": way_len,
            "minutes": way_minutes,
            "open_summer": [r.open_in[0] for r in rules_of],
            "open_winter": [r.open_in[1] for r in rules_of],
            "open_thaw": [r.open_in[2] for r in rules_of],
            "thaw_rule": [r.thaw_rule for r in rules_of],
        },
        columns=ROAD_TABLE_COLUMNS,
    )
    table = table[way_nseg > 0].reset_index(drop=True)
    extra = {
        **counts,
        "ways_kept": len(table),
        "ways_without_segments": int((way_nseg == 0).sum()),
        "nodes": graph.n_nodes,
        "arcs": graph.n_arcs,
        **{f"arcs_{k}": int((graph.arc_kind == k).sum()) for k in np.unique(kinds)},
    }
    return RoadImport(
        name="osm_roads",
        table=table,
        rejects=log.to_frame(),
        rows_read=counts["ways_read"],
        extra=extra,
        graph=graph,
        speeds=rules,
    )


# --------------------------------------------------------------------------- facilities

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
        msg = f"cannot be read as OpenStreetMap data ({exc}); download the extract again"
        raise FormatError(p, msg) from exc
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


# --------------------------------------------------------------------------- registries

_RU_TYPES: dict[str, str] = {
    "школа": "school",
    "общеобразовательная школа": "school",
    "средняя школа": "school",
    "сош": "school",
    "оош": "school",
    "нош": "school",
    "гимназия": "school",
    "лицей": "school",
    "детский сад": "kindergarten",
    "детсад": "kindergarten",
    "доу": "kindergarten",
    "мдоу": "kindergarten",
    "поликлиника": "clinic",
    "больница": "hospital",
    "црб": "hospital",
    "районная больница": "hospital",
    "центральная районная больница": "hospital",
    "фап": "doctors",
    "фп": "doctors",
    "фельдшерско-акушерский пункт": "doctors",
    "фельдшерский пункт": "doctors",
    "врачебная амбулатория": "doctors",
    "амбулатория": "doctors",
    "офис врача общей практики": "doctors",
    "аптека": "pharmacy",
    "почта": "post_office",
    "почтовое отделение": "post_office",
    "отделение почтовой связи": "post_office",
    "библиотека": "library",
    "дом культуры": "community_centre",
    "сельский дом культуры": "community_centre",
    "дк": "community_centre",
    "сдк": "community_centre",
    "клуб": "community_centre",
    "сельский клуб": "community_centre",
    "мфц": "public_services",
    "многофункциональный центр": "public_services",
}


def facility_type_from_name(text: object) -> str | None:
    """Map a registry type name (Russian or English) to a facility type.

    Parameters
    ----------
    text
        A type name such as «Школа», «ФАП», «детский сад» or ``"school"``.

    Returns
    -------
    str or None
        One of :data:`FACILITY_TYPES`, or ``None`` when the name is not known.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return None
    key = " ".join(str(text).lower().replace("ё", "е").replace("_", " ").split())
    key = key.strip(" .«»\"'")
    if key.replace(" ", "_") in FACILITY_TYPES:
        return key.replace(" ", "_")
    if key in ("doctor", "feldsher", "post office", "post"):
        return "doctors" if key in ("doctor", "feldsher") else "post_office"
    return _RU_TYPES.get(key)


#: Keyword rules for longer official type names, tried in order when no exact name
#: matches («Муниципальное бюджетное дошкольное образовательное учреждение»...).
_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"многофункциональн|\bмфц\b|мои документы", "public_services"),
    (r"дошкольн|детский сад", "kindergarten"),
    (r"фельдшер|\bфап\b|амбулатори|врача общей практики", "doctors"),
    (r"поликлиник", "clinic"),
    (r"больниц", "hospital"),
    (r"аптек", "pharmacy"),
    (r"почтов|\bпочта\b", "post_office"),
    (r"библиотек", "library"),
    (r"дом культуры|культурно-досугов|\bклуб\b", "community_centre"),
    (r"общеобразовательн|\bшкола\b|гимнази|лицей", "school"),
)
#: Names that contain a keyword above but are other services (sports, music, art schools).
_NOT_FACILITY = re.compile(r"спортивн|музыкальн|художествен|искусств|ветеринар|автошкол")


def _type_by_keyword(text: object) -> str | None:
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return None
    key = " ".join(str(text).lower().replace("ё", "е").split())
    if _NOT_FACILITY.search(key):
        return None
    for pattern, ftype in _TYPE_KEYWORDS:
        if re.search(pattern, key):
            return ftype
    return None


_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("facility_id", "id", "код", "идентификатор"),
    "name": ("name", "название", "наименование"),
    "type": ("type", "тип", "вид", "вид учреждения", "тип учреждения"),
    "lat": ("lat", "latitude", "широта"),
    "lon": ("lon", "lng", "long", "longitude", "долгота"),
    "x": ("x",),
    "y": ("y",),
    "oktmo": ("oktmo", "октмо", "код октмо"),
    "capacity": ("capacity", "мощность", "вместимость", "число мест"),
}


def _read_registry_frame(p: Path, sheet: str | int | None) -> pd.DataFrame:
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            frame = pd.read_excel(p, sheet_name=0 if sheet is None else sheet, dtype=str)
        except ValueError as exc:
            msg = f"cannot be read as an Excel workbook ({exc}); save it as .xlsx"
            raise FormatError(p, msg) from exc
        except Exception as exc:  # openpyxl and zipfile raise many kinds of errors
            msg = (
                f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
                "save it as .xlsx"
            )
            raise FormatError(p, msg) from exc
        start = 2
    elif suffix in (".csv", ".txt", ".tsv"):
        text = decode_text(p, p.read_bytes())
        first = text.split("\n", 1)[0]
        sep = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True)
        except pd.errors.EmptyDataError as exc:
            msg = "the file has no header line; export it again with column names"
            raise FormatError(p, msg) from exc
        except pd.errors.ParserError as exc:
            msg = f"cannot be parsed as CSV ({exc}); check the separator and the quoting"
            raise FormatError(p, msg) from exc
        start = 2
    else:
        msg = "a facility registry must be a .csv or .xlsx file"
        raise FormatError(p, msg)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.insert(0, "_row", range(start, len(frame) + start))
    return frame


def _rename_aliases(frame: pd.DataFrame) -> pd.DataFrame:
    lower = {c.lower().replace("ё", "е"): c for c in frame.columns if c != "_row"}
    mapping: dict[str, str] = {}
    for canon, names in _ALIASES.items():
        for n in names:
            if n in lower and lower[n] not in mapping:
                mapping[lower[n]] = canon
                break
    return frame.rename(columns=mapping)


def _numeric(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _require_registry_columns(p: Path, frame: pd.DataFrame) -> str:
    have = [c for c in frame.columns if c != "_row"]
    shown = ", ".join(have[:12])
    for col in ("name", "type"):
        if col not in frame.columns:
            names = "/".join(_ALIASES[col][:3])
            msg = f"required column missing ({names}); the file has: {shown}"
            raise MissingColumnError(p, msg, column=col)
    if {"lat", "lon"} <= set(frame.columns):
        return "latlon"
    if {"x", "y"} <= set(frame.columns):
        return "xy"
    if "oktmo" in frame.columns:
        return "oktmo"
    missing = "lat" if "lat" not in frame.columns else "lon"
    msg = (
        "no location columns: give `lat` and `lon` (or `x` and `y`) in degrees, or an "
        f"11-digit `oktmo` of the settlement; the file has: {shown}"
    )
    raise MissingColumnError(p, msg, column=missing)


def read_facility_registry(
    path: str | Path, *, sheet: str | int | None = None, crs: str | int = "EPSG:4326"
) -> ImportResult:
    """Read a registry of facilities (CSV or XLSX) with Russian or English type names.

    Required columns: ``name`` (``название``, ``наименование``), ``type`` (``тип``,
    ``вид``), and a location: ``lat``/``lon`` (``широта``/``долгота``), ``x``/``y``
    (in ``crs``), or ``oktmo`` (11-digit settlement code, text; such facilities have no
    geometry and are placed at their settlement later). Optional: ``capacity``
    (``мощность``, ``вместимость``), ``facility_id`` (``id``). Type names are mapped as
    listed in the module docstring.

    Parameters
    ----------
    path
        A UTF-8 CSV (``,``, ``;`` or tab separated) or an XLSX workbook.
    sheet
        Sheet name or index of a workbook; the first sheet by default.
    crs
        CRS of ``x``/``y`` columns (ignored for ``lat``/``lon``, always degrees).

    Returns
    -------
    ImportResult
        ``table``: a GeoDataFrame (EPSG:4326) with :data:`REGISTRY_COLUMNS`; ``located``
        is ``coordinates`` or ``oktmo``; ``rejects``: unknown types, rows without a usable
        location (coordinates out of range, bad OKTMO), capacities that are not numbers
        (flagged), repaired OKTMO codes (10 digits padded); ``extra``: count by type.

    Raises
    ------
    SourceNotFoundError, EmptyFileError
        If the file is missing or empty.
    EncodingError
        If a CSV is not UTF-8 (for example cp1251); the message says how to re-save it.
    MissingColumnError
        If ``name``, ``type`` or every location column is missing.
    FormatError
        If the file is neither CSV nor XLSX or cannot be parsed.
    """
    p = check_exists(path)
    raw = _read_registry_frame(p, sheet)
    frame = _rename_aliases(raw)
    mode = _require_registry_columns(p, frame)
    if frame.empty:
        msg = "the file has a header but no data rows"
        raise EmptyFileError(p, msg)
    log = RejectLog(p)
    rows = frame["_row"]
    ftype = frame["type"].map(facility_type_from_name)
    guessed = frame["type"].map(_type_by_keyword)
    by_keyword = ftype.isna() & guessed.notna()
    log.add_many(
        rows[by_keyword],
        "type",
        frame.loc[by_keyword, "type"] + " -> " + guessed[by_keyword],
        "type name matched by keyword; check the type",
        "flagged",
    )
    ftype = ftype.fillna(guessed)
    bad = ftype.isna()
    log.add_many(
        rows[bad],
        "type",
        frame.loc[bad, "type"],
        f"unknown facility type; use one of {', '.join(FACILITY_TYPES)} or a Russian name "
        "(школа, детский сад, ФАП, поликлиника, больница, аптека, почта, библиотека, "
        "дом культуры, МФЦ)",
        "rejected",
    )
    lon = pd.Series(np.nan, index=frame.index)
    lat = pd.Series(np.nan, index=frame.index)
    has_xy = pd.Series(False, index=frame.index)
    if mode in ("latlon", "xy"):
        xcol, ycol = ("lon", "lat") if mode == "latlon" else ("x", "y")
        x = _numeric(frame[xcol])
        y = _numeric(frame[ycol])
        if mode == "xy" and CRS.from_user_input(crs) != CRS.from_epsg(4326):
            tr = Transformer.from_crs(crs, 4326, always_xy=True)
            tx, ty = tr.transform(x.to_numpy(dtype=float), y.to_numpy(dtype=float))
            x = pd.Series(tx, index=frame.index)
            y = pd.Series(ty, index=frame.index)
        given = x.notna() & y.notna()
        in_range = given & x.between(-180, 180) & y.between(-90, 90)
        out = given & ~in_range & ~bad
        log.add_many(
            rows[out],
            ycol,
            frame.loc[out, xcol].astype(str) + " " + frame.loc[out, ycol].astype(str),
            "coordinates out of range (longitude -180..180, latitude -90..90 degrees)",
            "rejected",
        )
        bad = bad | out
        lon = x.where(in_range)
        lat = y.where(in_range)
        has_xy = in_range
    oktmo = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "oktmo" in frame.columns:
        code = strip_oktmo(frame["oktmo"])
        kind = classify_oktmo(code)
        repaired = kind == "lost_zero11"
        log.add_many(
            rows[repaired & ~bad],
            "oktmo",
            frame.loc[repaired & ~bad, "oktmo"],
            "10-digit OKTMO lost its leading zero",
            "repaired",
        )
        code = code.where(~repaired, "0" + code)
        ok = kind.isin(["ok11", "lost_zero11"])
        oktmo = code.where(ok, pd.NA).astype("string")
        unusable = ~has_xy & ~ok & ~bad
        log.add_many(
            rows[unusable],
            "oktmo",
            frame.loc[unusable, "oktmo"],
            "no coordinates and no 11-digit settlement OKTMO: the facility cannot be located",
            "rejected",
        )
        bad = bad | unusable
    else:
        nowhere = ~has_xy & ~bad
        log.add_many(
            rows[nowhere],
            "lat",
            frame.loc[nowhere, "lat" if mode == "latlon" else "y"],
            "coordinates missing or not numbers: the facility cannot be located",
            "rejected",
        )
        bad = bad | nowhere
    capacity = pd.Series(np.nan, index=frame.index)
    if "capacity" in frame.columns:
        capacity = _numeric(frame["capacity"])
        wrong = frame["capacity"].notna() & (capacity.isna() | (capacity < 0)) & ~bad
        log.add_many(
            rows[wrong],
            "capacity",
            frame.loc[wrong, "capacity"],
            "capacity is not a non-negative number; left empty",
            "flagged",
        )
        capacity = capacity.where(capacity >= 0)
    if "facility_id" in frame.columns:
        fid = frame["facility_id"].astype("string").str.strip()
        fid = fid.fillna("reg:" + rows.astype(str))
        if fid[~bad].duplicated().any():
            msg = "`facility_id` repeats; give each facility its own id or drop the column"
            raise FormatError(p, msg, column="facility_id")
    else:
        fid = ("reg:" + rows.astype(str)).astype("string")
    keep = ~bad
    geometry = [
        shapely.Point(xx, yy) if ok else None
        for xx, yy, ok in zip(lon[keep], lat[keep], has_xy[keep], strict=True)
    ]
    table = gpd.GeoDataFrame(
        {
            "facility_id": fid[keep].to_numpy(),
            "type": ftype[keep].astype(str).to_numpy(),
            "name": frame.loc[keep, "name"].astype("string").str.strip().to_numpy(),
            "oktmo": oktmo[keep].to_numpy(),
            "capacity": pd.array(capacity[keep].to_numpy(), dtype="Float64"),
            "located": np.where(has_xy[keep], "coordinates", "oktmo"),
            "type_source": frame.loc[keep, "type"].astype("string").to_numpy(),
            "source_row": rows[keep].to_numpy(),
        },
        geometry=geometry,
        crs="EPSG:4326",
    )
    extra = {f"type_{k}": int(v) for k, v in table["type"].value_counts().sort_index().items()}
    return ImportResult(
        name="facility_registry",
        table=table[REGISTRY_COLUMNS],
        rejects=log.to_frame().sort_values("row", kind="stable", ignore_index=True),
        rows_read=len(frame),
        extra=extra,
    )
