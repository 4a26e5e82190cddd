"""Municipal centres matched to settlements by name first (SberIndex dictionary names)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from opora.access.facilities import (
    add_missing_centres,
    match_municipal_centres,
    municipal_centre_settlements,
    split_centre_name,
)

# about 1 km per 0.009 degrees of latitude
KM = 1 / 111.2


def _settlements(rows: list[tuple[str, str, str, int, str, float]]) -> gpd.GeoDataFrame:
    ids, names, types, pops, munis, dy = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {
            "settlement_id": list(ids),
            "name": list(names),
            "type": list(types),
            "population": list(pops),
            "municipality_oktmo": list(munis),
        },
        geometry=gpd.points_from_xy(np.full(len(ids), 56.0), 54.0 + np.asarray(dy) * KM),
        crs="EPSG:4326",
    )


def _municipalities(centres: dict[str, str]) -> gpd.GeoDataFrame:
    codes = list(centres)
    return gpd.GeoDataFrame(
        {
            "oktmo": codes,
            "name": [f"район {c}" for c in codes],
            "level": "upper",
            "parent_oktmo": "80000000",
            "centre_name": list(centres.values()),
        },
        geometry=gpd.points_from_xy(np.full(len(codes), 56.0), np.full(len(codes), 54.0)),
        crs="EPSG:4326",
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("с Малояз", ("с", "Малояз")),
        ("г. Уфа", ("г", "Уфа")),
        ("рп Чишмы", ("рп", "Чишмы")),
        ("город Белебей", ("г", "Белебей")),
        ("Межгорье", ("", "Межгорье")),
        (None, ("", "")),
    ],
)
def test_split_centre_name(raw, expected):
    assert split_centre_name(raw) == expected


def test_centre_matched_by_name_although_another_lies_nearer():
    # the dictionary names «с Малояз»; Татарский Малояз lies 0.5 km from its point,
    # Малояз 2.7 km
    s = _settlements(
        [
            ("tm", "Татарский Малояз", "д", 498, "80647000", 0.5),
            ("m", "Малояз", "с", 4786, "80647000", 2.7),
        ]
    )
    m = _municipalities({"80647000": "с Малояз"})
    got = match_municipal_centres(s, m).iloc[0]
    assert got["settlement_id"] == "m"
    assert got["method"] == "name"
    assert got["distance_km"] == pytest.approx(2.7, abs=0.05)
    assert not got["flagged"]
    centre = municipal_centre_settlements(s, m)
    assert pd.isna(centre.iloc[0])
    assert centre.iloc[1] == "80647000"


def test_same_name_prefers_type_then_the_nearest():
    s = _settlements(
        [
            ("d", "Федоровка", "д", 200, "80654000", 1.0),
            ("c", "Федоровка", "с", 3860, "80654000", 17.2),
            ("x", "Кузьминовка", "д", 403, "80654000", 0.2),
        ]
    )
    got = match_municipal_centres(s, _municipalities({"80654000": "с Федоровка"})).iloc[0]
    assert got["settlement_id"] == "c"  # the village «с», not the hamlet «д»
    assert got["flagged"]  # 17 km between the register's point and the dictionary's
    assert "17.2 km" in got["reason"]


def test_nearest_only_as_fallback_and_missing_centre_flagged():
    s = _settlements([("a", "Иное", "с", 900, "80601000", 1.5)])
    m = _municipalities({"80601000": "с Нигде", "80602000": "с Тоже"})
    m.loc[1, "geometry"] = gpd.points_from_xy([57.0], [55.0])[0]  # far from everything
    got = match_municipal_centres(s, m).set_index("oktmo")
    assert got.at["80601000", "method"] == "nearest"
    assert got.at["80601000", "settlement_id"] == "a"
    assert "nearest" in got.at["80601000", "reason"]
    assert got.at["80602000", "method"] == "missing"
    assert pd.isna(got.at["80602000", "settlement_id"])
    assert got["flagged"].all()


def test_centre_outside_its_municipality_by_name():
    # a district seated in a town that is an okrug of its own
    s = _settlements(
        [
            ("town", "Стерлитамак", "г", 280_000, "80745000", 1.4),
            ("v", "Иное", "с", 900, "80649000", 0.1),
        ]
    )
    m = _municipalities({"80745000": "г Стерлитамак", "80649000": "г Стерлитамак"})
    got = match_municipal_centres(s, m).set_index("oktmo")
    assert got.at["80745000", "method"] == "name"
    assert got.at["80649000", "method"] == "name_outside"
    assert (got["settlement_id"] == "town").all()
    # the town is the centre of the okrug it lies in
    assert municipal_centre_settlements(s, m).iloc[0] == "80745000"


def test_centre_missing_from_the_register_added_as_a_flagged_point():
    s = _settlements([("a", "Иное", "с", 900, "80601000", 30.0)])
    s["oktmo"] = ["80601405101"]
    s["region"] = "Республика Башкортостан"
    s["population"] = pd.array([900], dtype="Int64")
    s["population_year"] = pd.array([2010], dtype="Int64")
    s["oktmo_quality"] = "ok"
    s["duplicate_name"] = False
    m = _municipalities({"80601000": "с Новое"})
    out, rejects = add_missing_centres(s, m)
    assert len(out) == 2
    new = out.set_index("settlement_id").loc["80601000:centre"]
    assert new["name"] == "Новое"
    assert new["type"] == "с"
    assert pd.isna(new["population"])
    assert new.geometry.equals(m.geometry.iloc[0])
    assert rejects["action"].tolist() == ["flagged"]
    assert "added as a settlement at the dictionary's centre point" in rejects["reason"].iloc[0]
    # now the centre is found by name
    assert match_municipal_centres(out, m)["method"].tolist() == ["name"]
    # nothing to add when every centre is found
    again, none = add_missing_centres(out, m)
    assert len(again) == 2
    assert none.empty
