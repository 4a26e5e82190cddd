"""Life-support indicators against hand-computed cases, reasons for every gap, real data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.analysis.profile import ProfileField
from opora.economy.life_support import LIFE_SUPPORT_FIELDS, life_support_indicators
from opora.errors import OporaError, ValidationError
from opora.io.rosstat import read_big_cities
from opora.io.sources import read_embedded

DATA = Path(__file__).parents[1] / "data"
EMBEDDED = Path(__file__).parents[2] / "src" / "opora" / "data" / "bashkortostan"
KEYS = [f.key for f in LIFE_SUPPORT_FIELDS]


def _ind(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """Long indicators from (oktmo, code, year, period, dimension, value) tuples."""
    cols = ["oktmo", "code", "year", "period", "dimension", "value"]
    return pd.DataFrame(rows, columns=cols)


def _run(rows: list[tuple[object, ...]], **kw: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    wide, notes = life_support_indicators(_ind(rows), **kw)  # type: ignore[arg-type]
    return wide.set_index("oktmo"), notes


def _note(notes: pd.DataFrame, oktmo: str, key: str) -> pd.Series:
    row = notes[(notes["oktmo"] == oktmo) & (notes["indicator"] == key)]
    assert len(row) == 1
    return row.iloc[0]


def _assert_reasons(wide: pd.DataFrame, notes: pd.DataFrame) -> None:
    """Every NaN of the wide table has a 'missing' note with a reason, and back."""
    long = wide.reset_index().melt("oktmo", KEYS, var_name="indicator", value_name="v")
    merged = long.merge(notes, on=["oktmo", "indicator"], how="outer", validate="1:1")
    assert len(merged) == len(long) == len(notes)
    nan = merged["v"].isna()
    assert (merged.loc[nan, "status"] == "missing").all()
    assert merged.loc[nan, "reason"].str.len().gt(5).all()
    assert (merged.loc[~nan, "status"] != "missing").all()
    partial = merged["status"] == "partial"
    assert merged.loc[partial, "reason"].notna().all()
    assert merged.loc[merged["status"] == "ok", "reason"].isna().all()
    np.testing.assert_allclose(merged.loc[~nan, "v"], merged.loc[~nan, "value"])


# --------------------------------------------------------------------- fields


def test_fields_are_profile_fields_and_match_the_columns() -> None:
    assert all(isinstance(f, ProfileField) for f in LIFE_SUPPORT_FIELDS)
    assert len(set(KEYS)) == len(KEYS)
    assert {f.fmt for f in LIFE_SUPPORT_FIELDS} <= {"int", "float1", "float2", "pct1"}
    assert all(f.source and f.label_ru and f.label_en for f in LIFE_SUPPORT_FIELDS)
    wide, _ = _run([("a", "emp_share", 2023, "год", "O", 0.1)])
    assert wide.columns.tolist() == KEYS
    assert wide.dtypes.eq("float64").all()


# ---------------------------------------------------------------- budget sector


def test_budget_employment_share_and_suppressed_section() -> None:
    rows = [
        ("a", "emp_share", 2023, "год", "O", 0.10),
        ("a", "emp_share", 2023, "год", "P", 0.20),
        ("a", "emp_share", 2023, "год", "Q", 0.15),
        ("a", "emp_share", 2023, "год", "C", 0.55),
        ("b", "emp_share", 2023, "год", "O", 0.10),
        ("b", "emp_share", 2023, "год", "P", 0.20),
        ("b", "emp_share", 2023, "год", "C", 0.60),
        ("c", "emp_total", 2023, "год", "", 100.0),
    ]
    wide, notes = _run(rows)
    assert wide.at["a", "budget_employment_share"] == pytest.approx(45.0)
    assert np.isnan(wide.at["b", "budget_employment_share"])
    why = _note(notes, "b", "budget_employment_share")
    assert why["status"] == "missing"
    assert "section Q suppressed" in why["reason"]
    assert "2023" in why["reason"]
    assert (
        "no employment shares by section" in _note(notes, "c", "budget_employment_share")["reason"]
    )
    _assert_reasons(wide, notes)


def _wage_rows() -> list[tuple[object, ...]]:
    shares = {"O": 0.1, "P": 0.2, "Q": 0.1, "C": 0.5, "G": 0.1}
    wages = {"O": 30000.0, "P": 20000.0, "Q": 25000.0, "C": 50000.0, "G": 40000.0}
    rows: list[tuple[object, ...]] = []
    for k in ("a", "b", "c"):
        rows.append((k, "emp_total", 2023, "год", "", 100.0))
        rows.extend((k, "emp_share", 2023, "год", s, v) for s, v in shares.items())
        for s, w in wages.items():
            if (k, s) in {("b", "G"), ("c", "Q")}:
                w = np.nan  # suppressed in the source
            rows.append((k, "sber_wage", 2023, "январь-декабрь", s, w))
            rows.append((k, "sber_wage", 2023, "январь-июнь", s, 1.0))  # not annual
    return rows


def test_budget_wage_bill_share_hand_computed() -> None:
    wide, notes = _run(_wage_rows())
    # bills: O 10*30000, P 20*20000, Q 10*25000, C 50*50000, G 10*40000
    budget = 300_000 + 400_000 + 250_000
    assert wide.at["a", "budget_wage_bill_share"] == pytest.approx(
        100 * budget / (budget + 2_500_000 + 400_000)
    )
    assert _note(notes, "a", "budget_wage_bill_share")["status"] == "ok"
    # b: G has no wage, left out of the denominator: an upper bound, said so
    assert wide.at["b", "budget_wage_bill_share"] == pytest.approx(
        100 * budget / (budget + 2_500_000)
    )
    nb = _note(notes, "b", "budget_wage_bill_share")
    assert nb["status"] == "partial"
    assert "left out of the denominator" in nb["reason"]
    assert nb["reason"].endswith("upper bound")
    assert ": G;" in nb["reason"]
    # c: Q has no wage: the budget sector is incomplete
    assert np.isnan(wide.at["c", "budget_wage_bill_share"])
    nc = _note(notes, "c", "budget_wage_bill_share")
    assert "Q: wage not published" in nc["reason"]
    assert "2023" in nc["period"]
    _assert_reasons(wide, notes)


# ---------------------------------------------------------------------- budget


def test_own_revenue_share_transfer_dependence_and_bad_values() -> None:
    rows = [
        ("a", "Y48313015", 2024, "год", "", 25.5),
        ("b", "Y48313015", 2024, "год", "", 999_999_999.0),
        ("c", "Y48313015", 2024, "год", "part 1", 30.0),
        ("c", "Y48313015", 2024, "год", "part 2", 40.0),
        ("d", "Y48313015", 2024, "год", "", 150.0),
        ("e", "emp_total", 2023, "год", "", 10.0),
    ]
    wide, notes = _run(rows)
    assert wide.at["a", "own_revenue_share"] == pytest.approx(25.5)
    assert wide.at["a", "transfer_dependence"] == pytest.approx(74.5)
    assert "placeholder 999 999 999" in _note(notes, "b", "own_revenue_share")["reason"]
    assert "only parts of a sector split" in _note(notes, "c", "transfer_dependence")["reason"]
    assert "outside 0-100" in _note(notes, "d", "own_revenue_share")["reason"]
    assert _note(notes, "e", "own_revenue_share")["reason"] == "no `Y48313015` value for 2024"
    assert _note(notes, "a", "own_revenue_share")["period"] == "2024"
    assert wide[["own_revenue_share", "transfer_dependence"]].iloc[1:].isna().all().all()
    _assert_reasons(wide, notes)


def _big(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    cols = ["oktmo", "year", "budget_revenue_total", "budget_transfers", "population"]
    return pd.DataFrame(rows, columns=cols)


def test_big_cities_budget_and_population_series() -> None:
    big = _big(
        [
            ("a", 2011, 900.0, 300.0, 95.0),
            ("a", 2012, 1000.0, 300.0, 100.0),
            ("a", 2017, 1000.0, 400.0, 105.0),
            ("a", 2018, 1000.0, 1500.0, 108.0),  # transfers > revenue: error in the source
            ("a", 2019, np.nan, np.nan, 110.0),
            ("c", 2015, np.nan, np.nan, 50.0),
        ]
    )
    rows = [(k, "emp_total", 2023, "год", "", 1.0) for k in ("a", "b", "c")]
    wide, notes = _run(rows, big_cities=big)
    assert wide.at["a", "big_city_transfer_share"] == pytest.approx(40.0)
    assert wide.at["a", "big_city_budget_year"] == 2017
    na = _note(notes, "a", "big_city_transfer_share")
    assert na["status"] == "partial"
    assert "2018 skipped" in na["reason"]
    assert na["period"] == "2017"
    assert wide.at["a", "population_change_long"] == pytest.approx(10.0)
    assert _note(notes, "a", "population_change_long")["period"] == "2012→2019"
    assert "not among the large cities" in _note(notes, "b", "big_city_transfer_share")["reason"]
    assert "no population for 2012" in _note(notes, "c", "population_change_long")["reason"]
    assert "no year with both" in _note(notes, "c", "big_city_transfer_share")["reason"]
    _assert_reasons(wide, notes)
    wide, notes = _run(rows)
    assert wide["big_city_transfer_share"].isna().all()
    assert (
        notes.loc[notes["indicator"] == "population_change_long", "reason"]
        .str.contains("`big_cities` not given")
        .all()
    )
    with pytest.raises(ValidationError, match="budget_transfers"):
        _run(rows, big_cities=big.drop(columns="budget_transfers"))


def test_big_cities_from_the_committed_sample() -> None:
    big = read_big_cities(DATA / "big_cities" / "big_cities_sample.csv").table
    rows = [(k, "emp_total", 2023, "год", "", 1.0) for k in ("01701000", "10701000")]
    wide, notes = _run(rows, big_cities=big)
    # Barnaul 2018: transfers 6,134,386 of revenue 12,985,154; population 691.1 → 697.0
    assert wide.at["01701000", "big_city_transfer_share"] == pytest.approx(
        100 * 6_134_386 / 12_985_154
    )
    assert wide.at["01701000", "big_city_budget_year"] == 2018
    assert wide.at["01701000", "population_change_long"] == pytest.approx(100 * (697.0 / 691.1 - 1))
    # Blagoveshchensk: the sample stops in 2013
    assert wide.at["10701000", "big_city_budget_year"] == 2013
    assert _note(notes, "10701000", "population_change_long")["period"] == "2012→2013"
    _assert_reasons(wide, notes)


# --------------------------------------------------------------- incomes, people


def test_social_share_level_and_change() -> None:
    rows = [
        ("a", "urov14a_social_share", 2010, "год", "", 0.40),
        ("a", "urov14a_social_share", 2016, "год", "", 0.50),
        ("a", "urov14a_social_share", 2022, "год", "", 0.45),
        ("b", "urov14a_social_share", 2022, "год", "", 0.30),
        ("c", "urov14a_social_share", 2010, "год", "", 0.20),
        ("d", "emp_total", 2023, "год", "", 1.0),
    ]
    wide, notes = _run(rows)
    assert wide.at["a", "social_share"] == pytest.approx(45.0)
    assert wide.at["a", "social_share_change"] == pytest.approx(5.0)
    assert _note(notes, "a", "social_share_change")["period"] == "2010→2022"
    assert np.isnan(wide.at["b", "social_share_change"])
    assert _note(notes, "b", "social_share_change")["reason"] == "no Urov-14a value for 2010"
    # c: only 2010: a stale level, said so, and no change
    assert wide.at["c", "social_share"] == pytest.approx(20.0)
    nc = _note(notes, "c", "social_share")
    assert nc["status"] == "partial"
    assert "2022" in nc["reason"]
    assert "after 2010" in _note(notes, "c", "social_share_change")["reason"]
    assert "no Urov-14a" in _note(notes, "d", "social_share")["reason"]
    _assert_reasons(wide, notes)


def test_population_ageing_and_migration() -> None:
    rows = [
        ("a", "sber_population", 2023, "год", "", 1000.0),
        ("a", "sber_population", 2024, "год", "", 990.0),
        ("a", "sber_net_migration", 2023, "год", "", -15.0),
        ("a", "sber_share_65plus", 2023, "год", "", 18.0),
        ("a", "sber_share_65plus", 2024, "год", "", 20.0),
        ("a", "bul_population", 2024, "на 1 января", "", 985.0),
        ("b", "sber_population", 2024, "год", "", 500.0),
        ("b", "sber_net_migration", 2023, "год", "", 5.0),
        ("a01", "bul_population", 2024, "на 1 января", "", 100.0),  # a lower level
    ]
    wide, notes = _run(rows)
    assert wide.index.tolist() == ["a", "b"]  # bulletin-only OKTMO are not rows
    assert wide.at["a", "population_change"] == pytest.approx(-1.0)
    assert _note(notes, "a", "population_change")["period"] == "2023→2024"
    assert wide.at["a", "net_migration_rate"] == pytest.approx(-15.0)
    assert wide.at["a", "share_65plus"] == pytest.approx(20.0)
    assert wide.at["a", "population"] == pytest.approx(985.0)
    assert "no `sber_population` value for 2023" in _note(notes, "b", "population_change")["reason"]
    assert (
        "no `sber_population` value for 2023" in _note(notes, "b", "net_migration_rate")["reason"]
    )
    assert "no `bul_population` value for 2024" in _note(notes, "b", "population")["reason"]
    _assert_reasons(wide, notes)


def test_consumption_level_and_change() -> None:
    rows: list[tuple[object, ...]] = []
    for m in range(1, 13):
        rows.append(("a", "sber_consumption", 2023, f"2023-{m:02d}", "Все категории", 100.0))
        rows.append(("a", "sber_consumption", 2024, f"2024-{m:02d}", "Все категории", 110.0))
        rows.append(("a", "sber_consumption", 2024, f"2024-{m:02d}", "Здоровье", 5.0))
        rows.append(("b", "sber_consumption", 2023, f"2023-{m:02d}", "Все категории", 10.0 * m))
        if m <= 6:
            rows.append(("b", "sber_consumption", 2024, f"2024-{m:02d}", "Все категории", 20.0))
        rows.append(("c", "sber_consumption", 2024, f"2024-{m:02d}", "Все категории", 7.0))
    wide, notes = _run(rows)
    assert wide.at["a", "consumption_level"] == pytest.approx(110.0)
    assert wide.at["a", "consumption_change"] == pytest.approx(10.0)
    assert _note(notes, "a", "consumption_change")["period"] == "2024 vs 2023"
    # b: six months of 2024 against the same six months of 2023 (10+...+60 = 210)
    assert wide.at["b", "consumption_level"] == pytest.approx(20.0)
    assert wide.at["b", "consumption_change"] == pytest.approx((120 / 210 - 1) * 100)
    assert "6 months" in _note(notes, "b", "consumption_level")["reason"]
    assert "6 common months" in _note(notes, "b", "consumption_change")["reason"]
    assert wide.at["c", "consumption_level"] == pytest.approx(7.0)
    assert "no month of 2023" in _note(notes, "c", "consumption_change")["reason"]
    _assert_reasons(wide, notes)


def test_wages_relative_to_the_regional_median() -> None:
    rows: list[tuple[object, ...]] = []
    for k, w in (("a", 30000.0), ("b", 40000.0), ("c", 50000.0)):
        rows.append((k, "sber_wage", 2024, "январь-декабрь", "total", w))
        rows.append((k, "sber_wage", 2023, "январь-декабрь", "total", 1.0))
        rows.append((k, "sber_wage", 2024, "январь-сентябрь", "total", 2.0))
    rows.append(("a", "sber_wage", 2024, "январь-декабрь", "C", 60000.0))
    rows.append(("b", "sber_wage", 2024, "январь-декабрь", "C", np.nan))
    rows.append(("c", "sber_wage", 2024, "январь-декабрь", "C", 40000.0))
    wide, notes = _run(rows)
    np.testing.assert_allclose(wide["wage_rel_total"], [0.75, 1.0, 1.25])
    np.testing.assert_allclose(wide.loc[["a", "c"], "wage_rel_C"], [1.2, 0.8])
    assert "wage of section C suppressed" in _note(notes, "b", "wage_rel_C")["reason"]
    assert "no municipality has a wage of section P" in _note(notes, "a", "wage_rel_P")["reason"]
    assert _note(notes, "a", "wage_rel_total")["period"] == "2024 январь-декабрь"
    _assert_reasons(wide, notes)


# ------------------------------------------------------------------- the inputs


def test_municipalities_choose_the_rows_and_names() -> None:
    rows = [("a", "Y48313015", 2024, "год", "", 30.0), ("z", "Y48313015", 2024, "год", "", 1.0)]
    mun = pd.DataFrame(
        {"oktmo": ["a", "b", "a1"], "name": ["A", "B", "A1"], "level": ["upper", "upper", "lower"]}
    )
    wide, notes = life_support_indicators(_ind(rows), mun)
    assert wide["oktmo"].tolist() == ["a", "b"]
    assert wide["name"].tolist() == ["A", "B"]
    assert set(notes["oktmo"]) == {"a", "b"}
    assert len(notes) == 2 * len(KEYS)


def test_missing_columns_raise() -> None:
    bad = _ind([("a", "emp_total", 2023, "год", "", 1.0)]).drop(columns="dimension")
    with pytest.raises(ValidationError, match="`dimension`") as err:
        life_support_indicators(bad)
    assert isinstance(err.value, OporaError)
    assert isinstance(err.value, ValueError)
    with pytest.raises(ValidationError, match="oktmo"):
        life_support_indicators(_ind([]), pd.DataFrame({"code": ["x"]}))


# ---------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    bundle = read_embedded()
    wide, notes = life_support_indicators(bundle.indicators, bundle.upper)
    return wide.set_index("oktmo"), notes, bundle.indicators


def test_real_bashkortostan_every_municipality_and_every_gap_explained(
    real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    wide, notes, _ = real
    assert len(wide) == 63
    assert wide.index.is_unique
    assert wide["name"].notna().all()
    _assert_reasons(wide.drop(columns="name"), notes)
    coverage = wide[KEYS].notna().sum()
    for key in ("budget_employment_share", "own_revenue_share", "social_share", "population"):
        assert coverage[key] >= 61, key
    # the closed town (ZATO) Mezhgorye publishes almost nothing: said so
    assert np.isnan(wide.at["80707000", "budget_employment_share"])
    assert _note(notes, "80707000", "population_change")["status"] == "missing"


def test_real_bashkortostan_values_read_by_hand(
    real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    wide, notes, _ = real
    raw = pd.read_csv(EMBEDDED / "indicators.csv.gz", dtype={"oktmo": str})

    def value(oktmo: str, code: str, **kw: object) -> float:
        d = raw[(raw["oktmo"] == oktmo) & (raw["code"] == code)]
        for col, v in kw.items():
            d = d[d[col] == v]
        assert len(d) == 1
        return float(d["value"].iloc[0])

    assert wide.at["80601000", "own_revenue_share"] == pytest.approx(25.5)
    assert wide.at["80601000", "transfer_dependence"] == pytest.approx(74.5)
    assert _note(notes, "80601000", "own_revenue_share")["period"] == "2024"
    opq = sum(value("80601000", "emp_share", dimension=s) for s in "OPQ")
    assert wide.at["80601000", "budget_employment_share"] == pytest.approx(100 * opq)
    assert wide.at["80701000", "population"] == 1_186_715
    assert wide.at["80601000", "share_65plus"] == pytest.approx(
        value("80601000", "sber_share_65plus", year=2024)
    )
    p23 = value("80601000", "sber_population", year=2023)
    assert p23 == 44334
    assert wide.at["80601000", "population_change"] == pytest.approx((43983 / 44334 - 1) * 100)
    assert wide.at["80601000", "net_migration_rate"] == pytest.approx(-366 / 44334 * 1000)
    assert wide.at["80601000", "social_share"] == pytest.approx(
        100 * value("80601000", "urov14a_social_share", year=2022)
    )
    # own-revenue share is not published for Sterlibashevsky district
    assert "Y48313015" in _note(notes, "80648000", "own_revenue_share")["reason"]


def test_real_big_cities_of_bashkortostan(
    real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], shared_dir: Path
) -> None:
    _, _, ind = real
    big = read_big_cities(shared_dir / "big_cities" / "big_cities.csv").table
    wide, notes = life_support_indicators(ind, read_embedded().upper, big)
    wide = wide.set_index("oktmo")
    assert wide["big_city_transfer_share"].notna().sum() == 5  # Ufa and four more
    # Ufa 2018: transfers 15,570,109 of total revenue 27,628,854 (thousand rubles)
    assert wide.at["80701000", "big_city_transfer_share"] == pytest.approx(
        100 * 15_570_109 / 27_628_854
    )
    assert wide.at["80701000", "big_city_budget_year"] == 2018
    assert wide.at["80701000", "population_change_long"] == pytest.approx(
        100 * (1128.8 / 1077.7 - 1)
    )
    _assert_reasons(wide.drop(columns="name"), notes)
