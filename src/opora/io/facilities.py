"""Registries of facilities (CSV or XLSX) with Russian or English type names.

:func:`read_facility_registry` reads a registry located by coordinates or by OKTMO code;
:func:`facility_type_from_name` maps its type names to :data:`FACILITY_TYPES`, the
types that the OSM facility reader (:func:`opora.io.osm.read_osm_facilities`) produces
too.

Registry type names
-------------------
:func:`read_facility_registry` maps type names case-insensitively (``ё`` = ``е``):
«школа», «СОШ», «ООШ», «гимназия», «лицей» → school; «детский сад», «ДОУ» → kindergarten;
«поликлиника» → clinic; «больница», «ЦРБ» → hospital; «ФАП», «фельдшерско-акушерский
пункт», «ФП», «врачебная амбулатория», «амбулатория», «офис врача общей практики» →
doctors; «аптека» → pharmacy; «почта», «почтовое отделение» → post_office; «библиотека»
→ library; «дом культуры», «ДК», «СДК», «клуб» → community_centre; «МФЦ» → public_services;
and the English keys themselves. Longer official names are matched by keyword
(«...дошкольное образовательное учреждение» → kindergarten, «...общеобразовательная...» →
school, «...фельдшерско...» → doctors...; sports, music and art schools excluded) and
flagged for checking. Other types are rejected to the report.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from opora.errors import EmptyFileError, FormatError, MissingColumnError
from opora.io._checks import check_exists, decode_text
from opora.io._oktmo import classify_oktmo, strip_oktmo
from opora.model.result import ImportResult, RejectLog

__all__ = [
    "FACILITY_TYPES",
    "REGISTRY_COLUMNS",
    "facility_type_from_name",
    "read_facility_registry",
]

#: Facility types produced by the facility readers.
FACILITY_TYPES = (
    "school",
    "kindergarten",
    "doctors",
    "clinic",
    "hospital",
    "pharmacy",
    "post_office",
    "library",
    "community_centre",
    "public_services",
)
#: Columns of the table of :func:`read_facility_registry`.
REGISTRY_COLUMNS = [
    "facility_id",
    "type",
    "name",
    "oktmo",
    "capacity",
    "located",
    "type_source",
    "source_row",
    "geometry",
]


_RU_TYPES: dict[str, str] = {
    "школа": "school",
    "общеобразовательная школа": "school",
    "средняя школа": "school",
    "сош": "school",
    "оош": "school",
    "нош": "school",
    "гимназия": "school",
    "лицей": "school",
    "детский сад": "kindergarten",
    "детсад": "kindergarten",
    "доу": "kindergarten",
    "мдоу": "kindergarten",
    "поликлиника": "clinic",
    "больница": "hospital",
    "црб": "hospital",
    "районная больница": "hospital",
    "центральная районная больница": "hospital",
    "фап": "doctors",
    "фп": "doctors",
    "фельдшерско-акушерский пункт": "doctors",
    "фельдшерский пункт": "doctors",
    "врачебная амбулатория": "doctors",
    "амбулатория": "doctors",
    "офис врача общей практики": "doctors",
    "аптека": "pharmacy",
    "почта": "post_office",
    "почтовое отделение": "post_office",
    "отделение почтовой связи": "post_office",
    "библиотека": "library",
    "дом культуры": "community_centre",
    "сельский дом культуры": "community_centre",
    "дк": "community_centre",
    "сдк": "community_centre",
    "клуб": "community_centre",
    "сельский клуб": "community_centre",
    "мфц": "public_services",
    "многофункциональный центр": "public_services",
}


def facility_type_from_name(text: object) -> str | None:
    """Map a registry type name (Russian or English) to a facility type.

    Parameters
    ----------
    text
        A type name such as «Школа», «ФАП», «детский сад» or ``"school"``.

    Returns
    -------
    str or None
        One of :data:`FACILITY_TYPES`, or ``None`` when the name is not known.
    """
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return None
    key = " ".join(str(text).lower().replace("ё", "е").replace("_", " ").split())
    key = key.strip(" .«»\"'")
    if key.replace(" ", "_") in FACILITY_TYPES:
        return key.replace(" ", "_")
    if key in ("doctor", "feldsher", "post office", "post"):
        return "doctors" if key in ("doctor", "feldsher") else "post_office"
    return _RU_TYPES.get(key)


#: Keyword rules for longer official type names, tried in order when no exact name
#: matches («Муниципальное бюджетное дошкольное образовательное учреждение»...).
_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"многофункциональн|\bмфц\b|мои документы", "public_services"),
    (r"дошкольн|детский сад", "kindergarten"),
    (r"фельдшер|\bфап\b|амбулатори|врача общей практики", "doctors"),
    (r"поликлиник", "clinic"),
    (r"больниц", "hospital"),
    (r"аптек", "pharmacy"),
    (r"почтов|\bпочта\b", "post_office"),
    (r"библиотек", "library"),
    (r"дом культуры|культурно-досугов|\bклуб\b", "community_centre"),
    (r"общеобразовательн|\bшкола\b|гимнази|лицей", "school"),
)
#: Names that contain a keyword above but are other services (sports, music, art schools).
_NOT_FACILITY = re.compile(r"спортивн|музыкальн|художествен|искусств|ветеринар|автошкол")


def _type_by_keyword(text: object) -> str | None:
    if text is None or text is pd.NA or (isinstance(text, float) and math.isnan(text)):
        return None
    key = " ".join(str(text).lower().replace("ё", "е").split())
    if _NOT_FACILITY.search(key):
        return None
    for pattern, ftype in _TYPE_KEYWORDS:
        if re.search(pattern, key):
            return ftype
    return None


_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("facility_id", "id", "код", "идентификатор"),
    "name": ("name", "название", "наименование"),
    "type": ("type", "тип", "вид", "вид учреждения", "тип учреждения"),
    "lat": ("lat", "latitude", "широта"),
    "lon": ("lon", "lng", "long", "longitude", "долгота"),
    "x": ("x",),
    "y": ("y",),
    "oktmo": ("oktmo", "октмо", "код октмо"),
    "capacity": ("capacity", "мощность", "вместимость", "число мест"),
}


def _read_registry_frame(p: Path, sheet: str | int | None) -> pd.DataFrame:
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            frame = pd.read_excel(p, sheet_name=0 if sheet is None else sheet, dtype=str)
        except ValueError as exc:
            msg = f"cannot be read as an Excel workbook ({exc}); save it as .xlsx"
            raise FormatError(p, msg) from exc
        except Exception as exc:  # openpyxl and zipfile raise many kinds of errors
            msg = (
                f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
                "save it as .xlsx"
            )
            raise FormatError(p, msg) from exc
        start = 2
    elif suffix in (".csv", ".txt", ".tsv"):
        text = decode_text(p, p.read_bytes())
        first = text.split("\n", 1)[0]
        sep = "\t" if "\t" in first else ";" if first.count(";") > first.count(",") else ","
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True)
        except pd.errors.EmptyDataError as exc:
            msg = "the file has no header line; export it again with column names"
            raise FormatError(p, msg) from exc
        except pd.errors.ParserError as exc:
            msg = f"cannot be parsed as CSV ({exc}); check the separator and the quoting"
            raise FormatError(p, msg) from exc
        start = 2
    else:
        msg = "a facility registry must be a .csv or .xlsx file"
        raise FormatError(p, msg)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.insert(0, "_row", range(start, len(frame) + start))
    return frame


def _rename_aliases(frame: pd.DataFrame) -> pd.DataFrame:
    lower = {c.lower().replace("ё", "е"): c for c in frame.columns if c != "_row"}
    mapping: dict[str, str] = {}
    for canon, names in _ALIASES.items():
        for n in names:
            if n in lower and lower[n] not in mapping:
                mapping[lower[n]] = canon
                break
    return frame.rename(columns=mapping)


def _numeric(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _require_registry_columns(p: Path, frame: pd.DataFrame) -> str:
    have = [c for c in frame.columns if c != "_row"]
    shown = ", ".join(have[:12])
    for col in ("name", "type"):
        if col not in frame.columns:
            names = "/".join(_ALIASES[col][:3])
            msg = f"required column missing ({names}); the file has: {shown}"
            raise MissingColumnError(p, msg, column=col)
    if {"lat", "lon"} <= set(frame.columns):
        return "latlon"
    if {"x", "y"} <= set(frame.columns):
        return "xy"
    if "oktmo" in frame.columns:
        return "oktmo"
    missing = "lat" if "lat" not in frame.columns else "lon"
    msg = (
        "no location columns: give `lat` and `lon` (or `x` and `y`) in degrees, or an "
        f"11-digit `oktmo` of the settlement; the file has: {shown}"
    )
    raise MissingColumnError(p, msg, column=missing)


def read_facility_registry(
    path: str | Path, *, sheet: str | int | None = None, crs: str | int = "EPSG:4326"
) -> ImportResult:
    """Read a registry of facilities (CSV or XLSX) with Russian or English type names.

    Required columns: ``name`` (``название``, ``наименование``), ``type`` (``тип``,
    ``вид``), and a location: ``lat``/``lon`` (``широта``/``долгота``), ``x``/``y``
    (in ``crs``), or ``oktmo`` (11-digit settlement code, text; such facilities have no
    geometry and are placed at their settlement later). Optional: ``capacity``
    (``мощность``, ``вместимость``), ``facility_id`` (``id``). Type names are mapped as
    listed in the module docstring.

    Parameters
    ----------
    path
        A UTF-8 CSV (``,``, ``;`` or tab separated) or an XLSX workbook.
    sheet
        Sheet name or index of a workbook; the first sheet by default.
    crs
        CRS of ``x``/``y`` columns (ignored for ``lat``/``lon``, always degrees).

    Returns
    -------
    ImportResult
        ``table``: a GeoDataFrame (EPSG:4326) with :data:`REGISTRY_COLUMNS`; ``located``
        is ``coordinates`` or ``oktmo``; ``rejects``: unknown types, rows without a usable
        location (coordinates out of range, bad OKTMO), capacities that are not numbers
        (flagged), repaired OKTMO codes (10 digits padded); ``extra``: count by type.

    Raises
    ------
    SourceNotFoundError, EmptyFileError
        If the file is missing or empty.
    EncodingError
        If a CSV is not UTF-8 (for example cp1251); the message says how to re-save it.
    MissingColumnError
        If ``name``, ``type`` or every location column is missing.
    FormatError
        If the file is neither CSV nor XLSX or cannot be parsed.
    """
    p = check_exists(path)
    raw = _read_registry_frame(p, sheet)
    frame = _rename_aliases(raw)
    mode = _require_registry_columns(p, frame)
    if frame.empty:
        msg = "the file has a header but no data rows"
        raise EmptyFileError(p, msg)
    log = RejectLog(p)
    rows = frame["_row"]
    ftype = frame["type"].map(facility_type_from_name)
    guessed = frame["type"].map(_type_by_keyword)
    by_keyword = ftype.isna() & guessed.notna()
    log.add_many(
        rows[by_keyword],
        "type",
        frame.loc[by_keyword, "type"] + " -> " + guessed[by_keyword],
        "type name matched by keyword; check the type",
        "flagged",
    )
    ftype = ftype.fillna(guessed)
    bad = ftype.isna()
    log.add_many(
        rows[bad],
        "type",
        frame.loc[bad, "type"],
        f"unknown facility type; use one of {', '.join(FACILITY_TYPES)} or a Russian name "
        "(школа, детский сад, ФАП, поликлиника, больница, аптека, почта, библиотека, "
        "дом культуры, МФЦ)",
        "rejected",
    )
    lon = pd.Series(np.nan, index=frame.index)
    lat = pd.Series(np.nan, index=frame.index)
    has_xy = pd.Series(False, index=frame.index)
    if mode in ("latlon", "xy"):
        xcol, ycol = ("lon", "lat") if mode == "latlon" else ("x", "y")
        x = _numeric(frame[xcol])
        y = _numeric(frame[ycol])
        if mode == "xy" and CRS.from_user_input(crs) != CRS.from_epsg(4326):
            tr = Transformer.from_crs(crs, 4326, always_xy=True)
            tx, ty = tr.transform(x.to_numpy(dtype=float), y.to_numpy(dtype=float))
            x = pd.Series(tx, index=frame.index)
            y = pd.Series(ty, index=frame.index)
        given = x.notna() & y.notna()
        in_range = given & x.between(-180, 180) & y.between(-90, 90)
        out = given & ~in_range & ~bad
        log.add_many(
            rows[out],
            ycol,
            frame.loc[out, xcol].astype(str) + " " + frame.loc[out, ycol].astype(str),
            "coordinates out of range (longitude -180..180, latitude -90..90 degrees)",
            "rejected",
        )
        bad = bad | out
        lon = x.where(in_range)
        lat = y.where(in_range)
        has_xy = in_range
    oktmo = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "oktmo" in frame.columns:
        code = strip_oktmo(frame["oktmo"])
        kind = classify_oktmo(code)
        repaired = kind == "lost_zero11"
        log.add_many(
            rows[repaired & ~bad],
            "oktmo",
            frame.loc[repaired & ~bad, "oktmo"],
            "10-digit OKTMO lost its leading zero",
            "repaired",
        )
        code = code.where(~repaired, "0" + code)
        ok = kind.isin(["ok11", "lost_zero11"])
        oktmo = code.where(ok, pd.NA).astype("string")
        unusable = ~has_xy & ~ok & ~bad
        log.add_many(
            rows[unusable],
            "oktmo",
            frame.loc[unusable, "oktmo"],
            "no coordinates and no 11-digit settlement OKTMO: the facility cannot be located",
            "rejected",
        )
        bad = bad | unusable
    else:
        nowhere = ~has_xy & ~bad
        log.add_many(
            rows[nowhere],
            "lat",
            frame.loc[nowhere, "lat" if mode == "latlon" else "y"],
            "coordinates missing or not numbers: the facility cannot be located",
            "rejected",
        )
        bad = bad | nowhere
    capacity = pd.Series(np.nan, index=frame.index)
    if "capacity" in frame.columns:
        capacity = _numeric(frame["capacity"])
        wrong = frame["capacity"].notna() & (capacity.isna() | (capacity < 0)) & ~bad
        log.add_many(
            rows[wrong],
            "capacity",
            frame.loc[wrong, "capacity"],
            "capacity is not a non-negative number; left empty",
            "flagged",
        )
        capacity = capacity.where(capacity >= 0)
    if "facility_id" in frame.columns:
        fid = frame["facility_id"].astype("string").str.strip()
        fid = fid.fillna("reg:" + rows.astype(str))
        if fid[~bad].duplicated().any():
            msg = "`facility_id` repeats; give each facility its own id or drop the column"
            raise FormatError(p, msg, column="facility_id")
    else:
        fid = ("reg:" + rows.astype(str)).astype("string")
    keep = ~bad
    geometry = [
        shapely.Point(xx, yy) if ok else None
        for xx, yy, ok in zip(lon[keep], lat[keep], has_xy[keep], strict=True)
    ]
    table = gpd.GeoDataFrame(
        {
            "facility_id": fid[keep].to_numpy(),
            "type": ftype[keep].astype(str).to_numpy(),
            "name": frame.loc[keep, "name"].astype("string").str.strip().to_numpy(),
            "oktmo": oktmo[keep].to_numpy(),
            "capacity": pd.array(capacity[keep].to_numpy(), dtype="Float64"),
            "located": np.where(has_xy[keep], "coordinates", "oktmo"),
            "type_source": frame.loc[keep, "type"].astype("string").to_numpy(),
            "source_row": rows[keep].to_numpy(),
        },
        geometry=geometry,
        crs="EPSG:4326",
    )
    extra = {f"type_{k}": int(v) for k, v in table["type"].value_counts().sort_index().items()}
    return ImportResult(
        name="facility_registry",
        table=table[REGISTRY_COLUMNS],
        rejects=log.to_frame().sort_values("row", kind="stable", ignore_index=True),
        rows_read=len(frame),
        extra=extra,
    )
