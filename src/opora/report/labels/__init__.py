"""Text labels of the HTML report, in Russian and English.

Every piece of fixed text that the report shows comes from :data:`LABELS`, so the
two languages stay in step: each key must exist in both dictionaries (a test checks
this). Labels that hold ``{name}`` placeholders are filled with :meth:`str.format`.

The labels live next to what shows them: :mod:`~opora.report.labels.common` holds the
document's own text and the text shared by several sections (tables, maps, travel
times); each section of :mod:`opora.report.sections` has a module of the same name
here. :data:`LABELS` merges them; no key may be defined twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from opora.report._language import language_table
from opora.report.labels import (
    access,
    anchors,
    common,
    economy,
    imports,
    overview,
    profile,
    provenance,
    strategy,
    ties,
)

__all__ = ["LABELS", "LANGUAGES", "label"]

#: Languages the report can be written in; the first one is the default.
LANGUAGES: tuple[str, ...] = ("ru", "en")

#: The label modules, in the order of the report.
_PARTS: Final = (
    common,
    overview,
    profile,
    imports,
    provenance,
    access,
    economy,
    strategy,
    ties,
    anchors,
)


def _merge(parts: tuple[Mapping[str, Mapping[str, str]], ...]) -> dict[str, dict[str, str]]:
    """Merge the label tables of ``parts`` by language; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for table in parts:
        for lang in LANGUAGES:
            repeated = merged[lang].keys() & table[lang].keys()
            if repeated:
                msg = f"report labels defined twice: {', '.join(sorted(repeated))}"
                raise RuntimeError(msg)
            merged[lang].update(table[lang])
    return merged


#: Label key → text, by language (``ru``, ``en``).
LABELS: dict[str, dict[str, str]] = _merge(tuple(part.LABELS for part in _PARTS))


def label(key: str, lang: str) -> str:
    """Return the report text for ``key`` in language ``lang``.

    Parameters
    ----------
    key
        Label key, such as ``"map_heading"``.
    lang
        ``"ru"`` or ``"en"``.

    Returns
    -------
    str
        The label text (it may hold ``{name}`` placeholders for :meth:`str.format`).

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not one of :data:`LANGUAGES`.
    KeyError
        If ``key`` is not a known label.
    """
    return language_table(LABELS, lang, LANGUAGES, "report")[key]
