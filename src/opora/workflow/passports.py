"""Town passports of a region: build them, render their HTML, write one as PDF.

Orchestration only: the facts come from a region's analyses and strategy
(:mod:`opora.workflow.analyses`, :mod:`opora.workflow.strategy`), the pages from
:mod:`opora.report.passport`.
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import Transformer

from opora.access.modelled import local_utm
from opora.economy import SECTION_NAMES
from opora.errors import UnknownRegionError
from opora.io.normatives import read_normatives
from opora.model.region import Region
from opora.report.passport import (
    BiText,
    TownPassport,
    render_passport_html,
    write_passport_pdf,
)
from opora.report.sections.strategy import COMPONENT_LABELS
from opora.strategy import card_lines
from opora.typology.rules import TYPES
from opora.workflow._pool import process_pool
from opora.workflow.analyses import Analyses, analyse_region
from opora.workflow.progress import Progress, no_progress
from opora.workflow.region import load_region
from opora.workflow.strategy import StrategyResult, run_strategy

__all__ = ["build_passports", "find_town", "render_passports_html", "town_passport_pdf"]


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


def _not_evaluated_notes(notes: pd.DataFrame) -> list[BiText]:
    """One note per region-level reason of the indicators not evaluated for the region."""
    if "reason_ru" not in notes.columns:
        return []
    rows = notes[notes["status"] == "not_evaluated"]
    out = []
    for (ru, en), g in rows.groupby(["reason_ru", "reason"], sort=True):
        names = ", ".join(sorted(g["indicator"].astype(str).unique()))
        out.append(BiText(f"Не оценено ({names}): {ru}.", f"Not evaluated ({names}): {en}."))
    return out


def _neighbours(
    s: pd.DataFrame,
    lon: float,
    lat: float,
    km: float = 40.0,
    *,
    lonlat: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
    transformers: dict[str, Transformer] | None = None,
    rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Settlements within ``km`` of the point, measured in the point's UTM zone.

    ``lonlat`` (the settlements' coordinates, given once for many calls) lets a box of
    generous size (1.5 × ``km``) pick the candidates before the projection;
    ``transformers`` (one per UTM zone, filled as they are made) spares the many towns
    of one zone making the same transformer again; ``rows`` (:func:`_neighbour_rows` of
    ``s``, made once for many calls) spares converting the columns for every town.
    """
    xs, ys = lonlat if lonlat is not None else (s.geometry.x.to_numpy(), s.geometry.y.to_numpy())
    dlat = 1.5 * km / 110.0
    dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 1e-6)
    box = np.flatnonzero((np.abs(ys - lat) <= dlat) & (np.abs(xs - lon) <= dlon))
    crs = local_utm([lon], [lat])
    cache = transformers if transformers is not None else {}
    tr = cache.get(crs.srs)
    if tr is None:
        tr = cache[crs.srs] = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    px, py = tr.transform(xs[box], ys[box])
    x0, y0 = tr.transform(lon, lat)
    keep = box[np.hypot(np.asarray(px) - x0, np.asarray(py) - y0) <= km * 1000]
    table = rows if rows is not None else _neighbour_rows(s)
    picked: pd.DataFrame = table.iloc[keep].reset_index(drop=True)
    return picked


def _neighbour_rows(s: pd.DataFrame) -> pd.DataFrame:
    """Every settlement as a neighbour row (``s`` in its order; picked by position)."""
    return pd.DataFrame(
        {
            "name": s["name"].astype(str),
            "type": s["type"].astype(str),
            "population": pd.to_numeric(s["population"], errors="coerce").astype(float),
            "lon": s.geometry.x,
            "lat": s.geometry.y,
            "anchor_level": None,
        }
    )


