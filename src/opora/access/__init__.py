"""Road network, travel times and accessibility measures."""

from opora.access.graph import STATES, RoadGraph

__all__ = ["STATES", "RoadGraph"]
