"""Specialisation candidates of municipalities, each with the evidence behind it.

Above the service economy that every town needs, a town can build a specialisation
from its own advantages. :func:`specialisation_candidates` ranks, for every
municipality, the candidates of :data:`CANDIDATES`:

``tourism``
    Section I (accommodation and food): LQ of I, relatedness density of I, places in
    collective accommodation per 1,000 residents (``Y48060002``), guest nights per
    resident (``Y47000004``).
``agro``
    Agro-processing and services to agriculture, sections A (+ C): LQ of A, density of
    A, sown area per resident (``Y48007018``), LQ of C (a processing base).
``industry_crafts``
    Small-scale industry and crafts, section C: LQ of C, density of C, individual
    entrepreneurs per 1,000 residents (``Y49010003``); the manufacturing share of
    employment is shown, not scored (it ranks exactly as the LQ of C).
``logistics``
    Section H (transport and storage): LQ of H, density of H, SberIndex market-access
    index.

Not candidates, for want of data: forestry and wood processing (the municipal
statistics in opora's sources have no forestry figure of their own; OKVED section A
mixes agriculture, forestry and fishing) and a trade hub for the surrounding area (the
retail floor area and retail objects of the municipal-database extract are parts of a
breakdown by type of shop, not totals).

Evidence
    LQs are employment location quotients of large and medium organisations (Rosstat
    municipal database ``Y48423005``: ``emp_share`` × ``emp_total``, latest year)
    against the municipalities of the table (:func:`~opora.economy.structure.
    location_quotients`). Densities come from a :class:`~opora.economy.complexity.
    ComplexityResult` when one is given (its latest period), and are left out of the
    score otherwise. Per-resident values divide municipal-database figures of the
    year of the average annual population ``Y48112013`` (2024 in the default region)
    by that population (SberIndex population of the same year, then the bulletin
    population, where it is missing). Sown area (``Y48007018``) is used only where the
    spring-account sown area of the same source (``Y47000006``), a second count of the
    same total, agrees with it within 10 %: in extracts where a breakdown by crop or
    farm category was collapsed, the value is one part, not the total, and cannot be
    told apart otherwise.

Scoring rule
    Every evidence is turned into its percentile rank among the municipalities of the
    table that have it (``rank(pct=True)``, ties averaged, 1 = highest); evidence known
    for fewer than a quarter of the municipalities (or fewer than 3) is not ranked -
    it is listed in ``missing_evidence`` with that reason and neither scored nor a
    strong signal. A
    candidate's ``score`` is the mean percentile rank of its scored evidence that is
    known (missing evidence is left out and listed in ``missing_evidence``). A
    candidate is *feasible* only with at least one strong signal: an LQ of a core
    section of at least :data:`STRONG_LQ` (1.25), or a capacity figure (places,
    guest nights, sown area, market access) positive and in the top
    quarter of the region (percentile rank ≥ 0.75). Feasible candidates are ranked by
    score (ties in the order of :data:`CANDIDATES`); a municipality without any gets
    one row with an empty candidate and the ``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from opora.economy._indicators import municipality_index, normalise_indicators, pick
from opora.economy.complexity import ComplexityResult
from opora.economy.structure import employment_by_section, location_quotients
from opora.errors import ValidationError

__all__ = [
    "CANDIDATES",
    "EVIDENCE",
    "MIN_RANKED",
    "MIN_RANKED_SHARE",
    "STRONG_LQ",
    "STRONG_PERCENTILE",
    "Candidate",
    "Evidence",
    "specialisation_candidates",
]

#: An LQ of a core section at or above this is a strong signal.
STRONG_LQ = 1.25

#: A capacity figure with a percentile rank at or above this is a strong signal.
STRONG_PERCENTILE = 0.75

#: Evidence is ranked (scored and used for top-quarter signals) only when it is known for
#: at least this share of the municipalities of the table ...
MIN_RANKED_SHARE = 0.25

#: ... and for at least this many of them.
MIN_RANKED = 3

#: Accepted range of sown area / spring-account sown area (two counts of one total).
_SOWN_CHECK = (0.9, 1.1)

_LQ_SECTIONS = ("A", "C", "H", "I")


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a column of the output.

    Attributes
    ----------
    key
        Column name.
    label_ru, label_en
        Words used in the ``why_ru`` / ``why_en`` sentences.
    unit_ru, unit_en
        Unit written after the value (may be empty).
    decimals
        Decimals shown for values below 100.
    strong
        How the evidence gives a strong signal: ``"lq"`` (value ≥ :data:`STRONG_LQ`),
        ``"top"`` (top quarter of the region) or ``None`` (never).
    source
        Source and formula.
    """

    key: str
    label_ru: str
    label_en: str
    unit_ru: str
    unit_en: str
    decimals: int
    strong: Literal["lq", "top"] | None
    source: str


