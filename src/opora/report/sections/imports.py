"""Import summary section: rows read, kept, repaired, rejected and flagged per source.

The summary rows come from the import of each source
(:meth:`opora.model.result.ImportResult.summary`), as plain mappings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from opora.report._helpers import MISSING_TEXT, display_text, to_float, value_cell

__all__ = [
    "template_data",
]

_SUMMARY_BASE: Final[tuple[str, ...]] = ("read", "kept", "repaired", "rejected", "flagged")


def template_data(
    summary: Sequence[Mapping[str, object]], lang: str, t: Mapping[str, str]
) -> dict[str, Any]:
    """Prepare the import summary table: the five base counts plus any extra keys.

    Parameters
    ----------
    summary
        One mapping per source: ``source``, ``read``, ``kept``, ``repaired``,
        ``rejected``, ``flagged`` and any extra count keys (shown as extra columns).
    lang
        Report language.
    t
        The report's labels in that language.

    Returns
    -------
    dict
        ``headers`` and ``rows`` of the table.
    """
    extra: list[str] = []
    for row in summary:
        for key in row:
            if key != "source" and key not in _SUMMARY_BASE and key not in extra:
                extra.append(key)
    keys = [*_SUMMARY_BASE, *extra]
    headers = [t.get(f"col_{k}", k) if k in _SUMMARY_BASE else k for k in keys]
    rows = []
    for row in summary:
        cells = []
        for key in keys:
            value = row.get(key)
            number = to_float(value) if not isinstance(value, str) else None
            if number is not None:
                cells.append(value_cell(number, "int", lang))
            elif display_text(value):
                cells.append({"text": display_text(value), "v": "", "missing": False})
            else:
                cells.append({"text": MISSING_TEXT, "v": "", "missing": True})
        rows.append({"source": display_text(row.get("source")), "cells": cells})
    return {"headers": headers, "rows": rows}
