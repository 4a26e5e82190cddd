"""Town passport: one page per settlement, as an HTML fragment, a standalone page or a PDF.

A passport gathers what the other analyses say about one town or urban-type
settlement: where it lies among its neighbours, its profile, its types with the
figures behind them, access to services against the standards, its role as an
anchor, the economy (sector structure and trends against the region), possible
specialisations, the resilience index and the strategy card with its alerts, and the
data caveats (modelled road network, modelled facilities, suppressed figures).

The caller builds a :class:`TownPassport` from the analyses; this module only lays it
out. :func:`render_passport_html` gives an HTML ``<section>`` for the single-file
report (or a whole self-contained document); :func:`write_passport_pdf` writes one or
more passports to a printable A4 PDF. Both are Russian by default and English with
``lang="en"``; fixed text comes from :mod:`opora.report.passport_labels`.

Charts are drawn with matplotlib's object-oriented API on an Agg canvas (no pyplot,
no display, no change to the global ``rcParams``) and embedded as PNG images. The PDF
is made with fpdf2 and uses the DejaVu Sans fonts bundled with matplotlib, so no
system font is needed for Cyrillic text.
"""

from __future__ import annotations

import base64
import io
import math
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import jinja2
import markupsafe
import numpy as np
import pandas as pd

from opora._version import __version__
from opora.report.html import ReportInputError, UnknownLanguageError, format_number
from opora.report.passport_labels import PASSPORT_LABELS, PASSPORT_LANGUAGES

if TYPE_CHECKING:
    from fpdf import FPDF
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CARD_SECTIONS",
    "PASSPORT_CSS",
    "BiText",
    "TownPassport",
    "render_passport_html",
    "write_passport_pdf",
]

#: Sections of the strategy card, in the order they are shown after the alerts.
CARD_SECTIONS: Final[tuple[str, ...]] = ("foundation", "specialisation", "instruments", "targets")
_ALERTS: Final = "alerts"

_NEIGHBOUR_COLUMNS: Final = ("name", "type", "population", "lon", "lat")
_ACCESS_COLUMNS: Final = ("service_ru", "service_en", "minutes", "standard", "within", "modelled")
_SECTOR_COLUMNS: Final = ("section", "label_ru", "label_en", "share", "region_share")
_TREND_COLUMNS: Final = ("series_ru", "series_en", "unit", "year", "value", "region_median")

_KM_PER_DEGREE: Final = 111.32

# colours (shared by the charts, the HTML and the PDF)
_INK: Final = "#1d232b"
_MUTED: Final = "#5b6570"
_ACCENT: Final = "#1f4e79"
_TOWN_BAR: Final = "#e8743b"
_REGION_BAR: Final = "#9aabbd"
_INTER_DISTRICT: Final = "#b2182b"
_LOCAL: Final = "#f4a261"
_OTHER: Final = "#9aa2aa"
_BAD: Final = "#b3261e"
_GOOD: Final = "#2e6b30"
_WARN_BG: Final = "#fff4e0"
_WARN_LINE: Final = "#d9822b"
_WARN_INK: Final = "#7a3e00"
_ALERT_BG: Final = "#fdecea"
_ROLE_BG: Final = "#eaf1f8"


# --------------------------------------------------------------------------- contract


@dataclass(frozen=True)
class BiText:
    """A line of text in both languages.

    Attributes
    ----------
    ru
        Russian text.
    en
        English text.
    """

    ru: str
    en: str

    def text(self, lang: str) -> str:
        """Return the text in ``lang`` (``"ru"`` or ``"en"``).

        Parameters
        ----------
        lang
            Passport language.

        Returns
        -------
        str
            The Russian text for ``"ru"``, the English text otherwise.
        """
        return self.ru if lang == "ru" else self.en


def _check_frame(frame: object, columns: Sequence[str], what: str) -> None:
    """Raise :class:`ReportInputError` unless ``frame`` is a table with ``columns``.

    An empty table (no rows) is accepted whatever its columns: it means "no data".
    """
    if not isinstance(frame, pd.DataFrame):
        msg = f"town passport: `{what}` must be a pandas DataFrame, not {type(frame).__name__}"
        raise ReportInputError(msg)
    if frame.empty:
        return
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = (
            f"town passport: `{what}` lacks column(s) {', '.join(missing)}; "
            f"expected {', '.join(columns)}"
        )
        raise ReportInputError(msg)


@dataclass(frozen=True, eq=False)
class TownPassport:
    """Everything a town passport shows, already computed by the analyses.

    Tables without rows (``pd.DataFrame()``) mean "no data" and give a short note in
    place of the table or chart.

    Attributes
    ----------
    oktmo
        11-digit OKTMO code of the settlement, or its ``settlement_id``.
    name
        Settlement name, such as ``"Бирск"``.
    settlement_type
        Type abbreviation of the register: ``"г"``, ``"пгт"``...
    municipality, municipality_oktmo
        Name and 8-digit OKTMO code of the municipality.
    region
        Name of the region (subject of the Federation).
    population, population_year
        Number of residents and the year of the figure; ``None`` when unknown.
    lon, lat
        Coordinates of the settlement (WGS 84 degrees).
    neighbours
        Nearby settlements for the mini map: ``name``, ``type``, ``population``,
        ``lon``, ``lat`` and optionally ``anchor_level`` (``"inter_district"``,
        ``"local"`` or missing).
    profile
        Profile lines: label and the value already formatted as text.
    types
        Assigned types: type id, label and the reason with its figures.
    accessibility
        One row per service: ``service_ru``, ``service_en``, ``minutes`` (NaN when
        unreachable), ``standard`` (minutes), ``within`` (bool) and ``modelled``
        (bool, the time rests on a modelled network or modelled facilities).
    anchor_role
        The settlement's role as an anchor, in a sentence.
    sector_shares
        ``section``, ``label_ru``, ``label_en``, ``share`` and ``region_share``
        (fractions 0-1).
    trends
        ``series_ru``, ``series_en``, ``unit``, ``year``, ``value`` and
        ``region_median``, one row per series and year.
    candidates
        Specialisation candidates: label, score 0-1 and why.
    resilience
        Resilience index 0-100, its rank and the number of ranked settlements.
    resilience_components
        Components of the index: label and score 0-100 (``None`` when not known).
    card
        Strategy card: lists of lines under ``"foundation"``, ``"specialisation"``,
        ``"instruments"``, ``"targets"`` and ``"alerts"``.
    notes
        Data caveats: modelled network or facilities, suppressed data...
    sources
        Attribution lines.

    Raises
    ------
    opora.report.html.ReportInputError
        If a table lacks a column listed above or a field is of the wrong kind.
    """

    oktmo: str
    name: str
    settlement_type: str
    municipality: str
    municipality_oktmo: str
    region: str
    population: float | None
    population_year: int | None
    lon: float
    lat: float
    neighbours: pd.DataFrame
    profile: list[tuple[BiText, str]]
    types: list[tuple[str, BiText, BiText]]
    accessibility: pd.DataFrame
    anchor_role: BiText
    sector_shares: pd.DataFrame
    trends: pd.DataFrame
    candidates: list[tuple[BiText, float, BiText]]
    resilience: tuple[float, int, int] | None
    resilience_components: list[tuple[BiText, float | None]]
    card: dict[str, list[BiText]] = field(default_factory=dict)
    notes: list[BiText] = field(default_factory=list)
    sources: list[BiText] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Check the tables early, so that a missing column names the field concerned."""
        if not str(self.oktmo).strip():
            msg = f"town passport of {self.name!r}: `oktmo` is empty"
            raise ReportInputError(msg)
        _check_frame(self.neighbours, _NEIGHBOUR_COLUMNS, "neighbours")
        _check_frame(self.accessibility, _ACCESS_COLUMNS, "accessibility")
        _check_frame(self.sector_shares, _SECTOR_COLUMNS, "sector_shares")
        _check_frame(self.trends, _TREND_COLUMNS, "trends")
        if not isinstance(self.card, Mapping):
            msg = f"town passport of {self.name!r}: `card` must be a dict of lists"
            raise ReportInputError(msg)


# --------------------------------------------------------------------------- text helpers


def _check_lang(lang: str) -> Mapping[str, str]:
    """Return the label table of ``lang`` or raise :class:`UnknownLanguageError`."""
    if lang not in PASSPORT_LANGUAGES:
        msg = f"unknown passport language {lang!r}; use one of {', '.join(PASSPORT_LANGUAGES)}"
        raise UnknownLanguageError(msg)
    return PASSPORT_LABELS[lang]


def _float(value: object) -> float | None:
    """Return ``value`` as a finite float, or ``None`` when missing or not a number."""
    if value is None or value is pd.NA or isinstance(value, str):
        return None
    if isinstance(value, bool | int | float | np.integer | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _bool(value: object) -> bool | None:
    """Return ``value`` as a bool, or ``None`` when missing."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "да"}
    return bool(value)


