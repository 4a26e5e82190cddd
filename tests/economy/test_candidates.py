"""Specialisation candidates: a hand-built region with an obvious ranking, evidence, real data."""

import warnings

import numpy as np
import pandas as pd
import pytest

from opora.economy import EconomyWarning, complexity, employment_by_section
from opora.economy.candidates import (
    CANDIDATES,
    EVIDENCE,
    STRONG_LQ,
    specialisation_candidates,
)
from opora.errors import ValidationError
from opora.io.sources import read_embedded

SHARES = {
    "t": {"A": 0.05, "C": 0.05, "H": 0.05, "I": 0.40, "G": 0.15, "P": 0.30},  # tourism
    "g": {"A": 0.50, "C": 0.05, "H": 0.05, "I": 0.02, "G": 0.13, "P": 0.25},  # agro
    "m": {"A": 0.05, "C": 0.50, "H": 0.05, "I": 0.02, "G": 0.13, "P": 0.25},  # industry
    "l": {"A": 0.05, "C": 0.05, "H": 0.45, "I": 0.02, "G": 0.18, "P": 0.25},  # logistics
    **{
        f"f{i}": {"A": 0.10, "C": 0.10, "H": 0.10, "I": 0.05, "G": 0.25, "P": 0.40}
        for i in range(1, 5)
    },
}
MARKET = {"l": 900.0, "m": 250.0, "t": 200.0, "g": 115.0, "f1": 100.0, "f2": 101.0}
MARKET |= {"f3": 102.0, "f4": 103.0}


def _region(extra: list[tuple[object, ...]] | None = None) -> pd.DataFrame:
    """Eight municipalities, 1,000 employees and 10,000 residents each."""
    rows: list[tuple[object, ...]] = []
    for k, shares in SHARES.items():
        rows.append((k, "emp_total", 2023, "год", "", 1000.0))
        rows.extend((k, "emp_share", 2023, "год", s, v) for s, v in shares.items())
        rows.append((k, "Y48112013", 2024, "год", "", 10_000.0))
        rows.append((k, "Y48060002", 2024, "год", "", 2000.0 if k == "t" else 50.0))
        rows.append((k, "sber_market_access", 2024, "", "", MARKET[k]))
    rows.extend(extra or [])
    cols = ["oktmo", "code", "year", "period", "dimension", "value"]
    return pd.DataFrame(rows, columns=cols)


def _one(out: pd.DataFrame, oktmo: str, candidate: str) -> pd.Series:
    row = out[(out["oktmo"] == oktmo) & (out["candidate"] == candidate)]
    assert len(row) == 1
    return row.iloc[0]


def test_obvious_ranking_on_a_hand_built_region() -> None:
    out = specialisation_candidates(_region())
    first = out[out["rank"] == 1].set_index("oktmo")["candidate"].to_dict()
    assert first == {"t": "tourism", "g": "agro", "m": "industry_crafts", "l": "logistics"}
    # the second choices come from market access in the region's top quarter
    assert out[out["oktmo"] == "t"]["candidate"].tolist() == ["tourism", "logistics"]
    assert out[out["oktmo"] == "m"]["candidate"].tolist() == ["industry_crafts", "logistics"]
    assert out[out["oktmo"] == "l"]["candidate"].tolist() == ["logistics"]
    # the average towns have no strong signal: one row each, with the reason
    for k in ("f1", "f2", "f3", "f4"):
        rows = out[out["oktmo"] == k]
        assert len(rows) == 1
        assert pd.isna(rows["candidate"].iloc[0])
        assert pd.isna(rows["rank"].iloc[0])
        assert not rows["feasible"].iloc[0]
        assert "no candidate has a strong signal" in rows["reason"].iloc[0]
    assert out.loc[out["candidate"].notna(), "reason"].isna().all()
    assert out.loc[out["candidate"].notna(), "feasible"].all()


