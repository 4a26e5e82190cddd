"""Opora: planning and monitoring of anchor settlements and small towns.

The public API gathers the readers of real formats (:mod:`opora.io`), the model
tables, the analyses and the outputs. Errors derive from :class:`OporaError`.
"""

from opora._version import __version__
from opora.analysis import municipality_profile, size_class
from opora.config import Settings
from opora.errors import (
    AnchorSelectionError,
    ChecksumError,
    ComplexityWarning,
    EconomyWarning,
    EmptyFileError,
    EncodingError,
    FormatError,
    InputFileError,
    MissingColumnError,
    MissingSheetError,
    NotSolvedError,
    OporaError,
    RegisterFetchError,
    ReportInputError,
    RoadGraphError,
    SourceNotFoundError,
    TypologyError,
    UnknownLanguageError,
    UnknownRegionError,
    ValidationError,
    ZeroDiversityWarning,
)
from opora.io import ImportResult
from opora.model import Provenance
from opora.model.region import Region

__all__ = [
    "AnchorSelectionError",
    "ChecksumError",
    "ComplexityWarning",
    "EconomyWarning",
    "EmptyFileError",
    "EncodingError",
    "FormatError",
    "ImportResult",
    "InputFileError",
    "MissingColumnError",
    "MissingSheetError",
    "NotSolvedError",
    "OporaError",
    "Provenance",
    "Region",
    "RegisterFetchError",
    "ReportInputError",
    "RoadGraphError",
    "Settings",
    "SourceNotFoundError",
    "TypologyError",
    "UnknownLanguageError",
    "UnknownRegionError",
    "ValidationError",
    "ZeroDiversityWarning",
    "__version__",
    "municipality_profile",
    "size_class",
]
