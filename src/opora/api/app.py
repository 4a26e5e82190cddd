"""FastAPI application factory serving a workspace written by ``opora init`` / ``opora demo``.

Endpoints (all JSON; GeoJSON for spatial layers):

``GET /health``                     liveness and version
``GET /region``                     region name, counts, provenance with real/modelled flags
``GET /municipalities``             GeoJSON points; ``?level=upper|lower``
``GET /settlements``                GeoJSON points; ``?municipality=OKTMO8``, ``?min_population=N``
``GET /profile``                    the municipality profile table (when the demo wrote it)
``GET /indicators``                 long indicators; ``?oktmo=…&code=…``
``GET /rejects/summary``            counts of rejected / repaired / flagged values by file
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import FastAPI, HTTPException, Query

from opora._version import __version__
from opora.io.workspace import read_workspace_tables

__all__ = ["create_app"]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", force_ascii=False))
    return out


def _geojson(frame: Any) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(frame.to_json(na="null", drop_id=True))
    return out


def create_app(workspace: str | Path) -> FastAPI:
    """Create the API for one workspace folder.

    Parameters
    ----------
    workspace
        Folder written by ``opora init`` or ``opora demo``.

    Returns
    -------
    fastapi.FastAPI
        The application; tables are read once, when it is created.

    Raises
    ------
    SourceNotFoundError
        If the folder is not a workspace.
    """
    folder = Path(workspace)
    tables = read_workspace_tables(folder)
    profile_path = folder / "municipality_profile.csv"
    profile = pd.read_csv(profile_path, dtype={"oktmo": str}) if profile_path.exists() else None
    settlements = tables["settlements"]
    municipalities = tables["municipalities"]
    indicators = tables["indicators"]
    provenance = tables["provenance"]
    app = FastAPI(
        title="opora",
        version=__version__,
        description="Anchor settlements and small towns: workspace API.",
    )

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/region")
    def region() -> dict[str, Any]:
        names = municipalities["region"].dropna().unique().tolist()
        return {
            "region": names[0] if names else None,
            "settlements": len(settlements),
            "municipalities": len(municipalities),
            "indicators": len(indicators),
            "modelled_tables": sorted(
                provenance.loc[provenance["kind"] == "modelled", "table"].unique().tolist()
            ),
            "provenance": _records(provenance),
        }

    @app.get("/municipalities")
    def get_municipalities(
        level: str | None = Query(None, pattern="^(upper|lower)$"),
    ) -> dict[str, Any]:
        m = municipalities if level is None else municipalities[municipalities["level"] == level]
        return _geojson(m)

    @app.get("/settlements")
    def get_settlements(
        municipality: str | None = Query(None, pattern=r"^\d{8}$"),
        min_population: int | None = Query(None, ge=0),
    ) -> dict[str, Any]:
        s = settlements
        if municipality is not None:
            s = s[s["municipality_oktmo"].astype(str) == municipality]
        if min_population is not None:
            s = s[s["population"].fillna(-1) >= min_population]
        return _geojson(s)

    @app.get("/profile")
    def get_profile() -> list[dict[str, Any]]:
        if profile is None:
            raise HTTPException(404, "no municipality profile in this workspace; run opora demo")
        return _records(profile)

    @app.get("/indicators")
    def get_indicators(
        oktmo: str | None = Query(None, pattern=r"^\d{8}$"),
        code: str | None = None,
        limit: int = Query(1000, ge=1, le=100_000),
    ) -> list[dict[str, Any]]:
        d = indicators
        if oktmo is not None:
            d = d[d["oktmo"] == oktmo]
        if code is not None:
            d = d[d["code"] == code]
        return _records(d.head(limit))

    def _table(name: str) -> pd.DataFrame:
        path = folder / f"{name}.csv"
        if not path.exists():
            raise HTTPException(404, f"no {name}.csv in this workspace; run opora demo")
        return pd.read_csv(path, dtype={"settlement_id": str, "anchor_id": str})

    @app.get("/anchors")
    def get_anchors(
        level: str | None = Query(None, pattern="^(district|local)$"),
    ) -> list[dict[str, Any]]:
        """Anchor settlements of the proposed framework (level, services, served population)."""
        a = _table("anchors")
        if level is not None:
            a = a[a["level"] == level]
        return _records(a)

    @app.get("/anchors/coverage")
    def get_anchor_coverage() -> list[dict[str, Any]]:
        """Coverage per service of the proposed framework, with the population outside by reason."""
        return _records(_table("anchor_coverage"))

    @app.get("/anchors/outside")
    def get_anchor_outside(
        reason: str | None = Query(
            None, pattern="^(too_far|no_anchor|capacity|unreachable|season)$"
        ),
        limit: int = Query(1000, ge=1, le=100_000),
    ) -> list[dict[str, Any]]:
        """Settlements left outside a standard, with the reason, the largest first."""
        o = _table("anchor_outside")
        if reason is not None:
            o = o[o["reason"] == reason]
        return _records(o.sort_values("population_outside", ascending=False).head(limit))

    @app.get("/anchors/scenarios")
    def get_anchor_scenarios() -> list[dict[str, Any]]:
        """Change in coverage and in the recommended anchors under each scenario."""
        return _records(_table("anchor_scenarios"))

    @app.get("/rejects/summary")
    def rejects_summary() -> list[dict[str, Any]]:
        r = tables["rejects"]
        if r.empty:
            return []
        g = r.groupby(["file", "action"]).size().rename("count").reset_index()
        return _records(g)

    return app
