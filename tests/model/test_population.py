"""Settlement populations scaled to the Rosstat bulletin of 1 January 2024."""

from __future__ import annotations

import os
import random
from fractions import Fraction
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from opora.model.population import (
    POPULATION_METHODS,
    SCALING_COLUMNS,
    bulletin_totals,
    largest_remainder,
    population_provenance,
    scale_populations,
)
from opora.model.settlements import URBAN_TYPES

# -- hand-made region ---------------------------------------------------------------------
#
# District 80601000 (total 1115 = urban 1000 + rural 115) with lower-level municipalities
#   80601151 urban settlement: urban 1000, rural 50   <- г Town 800, с V1 30, д V2 20, д V3 10
#   80601404 rural settlement: rural 10                <- д A 3, д B 3, д C 3, д Z 0
#   80601407 rural settlement: rural 15, no register settlement (left to the district)
#   and a register settlement with a code the bulletin does not know (80601499: д R 7):
#   the district's residual 1115 - 1050 - 10 = 55 (rural) goes to it.
# Urban okrug 80701000 (no lower level): urban 400, rural 100 <- г City 300, с W1 50, с W2 150
# Urban okrug 80703000: urban 1000, rural 200 <- г Big (bulletin figure 1000), д Near 100
# 80699123: no bulletin figure at all <- д Lost 77 (kept)

SETTLEMENTS = [
    # name, type, municipality, register population, year
    ("Town", "г", "80601151", 800, 2010),
    ("V1", "с", "80601151", 30, 2010),
    ("V2", "д", "80601151", 20, 2010),
    ("V3", "д", "80601151", 10, 2010),
    ("A", "д", "80601404", 3, 2010),
    ("B", "д", "80601404", 3, 2010),
    ("C", "д", "80601404", 3, 2010),
    ("Z", "д", "80601404", 0, 2010),
    ("R", "д", "80601499", 7, 2010),
    ("City", "г", "80701000", 300, 2010),
    ("W1", "с", "80701000", 50, 2010),
    ("W2", "с", "80701000", 150, 2010),
    ("Big", "г", "80703000", 1000, 2024),
    ("Near", "д", "80703000", 100, 2010),
    ("Lost", "д", "80699123", 77, 2010),
]

TOTALS = pd.DataFrame(
    [
        # oktmo, name, level, parent, total, urban, rural
        ("80601000", "District", "upper", None, 1115, 1000, 115),
        ("80601151", "GP Town", "lower", "80601000", 1050, 1000, 50),
        ("80601404", "SP A", "lower", "80601000", 10, 0, 10),
        ("80601407", "SP Empty", "lower", "80601000", 15, 0, 15),
        ("80701000", "GO City", "upper", None, 500, 400, 100),
        ("80703000", "GO Big", "upper", None, 1200, 1000, 200),
    ],
    columns=["oktmo", "name", "level", "parent_oktmo", "pop_total", "pop_urban", "pop_rural"],
)


def _settlements(rows: list[tuple[str, str, str, int | None, int]]) -> gpd.GeoDataFrame:
    n = len(rows)
    frame = pd.DataFrame(
        {
            "settlement_id": [f"s{i}" for i in range(n)],
            "oktmo": [f"{r[2]}{i:03d}" for i, r in enumerate(rows)],
            "name": [r[0] for r in rows],
            "type": [r[1] for r in rows],
            "municipality_oktmo": [r[2] for r in rows],
            "region": "R",
            "population": pd.array([r[3] for r in rows], dtype="Int64"),
            "population_year": pd.array([r[4] for r in rows], dtype="Int64"),
            "oktmo_quality": "ok",
            "duplicate_name": False,
            "register_id": [str(100 + i) for i in range(n)],
        }
    )
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(np.arange(n), np.zeros(n)), crs="EPSG:4326"
    )


