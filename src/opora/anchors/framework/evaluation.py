"""Evaluating a given anchor list: against the proposal, redundant anchors, best additions."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.anchors.framework._core import IntArray
from opora.anchors.framework.plan import AnchorPlan, Evaluation
from opora.anchors.framework.selection import _Selection
from opora.anchors.models import MCLP


class _Evaluation(_Selection):
    """Evaluation of a given list (:meth:`evaluate`)."""

    def evaluate(
        self,
        given: pd.DataFrame,
        *,
        additions: int = 5,
        capacity: pd.DataFrame | None = None,
        state: str | None = None,
        time_limit: float = 60.0,
    ) -> Evaluation:
        """Evaluate a given anchor list (official or proposed) against the framework.

        Solves the framework first when :attr:`plan` is ``None``.

        Parameters
        ----------
        given
            ``settlement_id, level`` (optional ``services``).
        additions
            How many best additions to propose per level.
        capacity
            ``settlement_id, service, capacity`` (service capacity units).
        state
            Season; the base state when ``None``.
        time_limit
            Seconds per model solve.

        Returns
        -------
        Evaluation
            Coverage side by side, uncovered population by municipality, redundant anchors
            and the best additions.

        Raises
        ------
        AnchorSelectionError
            On unknown ids, levels or services.
        """
        state = self._state(state)
        if self.plan is None:
            self.solve(state=state, time_limit=time_limit)
        assert self.plan is not None
        proposed = self.plan
        plan = self.assess(given, capacity=capacity, state=state)
        a = self._anchor_frame(given)
        comparison = proposed.coverage[
            ["service", "level", "label_ru", "label_en", "max_minutes"]
        ].copy()
        comparison["given_pct"] = plan.coverage["covered_pct"].to_numpy()
        comparison["proposed_pct"] = proposed.coverage["covered_pct"].to_numpy()
        comparison["difference_pp"] = comparison["given_pct"] - comparison["proposed_pct"]
        counts = []
        for key in self.levels:
            g = set(a.loc[a["level"] == key, "settlement_id"])
            p = set(proposed.anchors.loc[proposed.anchors["level"] == key, "settlement_id"])
            counts.append(
                {
                    "level": key,
                    "given": len(g),
                    "proposed": len(p),
                    "in_both": len(g & p),
                    "only_given": len(g - p),
                    "only_proposed": len(p - g),
                }
            )
        kinds = (
            given.assign(settlement_id=given["settlement_id"].astype(str))
            .drop_duplicates("settlement_id")
            .set_index("settlement_id")["kind"]
            .fillna("other")
            .astype(str)
            if "kind" in given
            else pd.Series("other", index=a["settlement_id"].astype(str).unique())
        )
        redundant = self._redundant(a, state)
        redundant["kind"] = redundant["settlement_id"].astype(str).map(kinds).fillna("other")
        return Evaluation(
            plan,
            comparison,
            pd.DataFrame(counts),
            self._by_municipality(plan),
            redundant,
            self._additions(a, state, additions, time_limit),
            self._by_kind(plan, kinds, redundant),
        )

    def _by_kind(self, plan: AnchorPlan, kinds: pd.Series, redundant: pd.DataFrame) -> pd.DataFrame:
        """Coverage and redundancy of the given anchors, per kind."""
        pop = pd.Series(np.nan_to_num(self.population), index=self.settlements["settlement_id"])
        c = plan.catchments.dropna(subset=["anchor_id"])
        c = c.assign(
            kind=c["anchor_id"].astype(str).map(kinds).fillna("other"),
            population=c["settlement_id"].map(pop).to_numpy(),
        )
        rows = []
        for kind in sorted(set(kinds)):
            ids = kinds.index[kinds.to_numpy() == kind]
            mine = c[c["kind"] == kind]
            total = float(mine["population"].sum())
            covered = float(mine.loc[mine["covered"].astype(bool), "population"].sum())
            rows.append(
                {
                    "kind": kind,
                    "anchors": len(ids),
                    "population": float(pop.reindex(ids).sum()),
                    "catchment_population": total,
                    "covered_population": covered,
                    "covered_pct": covered / total * 100 if total > 0 else np.nan,
                    "redundant": int((redundant["kind"] == kind).sum()),
                }
            )
        return pd.DataFrame(
            rows,
            columns=[
                "kind",
                "anchors",
                "population",
                "catchment_population",
                "covered_population",
                "covered_pct",
                "redundant",
            ],
        )

    def _by_municipality(self, plan: AnchorPlan) -> pd.DataFrame:
        base = plan.assignment[plan.assignment["state"] == plan.state]
        muni = self.settlements.set_index("settlement_id").get("municipality")
        key = base["settlement_id"].map(muni) if muni is not None else "region"
        g = (
            base.assign(municipality=key)
            .groupby(["municipality", "service"], sort=True)[["population", "population_outside"]]
            .sum()
            .reset_index()
            .rename(columns={"population_outside": "outside"})
        )
        g["outside_pct"] = np.where(
            g["population"] > 0, g["outside"] / g["population"] * 100, np.nan
        )
        return g

    def _redundant(self, a: pd.DataFrame, state: str) -> pd.DataFrame:
        """Given anchors removable, one after another (smallest first), without loss."""
        t = self.times[state]
        pop = np.nan_to_num(self.population)
        pos = self._positions(a["settlement_id"], "anchors")
        services = dict(zip(pos, a["services"], strict=True))
        counts: dict[str, npt.NDArray[np.int64]] = {}
        cover: dict[str, dict[int, IntArray]] = {}
        for k, norm in self.normatives.items():
            prov = np.array([p for p in pos if k in services[p]], dtype=np.int64)
            mask = np.zeros(len(pop), dtype=bool)
            mask[prov] = True
            m = mask[t.dest] & (t.minutes <= norm.max_minutes) & (pop[t.origin] > 0)
            counts[k] = np.bincount(t.origin[m], minlength=len(pop))
            # the origins of each provider, in the pairs' order (a stable sort by provider)
            order = np.argsort(t.dest[m], kind="stable")
            origin, dest = t.origin[m][order], t.dest[m][order]
            lo = np.searchsorted(dest, prov, side="left")
            hi = np.searchsorted(dest, prov, side="right")
            cover[k] = {int(p): origin[a:b] for p, a, b in zip(prov, lo, hi, strict=True)}
        removed = []
        for p in sorted(pos, key=lambda v: pop[v]):
            if all(np.all(counts[k][cover[k][int(p)]] >= 2) for k in services[p]):
                for k in services[p]:
                    counts[k][cover[k][int(p)]] -= 1
                removed.append(int(p))
        s = self.settlements
        level = dict(zip(a["settlement_id"], a["level"], strict=True))
        ids = s["settlement_id"].to_numpy()[removed]
        return pd.DataFrame(
            {
                "settlement_id": ids,
                "name": s["name"].to_numpy()[removed] if "name" in s else ids,
                "level": [level[i] for i in ids],
            }
        )

    def _additions(
        self, a: pd.DataFrame, state: str, k_add: int, time_limit: float
    ) -> pd.DataFrame:
        cols = [
            "level",
            "rank",
            "settlement_id",
            "name",
            "population",
            "gain_population",
            "gain_person_services",
        ]
        if k_add <= 0:
            return pd.DataFrame(columns=cols)
        pos = self._positions(a["settlement_id"], "anchors")
        ranks = a["level"].map(lambda v: self._rank(v)).to_numpy()
        pop = np.nan_to_num(self.population)
        names = self.settlements["name"].to_numpy() if "name" in self.settlements else None
        sid = self.settlements["settlement_id"].to_numpy()
        rows = []
        for key, level in self.levels.items():
            services = self._services(key)
            if not services:
                continue
            fixed = np.zeros(len(pop), dtype=bool)
            fixed[pos[ranks >= level.rank]] = True
            sites = self._eligible(level) | fixed
            pairs = self._cover_pairs(state, services, sites, set())
            if len(pairs) == 0:
                continue
            pairs["demand"] = pairs["origin"] * len(services) + pairs["service"]
            site_ids = np.flatnonzero(sites)
            n_fixed = int(fixed.sum())
            p = min(n_fixed + k_add, len(site_ids))
            if p <= n_fixed:
                continue
            demand_ids = np.unique(pairs["demand"].to_numpy())
            model = MCLP.from_cost_matrix(
                pairs.rename(columns={"demand": "demand_id", "site": "site_id", "minutes": "cost"})[
                    ["demand_id", "site_id", "cost"]
                ],
                pd.DataFrame({"demand_id": demand_ids, "weight": pop[demand_ids // len(services)]}),
                pd.DataFrame({"site_id": site_ids, "fixed": fixed[site_ids].astype(int)}),
                p=p,
                max_cost=max(self.normatives[k].max_minutes for k in services),
            ).solve(time_limit=time_limit)
            new = [int(j) for j in model.selected_ids if not fixed[int(j)]]
            # order the additions by marginal gain (greedy over the optimal set)
            site = pairs["site"].to_numpy()
            demand = pairs["demand"].to_numpy()
            covered = set(demand[fixed[site]].tolist())
            of_new = np.isin(site, new)
            site_new, demand_new = site[of_new], demand[of_new]
            by_site = {j: set(demand_new[site_new == j].tolist()) for j in new}
            rank = 0
            while by_site:
                j = max(
                    by_site,
                    key=lambda v: sum(pop[d // len(services)] for d in by_site[v] - covered),
                )
                gain = by_site.pop(j) - covered
                covered |= gain
                if not gain:
                    continue
                per_service = np.zeros(len(services))
                for d in gain:
                    per_service[d % len(services)] += pop[d // len(services)]
                rank += 1
                rows.append(
                    {
                        "level": key,
                        "rank": rank,
                        "settlement_id": sid[j],
                        "name": names[j] if names is not None else sid[j],
                        "population": float(pop[j]),
                        "gain_population": float(per_service.max()),
                        "gain_person_services": float(per_service.sum()),
                    }
                )
        return pd.DataFrame(rows, columns=cols)
