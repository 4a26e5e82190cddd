"""Anchor settlement framework section of the single-file HTML report.

The section shows a proposed framework of anchor settlements: inter-district
centres and local anchors, the settlements that lean on each of them, the
population within the travel-time standards of every service, the settlements left
outside and why, how coverage changes under scenarios, and (optionally) how the
framework compares with a given list of anchors. It is built like the report's
other optional sections: an SVG map on the main map's projection, legends as
tables, sortable tables, and fixed text from :mod:`opora.report.labels`.

The view model is :class:`AnchorSection`; :func:`build_anchor_section` makes it from
the anchor framework's results and :func:`template_data` turns it into what the
template part ``sections/anchors.html.j2`` shows.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from opora.anchors.framework import AnchorFramework, Evaluation
from opora.anchors.scenarios import ScenarioRun
from opora.errors import ReportInputError
from opora.report._helpers import (
    MISSING_TEXT,
    Projection,
    RenderContext,
    display_text,
    dots_path,
    fmt_coord,
    format_number,
    lonlat,
    minutes_cell,
    minutes_text,
    require_columns,
    share_class,
    sqrt_scale,
    standard_text,
    to_float,
    value_cell,
)
from opora.report.sections.anchor_checks import anchor_origin, checks_data

__all__ = [
    "ANCHORS_MAX_UNCOVERED",
    "ANCHOR_LEVELS",
    "ANCHOR_LEVEL_COLOURS",
    "ANCHOR_REASONS",
    "ANCHOR_REASON_COLOURS",
    "AnchorAnalyses",
    "AnchorSection",
    "build_anchor_section",
    "template_data",
]

#: Levels of an anchor, from the highest: inter-district centre, local anchor.
ANCHOR_LEVELS: Final[tuple[str, ...]] = ("district", "local")

#: Marker and catchment-line colour of each anchor level (Okabe-Ito blue and green).
ANCHOR_LEVEL_COLOURS: Final[Mapping[str, str]] = {
    "district": "#0072b2",
    "local": "#009e73",
}

#: Why a settlement is left outside a service's standard, from the most severe.
ANCHOR_REASONS: Final[tuple[str, ...]] = (
    "unreachable",
    "season",
    "too_far",
    "capacity",
    "no_anchor",
)

#: Marker colour of each reason (Okabe-Ito, colour-blind safe); ``"unknown"`` marks a
#: settlement that is not covered but has no row in :attr:`AnchorSection.uncovered`.
ANCHOR_REASON_COLOURS: Final[Mapping[str, str]] = {
    "unreachable": "#d55e00",
    "season": "#cc79a7",
    "too_far": "#e69f00",
    "capacity": "#f0e442",
    "no_anchor": "#56b4e9",
    "unknown": "#000000",
}

#: Most rows of the table of settlements outside the standards (the most populous).
ANCHORS_MAX_UNCOVERED: Final = 60

_DISTRICT_HALF: Final = (4.5, 13.0)  # half side of a district centre's square
_LOCAL_RADIUS: Final = (2.5, 9.0)  # radius of a local anchor's circle
_UNCOVERED_RADIUS: Final = 3.2
_MAX_TIP_SERVICES: Final = 6

_ANCHOR_COLUMNS: Final[tuple[str, ...]] = (
    "settlement_id",
    "name",
    "municipality",
    "level",
    "services_ru",
    "services_en",
    "population",
    "served_population",
    "settlements_served",
    "fixed",
    "lon",
    "lat",
)
_CATCHMENT_COLUMNS: Final[tuple[str, ...]] = (
    "settlement_id",
    "lon",
    "lat",
    "population",
    "anchor_id",
    "covered",
)
_OUTSIDE_COLUMNS: Final[tuple[str, ...]] = (
    "outside_too_far",
    "outside_season",
    "outside_capacity",
    "outside_no_anchor",
    "outside_unreachable",
)
#: Reason shown in the header of each ``outside_*`` column of the coverage table.
_OUTSIDE_REASON: Final[Mapping[str, str]] = {
    "outside_too_far": "too_far",
    "outside_season": "season",
    "outside_capacity": "capacity",
    "outside_no_anchor": "no_anchor",
    "outside_unreachable": "unreachable",
}
_COVERAGE_COLUMNS: Final[tuple[str, ...]] = (
    "service",
    "level",
    "label_ru",
    "label_en",
    "max_minutes",
    "population",
    "covered_population",
    "covered_pct",
    *_OUTSIDE_COLUMNS,
)
_UNCOVERED_COLUMNS: Final[tuple[str, ...]] = (
    "settlement_id",
    "name",
    "municipality",
    "population",
    "service",
    "minutes",
    "reason",
    "lon",
    "lat",
)
_SCENARIO_COLUMNS: Final[tuple[str, ...]] = (
    "scenario",
    "label_ru",
    "label_en",
    "service",
    "covered_pct_base",
    "covered_pct",
    "delta_pp",
    "anchors_added",
    "anchors_removed",
)
_COMPARISON_COLUMNS: Final[tuple[str, ...]] = (
    "service",
    "label_ru",
    "label_en",
    "given_pct",
    "proposed_pct",
)


class AnchorAnalyses(Protocol):
    """What the section reads of a region's anchor-framework results."""

    @property
    def framework(self) -> AnchorFramework:
        """The framework with its proposal (``framework.plan``)."""

    @property
    def evaluation(self) -> Evaluation | None:
        """Evaluation of the given list, or ``None``."""

    @property
    def given_label_ru(self) -> str:
        """Russian name of the given list."""

    @property
    def given_label_en(self) -> str:
        """English name of the given list."""

    @property
    def scenarios(self) -> ScenarioRun | None:
        """Scenario results, or ``None``."""


