"""Plausibility checks of an anchor framework, with the reason of each finding.

A planner reading a framework asks two questions first, and the answers are listed in
the output before they are asked (:func:`plausibility_checks`):

``large_not_anchor``
    a settlement of :data:`LARGE_SETTLEMENT` people or more that is not an anchor of any
    level — with the anchor its people are served by, the travel time, and whether every
    service is within its standard from there;
``large_catchment``
    an anchor whose catchment (the settlements whose nearest anchor it is) holds more than
    :data:`CATCHMENT_RATIO` times its own population — with the largest settlement of the
    catchment and why that one is not an anchor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from opora.anchors.framework import AnchorFramework

__all__ = ["CATCHMENT_RATIO", "CHECK_COLUMNS", "LARGE_SETTLEMENT", "plausibility_checks"]

#: Settlements of this many people or more are expected to be anchors.
LARGE_SETTLEMENT = 50_000

#: An anchor whose catchment exceeds its own population this many times is listed.
CATCHMENT_RATIO = 10.0

#: Smallest catchment (people) of an anchor listed for its ratio.
CATCHMENT_MIN = 5_000

#: Columns of :func:`plausibility_checks`.
CHECK_COLUMNS = [
    "check",
    "settlement_id",
    "name",
    "population",
    "level",
    "anchor_id",
    "anchor_name",
    "minutes",
    "catchment_population",
    "ratio",
    "reason_ru",
    "reason_en",
]


def _fmt(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u00a0")


def plausibility_checks(
    framework: AnchorFramework,
    *,
    large: float = LARGE_SETTLEMENT,
    ratio: float = CATCHMENT_RATIO,
    min_catchment: float = CATCHMENT_MIN,
) -> pd.DataFrame:
    """List large settlements outside the framework and anchors with outsized catchments.

    Parameters
    ----------
    framework
        A solved framework (``framework.plan`` set).
    large
        Population from which a settlement that is no anchor is listed.
    ratio
        Catchment population / own population above which an anchor is listed.
    min_catchment
        Smallest catchment listed for its ratio.

    Returns
    -------
    pandas.DataFrame
        :data:`CHECK_COLUMNS`; ``check`` is ``large_not_anchor`` or ``large_catchment``;
        ``anchor_id``/``anchor_name``/``minutes``: the anchor serving the settlement (for
        ``large_not_anchor``) or the largest other settlement of the catchment (for
        ``large_catchment``); empty when the framework has no plan.
    """
    plan = framework.plan
    if plan is None:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    s = framework.settlements.set_index("settlement_id")
    pop = pd.to_numeric(s["population"], errors="coerce").fillna(0.0)
    anchors = plan.anchors.set_index("settlement_id")
    catch = plan.catchments.set_index("settlement_id")
    base = plan.assignment[plan.assignment["state"] == plan.state]
    outside = base[base["population_outside"] > 0]
    rows: list[dict[str, Any]] = []
    for sid in pop.index[(pop >= large).to_numpy() & ~pop.index.isin(anchors.index)]:
        near: dict[str, Any] = catch.loc[sid].to_dict()
        a = near["anchor_id"]
        mins = float(near["minutes"])
        out_here = outside[outside["settlement_id"] == sid]
        if a is None or pd.isna(a):
            ru = "ни один опорный пункт не достижим в пределах нормативов"
            en = "no anchor is reachable within the standards"
            a_name, level = None, None
        else:
            a_name, level = str(s.at[a, "name"]), str(anchors.at[a, "level"])
            lv = framework.levels[level]
            if out_here.empty:
                ru = (
                    f"обслуживается опорным пунктом {a_name} ({lv.label_ru}, {mins:.0f} мин): "
                    "все услуги в пределах нормативов; ещё один опорный пункт здесь не "
                    "расширил бы охват, а число опорных пунктов — доказанный минимум"
                )
                en = (
                    f"served by {a_name} ({lv.label_en}, {mins:.0f} min): every service "
                    "within its standard; another anchor here would cover no one more, and "
                    "the number of anchors is the proven minimum"
                )
            else:
                keys = ", ".join(sorted(set(out_here["service"].astype(str))))
                ru = f"обслуживается {a_name} ({mins:.0f} мин); вне норматива: {keys}"
                en = f"served by {a_name} ({mins:.0f} min); outside the standard: {keys}"
        rows.append(
            {
                "check": "large_not_anchor",
                "settlement_id": sid,
                "name": str(s.at[sid, "name"]),
                "population": float(pop[sid]),
                "level": level,
                "anchor_id": a,
                "anchor_name": a_name,
                "minutes": mins,
                "catchment_population": np.nan,
                "ratio": np.nan,
                "reason_ru": ru,
                "reason_en": en,
            }
        )
    members = catch.dropna(subset=["anchor_id"]).assign(population=pop)
    records: list[dict[Any, Any]] = anchors.reset_index().to_dict("records")
    for a in records:
        sid = str(a["settlement_id"])
        own = float(a["population"])
        total = float(a["catchment_population"])
        if total < min_catchment or total <= ratio * max(own, 1.0):
            continue
        mine = members[(members["anchor_id"] == sid) & (members.index != sid)]
        top = mine.sort_values("population", ascending=False).head(1)
        n = int(a["settlements_served"])
        if top.empty:  # pragma: no cover - a catchment larger than the anchor has members
            continue
        t_id = str(top.index[0])
        t_pop = float(top["population"].iloc[0])
        t_min = float(top["minutes"].iloc[0])
        t_name = str(s.at[t_id, "name"])
        if t_pop <= own:
            ru = (
                f"крупнейший из {n} населённых пунктов своей зоны (следующий — {t_name}, "
                f"{_fmt(t_pop)} чел.): зона из малых сёл, ближе опорный пункт не нужен для охвата"
            )
            en = (
                f"the largest of the {n} settlements of its catchment (the next: {t_name}, "
                f"{_fmt(t_pop)} people): a catchment of small villages, no nearer anchor is "
                "needed for coverage"
            )
        elif bool(catch.at[t_id, "covered"]):
            ru = (
                f"в зоне — более крупный {t_name} ({_fmt(t_pop)} чел., {t_min:.0f} мин), "
                "не выбранный опорным: все услуги для него в пределах нормативов, а число "
                "опорных пунктов — доказанный минимум"
            )
            en = (
                f"its catchment holds the larger {t_name} ({_fmt(t_pop)} people, "
                f"{t_min:.0f} min), not an anchor: every service is within its standard "
                "there, and the number of anchors is the proven minimum"
            )
        else:
            ru = (
                f"в зоне — более крупный {t_name} ({_fmt(t_pop)} чел., {t_min:.0f} мин), "
                "не опорный; часть услуг для него вне норматива (см. anchor_outside.csv)"
            )
            en = (
                f"its catchment holds the larger {t_name} ({_fmt(t_pop)} people, "
                f"{t_min:.0f} min), not an anchor; some services are outside their standard "
                "there (see anchor_outside.csv)"
            )
        rows.append(
            {
                "check": "large_catchment",
                "settlement_id": sid,
                "name": str(a["name"]),
                "population": own,
                "level": str(a["level"]),
                "anchor_id": t_id,
                "anchor_name": t_name,
                "minutes": t_min,
                "catchment_population": total,
                "ratio": total / max(own, 1.0),
                "reason_ru": ru,
                "reason_en": en,
            }
        )
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)
