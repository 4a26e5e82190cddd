"""Reader of the HFLabs "city" table (OKATO, OKTMO, coordinates of Russian cities)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from opora.io._checks import read_text_csv
from opora.io._oktmo import strip_oktmo
from opora.io.rosstat._common import _numbers, _optional_code, _squeeze, _text
from opora.model.result import ImportResult, RejectLog

__all__ = ["read_hflabs_cities"]


def read_hflabs_cities(path: str | Path) -> ImportResult:
    """Read the HFLabs "city" table (1,117 Russian cities, CC BY-SA 4.0).

    Repairs (reported): codes that lost a leading zero are padded (OKTMO 11, OKATO 11,
    KLADR 13 digits); a city given only by its 8-digit municipal OKTMO (Moscow,
    Saint Petersburg, Samara, ... 23 rows) keeps ``oktmo`` missing and ``oktmo8`` set
    (flagged); an empty ``city`` is filled from ``settlement``, the ``г`` area (Moscow
    oblast towns) or the ``г`` region (federal cities); a row with a ``settlement``
    (Алупка inside Ялта) is that settlement. ``foundation_year`` below zero means BC.

    Parameters
    ----------
    path
        ``hflabs_city.csv`` (UTF-8).

    Returns
    -------
    ImportResult
        Table: ``oktmo`` (11-digit text or missing), ``oktmo8`` (8-digit municipal
        code), ``okato``, ``kladr_id``, ``fias_id`` (text), ``region_type``, ``region``,
        ``city_type``, ``city``, ``geo_lat``, ``geo_lon`` (float), ``population``
        (Int64), ``capital_marker`` (int: 0 none, 1 district centre, 2 region centre,
        3 both), ``foundation_year`` (Int64).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    required = [
        "region_type",
        "region",
        "city_type",
        "city",
        "kladr_id",
        "fias_id",
        "capital_marker",
        "okato",
        "oktmo",
        "geo_lat",
        "geo_lon",
        "population",
        "foundation_year",
    ]
    text_cols = [
        "region_type",
        "region",
        "area_type",
        "area",
        "city_type",
        "city",
        "settlement_type",
        "settlement",
        "kladr_id",
        "fias_id",
        "okato",
        "oktmo",
        "postal_code",
        "capital_marker",
        "population",
        "foundation_year",
    ]
    raw = read_text_csv(path, required, text_columns=text_cols)
    log = RejectLog(path)
    code = strip_oktmo(raw["oktmo"])
    lost11 = code.str.fullmatch(r"\d{10}").fillna(False).astype(bool)
    lost8 = code.str.fullmatch(r"\d{7}").fillna(False).astype(bool)
    log.add_many(
        raw.loc[lost11 | lost8, "_row"],
        "oktmo",
        raw.loc[lost11 | lost8, "oktmo"],
        "OKTMO lost its leading zero; padded",
        "repaired",
    )
    code = code.where(~lost11, code.str.zfill(11)).where(~lost8, code.str.zfill(8))
    is11 = code.str.fullmatch(r"\d{11}").fillna(False).astype(bool)
    is8 = code.str.fullmatch(r"\d{8}").fillna(False).astype(bool)
    log.add_many(
        raw.loc[is8, "_row"],
        "oktmo",
        code[is8],
        "only the 8-digit municipal OKTMO is given; oktmo left missing, oktmo8 set",
        "flagged",
    )
    other = ~is11 & ~is8 & _text(raw["oktmo"]).notna()
    log.add_many(
        raw.loc[other, "_row"],
        "oktmo",
        raw.loc[other, "oktmo"],
        "not an OKTMO code; set to missing",
        "flagged",
    )
    oktmo = code.where(is11)
    oktmo8 = code.str.slice(0, 8).where(is11 | is8)
    dup = oktmo.notna() & oktmo.duplicated(keep=False)
    log.add_many(raw.loc[dup, "_row"], "oktmo", oktmo[dup], "OKTMO shared by two cities", "flagged")

    okato = _optional_code(raw, "okato", 11, log, "not 11 digits", label="OKATO")
    kladr = _optional_code(raw, "kladr_id", 13, log, "not 13 digits", label="KLADR code")

    city = _squeeze(raw["city"])
    city_type = _text(raw["city_type"])
    filled = 0
    if "settlement" in raw.columns:
        settlement = _squeeze(raw["settlement"])
        stype = _text(raw["settlement_type"]) if "settlement_type" in raw.columns else city_type
        use = settlement.notna()
        log.add_many(
            raw.loc[use, "_row"],
            "city",
            raw.loc[use, "city"],
            "the row is a settlement inside this city; city set to the settlement",
            "repaired",
        )
        city, city_type = city.where(~use, settlement), city_type.where(~use, stype)
        filled += int(use.sum())
    # An empty city is taken from the area, then from the region, whose type is ``г``.
    has_area = "area" in raw.columns and "area_type" in raw.columns
    for column in ("area", "region") if has_area else ("region",):
        use = city.isna() & (_text(raw[f"{column}_type"]) == "г").fillna(False).astype(bool)
        log.add_many(
            raw.loc[use, "_row"],
            "city",
            raw.loc[use, column],
            f"city empty; taken from {column}",
            "repaired",
        )
        city = city.where(~use, _squeeze(raw[column]))
        city_type = city_type.where(~use, "г")
        filled += int(use.sum())
    left = city.isna()
    log.add_many(
        raw.loc[left, "_row"], "city", raw.loc[left, "city"], "city name missing", "flagged"
    )

    lat = _numbers(raw, "geo_lat", log)
    lon = _numbers(raw, "geo_lon", log)
    off = ((lat.abs() > 90) | (lon.abs() > 180)).fillna(False).astype(bool)
    log.add_many(
        raw.loc[off, "_row"], "geo_lat", raw.loc[off, "geo_lat"], "out of range", "flagged"
    )
    population = _numbers(raw, "population", log)
    frac = (population % 1 != 0).fillna(False).astype(bool)
    log.add_many(
        raw.loc[frac, "_row"], "population", raw.loc[frac, "population"], "not whole", "flagged"
    )
    population = population.round()
    founded = _numbers(raw, "foundation_year", log).round()
    marker = _numbers(raw, "capital_marker", log)
    no_marker = marker.isna()
    log.add_many(
        raw.loc[no_marker, "_row"],
        "capital_marker",
        raw.loc[no_marker, "capital_marker"],
        "capital marker missing; set to 0 (not a centre)",
        "repaired",
    )
    table = pd.DataFrame(
        {
            "oktmo": oktmo.astype("string"),
            "oktmo8": oktmo8.astype("string"),
            "okato": okato.astype("string"),
            "kladr_id": kladr.astype("string"),
            "fias_id": _text(raw["fias_id"]).astype("string"),
            "region_type": _text(raw["region_type"]).astype("string"),
            "region": _squeeze(raw["region"]).astype("string"),
            "city_type": city_type.astype("string"),
            "city": city.astype("string"),
            "geo_lat": lat,
            "geo_lon": lon,
            "population": population.astype("Int64"),
            "capital_marker": marker.fillna(0).round().astype("int64"),
            "foundation_year": founded.astype("Int64"),
        }
    )
    extra = {
        "oktmo_padded": int((lost11 | lost8).sum()),
        "oktmo_municipality_only": int(is8.sum()),
        "city_name_filled": filled,
    }
    return ImportResult("hflabs_cities", table, log.to_frame(), len(raw), extra)
