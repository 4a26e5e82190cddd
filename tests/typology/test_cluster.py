"""Clustering: seeded and reproducible, stable labels under row shuffling, NaN handling, ARI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.errors import TypologyError
from opora.io.thresholds import read_feature_table, read_thresholds
from opora.typology import (
    CLUSTER_FEATURES,
    TYPES,
    adjusted_rand_index,
    classify,
    cluster,
    cluster_inputs,
    compare_with_rules,
)

SAMPLE = Path(__file__).parents[1] / "data" / "typology" / "features_sample.csv"


def _blobs(n_per: int = 10, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    """Three well-separated groups: small budget towns, farm districts, big industrial cities."""
    rng = np.random.default_rng(seed)
    groups = [
        # population, budget %, transfers %, A %, C %, minutes, beds
        (15_000, 65, 82, 3, 2, 300, 5),
        (30_000, 45, 70, 20, 5, 150, 8),
        (200_000, 25, 45, 1, 35, 20, 6),
    ]
    rows, truth = [], []
    for g, (pop, budget, transfer, a, c, minutes, beds) in enumerate(groups):
        for _ in range(n_per):
            i = len(rows)
            rows.append(
                {
                    "oktmo": f"80{i:03d}000",
                    "name": f"M{i}",
                    "population": pop * rng.uniform(0.9, 1.1),
                    "population_change": rng.normal(-1, 0.1),
                    "share_65plus": rng.normal(17, 0.3),
                    "net_migration": rng.normal(-5, 0.3),
                    "minutes_to_large_city": minutes * rng.uniform(0.95, 1.05),
                    "served_outside_hospital": rng.uniform(0, 500),
                    "budget_employment_share": budget + rng.normal(0, 1),
                    "transfer_dependence": transfer + rng.normal(0, 1),
                    "emp_share_A": a + rng.normal(0, 0.3),
                    "emp_share_B": 1.0,
                    "emp_share_C": c + rng.normal(0, 0.5),
                    "beds_per_1000": beds,
                    "hhi": 0.15 + rng.normal(0, 0.005),
                    "social_share": 45 + rng.normal(0, 0.5),
                }
            )
            truth.append(g)
    return pd.DataFrame(rows), np.array(truth)


def test_inputs_are_documented_and_derived() -> None:
    f, _ = _blobs()
    x = cluster_inputs(f)
    assert list(x.columns) == list(CLUSTER_FEATURES)
    assert x.index.equals(f.index)
    np.testing.assert_allclose(x["log_population"], np.log10(f["population"]))
    np.testing.assert_allclose(x["industry_share"], f["emp_share_B"] + f["emp_share_C"])
    np.testing.assert_allclose(
        x["served_outside_share"], 100 * f["served_outside_hospital"] / f["population"]
    )


def test_recovers_separated_groups_with_ordered_labels() -> None:
    f, truth = _blobs()
    res = cluster(f, k=3, seed=0)
    assert adjusted_rand_index(list(res.labels), list(truth)) == 1.0
    # labels numbered by ascending mean log population: the big cities are cluster 2
    assert res.labels[truth == 2].eq(2).all()
    means = res.centres["log_population"].to_numpy()
    assert (np.diff(means) > 0).all()
    assert res.profile["n"].sum() == len(f)
    assert res.profile["distinctive"].str.contains("σ").all()


def test_reproducible_with_its_seed() -> None:
    f = read_feature_table(SAMPLE)
    a = cluster(f, k=3, seed=7)
    b = cluster(f, k=3, seed=7)
    pd.testing.assert_series_equal(a.labels, b.labels)
    assert a.inertia == b.inertia
    pd.testing.assert_frame_equal(a.centres, b.centres)


@pytest.mark.parametrize("shuffle_seed", [0, 1, 2, 3])
def test_labels_stable_under_row_shuffling(shuffle_seed: int) -> None:
    f, _ = _blobs(n_per=8, seed=5)
    f = pd.concat([f, read_feature_table(SAMPLE)], ignore_index=True)
    base = cluster(f, k=4, seed=0)
    shuffled = f.sample(frac=1.0, random_state=shuffle_seed)
    res = cluster(shuffled, k=4, seed=0)
    by_code = dict(zip(shuffled["oktmo"], res.labels, strict=True))
    again = pd.Series([by_code[c] for c in f["oktmo"]], dtype="Int64", name="cluster")
    pd.testing.assert_series_equal(again, base.labels.reset_index(drop=True))
    assert res.inertia == pytest.approx(base.inertia, rel=1e-12)


def test_missing_values_rows_and_columns() -> None:
    f, _ = _blobs()
    f.loc[0, ["population_change", "share_65plus", "net_migration"]] = np.nan  # imputed
    f.loc[1, :] = f.loc[1, ["oktmo", "name"]]  # nothing but the name: not clustered
    f["beds_per_1000"] = np.nan  # unknown everywhere: dropped
    res = cluster(f, k=3, seed=0)
    assert pd.isna(res.labels.iloc[1])
    assert res.labels.drop(index=1).notna().all()
    assert "log_beds_per_1000" in res.dropped
    assert "log_beds_per_1000" not in res.columns
    assert res.imputed["population_change"] == 1
    assert res.assignments["cluster"].isna().sum() == 1


def test_sample_with_missing_municipality() -> None:
    f = read_feature_table(SAMPLE)
    res = cluster(f, k=3, seed=0)
    mezhgorye = f.index[f["oktmo"] == "80707000"][0]
    assert res.labels.index.equals(f.index)
    assert res.labels.notna().sum() >= 9
    assert res.labels.dropna().isin([0, 1, 2]).all()
    # the regional capital is in the cluster of the largest places
    ufa = f.index[f["oktmo"] == "80701000"][0]
    assert res.labels[ufa] == 2
    assert mezhgorye in res.labels.index


def test_errors() -> None:
    f, _ = _blobs(n_per=2)
    with pytest.raises(TypologyError, match="at least 1"):
        cluster(f, k=0)
    with pytest.raises(TypologyError, match="unknown clustering feature"):
        cluster(f, columns=["nope"])
    with pytest.raises(TypologyError, match="fewer than k"):
        cluster(f, k=10)
    with pytest.raises(TypologyError, match="order_by"):
        cluster(f, k=2, order_by="eci")
    with pytest.raises(TypologyError, match="repeats"):
        cluster(pd.concat([f, f.iloc[[0]]]), k=2)


def test_adjusted_rand_index_matches_scikit_learn() -> None:
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    for _ in range(20):
        a = rng.integers(0, 4, 50)
        b = rng.integers(0, 3, 50)
        assert adjusted_rand_index(list(a), list(b)) == pytest.approx(
            sk.adjusted_rand_score(a, b), abs=1e-12
        )
    assert adjusted_rand_index([0, 0, 1, 1], ["x", "x", "y", "y"]) == 1.0
    assert adjusted_rand_index([0, 0, 0], [1, 1, 1]) == 1.0
    assert adjusted_rand_index([], []) == 1.0
    with pytest.raises(TypologyError, match="same length"):
        adjusted_rand_index([0], [0, 1])


def test_adjusted_rand_index_by_hand() -> None:
    # pairs: 6; a = {01}{23}, b = {012}{3}: agree on (0,1) together and on 3 apart pairs
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 0, 1]) == pytest.approx(0.0)
    assert adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0


def test_compare_with_rules(tmp_path: Path) -> None:
    f = read_feature_table(SAMPLE)
    res = cluster(f, k=3, seed=0)
    # judge districts by their own data too, so that the sample has several monotowns
    user = tmp_path / "t.toml"
    user.write_text(
        '[single_enterprise]\nmunicipality_types = ["urban_okrug", "municipal_district"]\n',
        encoding="utf-8",
    )
    long = classify(f, read_thresholds(user))
    cmp = compare_with_rules(res, long)
    assert list(cmp.crosstab.columns) == ["n", *TYPES]
    assert cmp.crosstab.index.tolist() == [0, 1, 2]
    assert cmp.crosstab["n"].sum() == res.labels.notna().sum()
    assigned = long[long["status"] == "assigned"]
    clustered = set(res.assignments.dropna(subset=["cluster"])["oktmo"])
    for type_id in TYPES:
        expected = assigned[(assigned["type"] == type_id) & assigned["oktmo"].isin(clustered)]
        assert cmp.crosstab[type_id].sum() == len(expected)
    ag = cmp.agreement.set_index("type")
    assert list(ag.index) == [*TYPES, "signature"]
    assert ag["ari"].drop(index="border").between(-1, 1).all()
    assert np.isnan(ag.loc["border", "ari"])  # never evaluated without a list
    assert ag.loc["single_enterprise", "n"] >= 2
    assert 0 < ag.loc["single_enterprise", "share_in_best"] <= 1
