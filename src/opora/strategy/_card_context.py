"""What every strategy card reads: the inputs gathered once per call of the cards.

Internal to :mod:`opora.strategy.cards`: :func:`build_context` joins features, typology,
access, facilities and candidates into a :class:`Context`, and the small helpers here
read its values.
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
from opora.errors import ValidationError
from opora.io.normatives import read_normatives
from opora.io.strategy_config import default_strategy_config
from opora.model.normatives import Normative
from opora.model.strategy import StrategyConfig
from opora.strategy.resilience import derived_indicators, resilience_index

__all__ = [
    "NEIGHBOUR_SERVICES",
    "Context",
    "Near",
    "Types",
    "build_context",
    "flag",
    "fmt",
    "matches",
    "num",
    "pct",
    "top_code",
    "truthy",
    "types_of",
]

#: Services whose catchment decides whether a municipality is served by a neighbour.
NEIGHBOUR_SERVICES = ("clinic", "hospital")

#: Typology of the municipalities: a table of :func:`opora.typology.classify` or
#: :func:`~opora.typology.types_table`, or a mapping OKTMO → type keys.
Types = pd.DataFrame | Mapping[str, str | Sequence[str]]


# ------------------------------------------------------------------------ helpers


def num(x: object) -> float | None:
    """Return a plain float, ``None`` for missing values."""
    if x is None or isinstance(x, str):
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def fmt(x: float | None, decimals: int, lang: str) -> str:
    """Format a number the way the language writes it (``н/д`` / ``n/a`` when missing)."""
    if x is None or not math.isfinite(x):
        return "н/д" if lang == "ru" else "n/a"
    text = f"{abs(x):,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return ("\u2212" + text) if x < 0 and any(c in "123456789" for c in text) else text


def pct(x: float | None, lang: str, decimals: int = 1) -> str:
    """Format a percentage (:func:`fmt` with the per-cent sign)."""
    return fmt(x, decimals, lang) + ("\u00a0%" if lang == "ru" else "%")


def flag(row: pd.Series, column: str) -> bool:
    """Read a boolean column of a feature row (see :func:`truthy`)."""
    return truthy(row.get(column))


def top_code(code: str) -> str:
    """Return the district part of an OKTMO code (``NNNNN000``)."""
    return code[:5] + "000" if len(code) >= 8 else code


def types_of(types: Types | None) -> dict[str, list[str]]:
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
            out.setdefault(code, []).extend(split_types(value))
        return out
    for code, value in types.items():
        out[str(code)] = split_types(value)
    return out


def split_types(value: object) -> list[str]:
    """Split a ``;``-joined cell of type keys (empty for a missing value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [
            v.strip() for v in value.replace("|", ";").replace(",", ";").split(";") if v.strip()
        ]
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return [str(value)]


def matches(types: list[str], keys: tuple[str, ...]) -> list[str]:
    """Return the types that hold one of ``keys`` (case-insensitive substrings)."""
    return [t for t in types if any(k in t.lower() for k in keys)]


# ------------------------------------------------------------------------ context


@dataclass
class Near:
    """Nearest-time rows of one municipality and service, as plain arrays."""

    settlement_id: npt.NDArray[np.object_]
    name: npt.NDArray[np.object_]
    pop: npt.NDArray[np.float64]
    minutes: npt.NDArray[np.float64]
    within: npt.NDArray[np.bool_]


@dataclass
class Context:
    """Everything the cards of one region share (computed once)."""

    features: pd.DataFrame
    table: pd.DataFrame
    resilience: pd.DataFrame
    config: StrategyConfig
    normatives: dict[str, Normative]
    types: dict[str, list[str]]
    candidates: dict[str, list[dict[str, Any]]] | None
    near: dict[tuple[str, str], Near] | None
    capacity: dict[tuple[str, str], tuple[float, int, bool]] | None
    elsewhere: dict[tuple[str, str], float]
    onp_codes: dict[str, list[str]] | None
    modelled_network: bool
    notes: list[str] = field(default_factory=list)


def truthy(value: object) -> bool:
    """Tell whether a cell reads as true (``True``, ``"true"``, ``"1"``, case ignored)."""
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


def _group_near(merged: pd.DataFrame) -> dict[tuple[str, str], Near]:
    m = merged.reset_index(drop=True)
    oktmo = m["oktmo"].astype(str).to_numpy(dtype=object)
    service = m["service"].astype(str).to_numpy(dtype=object)
    sid = m["settlement_id"].astype(str).to_numpy(dtype=object)
    name = m["sname"].astype(str).to_numpy(dtype=object)
    pop = m["pop"].to_numpy(dtype=float)
    minutes = pd.to_numeric(m["minutes"], errors="coerce").to_numpy(dtype=float)
    within = m["within_standard"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if not len(m):
        return {}
    # group positions by (oktmo, service): groups in order of first appearance, rows in
    # input order (a loop over the rows cost a tenth of a second in a large region)
    c1, _ = pd.factorize(oktmo)
    c2, _ = pd.factorize(service)
    codes, _ = pd.factorize(c1.astype(np.int64) * (int(c2.max()) + 1) + c2)
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    out = {}
    for ix in np.split(order, starts[1:]):
        first = ix[0]
        out[(oktmo[first], service[first])] = Near(
            sid[ix], name[ix], pop[ix], minutes[ix], within[ix]
        )
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
    top = [c if c in codes else top_code(c) for c in raw]
    s = pd.Series(top, index=sid.to_numpy())
    return s[~s.index.duplicated()]


def build_context(
    features: pd.DataFrame,
    types: Types | None,
    candidates: pd.DataFrame | None,
    access: ServiceAccess | pd.DataFrame | None,
    normatives: dict[str, Normative] | None,
    config: StrategyConfig | None,
    facilities: pd.DataFrame | None,
    settlements: pd.DataFrame | None,
    onp: Collection[str] | None,
    *,
    resilience: pd.DataFrame | None = None,
) -> Context:
    """Gather what every card reads, once (see :func:`opora.strategy.cards.strategy_cards`).

    ``resilience`` is ``resilience_index(features, config=config)`` when the caller has
    it already; ``None`` computes it.
    """
    if "oktmo" not in features.columns:
        msg = "the feature table has no column `oktmo`"
        raise ValidationError(msg)
    cfg = config if config is not None else default_strategy_config()
    norms = normatives if normatives is not None else read_normatives(None)
    f = features.reset_index(drop=True).copy()
    f["oktmo"] = f["oktmo"].astype(str)
    res = resilience_index(f, config=cfg) if resilience is None else resilience
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
            d = merged[merged["service"].isin(NEIGHBOUR_SERVICES)].dropna(subset=["facility_id"])
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
            muni = str(top) if top is not None else top_code(code)
            onp_codes.setdefault(muni, []).append(code)
    return Context(
        features=f,
        table=table,
        resilience=res.set_index("oktmo", drop=False),
        config=cfg,
        normatives=norms,
        types=types_of(types),
        candidates=_group_candidates(candidates),
        near=None if merged is None else _group_near(merged),
        capacity=capacity,
        elsewhere=elsewhere,
        onp_codes=onp_codes,
        modelled_network=modelled_network,
        notes=notes,
    )