def _str(value: object) -> str:
    """Return ``value`` as stripped text; empty when missing (``None``, ``NA``, ``NaN``)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _num(value: object, fmt: str, lang: str) -> str:
    """Format a number in the style of ``lang``; ``—`` when missing."""
    text = format_number(value, fmt, lang)
    return "—" if text is None else text


def _type_key(settlement_type: str) -> str:
    """Normalise a type abbreviation: ``"П.г.т."`` → ``"пгт"``."""
    text = str(settlement_type or "").strip().lower().replace("ё", "е").replace(".", "")
    return " ".join(text.split())


def _type_text(settlement_type: str, t: Mapping[str, str]) -> str:
    """Return the type of a settlement as shown in ``t``'s language."""
    key = _type_key(settlement_type)
    return t.get(f"stype.{key}", str(settlement_type or "").strip())


def _title(p: TownPassport, t: Mapping[str, str]) -> str:
    """Return the passport title: ``"г. Бирск"`` or ``"Бирск (town)"``."""
    kind = _type_text(p.settlement_type, t)
    if not kind:
        return p.name
    return t["title"].format(type=kind, name=p.name)


def _population_text(p: TownPassport, lang: str, t: Mapping[str, str]) -> str:
    """Return the population with its year, or "no data"."""
    value = _float(p.population)
    if value is None:
        return t["population_missing"]
    n = _num(value, "int", lang)
    if p.population_year is None:
        return t["population_value"].format(n=n)
    return t["population_year"].format(n=n, year=p.population_year)


def _coord_text(p: TownPassport, lang: str, t: Mapping[str, str]) -> str:
    """Return the coordinates as ``"55,42° с. ш., 55,54° в. д."``."""
    lat, lon = _float(p.lat), _float(p.lon)
    if lat is None or lon is None:
        return t["no_data"]
    if lon > 180:
        lon -= 360
    lat_text = t["lat_n" if lat >= 0 else "lat_s"].format(v=_num(abs(lat), "float2", lang))
    lon_text = t["lon_e" if lon >= 0 else "lon_w"].format(v=_num(abs(lon), "float2", lang))
    return f"{lat_text}, {lon_text}"


def _short_number(value: float, lang: str) -> str:
    """Return a number with at most one decimal, without a trailing zero."""
    text = _num(round(value, 1), "float1", lang)
    sep = "," if lang == "ru" else "."
    return text[:-2] if text.endswith(f"{sep}0") else text


# --------------------------------------------------------------------------- accessibility


@dataclass(frozen=True)
class _AccessRow:
    """One service line of the accessibility table, already in words."""

    service: str
    minutes: str
    standard: str
    status: str
    state: str  # "ok", "over" or "unreachable"
    modelled: bool
    data: str


def _access_rows(p: TownPassport, lang: str, t: Mapping[str, str]) -> list[_AccessRow]:
    """Turn the accessibility table into display rows."""
    frame = p.accessibility
    rows: list[_AccessRow] = []
    if frame.empty:
        return rows
    service_col = "service_ru" if lang == "ru" else "service_en"
    for rec in frame.to_dict("records"):
        minutes = _float(rec.get("minutes"))
        standard = _float(rec.get("standard"))
        modelled = bool(_bool(rec.get("modelled")))
        within = _bool(rec.get("within"))
        if minutes is None:
            state, minutes_text, status = "unreachable", "—", t["access_unreachable"]
        else:
            if within is None:
                within = standard is None or minutes <= standard
            state = "ok" if within else "over"
            minutes_text = _num(minutes, "int", lang)
            if state == "over" and standard is not None:
                excess = max(minutes - standard, 0.0)
                if round(minutes) <= round(standard):
                    minutes_text = _num(minutes, "float1", lang)
                excess_text = (
                    _num(excess, "float1", lang) if excess < 1 else _num(excess, "int", lang)
                )
                status = t["access_over"].format(n=excess_text)
            elif state == "over":
                status = t["access_over"].format(n="?")
            else:
                status = t["access_within"]
        standard_text = (
            "—"
            if standard is None
            else t["access_standard_value"].format(n=_short_number(standard, lang))
        )
        rows.append(
            _AccessRow(
                service=_str(rec.get(service_col)) or _str(rec.get("service_ru")),
                minutes=minutes_text,
                standard=standard_text,
                status=status,
                state=state,
                modelled=modelled,
                data=t["access_modelled"] if modelled else t["access_observed"],
            )
        )
    return rows


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True)
class _Chart:
    """A chart drawn as PNG, with its size on paper in inches."""

    png: bytes
    width_in: float
    height_in: float

    def data_uri(self) -> str:
        """Return the PNG as a ``data:`` URI for an ``<img>`` element."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


_RC: Final[dict[str, Any]] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "axes.titlesize": 8.0,
    "axes.labelsize": 7.5,
    "xtick.labelsize": 7.2,
    "ytick.labelsize": 7.2,
    "legend.fontsize": 7.5,
    "axes.edgecolor": "#aab3bc",
    "axes.labelcolor": _INK,
    "xtick.color": _MUTED,
    "ytick.color": _MUTED,
    "text.color": _INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "svg.fonttype": "none",
    "savefig.facecolor": "white",
}


_FIG_DPI_PDF: Final = 200
_FIG_DPI_HTML: Final = 192
_CSS_PX_PER_IN: Final = 96.0
_MM_PER_IN: Final = 25.4

_MAP_SIZE_IN: Final = (3.4, 3.2)
_WIDE_IN: Final = 182.0 / 25.4  # the PDF text width (A4 less two 14 mm margins)
_COMPONENTS_IN: Final = 150.0 / 25.4

_MAX_SECTORS: Final = 12
_MAX_MAP_LABELS: Final = 12
_MIN_MAP_SPAN_KM: Final = 10.0
_LEVEL_RANK: Final[dict[str, int]] = {"inter_district": 0, "local": 1, "": 2}
_LEVEL_COLOUR: Final[dict[str, str]] = {
    "inter_district": _INTER_DISTRICT,
    "local": _LOCAL,
    "": _OTHER,
}
_NICE_KM: Final[tuple[float, ...]] = (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


@contextmanager
def _mpl_style() -> Iterator[None]:
    """Apply the passport chart style for the duration of a ``with`` block only."""
    import matplotlib as mpl

    style: Any = _RC  # the keys are checked by matplotlib itself
    with mpl.rc_context(style):
        yield


def _new_figure(width_in: float, height_in: float, dpi: int, *, constrained: bool) -> Figure:
    """Return a figure on an Agg canvas: no pyplot, no display, no global backend switch."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(
        figsize=(width_in, height_in), dpi=dpi, layout="constrained" if constrained else None
    )
    FigureCanvasAgg(fig)
    return fig


def _to_chart(fig: Figure, dpi: int) -> _Chart:
    """Save ``fig`` as PNG and return it with its size in inches."""
    width_in, height_in = (float(v) for v in fig.get_size_inches())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return _Chart(png=buf.getvalue(), width_in=width_in, height_in=height_in)


def _axis_number(value: float, lang: str) -> str:
    """Format an axis tick: whole numbers grouped, others with up to two decimals."""
    if abs(value - round(value)) < 1e-9:
        return _num(round(value), "int", lang)
    text = _num(value, "float2" if abs(value) < 10 else "float1", lang)
    sep = "," if lang == "ru" else "."
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def _percent(value: float, lang: str) -> str:
    """Format a percentage with one decimal: ``12,3 %`` or ``12.3%``."""
    return _num(value, "pct1", lang)


def _short_label(text: str, width: int, lines: int = 2) -> str:
    """Wrap ``text`` to at most ``lines`` lines of ``width`` characters, with an ellipsis."""
    wrapped = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(wrapped)


# --------------------------------------------------------------------------- mini map


