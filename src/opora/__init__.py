"""Opora: planning and monitoring of anchor settlements and small towns.

The public API gathers the readers of real formats (:mod:`opora.io`), the model
tables, the analyses and the outputs. Errors derive from :class:`OporaError`.
"""

from opora._version import __version__
from opora.analysis import municipality_profile, size_class
from opora.config import Settings
from opora.errors import (
    ChecksumError,
    EmptyFileError,
    EncodingError,
    FormatError,
    InputFileError,
    MissingColumnError,
    MissingSheetError,
    OporaError,
    RegisterFetchError,
    SourceNotFoundError,
    UnknownRegionError,
    ValidationError,
)
from opora.io import ImportResult
from opora.model import Provenance
from opora.model.region import Region

__all__ = [
    "ChecksumError",
    "EmptyFileError",
    "EncodingError",
    "FormatError",
    "ImportResult",
    "InputFileError",
    "MissingColumnError",
    "MissingSheetError",
    "OporaError",
    "Provenance",
    "Region",
    "RegisterFetchError",
    "Settings",
    "SourceNotFoundError",
    "UnknownRegionError",
    "ValidationError",
    "__version__",
    "municipality_profile",
    "size_class",
]
