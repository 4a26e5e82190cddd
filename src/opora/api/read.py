"""Read-only endpoints: what is served, map layers, the municipality table, towns, anchors.

Tables come from the snapshot of the store's current version (loaded once, see
:mod:`opora.api.state`); lists are paginated with bounded limits; codes and ids are JSON
strings. Pages and GeoJSON answers are encoded once per version and request
(:func:`opora.api.state.cached`): a repeated request is answered from the cache on the
event loop, a new one is cut in a worker thread, so the loop, and ``/health``, stay free
while a table is loaded or a page is cut.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Hashable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Query, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from opora._version import __version__
from opora.api.errors import error_responses
from opora.api.layers import (
    available_layers,
    layer_frame,
    modelled_flags,
    municipality_table,
    region_bbox,
    region_name,
    seasons,
    services,
)
from opora.api.state import AppState, Snapshot, cached, current_state
from opora.errors import SourceNotFoundError

__all__ = ["router"]

router = APIRouter()

State = Annotated[AppState, Depends(current_state)]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]
Search = Annotated[
    str | None, Query(max_length=100, description="text to look for (case and «ё» ignored)")
]
_JSON = "application/json"


# -- response models (the OpenAPI schema) ---------------------------------------------


class Names(BaseModel):
    """A name in Russian and English."""

    ru: str
    en: str


class ServiceOut(BaseModel):
    """A service with a travel-time standard."""

    code: str
    name_ru: str
    name_en: str
    max_minutes: float
    level: str


class LayerOut(BaseModel):
    """A layer of the map."""

    id: str
    title_ru: str
    title_en: str
    geometry: str
    source: str
    modelled: bool
    features: int


class Modelled(BaseModel):
    """Which inputs are modelled rather than real."""

    roads: bool
    facilities: bool
    firms: bool
    settlement_population: bool


class InfoOut(BaseModel):
    """What the application serves."""

    kind: str
    name: Names
    bbox: list[float]
    version: str
    opora_version: str
    store: str
    writable: bool
    tiles_url: str | None
    services: list[ServiceOut]
    seasons: list[str]
    modelled: Modelled
    layers: list[LayerOut]


class FeatureCollectionOut(BaseModel):
    """A GeoJSON FeatureCollection with the number of matching features."""

    type: Literal["FeatureCollection"]
    total: int
    offset: int
    limit: int
    features: list[dict[str, Any]]


class PageOut(BaseModel):
    """One page of a table."""

    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


class TownLinks(BaseModel):
    """Where a town's passport is."""

    html: str
    pdf: str


class TownOut(BaseModel):
    """A small town and its passport's view model."""

    oktmo: str
    name: str
    view: dict[str, Any]
    links: TownLinks


class AnchorsSummaryOut(BaseModel):
    """The anchor framework in brief."""

    levels: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    evaluation: dict[str, list[dict[str, Any]]]
    checks: int
    network: str | None


# -- helpers ---------------------------------------------------------------------------