def test_scores_and_evidence_by_hand() -> None:
    out = specialisation_candidates(_region())
    # reference share of I: (0.40 + 3 * 0.02 + 4 * 0.05) / 8 = 0.0825
    t = _one(out, "t", "tourism")
    assert t["lq_I"] == pytest.approx(0.40 / 0.0825)
    assert t["beds_per_1000"] == pytest.approx(200.0)
    assert t["market_access"] == 200.0
    assert t["population"] == 10_000
    assert t["score"] == pytest.approx(1.0)  # top of the region on LQ I and on places
    assert t["strong_signals"] == "lq_I;beds_per_1000"
    assert "guest_nights_per_capita: no `Y47000004`" in t["missing_evidence"]
    # logistics of t: LQ H 0.4 ties lowest with g and m (percentile 2/8), market 6/8
    assert _one(out, "t", "logistics")["score"] == pytest.approx((0.25 + 0.75) / 2)
    assert _one(out, "t", "logistics")["strong_signals"] == "market_access"
    # agro of g: LQ A top (1.0), LQ C 0.05 / 0.13125 ties lowest with t and l (2/8)
    g = _one(out, "g", "agro")
    assert g["lq_A"] == pytest.approx(0.50 / 0.13125)
    assert g["lq_C"] == pytest.approx(0.05 / 0.13125)
    assert g["score"] == pytest.approx((1.0 + 0.25) / 2)
    m = _one(out, "m", "industry_crafts")
    assert m["manufacturing_share"] == pytest.approx(50.0)
    assert m["lq_C"] >= STRONG_LQ
    assert _one(out, "l", "logistics")["score"] == pytest.approx(1.0)


def test_why_sentences_cite_the_evidence() -> None:
    out = specialisation_candidates(_region())
    t = _one(out, "t", "tourism")
    assert t["why_ru"] == (
        "LQ гостиниц и общепита 4,8 (специализация); мест в средствах размещения 200 "
        "на 1000 жителей (верхняя четверть региона)"
    )
    assert t["why_en"] == (
        "LQ of accommodation and food 4.8 (specialisation); places in collective "
        "accommodation 200 per 1,000 residents (top quarter)"
    )
    m = _one(out, "m", "industry_crafts")
    assert "доля обрабатывающих в занятости 50,0%" in m["why_ru"]
    assert t["label_ru"] == "туризм"


def test_columns_and_types() -> None:
    out = specialisation_candidates(_region())
    expected = [
        "oktmo",
        "rank",
        "candidate",
        "label_ru",
        "label_en",
        "score",
        "feasible",
        "strong_signals",
        *EVIDENCE,
        "missing_evidence",
        "why_ru",
        "why_en",
        "reason",
    ]
    assert out.columns.tolist() == expected
    assert str(out["rank"].dtype) == "Int64"
    assert out["feasible"].dtype == bool
    assert set(out["candidate"].dropna()) <= {c.key for c in CANDIDATES}
    # without a complexity result the densities are empty and not scored
    assert out[[c for c in EVIDENCE if c.startswith("density_")]].isna().all().all()


def test_top_and_infeasible_options() -> None:
    out = specialisation_candidates(_region(), top=1)
    assert out.groupby("oktmo").size().max() == 1
    out = specialisation_candidates(_region(), top=None, include_infeasible=True)
    t = out[out["oktmo"] == "t"]
    assert len(t) == len(CANDIDATES)
    assert t["rank"].tolist()[:2] == [1, 2]
    assert t["rank"].iloc[2:].isna().all()
    assert not t["feasible"].iloc[2:].any()
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValidationError, match="top"):
            specialisation_candidates(_region(), top=bad)  # type: ignore[arg-type]


def test_densities_from_a_complexity_result() -> None:
    ind = _region()
    emp = employment_by_section(ind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EconomyWarning)
        res = complexity(emp)
    out = specialisation_candidates(ind, res)
    t = _one(out, "t", "tourism")
    assert t["density_I"] == pytest.approx(res.cells.loc[("t", "I"), "density"])
    assert t["density_A"] == pytest.approx(res.cells.loc[("t", "A"), "density"])
    assert "relatedness density of I" in t["why_en"]
    # the densities now enter the score: it differs from the one without them
    base = _one(specialisation_candidates(ind), "g", "agro")["score"]
    pct = out.drop_duplicates("oktmo").set_index("oktmo")["density_A"].rank(pct=True)
    assert _one(out, "g", "agro")["score"] == pytest.approx((2 * base + pct["g"]) / 3)


