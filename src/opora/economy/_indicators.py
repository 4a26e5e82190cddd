"""Reading opora's long indicator table: one value per municipality, with the reason when none.

Shared by :mod:`opora.economy.life_support` and :mod:`opora.economy.candidates`:
:func:`normalise_indicators` checks and types the table, :func:`pick` takes one value
per OKTMO of a code (the latest year by default; placeholders and parts of a sector
split left out, with a reason), :func:`municipality_index` gives the rows of a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from opora.errors import ValidationError

__all__ = [
    "PLACEHOLDER",
    "Pick",
    "municipality_index",
    "normalise_indicators",
    "pick",
    "require_columns",
    "year_text",
]

#: Values at or above this are placeholders of the municipal database, not numbers.
PLACEHOLDER = 999_999_999.0

_REQUIRED = ("oktmo", "code", "year", "period", "dimension", "value")


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str, hint: str) -> None:
    """Refuse a table that lacks one of ``columns``.

    Parameters
    ----------
    frame
        The table given.
    columns
        Columns it needs.
    what
        Name of the table in the message.
    hint
        What to pass instead, ending the message.

    Raises
    ------
    ValidationError
        If a column is missing; the message names every missing one.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"{what} lacks the columns {', '.join(f'`{c}`' for c in missing)}; {hint}"
        raise ValidationError(msg)


def normalise_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """Return the indicators with text keys, float years and values, '' for totals."""
    require_columns(
        indicators,
        _REQUIRED,
        "the indicators table",
        "pass a long table with opora's INDICATOR_COLUMNS",
    )
    out = pd.DataFrame(
        {
            "oktmo": indicators["oktmo"].astype("string").str.strip(),
            "code": indicators["code"].astype("string"),
            "year": pd.to_numeric(indicators["year"], errors="coerce").astype("float64"),
            "period": indicators["period"].astype("string").fillna("").str.strip(),
            "dimension": indicators["dimension"].astype("string").fillna("").str.strip(),
            "value": pd.to_numeric(indicators["value"], errors="coerce").astype("float64"),
        }
    )
    return out[out["oktmo"].notna() & out["code"].notna()].reset_index(drop=True)


def year_text(year: float | None) -> str:
    """Write a year as text (``?`` when unknown)."""
    return "?" if year is None or np.isnan(year) else str(int(year))


@dataclass(frozen=True)
class Pick:
    """Values of one code by OKTMO, the year used, and why some OKTMO have no value."""

    code: str
    values: pd.Series
    year: float | None
    label: str
    why: dict[str, str] = field(default_factory=dict)

    def reasons(self, index: pd.Index) -> pd.Series:
        """Reason of every OKTMO of ``index`` without a value (missing for the others)."""
        if self.year is None:
            default = f"no `{self.code}` values in the indicators table"
        else:
            default = f"no `{self.code}` value for {self.label}"
        out = pd.Series(pd.NA, index=index, dtype="string")
        lack = ~index.isin(self.values.index)
        out[lack] = [self.why.get(str(k), default) for k in index[lack]]
        return out


def pick(
    ind: pd.DataFrame,
    code: str,
    *,
    year: float | None = None,
    dimension: str = "",
    period: str | None = None,
) -> Pick:
    """Pick one value per OKTMO of a code, dimension and period in one year.

    ``year=None`` takes the latest year with a value. Placeholders (999 999 999) and
    rows that are only parts of a sector split are left out, with a reason.
    """
    d = ind[ind["code"] == code]
    if period is not None:
        d = d[d["period"] == period]
    parts = d[d["dimension"].str.startswith("part ")]
    d = d[d["dimension"] == dimension]
    if year is None:
        known = d["year"][d["value"].notna()]
        year = float(known.max()) if len(known) else None
    label = year_text(year) + (f" {period}" if period else "")
    dim = f", dimension {dimension!r}" if dimension else ""
    if year is None:
        return Pick(code, pd.Series(dtype="float64"), None, label)
    d = d[d["year"] == year]
    parts = parts[parts["year"] == year]
    why: dict[str, str] = {}
    for k in pd.unique(parts["oktmo"]):
        why[str(k)] = (
            f"`{code}` {label}: only parts of a sector split ('part N') in the source, no total"
        )
    holder = d["value"] >= PLACEHOLDER
    for k in pd.unique(d.loc[holder, "oktmo"]):
        why[str(k)] = f"`{code}` {label}{dim}: placeholder 999 999 999 in the source, not a value"
    for k in pd.unique(d.loc[d["value"].isna(), "oktmo"]):
        why.setdefault(str(k), f"`{code}` {label}{dim}: value empty in the source")
    ok = d[~holder & d["value"].notna()]
    values = ok.groupby("oktmo", sort=False)["value"].first().astype("float64")
    values.index = values.index.astype("string")
    return Pick(code, values, year, label, why)


def municipality_index(
    ind: pd.DataFrame, municipalities: pd.DataFrame | None
) -> tuple[pd.Index, pd.Series | None]:
    """OKTMO of the rows (and their names): the given top-level ones, or the table's."""
    if municipalities is None:
        codes = ind.loc[~ind["code"].str.startswith("bul_"), "oktmo"]
        if codes.empty:
            codes = ind["oktmo"]
        return pd.Index(sorted(pd.unique(codes)), dtype="string", name="oktmo"), None
    if "oktmo" not in municipalities.columns:
        msg = "`municipalities` must have an `oktmo` column"
        raise ValidationError(msg)
    m = municipalities
    if "level" in m.columns:
        m = m[m["level"] == "upper"]
    ok = m["oktmo"].astype("string").str.strip()
    index = pd.Index(pd.unique(ok.dropna()), dtype="string", name="oktmo")
    names = None
    if "name" in m.columns:
        names = pd.Series(m["name"].to_numpy(), index=ok.to_numpy()).groupby(level=0).first()
        names.index = names.index.astype("string")
    return index, names
