"""Exceptions and warnings raised by opora.

Every error (and warning) raised on purpose by opora derives from :class:`OporaError`,
and each specific one also derives from the matching built-in exception or warning, so
callers can catch either ``OporaError`` or the built-in they already handle. Every such
class is defined here, and only here.

::

    OporaError
    ├── InputFileError (ValueError)        a file cannot be used as given
    │   ├── EmptyFileError                 the file has no data rows
    │   ├── EncodingError                  not UTF-8 (for example cp1251)
    │   ├── MissingColumnError             a required column is absent
    │   ├── MissingSheetError              a required workbook sheet is absent
    │   └── FormatError                    the layout is not the expected one
    ├── InputPathError (IsADirectoryError)  an input path is a folder, not a file
    ├── OutputPathError (OSError)          an output cannot be written where asked
    ├── SourceNotFoundError (FileNotFoundError)  a source file or folder is missing
    │   └── IncompleteRunError             an output folder has no completion record
    ├── RegisterFetchError (RuntimeError)  the settlement register could not be fetched
    ├── OsmDownloadError (RuntimeError)    an OpenStreetMap extract could not be downloaded
    ├── BoundaryNotFoundError (LookupError)  an OSM extract has no boundary of the region
    ├── ChecksumError (ValueError)         a fetched file does not match its pinned checksum
    │   └── OsmChecksumError               an OSM extract does not match its published MD5
    ├── UnknownRegionError (KeyError)      a region name or code is not known
    ├── ValidationError (ValueError)       a model table breaks its schema
    ├── RoadGraphError (ValueError)        links added to a road graph are not valid
    ├── TypologyError (ValueError)         typology arguments or inputs are not usable
    ├── AnchorSelectionError (ValueError)  anchor framework inputs are inconsistent
    ├── NotSolvedError (RuntimeError)      a location model result is read before solving
    ├── JobError (RuntimeError)            a web job's work failed (type and message kept)
    ├── DatabaseError (ConnectionError)    the PostGIS server store cannot be reached or used
    ├── UnknownLanguageError (ValueError)  a report language is not supported
    ├── ReportInputError (ValueError)      a table given to the report lacks a column
    └── EconomyWarning (UserWarning)       an economy result is partial or empty
        └── ComplexityWarning              a complexity result is partial or not unique
            └── ZeroDiversityWarning       some locations have zero diversity
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AnchorSelectionError",
    "BoundaryNotFoundError",
    "ChecksumError",
    "ComplexityWarning",
    "DatabaseError",
    "EconomyWarning",
    "EmptyFileError",
    "EncodingError",
    "FormatError",
    "IncompleteRunError",
    "InputFileError",
    "InputPathError",
    "JobError",
    "MissingColumnError",
    "MissingSheetError",
    "NotSolvedError",
    "OporaError",
    "OsmChecksumError",
    "OsmDownloadError",
    "OutputPathError",
    "RegisterFetchError",
    "ReportInputError",
    "RoadGraphError",
    "SourceNotFoundError",
    "TypologyError",
    "UnknownLanguageError",
    "UnknownRegionError",
    "ValidationError",
    "ZeroDiversityWarning",
]


class OporaError(Exception):
    """Base class of every error raised on purpose by opora."""


class InputFileError(ValueError, OporaError):
    """A file cannot be read as the expected format.

    Parameters
    ----------
    path
        The file that was read.
    message
        What is wrong and how to fix it.
    column
        The column concerned, if any.
    """

    def __init__(self, path: str | Path, message: str, column: str | None = None) -> None:
        self.path = Path(path)
        self.column = column
        where = f"{self.path}" + (f", column `{column}`" if column else "")
        super().__init__(f"{where}: {message}")


class EmptyFileError(InputFileError):
    """The file exists but holds no data rows."""


class EncodingError(InputFileError):
    """The file is not in the expected text encoding (UTF-8)."""


class MissingColumnError(InputFileError):
    """A required column is missing from a table."""


class MissingSheetError(InputFileError):
    """A required sheet is missing from a workbook."""


class FormatError(InputFileError):
    """The file's layout (header, sheet structure, values) is not the expected one."""


class InputPathError(IsADirectoryError, OporaError):
    """An input path names a folder (or something else that is not a file)."""


class OutputPathError(OSError, OporaError):
    """An output cannot be written where asked: read-only folder, a folder, an input."""


class SourceNotFoundError(FileNotFoundError, OporaError):
    """A source file or data folder does not exist."""


class IncompleteRunError(SourceNotFoundError):
    """An output folder has no completion record (``run.json``): its run did not finish."""


class RegisterFetchError(RuntimeError, OporaError):
    """The settlement register could not be fetched from the package registry."""


class ChecksumError(ValueError, OporaError):
    """A fetched file does not match its pinned SHA-256 checksum."""


class OsmChecksumError(ChecksumError):
    """A downloaded OpenStreetMap extract does not match the MD5 published beside it."""


class OsmDownloadError(RuntimeError, OporaError):
    """An OpenStreetMap extract (or its ``.md5`` file) could not be downloaded."""


class BoundaryNotFoundError(LookupError, OporaError):
    """An OSM extract holds no usable administrative boundary of the region asked for."""


class UnknownRegionError(KeyError, OporaError):
    """A region name or code does not match any known region."""

    def __str__(self) -> str:
        """Return the message without the quotes that ``KeyError`` adds."""
        return str(self.args[0]) if self.args else ""


class ValidationError(ValueError, OporaError):
    """A model table does not satisfy its schema."""


class RoadGraphError(ValueError, OporaError):
    """Links added to a road graph are not valid (unknown nodes, non-positive times)."""


class TypologyError(ValueError, OporaError):
    """Arguments or inputs of a typology (rules, clustering) cannot be used."""


class AnchorSelectionError(ValueError, OporaError):
    """Inputs of the anchor framework are inconsistent (unknown ids, states, levels)."""


class NotSolvedError(RuntimeError, OporaError):
    """A result of a location model was read before :meth:`LocationModel.solve`."""


class JobError(RuntimeError, OporaError):
    """The work of a web job failed; keeps the original error's type and message.

    Parameters
    ----------
    error_type
        Name of the error class the work raised (``FormatError``, ``TimeoutError``…).
    message
        Its message.
    expected
        ``True`` when it was an :class:`OporaError` (the message is for the user as it is).
    """

    def __init__(self, error_type: str, message: str, *, expected: bool) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.expected = expected


class DatabaseError(ConnectionError, OporaError):
    """The PostGIS server store cannot be reached, or its driver is not installed."""


class UnknownLanguageError(ValueError, OporaError):
    """The report language is not one of those supported (``ru``, ``en``)."""


class ReportInputError(ValueError, OporaError):
    """A table given to the report lacks a column the report needs, or holds a bad value."""


class EconomyWarning(UserWarning, OporaError):  # noqa: N818 - a warning, not an error
    """Base class of the warnings of :mod:`opora.economy`: a result is partial or empty."""


class ComplexityWarning(EconomyWarning):
    """A complexity result is partial or not unique (missing values, degenerate network)."""


class ZeroDiversityWarning(ComplexityWarning):
    """Some locations have zero diversity (or activities zero ubiquity): their ECI is empty."""
