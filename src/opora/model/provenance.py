"""Provenance of every model table: source, licence, date, real or modelled."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

__all__ = ["Provenance", "provenance_frame"]


@dataclass(frozen=True)
class Provenance:
    """Where a table (or a part of it) comes from.

    Attributes
    ----------
    table
        Model table the record describes (``settlements``, ``municipalities``, ``indicators``...).
    source
        Human-readable source, such as ``"Rosstat bulletin, population on 1 Jan 2024"``.
    licence
        Licence of the source (``"CC BY 4.0"``, ``"GPL-3.0"``, ``"Rosstat official publication"``).
    date
        Date or period of the data, as text (``"2024-01-01"``, ``"2010-2022"``).
    kind
        ``"real"`` for published data, ``"modelled"`` for anything opora generated.
    detail
        File name, package version or rule, for the record.
    """

    table: str
    source: str
    licence: str
    date: str
    kind: Literal["real", "modelled"]
    detail: str = ""


def provenance_frame(records: list[Provenance]) -> pd.DataFrame:
    """Return provenance records as a table.

    Parameters
    ----------
    records
        Provenance records.

    Returns
    -------
    pandas.DataFrame
        Columns ``table, source, licence, date, kind, detail``.
    """
    cols = ["table", "source", "licence", "date", "kind", "detail"]
    return pd.DataFrame([asdict(r) for r in records], columns=cols).astype("string")