@pytest.fixture
def scaled() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    s = _settlements(SETTLEMENTS)
    register = pd.DataFrame({"register_id": s["register_id"], "population": s["population"]})
    register.loc[s["name"] == "Big", "population"] = 950  # the register's figure of Big
    return scale_populations(s, TOTALS, register=register)


def _by_name(s: pd.DataFrame, col: str) -> dict[str, object]:
    return dict(zip(s["name"], s[col], strict=True))


def test_hand_computed_populations(scaled) -> None:  # type: ignore[no-untyped-def]
    s, _ = scaled
    pop = _by_name(s, "population")
    # urban part of GP Town: 1000 over Town alone
    assert pop["Town"] == 1000
    # rural part 50 over 30, 20, 10: quotas 25, 16.67, 8.33 -> 25, 17, 8
    assert (pop["V1"], pop["V2"], pop["V3"]) == (25, 17, 8)
    # 10 over 3, 3, 3, 0: quotas 3.33 -> 3, 3, 3 and the leftover to the first; 0 stays 0
    assert (pop["A"], pop["B"], pop["C"], pop["Z"]) == (4, 3, 3, 0)
    # district residual: 1115 - 1050 - 10 = 55, all rural, over R alone
    assert pop["R"] == 55
    # okrug without lower level: urban 400 over City, rural 100 over 50, 150
    assert (pop["City"], pop["W1"], pop["W2"]) == (400, 25, 75)
    # Big keeps the bulletin's figure; Near takes the rural 200
    assert (pop["Big"], pop["Near"]) == (1000, 200)
    # no bulletin figure: register kept
    assert pop["Lost"] == 77


def test_methods_years_and_register_kept(scaled) -> None:  # type: ignore[no-untyped-def]
    s, _ = scaled
    method = _by_name(s, "population_method")
    assert set(method.values()) <= set(POPULATION_METHODS)
    assert method["Town"] == method["A"] == method["City"] == "scaled_lower"
    assert method["R"] == "scaled_upper"
    assert method["Big"] == "bulletin"
    assert method["Lost"] == "register"
    year = _by_name(s, "population_year")
    assert year["Lost"] == 2010
    assert all(year[n] == 2024 for n in method if n != "Lost")
    reg = _by_name(s, "population_register")
    assert (reg["Town"], reg["R"], reg["Lost"]) == (800, 7, 77)
    assert reg["Big"] == 950  # taken from the register before the bulletin's towns
    assert str(s["population"].dtype) == str(s["population_register"].dtype) == "Int64"


def test_sums_equal_bulletin(scaled) -> None:  # type: ignore[no-untyped-def]
    s, _ = scaled
    urban = s["type"].isin(URBAN_TYPES)
    by_muni = s.groupby("municipality_oktmo")["population"].sum()
    for row in TOTALS.itertuples():
        if row.oktmo in ("80601000", "80601407"):
            continue
        assert by_muni[row.oktmo] == row.pop_total
        mine = s["municipality_oktmo"] == row.oktmo
        assert s.loc[mine & urban, "population"].sum() == row.pop_urban
        assert s.loc[mine & ~urban, "population"].sum() == row.pop_rural
    # the whole district, through its lower level and its residual
    district = s["municipality_oktmo"].str.startswith("80601")
    assert s.loc[district, "population"].sum() == 1115


