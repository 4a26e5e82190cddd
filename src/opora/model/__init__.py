"""The model: validated tables keyed by OKTMO and the types every analysis shares.

Tables and schemas (settlements, municipalities, indicators, provenance); the road graph
(:mod:`~opora.model.roads`); size classes and urban types (:mod:`~opora.model.settlements`);
place names and regions (:mod:`~opora.model.names`, :mod:`~opora.model.regions`,
:mod:`~opora.model.places`); the settings types read from the TOML files
(:mod:`~opora.model.normatives`, :mod:`~opora.model.strategy`,
:mod:`~opora.model.thresholds`, :mod:`~opora.model.scenarios`). No module here reads a file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    """Import a name of :data:`__all__` on first use (pandera and pandas load only then)."""
    if name not in __all__:
        msg = f"module 'opora.model' has no attribute {name!r}"
        raise AttributeError(msg)
    where = "provenance" if name in ("Provenance", "provenance_frame") else "schemas"
    value = getattr(importlib.import_module(f"opora.model.{where}"), name)
    globals()[name] = value
    return value
