"""Town passports for the web application, from the served workspace.

The passports are the report's (:func:`opora.workflow.passports.build_passports`): the
region's model is taken from the served store (settlements, municipalities,
indicators), its analyses and strategy are run once per version of the folder, on the
first request for a town, and kept with the snapshot. In a country folder the town's
region is found from the national settlement layer and its own workspace
(``regions/<key>/``, a folder listed there, never a name from the request) is used.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from opora.api.state import AppState, Snapshot
from opora.errors import SourceNotFoundError, UnknownRegionError
from opora.io.store import FileStore
from opora.report.passport import BiText, TownPassport

__all__ = ["passports", "town_list", "town_passport", "view_model"]


def _build(
    settlements: pd.DataFrame,
    municipalities: pd.DataFrame,
    indicators: pd.DataFrame,
) -> list[TownPassport]:
    from opora.io.normatives import read_normatives
    from opora.model.region import Region
    from opora.model.result import REJECT_COLUMNS
    from opora.workflow.analyses import analyse_region
    from opora.workflow.passports import build_passports
    from opora.workflow.strategy import run_strategy

    s, m = settlements.copy(), municipalities.copy()
    names = m["region"].dropna().astype(str).unique().tolist() if "region" in m else []
    codes = s["oktmo"].dropna().astype(str)
    reg = Region(
        name=names[0] if names else "",
        oktmo_prefix=codes.iloc[0][:2] if len(codes) else "",
        settlements=s,
        municipalities=m,
        indicators=indicators.copy(),
        rejects=pd.DataFrame(columns=REJECT_COLUMNS),
    )
    an = analyse_region(reg, read_normatives(None))
    strat = run_strategy(reg, an)
    return build_passports(reg, an, strat)


def _region_key(state: AppState, snap: Snapshot, oktmo: str) -> str:
    """Return the folder key of the region holding a town (country folders)."""
    s = snap.layer("settlements")
    hit = s.loc[s["oktmo"].astype(str) == oktmo, "region_key"].dropna().astype(str)
    if hit.empty:
        hit = (
            s.loc[s["municipality_oktmo"].astype(str) == oktmo[:8], "region_key"]
            .dropna()
            .astype(str)
        )
    if hit.empty:
        msg = f"{oktmo!r} is no settlement of the national layer of {state.folder}"
        raise UnknownRegionError(msg)
    return str(hit.iloc[0])


def passports(state: AppState, snap: Snapshot, oktmo: str | None = None) -> list[TownPassport]:
    """Return the passports of the served region (of ``oktmo``'s region in a country).

    Parameters
    ----------
    state
        The application state.
    snap
        Its current snapshot.
    oktmo
        A town's code; needed in a country folder to find its region.

    Returns
    -------
    list of TownPassport
        Built once per version and region.

    Raises
    ------
    SourceNotFoundError
        If the town's region has no finished workspace in the country folder.
    """
    if state.kind != "country":
        return snap.get(
            "passports",
            lambda: _build(
                snap.layer("settlements"), snap.layer("municipalities"), snap.table("indicators")
            ),
        )
    if oktmo is None:
        return []
    key = _region_key(state, snap, oktmo)
    root = state.folder / "regions"
    listed = {p.name: p for p in root.iterdir() if p.is_dir()} if root.is_dir() else {}
    if key not in listed:
        msg = f"{root}: no workspace of region {key}; rerun `opora country` to write it"
        raise SourceNotFoundError(msg)

    def build() -> list[TownPassport]:
        sub = FileStore(listed[key])
        return _build(
            sub.layer("settlements"), sub.layer("municipalities"), sub.table("indicators")
        )

    return snap.get(f"passports:{key}", build)


def town_passport(state: AppState, snap: Snapshot, oktmo: str) -> TownPassport:
    """Return the passport of one small town.

    Parameters
    ----------
    state
        The application state.
    snap
        Its current snapshot.
    oktmo
        The town's 11-digit OKTMO code.

    Returns
    -------
    TownPassport
        The passport.

    Raises
    ------
    UnknownRegionError
        If the code is no small town of the region (answered 404).
    """
    from opora.workflow.passports import find_town

    found = passports(state, snap, oktmo)
    hits = [p for p in found if p.oktmo == oktmo]
    if len(hits) == 1:
        return hits[0]
    return find_town(found, oktmo)


def town_list(state: AppState, snap: Snapshot) -> pd.DataFrame:
    """Return the small towns with a passport, largest first.

    Parameters
    ----------
    state
        The application state.
    snap
        Its current snapshot.

    Returns
    -------
    pandas.DataFrame
        ``oktmo``, ``name``, ``municipality``, ``municipality_oktmo``, ``population``,
        ``lon``, ``lat`` (empty for a country folder: open a region's town by its code).
    """
    rows = [
        {
            "oktmo": p.oktmo,
            "name": p.name,
            "municipality": p.municipality,
            "municipality_oktmo": p.municipality_oktmo,
            "population": p.population,
            "lon": p.lon,
            "lat": p.lat,
        }
        for p in passports(state, snap)
    ]
    cols = ["oktmo", "name", "municipality", "municipality_oktmo", "population", "lon", "lat"]
    return pd.DataFrame(rows, columns=cols)


def _plain(value: Any) -> Any:
    """Return a JSON-ready copy of a passport value (texts in both languages, rows)."""
    if isinstance(value, BiText):
        return {"ru": value.ru, "en": value.en}
    if isinstance(value, pd.DataFrame):
        return [
            {str(k): _plain(v) for k, v in row.items()} for row in value.to_dict(orient="records")
        ]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def view_model(p: TownPassport) -> dict[str, Any]:
    """Return a passport's view model as JSON-ready data.

    Parameters
    ----------
    p
        The passport.

    Returns
    -------
    dict
        Every field of :class:`~opora.report.passport.TownPassport`; bilingual texts
        as ``{"ru", "en"}``, tables as lists of rows, missing numbers as ``null``.
    """
    out: dict[str, Any] = _plain(p)
    return out