def _records_json(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "[]"
    return frame.to_json(orient="records", force_ascii=False, date_format="iso")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(_records_json(frame))
    return out


def _page(frame: pd.DataFrame, offset: int, limit: int) -> bytes:
    part = frame.iloc[offset : offset + limit]
    text = (
        f'{{"total":{len(frame)},"offset":{offset},"limit":{limit},"items":{_records_json(part)}}}'
    )
    return text.encode("utf-8")


async def _answer(
    state: AppState, cache: str, key: Hashable, build: Callable[[Snapshot], bytes]
) -> Response:
    _, data = await cached(state, cache, key, build)
    return Response(content=data, media_type=_JSON)


def _fold(s: pd.Series) -> pd.Series:
    return s.astype("string").str.lower().str.replace("ё", "е", regex=False)


def _search(frame: pd.DataFrame, q: str | None, columns: list[str]) -> pd.DataFrame:
    if not q or not q.strip():
        return frame
    key = q.strip().lower().replace("ё", "е")
    hit = np.zeros(len(frame), dtype=bool)
    for col in columns:
        if col in frame.columns:
            hit |= _fold(frame[col]).str.contains(key, regex=False).fillna(False).to_numpy()
    return frame[hit]


def _not_found(kind: str, message: str) -> NoReturn:
    raise HTTPException(404, {"type": kind, "message": message})


# -- /health and /api/info -------------------------------------------------------------


class HealthOut(BaseModel):
    """Liveness."""

    status: str
    version: str


@router.get("/health", summary="Liveness and version", response_model=HealthOut, tags=["meta"])
async def health() -> dict[str, str]:
    """Answer at once, without touching a table."""
    return {"status": "ok", "version": __version__}


@router.get(
    "/api/info",
    summary="What is served: kind, name, extent, services, seasons, layers",
    response_model=InfoOut,
    responses=error_responses(409),
    tags=["meta"],
)
def info(state: State) -> dict[str, Any]:
    """Describe the served region or country: layers with their *modelled* flags, services."""
    snap = state.snapshot()
    flags = modelled_flags(snap)
    return {
        "kind": state.kind,
        "name": region_name(snap),
        "bbox": region_bbox(snap),
        "version": snap.version,
        "opora_version": __version__,
        "store": state.store.kind,
        "writable": state.writable,
        "tiles_url": state.tiles_url,
        "services": services(snap),
        "seasons": seasons(snap),
        "modelled": flags,
        "layers": available_layers(snap),
    }


# -- GeoJSON layers ---------------------------------------------------------------------


class GeoLayer(StrEnum):
    """Layers served as GeoJSON."""

    settlements = "settlements"
    access = "access"
    anchors = "anchors"
    anchor_catchments = "anchor_catchments"
    outside = "outside"
    municipalities = "municipalities"
    ties = "ties"
    regions = "regions"
    boundaries = "boundaries"
    facilities = "facilities"


def _features(snap: Snapshot, layer_id: str) -> tuple[list[str], np.ndarray]:
    """Each feature of a layer as JSON text, and the features' bounds (n × 4)."""

    def build() -> tuple[list[str], np.ndarray]:
        frame = layer_frame(snap, layer_id)
        if frame.empty:
            return [], np.zeros((0, 4))
        fc = json.loads(frame.to_json(na="null", drop_id=True))
        texts = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
        return texts, frame.geometry.bounds.to_numpy(dtype=float)

    return snap.get(f"features:{layer_id}", build)


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        w = s = e = n = float("nan")
    ok = len(parts) == 4 and all(np.isfinite([w, s, e, n])) and w <= e and s <= n
    if not ok:
        raise HTTPException(
            422,
            {
                "type": "InvalidParameter",
                "message": f"bbox {text!r} is not 'west,south,east,north' in degrees "
                "with west <= east and south <= north",
            },
        )
    return w, s, e, n


@router.get(
    "/api/layers/{layer_id}.geojson",
    summary="A map layer as GeoJSON, filtered by bbox and paginated",
    response_model=FeatureCollectionOut,
    responses=error_responses(409, 422),
    tags=["map"],
)
async def geojson_layer(
    layer_id: GeoLayer,
    state: State,
    bbox: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=r"^[-+0-9.eE]+(,[-+0-9.eE]+){3}$",
            description="west,south,east,north (degrees)",
        ),
    ] = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=20_000)] = 5000,
) -> Response:
    """Return the features of a layer that intersect ``bbox`` (all when not given).

    ``total`` counts every matching feature; ``features`` holds at most ``limit`` of them
    from ``offset`` on, in the layer's order.
    """
    box = _bbox(bbox)

    def build(snap: Snapshot) -> bytes:
        texts, bounds = _features(snap, layer_id.value)
        if box is None:
            pos = np.arange(len(texts))
        else:
            w, s, e, n = box
            across = (bounds[:, 0] <= e) & (bounds[:, 2] >= w)
            hit = across & (bounds[:, 1] <= n) & (bounds[:, 3] >= s)
            pos = np.flatnonzero(hit)
        part = pos[offset : offset + limit]
        body = ",".join(texts[i] for i in part)
        text = (
            f'{{"type":"FeatureCollection","total":{len(pos)},"offset":{offset},'
            f'"limit":{limit},"features":[{body}]}}'
        )
        return text.encode("utf-8")

    return await _answer(state, "layers", ("geojson", layer_id.value, box, offset, limit), build)