def _groups(frame: pd.DataFrame, key: pd.Series) -> Callable[[str], pd.DataFrame]:
    """Look up ``frame``'s rows by key (in their order; empty for an absent key)."""
    index = key.groupby(key.to_numpy(), sort=False).indices if len(frame) else {}

    def rows(value: str) -> pd.DataFrame:
        pos = index.get(value)
        return frame.iloc[pos] if pos is not None else frame.iloc[:0]

    return rows


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
    notes += _not_evaluated_notes(an.economy.notes)
    sources = [
        BiText(f"{p.source} — {p.licence}", f"{p.source} — {p.licence}") for p in region.provenance
    ]
    lonlat = (s.geometry.x.to_numpy(dtype=float), s.geometry.y.to_numpy(dtype=float))
    # only the columns read below: each town takes its rows, and a narrow frame is cheap
    near_of = _groups(
        near[["service", "minutes", "within_standard"]], near["settlement_id"].astype(str)
    )
    long_of = _groups(long[["status", "type", "reason_ru", "reason_en"]], long["oktmo"].astype(str))
    emp_of = _groups(emp[["dimension", "share"]], emp["oktmo"])
    soc_of = _groups(soc[["year", "value"]], soc["oktmo"])
    cand = an.economy.candidates
    cand_cols = ["feasible", "label_ru", "label_en", "score", "why_ru", "why_en"]
    cand_of = _groups(cand[[c for c in cand_cols if c in cand.columns]], cand["oktmo"])
    med = soc.groupby("year")["value"].median()
    transformers: dict[str, Transformer] = {}
    neighbour_rows = _neighbour_rows(s) if len(towns) else None
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
        mine = long_of(code)
        mine = mine[mine["status"] == "assigned"]
        types = [
            (str(k), BiText(*TYPES.get(str(k), (str(k), str(k)))), BiText(str(ru), str(en)))
            for k, ru, en in zip(
                mine["type"].tolist(),
                mine["reason_ru"].tolist(),
                mine["reason_en"].tolist(),
                strict=True,
            )
        ]
        d = near_of(sid)
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
        e = emp_of(m8).dropna(subset=["share"])
        sectors = pd.DataFrame(
            {
                "section": e["dimension"],
                "label_ru": e["dimension"].map(lambda k: SECTION_NAMES.get(k, (k, k))[0]),
                "label_en": e["dimension"].map(lambda k: SECTION_NAMES.get(k, (k, k))[1]),
                "share": e["share"].astype(float),
                "region_share": e["dimension"].map(reg_share).astype(float),
            }
        ).sort_values("share", ascending=False)
        ms = soc_of(m8)
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
        cm = cand_of(m8)
        cm = cm[cm["feasible"].fillna(False).astype(bool)]
        candidates = (
            [
                (BiText(str(lr), str(le)), _num(sc), BiText(str(wr), str(we)))
                for lr, le, sc, wr, we in zip(
                    *(
                        cm[k].tolist()
                        for k in ("label_ru", "label_en", "score", "why_ru", "why_en")
                    ),
                    strict=True,
                )
            ]
            if len(cm)
            else []
        )
        rr: dict[Any, Any] = dict(res.loc[m8].to_dict()) if m8 in res.index else {}
        resilience = None
        comps: list[tuple[BiText, float | None]] = []
        if rr and pd.notna(rr["resilience_index"]):
            resilience = (_num(rr["resilience_index"]), int(_num(rr["rank"])), n_res)
            for col, (ru, en) in COMPONENT_LABELS.items():
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
                neighbours=_neighbours(
                    s,
                    float(lon),
                    float(lat),
                    lonlat=lonlat,
                    transformers=transformers,
                    rows=neighbour_rows,
                ),
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
    p, lang = args
    return render_passport_html(p, lang, include_css=False)


def render_passports_html(
    passports: list[TownPassport], lang: str = "ru", *, n_jobs: int = 2, min_tasks: int = 64
) -> list[str]:
    """Render passport fragments, in separate processes when there are several.

    Parameters
    ----------
    passports
        Passports to render.
    lang
        ``ru`` or ``en``.
    n_jobs
        Worker processes, used only for many passports: the SVG charts take tens of
        milliseconds a passport, less than starting a worker.
    min_tasks
        Fewest passports for which workers are started (``Settings.pool_min_tasks``).

    Returns
    -------
    list of str
        HTML fragments, in the order of ``passports``.
    """
    work = [(p, lang) for p in passports]
    # a daemonic process (a Dask worker of `opora country`) may not start children
    if n_jobs <= 1 or len(work) < min_tasks or multiprocessing.current_process().daemon:
        return [_render_one(w) for w in work]
    with process_pool(n_jobs) as pool:  # ends with this process (SIGTERM, Ctrl-C, kill)
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


def town_passport_pdf(
    town: str,
    out: str | Path,
    *,
    lang: str = "ru",
    region: str | None = None,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Progress = no_progress,
) -> Path:
    """Write the printable passport of one small town (``opora passport``).

    Parameters
    ----------
    town
        Town name or 11-digit OKTMO.
    out
        PDF file to write.
    lang
        ``ru`` or ``en``.
    region
        Region; the embedded default when ``None``.
    data_dir, cache_dir
        Folders of nationwide sources and of the register cache.
    progress
        Called with a description before each step.

    Returns
    -------
    pathlib.Path
        The PDF written.

    Raises
    ------
    UnknownRegionError
        If the town is not one of the region's small towns.
    """
    reg = load_region(region, data_dir, cache_dir, progress=progress, announce_reading=True)
    an = analyse_region(reg, read_normatives(None), progress=progress)
    progress("typology and strategy")
    strat = run_strategy(reg, an)
    passport = find_town(build_passports(reg, an, strat), town)
    progress("write PDF")
    return write_passport_pdf([passport], out, lang)
