"""Single-file, offline HTML report: the document that holds the sections.

The report is one HTML document with all CSS and JavaScript inline and the map drawn
as inline SVG, so it opens from a USB stick or an e-mail attachment with no network.
Each section lives in :mod:`opora.report.sections` (its view model, its builder and
its template data) with its template part under ``templates/sections/``; this module
only fits the shared map projection, asks each section for its template data and
renders ``templates/report.html.j2``. All data text goes through Jinja2 with
autoescaping on; all fixed text comes from :mod:`opora.report.labels`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd

from opora._version import __version__
from opora.errors import ReportInputError, UnknownLanguageError
from opora.report._helpers import (
    MISSING_TEXT,
    ProfileColumnLike,
    RenderContext,
    template_environment,
)
from opora.report._language import language_table
from opora.report.labels import LABELS, LANGUAGES
from opora.report.sections import access as access_part
from opora.report.sections import anchors as anchors_part
from opora.report.sections import economy as economy_part
from opora.report.sections import imports as imports_part
from opora.report.sections import overview as overview_part
from opora.report.sections import profile as profile_part
from opora.report.sections import provenance as provenance_part
from opora.report.sections import strategy as strategy_part
from opora.report.sections import ties as ties_part
from opora.report.sections.access import AccessSection
from opora.report.sections.anchors import AnchorSection
from opora.report.sections.economy import EconomySection
from opora.report.sections.strategy import StrategySection
from opora.report.sections.ties import TiesSection

__all__ = [
    "ReportInputError",
    "UnknownLanguageError",
    "render_report",
    "write_report",
]


def render_report(
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    profile: pd.DataFrame,
    columns: Sequence[ProfileColumnLike],
    summary: Sequence[Mapping[str, object]],
    provenance: pd.DataFrame,
    *,
    region_name: str,
    lang: str = "ru",
    title: str | None = None,
    notes: Sequence[str] | None = None,
    generated: str | None = None,
    access: AccessSection | None = None,
    economy: EconomySection | None = None,
    strategy: StrategySection | None = None,
    ties: TiesSection | None = None,
    anchors: AnchorSection | None = None,
) -> str:
    """Render the single-file offline HTML report.

    Parameters
    ----------
    settlements
        Settlement points (EPSG:4326; other CRSs are reprojected) with columns
        ``settlement_id, name, type, population`` and optionally ``oktmo``.
    municipalities
        Municipality centre points with columns ``name`` and optionally ``level``,
        ``is_regional_centre``, ``centre_name``. Top-level (``level == "upper"``)
        centres and the regional centre are drawn as square markers; empty
        geometries are skipped.
    profile
        One row per top-level municipality: ``oktmo``, ``name`` and the columns
        named in ``columns``.
    columns
        How each profile column is labelled and formatted, in display order:
        :class:`ProfileColumn` objects, or any objects with the same attributes.
    summary
        Import summary rows: ``source``, ``read``, ``kept``, ``repaired``,
        ``rejected``, ``flagged`` and any extra count keys (shown as extra columns).
    provenance
        Columns ``table, source, licence, date, kind, detail``; ``kind`` is
        ``"real"`` or ``"modelled"``.
    region_name
        Region shown in the title.
    lang
        ``"ru"`` (default) or ``"en"``.
    title
        Document title; defaults to a title built from ``region_name``.
    notes
        Extra notices shown prominently near the top (for example that the road
        network is modelled).
    generated
        Timestamp text; defaults to the current UTC time (ISO 8601, minutes).
    access
        Data of the optional accessibility section (travel-time standards, shares
        of the population within them, a map of the worst-served settlements drawn
        on the main map's projection, settlements cut off in winter or the thaw);
        ``None`` (the default) leaves the section out.
    economy
        Data of the optional economy section (a per-municipality economic profile
        with the reason of each missing value, employment by OKVED section of the
        region and of a municipality chosen in the page, trend charts against the
        municipalities' median, specialisation candidates); ``None`` (the default)
        leaves the section out.
    strategy
        Data of the optional typology and strategy section (a map of the
        municipalities' and towns' types on the main map's projection with a type
        filter, the typology table, the resilience ranking with its components and,
        when given, its sensitivity, the alerts "anchor status without substance",
        and the town passports with their index); ``None`` (the default) leaves the
        section out.
    ties
        Data of the optional inter-municipal economic ties section (a flow map on
        the main map's projection: lines from source to target, width by weight,
        colour by tie kind, at most the :data:`TIES_MAX_LINES` heaviest; node
        circles sized by local ties and coloured by detachment; and the per-town
        ties card); ``None`` (the default) leaves the section out.
    anchors
        Data of the optional anchor settlement framework section
        (:class:`opora.report.sections.anchors.AnchorSection`: a map on the main map's
        projection of the inter-district centres and local anchors sized by the
        population served, the catchment lines and the settlements outside the
        standards coloured by reason; the anchors, coverage, uncovered-settlement
        and scenario tables; and, when given, the comparison with a given anchor
        list); ``None`` (the default) leaves the section out.

    Returns
    -------
    str
        The complete HTML document.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    ReportInputError
        If a table lacks a column the report needs, an accessibility table names
        a service that is not among ``access.services``, or an economy table holds
        a bad value (a sector share outside 0-1, a year that is not a whole number,
        a repeated row), or a strategy table holds a bad value (a bottom-quintile
        share outside 0-1, a repeated sensitivity row, a passport PDF that is not a
        relative file name), or a ties table holds a bad value (an unknown tie kind,
        a negative or missing weight, a detachment outside 0-1), or an anchor table
        holds a bad value (an unknown anchor level or uncovered reason, a catchment
        naming an anchor that is not in the anchors table, a service that is not in
        the coverage table).
    """
    t = language_table(LABELS, lang, LANGUAGES, "report")
    if generated is None:
        generated = datetime.now(UTC).isoformat(timespec="minutes")
    doc_title = title if title is not None else t["title_default"].format(region=region_name)
    profile_data = profile_part.template_data(profile, columns, lang)
    summary_data = imports_part.template_data(summary, lang, t)
    provenance_data = provenance_part.template_data(provenance)
    map_data = overview_part.map_data(settlements, municipalities, lang, t)
    ctx = RenderContext(lang, t, settlements, map_data["projection"])
    access_data = None if access is None else access_part.template_data(access, ctx)
    economy_data = None if economy is None else economy_part.template_data(economy, ctx)
    strategy_data = None if strategy is None else strategy_part.template_data(strategy, ctx)
    ties_data = None if ties is None else ties_part.template_data(ties, ctx)
    anchors_data = None if anchors is None else anchors_part.template_data(anchors, ctx)
    template = template_environment().get_template("report.html.j2")
    return template.render(
        lang=lang,
        t=t,
        title=doc_title,
        region_name=region_name,
        generated=generated,
        generated_by=t["generated_by"].format(version=__version__, generated=generated),
        notes=[n for n in (notes or []) if n],
        key_figures=overview_part.key_figures(settlements, municipalities, lang),
        map=map_data,
        profile=profile_data,
        summary=summary_data,
        provenance=provenance_data,
        access=access_data,
        economy=economy_data,
        strategy=strategy_data,
        ties=ties_data,
        anchors=anchors_data,
        missing_text=MISSING_TEXT,
    )


def write_report(
    path: str | Path,
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    profile: pd.DataFrame,
    columns: Sequence[ProfileColumnLike],
    summary: Sequence[Mapping[str, object]],
    provenance: pd.DataFrame,
    *,
    region_name: str,
    lang: str = "ru",
    title: str | None = None,
    notes: Sequence[str] | None = None,
    generated: str | None = None,
    access: AccessSection | None = None,
    economy: EconomySection | None = None,
    strategy: StrategySection | None = None,
    ties: TiesSection | None = None,
    anchors: AnchorSection | None = None,
) -> Path:
    """Render the report and write it as UTF-8 to ``path``.

    Parameters
    ----------
    path
        Output file; missing parent folders are created.
    settlements, municipalities, profile, columns, summary, provenance
        As for :func:`render_report`.
    region_name, lang, title, notes, generated, access, economy, strategy, ties, anchors
        As for :func:`render_report`.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    ReportInputError
        If a table lacks a column the report needs, or holds a bad value.
    """
    html = render_report(
        settlements,
        municipalities,
        profile,
        columns,
        summary,
        provenance,
        region_name=region_name,
        lang=lang,
        title=title,
        notes=notes,
        generated=generated,
        access=access,
        economy=economy,
        strategy=strategy,
        ties=ties,
        anchors=anchors,
    )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
