"""Readers of firm registries: FNS open data, EGRUL-style tables, SPARK / Kontur.Focus exports.

Every reader returns an :class:`~opora.model.result.ImportResult` (table, reject report,
counts) and stops with a typed error naming the file (and the column) when the file
cannot be used.

Modules
-------
* :mod:`~opora.io.firms.fns`: the FNS open data, streamed from the zip archives of XML
  files as published: :func:`read_sme_register` (the SME register, ЕРСМСП, kept to the
  workspace's region), :func:`read_fns_headcount` and :func:`read_fns_revexp` (average
  headcount, revenue and expenditure: the weights of firms);
* :mod:`~opora.io.firms.egrul`: :func:`read_ownership_csv`, :func:`read_branches_csv`,
  :func:`read_supply_csv`: EGRUL-style tables (UTF-8 or Windows-1251, ``,`` ``;`` or tab
  separated) of owners, branches and supply ties;
* :mod:`~opora.io.firms.exports`: :func:`read_firm_export` (SPARK-Interfax and
  Kontur.Focus exports, Excel or CSV), :func:`export_ownership` and
  :func:`export_branches` (their head-company, founder and branch columns as ownership
  and branch tables);
* :mod:`~opora.io.firms.mapping`: the header mapping ``opora/data/firm_mapping.toml``
  (:func:`load_firm_mapping`) that maps Russian headers to the model;
* :mod:`~opora.io.firms.codes`: INN control digits (:func:`inn_is_valid`,
  :func:`clean_inn`) and OKVED 2 sections (:func:`okved_section`).

The columns of the tables are those of :mod:`opora.model.firms`.

Locations resolve to OKTMO through a :class:`~opora.model.places.LocationIndex` built
from the workspace's settlement and municipality tables; a location of the region that
does not resolve is rejected with the reason.

INNs are text. A 9- or 11-digit INN whose control digits become valid with a leading
zero lost by a spreadsheet is repaired; an INN with wrong control digits is kept and
flagged.
"""

from opora.io.firms.codes import clean_inn, inn_is_valid, okved_section
from opora.io.firms.egrul import read_branches_csv, read_ownership_csv, read_supply_csv
from opora.io.firms.exports import export_branches, export_ownership, read_firm_export
from opora.io.firms.fns import (
    SmeDocument,
    iter_fns_documents,
    iter_sme_register,
    read_fns_headcount,
    read_fns_revexp,
    read_sme_register,
)
from opora.io.firms.mapping import FieldSpec, FirmMapping, load_firm_mapping
from opora.model.firms import BRANCH_COLUMNS, FIRM_COLUMNS, OWNERSHIP_COLUMNS, SUPPLY_COLUMNS

__all__ = [
    "BRANCH_COLUMNS",
    "FIRM_COLUMNS",
    "OWNERSHIP_COLUMNS",
    "SUPPLY_COLUMNS",
    "FieldSpec",
    "FirmMapping",
    "SmeDocument",
    "clean_inn",
    "export_branches",
    "export_ownership",
    "inn_is_valid",
    "iter_fns_documents",
    "iter_sme_register",
    "load_firm_mapping",
    "okved_section",
    "read_branches_csv",
    "read_firm_export",
    "read_fns_headcount",
    "read_fns_revexp",
    "read_ownership_csv",
    "read_sme_register",
    "read_supply_csv",
]
