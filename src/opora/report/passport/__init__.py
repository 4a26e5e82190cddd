"""Town passport: one page per settlement, as an HTML fragment, a standalone page or a PDF.

The caller builds a :class:`TownPassport` (:mod:`~opora.report.passport.model`) from
the analyses; this package only lays it out. :func:`render_passport_html`
(:mod:`~opora.report.passport.html`) gives an HTML ``<section>`` for the single-file
report (or a whole self-contained document); :func:`write_passport_pdf`
(:mod:`~opora.report.passport.pdf`) writes one or more passports to a printable A4
PDF. The HTML passport draws its charts as inline SVG (:mod:`~opora.report.passport.svg`),
the PDF with matplotlib (:mod:`~opora.report.passport.charts`). Both are Russian by
default and English with ``lang="en"``; fixed text comes from
:mod:`opora.report.passport.labels`.
"""

from __future__ import annotations

from opora.report.passport.html import PASSPORT_CSS, render_passport_html
from opora.report.passport.labels import PASSPORT_LABELS, PASSPORT_LANGUAGES, passport_label
from opora.report.passport.model import CARD_SECTIONS, BiText, TownPassport
from opora.report.passport.pdf import write_passport_pdf

__all__ = [
    "CARD_SECTIONS",
    "PASSPORT_CSS",
    "PASSPORT_LABELS",
    "PASSPORT_LANGUAGES",
    "BiText",
    "TownPassport",
    "passport_label",
    "render_passport_html",
    "write_passport_pdf",
]
