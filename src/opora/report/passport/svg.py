"""Charts of the HTML town passport as inline SVG, written directly (no matplotlib).

The same four charts as :mod:`~opora.report.passport.charts` draws for the PDF: the
mini map of the town among its neighbours, the sector shares against the region, the
trends against the regional median and the components of the resilience index. Each
is an ``<svg>`` element with a ``viewBox`` (it scales with the page), ``role="img"``
and a ``<title>``, and all its words are real ``<text>`` (they can be selected,
searched and read aloud). The geometry of the map (neighbours in kilometres, the
scale bar) is shared with the matplotlib charts.

Text is measured with the advance widths of DejaVu Sans, the first font the charts
ask for; the fonts a browser falls back to are narrower, so labels placed clear of
each other stay clear.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Final

import numpy as np
import pandas as pd

from opora.report._helpers import display_text
from opora.report.passport.charts import (
    _axis_number,
    _nice_km,
    _percent,
    _scale_bar_origin,
    _short_label,
    neighbours_km,
    sector_rows,
)
from opora.report.passport.model import TownPassport, finite_float, short_number
from opora.report.passport.style import (
    ACCENT,
    INK,
    INTER_DISTRICT,
    LOCAL,
    MUTED,
    OTHER,
    REGION_BAR,
    TOWN_BAR,
)

__all__ = [
    "FONT_FAMILY",
    "components_svg",
    "map_svg",
    "sectors_svg",
    "text_width",
    "trends_svg",
]

#: Font stack of the charts: DejaVu Sans (whose widths :func:`text_width` uses) first.
FONT_FAMILY: Final = "'DejaVu Sans', 'Segoe UI', 'PT Sans', Arial, sans-serif"

# Advance widths of DejaVu Sans in hundredths of an em, by character.
_WIDTHS_BY_CLASS: Final[dict[int, str]] = {
    20: "\u2009\u202f",
    27: "'",
    28: "ijlії",
    29: "IJІЇ",
    32: " ,.·\xa0",
    34: "/:;\\|",
    35: "f",
    36: "-",
    39: "()[]t",
    40: "!",
    41: "r",
    46: '"',
    50: "*_`–°",
    52: "sz",
    53: "?гз",
    55: "cсэє",
    56: "L",
    58: "Fkт",
    59: "vxyвухчь",
    60: "PРкя",
    61: "TYaoГТУао«»",
    62: "eбеё",
    63: "ESbdghnpquЕрЁ",
    64: "$0123456789{}Зл",
    65: "ийнп",
    66: "K",
    68: "AVАц",
    69: "BRXZБВХЧЬЯд",
    70: "CСЭЄ",
    71: "Къ",
    73: "U",
    75: "HNИЙЛНПм",
    77: "DG",
    78: "&ДЦ",
    79: "OQОы",
    82: "w",
    83: "Ъ",
    84: "#+<=>^~ю−",
    85: "ф",
    86: "MМФ",
    88: "Ы",
    90: "ж",
    92: "ш",
    94: "щ",
    95: "%",
    97: "m",
    99: "W",
    100: "@—…",
    104: "№",
    107: "Ш",
    108: "ЖЮ",
    109: "Щ",
}
_WIDTHS: Final[dict[str, float]] = {
    ch: w / 100.0 for w, chars in _WIDTHS_BY_CLASS.items() for ch in chars
}
_DEFAULT_WIDTH: Final = 0.72  # an unknown character: wider than most
_BOLD: Final = 1.15  # DejaVu Sans Bold against regular, at most (Ш, Щ)
_ASCENT: Final = 0.93  # DejaVu Sans ascent and descent, in ems
_DESCENT: Final = 0.24
_LINE: Final = 1.2  # line height of wrapped labels, in ems

_LEVEL_RANK: Final[dict[str, int]] = {"inter_district": 0, "local": 1, "": 2}
_LEVEL_FILL: Final[dict[str, str]] = {"inter_district": INTER_DISTRICT, "local": LOCAL, "": OTHER}
_LEVEL_EDGE: Final[dict[str, str]] = {"inter_district": "#3b0a0a", "local": "#3b0a0a", "": "#fff"}
_MEDIAN_LINE: Final = "#6f7d8c"
_GRID: Final = "#e1e5e9"
_AXIS: Final = "#aab3bc"
_HALO: Final = 'stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'

_MAP_W: Final = 400.0
_MAP_H: Final = 340.0  # the map panel; the legend goes below it
_MAP_PAD: Final = 4.0
_MAP_LABEL_PX: Final = 10.5
_MAP_TOWN_PX: Final = 13.0
_PX_PER_SQRT_AREA: Final = 0.72  # marker radius (px) per √area (the charts' pt²)
_MAX_MAP_LABELS: Final = 12
_MIN_MAP_SPAN_KM: Final = 10.0
_WIDE_W: Final = 960.0
_COMPONENTS_W: Final = 640.0

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in viewBox units, y downwards


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Return the width of one line of ``text`` in DejaVu Sans at ``size`` px.

    Parameters
    ----------
    text
        One line of text.
    size
        Font size in px (viewBox units).
    bold
        Bold text (a little wider).

    Returns
    -------
    float
        The advance width in px.
    """
    em = sum(_WIDTHS.get(ch, _DEFAULT_WIDTH) for ch in text)
    return em * size * (_BOLD if bold else 1.0)


