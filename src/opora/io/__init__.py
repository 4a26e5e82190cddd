"""Readers and writers of real formats; the only part of opora that touches files.

Each reader returns an :class:`ImportResult`: the table, a reject report (file, row,
column, value, reason, action) and counts.
"""

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
