"""Town economies: structure, specialisation and complexity of location × activity tables.

Plain functions on long tables (one row per location × activity, × period), returning
index-aligned tables; every value that cannot be computed is ``NaN`` with a reason.

* :mod:`opora.economy.structure` - location quotients, diversification (HHI, Shannon
  entropy, Theil), shift-share, simplification, and helpers that build the long tables
  from opora's sources;
* :mod:`opora.economy.complexity` - RCA, diversity, ubiquity, proximity, ECI, PCI,
  density, COI and COG, matching the Growth Lab ``ecomplexity`` package.
"""

from opora.economy.candidates import (
    CANDIDATES,
    EVIDENCE,
    STRONG_LQ,
    STRONG_PERCENTILE,
    Candidate,
    Evidence,
    specialisation_candidates,
)
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
from opora.economy.life_support import (
    BUDGET_SECTIONS,
    LIFE_SUPPORT_FIELDS,
    SECTION_NAMES,
    WAGE_SECTIONS,
    life_support_indicators,
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
    "BUDGET_SECTIONS",
    "CANDIDATES",
    "EVIDENCE",
    "LIFE_SUPPORT_FIELDS",
    "MEASURES",
    "SECTION_NAMES",
    "STRONG_LQ",
    "STRONG_PERCENTILE",
    "WAGE_SECTIONS",
    "Candidate",
    "ComplexityResult",
    "ComplexityWarning",
    "EconomyWarning",
    "Evidence",
    "Measure",
    "ZeroDiversityWarning",
    "complexity",
    "density",
    "diversification",
    "eci_pci",
    "employment_by_section",
    "life_support_indicators",
    "location_quotients",
    "org_stats_sections",
    "presence",
    "proximity",
    "rca",
    "shift_share",
    "simplification",
    "specialisation_candidates",
    "to_matrix",
]