_NAMES = {
    "A": ("сельского хозяйства", "agriculture"),
    "C": ("обрабатывающих производств", "manufacturing"),
    "H": ("транспорта и хранения", "transport and storage"),
    "I": ("гостиниц и общепита", "accommodation and food"),
}

#: Every evidence column, in output order.
EVIDENCE: dict[str, Evidence] = {
    **{
        f"lq_{s}": Evidence(
            f"lq_{s}",
            f"LQ {ru}",
            f"LQ of {en}",
            "",
            "",
            1,
            "lq",
            f"Employment LQ of OKVED section {s} (large and medium organisations, Rosstat "
            "municipal database Y48423005) against the municipalities of the table",
        )
        for s, (ru, en) in _NAMES.items()
    },
    **{
        f"density_{s}": Evidence(
            f"density_{s}",
            f"связанность с разделом {s}",
            f"relatedness density of {s}",
            "",
            "",
            2,
            None,
            f"Relatedness density of section {s} (ComplexityResult.cells, latest period)",
        )
        for s in _NAMES
    },
    "manufacturing_share": Evidence(
        "manufacturing_share",
        "доля обрабатывающих в занятости",
        "manufacturing share of employment",
        "%",
        "%",
        1,
        None,
        "100 × emp_share of section C (large and medium organisations)",
    ),
    "beds_per_1000": Evidence(
        "beds_per_1000",
        "мест в средствах размещения",
        "places in collective accommodation",
        "на 1000 жителей",
        "per 1,000 residents",
        1,
        "top",
        "Y48060002 places in collective accommodation / population × 1000",
    ),
    "guest_nights_per_capita": Evidence(
        "guest_nights_per_capita",
        "ночёвок в средствах размещения",
        "guest nights in collective accommodation",
        "на жителя",
        "per resident",
        1,
        "top",
        "Y47000004 guest nights in collective accommodation / population",
    ),
    "sown_ha_per_capita": Evidence(
        "sown_ha_per_capita",
        "посевная площадь",
        "sown area",
        "га на жителя",
        "ha per resident",
        1,
        "top",
        "Y48007018 sown area / population (checked against harvest / yield)",
    ),
    "entrepreneurs_per_1000": Evidence(
        "entrepreneurs_per_1000",
        "индивидуальных предпринимателей",
        "individual entrepreneurs",
        "на 1000 жителей",
        "per 1,000 residents",
        1,
        None,
        "Y49010003 individual entrepreneurs (state registration) / population × 1000",
    ),
    "market_access": Evidence(
        "market_access",
        "доступ к рынкам",
        "market access",
        "",
        "",
        0,
        "top",
        "SberIndex market-access index, 0-1000",
    ),
    "population": Evidence(
        "population",
        "население",
        "population",
        "чел.",
        "people",
        0,
        None,
        "Y48112013 average annual population (else SberIndex, else bulletin), the "
        "denominator of the per-resident evidence",
    ),
}


@dataclass(frozen=True)
class Candidate:
    """A specialisation and the evidence that supports it.

    Attributes
    ----------
    key
        Candidate id.
    label_ru, label_en
        Names.
    sections
        Related OKVED sections.
    scored
        Evidence keys averaged into the score (densities only with a complexity
        result).
    shown
        Evidence keys cited in the sentences but not scored.
    """

    key: str
    label_ru: str
    label_en: str
    sections: tuple[str, ...]
    scored: tuple[str, ...]
    shown: tuple[str, ...] = ()


