"""Choosing the label table of a language, shared by the report and the town passport."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from opora.errors import UnknownLanguageError

__all__ = ["language_table"]

_T = TypeVar("_T")


def language_table(
    tables: Mapping[str, _T], lang: str, languages: Sequence[str], document: str
) -> _T:
    """Return the label table of ``lang``, or raise if the language is not supported.

    Parameters
    ----------
    tables
        Label tables by language.
    lang
        The language asked for.
    languages
        The supported languages, in the order the error message lists them.
    document
        What is written in that language (``"report"``, ``"passport"``), for the message.

    Returns
    -------
    Mapping
        ``tables[lang]``, the label table of the language.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not one of ``languages``.
    """
    if lang not in languages:
        msg = f"unknown {document} language {lang!r}; use one of {', '.join(languages)}"
        raise UnknownLanguageError(msg)
    return tables[lang]
