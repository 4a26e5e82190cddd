"""Town passport as HTML: a fragment for the single-file report, or a whole page.

The page's template and CSS are files under ``opora/report/templates/passport/``
(``passport.html.j2``, ``document.html.j2``, ``passport.css``, ``standalone.css``);
the charts are inline SVG written directly (:mod:`~opora.report.passport.svg`, no
matplotlib), so a passport needs no network and no other file and draws fast.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from typing import Any, Final

import markupsafe

from opora._version import __version__
from opora.report._helpers import template_environment
from opora.report.passport.charts import neighbours_km
from opora.report.passport.labels import labels_for
from opora.report.passport.model import (
    ALERTS,
    TownPassport,
    access_rows,
    card_sections,
    finite_float,
    meta_facts,
    num_text,
    resilience_text,
    title_text,
)
from opora.report.passport.svg import components_svg, map_svg, sectors_svg, trends_svg

__all__ = ["PASSPORT_CSS", "render_passport_html"]


def _css(name: str) -> str:
    """Return the text of a CSS file of ``templates/passport/``."""
    folder = resources.files("opora.report").joinpath("templates", "passport")
    return folder.joinpath(name).read_text(encoding="utf-8")


#: CSS of a passport, scoped to ``.passport`` (``templates/passport/passport.css``).
PASSPORT_CSS: Final[str] = _css("passport.css")

#: Page rules of a standalone passport (``templates/passport/standalone.css``).
_STANDALONE_CSS: Final[str] = _css("standalone.css")

#: Sign shown before the assessment of a service, by state (not only colour tells it).
_STATE_MARKS: Final[dict[str, str]] = {"ok": "✓ ", "over": "▲ ", "unreachable": "✗ "}


def _anchor_id(oktmo: str) -> str:
    """Return the element id of a passport: ``passport-<oktmo>`` with safe characters only."""
    return "passport-" + re.sub(r"[^0-9A-Za-z_-]", "-", str(oktmo).strip())


def _svg(svg: str | None) -> markupsafe.Markup | None:
    """Mark an SVG chart as safe HTML: :mod:`~opora.report.passport.svg` escapes its text."""
    return None if svg is None else markupsafe.Markup(svg)  # noqa: S704 - escaped there


def render_passport_html(
    p: TownPassport, lang: str = "ru", *, standalone: bool = False, include_css: bool = True
) -> str:
    """Render a town passport as HTML.

    The fragment is a ``<section class="passport" id="passport-<oktmo>">`` with its
    charts as inline SVG (each with a ``viewBox``, ``role="img"`` and a ``<title>``;
    ids ``passport-<oktmo>-map``, ``-sectors``, ``-trends``, ``-resilience``), so it
    needs no network and no other file. Its CSS is scoped to ``.passport`` and
    includes print rules: each passport starts on a new page and boxes, figures and
    table rows are not split.

    Parameters
    ----------
    p
        The passport.
    lang
        ``"ru"`` (default) or ``"en"``.
    standalone
        Return a whole HTML document (with an A4 ``@page`` rule) instead of a fragment.
    include_css
        Put the passport CSS (:data:`PASSPORT_CSS`) in a ``<style>`` element inside the
        fragment. A report with many passports may pass ``False`` and include
        :data:`PASSPORT_CSS` once in its own ``<head>``. Ignored when ``standalone``.

    Returns
    -------
    str
        The HTML text.

    Raises
    ------
    opora.errors.UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    """
    t = labels_for(lang)
    title = title_text(p, t)
    nb = neighbours_km(p)
    lat = finite_float(p.lat)
    anchor_id = _anchor_id(p.oktmo)
    sectors = sectors_svg(p, lang, t, f"{anchor_id}-sectors")
    resilience = resilience_text(p, lang, t)
    anchor = p.anchor_role.text(lang).strip()
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "css": markupsafe.Markup(PASSPORT_CSS),  # noqa: S704 - opora's own CSS file
        "include_css": include_css and not standalone,
        "h1": "h1" if standalone else "h2",
        "h2": "h2" if standalone else "h3",
        "h3": "h3" if standalone else "h4",
        "anchor": anchor_id,
        "oktmo": str(p.oktmo),
        "title": title,
        "subtitle": " · ".join(v for v in (p.municipality, p.region) if v),
        "meta": meta_facts(p, lang, t),
        "notes": [n.text(lang) for n in p.notes],
        "map": _svg(map_svg(p, lang, t, f"{anchor_id}-map")),
        "map_caption": t["map_caption"].format(
            lat=num_text(lat, "float1", lang) if lat is not None else "—"
        ),
        "map_missing": t["map_no_coords"].format(n=nb.missing) if nb.missing else "",
        "profile": [(k.text(lang), v) for k, v in p.profile],
        "types": [(tid, lbl.text(lang), why.text(lang)) for tid, lbl, why in p.types],
        "access": access_rows(p, lang, t),
        "marks": _STATE_MARKS,
        "anchor_role": anchor,
        "sectors": _svg(sectors[0]) if sectors else None,
        "sectors_more": (t["sectors_more"].format(n=sectors[1]) if sectors and sectors[1] else ""),
        "trends": _svg(trends_svg(p, lang, t, f"{anchor_id}-trends")),
        "candidates": [
            (lbl.text(lang), num_text(finite_float(score), "float2", lang), why.text(lang))
            for lbl, score, why in p.candidates
        ],
        "resilience": (
            {"score": resilience[0], "rest": "· " + resilience[1]} if resilience else None
        ),
        "components": _svg(components_svg(p, lang, t, f"{anchor_id}-resilience")),
        "alerts": [a.text(lang) for a in p.card.get(ALERTS, [])],
        "card": card_sections(p, lang, t),
        "sources": [s.text(lang) for s in p.sources],
        "generated": (
            t["generated_by"].format(version=__version__, date=date.today().isoformat())
            if standalone
            else ""
        ),
    }
    body = template_environment().get_template("passport/passport.html.j2").render(**context)
    if not standalone:
        return body
    return (
        template_environment()
        .get_template("passport/document.html.j2")
        .render(
            lang=lang,
            title=t["doc_title"].format(name=title),
            css=markupsafe.Markup(_STANDALONE_CSS + PASSPORT_CSS),  # noqa: S704
            body=markupsafe.Markup(body),  # noqa: S704 - rendered above with autoescape
        )
    )
