"""Town economies: structure, specialisation and complexity of location × activity tables.

Plain functions on long tables (one row per location × activity, × period), returning
index-aligned tables; every value that cannot be computed is ``NaN`` with a reason.

* :mod:`opora.economy.structure` - location quotients, diversification (HHI, Shannon
  entropy, Theil), shift-share, simplification, and helpers that build the long tables
  from opora's sources;
* :mod:`opora.economy.complexity` - RCA, diversity, ubiquity, proximity, ECI, PCI,
  density, COI and COG, matching the Growth Lab ``ecomplexity`` package.
"""

from opora.economy.complexity import (
    ComplexityResult,
    ComplexityWarning,
    ZeroDiversityWarning,
    complexity,
    density,
    eci_pci,
    presence,
    proximity,
    rca,
    to_matrix,
)
from opora.economy.structure import (
    MEASURES,
    EconomyWarning,
    Measure,
    diversification,
    employment_by_section,
    location_quotients,
    org_stats_sections,
    shift_share,
    simplification,
)

__all__ = [
    "MEASURES",
    "ComplexityResult",
    "ComplexityWarning",
    "EconomyWarning",
    "Measure",
    "ZeroDiversityWarning",
    "complexity",
    "density",
    "diversification",
    "eci_pci",
    "employment_by_section",
    "location_quotients",
    "org_stats_sections",
    "presence",
    "proximity",
    "rca",
    "shift_share",
    "simplification",
    "to_matrix",
]
