"""The drivable road network of an OpenStreetMap extract, with its seasons.

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
"""

from __future__ import annotations

import math
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import osmium
import pandas as pd
from pyproj import Geod

from opora.errors import FormatError
from opora.io.osm._pbf import _check_osm_file, _unreadable
from opora.io.osm.speeds import SpeedTable, read_speed_table
from opora.io.osm.tags import parse_conditional_months, parse_duration, parse_maxspeed
from opora.model.result import ImportResult, RejectLog
from opora.model.roads import STATES, RoadGraph

__all__ = ["MIN_ARC_MINUTES", "ROAD_TABLE_COLUMNS", "RoadImport", "read_osm_roads"]

#: Smallest arc time, minutes: arcs between coincident nodes get this time.
MIN_ARC_MINUTES = 1e-6

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
_ROAD_KEYS = ("highway", "route", "winter_road", "ice_road")
_GEOD = Geod(ellps="WGS84")


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
        raise _unreadable(p, exc) from exc
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
