"""Economy section: life-support indicators, structure, complexity, candidates, trends.

The view model :class:`EconomySection` holds a per-municipality economic profile
with the reason of each missing value, employment by OKVED section, trend series
and specialisation candidates; :func:`build_economy_section` makes it from the
economy analyses and :func:`template_data` turns it into the table, the sector
chart, the trend charts and the JSON the page's script redraws them from.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import markupsafe
import numpy as np
import pandas as pd

from opora.economy import CANDIDATES, LIFE_SUPPORT_FIELDS, SECTION_NAMES, ComplexityResult
from opora.errors import ReportInputError
from opora.model.region import Region
from opora.report._helpers import (
    MISSING_TEXT,
    ProfileColumn,
    ProfileColumnLike,
    RenderContext,
    check_format,
    display_text,
    floats,
    fmt_coord,
    format_number,
    group_digits,
    require_columns,
    to_float,
)

__all__ = [
    "ECONOMY_REGION_KEY",
    "EconomyAnalyses",
    "EconomySection",
    "build_economy_section",
    "template_data",
]


class EconomyAnalyses(Protocol):
    """What the section reads of the economy analyses of a region."""

    @property
    def life_support(self) -> pd.DataFrame:
        """Life-support indicators, one row per top-level municipality."""

    @property
    def notes(self) -> pd.DataFrame:
        """Status and reason of every life-support value."""

    @property
    def employment(self) -> pd.DataFrame:
        """Employment by OKVED section (long)."""

    @property
    def lq(self) -> pd.DataFrame:
        """Location quotients of employment."""

    @property
    def diversity(self) -> pd.DataFrame:
        """Diversification per municipality."""

    @property
    def complexity(self) -> ComplexityResult:
        """ECI / PCI result."""

    @property
    def candidates(self) -> pd.DataFrame:
        """Specialisation candidates with their evidence."""


#: ``oktmo`` value of the region-level rows of :attr:`EconomySection.sector_shares`.
ECONOMY_REGION_KEY: Final = "region"


@dataclass(frozen=True, eq=False)
class EconomySection:
    """Data of the report's optional economy section.

    Instances compare by identity (``eq=False``): comparing data frames element by
    element has no single truth value.

    Attributes
    ----------
    columns
        How each column of ``table`` is labelled and formatted, in display order
        (:class:`ProfileColumn` objects or any objects with the same attributes;
        ``fmt`` is ``"int"``, ``"float1"``, ``"float2"`` or ``"pct1"``). A column
        whose values are strings (such as ``top_lq``, ``"P 1,8; Q 1,5; O 1,3"``) is
        shown as text and sorted as text; ``fmt`` is then not used.
    table
        One row per municipality: ``oktmo``, ``name`` and the columns named in
        ``columns`` (for example ``budget_sector_employment``,
        ``own_revenue_share``, ``social_share``, ``diversity_entropy``, ``eci``,
        ``top_lq``). Missing values are shown as «—».
    reasons
        Why values of ``table`` are missing: ``oktmo``, ``column`` (a column key;
        a column named ``key`` is accepted too) and ``reason`` (free text), shown
        as the tooltip of the missing cell. May be empty.
    sector_shares
        Long table ``oktmo``, ``section`` (OKVED section letter, ``A``-``U``) and
        ``share`` (0-1) of employment; region-level rows have ``oktmo`` equal to
        :data:`ECONOMY_REGION_KEY` (``"region"``). At most one row per ``oktmo``
        and section.
    section_labels
        OKVED section letter → (Russian name, English name).
    trends
        Long table ``oktmo``, ``series`` (series key), ``year`` (whole number) and
        ``value``; at most one row per ``oktmo``, series and year. The reference
        line of each chart is the median over the municipalities, so rows with
        ``oktmo`` equal to :data:`ECONOMY_REGION_KEY` are left out.
    trend_labels
        Series key → (Russian label, English label, unit); series come in this
        order, then any others in the order they first appear in ``trends``.
    candidates
        Specialisation candidates: ``oktmo``, ``rank``, ``candidate`` (key),
        ``score``, ``why_ru`` and ``why_en`` (why the candidate was chosen).
    candidate_labels
        Candidate key → (Russian label, English label), for example
        ``"tourism": ("туризм", "tourism")``; a key without labels is shown as is.
    note_ru, note_en
        What the data are (for example employment of large and medium
        organisations in 2023, cells suppressed by Rosstat), in Russian and English.
    """

    columns: Sequence[ProfileColumnLike]
    table: pd.DataFrame
    reasons: pd.DataFrame
    sector_shares: pd.DataFrame
    section_labels: Mapping[str, tuple[str, str]]
    trends: pd.DataFrame
    trend_labels: Mapping[str, tuple[str, str, str]]
    candidates: pd.DataFrame
    candidate_labels: Mapping[str, tuple[str, str]]
    note_ru: str
    note_en: str


# --------------------------------------------------------------------------- builder

_ECONOMY_KEYS = (
    "budget_employment_share",
    "budget_wage_bill_share",
    "own_revenue_share",
    "transfer_dependence",
    "social_share",
    "social_share_change",
    "wage_rel_total",
    "consumption_change",
)


def build_economy_section(region: Region, eco: EconomyAnalyses) -> EconomySection:
    """Prepare the report's economy section.

    Parameters
    ----------
    region
        The region's model (its indicators give the trends).
    eco
        The economy analyses of the region.

    Returns
    -------
    EconomySection
        Data of the section.
    """
    fields = {f.key: f for f in LIFE_SUPPORT_FIELDS}
    cols = [
        ProfileColumn(
            k,
            fields[k].label_ru,
            fields[k].label_en,
            fields[k].unit_ru,
            fields[k].unit_en,
            "float1" if fields[k].fmt == "pct1" else fields[k].fmt,
            fields[k].source,
        )
        for k in _ECONOMY_KEYS
    ]
    cols += [
        ProfileColumn(
            "entropy",
            "Разнообразие (энтропия Шеннона)",
            "Diversity (Shannon entropy)",
            "",
            "",
            "float2",
            "−Σ s·ln s over OKVED sections, employment 2023",
        ),
        ProfileColumn(
            "eci",
            "Индекс экономической сложности",
            "Economic complexity index",
            "",
            "",
            "float2",
            "ECI (Growth Lab method) of employment by section",
        ),
        ProfileColumn(
            "top_lq",
            "Специализация (LQ ≥ 1)",
            "Specialisation (LQ ≥ 1)",
            "",
            "",
            "float1",
            "Top three location quotients of employment by section",
        ),
    ]
    table = eco.life_support[["oktmo", "name", *_ECONOMY_KEYS]].copy()
    loc = eco.complexity.locations
    div = eco.diversity
    table["entropy"] = table["oktmo"].map(div["entropy"])
    table["eci"] = table["oktmo"].map(loc["eci"])
    lq = eco.lq.dropna(subset=["lq"])
    lq = lq[lq["lq"] >= 1].sort_values(["oktmo", "lq"], ascending=[True, False])
    best = lq.groupby("oktmo").head(3)
    label = best["dimension"].astype(str) + " " + best["lq"].map(lambda v: f"{v:.1f}")
    top = label.groupby(best["oktmo"]).agg("; ".join)
    table["top_lq"] = table["oktmo"].map(top)
    reasons = eco.notes[eco.notes["status"].isin(["missing", "not_evaluated"])].rename(
        columns={"indicator": "column"}
    )[["oktmo", "column", "reason"]]
    extra = [
        pd.DataFrame({"oktmo": loc.index, "column": "eci", "reason": loc["reason"]}),
        pd.DataFrame({"oktmo": div.index, "column": "entropy", "reason": div["reason"]}),
    ]
    reasons = pd.concat([reasons, *extra], ignore_index=True).dropna(subset=["reason"])
    emp = eco.employment.dropna(subset=["share"])
    shares = emp.rename(columns={"dimension": "section"})[["oktmo", "section", "share"]]
    known = eco.employment.dropna(subset=["value"])
    reg = known.groupby("dimension")["value"].sum() / known.drop_duplicates("oktmo")["total"].sum()
    shares = pd.concat(
        [
            shares,
            pd.DataFrame(
                {"oktmo": ECONOMY_REGION_KEY, "section": reg.index, "share": reg.to_numpy()}
            ),
        ],
        ignore_index=True,
    )
    ind = region.indicators
    soc = ind[ind["code"] == "urov14a_social_share"]
    wage = ind[
        (ind["code"] == "sber_wage")
        & (ind["dimension"] == "total")
        & (ind["period"] == "январь-декабрь")
    ]
    pop = ind[ind["code"] == "sber_population"]
    trends = pd.concat(
        [
            pd.DataFrame(
                {
                    "oktmo": soc["oktmo"],
                    "series": "social_share",
                    "year": soc["year"],
                    "value": soc["value"] * 100,
                }
            ),
            pd.DataFrame(
                {
                    "oktmo": wage["oktmo"],
                    "series": "wage_total",
                    "year": wage["year"],
                    "value": wage["value"],
                }
            ),
            pd.DataFrame(
                {
                    "oktmo": pop["oktmo"],
                    "series": "population",
                    "year": pop["year"],
                    "value": pop["value"],
                }
            ),
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    trends = trends[trends["oktmo"].isin(set(table["oktmo"]))]
    trends["year"] = trends["year"].astype(int)
    cand = eco.candidates[eco.candidates["feasible"].fillna(False).astype(bool)]
    labels = {c.key: (c.label_ru, c.label_en) for c in CANDIDATES}
    suppressed = int(eco.employment["suppressed"].sum())
    note_ru = (
        "Структура занятости — среднесписочная численность работников крупных и средних "
        "организаций по разделам ОКВЭД, 2023 (БД ПМО, Y48423005); малый бизнес не учтён. "
        f"Засекреченных значений: {suppressed}; в расчёте сложности они приняты за ноль, "
        "поэтому ECI — нижняя оценка структуры. Сдвиговый анализ и «упрощение» требуют двух "
        "периодов и для муниципалитетов этими данными не обеспечены."
    )
    note_en = (
        "Employment structure: staff of large and medium organisations by OKVED section, "
        "2023 (municipal database, Y48423005); small business is not covered. "
        f"Suppressed values: {suppressed}; complexity treats them as zero, so the ECI is a "
        "lower-bound view. Shift-share and simplification need two periods, which these "
        "municipal data do not give."
    )
    return EconomySection(
        columns=cols,
        table=table,
        reasons=reasons,
        sector_shares=shares,
        section_labels=SECTION_NAMES,
        trends=trends,
        trend_labels={
            "social_share": (
                "Доля социальных выплат в доходах",
                "Social payments share of income",
                "%",
            ),
            "wage_total": ("Средняя зарплата", "Average wage", "руб."),
            "population": ("Население (среднегодовое)", "Population (average)", "чел."),
        },
        candidates=cand[["oktmo", "rank", "candidate", "score", "why_ru", "why_en"]],
        candidate_labels=labels,
        note_ru=note_ru,
        note_en=note_en,
    )


# --------------------------------------------------------------------------- template data

# Sector chart geometry, in SVG units (the chart is scaled to the page width).
_SEC_WIDTH: Final = 860.0
_SEC_LABEL_W: Final = 312.0  # labels are clipped to this width, whatever the font
_SEC_X0: Final = 320.0
_SEC_PLOT_W: Final = 470.0
_SEC_TOP: Final = 26.0
_SEC_ROW: Final = 26.0
_SEC_BAR: Final = 9.0
_SEC_GAP: Final = 1.0
_SEC_NAME_CHARS: Final = 42
# Trend chart geometry.
_TR_WIDTH: Final = 320.0
_TR_HEIGHT: Final = 190.0
_TR_X0: Final = 56.0
_TR_PLOT_W: Final = 250.0
_TR_Y0: Final = 12.0
_TR_PLOT_H: Final = 146.0
_TR_MAX_YEAR_LABELS: Final = 7
_TR_DOT: Final = 2.6
_NICE_STEPS: Final[tuple[float, ...]] = (1.0, 2.0, 2.5, 5.0, 10.0)


def _nice_scale(low: float, high: float, intervals: int = 4) -> tuple[float, float, float]:
    """Return round axis bounds and step ``(low, high, step)`` covering ``low..high``.

    The report's JavaScript repeats this computation (``niceScale``) when it
    rescales a trend chart, so that both give the same axis.
    """
    if high - low <= 0:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / intervals
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = magnitude * 10.0
    for m in _NICE_STEPS:
        if m * magnitude >= raw * (1 - 1e-9):
            step = m * magnitude
            break
    return (
        math.floor(low / step + 1e-9) * step,
        math.ceil(high / step - 1e-9) * step,
        step,
    )


def _step_decimals(step: float) -> int:
    """Return how many decimals show every multiple of ``step`` exactly (at most 6)."""
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    return decimals


def _ticks(low: float, high: float, step: float) -> list[float]:
    """Return the multiples of ``step`` from ``low`` to ``high``."""
    count = round((high - low) / step)
    return [low + i * step + 0.0 for i in range(count + 1)]


def _fixed(value: float, decimals: int, lang: str) -> str:
    """Format ``value`` with exactly ``decimals`` decimals in the style of ``lang``."""
    if abs(value) < 0.5 * 10.0**-decimals:
        value = 0.0
    return group_digits(value, decimals, lang)


def _value_text(value: float, lang: str) -> str:
    """Format a trend value: no decimals from 100 up, one from 10 up, two below."""
    size = abs(value)
    return _fixed(value, 0 if size >= 100 else 1 if size >= 10 else 2, lang)


def _share_text(share: float, lang: str) -> str:
    """Format a share (0-1) as percent with one decimal: ``12,3 %`` / ``12.3%``."""
    return format_number(share * 100.0, "pct1", lang) or MISSING_TEXT


def _compact(value: float | None) -> float | int | None:
    """Round a value to six significant digits for the embedded JSON."""
    if value is None:
        return None
    rounded = float(f"{value:.6g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _script_json(data: object) -> markupsafe.Markup:
    """Return ``data`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return markupsafe.Markup(text)  # noqa: S704 - '<', '>' and '&' are escaped above


def _number_cell(value: object, fmt: str, lang: str, title: str) -> dict[str, Any]:
    """Return a numeric cell with a compact sort key and the tooltip used when missing."""
    number = to_float(value)
    text = format_number(number, fmt, lang)
    if number is None or text is None:
        return {"text": MISSING_TEXT, "v": "", "missing": True, "text_cell": False, "title": title}
    # Six significant digits sort the same as the shown values, at half the size.
    return {"text": text, "v": f"{number:.6g}", "missing": False, "text_cell": False, "title": ""}


def _economy_reasons(reasons: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Return the reason of each missing value, by ``(oktmo, column)``."""
    if not len(reasons):
        return {}
    key = "column" if "column" in reasons.columns or "key" not in reasons.columns else "key"
    require_columns(reasons, ["oktmo", key, "reason"], "economy reasons")
    result: dict[tuple[str, str], str] = {}
    for oktmo, column, reason in zip(
        reasons["oktmo"].tolist(),
        reasons[key].tolist(),
        reasons["reason"].tolist(),
        strict=True,
    ):
        text = display_text(reason)
        if text:
            pair = (display_text(oktmo), display_text(column))
            result[pair] = f"{result[pair]}; {text}" if pair in result else text
    return result


def _economy_table(
    economy: EconomySection, lang: str, t: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Prepare the economy table's header and rows (missing cells carry the reason)."""
    table = economy.table
    columns = list(economy.columns)
    require_columns(table, ["oktmo", "name", *(c.key for c in columns)], "economy")
    for c in columns:
        check_format(c.key, c.fmt, "economy")
    reasons = _economy_reasons(economy.reasons)
    values = {c.key: table[c.key].tolist() for c in columns}
    is_text = {c.key: any(isinstance(v, str) for v in values[c.key]) for c in columns}
    headers = [
        {
            "label": c.label_ru if lang == "ru" else c.label_en,
            "unit": c.unit_ru if lang == "ru" else c.unit_en,
            "source": c.source,
            "text": is_text[c.key],
        }
        for c in columns
    ]
    rows = []
    for i, (oktmo, name) in enumerate(
        zip(table["oktmo"].tolist(), table["name"].tolist(), strict=True)
    ):
        code = display_text(oktmo)
        cells = []
        for c in columns:
            reason = reasons.get((code, c.key))
            title = t["eco_no_data_reason"].format(reason=reason) if reason else t["no_data"]
            value = values[c.key][i]
            if is_text[c.key]:
                text = display_text(value)
                cells.append(
                    {
                        "text": text or MISSING_TEXT,
                        "v": "",
                        "missing": not text,
                        "text_cell": True,
                        "title": title,
                    }
                )
            else:
                cells.append(_number_cell(value, c.fmt, lang, title))
        rows.append({"oktmo": code, "name": display_text(name), "cells": cells})
    return headers, rows


def _economy_sectors(
    economy: EconomySection, lang: str, t: Mapping[str, str]
) -> tuple[dict[str, Any], list[str], dict[str, list[int | None]]]:
    """Prepare the sector chart (region bars drawn) and the municipalities' shares.

    Returns the chart, the section letters in chart order and, per municipality,
    its shares in tenths of a percent (``None`` where missing) for the JSON.
    """
    frame = economy.sector_shares
    shares: dict[tuple[str, str], float | None] = {}
    if len(frame):
        require_columns(frame, ["oktmo", "section", "share"], "sector shares")
        for oktmo, section, number in zip(
            frame["oktmo"].tolist(),
            frame["section"].tolist(),
            floats(frame["share"]),
            strict=True,
        ):
            key = (display_text(oktmo), display_text(section).upper())
            if not key[1]:
                msg = f"sector shares table has a row of {key[0]!r} without a section"
                raise ReportInputError(msg)
            if key in shares:
                msg = f"sector shares table has more than one row for {key[0]!r}, {key[1]!r}"
                raise ReportInputError(msg)
            if number is not None and not 0.0 <= number <= 1.0 + 1e-9:
                msg = (
                    f"sector share of {key[0]!r}, {key[1]!r} is {number:g}: "
                    "shares must lie within 0-1 (not percent)"
                )
                raise ReportInputError(msg)
            shares[key] = number
    letters = sorted({section for _, section in shares})
    finite = [v for v in shares.values() if v is not None]
    top = max(finite, default=0.0)
    x_max = _nice_scale(0.0, top, 5)[1] if top > 0 else 0.1
    x_max = min(x_max, 1.0)
    step = _nice_scale(0.0, x_max, 5)[2]
    decimals = _step_decimals(step * 100.0)
    ticks = [
        {
            "x": fmt_coord(_SEC_X0 + tick / x_max * _SEC_PLOT_W),
            "text": _fixed(tick * 100.0, decimals, lang) + ("\u00a0%" if lang == "ru" else "%"),
        }
        for tick in _ticks(0.0, x_max, step)
    ]
    region_label = t["eco_legend_region"]
    rows = []
    for i, letter in enumerate(letters):
        names = economy.section_labels.get(letter)
        name = (names[0] if lang == "ru" else names[1]) if names else ""
        short = name if len(name) <= _SEC_NAME_CHARS else name[: _SEC_NAME_CHARS - 1] + "…"
        y = _SEC_TOP + i * _SEC_ROW
        row: dict[str, Any] = {
            "letter": letter,
            "name": name,
            "short": short,
            "y": fmt_coord(y),
            "y_reg": fmt_coord(y + 3),
            "y_mun": fmt_coord(y + 3 + _SEC_BAR + _SEC_GAP),
            "y_reg_text": fmt_coord(y + 3 + _SEC_BAR - 1),
            "y_mun_text": fmt_coord(y + 3 + 2 * _SEC_BAR + _SEC_GAP - 1),
            "region": None,
        }
        value = shares.get((ECONOMY_REGION_KEY, letter))
        if value is not None:
            width = value / x_max * _SEC_PLOT_W
            text = _share_text(value, lang)
            row["region"] = {
                "w": fmt_coord(width),
                "x_text": fmt_coord(_SEC_X0 + width + 4),
                "text": text,
                "title": t["eco_tt_share"].format(name=region_label, value=text),
            }
        rows.append(row)
    chart = {
        "rows": rows,
        "ticks": ticks,
        "width": fmt_coord(_SEC_WIDTH),
        "height": fmt_coord(_SEC_TOP + len(letters) * _SEC_ROW + 4),
        "x0": fmt_coord(_SEC_X0),
        "pw": fmt_coord(_SEC_PLOT_W),
        "max": repr(x_max),
        "grid_y0": fmt_coord(_SEC_TOP - 2),
        "grid_y1": fmt_coord(_SEC_TOP + len(letters) * _SEC_ROW),
        "tick_y": fmt_coord(_SEC_TOP - 8),
        "label_w": fmt_coord(_SEC_LABEL_W),
        "row_h": fmt_coord(_SEC_ROW),
        "bar_h": fmt_coord(_SEC_BAR),
        "has_region": any(r["region"] is not None for r in rows),
    }
    munis: dict[str, list[int | None]] = {}
    for oktmo in dict.fromkeys(o for o, _ in shares):
        if oktmo == ECONOMY_REGION_KEY:
            continue
        values = [shares.get((oktmo, letter)) for letter in letters]
        munis[oktmo] = [None if v is None else round(v * 1000.0) for v in values]
    return chart, letters, munis


def _trend_series(
    economy: EconomySection,
) -> dict[str, dict[str, dict[int, float | None]]]:
    """Return the trend values by series, municipality and year (input order kept)."""
    frame = economy.trends
    series: dict[str, dict[str, dict[int, float | None]]] = {}
    if not len(frame):
        return series
    require_columns(frame, ["oktmo", "series", "year", "value"], "trends")
    for oktmo, key, year, number, value in zip(
        frame["oktmo"].tolist(),
        frame["series"].tolist(),
        frame["year"].tolist(),
        floats(frame["year"]),
        floats(frame["value"]),
        strict=True,
    ):
        code, name = display_text(oktmo), display_text(key)
        if number is None or not number.is_integer():
            msg = f"trends table: year {year!r} of series {name!r} is not a whole number"
            raise ReportInputError(msg)
        by_year = series.setdefault(name, {}).setdefault(code, {})
        if int(number) in by_year:
            msg = f"trends table has more than one row for {code!r}, {name!r}, {int(number)}"
            raise ReportInputError(msg)
        by_year[int(number)] = value
    return series


def _year_x(years: Sequence[int]) -> list[float]:
    """Return the x coordinate of each year (evenly by year; one year sits in the middle)."""
    first, last = years[0], years[-1]
    if last == first:
        return [_TR_X0 + _TR_PLOT_W / 2] * len(years)
    return [_TR_X0 + (y - first) / (last - first) * _TR_PLOT_W for y in years]


def _economy_trends(
    economy: EconomySection, lang: str, t: Mapping[str, str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Prepare the trend charts (median line drawn) and their data for the JSON."""
    series = _trend_series(economy)
    order = [k for k in economy.trend_labels if k in series]
    order += [k for k in series if k not in economy.trend_labels]
    charts: list[dict[str, Any]] = []
    data: dict[str, Any] = {}
    median_label = t["eco_legend_median"]
    for key in order:
        by_muni = {o: v for o, v in series[key].items() if o != ECONOMY_REGION_KEY}
        years = sorted({y for values in by_muni.values() for y in values})
        if not years:
            continue
        columns = [[values.get(y) for values in by_muni.values()] for y in years]
        medians = [
            float(np.median(finite)) if (finite := [v for v in col if v is not None]) else None
            for col in columns
        ]
        known = [m for m in medians if m is not None]
        if not known:
            continue
        low, high, step = _nice_scale(min(known), max(known))
        decimals = _step_decimals(step)
        xs = _year_x(years)

        def y_of(value: float, low: float = low, high: float = high) -> float:
            return _TR_Y0 + _TR_PLOT_H - (value - low) / (high - low) * _TR_PLOT_H

        every = math.ceil(len(years) / _TR_MAX_YEAR_LABELS)
        labels = economy.trend_labels.get(key)
        label = (labels[0] if lang == "ru" else labels[1]) if labels else key
        dots = [
            {
                "cx": fmt_coord(x),
                "cy": fmt_coord(y_of(m)),
                "title": t["eco_tt_year"].format(
                    name=median_label, year=year, value=_value_text(m, lang)
                ),
            }
            for x, year, m in zip(xs, years, medians, strict=True)
            if m is not None
        ]
        charts.append(
            {
                "key": key,
                "label": label,
                "unit": labels[2] if labels else "",
                "points": " ".join(f"{d['cx']},{d['cy']}" for d in dots),
                "dots": dots,
                "yticks": [
                    {"y": fmt_coord(y_of(v)), "text": _fixed(v, decimals, lang)}
                    for v in _ticks(low, high, step)
                ],
                # Every ``every``-th year, counted back from the latest, which is always shown.
                "xticks": [
                    {"x": fmt_coord(x), "text": str(year)}
                    for i, (x, year) in enumerate(zip(xs, years, strict=True))
                    if (len(years) - 1 - i) % every == 0
                ],
            }
        )
        data[key] = {
            "y": years,
            "med": [_compact(m) for m in medians],
            "v": {o: [_compact(values.get(y)) for y in years] for o, values in by_muni.items()},
        }
    return charts, data


def _economy_candidates(
    economy: EconomySection, names: Mapping[str, str], lang: str, t: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Prepare the candidate rows, by municipality (in table order) and rank."""
    frame = economy.candidates
    if not len(frame):
        return []
    require_columns(
        frame, ["oktmo", "rank", "candidate", "score", "why_ru", "why_en"], "candidates"
    )
    order = {code: i for i, code in enumerate(names)}
    rows: list[dict[str, Any]] = []
    for record in frame.to_dict("records"):
        code = display_text(record.get("oktmo"))
        key = display_text(record.get("candidate"))
        labels = economy.candidate_labels.get(key)
        why_own, why_other = ("why_ru", "why_en") if lang == "ru" else ("why_en", "why_ru")
        rank = to_float(record.get("rank"))
        rows.append(
            {
                "oktmo": code,
                "name": names.get(code, code),
                "key": key,
                "rank": _number_cell(rank, "int", lang, t["no_data"]),
                "label": ((labels[0] if lang == "ru" else labels[1]) if labels else key) or key,
                "score": _number_cell(record.get("score"), "float2", lang, t["no_data"]),
                "why": display_text(record.get(why_own)) or display_text(record.get(why_other)),
                # Municipalities in table order (others after them, by code), then rank.
                "order": (
                    order.get(code, len(order)),
                    "" if code in order else code,
                    math.inf if rank is None else rank,
                ),
            }
        )
    rows.sort(key=lambda r: r["order"])
    return rows


def _build_economy(economy: EconomySection, lang: str, t: Mapping[str, str]) -> dict[str, Any]:
    """Prepare every part of the economy section for the template."""
    headers, rows = _economy_table(economy, lang, t)
    sectors, letters, shares = _economy_sectors(economy, lang, t)
    trends, trend_data = _economy_trends(economy, lang, t)
    names = {r["oktmo"]: r["name"] for r in rows}
    extra = [*shares, *(o for d in trend_data.values() for o in d["v"])]
    munis = [{"oktmo": code, "name": name} for code, name in names.items()]
    munis += [{"oktmo": code, "name": code} for code in dict.fromkeys(extra) if code not in names]
    return {
        "note": economy.note_ru if lang == "ru" else economy.note_en,
        "headers": headers,
        "rows": rows,
        "munis": munis,
        "sectors": sectors,
        "trends": trends,
        "candidates": _economy_candidates(economy, names, lang, t),
        "trend_box": {
            "w": fmt_coord(_TR_WIDTH),
            "h": fmt_coord(_TR_HEIGHT),
            "x0": fmt_coord(_TR_X0),
            "x1": fmt_coord(_TR_X0 + _TR_PLOT_W),
            "pw": fmt_coord(_TR_PLOT_W),
            "y0": fmt_coord(_TR_Y0),
            "ph": fmt_coord(_TR_PLOT_H),
            "base": fmt_coord(_TR_Y0 + _TR_PLOT_H),
            "tick": fmt_coord(_TR_Y0 + _TR_PLOT_H + 4),
            "year_y": fmt_coord(_TR_Y0 + _TR_PLOT_H + 16),
            "label_x": fmt_coord(_TR_X0 - 5),
            "r": fmt_coord(_TR_DOT),
        },
        "json": _script_json({"sec": letters, "s": shares, "t": trend_data}),
    }


def template_data(section: EconomySection, ctx: RenderContext) -> dict[str, Any]:
    """Prepare every part of the economy section for its template part.

    Parameters
    ----------
    section
        The section's view model.
    ctx
        Language and labels (the economy section draws no map).

    Returns
    -------
    dict
        What ``sections/economy.html.j2`` reads.

    Raises
    ------
    ReportInputError
        If a table lacks a column, a column has an unknown format, or a table holds a
        bad value (a sector share outside 0-1, a year that is not a whole number, a
        repeated row).
    """
    return _build_economy(section, ctx.lang, ctx.labels)
