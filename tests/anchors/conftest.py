"""The hand-solved case of the anchor framework: five settlements, two levels, two services.

A has 10,000 people, B and C 600, D 100, E 50 (no road). Travel times in minutes are
symmetric: A-B 20, A-C 50, B-C 30, C-D 25, A-D 75, B-D 55.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from opora.anchors.framework import AnchorFramework
from opora.model.normatives import AnchorLevel, Normative
from opora.model.roads import RoadGraph

LEVELS = {
    "district": AnchorLevel("district", "межрайонный центр", "inter-district centre", 5000, 2),
    "local": AnchorLevel("local", "опорный", "local anchor", 500, 1),
}
NORMS = {
    "school": Normative("school", "школа", "school", 30, 110, "places", 300, "local"),
    "clinic": Normative("clinic", "поликлиника", "polyclinic", 60, 18, "visits", 5000, "district"),
}
POP = {"A": 10000, "B": 600, "C": 600, "D": 100, "E": 50}
# symmetric travel times in minutes; E has no road at all
EDGES = {
    ("A", "B"): 20,
    ("A", "C"): 50,
    ("B", "C"): 30,
    ("C", "D"): 25,
    ("A", "D"): 75,
    ("B", "D"): 55,
}


@pytest.fixture
def hand_levels() -> dict[str, AnchorLevel]:
    """Levels: inter-district centres (5,000+ people) above local anchors (500+)."""
    return LEVELS


@pytest.fixture
def hand_norms() -> dict[str, Normative]:
    """A local school within 30 minutes, a district clinic within 60."""
    return NORMS


@pytest.fixture
def hand_settlements() -> pd.DataFrame:
    """The settlement table of the case."""
    return pd.DataFrame(
        {
            "settlement_id": list(POP),
            "name": [f"n{k}" for k in POP],
            "population": list(POP.values()),
            "municipality": ["m1", "m1", "m2", "m2", "m2"],
        }
    )


@pytest.fixture
def hand_costs() -> Callable[..., pd.DataFrame]:
    """Long cost table of the case, summer and winter (``winter_cd``: C-D in winter)."""

    def costs(winter_cd: float | None = None) -> pd.DataFrame:
        rows = []
        for state in ("summer", "winter"):
            for k in "ABCD":
                rows.append((k, k, 0.0, state))
            for (a, b), t in EDGES.items():
                if state == "winter" and {a, b} == {"C", "D"} and winter_cd is not None:
                    t = int(winter_cd)
                rows += [(a, b, float(t), state), (b, a, float(t), state)]
        return pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes", "state"])

    return costs


@pytest.fixture
def framework(hand_costs, hand_settlements, hand_norms, hand_levels) -> AnchorFramework:
    """The case from its cost table, C-D taking 35 minutes in winter."""
    return AnchorFramework.from_cost_matrix(
        hand_costs(winter_cd=35), hand_settlements, hand_norms, hand_levels
    )


@pytest.fixture
def line_graph() -> RoadGraph:
    """The case as a road graph: A-B 20, B-C 30, C-D 25 minutes; E without a road."""
    # nodes A B C D E on a road; E is on its own (no road)
    names = list("ABCDE")
    arcs = [("A", "B", 20), ("B", "C", 30), ("C", "D", 25)]
    f = [names.index(a) for a, b, _ in arcs] + [names.index(b) for a, b, _ in arcs]
    to = [names.index(b) for a, b, _ in arcs] + [names.index(a) for a, b, _ in arcs]
    w = [m for *_, m in arcs] * 2
    return RoadGraph(
        node_lon=np.array([55.0, 55.2, 55.4, 55.6, 57.0]),
        node_lat=np.full(5, 54.5),
        arc_from=np.array(f, dtype=np.int64),
        arc_to=np.array(to, dtype=np.int64),
        arc_minutes=np.array(w, dtype=float),
        arc_length_m=np.array(w, dtype=float) * 1000,
        arc_kind=np.array(["road"] * len(f), dtype=object),
        slowdown={"winter": 1.25},
    )
