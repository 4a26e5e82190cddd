"""A small region for the report tests: settlements, municipalities, profile, sources.

:func:`render` renders the whole report of this region. The section tests draw their
own, smaller regions and render them around their section with :class:`SmallReport`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from opora.model.provenance import Provenance, provenance_frame
from opora.report import (
    ProfileColumn,
    render_report,
    write_report,
)

#: settlement_id, name, type, population, expected size class (worked out by hand)
SETTLEMENTS = [
    ("s01", "Северогорск", "г", 300_000, "city_xl"),
    ("s02", "Лесной", "г", 120_000, "city_l"),
    ("s03", "Озёрск", "г", 60_000, "city_m"),
    ("s04", "Малоярск", "г", 12_000, "city_s"),
    ("s05", "Заводской", "пгт", 4_500, "city_s"),
    ("s06", "Берёзовка", "с", 1_500, "rural_l"),
    ("s07", "Ивановка", "д", 300, "rural_s"),
    ("s08", "Кедровый", "п", 999, "rural_s"),
    ("s09", "Заречье", "д", None, "no_data"),
    ("s10", "Новосёлки", "г", None, "no_data"),
]


def make_settlements() -> gpd.GeoDataFrame:
    rows = []
    for i, (sid, name, typ, pop, _cls) in enumerate(SETTLEMENTS):
        rows.append(
            {
                "settlement_id": sid,
                "oktmo": f"1970100{i:04d}",
                "name": name,
                "type": typ,
                "municipality_oktmo": "19701000" if i < 5 else "19702000",
                "population": pop,
                "geometry": Point(38.0 + i * 0.4, 59.0 + (i % 4) * 0.3),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    frame["population"] = frame["population"].astype("Int64")
    return frame


def make_municipalities() -> gpd.GeoDataFrame:
    rows = [
        ("19701000", "Северогорский городской округ", "urban_okrug", "upper", True, "Северогорск"),
        ("19702000", "Лесной муниципальный район", "municipal_district", "upper", False, "Лесной"),
        ("19702101", "Берёзовское сельское поселение", "rural_settlement", "lower", False, "с"),
        ("19703000", "Пустой муниципальный округ", "municipal_okrug", "upper", False, ""),
    ]
    geoms = [Point(38.0, 59.0), Point(38.4, 59.3), Point(40.0, 59.0), None]
    return gpd.GeoDataFrame(
        [
            {
                "oktmo": o,
                "name": n,
                "type": t,
                "level": lv,
                "is_regional_centre": rc,
                "centre_name": c,
            }
            for o, n, t, lv, rc, c in rows
        ],
        geometry=geoms,
        crs="EPSG:4326",
    )


COLUMNS = [
    ProfileColumn("population", "Население", "Population", "чел.", "people", "int", "Росстат"),
    ProfileColumn("area_km2", "Площадь", "Area", "км²", "km²", "float1", "ФИАС"),
    ProfileColumn("share_pct", "Доля опорных НП", "Anchor share", "", "", "pct1", "opora"),
    ProfileColumn("density", "Плотность", "Density", "чел./км²", "per km²", "float2", "расчёт"),
]


def make_profile() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "oktmo": ["19701000", "19702000", "19703000"],
            "name": ["Северогорский ГО", "Лесной МР", "Пустой <МО> & Co"],
            "population": pd.array([312_000, 125_000, None], dtype="Int64"),
            "area_km2": [12_345.6, 1_500.25, float("nan")],
            "share_pct": [45.25, 7.0, None],
            "density": [25.27, -3.14159, 0.5],
        }
    )


SUMMARY: list[dict[str, object]] = [
    {
        "source": "Реестр населённых пунктов",
        "read": 12_000,
        "kept": 11_950,
        "repaired": 12,
        "rejected": 50,
        "flagged": 7,
        "duplicates": 3,
    },
    {
        "source": "Росстат, население",
        "read": 10,
        "kept": 10,
        "repaired": 0,
        "rejected": 0,
        "flagged": 0,
        "no_coordinates": 4,
    },
]


def make_provenance(*, modelled: bool) -> pd.DataFrame:
    records = [
        Provenance("settlements", "Реестр НП", "CC BY 4.0", "2024", "real", "v1.2"),
        Provenance("indicators", "Росстат БД ПМО", "Rosstat official publication", "2023", "real"),
    ]
    if modelled:
        records.append(
            Provenance("network", "Модельная дорожная сеть", "MIT", "2024", "modelled", "rule")
        )
    return provenance_frame(records)


def render(lang: str = "ru", *, modelled: bool = True, **kwargs: Any) -> str:
    return render_report(
        make_settlements(),
        make_municipalities(),
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=modelled),
        region_name="Тестовская область",
        lang=lang,
        generated="2024-05-01T12:00+00:00",
        **kwargs,
    )


def random_frames(n: int, seed: int = 42) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(35.0, 47.0, n)
    lat = rng.uniform(58.5, 61.5, n)
    types = rng.choice(["д", "с", "п", "г", "пгт"], size=n, p=[0.6, 0.25, 0.1, 0.03, 0.02])
    pop = rng.lognormal(mean=5.0, sigma=2.0, size=n).round().astype("int64")
    pop_arr = pd.array(pop, dtype="Int64")
    pop_arr[rng.random(n) < 0.1] = pd.NA
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": [f"s{i:05d}" for i in range(n)],
            "oktmo": [f"19{i:09d}" for i in range(n)],
            "name": [f"Населённый пункт № {i}" for i in range(n)],
            "type": types,
            "municipality_oktmo": [f"19{i % 26:06d}" for i in range(n)],
            "population": pop_arr,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    municipalities = gpd.GeoDataFrame(
        {
            "oktmo": [f"19{i:06d}" for i in range(26)],
            "name": [f"Район {i}" for i in range(26)],
            "type": "municipal_district",
            "level": "upper",
            "is_regional_centre": [i == 0 for i in range(26)],
            "centre_name": [f"Центр {i}" for i in range(26)],
        },
        geometry=gpd.points_from_xy(rng.uniform(35, 47, 26), rng.uniform(58.5, 61.5, 26)),
        crs="EPSG:4326",
    )
    return settlements, municipalities


# --------------------------------------------------------------------------- section tests

#: The one profile column of the section tests.
POPULATION_COLUMN = [
    ProfileColumn("population", "Население", "Population", "чел.", "people", "int")
]


def two_municipalities() -> gpd.GeoDataFrame:
    """Return the centres of two municipalities, Северогорский ГО and Лесной МР."""
    return gpd.GeoDataFrame(
        {"oktmo": ["19701000", "19702000"], "name": ["Северогорский ГО", "Лесной МР"]},
        geometry=[Point(38.0, 59.0), Point(38.6, 59.4)],
        crs="EPSG:4326",
    )


def one_municipality_profile(population: int) -> pd.DataFrame:
    """Return the profile of Северогорский ГО alone, with its population."""
    return pd.DataFrame(
        {"oktmo": ["19701000"], "name": ["Северогорский ГО"], "population": [population]}
    )


@dataclass(frozen=True)
class SmallReport:
    """The tables around one section in a section test: a small region and one source."""

    settlements: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    profile: pd.DataFrame
    source: Provenance
    region_name: str = "Тестовая область"
    generated: str = "2024-01-01T00:00+00:00"

    def _tables(self) -> tuple[Any, ...]:
        """Return the positional tables of :func:`render_report` (no import summary)."""
        provenance = provenance_frame([self.source])
        return (
            self.settlements,
            self.municipalities,
            self.profile,
            POPULATION_COLUMN,
            [],
            provenance,
        )

    def render(self, lang: str = "ru", **sections: Any) -> str:
        """Render the report with ``sections`` (``economy=...``) in ``lang``."""
        return render_report(
            *self._tables(),
            region_name=self.region_name,
            lang=lang,
            generated=self.generated,
            **sections,
        )

    def write(self, path: Path, lang: str = "ru", **sections: Any) -> Path:
        """Write the report with ``sections`` in ``lang`` to ``path``."""
        return write_report(
            path, *self._tables(), region_name=self.region_name, lang=lang, **sections
        )
