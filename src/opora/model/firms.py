"""Columns of the firm tables: firms, ownership, branches and supply ties.

The readers of :mod:`opora.io.firms` and the modelled registry of
:mod:`opora.ties.modelled` return tables with these columns; :mod:`opora.ties.graph`
builds the ties network from them.
"""

from __future__ import annotations

__all__ = ["BRANCH_COLUMNS", "FIRM_COLUMNS", "OWNERSHIP_COLUMNS", "SUPPLY_COLUMNS"]

#: Columns of the firm table.
FIRM_COLUMNS = [
    "inn",
    "ogrn",
    "name",
    "kind",
    "category",
    "okved",
    "okved_extra",
    "okved_section",
    "region_code",
    "region",
    "district",
    "city",
    "settlement",
    "address",
    "place",
    "settlement_oktmo",
    "municipality_oktmo",
    "in_region",
    "location_status",
    "employees",
    "revenue",
    "parent_inn",
    "founders",
    "branches",
    "date",
    "doc_id",
    "source",
    "source_row",
    "modelled",
]

#: Columns of the ownership table (one row per owner of a firm; share is a fraction 0-1).
OWNERSHIP_COLUMNS = [
    "child_inn",
    "parent_inn",
    "parent_name",
    "share",
    "date",
    "source",
    "source_row",
    "modelled",
]

#: Columns of the branch table (one row per branch or separate subdivision).
BRANCH_COLUMNS = [
    "inn",
    "kpp",
    "name",
    "address",
    "place",
    "settlement_oktmo",
    "municipality_oktmo",
    "employees",
    "source",
    "source_row",
    "modelled",
]

#: Columns of the supply table (value in thousand roubles, where given).
SUPPLY_COLUMNS = ["supplier_inn", "customer_inn", "value", "source", "source_row", "modelled"]