@dataclass(frozen=True)
class _Neighbours:
    """Neighbours in kilometres from the town (east and north), with what the map needs."""

    x: np.ndarray[Any, np.dtype[np.float64]]
    y: np.ndarray[Any, np.dtype[np.float64]]
    population: np.ndarray[Any, np.dtype[np.float64]]
    names: list[str]
    levels: list[str]
    missing: int


def _level(value: object) -> str:
    """Normalise an anchor level to ``"inter_district"``, ``"local"`` or ``""``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip().lower()
    return text if text in {"inter_district", "local"} else ""


def _neighbours_km(p: TownPassport) -> _Neighbours:
    """Project the neighbours to km east and north of the town (equirectangular, cos φ)."""
    empty = np.zeros(0, dtype=float)
    frame = p.neighbours
    lat0, lon0 = _float(p.lat) or 0.0, _float(p.lon) or 0.0
    if frame.empty:
        return _Neighbours(empty, empty, empty, [], [], 0)
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
    pop = pd.to_numeric(frame["population"], errors="coerce").to_numpy(dtype=float)
    names = [_str(v) for v in frame["name"].tolist()]
    levels = (
        [_level(v) for v in frame["anchor_level"].tolist()]
        if "anchor_level" in frame.columns
        else [""] * len(frame)
    )
    kx = max(math.cos(math.radians(lat0)), 0.05)
    dlon = (lon - lon0 + 180.0) % 360.0 - 180.0
    x = dlon * kx * _KM_PER_DEGREE
    y = (lat - lat0) * _KM_PER_DEGREE
    ok = np.isfinite(x) & np.isfinite(y)
    # the town itself, when the caller left it among its neighbours
    same = np.array([n == p.name for n in names], dtype=bool)
    itself = ok & same & (np.hypot(np.nan_to_num(x), np.nan_to_num(y)) < 2.0)
    keep = ok & ~itself
    return _Neighbours(
        x=x[keep],
        y=y[keep],
        population=pop[keep],
        names=[n for n, k in zip(names, keep, strict=True) if k],
        levels=[lv for lv, k in zip(levels, keep, strict=True) if k],
        missing=int((~ok).sum()),
    )


def _nice_km(span_km: float) -> float:
    """Return a round scale-bar length close to a fifth of ``span_km``."""
    target = max(span_km / 5.0, 0.5)
    best = _NICE_KM[0]
    for value in _NICE_KM:
        if value <= target:
            best = value
    return float(best)


def _scale_bar_origin(
    x: np.ndarray[Any, np.dtype[np.float64]],
    y: np.ndarray[Any, np.dtype[np.float64]],
    radii: np.ndarray[Any, np.dtype[np.float64]],
    limits: tuple[float, float, float, float],
    length: float,
) -> tuple[float, float]:
    """Return where the scale bar starts, in the emptiest corner.

    The corners tried are the lower left, the lower right and the upper left (the north
    arrow holds the upper right); the first without any settlement marker under the bar
    and its label wins, else the one with the fewest.
    """
    x_lo, x_hi, y_lo, y_hi = limits
    dx, dy = x_hi - x_lo, y_hi - y_lo
    corners = (
        (x_lo + 0.05 * dx, y_lo + 0.05 * dy),
        (x_hi - 0.05 * dx - length, y_lo + 0.05 * dy),
        (x_lo + 0.05 * dx, y_hi - 0.11 * dy),
    )
    best, best_hits = corners[0], math.inf
    for bx, by in corners:
        left, right = bx - 0.03 * dx, bx + length + 0.03 * dx
        bottom, top = by - 0.03 * dy, by + 0.1 * dy
        hits = int(
            (
                (x + radii >= left)
                & (x - radii <= right)
                & (y + radii >= bottom)
                & (y - radii <= top)
            ).sum()
        )
        if hits < best_hits:
            best, best_hits = (bx, by), hits
        if hits == 0:
            break
    return best


class _LabelPlacer:
    """Greedy placement of map labels that overlap neither each other nor the markers.

    Parameters
    ----------
    ax
        The map axes (its limits already set).
    renderer
        The renderer used to measure the labels.
    taken
        Display boxes already taken (scale bar, north arrow, the town's marker).
    centres, radii
        Display centres and radii (pixels) of the neighbours' markers.
    halo
        Path effects drawn under the labels' text.
    """

    def __init__(
        self,
        ax: Axes,
        renderer: Any,
        taken: list[Any],
        centres: np.ndarray[Any, np.dtype[np.float64]],
        radii: np.ndarray[Any, np.dtype[np.float64]],
        halo: list[Any],
    ) -> None:
        self.ax = ax
        self.renderer = renderer
        self.taken = taken
        self.x0 = centres[:, 0] - radii
        self.x1 = centres[:, 0] + radii
        self.y0 = centres[:, 1] - radii
        self.y1 = centres[:, 1] + radii
        self.halo = halo
        self.frame = ax.get_window_extent(renderer)

    def _free(self, box: Any, own: int, *, markers: bool) -> bool:
        """Tell whether ``box`` lies inside the map and clear of other labels (and markers)."""
        f = self.frame
        if box.x0 < f.x0 + 1 or box.x1 > f.x1 - 1 or box.y0 < f.y0 + 1 or box.y1 > f.y1 - 1:
            return False
        if any(box.overlaps(other) for other in self.taken):
            return False
        if not markers or self.x0.size == 0:
            return True
        hits = (box.x0 < self.x1) & (box.x1 > self.x0) & (box.y0 < self.y1) & (box.y1 > self.y0)
        if own >= 0:
            hits[own] = False
        return not bool(hits.any())

    def place(self, name: str, x: float, y: float, radius_pt: float, *, own: int) -> bool:
        """Label the marker at ``(x, y)`` (km); ``own`` is its index, ``-1`` for the town.

        The town's label is always placed: clear of markers if it can be, else clear of
        other labels, else to the right of its marker.
        """
        town = own < 0
        gap = radius_pt + 1.5
        tries = (
            ((gap, gap * 0.25), "left", "bottom"),
            ((-gap, gap * 0.25), "right", "bottom"),
            ((gap, -gap * 0.25), "left", "top"),
            ((-gap, -gap * 0.25), "right", "top"),
            ((0.0, gap), "center", "bottom"),
            ((0.0, -gap), "center", "top"),
        )
        passes = (True, False, None) if town else (True,)
        for markers in passes:
            for offset, ha, va in tries:
                text = self.ax.annotate(
                    name,
                    (x, y),
                    xytext=offset,
                    textcoords="offset points",
                    ha=ha,
                    va=va,
                    fontsize=8.2 if town else 6.6,
                    fontweight="bold" if town else "normal",
                    color=_INK if town else "#2b3138",
                    zorder=10,
                    path_effects=self.halo,
                    annotation_clip=False,
                )
                box = text.get_window_extent(self.renderer)
                if markers is None or self._free(box, own, markers=markers):
                    self.taken.append(box.expanded(1.04, 1.1))
                    return True
                text.remove()
        return False


def _map_chart(p: TownPassport, lang: str, t: Mapping[str, str], dpi: int) -> _Chart:
    """Draw the schematic mini map of the town among its neighbours."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    nb = _neighbours_km(p)
    width_in, height_in = _MAP_SIZE_IN
    levels_present = sorted(set(nb.levels), key=lambda lv: _LEVEL_RANK[lv])
    legend_in = 0.2 + 0.16 * math.ceil((1 + len(levels_present)) / 2)
    frac = legend_in / height_in

    town_pop = _float(p.population)
    pops = [v for v in nb.population.tolist() if math.isfinite(v)]
    if town_pop is not None:
        pops.append(town_pop)
    max_pop = max(pops) if pops else 1.0
    max_pop = max(max_pop, 1.0)

    def area(pop: float | None) -> float:
        if pop is None or not math.isfinite(pop):
            return 10.0
        return 10.0 + 300.0 * max(pop, 0.0) / max_pop

    xs = np.concatenate([nb.x, [0.0]])
    ys = np.concatenate([nb.y, [0.0]])
    x_lo, x_hi = float(xs.min()), float(xs.max())
    y_lo, y_hi = float(ys.min()), float(ys.max())
    span = max(x_hi - x_lo, y_hi - y_lo, _MIN_MAP_SPAN_KM)
    grow_x = max(_MIN_MAP_SPAN_KM - (x_hi - x_lo), 0.0) / 2
    grow_y = max(_MIN_MAP_SPAN_KM - (y_hi - y_lo), 0.0) / 2
    x_lo, x_hi, y_lo, y_hi = x_lo - grow_x, x_hi + grow_x, y_lo - grow_y, y_hi + grow_y
    pad = 0.12 * span
    x_lo, x_hi, y_lo, y_hi = x_lo - pad, x_hi + pad, y_lo - pad * 1.3, y_hi + pad
    ax_box = (0.01, frac, 0.98, 0.99 - frac)
    ratio = (ax_box[2] * width_in) / (ax_box[3] * height_in)
    dx, dy = x_hi - x_lo, y_hi - y_lo
    if dx / dy < ratio:
        grow = dy * ratio - dx
        x_lo, x_hi = x_lo - grow / 2, x_hi + grow / 2
    else:
        grow = dx / ratio - dy
        y_lo, y_hi = y_lo - grow / 2, y_hi + grow / 2

    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    with _mpl_style():
        fig = _new_figure(width_in, height_in, dpi, constrained=False)
        ax: Axes = fig.add_axes(ax_box)
        ax.set_xlim(x_lo, x_hi)
        ax.set_ylim(y_lo, y_hi)
        ax.set_facecolor("#f4f7fa")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color("#c3cad1")
            spine.set_linewidth(0.6)

        order = sorted(range(len(nb.names)), key=lambda i: -_LEVEL_RANK[nb.levels[i]])
        for level in ("", "local", "inter_district"):
            idx = [i for i in order if nb.levels[i] == level]
            if not idx:
                continue
            ax.scatter(
                nb.x[idx],
                nb.y[idx],
                s=[area(float(nb.population[i])) for i in idx],
                c=_LEVEL_COLOUR[level],
                edgecolors="white" if level == "" else "#3b0a0a",
                linewidths=0.5,
                alpha=0.9,
                zorder=2 + _LEVEL_RANK["inter_district"] - _LEVEL_RANK[level] + 2,
            )
        town_area = max(area(town_pop), 60.0)  # the town stays visible without population
        ax.scatter(
            [0.0],
            [0.0],
            s=town_area * 2.4 + 70,
            facecolors="none",
            edgecolors=_ACCENT,
            linewidths=1.4,
            zorder=7,
        )
        ax.scatter(
            [0.0], [0.0], s=town_area, c=_ACCENT, edgecolors="black", linewidths=0.8, zorder=8
        )

        # scale bar (in the emptiest lower or upper-left corner) and north arrow (upper right)
        length = _nice_km(x_hi - x_lo)
        km_per_pt = (x_hi - x_lo) / (ax_box[2] * width_in * 72.0)
        radii = np.array(
            [math.sqrt(area(float(v))) / 2 * km_per_pt for v in nb.population]
            + [math.sqrt(town_area * 2.4 + 70) / 2 * km_per_pt]
        )
        bx, by = _scale_bar_origin(
            np.concatenate([nb.x, [0.0]]),
            np.concatenate([nb.y, [0.0]]),
            radii,
            (x_lo, x_hi, y_lo, y_hi),
            length,
        )
        tick = 0.012 * (y_hi - y_lo)
        ax.plot([bx, bx + length], [by, by], color=_INK, lw=1.6, solid_capstyle="butt", zorder=9)
        for xe in (bx, bx + length):
            ax.plot([xe, xe], [by - tick, by + tick], color=_INK, lw=1.0, zorder=9)
        scale_text = ax.text(
            bx + length / 2,
            by + 2 * tick,
            t["map_km"].format(n=_short_number(length, lang)),
            ha="center",
            va="bottom",
            fontsize=6.8,
            color=_INK,
            zorder=9,
            path_effects=halo,
        )
        ax.annotate(
            "",
            xy=(0.95, 0.93),
            xytext=(0.95, 0.80),
            xycoords="axes fraction",
            arrowprops={"arrowstyle": "-|>", "color": _INK, "lw": 1.0},
        )
        ax.text(
            0.95,
            0.94,
            t["map_north"],
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=7,
            fontweight="bold",
            color=_INK,
        )

        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        ax_bbox = ax.get_window_extent(renderer)
        taken: list[Bbox] = [
            scale_text.get_window_extent(renderer).expanded(1.1, 1.1),
            Bbox.from_extents(
                ax_bbox.x0 + 0.9 * ax_bbox.width,
                ax_bbox.y0 + 0.78 * ax_bbox.height,
                ax_bbox.x1,
                ax_bbox.y1,
            ),
        ]
        px_per_pt = dpi / 72.0
        cx, cy = ax.transData.transform((0.0, 0.0))
        r_town = math.sqrt(town_area) / 2 * px_per_pt
        taken.append(Bbox.from_extents(cx - r_town, cy - r_town, cx + r_town, cy + r_town))
        centres = (
            ax.transData.transform(np.column_stack([nb.x, nb.y]))
            if len(nb.names)
            else np.zeros((0, 2))
        )
        marker_px = np.array(
            [math.sqrt(area(float(v))) / 2 * px_per_pt for v in nb.population], dtype=float
        )
        placer = _LabelPlacer(ax, renderer, taken, centres, marker_px, halo)
        placer.place(
            _short_label(p.name, 22), 0.0, 0.0, math.sqrt(town_area * 2.4 + 70) / 2, own=-1
        )
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
            radius = math.sqrt(area(float(nb.population[i]))) / 2
            if placer.place(nb.names[i], float(nb.x[i]), float(nb.y[i]), radius, own=i):
                placed += 1

        handles = [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=7.5,
                markerfacecolor=_ACCENT,
                markeredgecolor="black",
                markeredgewidth=0.8,
            ),
        ]
        names = [t["map_town"].format(name=_short_label(p.name, 24, 1))]
        for level in levels_present:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markersize=6,
                    markerfacecolor=_LEVEL_COLOUR[level],
                    markeredgecolor="white" if level == "" else "#3b0a0a",
                    markeredgewidth=0.5,
                )
            )
            names.append(t["map_other"] if level == "" else t[f"map_{level}"])
        fig.legend(
            handles,
            names,
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=2,
            frameon=False,
            fontsize=6.8,
            handletextpad=0.3,
            columnspacing=1.0,
            borderaxespad=0.2,
        )
        return _to_chart(fig, dpi)