def test_report(scaled) -> None:  # type: ignore[no-untyped-def]
    _, rep = scaled
    assert list(rep.columns) == SCALING_COLUMNS
    r = rep.set_index("oktmo")
    assert r.loc["80601151", "method"] == "scaled_lower"
    assert r.loc["80601151", "register_total"] == 860
    assert r.loc["80601151", "factor_urban"] == pytest.approx(1000 / 800)
    assert r.loc["80601151", "factor_rural"] == pytest.approx(50 / 60)
    assert r.loc["80601151", "parts"] == "urban_rural"
    assert r.loc["80601000", "method"] == "scaled_upper"
    assert r.loc["80601000", "target_total"] == 55
    assert r.loc["80601000", "scaled_total"] == 55
    # bulletin people but no register settlement: flagged, left to the district
    assert bool(r.loc["80601407", "flag_no_settlement"])
    assert r.loc["80601407", "unplaced"] == 0
    assert "district" in r.loc["80601407", "note"]
    assert r.loc["80703000", "settlements_bulletin"] == 1
    assert r.loc["80703000", "register_total"] == 1050  # 950 + 100
    assert r.loc["80699123", "method"] == "register"
    assert r.loc["80699123", "level"] == "none"
    # 55 people onto a register settlement of 7: factor 7.9, flagged; none other
    assert r.index[r["flag_large_factor"]].tolist() == ["80601000"]
    assert r["unplaced"].sum() == 0
    # what the settlements hold plus what is not placed = the bulletin's top level
    top = TOTALS.loc[TOTALS["level"] == "upper", "pop_total"].sum()
    placed = r.loc[r["method"] != "register", "scaled_total"].sum()
    assert placed + r["unplaced"].sum() == top


def test_large_factor_zero_settlement_and_unplaced() -> None:
    rows = [
        ("Tiny", "д", "80601404", 10, 2010),  # 100 people onto 10: factor 10
        ("Gone", "д", "80601410", 0, 2010),  # zero people: the group cannot be scaled
    ]
    totals = pd.DataFrame(
        [
            ("80601000", "D", "upper", None, 200, 0, 200),
            ("80601404", "A", "lower", "80601000", 100, 0, 100),
            ("80601410", "B", "lower", "80601000", 100, 0, 100),
        ],
        columns=TOTALS.columns,
    )
    s, rep = scale_populations(_settlements(rows), totals)
    assert _by_name(s, "population") == {"Tiny": 100, "Gone": 0}
    r = rep.set_index("oktmo")
    assert bool(r.loc["80601404", "flag_large_factor"])
    assert r.loc["80601404", "factor"] == pytest.approx(10.0)
    # B holds only a settlement of zero people: its 100 go to the district's residual,
    # and the district has no settlement to hold them
    assert bool(r.loc["80601410", "flag_no_settlement"])
    assert r.loc["80601410", "unplaced"] == 0
    assert r.loc["80601000", "target_total"] == 100
    assert r.loc["80601000", "unplaced"] == 100
    assert bool(r.loc["80601000", "flag_no_settlement"])


def test_parts_merged_when_types_disagree() -> None:
    # a former urban-type settlement (рп) the bulletin now counts as rural
    rows = [("Old", "рп", "80601410", 200, 2010), ("X", "д", "80601410", 100, 2010)]
    totals = pd.DataFrame(
        [("80601410", "B", "lower", "80601000", 300, 0, 300)], columns=TOTALS.columns
    )
    s, rep = scale_populations(_settlements(rows), totals)
    assert _by_name(s, "population") == {"Old": 200, "X": 100}
    r = rep.set_index("oktmo")
    assert r.loc["80601410", "parts"] == "merged"
    assert bool(r.loc["80601410", "flag_parts_merged"])


def test_rural_settlements_zeroed_where_bulletin_counts_no_rural_people() -> None:
    # the register's village of the town's name and code (a duplicate) in an urban
    # settlement whose rural part is 0
    rows = [("T", "г", "80653101", 500, 2010), ("T", "с", "80653101", 100, 2010)]
    totals = pd.DataFrame(
        [("80653101", "GP T", "lower", "80653000", 450, 450, 0)], columns=TOTALS.columns
    )
    s, rep = scale_populations(_settlements(rows), totals)
    assert s["population"].tolist() == [450, 0]
    r = rep.set_index("oktmo").loc["80653101"]
    assert r["parts"] == "urban_rural"
    assert r["zeroed"] == 1
    assert bool(r["flag_large_factor"])  # factor 0 for the rural part
    assert "brought to 0" in r["note"]


