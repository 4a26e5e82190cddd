"""Corporate groups from ownership chains with a cycle, and the VIC criteria."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.errors import ValidationError
from opora.ties.graph import TiesCriteria, control_ties, derive_groups


def _firms() -> pd.DataFrame:
    rows = [
        # inn, place, municipality, region_code, in_region, section, employees
        ("E", "ext:77", None, "77", False, "K", 5000),
        ("A", "80701000001", "80701000", "02", True, "C", 1000),
        ("B", "80613101001", "80613000", "02", True, "A", 300),
        ("C", "80628416101", "80628000", "02", True, "G", 200),
        ("D", "80609101001", "80609000", "02", True, "C", 100),
        ("H", "80609101001", "80609000", "02", True, "G", 20),
        ("I", "80609419106", "80609000", "02", True, "G", 5),
        ("J", "80613101001", "80613000", "02", True, "C", 50),
        ("K", "80613410101", "80613000", "02", True, "A", 30),
        ("P", "80701000001", "80701000", "02", True, "M", 10),
        ("Q", "80701000001", "80701000", "02", True, "M", 40),
        ("F", "80701000001", "80701000", "02", True, "G", 8),
        ("G", "80628416101", "80628000", "02", True, "G", 9),
    ]
    cols = [
        "inn",
        "place",
        "municipality_oktmo",
        "region_code",
        "in_region",
        "okved_section",
        "employees",
    ]
    return pd.DataFrame(rows, columns=cols)


def _ownership() -> pd.DataFrame:
    rows = [
        ("A", "E", 1.0, "csv"),
        ("B", "A", 0.8, "csv"),
        ("C", "B", 0.6, "csv"),
        ("A", "C", 0.55, "csv"),  # closes the cycle A → B → C → A
        ("D", "C", 1.0, "csv"),
        ("I", "H", None, "csv"),  # the only owner, share unknown: control
        ("K", "J", None, "spark:head_company"),  # named as head company: control
        ("K", "F", 0.4, "csv"),
        ("P", "Q", 0.6, "csv"),  # P and Q own each other: a cycle without a root
        ("Q", "P", 0.6, "csv"),
        ("G", "F", 0.3, "csv"),  # no control
        ("G", "H", 0.5, "csv"),  # exactly half: no control
    ]
    return pd.DataFrame(rows, columns=["child_inn", "parent_inn", "share", "source"])


def test_control_ties() -> None:
    ctl = control_ties(_ownership())
    pairs = set(zip(ctl["parent_inn"], ctl["child_inn"], strict=True))
    assert pairs == {
        ("E", "A"),
        ("A", "B"),
        ("B", "C"),
        ("C", "A"),
        ("C", "D"),
        ("H", "I"),
        ("J", "K"),
        ("Q", "P"),
        ("P", "Q"),
    }
    strict = control_ties(_ownership(), TiesCriteria(control_share=0.7))
    assert ("B", "C") not in set(zip(strict["parent_inn"], strict["child_inn"], strict=True))


def test_groups_with_a_cycle() -> None:
    groups, members = derive_groups(_firms(), _ownership())
    g = groups.set_index("head_inn")
    assert set(g.index) == {"E", "H", "J", "Q"}
    main = g.loc["E"]
    assert main["group_id"] == "GE"
    assert main["n_firms"] == 5
    assert main["depth"] == 2  # E → {A, B, C} → D: the cycle counts as one step
    assert bool(main["has_cycle"])
    assert main["employees"] == 6600
    assert main["n_regions"] == 2  # Moscow and the workspace's region
    assert main["n_municipalities"] == 4
    assert main["stages"] == "distribution;primary;processing;services"
    assert bool(main["is_vic"])
    lvl = members[members["group_id"] == "GE"].set_index("inn")
    assert lvl["level"].to_dict() == {"A": 1, "B": 1, "C": 1, "D": 2, "E": 0}
    assert lvl["in_cycle"].to_dict() == {"A": True, "B": True, "C": True, "D": False, "E": False}
    # two firms owning each other: the one with more employees heads the group
    pq = g.loc["Q"]
    assert (pq["n_firms"], pq["depth"], bool(pq["has_cycle"])) == (2, 0, True)
    assert not bool(g.loc["H", "is_vic"])
    assert "F" not in set(members["inn"])
    assert "G" not in set(members["inn"])


def test_vic_criteria_are_editable() -> None:
    deeper = TiesCriteria(vic_min_depth=3)
    groups, _ = derive_groups(_firms(), _ownership(), criteria=deeper)
    assert not groups["is_vic"].any()
    small = TiesCriteria(vic_min_employees=50, vic_min_firms=2, vic_min_regions=1, vic_min_stages=1)
    groups, _ = derive_groups(_firms(), _ownership(), criteria=small)
    assert set(groups.loc[groups["is_vic"], "head_inn"]) == {"E", "J"}


def test_branches_spread_a_group() -> None:
    branches = pd.DataFrame(
        {"inn": ["H"], "place": ["80613410101"], "municipality_oktmo": ["80613000"]}
    )
    groups, _ = derive_groups(_firms(), _ownership(), branches)
    assert groups.set_index("head_inn").loc["H", "n_municipalities"] == 2


def test_criteria_from_mapping() -> None:
    c = TiesCriteria.from_mapping({"control_share": 0.25, "vic_min_firms": 4.0})
    assert (c.control_share, c.vic_min_firms) == (0.25, 4)
    with pytest.raises(ValidationError, match="unknown criterion"):
        TiesCriteria.from_mapping({"vic_size": 1})
    with pytest.raises(ValidationError, match="control_share"):
        TiesCriteria.from_mapping({"control_share": 1.5})