# --------------------------------------------------------------------------- economy charts


def _sectors_chart(
    p: TownPassport, lang: str, t: Mapping[str, str], dpi: int
) -> tuple[_Chart, int] | None:
    """Draw the sector shares of the town against the region; also return the rows left out."""
    from matplotlib.ticker import FuncFormatter

    frame = p.sector_shares
    if frame.empty:
        return None
    share = pd.to_numeric(frame["share"], errors="coerce").to_numpy(dtype=float) * 100.0
    region = pd.to_numeric(frame["region_share"], errors="coerce").to_numpy(dtype=float) * 100.0
    label_col = "label_ru" if lang == "ru" else "label_en"
    labels = [
        f"{_str(s)} · {_str(lbl)}" if _str(s) else _str(lbl)
        for s, lbl in zip(frame["section"].tolist(), frame[label_col].tolist(), strict=True)
    ]
    key = np.fmax(np.nan_to_num(share, nan=-1.0), np.nan_to_num(region, nan=-1.0))
    usable = np.flatnonzero(key > 0)
    if usable.size == 0:
        return None
    top = usable[np.argsort(-key[usable], kind="stable")][:_MAX_SECTORS]
    left_out = int(usable.size - top.size)
    top = top[np.argsort(-np.nan_to_num(share[top], nan=-1.0), kind="stable")]
    n = int(top.size)
    pos = np.arange(n, dtype=float)
    town_vals = np.nan_to_num(share[top], nan=0.0)
    region_vals = np.nan_to_num(region[top], nan=0.0)
    x_max = float(max(town_vals.max(), region_vals.max(), 1.0))

    with _mpl_style():
        fig = _new_figure(_WIDE_IN, 0.62 + 0.3 * n, dpi, constrained=True)
        ax = fig.add_subplot()
        ax.barh(pos - 0.19, town_vals, height=0.38, color=_TOWN_BAR, label=p.name)
        ax.barh(pos + 0.19, region_vals, height=0.38, color=_REGION_BAR, label=t["sectors_region"])
        for y, v, raw in zip(pos, town_vals, share[top], strict=True):
            if math.isfinite(raw):
                ax.text(
                    v + x_max * 0.01,
                    y - 0.19,
                    _percent(raw, lang),
                    va="center",
                    fontsize=7,
                    color=_INK,
                )
        ax.set_yticks(pos, [_short_label(labels[i], 46) for i in top])
        ax.tick_params(axis="y", length=0, labelsize=7.5, labelcolor=_INK)
        ax.invert_yaxis()
        ax.set_xlim(0, x_max * 1.14)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis_number(v, lang)))
        ax.set_xlabel(t["sectors_axis"])
        ax.grid(axis="x", color="#e1e5e9", linewidth=0.6)
        fig.legend(loc="outside upper center", ncol=2, frameon=False)
        return _to_chart(fig, dpi), left_out


