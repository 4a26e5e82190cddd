"""Town metrics on a small network, against a hand computation.

Places: Ufa U (1.1 million, a core), the town T (Белебей) and the village V1 in the
same district, the village V2 in the neighbouring district (centres 59 km apart), the
village V3 in a far district, Moscow outside the region.

Firms and ties::

    fU (U, K, 1000) ──100%──▶ fT (T, C, 400) ──100%──▶ fV1 (V1, A, 100)
      │                          └────────60%────▶ fV2 (V2, A, 50)
      └── branch in T, 50 employees
    fM (Moscow, K, 5000) ──70%──▶ fV3 (V3, C, 80)
    fL (T, G, 150): independent;  supply fV1 → fT (300 thousand roubles)

Group GfU = {fU, fT, fV1, fV2}: 1,550 employees, 4 firms, 3 municipalities, depth 2,
stages services/processing/primary → a VIC. Group GfM = {fM, fV3}: 2 firms → not.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from opora.ties.graph import TiesNetwork, build_ties, establishments
from opora.ties.metrics import (
    DetachmentWeights,
    core_places,
    neighbours_by_distance,
    network_position,
    town_card,
    town_metrics,
)

U, T, V1, V2, V3 = "80701000001", "80609101001", "80609419106", "80617407101", "80627410101"
MU, MB, MN, MF = "80701000", "80609000", "80617000", "80627000"


def _places() -> pd.DataFrame:
    rows = [
        (U, U, "Уфа", "settlement", "г", MU, True, "Уфа", 1_100_000, 55.95, 54.73),
        (T, T, "Белебей", "settlement", "г", MB, True, "Белебей", 58_000, 54.11, 54.10),
        (V1, V1, "Малиновка", "settlement", "д", MB, False, None, 300, 54.20, 54.00),
        (V2, V2, "Буздяк", "settlement", "с", MN, False, None, 900, 54.53, 54.57),
        (V3, V3, "Зилаир", "settlement", "с", MF, False, None, 700, 57.44, 52.23),
        (MU, MU, "городской округ город Уфа", "municipality", "urban_okrug", MU, True, "Уфа",
         1_100_000, 55.95, 54.73),
        (MB, MB, "Белебеевский район", "municipality", "municipal_district", MB, True,
         "Белебей", 58_300, 54.11, 54.10),
        (MN, MN, "Буздякский район", "municipality", "municipal_district", MN, False, None,
         900, 54.53, 54.57),
        (MF, MF, "Зилаирский район", "municipality", "municipal_district", MF, False, None,
         700, 57.44, 52.23),
    ]  # fmt: skip
    cols = [
        "place",
        "oktmo",
        "name",
        "kind",
        "type",
        "municipality_oktmo",
        "is_town",
        "town_name",
        "population",
        "lon",
        "lat",
    ]
    return pd.DataFrame(rows, columns=cols)


def _firms() -> pd.DataFrame:
    rows = [
        ("fU", U, MU, "02", True, "K", 1000.0),
        ("fT", T, MB, "02", True, "C", 400.0),
        ("fV1", V1, MB, "02", True, "A", 100.0),
        ("fV2", V2, MN, "02", True, "A", 50.0),
        ("fV3", V3, MF, "02", True, "C", 80.0),
        ("fM", "ext:77", None, "77", False, "K", 5000.0),
        ("fL", T, MB, "02", True, "G", 150.0),
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
    out = pd.DataFrame(rows, columns=cols)
    out["revenue"] = float("nan")
    out["modelled"] = False
    return out


def _ownership() -> pd.DataFrame:
    rows = [("fT", "fU", 1.0), ("fV1", "fT", 1.0), ("fV2", "fT", 0.6), ("fV3", "fM", 0.7)]
    own = pd.DataFrame(rows, columns=["child_inn", "parent_inn", "share"])
    own["source"] = "test"
    return own


def _branches() -> pd.DataFrame:
    return pd.DataFrame(
        {"inn": ["fU"], "place": [T], "municipality_oktmo": [MB], "employees": [50.0]}
    )


def _supply() -> pd.DataFrame:
    return pd.DataFrame({"supplier_inn": ["fV1"], "customer_inn": ["fT"], "value": [300.0]})


@pytest.fixture(scope="module")
def net() -> TiesNetwork:
    return build_ties(_firms(), _ownership(), _branches(), _supply(), _places())


@pytest.fixture(scope="module")
def metrics(net: TiesNetwork) -> pd.DataFrame:
    return town_metrics(net).set_index("place")


def test_establishments_split_branch_employees() -> None:
    est = establishments(_firms(), _branches()).set_index(["inn", "kind"])
    assert est.loc[("fU", "head_office"), "employees"] == 950
    assert est.loc[("fU", "branch"), "employees"] == 50
    no_figure = _branches().assign(employees=float("nan"))
    est = establishments(_firms(), no_figure).set_index(["inn", "kind"])
    assert est.loc[("fU", "head_office"), "employees"] == 500
    assert est.loc[("fU", "branch"), "employees"] == 500
    assert bool(est.loc[("fU", "branch"), "estimated"])


def test_edges_and_groups(net: TiesNetwork) -> None:
    e = net.edges.set_index(["source", "target", "kind"])
    assert e.loc[(U, T, "control"), "employees"] == 400
    assert e.loc[(U, T, "branch"), "employees"] == 50
    assert e.loc[(T, V1, "control"), "employees"] == 100
    assert e.loc[(V1, T, "supply"), "value"] == 300
    assert e.loc[("ext:77", V3, "control"), "employees"] == 80
    assert not net.edges["local"].any()
    g = net.groups.set_index("head_inn")
    assert bool(g.loc["fU", "is_vic"])
    assert not bool(g.loc["fM", "is_vic"])
    assert g.loc["fU", "depth"] == 2
    assert net.graph.number_of_edges() == 6


def test_control_metrics_by_hand(metrics: pd.DataFrame) -> None:
    m = metrics
    assert set(m.index) == {U, T, V1, V2, V3}
    assert m.loc[U, "local_employment"] == 950
    assert m.loc[T, "local_employment"] == 600  # fT 400 + branch 50 + fL 150
    assert m.loc[U, "ext_controlled_share"] == 0
    assert m.loc[T, "ext_controlled_share"] == pytest.approx(450 / 600)
    assert m.loc[V1, "ext_controlled_share"] == 1
    assert m.loc[V3, "ext_controlled_share"] == 1  # controlled from Moscow
    assert m.loc[U, "vic_share"] == 1
    assert m.loc[T, "vic_share"] == pytest.approx(450 / 600)
    assert m.loc[V3, "vic_share"] == 0
    # decisions taken in Ufa (the group head) for 400 + 50 + 100 + 50 employees elsewhere
    assert m.loc[U, "control_exported"] == 600
    assert m.loc[U, "n_controlled_elsewhere"] == 4
    assert m.loc[U, "control_export_ratio"] == pytest.approx(600 / 950)
    assert m.loc[T, "control_exported"] == 0


def test_core_and_rural_ties_by_hand(metrics: pd.DataFrame) -> None:
    m = metrics
    assert bool(m.loc[U, "is_core"])
    assert (m.loc[T, "core_links"], m.loc[T, "core_weight"]) == (2, 450)
    assert m.loc[T, "core_share"] == pytest.approx(450 / 600)
    assert (m.loc[V3, "core_links"], m.loc[V3, "core_share"]) == (1, 1.0)  # Moscow
    assert m.loc[U, "core_links"] == 0
    # the town T: V1 in its own district (control and supply), V2 in the neighbouring one
    assert m.loc[T, "rural_links"] == 3
    assert m.loc[T, "rural_own_links"] == 2
    assert m.loc[T, "rural_neighbour_links"] == 1
    assert m.loc[T, "rural_weight"] == 150
    assert m.loc[U, "rural_links"] == 0


def test_network_position_by_hand(metrics: pd.DataFrame) -> None:
    m = metrics
    assert m.loc[T, "degree"] == 3
    assert m.loc[U, "degree"] == 1
    assert m.loc[T, "strength"] == 600
    assert m.loc[U, "strength"] == 450
    # T lies on the 3 shortest paths between U, V1 and V2; 6 tied places → 3 / (5·4/2)
    assert m.loc[T, "betweenness"] == pytest.approx(0.3)
    assert m.loc[U, "betweenness"] == 0
    assert m.loc[T, "community"] != m.loc[V3, "community"]


def test_detachment_index_by_hand(metrics: pd.DataFrame) -> None:
    m = metrics
    # medians over the towns U and T of the positive values: core 450, rural 150, strength 525
    assert m.loc[T, "c_core"] == pytest.approx(450 / 900)
    assert m.loc[T, "c_rural"] == pytest.approx(150 / 300)
    assert m.loc[T, "c_network"] == pytest.approx(600 / 1125)
    assert m.loc[T, "c_vic"] == pytest.approx(0.75)
    assert m.loc[T, "detachment"] == pytest.approx(1 - (0.75 + 0.5 + 0.5 + 600 / 1125) / 4)
    assert m.loc[U, "detachment"] == pytest.approx(1 - (1 + 0 + 0 + 450 / 975) / 4)
    assert m.loc[V3, "c_core"] == pytest.approx(80 / 530)


def test_detachment_weights(net: TiesNetwork) -> None:
    only_vic = town_metrics(net, weights=DetachmentWeights(1, 0, 0, 0)).set_index("place")
    assert only_vic.loc[T, "detachment"] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="detachment weights"):
        DetachmentWeights(0, 0, 0, 0).normalised()


def test_cores_given_explicitly(net: TiesNetwork) -> None:
    m = town_metrics(net, cores=[MB]).set_index("place")
    assert bool(m.loc[T, "is_core"])
    assert m.loc[U, "core_links"] == 2
    assert core_places(_places(), cores=[MB]) == {MB, T, "ext:77", "ext:78"}


def test_neighbours_by_distance() -> None:
    near = neighbours_by_distance(_places(), km=70)
    assert near[MB] == {MN}
    assert near[MF] == set()
    assert MN in neighbours_by_distance(_places(), km=60)[MB]
    assert MN not in neighbours_by_distance(_places(), km=50)[MB]


def test_municipality_level(net: TiesNetwork) -> None:
    by_mun = build_ties(
        _firms(), _ownership(), _branches(), _supply(), _places(), level="municipality"
    )
    m = town_metrics(by_mun).set_index("place")
    assert set(m.index) == {MU, MB, MN, MF}
    assert m.loc[MB, "local_employment"] == 700
    assert m.loc[MB, "ext_controlled_share"] == pytest.approx(550 / 700)
    assert m.loc[MB, "degree"] == 2  # Ufa and Buzdyak; the T-V1 ties are inside MB
    assert m.loc[MB, "rural_links"] == 3  # still counted from the settlements
    assert bool(by_mun.edges["local"].any())


def test_seeded_communities_are_reproducible() -> None:
    g = nx.karate_club_graph()
    nx.set_edge_attributes(g, 1.0, "weight")
    a = network_position(g, seed=3)
    b = network_position(g, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["community"].notna().all()


def test_town_card(metrics: pd.DataFrame) -> None:
    card = town_card(metrics.reset_index())
    assert card["place"].tolist() == [U, T]  # towns only, most detached first
    assert card["town"].tolist() == ["Уфа", "Белебей"]
