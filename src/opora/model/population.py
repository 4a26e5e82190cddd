"""Settlement populations brought to 1 January 2024.

The settlement register gives each settlement's population at about the 2010 census;
the Rosstat bulletin gives the population of every municipality on 1 January 2024,
split into its urban and rural parts. :func:`scale_populations` distributes each
municipality's bulletin figure over its register settlements in proportion to their
register figures:

* groups are the **lowest** municipalities with a bulletin figure: a lower-level
  municipality (urban or rural settlement), or an upper-level one without a lower
  level (urban or municipal okrug) - method ``scaled_lower``;
* settlements whose lower-level municipality has no bulletin figure (a code the
  bulletin does not list any more) share what their district's bulletin total leaves
  after its lower-level municipalities that hold register settlements - method
  ``scaled_upper``;
* urban settlements (types of :data:`~opora.model.settlements.URBAN_TYPES`) share the
  urban part, the others the rural part; where the two parts do not match the
  register (a part with people in the bulletin but no register settlement of its kind,
  or urban-type settlements where the bulletin counts no urban people - a type that
  changed since 2010) the group is scaled as a whole; rural settlements where the
  bulletin counts no rural people are brought to 0 (reported);
* settlements that already carry the bulletin's own 1 January 2024 figure (towns of
  the bulletin's settlement list) keep it (method ``bulletin``) and their people are
  taken off the part they belong to;
* a settlement whose district has since become a municipal okrug with a new code
  (``NN6XX...`` -> ``NN5XX000``) is matched to the okrug by that code and the first word
  of its ``municipality_name`` (or by the name alone where unique in the region);
* in the federal cities (:data:`FEDERAL_CITIES`) the register's pieces of the city
  share the figure of every intracity territory without settlements of its own
  (method ``scaled_upper``);
* settlements without a bulletin figure for their municipality keep the register's
  figure (method ``register``).

Results are integers: the quotas are rounded by the largest-remainder method, so a
group's settlements sum exactly to its bulletin figure. No file is read here.
"""

from __future__ import annotations

import re
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.model.provenance import Provenance
from opora.model.settlements import URBAN_TYPES

__all__ = [
    "FEDERAL_CITIES",
    "LARGE_FACTOR",
    "POPULATION_METHODS",
    "SCALING_COLUMNS",
    "SCALING_METHOD",
    "bulletin_totals",
    "largest_remainder",
    "population_provenance",
    "scale_populations",
]

#: Values of the settlements' ``population_method`` column.
POPULATION_METHODS: Final[tuple[str, ...]] = (
    "scaled_lower",
    "scaled_upper",
    "bulletin",
    "register",
)

#: Federal cities (2-digit OKTMO code -> the city's name): their municipalities are
#: intracity territories, and the register's rows of the city share its whole figure.
FEDERAL_CITIES: Final[dict[str, str]] = {
    "45": "москва",
    "40": "санкт-петербург",
    "67": "севастополь",
}

#: A group whose scaling factor is above this, or below its inverse, is flagged.
LARGE_FACTOR: Final[float] = 3.0

#: The method in words, Russian and English (provenance record and report).
SCALING_METHOD: Final[dict[str, str]] = {
    "ru": (
        "Численность населения пунктов из реестра (около переписи 2010 г.) пересчитана на "
        "1 января 2024 г. пропорционально численности муниципальных образований по "
        "бюллетеню Росстата: в пределах каждого поселения (или округа без поселений), "
        "отдельно для городского и сельского населения; целые числа, сумма равна итогу "
        "бюллетеня. Численность по реестру сохранена в столбце population_register."
    ),
    "en": (
        "register figures scaled to the Rosstat bulletin 1 Jan 2024 within each "
        "lower-level municipality, urban and rural parts separately (integers by largest "
        "remainder, summing to the bulletin's totals); the register's figure is kept in "
        "population_register"
    ),
}

#: Columns of the per-municipality report returned by :func:`scale_populations`.
SCALING_COLUMNS: Final[list[str]] = [
    "oktmo",
    "name",
    "level",
    "parent_oktmo",
    "method",
    "settlements",
    "settlements_bulletin",
    "settlements_by_name",
    "register_total",
    "register_urban",
    "register_rural",
    "bulletin_total",
    "bulletin_urban",
    "bulletin_rural",
    "target_total",
    "parts",
    "factor_urban",
    "factor_rural",
    "factor",
    "scaled_total",
    "unplaced",
    "zeroed",
    "flag_large_factor",
    "flag_no_settlement",
    "flag_parts_merged",
    "note",
]

