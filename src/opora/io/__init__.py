"""Readers and writers of real formats; the only part of opora that touches files.

Each reader returns an :class:`ImportResult`: the table, a reject report (file, row,
column, value, reason, action) and counts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opora.io.bashkortostan import read_bdmo_long, read_crosswalk, read_employment_shares
    from opora.io.facilities import read_facility_registry
    from opora.io.osm import (
        RoadImport,
        SpeedTable,
        read_osm_facilities,
        read_osm_roads,
        read_speed_table,
    )
    from opora.io.register import fetch_register, read_settlement_register, register_region
    from opora.io.rosstat import (
        read_big_cities,
        read_hflabs_cities,
        read_org_stats_export,
        read_population_bulletin,
        read_status_list,
        read_urov14a_workbook,
    )
    from opora.io.sberindex import read_sberindex_dictionary, read_sberindex_indicators
    from opora.io.sources import SourceBundle, read_embedded, read_sources
    from opora.io.workspace import read_workspace_tables, write_workspace
    from opora.model.result import REJECT_COLUMNS, ImportResult, RejectLog

__all__ = [
    "REJECT_COLUMNS",
    "ImportResult",
    "RejectLog",
    "RoadImport",
    "SourceBundle",
    "SpeedTable",
    "fetch_register",
    "read_bdmo_long",
    "read_big_cities",
    "read_crosswalk",
    "read_embedded",
    "read_employment_shares",
    "read_facility_registry",
    "read_hflabs_cities",
    "read_org_stats_export",
    "read_osm_facilities",
    "read_osm_roads",
    "read_population_bulletin",
    "read_sberindex_dictionary",
    "read_sberindex_indicators",
    "read_settlement_register",
    "read_sources",
    "read_speed_table",
    "read_status_list",
    "read_urov14a_workbook",
    "read_workspace_tables",
    "register_region",
    "write_workspace",
]

#: Where each public name lives: imported on first use, so that reading one format
#: (a cost matrix) does not load the readers of all the others (geopandas, OSM).
_WHERE: dict[str, str] = {
    "read_bdmo_long": "opora.io.bashkortostan",
    "read_crosswalk": "opora.io.bashkortostan",
    "read_employment_shares": "opora.io.bashkortostan",
    "read_facility_registry": "opora.io.facilities",
    "RoadImport": "opora.io.osm",
    "SpeedTable": "opora.io.osm",
    "read_osm_facilities": "opora.io.osm",
    "read_osm_roads": "opora.io.osm",
    "read_speed_table": "opora.io.osm",
    "fetch_register": "opora.io.register",
    "read_settlement_register": "opora.io.register",
    "register_region": "opora.io.register",
    "read_big_cities": "opora.io.rosstat",
    "read_hflabs_cities": "opora.io.rosstat",
    "read_org_stats_export": "opora.io.rosstat",
    "read_population_bulletin": "opora.io.rosstat",
    "read_status_list": "opora.io.rosstat",
    "read_urov14a_workbook": "opora.io.rosstat",
    "read_sberindex_dictionary": "opora.io.sberindex",
    "read_sberindex_indicators": "opora.io.sberindex",
    "SourceBundle": "opora.io.sources",
    "read_embedded": "opora.io.sources",
    "read_sources": "opora.io.sources",
    "read_workspace_tables": "opora.io.workspace",
    "write_workspace": "opora.io.workspace",
    "REJECT_COLUMNS": "opora.model.result",
    "ImportResult": "opora.model.result",
    "RejectLog": "opora.model.result",
}


def __getattr__(name: str) -> Any:
    """Import a public reader of :data:`__all__` on first use and keep it."""
    module = _WHERE.get(name)
    if module is None:
        msg = f"module 'opora.io' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
