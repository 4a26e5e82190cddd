"""The map layers and tables of the web application, built from a snapshot of the store.

Each builder takes a :class:`~opora.api.state.Snapshot` and returns a frame that the
snapshot keeps until the served folder changes: the layers of the map (settlements,
minutes to services, anchors and their catchments, settlements outside a standard,
municipalities with their types, ties), the municipality table, the services and
seasons, and what rests on modelled data. Layer ids, titles and sources are fixed
here (:data:`LAYERS`); nothing a request says reaches a file name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import linestrings

from opora.api.state import Snapshot
from opora.io.normatives import read_normatives
from opora.model.settlements import size_class, top_municipality

__all__ = [
    "LAYERS",
    "LayerDef",
    "available_layers",
    "layer_frame",
    "modelled_flags",
    "municipality_table",
    "region_bbox",
    "region_name",
    "seasons",
    "services",
]


@dataclass(frozen=True)
class LayerDef:
    """A layer of the map: id, titles, geometry, how it is served, what it rests on."""

    id: str
    title_ru: str
    title_en: str
    geometry: str
    source: str
    rests_on: tuple[str, ...]
    kinds: tuple[str, ...] = ("region", "country")


#: Every layer the application may serve, in map order (bottom first).
LAYERS: dict[str, LayerDef] = {
    d.id: d
    for d in (
        LayerDef("regions", "Регионы", "Regions", "point", "geojson", (), kinds=("country",)),
        LayerDef(
            "boundaries",
            "Границы муниципалитетов",
            "Municipal boundaries",
            "polygon",
            "geojson",
            (),
            kinds=("region",),
        ),
        LayerDef(
            "municipalities",
            "Муниципалитеты и типы",
            "Municipalities and types",
            "point",
            "geojson",
            ("roads", "facilities", "firms"),
        ),
        LayerDef(
            "anchor_catchments",
            "Зоны опорных населённых пунктов",
            "Anchor catchments",
            "polygon",
            "geojson",
            ("roads", "facilities"),
            kinds=("region",),
        ),
        LayerDef(
            "ties",
            "Связи между муниципалитетами",
            "Inter-municipal ties",
            "line",
            "geojson",
            ("firms",),
            kinds=("region",),
        ),
        LayerDef(
            "access",
            "Время до услуги",
            "Minutes to a service",
            "point",
            "tiles",
            ("roads", "facilities"),
        ),
        LayerDef(
            "settlements",
            "Населённые пункты",
            "Settlements",
            "point",
            "tiles",
            ("settlement_population",),
        ),
        LayerDef(
            "outside",
            "Вне нормативов",
            "Outside the standards",
            "point",
            "tiles",
            ("roads", "facilities"),
            kinds=("region",),
        ),
        LayerDef(
            "facilities",
            "Учреждения",
            "Facilities",
            "point",
            "geojson",
            ("facilities",),
            kinds=("region",),
        ),
        LayerDef(
            "anchors",
            "Опорные населённые пункты",
            "Anchor settlements",
            "point",
            "geojson",
            ("roads", "facilities"),
        ),
    )
}

_SETTLEMENT_PROPS = [
    "settlement_id",
    "oktmo",
    "name",
    "type",
    "population",
    "size_class",
    "municipality_oktmo",
    "region_key",
]
_CARD_COLS = ["role", "specialisation", "capacity_level", "anchor_status", "alert", "gaps"]


def _kind(snap: Snapshot) -> str:
    return str(getattr(snap.store, "folder_kind", None) or _guess_kind(snap))


def _guess_kind(snap: Snapshot) -> str:
    s = snap.layer("settlements")
    return "country" if "region_key" in s.columns else "region"


def modelled_flags(snap: Snapshot) -> dict[str, bool]:
    """Say which inputs of the served analyses are modelled rather than real.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    dict of str to bool
        ``roads``, ``facilities``, ``firms`` and ``settlement_population``: ``True`` where
        the workspace's provenance (``provenance.csv``; a country folder: the regions'
        ``modelled`` column of ``national_regions.csv``) marks the table modelled.
    """

    def build() -> dict[str, bool]:
        keys = ("roads", "facilities", "firms", "settlement_population")
        if _kind(snap) == "country":
            t = snap.optional_table("national_regions")
            names: set[str] = set()
            if t is not None and "modelled" in t.columns:
                for v in t["modelled"].dropna().astype(str):
                    names.update(x.strip() for x in v.split(","))
            return {k: k in names for k in keys}
        prov = snap.optional_table("provenance")
        if prov is None or not {"table", "kind"} <= set(prov.columns):
            return dict.fromkeys(keys, False)
        modelled = set(prov.loc[prov["kind"].astype(str) == "modelled", "table"].astype(str))
        return {k: k in modelled for k in keys}

    return snap.get("modelled", build)


def region_name(snap: Snapshot) -> dict[str, str]:
    """Return the name of the served region or country.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    dict
        ``{"ru": ..., "en": ...}``.
    """
    if _kind(snap) == "country":
        return {"ru": "Российская Федерация", "en": "Russian Federation"}
    m = snap.layer("municipalities")
    names = m["region"].dropna().astype(str).unique().tolist() if "region" in m else []
    name = names[0] if names else ""
    en = name
    try:
        from opora.model.regions import resolve_region

        subject = resolve_region(name)
        en = str(getattr(subject, "name_en", "") or name)
    except (LookupError, ValueError, ImportError, AttributeError):
        en = name
    return {"ru": name, "en": en}


def region_bbox(snap: Snapshot) -> list[float]:
    """Return the extent of the served settlements, ``[west, south, east, north]``.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    list of float
        Bounding box in degrees.
    """

    def build() -> list[float]:
        b = snap.layer("settlements").total_bounds
        return [round(float(v), 6) for v in b]

    return snap.get("bbox", build)


def services(snap: Snapshot) -> list[dict[str, Any]]:
    """Return the services with a travel-time standard, with their names.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    list of dict
        ``code``, ``name_ru``, ``name_en``, ``max_minutes``, ``level``; the services of
        the package's standards (``normatives.toml``) that the workspace has times for.
    """

    def build() -> list[dict[str, Any]]:
        norms = read_normatives(None)
        have = set(_access_columns(snap))
        out = []
        for key, n in norms.items():
            if have and not any(c.startswith(f"minutes_{key}_") for c in have):
                continue
            out.append(
                {
                    "code": key,
                    "name_ru": n.label_ru,
                    "name_en": n.label_en,
                    "max_minutes": float(n.max_minutes),
                    "level": n.level,
                }
            )
        return out

    return snap.get("services", build)


def seasons(snap: Snapshot) -> list[str]:
    """Return the seasons (network states) with travel times, summer first.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    list of str
        ``summer``, ``winter``, ``thaw``... as the workspace has them.
    """

    def build() -> list[str]:
        found = {c.rsplit("_", 1)[1] for c in _access_columns(snap)}
        order = ["summer", "winter", "thaw"]
        return [s for s in order if s in found] + sorted(found - set(order))

    return snap.get("seasons", build)


def _access_columns(snap: Snapshot) -> list[str]:
    return [c for c in _access(snap).columns if c.startswith("minutes_")]


def _access(snap: Snapshot) -> gpd.GeoDataFrame:
    """Settlements with their minutes to each service in each season (wide)."""

    def build() -> gpd.GeoDataFrame:
        if _kind(snap) == "country":
            s = snap.layer("settlements")
            mins = [c for c in s.columns if c.startswith("min_")]
            base = s[[c for c in ("settlement_id", "name", "population") if c in s.columns]]
            wide = pd.DataFrame(
                {f"minutes_{c[4:]}_summer": s[c].astype(float) for c in mins}, index=s.index
            )
            return gpd.GeoDataFrame(pd.concat([base, wide], axis=1), geometry=s.geometry, crs=4326)
        s = snap.layer("settlements")
        base = s[["settlement_id", "name", "population", "geometry"]]
        near = snap.optional_table("access_nearest")
        if near is None or near.empty:
            acc = snap.optional_layer("settlement_access")
            if acc is None:
                return gpd.GeoDataFrame(base, geometry="geometry", crs=4326)
            mins = [c for c in acc.columns if c.startswith("min_")]
            wide = acc[["settlement_id", *mins]].rename(
                columns={c: f"minutes_{c[4:]}_summer" for c in mins}
            )
        else:
            near = near.assign(col="minutes_" + near["service"] + "_" + near["state"])
            wide = near.pivot_table(
                index="settlement_id", columns="col", values="minutes", aggfunc="first"
            ).reset_index()
            wide.columns.name = None
        out = base.merge(pd.DataFrame(wide), on="settlement_id", how="left")
        return gpd.GeoDataFrame(out, geometry="geometry", crs=4326)

    return snap.get("access-wide", build)


def _settlements(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        s = snap.layer("settlements")
        out = s.copy()
        out["size_class"] = size_class(out["type"], out["population"])
        keep = [c for c in _SETTLEMENT_PROPS if c in out.columns]
        return gpd.GeoDataFrame(out[[*keep, "geometry"]], geometry="geometry", crs=4326)

    return snap.get("layer-settlements", build)


def _anchors(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        if _kind(snap) == "country":
            s = snap.layer("settlements")
            a = s[s["anchor_level"].notna()] if "anchor_level" in s.columns else s.iloc[:0]
            cols = ["settlement_id", "name", "population", "region_key", "municipality_oktmo"]
            out = a[[c for c in cols if c in a.columns]].copy()
            out["level"] = a["anchor_level"] if "anchor_level" in a.columns else None
            for c in ("anchor_services", "anchor_served_population"):
                if c in a.columns:
                    out[c.removeprefix("anchor_")] = a[c]
            return gpd.GeoDataFrame(out, geometry=a.geometry, crs=4326)
        a = snap.optional_layer("anchors")
        if a is None:
            return _empty(["settlement_id", "name", "level"])
        drop = [c for c in ("network", "services_ru", "services_en") if c in a.columns]
        return a.drop(columns=drop)

    return snap.get("layer-anchors", build)


def _empty(columns: Sequence[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=4326)


def _outside(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        o = snap.optional_layer("anchor_uncovered")
        if o is None:
            return _empty(["settlement_id", "name", "reason"])
        return o.drop(columns=[c for c in ("network",) if c in o.columns])

    return snap.get("layer-outside", build)


def _catchments(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        c = snap.optional_layer("anchor_catchments")
        if c is None:
            return _empty(["anchor_id", "name", "level"])
        return c.drop(columns=[k for k in ("network",) if k in c.columns])

    return snap.get("layer-catchments", build)


def _municipalities(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        m = snap.layer("municipalities").copy()
        if _kind(snap) == "country":
            return m
        typ = snap.optional_table("typology")
        if typ is not None and {"oktmo", "types"} <= set(typ.columns):
            t = typ[typ["level"] == "municipality"] if "level" in typ.columns else typ
            m = m.merge(t[["oktmo", "types"]].drop_duplicates("oktmo"), on="oktmo", how="left")
        res = snap.optional_table("strategy_resilience")
        if res is not None and {"oktmo", "resilience_index"} <= set(res.columns):
            r = res[["oktmo", "resilience_index", "rank"]].rename(
                columns={"rank": "resilience_rank"}
            )
            m = m.merge(r.drop_duplicates("oktmo"), on="oktmo", how="left")
        cards = snap.optional_table("strategy_cards")
        if cards is not None and "oktmo" in cards.columns:
            c = cards[["oktmo", *[k for k in _CARD_COLS if k in cards.columns]]]
            m = m.merge(c.drop_duplicates("oktmo"), on="oktmo", how="left")
        return gpd.GeoDataFrame(m, geometry="geometry", crs=4326)

    return snap.get("layer-municipalities", build)


def _ties(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        e = snap.optional_table("ties_edges")
        cols = ["source", "target", "kind", "weight"]
        if e is None or e.empty or not {"source", "target"} <= set(e.columns):
            return _empty(cols)
        s = snap.layer("settlements")
        xy = pd.DataFrame(
            {"x": s.geometry.x.to_numpy(), "y": s.geometry.y.to_numpy()},
            index=s["settlement_id"].astype(str),
        )
        xy = xy[~xy.index.duplicated()]
        e = e[e["source"].isin(xy.index) & e["target"].isin(xy.index)].reset_index(drop=True)
        a, b = xy.loc[e["source"]].to_numpy(), xy.loc[e["target"]].to_numpy()
        coords = np.stack([a, b], axis=1)
        keep = [c for c in e.columns if c not in ("revenue", "value")]
        out = e[keep].copy()
        out["weight"] = pd.to_numeric(e.get("n_links", 1), errors="coerce")
        return gpd.GeoDataFrame(out, geometry=linestrings(coords), crs=4326)

    return snap.get("layer-ties", build)


def _regions(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        t = snap.optional_table("national_regions")
        m = snap.layer("municipalities")
        cols = ["key", "region", "status", "settlements", "population", "anchors_district"]
        cols += ["anchors_local", "coverage_mean", "municipalities"]
        if t is None or "key" not in t.columns:
            return _empty(cols)
        keep = t[[c for c in cols if c in t.columns]].copy()
        centre = (
            pd.DataFrame({"key": m["region_key"], "x": m.geometry.x, "y": m.geometry.y})
            .groupby("key")[["x", "y"]]
            .mean()
        )
        keep = keep[keep["key"].isin(centre.index)].reset_index(drop=True)
        c = centre.loc[keep["key"]]
        geom = gpd.points_from_xy(c["x"].to_numpy(), c["y"].to_numpy())
        return gpd.GeoDataFrame(keep, geometry=geom, crs=4326)

    return snap.get("layer-regions", build)


def _boundaries(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        b = snap.optional_layer("municipality_boundaries")
        return b if b is not None else _empty(["oktmo", "name"])

    return snap.get("layer-boundaries", build)


def _facilities(snap: Snapshot) -> gpd.GeoDataFrame:
    def build() -> gpd.GeoDataFrame:
        f = snap.optional_layer("facilities")
        if f is None:
            return _empty(["facility_id", "type", "name", "settlement_id"])
        keep = ["facility_id", "type", "name", "settlement_id", "capacity", "modelled"]
        return f[[*[c for c in keep if c in f.columns], f.geometry.name]]

    return snap.get("layer-facilities", build)


def available_layers(snap: Snapshot) -> list[dict[str, Any]]:
    """Return the layers of the served folder, for ``/api/info``.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    list of dict
        ``id``, ``title_ru``, ``title_en``, ``geometry``, ``source``, ``modelled``
        (``True`` where the layer rests on a modelled input) and ``features``.
    """

    def build() -> list[dict[str, Any]]:
        kind = _kind(snap)
        flags = modelled_flags(snap)
        out = []
        for d in LAYERS.values():
            if kind not in d.kinds:
                continue
            n = len(layer_frame(snap, d.id))
            if n == 0 and d.id in {
                "boundaries",
                "ties",
                "anchor_catchments",
                "regions",
                "facilities",
            }:
                continue
            out.append(
                {
                    "id": d.id,
                    "title_ru": d.title_ru,
                    "title_en": d.title_en,
                    "geometry": d.geometry,
                    "source": d.source,
                    "modelled": any(flags.get(k, False) for k in d.rests_on),
                    "features": n,
                }
            )
        return out

    return snap.get("available-layers", build)


def layer_frame(snap: Snapshot, layer_id: str) -> gpd.GeoDataFrame:
    """Return the features of a map layer (EPSG:4326), built once per version.

    Parameters
    ----------
    snap
        The snapshot.
    layer_id
        A key of :data:`LAYERS`.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer's features with their properties.

    Raises
    ------
    KeyError
        If ``layer_id`` is not a layer.
    """
    builders = {
        "settlements": _settlements,
        "access": _access,
        "anchors": _anchors,
        "anchor_catchments": _catchments,
        "outside": _outside,
        "municipalities": _municipalities,
        "ties": _ties,
        "regions": _regions,
        "boundaries": _boundaries,
        "facilities": _facilities,
    }
    if _kind(snap) == "country" and layer_id in {
        "outside",
        "anchor_catchments",
        "ties",
        "facilities",
    }:
        return _empty(["name"])
    if _kind(snap) == "region" and layer_id == "regions":
        return _empty(["key"])
    return builders[layer_id](snap)


def municipality_table(snap: Snapshot) -> pd.DataFrame:
    """Return the municipality table: one row per municipality, with its settlements' extent.

    ``population`` is the sum of the populations of the municipality's settlements (a
    top-level municipality counts every settlement below it); ``bbox`` is the extent of
    its settlements and its centre, ``[west, south, east, north]``; ``lon``/``lat`` its
    centre. Types, resilience and strategy fields are joined where the workspace has them.

    Parameters
    ----------
    snap
        The snapshot.

    Returns
    -------
    pandas.DataFrame
        The table, ids as text.
    """

    def build() -> pd.DataFrame:
        m = _municipalities(snap)
        s = snap.layer("settlements")
        pts = pd.DataFrame(
            {
                "lower": s["municipality_oktmo"].astype("string"),
                "population": pd.to_numeric(s["population"], errors="coerce"),
                "x": s.geometry.x.to_numpy(),
                "y": s.geometry.y.to_numpy(),
            }
        )
        plain = pd.DataFrame(m.drop(columns="geometry"))
        plain["oktmo"] = plain["oktmo"].astype("string")
        top = top_municipality(
            s.assign(municipality_oktmo=s["municipality_oktmo"].astype("string")),
            plain,
        )
        pts["top"] = top.astype("string").to_numpy()
        by_lower = pts.groupby("lower").agg(
            population=("population", "sum"),
            w=("x", "min"),
            e=("x", "max"),
            s=("y", "min"),
            n=("y", "max"),
        )
        by_top = pts.groupby("top").agg(
            population=("population", "sum"),
            w=("x", "min"),
            e=("x", "max"),
            s=("y", "min"),
            n=("y", "max"),
        )
        out = plain.copy()
        out["lon"] = m.geometry.x.round(6).to_numpy()
        out["lat"] = m.geometry.y.round(6).to_numpy()
        upper = out["level"].astype(str).eq("upper").to_numpy()
        agg = pd.concat(
            [
                by_top.reindex(out.loc[upper, "oktmo"]).set_axis(out.index[upper]),
                by_lower.reindex(out.loc[~upper, "oktmo"]).set_axis(out.index[~upper]),
            ]
        ).reindex(out.index)
        out["population"] = agg["population"].fillna(0).round().astype("int64")
        w = np.fmin(agg["w"].to_numpy(dtype=float), out["lon"].to_numpy(dtype=float))
        e = np.fmax(agg["e"].to_numpy(dtype=float), out["lon"].to_numpy(dtype=float))
        so = np.fmin(agg["s"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float))
        n = np.fmax(agg["n"].to_numpy(dtype=float), out["lat"].to_numpy(dtype=float))
        out["bbox"] = [
            [round(float(a), 6), round(float(b), 6), round(float(c), 6), round(float(d), 6)]
            for a, b, c, d in zip(w, so, e, n, strict=True)
        ]
        prof = snap.optional_table("municipality_profile")
        if prof is not None and "oktmo" in prof.columns:
            keep = [c for c in prof.columns if c not in out.columns or c == "oktmo"]
            out = out.merge(prof[keep].drop_duplicates("oktmo"), on="oktmo", how="left")
        return out.reset_index(drop=True)

    return snap.get("municipality-table", build)
