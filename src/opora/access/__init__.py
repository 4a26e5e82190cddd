"""Road network, travel times and accessibility measures."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opora.model.roads import STATES, RoadGraph

__all__ = ["STATES", "RoadGraph"]


def __getattr__(name: str) -> Any:
    """Import :data:`__all__` on first use: the measures run without scipy or pyproj."""
    if name not in __all__:
        msg = f"module 'opora.access' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module("opora.model.roads"), name)
    globals()[name] = value
    return value
