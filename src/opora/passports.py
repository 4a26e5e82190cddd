"""Assemble typology, resilience, strategy cards and town passports from a region's analyses.

Orchestration only: the judgements come from :mod:`opora.typology` and
:mod:`opora.strategy`, the pages from :mod:`opora.report.passport`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from opora.access.modelled import local_utm
from opora.economy import SECTION_NAMES
from opora.report.passport import BiText, TownPassport
from opora.strategy import (
    card_lines,
    cards_table,
    resilience_index,
    strategy_cards,
    weight_sensitivity,
)
from opora.typology.rules import TYPES, classify, town_rows, types_table

if TYPE_CHECKING:
    from opora.model.region import Region
    from opora.pipeline import Analyses

__all__ = [
    "StrategyResult",
    "build_passports",
    "find_town",
    "render_passports_html",
    "run_strategy",
    "write_strategy",
]

_COMPONENTS = {
    "component_population": ("Население", "Population"),
    "component_budget": ("Бюджет", "Budget"),
    "component_employment": ("Занятость", "Employment"),
    "component_services": ("Услуги", "Services"),
    "component_diversity": ("Разнообразие", "Diversity"),
    "component_ties": ("Связи", "Ties"),
}


@dataclass
class StrategyResult:
    """Typology, resilience and strategy cards of a region.

    Attributes
    ----------
    features
        Municipality rows plus town rows (:func:`opora.typology.rules.town_rows`).
    types_long
        Every rule × row with its status, figures and reasons.
    types
        One row per municipality or town: ``types`` separated by ``;`` and reasons.
    resilience
        Resilience index, rank and components.
    sensitivity
        Per-municipality stability of the ranking under weight perturbations.
    cards
        Strategy cards (JSON-ready dicts), one per municipality.
    """

    features: pd.DataFrame
    types_long: pd.DataFrame
    types: pd.DataFrame
    resilience: pd.DataFrame
    sensitivity: pd.DataFrame
    cards: list[dict[str, Any]]


def run_strategy(region: Region, an: Analyses) -> StrategyResult:
    """Run typology, resilience and strategy cards on a region's analyses.

    Parameters
    ----------
    region
        The region's model.
    an
        Its analyses (:func:`opora.pipeline.analyse_region`).

    Returns
    -------
    StrategyResult
        Types with reasons, resilience with sensitivity, strategy cards.
    """
    towns = town_rows(an.features, region.settlements, region.municipalities)
    feats = pd.concat([an.features.assign(level="municipality"), towns], ignore_index=True)
    long = classify(feats)
    res = resilience_index(an.features)
    sens = weight_sensitivity(an.features).municipalities
    cards = strategy_cards(
        an.features,
        types=long,
        candidates=an.economy.candidates,
        access=an.access,
        normatives=an.normatives,
        facilities=an.facilities,
        settlements=region.settlements,
    )
    return StrategyResult(feats, long, types_table(long), res, sens, cards)


def write_strategy(out: Path, result: StrategyResult) -> dict[str, Path]:
    """Write typology, resilience and cards as CSV / JSON.

    Parameters
    ----------
    out
        Output folder.
    result
        What :func:`run_strategy` returned.

    Returns
    -------
    dict of str to pathlib.Path
        Files written.
    """
    paths = {
        "typology": out / "typology.csv",
        "typology_rules": out / "typology_rules.csv",
        "resilience": out / "strategy_resilience.csv",
        "sensitivity": out / "strategy_sensitivity.csv",
        "cards": out / "strategy_cards.csv",
        "cards_json": out / "strategy_cards.json",
    }
    result.types.to_csv(paths["typology"], index=False)
    result.types_long.to_csv(paths["typology_rules"], index=False)
    result.resilience.to_csv(paths["resilience"], index=False)
    result.sensitivity.to_csv(paths["sensitivity"])
    cards_table(result.cards).to_csv(paths["cards"], index=False)
    paths["cards_json"].write_text(
        json.dumps(result.cards, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return paths


def _num(value: object) -> float:
    """Return ``value`` as a float, ``NaN`` when it is missing or not a number."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")


def _fmt(value: object, decimals: int = 0, suffix: str = "") -> str:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "—"
    if not np.isfinite(v):
        return "—"
    text = f"{v:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return text + suffix


def _neighbours(s: pd.DataFrame, lon: float, lat: float, km: float = 40.0) -> pd.DataFrame:
    crs = local_utm([lon], [lat])
    pts = s.geometry.to_crs(crs)
    from pyproj import Transformer

    x0, y0 = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    near = np.hypot(pts.x - x0, pts.y - y0) <= km * 1000
    n = s[near.to_numpy()]
    return pd.DataFrame(
        {
            "name": n["name"].astype(str),
            "type": n["type"].astype(str),
            "population": pd.to_numeric(n["population"], errors="coerce").astype(float),
            "lon": n.geometry.x,
            "lat": n.geometry.y,
            "anchor_level": None,
        }
    ).reset_index(drop=True)


