"""Read roads and facilities from OpenStreetMap extracts.

Readers
-------
* :func:`read_osm_roads` (:mod:`~opora.io.osm.roads`): the drivable road network of an
  ``.osm.pbf`` extract as a :class:`~opora.model.roads.RoadGraph` with ``summer``,
  ``winter`` and ``thaw`` states, returned inside a :class:`RoadImport` (an
  :class:`~opora.io.ImportResult` whose ``table`` lists the ways kept and whose ``graph``
  is the network); the road rules are in that module's docstring;
* :func:`read_speed_table` (:mod:`~opora.io.osm.speeds`): the speeds and seasonal rules
  (``opora/data/speeds.toml`` or a copy edited by the user);
* :func:`read_osm_facilities` (:mod:`~opora.io.osm.facilities`): schools, clinics, post
  offices... of an extract, as points; the tag table is in that module's docstring.

The parsers of tag values (``maxspeed``, ``duration``, ``*:conditional``) are in
:mod:`~opora.io.osm.tags`. Registries of facilities, which have nothing to do with OSM,
are read by :func:`opora.io.facilities.read_facility_registry`.

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
their node locations and parsed in bulk (see :func:`~opora.io.osm.roads._collect_ways`).
quackosm needed duckdb 1.x pinned and its spatial extension copied in by hand (it cannot
be downloaded here) and costs seconds of fixed overhead. pyosmium is chosen because

* it streams: tag filters and node locations run in C++ and only the road ways reach
  Python, while pyrosm loads the whole file into memory;
* it gives every tag of a way as it is (``ice_road``, ``seasonal``, ``access:conditional``,
  ``duration``...), where pyrosm keeps a fixed column set and a JSON ``tags`` column;
* it tolerates clipped extracts (ways whose nodes lie outside the file) and reads
  ``.osm.pbf``, ``.osm`` and compressed XML alike; it also writes files, which the tests
  use to build small hand-made extracts. pyrosm stays a test-only dependency: the tests
  check opora's graph against a networkx graph built from pyrosm's independent parse.
"""

from opora.io.osm.facilities import OSM_FACILITY_COLUMNS, read_osm_facilities
from opora.io.osm.roads import MIN_ARC_MINUTES, ROAD_TABLE_COLUMNS, RoadImport, read_osm_roads
from opora.io.osm.speeds import DEFAULT_SPEEDS, SpeedTable, read_speed_table
from opora.io.osm.tags import parse_conditional_months, parse_duration, parse_maxspeed

__all__ = [
    "DEFAULT_SPEEDS",
    "MIN_ARC_MINUTES",
    "OSM_FACILITY_COLUMNS",
    "ROAD_TABLE_COLUMNS",
    "RoadImport",
    "SpeedTable",
    "parse_conditional_months",
    "parse_duration",
    "parse_maxspeed",
    "read_osm_facilities",
    "read_osm_roads",
    "read_speed_table",
]