def test_old_district_code_matched_to_okrug_by_name() -> None:
    # a district (11608) that became a municipal okrug (11508) with a new code
    rows = [("P", "д", "11608404", 30, 2010), ("Q", "д", "11608410", 10, 2010)]
    s0 = _settlements(rows)
    s0["municipality_name"] = "Верхнетоемский муниципальный район"
    totals = pd.DataFrame(
        [("11508000", "Верхнетоемский муниципальный округ", "upper", None, 20, 0, 20)],
        columns=TOTALS.columns,
    )
    s, rep = scale_populations(s0, totals)
    assert s["population"].tolist() == [15, 5]
    assert s["population_oktmo"].tolist() == ["11508000", "11508000"]
    assert (s["population_method"] == "scaled_lower").all()
    assert rep.set_index("oktmo").loc["11508000", "settlements_by_name"] == 2


def test_federal_city_pieces_share_the_city() -> None:
    # the register's pieces of Moscow, each with the code of one intracity territory;
    # a third territory holds a village of its own
    rows = [
        ("Москва", "г", "45363000", 100, 2010),
        ("Москва", "г", "45304000", 300, 2010),
        ("Village", "д", "45950000", 10, 2010),
    ]
    totals = pd.DataFrame(
        [
            ("45363000", "T1", "upper", None, 500, 500, 0),
            ("45304000", "T2", "upper", None, 600, 600, 0),
            ("45310000", "T3", "upper", None, 900, 900, 0),
            ("45950000", "T4", "upper", None, 40, 0, 40),
        ],
        columns=TOTALS.columns,
    )
    s, rep = scale_populations(_settlements(rows), totals)
    # 500 + 600 + 900 over the pieces 100 : 300
    assert s["population"].tolist() == [500, 1500, 40]
    assert s["population_method"].tolist() == ["scaled_upper", "scaled_upper", "scaled_lower"]
    r = rep.set_index("oktmo")
    assert r.loc["45300000", "level"] == "city"
    assert r.loc["45300000", "scaled_total"] == 2000
    assert r["unplaced"].sum() == 0


def test_no_bulletin_figures_keeps_register() -> None:
    s0 = _settlements(SETTLEMENTS[:4])
    empty = pd.DataFrame(columns=["oktmo", "code", "value"])
    totals = bulletin_totals(
        pd.DataFrame({"oktmo": ["80601000"], "name": ["D"]}),
        pd.DataFrame({"oktmo": ["80601151"], "name": ["T"], "upper_oktmo8": ["80601000"]}),
        empty,
    )
    s, rep = scale_populations(s0, totals)
    assert (s["population_method"] == "register").all()
    assert s["population"].tolist() == s0["population"].tolist()
    assert set(rep["method"]) == {"register"}


def test_bulletin_totals_from_indicators() -> None:
    ind = pd.DataFrame(
        {
            "oktmo": ["80601000", "80601000", "80601000", "80601151"],
            "code": [
                "bul_population",
                "bul_population_urban",
                "bul_population_rural",
                "bul_population",
            ],
            "value": [10.0, 4.0, 6.0, 7.0],
        }
    )
    t = bulletin_totals(
        pd.DataFrame({"oktmo": ["80601000"], "name": ["D"]}),
        pd.DataFrame({"oktmo": ["80601151"], "name": ["T"], "upper_oktmo8": ["80601000"]}),
        ind,
    ).set_index("oktmo")
    assert t.loc["80601000", ["pop_total", "pop_urban", "pop_rural"]].tolist() == [10, 4, 6]
    assert t.loc["80601151", "level"] == "lower"
    assert t.loc["80601151", "parent_oktmo"] == "80601000"
    assert np.isnan(t.loc["80601151", "pop_urban"])