def _n(value: float) -> str:
    """Format a coordinate with at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else ("0" if text == "-0" else text)


def _e(text: object) -> str:
    """Escape text for SVG (XML) content and attributes."""
    return escape(str(text), quote=True)


def _svg_open(width: float, height: float, title: str, svg_id: str, css_class: str) -> list[str]:
    """Return the opening of a chart: ``<svg>`` with its viewBox, role, title and font."""
    return [
        f'<svg class="pp-svg {css_class}" id="{_e(svg_id)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'role="img" aria-labelledby="{_e(svg_id)}-t" font-family="{FONT_FAMILY}" '
        f'fill="{INK}">',
        f'<title id="{_e(svg_id)}-t">{_e(title)}</title>',
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
    ]


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    anchor: str = "start",
    fill: str | None = None,
    extra: str = "",
) -> str:
    """Return a ``<text>`` element with its baseline at ``y``."""
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if fill:
        attrs += f' fill="{fill}"'
    if extra:
        attrs += " " + extra
    return f"<text {attrs}>{_e(text)}</text>"


def _lines_text(
    x: float, top: float, lines: Sequence[str], size: float, *, anchor: str, extra: str = ""
) -> str:
    """Return a ``<text>`` of one or more lines whose first line's top is ``top``."""
    base = top + _ASCENT * size
    if len(lines) == 1:
        return _text(x, base, lines[0], size, anchor=anchor, extra=extra)
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(base + i * _LINE * size)}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    attrs = f'x="{_n(x)}" y="{_n(base)}" font-size="{_n(size)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if extra:
        attrs += " " + extra
    return f"<text {attrs}>{spans}</text>"


def _block_height(n_lines: int, size: float) -> float:
    """Return the height of ``n_lines`` lines of text at ``size`` px."""
    return (_ASCENT + _DESCENT + (n_lines - 1) * _LINE) * size


def _nice_step(span: float, bins: int) -> float:
    """Return a round tick step (1, 2, 2.5 or 5 times a power of ten) for ``span``."""
    raw = max(span, 1e-12) / max(bins, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 2.5, 5.0, 10.0):
        if mult * power >= raw * (1 - 1e-9):
            return mult * power
    return 10.0 * power


def _ticks(lo: float, hi: float, bins: int) -> list[float]:
    """Return round ticks from ``lo`` to ``hi`` (inclusive, within float noise)."""
    step = _nice_step(hi - lo, bins)
    first = math.ceil(lo / step - 1e-9) * step
    out: list[float] = []
    value = first
    while value <= hi + step * 1e-9:
        out.append(round(value, 10))
        value += step
    return out


