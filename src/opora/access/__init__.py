"""Road network, travel times and accessibility measures."""

from opora.model.roads import STATES, RoadGraph

__all__ = ["STATES", "RoadGraph"]
