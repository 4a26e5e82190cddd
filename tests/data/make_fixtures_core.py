"""Cut the small SberIndex and Bashkortostan fixtures from the real files in ../shared/data.

Run from the project root: ``python tests/data/make_fixtures_core.py``. The outputs
are committed; their sources and licences are listed in tests/data/SOURCES.md.
Municipalities kept: Abzelilovsky district (80601000), Alsheevsky district
(80602000), Ufa (80701000) and Maikop (79701000, another region).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
OUT = Path(__file__).resolve().parent
KEEP = ["80601000", "80602000", "80701000", "79701000"]


def main() -> None:
    d = pd.read_excel(SHARED / "sberindex/t_dict_municipal_districts.xlsx", dtype={"oktmo": str})
    code8 = d["oktmo"].str.replace("-", "").str.slice(0, 8)
    sub = d[code8.isin(KEEP)]
    sub.to_excel(OUT / "sberindex/t_dict_municipal_districts.xlsx", index=False)
    tids = set(sub["territory_id"])
    for name in (
        "1_market_access",
        "2_bdmo_population",
        "3_bdmo_migration",
        "4_bdmo_salary",
        "consumption",
    ):
        p = pd.read_parquet(SHARED / f"sberindex/{name}.parquet")
        part = p[p["territory_id"].isin(tids)]
        if name == "consumption":
            part = part[part["date"].str.startswith("2024")]
        # one territory_id that the dictionary does not know, to exercise the reject path
        stray = p[~p["territory_id"].isin(d["territory_id"])].head(2)
        if stray.empty:
            stray = p.head(1).assign(territory_id=999999)
        pd.concat([part, stray]).to_parquet(OUT / f"sberindex/{name}.parquet", index=False)
    for name in (
        "bdmo_bashkortostan_2024_2025_long.csv",
        "akhrameshin_employment_2023_bashkortostan.csv",
        "bashkortostan_mo_crosswalk.csv",
    ):
        raw = pd.read_csv(SHARED / "bashkortostan" / name, dtype=str, keep_default_na=False)
        key = "oktmo8" if "oktmo8" in raw else "oktmo"
        part = raw[raw[key].str.replace("-", "").str.slice(0, 8).isin(KEEP)]
        if name.startswith("bdmo"):
            # own-revenue share, wages, population plus a sector-split indicator
            codes = part["sourceIndicatorId"].value_counts()
            split = codes[codes > 3].index[:1].tolist()
            keep = ["Y48313015", "Y47000002", *split]
            part = part[part["sourceIndicatorId"].isin(keep)]
        part.to_csv(OUT / "bashkortostan" / name, index=False)


def bulletin() -> None:
    """Bulletin rows of the kept municipalities (both levels and their towns)."""
    raw = pd.read_csv(
        SHARED / "rosstat/bul2024_population_by_mo.csv", dtype=str, keep_default_na=False
    )
    keep = raw["upper_oktmo8"].isin(KEEP) | raw["oktmo8"].isin(KEEP)
    keep |= raw["oktmo8"].isin(["80000000", "79000000"])
    (OUT / "mini").mkdir(exist_ok=True)
    raw[keep].to_csv(OUT / "mini" / "bul2024_population_by_mo.csv", index=False)


if __name__ == "__main__":
    bulletin()
    main()
