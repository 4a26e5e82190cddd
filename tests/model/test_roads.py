"""The road graph: seasonal slowdown and new links."""

from __future__ import annotations

import numpy as np
import pytest

from opora.errors import RoadGraphError
from opora.model.roads import RoadGraph


def test_graph_slowdown_and_links():
    g = RoadGraph(
        node_lon=np.array([55.0, 55.1, 55.2]),
        node_lat=np.array([54.0, 54.0, 54.0]),
        arc_from=np.array([0, 1], dtype=np.int64),
        arc_to=np.array([1, 0], dtype=np.int64),
        arc_minutes=np.array([10.0, 10.0]),
        arc_length_m=np.array([6500.0, 6500.0]),
        arc_kind=np.array(["road", "road"], dtype=object),
        slowdown={"winter": 1.5},
    )
    assert g.csr("winter")[0, 1] == 15.0
    assert g.csr("summer")[0, 1] == 10.0
    h = g.with_links([1], [2], [7.0], open_in=("summer",))
    assert h.n_arcs == 4
    assert g.n_arcs == 2
    assert h.csr("summer")[2, 1] == 7.0
    assert h.csr("winter")[1, 2] == 0.0  # closed in winter
    assert h.arc_length_m[-1] == pytest.approx(6.5e3, rel=0.02)  # 0.1° of longitude at 54°N
    with pytest.raises(ValueError, match="not a node"):
        g.with_links([0], [5], [1.0])
    with pytest.raises(RoadGraphError, match="travel time > 0"):
        g.with_links([0], [1], [0.0])
    with pytest.raises(RoadGraphError, match="same length"):
        g.with_links([0, 1], [1], [1.0])
