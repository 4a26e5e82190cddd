"""Which nationwide sources each region has: counts per region and source.

:func:`region_inventory` looks through a data folder laid out like ``shared/data`` (and
the settlement register, when it is at hand) and counts, for every region of
:func:`opora.model.regions.federal_subjects`, what each source holds for it: settlements
in the register, municipalities in the SberIndex dictionary, in the Rosstat bulletin, in
the employment file, in each SberIndex indicator file, in Urov-14a, in the Arctic and Far
North lists. A source whose file is missing or unreadable is not evaluated: its column is
empty and :attr:`RegionInventory.notes` says why. Without a data folder, only the
embedded default region's sources are counted.

Municipalities are assigned to regions by their OKTMO code
(:func:`opora.model.regions.region_of_oktmo`: Nenets AO by ``118``, Khanty-Mansi and
Yamalo-Nenets AOs by ``718`` and ``719``), names by
:func:`opora.model.regions.resolve_region`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from opora.errors import OporaError, SourceNotFoundError, UnknownRegionError
from opora.io.register import _open_register_text
from opora.io.rosstat import read_population_bulletin, read_status_list, read_urov14a_workbook
from opora.io.sberindex import read_sberindex_dictionary
from opora.io.sources import SOURCE_FILES, embedded_dir
from opora.model.regions import (
    DEFAULT_REGION_CODE,
    region_of_oktmo,
    regions_table,
    resolve_region,
)

__all__ = ["EXPECTED_SOURCES", "INVENTORY_SOURCES", "RegionInventory", "region_inventory"]

#: Sources counted per region: key → (English label, Russian label, what is counted).
INVENTORY_SOURCES: dict[str, tuple[str, str, str]] = {
    "register": ("settlement register", "реестр населённых пунктов", "settlements"),
    "dictionary": ("SberIndex dictionary", "справочник СберИндекса", "active municipalities"),
    "bulletin": ("Rosstat bulletin 2024", "бюллетень Росстата 2024", "municipalities"),
    "employment": ("employment by OKVED 2023", "занятость по ОКВЭД 2023", "municipalities"),
    "population": ("SberIndex population", "население СберИндекса", "municipalities"),
    "migration": ("SberIndex migration", "миграция СберИндекса", "municipalities"),
    "wages": ("SberIndex wages", "зарплаты СберИндекса", "municipalities"),
    "consumption": ("SberIndex consumption", "потребление СберИндекса", "municipalities"),
    "market_access": ("SberIndex market access", "доступ к рынкам СберИндекса", "municipalities"),
    "urov14a": ("Rosstat Urov-14a", "Росстат Уров-14а", "municipalities"),
    "bdmo": ("Rosstat municipal database", "БДПМО Росстата", "municipalities"),
    "arctic": ("Arctic zone", "Арктическая зона", "municipalities listed"),
    "far_north": ("Far North", "Крайний Север", "municipalities listed"),
}

#: Sources meant to cover every region: a region without them ``lacks`` them. The others
#: cover some regions by design (the Bashkortostan municipal database, the status lists).
EXPECTED_SOURCES = (
    "register",
    "dictionary",
    "bulletin",
    "employment",
    "population",
    "migration",
    "wages",
    "consumption",
    "market_access",
    "urov14a",
)

#: Files of the sources not in :data:`opora.io.sources.SOURCE_FILES` (or named there otherwise).
_EXTRA_FILES = {
    "employment": "rosstat/bdmo_employment_by_okved_2023_mo.csv",
    "urov14a_long": "rosstat/urov14a_social_payments_vs_taxable_income_2010_2022_long.csv",
    "bdmo": "bashkortostan/bdmo_bashkortostan_2024_2025_long.csv",
}
_SBER = {
    "population": "population",
    "migration": "migration",
    "wages": "salary",
    "consumption": "consumption",
    "market_access": "market_access",
}
#: Indicator codes of the embedded default region → source key.
_EMBEDDED_CODES = {
    "bul_population": "bulletin",
    "emp_total": "employment",
    "sber_population": "population",
    "sber_net_migration": "migration",
    "sber_wage": "wages",
    "sber_consumption": "consumption",
    "sber_market_access": "market_access",
    "urov14a_total": "urov14a",
}


@dataclass
class RegionInventory:
    """What each source holds for each region.

    Attributes
    ----------
    table
        One row per region: ``oktmo_prefix``, ``iso``, ``name_ru``, ``name_en``,
        ``federal_district`` and its Russian and English names, one count column per
        source of :data:`INVENTORY_SOURCES` (nullable integers; empty for a source not
        evaluated), ``arctic_whole`` and ``far_north_whole`` (the whole region is listed)
        ``sources``, the keys of the sources that hold something for the region,
        ``lacks``, those of :data:`EXPECTED_SOURCES` evaluated and holding nothing for
        it, and ``status``: ``"Arctic: whole"``, ``"Arctic: part"``, ``"Far North: whole"``...
    notes
        Source key → why it was not evaluated (file missing or unreadable).
    data_dir
        The data folder looked through, or ``None`` for the embedded default.
    """

    table: pd.DataFrame
    notes: dict[str, str] = field(default_factory=dict)
    data_dir: Path | None = None


def _region_key(oktmo: object) -> str | None:
    s = region_of_oktmo(oktmo)
    return None if s is None else s.oktmo_prefix


def _count_codes(codes: pd.Series) -> dict[str, int]:
    """Distinct OKTMO codes per region (OKTMO prefix of the region)."""
    uniq = pd.Series(codes.dropna().astype(str).unique())
    keys = uniq.map(_region_key).dropna()
    return {str(k): int(v) for k, v in keys.value_counts().items()}


def _count_names(names: pd.Series, notes: list[str]) -> dict[str, int]:
    """Rows per region, the region given by name."""
    out: dict[str, int] = {}
    for name, n in names.value_counts().items():
        try:
            key = resolve_region(name).oktmo_prefix
        except UnknownRegionError:
            notes.append(f"{n} rows of {name!r}, no region of the table")
            continue
        out[key] = out.get(key, 0) + int(n)
    return out


def _path(data_dir: Path, key: str) -> Path:
    rel = SOURCE_FILES.get(key) or _EXTRA_FILES[key]
    p = data_dir / rel
    if not p.exists():
        msg = f"{p}: file missing from the data folder (expected {rel})"
        raise FileNotFoundError(msg)
    return p


def _territories(dictionary: pd.DataFrame) -> pd.Series:
    """territory_id → 8-digit OKTMO, active versions first."""
    d = dictionary.sort_values("active", ascending=False).drop_duplicates("territory_id")
    return pd.Series(d["oktmo"].to_numpy(), index=d["territory_id"].astype("int64").to_numpy())


def _sber_codes(path: Path, territories: pd.Series) -> pd.Series:
    """8-digit OKTMO codes of the municipalities with a value in a SberIndex file."""
    names = pq.read_schema(path).names
    cols = ["territory_id", "value"] if "value" in names else ["territory_id"]
    table = pq.read_table(path, columns=cols).to_pandas()
    if "value" in table.columns:
        table = table[table["value"].notna()]
    ids = pd.Series(table["territory_id"].dropna().astype("int64").unique())
    return ids.map(territories).dropna()


def _status(path: Path, whole: dict[str, bool], notes: list[str]) -> dict[str, int]:
    res = read_status_list(path)
    t = res.table
    flag = t["whole_region"].fillna(False).astype(bool)
    for name in t.loc[flag, "region"].dropna().unique():
        try:
            whole[resolve_region(name).oktmo_prefix] = True
        except UnknownRegionError:
            notes.append(f"whole region {name!r} is no region of the table")
    return _count_codes(t.loc[~flag, "oktmo8"])


def _register(register: Path) -> tuple[dict[str, int], list[str]]:
    name, text = _open_register_text(register)
    regions = pd.read_csv(io.StringIO(text), usecols=["region"], dtype=str)["region"]
    notes: list[str] = []
    counts = _count_names(regions.dropna(), notes)
    return counts, [f"{name}: {n}" for n in notes]


def _from_data_dir(
    data_dir: Path,
    counts: dict[str, dict[str, int]],
    whole: dict[str, dict[str, bool]],
    notes: dict[str, str],
) -> None:
    territories: pd.Series | None = None
    try:
        dic = read_sberindex_dictionary(_path(data_dir, "dictionary")).table
        territories = _territories(dic)
        counts["dictionary"] = _count_codes(dic.loc[dic["active"], "oktmo"])
    except (OporaError, OSError, ValueError, KeyError) as exc:
        notes["dictionary"] = str(exc)
    readers: dict[str, Callable[[Path], dict[str, int]]] = {
        "bulletin": _bulletin,
        "employment": _employment,
        "urov14a": _urov14a,
        "bdmo": _bdmo,
    }
    for key, read in readers.items():
        try:
            counts[key] = read(data_dir)
        except (OporaError, OSError, ValueError, KeyError) as exc:
            notes[key] = str(exc)
    for key, file_key in _SBER.items():
        if territories is None:
            notes[key] = "not evaluated: the SberIndex dictionary that maps its ids is missing"
            continue
        try:
            counts[key] = _count_codes(_sber_codes(_path(data_dir, file_key), territories))
        except (OporaError, OSError, ValueError, KeyError) as exc:
            notes[key] = str(exc)
    for key in ("arctic", "far_north"):
        extra: list[str] = []
        try:
            counts[key] = _status(_path(data_dir, key), whole[key], extra)
        except (OporaError, OSError, ValueError, KeyError) as exc:
            notes[key] = str(exc)
        if extra:
            notes[f"{key}_unmatched"] = "; ".join(extra)


def _bulletin(data_dir: Path) -> dict[str, int]:
    b = read_population_bulletin(_path(data_dir, "bulletin")).table
    return _count_codes(b.loc[~b["level"].isin(["region", "settlement"]), "oktmo8"])


def _employment(data_dir: Path) -> dict[str, int]:
    e = pd.read_csv(_path(data_dir, "employment"), dtype=str, usecols=["oktmo8", "emp_total"])
    return _count_codes(e.loc[e["emp_total"].notna(), "oktmo8"])


def _bdmo(data_dir: Path) -> dict[str, int]:
    return _count_codes(
        pd.read_csv(_path(data_dir, "bdmo"), dtype=str, usecols=["oktmo8"])["oktmo8"]
    )


def _urov14a(data_dir: Path) -> dict[str, int]:
    try:
        long = pd.read_csv(_path(data_dir, "urov14a_long"), dtype=str)
    except FileNotFoundError:
        table = read_urov14a_workbook(_path(data_dir, "urov14a")).table
        return _count_codes(table.loc[table["year"] == table["year"].max(), "oktmo"])
    rows = long[long["is_subtotal"].str.lower() != "true"]
    rows = rows[rows["year"] == rows["year"].max()]  # today's municipalities, not merged ones
    return _count_codes(rows["oktmo8"])


def _from_embedded(
    folder: Path, counts: dict[str, dict[str, int]], whole: dict[str, dict[str, bool]]
) -> None:
    code = DEFAULT_REGION_CODE
    upper = pd.read_csv(folder / "municipalities_upper.csv", dtype=str)
    counts["dictionary"] = {code: int(upper["oktmo"].nunique())}
    ind = pd.read_csv(folder / "indicators.csv.gz", dtype=str, usecols=["oktmo", "code"])
    for ind_code, key in _EMBEDDED_CODES.items():
        n = ind.loc[ind["code"] == ind_code, "oktmo"].nunique()
        counts[key] = {code: int(n)} if n else {}
    counts["bdmo"] = {code: int(ind.loc[ind["code"].str.match(r"Y\d"), "oktmo"].nunique())}
    meta = json.loads((folder / "region.json").read_text(encoding="utf-8"))
    for key in ("arctic", "far_north"):
        counts[key] = {code: len(meta.get(key, []))}
        whole[key][code] = False


def region_inventory(
    data_dir: str | Path | None, register: str | Path | None = None
) -> RegionInventory:
    """Count what each source holds for every region.

    Parameters
    ----------
    data_dir
        Folder laid out like ``shared/data``; ``None`` counts only the embedded default
        region (Republic of Bashkortostan).
    register
        The settlement register (the cached wheel or its CSV); ``None`` leaves the
        ``register`` column not evaluated.

    Returns
    -------
    RegionInventory
        The table and the reasons of the sources not evaluated.

    Raises
    ------
    SourceNotFoundError
        If ``data_dir`` is given but is not a folder. A missing or unreadable source file
        is not an error: its column stays empty and ``notes`` says why.
    """
    counts: dict[str, dict[str, int]] = {}
    whole: dict[str, dict[str, bool]] = {"arctic": {}, "far_north": {}}
    notes: dict[str, str] = {}
    d = None if data_dir is None else Path(data_dir)
    if d is None:
        _from_embedded(embedded_dir(), counts, whole)
    elif not d.is_dir():
        msg = f"{d}: data folder not found; pass `--data-dir` pointing at shared/data"
        raise SourceNotFoundError(msg)
    else:
        _from_data_dir(d, counts, whole, notes)
    if register is None:
        notes["register"] = "the settlement register is not at hand (`opora fetch-register`)"
    else:
        try:
            counts["register"], extra = _register(Path(register))
            if extra:
                notes["register_unmatched"] = "; ".join(extra)
        except (OporaError, OSError, ValueError, KeyError) as exc:
            notes["register"] = str(exc)
    table = regions_table()[
        ["oktmo_prefix", "iso", "name_ru", "name_en", "federal_district",
         "federal_district_ru", "federal_district_en"]
    ].copy()  # fmt: skip
    for key in INVENTORY_SOURCES:
        if key in counts:
            col = table["oktmo_prefix"].map(counts[key]).fillna(0)
            if d is None and key != "register":  # embedded: only the default is known
                col = col.where(table["oktmo_prefix"] == DEFAULT_REGION_CODE)
            table[key] = col.astype("Int64")
        else:
            table[key] = pd.array([pd.NA] * len(table), dtype="Int64")
    for key in ("arctic", "far_north"):
        table[f"{key}_whole"] = table["oktmo_prefix"].map(whole[key]).fillna(False).astype(bool)
    has = {k: table[k].fillna(0).gt(0) for k in INVENTORY_SOURCES}
    for key in ("arctic", "far_north"):
        has[key] = has[key] | table[f"{key}_whole"]
    table["sources"] = [
        ", ".join(k for k in INVENTORY_SOURCES if has[k].iloc[i]) for i in range(len(table))
    ]
    table["lacks"] = [
        ", ".join(k for k in EXPECTED_SOURCES if pd.notna(table[k].iloc[i]) and not has[k].iloc[i])
        for i in range(len(table))
    ]
    table["status"] = [
        "; ".join(
            f"{label}: {'whole' if table[f'{key}_whole'].iloc[i] else 'part'}"
            for key, label in (("arctic", "Arctic"), ("far_north", "Far North"))
            if has[key].iloc[i]
        )
        for i in range(len(table))
    ]
    return RegionInventory(table.reset_index(drop=True), notes, d)
