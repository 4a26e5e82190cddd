"""Why a cell of a municipality table is empty: ``not_evaluated`` reasons per row.

The profile and feature tables leave a value the sources do not give empty (``NaN``,
never zero). :func:`explain_missing` says why, in English and Russian, one text per
municipality: a column empty for the whole region means the region lacks the source
("no data for this region"); a column empty for some municipalities only means the
source publishes no value for them (suppressed, closed town, section absent).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["explain_missing"]


def _source_of(column: str, sources: Mapping[str, str]) -> str:
    if column in sources:
        return sources[column]
    for key, text in sources.items():
        if key.endswith(("<section>", "<service>")):
            stem = key.split("<", 1)[0]
            if column.startswith(stem):
                return text
    return ""


def explain_missing(
    table: pd.DataFrame,
    sources: Mapping[str, str],
    *,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """Name the empty cells of each row with the reason, in English and Russian.

    Parameters
    ----------
    table
        One row per municipality (index-aligned output).
    sources
        Column (or ``prefix_<section>`` / ``prefix_<service>`` family) → its source,
        quoted in the reason.
    columns
        Columns to explain; by default every floating-point column of ``table`` named
        in ``sources`` or in one of its families.

    Returns
    -------
    pandas.DataFrame
        Index of ``table``, columns ``not_evaluated`` and ``not_evaluated_ru``: one text
        per row, ``column: reason`` items joined by ``"; "``, empty where the row is
        complete.

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1.0, None], "b": [float("nan")] * 2})
    >>> explain_missing(t, {"a": "src A", "b": "src B"})["not_evaluated"].tolist()
    ['b: no data for this region (src B)', 'a: not published for this municipality (src A); b: no data for this region (src B)']
    """  # noqa: E501
    if columns is None:
        columns = [
            c
            for c in table.columns
            if pd.api.types.is_float_dtype(table[c]) and _source_of(str(c), sources)
        ]
    en = pd.Series("", index=table.index, dtype="object")
    ru = pd.Series("", index=table.index, dtype="object")
    for col in columns:
        empty = table[col].isna()
        if not empty.any():
            continue
        src = _source_of(col, sources)
        tail = f" ({src})" if src else ""
        if empty.all():
            text_en, text_ru = "no data for this region", "нет данных по региону"
        else:
            text_en = "not published for this municipality"
            text_ru = "не опубликовано для муниципалитета"
        sep_en = en[empty].map(lambda s: "; " if s else "")
        sep_ru = ru[empty].map(lambda s: "; " if s else "")
        en[empty] = en[empty] + sep_en + f"{col}: {text_en}{tail}"
        ru[empty] = ru[empty] + sep_ru + f"{col}: {text_ru}{tail}"
    return pd.DataFrame({"not_evaluated": en, "not_evaluated_ru": ru}, index=table.index)
