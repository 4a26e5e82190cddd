"""Provenance section: the source and licence of every table, modelled tables, attribution.

The same data give the "modelled data" banner at the top of the report and the
attribution footer.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from opora.report._helpers import display_text, require_columns

__all__ = [
    "template_data",
]

_PROVENANCE_COLUMNS: Final[tuple[str, ...]] = (
    "table",
    "source",
    "licence",
    "date",
    "kind",
    "detail",
)


def template_data(provenance: pd.DataFrame) -> dict[str, Any]:
    """Prepare the provenance rows, the modelled tables and the attribution list.

    Parameters
    ----------
    provenance
        Columns ``table, source, licence, date, kind, detail``; ``kind`` is
        ``"real"`` or ``"modelled"``.

    Returns
    -------
    dict
        ``rows``, ``modelled`` (table and source of each modelled table) and
        ``attribution`` (each source and licence once) and ``population_method``
        (``"1"`` when settlement populations were scaled to the bulletin).

    Raises
    ------
    ReportInputError
        If a column is missing.
    """
    if len(provenance):
        require_columns(provenance, ["table", "source", "licence", "kind"], "provenance")
    rows = []
    modelled: list[dict[str, str]] = []
    attribution: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for record in provenance.to_dict("records"):
        row = {col: display_text(record.get(col)) for col in _PROVENANCE_COLUMNS}
        row["modelled"] = "1" if row["kind"].lower() == "modelled" else ""
        rows.append(row)
        if row["modelled"] and all(m["table"] != row["table"] for m in modelled):
            modelled.append({"table": row["table"], "source": row["source"]})
        pair = (row["source"], row["licence"])
        if row["source"] and pair not in seen:
            seen.add(pair)
            attribution.append({"source": row["source"], "licence": row["licence"]})
    # settlement populations scaled to the bulletin (opora.model.population): say how
    scaled = any(r["table"] == "settlement_population" for r in rows)
    return {
        "rows": rows,
        "modelled": modelled,
        "attribution": attribution,
        "population_method": "1" if scaled else "",
    }
