"""The model: validated tables keyed by OKTMO and the types every analysis shares.

Tables and schemas (settlements, municipalities, indicators, provenance); the road graph
(:mod:`~opora.model.roads`); size classes and urban types (:mod:`~opora.model.settlements`);
place names and regions (:mod:`~opora.model.names`, :mod:`~opora.model.regions`,
:mod:`~opora.model.places`); the settings types read from the TOML files
(:mod:`~opora.model.normatives`, :mod:`~opora.model.strategy`,
:mod:`~opora.model.thresholds`, :mod:`~opora.model.scenarios`). No module here reads a file.
"""

from opora.model.provenance import Provenance, provenance_frame
from opora.model.schemas import (
    INDICATOR_COLUMNS,
    MUNICIPALITY_COLUMNS,
    SETTLEMENT_COLUMNS,
    IndicatorSchema,
    MunicipalitySchema,
    SettlementSchema,
    validate,
)

__all__ = [
    "INDICATOR_COLUMNS",
    "MUNICIPALITY_COLUMNS",
    "SETTLEMENT_COLUMNS",
    "IndicatorSchema",
    "MunicipalitySchema",
    "Provenance",
    "SettlementSchema",
    "provenance_frame",
    "validate",
]