def test_sown_area_only_when_verified_and_thin_evidence_not_ranked() -> None:
    extra: list[tuple[object, ...]] = []
    sown = {"t": (5000.0, 5100.0), "g": (30000.0, 29000.0), "m": (2000.0, 200.0)}
    sown |= {"l": (100.0, np.nan), "f1": (1000.0, 1000.0)}
    for k, (total, spring) in sown.items():
        extra.append((k, "Y48007018", 2024, "год", "", total))
        if not np.isnan(spring):
            extra.append((k, "Y47000006", 2024, "год", "", spring))
    out = specialisation_candidates(_region(extra))
    g = _one(out, "g", "agro")
    assert g["sown_ha_per_capita"] == pytest.approx(3.0)
    assert "посевная площадь 3,0 га на жителя (верхняя четверть региона)" in g["why_ru"]
    ev = out.drop_duplicates("oktmo").set_index("oktmo")
    assert ev.at["t", "sown_ha_per_capita"] == pytest.approx(0.5)
    assert ev.at["f1", "sown_ha_per_capita"] == pytest.approx(0.1)
    assert np.isnan(ev.at["m", "sown_ha_per_capita"])  # 2,000 ha against 200: a part
    assert np.isnan(ev.at["l", "sown_ha_per_capita"])  # no second count: unverified
    full = specialisation_candidates(_region(extra), top=None, include_infeasible=True)
    m = _one(full, "m", "agro")
    assert "disagrees with the spring-account sown area" in m["missing_evidence"]
    assert "cannot be verified" in _one(full, "l", "agro")["missing_evidence"]
    # known for 2 of 8 municipalities only: shown where known, never ranked or strong
    thin = [("t", "Y47000004", 2024, "год", "", 90_000.0), ("g", "Y47000004", 2024, "год", "", 1.0)]
    out = specialisation_candidates(_region(thin))
    t = _one(out, "t", "tourism")
    assert t["guest_nights_per_capita"] == pytest.approx(9.0)
    assert "guest_nights_per_capita" not in t["strong_signals"]
    assert "not ranked: known for 2 of 8 municipalities only (needs 3)" in t["missing_evidence"]
    assert t["score"] == pytest.approx(1.0)


def test_suppressed_lq_is_missing_with_the_reason() -> None:
    ind = _region()
    ind = ind[~((ind["oktmo"] == "f1") & (ind["dimension"] == "I"))]
    out = specialisation_candidates(ind, top=None, include_infeasible=True)
    f1 = _one(out, "f1", "tourism")
    assert np.isnan(f1["lq_I"])
    assert "lq_I: employment in I: value missing (suppressed" in f1["missing_evidence"]


def test_municipalities_and_names() -> None:
    mun = pd.DataFrame({"oktmo": ["t", "g", "x"], "name": ["T", "G", "X"]})
    out = specialisation_candidates(_region(), municipalities=mun)
    assert out["oktmo"].unique().tolist() == ["t", "g", "x"]
    assert out.columns[1] == "name"
    assert out.loc[out["oktmo"] == "x", "name"].iloc[0] == "X"
    x = out[out["oktmo"] == "x"]
    assert len(x) == 1
    assert "no candidate has a strong signal" in x["reason"].iloc[0]


# ---------------------------------------------------------------------- real data


def test_real_bashkortostan_candidates() -> None:
    bundle = read_embedded()
    out = specialisation_candidates(bundle.indicators, municipalities=bundle.upper)
    assert set(out["oktmo"]) == set(bundle.upper["oktmo"])
    assert out["oktmo"].nunique() == 63
    ranked = out[out["candidate"].notna()]
    none = out[out["candidate"].isna()]
    assert none["oktmo"].is_unique
    assert none["reason"].str.startswith("no candidate has a strong signal").all()
    assert ranked["feasible"].all()
    assert ranked["why_ru"].notna().all()
    assert ranked["why_en"].notna().all()
    assert (ranked["strong_signals"].str.len() > 0).all()
    ranks = ranked.groupby("oktmo")["rank"].apply(list)
    assert all(r == list(range(1, len(r) + 1)) for r in ranks)
    assert ranked["rank"].max() <= 3
    # Abzelilovsky district (lake resorts): 4,420 places for 43,793 residents
    abz = _one(out, "80601000", "tourism")
    assert abz["rank"] == 1
    assert abz["beds_per_1000"] == pytest.approx(4420 / 43793 * 1000)
    assert "lq_I" in abz["strong_signals"]
    # the crop-level sown areas of the extract are not taken for totals
    ev = out.drop_duplicates("oktmo").set_index("oktmo")
    assert ev["sown_ha_per_capita"].notna().sum() <= 2
