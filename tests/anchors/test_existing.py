"""Existing service centres: settlements holding every service of a level."""

from __future__ import annotations

import pandas as pd

from opora.anchors.existing import service_centres
from opora.anchors.framework import AnchorFramework
from opora.model.normatives import AnchorLevel, Normative

LEVELS = {
    "district": AnchorLevel("district", "межрайонный", "inter-district", 5000, 2),
    "local": AnchorLevel("local", "опорный", "local", 500, 1),
}
NORMS = {
    "school": Normative("school", "школа", "school", 30, 110, "places", 300, "local"),
    "post": Normative("post", "почта", "post", 30, 0.3, "offices", 500, "local"),
    "clinic": Normative("clinic", "поликлиника", "clinic", 60, 18, "visits", 5000, "district"),
}


def test_full_service_settlements_by_level():
    fac = pd.DataFrame(
        {
            "settlement_id": ["T", "T", "T", "V", "V", "W", None],
            "type": ["school", "post", "clinic", "school", "post", "school", "clinic"],
            "modelled": [True, True, True, False, False, False, False],
        }
    )
    got = service_centres(fac, NORMS, LEVELS).set_index("settlement_id")
    # T holds the district level's only service (and the local ones): district; V holds
    # both local services; W lacks the post office; the facility without a settlement is
    # ignored
    assert got["level"].to_dict() == {"T": "district", "V": "local"}
    assert bool(got.at["T", "modelled"])
    assert not bool(got.at["V", "modelled"])
    assert got["fixed"].all()
    assert not service_centres(fac, NORMS, LEVELS, fixed=False)["fixed"].any()
    assert service_centres(pd.DataFrame(), NORMS, LEVELS).empty


def test_existing_full_service_centre_stays_an_anchor():
    # the village V already has a school and a post office; the town T covers everyone
    # alone, so without the rule V would not be chosen
    pop = {"T": 20_000, "V": 700, "S": 300}
    rows = [(k, k, 0.0) for k in pop] + [
        (a, b, t)
        for (x, y), t in {("T", "V"): 20.0, ("T", "S"): 25.0, ("V", "S"): 10.0}.items()
        for a, b in ((x, y), (y, x))
    ]
    costs = pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes"])
    s = pd.DataFrame(
        {"settlement_id": list(pop), "name": list(pop), "population": list(pop.values())}
    )
    norms = {k: v for k, v in NORMS.items() if v.level == "local"}
    fw = AnchorFramework.from_cost_matrix(costs, s, norms, LEVELS)
    assert fw.solve().plan.by_level() == {"local": ["T"]}
    fac = pd.DataFrame({"settlement_id": ["V", "V"], "type": ["school", "post"]})
    centres = service_centres(fac, norms, LEVELS)
    plan = fw.solve(centres).plan
    assert plan.by_level() == {"local": ["V"]}  # V alone covers all too: nothing added
    assert bool(plan.anchors.set_index("settlement_id").at["V", "fixed"])
    released = fw.solve(centres.assign(fixed=False)).plan
    assert released.by_level() == {"local": ["T"]}
