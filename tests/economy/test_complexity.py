"""Complexity measures against the Growth Lab ``ecomplexity`` package on seeded instances.

``ecomplexity`` is imported at module level on purpose: without it these tests fail
(collection error), they are never skipped.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from ecomplexity import ecomplexity
from ecomplexity import proximity as ec_proximity

from opora.economy import (
    ComplexityWarning,
    EconomyWarning,
    ZeroDiversityWarning,
    complexity,
    density,
    eci_pci,
    presence,
    proximity,
    rca,
    to_matrix,
)
from opora.errors import OporaError, ValidationError

COLS = {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}
TOL = 1e-8


def _instance(
    seed: int, n_loc: int, n_act: int, years: tuple[int, ...] = (2023,), zeros: float = 0.3
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for year in years:
        v = rng.lognormal(3.0, 1.5, size=n_loc * n_act) * (rng.random(n_loc * n_act) > zeros)
        frames.append(
            pd.DataFrame(
                {
                    "year": year,
                    "loc": np.repeat([f"{i:08d}" for i in range(n_loc)], n_act),
                    "prod": np.tile([f"S{j:02d}" for j in range(n_act)], n_loc),
                    "val": v,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _reference(data: pd.DataFrame, **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ecomplexity(data, COLS, verbose=False, check_logsupermodularity=False, **kw)
    return out.set_index(["year", "loc", "prod"]).sort_index()


def _ours(data: pd.DataFrame, **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EconomyWarning)
        res = complexity(data, location="loc", activity="prod", value="val", period="year", **kw)
    cells = res.cells.join(res.locations[["diversity", "eci", "coi"]])
    cells = cells.join(res.activities[["ubiquity", "pci"]])
    cells.index = cells.index.set_names(["year", "loc", "prod"])
    return cells.sort_index()


def _assert_same(ours: pd.DataFrame, ref: pd.DataFrame, columns: list[str]) -> None:
    ref = ref.reindex(ours.index)
    for col in columns:
        a = ours[col].to_numpy(float)
        b = ref[col].to_numpy(float)
        ok = ~np.isnan(b)
        assert ok.sum() > 0, col
        np.testing.assert_array_equal(np.isnan(a[ok]), False, err_msg=col)
        diff = np.max(np.abs(a[ok] - b[ok]))
        assert diff < TOL, f"{col}: max abs difference {diff}"
        if np.std(b[ok]) > 0:
            assert np.corrcoef(a[ok], b[ok])[0, 1] == pytest.approx(1.0, abs=1e-12), col


ALL = ["rca", "mcp", "diversity", "ubiquity", "eci", "pci", "density", "coi", "cog"]


@pytest.mark.parametrize(
    ("seed", "n_loc", "n_act", "years"),
    [
        (1, 60, 8, (2023,)),
        (2, 200, 20, (2022, 2023)),
        (3, 500, 19, (2023,)),
        (4, 35, 35, (2020, 2021, 2022)),
    ],
)
def test_matches_ecomplexity(seed: int, n_loc: int, n_act: int, years: tuple[int, ...]) -> None:
    data = _instance(seed, n_loc, n_act, years)
    _assert_same(_ours(data), _reference(data), ALL)


def test_matches_ecomplexity_with_other_threshold() -> None:
    data = _instance(5, 150, 15, zeros=0.1)
    # a threshold below 1 keeps every diversity and ubiquity positive
    _assert_same(_ours(data, threshold=0.8), _reference(data, rca_mcp_threshold=0.8), ALL)


def test_proximity_density_match_ecomplexity() -> None:
    data = _instance(6, 120, 12)
    m = presence(rca(to_matrix(data, location="loc", activity="prod", value="val")))
    phi = proximity(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ec_proximity(data, COLS)
    ref_phi = ref.pivot(index="prod_1", columns="prod_2", values="proximity")
    np.testing.assert_allclose(phi.sort_index().sort_index(axis=1), ref_phi, atol=1e-12)
    # proximity is the min of the two conditional probabilities, 1 on the diagonal
    mv = m.to_numpy(float)
    both = mv.T @ mv
    cond = both / mv.sum(axis=0)[None, :]
    np.testing.assert_allclose(phi, np.minimum(cond, cond.T))
    np.testing.assert_allclose(np.diag(phi), 1.0)
    d = density(m, phi)
    ours = _ours(data)["density"].unstack("prod").droplevel("year")
    np.testing.assert_allclose(d.sort_index().sort_index(axis=1), ours, atol=1e-12)
    eci, pci = eci_pci(m)
    res = _ours(data)
    np.testing.assert_allclose(
        eci.sort_index(), res.groupby(level="loc")["eci"].first(), atol=1e-12
    )
    np.testing.assert_allclose(
        pci.sort_index(), res.groupby(level="prod")["pci"].first(), atol=1e-12
    )


def test_sign_and_standardisation() -> None:
    data = _instance(8, 300, 20, zeros=0.5)
    res = complexity(data, location="loc", activity="prod", value="val", period="year")
    loc = res.locations
    assert np.corrcoef(loc["diversity"], loc["eci"])[0, 1] > 0
    assert loc["eci"].mean() == pytest.approx(0.0, abs=1e-12)
    assert loc["eci"].std(ddof=0) == pytest.approx(1.0, abs=1e-12)
    assert loc["coi"].std(ddof=0) == pytest.approx(1.0, abs=1e-12)
    # a location's ECI is the mean PCI of its activities
    cells = res.cells.join(res.activities["pci"])
    mean_pci = (cells["mcp"] * cells["pci"]).groupby(level=[0, 1]).sum() / loc["diversity"]
    np.testing.assert_allclose(mean_pci, loc["eci"], atol=1e-12)


def test_zero_diversity_location_gets_empty_eci_and_a_warning() -> None:
    data = _instance(9, 80, 10)
    data.loc[data["loc"] == "00000005", "val"] = 0.0  # a location with nothing
    data.loc[data["prod"] == "S03", "val"] = 0.0  # an activity nobody has
    with pytest.warns(ZeroDiversityWarning) as caught:
        res = complexity(data, location="loc", activity="prod", value="val", period="year")
    text = " ".join(str(w.message) for w in caught)
    assert "00000005" in text
    assert "S03" in text
    row = res.locations.loc[(2023, "00000005")]
    assert row["diversity"] == 0
    assert np.isnan(row["eci"])
    assert np.isnan(row["coi"])
    assert row["reason"] == "no value: the total is zero or every value is missing"
    act = res.activities.loc[(2023, "S03")]
    assert (act["ubiquity"], np.isnan(act["pci"])) == (0, True)
    assert act["reason"] == "no value: no location has this activity"
    cells = res.cells.loc[(2023, "00000005")]
    assert cells["density"].isna().all()
    assert cells["cog"].isna().all()
    # every other location keeps a value, equal to ecomplexity's (which drops both)
    assert res.locations["eci"].notna().sum() == 79
    assert res.locations["reason"].notna().sum() == 1
    _assert_same(_ours(data), _reference(data), ALL)
    rejects = res.rejects
    assert rejects[["kind", "id"]].values.tolist() == [
        ["location", "00000005"],
        ["activity", "S03"],
    ]
    assert issubclass(ZeroDiversityWarning, OporaError)


def test_zero_diversity_above_threshold_keeps_the_others() -> None:
    # With t = 1.3 a location whose structure is the average one (every RCA = 1) has
    # positive values but zero diversity. ecomplexity would turn every ECI into NaN;
    # here only that location is empty and the others equal ecomplexity run on the
    # same M without it (presence_test="manual" drops rows whose M is all zero).
    data = _instance(13, 60, 8, zeros=0.2)
    average = data.groupby("prod", as_index=False)["val"].sum().assign(year=2023, loc="AVG")
    data = pd.concat([data, average.assign(val=average["val"] / 10)], ignore_index=True)
    with pytest.warns(ZeroDiversityWarning, match="AVG"):
        res = complexity(
            data, location="loc", activity="prod", value="val", period="year", threshold=1.3
        )
    loc = res.locations.droplevel(0)
    assert loc.loc["AVG", "diversity"] == 0
    assert np.isnan(loc.loc["AVG", "eci"])
    assert loc.loc["AVG", "reason"] == "zero diversity: no activity with RCA >= 1.3"
    assert loc["eci"].notna().sum() == 60
    assert (res.activities["ubiquity"] > 0).all()
    manual = res.cells["mcp"].reset_index().rename(columns={"mcp": "val"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ecomplexity(
            manual, COLS, presence_test="manual", verbose=False, check_logsupermodularity=False
        )
    ref_eci = ref.groupby("loc")["eci"].first()
    assert ref_eci.notna().sum() == 60
    assert np.isnan(ref_eci["AVG"])
    np.testing.assert_allclose(loc["eci"].drop("AVG"), ref_eci.drop("AVG"), atol=TOL)


def test_missing_values_are_zero_with_a_warning() -> None:
    data = _instance(10, 100, 12)
    holes = data.sample(frac=0.05, random_state=3).index
    data.loc[holes, "val"] = np.nan
    with pytest.warns(ComplexityWarning, match=f"{len(holes)} values missing"):
        complexity(data, location="loc", activity="prod", value="val", period="year")
    filled = data.fillna({"val": 0.0})
    _assert_same(_ours(data), _reference(filled), ALL)


def test_absent_pairs_count_as_zero() -> None:
    data = _instance(11, 90, 10)
    sparse = data[data["val"] > 0]
    _assert_same(_ours(sparse), _reference(data), ALL)


def test_periods_are_independent() -> None:
    data = _instance(12, 70, 9, years=(2022, 2023))
    both = complexity(data, location="loc", activity="prod", value="val", period="year")
    one = complexity(data[data["year"] == 2023], location="loc", activity="prod", value="val")
    np.testing.assert_allclose(both.locations.loc[2023, "eci"], one.locations["eci"])
    assert both.proximity.index.names == ["year", "prod"]


@pytest.mark.filterwarnings("ignore:diversity is the same")
def test_disconnected_network_warns() -> None:
    data = pd.DataFrame(
        {
            "oktmo": ["a", "a", "b", "b", "c", "c", "d", "d"],
            "dimension": ["C", "J", "C", "J", "P", "Q", "P", "Q"],
            "value": [5.0, 5.0, 6.0, 4.0, 5.0, 5.0, 3.0, 7.0],
        }
    )
    with pytest.warns(ComplexityWarning, match="disconnected"):
        complexity(data)


def test_single_location_has_no_complexity() -> None:
    data = pd.DataFrame({"oktmo": ["a", "a"], "dimension": ["C", "P"], "value": [1.0, 2.0]})
    with pytest.warns(ZeroDiversityWarning, match="cannot be computed"):
        res = complexity(data)
    assert res.locations["eci"].isna().all()
    assert res.locations["reason"].str.startswith("no complexity").all()


def test_bad_tables_raise_typed_errors() -> None:
    good = pd.DataFrame({"oktmo": ["a", "b"], "dimension": ["C", "C"], "value": [1.0, 2.0]})
    with pytest.raises(ValidationError, match="column `okved`"):
        complexity(good, activity="okved")
    with pytest.raises(ValidationError, match="negative"):
        complexity(good.assign(value=[1.0, -2.0]))
    with pytest.raises(ValidationError, match="repeat a key"):
        complexity(good.assign(oktmo=["a", "a"]))
    with pytest.raises(ValidationError, match="threshold"):
        complexity(good, threshold=0)
    with pytest.raises(ValidationError, match="must hold numbers"):
        complexity(good.assign(value=["1", "many"]))
