"""Location models for anchor settlements: set covering, maximal covering, p-median, p-center.

Build a model from a sparse long cost table (``demand_id, site_id, cost``; a missing pair
is unreachable), solve it exactly with HiGHS or with a fast heuristic that reports a
valid bound, and read the results as tables::

    from opora.anchors import PMedian

    model = PMedian.from_cost_matrix(costs, demand, sites, p=20).solve(time_limit=60)
    model.selected, model.assignment, model.objective, model.gap
"""

from opora.anchors.models import (
    LSCP,
    MCLP,
    MODELS,
    LocationModel,
    Method,
    NotSolvedError,
    PCenter,
    PMedian,
)

__all__ = [
    "LSCP",
    "MCLP",
    "MODELS",
    "LocationModel",
    "Method",
    "NotSolvedError",
    "PCenter",
    "PMedian",
]
