"""Town passports as a printable A4 PDF, made with fpdf2.

The PDF uses the DejaVu Sans fonts bundled with matplotlib, so no system font is
needed for Cyrillic text; the charts are the same PNG images as in the HTML page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from opora._version import __version__
from opora.errors import ReportInputError
from opora.report.passport.charts import (
    FIG_DPI_PDF,
    MM_PER_IN,
    Chart,
    components_chart,
    map_chart,
    neighbours_km,
    sectors_chart,
    trends_chart,
)
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
from opora.report.passport.style import (
    ACCENT,
    ALERT_BG,
    BAD,
    GOOD,
    INK,
    MUTED,
    ROLE_BG,
    WARN_BG,
    WARN_INK,
    WARN_LINE,
)

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["write_passport_pdf"]

_FONT: Final = "DejaVu"
_MARGIN_MM: Final = 14.0
_TOP_MM: Final = 16.0
_BOTTOM_MM: Final = 17.0
_MM_PER_PT: Final = 25.4 / 72.0
_GAP_COLUMNS_MM: Final = 5.0


def _rgb(colour: str) -> tuple[int, int, int]:
    """Return the red, green and blue of a ``#rrggbb`` colour."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _lh(size_pt: float) -> float:
    """Return the line height in mm of text of ``size_pt`` points."""
    return size_pt * _MM_PER_PT * 1.38


def _font_files() -> dict[str, Path]:
    """Return the DejaVu Sans TTF files bundled with matplotlib, by fpdf2 style."""
    import matplotlib as mpl

    folder = Path(mpl.get_data_path()) / "fonts" / "ttf"
    files = {
        "": folder / "DejaVuSans.ttf",
        "B": folder / "DejaVuSans-Bold.ttf",
        "I": folder / "DejaVuSans-Oblique.ttf",
    }
    missing = [str(f) for f in files.values() if not f.is_file()]
    if missing:
        msg = f"the fonts bundled with matplotlib are missing: {', '.join(missing)}"
        raise ReportInputError(msg)
    return files


@dataclass
class _PageState:
    """What the page header and footer of the PDF need to know."""

    t: Mapping[str, str]
    title: str = ""
    next_title: str = ""
    first_page: bool = True


def _new_pdf(lang: str, t: Mapping[str, str]) -> tuple[FPDF, _PageState]:
    """Return an A4 portrait PDF with the DejaVu fonts, running header and page footer."""
    from fpdf import FPDF

    state = _PageState(t=t)

    class _PassportPDF(FPDF):
        """FPDF with the passport's running header and footer."""

        def header(self) -> None:
            """Write the town's name at the top of every page but a passport's first."""
            state.title = state.next_title
            if state.first_page:
                state.first_page = False
                return
            self.set_font(_FONT, "", 7.5)
            self.set_text_color(*_rgb(MUTED))
            self.set_xy(self.l_margin, 8.0)
            self.cell(0, 4, f"{state.title} — {state.t['continued']}")
            self.set_draw_color(*_rgb("#d5dae0"))
            self.set_line_width(0.2)
            self.line(self.l_margin, 12.6, self.w - self.r_margin, 12.6)
            self.set_xy(self.l_margin, self.t_margin)

        def footer(self) -> None:
            """Write the passport's name, the opora version and the page number."""
            self.set_y(-12.0)
            self.set_draw_color(*_rgb("#d5dae0"))
            self.set_line_width(0.2)
            self.line(self.l_margin, self.get_y() - 1.0, self.w - self.r_margin, self.get_y() - 1.0)
            self.set_font(_FONT, "", 7)
            self.set_text_color(*_rgb(MUTED))
            left = state.t["footer"].format(name=state.title, version=__version__)
            self.cell(self.epw * 0.75, 4, left, align="L")
            page = state.t["page"].format(page=self.page_no(), pages="{nb}")
            self.cell(0, 4, page, align="R")

    pdf = _PassportPDF(orientation="P", unit="mm", format="A4")
    for style, path in _font_files().items():
        pdf.add_font(_FONT, style, str(path))
    pdf.set_margins(_MARGIN_MM, _TOP_MM, _MARGIN_MM)
    pdf.set_auto_page_break(True, margin=_BOTTOM_MM)
    pdf.alias_nb_pages()
    pdf.set_lang(lang)
    pdf.set_creator(f"opora {__version__}")
    return pdf, state


