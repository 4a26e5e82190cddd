"""Existing service centres: settlements that already hold every service of a level.

A settlement that already has every service of a level of the framework — all the
district services (polyclinic, hospital, public-services centre), or all the local ones
(school, kindergarten, feldsher post, pharmacy, post office, library, community centre) —
is, in practice, an anchor of that level: a planner would not draw a framework without
it. :func:`service_centres` finds them in the facility table (a real registry or the
modelled network; the ``modelled`` column is carried along), and the main job passes them
to :meth:`~opora.anchors.framework.AnchorFramework.solve` as existing anchors kept open
(``fixed``), unless the user releases them (``opora anchors select --release-existing``).
"""

from __future__ import annotations

import pandas as pd

from opora.model.normatives import AnchorLevel, Normative

__all__ = ["SERVICE_CENTRE_COLUMNS", "service_centres"]

#: Columns of :func:`service_centres`.
SERVICE_CENTRE_COLUMNS = ["settlement_id", "level", "services", "modelled", "fixed"]


def service_centres(
    facilities: pd.DataFrame,
    normatives: dict[str, Normative],
    levels: dict[str, AnchorLevel],
    *,
    fixed: bool = True,
) -> pd.DataFrame:
    """Settlements holding every service of a level, at their highest such level.

    Parameters
    ----------
    facilities
        Facility table with ``settlement_id`` and ``type`` (a service key of the
        normatives); rows without a settlement are ignored. An optional ``modelled``
        column marks modelled facilities.
    normatives
        Service standards; each service's ``level`` says which level it belongs to.
    levels
        Levels of the framework.
    fixed
        Value of the ``fixed`` column (keep them open in the selection).

    Returns
    -------
    pandas.DataFrame
        :data:`SERVICE_CENTRE_COLUMNS`: one row per settlement, its highest level whose
        services it all holds; ``services`` the number of those services; ``modelled``
        true when any of them is a modelled facility. Levels without services are skipped.

    Examples
    --------
    >>> from opora.model.normatives import AnchorLevel, Normative
    >>> norms = {
    ...     "school": Normative("school", "школа", "school", 30, 110, "places", 300, "local"),
    ...     "post": Normative("post", "почта", "post", 30, 0.3, "offices", 500, "local"),
    ... }
    >>> levels = {"local": AnchorLevel("local", "опорный", "local", 500, 1)}
    >>> fac = pd.DataFrame({"settlement_id": ["a", "a", "b"], "type": ["school", "post", "post"]})
    >>> service_centres(fac, norms, levels)[["settlement_id", "level"]].to_dict("records")
    [{'settlement_id': 'a', 'level': 'local'}]
    """
    out = pd.DataFrame(columns=SERVICE_CENTRE_COLUMNS)
    if facilities is None or len(facilities) == 0 or "settlement_id" not in facilities:
        return out
    f = facilities.dropna(subset=["settlement_id"])
    f = f.assign(
        settlement_id=f["settlement_id"].astype(str),
        type=f["type"].astype(str),
        modelled=f["modelled"].fillna(False).astype(bool) if "modelled" in f else False,
    )
    parts = []
    seen: set[str] = set()
    for key, _level in sorted(levels.items(), key=lambda kv: -kv[1].rank):
        services = {k for k, n in normatives.items() if n.level == key}
        if not services:
            continue
        g = f[f["type"].isin(services)].groupby("settlement_id")
        held = g["type"].nunique()
        full = held.index[held.to_numpy() == len(services)]
        full = [sid for sid in full if sid not in seen]
        seen.update(full)
        if not full:
            continue
        parts.append(
            pd.DataFrame(
                {
                    "settlement_id": full,
                    "level": key,
                    "services": len(services),
                    "modelled": g["modelled"].any().loc[full].to_numpy(dtype=bool),
                    "fixed": bool(fixed),
                }
            )
        )
    if not parts:
        return out
    return pd.concat(parts, ignore_index=True)[SERVICE_CENTRE_COLUMNS]