def _hamilton(target: int, weights: list[int]) -> list[int]:
    """Reference largest-remainder split with exact fractions."""
    total = sum(weights)
    if total == 0:
        return [0] * len(weights)
    quotas = [Fraction(target * w, total) for w in weights]
    base = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - base[i]), -weights[i], i))
    for i in order[: target - sum(base)]:
        base[i] += 1
    return base


def test_largest_remainder_against_exact_reference() -> None:
    rng = random.Random(7)
    for _ in range(300):
        n = rng.randint(1, 12)
        weights = [rng.choice([0, 1, 2, 3, rng.randint(0, 5000)]) for _ in range(n)]
        target = rng.randint(0, 20000)
        got = largest_remainder(target, weights).tolist()
        assert got == _hamilton(target, weights)
        if sum(weights):
            assert sum(got) == target
        assert all(g == 0 for g, w in zip(got, weights, strict=True) if w == 0)


def test_provenance_states_method() -> None:
    p = population_provenance()
    assert p.kind == "modelled"
    assert "within each lower-level municipality" in p.detail
    assert "urban and rural parts separately" in p.detail


# -- real data: Bashkortostan ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bashkortostan(shared_dir: Path):  # type: ignore[no-untyped-def]
    from opora.io.register import REGISTER_WHEEL, read_settlement_register
    from opora.io.sources import read_sources
    from opora.workflow.region import build_region

    cache = os.environ.get("OPORA_CACHE_DIR")
    if not cache or not (Path(cache) / "register" / REGISTER_WHEEL).exists():
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    register = read_settlement_register(Path(cache) / "register" / REGISTER_WHEEL)
    region = build_region(read_sources(shared_dir, "Башкортостан"), register)
    # the bulletin grouped independently, straight from the file
    raw = pd.read_csv(shared_dir / "rosstat" / "bul2024_population_by_mo.csv", dtype=str)
    raw = raw[raw["region"] == "Республика Башкортостан"].copy()
    raw["oktmo8"] = raw["oktmo8"].str.replace(r"\.0$", "", regex=True).str.zfill(8)
    for col in ("pop_total", "pop_urban", "pop_rural"):
        raw[col] = raw[col].astype(float)
    return region, raw


@pytest.mark.slow
def test_bashkortostan_sums_equal_bulletin(bashkortostan) -> None:  # type: ignore[no-untyped-def]
    region, raw = bashkortostan
    s = region.settlements
    rep = region.population_scaling.set_index("oktmo")
    lower = raw[raw["level"] == "mo_lower"].set_index("oktmo8")
    okrugs = raw[raw["level"] == "mo_upper"].set_index("oktmo8")
    okrugs = okrugs[~okrugs.index.isin(set(lower["upper_oktmo8"].str.zfill(8)))]
    urban = s["type"].isin(URBAN_TYPES)
    held = s.groupby("municipality_oktmo")["population"].sum()
    checked = 0
    for code, row in pd.concat([lower, okrugs]).iterrows():
        if code not in held.index:
            continue
        unplaced = rep.loc[code, "unplaced"]
        assert held[code] + unplaced == row["pop_total"], code
        if rep.loc[code, "parts"] == "urban_rural" and unplaced == 0:
            mine = s["municipality_oktmo"] == code
            assert s.loc[mine & urban, "population"].sum() == row["pop_urban"], code
            assert s.loc[mine & ~urban, "population"].sum() == row["pop_rural"], code
        checked += 1
    assert checked >= 800
    # a few municipalities cannot be matched exactly (a part without register settlements)
    assert (rep["unplaced"] > 0).sum() <= 5
    assert s["population_method"].isin(["scaled_lower", "bulletin"]).all()
    region_total = raw.loc[raw["level"] == "region", "pop_total"].iloc[0]
    assert s["population"].sum() + rep["unplaced"].sum() == region_total
    assert (s["population_register"].notna() | (s["population_method"] == "bulletin")).all()