def _trends_chart(p: TownPassport, lang: str, t: Mapping[str, str], dpi: int) -> _Chart | None:
    """Draw one small chart per series: the town against the regional median."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    frame = p.trends
    if frame.empty:
        return None
    keys = list(dict.fromkeys(str(v) for v in frame["series_ru"].tolist()))
    n = len(keys)
    ncols = min(3, n)
    nrows = math.ceil(n / ncols)
    label_col = "series_ru" if lang == "ru" else "series_en"
    series_key = frame["series_ru"].astype(str)
    year_fmt = FuncFormatter(lambda v, _pos: str(round(v)))
    value_fmt = FuncFormatter(lambda v, _pos: _axis_number(v, lang))

    with _mpl_style():
        fig = _new_figure(_WIDE_IN, 0.42 + 1.8 * nrows, dpi, constrained=True)
        axes = fig.subplots(nrows, ncols, squeeze=False)
        for i, key in enumerate(keys):
            ax = axes[i // ncols][i % ncols]
            sub = frame[series_key == key].copy()
            sub["_year"] = pd.to_numeric(sub["year"], errors="coerce")
            sub = sub.dropna(subset=["_year"]).sort_values("_year")
            years = sub["_year"].to_numpy(dtype=float)
            values = pd.to_numeric(sub["value"], errors="coerce").to_numpy(dtype=float)
            median = pd.to_numeric(sub["region_median"], errors="coerce").to_numpy(dtype=float)
            if np.isfinite(median).any():
                ax.plot(years, median, color="#6f7d8c", linestyle="--", linewidth=1.3)
            ax.plot(years, values, color=_TOWN_BAR, marker="o", markersize=3, linewidth=1.8)
            first = sub.iloc[0] if len(sub) else frame[series_key == key].iloc[0]
            title = _str(first[label_col]) or _str(first["series_ru"])
            unit = _str(first["unit"])
            ax.set_title(
                _short_label(f"{title}, {unit}" if unit else title, 36),
                loc="left",
                fontsize=8,
                color=_INK,
            )
            if 1 < years.size <= 6:
                ax.set_xticks(years)
            else:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
            ax.xaxis.set_major_formatter(year_fmt)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
            ax.yaxis.set_major_formatter(value_fmt)
            ax.grid(axis="y", color="#e1e5e9", linewidth=0.6)
            if years.size == 1:
                ax.set_xlim(years[0] - 1, years[0] + 1)
        for j in range(n, nrows * ncols):
            axes[j // ncols][j % ncols].set_visible(False)
        handles = [
            Line2D([], [], color=_TOWN_BAR, marker="o", markersize=3, linewidth=1.8),
            Line2D([], [], color="#6f7d8c", linestyle="--", linewidth=1.3),
        ]
        fig.legend(
            handles, [p.name, t["trends_region"]], loc="outside upper center", ncol=2, frameon=False
        )
        return _to_chart(fig, dpi)


def _components_chart(p: TownPassport, lang: str, t: Mapping[str, str], dpi: int) -> _Chart | None:
    """Draw the components of the resilience index as bars on a 0-100 track."""
    from matplotlib.ticker import FuncFormatter

    comps = p.resilience_components
    if not comps:
        return None
    n = len(comps)
    pos = np.arange(n, dtype=float)
    values = [_float(v) for _, v in comps]
    with _mpl_style():
        fig = _new_figure(_COMPONENTS_IN, 0.45 + 0.27 * n, dpi, constrained=True)
        ax = fig.add_subplot()
        ax.barh(pos, [100.0] * n, height=0.62, color="#e9edf1")
        ax.barh(
            pos,
            [min(max(v, 0.0), 100.0) if v is not None else 0.0 for v in values],
            height=0.62,
            color=_ACCENT,
        )
        for y, v in zip(pos, values, strict=True):
            if v is None:
                ax.text(
                    2.0,
                    y,
                    t["resilience_no_data"],
                    va="center",
                    fontsize=7.2,
                    color=_MUTED,
                    style="italic",
                )
            else:
                ax.text(101.5, y, _short_number(v, lang), va="center", fontsize=7.2, color=_INK)
        ax.set_yticks(pos, [_short_label(label.text(lang), 44) for label, _ in comps])
        ax.tick_params(axis="y", length=0, labelsize=7.5, labelcolor=_INK)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis_number(v, lang)))
        ax.spines["left"].set_visible(False)
        return _to_chart(fig, dpi)


# --------------------------------------------------------------------------- HTML


PASSPORT_CSS: Final[str] = """
.passport { --pp-ink: #1d232b; --pp-muted: #5b6570; --pp-line: #d5dae0; --pp-soft: #f4f6f8;
  --pp-accent: #1f4e79; --pp-warn-bg: #fff4e0; --pp-warn-line: #d9822b; --pp-warn-ink: #7a3e00;
  --pp-bad: #b3261e; --pp-bad-bg: #fdecea; --pp-good: #2e6b30; --pp-role: #eaf1f8;
  color: var(--pp-ink); max-width: 1000px; margin: 0 auto 48px;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PT Sans", "Helvetica Neue",
    Arial, sans-serif; }
.passport * { box-sizing: border-box; }
.passport .pp-head {
  border-bottom: 3px solid var(--pp-accent);
  padding-bottom: 10px;
  margin-bottom: 14px;
}
.passport .pp-kicker { margin: 0; font-size: 12px; font-weight: 600; letter-spacing: .06em;
  text-transform: uppercase; color: var(--pp-accent); }
.passport .pp-title { font-size: 28px; line-height: 1.2; margin: 2px 0 4px; }
.passport .pp-sub { margin: 0 0 6px; font-size: 16px; }
.passport .pp-meta {
  display: flex;
  flex-wrap: wrap;
  gap: 4px 22px;
  margin: 0;
  font-size: 13px;
  color: var(--pp-muted);
}
.passport .pp-meta div { display: flex; gap: 6px; }
.passport .pp-meta dt { font-weight: 600; }
.passport .pp-meta dd { margin: 0; font-variant-numeric: tabular-nums; }
.passport .pp-h { font-size: 19px; color: var(--pp-accent); margin: 26px 0 8px; padding-bottom: 3px;
  border-bottom: 1px solid var(--pp-line); break-after: avoid; }