_CODES = {
    "bul_population": "pop_total",
    "bul_population_urban": "pop_urban",
    "bul_population_rural": "pop_rural",
}
_TOTAL_COLUMNS = ["oktmo", "name", "level", "parent_oktmo", "pop_total", "pop_urban", "pop_rural"]


def bulletin_totals(
    upper: pd.DataFrame, lower: pd.DataFrame, indicators: pd.DataFrame
) -> pd.DataFrame:
    """Collect the bulletin's population of every municipality of a region.

    Parameters
    ----------
    upper
        Top-level municipalities (``oktmo``, ``name``).
    lower
        Lower-level municipalities (``oktmo``, ``name``, ``upper_oktmo8``).
    indicators
        Long indicators holding the codes ``bul_population``,
        ``bul_population_urban`` and ``bul_population_rural`` (Rosstat bulletin,
        1 January 2024) by 8-digit ``oktmo``.

    Returns
    -------
    pandas.DataFrame
        Columns ``oktmo, name, level`` (``upper`` / ``lower``), ``parent_oktmo``
        (missing for top-level ones), ``pop_total``, ``pop_urban``, ``pop_rural``
        (float people; missing where the bulletin has no figure).
    """
    ind = indicators[indicators["code"].isin(list(_CODES))]
    if ind.empty:
        ind = pd.DataFrame({"oktmo": ["-"], "code": ["bul_population"], "value": [np.nan]})
    wide = (
        ind.assign(oktmo=ind["oktmo"].astype(str))
        .pivot_table(index="oktmo", columns="code", values="value", aggfunc="first")
        .rename(columns=_CODES)
        .reindex(columns=list(_CODES.values()))
    )
    up = pd.DataFrame(
        {
            "oktmo": upper["oktmo"].astype(str),
            "name": upper["name"].astype(str),
            "level": "upper",
            "parent_oktmo": None,
        }
    )
    lo = pd.DataFrame(
        {
            "oktmo": lower["oktmo"].astype(str),
            "name": lower["name"].astype(str),
            "level": "lower",
            "parent_oktmo": lower["upper_oktmo8"].astype(str),
        }
    )
    both = pd.concat([up, lo], ignore_index=True).drop_duplicates("oktmo")
    out = both.join(wide, on="oktmo")
    return out[_TOTAL_COLUMNS].reset_index(drop=True)


def largest_remainder(target: int, weights: np.ndarray | list[int]) -> np.ndarray:
    """Split an integer in proportion to integer weights, rounding by largest remainder.

    Parameters
    ----------
    target
        The integer to split (people); not negative.
    weights
        Non-negative integer weights (register figures).

    Returns
    -------
    numpy.ndarray
        Integers summing to ``target`` (all zero when every weight is zero); a zero
        weight always gets zero. Ties go to the larger weight, then the earlier row.
    """
    w = np.asarray(weights, dtype=np.int64)
    frame = pd.DataFrame({"group": 0, "weight": w, "target": int(target)})
    return _split(frame["group"], frame["weight"], frame["target"]).to_numpy()


def _split(group: pd.Series, weight: pd.Series, target: pd.Series) -> pd.Series:
    """Vectorised largest-remainder split of each group's target over its rows."""
    w = weight.astype(np.int64)
    t = target.astype(np.int64)
    total = w.groupby(group).transform("sum")
    safe = total.where(total > 0, 1)
    num = t * w
    floor = num // safe
    rem = num % safe
    left = t - floor.groupby(group).transform("sum")
    order = pd.DataFrame(
        {"g": group, "rem": rem, "w": w, "pos": np.arange(len(w))}, index=w.index
    ).sort_values(["g", "rem", "w", "pos"], ascending=[True, False, False, True], kind="stable")
    rank = order.groupby("g").cumcount().reindex(w.index)
    out = floor + ((rank < left) & (rem > 0)).astype(np.int64)
    return out.where(total > 0, 0)


def _sums(frame: pd.DataFrame, key: str, value: str, mask: pd.Series) -> pd.Series:
    sums: pd.Series = frame.loc[mask, value].groupby(frame.loc[mask, key]).sum()
    return sums


