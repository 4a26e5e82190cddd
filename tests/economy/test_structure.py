"""Structure measures against hand-computed cases: LQ, HHI, entropy, Theil, shift-share."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.economy import (
    EconomyWarning,
    diversification,
    employment_by_section,
    location_quotients,
    org_stats_sections,
    shift_share,
    simplification,
)
from opora.errors import OporaError, ValidationError
from opora.io.rosstat import read_org_stats_export

DATA = Path(__file__).parents[1] / "data"
EMBEDDED = Path(__file__).parents[2] / "src" / "opora" / "data" / "bashkortostan"


def _long(rows: list[tuple[object, ...]], cols: tuple[str, ...] = ("oktmo", "dimension", "value")):
    return pd.DataFrame(rows, columns=list(cols))


# ----------------------------------------------------------------------------- LQ


def test_lq_hand_computed() -> None:
    t = _long([("a", "C", 30.0), ("a", "P", 10.0), ("b", "C", 10.0), ("b", "P", 50.0)])
    out = location_quotients(t)
    # totals: a 40, b 60; C 40, P 60; all 100
    expected = [(30 / 40) / (40 / 100), (10 / 40) / (60 / 100), (10 / 60) / 0.4, (50 / 60) / 0.6]
    np.testing.assert_allclose(out["lq"], expected, rtol=1e-15)
    np.testing.assert_allclose(out["share"], [0.75, 0.25, 1 / 6, 5 / 6])
    np.testing.assert_allclose(out["reference_share"], [0.4, 0.6, 0.4, 0.6])
    assert out["lq"].iloc[0] == pytest.approx(1.875)
    assert out.index.equals(t.index)
    assert set(out["measure"]) == {"employment (people)"}
    assert out.attrs["measure"] == "employment"
    assert out["reason"].isna().all()


def test_lq_says_the_measure_and_keeps_the_index() -> None:
    t = _long([("a", "C", 3.0), ("b", "C", 1.0), ("b", "G", 4.0)])
    t.index = pd.Index([10, 20, 30])
    out = location_quotients(t, measure="organisations")
    assert out.index.tolist() == [10, 20, 30]
    assert set(out["measure"]) == {"number of organisations"}
    out = location_quotients(t, measure="wage_bill")
    assert set(out["measure"]) == {"wage bill (rubles)"}
    with pytest.raises(ValidationError, match="measure"):
        location_quotients(t, measure="people")  # type: ignore[arg-type]


def test_lq_nan_with_reasons() -> None:
    t = _long(
        [
            ("a", "C", 30.0),
            ("a", "P", np.nan),  # suppressed
            ("b", "C", 0.0),
            ("b", "P", 0.0),  # nothing in b
            ("c", "C", 10.0),
            ("c", "J", 0.0),  # J absent everywhere
        ]
    )
    out = location_quotients(t)
    # known totals: a 30, c 10; C 40; X = 40
    assert out["lq"].iloc[0] == pytest.approx((30 / 30) / (40 / 40))
    assert np.isnan(out["lq"].iloc[1])
    assert "missing" in out["reason"].iloc[1]
    assert np.isnan(out["lq"].iloc[2])
    assert np.isnan(out["lq"].iloc[3])
    assert "location total is zero" in out["reason"].iloc[2]
    assert np.isnan(out["lq"].iloc[5])
    assert "absent from the reference" in out["reason"].iloc[5]
    assert out["reason"].notna().sum() == int(out["lq"].isna().sum()) == 4


def test_lq_with_reference_and_totals() -> None:
    t = _long([("a", "C", 30.0), ("a", "P", np.nan), ("b", "C", 10.0), ("b", "P", 50.0)])
    reference = pd.Series({"C": 500.0, "P": 1500.0, "J": 2000.0})  # X = 4000
    totals = pd.Series({"a": 60.0, "b": 60.0})
    out = location_quotients(t, reference=reference, totals=totals)
    np.testing.assert_allclose(
        out["lq"], [(30 / 60) / (500 / 4000), np.nan, (10 / 60) / 0.125, (50 / 60) / 0.375]
    )


def test_lq_per_period() -> None:
    t = pd.DataFrame(
        {
            "oktmo": ["a", "a", "b", "b"] * 2,
            "dimension": ["C", "P"] * 4,
            "year": [2020] * 4 + [2023] * 4,
            "value": [30.0, 10.0, 10.0, 50.0, 1.0, 1.0, 1.0, 1.0],
        }
    )
    out = location_quotients(t, period="year")
    np.testing.assert_allclose(out["lq"].iloc[:4], [1.875, 10 / 24, 10 / 24, 50 / 36])
    np.testing.assert_allclose(out["lq"].iloc[4:], [1.0] * 4)
    with pytest.raises(ValidationError, match="repeat a key"):
        location_quotients(t)  # two years but no period: the keys repeat


# ------------------------------------------------------------------ diversification


def test_diversification_hand_computed() -> None:
    t = _long(
        [
            ("a", "C", 50.0),
            ("a", "J", 30.0),
            ("a", "P", 20.0),
            ("b", "C", 0.0),
            ("b", "J", 0.0),
            ("b", "P", 100.0),
            ("c", "C", 40.0),
            ("c", "J", np.nan),
            ("c", "P", 60.0),
            ("d", "C", 0.0),
            ("d", "P", 0.0),
        ]
    )
    out = diversification(t)
    assert out.index.tolist() == ["a", "b", "c", "d"]
    assert out.index.name == "oktmo"
    a, b, c, d = (out.loc[k] for k in "abcd")
    # a: shares 0.5, 0.3, 0.2; N = 3 activities in the table
    assert a["hhi"] == pytest.approx(0.25 + 0.09 + 0.04)
    h_a = -(0.5 * math.log(0.5) + 0.3 * math.log(0.3) + 0.2 * math.log(0.2))
    assert a["entropy"] == pytest.approx(h_a) == pytest.approx(1.0296530140645737)
    assert a["theil"] == pytest.approx(math.log(3) - h_a)
    assert a["theil"] == pytest.approx(
        (3 * 0.5 * math.log(3 * 0.5) + 3 * 0.3 * math.log(3 * 0.3) + 3 * 0.2 * math.log(3 * 0.2))
        / 3
    )
    # reference shares from the known values: C 90, J 30, P 180 of 300
    assert a["theil_relative"] == pytest.approx(
        0.5 * math.log(0.5 / 0.3) + 0.3 * math.log(0.3 / 0.1) + 0.2 * math.log(0.2 / 0.6)
    )
    assert (a["n_activities"], a["n_missing"], a["total"]) == (3, 0, 100.0)
    # b: one activity
    assert (b["hhi"], b["entropy"]) == (1.0, 0.0)
    assert b["theil"] == pytest.approx(math.log(3))
    assert b["theil_relative"] == pytest.approx(math.log(1 / 0.6))
    # c: J suppressed, the indices describe the known part
    assert c["n_missing"] == 1
    assert c["hhi"] == pytest.approx(0.4**2 + 0.6**2)
    assert c["entropy"] == pytest.approx(-(0.4 * math.log(0.4) + 0.6 * math.log(0.6)))
    assert pd.isna(c["reason"])
    # d: nothing -> NaN and a reason
    assert np.isnan(d["hhi"])
    assert np.isnan(d["entropy"])
    assert np.isnan(d["theil"])
    assert d["reason"] == "total is zero: no activity"


def test_diversification_all_missing_and_periods() -> None:
    t = pd.DataFrame(
        {
            "oktmo": ["a", "a", "b", "b", "a", "a"],
            "dimension": ["C", "P", "C", "P", "C", "P"],
            "year": [2020, 2020, 2020, 2020, 2023, 2023],
            "value": [1.0, 1.0, np.nan, np.nan, 3.0, 1.0],
        }
    )
    out = diversification(t, period="year")
    assert out.index.names == ["year", "oktmo"]
    assert out.loc[(2020, "a"), "hhi"] == pytest.approx(0.5)
    assert out.loc[(2020, "a"), "theil"] == pytest.approx(0.0, abs=1e-15)
    assert np.isnan(out.loc[(2020, "b"), "hhi"])
    assert "every value missing" in out.loc[(2020, "b"), "reason"]
    assert out.loc[(2023, "a"), "hhi"] == pytest.approx(0.75**2 + 0.25**2)


# ----------------------------------------------------------------------- shift-share


def _two_years() -> pd.DataFrame:
    rows = [
        ("a", "C", 2020, 100.0),
        ("a", "C", 2023, 120.0),
        ("a", "P", 2020, 50.0),
        ("a", "P", 2023, 50.0),
        ("b", "C", 2020, 100.0),
        ("b", "C", 2023, 90.0),
        ("b", "P", 2020, 150.0),
        ("b", "P", 2023, 180.0),
    ]
    return pd.DataFrame(rows, columns=["oktmo", "dimension", "year", "value"])


def test_shift_share_hand_computed() -> None:
    out = shift_share(_two_years(), start=2020, end=2023)
    # reference = the table: C 200 -> 210 (g_C = 0.05), P 200 -> 230 (g_P = 0.15),
    # all 400 -> 440 (g = 0.10)
    expected = pd.DataFrame(
        {
            "change": [20.0, 0.0, -10.0, 30.0],
            "national": [100 * 0.1, 50 * 0.1, 100 * 0.1, 150 * 0.1],
            "industry_mix": [100 * -0.05, 50 * 0.05, 100 * -0.05, 150 * 0.05],
            "competitive": [100 * (0.2 - 0.05), 50 * (0.0 - 0.15), 100 * (-0.1 - 0.05), 150 * 0.05],
        },
        index=pd.MultiIndex.from_tuples(
            [("a", "C"), ("a", "P"), ("b", "C"), ("b", "P")], names=["oktmo", "dimension"]
        ),
    )
    pd.testing.assert_frame_equal(out[expected.columns], expected, rtol=1e-12)
    parts = out["national"] + out["industry_mix"] + out["competitive"]
    np.testing.assert_allclose(parts, out["change"], rtol=0, atol=1e-12)
    # with the table as reference, mix and competitive effects cancel over the region
    assert out["industry_mix"].sum() == pytest.approx(0.0, abs=1e-12)
    assert out["competitive"].sum() == pytest.approx(0.0, abs=1e-12)
    assert out["reason"].isna().all()
    assert out.attrs["growth"] == pytest.approx(0.1)


def test_shift_share_by_location_adds_up() -> None:
    out = shift_share(_two_years(), start=2020, end=2023, level="location")
    assert out.loc["a", ["change", "national", "industry_mix", "competitive"]].tolist() == (
        pytest.approx([20.0, 15.0, -2.5, 7.5])
    )
    assert out.loc["b", ["change", "national", "industry_mix", "competitive"]].tolist() == (
        pytest.approx([20.0, 25.0, 2.5, -7.5])
    )
    parts = out["national"] + out["industry_mix"] + out["competitive"]
    np.testing.assert_allclose(parts, out["change"], rtol=1e-14)
    assert (out["n_missing"] == 0).all()


def test_shift_share_totals_add_up_on_random_data() -> None:
    rng = np.random.default_rng(7)
    n_loc, n_act = 40, 12
    rows = []
    for year in (2019, 2023):
        for i in range(n_loc):
            for j in range(n_act):
                rows.append((f"L{i}", f"A{j}", year, float(rng.integers(0, 5000))))
    t = pd.DataFrame(rows, columns=["oktmo", "dimension", "year", "value"])
    out = shift_share(t, start=2019, end=2023)
    parts = out["national"] + out["industry_mix"] + out["competitive"]
    np.testing.assert_allclose(parts, out["change"], rtol=1e-12, atol=1e-9)
    loc = shift_share(t, start=2019, end=2023, level="location")
    parts = loc["national"] + loc["industry_mix"] + loc["competitive"]
    np.testing.assert_allclose(parts, loc["change"], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(loc["change"].sum(), out["change"].sum(), rtol=1e-12)


def test_shift_share_missing_new_and_reference() -> None:
    t = _two_years()
    t.loc[len(t)] = ("a", "J", 2023, 10.0)  # new activity, no row at the start
    t.loc[len(t)] = ("b", "J", 2020, np.nan)  # suppressed at the start
    t.loc[len(t)] = ("b", "J", 2023, 5.0)
    out = shift_share(t, start=2020, end=2023)
    assert np.isnan(out.loc[("a", "J"), "competitive"])
    assert out.loc[("a", "J"), "reason"] == "no row at the start (2020)"
    assert out.loc[("b", "J"), "reason"] == "value missing at the start (2020)"
    zero = shift_share(t, start=2020, end=2023, absent="zero")
    row = zero.loc[("a", "J")]
    assert (row["national"], row["industry_mix"], row["competitive"]) == (0.0, 0.0, 10.0)
    loc = shift_share(t, start=2020, end=2023, level="location")
    assert loc.loc["a", "n_missing"] == 1
    assert loc.loc["b", "n_missing"] == 1
    # a national reference: g = 0.5, g_C = 0, g_P = 1
    ref = pd.Series(
        {(2020, "C"): 1000.0, (2023, "C"): 1000.0, (2020, "P"): 1000.0, (2023, "P"): 2000.0}
    )
    nat = shift_share(_two_years(), start=2020, end=2023, reference=ref)
    assert nat.loc[("a", "C"), "national"] == pytest.approx(50.0)
    assert nat.loc[("a", "C"), "industry_mix"] == pytest.approx(-50.0)
    assert nat.loc[("a", "C"), "competitive"] == pytest.approx(20.0)
    with pytest.raises(ValidationError, match="`end` period 2030"):
        shift_share(t, start=2020, end=2030)


# ------------------------------------------------------------------- simplification


def _simplifying() -> pd.DataFrame:
    rows = [
        ("a", "C", 2020, 50.0),
        ("a", "J", 2020, 30.0),
        ("a", "P", 2020, 20.0),
        ("b", "C", 2020, 10.0),
        ("b", "J", 2020, 10.0),
        ("b", "P", 2020, 80.0),
        ("a", "C", 2023, 0.0),
        ("a", "J", 2023, 30.0),
        ("a", "P", 2023, 70.0),
        ("b", "C", 2023, 30.0),
        ("b", "J", 2023, 10.0),
        ("b", "P", 2023, 60.0),
    ]
    return pd.DataFrame(rows, columns=["oktmo", "dimension", "year", "value"])


def test_simplification_hand_computed() -> None:
    out = simplification(_simplifying(), start=2020, end=2023)
    # 2020 LQ: a C 5/3, J 3/2, P 2/5; b C 1/3, J 1/2, P 8/5
    # 2023 LQ: a C 0, J 3/2, P 14/13; b C 2, J 1/2, P 12/13
    a, b = out.loc["a"], out.loc["b"]
    assert (a["n_present_start"], a["n_specialised_start"]) == (3, 2)
    assert (a["n_lost"], a["lost"]) == (1, "C")
    assert (a["n_despecialised"], a["despecialised"]) == (0, "")
    assert a["simplification"] == 1
    assert a["lost_share"] == pytest.approx(1 / 3)
    assert a["despecialised_share"] == pytest.approx(1 / 2)  # C fell (lost), J held
    assert (b["n_present_start"], b["n_specialised_start"]) == (3, 1)
    assert (b["n_lost"], b["lost"]) == (0, "")
    assert (b["n_despecialised"], b["despecialised"]) == (1, "P")  # 1.6 -> 0.92
    assert b["simplification"] == 1
    assert (b["lost_share"], b["despecialised_share"]) == (0.0, 1.0)
    assert out["reason"].isna().all()
    assert (out["n_gained"] == 0).all()
    assert (out["n_unknown"] == 0).all()


def test_simplification_unknown_is_not_lost() -> None:
    t = _simplifying()
    t.loc[(t["oktmo"] == "a") & (t["dimension"] == "C") & (t["year"] == 2023), "value"] = np.nan
    t.loc[len(t)] = ("c", "C", 2020, 0.0)
    t.loc[len(t)] = ("c", "C", 2023, 5.0)
    out = simplification(t, start=2020, end=2023)
    a = out.loc["a"]
    assert (a["n_lost"], a["n_unknown"], a["n_present_start"]) == (0, 1, 2)
    c = out.loc["c"]
    assert c["n_gained"] == 1
    assert np.isnan(c["lost_share"])
    assert c["reason"] == "no section known to be present at the start"


# ------------------------------------------------------------------------ checks


def test_validation_errors() -> None:
    t = _long([("a", "C", 1.0), ("a", "P", 2.0)])
    with pytest.raises(ValidationError, match="column `people` is not in the table"):
        location_quotients(t, value="people")
    with pytest.raises(ValidationError, match="negative"):
        diversification(_long([("a", "C", -1.0)]))
    with pytest.raises(ValidationError, match="must hold numbers"):
        diversification(_long([("a", "C", "many")]))
    with pytest.raises(ValidationError, match="repeat a key"):
        diversification(_long([("a", "C", 1.0), ("a", "C", 2.0)]))
    with pytest.raises(ValidationError, match="missing in 1 rows"):
        diversification(_long([(None, "C", 1.0)]))
    # typed: catchable as opora's base error and as the built-in
    with pytest.raises(OporaError):
        location_quotients(t, activity="okved")
    with pytest.raises(ValueError, match="okved"):
        location_quotients(t, activity="okved")
    assert issubclass(EconomyWarning, OporaError)
    assert issubclass(EconomyWarning, UserWarning)


# --------------------------------------------------------------- source helpers


def test_employment_by_section_keeps_suppressed_cells() -> None:
    ind = pd.DataFrame(
        {
            "oktmo": ["1", "1", "1", "2", "2"],
            "code": ["emp_total", "emp_share", "emp_share", "emp_total", "emp_share"],
            "year": [2023] * 5,
            "dimension": [None, "A", "C", None, "C"],
            "value": [200.0, 0.25, 0.5, 100.0, 0.9],
        }
    )
    out = employment_by_section(ind)
    assert out[["oktmo", "dimension"]].values.tolist() == [
        ["1", "A"],
        ["1", "C"],
        ["2", "A"],
        ["2", "C"],
    ]
    np.testing.assert_allclose(out["value"], [50.0, 100.0, np.nan, 90.0])
    assert out["suppressed"].tolist() == [False, False, True, False]
    assert out.attrs["measure"] == "employment"


def test_employment_by_section_bashkortostan() -> None:
    ind = pd.read_csv(
        EMBEDDED / "indicators.csv.gz", dtype={"oktmo": str, "dimension": str, "period": str}
    )
    emp = employment_by_section(ind)
    assert emp["oktmo"].nunique() == 63
    assert emp["dimension"].nunique() == 19  # sections A-S; T and U never reported
    assert len(emp) == 63 * 19
    assert int(emp["suppressed"].sum()) == 366
    assert emp.loc[emp["oktmo"] == "80707000", "suppressed"].all()  # no breakdown at all
    by_section = emp.groupby("dimension")["suppressed"].sum()
    assert by_section["S"] == 51
    assert by_section["L"] == 46
    assert by_section["B"] == 44
    assert (by_section[["G", "M", "O", "P", "Q"]] == 1).all()  # only 80707000
    totals = emp.drop_duplicates("oktmo").set_index("oktmo")["total"]
    lq = location_quotients(emp, totals=totals)
    assert int(lq["lq"].isna().sum()) == 366
    assert (lq.loc[lq["lq"].isna(), "reason"] == "value missing (suppressed or not reported)").all()


# ---------------------------------------------------------------- Rosstat export

_EXPORT_HEAD = (
    '"Количество организаций по данным государственной регистрации с 2017 г. '
    '(единица, Всего)",,,,\n,,,,\n,,,2021,2022\n,,,на 1 октября,на 1 октября\n'
)


def _export_rows(region: str, indent: int, values: dict[str, tuple[int, int]]) -> str:
    own = "ВСЕГО (по всем формам собственности)"
    pad = " " * indent
    lines = [f'{own},{pad}{region},"{name}",{a},{b}' for name, (a, b) in values.items()]
    lines.append(f"{own},{pad}{region},    Подраздел,1,1")
    return "\n".join(lines) + "\n"


def write_export(path: Path) -> Path:
    """A hand-made export: three regions, one of them composite (a part and the rest)."""
    a, c, p = "СЕЛЬСКОЕ ХОЗЯЙСТВО", "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА", "ОБРАЗОВАНИЕ"
    text = (
        _EXPORT_HEAD
        + _export_rows("Первая область", 8, {a: (10, 12), c: (5, 5), p: (3, 3)})
        + _export_rows("Вторая область", 8, {a: (1, 1), c: (20, 30), p: (5, 6)})
        + _export_rows("Третья область", 8, {a: (2, 2), c: (2, 3), p: (9, 9)})
        + _export_rows("Третья область (кроме округа)", 12, {a: (2, 2), c: (1, 1), p: (4, 4)})
        + _export_rows("Округ (Третья область)", 12, {a: (0, 0), c: (1, 2), p: (5, 5)})
    )
    path.write_text(text, encoding="utf-8")
    return path


def test_org_stats_sections(tmp_path: Path) -> None:
    table = read_org_stats_export(write_export(tmp_path / "export.csv")).table
    out = org_stats_sections(table)
    assert out.attrs["measure"] == "organisations"
    assert set(out["year"]) == {2022}
    assert list(dict.fromkeys(out["region"])) == [
        "Первая область",
        "Вторая область",
        "Третья область (кроме округа)",
        "Округ (Третья область)",
    ]
    assert len(out) == 12  # 4 regions × 3 sections; the group row "Подраздел" is left out
    top = org_stats_sections(table, regions="top", year=2021)
    assert list(dict.fromkeys(top["region"])) == [
        "Первая область",
        "Вторая область",
        "Третья область",
    ]
    assert top.loc[top["region"] == "Вторая область", "value"].tolist() == [1, 20, 5]
    with pytest.raises(ValidationError, match="year 2019"):
        org_stats_sections(table, year=2019)


def test_org_stats_sections_part_without_rest_is_dropped() -> None:
    # the committed hand-made file: an okrug listed under its oblast, with no remainder
    table = read_org_stats_export(DATA / "rosstat" / "rosstat_org_stats_handmade.csv").table
    out = org_stats_sections(table)
    assert set(out["region"]) == {"Тестовая область"}
    assert set(out["year"]) == {2022}
    assert out.set_index("activity")["value"].to_dict() == {
        "СЕЛЬСКОЕ, ЛЕСНОЕ ХОЗЯЙСТВО, ОХОТА, РЫБОЛОВСТВО И РЫБОВОДСТВО": 130.0,
        "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА": 230.0,
    }
