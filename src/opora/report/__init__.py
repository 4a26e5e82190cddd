"""Single-file, offline HTML report of a region's settlements and municipalities.

Use :func:`render_report` to get the HTML text or :func:`write_report` to write it
to a file. The report holds an inline SVG map of settlements by size class, a
sortable municipality table, the import summary, the provenance of every table
(with a banner when any of them is modelled) and the data attribution.
"""

from __future__ import annotations

from opora.report.anchors import AnchorSection
from opora.report.html import (
    ProfileColumn,
    ReportInputError,
    UnknownLanguageError,
    render_report,
    write_report,
)
from opora.report.labels import LABELS, LANGUAGES, label

__all__ = [
    "LABELS",
    "LANGUAGES",
    "AnchorSection",
    "ProfileColumn",
    "ReportInputError",
    "UnknownLanguageError",
    "label",
    "render_report",
    "write_report",
]
