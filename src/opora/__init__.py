"""Opora: planning and monitoring of anchor settlements and small towns.

The public API gathers the readers of real formats (:mod:`opora.io`), the model
tables, the analyses and the outputs. Errors derive from :class:`OporaError`.

The names of :data:`__all__` are imported on first use (module ``__getattr__``), so
that ``import opora`` and the ``opora`` command start without pandas or geopandas;
``from opora import Region`` works as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opora._lazy import lazy_attribute
from opora._version import __version__

if TYPE_CHECKING:
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
    from opora.model import Provenance
    from opora.model.region import Region
    from opora.model.result import ImportResult

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

#: Where each lazily imported public name lives.
_ERRORS = (
    "AnchorSelectionError",
    "ChecksumError",
    "ComplexityWarning",
    "EconomyWarning",
    "EmptyFileError",
    "EncodingError",
    "FormatError",
    "InputFileError",
    "MissingColumnError",
    "MissingSheetError",
    "NotSolvedError",
    "OporaError",
    "RegisterFetchError",
    "ReportInputError",
    "RoadGraphError",
    "SourceNotFoundError",
    "TypologyError",
    "UnknownLanguageError",
    "UnknownRegionError",
    "ValidationError",
    "ZeroDiversityWarning",
)
_LAZY: dict[str, str] = {
    **dict.fromkeys(_ERRORS, "opora.errors"),
    "ImportResult": "opora.model.result",
    "Provenance": "opora.model",
    "Region": "opora.model.region",
    "Settings": "opora.config",
    "municipality_profile": "opora.analysis",
    "size_class": "opora.analysis",
}


def __getattr__(name: str) -> Any:
    """Import a public name of :data:`__all__` on first use and keep it.

    Parameters
    ----------
    name
        The attribute asked for.

    Returns
    -------
    Any
        The object.

    Raises
    ------
    AttributeError
        If ``name`` is not a public name of the package.
    """
    return lazy_attribute("opora", _LAZY, globals(), name)
