"""Cheapest site selections under fixed sites and group quotas.

Used by the Lagrangian bounds (the relaxed problem reduces to choosing sites with the
smallest reduced costs) and by the feasibility checks of the models. Groups partition the
sites, so choosing the cheapest sites group by group and then the cheapest remaining ones
is optimal: each group's cost is convex in the number of sites it gets.
"""

from __future__ import annotations

import numpy as np

from opora.anchors._instance import BoolArray, FloatArray, Instance, IntArray

__all__ = ["quota_problem", "rank_within", "select_cheapest"]


def rank_within(keys: IntArray) -> IntArray:
    """Return, for every element, how many earlier elements share its key."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
    lengths = np.diff(np.r_[starts, len(keys)])
    first = np.repeat(starts, lengths)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys), dtype=np.int64) - first
    return rank


def quota_problem(inst: Instance, p: int | None) -> str | None:
    """Say why ``p`` open sites cannot meet the fixed sites and quotas, or return ``None``.

    Parameters
    ----------
    inst
        The instance.
    p
        Required number of open sites, or ``None`` for a free number (set covering).

    Returns
    -------
    str or None
        A sentence naming the conflict, or ``None`` when the limits can be met.
    """
    lower, upper = inst.group_limits()
    n_fixed = int(inst.fixed.sum())
    if p is not None and n_fixed > p:
        return f"{n_fixed} sites are fixed open but only {p} may be opened"
    if len(lower):
        bad = np.flatnonzero(lower > upper)
        if len(bad):
            g = inst.group_names[int(bad[0])]
            lo, hi = int(lower[bad[0]]), int(upper[bad[0]])
            return f"group {g!r} needs at least {lo} sites but can have at most {hi}"
        fixed_per_group = np.bincount(
            inst.group[inst.fixed & (inst.group >= 0)], minlength=len(lower)
        )
        over = np.flatnonzero(fixed_per_group > upper)
        if len(over):
            g = inst.group_names[int(over[0])]
            return f"group {g!r} has more fixed sites than its maximum {int(upper[over[0]])}"
        need = int(np.maximum(lower, fixed_per_group).sum()) + int(
            (inst.fixed & (inst.group < 0)).sum()
        )
        if p is not None and need > p:
            return f"the group minimums and fixed sites need {need} sites, more than {p}"
    if p is not None and inst.max_open() < p:
        return f"the group maximums allow at most {inst.max_open()} open sites, fewer than {p}"
    return None


def select_cheapest(score: FloatArray, inst: Instance, k: int | None) -> BoolArray | None:
    """Choose the sites minimising the total ``score`` under fixed sites and quotas.

    Parameters
    ----------
    score
        Cost of opening each site.
    inst
        The instance (fixed sites, groups and quotas).
    k
        Exact number of sites to open, or ``None`` to open any number (then every site
        with a negative score is taken where the quotas allow).

    Returns
    -------
    numpy.ndarray or None
        Boolean mask of the chosen sites, or ``None`` when the limits cannot be met.
    """
    chosen = inst.fixed.copy()
    lower, upper = inst.group_limits()
    n_groups = len(lower)
    group = inst.group
    order = np.argsort(score, kind="stable")
    if n_groups:
        count = np.bincount(group[chosen & (group >= 0)], minlength=n_groups)
        if (count > upper).any() or (lower > upper).any():
            return None
        need = np.maximum(lower - count, 0)
        if need.any():
            cand = order[~chosen[order] & (group[order] >= 0)]
            g = group[cand]
            rank = rank_within(g)
            take = cand[rank < need[g]]
            chosen[take] = True
            count = np.bincount(group[chosen & (group >= 0)], minlength=n_groups)
            if (count < lower).any():
                return None
        room = upper - count
    else:
        room = np.zeros(0, dtype=np.int64)
    rest = order[~chosen[order]]
    if n_groups:
        g = group[rest]
        grouped = g >= 0
        rank = np.zeros(len(rest), dtype=np.int64)
        rank[grouped] = rank_within(g[grouped])
        ok = ~grouped | (rank < room[np.where(grouped, g, 0)])
        rest = rest[ok]
    if k is None:
        rest = rest[score[rest] < 0]
        chosen[rest] = True
        return chosen
    left = k - int(chosen.sum())
    if left < 0 or left > len(rest):
        return None
    chosen[rest[:left]] = True
    return chosen