# -- municipalities --------------------------------------------------------------------

_MUNI_SORT = Literal["oktmo", "name", "population", "level", "type", "resilience_index"]


@router.get(
    "/api/municipalities",
    summary="The municipality table: filter, search, sort, paginate",
    response_model=PageOut,
    responses=error_responses(409, 422),
    tags=["tables"],
)
async def municipalities(
    state: State,
    q: Search = None,
    type: Annotated[
        str | None, Query(max_length=60, description="municipality type or town type")
    ] = None,
    level: Annotated[Literal["upper", "lower"] | None, Query()] = None,
    sort: Annotated[_MUNI_SORT, Query()] = "oktmo",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Return municipalities with OKTMO, name, level, type, population, centre and extent.

    ``type`` matches the municipality's type (``urban_okrug``...) or one of its town
    types (``industrial``...); ``q`` looks in the name and the OKTMO code.
    """

    def build(snap: Snapshot) -> bytes:
        def ordered() -> pd.DataFrame:
            full = municipality_table(snap)
            if sort not in full.columns:
                return full
            return full.sort_values(
                [sort, "oktmo"], ascending=[order == "asc", True], na_position="last", kind="stable"
            )

        # sorted once per version and order; the filters below keep that order
        t = snap.get(f"municipalities-sorted:{sort}:{order}", ordered)
        if level is not None:
            t = t[t["level"].astype(str) == level]
        if type is not None:
            hit = t["type"].astype(str) == type
            if "types" in t.columns:
                parts = t["types"].fillna("").astype(str).str.split(r"[,;]\s*", regex=True)
                hit |= parts.map(lambda xs: type in xs)
            t = t[hit]
        return _page(_search(t, q, ["name", "oktmo"]), offset, limit)

    key = ("municipalities", q, type, level, sort, order, offset, limit)
    return await _answer(state, "pages", key, build)


# -- towns -----------------------------------------------------------------------------

Oktmo = Annotated[str, PathParam(pattern=r"^[0-9]{8,11}$", description="OKTMO code")]
Lang = Annotated[Literal["ru", "en"], Query()]


def _town(state: AppState, oktmo: str) -> Any:
    from opora.api.towns import town_passport

    return town_passport(state, state.snapshot(), oktmo)


@router.get(
    "/api/towns",
    summary="Small towns with a passport",
    response_model=PageOut,
    responses=error_responses(409),
    tags=["towns"],
)
async def towns(
    state: State,
    q: Search = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """List the small towns (≤ 50,000 people) of the served region, largest first."""
    from opora.api.towns import town_list

    def build(snap: Snapshot) -> bytes:
        return _page(_search(town_list(state, snap), q, ["name", "oktmo"]), offset, limit)

    return await _answer(state, "pages", ("towns", q, offset, limit), build)


@router.get(
    "/api/towns/{oktmo}",
    summary="A small town's passport view model",
    response_model=TownOut,
    responses=error_responses(404, 409, 422),
    tags=["towns"],
)
def town(oktmo: Oktmo, state: State) -> dict[str, Any]:
    """Return the town's passport as data (the same view model as the report) and its links."""
    from opora.api.towns import view_model

    p = _town(state, oktmo)
    base = f"/api/towns/{p.oktmo}"
    return {
        "oktmo": p.oktmo,
        "name": p.name,
        "view": view_model(p),
        "links": {"html": f"{base}/passport.html", "pdf": f"{base}/passport.pdf"},
    }


@router.get(
    "/api/towns/{oktmo}/passport.html",
    summary="A small town's passport as an HTML page",
    response_class=HTMLResponse,
    responses=error_responses(404, 409, 422),
    tags=["towns"],
)
def town_html(oktmo: Oktmo, state: State, lang: Lang = "ru") -> HTMLResponse:
    """Return the passport as a self-contained HTML page (charts inline)."""
    from opora.report.passport import render_passport_html

    p = _town(state, oktmo)
    snap = state.snapshot()
    text = snap.get(
        f"passport-html:{p.oktmo}:{lang}", lambda: render_passport_html(p, lang, standalone=True)
    )
    return HTMLResponse(text)


@router.get(
    "/api/towns/{oktmo}/passport.pdf",
    summary="A small town's passport as a printable PDF",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "A4 PDF"},
        **error_responses(404, 409, 422),
    },
    tags=["towns"],
)
def town_pdf(oktmo: Oktmo, state: State, lang: Lang = "ru") -> Response:
    """Return the passport as an A4 PDF."""
    from opora.report.passport import write_passport_pdf

    p = _town(state, oktmo)

    def build() -> bytes:
        with tempfile.TemporaryDirectory(prefix="opora-passport-") as tmp:
            path = write_passport_pdf([p], Path(tmp) / "passport.pdf", lang)
            return path.read_bytes()

    data = state.snapshot().get(f"passport-pdf:{p.oktmo}:{lang}", build)
    name = f"passport_{p.oktmo}_{lang}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