#: The candidates, in tie-breaking order.
CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "tourism",
        "туризм",
        "tourism",
        ("I",),
        ("lq_I", "density_I", "beds_per_1000", "guest_nights_per_capita"),
    ),
    Candidate(
        "agro",
        "агропереработка и услуги сельскому хозяйству",
        "agro-processing and services to agriculture",
        ("A", "C"),
        ("lq_A", "density_A", "sown_ha_per_capita", "lq_C"),
    ),
    Candidate(
        "industry_crafts",
        "малая промышленность и ремёсла",
        "small-scale industry and crafts",
        ("C",),
        ("lq_C", "density_C", "entrepreneurs_per_1000"),
        ("manufacturing_share",),
    ),
    Candidate(
        "logistics",
        "логистика",
        "logistics",
        ("H",),
        ("lq_H", "density_H", "market_access"),
    ),
)

#: Evidence that can make a candidate feasible (core sections' LQ and capacities).
_CORE: dict[str, tuple[str, ...]] = {
    "tourism": ("lq_I", "beds_per_1000", "guest_nights_per_capita"),
    "agro": ("lq_A", "sown_ha_per_capita"),
    "industry_crafts": ("lq_C",),
    "logistics": ("lq_H", "market_access"),
}


# ------------------------------------------------------------------------ evidence


