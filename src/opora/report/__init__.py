"""Single-file, offline HTML report of a region, and the town passports.

Use :func:`render_report` to get the HTML text or :func:`write_report` to write it
to a file. The report holds an inline SVG map of settlements by size class, a
sortable municipality table, the optional sections (accessibility, economy,
typology and strategy, ties, anchor framework), the import summary, the provenance
of every table (with a banner when any of them is modelled) and the data
attribution.

Each section lives in :mod:`opora.report.sections`: its view model (a dataclass of
tables and texts), a ``build_*`` function that makes it from analysis results, and
``template_data`` that turns it into what its template part shows. The view models
do not touch files, so a page served by the API can reuse them. Town passports
(HTML and PDF) are in :mod:`opora.report.passport`.
"""

from __future__ import annotations

from opora.errors import ReportInputError, UnknownLanguageError
from opora.report._helpers import ProfileColumn, ProfileColumnLike, format_number
from opora.report.html import render_report, write_report
from opora.report.labels import LABELS, LANGUAGES, label
from opora.report.sections.access import AccessSection, ServiceInfo, build_access_section
from opora.report.sections.anchors import AnchorSection, build_anchor_section
from opora.report.sections.economy import EconomySection, build_economy_section
from opora.report.sections.profile import build_profile_columns
from opora.report.sections.strategy import StrategySection, build_strategy_section
from opora.report.sections.ties import TiesSection, build_ties_section

__all__ = [
    "LABELS",
    "LANGUAGES",
    "AccessSection",
    "AnchorSection",
    "EconomySection",
    "ProfileColumn",
    "ProfileColumnLike",
    "ReportInputError",
    "ServiceInfo",
    "StrategySection",
    "TiesSection",
    "UnknownLanguageError",
    "build_access_section",
    "build_anchor_section",
    "build_economy_section",
    "build_profile_columns",
    "build_strategy_section",
    "build_ties_section",
    "format_number",
    "label",
    "render_report",
    "write_report",
]
