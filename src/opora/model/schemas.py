"""Schemas of the model tables, checked with pandera.

Columns and dtypes
------------------
settlements (GeoDataFrame, EPSG:4326 points)
    ``settlement_id`` (str, unique key: the 11-digit OKTMO where known, otherwise
    ``"<source>:<id>"``), ``oktmo`` (str, 11 digits or missing when the source only
    knows the municipality), ``name`` (str), ``type`` (str: г, пгт, с, д, п, ...),
    ``municipality_oktmo`` (str, 8 digits: the lowest municipality known), ``region``
    (str), ``population`` (Int64, people), ``population_year`` (Int64),
    ``oktmo_quality`` (str: ``ok``, ``repaired_zero``, ``municipality_only``,
    ``repaired_scientific``), ``duplicate_name`` (bool), ``geometry`` (Point).
municipalities (GeoDataFrame, EPSG:4326 points at the centre)
    ``oktmo`` (str, 8 digits, unique), ``name``, ``type`` (``municipal_district``,
    ``municipal_okrug``, ``urban_okrug``, ``urban_settlement``, ``rural_settlement``,
    ``intracity``), ``level`` (``upper`` / ``lower``), ``parent_oktmo`` (str, 8 digits;
    the region's code ``NN000000`` for top-level ones), ``region``, ``centre_name``,
    ``is_regional_centre``, ``is_zato``, ``is_arctic``, ``is_far_north`` (bool),
    ``centre_source`` (where the centre point comes from), ``geometry`` (Point).
indicators (DataFrame, long form)
    ``oktmo`` (str, 8 digits), ``code`` (str), ``name`` (str), ``unit`` (str), ``year``
    (Int64), ``period`` (str), ``value`` (float), ``source`` (str), ``dimension`` (str:
    a breakdown such as an OKVED section, an age group or a spending category; empty
    when the value is a total).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from opora.errors import ValidationError

__all__ = [
    "INDICATOR_COLUMNS",
    "INDICATOR_DTYPES",
    "MUNICIPALITY_COLUMNS",
    "SETTLEMENT_COLUMNS",
    "IndicatorSchema",
    "MunicipalitySchema",
    "SettlementSchema",
    "validate",
]

SETTLEMENT_COLUMNS = [
    "settlement_id",
    "oktmo",
    "name",
    "type",
    "municipality_oktmo",
    "region",
    "population",
    "population_year",
    "oktmo_quality",
    "duplicate_name",
    "geometry",
]
MUNICIPALITY_COLUMNS = [
    "oktmo",
    "name",
    "type",
    "level",
    "parent_oktmo",
    "region",
    "centre_name",
    "is_regional_centre",
    "is_zato",
    "is_arctic",
    "is_far_north",
    "centre_source",
    "geometry",
]
INDICATOR_COLUMNS = [
    "oktmo",
    "code",
    "name",
    "unit",
    "year",
    "period",
    "dimension",
    "value",
    "source",
]
#: Dtypes of the indicator columns (the ``astype`` argument of a reader's table).
INDICATOR_DTYPES: dict[str, str] = {
    "oktmo": "string",
    "code": "string",
    "name": "string",
    "unit": "string",
    "year": "Int64",
    "period": "string",
    "dimension": "string",
    "value": "float64",
    "source": "string",
}

_OKTMO8 = r"^\d{8}$"
_OKTMO11 = r"^\d{11}$"

SettlementSchema = pa.DataFrameSchema(
    {
        "settlement_id": pa.Column(str, unique=True),
        "oktmo": pa.Column(str, pa.Check.str_matches(_OKTMO11), nullable=True),
        "name": pa.Column(str),
        "type": pa.Column(str),
        "municipality_oktmo": pa.Column(str, pa.Check.str_matches(_OKTMO8)),
        "region": pa.Column(str),
        "population": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "population_year": pa.Column("Int64", nullable=True),
        "oktmo_quality": pa.Column(
            str,
            pa.Check.isin(["ok", "repaired_zero", "municipality_only", "repaired_scientific"]),
        ),
        "duplicate_name": pa.Column(bool),
    },
    strict=False,
    coerce=False,
    name="settlements",
)

MunicipalitySchema = pa.DataFrameSchema(
    {
        "oktmo": pa.Column(str, pa.Check.str_matches(_OKTMO8), unique=True),
        "name": pa.Column(str),
        "type": pa.Column(
            str,
            pa.Check.isin(
                [
                    "municipal_district",
                    "municipal_okrug",
                    "urban_okrug",
                    "urban_settlement",
                    "rural_settlement",
                    "intracity",
                    "intercity_territory",
                    "other",
                ]
            ),
        ),
        "level": pa.Column(str, pa.Check.isin(["upper", "lower"])),
        "parent_oktmo": pa.Column(str, pa.Check.str_matches(_OKTMO8)),
        "region": pa.Column(str),
        "is_regional_centre": pa.Column(bool),
        "is_zato": pa.Column(bool),
        "is_arctic": pa.Column(bool),
        "is_far_north": pa.Column(bool),
    },
    strict=False,
    name="municipalities",
)

IndicatorSchema = pa.DataFrameSchema(
    {
        "oktmo": pa.Column(str, pa.Check.str_matches(_OKTMO8)),
        "code": pa.Column(str),
        "name": pa.Column(str),
        "unit": pa.Column(str, nullable=True),
        "year": pa.Column("Int64"),
        "period": pa.Column(str, nullable=True),
        "dimension": pa.Column(str, nullable=True),
        "value": pa.Column(float, nullable=True),
        "source": pa.Column(str),
    },
    strict=True,
    name="indicators",
)


def validate(frame: Any, schema: pa.DataFrameSchema) -> Any:
    """Check a table against its schema, raising :class:`ValidationError` on failure.

    Parameters
    ----------
    frame
        The table (DataFrame or GeoDataFrame).
    schema
        One of :data:`SettlementSchema`, :data:`MunicipalitySchema`, :data:`IndicatorSchema`.

    Returns
    -------
    DataFrame or GeoDataFrame
        The same table.

    Raises
    ------
    ValidationError
        With the failing column, check and a few offending values.
    """
    try:
        schema.validate(frame, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        cases = getattr(exc, "failure_cases", None)
        detail = (
            cases.head(5).to_string(index=False) if isinstance(cases, pd.DataFrame) else str(exc)
        )
        msg = f"table `{schema.name}` breaks its schema:\n{detail}"
        raise ValidationError(msg) from exc
    return frame