def build_passports(
    region: Region, an: Analyses, strat: StrategyResult, *, max_towns: int | None = None
) -> list[TownPassport]:
    """Build the passports of the region's small towns (≤ 50,000 people).

    Parameters
    ----------
    region
        The region's model.
    an
        Its analyses.
    strat
        Typology, resilience and cards.
    max_towns
        Keep at most this many towns (largest first); all when ``None``.

    Returns
    -------
    list of TownPassport
        One per small town, in order of population.
    """
    feats = strat.features
    towns = feats[(feats["level"] == "town") & feats["small_town"].fillna(False).astype(bool)]
    towns = towns.sort_values("population", ascending=False)
    if max_towns is not None:
        towns = towns.head(max_towns)
    s = region.settlements.reset_index(drop=True)
    by_oktmo = s.dropna(subset=["oktmo"]).drop_duplicates("oktmo").set_index("oktmo")
    names = region.municipalities.set_index("oktmo")["name"]
    muni = an.features.set_index("oktmo")
    cards = {c["oktmo"]: c for c in strat.cards}
    res = strat.resilience.set_index("oktmo")
    n_res = int(res["rank"].notna().sum())
    near = an.access.nearest[an.access.nearest["state"] == "summer"]
    modelled_net = an.graph.modelled
    long = strat.types_long
    emp = an.economy.employment
    known = emp.dropna(subset=["value"])
    reg_share = (
        known.groupby("dimension")["value"].sum() / known.drop_duplicates("oktmo")["total"].sum()
    )
    ind = region.indicators
    soc = ind[ind["code"] == "urov14a_social_share"]
    notes = (
        [
            BiText(
                "Сеть дорог смоделирована (нет выгрузки OSM); время в пути ориентировочное.",
                "The road network is modelled (no OSM extract); travel times are indicative.",
            )
        ]
        if modelled_net
        else []
    )
    if any(p.table == "facilities" and p.kind == "modelled" for p in region.provenance):
        notes.append(
            BiText(
                "Учреждения размещены моделью по нормативам, не по реестру.",
                "Facilities are placed by a model from the standards, not a registry.",
            )
        )
    sources = [
        BiText(f"{p.source} — {p.licence}", f"{p.source} — {p.licence}") for p in region.provenance
    ]
    out: list[TownPassport] = []
    for t in towns.itertuples(index=False):
        code = str(t.oktmo)
        m8 = str(t.municipality_oktmo)
        if code in by_oktmo.index:
            row = by_oktmo.loc[code]
            sid, lon, lat = str(row["settlement_id"]), row.geometry.x, row.geometry.y
            stype = str(row["type"])
            year = row["population_year"]
        else:
            continue
        mrow = muni.loc[m8] if m8 in muni.index else None
        profile = [
            (BiText("Население города", "Town population"), _fmt(t.population)),
            (
                BiText("Население муниципалитета", "Municipality population"),
                _fmt(None if mrow is None else mrow["population"]),
            ),
        ]
        if mrow is not None:
            profile += [
                (
                    BiText("Изменение населения за год", "Population change, 1 year"),
                    _fmt(mrow.get("population_change"), 2, " %"),
                ),
                (BiText("Доля 65+", "Share aged 65+"), _fmt(mrow.get("share_65plus"), 1, " %")),
                (
                    BiText("Бюджетный сектор в занятости", "Budget sector in employment"),
                    _fmt(mrow.get("budget_employment_share"), 1, " %"),
                ),
                (
                    BiText("Собственные доходы бюджета", "Own revenues of the budget"),
                    _fmt(mrow.get("own_revenue_share"), 1, " %"),
                ),
                (
                    BiText("Социальные выплаты в доходах", "Social payments in income"),
                    _fmt(mrow.get("social_share"), 1, " %"),
                ),
            ]
        mine = long[(long["oktmo"].astype(str) == code) & (long["status"] == "assigned")]
        types = [
            (
                str(r.type),
                BiText(*TYPES.get(str(r.type), (str(r.type), str(r.type)))),
                BiText(str(r.reason_ru), str(r.reason_en)),
            )
            for r in mine.itertuples(index=False)
        ]
        d = near[near["settlement_id"].astype(str) == sid]
        acc = pd.DataFrame(
            {
                "service_ru": d["service"].map(lambda k: an.normatives[k].label_ru),
                "service_en": d["service"].map(lambda k: an.normatives[k].label_en),
                "minutes": d["minutes"].astype(float),
                "standard": d["service"].map(lambda k: an.normatives[k].max_minutes),
                "within": d["within_standard"].astype(bool),
                "modelled": an.access.modelled,
            }
        )
        card = cards.get(m8, {})
        role = card.get("foundation", {}).get("role", {}) if card else {}
        anchor = BiText(str(role.get("text_ru", "—")), str(role.get("text_en", "—")))
        e = emp[emp["oktmo"] == m8].dropna(subset=["share"])
        sectors = pd.DataFrame(
            {
                "section": e["dimension"],
                "label_ru": e["dimension"].map(lambda k: SECTION_NAMES.get(k, (k, k))[0]),
                "label_en": e["dimension"].map(lambda k: SECTION_NAMES.get(k, (k, k))[1]),
                "share": e["share"].astype(float),
                "region_share": e["dimension"].map(reg_share).astype(float),
            }
        ).sort_values("share", ascending=False)
        ms = soc[soc["oktmo"] == m8]
        med = soc.groupby("year")["value"].median()
        trends = pd.DataFrame(
            {
                "series_ru": "Доля социальных выплат в доходах",
                "series_en": "Social payments share of income",
                "unit": "%",
                "year": ms["year"].astype(int),
                "value": ms["value"].astype(float) * 100,
                "region_median": ms["year"].map(med).astype(float) * 100,
            }
        )
        cand = an.economy.candidates
        cm = cand[(cand["oktmo"] == m8) & cand["feasible"].fillna(False).astype(bool)]
        candidates = [
            (
                BiText(str(c.label_ru), str(c.label_en)),
                _num(c.score),
                BiText(str(c.why_ru), str(c.why_en)),
            )
            for c in cm.itertuples()
        ]
        rr: dict[Any, Any] = dict(res.loc[m8].to_dict()) if m8 in res.index else {}
        resilience = None
        comps: list[tuple[BiText, float | None]] = []
        if rr and pd.notna(rr["resilience_index"]):
            resilience = (_num(rr["resilience_index"]), int(_num(rr["rank"])), n_res)
            for col, (ru, en) in _COMPONENTS.items():
                if col in rr:
                    score = _num(rr[col])
                    comps.append((BiText(ru, en), None if np.isnan(score) else score))
        lines = card_lines(card) if card else {}
        card_bi: dict[str, list[BiText]] = {}
        for k, pairs in lines.items():
            # the passport has no own heading for monitoring: it belongs with the targets
            key = "targets" if k == "monitoring" else k
            card_bi.setdefault(key, []).extend(BiText(ru, en) for ru, en in pairs)
        out.append(
            TownPassport(
                oktmo=code,
                name=str(t.name),
                settlement_type=stype,
                municipality=str(names.get(m8, m8)),
                municipality_oktmo=m8,
                region=region.name,
                population=None if np.isnan(_num(t.population)) else _num(t.population),
                population_year=None if np.isnan(_num(year)) else int(_num(year)),
                lon=float(lon),
                lat=float(lat),
                neighbours=_neighbours(s, float(lon), float(lat)),
                profile=profile,
                types=types,
                accessibility=acc.reset_index(drop=True),
                anchor_role=anchor,
                sector_shares=sectors.reset_index(drop=True),
                trends=trends.reset_index(drop=True),
                candidates=candidates,
                resilience=resilience,
                resilience_components=comps,
                card=card_bi,
                notes=notes,
                sources=sources,
            )
        )
    return out