.passport .pp-h4 { font-size: 15px; margin: 14px 0 6px; break-after: avoid; }
.passport .pp-box { border-radius: 6px; padding: 8px 14px; margin: 10px 0; border-left: 5px solid; }
.passport .pp-box p { margin: 0; }
.passport .pp-box ul { margin: 4px 0 0; padding-left: 20px; }
.passport .pp-box strong.pp-box-title { display: block; margin-bottom: 2px; }
.passport .pp-flag, .passport .pp-notes {
  background: var(--pp-warn-bg);
  border-color: var(--pp-warn-line);
  color: var(--pp-warn-ink);
}
.passport .pp-role { background: var(--pp-role); border-color: var(--pp-accent); }
.passport .pp-alerts { background: var(--pp-bad-bg); border-color: var(--pp-bad); color: #5c1410; }
.passport .pp-alerts li::marker { content: "⚠  "; color: var(--pp-bad); }
.passport .pp-top {
  display: grid;
  grid-template-columns: minmax(0, 400px) minmax(0, 1fr);
  gap: 22px;
  align-items: start;
}
.passport figure, .passport .pp-keep { margin: 0; break-inside: avoid; }
.passport figure.pp-wide img, .passport figure.pp-map img { width: 100%; }
.passport figure img {
  display: block;
  max-width: 100%;
  height: auto;
  border: 1px solid var(--pp-line);
  border-radius: 4px;
}
.passport figcaption, .passport .pp-small {
  font-size: 12px;
  color: var(--pp-muted);
  margin: 4px 2px 0;
}
.passport table.pp-tbl { border-collapse: collapse; width: 100%; font-size: 13.5px; }
.passport table.pp-tbl th, .passport table.pp-tbl td {
  padding: 4px 8px;
  border-bottom: 1px solid #e6e9ec;
  text-align: left;
  vertical-align: top;
}
.passport table.pp-tbl thead th {
  background: var(--pp-soft);
  border-bottom: 2px solid var(--pp-line);
  font-weight: 600;
  vertical-align: bottom;
}
.passport table.pp-tbl tbody tr:nth-child(even) { background: #fafbfc; }
.passport table.pp-tbl tr { break-inside: avoid; }
.passport table.pp-tbl .num {
  text-align: right;
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
}
.passport table.pp-profile th { font-weight: 400; color: var(--pp-muted); width: 55%; }
.passport table.pp-profile td { font-variant-numeric: tabular-nums; font-weight: 600; }
.passport tr.pp-over td.pp-min, .passport tr.pp-unreachable td.pp-min {
  color: var(--pp-bad);
  font-weight: 700;
}
.passport td.pp-status.pp-over, .passport td.pp-status.pp-unreachable {
  color: var(--pp-bad);
  font-weight: 600;
}
.passport td.pp-status.pp-ok { color: var(--pp-good); }
.passport .pp-badge { display: inline-block;
font-size: 12px;
border-radius: 10px;
padding: 0 8px;
white-space: nowrap;
  border: 1px solid #c8ced4; color: #39424c; background: #fff; }
.passport .pp-badge.pp-modelled {
  background: var(--pp-warn-line);
  border-color: var(--pp-warn-line);
  color: #fff;
  font-weight: 600;
}
.passport ul.pp-types { list-style: none; padding: 0; margin: 0; }
.passport ul.pp-types li {
  margin: 0 0 8px;
  padding-left: 12px;
  border-left: 3px solid var(--pp-accent);
}
.passport ul.pp-types strong { display: block; }
.passport .pp-score { font-size: 16px; margin: 4px 0 8px; }
.passport .pp-score strong { font-size: 22px; color: var(--pp-accent); }
.passport .pp-card {
  display: grid;
  grid-template-columns: repeat(2, minmax(0, 1fr));
  gap: 4px 24px;
}
.passport .pp-card section { break-inside: avoid; }
.passport .pp-card ul { margin: 0; padding-left: 20px; }
.passport .pp-sources {
  margin-top: 22px;
  border-top: 1px solid var(--pp-line);
  padding-top: 8px;
  font-size: 12px;
  color: var(--pp-muted);
}
.passport .pp-sources ul { margin: 2px 0 6px; padding-left: 18px; }
.passport .pp-empty { color: var(--pp-muted); font-style: italic; margin: 4px 0; }
@media (max-width: 760px) {
  .passport .pp-top, .passport .pp-card { grid-template-columns: minmax(0, 1fr); }
}
@media print {
  .passport {
    break-before: page;
    page-break-before: always;
    max-width: none;
    margin: 0;
    font-size: 10.5pt;
  }
  .passport .pp-box, .passport .pp-card section, .passport ul.pp-types li { break-inside: avoid; }
  .passport .pp-h { margin-top: 14pt; }
  .passport .pp-top { grid-template-columns: minmax(0, 45%) minmax(0, 1fr); gap: 6mm; }
  .passport .pp-card { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .passport figure img { border: none; }
  .passport * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_STANDALONE_CSS: Final[str] = """
@page { size: A4 portrait; margin: 12mm; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; padding: 24px 28px; background: #fff; }
@media print { body { padding: 0; } }
"""

_TEMPLATE: Final[str] = """\
{% macro img(chart, alt) -%}
<img src="{{ chart.uri }}" width="{{ chart.w }}" height="{{ chart.h }}" alt="{{ alt }}">
{%- endmacro %}
{% macro empty(text) %}<p class="pp-empty">{{ text }}</p>{% endmacro %}
<section class="passport" id="{{ anchor }}" lang="{{ lang }}" data-oktmo="{{ oktmo }}">
{% if include_css %}
<style>{{ css }}</style>
{% endif %}
<header class="pp-head">
<p class="pp-kicker">{{ t.kicker }}</p>
<{{ h1 }} class="pp-title">{{ title }}</{{ h1 }}>
<p class="pp-sub">{{ subtitle }}</p>
<dl class="pp-meta">
{% for key, value in meta %}
<div><dt>{{ key }}</dt><dd>{{ value }}</dd></div>
{% endfor %}
</dl>
</header>
{% if notes %}
<div class="pp-box pp-flag" role="note"><p>⚠ {{ t.modelled_flag }}</p></div>
{% endif %}
<div class="pp-top">
<div>
<{{ h2 }} class="pp-h">{{ t.map_heading }}</{{ h2 }}>
<figure class="pp-map">
{{ img(map, map_alt) }}
<figcaption>{{ map_caption }}{% if map_missing %} {{ map_missing }}{% endif %}</figcaption>
</figure>
</div>
<div>
<{{ h2 }} class="pp-h">{{ t.profile_heading }}</{{ h2 }}>
{% if profile %}
<table class="pp-tbl pp-profile">
<tbody>
{% for key, value in profile %}
<tr><th scope="row">{{ key }}</th><td>{{ value }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}{{ empty(t.profile_empty) }}{% endif %}
</div>
</div>
<{{ h2 }} class="pp-h">{{ t.types_heading }}</{{ h2 }}>
{% if types %}
<ul class="pp-types">
{% for tid, tlabel, reason in types %}
<li data-type="{{ tid }}"><strong>{{ tlabel }}</strong>{{ reason }}</li>
{% endfor %}
</ul>
{% else %}{{ empty(t.types_empty) }}{% endif %}
<{{ h2 }} class="pp-h">{{ t.access_heading }}</{{ h2 }}>
{% if access %}
<table class="pp-tbl pp-access">
<thead><tr><th>{{ t.access_service }}</th><th class="num">{{ t.access_minutes }}</th>\
<th class="num">{{ t.access_standard }}</th><th>{{ t.access_status }}</th>\
<th>{{ t.access_data }}</th></tr></thead>
<tbody>
{% for r in access %}
<tr class="pp-{{ r.state }}"><td>{{ r.service }}</td><td class="num pp-min">{{ r.minutes }}</td>\
<td class="num">{{ r.standard }}</td>\
<td class="pp-status pp-{{ r.state }}">{{ marks[r.state] }}{{ r.status }}</td>\
<td>{% if r.modelled %}<span class="pp-badge pp-modelled">{{ r.data }}</span>\
{% else %}{{ r.data }}{% endif %}</td></tr>
{% endfor %}
</tbody>
</table>
<p class="pp-small">{{ t.access_modelled_note }}</p>
{% else %}{{ empty(t.access_empty) }}{% endif %}
<{{ h2 }} class="pp-h">{{ t.anchor_heading }}</{{ h2 }}>
{% if anchor_role %}
<div class="pp-box pp-role"><p>{{ anchor_role }}</p></div>
{% else %}{{ empty(t.anchor_empty) }}{% endif %}
<{{ h2 }} class="pp-h">{{ t.economy_heading }}</{{ h2 }}>
<{{ h3 }} class="pp-h4">{{ t.sectors_heading }}</{{ h3 }}>
{% if sectors %}
<figure class="pp-wide">{{ img(sectors, sectors_alt) }}
{% if sectors_more %}<figcaption>{{ sectors_more }}</figcaption>{% endif %}
</figure>
{% else %}{{ empty(t.sectors_empty) }}{% endif %}
<{{ h3 }} class="pp-h4">{{ t.trends_heading }}</{{ h3 }}>
{% if trends %}
<figure class="pp-wide">{{ img(trends, trends_alt) }}</figure>
{% else %}{{ empty(t.trends_empty) }}{% endif %}
<{{ h2 }} class="pp-h">{{ t.candidates_heading }}</{{ h2 }}>
{% if candidates %}
<table class="pp-tbl pp-candidates">
<thead><tr><th>{{ t.candidates_label }}</th><th class="num">{{ t.candidates_score }}</th>\
<th>{{ t.candidates_why }}</th></tr></thead>
<tbody>
{% for clabel, score, why in candidates %}
<tr><td>{{ clabel }}</td><td class="num">{{ score }}</td><td>{{ why }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}{{ empty(t.candidates_empty) }}{% endif %}
<{{ h2 }} class="pp-h">{{ t.resilience_heading }}</{{ h2 }}>
<div class="pp-keep">
{% if resilience %}
<p class="pp-score"><strong>{{ resilience.score }}</strong> {{ resilience.rest }}</p>
{% else %}{{ empty(t.resilience_missing) }}{% endif %}
{% if components %}
<figure>{{ img(components, components_alt) }}</figure>
{% endif %}
</div>
<{{ h2 }} class="pp-h">{{ t.card_heading }}</{{ h2 }}>
{% if alerts %}
<div class="pp-box pp-alerts" role="note">
<strong class="pp-box-title">⚠ {{ t.card_alerts }}</strong>
<ul>
{% for line in alerts %}<li>{{ line }}</li>
{% endfor %}
</ul></div>
{% endif %}
{% if card %}
<div class="pp-card">
{% for heading, lines in card %}
<section><{{ h3 }} class="pp-h4">{{ heading }}</{{ h3 }}>
<ul>
{% for line in lines %}<li>{{ line }}</li>
{% endfor %}
</ul></section>
{% endfor %}
</div>
{% elif not alerts %}{{ empty(t.card_empty) }}{% endif %}
<footer class="pp-sources">
{% if notes %}
<div class="pp-box pp-notes" role="note"><strong class="pp-box-title">{{ t.notes_heading }}</strong>
<ul>
{% for line in notes %}<li>{{ line }}</li>
{% endfor %}
</ul></div>
{% endif %}
{% if sources %}
<strong>{{ t.sources_heading }}</strong>
<ul>
{% for line in sources %}<li>{{ line }}</li>
{% endfor %}
</ul>
{% endif %}
{% if generated %}<p>{{ generated }}</p>{% endif %}
</footer>
</section>
"""

_DOCUMENT: Final[str] = """\
<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="opora">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
{{ body }}
</body>
</html>
"""


#: Sign shown before the assessment of a service, by state (not only colour tells it).
_STATE_MARKS: Final[dict[str, str]] = {"ok": "✓ ", "over": "▲ ", "unreachable": "✗ "}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Return the Jinja2 environment of the passport (autoescape on, strict names)."""
    return jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _anchor_id(oktmo: str) -> str:
    """Return the element id of a passport: ``passport-<oktmo>`` with safe characters only."""
    return "passport-" + re.sub(r"[^0-9A-Za-z_-]", "-", str(oktmo).strip())


def _img(chart: _Chart) -> dict[str, Any]:
    """Return what the template needs to show ``chart`` at its size on paper."""
    return {
        "uri": chart.data_uri(),
        "w": round(chart.width_in * _CSS_PX_PER_IN),
        "h": round(chart.height_in * _CSS_PX_PER_IN),
    }


def _card_sections(p: TownPassport, lang: str, t: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Return the strategy card sections (without the alerts) as (heading, lines)."""
    keys = [k for k in CARD_SECTIONS if p.card.get(k)]
    keys += [k for k in p.card if k not in CARD_SECTIONS and k != _ALERTS and p.card.get(k)]
    return [(t.get(f"card_{k}", k), [line.text(lang) for line in p.card[k]]) for k in keys]


def _resilience_text(p: TownPassport, lang: str, t: Mapping[str, str]) -> tuple[str, str] | None:
    """Return the resilience score and the rank text, or ``None`` when not computed."""
    if p.resilience is None:
        return None
    score, rank, n = p.resilience
    value = _float(score)
    score_text = "—" if value is None else _short_number(value, lang)
    full = t["resilience_score"].format(score=score_text)
    rank_text = t["resilience_rank"].format(rank=rank, n=n)
    return full, rank_text


def _meta(p: TownPassport, lang: str, t: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return the header facts as (label, value) pairs."""
    return [
        (t["population"], _population_text(p, lang, t)),
        (t["oktmo"], str(p.oktmo)),
        (t["municipality_oktmo"], str(p.municipality_oktmo) or "—"),
        (t["coordinates"], _coord_text(p, lang, t)),
    ]


def render_passport_html(
    p: TownPassport, lang: str = "ru", *, standalone: bool = False, include_css: bool = True
) -> str:
    """Render a town passport as HTML.

    The fragment is a ``<section class="passport" id="passport-<oktmo>">`` with its
    charts as inline PNG images (``data:`` URIs), so it needs no network and no
    other file. Its CSS is scoped to ``.passport`` and includes print rules: each
    passport starts on a new page and boxes, figures and table rows are not split.

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
    opora.report.html.UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    """
    t = _check_lang(lang)
    title = _title(p, t)
    nb = _neighbours_km(p)
    lat = _float(p.lat)
    sectors = _sectors_chart(p, lang, t, _FIG_DPI_HTML)
    trends = _trends_chart(p, lang, t, _FIG_DPI_HTML)
    components = _components_chart(p, lang, t, _FIG_DPI_HTML)
    resilience = _resilience_text(p, lang, t)
    anchor = p.anchor_role.text(lang).strip()
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "css": markupsafe.Markup(PASSPORT_CSS),  # noqa: S704 - a constant of this module
        "include_css": include_css and not standalone,
        "h1": "h1" if standalone else "h2",
        "h2": "h2" if standalone else "h3",
        "h3": "h3" if standalone else "h4",
        "anchor": _anchor_id(p.oktmo),
        "oktmo": str(p.oktmo),
        "title": title,
        "subtitle": " · ".join(v for v in (p.municipality, p.region) if v),
        "meta": _meta(p, lang, t),
        "notes": [n.text(lang) for n in p.notes],
        "map": _img(_map_chart(p, lang, t, _FIG_DPI_HTML)),
        "map_alt": t["map_alt"].format(name=p.name),
        "map_caption": t["map_caption"].format(
            lat=_num(lat, "float1", lang) if lat is not None else "—"
        ),
        "map_missing": t["map_no_coords"].format(n=nb.missing) if nb.missing else "",
        "profile": [(k.text(lang), v) for k, v in p.profile],
        "types": [(tid, lbl.text(lang), why.text(lang)) for tid, lbl, why in p.types],
        "access": _access_rows(p, lang, t),
        "marks": _STATE_MARKS,
        "anchor_role": anchor,
        "sectors": _img(sectors[0]) if sectors else None,
        "sectors_more": (t["sectors_more"].format(n=sectors[1]) if sectors and sectors[1] else ""),
        "sectors_alt": t["chart_alt_sectors"].format(name=p.name),
        "trends": _img(trends) if trends else None,
        "trends_alt": t["chart_alt_trends"].format(name=p.name),
        "candidates": [
            (lbl.text(lang), _num(_float(score), "float2", lang), why.text(lang))
            for lbl, score, why in p.candidates
        ],
        "resilience": (
            {"score": resilience[0], "rest": "· " + resilience[1]} if resilience else None
        ),
        "components": _img(components) if components else None,
        "components_alt": t["chart_alt_resilience"],
        "alerts": [a.text(lang) for a in p.card.get(_ALERTS, [])],
        "card": _card_sections(p, lang, t),
        "sources": [s.text(lang) for s in p.sources],
        "generated": (
            t["generated_by"].format(version=__version__, date=date.today().isoformat())
            if standalone
            else ""
        ),
    }
    body = _environment().from_string(_TEMPLATE).render(**context)
    if not standalone:
        return body
    return (
        _environment()
        .from_string(_DOCUMENT)
        .render(
            lang=lang,
            title=t["doc_title"].format(name=title),
            css=markupsafe.Markup(_STANDALONE_CSS + PASSPORT_CSS),  # noqa: S704
            body=markupsafe.Markup(body),  # noqa: S704 - rendered above with autoescape
        )
    )


# --------------------------------------------------------------------------- PDF

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
            self.set_text_color(*_rgb(_MUTED))
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
            self.set_text_color(*_rgb(_MUTED))
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


def _set_font(pdf: FPDF, size: float, style: str = "", colour: str = _INK) -> None:
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
    colour: str = _INK,
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
    _para(pdf, text, size=11.5, style="B", colour=_ACCENT)
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
    colour: str = _INK,
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
    pdf: FPDF, chart: _Chart, *, width_mm: float | None = None, x: float | None = None
) -> None:
    """Place a chart at its size on paper (shrunk to fit a page), not split across pages."""
    width = width_mm if width_mm is not None else chart.width_in * _MM_PER_IN
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
        headings_style=FontFace(emphasis="BOLD", color=_rgb(_INK), fill_color=_rgb("#e9eef3")),
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
    _para(pdf, t["kicker"].upper(), size=8, style="B", colour=_ACCENT)
    _para(pdf, _title(p, t), size=19, style="B")
    pdf.ln(0.5)
    subtitle = " · ".join(v for v in (p.municipality, p.region) if v)
    if subtitle:
        _para(pdf, subtitle, size=10.5)
    facts = " · ".join(f"{k}: {v}" for k, v in _meta(p, lang, t))
    _para(pdf, facts, size=8.3, colour=_MUTED)
    y = pdf.get_y() + 1.2
    pdf.set_draw_color(*_rgb(_ACCENT))
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_y(y + 2.5)
    if p.notes:
        _box(
            pdf,
            ["⚠ " + t["modelled_flag"]],
            fill=_WARN_BG,
            line=_WARN_LINE,
            ink=_WARN_INK,
            size=8.3,
        )


def _pdf_map_and_profile(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the mini map with its caption on the left and the profile on the right."""
    chart = _map_chart(p, lang, t, _FIG_DPI_PDF)
    nb = _neighbours_km(p)
    map_w = chart.width_in * _MM_PER_IN
    map_h = chart.height_in * _MM_PER_IN
    lat = _float(p.lat)
    caption = t["map_caption"].format(lat=_num(lat, "float1", lang) if lat is not None else "—")
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
    _set_font(pdf, 6.8, "", _MUTED)
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
            [(k.text(lang), {"color": _rgb(_MUTED)}), (v, {"emphasis": "BOLD"})]
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
        _para(pdf, t["profile_empty"], size=8.5, style="I", colour=_MUTED, indent=x_right - x0)
    y_right = pdf.get_y()
    pdf.set_xy(pdf.l_margin, max(y_left, y_right) + 1.0)


def _pdf_access(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the accessibility table: minutes against the standard, marked when over."""
    _heading(pdf, t["access_heading"], keep=40.0)
    rows = _access_rows(p, lang, t)
    if not rows:
        _para(pdf, t["access_empty"], size=8.5, style="I", colour=_MUTED)
        return
    bad = {"color": _rgb(_BAD), "emphasis": "BOLD"}
    table_rows: list[list[tuple[str, dict[str, Any] | None]]] = []
    for r in rows:
        minutes_style = bad if r.state in {"over", "unreachable"} else None
        if r.state == "over":
            status = ("▲ " + r.status, bad)
        elif r.state == "unreachable":
            status = ("✗ " + r.status, bad)
        else:
            status = ("✓ " + r.status, {"color": _rgb(_GOOD)})
        data_style = (
            {"color": _rgb(_WARN_INK), "emphasis": "BOLD", "fill_color": _rgb(_WARN_BG)}
            if r.modelled
            else {"color": _rgb(_MUTED)}
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
    _para(pdf, t["access_modelled_note"], size=7.2, colour=_MUTED)


def _pdf_economy(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the sector chart and the trend charts."""
    sectors = _sectors_chart(p, lang, t, _FIG_DPI_PDF)
    first = sectors[0].height_in * _MM_PER_IN if sectors is not None else 10.0
    _heading(pdf, t["economy_heading"], keep=24.0 + first)
    _subheading(pdf, t["sectors_heading"], keep=40.0)
    if sectors is None:
        _para(pdf, t["sectors_empty"], size=8.5, style="I", colour=_MUTED)
    else:
        _image(pdf, sectors[0])
        if sectors[1]:
            _para(pdf, t["sectors_more"].format(n=sectors[1]), size=7.2, colour=_MUTED)
    trends = _trends_chart(p, lang, t, _FIG_DPI_PDF)
    _subheading(pdf, t["trends_heading"], keep=50.0)
    if trends is None:
        _para(pdf, t["trends_empty"], size=8.5, style="I", colour=_MUTED)
    else:
        _image(pdf, trends)


def _pdf_candidates(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the specialisation candidates with their scores and reasons."""
    _heading(pdf, t["candidates_heading"], keep=36.0)
    if not p.candidates:
        _para(pdf, t["candidates_empty"], size=8.5, style="I", colour=_MUTED)
        return
    rows: list[list[tuple[str, dict[str, Any] | None]]] = [
        [
            (lbl.text(lang), {"emphasis": "BOLD"}),
            (_num(_float(score), "float2", lang), None),
            (why.text(lang), None),
        ]
        for lbl, score, why in p.candidates
    ]
    headings = [t["candidates_label"], t["candidates_score"], t["candidates_why"]]
    _table(pdf, headings, rows, [50.0, 25.0, 107.0], ["LEFT", "RIGHT", "LEFT"])


def _pdf_resilience(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the resilience score, its rank and the components chart, kept together."""
    chart = _components_chart(p, lang, t, _FIG_DPI_PDF)
    chart_h = chart.height_in * _MM_PER_IN + 10.0 if chart is not None else 0.0
    _ensure(pdf, min(24.0 + _lh(11) + chart_h, pdf.page_break_trigger - pdf.t_margin))
    _heading(pdf, t["resilience_heading"])
    text = _resilience_text(p, lang, t)
    if text is None:
        _para(pdf, t["resilience_missing"], size=8.5, style="I", colour=_MUTED)
    else:
        _para(pdf, f"{text[0]} · {text[1]}", size=11, style="B", colour=_ACCENT)
        pdf.ln(1.0)
    if chart is not None:
        _subheading(pdf, t["resilience_components"], keep=chart_h)
        _image(pdf, chart)


def _pdf_card(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write the strategy card: the alerts in a red box, then the sections as lists."""
    _heading(pdf, t["card_heading"])
    alerts = [a.text(lang) for a in p.card.get(_ALERTS, [])]
    sections = _card_sections(p, lang, t)
    if alerts:
        _box(
            pdf,
            alerts,
            title="⚠ " + t["card_alerts"],
            fill=_ALERT_BG,
            line=_BAD,
            ink="#5c1410",
            bullet="⚠",
        )
    if not sections and not alerts:
        _para(pdf, t["card_empty"], size=8.5, style="I", colour=_MUTED)
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
            fill=_WARN_BG,
            line=_WARN_LINE,
            ink=_WARN_INK,
            bullet="•",
            size=8.3,
        )
    if p.sources:
        _subheading(pdf, t["sources_heading"], keep=12.0)
        _bullets(pdf, [s.text(lang) for s in p.sources], size=7.4, colour=_MUTED)
    _para(
        pdf,
        t["generated_by"].format(version=__version__, date=date.today().isoformat()),
        size=7,
        colour=_MUTED,
    )


def _pdf_passport(pdf: FPDF, p: TownPassport, lang: str, t: Mapping[str, str]) -> None:
    """Write one passport, starting on the current (new) page."""
    _pdf_header(pdf, p, lang, t)
    _pdf_map_and_profile(pdf, p, lang, t)

    _heading(pdf, t["types_heading"])
    if not p.types:
        _para(pdf, t["types_empty"], size=8.5, style="I", colour=_MUTED)
    for _tid, label, reason in p.types:
        _ensure(pdf, 2 * _lh(9.5) + 2)
        _para(pdf, "■ " + label.text(lang), size=9.5, style="B", colour=_ACCENT)
        _para(pdf, reason.text(lang), size=8.8, indent=4.2)
        pdf.ln(1.0)

    _pdf_access(pdf, p, lang, t)

    _heading(pdf, t["anchor_heading"])
    role = p.anchor_role.text(lang).strip()
    if role:
        _box(pdf, [role], fill=_ROLE_BG, line=_ACCENT, ink=_INK, size=9.2)
    else:
        _para(pdf, t["anchor_empty"], size=8.5, style="I", colour=_MUTED)

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
    opora.report.html.UnknownLanguageError
        If ``lang`` is not ``"ru"`` or ``"en"``.
    opora.report.html.ReportInputError
        If ``passports`` is empty.
    """
    t = _check_lang(lang)
    items = list(passports)
    if not items:
        msg = "no town passports to write: pass at least one TownPassport"
        raise ReportInputError(msg)
    pdf, state = _new_pdf(lang, t)
    titles = [_title(p, t) for p in items]
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
