"""Town passport view model: what a passport shows, and that content put into words.

A passport gathers what the other analyses say about one town or urban-type
settlement: where it lies among its neighbours, its profile, its types with the
figures behind them, access to services against the standards, its role as an
anchor, the economy (sector structure and trends against the region), possible
specialisations, the resilience index and the strategy card with its alerts, and the
data caveats (modelled road network, modelled facilities, suppressed figures).

The caller builds a :class:`TownPassport` from the analyses. The helpers below turn
its values into the words and numbers that both the HTML page
(:mod:`opora.report.passport.html`) and the PDF (:mod:`opora.report.passport.pdf`)
show, in the passport's language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from opora.errors import ReportInputError
from opora.report._helpers import display_text, format_number, normalise_type

__all__ = [
    "ALERTS",
    "CARD_SECTIONS",
    "AccessRow",
    "BiText",
    "TownPassport",
    "access_rows",
    "card_sections",
    "finite_float",
    "meta_facts",
    "num_text",
    "resilience_text",
    "short_number",
    "title_text",
]

#: Sections of the strategy card, in the order they are shown after the alerts.
CARD_SECTIONS: Final[tuple[str, ...]] = ("foundation", "specialisation", "instruments", "targets")
ALERTS: Final = "alerts"
_NEIGHBOUR_COLUMNS: Final = ("name", "type", "population", "lon", "lat")
_ACCESS_COLUMNS: Final = ("service_ru", "service_en", "minutes", "standard", "within", "modelled")
_SECTOR_COLUMNS: Final = ("section", "label_ru", "label_en", "share", "region_share")
_TREND_COLUMNS: Final = ("series_ru", "series_en", "unit", "year", "value", "region_median")


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
    opora.errors.ReportInputError
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


def finite_float(value: object) -> float | None:
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


def num_text(value: object, fmt: str, lang: str) -> str:
    """Format a number in the style of ``lang``; ``—`` when missing."""
    text = format_number(value, fmt, lang)
    return "—" if text is None else text


def _type_text(settlement_type: str, t: Mapping[str, str]) -> str:
    """Return the type of a settlement as shown in ``t``'s language."""
    key = normalise_type(settlement_type)
    return t.get(f"stype.{key}", str(settlement_type or "").strip())


def title_text(p: TownPassport, t: Mapping[str, str]) -> str:
    """Return the passport title: ``"г. Бирск"`` or ``"Бирск (town)"``."""
    kind = _type_text(p.settlement_type, t)
    if not kind:
        return p.name
    return t["title"].format(type=kind, name=p.name)


def _population_text(p: TownPassport, lang: str, t: Mapping[str, str]) -> str:
    """Return the population with its year, or "no data"."""
    value = finite_float(p.population)
    if value is None:
        return t["population_missing"]
    n = num_text(value, "int", lang)
    if p.population_year is None:
        return t["population_value"].format(n=n)
    return t["population_year"].format(n=n, year=p.population_year)


def _coord_text(p: TownPassport, lang: str, t: Mapping[str, str]) -> str:
    """Return the coordinates as ``"55,42° с. ш., 55,54° в. д."``."""
    lat, lon = finite_float(p.lat), finite_float(p.lon)
    if lat is None or lon is None:
        return t["no_data"]
    if lon > 180:
        lon -= 360
    lat_text = t["lat_n" if lat >= 0 else "lat_s"].format(v=num_text(abs(lat), "float2", lang))
    lon_text = t["lon_e" if lon >= 0 else "lon_w"].format(v=num_text(abs(lon), "float2", lang))
    return f"{lat_text}, {lon_text}"


def short_number(value: float, lang: str) -> str:
    """Return a number with at most one decimal, without a trailing zero."""
    text = num_text(round(value, 1), "float1", lang)
    sep = "," if lang == "ru" else "."
    return text[:-2] if text.endswith(f"{sep}0") else text


@dataclass(frozen=True)
class AccessRow:
    """One service line of the accessibility table, already in words."""

    service: str
    minutes: str
    standard: str
    status: str
    state: str  # "ok", "over" or "unreachable"
    modelled: bool
    data: str


def access_rows(p: TownPassport, lang: str, t: Mapping[str, str]) -> list[AccessRow]:
    """Turn the accessibility table into display rows."""
    frame = p.accessibility
    rows: list[AccessRow] = []
    if frame.empty:
        return rows
    service_col = "service_ru" if lang == "ru" else "service_en"
    for rec in frame.to_dict("records"):
        minutes = finite_float(rec.get("minutes"))
        standard = finite_float(rec.get("standard"))
        modelled = bool(_bool(rec.get("modelled")))
        within = _bool(rec.get("within"))
        if minutes is None:
            state, minutes_text, status = "unreachable", "—", t["access_unreachable"]
        else:
            if within is None:
                within = standard is None or minutes <= standard
            state = "ok" if within else "over"
            minutes_text = num_text(minutes, "int", lang)
            if state == "over" and standard is not None:
                excess = max(minutes - standard, 0.0)
                if round(minutes) <= round(standard):
                    minutes_text = num_text(minutes, "float1", lang)
                excess_text = (
                    num_text(excess, "float1", lang)
                    if excess < 1
                    else num_text(excess, "int", lang)
                )
                status = t["access_over"].format(n=excess_text)
            elif state == "over":
                status = t["access_over"].format(n="?")
            else:
                status = t["access_within"]
        standard_text = (
            "—"
            if standard is None
            else t["access_standard_value"].format(n=short_number(standard, lang))
        )
        rows.append(
            AccessRow(
                service=display_text(rec.get(service_col)) or display_text(rec.get("service_ru")),
                minutes=minutes_text,
                standard=standard_text,
                status=status,
                state=state,
                modelled=modelled,
                data=t["access_modelled"] if modelled else t["access_observed"],
            )
        )
    return rows


def card_sections(p: TownPassport, lang: str, t: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """Return the strategy card sections (without the alerts) as (heading, lines)."""
    keys = [k for k in CARD_SECTIONS if p.card.get(k)]
    keys += [k for k in p.card if k not in CARD_SECTIONS and k != ALERTS and p.card.get(k)]
    return [(t.get(f"card_{k}", k), [line.text(lang) for line in p.card[k]]) for k in keys]


def resilience_text(p: TownPassport, lang: str, t: Mapping[str, str]) -> tuple[str, str] | None:
    """Return the resilience score and the rank text, or ``None`` when not computed."""
    if p.resilience is None:
        return None
    score, rank, n = p.resilience
    value = finite_float(score)
    score_text = "—" if value is None else short_number(value, lang)
    full = t["resilience_score"].format(score=score_text)
    rank_text = t["resilience_rank"].format(rank=rank, n=n)
    return full, rank_text


def meta_facts(p: TownPassport, lang: str, t: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return the header facts as (label, value) pairs."""
    return [
        (t["population"], _population_text(p, lang, t)),
        (t["oktmo"], str(p.oktmo)),
        (t["municipality_oktmo"], str(p.municipality_oktmo) or "—"),
        (t["coordinates"], _coord_text(p, lang, t)),
    ]
