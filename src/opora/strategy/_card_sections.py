"""The sections of a strategy card: services, role, specialisation, instruments, targets.

Internal to :mod:`opora.strategy.cards`; each function returns one section of the card
(bilingual texts with the figures behind them) from the :class:`Context` of
:mod:`opora.strategy._card_context`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from opora.analysis.features import LARGE_CITY
from opora.errors import ValidationError
from opora.model.normatives import Normative
from opora.model.strategy import Condition, Criterion
from opora.strategy._card_context import (
    NEIGHBOUR_SERVICES,
    Context,
    flag,
    fmt,
    matches,
    num,
    pct,
    truthy,
)

__all__ = ["build_card", "is_small_town"]


# ---------------------------------------------------------------------- sections


def _value(row: pd.Series, column: str) -> float | None:
    return num(row[column]) if column in row.index else None


def _services(ctx: Context, code: str, row: pd.Series) -> list[dict[str, Any]]:
    cfg = ctx.config
    population = _value(row, "population")
    out = []
    for key, norm in ctx.normatives.items():
        item: dict[str, Any] = {
            "service": key,
            "label_ru": norm.label_ru,
            "label_en": norm.label_en,
            "max_minutes": norm.max_minutes,
        }
        within = _value(row, f"within_standard_{key}")
        outside_people: float | None = None
        outside_n: int | None = None
        worst: list[dict[str, Any]] = []
        source = "features"
        if ctx.near is not None:
            d = ctx.near.get((code, key))
            if d is not None and len(d.pop):
                total = float(d.pop.sum())
                inside = float(d.pop[d.within].sum())
                within = inside / total * 100 if total > 0 else within
                outs = np.flatnonzero(~d.within)
                outs = outs[np.argsort(-d.pop[outs], kind="stable")]
                outside_people = total - inside
                outside_n = len(outs)
                source = "nearest_times"
                for j in outs[: cfg.cards.worst_settlements]:
                    worst.append(
                        {
                            "settlement_id": str(d.settlement_id[j]),
                            "name": str(d.name[j]),
                            "population": num(d.pop[j]),
                            "minutes": num(d.minutes[j]),
                        }
                    )
        if outside_people is None and within is not None and population is not None:
            outside_people = population * (100 - within) / 100
        item.update(
            {
                "within_standard_pct": within,
                "population_outside": outside_people,
                "settlements_outside": outside_n,
                "worst_settlements": worst,
                "coverage_source": source,
            }
        )
        cap_per_1000: float | None = None
        ratio: float | None = None
        modelled: bool | None = None
        n_fac: int | None = None
        if ctx.capacity is not None:
            cap, n_fac, modelled = ctx.capacity.get((code, key), (0.0, 0, False))
            if population:
                cap_per_1000 = cap / population * 1000
                ratio = cap_per_1000 / norm.per_1000
        item.update(
            {
                "facilities": n_fac,
                "capacity_per_1000": cap_per_1000,
                "normative_per_1000": norm.per_1000,
                "capacity_unit": norm.capacity_unit,
                "capacity_ratio": ratio,
                "capacity_modelled": modelled,
            }
        )
        low_cov = within is not None and within < cfg.targets.coverage_2030
        low_cap = ratio is not None and ratio < 1 and modelled is False
        item["gap"] = bool(low_cov or low_cap)
        item["gap_kind"] = [k for k, v in (("coverage", low_cov), ("capacity", low_cap)) if v]
        item["text_ru"], item["text_en"] = _service_text(item, norm)
        out.append(item)
    return out


def _service_text(item: dict[str, Any], norm: Normative) -> tuple[str, str]:
    texts = []
    for lang in ("ru", "en"):
        label = norm.label_ru if lang == "ru" else norm.label_en
        w = item["within_standard_pct"]
        mins = fmt(norm.max_minutes, 0, lang)
        if lang == "ru":
            t = f"{label}: {pct(w, lang)} жителей в пределах {mins} мин"
        else:
            t = f"{label}: {pct(w, lang)} of residents within {mins} min"
        if item["population_outside"]:
            people = fmt(item["population_outside"], 0, lang)
            t += f", вне норматива {people} чел." if lang == "ru" else f", {people} people outside"
        if item["worst_settlements"]:
            names = ", ".join(
                f"{s['name']} ({fmt(s['population'], 0, lang)})"
                for s in item["worst_settlements"][:3]
            )
            t += f" ({names})"
        if item["capacity_per_1000"] is not None:
            cap = fmt(item["capacity_per_1000"], 1, lang)
            nv = fmt(norm.per_1000, 1, lang)
            if lang == "ru":
                unit = _UNITS_RU.get(norm.capacity_unit, norm.capacity_unit)
                t += f"; мощность {cap} ({unit}) на 1\u00a0000 жителей при нормативе {nv}"
                if item["capacity_modelled"]:
                    t += " — смоделировано по нормативу, реальный дефицит не виден"
            else:
                t += f"; capacity {cap} {norm.capacity_unit} per 1,000 residents vs {nv} standard"
                if item["capacity_modelled"]:
                    t += " — modelled from the standard, a real shortage cannot show"
        texts.append(t)
    return texts[0], texts[1]


#: Russian names of the capacity units of the default normatives.
_UNITS_RU = {
    "places": "мест",
    "posts": "пунктов",
    "visits per shift": "посещений в смену",
    "beds": "коек",
    "pharmacies": "аптек",
    "offices": "отделений",
    "libraries": "библиотек",
    "seats": "мест",
    "windows": "окон",
}


def _role(ctx: Context, code: str, row: pd.Series) -> dict[str, Any]:
    rc = ctx.config.roles
    typed = code in ctx.types
    types = ctx.types.get(code, [])
    population = _value(row, "population")
    served = _value(row, "served_outside_max")
    share = served / population * 100 if served is not None and population else None
    minutes = _value(row, "minutes_to_large_city")
    centre = _value(row, "centre_population")
    elsewhere = {
        s: ctx.elsewhere[(code, s)] for s in NEIGHBOUR_SERVICES if (code, s) in ctx.elsewhere
    }
    inter_types = matches(types, rc.inter_district_types)
    neigh_types = matches(types, rc.neighbour_types)
    # the municipality is itself a large city (then "near a large city" means nothing)
    largest = _value(row, "largest_town_population")
    own = largest if largest is not None else population
    big = own is not None and own >= LARGE_CITY
    reasons_en: list[str] = []
    reasons_ru: list[str] = []
    if flag(row, "is_regional_centre"):
        role = "regional_centre"
        reasons_en.append("the region's capital")
        reasons_ru.append("столица субъекта РФ")
    elif inter_types or (
        not typed
        and (
            served is not None
            and (
                served >= rc.inter_district_alone_min
                or (
                    served >= rc.inter_district_min_people
                    and share is not None
                    and share >= rc.inter_district_min_share
                )
            )
        )
    ):
        role = "inter_district_centre"
        if inter_types:
            reasons_en.append(f"typology: {', '.join(inter_types)}")
            reasons_ru.append(f"типология: {', '.join(inter_types)}")
        if served is not None:
            reasons_en.append(
                f"its district services are the nearest for {fmt(served, 0, 'en')} people of "
                f"other municipalities ({pct(share, 'en', 0)} of its own population)"
            )
            reasons_ru.append(
                f"его районные учреждения — ближайшие для {fmt(served, 0, 'ru')} жителей других "
                f"муниципалитетов ({pct(share, 'ru', 0)} собственного населения)"
            )
    elif (
        neigh_types
        or any(v >= rc.served_elsewhere_min_share for v in elsewhere.values())
        or (not typed and minutes is not None and minutes <= rc.satellite_max_minutes and not big)
    ):
        role = "served_by_neighbour"
        if neigh_types:
            reasons_en.append(f"typology: {', '.join(neigh_types)}")
            reasons_ru.append(f"типология: {', '.join(neigh_types)}")
        for s, v in elsewhere.items():
            if v >= rc.served_elsewhere_min_share:
                label = ctx.normatives.get(s)
                en = label.label_en if label else s
                ru = label.label_ru if label else s
                reasons_en.append(f"{pct(v, 'en', 0)} of residents have the nearest {en} elsewhere")
                reasons_ru.append(
                    f"у {pct(v, 'ru', 0)} жителей ближайшая {ru} в другом муниципалитете"
                )
        if not typed and minutes is not None and minutes <= rc.satellite_max_minutes and not big:
            reasons_en.append(f"{fmt(minutes, 0, 'en')} min from a large city")
            reasons_ru.append(f"{fmt(minutes, 0, 'ru')} мин до крупного города")
    else:
        role = "local_anchor"
        reasons_en.append(
            "serves itself and its villages; few people of other municipalities rely on it"
            + (f" ({fmt(served, 0, 'en')})" if served is not None else "")
        )
        reasons_ru.append(
            "обслуживает себя и свои сёла; жителей других муниципалитетов, опирающихся на него, "
            "немного" + (f" ({fmt(served, 0, 'ru')})" if served is not None else "")
        )
    label_ru, label_en = rc.labels[role]
    return {
        "key": role,
        "label_ru": label_ru,
        "label_en": label_en,
        "evidence": {
            "served_outside_max": served,
            "served_outside_share_pct": share,
            "minutes_to_large_city": minutes,
            "centre_population": centre,
            "served_elsewhere_pct": elsewhere,
            "types": types,
        },
        "text_ru": f"Роль: {label_ru} — " + "; ".join(reasons_ru),
        "text_en": f"Role: {label_en} — " + "; ".join(reasons_en),
    }


def _specialisation(ctx: Context, code: str, row: pd.Series) -> dict[str, Any]:
    n = ctx.config.cards.max_candidates
    items: list[dict[str, Any]] = []
    reason = None
    c = ctx.candidates
    if c is not None:
        mine = c.get(code, [])
        feas = [
            r
            for r in mine
            if isinstance(r.get("candidate"), str) and truthy(r.get("feasible", True))
        ]
        feas.sort(key=lambda r: num(r.get("rank")) or math.inf)
        for r in feas[:n]:
            items.append(
                {
                    "candidate": str(r["candidate"]),
                    "label_ru": str(r.get("label_ru") or r["candidate"]),
                    "label_en": str(r.get("label_en") or r["candidate"]),
                    "score": num(r.get("score")),
                    "why_ru": r.get("why_ru") if isinstance(r.get("why_ru"), str) else "",
                    "why_en": r.get("why_en") if isinstance(r.get("why_en"), str) else "",
                }
            )
        reasons = [r["reason"] for r in mine if isinstance(r.get("reason"), str)]
        if not items and reasons:
            reason = reasons[0]
    elif isinstance(row.get("candidate_1"), str):
        items.append(
            {
                "candidate": str(row["candidate_1"]),
                "label_ru": str(row["candidate_1"]),
                "label_en": str(row["candidate_1"]),
                "score": _value(row, "candidate_1_score"),
                "why_ru": "",
                "why_en": "",
            }
        )
    if items:
        parts_ru = [
            f"{i['label_ru']} (оценка {fmt(i['score'], 2, 'ru')}"
            + (f": {i['why_ru']})" if i["why_ru"] else ")")
            for i in items
        ]
        parts_en = [
            f"{i['label_en']} (score {fmt(i['score'], 2, 'en')}"
            + (f": {i['why_en']})" if i["why_en"] else ")")
            for i in items
        ]
        text_ru = "Специализация над сервисной основой: " + "; ".join(parts_ru)
        text_en = "Specialisation above the service foundation: " + "; ".join(parts_en)
    else:
        text_ru = "Нет специализации с сильным сигналом: основа — сервисная экономика" + (
            f" ({reason})" if reason else ""
        )
        text_en = "No specialisation with a strong signal: the service economy is the base" + (
            f" ({reason})" if reason else ""
        )
    return {"candidates": items, "reason": reason, "text_ru": text_ru, "text_en": text_en}


def _criterion(crit: Criterion, row: pd.Series) -> dict[str, Any]:
    for i, test in enumerate(crit.tests):
        v = _value(row, test.column)
        if v is None:
            continue
        return {
            "key": crit.key,
            "label_ru": crit.label_ru,
            "label_en": crit.label_en,
            "met": test.holds(v),
            "column": test.column,
            "value": v,
            "op": test.op,
            "threshold": test.value,
            "fallback": i > 0,
        }
    return {
        "key": crit.key,
        "label_ru": crit.label_ru,
        "label_en": crit.label_en,
        "met": None,
        "column": None,
        "value": None,
        "op": None,
        "threshold": None,
        "fallback": False,
    }


def _cond_text(c: Condition, v: float | None, lang: str) -> str:
    return _compare(c.column, v, c.op, c.value, lang)


def _compare(column: str, v: float | None, op: str, threshold: float, lang: str) -> str:
    """``label value op threshold`` with readable numbers (``own revenues 15.8% < 30%``)."""
    ru, en, unit = _COLUMN_LABELS.get(column, (column, column, ""))
    label = ru if lang == "ru" else en
    sep = "\u00a0" if lang == "ru" and unit == "%" else ""
    u = f"{sep}{unit}" if unit else ""
    return f"{label} {_auto(v, lang)}{u} {_OPS[op]} {_auto(threshold, lang)}{u}"


def _auto(x: float | None, lang: str) -> str:
    if x is None or not math.isfinite(x):
        return fmt(x, 0, lang)
    if float(x).is_integer() or abs(x) >= 100:
        return fmt(x, 0, lang)
    return fmt(x, 1 if abs(x) >= 10 else 2, lang)


_OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}

#: Russian label, English label and unit of the columns used in rules.
_COLUMN_LABELS = {
    "own_revenue_share": ("доля собственных доходов", "own revenues", "%"),
    "transfer_dependence": ("зависимость от трансфертов", "transfer dependence", "%"),
    "population": ("население", "population", ""),
    "centre_population": ("население центра", "centre population", ""),
    "investment_per_capita": (
        "инвестиции на жителя, руб.",
        "investment per resident, rubles",
        "",
    ),
    "industry_top_share": (
        "доля крупнейшей промышленной отрасли",
        "largest industrial section",
        "%",
    ),
    "coverage_mean": ("доступность услуг", "service coverage", "%"),
    "population_change": ("изменение населения за год", "population change a year", "%"),
    "net_migration": ("миграционный прирост, ‰", "net migration, ‰", ""),
    "social_share": ("доля социальных выплат", "social payments share", "%"),
    "resilience_index": ("индекс устойчивости", "resilience index", ""),
}


def _instruments(ctx: Context, row: pd.Series, role: str, types: list[str]) -> dict[str, Any]:
    ic = ctx.config.instruments
    crits = [_criterion(c, row) for c in ic.criteria]
    known = [c for c in crits if c["met"] is not None]
    met = sum(1 for c in known if c["met"])
    share = met / len(known) if known else None
    if share is None:
        level = "low"
    elif share >= ic.high_share:
        level = "high"
    elif share >= ic.medium_share:
        level = "medium"
    else:
        level = "low"
    items: list[dict[str, Any]] = []
    for rule in ic.rules:
        if any(i["key"] == rule.key for i in items):
            continue
        if rule.levels and level not in rule.levels:
            continue
        if rule.roles and role not in rule.roles:
            continue
        typed = matches(types, rule.types)
        if rule.types and not typed:
            continue
        checks = [(t, _value(row, t.column)) for t in rule.tests]
        if any(t.holds(v) is not True for t, v in checks):
            continue
        why_en = []
        why_ru = []
        if rule.levels:
            why_en.append(f"capacity {level}")
            why_ru.append(f"потенциал {_LEVEL_RU[level]}")
        if rule.roles:
            why_en.append(f"role {role}")
            why_ru.append(f"роль: {ctx.config.roles.labels[role][0]}")
        why_en += [_cond_text(t, v, "en") for t, v in checks]
        why_ru += [_cond_text(t, v, "ru") for t, v in checks]
        if typed:
            why_en.append(f"typology: {', '.join(typed)}")
            why_ru.append(f"типология: {', '.join(typed)}")
        if not why_en:
            why_en.append("for every municipality")
            why_ru.append("для всех муниципалитетов")
        items.append(
            {
                "key": rule.key,
                "ru": rule.ru,
                "en": rule.en,
                "why_ru": "; ".join(why_ru),
                "why_en": "; ".join(why_en),
            }
        )
    crit_ru = []
    crit_en = []
    for c in crits:
        if c["met"] is None:
            crit_ru.append(f"{c['label_ru']}: нет данных")
            crit_en.append(f"{c['label_en']}: no data")
            continue
        mark_ru = "да" if c["met"] else "нет"
        mark_en = "yes" if c["met"] else "no"
        proxy_ru = ", замещающий показатель" if c["fallback"] else ""
        proxy_en = ", proxy" if c["fallback"] else ""
        cmp_ru = _compare(c["column"], c["value"], c["op"], c["threshold"], "ru")
        cmp_en = _compare(c["column"], c["value"], c["op"], c["threshold"], "en")
        crit_ru.append(f"{c['label_ru']}: {mark_ru} ({cmp_ru}{proxy_ru})")
        crit_en.append(f"{c['label_en']}: {mark_en} ({cmp_en}{proxy_en})")
    head_ru = f"Потенциал реализации проектов: {_LEVEL_RU[level]} ({'; '.join(crit_ru)})"
    head_en = f"Capacity to carry out projects: {level} ({'; '.join(crit_en)})"
    return {
        "capacity": {"level": level, "share_met": share, "criteria": crits},
        "items": items,
        "text_ru": head_ru + ". Инструменты: " + "; ".join(i["ru"] for i in items),
        "text_en": head_en + ". Instruments: " + "; ".join(i["en"] for i in items),
    }


_LEVEL_RU = {"low": "низкий", "medium": "средний", "high": "высокий"}


def _targets(ctx: Context, row: pd.Series, services: list[dict[str, Any]]) -> dict[str, Any]:
    tc = ctx.config.targets
    goal = 1 + tc.quality_goal_pct / 100
    official = _value(row, tc.quality_column)
    if official is not None:
        quality = {
            "indicator": tc.quality_column,
            "proxy": False,
            "baseline": official,
            "target_2030": official * goal,
            "target_2036": official * goal,
            "capped": False,
            "text_ru": f"Индекс качества среды ({tc.quality_column}): "
            f"{fmt(official, 1, 'ru')} → {fmt(official * goal, 1, 'ru')} к 2030 г. "
            f"(+{fmt(tc.quality_goal_pct, 0, 'ru')} %), удержание к 2036 г.",
            "text_en": f"Living-environment index ({tc.quality_column}): "
            f"{fmt(official, 1, 'en')} → {fmt(official * goal, 1, 'en')} by 2030 "
            f"(+{fmt(tc.quality_goal_pct, 0, 'en')}%), held to 2036",
        }
    else:
        parts = []
        for s in services:
            w = s["within_standard_pct"]
            if w is None:
                continue
            r = s["capacity_ratio"]
            factor = min(1.0, r) if r is not None and s["capacity_modelled"] is False else 1.0
            parts.append(w * factor)
        base = float(np.mean(parts)) if parts else None
        t2030 = min(100.0, base * goal) if base is not None else None
        capped = base is not None and base * goal > 100
        t2036 = max(t2030, tc.coverage_2036) if t2030 is not None else None
        cap_ru = (
            " (цель +30 % упирается в 100: к 2030 г. — все услуги в пределах норматива)"
            if capped
            else ""
        )
        cap_en = (
            " (+30% hits the 100 cap: every service within the standard by 2030)" if capped else ""
        )
        quality = {
            "indicator": "service_provision_proxy",
            "proxy": True,
            "baseline": base,
            "target_2030": t2030,
            "target_2036": t2036,
            "capped": capped,
            "text_ru": "Качество среды (замещающий показатель — обеспеченность услугами, "
            f"0-100): {fmt(base, 1, 'ru')} → {fmt(t2030, 1, 'ru')} к 2030 г., "
            f"{fmt(t2036, 1, 'ru')} к 2036 г.{cap_ru}",
            "text_en": "Living-environment quality (proxy: service provision, 0-100): "
            f"{fmt(base, 1, 'en')} → {fmt(t2030, 1, 'en')} by 2030, "
            f"{fmt(t2036, 1, 'en')} by 2036{cap_en}",
        }
    coverage = []
    for s in services:
        w = s["within_standard_pct"]
        if w is None:
            continue
        t30, t36 = max(w, tc.coverage_2030), max(w, tc.coverage_2036)
        coverage.append(
            {
                "service": s["service"],
                "baseline": w,
                "target_2030": t30,
                "target_2036": t36,
                "gap": s["gap"],
                "text_ru": f"{s['label_ru']}: доля жителей в пределах норматива "
                f"{pct(w, 'ru')} → {pct(t30, 'ru')} к 2030 г., {pct(t36, 'ru')} к 2036 г.",
                "text_en": f"{s['label_en']}: residents within the standard {pct(w, 'en')} → "
                f"{pct(t30, 'en')} by 2030, {pct(t36, 'en')} by 2036",
            }
        )
    pc = _value(row, "population_change")
    if pc is None:
        population: dict[str, Any] = {
            "baseline": None,
            "target_2030": None,
            "target_2036": None,
            "text_ru": "Численность населения: нет данных о динамике",
            "text_en": "Population: no data on the change",
        }
    else:
        t30 = pc * tc.population_decline_cut_2030 if pc < 0 else tc.population_change_2036
        t36 = tc.population_change_2036
        population = {
            "baseline": pc,
            "target_2030": t30,
            "target_2036": t36,
            "text_ru": f"Изменение численности населения за год: {pct(pc, 'ru', 2)} → не ниже "
            f"{pct(t30, 'ru', 2)} к 2030 г., не ниже {pct(t36, 'ru', 2)} к 2036 г. "
            "(стабилизация)",
            "text_en": f"Annual population change: {pct(pc, 'en', 2)} → at least "
            f"{pct(t30, 'en', 2)} by 2030, at least {pct(t36, 'en', 2)} by 2036 "
            "(stabilisation)",
        }
    return {"quality": quality, "coverage": coverage, "population": population}


def _monitoring(ctx: Context, code: str, row: pd.Series) -> dict[str, Any]:
    watch = []
    for w in ctx.config.indicators:
        base = _value(row, w.column)
        sep = "\u00a0" if w.unit == "%" else ""
        unit = f"{sep}{w.unit}" if w.unit else ""
        arrow = "↑" if w.better == "up" else "↓"
        watch.append(
            {
                "column": w.column,
                "label_ru": w.label_ru,
                "label_en": w.label_en,
                "unit": w.unit,
                "better": w.better,
                "baseline": base,
                "text_ru": f"{w.label_ru}: {_auto(base, 'ru')}{unit if base is not None else ''}"
                f" (лучше {arrow})",
                "text_en": f"{w.label_en}: {_auto(base, 'en')}{unit if base is not None else ''}"
                f" (better {arrow})",
            }
        )
    ac = ctx.config.alert
    conds: list[dict[str, Any]] = []
    for c in ac.conditions:
        v = _value(row, c.condition.column)
        conds.append(
            {
                "column": c.condition.column,
                "op": c.condition.op,
                "threshold": c.condition.value,
                "value": v,
                "holds": c.condition.holds(v),
                "label_ru": c.label_ru,
                "label_en": c.label_en,
            }
        )
    results = [c["holds"] for c in conds]
    if ac.mode == "all":
        condition = all(r is True for r in results)
        undecided = not condition and all(r is not False for r in results)
    else:
        condition = any(r is True for r in results)
        undecided = not condition and any(r is None for r in results)
    holds: bool | None = None
    onp_codes: list[str] = []
    if ctx.onp_codes is not None:
        onp_codes = ctx.onp_codes.get(code, [])
        holds = bool(onp_codes)
    active = bool(holds and condition)
    hits = [c for c in conds if c["holds"]]
    detail_ru = ", ".join(
        f"{c['label_ru']} ({_compare(c['column'], c['value'], c['op'], c['threshold'], 'ru')})"
        for c in hits
    )
    detail_en = ", ".join(
        f"{c['label_en']} ({_compare(c['column'], c['value'], c['op'], c['threshold'], 'en')})"
        for c in hits
    )
    if active:
        text_ru = (
            "ВНИМАНИЕ: статус опорного населённого пункта без содержательного наполнения — "
            + detail_ru
        )
        text_en = f"ALERT: anchor status without substance — {detail_en}"
    elif holds is None:
        text_ru = "Список ОНП не задан: проверка статуса не выполнялась"
        text_en = "No ONP list given: the status check was not run"
    elif not holds:
        text_ru = "Не входит в список ОНП"
        text_en = "Not on the ONP list"
    elif undecided:
        missing = [c["column"] for c in conds if c["holds"] is None]
        text_ru = f"ОНП; условие тревоги не проверено: нет данных ({', '.join(missing)})"
        text_en = f"ONP; alert condition not checked: missing {', '.join(missing)}"
    else:
        text_ru = "ОНП; показатели подтверждают содержательное наполнение статуса"
        text_en = "ONP; the indicators show substance behind the status"
    return {
        "indicators": watch,
        "alert": {
            "active": active,
            "anchor_status": holds,
            "onp_codes": onp_codes,
            "mode": ac.mode,
            "condition_holds": condition,
            "undecided": undecided,
            "conditions": conds,
            "text_ru": text_ru,
            "text_en": text_en,
        },
    }


def _resilience_block(ctx: Context, code: str) -> dict[str, Any]:
    r = ctx.resilience.loc[code]
    comps = {c.key: num(r[f"component_{c.key}"]) for c in ctx.config.resilience.components}
    known = {k: v for k, v in comps.items() if v is not None}
    weakest = sorted(known, key=lambda k: known[k])[:2]
    labels = {c.key: (c.label_ru, c.label_en) for c in ctx.config.resilience.components}
    idx = num(r["resilience_index"])
    rank = num(r["rank"])
    n = int(ctx.resilience["resilience_index"].notna().sum())
    return {
        "index": idx,
        "rank": int(rank) if rank is not None else None,
        "of": n,
        "components": comps,
        "weakest": weakest,
        "note": str(r["note"]),
        "text_ru": f"Индекс устойчивости {fmt(idx, 1, 'ru')} "
        f"(место {fmt(rank, 0, 'ru')} из {n}); "
        "слабые стороны: " + ", ".join(f"{labels[k][0]} {fmt(known[k], 0, 'ru')}" for k in weakest),
        "text_en": f"Resilience index {fmt(idx, 1, 'en')} (rank {fmt(rank, 0, 'en')} of {n}); "
        "weakest: " + ", ".join(f"{labels[k][1]} {fmt(known[k], 0, 'en')}" for k in weakest),
    }


def is_small_town(row: pd.Series, limit: float) -> bool:
    if flag(row, "is_regional_centre"):
        return False
    centre = _value(row, "centre_population")
    size = centre if centre is not None else _value(row, "population")
    return size is not None and size <= limit


def build_card(ctx: Context, code: str) -> dict[str, Any]:
    if code not in ctx.table.index:
        msg = f"OKTMO {code!r} is not in the feature table"
        raise ValidationError(msg)
    row = ctx.table.loc[code]
    if isinstance(row, pd.DataFrame):
        row = row.iloc[0]
    services = _services(ctx, code, row)
    role = _role(ctx, code, row)
    gaps = [s for s in services if s["gap"]]
    gap_ru = "; ".join(s["text_ru"] for s in gaps) or "разрывов с нормативами нет"
    gap_en = "; ".join(s["text_en"] for s in gaps) or "no gaps against the standards"
    fac_modelled = any(s["capacity_modelled"] for s in services)
    found = {
        "role": role,
        "services": services,
        "gaps": [s["service"] for s in gaps],
        "text_ru": f"{role['text_ru']}. Разрывы сервисной основы: {gap_ru}",
        "text_en": f"{role['text_en']}. Service-foundation gaps: {gap_en}",
    }
    notes_ru: list[str] = []
    notes_en: list[str] = []
    if ctx.modelled_network or fac_modelled:
        notes_ru.append(
            "доступность рассчитана по смоделированной сети и/или смоделированным учреждениям: "
            "выводы ориентировочные"
        )
        notes_en.append(
            "accessibility comes from a modelled network and/or modelled facilities: indicative"
        )
    return {
        "oktmo": code,
        "name": str(row["name"]) if "name" in row.index else None,
        "type": str(row["type"]) if "type" in row.index else None,
        "population": _value(row, "population"),
        "small_town": is_small_town(row, ctx.config.cards.small_town_max),
        "modelled": {"network": ctx.modelled_network, "facilities": fac_modelled},
        "resilience": _resilience_block(ctx, code),
        "foundation": found,
        "specialisation": _specialisation(ctx, code, row),
        "instruments": _instruments(ctx, row, role["key"], ctx.types.get(code, [])),
        "targets": _targets(ctx, row, services),
        "monitoring": _monitoring(ctx, code, row),
        "notes_ru": notes_ru,
        "notes_en": notes_en + list(ctx.notes),
        "config": ctx.config.source,
    }
