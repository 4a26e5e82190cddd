"""Validated model tables keyed by OKTMO: settlements, municipalities, indicators, provenance."""

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