def _empty(index: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    values = pd.DataFrame(np.nan, index=index, columns=list(EVIDENCE), dtype="float64")
    why = pd.DataFrame({k: pd.Series(pd.NA, index=index, dtype="string") for k in EVIDENCE})
    return values, why


def _lqs(ind: pd.DataFrame, index: pd.Index, values: pd.DataFrame, why: pd.DataFrame) -> None:
    """Fill the LQ columns and the manufacturing share."""
    keys = [f"lq_{s}" for s in _LQ_SECTIONS] + ["manufacturing_share"]
    codes = set(pd.unique(ind["code"]))
    if not {"emp_share", "emp_total"} <= codes:
        why[keys] = "no employment by section (`emp_share`, `emp_total`) in the indicators table"
        return
    emp = employment_by_section(ind)
    emp = emp[emp["oktmo"].isin(index)]
    year = emp["year"].max()
    emp = emp[emp["year"] == year].reset_index(drop=True)
    totals = emp.groupby("oktmo", sort=False)["total"].first()
    lq = location_quotients(emp, totals=totals)
    table = emp[["oktmo", "dimension"]].join(lq[["lq", "reason"]])
    lq_w = table.pivot(index="oktmo", columns="dimension", values="lq")
    r_w = table.pivot(index="oktmo", columns="dimension", values="reason")
    share_w = emp.pivot(index="oktmo", columns="dimension", values="share")
    for t in (lq_w, r_w, share_w):
        t.index = t.index.astype("string")
    label = f"({int(year)})"
    for s in _LQ_SECTIONS:
        key = f"lq_{s}"
        if s not in lq_w.columns:
            why[key] = f"section {s} not in the employment table {label}"
            continue
        values[key] = lq_w[s].reindex(index)
        r = r_w[s].reindex(index).astype("string")
        r = (f"employment in {s}: " + r + f" {label}").where(r.notna())
        why[key] = r.fillna(f"no employment by section for this municipality {label}")
        if s == "C":
            values["manufacturing_share"] = share_w[s].reindex(index) * 100
            why["manufacturing_share"] = (
                "employment share of C suppressed or not published " + label
            )
    for key in keys:
        why[key] = why[key].where(values[key].isna())


def _densities(
    result: ComplexityResult, index: pd.Index, values: pd.DataFrame, why: pd.DataFrame
) -> None:
    """Fill the density columns from the cells of a complexity result."""
    dens_long = result.cells["density"]
    loc_reason = result.locations["reason"]
    if dens_long.index.nlevels == 3:
        last = dens_long.index.get_level_values(0).max()
        dens_long = dens_long[dens_long.index.get_level_values(0) == last].droplevel(0)
        loc_reason = loc_reason[loc_reason.index.get_level_values(0) == last].droplevel(0)
    dens = dens_long.unstack(level=-1)
    dens.index = dens.index.astype("string")
    loc_reason.index = loc_reason.index.astype("string")
    for s in _NAMES:
        key = f"density_{s}"
        if s not in dens.columns:
            why[key] = f"section {s} not in the complexity result"
            continue
        values[key] = dens[s].reindex(index)
        r = loc_reason.reindex(index).astype("string")
        r = r.where(~index.isin(dens.index), "municipality not in the complexity result")
        why[key] = r.fillna("density undefined in the complexity result")
        why[key] = why[key].where(values[key].isna())


def _population(ind: pd.DataFrame, index: pd.Index) -> tuple[pd.Series, pd.Series, float | None]:
    """Average annual population of the municipal-database year, with fall-backs."""
    ref = pick(ind, "Y48112013")
    year = ref.year
    pop = ref.values.reindex(index)
    parts = [ref.reasons(index)]
    for alt in (pick(ind, "sber_population", year=year), pick(ind, "bul_population")):
        pop = pop.fillna(alt.values.reindex(index))
        parts.append(alt.reasons(index))
    pop = pop.where(pop > 0)
    why = pd.Series(pd.NA, index=index, dtype="string")
    lack = pop.isna().to_numpy()
    why[lack] = [
        "population unknown: " + "; ".join(str(p[k]) for p in parts if pd.notna(p[k]))
        for k in index[lack]
    ]
    return pop, why, year


def _per_capita(
    ind: pd.DataFrame,
    code: str,
    year: float | None,
    pop: pd.Series,
    pop_why: pd.Series,
    factor: float,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``code`` / population × ``factor``, its reasons, and the raw values."""
    index = pop.index
    p = pick(ind, code, year=year)
    if year is not None and p.values.empty:
        p = pick(ind, code)
    raw = p.values.reindex(index)
    why = p.reasons(index)
    why = why.fillna(pop_why.where(raw.notna()))
    return raw / pop * factor, why, raw


def _evidence(
    ind: pd.DataFrame, index: pd.Index, result: ComplexityResult | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    values, why = _empty(index)
    _lqs(ind, index, values, why)
    if result is not None:
        _densities(result, index, values, why)
    else:
        for s in _NAMES:
            why[f"density_{s}"] = "no complexity result given"
    pop, pop_why, year = _population(ind, index)
    values["population"] = pop
    why["population"] = pop_why
    per = {
        "beds_per_1000": ("Y48060002", 1000.0),
        "guest_nights_per_capita": ("Y47000004", 1.0),
        "entrepreneurs_per_1000": ("Y49010003", 1000.0),
    }
    for key, (code, factor) in per.items():
        values[key], why[key], _ = _per_capita(ind, code, year, pop, pop_why, factor)
    sown, sown_why, raw = _per_capita(ind, "Y48007018", year, pop, pop_why, 1.0)
    spring = pick(ind, "Y47000006", year=year)
    check = spring.values.reindex(index)
    ratio = raw / check.where(check > 0)
    lo, hi = _SOWN_CHECK
    unchecked = (raw.notna() & ratio.isna()).to_numpy()
    bad = (ratio.notna() & ((ratio < lo) | (ratio > hi))).to_numpy()
    sown[unchecked | bad] = np.nan
    sown_why[unchecked] = (
        "sown area cannot be verified: no spring-account sown area (`Y47000006`) "
        f"for {spring.label}"
    )
    sown_why[bad] = [
        f"sown area {a:,.1f} ha disagrees with the spring-account sown area {b:,.1f} ha: "
        "likely one crop or farm category, not the total"
        for a, b in zip(raw[bad], check[bad], strict=True)
    ]
    values["sown_ha_per_capita"] = sown
    why["sown_ha_per_capita"] = sown_why
    ma = pick(ind, "sber_market_access")
    values["market_access"] = ma.values.reindex(index)
    why["market_access"] = ma.reasons(index)
    for key in EVIDENCE:
        why[key] = why[key].where(values[key].isna())
    return values, why


# ------------------------------------------------------------------------ sentences


def _fmt(x: float, decimals: int, lang: str) -> str:
    d = 0 if abs(x) >= 100 else decimals
    if 0 < abs(x) < 10.0**-decimals:
        d = int(-np.floor(np.log10(abs(x)))) + 1  # two significant digits
    text = f"{x:,.{d}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _sentence(row: pd.Series, strong: set[str], keys: list[str], lang: str) -> str:
    items = []
    for key in keys:
        x = row[key]
        if pd.isna(x):
            continue
        ev = EVIDENCE[key]
        label = ev.label_ru if lang == "ru" else ev.label_en
        unit = ev.unit_ru if lang == "ru" else ev.unit_en
        text = f"{label} {_fmt(float(x), ev.decimals, lang)}"
        if unit:
            text += f"{'' if unit == '%' else ' '}{unit}"
        if key in strong:
            if ev.strong == "lq":
                text += " (специализация)" if lang == "ru" else " (specialisation)"
            else:
                text += " (верхняя четверть региона)" if lang == "ru" else " (top quarter)"
        items.append(text)
    return "; ".join(items)


@dataclass(frozen=True)
class _Option:
    """One candidate of one municipality, assessed."""

    candidate: Candidate
    score: float
    strong: tuple[str, ...]
    missing: tuple[str, ...]
    why_ru: str
    why_en: str

    @property
    def feasible(self) -> bool:
        return bool(self.strong)

    def row(self) -> dict[str, object]:
        return {
            "candidate": self.candidate.key,
            "label_ru": self.candidate.label_ru,
            "label_en": self.candidate.label_en,
            "score": self.score,
            "feasible": self.feasible,
            "strong_signals": ";".join(self.strong),
            "missing_evidence": "; ".join(self.missing) or None,
            "why_ru": self.why_ru or None,
            "why_en": self.why_en or None,
        }


def _assess(
    cand: Candidate, v: pd.Series, pct: pd.Series, why: pd.Series, use_density: bool
) -> _Option:
    """Score one candidate of one municipality from its evidence and percentile ranks."""
    scored = [e for e in cand.scored if use_density or not e.startswith("density_")]
    known = [e for e in scored if pd.notna(pct[e])]
    score = float(np.mean([float(pct[e]) for e in known])) if known else np.nan
    strong: set[str] = set()
    for e in _CORE[cand.key]:
        x = float(v[e])
        if np.isnan(x) or (e not in known and EVIDENCE[e].strong == "top"):
            continue
        kind = EVIDENCE[e].strong
        if (kind == "lq" and x >= STRONG_LQ) or (
            kind == "top" and x > 0 and float(pct[e]) >= STRONG_PERCENTILE
        ):
            strong.add(e)
    cited = [*known, *(e for e in cand.shown if pd.notna(v[e]))]
    lacking = [*(e for e in scored if e not in known), *(e for e in cand.shown if e not in cited)]
    cited = [e for e in (*scored, *cand.shown) if e in cited]
    return _Option(
        cand,
        score,
        tuple(e for e in cited if e in strong),
        tuple(f"{e}: {why[e]}" for e in lacking),
        _sentence(v, strong, cited, "ru"),
        _sentence(v, strong, cited, "en"),
    )


# ------------------------------------------------------------------------ function


def specialisation_candidates(
    indicators: pd.DataFrame,
    complexity_result: ComplexityResult | None = None,
    *,
    top: int | None = 3,
    municipalities: pd.DataFrame | None = None,
    include_infeasible: bool = False,
) -> pd.DataFrame:
    """Rank the feasible specialisations of every municipality, with their evidence.

    Parameters
    ----------
    indicators
        Long indicators table (:data:`~opora.model.schemas.INDICATOR_COLUMNS`).
    complexity_result
        Result of :func:`~opora.economy.complexity.complexity` on the employment by
        section of the same municipalities (OKTMO as locations, section letters as
        activities); adds the relatedness densities to the evidence and the score.
    top
        Number of feasible candidates kept per municipality; ``None`` keeps all.
    municipalities
        Municipalities to rank (``oktmo``; ``level == 'upper'`` rows when there is a
        ``level`` column; ``name`` is copied). Default: every OKTMO of the indicators
        outside the bulletin codes. They are also the region the percentile ranks and
        LQs are computed against.
    include_infeasible
        Also list the candidates without a strong signal (``feasible`` false, ``rank``
        empty), after the ranked ones.

    Returns
    -------
    pandas.DataFrame
        Long table: ``oktmo`` (``name``), ``rank`` (Int64, 1 = best), ``candidate``,
        ``label_ru``, ``label_en``, ``score`` (0-1, see the module docstring),
        ``feasible``, ``strong_signals`` (``;``-separated evidence keys), one column
        per :data:`EVIDENCE` key (the municipality's values, the same on each of its
        rows), ``missing_evidence`` (the candidate's evidence that is missing, with the
        reason), ``why_ru``, ``why_en`` and ``reason`` (set on the single row of a
        municipality without any feasible candidate).

    Raises
    ------
    ValidationError
        When a required column is missing or ``top`` is not a positive integer.
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        msg = f"`top` must be a positive integer or None; got {top!r}"
        raise ValidationError(msg)
    ind = normalise_indicators(indicators)
    index, names = municipality_index(ind, municipalities)
    values, why = _evidence(ind, index, complexity_result)
    pct = values.rank(pct=True)
    n_known = values.notna().sum()
    need = max(MIN_RANKED, int(np.ceil(MIN_RANKED_SHARE * len(index))))
    for key in values.columns[(n_known < need).to_numpy()]:
        pct[key] = np.nan
        why[key] = why[key].mask(
            values[key].notna(),
            f"not ranked: known for {int(n_known[key])} of {len(index)} municipalities only "
            f"(needs {need})",
        )
    use_density = complexity_result is not None
    rows: list[dict[str, object]] = []
    for k in index:
        options = [
            _assess(cand, values.loc[k], pct.loc[k], why.loc[k], use_density) for cand in CANDIDATES
        ]
        ok = sorted((o for o in options if o.feasible), key=lambda o: -o.score)
        kept = ok if top is None else ok[:top]
        rows.extend({"oktmo": k, "rank": i, **o.row()} for i, o in enumerate(kept, start=1))
        if include_infeasible:
            rows.extend({"oktmo": k, "rank": None, **o.row()} for o in options if not o.feasible)
        if not ok:
            scored = [o for o in options if not np.isnan(o.score)]
            text = (
                f"no candidate has a strong signal (an LQ ≥ {STRONG_LQ} of "
                f"{', '.join(_LQ_SECTIONS)}, or a capacity in the region's top quarter)"
            )
            if scored:
                best = max(scored, key=lambda o: o.score)
                text += f"; best score: {best.candidate.key} {best.score:.2f}"
            rows.append({"oktmo": k, "rank": None, "feasible": False, "reason": text})
    head = ["oktmo", "rank", "candidate", "label_ru", "label_en", "score", "feasible"]
    tail = ["missing_evidence", "why_ru", "why_en", "reason"]
    out = pd.DataFrame(rows, columns=[*head, "strong_signals", *tail])
    out["feasible"] = out["feasible"].fillna(False)
    ev = values.reindex(pd.Index(out["oktmo"], dtype="string")).reset_index(drop=True)
    out = pd.concat([out[[*head, "strong_signals"]], ev, out[tail]], axis=1)
    out = out.astype(
        {
            "oktmo": "string",
            "rank": "Int64",
            "candidate": "string",
            "label_ru": "string",
            "label_en": "string",
            "score": "float64",
            "feasible": "bool",
            "strong_signals": "string",
            "missing_evidence": "string",
            "why_ru": "string",
            "why_en": "string",
            "reason": "string",
        }
    )
    if names is not None:
        out.insert(1, "name", names.reindex(pd.Index(out["oktmo"])).to_numpy())
    return out