def scale_populations(
    settlements: gpd.GeoDataFrame,
    totals: pd.DataFrame,
    *,
    register: pd.DataFrame | None = None,
    large_factor: float = LARGE_FACTOR,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Scale register populations to the bulletin's municipal figures of 1 January 2024.

    Parameters
    ----------
    settlements
        The region's settlements (:data:`~opora.model.schemas.SettlementSchema`);
        rows whose ``population_year`` is 2024 carry the bulletin's own figure and are
        kept as they are.
    totals
        Municipal figures from :func:`bulletin_totals`.
    register
        The register's rows before the bulletin's towns were brought in (columns
        ``register_id``, ``population``), to keep the register's figure of those towns
        in ``population_register``; without it their ``population_register`` is
        missing.
    large_factor
        A group scaled by more than this factor, or less than its inverse, is flagged.

    Returns
    -------
    tuple
        The settlements with ``population`` scaled, ``population_year`` 2024 where
        scaled, and two new columns: ``population_register`` (Int64, the register's
        figure), ``population_method`` (one of :data:`POPULATION_METHODS`) and
        ``population_oktmo`` (the municipality whose figure the row shares;
        ``NN300000`` for a whole federal city; missing where none applies); and
        the report, one row per municipality (:data:`SCALING_COLUMNS`): register and
        bulletin sums, the people to distribute (``target_total``: the municipality's
        figure, or for a district the part its lower-level municipalities with register
        settlements leave), factors, people that could not be placed (``unplaced``),
        settlements brought to zero (``zeroed``) and flags.
    """
    s = settlements.copy()
    pop = pd.to_numeric(s["population"], errors="coerce").astype("Int64")
    year = pd.to_numeric(s["population_year"], errors="coerce").astype("Int64")
    fixed = (year == 2024).fillna(False).astype(bool) & pop.notna()
    reg_pop = pop.where(~fixed)
    if register is not None and "register_id" in s.columns and len(register):
        by_id = (
            register.assign(_id=register["register_id"].astype(str))
            .drop_duplicates("_id")
            .set_index("_id")["population"]
        )
        from_reg = s["register_id"].astype(str).map(by_id)
        reg_pop = reg_pop.where(~fixed, pd.to_numeric(from_reg, errors="coerce").astype("Int64"))

    t = totals.copy()
    t["oktmo"] = t["oktmo"].astype(str)
    t = t.drop_duplicates("oktmo").set_index("oktmo")
    has_total = t["pop_total"].notna()
    known = set(t.index[has_total])
    lower_known = set(t.index[has_total & (t["level"] == "lower")])
    parent_of = t.loc[t["level"] == "lower", "parent_oktmo"].astype(str).to_dict()
    with_children = {p for c, p in parent_of.items() if c in lower_known and p in known}

    # The group of each settlement: a lowest-level municipality or a district residual.
    code = s["municipality_oktmo"].astype(str)
    district = code.str.slice(0, 5) + "000"
    in_lower = code.isin(lower_known)
    up_code = code.where(code.isin(known) & ~in_lower, district)
    up_ok = ~in_lower & up_code.isin(known)
    # A district that has become an okrug has a new code (NN6XX -> NN5XX): matched by
    # that code and the district's name, or by the name alone where it is unique.
    by_name = pd.Series(False, index=s.index)
    if "municipality_name" in s.columns and (~in_lower & ~up_ok).any():
        todo = ~in_lower & ~up_ok
        stem = s.loc[todo, "municipality_name"].map(_stem)
        d = district[todo]
        okrug = d.str.slice(0, 2) + "5" + d.str.slice(3)
        okrug_stem = okrug.map(t["name"].map(_stem).to_dict())
        same = (d.str.slice(2, 3) == "6") & okrug.isin(known) & (okrug_stem == stem)
        guess = okrug.where(same, stem.map(_unique_stems(t, known)))
        hit = guess.notna() & (stem != "")
        up_code[guess.index[hit]] = guess[hit].astype(str)
        up_ok[guess.index[hit]] = True
        by_name[guess.index[hit]] = True
    group = pd.Series(None, index=s.index, dtype=object)
    group[in_lower] = code[in_lower]
    group[up_ok] = up_code[up_ok]
    residual = up_ok & up_code.isin(with_children)
    method = pd.Series("register", index=s.index, dtype=object)
    method[in_lower | (up_ok & ~residual)] = "scaled_lower"
    method[residual] = "scaled_upper"

    urban = s["type"].astype(str).isin(URBAN_TYPES)
    # Federal cities: the register splits the city into pieces, each with the code of
    # one intracity territory; the pieces share the city's figure: the territories that
    # hold no settlement of their own.
    prefix = code.str.slice(0, 2)
    bare = s["name"].astype(str).str.lower().str.replace("ё", "е").str.strip()
    piece = urban & prefix.isin(list(FEDERAL_CITIES)) & (bare == prefix.map(FEDERAL_CITIES))
    intracity = {c for c in known if c[:2] in set(prefix[piece]) and c not in lower_known}
    group[piece] = prefix[piece] + "300000"
    method[piece] = "scaled_upper"
    part = np.where(urban, "u", "r")
    grouped = group.notna()
    scalable = grouped & ~fixed & pop.notna()
    rows = pd.DataFrame(
        {
            "group": group,
            "part": part,
            "pop": pop.fillna(0).astype(np.int64),
            "reg": reg_pop.fillna(0).astype(np.int64),
            "has_reg": reg_pop.notna(),
            "fixed": fixed,
            "scalable": scalable,
            "by_name": by_name,
        },
        index=s.index,
    )
    g = rows[grouped]

    # Targets per group: the municipality's figures, or a district's residual. Every
    # municipality with a figure is a group, with or without settlements.
    groups = pd.Index(sorted(known | set(g["group"])), dtype=object)
    cols = ["pop_total", "pop_urban", "pop_rural"]
    target = t.reindex(groups)[cols].astype(float)
    cities = [c for c in groups if c not in t.index]
    for c in cities:
        free = [x for x in sorted(intracity) if x.startswith(c[:2]) and x not in set(g["group"])]
        target.loc[c] = t.loc[free, cols].astype(float).sum().to_numpy()
    holding = set(g.loc[g["scalable"] & (g["pop"] > 0), "group"]) | set(g.loc[g["fixed"], "group"])
    placed = [c for c in sorted(lower_known) if c in holding]
    child_sum = (
        t.loc[placed, cols].astype(float).fillna(0.0).groupby(t.loc[placed, "parent_oktmo"]).sum()
    )
    is_res = pd.Series(groups.isin(list(with_children)), index=groups)
    res_sub = child_sum.reindex(groups).fillna(0.0)
    own = target.copy()
    target.loc[is_res] = (own.loc[is_res] - res_sub.loc[is_res]).clip(lower=0.0)
    over = is_res & ((own["pop_total"] - res_sub["pop_total"]) < 0)

    def per_group(mask: pd.Series, value: str = "pop") -> pd.Series:
        return _sums(g, "group", value, mask).reindex(groups, fill_value=0).astype(float)

    fix_u = per_group(g["fixed"] & (g["part"] == "u"))
    fix_r = per_group(g["fixed"] & (g["part"] == "r"))
    w_u = per_group(g["scalable"] & (g["part"] == "u"))
    w_r = per_group(g["scalable"] & (g["part"] == "r"))
    w_all = w_u + w_r
    tot = target["pop_total"].round()
    tu = target["pop_urban"].round()
    tr = target["pop_rural"].round()
    rem_u = (tu - fix_u).clip(lower=0)
    rem_r = (tr - fix_r).clip(lower=0)
    rem_all = (tot - fix_u - fix_r).clip(lower=0)
    parts_known = tu.notna() & tr.notna()
    # Scaled as a whole where a part has bulletin people but no register settlement of
    # its kind, or where urban-type settlements stand in a municipality whose urban part is
    # empty (a type that changed since the register). Rural settlements where the bulletin
    # counts no rural people are brought to 0 (duplicates or villages taken into a town).
    merge = ((rem_u > 0) & (w_u == 0)) | ((rem_r > 0) & (w_r == 0)) | ((rem_u == 0) & (w_u > 0))
    split = parts_known & ~merge

    # Buckets: (group, part) where the parts are used, else (group, "all").
    bucket_part = np.where(g["group"].map(split).astype(bool), g["part"], "all")
    bucket: pd.Series = g["group"].astype(str) + "|" + bucket_part
    keys = groups.astype(str)
    bucket_target = pd.concat(
        [
            pd.Series(rem_u.to_numpy(), index=keys + "|u"),
            pd.Series(rem_r.to_numpy(), index=keys + "|r"),
            pd.Series(rem_all.to_numpy(), index=keys + "|all"),
        ]
    )
    sc = g["scalable"]
    new = _split(
        bucket[sc],
        g.loc[sc, "pop"],
        bucket[sc].map(bucket_target).fillna(0).round().astype(np.int64),
    )

    out_pop = pop.copy()
    out_pop[new.index] = new.to_numpy()
    out_year = year.copy()
    out_year[new.index] = 2024
    method[fixed] = "bulletin"
    method[grouped & ~fixed & pop.isna()] = "register"
    s["population"] = out_pop.astype("Int64")
    s["population_year"] = out_year.astype("Int64")
    s["population_register"] = reg_pop.astype("Int64")
    s["population_method"] = method.astype(str)
    s["population_oktmo"] = group.where(group.notna(), None)

    # Per-group figures of the report.
    g_new = g.assign(new=out_pop[g.index].fillna(0).astype(np.int64))
    unplaced = (rem_u.where(w_u == 0, 0.0) + rem_r.where(w_r == 0, 0.0)).where(
        split, rem_all.where(w_all == 0, 0.0)
    )
    # a lower-level municipality without register people leaves them to its district
    left = pd.Series(groups.isin(sorted(lower_known)), index=groups) & ~pd.Series(
        groups.isin(sorted(holding)), index=groups
    )
    left &= pd.Series([parent_of.get(c) in with_children for c in groups], index=groups)
    left |= pd.Series(
        [c in intracity and f"{c[:2]}300000" in cities for c in groups], index=groups
    ) & ~pd.Series(groups.isin(sorted(holding)), index=groups)
    unplaced = unplaced.where(~left, 0.0).fillna(0.0)
    holds = pd.Series(groups.isin(sorted(holding)), index=groups)
    scaled_total = (
        g_new["new"].groupby(g_new["group"]).sum().reindex(groups, fill_value=0).astype(float)
    )
    rep = pd.DataFrame(
        {
            "settlements": g.groupby("group").size().reindex(groups, fill_value=0),
            "settlements_bulletin": per_group(g["fixed"], "fixed"),
            "settlements_by_name": per_group(g["by_name"], "by_name"),
            "register_total": per_group(g["has_reg"], "reg"),
            "register_urban": per_group(g["has_reg"] & (g["part"] == "u"), "reg"),
            "register_rural": per_group(g["has_reg"] & (g["part"] == "r"), "reg"),
            "target_total": tot,
            "parts": np.where(split, "urban_rural", np.where(parts_known, "merged", "total")),
            "factor_urban": (rem_u / w_u).where(split & (w_u > 0)),
            "factor_rural": (rem_r / w_r).where(split & (w_r > 0)),
            "factor": (rem_all / w_all).where(w_all > 0),
            "scaled_total": scaled_total,
            "unplaced": unplaced,
            "zeroed": per_group(g["scalable"] & (g["pop"] > 0) & (g_new["new"] == 0), "scalable"),
            "flag_parts_merged": parts_known & ~split & (w_all > 0),
            "flag_no_settlement": (tot.fillna(0) > 0) & ~holds,
            "left": left,
            "over": over,
            "method": np.where(is_res, "scaled_upper", "scaled_lower"),
        },
        index=groups,
    )
    factors = rep[["factor_urban", "factor_rural", "factor"]]
    big = ((factors > large_factor) | (factors < 1.0 / large_factor)).any(axis=1)
    rep["flag_large_factor"] = big.to_numpy()
    report = _report(t, rep, s)
    return gpd.GeoDataFrame(s, geometry="geometry", crs=settlements.crs), report


_NAME_WORDS = frozenset(
    {
        "муниципальный",
        "муниципальное",
        "образование",
        "район",
        "округ",
        "городской",
        "город",
        "г",
        "поселение",
        "сельское",
        "городское",
        "зато",
        "и",
    }
)


def _stem(name: object) -> str:
    """First significant word of a municipality's name (lower case, ё as е)."""
    words = re.findall(r"[а-я0-9-]+", str(name).lower().replace("ё", "е"))
    return next((w for w in words if w not in _NAME_WORDS), "")


def _unique_stems(t: pd.DataFrame, known: set[str]) -> dict[str, str]:
    """Stem of each top-level municipality with a figure -> its code, where unique."""
    up = t[(t["level"] == "upper") & t.index.isin(sorted(known))]
    stems = up["name"].map(_stem)
    counts = stems.value_counts()
    return {st: str(c) for c, st in stems.items() if st and counts[st] == 1}


def _note(r: pd.Series) -> str:
    parts = []
    if r["method"] == "register":
        parts.append("no bulletin figure: register figures kept")
    if r["flag_no_settlement"] and r["left"]:
        parts.append("no register settlement with people: left to the district's residual")
    elif r["flag_no_settlement"]:
        parts.append("bulletin people but no register settlement to place them on")
    if r["flag_parts_merged"]:
        parts.append("urban/rural parts disagree with the register's types: scaled as a whole")
    if r["flag_large_factor"]:
        parts.append(f"scaling factor far from 1 ({r['factor']:.2f})")
    if r["unplaced"] > 0:
        parts.append(f"{int(r['unplaced'])} bulletin people not placed on any settlement")
    if r["zeroed"]:
        parts.append(f"{int(r['zeroed'])} settlement(s) with register people brought to 0")
    if r["over"]:
        parts.append("lower-level figures exceed the district's total")
    if r["settlements_by_name"]:
        parts.append(
            f"{int(r['settlements_by_name'])} settlement(s) with an old district code "
            "matched by the district's name"
        )
    return "; ".join(parts)


def _report(t: pd.DataFrame, rep: pd.DataFrame, s: pd.DataFrame) -> pd.DataFrame:
    """Assemble the per-municipality report from the group figures."""
    base = t.reset_index()
    out = base[["oktmo", "name", "level", "parent_oktmo"]].copy()
    out["bulletin_total"] = base["pop_total"].astype(float)
    out["bulletin_urban"] = base["pop_urban"].astype(float)
    out["bulletin_rural"] = base["pop_rural"].astype(float)
    out = out.join(rep, on="oktmo")
    out["method"] = out["method"].fillna("register")
    city = rep[~rep.index.isin(set(out["oktmo"]))]
    if len(city):
        # the whole of a federal city, shared by the register's pieces of it
        extra = city.rename_axis("oktmo").reset_index()
        extra = extra.assign(name="whole city (intracity territories)", level="city")
        out = pd.concat([out, extra], ignore_index=True)
    # settlement codes without any bulletin figure
    orphan = s[(s["population_method"] == "register") & s["population"].notna()]
    orphan = orphan[~orphan["municipality_oktmo"].astype(str).isin(set(out["oktmo"]))]
    if len(orphan):
        reg = pd.to_numeric(orphan["population_register"], errors="coerce").astype(float)
        urb = orphan["type"].astype(str).isin(URBAN_TYPES)
        key = orphan["municipality_oktmo"].astype(str)
        extra = pd.DataFrame(
            {
                "settlements": key.groupby(key).size(),
                "register_total": reg.groupby(key).sum(),
                "register_urban": reg.where(urb, 0.0).groupby(key).sum(),
                "register_rural": reg.where(~urb, 0.0).groupby(key).sum(),
                "scaled_total": reg.groupby(key).sum(),
            }
        )
        extra = extra.rename_axis("oktmo").reset_index()
        extra = extra.assign(name="", level="none", parent_oktmo=None, method="register")
        out = pd.concat([out, extra], ignore_index=True)
    for col in (
        "settlements",
        "settlements_bulletin",
        "settlements_by_name",
        "zeroed",
        "scaled_total",
        "unplaced",
    ):
        out[col] = out[col].fillna(0).round().astype(np.int64)
    for col in ("register_total", "register_urban", "register_rural"):
        out[col] = out[col].fillna(0.0)
    for col in ("flag_parts_merged", "flag_large_factor", "flag_no_settlement", "left", "over"):
        out[col] = out[col].astype("boolean").fillna(False).astype(bool)
    out["parts"] = out["parts"].fillna("total")
    out["note"] = [_note(r) for _, r in out.iterrows()]
    return out.reindex(columns=SCALING_COLUMNS).reset_index(drop=True)


def population_provenance() -> Provenance:
    """Return the provenance record of the settlement populations of 1 January 2024.

    Returns
    -------
    Provenance
        A ``modelled`` record of table ``settlement_population`` stating the method.
    """
    return Provenance(
        "settlement_population",
        "Register populations scaled to the Rosstat bulletin (population by municipality "
        "on 1 January 2024)",
        "Rosstat official publication; register GPL-3.0",
        "2024-01-01",
        "modelled",
        SCALING_METHOD["en"],
    )
