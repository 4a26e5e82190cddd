"""Assemble the validated model of one region from its read sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.model.provenance import Provenance, provenance_frame
from opora.model.schemas import (
    MUNICIPALITY_COLUMNS,
    IndicatorSchema,
    MunicipalitySchema,
    SettlementSchema,
    validate,
)
from opora.model.settlements import URBAN_TYPES

__all__ = [
    "Region",
    "build_municipalities",
    "lower_type",
    "supplement_settlements",
    "upper_type",
]

_UPPER_TYPES = {
    "муниципальный район": "municipal_district",
    "городской округ": "urban_okrug",
    "муниципальный округ": "municipal_okrug",
    "внутригородская территория города федерального значения": "intracity",
}


@dataclass
class Region:
    """The model of one region.

    Attributes
    ----------
    name
        Region name.
    oktmo_prefix
        2-digit OKTMO code.
    settlements
        Settlements (:data:`~opora.model.schemas.SettlementSchema`).
    municipalities
        Municipalities of both levels (:data:`~opora.model.schemas.MunicipalitySchema`).
    indicators
        Long indicators (:data:`~opora.model.schemas.IndicatorSchema`).
    provenance
        Provenance records of every table.
    imports
        Import summaries, one dict per reader run.
    rejects
        Reject report of every reader.
    boundaries
        Municipal boundary polygons (``oktmo``, ``name``) where a source has them.
    missing_sources
        Optional sources not read for this region, with the reason (the analyses that
        need them report ``not_evaluated``).
    population_scaling
        Report of the settlement populations brought to 1 January 2024, one row per
        municipality (:data:`~opora.model.population.SCALING_COLUMNS`); ``None`` when
        the region was not built from its sources.
    """

    name: str
    oktmo_prefix: str
    settlements: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    indicators: pd.DataFrame
    provenance: list[Provenance] = field(default_factory=list)
    imports: list[dict[str, Any]] = field(default_factory=list)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    boundaries: gpd.GeoDataFrame | None = None
    missing_sources: dict[str, str] = field(default_factory=dict)
    population_scaling: pd.DataFrame | None = None

    def provenance_table(self) -> pd.DataFrame:
        """Return the provenance records as a table.

        Returns
        -------
        pandas.DataFrame
            Columns ``table, source, licence, date, kind, detail``.
        """
        return provenance_frame(self.provenance)

    def validate(self) -> Region:
        """Check every table against its schema and return the region.

        Returns
        -------
        Region
            ``self``.

        Raises
        ------
        ValidationError
            If a table breaks its schema.
        """
        validate(self.settlements, SettlementSchema)
        validate(self.municipalities, MunicipalitySchema)
        ind = self.indicators.astype(
            dict.fromkeys(
                ("oktmo", "code", "name", "unit", "period", "dimension", "source"), object
            )
        )
        validate(ind, IndicatorSchema)
        return self


def upper_type(raw: str | None) -> str:
    """Map a SberIndex municipality type (Russian) to the model's type code.

    Parameters
    ----------
    raw
        ``"муниципальный район"``, ``"городской округ"``...

    Returns
    -------
    str
        ``municipal_district``, ``urban_okrug``, ``municipal_okrug``, ``intracity`` or
        ``other``.
    """
    return _UPPER_TYPES.get(str(raw).strip().lower(), "other")


def lower_type(name: str) -> str:
    """Infer a lower-level municipality's type from its official name.

    Parameters
    ----------
    name
        Such as ``"Сельское поселение Аскаровский сельсовет"``.

    Returns
    -------
    str
        ``rural_settlement``, ``urban_settlement``, ``intercity_territory``,
        ``intracity`` or ``other``.
    """
    n = name.lower()
    if "сельское поселение" in n or "сельсовет" in n:
        return "rural_settlement"
    if "городское поселение" in n or n.startswith("город"):
        return "urban_settlement"
    if "межселенная" in n:
        return "intercity_territory"
    if "внутригородск" in n:
        return "intracity"
    return "other"


def build_municipalities(
    upper: pd.DataFrame,
    lower: pd.DataFrame,
    settlements: gpd.GeoDataFrame,
    *,
    region: str,
    oktmo_prefix: str,
    arctic: set[str],
    far_north: set[str],
) -> gpd.GeoDataFrame:
    """Build the municipalities table of both levels with centre points and status flags.

    Top-level centres come from the SberIndex dictionary. A lower-level municipality's
    centre is its most populous register settlement (``centre_source`` says so);
    without any, the geometry is empty.

    Parameters
    ----------
    upper
        Top-level municipalities (``oktmo, name, type, status, centre_name, lat, lon``).
    lower
        Lower-level municipalities (``oktmo, name, upper_oktmo8, pop_total``).
    settlements
        The region's settlements.
    region
        Region name.
    oktmo_prefix
        The region's 2-digit OKTMO code.
    arctic, far_north
        OKTMO codes in the official Arctic zone and Far North lists.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`~opora.model.schemas.MUNICIPALITY_COLUMNS`, EPSG:4326.
    """
    status = upper["status"].fillna("").astype(str)
    up = pd.DataFrame(
        {
            "oktmo": upper["oktmo"].astype(str),
            "name": upper["name"].astype(str),
            "type": upper["type"].map(upper_type),
            "level": "upper",
            "parent_oktmo": f"{oktmo_prefix}000000",
            "region": region,
            "centre_name": upper["centre_name"].astype(object),
            "is_regional_centre": status.str.contains("административный_центр"),
            "is_zato": status.str.contains("ЗАТО"),
            "lat": upper["lat"].astype(float),
            "lon": upper["lon"].astype(float),
            "centre_source": "SberIndex dictionary",
        }
    )
    s = settlements[settlements["oktmo"].notna()]
    s = s.assign(m8=s["oktmo"].str.slice(0, 8), pop=s["population"].fillna(-1))
    s = s.sort_values("pop", ascending=False, kind="stable").drop_duplicates("m8")
    centre = s.set_index("m8")
    lo = lower.copy()
    lo_c = centre.reindex(lo["oktmo"].astype(str))
    low = pd.DataFrame(
        {
            "oktmo": lo["oktmo"].astype(str).to_numpy(),
            "name": lo["name"].astype(str).to_numpy(),
            "type": [lower_type(n) for n in lo["name"].astype(str)],
            "level": "lower",
            "parent_oktmo": lo["upper_oktmo8"].astype(str).to_numpy(),
            "region": region,
            "centre_name": lo_c["name"].to_numpy(),
            "is_regional_centre": False,
            "is_zato": False,
            "lat": lo_c.geometry.y.to_numpy() if len(lo_c) else np.array([]),
            "lon": lo_c.geometry.x.to_numpy() if len(lo_c) else np.array([]),
            "centre_source": np.where(
                lo_c["name"].notna().to_numpy(), "most populous register settlement", "unknown"
            ),
        }
    )
    allm = pd.concat([up, low], ignore_index=True).drop_duplicates("oktmo")
    allm["is_arctic"] = allm["oktmo"].isin(arctic)
    allm["is_far_north"] = allm["oktmo"].isin(far_north)
    geom = gpd.points_from_xy(allm["lon"], allm["lat"])
    gdf = gpd.GeoDataFrame(allm.drop(columns=["lat", "lon"]), geometry=geom, crs="EPSG:4326")
    for col in ("is_regional_centre", "is_zato", "is_arctic", "is_far_north"):
        gdf[col] = gdf[col].astype(bool)
    gdf["centre_name"] = gdf["centre_name"].astype(object).where(gdf["centre_name"].notna(), None)
    return gdf[MUNICIPALITY_COLUMNS]


def _kind_and_name(name: str) -> tuple[str, str]:
    parts = name.strip().split(" ", 1)
    kinds = URBAN_TYPES | {"с", "д", "п", "ст", "ст-ца", "х"}
    if len(parts) == 2 and parts[0].rstrip(".") in kinds:
        return parts[0].rstrip("."), parts[1].strip()
    return "", name.strip()


def supplement_settlements(
    settlements: gpd.GeoDataFrame,
    bulletin: pd.DataFrame,
    upper: pd.DataFrame,
    *,
    region: str,
) -> tuple[gpd.GeoDataFrame, dict[str, Any], pd.DataFrame]:
    """Bring the Rosstat bulletin's towns into the settlement table.

    The bulletin gives population on 1 January 2024 for the towns it lists. Where the
    register has the same 11-digit OKTMO, its population and year are replaced by the
    bulletin's. A bulletin town missing from the register (the register lacks some
    regional capitals, such as Ufa) is added at the centre point of its municipality
    when that centre carries the same name; otherwise it is reported, not placed.

    Parameters
    ----------
    settlements
        The region's settlements from the register.
    bulletin
        Settlement rows of the bulletin (``oktmo, name, upper_oktmo8, pop_total``).
    upper
        Top-level municipalities with ``oktmo, centre_name, lat, lon``.
    region
        Region name.

    Returns
    -------
    tuple
        The settlements, a summary dict (``updated``, ``added``, ``not_placed``) and a
        reject report of the bulletin rows that could not be placed.
    """
    s = settlements.copy()
    b = bulletin.dropna(subset=["oktmo"]).copy()
    b["oktmo"] = b["oktmo"].astype(str)
    b["pop"] = pd.to_numeric(b["pop_total"], errors="coerce").round().astype("Int64")
    parsed = [_kind_and_name(str(n)) for n in b["name"]]
    b["kind"] = pd.Series([k for k, _ in parsed], index=b.index, dtype=object)
    b["bare"] = pd.Series(
        [n.replace("ё", "е").lower() for _, n in parsed], index=b.index, dtype=object
    )
    # A register row is the bulletin's town when code, name and type agree: the register
    # gives some villages the code of the town they stand in.
    s_bare = s["name"].astype(str).str.replace("ё", "е").str.lower()
    key_s = s["oktmo"].astype(str) + "|" + s_bare + "|" + s["type"].astype(str)
    key_b = b["oktmo"] + "|" + b["bare"] + "|" + b["kind"]
    by_key = pd.Series(b["pop"].to_numpy(), index=key_b).groupby(level=0).first()
    have = key_s.isin(by_key.index)
    s.loc[have, "population"] = key_s[have].map(by_key).astype("Int64").to_numpy()
    s.loc[have, "population_year"] = 2024
    # A district that became an okrug gave its towns new codes (NN6XX -> NN5XX): the
    # register's town is then matched by name and type within the okrug, where unique.
    dist = s["municipality_oktmo"].astype(str).str.slice(0, 5)
    okrug = dist.str.slice(0, 2) + "5" + dist.str.slice(3) + "000"
    alt_s = (okrug + "|" + s_bare + "|" + s["type"].astype(str)).where(
        ~have & (dist.str.slice(2, 3) == "6")
    )
    alt_b = b["upper_oktmo8"].astype(str) + "|" + b["bare"] + "|" + b["kind"]
    by_alt = pd.Series(b["pop"].to_numpy(), index=alt_b)
    by_alt = by_alt[~by_alt.index.duplicated(keep=False)]
    alt_have = (alt_s.isin(by_alt.index) & ~alt_s.duplicated(keep=False)).astype(bool)
    s.loc[alt_have, "population"] = alt_s[alt_have].map(by_alt).astype("Int64").to_numpy()
    s.loc[alt_have, "population_year"] = 2024
    towns = b[b["kind"] != ""]
    missing = towns[
        ~(towns["oktmo"] + "|" + towns["bare"] + "|" + towns["kind"]).isin(set(key_s[have]))
        & ~alt_b[towns.index].isin(set(alt_s[alt_have]))
    ]
    centres = upper.assign(centre=upper["centre_name"].fillna("").str.replace("ё", "е"))
    centres = centres.set_index("oktmo")
    added: list[dict[str, Any]] = []
    rejects: list[dict[str, Any]] = []
    centre_of = centres["centre"].astype(str).to_dict()
    lat_of = centres["lat"].astype(float).to_dict()
    lon_of = centres["lon"].astype(float).to_dict()
    for row in missing.itertuples(index=False):
        kind, bare = _kind_and_name(str(row.name))
        up = str(row.upper_oktmo8)
        same = centre_of.get(up, "").strip() == str(row.name).replace("ё", "е").strip()
        if not same or np.isnan(lat_of.get(up, np.nan)):
            rejects.append(
                {
                    "file": "Rosstat bulletin 2024 (settlement level)",
                    "row": None,
                    "column": "oktmo11",
                    "value": row.oktmo,
                    "reason": f"{row.name}: not in the register and no centre point of the same "
                    "name to place it",
                    "action": "flagged",
                    "context": region,
                }
            )
            continue
        added.append(
            {
                "settlement_id": row.oktmo,
                "oktmo": row.oktmo,
                "name": bare,
                "type": kind or "г",
                "municipality_oktmo": str(row.oktmo)[:8],
                "region": region,
                "population": row.pop,
                "population_year": 2024,
                "oktmo_quality": "ok",
                "duplicate_name": False,
                "municipality_name": "",
                "register_id": "",
                "source_row": -1,
                "geometry_lon": lon_of[up],
                "geometry_lat": lat_of[up],
            }
        )
    if added:
        # the town keeps its plain code as key; register rows that carried the same code
        # (villages inside the town) get the suffixed key of shared codes
        taken = {r["settlement_id"] for r in added}
        clash = s["settlement_id"].isin(taken)
        s.loc[clash, "settlement_id"] = (
            s.loc[clash, "settlement_id"].astype(str)
            + ":r"
            + s.loc[clash, "register_id"].astype(str)
        )
        a = pd.DataFrame(added)
        ag = gpd.GeoDataFrame(
            a.drop(columns=["geometry_lon", "geometry_lat"]),
            geometry=gpd.points_from_xy(a["geometry_lon"], a["geometry_lat"]),
            crs=s.crs,
        )
        ag["population"] = ag["population"].astype("Int64")
        ag["population_year"] = ag["population_year"].astype("Int64")
        s = pd.concat([s, ag[s.columns]], ignore_index=True)
    s["population_year"] = s["population_year"].astype("Int64")
    districts = len(b) - len(towns)
    summary = {
        "source": "bulletin towns → settlements",
        "read": len(b),
        "kept": int(have.sum() + alt_have.sum()) + len(added),
        "repaired": 0,
        "rejected": 0,
        "flagged": len(rejects),
        "city_districts_not_settlements": districts,
        "population_updated_2024": int(have.sum() + alt_have.sum()),
        "added_from_bulletin": len(added),
    }
    rej = pd.DataFrame(
        rejects, columns=["file", "row", "column", "value", "reason", "action", "context"]
    )
    return gpd.GeoDataFrame(s, geometry="geometry", crs=settlements.crs), summary, rej
