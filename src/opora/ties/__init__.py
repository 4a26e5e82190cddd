"""Inter-municipal economic ties of towns, from firm registries.

* :mod:`opora.model.places`: firm locations (names, addresses, OKTMO) → places of the
  workspace;
* :mod:`opora.ties.graph`: the ties network (control, branches, supply), corporate
  groups and vertically integrated corporations (VIC);
* :mod:`opora.ties.metrics`: per-town metrics, network position, detachment index;
* :mod:`opora.ties.modelled`: a modelled firm registry for a region without one.

The readers of the registries are in :mod:`opora.io.firms`.
"""

from opora.model.places import (
    Location,
    LocationIndex,
    Resolution,
    normalise_name,
    parse_address,
)
from opora.ties.graph import (
    STAGES,
    TiesCriteria,
    TiesNetwork,
    build_ties,
    combine_firms,
    control_ties,
    derive_groups,
    establishments,
    place_table,
)
from opora.ties.metrics import (
    DetachmentWeights,
    core_places,
    neighbours_by_distance,
    network_position,
    town_card,
    town_metrics,
)
from opora.ties.modelled import ModelledRegistry, ModelledRegistryRule, modelled_registry

__all__ = [
    "STAGES",
    "DetachmentWeights",
    "Location",
    "LocationIndex",
    "ModelledRegistry",
    "ModelledRegistryRule",
    "Resolution",
    "TiesCriteria",
    "TiesNetwork",
    "build_ties",
    "combine_firms",
    "control_ties",
    "core_places",
    "derive_groups",
    "establishments",
    "modelled_registry",
    "neighbours_by_distance",
    "network_position",
    "normalise_name",
    "parse_address",
    "place_table",
    "town_card",
    "town_metrics",
]
