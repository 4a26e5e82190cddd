"""Modelled firm registry: reproducible with its seed and consistent with the statistics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from opora.errors import ValidationError
from opora.io.firms import BRANCH_COLUMNS, FIRM_COLUMNS, OWNERSHIP_COLUMNS, inn_is_valid
from opora.ties.graph import derive_groups, establishments
from opora.ties.modelled import (
    ModelledRegistry,
    ModelledRegistryRule,
    employment_targets,
    modelled_inn,
    modelled_registry,
)

TIES = Path(__file__).parents[1] / "data" / "ties"
TOTALS = {"80701000": 30000, "80609000": 6000, "80628000": 4000, "80613000": 5000}


Inputs = Callable[[], tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]


@pytest.fixture(scope="module")
def inputs(ties_places) -> Inputs:
    """Return ``read()``: fresh settlements, municipalities and indicators of data/ties."""

    def read() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        s, m = ties_places()
        m["lon"], m["lat"] = m["lon"].astype(float), m["lat"].astype(float)
        ind = pd.read_csv(
            TIES / "indicators_small.csv", dtype={"oktmo": "string", "dimension": "string"}
        )
        return s, m, ind

    return read


@pytest.fixture(scope="module")
def model(inputs: Inputs) -> ModelledRegistry:
    return modelled_registry(*inputs(), seed=7)


def test_reproducible_with_the_seed(model: ModelledRegistry, inputs: Inputs) -> None:
    again = modelled_registry(*inputs(), seed=7)
    pd.testing.assert_frame_equal(model.firms, again.firms)
    pd.testing.assert_frame_equal(model.ownership, again.ownership)
    pd.testing.assert_frame_equal(model.branches, again.branches)
    other = modelled_registry(*inputs(), seed=8)
    assert not model.firms["place"].equals(other.firms["place"])


def test_targets_add_up_to_the_totals(model: ModelledRegistry) -> None:
    t = model.targets
    assert t.groupby("municipality_oktmo")["employees"].sum().to_dict() == TOTALS
    by = t.set_index(["municipality_oktmo", "section"])
    # reported shares are kept: 35 % of 6,000 in manufacturing
    assert by.loc[("80609000", "C"), "employees"] == 2100
    assert not bool(by.loc[("80609000", "C"), "imputed"])
    # a municipality without shares takes the regional ones
    assert by.loc["80613000", "imputed"].all()
    # shares adding up to 1.02 are scaled down
    assert by.loc[("80628000", "A"), "employees"] == round(4000 * 0.22 / 1.02)


def test_employment_consistent_with_statistics(model: ModelledRegistry) -> None:
    firms, branches = model.firms, model.branches
    est = establishments(firms, branches)
    info = firms.set_index("inn")
    est["section"] = est["inn"].map(info["okved_section"])
    place_mun = pd.concat(
        [firms[["place", "municipality_oktmo"]], branches[["place", "municipality_oktmo"]]]
    ).drop_duplicates("place")
    est["municipality"] = est["place"].map(place_mun.set_index("place")["municipality_oktmo"])
    head_lm = (est["kind"] == "head_office") & (est["inn"].map(info["segment"]) == "large_medium")
    large_medium = est[head_lm | (est["kind"] == "branch")]
    got = large_medium.groupby(["municipality", "section"])["employees"].sum()
    want = model.targets.set_index(["municipality_oktmo", "section"])["employees"]
    want = want[want > 0]
    pd.testing.assert_series_equal(
        got.reindex(want.index).fillna(0).astype(int), want.astype(int), check_names=False
    )
    assert int(got.sum()) == sum(TOTALS.values())


def test_organisation_counts(model: ModelledRegistry) -> None:
    org = model.organisations.set_index("municipality_oktmo")
    assert org.loc["80701000", "organisations"] == 3100  # the latest year
    assert bool(org.loc["80613000", "estimated"])
    inside = model.firms[model.firms["in_region"]]
    legal = inside.groupby("municipality_oktmo").size()
    assert legal.to_dict() == org["modelled_legal_entities"].to_dict()
    for code in ("80701000", "80609000", "80628000"):
        assert legal[code] == org.loc[code, "organisations"]


def test_every_table_is_flagged_modelled(model: ModelledRegistry) -> None:
    assert list(model.firms.columns) == [*FIRM_COLUMNS, "segment"]
    assert list(model.ownership.columns) == OWNERSHIP_COLUMNS
    assert list(model.branches.columns) == [*BRANCH_COLUMNS, "okved_section", "segment"]
    for table in (model.firms, model.ownership, model.branches):
        assert table["modelled"].all()
        assert (table["source"] == "modelled").all()
    assert model.firms["inn"].str.startswith("00").all()
    assert all(inn_is_valid(i) for i in model.firms["inn"])
    assert model.firms["inn"].is_unique
    assert modelled_inn(1)[:9] == "000000001"
    assert inn_is_valid(modelled_inn(1))


def test_ties_are_plausible(model: ModelledRegistry, ties_places) -> None:
    assert len(model.ownership) > 0
    assert len(model.branches) > 0
    groups, _ = derive_groups(model.firms, model.ownership, model.branches)
    assert not groups["has_cycle"].any()
    firms = model.firms.set_index("inn")
    outside = firms.loc[model.ownership["parent_inn"], "in_region"]
    assert (~outside).any()  # some control comes from outside the region
    assert set(model.firms.loc[~model.firms["in_region"], "place"]) <= {
        p for p, _ in ModelledRegistryRule().external_places
    }
    places = set(ties_places()[0]["settlement_id"])
    inside = model.firms.loc[model.firms["in_region"], "place"]
    assert set(inside) <= places | set(TOTALS)


def test_no_ties_when_rule_says_so(inputs: Inputs) -> None:
    rule = ModelledRegistryRule(p_tied=dict.fromkeys("ABCDEFGHIJKLMNOPQRS", 0.0), p_tied_small=0.0)
    model = modelled_registry(*inputs(), seed=1, rule=rule)
    assert model.ownership.empty
    assert model.branches.empty


def test_missing_statistics(inputs: Inputs) -> None:
    s, m, ind = inputs()
    with pytest.raises(ValidationError, match="emp_total"):
        modelled_registry(s, m, ind[ind["code"] != "emp_total"])
    only_totals = employment_targets(ind[ind["code"] == "emp_total"])
    assert only_totals["imputed"].all()


def test_inn_table_matches_modelled_inn():
    from opora.ties.modelled import _modelled_inn_cached

    numbers = [1, 2, 9, 10, 4095, 4096, 5000, 123_456]
    assert [_modelled_inn_cached(n) for n in numbers] == [modelled_inn(n) for n in numbers]
