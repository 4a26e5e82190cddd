"""Exceptions raised by opora.

Every error raised on purpose by opora derives from :class:`OporaError`, and each
specific error also derives from the matching built-in exception, so callers can
catch either ``OporaError`` or the built-in they already handle.

::

    OporaError
    ├── InputFileError (ValueError)        a file cannot be used as given
    │   ├── EmptyFileError                 the file has no data rows
    │   ├── EncodingError                  not UTF-8 (for example cp1251)
    │   ├── MissingColumnError             a required column is absent
    │   ├── MissingSheetError              a required workbook sheet is absent
    │   └── FormatError                    the layout is not the expected one
    ├── SourceNotFoundError (FileNotFoundError)  a source file or folder is missing
    ├── RegisterFetchError (RuntimeError)  the settlement register could not be fetched
    ├── ChecksumError (ValueError)         a fetched file does not match its pinned checksum
    ├── UnknownRegionError (KeyError)      a region name or code is not known
    └── ValidationError (ValueError)       a model table breaks its schema
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ChecksumError",
    "EmptyFileError",
    "EncodingError",
    "FormatError",
    "InputFileError",
    "MissingColumnError",
    "MissingSheetError",
    "OporaError",
    "RegisterFetchError",
    "SourceNotFoundError",
    "UnknownRegionError",
    "ValidationError",
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


class SourceNotFoundError(FileNotFoundError, OporaError):
    """A source file or data folder does not exist."""


class RegisterFetchError(RuntimeError, OporaError):
    """The settlement register could not be fetched from the package registry."""


class ChecksumError(ValueError, OporaError):
    """A fetched file does not match its pinned SHA-256 checksum."""


class UnknownRegionError(KeyError, OporaError):
    """A region name or code does not match any known region."""

    def __str__(self) -> str:
        """Return the message without the quotes that ``KeyError`` adds."""
        return str(self.args[0]) if self.args else ""


class ValidationError(ValueError, OporaError):
    """A model table does not satisfy its schema."""
