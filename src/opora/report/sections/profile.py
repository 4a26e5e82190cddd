"""Municipality profile section: the sortable table of municipal indicators.

The view model is the profile table itself with its :class:`ProfileColumn`
descriptions; :func:`build_profile_columns` describes the columns of
:func:`opora.analysis.profile.municipality_profile` and :func:`template_data` turns
the table into the header and rows of ``sections/profile.html.j2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from opora.analysis.profile import PROFILE_FIELDS
from opora.report._helpers import ProfileColumn, ProfileColumnLike, column_table

__all__ = ["ProfileColumn", "ProfileColumnLike", "build_profile_columns", "template_data"]


def build_profile_columns() -> list[ProfileColumn]:
    """Return the report's column descriptions for the municipality profile.

    Returns
    -------
    list of ProfileColumn
        One per :data:`~opora.analysis.profile.PROFILE_FIELDS` entry.
    """
    return [
        ProfileColumn(f.key, f.label_ru, f.label_en, f.unit_ru, f.unit_en, f.fmt, f.source)
        for f in PROFILE_FIELDS
    ]


def template_data(
    profile: pd.DataFrame, columns: Sequence[ProfileColumnLike], lang: str
) -> dict[str, Any]:
    """Prepare the municipality table's header and rows.

    Parameters
    ----------
    profile
        One row per top-level municipality: ``oktmo``, ``name`` and the columns
        named in ``columns``.
    columns
        How each column is labelled and formatted, in display order.
    lang
        Report language.

    Returns
    -------
    dict
        What ``sections/profile.html.j2`` reads: ``headers`` and ``rows``.

    Raises
    ------
    ReportInputError
        If a column is missing or has an unknown format.
    """
    return column_table(profile, columns, lang)
