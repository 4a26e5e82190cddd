"""Charts of the town passport: mini map, sector structure, trends, resilience components.

Charts are drawn with matplotlib's object-oriented API on an Agg canvas (no pyplot,
no display, no change to the global ``rcParams``) and returned as PNG images with
their size on paper, for the PDF. The HTML passport draws the same charts as inline
SVG (:mod:`opora.report.passport.svg`), reusing the geometry helpers of this module.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.report._helpers import display_text
from opora.report.passport.model import TownPassport, finite_float, num_text, short_number
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

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "CSS_PX_PER_IN",
    "FIG_DPI_HTML",
    "FIG_DPI_PDF",
    "MM_PER_IN",
    "Chart",
    "components_chart",
    "map_chart",
    "neighbours_km",
    "sectors_chart",
    "trends_chart",
]

_KM_PER_DEGREE: Final = 111.32


@dataclass(frozen=True)
class Chart:
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
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "svg.fonttype": "none",
    "savefig.facecolor": "white",
}
FIG_DPI_PDF: Final = 200
FIG_DPI_HTML: Final = 192
CSS_PX_PER_IN: Final = 96.0
MM_PER_IN: Final = 25.4
_MAP_SIZE_IN: Final = (3.4, 3.2)
_WIDE_IN: Final = 182.0 / 25.4  # the PDF text width (A4 less two 14 mm margins)
_COMPONENTS_IN: Final = 150.0 / 25.4
_MAX_SECTORS: Final = 12
_MAX_MAP_LABELS: Final = 12
_MIN_MAP_SPAN_KM: Final = 10.0
_LEVEL_RANK: Final[dict[str, int]] = {"inter_district": 0, "local": 1, "": 2}
_LEVEL_COLOUR: Final[dict[str, str]] = {
    "inter_district": INTER_DISTRICT,
    "local": LOCAL,
    "": OTHER,
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


def _to_chart(fig: Figure, dpi: int) -> Chart:
    """Save ``fig`` as PNG and return it with its size in inches."""
    width_in, height_in = (float(v) for v in fig.get_size_inches())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return Chart(png=buf.getvalue(), width_in=width_in, height_in=height_in)


def _axis_number(value: float, lang: str) -> str:
    """Format an axis tick: whole numbers grouped, others with up to two decimals."""
    if abs(value - round(value)) < 1e-9:
        return num_text(round(value), "int", lang)
    text = num_text(value, "float2" if abs(value) < 10 else "float1", lang)
    sep = "," if lang == "ru" else "."
    if sep in text:
        text = text.rstrip("0").rstrip(sep)
    return text


def _percent(value: float, lang: str) -> str:
    """Format a percentage with one decimal: ``12,3 %`` or ``12.3%``."""
    return num_text(value, "pct1", lang)


def _short_label(text: str, width: int, lines: int = 2) -> str:
    """Wrap ``text`` to at most ``lines`` lines of ``width`` characters, with an ellipsis."""
    wrapped = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: max(width - 1, 1)].rstrip() + "…"
    return "\n".join(wrapped)


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


def neighbours_km(p: TownPassport) -> _Neighbours:
    """Project the neighbours to km east and north of the town (equirectangular, cos φ)."""
    empty = np.zeros(0, dtype=float)
    frame = p.neighbours
    lat0, lon0 = finite_float(p.lat) or 0.0, finite_float(p.lon) or 0.0
    if frame.empty:
        return _Neighbours(empty, empty, empty, [], [], 0)
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
    pop = pd.to_numeric(frame["population"], errors="coerce").to_numpy(dtype=float)
    names = [display_text(v) for v in frame["name"].tolist()]
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
                    color=INK if town else "#2b3138",
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


def map_chart(p: TownPassport, lang: str, t: Mapping[str, str], dpi: int) -> Chart:
    """Draw the schematic mini map of the town among its neighbours."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from matplotlib.transforms import Bbox

    nb = neighbours_km(p)
    width_in, height_in = _MAP_SIZE_IN
    levels_present = sorted(set(nb.levels), key=lambda lv: _LEVEL_RANK[lv])
    legend_in = 0.2 + 0.16 * math.ceil((1 + len(levels_present)) / 2)
    frac = legend_in / height_in

    town_pop = finite_float(p.population)
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
            edgecolors=ACCENT,
            linewidths=1.4,
            zorder=7,
        )
        ax.scatter(
            [0.0], [0.0], s=town_area, c=ACCENT, edgecolors="black", linewidths=0.8, zorder=8
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
        ax.plot([bx, bx + length], [by, by], color=INK, lw=1.6, solid_capstyle="butt", zorder=9)
        for xe in (bx, bx + length):
            ax.plot([xe, xe], [by - tick, by + tick], color=INK, lw=1.0, zorder=9)
        scale_text = ax.text(
            bx + length / 2,
            by + 2 * tick,
            t["map_km"].format(n=short_number(length, lang)),
            ha="center",
            va="bottom",
            fontsize=6.8,
            color=INK,
            zorder=9,
            path_effects=halo,
        )
        ax.annotate(
            "",
            xy=(0.95, 0.93),
            xytext=(0.95, 0.80),
            xycoords="axes fraction",
            arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.0},
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
            color=INK,
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
                markerfacecolor=ACCENT,
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


#: Town shares, region shares (%), labels, rows shown, usable rows left out.
_SectorRows = tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], list[str], npt.NDArray[np.intp], int
]


