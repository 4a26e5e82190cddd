"""Assessing a set of anchors: nearest providers, capacities, coverage and reasons outside."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linprog

from opora.anchors.framework._core import BoolArray, FloatArray, IntArray, _FrameworkCore
from opora.anchors.framework.plan import AnchorPlan
from opora.errors import AnchorSelectionError, ValidationError

_ASSIGN_COLUMNS = [
    "settlement_id",
    "service",
    "level",
    "state",
    "anchor_id",
    "minutes",
    "within_standard",
    "population",
    "population_outside",
    "reason",
]


#: Columns of :attr:`AnchorPlan.solves`: ``unit`` says what ``objective`` counts (anchors,
#: or population-weighted mean minutes to the nearest anchor for the tie-break);
#: ``objective_before`` is that mean before the tie-break (the relocation pass alone).
SOLVE_COLUMNS = [
    "step",
    "model",
    "status",
    "objective",
    "gap",
    "seconds",
    "unit",
    "objective_before",
]


class _Assessment(_FrameworkCore):
    """Assessment of any set of anchors (:meth:`assess`), also used after a selection."""

    def assess(
        self,
        anchors: pd.DataFrame,
        *,
        capacity: pd.DataFrame | None = None,
        state: str | None = None,
        closed: Iterable[tuple[str, str | None]] | None = None,
    ) -> AnchorPlan:
        """Assess a set of anchors: coverage, catchments and who stays outside, and why.

        Each anchor provides every service of its level and of the levels below, unless
        the table has a ``services`` column (comma-separated service keys).

        Parameters
        ----------
        anchors
            ``settlement_id, level`` (optional ``services``, ``fixed``).
        capacity
            ``settlement_id, service, capacity`` in the service's capacity unit.
        state
            Base season of the assessment; the framework's base state when ``None``.
        closed
            ``(settlement_id, service)`` pairs closed (``None`` service: all).

        Returns
        -------
        AnchorPlan
            The assessment.

        Raises
        ------
        AnchorSelectionError
            On unknown ids, levels, services or states.
        """
        state = self._state(state)
        closed_set = self._closed(closed)
        a = self._anchor_frame(anchors)
        pos = self._positions(a["settlement_id"], "anchors")
        provides: dict[str, list[int]] = {k: [] for k in self.normatives}
        for p, services in zip(pos, a["services"], strict=True):
            for k in services:
                if (int(p), k) not in closed_set:
                    provides[k].append(int(p))
        fixed = np.zeros(len(self.settlements), dtype=bool)
        fixed[pos[a["fixed"].to_numpy(dtype=bool)]] = True
        return self._assess(
            a[["settlement_id", "level"]],
            {k: np.unique(np.asarray(v, dtype=np.int64)) for k, v in provides.items()},
            fixed,
            capacity,
            state,
            closed_set,
            [],
        )

    def _anchor_frame(self, anchors: pd.DataFrame) -> pd.DataFrame:
        for col in ("settlement_id", "level"):
            if col not in anchors:
                msg = f"anchors lack column `{col}` (expected settlement_id, level)"
                raise AnchorSelectionError(msg)
        a = anchors.copy()
        a["settlement_id"] = a["settlement_id"].astype(str)
        a["level"] = a["level"].astype(str)
        unknown = sorted(set(a["level"]) - set(self.levels))
        if unknown:
            msg = f"anchors: unknown level(s) {', '.join(unknown)}; use {', '.join(self.levels)}"
            raise AnchorSelectionError(msg)
        if "services" in a:
            lists = []
            for text, lv in zip(a["services"].fillna("").astype(str), a["level"], strict=True):
                keys = [x.strip() for x in text.split(",") if x.strip()] or self._default_services(
                    lv
                )
                bad = [x for x in keys if x not in self.normatives]
                if bad:
                    msg = (
                        f"anchors: unknown service(s) {', '.join(bad)}; "
                        f"use {', '.join(self.normatives)}"
                    )
                    raise AnchorSelectionError(msg)
                lists.append(keys)
            a["services"] = lists
        else:
            a["services"] = [self._default_services(lv) for lv in a["level"]]
        a["fixed"] = a["fixed"].astype(bool) if "fixed" in a else True
        # one row per settlement: the highest level, the union of services
        a["rank"] = a["level"].map(lambda k: self._rank(k))
        a = a.sort_values("rank", ascending=False, kind="stable")
        merged = a.groupby("settlement_id", sort=False).agg(
            level=("level", "first"),
            services=("services", lambda s: sorted({x for v in s for x in v})),
            fixed=("fixed", "max"),
        )
        return merged.reset_index()

    def _default_services(self, level: str) -> list[str]:
        """Services of a level and of every level below it."""
        return [k for k, n in self.normatives.items() if self._rank(n.level) <= self._rank(level)]

    def _capacity_people(self, capacity: pd.DataFrame | None) -> dict[tuple[int, str], float]:
        if capacity is None or len(capacity) == 0:
            return {}
        for col in ("settlement_id", "service", "capacity"):
            if col not in capacity:
                msg = (
                    f"capacity table lacks column `{col}` "
                    "(expected settlement_id, service, capacity)"
                )
                raise AnchorSelectionError(msg)
        pos = self._positions(capacity["settlement_id"], "capacity")
        out = {}
        for p, k, c in zip(pos, capacity["service"].astype(str), capacity["capacity"], strict=True):
            if k not in self.normatives:
                msg = f"capacity: unknown service {k!r}; use {', '.join(self.normatives)}"
                raise AnchorSelectionError(msg)
            value = float(c)
            if not (math.isfinite(value) and value >= 0):
                msg = f"capacity of {k} at {self.settlements['settlement_id'].iat[p]} must be >= 0"
                raise AnchorSelectionError(msg)
            out[(int(p), k)] = value / self.normatives[k].per_1000 * 1000
        return out

    def _assess(
        self,
        given: pd.DataFrame,
        provides: Mapping[str, IntArray],
        fixed: BoolArray,
        capacity: pd.DataFrame | None,
        state: str,
        closed: set[tuple[int, str]],
        solves: list[dict[str, Any]],
    ) -> AnchorPlan:
        s = self.settlements
        n = len(s)
        pop = np.nan_to_num(self.population)
        cap = self._capacity_people(capacity)
        sid = s["settlement_id"].to_numpy()
        # the id columns typed once (as the frame constructor would type them), not per table
        sid_column = pd.Series(sid).array
        states = [state] + [x for x in self.times if x != state]
        frames = []
        base_within: dict[str, FloatArray] = {}
        coverable: dict[tuple[Any, ...], BoolArray] = {}
        for st in states:
            t = self.times[st]
            # services with the same providers share their nearest provider
            nearest: dict[bytes, tuple[IntArray, FloatArray, Any]] = {}
            for k, norm in self.normatives.items():
                prov = np.zeros(n, dtype=bool)
                prov[provides.get(k, np.zeros(0, dtype=np.int64))] = True
                key = prov.tobytes()
                if key not in nearest:
                    near, mins = t.nearest(prov)
                    anchor = np.full(n, None, dtype=object)
                    ok = near >= 0
                    anchor[ok] = sid[near[ok]]
                    nearest[key] = near, mins, pd.Series(anchor).array
                near, mins, anchor_column = nearest[key]
                within_pop = np.where(mins <= norm.max_minutes, pop, 0.0)
                ks = [(int(j), k) for j in np.flatnonzero(prov) if (int(j), k) in cap]
                if ks:
                    m = prov[t.dest]
                    o, d, c = t.origin[m], t.dest[m], t.minutes[m]
                    within_pop = _capacitated(o, d, c, pop, norm.max_minutes, cap, k, n)
                outside = np.maximum(pop - within_pop, 0.0)
                outside[outside < 1e-6] = 0.0
                reason = np.full(n, "", dtype=object)
                if st == state:
                    base_within[k] = within_pop
                    rule = self._coverable_rule(k, closed)
                    if rule not in coverable:
                        coverable[rule] = self._coverable(st, k, closed)
                    cover = coverable[rule]
                    lacking = outside > 0
                    reason[lacking & ~cover] = "too_far"
                    reason[lacking & cover] = "no_anchor"
                    reason[lacking & (mins <= norm.max_minutes)] = "capacity"
                    reason[lacking & t.unreachable] = "unreachable"
                else:
                    lost = np.maximum(base_within[k] - within_pop, 0.0)
                    outside = np.where(lost > 1e-6, lost, 0.0)
                    reason[outside > 0] = "season"
                frames.append(
                    pd.DataFrame(
                        {
                            "settlement_id": sid_column,
                            "service": k,
                            "level": norm.level,
                            "state": st,
                            "anchor_id": anchor_column,
                            "minutes": mins,
                            "within_standard": mins <= norm.max_minutes,
                            "population": pop,
                            "population_outside": outside,
                            "reason": reason,
                        }
                    )
                )
        assignment = pd.concat(frames, ignore_index=True)[_ASSIGN_COLUMNS]
        coverage = self._coverage(assignment, state)
        catchments = self._catchments(given, assignment, state)
        anchors, services = self._anchor_tables(
            given, provides, fixed, assignment, catchments, state
        )
        return AnchorPlan(
            anchors,
            services,
            assignment,
            coverage,
            catchments,
            pd.DataFrame(solves, columns=SOLVE_COLUMNS),
            state,
        )

    def _coverable_rule(self, service: str, closed: set[tuple[int, str]]) -> tuple[Any, ...]:
        """Return what :meth:`_coverable` depends on besides the state (services share it)."""
        norm = self.normatives[service]
        rank = self._rank(norm.level)
        threshold = min(lv.min_population for lv in self.levels.values() if lv.rank >= rank)
        shut = tuple(sorted(j for j, k in closed if k == service))
        return norm.max_minutes, threshold, shut

    def _coverable(self, state: str, service: str, closed: set[tuple[int, str]]) -> BoolArray:
        """Settlements that some possible anchor of the service's level could serve."""
        norm = self.normatives[service]
        rank = self._rank(norm.level)
        lowest = [lv for lv in self.levels.values() if lv.rank >= rank]
        threshold = min(lv.min_population for lv in lowest)
        t = self.times[state]
        ok = (t.minutes <= norm.max_minutes) & (self.population[t.dest] >= threshold)
        if closed:
            ok &= ~self._shut(closed, service)[t.dest]
        out = np.zeros(len(self.settlements), dtype=bool)
        out[t.origin[ok]] = True
        return out

    def _coverage(self, assignment: pd.DataFrame, state: str) -> pd.DataFrame:
        rows = []
        # the columns summed, as arrays: filtering the whole table per service is slow
        is_base = (assignment["state"] == state).to_numpy()
        service, services = pd.factorize(assignment["service"])
        code = {str(v): i for i, v in enumerate(services)}
        people = assignment["population"].to_numpy()
        outside = assignment["population_outside"].to_numpy()
        reason, reasons = pd.factorize(assignment["reason"])
        why = {str(v): i for i, v in enumerate(reasons)}
        sid = assignment["settlement_id"].to_numpy(dtype=object)
        for k, norm in self.normatives.items():
            of_k = service == code.get(k, -2)
            b = is_base & of_k
            total = float(pd.Series(people[b]).sum())
            out_k = float(pd.Series(outside[b]).sum())
            row: dict[str, Any] = {
                "service": k,
                "level": norm.level,
                "label_ru": norm.label_ru,
                "label_en": norm.label_en,
                "max_minutes": norm.max_minutes,
                "population": total,
                "covered_population": total - out_k,
                "covered_pct": (total - out_k) / total * 100 if total else math.nan,
            }
            for r in ("too_far", "no_anchor", "capacity", "unreachable"):
                row[f"outside_{r}"] = float(
                    pd.Series(outside[b & (reason == why.get(r, -2))]).sum()
                )
            lt = ~is_base & of_k
            row["outside_season"] = (
                float(pd.Series(outside[lt]).groupby(sid[lt]).max().sum()) if lt.any() else 0.0
            )
            rows.append(row)
        return pd.DataFrame(rows)

    def _catchments(
        self, given: pd.DataFrame, assignment: pd.DataFrame, state: str
    ) -> pd.DataFrame:
        s = self.settlements
        n = len(s)
        t = self.times[state]
        pos = self._positions(given["settlement_id"], "anchors") if len(given) else np.zeros(0, int)
        top_rank = max(lv.rank for lv in self.levels.values())
        ranks = np.array([self._rank(str(k)) for k in given["level"]], dtype=np.int64)
        out = {"settlement_id": s["settlement_id"].to_numpy()}
        for name, chosen in (
            ("anchor_id", pos),
            ("district_anchor_id", pos[np.asarray(ranks) == top_rank] if len(pos) else pos),
        ):
            mask = np.zeros(n, dtype=bool)
            mask[chosen] = True
            near, mins = t.nearest(mask)
            ids = np.full(n, None, dtype=object)
            ids[near >= 0] = out["settlement_id"][near[near >= 0]]
            out[name] = ids
            if name == "anchor_id":
                out["minutes"] = mins
        base = assignment.loc[assignment["state"] == state, ["settlement_id", "population_outside"]]
        covered = base.groupby("settlement_id", sort=False)["population_outside"].max() <= 0
        frame = pd.DataFrame(out)
        frame["covered"] = frame["settlement_id"].map(covered).fillna(False).astype(bool)
        return frame[["settlement_id", "anchor_id", "minutes", "district_anchor_id", "covered"]]

    def _anchor_tables(
        self,
        given: pd.DataFrame,
        provides: Mapping[str, IntArray],
        fixed: BoolArray,
        assignment: pd.DataFrame,
        catchments: pd.DataFrame,
        state: str,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        s = self.settlements
        sid = s["settlement_id"].to_numpy()
        base = assignment.loc[
            (assignment["state"] == state) & assignment["within_standard"],
            ["anchor_id", "service", "population", "population_outside"],
        ]
        base = base.assign(served=base["population"] - base["population_outside"])
        served = base.groupby(["anchor_id", "service"])["served"].sum().to_dict()
        rows = []
        for k, prov in provides.items():
            norm = self.normatives[k]
            for p in prov:
                people = float(served.get((sid[p], k), 0.0))
                rows.append(
                    {
                        "anchor_id": sid[p],
                        "service": k,
                        "level": norm.level,
                        "served_population": people,
                        "required_capacity": people * norm.per_1000 / 1000,
                        "capacity_unit": norm.capacity_unit,
                    }
                )
        services = pd.DataFrame(
            rows,
            columns=[
                "anchor_id",
                "service",
                "level",
                "served_population",
                "required_capacity",
                "capacity_unit",
            ],
        )
        names = dict(zip(sid, s["name"], strict=True)) if "name" in s else None
        munis = dict(zip(sid, s["municipality"], strict=True)) if "municipality" in s else None
        catch = catchments.dropna(subset=["anchor_id"])
        n_served = catch.groupby("anchor_id").size().to_dict()
        pop_served = (
            catch.merge(s[["settlement_id", "population"]], on="settlement_id")
            .groupby("anchor_id")["population"]
            .sum()
            .to_dict()
        )
        provided = services.groupby("anchor_id")["service"].agg(set).to_dict()
        top_served = services.groupby("anchor_id")["served_population"].max().to_dict()
        positions = self._positions(given["settlement_id"], "anchors")
        own = self.population
        out = []
        for (sid_a, level), p in zip(
            given[["settlement_id", "level"]].itertuples(index=False), positions, strict=True
        ):
            keys = [k for k in self.normatives if k in provided.get(sid_a, set())]
            out.append(
                {
                    "settlement_id": sid_a,
                    "name": names[sid_a] if names is not None else sid_a,
                    "municipality": munis[sid_a] if munis is not None else None,
                    "level": level,
                    "level_ru": self.levels[level].label_ru,
                    "level_en": self.levels[level].label_en,
                    "fixed": bool(fixed[p]),
                    "services": ", ".join(keys),
                    "services_ru": ", ".join(self.normatives[k].label_ru for k in keys),
                    "services_en": ", ".join(self.normatives[k].label_en for k in keys),
                    "population": float(own[p]),
                    "settlements_served": int(n_served.get(sid_a, 0)),
                    "catchment_population": float(pop_served.get(sid_a, 0.0)),
                    "served_population": float(top_served.get(sid_a, 0.0)),
                }
            )
        anchors = pd.DataFrame(out)
        if len(anchors):
            anchors["_rank"] = anchors["level"].map(lambda k: self._rank(k))
            anchors = (
                anchors.sort_values(["_rank", "population"], ascending=False)
                .drop(columns="_rank")
                .reset_index(drop=True)
            )
        return anchors, services


def _capacitated(
    o: IntArray,
    d: IntArray,
    c: FloatArray,
    pop: FloatArray,
    std: float,
    cap: Mapping[tuple[int, str], float],
    service: str,
    n: int,
) -> FloatArray:
    """Return the population served within the standard when providers have capacities.

    Maximises the population assigned (a transport problem solved by HiGHS), the nearest
    first as a tie-break (a small cost per minute).
    """
    m = (c <= std) & (pop[o] > 0)
    o, d, c = o[m], d[m], c[m]
    if len(o) == 0:
        return np.zeros(n)
    rows, r_idx = np.unique(o, return_inverse=True)
    sites, s_idx = np.unique(d, return_inverse=True)
    k = len(o)
    a_dem = sp.csr_matrix((np.ones(k), (r_idx, np.arange(k))), shape=(len(rows), k))
    limits = np.array([cap.get((int(j), service), np.inf) for j in sites])
    bounded = np.flatnonzero(np.isfinite(limits))
    a_site = sp.csr_matrix((np.ones(k), (s_idx, np.arange(k))), shape=(len(sites), k))[bounded]
    a_ub = sp.vstack([a_dem, a_site]).tocsr()
    b_ub = np.concatenate([pop[rows], limits[bounded]])
    eps = 1e-6 / max(std, 1.0)
    res = linprog(-1.0 + eps * c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - the problem is always feasible (x = 0)
        msg = f"capacity assignment failed: {res.message}"
        raise ValidationError(msg)
    served = np.zeros(n)
    np.add.at(served, o, res.x)
    return np.minimum(served, pop)