# -- anchors ---------------------------------------------------------------------------

#: Tables of the anchor framework by the name a request gives.
ANCHOR_TABLES = {
    "coverage": "anchor_coverage",
    "outside": "anchor_outside",
    "scenarios": "anchor_scenarios",
    "centres": "anchor_centres",
    "checks": "anchor_checks",
    "solves": "anchor_solves",
    "services": "anchor_services",
    "evaluation_counts": "anchor_evaluation_counts",
    "evaluation_coverage": "anchor_evaluation_coverage",
    "evaluation_kinds": "anchor_evaluation_kinds",
    "evaluation_redundant": "anchor_evaluation_redundant",
    "evaluation_additions": "anchor_evaluation_additions",
    "evaluation_by_municipality": "anchor_evaluation_by_municipality",
}
AnchorTable = Literal[
    "coverage",
    "outside",
    "scenarios",
    "centres",
    "checks",
    "solves",
    "services",
    "evaluation_counts",
    "evaluation_coverage",
    "evaluation_kinds",
    "evaluation_redundant",
    "evaluation_additions",
    "evaluation_by_municipality",
]
_TEXT_COLS = [
    "name",
    "settlement_id",
    "anchor_id",
    "municipality",
    "municipality_name",
    "service",
    "level",
    "reason",
    "label_ru",
    "label_en",
    "kind",
    "scenario",
]


def _anchors(snap: Snapshot, state: AppState) -> pd.DataFrame:
    def build() -> pd.DataFrame:
        if state.kind == "country":
            a = layer_frame(snap, "anchors")
            return pd.DataFrame(a.drop(columns=a.geometry.name))
        t = snap.optional_table("anchors")
        if t is None:
            msg = (
                f"{state.folder}: no anchors.csv - the anchors step did not run; rerun `opora demo`"
            )
            raise SourceNotFoundError(msg)
        return t

    return snap.get("anchors-table", build)