@dataclass(eq=False, kw_only=True)
class AnchorSection:
    """Data of the report's optional anchor settlement framework section.

    Instances compare by identity (``eq=False``): comparing data frames element by
    element has no single truth value. All fields are keyword-only.

    Attributes
    ----------
    anchors
        One row per anchor: ``settlement_id`` (str), ``name``, ``municipality``,
        ``level`` (``"district"``: an inter-district centre, or ``"local"``: a local
        anchor settlement), ``services_ru`` and ``services_en`` (the services the
        anchor holds, comma-separated, in Russian and in English), ``population``
        (its own), ``served_population`` (the population within the standards of
        its catchment), ``settlements_served`` (int), ``fixed`` (bool: an existing
        anchor kept fixed), ``lon`` and ``lat`` (EPSG:4326).
    catchments
        One row per settlement: ``settlement_id``, ``lon``, ``lat``, ``population``,
        ``anchor_id`` (``settlement_id`` of its nearest anchor of any level; None or
        NaN when it reaches none) and ``covered`` (bool: every local service within
        its standard). Every ``anchor_id`` must be in ``anchors``.
    coverage
        One row per service: ``service`` (key), ``level`` (``"district"`` or
        ``"local"``), ``label_ru``, ``label_en``, ``max_minutes`` (the standard),
        ``population``, ``covered_population``, ``covered_pct`` (0-100) and the
        population left outside by reason: ``outside_too_far``, ``outside_season``,
        ``outside_capacity``, ``outside_no_anchor`` and ``outside_unreachable``.
    uncovered
        Settlements outside a service's standard: ``settlement_id``, ``name``,
        ``municipality``, ``population``, ``service`` (a key of ``coverage``),
        ``minutes`` (NaN when unreachable), ``reason`` (one of
        :data:`ANCHOR_REASONS`: ``"too_far"``, ``"season"``, ``"capacity"``,
        ``"no_anchor"``, ``"unreachable"``), ``lon`` and ``lat``. At most
        :data:`ANCHORS_MAX_UNCOVERED` rows, the most populous, are tabled.
    scenarios
        One row per scenario and service: ``scenario`` (key), ``label_ru``,
        ``label_en`` (the scenario's name), ``service`` (a key of ``coverage``),
        ``covered_pct_base``, ``covered_pct``, ``delta_pp`` (change in percentage
        points), ``anchors_added`` and ``anchors_removed`` (comma-separated names of
        the anchors the scenario's re-selection adds and drops; may be empty).
    comparison
        ``None``, or a side-by-side of a given anchor list and the proposed
        framework, one row per service: ``service``, ``label_ru``, ``label_en``,
        ``given_pct`` and ``proposed_pct`` (0-100).
    counts
        Number of anchors by level: ``{"district": int, "local": int}``.
    modelled
        ``True`` when the roads and facilities are modelled: the framework is then
        illustrative and the section carries a prominent "modelled" badge.
    note_ru, note_en
        What the data are and how the framework was chosen, in Russian and English.
    given_label_ru, given_label_en
        Name of the given anchor list of ``comparison`` (for example «центры
        муниципальных районов»), in Russian and English.
    redundant
        Given anchors that can be removed without loss of coverage:
        ``settlement_id``, ``name``; ``None`` counts as empty.
    additions
        Best additions to the given list: ``rank``, ``settlement_id``, ``name`` and
        ``gain_population``; ``None`` counts as empty.
    origin
        Anchors per level by origin (:func:`~opora.report.sections.anchor_checks.anchor_origin`:
        ``level, anchors, kept, raised, added``); ``None``: not shown.
    checks
        Plausibility checks (:func:`opora.anchors.checks.plausibility_checks`); ``None``
        or empty: none listed.
    kinds
        Coverage and redundancy of the given list per kind
        (:attr:`opora.anchors.framework.Evaluation.by_kind`); ``None``: not shown.
    """

    anchors: pd.DataFrame
    catchments: pd.DataFrame
    coverage: pd.DataFrame
    uncovered: pd.DataFrame
    scenarios: pd.DataFrame
    comparison: pd.DataFrame | None = None
    counts: Mapping[str, int]
    modelled: bool
    note_ru: str
    note_en: str
    given_label_ru: str = ""
    given_label_en: str = ""
    redundant: pd.DataFrame | None = None
    additions: pd.DataFrame | None = None
    origin: pd.DataFrame | None = None
    checks: pd.DataFrame | None = None
    kinds: pd.DataFrame | None = None


