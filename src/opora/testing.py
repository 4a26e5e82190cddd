"""Helpers for tests, opora's own and users': a tiny region and comparisons of results.

Like :mod:`geopandas.testing`, this module is for test code. It stands outside the
layers of the package (docs/architecture.md): it may use any of them and nothing in
:mod:`opora` imports it.

- :func:`tiny_region` builds a small, valid :class:`~opora.model.region.Region` on a
  line of settlements, for tests of the analyses and the workflow that need no real
  source.
- :func:`assert_frame_equal_unordered` compares two tables regardless of row and
  column order.
- :func:`compare_run_folders` compares every table two runs wrote (CSV, Parquet,
  JSON, every GeoPackage layer and every sheet of a workbook) and lists the
  differences; :func:`assert_run_folders_equal` fails on any.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from opora.model.region import Region
from opora.model.schemas import (
    INDICATOR_COLUMNS,
    MunicipalitySchema,
    SettlementSchema,
    validate,
)

__all__ = [
    "TABLE_SUFFIXES",
    "assert_frame_equal_unordered",
    "assert_run_folders_equal",
    "compare_run_folders",
    "tiny_region",
]

#: Files compared by :func:`compare_run_folders`; reports, pictures and PDFs are not.
TABLE_SUFFIXES = (".csv", ".parquet", ".json", ".gpkg", ".xlsx")


def tiny_region(
    populations: Sequence[Sequence[int]] = ((12_000, 800, 300), (2_500, 400)),
    *,
    name: str = "Тестовая область",
    oktmo_prefix: str = "99",
    spacing_km: float = 10.0,
    latitude: float = 55.0,
) -> Region:
    """Build a small valid region: settlements on a line of latitude, grouped in districts.

    District ``i`` (OKTMO ``{prefix}6{i:02d}00000``) holds the settlements of
    ``populations[i]``; its first settlement is its centre and is a town (``г``) when it
    has 10,000 people or more, else a village (``с``). Settlements lie ``spacing_km``
    apart, west to east, in the order given.

    Parameters
    ----------
    populations
        People of each settlement, one sequence per district.
    name
        Region name.
    oktmo_prefix
        2-digit OKTMO code of the region.
    spacing_km
        Distance between neighbouring settlements, in kilometres.
    latitude
        Latitude of the line, in degrees.

    Returns
    -------
    Region
        A region whose settlements and municipalities pass their schemas, with an
        empty indicators table.

    Examples
    --------
    >>> region = tiny_region(((5_000, 100),))
    >>> region.settlements[["name", "population"]].to_dict("records")
    [{'name': 'Пункт 1-1', 'population': 5000}, {'name': 'Пункт 1-2', 'population': 100}]
    """
    if len(oktmo_prefix) != 2 or not oktmo_prefix.isdigit():
        msg = f"`oktmo_prefix` must be two digits, got {oktmo_prefix!r}"
        raise ValueError(msg)
    deg_per_km = 1.0 / (111.32 * max(0.1, math.cos(math.radians(latitude))))
    settlements: list[dict[str, object]] = []
    municipalities: list[dict[str, object]] = []
    k = 0
    for i, pops in enumerate(populations, start=1):
        mo = f"{oktmo_prefix}6{i:02d}000"
        centre = ""
        for j, pop in enumerate(pops, start=1):
            kind = "г" if j == 1 and pop >= 10_000 else "с"
            label = f"Пункт {i}-{j}"
            centre = centre or label
            settlements.append(
                {
                    "settlement_id": f"{mo}{j:03d}",
                    "oktmo": f"{mo}{j:03d}",
                    "name": label,
                    "type": kind,
                    "municipality_oktmo": mo,
                    "region": name,
                    "population": pop,
                    "population_year": 2024,
                    "oktmo_quality": "ok",
                    "duplicate_name": False,
                    "geometry": Point(37.0 + k * spacing_km * deg_per_km, latitude),
                }
            )
            k += 1
        first = settlements[-len(pops)]["geometry"] if pops else Point(37.0, latitude)
        municipalities.append(
            {
                "oktmo": mo,
                "name": f"Район {i}",
                "type": "municipal_district",
                "level": "upper",
                "parent_oktmo": f"{oktmo_prefix}000000",
                "region": name,
                "centre_name": centre,
                "is_regional_centre": i == 1,
                "is_zato": False,
                "is_arctic": False,
                "is_far_north": False,
                "centre_source": "tiny_region",
                "geometry": first,
            }
        )
    s = gpd.GeoDataFrame(settlements, geometry="geometry", crs="EPSG:4326")
    s["population"] = s["population"].astype("Int64")
    s["population_year"] = s["population_year"].astype("Int64")
    m = gpd.GeoDataFrame(municipalities, geometry="geometry", crs="EPSG:4326")
    validate(s, SettlementSchema)
    validate(m, MunicipalitySchema)
    dtypes = {"year": "Int64", "value": "float64"}
    indicators = pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "str")) for c in INDICATOR_COLUMNS})
    return Region(
        name=name,
        oktmo_prefix=oktmo_prefix,
        settlements=s,
        municipalities=m,
        indicators=indicators,
    )


def assert_frame_equal_unordered(
    left: pd.DataFrame,
    right: pd.DataFrame,
    *,
    by: Sequence[str] | None = None,
    check_dtype: bool = True,
    rtol: float = 1e-9,
) -> None:
    """Assert two tables are equal regardless of the order of their rows and columns.

    Parameters
    ----------
    left, right
        The tables.
    by
        Columns to sort the rows by; every column (as text) when not given.
    check_dtype
        Whether dtypes must be equal too.
    rtol
        Relative tolerance of float columns.

    Raises
    ------
    AssertionError
        If the tables differ, with pandas' description of the first difference.
    """
    if set(left.columns) != set(right.columns):
        msg = (
            f"columns differ: only left {sorted(set(left.columns) - set(right.columns))}, "
            f"only right {sorted(set(right.columns) - set(left.columns))}"
        )
        raise AssertionError(msg)
    cols = sorted(map(str, left.columns))
    keys = list(by) if by is not None else cols

    def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[cols]
        order = frame[keys].astype(str).sort_values(keys).index
        return frame.loc[order].reset_index(drop=True)

    pd.testing.assert_frame_equal(_sorted(left), _sorted(right), check_dtype=check_dtype, rtol=rtol)


def _read_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Return the tables of one output file by name (layers and sheets for containers)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return {"": pd.read_csv(path, dtype=str, keep_default_na=False)}
    if suffix == ".parquet":
        return {"": pd.read_parquet(path)}
    if suffix == ".xlsx":
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        return {str(k): v for k, v in sheets.items()}
    if suffix == ".gpkg":
        import pyogrio

        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
        return {layer: pyogrio.read_dataframe(path, layer=layer) for layer in layers}
    msg = f"not a table file: {path}"
    raise ValueError(msg)


def _frame_difference(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    if list(a.columns) != list(b.columns):
        return f"columns {list(a.columns)} != {list(b.columns)}"
    if len(a) != len(b):
        return f"{len(a)} rows != {len(b)} rows"
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    except AssertionError as exc:
        return " ".join(str(exc).split())[:300]
    return None


def compare_run_folders(
    left: str | Path,
    right: str | Path,
    *,
    ignore: Iterable[str] = (),
) -> list[str]:
    """Compare every table two runs wrote and describe each difference.

    Every file with a suffix in :data:`TABLE_SUFFIXES` below either folder is compared:
    CSV as text cells, Parquet with its dtypes, JSON as parsed values, each GeoPackage
    layer with its geometry, each workbook sheet as text. Files present on one side
    only are differences too.

    Parameters
    ----------
    left, right
        The two output folders.
    ignore
        Glob patterns (relative to the folder) of files not to compare.

    Returns
    -------
    list of str
        One line per difference; empty when the runs wrote the same tables.
    """
    a_root, b_root = Path(left), Path(right)
    patterns = tuple(ignore)

    def files(root: Path) -> set[str]:
        found = set()
        for p in root.rglob("*"):
            rel = p.relative_to(root)
            wanted = p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
            if wanted and not any(rel.match(pat) for pat in patterns):
                found.add(rel.as_posix())
        return found

    a_files, b_files = files(a_root), files(b_root)
    out = [f"only in {a_root}: {f}" for f in sorted(a_files - b_files)]
    out += [f"only in {b_root}: {f}" for f in sorted(b_files - a_files)]
    for name in sorted(a_files & b_files):
        a_path, b_path = a_root / name, b_root / name
        if a_path.read_bytes() == b_path.read_bytes():
            continue
        if a_path.suffix.lower() == ".json":
            with a_path.open(encoding="utf-8") as fa, b_path.open(encoding="utf-8") as fb:
                if json.load(fa) != json.load(fb):
                    out.append(f"{name}: JSON content differs")
            continue
        a_tables, b_tables = _read_tables(a_path), _read_tables(b_path)
        if set(a_tables) != set(b_tables):
            out.append(f"{name}: layers {sorted(a_tables)} != {sorted(b_tables)}")
            continue
        for layer in sorted(a_tables):
            diff = _frame_difference(a_tables[layer], b_tables[layer])
            if diff is not None:
                where = f"{name}:{layer}" if layer else name
                out.append(f"{where}: {diff}")
    return out


def assert_run_folders_equal(
    left: str | Path, right: str | Path, *, ignore: Iterable[str] = ()
) -> None:
    """Assert two runs wrote the same tables (see :func:`compare_run_folders`).

    Parameters
    ----------
    left, right
        The two output folders.
    ignore
        Glob patterns of files not to compare.

    Raises
    ------
    AssertionError
        Listing every difference.
    """
    diffs = compare_run_folders(left, right, ignore=ignore)
    if diffs:
        raise AssertionError("runs differ:\n" + "\n".join(diffs))