def sector_rows(p: TownPassport, lang: str) -> _SectorRows | None:
    """Pick the sectors a passport's sector chart shows (PNG and SVG alike).

    Parameters
    ----------
    p
        The passport.
    lang
        ``ru`` or ``en`` (the labels).

    Returns
    -------
    tuple or None
        Town and region shares in %, one label per row of ``p.sector_shares``, the rows
        shown (at most 12 with the largest share of town or region, ordered by the
        town's share) and the number of usable rows left out; ``None`` when no row has
        a positive share.
    """
    frame = p.sector_shares
    if frame.empty:
        return None
    share = pd.to_numeric(frame["share"], errors="coerce").to_numpy(dtype=float) * 100.0
    region = pd.to_numeric(frame["region_share"], errors="coerce").to_numpy(dtype=float) * 100.0
    label_col = "label_ru" if lang == "ru" else "label_en"
    labels = [
        f"{display_text(s)} · {display_text(lbl)}" if display_text(s) else display_text(lbl)
        for s, lbl in zip(frame["section"].tolist(), frame[label_col].tolist(), strict=True)
    ]
    key = np.fmax(np.nan_to_num(share, nan=-1.0), np.nan_to_num(region, nan=-1.0))
    usable = np.flatnonzero(key > 0)
    if usable.size == 0:
        return None
    top = usable[np.argsort(-key[usable], kind="stable")][:_MAX_SECTORS]
    left_out = int(usable.size - top.size)
    top = top[np.argsort(-np.nan_to_num(share[top], nan=-1.0), kind="stable")]
    return share, region, labels, top, left_out


def sectors_chart(
    p: TownPassport, lang: str, t: Mapping[str, str], dpi: int
) -> tuple[Chart, int] | None:
    """Draw the sector shares of the town against the region; also return the rows left out."""
    from matplotlib.ticker import FuncFormatter

    rows = sector_rows(p, lang)
    if rows is None:
        return None
    share, region, labels, top, left_out = rows
    n = int(top.size)
    pos = np.arange(n, dtype=float)
    town_vals = np.nan_to_num(share[top], nan=0.0)
    region_vals = np.nan_to_num(region[top], nan=0.0)
    x_max = float(max(town_vals.max(), region_vals.max(), 1.0))

    with _mpl_style():
        fig = _new_figure(_WIDE_IN, 0.62 + 0.3 * n, dpi, constrained=True)
        ax = fig.add_subplot()
        ax.barh(pos - 0.19, town_vals, height=0.38, color=TOWN_BAR, label=p.name)
        ax.barh(pos + 0.19, region_vals, height=0.38, color=REGION_BAR, label=t["sectors_region"])
        for y, v, raw in zip(pos, town_vals, share[top], strict=True):
            if math.isfinite(raw):
                ax.text(
                    v + x_max * 0.01,
                    y - 0.19,
                    _percent(raw, lang),
                    va="center",
                    fontsize=7,
                    color=INK,
                )
        ax.set_yticks(pos, [_short_label(labels[i], 46) for i in top])
        ax.tick_params(axis="y", length=0, labelsize=7.5, labelcolor=INK)
        ax.invert_yaxis()
        ax.set_xlim(0, x_max * 1.14)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis_number(v, lang)))
        ax.set_xlabel(t["sectors_axis"])
        ax.grid(axis="x", color="#e1e5e9", linewidth=0.6)
        fig.legend(loc="outside upper center", ncol=2, frameon=False)
        return _to_chart(fig, dpi), left_out


def trends_chart(p: TownPassport, lang: str, t: Mapping[str, str], dpi: int) -> Chart | None:
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
            ax.plot(years, values, color=TOWN_BAR, marker="o", markersize=3, linewidth=1.8)
            first = sub.iloc[0] if len(sub) else frame[series_key == key].iloc[0]
            title = display_text(first[label_col]) or display_text(first["series_ru"])
            unit = display_text(first["unit"])
            ax.set_title(
                _short_label(f"{title}, {unit}" if unit else title, 36),
                loc="left",
                fontsize=8,
                color=INK,
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
            Line2D([], [], color=TOWN_BAR, marker="o", markersize=3, linewidth=1.8),
            Line2D([], [], color="#6f7d8c", linestyle="--", linewidth=1.3),
        ]
        fig.legend(
            handles, [p.name, t["trends_region"]], loc="outside upper center", ncol=2, frameon=False
        )
        return _to_chart(fig, dpi)


def components_chart(p: TownPassport, lang: str, t: Mapping[str, str], dpi: int) -> Chart | None:
    """Draw the components of the resilience index as bars on a 0-100 track."""
    from matplotlib.ticker import FuncFormatter

    comps = p.resilience_components
    if not comps:
        return None
    n = len(comps)
    pos = np.arange(n, dtype=float)
    values = [finite_float(v) for _, v in comps]
    with _mpl_style():
        fig = _new_figure(_COMPONENTS_IN, 0.45 + 0.27 * n, dpi, constrained=True)
        ax = fig.add_subplot()
        ax.barh(pos, [100.0] * n, height=0.62, color="#e9edf1")
        ax.barh(
            pos,
            [min(max(v, 0.0), 100.0) if v is not None else 0.0 for v in values],
            height=0.62,
            color=ACCENT,
        )
        for y, v in zip(pos, values, strict=True):
            if v is None:
                ax.text(
                    2.0,
                    y,
                    t["resilience_no_data"],
                    va="center",
                    fontsize=7.2,
                    color=MUTED,
                    style="italic",
                )
            else:
                ax.text(101.5, y, short_number(v, lang), va="center", fontsize=7.2, color=INK)
        ax.set_yticks(pos, [_short_label(label.text(lang), 44) for label, _ in comps])
        ax.tick_params(axis="y", length=0, labelsize=7.5, labelcolor=INK)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _axis_number(v, lang)))
        ax.spines["left"].set_visible(False)
        return _to_chart(fig, dpi)