@router.get(
    "/api/anchors/summary",
    summary="The anchor framework in brief: levels, coverage, evaluation",
    response_model=AnchorsSummaryOut,
    responses=error_responses(404, 409),
    tags=["anchors"],
)
def anchors_summary(state: State) -> dict[str, Any]:
    """Count anchors by level and give the coverage and the evaluation tables (short ones)."""
    snap = state.snapshot()
    a = _anchors(snap, state)
    by = ["level", *[c for c in ("level_ru", "level_en") if c in a.columns]]
    pop = "served_population" if "served_population" in a.columns else None
    g = a.groupby(by, dropna=False)
    levels = g.size().rename("anchors").to_frame()
    if pop:
        levels["served_population"] = g[pop].sum()
    evaluation = {}
    for name in ("counts", "coverage", "kinds", "redundant", "additions"):
        t = snap.optional_table(f"anchor_evaluation_{name}")
        if t is not None:
            evaluation[name] = _records(t.head(200))
    cov = snap.optional_table("anchor_coverage")
    checks = snap.optional_table("anchor_checks")
    net = a["network"].dropna().astype(str) if "network" in a.columns else pd.Series([])
    return {
        "levels": _records(levels.reset_index()),
        "coverage": _records(cov) if cov is not None else [],
        "evaluation": evaluation,
        "checks": 0 if checks is None else len(checks),
        "network": str(net.iloc[0]) if len(net) else None,
    }


@router.get(
    "/api/anchors",
    summary="Anchor settlements: search, filter by level, paginate",
    response_model=PageOut,
    responses=error_responses(404, 409, 422),
    tags=["anchors"],
)
async def anchors(
    state: State,
    q: Search = None,
    level: Annotated[str | None, Query(max_length=40, description="district, local...")] = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Return anchors with their level, services and the population they serve."""

    def build(snap: Snapshot) -> bytes:
        a = _anchors(snap, state)
        if level is not None:
            a = a[a["level"].astype(str) == level]
        return _page(_search(a, q, ["name", "settlement_id", "municipality"]), offset, limit)

    return await _answer(state, "pages", ("anchors", q, level, offset, limit), build)


@router.get(
    "/api/anchors/services",
    summary="Services of the anchors: served population and required capacity",
    response_model=PageOut,
    responses=error_responses(404, 409, 422),
    tags=["anchors"],
)
async def anchor_services(
    state: State,
    anchor: Annotated[
        str | None, Query(max_length=20, pattern=r"^[0-9A-Za-z_-]+$", description="anchor id")
    ] = None,
    q: Search = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Return one row per anchor and service (all anchors, or the one named by ``anchor``)."""

    def build(snap: Snapshot) -> bytes:
        t = snap.table("anchor_services")
        if anchor is not None:
            t = t[t["anchor_id"].astype(str) == anchor]
        return _page(_search(t, q, ["anchor_id", "service", "level"]), offset, limit)

    return await _answer(state, "pages", ("anchor-services", anchor, q, offset, limit), build)


@router.get(
    "/api/anchors/tables/{name}",
    summary="A table of the anchor framework: search, paginate",
    response_model=PageOut,
    responses=error_responses(404, 409, 422),
    tags=["anchors"],
)
async def anchor_table(
    name: AnchorTable,
    state: State,
    q: Search = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Return a page of ``anchor_<name>.csv`` (coverage, outside, evaluation_*...)."""
    stem = ANCHOR_TABLES[name]

    def build(snap: Snapshot) -> bytes:
        t = snap.optional_table(stem)
        if t is None:
            _not_found(
                "SourceNotFoundError",
                f"{state.folder}: no {stem}.csv - the anchors step did not write it; "
                "rerun `opora demo`",
            )
        return _page(_search(t, q, _TEXT_COLS), offset, limit)

    return await _answer(state, "pages", ("anchor-table", name, q, offset, limit), build)


# -- regions (country) -------------------------------------------------------------------


@router.get(
    "/api/regions",
    summary="Regions of a country folder: status, anchors, coverage",
    response_model=PageOut,
    responses=error_responses(404, 409, 422),
    tags=["tables"],
)
async def regions(
    state: State,
    q: Search = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Response:
    """Return the rows of ``national_regions.csv`` (country folders only)."""
    if state.kind != "country":
        _not_found(
            "NotACountryFolder",
            f"{state.folder} is a region workspace; /api/regions needs a folder written by "
            "`opora country`",
        )

    def build(snap: Snapshot) -> bytes:
        return _page(_search(snap.table("national_regions"), q, ["region", "key"]), offset, limit)

    return await _answer(state, "pages", ("regions", q, offset, limit), build)
