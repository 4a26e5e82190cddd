"""Readers of Rosstat publications and of tables derived from them.

Six readers, each returning an :class:`~opora.model.result.ImportResult` whose reject
report lists every value that was repaired, flagged or rejected. One module per source
format:

* :mod:`~opora.io.rosstat.bulletin`: :func:`read_population_bulletin` - bulletin
  "population by municipality on 1 January 2024" (``bul2024_population_by_mo.csv``);
* :mod:`~opora.io.rosstat.status_lists`: :func:`read_status_list` - Arctic zone and
  Far North lists from the same bulletin;
* :mod:`~opora.io.rosstat.urov14a`: :func:`read_urov14a_workbook` - the raw Urov-14a
  workbook (taxable money incomes and social payments by municipal district / urban
  okrug, one sheet per year);
* :mod:`~opora.io.rosstat.org_stats`: :func:`read_org_stats_export` - a raw Rosstat
  export of organisations by region and OKVED with a multi-row header and hierarchy by
  indentation;
* :mod:`~opora.io.rosstat.hflabs`: :func:`read_hflabs_cities` - HFLabs "city" table
  (OKATO, OKTMO, coordinates);
* :mod:`~opora.io.rosstat.big_cities`: :func:`read_big_cities` - INID "Large cities"
  panel with the local budget split.

The cells, codes and numbers the readers share are parsed in the private module
``_common``.

OKTMO codes are always returned as text: 8 digits for a municipality, 11 for a
settlement; codes that lost the leading zero of regions 01-09 are padded back and the
repair is reported.
"""

from __future__ import annotations

from opora.io.rosstat.big_cities import BIG_CITIES_BUDGET_COLUMNS, read_big_cities
from opora.io.rosstat.bulletin import BULLETIN_COLUMNS, read_population_bulletin
from opora.io.rosstat.hflabs import read_hflabs_cities
from opora.io.rosstat.org_stats import ORG_STATS_COLUMNS, ORG_STATS_MEMBER, read_org_stats_export
from opora.io.rosstat.status_lists import STATUS_LIST_COLUMNS, read_status_list
from opora.io.rosstat.urov14a import UROV14A_CODES, read_urov14a_workbook

__all__ = [
    "BIG_CITIES_BUDGET_COLUMNS",
    "BULLETIN_COLUMNS",
    "ORG_STATS_COLUMNS",
    "ORG_STATS_MEMBER",
    "STATUS_LIST_COLUMNS",
    "UROV14A_CODES",
    "read_big_cities",
    "read_hflabs_cities",
    "read_org_stats_export",
    "read_population_bulletin",
    "read_status_list",
    "read_urov14a_workbook",
]
