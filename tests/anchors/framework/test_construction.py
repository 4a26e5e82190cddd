"""Travel times of the anchor framework: on a road graph, from a cost table (construction)."""

from __future__ import annotations

import networkx as nx
import pytest

from opora.anchors.framework import AnchorFramework, AnchorSelectionError


def test_graph_times_equal_networkx(line_graph, hand_settlements, hand_norms, hand_levels):
    graph = line_graph
    fw = AnchorFramework.from_graph(
        graph, hand_settlements, hand_norms, hand_levels, states=("summer", "winter")
    )
    g = nx.DiGraph()
    for a, b, w in zip(graph.arc_from, graph.arc_to, graph.arc_minutes, strict=True):
        g.add_edge(int(a), int(b), weight=float(w))
    ref = dict(nx.all_pairs_dijkstra_path_length(g))
    t = fw.times["summer"]
    cand = {0, 1, 2}  # 500+ people
    cutoff = 60  # the longest standard
    expected = {(i, j): d for i in ref for j, d in ref[i].items() if j in cand and d <= cutoff}
    got = {(int(o), int(d)): m for o, d, m in zip(t.origin, t.dest, t.minutes, strict=True)}
    assert got == pytest.approx(expected)
    w = fw.times["winter"]
    got_w = {(int(o), int(d)): m for o, d, m in zip(w.origin, w.dest, w.minutes, strict=True)}
    winter = {
        (i, j): d * 1.25 for i in ref for j, d in ref[i].items() if j in cand and d * 1.25 <= cutoff
    }
    assert got_w == pytest.approx(winter)
    assert fw.times["summer"].unreachable.tolist() == [False, False, False, False, True]


def test_cost_matrix_errors(hand_costs, hand_settlements, hand_norms, hand_levels):
    bad = hand_costs().assign(settlement_id=lambda f: f["settlement_id"].replace("D", "Q"))
    with pytest.raises(AnchorSelectionError, match=r"row .*settlement_id 'Q'"):
        AnchorFramework.from_cost_matrix(bad, hand_settlements, hand_norms, hand_levels)