def _render_one(args: tuple[TownPassport, str]) -> str:
    from opora.report.passport import render_passport_html

    p, lang = args
    return render_passport_html(p, lang, include_css=False)


def render_passports_html(
    passports: list[TownPassport], lang: str = "ru", *, n_jobs: int = 2
) -> list[str]:
    """Render passport fragments, in separate processes when there are several.

    Parameters
    ----------
    passports
        Passports to render.
    lang
        ``ru`` or ``en``.
    n_jobs
        Worker processes (charts are drawn with matplotlib, which holds the GIL).

    Returns
    -------
    list of str
        HTML fragments, in the order of ``passports``.
    """
    work = [(p, lang) for p in passports]
    if n_jobs <= 1 or len(work) < 3:
        return [_render_one(w) for w in work]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        return list(pool.map(_render_one, work))


def find_town(passports: list[TownPassport], town: str) -> TownPassport:
    """Pick a passport by OKTMO code or name (case and «ё» ignored).

    Parameters
    ----------
    passports
        Candidates.
    town
        11-digit OKTMO or name.

    Returns
    -------
    TownPassport
        The match.

    Raises
    ------
    UnknownRegionError
        If no town, or several, match.
    """
    from opora.errors import UnknownRegionError

    key = town.strip().lower().replace("ё", "е")
    hits = [
        p for p in passports if p.oktmo == town.strip() or p.name.lower().replace("ё", "е") == key
    ]
    if len(hits) != 1:
        names = ", ".join(f"{p.name} ({p.oktmo})" for p in passports)
        why = "matches several towns" if hits else "matches no small town"
        msg = f"{town!r} {why}; small towns of the region: {names}"
        raise UnknownRegionError(msg)
    return hits[0]