def _set_font(pdf: FPDF, size: float, style: str = "", colour: str = INK) -> None:
    """Set the font (DejaVu Sans), its size in points and the text colour."""
    pdf.set_font(_FONT, style, size)
    pdf.set_text_color(*_rgb(colour))


def _ensure(pdf: FPDF, height: float) -> None:
    """Start a new page unless ``height`` mm are left above the bottom margin."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _text_height(pdf: FPDF, width: float, text: str, size: float, style: str = "") -> float:
    """Return the height in mm that ``text`` takes when wrapped to ``width`` mm."""
    from fpdf.enums import MethodReturnValue

    pdf.set_font(_FONT, style, size)
    height = pdf.multi_cell(
        width, _lh(size), text, dry_run=True, output=MethodReturnValue.HEIGHT, align="L"
    )
    return float(height)  # type: ignore[arg-type]


def _para(
    pdf: FPDF,
    text: str,
    *,
    size: float = 9.0,
    style: str = "",
    colour: str = INK,
    indent: float = 0.0,
    width: float | None = None,
) -> None:
    """Write a wrapped paragraph starting at the left margin plus ``indent`` mm."""
    _set_font(pdf, size, style, colour)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(
        width if width is not None else pdf.epw - indent,
        _lh(size),
        text,
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )


def _heading(pdf: FPDF, text: str, *, keep: float = 24.0) -> None:
    """Write a section heading with a rule, keeping ``keep`` mm (with what follows) together."""
    _ensure(pdf, min(keep, pdf.page_break_trigger - pdf.t_margin))
    pdf.ln(3.0)
    _para(pdf, text, size=11.5, style="B", colour=ACCENT)
    y = pdf.get_y() + 0.4
    pdf.set_draw_color(*_rgb("#b7c7d8"))
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 2.0)


def _subheading(pdf: FPDF, text: str, *, keep: float = 16.0) -> None:
    """Write a sub-heading, keeping ``keep`` mm of what follows on the same page."""
    _ensure(pdf, keep)
    pdf.ln(1.0)
    _para(pdf, text, size=9.5, style="B")
    pdf.ln(0.6)


def _bullets(
    pdf: FPDF,
    items: Sequence[str],
    *,
    size: float = 9.0,
    bullet: str = "•",
    colour: str = INK,
    bullet_colour: str | None = None,
    indent: float = 0.0,
    width: float | None = None,
) -> None:
    """Write a list with hanging indents; each item wraps under its own text."""
    total = width if width is not None else pdf.epw - indent
    for item in items:
        _ensure(pdf, _lh(size) + 0.5)
        x = pdf.l_margin + indent
        y = pdf.get_y()
        _set_font(pdf, size, "B" if bullet == "⚠" else "", bullet_colour or colour)
        pdf.set_xy(x, y)
        pdf.cell(4.0, _lh(size), bullet)
        _set_font(pdf, size, "", colour)
        pdf.set_xy(x + 4.0, y)
        pdf.multi_cell(total - 4.0, _lh(size), item, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.6)


def _box(
    pdf: FPDF,
    items: Sequence[str],
    *,
    title: str = "",
    fill: str,
    line: str,
    ink: str,
    size: float = 8.8,
    bullet: str = "",
) -> None:
    """Write text in a tinted box with a coloured bar on its left (not split across pages).

    A box taller than a page is written without its background, as plain text.
    """
    pad, bar = 2.4, 1.4
    inner = pdf.epw - bar - 2 * pad
    text_w = inner - (4.0 if bullet else 0.0)
    title_h = _text_height(pdf, inner, title, size + 0.4, "B") + 0.8 if title else 0.0
    item_h = [_text_height(pdf, text_w, item, size) + 0.6 for item in items]
    total = 2 * pad + title_h + sum(item_h)
    if total > pdf.page_break_trigger - pdf.t_margin - 4.0:
        if title:
            _para(pdf, title, size=size + 0.4, style="B", colour=ink)
        _bullets(pdf, items, size=size, bullet=bullet or "•", colour=ink)
        return
    _ensure(pdf, total + 1.0)
    x0, y0 = pdf.l_margin, pdf.get_y()
    pdf.set_fill_color(*_rgb(fill))
    pdf.rect(x0, y0, pdf.epw, total, style="F")
    pdf.set_fill_color(*_rgb(line))
    pdf.rect(x0, y0, bar, total, style="F")
    x = x0 + bar + pad
    y = y0 + pad
    if title:
        _set_font(pdf, size + 0.4, "B", ink)
        pdf.set_xy(x, y)
        pdf.multi_cell(inner, _lh(size + 0.4), title, align="L")
        y += title_h
    for item, height in zip(items, item_h, strict=True):
        if bullet:
            _set_font(pdf, size, "B", line)
            pdf.set_xy(x, y)
            pdf.cell(4.0, _lh(size), bullet)
        _set_font(pdf, size, "", ink)
        pdf.set_xy(x + (4.0 if bullet else 0.0), y)
        pdf.multi_cell(text_w, _lh(size), item, align="L")
        y += height
    pdf.set_xy(pdf.l_margin, y0 + total + 2.0)


def _image(
    pdf: FPDF, chart: Chart, *, width_mm: float | None = None, x: float | None = None
) -> None:
    """Place a chart at its size on paper (shrunk to fit a page), not split across pages."""
    width = width_mm if width_mm is not None else chart.width_in * MM_PER_IN
    height = width * chart.height_in / chart.width_in
    room = pdf.page_break_trigger - pdf.t_margin - 2.0
    if height > room:
        width, height = width * room / height, room
    _ensure(pdf, height + 1.0)
    pdf.image(
        io.BytesIO(chart.png),
        x=x if x is not None else pdf.l_margin,
        y=pdf.get_y(),
        w=width,
        h=height,
    )
    pdf.set_y(pdf.get_y() + height + 1.5)


def _table(
    pdf: FPDF,
    headings: Sequence[str],
    rows: Sequence[Sequence[tuple[str, dict[str, Any] | None]]],
    widths: Sequence[float],
    aligns: Sequence[str],
    *,
    size: float = 8.2,
    headings_row: bool = True,
    x: float | None = None,
    zebra: bool = True,
) -> None:
    """Write a table that breaks between rows and repeats its heading row on a new page.

    Each cell is ``(text, style)`` where ``style`` holds :class:`fpdf.fonts.FontFace`
    arguments (``color``, ``emphasis``, ``fill_color``) or is ``None``.
    """
    from fpdf.fonts import FontFace

    _set_font(pdf, size)
    pdf.set_draw_color(*_rgb("#cfd6dd"))
    # fpdf2 takes the current fill colour as the background of the cells it does not fill
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.2)
    start = x if x is not None else pdf.l_margin
    pdf.set_x(start)
    room = pdf.w - pdf.r_margin - start
    total = min(sum(widths), room)
    with pdf.table(
        width=total,
        col_widths=tuple(widths),
        align="LEFT",
        text_align=tuple(aligns),
        line_height=_lh(size),
        padding=(1.0, 1.6),
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", color=_rgb(INK), fill_color=_rgb("#e9eef3")),
        cell_fill_color=_rgb("#f6f8fa") if zebra else None,
        cell_fill_mode="ROWS" if zebra else "NONE",
        first_row_as_headings=headings_row,
        repeat_headings=1,
        v_align="TOP",
    ) as table:
        if headings_row:
            head = table.row()
            for text in headings:
                head.cell(text)
        for cells in rows:
            row = table.row()
            for text, style in cells:
                row.cell(text, style=FontFace(**style) if style else None)
    pdf.ln(1.5)


def _pdf_header(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the first-page header: kicker, title, municipality, region and key facts."""
    _para(pdf, t["kicker"].upper(), size=8, style="B", colour=ACCENT)
    _para(pdf, title_text(p, t), size=19, style="B")
    pdf.ln(0.5)
    subtitle = " · ".join(v for v in (p.municipality, p.region) if v)
    if subtitle:
        _para(pdf, subtitle, size=10.5)
    facts = " · ".join(f"{k}: {v}" for k, v in meta_facts(p, lang, t))
    _para(pdf, facts, size=8.3, colour=MUTED)
    y = pdf.get_y() + 1.2
    pdf.set_draw_color(*_rgb(ACCENT))
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 2.5)
    if p.notes:
        _box(
            pdf,
            ["⚠ " + t["modelled_flag"]],
            fill=WARN_BG,
            line=WARN_LINE,
            ink=WARN_INK,
            size=8.3,
        )