def _overlaps(a: Box, b: Box) -> bool:
    """Tell whether two boxes overlap (touching edges do not)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# --------------------------------------------------------------------------- mini map


class _Placer:
    """Greedy placement of map labels clear of each other, the markers and the frame."""

    def __init__(
        self,
        frame: Box,
        taken: list[Box],
        cx: np.ndarray[tuple[int], np.dtype[np.float64]],
        cy: np.ndarray[tuple[int], np.dtype[np.float64]],
        r: np.ndarray[tuple[int], np.dtype[np.float64]],
    ) -> None:
        self.frame = frame
        self.taken = taken
        self.x0, self.x1, self.y0, self.y1 = cx - r, cx + r, cy - r, cy + r
        self.labels: list[str] = []

    def _free(self, box: Box, own: int, *, markers: bool) -> bool:
        """Tell whether ``box`` lies inside the frame and clear of labels (and markers)."""
        f = self.frame
        if box[0] < f[0] + 1 or box[2] > f[2] - 1 or box[1] < f[1] + 1 or box[3] > f[3] - 1:
            return False
        if any(_overlaps(box, other) for other in self.taken):
            return False
        if not markers or self.x0.size == 0:
            return True
        hits = (box[0] < self.x1) & (box[2] > self.x0) & (box[1] < self.y1) & (box[3] > self.y0)
        if own >= 0:
            hits[own] = False
        return not bool(hits.any())

    def place(self, lines: list[str], x: float, y: float, radius: float, *, own: int) -> bool:
        """Label the marker at ``(x, y)`` px; ``own`` is its index, ``-1`` for the town.

        The town's label is always placed: clear of markers if it can be, else clear of
        other labels, else to the right of its marker.
        """
        town = own < 0
        size = _MAP_TOWN_PX if town else _MAP_LABEL_PX
        w = max(text_width(line, size, bold=town) for line in lines)
        h = _block_height(len(lines), size)
        gap = radius + 2.0
        lift = 0.25 * gap
        tries: tuple[tuple[float, float, str], ...] = (
            (x + gap, y - lift - h, "start"),  # right, above the centre line
            (x - gap - w, y - lift - h, "end"),  # left, above
            (x + gap, y + lift, "start"),  # right, below
            (x - gap - w, y + lift, "end"),  # left, below
            (x - w / 2, y - gap - h, "middle"),  # above
            (x - w / 2, y + gap, "middle"),  # below
        )
        passes: tuple[bool | None, ...] = (True, False, None) if town else (True,)
        for markers in passes:
            for left, top, anchor in tries:
                box = (left, top, left + w, top + h)
                if markers is not None and not self._free(box, own, markers=markers):
                    continue
                self.taken.append(box)
                ax = {"start": left, "end": left + w, "middle": left + w / 2}[anchor]
                css = "pp-town-lbl" if town else "pp-lbl"
                weight = ' font-weight="bold"' if town else ""
                self.labels.append(
                    _lines_text(ax, top, lines, size, anchor=anchor, extra=f'class="{css}"{weight}')
                )
                return True
        return False


def map_svg(p: TownPassport, lang: str, t: Mapping[str, str], svg_id: str) -> str:
    """Draw the schematic mini map of the town among its neighbours as SVG.

    Neighbours are circles sized by population and coloured by anchor level; the town
    is a ringed dot. Up to twelve neighbours are labelled, anchors and the most
    populous first, each where its label overlaps neither another label nor a marker
    nor the scale bar and north arrow. A legend explains the colours.

    Parameters
    ----------
    p
        The passport.
    lang
        ``"ru"`` or ``"en"`` (number formats).
    t
        The passport's labels in ``lang``.
    svg_id
        Element id of the ``<svg>``, unique in the page (its title is ``<svg_id>-t``).

    Returns
    -------
    str
        The ``<svg>`` element.
    """
    nb = neighbours_km(p)
    levels_present = sorted(set(nb.levels), key=lambda lv: _LEVEL_RANK[lv])
    legend_items: list[tuple[str, str, str, float]] = [
        (t["map_town"].format(name=_short_label(p.name, 24, 1)), ACCENT, "#000", 5.0)
    ]
    legend_items += [
        (t["map_other"] if lv == "" else t[f"map_{lv}"], _LEVEL_FILL[lv], _LEVEL_EDGE[lv], 4.0)
        for lv in levels_present
    ]
    legend_rows = math.ceil(len(legend_items) / 2)
    width = _MAP_W
    height = _MAP_PAD + _MAP_H + 8 + 18 * legend_rows + 4
    fx0, fy0 = _MAP_PAD, _MAP_PAD
    fx1, fy1 = width - _MAP_PAD, _MAP_PAD + _MAP_H
    pw, ph = fx1 - fx0, fy1 - fy0

    town_pop = finite_float(p.population)
    pops = [v for v in nb.population.tolist() if math.isfinite(v)]
    if town_pop is not None:
        pops.append(town_pop)
    max_pop = max([*pops, 1.0])

    def radius(pop: float | None) -> float:
        area = (
            10.0 if pop is None or not math.isfinite(pop) else 10.0 + 300.0 * max(pop, 0) / max_pop
        )
        return _PX_PER_SQRT_AREA * math.sqrt(area)

    # extent in km: all points, at least 10 km across, padded, at the panel's aspect
    xs = np.concatenate([nb.x, [0.0]])
    ys = np.concatenate([nb.y, [0.0]])
    x_lo, x_hi, y_lo, y_hi = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    span = max(x_hi - x_lo, y_hi - y_lo, _MIN_MAP_SPAN_KM)
    grow_x = max(_MIN_MAP_SPAN_KM - (x_hi - x_lo), 0.0) / 2
    grow_y = max(_MIN_MAP_SPAN_KM - (y_hi - y_lo), 0.0) / 2
    pad = 0.12 * span
    x_lo, x_hi = x_lo - grow_x - pad, x_hi + grow_x + pad
    y_lo, y_hi = y_lo - grow_y - pad * 1.3, y_hi + grow_y + pad
    dx, dy = x_hi - x_lo, y_hi - y_lo
    ratio = pw / ph
    if dx / dy < ratio:
        x_lo, x_hi = x_lo - (dy * ratio - dx) / 2, x_hi + (dy * ratio - dx) / 2
    else:
        y_lo, y_hi = y_lo - (dx / ratio - dy) / 2, y_hi + (dx / ratio - dy) / 2
    px_per_km = pw / (x_hi - x_lo)

    cx = fx0 + (nb.x - x_lo) * px_per_km
    cy = fy0 + (y_hi - nb.y) * px_per_km
    r = np.array([radius(float(v)) for v in nb.population], dtype=float)
    tx, ty = fx0 + (0.0 - x_lo) * px_per_km, fy0 + (y_hi - 0.0) * px_per_km
    r_town = radius(town_pop) if town_pop is not None else 0.0
    r_town = max(r_town, _PX_PER_SQRT_AREA * math.sqrt(60.0))
    r_ring = math.sqrt(r_town**2 * 2.4 + _PX_PER_SQRT_AREA**2 * 70)

    title = t["map_alt"].format(name=p.name)
    out = _svg_open(width, height, title, svg_id, "pp-svg-map")
    out.append(
        f'<rect x="{_n(fx0)}" y="{_n(fy0)}" width="{_n(pw)}" height="{_n(ph)}" fill="#f4f7fa" '
        'stroke="#c3cad1" stroke-width="0.8"/>'
    )
    order = sorted(range(len(nb.names)), key=lambda i: -_LEVEL_RANK[nb.levels[i]])
    for level in ("", "local", "inter_district"):
        idx = [i for i in order if nb.levels[i] == level]
        if not idx:
            continue
        out.append(
            f'<g class="pp-mk" data-level="{level or "other"}" fill="{_LEVEL_FILL[level]}" '
            f'stroke="{_LEVEL_EDGE[level]}" stroke-width="0.6" fill-opacity="0.9">'
        )
        out.extend(
            f'<circle cx="{_n(cx[i])}" cy="{_n(cy[i])}" r="{_n(r[i])}"/>'
            for i in sorted(idx, key=lambda i: -r[i])  # small ones on top
        )
        out.append("</g>")
    out.append(
        f'<circle cx="{_n(tx)}" cy="{_n(ty)}" r="{_n(r_ring)}" fill="none" stroke="{ACCENT}" '
        f'stroke-width="1.8"/>'
        f'<circle class="pp-town" cx="{_n(tx)}" cy="{_n(ty)}" r="{_n(r_town)}" fill="{ACCENT}" '
        'stroke="#000" stroke-width="1"/>'
    )

    # scale bar in the emptiest corner, north arrow in the upper right
    length = _nice_km(x_hi - x_lo)
    bx_km, by_km = _scale_bar_origin(
        xs, ys, np.concatenate([r, [r_ring]]) / px_per_km, (x_lo, x_hi, y_lo, y_hi), length
    )
    bx, by = fx0 + (bx_km - x_lo) * px_per_km, fy0 + (y_hi - by_km) * px_per_km
    bl = length * px_per_km
    scale_label = t["map_km"].format(n=short_number(length, lang))
    sw = text_width(scale_label, 10.5)
    out.append(
        f'<g class="pp-scale" stroke="{INK}"><path d="M{_n(bx)} {_n(by)}h{_n(bl)}" '
        f'stroke-width="2"/><path d="M{_n(bx)} {_n(by - 4)}v8M{_n(bx + bl)} {_n(by - 4)}v8" '
        f'stroke-width="1.2"/></g>'
    )
    out.append(_text(bx + bl / 2, by - 6, scale_label, 10.5, anchor="middle", extra=_HALO))
    nx = fx0 + 0.95 * pw
    ny0, ny1 = fy0 + 0.22 * ph, fy0 + 0.075 * ph
    out.append(
        f'<g class="pp-north" fill="{INK}" stroke="{INK}">'
        f'<path d="M{_n(nx)} {_n(ny0)}V{_n(ny1 + 6)}" stroke-width="1.3"/>'
        f'<path d="M{_n(nx - 4)} {_n(ny1 + 8)}L{_n(nx)} {_n(ny1)}L{_n(nx + 4)} {_n(ny1 + 8)}Z" '
        'stroke="none"/></g>'
    )
    out.append(
        _text(nx, ny1 - 4, t["map_north"], 11.5, anchor="middle", extra='font-weight="bold"')
    )

    taken: list[Box] = [
        (bx + bl / 2 - sw / 2 - 2, by - 6 - 0.93 * 10.5 - 1, bx + bl / 2 + sw / 2 + 2, by + 5),
        (bx - 2, by - 6, bx + bl + 2, by + 5),
        (fx0 + 0.9 * pw, fy0, fx1, fy0 + 0.24 * ph),
        (tx - r_town, ty - r_town, tx + r_town, ty + r_town),
    ]
    placer = _Placer((fx0, fy0, fx1, fy1), taken, cx, cy, r)
    placer.place(_short_label(p.name, 22).split("\n"), tx, ty, r_ring, own=-1)
    ranked = sorted(
        range(len(nb.names)),
        key=lambda i: (
            _LEVEL_RANK[nb.levels[i]],
            -(nb.population[i] if math.isfinite(nb.population[i]) else -1.0),
        ),
    )
    placed = 0
    for i in ranked:
        if placed >= _MAX_MAP_LABELS:
            break
        if not nb.names[i]:
            continue
        if placer.place([nb.names[i]], float(cx[i]), float(cy[i]), float(r[i]), own=i):
            placed += 1
    out.append(f'<g class="pp-labels" fill="#2b3138" {_HALO}>')
    out.extend(placer.labels)
    out.append("</g>")

    # legend: two items a row, centred under the map
    out.append('<g class="pp-legend">')
    for row in range(legend_rows):
        items = legend_items[2 * row : 2 * row + 2]
        widths = [16 + text_width(name, 11) for name, *_ in items]
        total = sum(widths) + 18 * (len(items) - 1)
        x = width / 2 - total / 2
        y = fy1 + 8 + 18 * row + 9
        for (name, fill, edge, rad), w in zip(items, widths, strict=True):
            out.append(
                f'<circle cx="{_n(x + 5)}" cy="{_n(y)}" r="{_n(rad)}" fill="{fill}" '
                f'stroke="{edge}" stroke-width="0.8"/>'
            )
            out.append(_text(x + 16, y + 4, name, 11))
            x += w + 18
    out.append("</g></svg>")
    return "".join(out)


# --------------------------------------------------------------------------- sector bars


def _legend_line(items: Sequence[tuple[str, str]], width: float, y: float, *, line: bool) -> str:
    """Return a one-line legend centred at ``y``: swatches (or line samples) and names."""
    size = 12.0
    widths = [26 + text_width(name, size) for name, _ in items]
    x = width / 2 - (sum(widths) + 24 * (len(items) - 1)) / 2
    out = ['<g class="pp-legend">']
    for i, ((name, colour), w) in enumerate(zip(items, widths, strict=True)):
        if not line:
            out.append(
                f'<rect x="{_n(x)}" y="{_n(y - 5)}" width="20" height="10" fill="{colour}"/>'
            )
        elif i == 0:
            out.append(
                f'<path d="M{_n(x)} {_n(y)}h20" stroke="{colour}" stroke-width="2.2"/>'
                f'<circle cx="{_n(x + 10)}" cy="{_n(y)}" r="3" fill="{colour}"/>'
            )
        else:
            out.append(
                f'<path d="M{_n(x)} {_n(y)}h20" stroke="{colour}" stroke-width="1.6" '
                'stroke-dasharray="5 3"/>'
            )
        out.append(_text(x + 26, y + 4.3, name, size))
        x += w + 24
    out.append("</g>")
    return "".join(out)


def _x_axis(
    ticks: Sequence[float],
    to_x: Mapping[float, float] | None,
    scale: tuple[float, float, float],
    y: float,
    top: float,
    lang: str,
) -> str:
    """Return grid lines from ``top`` to ``y`` and tick labels below ``y``.

    ``scale`` is ``(x0, px_per_unit, lo)``: a value ``v`` lies at ``x0 + (v - lo) * k``.
    """
    x0, k, lo = scale
    grid, labels = [], []
    for v in ticks:
        x = to_x[v] if to_x else x0 + (v - lo) * k
        grid.append(f"M{_n(x)} {_n(top)}V{_n(y)}")
        labels.append(_text(x, y + 15, _axis_number(v, lang), 11, anchor="middle", fill=MUTED))
    return (
        f'<path d="{"".join(grid)}" stroke="{_GRID}" stroke-width="1"/>'
        f'<g class="pp-ticks">{"".join(labels)}</g>'
    )


def sectors_svg(
    p: TownPassport, lang: str, t: Mapping[str, str], svg_id: str
) -> tuple[str, int] | None:
    """Draw the sector shares of the town against the region as SVG bars.

    At most twelve sections are shown (the largest in the town or the region), sorted by
    the town's share; each has a town bar with its share written beside it and a region
    bar, both with a tooltip giving the two shares.

    Parameters
    ----------
    p
        The passport.
    lang
        ``"ru"`` or ``"en"``.
    t
        The passport's labels in ``lang``.
    svg_id
        Element id of the ``<svg>``, unique in the page.

    Returns
    -------
    tuple of (str, int) or None
        The ``<svg>`` element and the number of sections left out; ``None`` without
        sector data.
    """
    rows = sector_rows(p, lang)
    if rows is None:
        return None
    share, region, labels, top_idx, left_out = rows
    frame = p.sector_shares
    n = int(top_idx.size)
    x_max = float(max(np.nanmax(np.fmax(share[top_idx], region[top_idx])), 1.0))
    x_hi = x_max * 1.14

    size = 13.0
    wrapped = [_short_label(labels[i], 46).split("\n") for i in top_idx]
    label_w = min(
        max(text_width(line, size) for lines in wrapped for line in lines), 0.45 * _WIDE_W
    )
    x0 = label_w + 22
    x1 = _WIDE_W - 12
    k = (x1 - x0) / x_hi
    row_h, bar_h, head = 34.0, 12.0, 34.0
    plot_bottom = head + n * row_h
    height = plot_bottom + 48

    title = t["chart_alt_sectors"].format(name=p.name)
    out = _svg_open(_WIDE_W, height, title, svg_id, "pp-svg-sectors")
    out.append(
        _legend_line(
            [(p.name, TOWN_BAR), (t["sectors_region"], REGION_BAR)], _WIDE_W, 14, line=False
        )
    )
    ticks = [v for v in _ticks(0.0, x_hi, 6) if v <= x_hi]
    out.append(_x_axis(ticks, None, (x0, k, 0.0), plot_bottom, head - 6, lang))
    region_name = t["sectors_region"]
    for row, i in enumerate(top_idx):
        yc = head + row * row_h + row_h / 2
        lines = wrapped[row]
        out.append(
            _lines_text(x0 - 8, yc - _block_height(len(lines), size) / 2, lines, size, anchor="end")
        )
        town_v, region_v = float(share[i]), float(region[i])
        tip = f"{labels[i]}: {p.name} {_percent(town_v, lang) if math.isfinite(town_v) else '—'}"
        tip += f"; {region_name} {_percent(region_v, lang) if math.isfinite(region_v) else '—'}"
        out.append(f'<g data-section="{_e(display_text(frame["section"].iloc[i]))}">')
        out.append(f"<title>{_e(tip)}</title>")
        tw = k * (town_v if math.isfinite(town_v) else 0.0)
        rw = k * (region_v if math.isfinite(region_v) else 0.0)
        out.append(
            f'<rect class="pp-bar-town" x="{_n(x0)}" y="{_n(yc - bar_h - 0.5)}" '
            f'width="{tw:.2f}" height="{_n(bar_h)}" fill="{TOWN_BAR}"/>'
            f'<rect class="pp-bar-region" x="{_n(x0)}" y="{_n(yc + 0.5)}" '
            f'width="{rw:.2f}" height="{_n(bar_h)}" fill="{REGION_BAR}"/>'
        )
        if math.isfinite(town_v):
            out.append(
                _text(
                    x0 + tw + 5,
                    yc - bar_h / 2 + 3.6,
                    _percent(town_v, lang),
                    12,
                    extra='class="pp-val"',
                )
            )
        out.append("</g>")
    out.append(
        f'<path d="M{_n(x0)} {_n(head - 6)}V{_n(plot_bottom)}H{_n(x1)}" fill="none" '
        f'stroke="{_AXIS}" stroke-width="1"/>'
    )
    out.append(
        _text((x0 + x1) / 2, plot_bottom + 38, t["sectors_axis"], 12, anchor="middle", fill=INK)
    )
    out.append("</svg>")
    return "".join(out), left_out


# --------------------------------------------------------------------------- trends


def _year_ticks(years: np.ndarray[tuple[int], np.dtype[np.float64]]) -> list[float]:
    """Return the year ticks: every year up to six of them, else about five round ones."""
    if years.size == 0:
        return []
    if 1 < years.size <= 6 or years.size == 1:
        return [float(v) for v in years]
    lo, hi = float(years.min()), float(years.max())
    step = max(1.0, math.ceil(_nice_step(hi - lo, 5)))
    return [v for v in _ticks(lo, hi, max(1, round((hi - lo) / step))) if v == round(v)]


def _polyline(xs: Sequence[float], ys: Sequence[float]) -> str:
    """Return path data through the finite points, broken at missing values."""
    parts: list[str] = []
    pen = False
    for x, y in zip(xs, ys, strict=True):
        if not (math.isfinite(x) and math.isfinite(y)):
            pen = False
            continue
        parts.append(f"{'L' if pen else 'M'}{_n(x)} {_n(y)}")
        pen = True
    return "".join(parts)


def trends_svg(p: TownPassport, lang: str, t: Mapping[str, str], svg_id: str) -> str | None:
    """Draw one small chart per series as SVG: the town against the regional median.

    Parameters
    ----------
    p
        The passport.
    lang
        ``"ru"`` or ``"en"``.
    t
        The passport's labels in ``lang``.
    svg_id
        Element id of the ``<svg>``, unique in the page.

    Returns
    -------
    str or None
        The ``<svg>`` element; ``None`` without trend data.
    """
    frame = p.trends
    if frame.empty:
        return None
    keys = list(dict.fromkeys(str(v) for v in frame["series_ru"].tolist()))
    n = len(keys)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    label_col = "series_ru" if lang == "ru" else "series_en"
    series_key = np.array([str(v) for v in frame["series_ru"].tolist()], dtype=object)
    all_years = pd.to_numeric(frame["year"], errors="coerce").to_numpy(dtype=float)
    all_values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    all_median = pd.to_numeric(frame["region_median"], errors="coerce").to_numpy(dtype=float)
    names = frame[label_col].tolist()
    names_ru = frame["series_ru"].tolist()
    units = frame["unit"].tolist()
    gap, head = 28.0, 30.0
    panel_w = (_WIDE_W - 16 - gap * (ncols - 1)) / ncols
    title_h, plot_h, foot = 38.0, 140.0, 26.0
    panel_h = title_h + plot_h + foot
    height = head + nrows * panel_h + (nrows - 1) * 14 + 4

    out = _svg_open(
        _WIDE_W, height, t["chart_alt_trends"].format(name=p.name), svg_id, "pp-svg-trends"
    )
    out.append(
        _legend_line(
            [(p.name, TOWN_BAR), (t["trends_region"], _MEDIAN_LINE)], _WIDE_W, 14, line=True
        )
    )
    for j, key in enumerate(keys):
        left = 10 + (j % ncols) * (panel_w + gap)
        top = head + (j // ncols) * (panel_h + 14)
        rows = np.flatnonzero(series_key == key)
        dated = rows[np.isfinite(all_years[rows])]
        dated = dated[np.argsort(all_years[dated], kind="stable")]
        first = int(dated[0]) if dated.size else int(rows[0])
        name = display_text(names[first]) or display_text(names_ru[first])
        unit = display_text(units[first])
        heading = _short_label(f"{name}, {unit}" if unit else name, 44).split("\n")
        out.append(f'<g class="pp-trend" data-series="{_e(key)}">')
        out.append(
            _lines_text(
                left,
                top + title_h - 6 - _block_height(len(heading), 12.5),
                heading,
                12.5,
                anchor="start",
                extra='font-weight="bold"',
            )
        )
        years, values, median = all_years[dated], all_values[dated], all_median[dated]
        finite = np.concatenate([values[np.isfinite(values)], median[np.isfinite(median)]])
        if years.size == 0 or finite.size == 0:
            out.append("</g>")
            continue
        lo, hi = float(finite.min()), float(finite.max())
        if hi - lo < 1e-9:
            lo, hi = lo - max(abs(lo) * 0.05, 1.0), hi + max(abs(hi) * 0.05, 1.0)
        margin = 0.08 * (hi - lo)
        v_lo, v_hi = lo - margin, hi + margin
        y_ticks = _ticks(v_lo, v_hi, 5)
        tick_text = [_axis_number(v, lang) for v in y_ticks]
        ylab_w = max(text_width(s, 11) for s in tick_text) + 8
        px0, px1 = left + ylab_w, left + panel_w - 4
        py0, py1 = top + title_h, top + title_h + plot_h
        yr_lo, yr_hi = float(years.min()), float(years.max())
        if yr_hi - yr_lo < 1e-9:
            yr_lo, yr_hi = yr_lo - 1, yr_hi + 1
        else:
            pad = 0.05 * (yr_hi - yr_lo)
            yr_lo, yr_hi = yr_lo - pad, yr_hi + pad

        def sx(
            year: float, px0: float = px0, px1: float = px1, a: float = yr_lo, b: float = yr_hi
        ) -> float:
            return px0 + (year - a) / (b - a) * (px1 - px0)

        def sy(
            v: float, py0: float = py0, py1: float = py1, a: float = v_lo, b: float = v_hi
        ) -> float:
            return py1 - (v - a) / (b - a) * (py1 - py0)

        grid = "".join(f"M{_n(px0)} {_n(sy(v))}H{_n(px1)}" for v in y_ticks)
        out.append(f'<path d="{grid}" stroke="{_GRID}" stroke-width="1"/>')
        out.append(
            f'<path d="M{_n(px0)} {_n(py0)}V{_n(py1)}H{_n(px1)}" fill="none" '
            f'stroke="{_AXIS}" stroke-width="1"/>'
        )
        out.extend(
            _text(px0 - 5, sy(v) + 3.8, s, 11, anchor="end", fill=MUTED)
            for v, s in zip(y_ticks, tick_text, strict=True)
        )
        out.extend(
            _text(sx(v), py1 + 16, str(round(v)), 11, anchor="middle", fill=MUTED)
            for v in _year_ticks(years)
        )
        xs = [sx(v) for v in years]
        if np.isfinite(median).any():
            out.append(
                f'<path class="pp-median" d="{_polyline(xs, [sy(v) for v in median])}" '
                f'fill="none" stroke="{_MEDIAN_LINE}" stroke-width="1.6" stroke-dasharray="5 3"/>'
            )
        out.append(
            f'<path class="pp-town-line" d="{_polyline(xs, [sy(v) for v in values])}" '
            f'fill="none" stroke="{TOWN_BAR}" stroke-width="2.2" stroke-linejoin="round"/>'
        )
        out.append(f'<g fill="{TOWN_BAR}">')
        for x, year, v, m in zip(xs, years, values, median, strict=True):
            if not math.isfinite(v):
                continue
            tip = f"{round(year)}: {_axis_number(v, lang)}"
            if math.isfinite(m):
                tip += f" ({t['trends_region']}: {_axis_number(m, lang)})"
            out.append(
                f'<circle cx="{_n(x)}" cy="{_n(sy(v))}" r="3.2"><title>{_e(tip)}</title></circle>'
            )
        out.append("</g></g>")
    out.append("</svg>")
    return "".join(out)


# --------------------------------------------------------------------------- resilience


def components_svg(p: TownPassport, lang: str, t: Mapping[str, str], svg_id: str) -> str | None:
    """Draw the components of the resilience index as SVG bars on a 0-100 track.

    Parameters
    ----------
    p
        The passport.
    lang
        ``"ru"`` or ``"en"``.
    t
        The passport's labels in ``lang``.
    svg_id
        Element id of the ``<svg>``, unique in the page.

    Returns
    -------
    str or None
        The ``<svg>`` element; ``None`` without components.
    """
    comps = p.resilience_components
    if not comps:
        return None
    size = 12.0
    wrapped = [_short_label(label.text(lang), 44).split("\n") for label, _ in comps]
    label_w = min(
        max(text_width(line, size) for lines in wrapped for line in lines), 0.45 * _COMPONENTS_W
    )
    x0 = label_w + 22
    x1 = _COMPONENTS_W - 44
    k = (x1 - x0) / 100.0
    row_h, bar_h, head = 30.0, 17.0, 6.0
    rows_h = max(row_h, *(_block_height(len(lines), size) + 10 for lines in wrapped))
    bottom = head + len(comps) * rows_h
    height = bottom + 26
    out = _svg_open(_COMPONENTS_W, height, t["chart_alt_resilience"], svg_id, "pp-svg-components")
    out.append(_x_axis([0, 25, 50, 75, 100], None, (x0, k, 0.0), bottom, head, lang))
    for row, ((label, raw), lines) in enumerate(zip(comps, wrapped, strict=True)):
        yc = head + row * rows_h + rows_h / 2
        value = finite_float(raw)
        out.append(
            _lines_text(x0 - 8, yc - _block_height(len(lines), size) / 2, lines, size, anchor="end")
        )
        out.append(
            f'<rect x="{_n(x0)}" y="{_n(yc - bar_h / 2)}" width="{_n(100 * k)}" '
            f'height="{_n(bar_h)}" fill="#e9edf1"/>'
        )
        if value is None:
            out.append(
                _text(
                    x0 + 6,
                    yc + 4,
                    t["resilience_no_data"],
                    11,
                    fill=MUTED,
                    extra='font-style="italic" class="pp-none"',
                )
            )
            continue
        w = k * min(max(value, 0.0), 100.0)
        out.append(
            f'<rect class="pp-bar" x="{_n(x0)}" y="{_n(yc - bar_h / 2)}" width="{w:.2f}" '
            f'height="{_n(bar_h)}" fill="{ACCENT}"><title>{_e(label.text(lang))}: '
            f"{_e(short_number(value, lang))}</title></rect>"
        )
        out.append(_text(x1 + 6, yc + 4, short_number(value, lang), 11.5, extra='class="pp-val"'))
    out.append("</svg>")
    return "".join(out)
