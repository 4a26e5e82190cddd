"""Modelled firm registry for a region without one: firms, ownership and branches.

Where no registry is given (the embedded default region), opora models a firm
population consistent with the region's real statistics and plausible control ties
between its places. Every table it returns has ``modelled = True`` and
``source = "modelled"``; nothing in it describes a real firm. INNs start with ``00``
(no tax office has that code) and have valid control digits.

**Employment of large and medium organisations.** For each municipality ``m`` and OKVED
section ``s``: ``E[m, s] = emp_share[m, s] × emp_total[m]`` (Rosstat municipal database,
latest year). Suppressed shares are imputed: the unreported part ``1 - Σ reported``
is split over the unreported sections in proportion to their regional shares (reported
shares adding up to more than 1 are scaled down to 1; a municipality without shares
takes the regional ones). Integers are rounded by largest remainder, so that
``Σ_s E[m, s] = emp_total[m]``. ``E[m, s]`` is split into establishments of mean size
``mean_size[s]`` (lognormal sizes, ``size_sigma``), each of at least one employee.

**Organisation count.** The legal entities located in ``m`` (large and medium ones
that are not branches, plus small ones) number ``Y49010002[m]`` (organisations by state
registration, latest year); where it is missing, ``emp_total[m]`` over the regional
employees per organisation. Small firms (segment ``small``, outside ``emp_total``) take
sections from ``small_mix`` and 1-15 employees (micro, probability ``p_micro``) or
16-100.

**Places.** Establishments lie in settlements of their municipality drawn with
probability proportional to ``population ** alpha`` (``alpha_large`` for large and
medium ones, which gathers them in towns; ``alpha_small`` for small firms).

**Control ties (gravity-like).** A large or medium establishment of a market sector
(not O, P, Q) is tied to a controller elsewhere with probability ``p_tied[s]``
(``p_tied_small`` for a small firm). An establishment outside the towns is controlled
from another settlement of its own municipality (a town one where there is such a
firm) with probability ``p_local``: the town-village axis. Otherwise the controller
lies outside the region with
probability ``p_external[s]`` (Moscow, Saint Petersburg and three neighbouring regions,
``external_places``: a modelled corporation of the same section there), else in a
municipality ``j ≠ m`` of the region drawn with probability
``∝ emp_total[j] ** gravity_beta × exp(-d(m, j) / gravity_km)``: large employers near by
attract control. The controller is a large or medium firm of ``j`` of the same section
(of an adjacent stage of the value chain, ``chain``, with probability
``p_vertical``). The tie is a branch of the controller with probability ``p_branch[s]``
(the establishment is then not a legal entity; its employees count in the
controller's), else a subsidiary owned with a share of 100 % (probability
``p_full_share``) or uniform in (51 %, 99 %). A tie that would close an ownership cycle
is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.errors import ValidationError
from opora.model.firms import BRANCH_COLUMNS, FIRM_COLUMNS, OWNERSHIP_COLUMNS
from opora.model.places import TOWN_TYPES

__all__ = [
    "SECTIONS",
    "ModelledRegistry",
    "ModelledRegistryRule",
    "employment_targets",
    "modelled_inn",
    "modelled_registry",
]

#: OKVED 2 sections of the employment statistics.
SECTIONS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRS")

#: OKVED 2 divisions of each section (a modelled firm's main code is one of them).
_DIVISIONS: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3),
    "B": (5, 6, 7, 8, 9),
    "C": (10, 11, 16, 20, 22, 23, 25, 28, 29),
    "D": (35,),
    "E": (36, 37, 38, 39),
    "F": (41, 42, 43),
    "G": (45, 46, 47),
    "H": (49, 52, 53),
    "I": (55, 56),
    "J": (58, 61, 62, 63),
    "K": (64, 65, 66),
    "L": (68,),
    "M": (69, 70, 71, 73),
    "N": (77, 78, 80, 81, 82),
    "O": (84,),
    "P": (85,),
    "Q": (86, 87, 88),
    "R": (90, 91, 93),
    "S": (94, 95, 96),
}

_PUBLIC = frozenset("OPQ")
_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)


def _default_mean_size() -> dict[str, float]:
    return {
        **dict.fromkeys(SECTIONS, 120.0),
        "B": 400.0,
        "C": 250.0,
        "D": 200.0,
        "H": 200.0,
        "K": 60.0,
        "O": 70.0,
        "P": 80.0,
        "Q": 150.0,
    }


def _default_p_tied() -> dict[str, float]:
    return {
        **dict.fromkeys(SECTIONS, 0.15),
        "A": 0.25,
        "B": 0.8,
        "C": 0.45,
        "D": 0.85,
        "E": 0.3,
        "F": 0.2,
        "G": 0.4,
        "H": 0.55,
        "J": 0.7,
        "K": 0.9,
        **dict.fromkeys(_PUBLIC, 0.0),
    }


def _default_p_external() -> dict[str, float]:
    return {
        **dict.fromkeys(SECTIONS, 0.15),
        "B": 0.5,
        "D": 0.5,
        "J": 0.6,
        "K": 0.7,
        "G": 0.3,
    }


def _default_p_branch() -> dict[str, float]:
    return {**dict.fromkeys(SECTIONS, 0.4), "K": 0.9, "G": 0.6, "J": 0.6, "H": 0.5, "D": 0.3}


def _default_small_mix() -> dict[str, float]:
    return {
        "A": 0.05,
        "B": 0.005,
        "C": 0.08,
        "D": 0.01,
        "E": 0.01,
        "F": 0.11,
        "G": 0.33,
        "H": 0.07,
        "I": 0.04,
        "J": 0.03,
        "K": 0.015,
        "L": 0.08,
        "M": 0.07,
        "N": 0.05,
        "O": 0.01,
        "P": 0.01,
        "Q": 0.02,
        "R": 0.02,
        "S": 0.04,
    }


def _default_chain() -> dict[str, tuple[str, ...]]:
    return {
        "A": ("C", "G"),
        "B": ("C", "D"),
        "C": ("B", "A", "G"),
        "D": ("B", "C"),
        "G": ("C", "H"),
        "H": ("G", "C"),
    }


@dataclass(frozen=True)
class ModelledRegistryRule:
    """Parameters of the modelled registry (see the module docstring for their use).

    Attributes
    ----------
    mean_size
        Mean employees of a large or medium establishment, by section.
    size_sigma
        Spread (log-scale standard deviation) of establishment sizes.
    p_tied, p_external, p_branch
        Probabilities, by section, that an establishment is tied to a controller
        elsewhere; that the controller is outside the region; that the tie is a branch.
    p_tied_small
        Probability that a small firm is a subsidiary of a controller elsewhere.
    p_local
        Probability that a tied establishment outside the towns is controlled from
        another settlement of its own municipality (the town-village axis).
    p_vertical
        Probability that a controller is taken from an adjacent value-chain stage.
    chain
        Adjacent sections along value chains.
    p_full_share
        Probability that a subsidiary is wholly owned.
    gravity_beta, gravity_km
        Mass exponent and distance scale (km) of the gravity choice of controllers.
    external_places
        Places outside the region and their weights (Moscow ``ext:77``...).
    external_employees
        Median employees of a modelled corporation outside the region.
    small_mix
        Section shares of small firms.
    p_micro
        Probability that a small firm is micro (1-15 employees, else 16-100).
    alpha_large, alpha_small
        Exponent of settlement population in the choice of an establishment's place.
    """

    mean_size: dict[str, float] = field(default_factory=_default_mean_size)
    size_sigma: float = 0.9
    p_tied: dict[str, float] = field(default_factory=_default_p_tied)
    p_external: dict[str, float] = field(default_factory=_default_p_external)
    p_branch: dict[str, float] = field(default_factory=_default_p_branch)
    p_tied_small: float = 0.02
    p_local: float = 0.4
    p_vertical: float = 0.3
    chain: dict[str, tuple[str, ...]] = field(default_factory=_default_chain)
    p_full_share: float = 0.6
    gravity_beta: float = 1.0
    gravity_km: float = 100.0
    external_places: tuple[tuple[str, float], ...] = (
        ("ext:77", 0.6),
        ("ext:78", 0.1),
        ("ext:16", 0.1),
        ("ext:63", 0.1),
        ("ext:66", 0.1),
    )
    external_employees: float = 20_000.0
    small_mix: dict[str, float] = field(default_factory=_default_small_mix)
    p_micro: float = 0.85
    alpha_large: float = 1.3
    alpha_small: float = 1.0


@dataclass(frozen=True)
class ModelledRegistry:
    """A modelled firm population and its ties.

    Attributes
    ----------
    firms
        :data:`~opora.io.firms.FIRM_COLUMNS` plus ``segment`` (``large_medium``,
        ``small`` or ``external``); employees of a firm include its branches'.
    ownership
        :data:`~opora.io.firms.OWNERSHIP_COLUMNS`.
    branches
        :data:`~opora.io.firms.BRANCH_COLUMNS` plus ``okved_section`` and ``segment``.
    targets
        The employment the model reproduces: ``municipality_oktmo, section,
        employees, imputed`` (large and medium organisations).
    organisations
        ``municipality_oktmo, organisations, estimated, modelled_legal_entities``.
    seed
        Seed used.
    """

    firms: pd.DataFrame
    ownership: pd.DataFrame
    branches: pd.DataFrame
    targets: pd.DataFrame
    organisations: pd.DataFrame
    seed: int


def modelled_inn(number: int) -> str:
    """Return the ``number``-th modelled INN: 10 digits starting ``00``, valid control digit.

    Parameters
    ----------
    number
        A non-negative counter below 10 ** 7.

    Returns
    -------
    str
        The INN.
    """
    body = f"00{number:07d}"
    check = sum(int(d) * w for d, w in zip(body, _INN_WEIGHTS, strict=True)) % 11 % 10
    return body + str(check)


_INN_TABLE: list[str] = []


def _modelled_inn_cached(number: int) -> str:
    """Return :func:`modelled_inn` of ``number`` from a table computed in blocks with numpy.

    The table grows (doubling) as larger numbers are asked for and is kept for the
    process: every region modelled by a worker numbers its firms from 1 again.
    """
    if number >= len(_INN_TABLE):
        start, stop = len(_INN_TABLE), max(number + 1, 2 * len(_INN_TABLE), 4096)
        n = np.arange(start, stop, dtype=np.int64)
        check = np.zeros(len(n), dtype=np.int64)
        rest = n.copy()
        for w in reversed(_INN_WEIGHTS[2:]):  # the 7 digits of the number, last first
            check += (rest % 10) * w
            rest //= 10
        check = check % 11 % 10
        _INN_TABLE.extend(f"00{k:07d}{c}" for k, c in zip(n.tolist(), check.tolist(), strict=True))
    return _INN_TABLE[number]


def _latest(indicators: pd.DataFrame, code: str) -> pd.DataFrame:
    rows = indicators[indicators["code"].astype("string") == code]
    if rows.empty:
        return rows
    year = pd.to_numeric(rows["year"], errors="coerce")
    ordered = rows.assign(_year=year).dropna(subset=["value"]).sort_values("_year", kind="stable")
    keys = [ordered["oktmo"].astype(str), ordered["dimension"].fillna("").astype(str)]
    return ordered.groupby(keys, sort=False).tail(1).drop(columns="_year")


def _largest_remainder(total: int, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    exact = weights / weights.sum() * total
    base = np.floor(exact).astype(np.int64)
    rest = total - int(base.sum())
    if rest > 0:
        order = np.argsort(-(exact - base), kind="stable")[:rest]
        base[order] += 1
    return np.asarray(base, dtype=np.int64)


def employment_targets(indicators: pd.DataFrame) -> pd.DataFrame:
    """Employment of large and medium organisations by municipality and section.

    Parameters
    ----------
    indicators
        Long indicators with ``emp_total`` and ``emp_share`` (dimension = section).

    Returns
    -------
    pandas.DataFrame
        ``municipality_oktmo, section, employees (int), imputed (bool)``; the
        employees of a municipality add up to its ``emp_total`` (rounded).

    Raises
    ------
    ValidationError
        If the indicators have no ``emp_total``.
    """
    total = _latest(indicators, "emp_total")
    if total.empty:
        msg = "the indicators have no `emp_total` (employment of large and medium organisations)"
        raise ValidationError(msg)
    totals = total.set_index(total["oktmo"].astype(str))["value"].astype(float)
    shares = _latest(indicators, "emp_share")
    table = pd.DataFrame(0.0, index=totals.index, columns=list(SECTIONS))
    reported = pd.DataFrame(False, index=totals.index, columns=list(SECTIONS))
    for okt, sec, val in zip(
        shares["oktmo"].astype(str), shares["dimension"].astype(str), shares["value"], strict=True
    ):
        if okt in table.index and sec in table.columns and pd.notna(val):
            table.at[okt, sec] = max(float(val), 0.0)
            reported.at[okt, sec] = True
    # regional shares: employment-weighted over the municipalities that report a section
    emp = table.mul(totals, axis=0).where(reported)
    regional = emp.sum() / totals.sum()
    regional = regional.clip(lower=1e-6)
    rows: list[tuple[str, str, int, bool]] = []
    for okt in table.index:
        known = table.loc[okt].where(reported.loc[okt], 0.0).to_numpy(float)
        rep = reported.loc[okt].to_numpy(bool)
        s = known.sum()
        if s > 1.0:
            known = known / s
            s = 1.0
        share = known.copy()
        missing = ~rep
        if missing.any():
            reg = regional.to_numpy(float) * missing
            share = share + (1.0 - s) * reg / reg.sum()
        elif s > 0:
            share = share / s
        count = _largest_remainder(round(float(totals[okt])), share)
        rows.extend(
            (okt, sec, int(n), bool(not rep[k]))
            for k, (sec, n) in enumerate(zip(SECTIONS, count, strict=True))
        )
    out = pd.DataFrame(rows, columns=["municipality_oktmo", "section", "employees", "imputed"])
    return out.astype({"municipality_oktmo": "string", "section": "string"})


def _organisations(indicators: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    emp = targets.groupby("municipality_oktmo")["employees"].sum()
    orgs = _latest(indicators, "Y49010002")
    count = orgs.set_index(orgs["oktmo"].astype(str))["value"].astype(float)
    count = count.reindex(emp.index.astype(str))
    both = count.notna() & (emp.to_numpy() > 0)
    ratio = float(emp[both.to_numpy()].sum() / count[both].sum()) if both.any() else 10.0
    estimated = count.isna()
    fallback = pd.Series(emp.to_numpy(float) / ratio, index=count.index)
    number = count.fillna(fallback).round().astype("int64")
    return pd.DataFrame(
        {
            "municipality_oktmo": emp.index.astype(str),
            "organisations": number.to_numpy(),
            "estimated": estimated.to_numpy(),
        }
    ).astype({"municipality_oktmo": "string"})


def _place_sampler(
    settlements: pd.DataFrame, parents: dict[str, str]
) -> tuple[dict[str, tuple[npt.NDArray[Any], npt.NDArray[np.float64]]], dict[str, str]]:
    """Settlements of each municipality (place ids, populations) and place id → OKTMO."""
    okt = settlements["oktmo"].astype("string")
    sid = (
        settlements["settlement_id"].astype("string").fillna(okt)
        if "settlement_id" in settlements
        else okt
    )
    keep = (sid.notna() & settlements["municipality_oktmo"].notna()).to_numpy(bool)
    s, sid, okt = settlements[keep], sid[keep], okt[keep]
    mun = s["municipality_oktmo"].astype(str).map(lambda c: parents.get(c, c))
    pop = pd.to_numeric(s["population"], errors="coerce").fillna(0.0).clip(lower=0.0)
    out: dict[str, tuple[npt.NDArray[Any], npt.NDArray[np.float64]]] = {}
    for m, idx in mun.groupby(mun).groups.items():
        out[str(m)] = (sid.loc[idx].astype(str).to_numpy(), pop.loc[idx].to_numpy(float))
    oktmo = {str(a): str(b) for a, b in zip(sid, okt, strict=True) if pd.notna(b)}
    return out, oktmo


def _towns(settlements: pd.DataFrame) -> set[str]:
    okt = settlements["oktmo"].astype("string")
    sid = (
        settlements["settlement_id"].astype("string").fillna(okt)
        if "settlement_id" in settlements
        else okt
    )
    town = settlements["type"].astype("string").isin(TOWN_TYPES).fillna(False).to_numpy(bool)
    return {str(x) for x in sid[town].dropna()}


def _centres(municipalities: pd.DataFrame) -> pd.DataFrame:
    m = municipalities
    upper = m[(m.get("level", pd.Series("upper", index=m.index)) != "lower").to_numpy(bool)]
    geom = upper.get("geometry")
    if "lon" in upper and "lat" in upper:
        lon, lat = upper["lon"].astype(float), upper["lat"].astype(float)
    elif geom is not None and hasattr(geom, "x"):
        lon, lat = geom.x.astype(float), geom.y.astype(float)
    else:
        lon = lat = pd.Series(np.nan, index=upper.index)
    return pd.DataFrame(
        {"lon": lon.to_numpy(), "lat": lat.to_numpy()},
        index=upper["oktmo"].astype(str).to_numpy(),
    )


def _haversine(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
    lo, la = np.radians(lon), np.radians(lat)
    h = (
        np.sin((la[:, None] - la[None, :]) / 2) ** 2
        + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin((lo[:, None] - lo[None, :]) / 2) ** 2
    )
    return np.asarray(2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=float)


class _Builder:
    """Mutable state of one generation run (firms, ownership, branches)."""

    def __init__(
        self,
        rng: np.random.Generator,
        rule: ModelledRegistryRule,
        region: str,
        oktmo_of: dict[str, str],
    ) -> None:
        self.rng = rng
        self.oktmo_of = oktmo_of
        self.rule = rule
        self.region = region
        self.firms: list[dict[str, Any]] = []
        self.ownership: list[dict[str, Any]] = []
        self.branches: list[dict[str, Any]] = []
        self.counter = 1
        self.parent: dict[str, str] = {}
        self.by_inn: dict[str, dict[str, Any]] = {}

    def okved(self, section: str) -> str:
        divisions = _DIVISIONS[section]
        return f"{divisions[int(self.rng.integers(len(divisions)))]:02d}"

    def firm(
        self,
        *,
        section: str,
        employees: float,
        place: str,
        municipality: str | None,
        segment: str,
        inside: bool = True,
    ) -> dict[str, Any]:
        inn = _modelled_inn_cached(self.counter)
        self.counter += 1
        category = (
            "large"
            if employees > 250
            else "medium"
            if employees > 100
            else "small"
            if employees > 15
            else "micro"
        )
        rec: dict[str, Any] = {
            "inn": inn,
            "name": f"Модельная организация {section}-{self.counter:05d}",
            "kind": "legal_entity",
            "category": category,
            "okved": self.okved(section),
            "okved_section": section,
            "region": self.region if inside else None,
            "region_code": None if inside else place.removeprefix("ext:"),
            "place": place,
            "settlement_oktmo": self.oktmo_of.get(place),
            "municipality_oktmo": municipality,
            "in_region": inside,
            "location_status": "ok" if inside else "outside_region",
            "employees": float(employees),
            "source": "modelled",
            "modelled": True,
            "segment": segment,
        }
        self.firms.append(rec)
        self.by_inn[inn] = rec
        return rec

    def is_ancestor(self, candidate: str, of: str) -> bool:
        seen = 0
        node = of
        while node in self.parent and seen < 100:
            node = self.parent[node]
            if node == candidate:
                return True
            seen += 1
        return False


def modelled_registry(
    settlements: pd.DataFrame,
    municipalities: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    seed: int = 2024,
    rule: ModelledRegistryRule | None = None,
) -> ModelledRegistry:
    """Generate a modelled firm registry consistent with a region's statistics.

    Parameters
    ----------
    settlements
        Settlement table (``oktmo``, ``municipality_oktmo``, ``population``, ``region``).
    municipalities
        Municipality table (``oktmo``, ``level``, ``parent_oktmo``, point geometry or
        ``lon``/``lat``).
    indicators
        Long indicators with ``emp_total``, ``emp_share`` and, where available,
        ``Y49010002`` (organisations by state registration).
    seed
        Seed of the random generator: the same inputs and seed give the same tables.
    rule
        Parameters (:class:`ModelledRegistryRule`).

    Returns
    -------
    ModelledRegistry
        Firms, ownership, branches and the targets they reproduce.

    Raises
    ------
    ValidationError
        If the indicators lack the employment statistics.
    """
    r = rule or ModelledRegistryRule()
    rng = np.random.default_rng(seed)
    targets = employment_targets(indicators)
    orgs = _organisations(indicators, targets)
    m = municipalities
    level = m["level"].astype(str) if "level" in m else pd.Series("upper", index=m.index)
    parents = dict(
        zip(
            m.loc[(level == "lower").to_numpy(bool), "oktmo"].astype(str),
            m.loc[(level == "lower").to_numpy(bool), "parent_oktmo"].astype(str),
            strict=True,
        )
    )
    regions: pd.Series = (
        settlements["region"].dropna().astype(str)
        if "region" in settlements
        else pd.Series([], dtype=str)
    )
    region = str(regions.mode().iloc[0]) if len(regions) else ""
    sampler, oktmo_of = _place_sampler(settlements, parents)
    towns = _towns(settlements)
    b = _Builder(rng, r, region, oktmo_of)

    def place_in(mun: str, n: int, alpha: float) -> list[str]:
        codes, pop = sampler.get(mun, (np.array([], dtype=str), np.array([], dtype=float)))
        weight = pop**alpha
        if len(codes) == 0 or weight.sum() <= 0:
            return [mun] * n
        return [str(c) for c in rng.choice(codes, size=n, p=weight / weight.sum())]

    # 1. large and medium establishments (each a legal entity for now)
    est: list[dict[str, Any]] = []
    for rec in targets.sort_values(["municipality_oktmo", "section"]).to_dict("records"):
        total = int(rec["employees"])
        if total <= 0:
            continue
        sec = str(rec["section"])
        mun = str(rec["municipality_oktmo"])
        n = int(min(total, max(1, round(total / r.mean_size.get(sec, 120.0)))))
        weights = rng.lognormal(0.0, r.size_sigma, size=n)
        sizes = 1 + _largest_remainder(total - n, weights)
        for size, place in zip(sizes, place_in(mun, n, r.alpha_large), strict=True):
            est.append(
                b.firm(
                    section=sec,
                    employees=float(size),
                    place=place,
                    municipality=mun,
                    segment="large_medium",
                )
            )

    # 2. ties of large and medium establishments
    muns = sorted(targets["municipality_oktmo"].astype(str).unique())
    mass = targets.groupby("municipality_oktmo")["employees"].sum().reindex(muns).to_numpy(float)
    centres = _centres(municipalities).reindex(muns)
    dist = _haversine(centres["lon"].to_numpy(float), centres["lat"].to_numpy(float))
    dist = np.nan_to_num(dist, nan=1e4)
    pos = {mu: k for k, mu in enumerate(muns)}
    by_place_section: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in est:
        by_place_section.setdefault(
            (str(f["municipality_oktmo"]), str(f["okved_section"])), []
        ).append(f)
    ext_places = [p for p, _ in r.external_places]
    ext_w = np.array([w for _, w in r.external_places], dtype=float)
    external: dict[tuple[str, str], dict[str, Any]] = {}
    is_branch: set[str] = set()
    controllers: set[str] = set()

    def pick(pool: list[dict[str, Any]]) -> dict[str, Any] | None:
        return pool[int(rng.integers(len(pool)))] if pool else None

    def controller_for(f: dict[str, Any]) -> dict[str, Any] | None:
        sec = str(f["okved_section"])
        here_m = str(f["municipality_oktmo"])
        inn, place = f["inn"], f["place"]
        # usable controllers: not a branch, not the firm itself (inlined: called millions
        # of times in large regions)
        if str(place) not in towns and rng.random() < r.p_local:
            want = sec
            if sec in r.chain and rng.random() < r.p_vertical:
                want = str(rng.choice(r.chain[sec]))
            pool = [
                c
                for c in by_place_section.get((here_m, want), [])
                if c["inn"] not in is_branch and c["inn"] != inn and c["place"] != place
            ]
            in_town = [c for c in pool if str(c["place"]) in towns]
            local = pick(in_town or pool)
            if local is not None:
                return local
        if rng.random() < r.p_external.get(sec, 0.15):
            where = str(rng.choice(ext_places, p=ext_w / ext_w.sum()))
            key = (where, sec)
            if key not in external:
                size = float(np.round(r.external_employees * rng.lognormal(0.0, 0.7)))
                external[key] = b.firm(
                    section=sec,
                    employees=size,
                    place=where,
                    municipality=None,
                    segment="external",
                    inside=False,
                )
                external[key]["name"] = f"Модельная корпорация {sec} ({where})"
            return external[key]
        here = pos[here_m]
        gravity = mass**r.gravity_beta * np.exp(-dist[here] / r.gravity_km)
        gravity[here] = 0.0
        if gravity.sum() <= 0:
            return None
        for _ in range(5):
            j = muns[int(rng.choice(len(muns), p=gravity / gravity.sum()))]
            want = sec
            if sec in r.chain and rng.random() < r.p_vertical:
                want = str(rng.choice(r.chain[sec]))
            found = pick(
                [
                    c
                    for c in by_place_section.get((j, want), [])
                    if c["inn"] not in is_branch and c["inn"] != inn
                ]
            )
            if found is not None:
                return found
        return None

    def tie(f: dict[str, Any], ctl: dict[str, Any], allow_branch: bool) -> None:
        sec = str(f["okved_section"])
        if b.is_ancestor(str(f["inn"]), str(ctl["inn"])):
            return  # would close an ownership cycle
        controllers.add(str(ctl["inn"]))
        # only an establishment that controls nothing can become a branch
        if (
            allow_branch
            and str(f["inn"]) not in controllers
            and rng.random() < r.p_branch.get(sec, 0.4)
        ):
            is_branch.add(str(f["inn"]))
            b.branches.append(
                {
                    "inn": ctl["inn"],
                    "kpp": None,
                    "name": f"Филиал {ctl['name']}",
                    "place": f["place"],
                    "settlement_oktmo": f["settlement_oktmo"],
                    "municipality_oktmo": f["municipality_oktmo"],
                    "employees": f["employees"],
                    "okved_section": ctl["okved_section"],
                    "segment": f["segment"],
                    "source": "modelled",
                    "modelled": True,
                    "_absorbed": f["inn"],
                }
            )
            return
        share = 1.0 if rng.random() < r.p_full_share else float(rng.uniform(0.51, 0.99))
        b.parent[str(f["inn"])] = str(ctl["inn"])
        b.ownership.append(
            {
                "child_inn": f["inn"],
                "parent_inn": ctl["inn"],
                "parent_name": ctl["name"],
                "share": round(share, 4),
                "source": "modelled",
                "modelled": True,
            }
        )

    for f in est:
        sec = str(f["okved_section"])
        if rng.random() >= r.p_tied.get(sec, 0.0):
            continue
        ctl = controller_for(f)
        if ctl is not None:
            # a branch must be of the controller's section to keep employment by section
            tie(f, ctl, allow_branch=ctl["okved_section"] == sec)

    # 3. branches are not legal entities: fold them into their controllers
    absorbed = {str(x["_absorbed"]): x for x in b.branches}
    for x in b.branches:
        b.by_inn[str(x["inn"])]["employees"] += float(x["employees"])

    # 4. small firms up to the organisation count
    legal = pd.Series(
        [str(f["municipality_oktmo"]) for f in est if str(f["inn"]) not in absorbed], dtype=str
    ).value_counts()
    small_sections = np.array(list(r.small_mix))
    mix = np.array([r.small_mix[s] for s in small_sections], dtype=float)
    org_rows: list[int] = []
    for rec in orgs.sort_values("municipality_oktmo").to_dict("records"):
        mun = str(rec["municipality_oktmo"])
        n_small = max(int(rec["organisations"]) - int(legal.get(mun, 0)), 0)
        org_rows.append(int(legal.get(mun, 0)) + n_small)
        if n_small == 0:
            continue
        secs = rng.choice(small_sections, size=n_small, p=mix / mix.sum())
        micro = rng.random(n_small) < r.p_micro
        size = np.where(micro, rng.integers(1, 16, n_small), rng.integers(16, 101, n_small))
        for sec, emp, place in zip(secs, size, place_in(mun, n_small, r.alpha_small), strict=True):
            f = b.firm(
                section=str(sec),
                employees=float(emp),
                place=place,
                municipality=mun,
                segment="small",
            )
            if str(sec) not in _PUBLIC and rng.random() < r.p_tied_small:
                ctl = controller_for(f)
                if ctl is not None:
                    tie(f, ctl, allow_branch=False)

    firms = pd.DataFrame([f for f in b.firms if str(f["inn"]) not in absorbed])
    firms = firms.reindex(columns=[*FIRM_COLUMNS, "segment"])
    for col in firms.columns:
        if col not in {"employees", "revenue", "in_region", "source_row", "modelled"}:
            firms[col] = firms[col].astype("string")
    firms["employees"] = firms["employees"].astype("float64")
    firms["revenue"] = firms["revenue"].astype("float64")
    firms["in_region"] = firms["in_region"].astype(bool)
    firms["source_row"] = firms["source_row"].astype("Int64")
    firms["modelled"] = True
    ownership = pd.DataFrame(b.ownership).reindex(columns=OWNERSHIP_COLUMNS)
    ownership = ownership.astype(
        {"child_inn": "string", "parent_inn": "string", "parent_name": "string"}
    )
    ownership["share"] = ownership["share"].astype("float64")
    ownership[["date", "source"]] = ownership[["date", "source"]].astype("string")
    ownership["source_row"] = ownership["source_row"].astype("Int64")
    ownership["modelled"] = True
    branches = pd.DataFrame(b.branches).reindex(
        columns=[*BRANCH_COLUMNS, "okved_section", "segment"]
    )
    for col in branches.columns:
        if col not in {"employees", "source_row", "modelled"}:
            branches[col] = branches[col].astype("string")
    branches["kpp"] = [_modelled_kpp(k) for k in range(len(branches))]
    branches["kpp"] = branches["kpp"].astype("string")
    branches["employees"] = branches["employees"].astype("float64")
    branches["source_row"] = branches["source_row"].astype("Int64")
    branches["modelled"] = True
    orgs = orgs.assign(modelled_legal_entities=org_rows)
    return ModelledRegistry(
        firms.reset_index(drop=True),
        ownership.reset_index(drop=True),
        branches.reset_index(drop=True),
        targets,
        orgs,
        seed,
    )


def _modelled_kpp(k: int) -> str:
    """KPP of the ``k``-th modelled branch: tax office ``0000`` (none has it), reason ``43``."""
    return f"000043{k % 1000:03d}"