def _pdf_map_and_profile(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the mini map with its caption on the left and the profile on the right."""
    chart = map_chart(p, lang, t, FIG_DPI_PDF)
    nb = neighbours_km(p)
    map_w = chart.width_in * MM_PER_IN
    map_h = chart.height_in * MM_PER_IN
    lat = finite_float(p.lat)
    caption = t["map_caption"].format(lat=num_text(lat, "float1", lang) if lat is not None else "—")
    if nb.missing:
        caption += " " + t["map_no_coords"].format(n=nb.missing)
    caption_h = _text_height(pdf, map_w, caption, 6.8)
    _ensure(pdf, map_h + caption_h + 12.0)
    x0, y0 = pdf.l_margin, pdf.get_y()
    _set_font(pdf, 9.5, "B")
    pdf.set_xy(x0, y0)
    pdf.multi_cell(map_w, _lh(9.5), t["map_heading"], align="L")
    y_map = pdf.get_y() + 0.8
    pdf.image(io.BytesIO(chart.png), x=x0, y=y_map, w=map_w, h=map_h)
    _set_font(pdf, 6.8, "", MUTED)
    pdf.set_xy(x0, y_map + map_h + 0.8)
    pdf.multi_cell(map_w, _lh(6.8), caption, align="L")
    y_left = pdf.get_y()

    x_right = x0 + map_w + _GAP_COLUMNS_MM
    w_right = pdf.w - pdf.r_margin - x_right
    _set_font(pdf, 9.5, "B")
    pdf.set_xy(x_right, y0)
    pdf.multi_cell(w_right, _lh(9.5), t["profile_heading"], align="L")
    pdf.set_y(pdf.get_y() + 0.8)
    if p.profile:
        rows: list[list[tuple[str, dict[str, Any] | None]]] = [
            [(k.text(lang), {"color": _rgb(MUTED)}), (v, {"emphasis": "BOLD"})]
            for k, v in p.profile
        ]
        _table(
            pdf,
            [],
            rows,
            [w_right * 0.58, w_right * 0.42],
            ["LEFT", "LEFT"],
            size=8.2,
            headings_row=False,
            x=x_right,
        )
    else:
        _para(pdf, t["profile_empty"], size=8.5, style="I", colour=MUTED, indent=x_right - x0)
    y_right = pdf.get_y()
    pdf.set_xy(pdf.l_margin, max(y_left, y_right) + 1.0)


def _pdf_access(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the accessibility table: minutes against the standard, marked when over."""
    _heading(pdf, t["access_heading"], keep=40.0)
    rows = access_rows(p, lang, t)
    if not rows:
        _para(pdf, t["access_empty"], size=8.5, style="I", colour=MUTED)
        return
    bad = {"color": _rgb(BAD), "emphasis": "BOLD"}
    table_rows: list[list[tuple[str, dict[str, Any] | None]]] = []
    for r in rows:
        minutes_style = bad if r.state in {"over", "unreachable"} else None
        if r.state == "over":
            status = ("▲ " + r.status, bad)
        elif r.state == "unreachable":
            status = ("✗ " + r.status, bad)
        else:
            status = ("✓ " + r.status, {"color": _rgb(GOOD)})
        data_style = (
            {"color": _rgb(WARN_INK), "emphasis": "BOLD", "fill_color": _rgb(WARN_BG)}
            if r.modelled
            else {"color": _rgb(MUTED)}
        )
        table_rows.append(
            [
                (r.service, None),
                (r.minutes, minutes_style),
                (r.standard, None),
                status,
                (r.data, data_style),
            ]
        )
    widths = [60.0, 24.0, 22.0, 50.0, 26.0]
    headings = [
        t["access_service"],
        t["access_minutes"],
        t["access_standard"],
        t["access_status"],
        t["access_data"],
    ]
    _table(pdf, headings, table_rows, widths, ["LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT"])
    _para(pdf, t["access_modelled_note"], size=7.2, colour=MUTED)


def _pdf_economy(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the sector chart and the trend charts."""
    sectors = sectors_chart(p, lang, t, FIG_DPI_PDF)
    first = sectors[0].height_in * MM_PER_IN if sectors is not None else 10.0
    _heading(pdf, t["economy_heading"], keep=24.0 + first)
    _subheading(pdf, t["sectors_heading"], keep=40.0)
    if sectors is None:
        _para(pdf, t["sectors_empty"], size=8.5, style="I", colour=MUTED)
    else:
        _image(pdf, sectors[0])
        if sectors[1]:
            _para(pdf, t["sectors_more"].format(n=sectors[1]), size=7.2, colour=MUTED)
    trends = trends_chart(p, lang, t, FIG_DPI_PDF)
    _subheading(pdf, t["trends_heading"], keep=50.0)
    if trends is None:
        _para(pdf, t["trends_empty"], size=8.5, style="I", colour=MUTED)
    else:
        _image(pdf, trends)


def _pdf_candidates(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the specialisation candidates with their scores and reasons."""
    _heading(pdf, t["candidates_heading"], keep=36.0)
    if not p.candidates:
        _para(pdf, t["candidates_empty"], size=8.5, style="I", colour=MUTED)
        return
    rows: list[list[tuple[str, dict[str, Any] | None]]] = [
        [
            (lbl.text(lang), {"emphasis": "BOLD"}),
            (num_text(finite_float(score), "float2", lang), None),
            (why.text(lang), None),
        ]
        for lbl, score, why in p.candidates
    ]
    headings = [t["candidates_label"], t["candidates_score"], t["candidates_why"]]
    _table(pdf, headings, rows, [50.0, 25.0, 107.0], ["LEFT", "RIGHT", "LEFT"])


def _pdf_resilience(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the resilience score, its rank and the components chart, kept together."""
    chart = components_chart(p, lang, t, FIG_DPI_PDF)
    chart_h = chart.height_in * MM_PER_IN + 10.0 if chart is not None else 0.0
    _ensure(pdf, min(24.0 + _lh(11) + chart_h, pdf.page_break_trigger - pdf.t_margin))
    _heading(pdf, t["resilience_heading"])
    text = resilience_text(p, lang, t)
    if text is None:
        _para(pdf, t["resilience_missing"], size=8.5, style="I", colour=MUTED)
    else:
        _para(pdf, f"{text[0]} · {text[1]}", size=11, style="B", colour=ACCENT)
        pdf.ln(1.0)
    if chart is not None:
        _subheading(pdf, t["resilience_components"], keep=chart_h)
        _image(pdf, chart)


def _pdf_card(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the strategy card: the alerts in a red box, then the sections as lists."""
    _heading(pdf, t["card_heading"])
    alerts = [a.text(lang) for a in p.card.get(ALERTS, [])]
    sections = card_sections(p, lang, t)
    if alerts:
        _box(
            pdf,
            alerts,
            title="⚠ " + t["card_alerts"],
            fill=ALERT_BG,
            line=BAD,
            ink="#5c1410",
            bullet="⚠",
        )
    if not sections and not alerts:
        _para(pdf, t["card_empty"], size=8.5, style="I", colour=MUTED)
    for heading, lines in sections:
        _subheading(pdf, heading)
        _bullets(pdf, lines, size=8.8, indent=1.0)


def _pdf_footer_block(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the data caveats (highlighted) and the sources at the end of the passport."""
    if p.notes:
        pdf.ln(3.0)
        _box(
            pdf,
            [n.text(lang) for n in p.notes],
            title=t["notes_heading"],
            fill=WARN_BG,
            line=WARN_LINE,
            ink=WARN_INK,
            bullet="•",
            size=8.3,
        )
    if p.sources:
        _subheading(pdf, t["sources_heading"], keep=12.0)
        _bullets(pdf, [s.text(lang) for s in p.sources], size=7.4, colour=MUTED)
    _para(
        pdf,
        t["generated_by"].format(version=__version__, date=date.today().isoformat()),
        size=7,
        colour=MUTED,
    )


def _pdf_passport(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write one passport, starting on the current (new) page."""
    _pdf_header(pdf, p, lang, t)
    _pdf_map_and_profile(pdf, p, lang, t)

    _heading(pdf, t["types_heading"])
    if not p.types:
        _para(pdf, t["types_empty"], size=8.5, style="I", colour=MUTED)
    for _tid, label, reason in p.types:
        _ensure(pdf, 2 * _lh(9.5) + 2)
        _para(pdf, "■ " + label.text(lang), size=9.5, style="B", colour=ACCENT)
        _para(pdf, reason.text(lang), size=8.8, indent=4.2)
        pdf.ln(1.0)

    _pdf_access(pdf, p, lang, t)

    _heading(pdf, t["anchor_heading"])
    role = p.anchor_role.text(lang).strip()
    if role:
        _box(pdf, [role], fill=ROLE_BG, line=ACCENT, ink=INK, size=9.2)
    else:
        _para(pdf, t["anchor_empty"], size=8.5, style="I", colour=MUTED)

    _pdf_economy(pdf, p, lang, t)
    _pdf_candidates(pdf, p, lang, t)
    _pdf_resilience(pdf, p, lang, t)
    _pdf_card(pdf, p, lang, t)
    _pdf_footer_block(pdf, p, lang, t)


def write_passport_pdf(
    passports: Sequence[TownPassport], path: str | Path, lang: str = "ru"
) -> Path:
    """Write town passports to a printable A4 PDF, each starting on a new page.

    Each passport has a header (town, municipality, region, population), a schematic
    mini map of its neighbours with a km scale bar, the profile, the types with their
    reasons, access to services against the standards (over the standard in red,
    unreachable and modelled times marked), the anchor role, the economy charts, the
    specialisation candidates, the resilience index with its components, the strategy
    card with its alerts highlighted, and the data caveats and sources. Pages carry
    the town's name and the page number in their footer. Text uses the DejaVu Sans
    fonts bundled with matplotlib, so Cyrillic needs no system font.

    Parameters
    ----------
    passports
        One or more passports, written in this order.
    path
        The PDF file to write; missing parent folders are created.
    lang
        ``"ru"`` (default) or ``"en"``.

    Returns
    -------
    pathlib.Path
        The path of the PDF written.

    Raises
    ------
    opora.errors.UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    opora.errors.ReportInputError
        If ``passports`` is empty.
    """
    t = labels_for(lang)
    items = list(passports)
    if not items:
        msg = "no town passports to write: pass at least one TownPassport"
        raise ReportInputError(msg)
    pdf, state = _new_pdf(lang, t)
    titles = [title_text(p, t) for p in items]
    pdf.set_title(titles[0] if len(items) == 1 else t["kicker"])
    for p, title in zip(items, titles, strict=True):
        state.next_title = title
        state.first_page = True
        pdf.add_page()
        _pdf_passport(pdf, p, lang, t)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))
    return out