# --------------------------------------------------------------------------- builder


def build_anchor_section(result: AnchorAnalyses) -> AnchorSection:
    """Prepare the report's anchor-framework section.

    Parameters
    ----------
    result
        The anchor framework of the region (:func:`opora.workflow.anchors.run_anchors`).

    Returns
    -------
    AnchorSection
        Data of the section.
    """
    fw = result.framework
    plan = fw.plan
    if plan is None:  # pragma: no cover - run_anchors always solves
        msg = "the framework has no plan; call run_anchors first"
        raise ValueError(msg)
    s = fw.settlements
    info = s.copy()
    if "municipality_name" in s:
        info["municipality"] = s["municipality_name"].fillna(s["municipality"])
    anchors = plan.anchors.drop(columns=["municipality"]).merge(
        info[["settlement_id", "municipality", "lon", "lat"]], on="settlement_id"
    )
    catch = plan.catchments.merge(
        s[["settlement_id", "lon", "lat", "population"]], on="settlement_id"
    )
    base = plan.outside[plan.outside["state"] == plan.state]
    later = plan.outside[plan.outside["state"] != plan.state].drop_duplicates(
        ["settlement_id", "service"]
    )
    unc = pd.concat([base, later], ignore_index=True).merge(
        info[["settlement_id", "name", "municipality", "lon", "lat"]], on="settlement_id"
    )
    unc = unc[list(_UNCOVERED_COLUMNS)]
    counts = {k: int((plan.anchors["level"] == k).sum()) for k in ("district", "local")}
    modelled = fw.modelled
    net_ru = "смоделированной сети дорог" if modelled else "сети дорог OpenStreetMap"
    net_en = "the modelled road network" if modelled else "the OpenStreetMap road network"
    lv = fw.levels
    top = max(lv.values(), key=lambda v: v.rank)
    low = min(lv.values(), key=lambda v: v.rank)
    nbsp = "\u00a0"
    note_ru = (
        f"Каркас подобран на {net_ru}: сначала межрайонные центры (населённые пункты от "
        f"{top.min_population:,} жителей), затем опорные пункты (от "
        f"{low.min_population:,}); на каждом уровне — наименьшее число пунктов, при "
        "котором все, кого вообще можно обслужить в пределах норматива, обслужены (задача о "
        "покрытии, решена точно HiGHS); из наборов такого размера выбран тот, где "
        "взвешенное по населению время до ближайшего опорного пункта наименьшее. Населённые "
        "пункты, где уже есть все услуги уровня, остаются опорными. Центры районов и округов "
        "могут быть выбраны при любой численности. Сезон «зима» в смоделированной сети — "
        "время в пути ×1,25."
    )
    note_ru = note_ru.replace(
        f"{top.min_population:,}", f"{top.min_population:,}".replace(",", nbsp)
    )
    note_ru = note_ru.replace(
        f"{low.min_population:,}", f"{low.min_population:,}".replace(",", nbsp)
    )
    note_en = (
        f"The framework is chosen on {net_en}: inter-district centres first (settlements of "
        f"{top.min_population:,}+ people), then local anchors "
        f"({low.min_population:,}+); at each level the fewest anchors that keep "
        "everyone who can be served within a standard served (a set-covering model solved "
        "exactly with HiGHS); among the sets of that size, the one with the least "
        "population-weighted travel time to the nearest anchor. Settlements that already "
        "hold every service of a level stay anchors of it. District and okrug centres may "
        "be chosen whatever their size. Winter on the modelled network: travel times × 1.25."
    )
    comparison = redundant = additions = None
    if result.evaluation is not None:
        ev = result.evaluation
        comparison = ev.comparison
        redundant = ev.redundant
        additions = ev.additions.assign(rank=np.arange(1, len(ev.additions) + 1))
    kinds = None if result.evaluation is None else result.evaluation.by_kind
    centres = getattr(result, "service_centres", None)
    origin = (
        anchor_origin(
            plan.anchors,
            centres,
            sorted(lv, key=lambda k: -lv[k].rank),
            getattr(result, "previous_counts", None),
        )
        if centres is not None
        else None
    )
    scen = (
        result.scenarios.table
        if result.scenarios is not None
        else pd.DataFrame(columns=list(_SCENARIO_COLUMNS))
    )
    return AnchorSection(
        anchors=anchors,
        catchments=catch,
        coverage=plan.coverage,
        uncovered=unc,
        scenarios=scen,
        comparison=comparison,
        counts=counts,
        modelled=modelled,
        note_ru=note_ru,
        note_en=note_en,
        given_label_ru=result.given_label_ru,
        given_label_en=result.given_label_en,
        redundant=redundant,
        additions=additions,
        origin=origin,
        checks=getattr(result, "checks", None),
        kinds=kinds,
    )


