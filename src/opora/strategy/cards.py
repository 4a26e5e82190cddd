"""Development strategy cards: service foundation, specialisation, instruments, targets.

A card follows the differentiated model of the anchor-settlement policy: every town
needs a **service foundation**; above it, a **specialisation** from its own
advantages; the **instruments** must fit what the municipality can carry; and the
**targets** to 2030 and 2036 are monitored, with an ALERT where anchor status shows no
substance. Every line is in Russian and English and carries the figures behind it.
All rules are in ``opora/data/strategy.toml``.

Service foundation
    Per service of the normatives: share of residents within the travel-time standard
    (from the nearest-times table when given, else ``within_standard_<service>`` of the
    features), people and settlements outside it, and, where facilities with capacity
    are given, capacity per 1,000 residents (feature ``population``) against the
    normative. Modelled facilities get their capacity from the normative itself, so
    their line says *modelled* and is not counted as a gap. A service is a gap when
    its coverage is below ``targets.coverage_2030`` or real capacity is below the
    normative.
Anchor role (``[roles]``, decided in this order)
    *regional centre* (the region's capital); *inter-district centre* (its polyclinic,
    hospital or МФЦ is the nearest one for at least ``inter_district_min_people``
    people of other municipalities and ``inter_district_min_share`` % of its own
    population, or for ``inter_district_alone_min`` people: the thresholds of the
    typology's rule; or a typology type says so); *served by a neighbour* (a typology
    type says so, or ``served_elsewhere_min_share`` % of its people have the nearest
    polyclinic or hospital in another municipality, or its centre is within
    ``satellite_max_minutes`` of a large city and it has no town of 250,000+ itself);
    else *local anchor*. When a typology (:func:`opora.typology.classify` or its
    :func:`~opora.typology.types_table`) covers the municipality, its types alone
    decide the inter-district centre and the satellite; only the nearest-times test is
    added.
Specialisation
    The best feasible candidates of
    :func:`~opora.economy.candidates.specialisation_candidates`, with their evidence.
Instruments (``[instruments]``)
    Capacity criteria (budget autonomy, size, project experience, each a list of
    tests with fallbacks) give a level: *high* when every known criterion is met,
    *medium* from half, *low* below. Rules then pick instruments by level, role and
    tests: light targeted measures at low capacity, a full programme at high.
Targets (``[targets]``)
    Living-environment quality +30 % by 2030: an official index when the table has
    ``quality_column``; otherwise opora's proxy, the mean over services of the share
    within the standard times ``min(1, capacity / normative)`` where real capacity is
    known (capped at 100, with a note when the cap binds). Coverage per service and
    population change to 2030 and 2036.
ALERT (``[monitoring.alert]``)
    When the municipality holds anchor status (a code of the optional ONP list: the
    8-digit municipality or an 11-digit settlement of it) and the conditions hold
    (default: population declining AND mean coverage below 95 % AND transfer
    dependence above 75 %).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.access.services import ServiceAccess
from opora.analysis.features import LARGE_CITY
from opora.errors import ValidationError
from opora.io.normatives import Normative, read_normatives
from opora.io.strategy_config import (
    Condition,
    Criterion,
    StrategyConfig,
    default_strategy_config,
)
from opora.strategy.resilience import derived_indicators, resilience_index

__all__ = ["card_lines", "cards_table", "small_towns", "strategy_card", "strategy_cards"]

#: Services whose catchment decides whether a municipality is served by a neighbour.
_NEIGHBOUR_SERVICES = ("clinic", "hospital")

Types = pd.DataFrame | Mapping[str, str | Sequence[str]]


# ------------------------------------------------------------------------ helpers


def _num(x: object) -> float | None:
    """Return a plain float, ``None`` for missing values."""
    if x is None or isinstance(x, str):
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _fmt(x: float | None, decimals: int, lang: str) -> str:
    if x is None or not math.isfinite(x):
        return "н/д" if lang == "ru" else "n/a"
    text = f"{abs(x):,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return ("\u2212" + text) if x < 0 and any(c in "123456789" for c in text) else text


def _pct(x: float | None, lang: str, decimals: int = 1) -> str:
    return _fmt(x, decimals, lang) + ("\u00a0%" if lang == "ru" else "%")


def _flag(row: pd.Series, column: str) -> bool:
    v = row.get(column)
    if isinstance(v, bool | np.bool_):
        return bool(v)
    return str(v).strip().lower() in ("true", "1")


def _top_code(code: str) -> str:
    return code[:5] + "000" if len(code) >= 8 else code


def _types_of(types: Types | None) -> dict[str, list[str]]:
    """Typology keys by OKTMO from a table (``oktmo`` + a types column) or a mapping."""
    if types is None:
        return {}
    out: dict[str, list[str]] = {}
    if isinstance(types, pd.DataFrame):
        if "oktmo" not in types.columns:
            msg = "`types` has no column `oktmo`"
            raise ValidationError(msg)
        t = types
        if "level" in t.columns:
            t = t[t["level"].isna() | (t["level"].astype(str) == "municipality")]
        if "status" in t.columns and "type" in t.columns:  # long table of classify()
            for code, value, status in zip(
                t["oktmo"].astype(str), t["type"], t["status"].astype(str), strict=True
            ):
                got = out.setdefault(code, [])
                if status == "assigned":
                    got.append(str(value))
            return out
        cols = [
            c
            for c in ("types", "type_keys", "town_type", "primary_type", "typology")
            if c in t.columns
        ]
        if not cols:
            msg = "`types` needs a column `types` (or `type_keys`, `town_type`, `primary_type`)"
            raise ValidationError(msg)
        for code, value in zip(t["oktmo"].astype(str), t[cols[0]], strict=True):
            out.setdefault(code, []).extend(_split_types(value))
        return out
    for code, value in types.items():
        out[str(code)] = _split_types(value)
    return out


def _split_types(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [
            v.strip() for v in value.replace("|", ";").replace(",", ";").split(";") if v.strip()
        ]
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return [str(value)]


def _matches(types: list[str], keys: tuple[str, ...]) -> list[str]:
    return [t for t in types if any(k in t.lower() for k in keys)]


# ------------------------------------------------------------------------ context


@dataclass
class _Near:
    """Nearest-time rows of one municipality and service, as plain arrays."""

    settlement_id: npt.NDArray[np.object_]
    name: npt.NDArray[np.object_]
    pop: npt.NDArray[np.float64]
    minutes: npt.NDArray[np.float64]
    within: npt.NDArray[np.bool_]


@dataclass
class _Context:
    """Everything the cards of one region share (computed once)."""

    features: pd.DataFrame
    table: pd.DataFrame
    resilience: pd.DataFrame
    config: StrategyConfig
    normatives: dict[str, Normative]
    types: dict[str, list[str]]
    candidates: dict[str, list[dict[str, Any]]] | None
    near: dict[tuple[str, str], _Near] | None
    capacity: dict[tuple[str, str], tuple[float, int, bool]] | None
    elsewhere: dict[tuple[str, str], float]
    onp_codes: dict[str, list[str]] | None
    modelled_network: bool
    notes: list[str] = field(default_factory=list)


def _truthy(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return str(value).strip().lower() in ("true", "1")


def _group_candidates(
    candidates: pd.DataFrame | None,
) -> dict[str, list[dict[str, Any]]] | None:
    if candidates is None:
        return None
    if "oktmo" not in candidates.columns or "candidate" not in candidates.columns:
        msg = "`candidates` needs the columns `oktmo` and `candidate`"
        raise ValidationError(msg)
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in candidates.to_dict("records"):
        out.setdefault(str(rec["oktmo"]), []).append({str(k): v for k, v in rec.items()})
    return out


def _group_near(merged: pd.DataFrame) -> dict[tuple[str, str], _Near]:
    m = merged.reset_index(drop=True)
    keys = list(zip(m["oktmo"].astype(str), m["service"].astype(str), strict=True))
    sid = m["settlement_id"].astype(str).to_numpy(dtype=object)
    name = m["sname"].astype(str).to_numpy(dtype=object)
    pop = m["pop"].to_numpy(dtype=float)
    minutes = pd.to_numeric(m["minutes"], errors="coerce").to_numpy(dtype=float)
    within = m["within_standard"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    rows: dict[tuple[str, str], list[int]] = {}
    for i, k in enumerate(keys):
        rows.setdefault(k, []).append(i)
    out = {}
    for k, idx in rows.items():
        ix = np.asarray(idx, dtype=np.int64)
        out[k] = _Near(sid[ix], name[ix], pop[ix], minutes[ix], within[ix])
    return out


def _settlement_top(settlements: pd.DataFrame, codes: set[str]) -> pd.Series:
    """Top-level municipality of each settlement (indexed by settlement_id)."""
    sid = settlements["settlement_id"].astype(str)
    for col in ("top_oktmo", "oktmo_top"):
        if col in settlements.columns:
            return pd.Series(settlements[col].astype(str).to_numpy(), index=sid.to_numpy())
    if "municipality_oktmo" in settlements.columns:
        raw = settlements["municipality_oktmo"].astype(str)
    else:
        raw = sid
    top = [c if c in codes else _top_code(c) for c in raw]
    s = pd.Series(top, index=sid.to_numpy())
    return s[~s.index.duplicated()]


def _context(
    features: pd.DataFrame,
    types: Types | None,
    candidates: pd.DataFrame | None,
    access: ServiceAccess | pd.DataFrame | None,
    normatives: dict[str, Normative] | None,
    config: StrategyConfig | None,
    facilities: pd.DataFrame | None,
    settlements: pd.DataFrame | None,
    onp: Collection[str] | None,
) -> _Context:
    if "oktmo" not in features.columns:
        msg = "the feature table has no column `oktmo`"
        raise ValidationError(msg)
    cfg = config if config is not None else default_strategy_config()
    norms = normatives if normatives is not None else read_normatives(None)
    f = features.reset_index(drop=True).copy()
    f["oktmo"] = f["oktmo"].astype(str)
    res = resilience_index(f, config=cfg)
    derived = derived_indicators(f, cfg.resilience.industry_sections)
    table = f.copy()
    for col in derived.columns:
        if col not in table.columns:
            table[col] = derived[col]
    table["resilience_index"] = res["resilience_index"].to_numpy()
    table = table.set_index("oktmo", drop=False)
    codes = set(table.index)
    notes: list[str] = []
    merged: pd.DataFrame | None = None
    modelled_network = False
    tops: pd.Series | None = None
    if settlements is not None:
        for col in ("settlement_id", "population"):
            if col not in settlements.columns:
                msg = f"`settlements` has no column `{col}`"
                raise ValidationError(msg)
        tops = _settlement_top(settlements, codes)
    if access is not None:
        nt = access.nearest if isinstance(access, ServiceAccess) else access
        if isinstance(access, ServiceAccess):
            modelled_network = bool(access.modelled)
        elif "network" in nt.columns:
            modelled_network = bool(nt["network"].astype(str).str.contains("modelled").any())
        if settlements is None or tops is None:
            notes.append("nearest-times table given without settlements: not used")
        else:
            d = nt[nt["state"] == "summer"] if "state" in nt.columns else nt
            d = d.assign(settlement_id=d["settlement_id"].astype(str))
            sset = settlements.assign(settlement_id=settlements["settlement_id"].astype(str))
            sset = sset.drop_duplicates("settlement_id")
            info = pd.DataFrame(
                {
                    "settlement_id": sset["settlement_id"].to_numpy(),
                    "pop": pd.to_numeric(sset["population"], errors="coerce").fillna(0).to_numpy(),
                    "sname": sset["name"].astype(str).to_numpy()
                    if "name" in sset.columns
                    else sset["settlement_id"].to_numpy(),
                }
            )
            merged = d.merge(info, on="settlement_id", how="inner")
            merged["oktmo"] = merged["settlement_id"].map(tops)
    capacity: dict[tuple[str, str], tuple[float, int, bool]] | None = None
    elsewhere: dict[tuple[str, str], float] = {}
    if facilities is not None and tops is not None and "settlement_id" in facilities.columns:
        fac = facilities.assign(
            oktmo=facilities["settlement_id"].astype(str).map(tops),
            capacity=pd.to_numeric(facilities["capacity"], errors="coerce")
            if "capacity" in facilities.columns
            else np.nan,
            modelled=facilities["modelled"].fillna(False).astype(bool)
            if "modelled" in facilities.columns
            else False,
        )
        if "capacity" in facilities.columns:
            agg = fac.groupby(["oktmo", "type"]).agg(
                capacity=("capacity", "sum"),
                facilities=("capacity", "size"),
                modelled=("modelled", "any"),
            )
            capacity = {
                (str(k[0]), str(k[1])): (float(c), int(n), bool(m))
                for k, c, n, m in zip(
                    agg.index,
                    agg["capacity"].to_numpy(dtype=float),
                    agg["facilities"].to_numpy(),
                    agg["modelled"].to_numpy(dtype=bool),
                    strict=True,
                )
            }
        if merged is not None and "facility_id" in merged.columns:
            host = pd.Series(
                fac["oktmo"].to_numpy(), index=fac["facility_id"].astype(str).to_numpy()
            )
            host = host[~host.index.duplicated()]
            d = merged[merged["service"].isin(_NEIGHBOUR_SERVICES)].dropna(subset=["facility_id"])
            d = d.assign(host=d["facility_id"].astype(str).map(host))
            d = d.assign(out=np.where(d["host"] != d["oktmo"], d["pop"], 0.0))
            g = d.groupby(["oktmo", "service"])[["out", "pop"]].sum()
            keys = list(g.index)
            outs = g["out"].to_numpy(dtype=float)
            pops = g["pop"].to_numpy(dtype=float)
            for (code, service), o, p in zip(keys, outs, pops, strict=True):
                if p > 0:
                    elsewhere[(str(code), str(service))] = o / p * 100
    onp_codes: dict[str, list[str]] | None = None
    if onp is not None:
        onp_codes = {}
        for code in (str(c).strip() for c in onp):
            if code in codes:
                onp_codes.setdefault(code, []).append(code)
                continue
            top = tops.get(code) if tops is not None and len(code) > 8 else None
            muni = str(top) if top is not None else _top_code(code)
            onp_codes.setdefault(muni, []).append(code)
    return _Context(
        features=f,
        table=table,
        resilience=res.set_index("oktmo", drop=False),
        config=cfg,
        normatives=norms,
        types=_types_of(types),
        candidates=_group_candidates(candidates),
        near=None if merged is None else _group_near(merged),
        capacity=capacity,
        elsewhere=elsewhere,
        onp_codes=onp_codes,
        modelled_network=modelled_network,
        notes=notes,
    )


# ---------------------------------------------------------------------- sections


def _value(row: pd.Series, column: str) -> float | None:
    return _num(row[column]) if column in row.index else None


def _services(ctx: _Context, code: str, row: pd.Series) -> list[dict[str, Any]]:
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
                            "population": _num(d.pop[j]),
                            "minutes": _num(d.minutes[j]),
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
        mins = _fmt(norm.max_minutes, 0, lang)
        if lang == "ru":
            t = f"{label}: {_pct(w, lang)} жителей в пределах {mins} мин"
        else:
            t = f"{label}: {_pct(w, lang)} of residents within {mins} min"
        if item["population_outside"]:
            people = _fmt(item["population_outside"], 0, lang)
            t += f", вне норматива {people} чел." if lang == "ru" else f", {people} people outside"
        if item["worst_settlements"]:
            names = ", ".join(
                f"{s['name']} ({_fmt(s['population'], 0, lang)})"
                for s in item["worst_settlements"][:3]
            )
            t += f" ({names})"
        if item["capacity_per_1000"] is not None:
            cap = _fmt(item["capacity_per_1000"], 1, lang)
            nv = _fmt(norm.per_1000, 1, lang)
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


def _role(ctx: _Context, code: str, row: pd.Series) -> dict[str, Any]:
    rc = ctx.config.roles
    typed = code in ctx.types
    types = ctx.types.get(code, [])
    population = _value(row, "population")
    served = _value(row, "served_outside_max")
    share = served / population * 100 if served is not None and population else None
    minutes = _value(row, "minutes_to_large_city")
    centre = _value(row, "centre_population")
    elsewhere = {
        s: ctx.elsewhere[(code, s)] for s in _NEIGHBOUR_SERVICES if (code, s) in ctx.elsewhere
    }
    inter_types = _matches(types, rc.inter_district_types)
    neigh_types = _matches(types, rc.neighbour_types)
    # the municipality is itself a large city (then "near a large city" means nothing)
    largest = _value(row, "largest_town_population")
    own = largest if largest is not None else population
    big = own is not None and own >= LARGE_CITY
    reasons_en: list[str] = []
    reasons_ru: list[str] = []
    if _flag(row, "is_regional_centre"):
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
                f"its district services are the nearest for {_fmt(served, 0, 'en')} people of "
                f"other municipalities ({_pct(share, 'en', 0)} of its own population)"
            )
            reasons_ru.append(
                f"его районные учреждения — ближайшие для {_fmt(served, 0, 'ru')} жителей других "
                f"муниципалитетов ({_pct(share, 'ru', 0)} собственного населения)"
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
                reasons_en.append(
                    f"{_pct(v, 'en', 0)} of residents have the nearest {en} elsewhere"
                )
                reasons_ru.append(
                    f"у {_pct(v, 'ru', 0)} жителей ближайшая {ru} в другом муниципалитете"
                )
        if not typed and minutes is not None and minutes <= rc.satellite_max_minutes and not big:
            reasons_en.append(f"{_fmt(minutes, 0, 'en')} min from a large city")
            reasons_ru.append(f"{_fmt(minutes, 0, 'ru')} мин до крупного города")
    else:
        role = "local_anchor"
        reasons_en.append(
            "serves itself and its villages; few people of other municipalities rely on it"
            + (f" ({_fmt(served, 0, 'en')})" if served is not None else "")
        )
        reasons_ru.append(
            "обслуживает себя и свои сёла; жителей других муниципалитетов, опирающихся на него, "
            "немного" + (f" ({_fmt(served, 0, 'ru')})" if served is not None else "")
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


def _specialisation(ctx: _Context, code: str, row: pd.Series) -> dict[str, Any]:
    n = ctx.config.cards.max_candidates
    items: list[dict[str, Any]] = []
    reason = None
    c = ctx.candidates
    if c is not None:
        mine = c.get(code, [])
        feas = [
            r
            for r in mine
            if isinstance(r.get("candidate"), str) and _truthy(r.get("feasible", True))
        ]
        feas.sort(key=lambda r: _num(r.get("rank")) or math.inf)
        for r in feas[:n]:
            items.append(
                {
                    "candidate": str(r["candidate"]),
                    "label_ru": str(r.get("label_ru") or r["candidate"]),
                    "label_en": str(r.get("label_en") or r["candidate"]),
                    "score": _num(r.get("score")),
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
            f"{i['label_ru']} (оценка {_fmt(i['score'], 2, 'ru')}"
            + (f": {i['why_ru']})" if i["why_ru"] else ")")
            for i in items
        ]
        parts_en = [
            f"{i['label_en']} (score {_fmt(i['score'], 2, 'en')}"
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
        return _fmt(x, 0, lang)
    if float(x).is_integer() or abs(x) >= 100:
        return _fmt(x, 0, lang)
    return _fmt(x, 1 if abs(x) >= 10 else 2, lang)


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


def _instruments(ctx: _Context, row: pd.Series, role: str, types: list[str]) -> dict[str, Any]:
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
        typed = _matches(types, rule.types)
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


def _targets(ctx: _Context, row: pd.Series, services: list[dict[str, Any]]) -> dict[str, Any]:
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
            f"{_fmt(official, 1, 'ru')} → {_fmt(official * goal, 1, 'ru')} к 2030 г. "
            f"(+{_fmt(tc.quality_goal_pct, 0, 'ru')} %), удержание к 2036 г.",
            "text_en": f"Living-environment index ({tc.quality_column}): "
            f"{_fmt(official, 1, 'en')} → {_fmt(official * goal, 1, 'en')} by 2030 "
            f"(+{_fmt(tc.quality_goal_pct, 0, 'en')}%), held to 2036",
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
            f"0-100): {_fmt(base, 1, 'ru')} → {_fmt(t2030, 1, 'ru')} к 2030 г., "
            f"{_fmt(t2036, 1, 'ru')} к 2036 г.{cap_ru}",
            "text_en": "Living-environment quality (proxy: service provision, 0-100): "
            f"{_fmt(base, 1, 'en')} → {_fmt(t2030, 1, 'en')} by 2030, "
            f"{_fmt(t2036, 1, 'en')} by 2036{cap_en}",
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
                f"{_pct(w, 'ru')} → {_pct(t30, 'ru')} к 2030 г., {_pct(t36, 'ru')} к 2036 г.",
                "text_en": f"{s['label_en']}: residents within the standard {_pct(w, 'en')} → "
                f"{_pct(t30, 'en')} by 2030, {_pct(t36, 'en')} by 2036",
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
            "text_ru": f"Изменение численности населения за год: {_pct(pc, 'ru', 2)} → не ниже "
            f"{_pct(t30, 'ru', 2)} к 2030 г., не ниже {_pct(t36, 'ru', 2)} к 2036 г. "
            "(стабилизация)",
            "text_en": f"Annual population change: {_pct(pc, 'en', 2)} → at least "
            f"{_pct(t30, 'en', 2)} by 2030, at least {_pct(t36, 'en', 2)} by 2036 "
            "(stabilisation)",
        }
    return {"quality": quality, "coverage": coverage, "population": population}


def _monitoring(ctx: _Context, code: str, row: pd.Series) -> dict[str, Any]:
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


def _resilience_block(ctx: _Context, code: str) -> dict[str, Any]:
    r = ctx.resilience.loc[code]
    comps = {c.key: _num(r[f"component_{c.key}"]) for c in ctx.config.resilience.components}
    known = {k: v for k, v in comps.items() if v is not None}
    weakest = sorted(known, key=lambda k: known[k])[:2]
    labels = {c.key: (c.label_ru, c.label_en) for c in ctx.config.resilience.components}
    idx = _num(r["resilience_index"])
    rank = _num(r["rank"])
    n = int(ctx.resilience["resilience_index"].notna().sum())
    return {
        "index": idx,
        "rank": int(rank) if rank is not None else None,
        "of": n,
        "components": comps,
        "weakest": weakest,
        "note": str(r["note"]),
        "text_ru": f"Индекс устойчивости {_fmt(idx, 1, 'ru')} "
        f"(место {_fmt(rank, 0, 'ru')} из {n}); "
        "слабые стороны: "
        + ", ".join(f"{labels[k][0]} {_fmt(known[k], 0, 'ru')}" for k in weakest),
        "text_en": f"Resilience index {_fmt(idx, 1, 'en')} (rank {_fmt(rank, 0, 'en')} of {n}); "
        "weakest: " + ", ".join(f"{labels[k][1]} {_fmt(known[k], 0, 'en')}" for k in weakest),
    }


def _is_small_town(row: pd.Series, limit: float) -> bool:
    if _flag(row, "is_regional_centre"):
        return False
    centre = _value(row, "centre_population")
    size = centre if centre is not None else _value(row, "population")
    return size is not None and size <= limit


def _card(ctx: _Context, code: str) -> dict[str, Any]:
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
        "small_town": _is_small_town(row, ctx.config.cards.small_town_max),
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


# ------------------------------------------------------------------------- public


def strategy_card(
    oktmo: str,
    features: pd.DataFrame,
    types: Types | None = None,
    candidates: pd.DataFrame | None = None,
    access: ServiceAccess | pd.DataFrame | None = None,
    normatives: dict[str, Normative] | None = None,
    config: StrategyConfig | None = None,
    *,
    facilities: pd.DataFrame | None = None,
    settlements: pd.DataFrame | None = None,
    onp: Collection[str] | None = None,
) -> dict[str, Any]:
    """Build the development strategy card of one municipality.

    Parameters
    ----------
    oktmo
        8-digit OKTMO of the municipality (a row of ``features``).
    features
        Feature table of the whole region (the resilience index and the role
        thresholds are relative to it).
    types
        Typology: a table with ``oktmo`` and ``types`` (keys separated by ``;`` or
        ``,``) or a mapping OKTMO → key(s). Keys matching ``roles.*_types`` force a role.
    candidates
        :func:`~opora.economy.candidates.specialisation_candidates` (``economy_
        candidates.csv``); ``candidate_1`` of the features otherwise.
    access
        Nearest times (:class:`~opora.access.services.ServiceAccess` or its
        ``nearest`` table); used with ``settlements`` for exact coverage and the
        settlements outside the standard.
    normatives
        Service standards; the package default when ``None``.
    config
        Strategy rules; the package default when ``None``.
    facilities
        Facilities (``facility_id``, ``type``, ``settlement_id``, ``capacity``,
        ``modelled``) for capacity per 1,000 residents.
    settlements
        Settlements (``settlement_id``, ``population``, ``name``,
        ``municipality_oktmo``) to place facilities and settlements in municipalities.
    onp
        Official anchor-settlement codes (8-digit municipalities or 11-digit
        settlements); the ALERT is checked only when given.

    Returns
    -------
    dict
        JSON-ready card: ``oktmo``, ``name``, ``population``, ``small_town``,
        ``modelled``, ``resilience``, ``foundation`` (``role``, ``services``,
        ``gaps``), ``specialisation``, ``instruments`` (``capacity``, ``items``),
        ``targets`` (``quality``, ``coverage``, ``population``), ``monitoring``
        (``indicators``, ``alert``), notes; every section has ``text_ru`` and
        ``text_en``.

    Raises
    ------
    ValidationError
        If ``oktmo`` is not in the table or an input lacks a required column.
    """
    ctx = _context(
        features, types, candidates, access, normatives, config, facilities, settlements, onp
    )
    return _card(ctx, str(oktmo))


def small_towns(features: pd.DataFrame, config: StrategyConfig | None = None) -> pd.Series:
    """Mark the municipalities whose centre is a small town (or smaller).

    Parameters
    ----------
    features
        Feature table.
    config
        Strategy rules (``cards.small_town_max``, default 50,000).

    Returns
    -------
    pandas.Series
        Boolean, same index as ``features``: centre population (the municipality's
        population where the centre is unknown) at most the limit, and not the
        regional capital.
    """
    cfg = config if config is not None else default_strategy_config()
    limit = cfg.cards.small_town_max
    return pd.Series(
        [_is_small_town(r, limit) for _, r in features.iterrows()], index=features.index, dtype=bool
    )


def strategy_cards(
    features: pd.DataFrame,
    types: Types | None = None,
    candidates: pd.DataFrame | None = None,
    access: ServiceAccess | pd.DataFrame | None = None,
    normatives: dict[str, Normative] | None = None,
    config: StrategyConfig | None = None,
    *,
    facilities: pd.DataFrame | None = None,
    settlements: pd.DataFrame | None = None,
    onp: Collection[str] | None = None,
    only_small_towns: bool = False,
) -> list[dict[str, Any]]:
    """Build the cards of every municipality (or of the small towns only).

    Parameters
    ----------
    features, types, candidates, access, normatives, config, facilities, settlements, onp
        As for :func:`strategy_card`.
    only_small_towns
        Keep the municipalities :func:`small_towns` marks.

    Returns
    -------
    list of dict
        Cards in the order of ``features``.
    """
    ctx = _context(
        features, types, candidates, access, normatives, config, facilities, settlements, onp
    )
    codes = ctx.features["oktmo"].tolist()
    if only_small_towns:
        mask = small_towns(ctx.features, ctx.config).to_numpy()
        codes = [c for c, keep in zip(codes, mask, strict=True) if keep]
    return [_card(ctx, c) for c in codes]


def cards_table(cards: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Summarise cards as one row each (for a register or a spreadsheet).

    Parameters
    ----------
    cards
        What :func:`strategy_cards` returned.

    Returns
    -------
    pandas.DataFrame
        ``oktmo``, ``name``, ``population``, ``small_town``, ``role``,
        ``resilience_index``, ``resilience_rank``, ``gaps`` (``;``-separated
        services), ``specialisation`` (best candidate), ``capacity_level``,
        ``instruments`` (``;``-separated keys), ``quality_baseline``,
        ``quality_target_2030``, ``anchor_status``, ``alert``.
    """
    rows = []
    for c in cards:
        spec = c["specialisation"]["candidates"]
        alert = c["monitoring"]["alert"]
        rows.append(
            {
                "oktmo": c["oktmo"],
                "name": c["name"],
                "population": c["population"],
                "small_town": c["small_town"],
                "role": c["foundation"]["role"]["key"],
                "resilience_index": c["resilience"]["index"],
                "resilience_rank": c["resilience"]["rank"],
                "gaps": ";".join(c["foundation"]["gaps"]),
                "specialisation": spec[0]["candidate"] if spec else None,
                "capacity_level": c["instruments"]["capacity"]["level"],
                "instruments": ";".join(i["key"] for i in c["instruments"]["items"]),
                "quality_baseline": c["targets"]["quality"]["baseline"],
                "quality_target_2030": c["targets"]["quality"]["target_2030"],
                "anchor_status": alert["anchor_status"],
                "alert": alert["active"],
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:
        out["resilience_rank"] = out["resilience_rank"].astype("Int64")
    return out


def card_lines(card: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Flatten a card into (Russian, English) lines by section, for reports.

    Parameters
    ----------
    card
        What :func:`strategy_card` returned.

    Returns
    -------
    dict
        ``foundation`` (role, then each gap; a "no gaps" line when none),
        ``specialisation`` (one line per candidate, or why there is none),
        ``instruments`` (the capacity line, then each instrument with why),
        ``targets`` (quality, coverage of the services with a gap, population),
        ``monitoring`` (indicators to watch with their baseline) and ``alerts`` (the
        ALERT line when it fires; empty otherwise).
    """
    found = card["foundation"]
    foundation = [(found["role"]["text_ru"], found["role"]["text_en"])]
    gaps = [s for s in found["services"] if s["gap"]]
    foundation += [(s["text_ru"], s["text_en"]) for s in gaps] or [
        ("Разрывов с нормативами нет", "No gaps against the standards")
    ]
    spec = card["specialisation"]
    if spec["candidates"]:
        specialisation = [
            (
                f"{c['label_ru']} (оценка {_fmt(c['score'], 2, 'ru')})"
                + (f": {c['why_ru']}" if c["why_ru"] else ""),
                f"{c['label_en']} (score {_fmt(c['score'], 2, 'en')})"
                + (f": {c['why_en']}" if c["why_en"] else ""),
            )
            for c in spec["candidates"]
        ]
    else:
        specialisation = [(spec["text_ru"], spec["text_en"])]
    inst = card["instruments"]
    head_ru, _, _ = inst["text_ru"].partition(". Инструменты: ")
    head_en, _, _ = inst["text_en"].partition(". Instruments: ")
    instruments = [(head_ru, head_en)] + [
        (f"{i['ru']} ({i['why_ru']})", f"{i['en']} ({i['why_en']})") for i in inst["items"]
    ]
    tg = card["targets"]
    targets = [(tg["quality"]["text_ru"], tg["quality"]["text_en"])]
    targets += [(c["text_ru"], c["text_en"]) for c in tg["coverage"] if c["gap"]]
    targets.append((tg["population"]["text_ru"], tg["population"]["text_en"]))
    mon = card["monitoring"]
    monitoring = [(w["text_ru"], w["text_en"]) for w in mon["indicators"]]
    alert = mon["alert"]
    alerts = [(alert["text_ru"], alert["text_en"])] if alert["active"] else []
    return {
        "foundation": foundation,
        "specialisation": specialisation,
        "instruments": instruments,
        "targets": targets,
        "monitoring": monitoring,
        "alerts": alerts,
    }
