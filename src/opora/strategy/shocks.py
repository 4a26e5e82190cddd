"""Shock scenarios: a main employer shrinks, a facility closes, roads close for a season.

Each function is arithmetic a planner can redo by hand, and says so in its result:

:func:`employer_shock`
    ``direct = share × total × pct``; ``indirect = direct × multiplier`` (local
    employment multiplier, ``[shocks.employer]`` of ``strategy.toml`` with its source);
    ``lost = direct + indirect``; ``lost_share = lost / total``. ``share`` and
    ``total`` are the section's share in, and the headcount of, large and medium
    organisations (Rosstat municipal database), so the shares are of that base.
:func:`facility_closure`
    Nearest times are recomputed with :func:`~opora.access.services.service_access`
    without the closed facility; the result lists the settlements whose nearest
    facility changes, those pushed over the travel-time standard, and the coverage
    before and after.
:func:`season_isolation`
    From a nearest-times table (``settlement_id, service, state, minutes,
    within_standard``): population that has a service in its best state (or in a
    named reference state) but loses it in another one, either with no open road
    (``lost``) or beyond the standard (``over_standard``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.access.services import service_access
from opora.errors import ValidationError
from opora.io.strategy_config import default_strategy_config
from opora.model.normatives import Normative
from opora.model.roads import RoadGraph
from opora.model.strategy import StrategyConfig

__all__ = [
    "FacilityClosure",
    "SeasonIsolation",
    "employer_shock",
    "facility_closure",
    "season_isolation",
]


def _fmt(x: float, decimals: int, lang: str) -> str:
    text = f"{x:,.{decimals}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    for col in columns:
        if col not in frame.columns:
            msg = f"`{name}` has no column `{col}`"
            raise ValidationError(msg)


# ------------------------------------------------------------------ employer shock


def _employment_long(features: pd.DataFrame, employment_table: pd.DataFrame | None) -> pd.DataFrame:
    """``oktmo, section, share (0-1), total`` of the latest year."""
    if employment_table is not None:
        _require(employment_table, ("oktmo", "dimension", "share", "total"), "employment_table")
        t = employment_table
        if "year" in t.columns and t["year"].notna().any():
            latest = t.groupby(t["oktmo"].astype(str))["year"].transform("max")
            t = t[t["year"] == latest]
        return pd.DataFrame(
            {
                "oktmo": t["oktmo"].astype(str).to_numpy(),
                "section": t["dimension"].astype(str).to_numpy(),
                "share": pd.to_numeric(t["share"], errors="coerce").to_numpy(dtype=float),
                "total": pd.to_numeric(t["total"], errors="coerce").to_numpy(dtype=float),
            }
        )
    if "emp_total" not in features.columns:
        msg = (
            "give `employment_table` (opora.economy.structure.employment_by_section) or an "
            "`emp_total` column in `features`"
        )
        raise ValidationError(msg)
    cols = [c for c in features.columns if str(c).startswith("emp_share_")]
    rows = []
    for c in cols:
        rows.append(
            pd.DataFrame(
                {
                    "oktmo": features["oktmo"].astype(str).to_numpy(),
                    "section": str(c).removeprefix("emp_share_"),
                    "share": pd.to_numeric(features[c], errors="coerce").to_numpy() / 100,
                    "total": pd.to_numeric(features["emp_total"], errors="coerce").to_numpy(),
                }
            )
        )
    return (
        pd.concat(rows, ignore_index=True)
        if rows
        else pd.DataFrame(columns=["oktmo", "section", "share", "total"])
    )


def employer_shock(
    features: pd.DataFrame,
    employment_table: pd.DataFrame | None,
    section: str | None = None,
    pct: float = 30.0,
    multiplier: float | None = None,
    *,
    config: StrategyConfig | None = None,
) -> pd.DataFrame:
    """Jobs lost when the main employer's section shrinks by ``pct`` per cent.

    Parameters
    ----------
    features
        Feature table (``oktmo``; ``name`` is carried over). Every municipality in it
        gets a row.
    employment_table
        Employment by section: :func:`~opora.economy.structure.employment_by_section`
        (``oktmo, dimension, share`` as a fraction, ``total`` people; the latest
        ``year`` is used). ``None``: take ``emp_share_*`` (%) and ``emp_total`` from
        ``features``.
    section
        OKVED section that shrinks, the same for every municipality; ``None``: each
        municipality's largest section outside ``exclude_sections`` (the budget sector
        O, P, Q by default), i.e. its main market employer.
    pct
        How much the section shrinks, % (0-100].
    multiplier
        Local employment multiplier; the configuration's (0.75) by default.
    config
        Strategy rules; the package default when ``None``.

    Returns
    -------
    pandas.DataFrame
        ``oktmo``, ``name``, ``section``, ``section_share`` (%), ``employment_total``,
        ``pct``, ``direct_jobs``, ``multiplier``, ``indirect_jobs``, ``jobs_lost``,
        ``lost_share`` (% of ``employment_total``), ``lost_low``/``lost_high`` (with
        the multiplier's range), ``note``, ``text_ru``, ``text_en``. Jobs are ``NaN``
        with a note where the section's share (suppressed) or the total is unknown.
        ``attrs`` holds the multiplier's ``source`` and ``rationale``.

    Raises
    ------
    ValidationError
        If ``pct`` is outside (0, 100], the multiplier negative, or inputs lack
        columns.

    Examples
    --------
    >>> f = pd.DataFrame({"oktmo": ["1"]})
    >>> emp = pd.DataFrame({"oktmo": ["1", "1"], "dimension": ["C", "P"],
    ...                     "share": [0.4, 0.3], "total": [1000.0, 1000.0]})
    >>> employer_shock(f, emp, pct=50, multiplier=0.5)["jobs_lost"].tolist()
    [300.0]
    """
    _require(features, ("oktmo",), "features")
    if not (isinstance(pct, int | float) and 0 < pct <= 100):
        msg = f"`pct` must be in (0, 100], got {pct!r}"
        raise ValidationError(msg)
    cfg = (config if config is not None else default_strategy_config()).employer_shock
    mult = cfg.multiplier if multiplier is None else float(multiplier)
    if not math.isfinite(mult) or mult < 0:
        msg = f"`multiplier` must be a non-negative number, got {multiplier!r}"
        raise ValidationError(msg)
    emp = _employment_long(features, employment_table)
    rows = []
    for i in range(len(features)):
        code = str(features["oktmo"].iloc[i])
        mine = emp[emp["oktmo"] == code]
        total = float(mine["total"].dropna().iloc[0]) if mine["total"].notna().any() else np.nan
        known = mine.dropna(subset=["share"])
        note = ""
        if section is not None:
            sec: str | None = section
            hit = mine[mine["section"] == section]["share"].dropna()
            share = float(hit.iloc[0]) if len(hit) else np.nan
            if np.isnan(share):
                note = f"no employment share of section {section} (suppressed or absent)"
        else:
            market = known[~known["section"].isin(cfg.exclude_sections)]
            if market.empty:
                sec, share = None, np.nan
                note = "no known employment share outside the budget sector"
            else:
                j = int(np.argmax(market["share"].to_numpy(dtype=float)))
                sec, share = str(market["section"].iloc[j]), float(market["share"].iloc[j])
        if np.isnan(total) and not note:
            note = "no employment total"
        direct = share * total * pct / 100
        rows.append(
            {
                "oktmo": code,
                "section": sec,
                "section_share": share * 100,
                "employment_total": total,
                "pct": float(pct),
                "direct_jobs": direct,
                "multiplier": mult,
                "indirect_jobs": direct * mult,
                "jobs_lost": direct * (1 + mult),
                "lost_share": direct * (1 + mult) / total * 100 if total > 0 else np.nan,
                "lost_low": direct * (1 + cfg.multiplier_low),
                "lost_high": direct * (1 + cfg.multiplier_high),
                "note": note,
            }
        )
    out = pd.DataFrame(rows)
    if "name" in features.columns:
        out.insert(1, "name", features["name"].to_numpy())
    out["text_ru"] = [_shock_text(r, "ru") for r in out.itertuples(index=False)]
    out["text_en"] = [_shock_text(r, "en") for r in out.itertuples(index=False)]
    out.attrs["source"] = cfg.source
    out.attrs["rationale"] = cfg.rationale
    out.attrs["multiplier_range"] = (cfg.multiplier_low, cfg.multiplier_high)
    return out


def _shock_text(r: object, lang: str) -> str:
    direct = float(getattr(r, "direct_jobs", np.nan))
    if not math.isfinite(direct):
        return ""
    sec = getattr(r, "section", "")
    share = float(getattr(r, "section_share", np.nan))
    total = float(getattr(r, "employment_total", np.nan))
    pct = float(getattr(r, "pct", np.nan))
    mult = float(getattr(r, "multiplier", np.nan))
    lost = float(getattr(r, "jobs_lost", np.nan))
    ls = float(getattr(r, "lost_share", np.nan))
    if lang == "ru":
        return (
            f"Сокращение раздела {sec} на {_fmt(pct, 0, lang)} %: прямые потери "
            f"{_fmt(share, 1, lang)} % × {_fmt(total, 0, lang)} × {_fmt(pct, 0, lang)} % = "
            f"{_fmt(direct, 0, lang)} рабочих мест, косвенные × {_fmt(mult, 2, lang)} = "
            f"{_fmt(direct * mult, 0, lang)}; всего {_fmt(lost, 0, lang)} "
            f"({_fmt(ls, 1, lang)} % занятых в крупных и средних организациях)"
        )
    return (
        f"Section {sec} shrinks by {_fmt(pct, 0, lang)}%: direct loss "
        f"{_fmt(share, 1, lang)}% × {_fmt(total, 0, lang)} × {_fmt(pct, 0, lang)}% = "
        f"{_fmt(direct, 0, lang)} jobs, indirect × {_fmt(mult, 2, lang)} = "
        f"{_fmt(direct * mult, 0, lang)}; total {_fmt(lost, 0, lang)} "
        f"({_fmt(ls, 1, lang)}% of employment in large and medium organisations)"
    )


# ---------------------------------------------------------------- facility closure


@dataclass
class FacilityClosure:
    """Result of :func:`facility_closure`.

    Attributes
    ----------
    facility_ids
        The closed facilities.
    service
        Their service.
    state
        Network state of the computation.
    coverage_before, coverage_after
        Population share within the standard, %, over the settlements given.
    coverage_loss_pp
        ``coverage_before - coverage_after``, percentage points.
    population_pushed_over
        People within the standard before and beyond it (or cut off) after.
    population_unreachable
        People with no facility of the service left within reach.
    affected
        Settlements whose nearest facility was a closed one: ``settlement_id``,
        ``name`` (when given), ``population``, ``minutes_before``, ``minutes_after``,
        ``extra_minutes``, ``facility_before``, ``facility_after``,
        ``within_before``, ``within_after``, ``pushed_over``.
    new_nearest
        Per new nearest facility: ``facility_id``, ``settlements``, ``population``
        taken over, and its ``capacity`` when the facilities have one.
    modelled
        Whether the network or the facilities are modelled.
    text_ru, text_en
        Summary.
    """

    facility_ids: list[str]
    service: str
    state: str
    coverage_before: float
    coverage_after: float
    coverage_loss_pp: float
    population_pushed_over: float
    population_unreachable: float
    affected: pd.DataFrame
    new_nearest: pd.DataFrame
    modelled: bool
    text_ru: str = ""
    text_en: str = ""


def facility_closure(
    graph: RoadGraph,
    settlements: pd.DataFrame,
    settlement_node: npt.ArrayLike,
    facilities: pd.DataFrame,
    facility_node: npt.ArrayLike,
    normatives: dict[str, Normative],
    facility_id: str | Sequence[str],
    *,
    settlement_access_min: npt.ArrayLike | None = None,
    facility_access_min: npt.ArrayLike | None = None,
    state: str = "summer",
) -> FacilityClosure:
    """Close a facility (a hospital, a school…) and recompute the nearest times.

    Parameters
    ----------
    graph, settlements, settlement_node, facilities, facility_node, normatives
        As for :func:`~opora.access.services.service_access` (``settlements`` with
        ``settlement_id``, ``population``, optionally ``name``; ``facilities`` with
        ``facility_id``, ``type``, optionally ``capacity`` and ``modelled``).
    facility_id
        The facility or facilities to close; all of one service.
    settlement_access_min, facility_access_min
        Access legs, minutes.
    state
        Network state (``summer`` by default).

    Returns
    -------
    FacilityClosure
        Coverage before and after, the settlements affected and where they go.

    Raises
    ------
    ValidationError
        If a facility id is unknown, the facilities are of several services, or the
        service has no normative.
    """
    ids = [facility_id] if isinstance(facility_id, str) else [str(x) for x in facility_id]
    fid = facilities["facility_id"].astype(str).to_numpy()
    closed = np.isin(fid, ids)
    unknown = sorted(set(ids) - set(fid[closed]))
    if unknown or not ids:
        msg = f"unknown facility_id {unknown[0] if unknown else ''!r} in `facility_id`"
        raise ValidationError(msg)
    types = sorted(set(facilities["type"].astype(str).to_numpy()[closed]))
    if len(types) != 1:
        msg = f"the closed facilities must be of one service, got {', '.join(types)}"
        raise ValidationError(msg)
    service = types[0]
    if service not in normatives:
        msg = f"service `{service}` has no normative; add it to the normatives"
        raise ValidationError(msg)
    norm = {service: normatives[service]}
    f_node = np.asarray(facility_node, dtype=np.int64)
    f_leg = None if facility_access_min is None else np.asarray(facility_access_min, dtype=float)
    modelled_fac = bool(
        "modelled" in facilities.columns and facilities["modelled"].fillna(False).astype(bool).any()
    )
    before = service_access(
        graph,
        settlements,
        settlement_node,
        facilities,
        f_node,
        norm,
        settlement_access_min=settlement_access_min,
        facility_access_min=f_leg,
        states=(state,),
        facilities_modelled=modelled_fac,
    )
    keep = ~closed
    after = service_access(
        graph,
        settlements,
        settlement_node,
        facilities.loc[keep].reset_index(drop=True),
        f_node[keep],
        norm,
        settlement_access_min=settlement_access_min,
        facility_access_min=None if f_leg is None else f_leg[keep],
        states=(state,),
        facilities_modelled=modelled_fac,
    )
    b = before.nearest.reset_index(drop=True)
    a = after.nearest.reset_index(drop=True)
    pop = pd.to_numeric(settlements["population"], errors="coerce").fillna(0).to_numpy(dtype=float)
    total = float(pop.sum())
    wb = b["within_standard"].to_numpy(dtype=bool)
    wa = a["within_standard"].to_numpy(dtype=bool)
    cov_b = float(pop[wb].sum()) / total * 100 if total else np.nan
    cov_a = float(pop[wa].sum()) / total * 100 if total else np.nan
    hit = b["facility_id"].astype(object).isin(ids).to_numpy()
    aff = pd.DataFrame(
        {
            "settlement_id": b["settlement_id"].to_numpy()[hit],
            "population": pop[hit],
            "minutes_before": b["minutes"].to_numpy()[hit],
            "minutes_after": a["minutes"].to_numpy()[hit],
            "facility_before": b["facility_id"].to_numpy()[hit],
            "facility_after": a["facility_id"].to_numpy()[hit],
            "within_before": wb[hit],
            "within_after": wa[hit],
        }
    )
    if "name" in settlements.columns:
        aff.insert(1, "name", settlements["name"].to_numpy()[hit])
    aff["extra_minutes"] = aff["minutes_after"] - aff["minutes_before"]
    aff["pushed_over"] = aff["within_before"] & ~aff["within_after"]
    aff = aff.sort_values(["pushed_over", "population"], ascending=[False, False])
    aff = aff.reset_index(drop=True)
    moved = aff.dropna(subset=["facility_after"])
    new = (
        moved.groupby("facility_after")
        .agg(settlements=("settlement_id", "size"), population=("population", "sum"))
        .reset_index()
        .rename(columns={"facility_after": "facility_id"})
        .sort_values("population", ascending=False)
        .reset_index(drop=True)
    )
    if "capacity" in facilities.columns:
        cap = pd.Series(
            pd.to_numeric(facilities["capacity"], errors="coerce").to_numpy(), index=fid
        )
        cap = cap[~cap.index.duplicated()]
        new["capacity"] = new["facility_id"].astype(str).map(cap)
    pushed = float(aff.loc[aff["pushed_over"], "population"].sum())
    unreachable = float(aff.loc[aff["minutes_after"].isna(), "population"].sum())
    res = FacilityClosure(
        facility_ids=ids,
        service=service,
        state=state,
        coverage_before=cov_b,
        coverage_after=cov_a,
        coverage_loss_pp=cov_b - cov_a,
        population_pushed_over=pushed,
        population_unreachable=unreachable,
        affected=aff,
        new_nearest=new,
        modelled=before.modelled,
    )
    label = normatives[service]
    res.text_ru = (
        f"Закрытие ({label.label_ru}: {', '.join(ids)}): {len(aff)} НП, "
        f"{_fmt(float(aff['population'].sum()), 0, 'ru')} чел. переходят к другому учреждению; "
        f"за пределами норматива {_fmt(label.max_minutes, 0, 'ru')} мин оказываются "
        f"{_fmt(pushed, 0, 'ru')} чел.; охват {_fmt(cov_b, 1, 'ru')} % → "
        f"{_fmt(cov_a, 1, 'ru')} %" + (" (модельные данные)" if res.modelled else "")
    )
    res.text_en = (
        f"Closing ({label.label_en}: {', '.join(ids)}): {len(aff)} settlements, "
        f"{_fmt(float(aff['population'].sum()), 0, 'en')} people move to another facility; "
        f"{_fmt(pushed, 0, 'en')} people end up beyond the {_fmt(label.max_minutes, 0, 'en')}"
        f"-minute standard; coverage {_fmt(cov_b, 1, 'en')}% → {_fmt(cov_a, 1, 'en')}%"
        + (" (modelled data)" if res.modelled else "")
    )
    return res


# ---------------------------------------------------------------- season isolation


@dataclass
class SeasonIsolation:
    """Result of :func:`season_isolation`.

    Attributes
    ----------
    settlements
        One row per settlement, service and state that loses the service:
        ``settlement_id``, ``service``, ``state``, ``population``,
        ``reference_state``, ``minutes_reference``, ``minutes``, ``status``
        (``lost``: no open road; ``over_standard``: reachable beyond the standard).
    summary
        One row per state and service (zeros included): ``state``, ``service``,
        ``settlements_lost``, ``population_lost``, ``settlements_over_standard``,
        ``population_over_standard``, ``population_affected``.
    reference
        ``best`` or the named reference state.
    notes
        What was assumed.
    """

    settlements: pd.DataFrame
    summary: pd.DataFrame
    reference: str
    notes: list[str] = field(default_factory=list)


def season_isolation(
    nearest: pd.DataFrame,
    settlements: pd.DataFrame,
    *,
    states: Sequence[str] | None = None,
    reference: str = "best",
    services: Sequence[str] | None = None,
) -> SeasonIsolation:
    """Find the population that loses a service in a season (winter, thaw…).

    A settlement has a service in the reference when it is within the standard there:
    with ``reference="best"``, in at least one state of the table (a winter-only ice
    road counts, so the settlement is isolated in summer and thaw); with a state name,
    in that state. It *loses* the service in a state when, there, no facility can be
    reached (``lost``) or the nearest is beyond the standard (``over_standard``).

    Parameters
    ----------
    nearest
        Nearest-times table (``ServiceAccess.nearest``): ``settlement_id, service,
        state, minutes, within_standard``.
    settlements
        ``settlement_id``, ``population``.
    states
        States to check; every state of the table except a named reference by default.
    reference
        ``best`` or a state of the table.
    services
        Services to check; all by default.

    Returns
    -------
    SeasonIsolation
        Settlement rows and a summary with every state and service (zeros included).

    Raises
    ------
    ValidationError
        If a column is missing or ``reference``/``states`` are not in the table.
    """
    _require(
        nearest, ("settlement_id", "service", "state", "minutes", "within_standard"), "nearest"
    )
    _require(settlements, ("settlement_id", "population"), "settlements")
    table_states = list(dict.fromkeys(nearest["state"].astype(str)))
    if reference != "best" and reference not in table_states:
        msg = f"`reference` {reference!r} is not a state of the table ({', '.join(table_states)})"
        raise ValidationError(msg)
    if states is None:
        check = [s for s in table_states if s != reference]
    else:
        check = list(states)
        bad = [s for s in check if s not in table_states]
        if bad:
            msg = f"state {bad[0]!r} is not in the table ({', '.join(table_states)})"
            raise ValidationError(msg)
    d = nearest
    if services is not None:
        d = d[d["service"].isin(list(services))]
    d = d.assign(settlement_id=d["settlement_id"].astype(str))
    key = ["settlement_id", "service", "state"]
    if d.duplicated(key).any():
        msg = "`nearest` has more than one row per settlement, service and state"
        raise ValidationError(msg)
    flat = d.set_index(key)
    within_w: pd.DataFrame = flat["within_standard"].unstack("state")
    minutes_w: pd.DataFrame = flat["minutes"].unstack("state")
    within = within_w.reindex(columns=table_states).astype("boolean").fillna(False).astype(bool)
    minutes = minutes_w.reindex(columns=table_states).astype(float)
    if reference == "best":
        has = within.any(axis=1)
        m = minutes.to_numpy(dtype=float)
        reachable = ~np.isnan(m).all(axis=1)
        arg = np.argmin(np.where(np.isnan(m), np.inf, m), axis=1)
        ref_min = pd.Series(
            np.where(reachable, m[np.arange(len(m)), arg], np.nan), index=within.index
        )
        ref_state = pd.Series(
            np.where(reachable, np.array(table_states, dtype=object)[arg], None),
            index=within.index,
        )
    else:
        has = within[reference]
        ref_min = minutes[reference]
        ref_state = pd.Series(reference, index=within.index)
    pop = pd.Series(
        pd.to_numeric(settlements["population"], errors="coerce").fillna(0).to_numpy(dtype=float),
        index=settlements["settlement_id"].astype(str).to_numpy(),
    )
    pop = pop[~pop.index.duplicated()]
    rows = []
    for state in check:
        lost = has & minutes[state].isna()
        over = has & minutes[state].notna() & ~within[state]
        for mask, status in ((lost, "lost"), (over, "over_standard")):
            sel = mask[mask].index
            if len(sel) == 0:
                continue
            rows.append(
                pd.DataFrame(
                    {
                        "settlement_id": sel.get_level_values(0),
                        "service": sel.get_level_values(1),
                        "state": state,
                        "population": pop.reindex(sel.get_level_values(0)).to_numpy(),
                        "reference_state": ref_state.reindex(sel).to_numpy(),
                        "minutes_reference": ref_min.reindex(sel).to_numpy(),
                        "minutes": minutes[state].reindex(sel).to_numpy(),
                        "status": status,
                    }
                )
            )
    cols = [
        "settlement_id",
        "service",
        "state",
        "population",
        "reference_state",
        "minutes_reference",
        "minutes",
        "status",
    ]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    out["population"] = pd.to_numeric(out["population"], errors="coerce").fillna(0.0)
    all_services = sorted(set(d["service"].astype(str)))
    summary_rows = []
    for state in check:
        for service in all_services:
            part = out[(out["state"] == state) & (out["service"] == service)]
            lost_p = part[part["status"] == "lost"]
            over_p = part[part["status"] == "over_standard"]
            summary_rows.append(
                {
                    "state": state,
                    "service": service,
                    "settlements_lost": len(lost_p),
                    "population_lost": float(lost_p["population"].sum()),
                    "settlements_over_standard": len(over_p),
                    "population_over_standard": float(over_p["population"].sum()),
                    "population_affected": float(part["population"].sum()),
                }
            )
    notes = []
    if reference == "best":
        notes.append(
            "reference: a settlement has a service when it is within the standard in at "
            "least one state of the table"
        )
    if out.empty:
        notes.append(
            "no settlement loses a service in "
            + ", ".join(check)
            + " (a network without seasonal roads gives zero)"
        )
    summary = pd.DataFrame(
        summary_rows,
        columns=[
            "state",
            "service",
            "settlements_lost",
            "population_lost",
            "settlements_over_standard",
            "population_over_standard",
            "population_affected",
        ],
    )
    return SeasonIsolation(out, summary, reference, notes)