# --------------------------------------------------------------------------- helpers


def _flag(value: object) -> bool:
    """Return a boolean cell as ``bool``; a missing value is ``False``."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "да"}
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def _pick(lang: str, ru: object, en: object) -> str:
    """Return the text of the report language."""
    return display_text(ru if lang == "ru" else en)


def _service_label(record: Mapping[Hashable, Any], lang: str) -> str:
    """Return the label of a row's service in the report language, or else its key."""
    return _pick(lang, record["label_ru"], record["label_en"]) or display_text(record["service"])


def _coords(
    frame: pd.DataFrame, places: Mapping[str, tuple[float, float]]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Return a table's ``lon``/``lat``, filling gaps from the settlements' own points."""
    lon = np.array([to_float(v) for v in frame["lon"].tolist()], dtype=float)
    lat = np.array([to_float(v) for v in frame["lat"].tolist()], dtype=float)
    gaps = ~(np.isfinite(lon) & np.isfinite(lat))
    if gaps.any() and places:
        ids = [display_text(v) for v in frame["settlement_id"].tolist()]
        for k in np.flatnonzero(gaps).tolist():
            point = places.get(ids[k])
            if point is not None:
                lon[k], lat[k] = point
    return lon, lat


def _places(settlements: Any) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Return the settlements' points and names by ``settlement_id``."""
    if not len(settlements) or "settlement_id" not in settlements.columns:
        return {}, {}
    lon, lat = lonlat(settlements)
    ids = [display_text(v) for v in settlements["settlement_id"].tolist()]
    names = (
        [display_text(v) for v in settlements["name"].tolist()]
        if "name" in settlements.columns
        else []
    )
    points = {
        sid: (float(x), float(y))
        for sid, x, y in zip(ids, lon.tolist(), lat.tolist(), strict=True)
        if math.isfinite(x) and math.isfinite(y)
    }
    return points, dict(zip(ids, names, strict=False))


def _delta_cell(value: object, lang: str) -> dict[str, Any]:
    """Return a change in percentage points: signed text, sort value, colour class."""
    number = to_float(value)
    if number is None:
        return {"text": MISSING_TEXT, "v": "", "missing": True, "cls": ""}
    shown = round(number, 1)
    text = format_number(number, "float1", lang) or MISSING_TEXT
    if shown > 0:
        text = f"+{text}"
    cls = "anc-neg" if shown < 0 else "anc-pos" if shown > 0 else ""
    return {"text": text, "v": repr(number), "missing": False, "cls": cls}


def _pct_cell(value: object, lang: str) -> dict[str, Any]:
    """Return a percentage cell coloured by :func:`share_class`."""
    cell = value_cell(value, "pct1", lang)
    cell["cls"] = share_class(value)
    return cell


def _names(value: object) -> str:
    """Return a comma-separated list of names, tidied (``""`` when empty)."""
    return ", ".join(p.strip() for p in display_text(value).split(",") if p.strip())


def _service_labels(coverage: pd.DataFrame, lang: str) -> dict[str, str]:
    """Return each service key's label in the report language."""
    return {
        display_text(k): _pick(lang, ru, en) or display_text(k)
        for k, ru, en in zip(
            coverage["service"].tolist(),
            coverage["label_ru"].tolist(),
            coverage["label_en"].tolist(),
            strict=True,
        )
    }


def _check_services(values: Iterable[object], labels: Mapping[str, str], what: str) -> None:
    """Raise :class:`ReportInputError` when a table names a service not in ``coverage``."""
    for value in values:
        key = display_text(value)
        if key not in labels:
            msg = f"anchor {what} table names service {key!r}, which is not in the coverage table"
            raise ReportInputError(msg)


# --------------------------------------------------------------------------- parts


def _anchor_rows(anchors: pd.DataFrame, lang: str, t: Mapping[str, str]) -> list[dict[str, Any]]:
    """Return the checked anchors, district centres first, each by served population."""
    require_columns(anchors, _ANCHOR_COLUMNS, "anchors")
    rows: list[dict[str, Any]] = []
    # only the columns read: the anchors table carries many more, costly to convert
    for record in anchors[list(_ANCHOR_COLUMNS)].to_dict("records"):
        level = display_text(record["level"])
        if level not in ANCHOR_LEVELS:
            msg = f"anchor level {level!r} is not one of {', '.join(ANCHOR_LEVELS)}"
            raise ReportInputError(msg)
        served = to_float(record["served_population"])
        rows.append(
            {
                "id": display_text(record["settlement_id"]),
                "name": display_text(record["name"]) or display_text(record["settlement_id"]),
                "municipality": display_text(record["municipality"]),
                "level": level,
                "level_label": t[f"anc_level_{level}"],
                "colour": ANCHOR_LEVEL_COLOURS[level],
                "services": _names(_pick(lang, record["services_ru"], record["services_en"])),
                "population": value_cell(record["population"], "int", lang),
                "served_v": served,
                "served": value_cell(served, "int", lang),
                "settlements": value_cell(record["settlements_served"], "int", lang),
                "fixed": _flag(record["fixed"]),
                "lon": to_float(record["lon"]),
                "lat": to_float(record["lat"]),
            }
        )
    rows.sort(key=lambda r: (ANCHOR_LEVELS.index(r["level"]), -(r["served_v"] or 0.0)))
    return rows


def _anchor_title(row: Mapping[str, Any], lang: str, t: Mapping[str, str]) -> str:
    """Return the tooltip of an anchor marker."""
    head = row["name"] + (f" ({row['municipality']})" if row["municipality"] else "")
    tip = [head, row["level_label"]]
    if row["services"]:
        tip.append(t["anc_tt_services"].format(services=row["services"]))
    tip.append(t["anc_tt_served"].format(n=format_number(row["served_v"], "int", lang) or "—"))
    tip.append(t["anc_tt_settlements"].format(n=row["settlements"]["text"]))
    if row["fixed"]:
        tip.append(t["anc_tt_fixed"])
    return "\n".join(tip)


def _uncovered_by_settlement(
    uncovered: pd.DataFrame, labels: Mapping[str, str], lang: str, t: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """Return, per settlement, its most severe reason, a name and tooltip lines."""
    found: dict[str, dict[str, Any]] = {}
    # tens of thousands of rows in a large region share a few reasons, services and times:
    # plain lists instead of records, and each distinct tooltip line is formatted once
    tips: dict[tuple[str, float | None, float, str], str] = {}
    cols = [uncovered[c].tolist() for c in ("settlement_id", "reason", "name", "minutes")]
    services = uncovered["service"].tolist()
    for sid_v, reason_v, name_v, minutes_v, service_v in zip(*cols, services, strict=True):
        sid = display_text(sid_v)
        reason = display_text(reason_v)
        entry = found.setdefault(sid, {"reason": reason, "name": display_text(name_v), "tip": []})
        if ANCHOR_REASONS.index(reason) < ANCHOR_REASONS.index(entry["reason"]):
            entry["reason"] = reason
        minutes = to_float(minutes_v)
        service_key = display_text(service_v)
        # the sign keeps -0.0 apart from 0.0, which are one dict key
        key = (reason, minutes, math.copysign(1.0, minutes or 0.0), service_key)
        tip = tips.get(key)
        if tip is None:
            why = t[f"anc_reason_{reason}"]
            if minutes is not None:
                why = f"{why} ({minutes_text(minutes, lang, t)})"
            service = labels[service_key]
            tip = tips[key] = t["anc_tt_reason"].format(service=service, reason=why)
        entry["tip"].append(tip)
    return found


def _anchors_map(
    section: AnchorSection,
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str],
    settlements: Any,
    projection: Projection | None,
    lang: str,
    t: Mapping[str, str],
) -> dict[str, Any]:
    """Prepare the map: grey settlements, catchment lines, uncovered points, anchors."""
    catchments = section.catchments
    require_columns(catchments, _CATCHMENT_COLUMNS, "anchor catchments")
    by_id = {r["id"]: r for r in rows}
    targets = [display_text(v) for v in catchments["anchor_id"].tolist()]
    for target in targets:
        if target and target not in by_id:
            msg = (
                f"anchor catchments table names anchor {target!r}, "
                "which is not in the anchors table"
            )
            raise ReportInputError(msg)
    ids = [display_text(v) for v in catchments["settlement_id"].tolist()]
    covered = [_flag(v) for v in catchments["covered"].tolist()]
    pops = [to_float(v) for v in catchments["population"].tolist()]
    reasons = _uncovered_by_settlement(section.uncovered, labels, lang, t)
    points, names = _places(settlements)

    outside = [k for k in range(len(ids)) if not covered[k]]
    reason_of = {k: reasons.get(ids[k], {}).get("reason", "unknown") for k in outside}
    counts = {lvl: to_float(section.counts.get(lvl)) or 0.0 for lvl in ANCHOR_LEVELS}
    n_district = format_number(counts["district"], "int", lang)
    n_local = format_number(counts["local"], "int", lang)
    line_counts = dict.fromkeys(ANCHOR_LEVELS, 0)
    result: dict[str, Any] = {
        "caption": t["anc_caption"].format(
            district=n_district, local=n_local, uncovered=format_number(len(outside), "int", lang)
        ),
        "levels": [],
        "reasons": [
            {
                "key": key,
                "label": t[f"anc_reason_{key}"],
                "colour": colour,
                "count": sum(r == key for r in reason_of.values()),
            }
            for key, colour in ANCHOR_REASON_COLOURS.items()
            if key != "unknown" or "unknown" in reason_of.values()
        ],
        "base": "",
        "lines": [],
        "points": [],
        "markers": [],
        "not_shown": 0,
    }
    result["levels"] = [
        {
            "key": lvl,
            "label": t[f"anc_level_{lvl}"],
            "line_label": t[f"anc_legend_line_{lvl}"],
            "colour": ANCHOR_LEVEL_COLOURS[lvl],
            "count": sum(r["level"] == lvl for r in rows),
        }
        for lvl in ANCHOR_LEVELS
    ]
    result["fixed"] = sum(bool(r["fixed"]) for r in rows)
    if projection is None:
        result["line_counts"] = line_counts
        return result

    # The anchors' points, with gaps filled from the settlements' own points.
    a_lon = np.array([np.nan if r["lon"] is None else r["lon"] for r in rows], dtype=float)
    a_lat = np.array([np.nan if r["lat"] is None else r["lat"] for r in rows], dtype=float)
    for k, r in enumerate(rows):
        if not (math.isfinite(a_lon[k]) and math.isfinite(a_lat[k])) and r["id"] in points:
            a_lon[k], a_lat[k] = points[r["id"]]
    ax, ay = projection.project(a_lon, a_lat)
    at = {r["id"]: (float(ax[k]), float(ay[k])) for k, r in enumerate(rows)}

    s_lon, s_lat = lonlat(settlements)
    result["base"] = dots_path(s_lon, s_lat, projection)

    c_lon, c_lat = _coords(catchments, points)
    cx, cy = projection.project(c_lon, c_lat)
    parts: dict[str, list[str]] = {lvl: [] for lvl in ANCHOR_LEVELS}
    for k, target in enumerate(targets):
        if not target or target == ids[k]:
            continue
        x2, y2 = at[target]
        x1, y1 = float(cx[k]), float(cy[k])
        if not all(math.isfinite(v) for v in (x1, y1, x2, y2)):
            continue
        level = by_id[target]["level"]
        parts[level].append(f"M{fmt_coord(x1)} {fmt_coord(y1)}L{fmt_coord(x2)} {fmt_coord(y2)}")
        line_counts[level] += 1
    result["lines"] = [
        {"level": lvl, "colour": ANCHOR_LEVEL_COLOURS[lvl], "d": "".join(parts[lvl])}
        for lvl in ANCHOR_LEVELS
        if parts[lvl]
    ]
    result["line_counts"] = line_counts

    # Settlements outside the standards: small markers coloured by the most severe reason.
    pts = []
    not_shown = 0
    for k in sorted(outside, key=lambda k: -(pops[k] or 0.0)):
        x, y = float(cx[k]), float(cy[k])
        if not (math.isfinite(x) and math.isfinite(y)):
            not_shown += 1
            continue
        info = reasons.get(ids[k], {})
        name = info.get("name") or names.get(ids[k]) or ids[k]
        pop_text = format_number(pops[k], "int", lang)
        tip = [name, t["tt_population"].format(n=pop_text) if pop_text else t["tt_population_na"]]
        lines = info.get("tip", [])
        tip.extend(lines[:_MAX_TIP_SERVICES])
        if len(lines) > _MAX_TIP_SERVICES:
            tip.append("…")
        if not lines:
            tip.append(t["anc_reason_unknown"])
        reason = reason_of[k]
        pts.append(
            {
                "id": ids[k],
                "reason": reason,
                "colour": ANCHOR_REASON_COLOURS[reason],
                "cx": fmt_coord(x),
                "cy": fmt_coord(y),
                "r": fmt_coord(_UNCOVERED_RADIUS),
                "title": "\n".join(tip),
            }
        )
    pts.reverse()  # the most populous last, on top
    result["points"] = pts

    # Anchors on top: district squares and local circles, sized by served population.
    top = max((r["served_v"] or 0.0 for r in rows), default=0.0)
    markers = []
    for r in rows:
        x, y = at[r["id"]]
        if not (math.isfinite(x) and math.isfinite(y)):
            not_shown += 1
            continue
        served = r["served_v"] or 0.0
        low, high = _DISTRICT_HALF if r["level"] == "district" else _LOCAL_RADIUS
        size = sqrt_scale(served, top, low, high)
        markers.append(
            {
                "id": r["id"],
                "level": r["level"],
                "district": r["level"] == "district",
                "fixed": r["fixed"],
                "colour": r["colour"],
                "cx": fmt_coord(x),
                "cy": fmt_coord(y),
                "x": fmt_coord(x - size),
                "y": fmt_coord(y - size),
                "side": fmt_coord(2 * size),
                "r": fmt_coord(size),
                "size": size,
                "served": "" if r["served_v"] is None else repr(float(r["served_v"])),
                "title": _anchor_title(r, lang, t),
            }
        )
    # Large markers first, so small ones stay visible; district centres above local ones.
    markers.sort(key=lambda m: (m["district"], -m["size"]))
    result["markers"] = markers
    result["not_shown"] = not_shown
    return result


def _coverage_rows(coverage: pd.DataFrame, lang: str, t: Mapping[str, str]) -> list[dict[str, Any]]:
    """Return the rows of the coverage table."""
    rows = []
    for record in coverage.to_dict("records"):
        level = display_text(record["level"])
        minutes = to_float(record["max_minutes"])
        rows.append(
            {
                "key": display_text(record["service"]),
                "label": _service_label(record, lang),
                "level": t[f"anc_svc_level_{level}"] if level in ANCHOR_LEVELS else level,
                "standard": MISSING_TEXT if minutes is None else standard_text(minutes, lang, t),
                "standard_v": "" if minutes is None else repr(minutes),
                "population": value_cell(record["population"], "int", lang),
                "covered": value_cell(record["covered_population"], "int", lang),
                "pct": _pct_cell(record["covered_pct"], lang),
                "outside": [value_cell(record[c], "int", lang) for c in _OUTSIDE_COLUMNS],
            }
        )
    return rows


def _uncovered_rows(
    uncovered: pd.DataFrame, labels: Mapping[str, str], lang: str, t: Mapping[str, str]
) -> list[dict[str, Any]]:
    """Return the most populous :data:`ANCHORS_MAX_UNCOVERED` rows of the uncovered table."""
    pops = [to_float(v) for v in uncovered["population"].tolist()]
    order = sorted(range(len(pops)), key=lambda k: -(pops[k] or 0.0))[:ANCHORS_MAX_UNCOVERED]
    # records of the rows tabled only, not of the tens of thousands of a large region
    cols = ["reason", "settlement_id", "name", "municipality", "service", "minutes"]
    records = uncovered[cols].iloc[order].to_dict("records")
    rows = []
    for k, record in zip(order, records, strict=True):
        reason = display_text(record["reason"])
        rows.append(
            {
                "id": display_text(record["settlement_id"]),
                "name": display_text(record["name"]) or display_text(record["settlement_id"]),
                "municipality": display_text(record["municipality"]),
                "population": value_cell(pops[k], "int", lang),
                "service": labels[display_text(record["service"])],
                "minutes": minutes_cell(record["minutes"], lang, t),
                "reason": reason,
                "reason_label": t[f"anc_reason_{reason}"],
                "colour": ANCHOR_REASON_COLOURS[reason],
            }
        )
    return rows


def _scenario_parts(
    scenarios: pd.DataFrame, labels: Mapping[str, str], lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Return the scenario-by-service rows and, per scenario, the anchors added and dropped."""
    require_columns(scenarios, _SCENARIO_COLUMNS, "anchor scenarios")
    _check_services(scenarios["service"].tolist(), labels, "scenarios")
    rows = []
    changes: dict[str, dict[str, Any]] = {}
    for record in scenarios.to_dict("records"):
        key = display_text(record["scenario"])
        label = _pick(lang, record["label_ru"], record["label_en"]) or key
        rows.append(
            {
                "scenario": key,
                "label": label,
                "service_key": display_text(record["service"]),
                "service": labels[display_text(record["service"])],
                "base": _pct_cell(record["covered_pct_base"], lang),
                "pct": _pct_cell(record["covered_pct"], lang),
                "delta": _delta_cell(record["delta_pp"], lang),
            }
        )
        entry = changes.setdefault(key, {"label": label, "added": [], "removed": []})
        for field, out in (("anchors_added", "added"), ("anchors_removed", "removed")):
            for name in _names(record[field]).split(", "):
                if name and name not in entry[out]:
                    entry[out].append(name)
    change_rows = [
        {
            "scenario": key,
            "label": entry["label"],
            "added": ", ".join(entry["added"]),
            "removed": ", ".join(entry["removed"]),
        }
        for key, entry in changes.items()
    ]
    return rows, change_rows


def _comparison(section: AnchorSection, lang: str, t: Mapping[str, str]) -> dict[str, Any] | None:
    """Prepare the comparison with a given anchor list, or ``None`` when there is none."""
    frame = section.comparison
    if frame is None:
        return None
    require_columns(frame, _COMPARISON_COLUMNS, "anchor comparison")
    rows = []
    for record in frame.to_dict("records"):
        given = to_float(record["given_pct"])
        proposed = to_float(record["proposed_pct"])
        rows.append(
            {
                "key": display_text(record["service"]),
                "label": _service_label(record, lang),
                "given": _pct_cell(given, lang),
                "proposed": _pct_cell(proposed, lang),
                "delta": _delta_cell(
                    None if given is None or proposed is None else proposed - given, lang
                ),
            }
        )
    redundant: list[dict[str, str]] = []
    if section.redundant is not None:
        require_columns(section.redundant, ["settlement_id", "name"], "anchor redundant")
        redundant = [
            {"id": display_text(r["settlement_id"]), "name": display_text(r["name"])}
            for r in section.redundant.to_dict("records")
        ]
    additions: list[dict[str, Any]] = []
    if section.additions is not None:
        require_columns(
            section.additions,
            ["rank", "settlement_id", "name", "gain_population"],
            "anchor additions",
        )
        additions = [
            {
                "rank": value_cell(r["rank"], "int", lang),
                "id": display_text(r["settlement_id"]),
                "name": display_text(r["name"]),
                "gain": value_cell(r["gain_population"], "int", lang),
            }
            for r in section.additions.to_dict("records")
        ]
    given_label = _pick(lang, section.given_label_ru, section.given_label_en)
    return {
        "given": given_label or t["anc_cmp_given_default"],
        "rows": rows,
        "redundant": redundant,
        "additions": additions,
    }


def _figures(section: AnchorSection, lang: str, t: Mapping[str, str]) -> list[dict[str, str]]:
    """Return the section's headline numbers: anchors by level and coverage."""
    catchments = section.catchments
    covered = [_flag(v) for v in catchments["covered"].tolist()]
    pops = [to_float(v) for v in catchments["population"].tolist()]
    total = sum(p for p in pops if p is not None)
    within = sum(p for p, c in zip(pops, covered, strict=True) if p is not None and c)
    share = format_number(within / total * 100 if total > 0 else None, "pct1", lang)
    return [
        {
            "key": "district",
            "value": format_number(section.counts.get("district", 0), "int", lang) or "0",
            "label": t["anc_fig_district"],
        },
        {
            "key": "local",
            "value": format_number(section.counts.get("local", 0), "int", lang) or "0",
            "label": t["anc_fig_local"],
        },
        {
            "key": "covered",
            "value": t["anc_fig_of"].format(
                n=format_number(sum(covered), "int", lang),
                total=format_number(len(covered), "int", lang),
            ),
            "label": t["anc_fig_covered"],
        },
        {"key": "population", "value": share or MISSING_TEXT, "label": t["anc_fig_population"]},
    ]


def template_data(section: AnchorSection, ctx: RenderContext) -> dict[str, Any]:
    """Prepare every part of the anchor framework section for its template part.

    Parameters
    ----------
    section
        The section's view model.
    ctx
        Language, labels, settlements (drawn as the grey base of the map) and the
        main map's projection.

    Returns
    -------
    dict
        What ``sections/anchors.html.j2`` reads.

    Raises
    ------
    ReportInputError
        If a table lacks a column, an anchor's level or a reason is not known, a
        catchment names an anchor that is not in ``anchors``, or a table names a
        service that is not in ``coverage``.
    """
    settlements, projection, lang, t = ctx.settlements, ctx.projection, ctx.lang, ctx.labels
    require_columns(section.catchments, _CATCHMENT_COLUMNS, "anchor catchments")
    require_columns(section.coverage, _COVERAGE_COLUMNS, "anchor coverage")
    require_columns(section.uncovered, _UNCOVERED_COLUMNS, "anchor uncovered")
    labels = _service_labels(section.coverage, lang)
    _check_services(section.uncovered["service"].tolist(), labels, "uncovered")
    for value in section.uncovered["reason"].tolist():
        reason = display_text(value)
        if reason not in ANCHOR_REASONS:
            msg = f"anchor uncovered reason {reason!r} is not one of {', '.join(ANCHOR_REASONS)}"
            raise ReportInputError(msg)
    rows = _anchor_rows(section.anchors, lang, t)
    scenario_rows, change_rows = _scenario_parts(section.scenarios, labels, lang)
    return {
        "note": section.note_ru if lang == "ru" else section.note_en,
        "modelled": bool(section.modelled),
        "figures": _figures(section, lang, t),
        "map": _anchors_map(section, rows, labels, settlements, projection, lang, t),
        "rows": rows,
        "coverage": _coverage_rows(section.coverage, lang, t),
        "outside_headers": [t[f"anc_reason_{_OUTSIDE_REASON[c]}"] for c in _OUTSIDE_COLUMNS],
        "uncovered": _uncovered_rows(section.uncovered, labels, lang, t),
        "uncovered_total": len(section.uncovered),
        "uncovered_capped": len(section.uncovered) > ANCHORS_MAX_UNCOVERED,
        "scenarios": scenario_rows,
        "changes": change_rows,
        "comparison": _comparison(section, lang, t),
        "checks": checks_data(
            section.origin,
            section.checks,
            section.kinds,
            {k: t.get(f"anc_level_{k}", k) for k in ("district", "local")},
            lang,
        ),
    }
