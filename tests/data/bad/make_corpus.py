"""Write the bad-input corpus of ``tests/cli/test_bad_inputs.py`` (run from the repo root).

Every file is small and stands for one way a planner's export goes wrong; ``cases.csv``
says which input it replaces and what the commands must do with it (see README.md).
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent

COSTS = "demand_id,site_id,cost\n0101,a,10\n0101,b,20\n0102,a,30\n0102,b,5\n0103,b,15\n"
DEMAND = "demand_id,weight,name\n0101,1200,Агидель\n0102,300,Бакалы\n0103,50,Кизеловка\n"
SUPPLY = "site_id,capacity\na,10\nb,5\n"
TABLE = "location,activity,value\nA,x,10\nA,y,5\nB,x,3\nB,z,7\nC,y,4\nC,z,1\n"


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>')
    return buf.getvalue()


def _zip(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("costs.csv", text)
    return buf.getvalue()


FILES: dict[str, bytes | str] = {
    "base/costs.csv": COSTS,
    "base/demand.csv": DEMAND,
    "base/supply.csv": SUPPLY,
    "base/table.csv": TABLE,
    # repaired or detected: same result as the base
    "demand_semicolon_decimal_comma.csv": (
        "demand_id;weight;name\n0101;1 200,0;Агидель\n0102;300;Бакалы\n0103;50,0;Кизеловка\n"
    ),
    "demand_thousands_space.csv": DEMAND.replace("0101,1200,", '0101,"1 200",'),
    "demand_thousands_nbsp.csv": DEMAND.replace("0101,1200,", '0101,"1\u00a0200",'),
    "demand_bom_crlf.csv": "\ufeff" + DEMAND.replace("\n", "\r\n"),
    "costs_semicolon.csv": COSTS.replace(",", ";"),
    "costs_tab.csv": COSTS.replace(",", "\t"),
    "costs_lost_zeros.csv": COSTS.replace("\n0", "\n"),
    "supply_semicolon.csv": SUPPLY.replace(",", ";"),
    "table_semicolon_decimal_comma.csv": TABLE.replace(",", ";").replace(";10\n", ";10,0\n"),
    # refused: exit 2, the file named, the fix said
    "demand_cp1251.csv": DEMAND.encode("cp1251"),
    "demand_utf16.csv": DEMAND.encode("utf-16"),
    "demand_xlsx_renamed.csv": _xlsx(),
    "costs_zip_renamed.csv": _zip(COSTS),
    "costs_gzip_renamed.csv": gzip.compress(COSTS.encode(), mtime=0),
    "costs_pbf_renamed.csv": b"\x00\x00\x00\x0d\x0a\x09OSMHeader\x18\x7c\x10\x71\x1a",
    "costs_xml_renamed.csv": '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6"/>\n',
    "costs_ragged.csv": COSTS.replace("0102,a,30\n", "0102,a,30,extra\n").replace(
        "0103,b,15\n", "0103,b\n"
    ),
    "costs_missing_cost.csv": COSTS.replace("0102,b,5\n", "0102,b,\n"),
    "costs_repeated_pair.csv": COSTS + "0101,a,11\n",
    "costs_scientific_ids.csv": COSTS.replace("0103,b,15", "1.03E+02,b,15"),
    "costs_empty.csv": b"",
    "costs_header_only.csv": "demand_id,site_id,cost\n",
    "costs_wrong_header.csv": COSTS.replace("cost\n", "minutes\n", 1),
    "demand_ambiguous_comma.csv": DEMAND.replace("0101,1200,", '0101,"1,200",'),
    "demand_inf.csv": DEMAND.replace("0102,300,", "0102,inf,"),
    "demand_huge.csv": DEMAND.replace("0102,300,", "0102,1e308,"),
    "demand_negative.csv": DEMAND.replace("0102,300,", "0102,-300,"),
    "demand_text_weight.csv": DEMAND.replace("0102,300,", "0102,триста,"),
    "supply_huge.csv": SUPPLY.replace("a,10", "a,1e308"),
    "table_cp1251.csv": "location,activity,value\nУфа,x,1\nУфа,y,2\nБирск,x,3\n".encode("cp1251"),
    "table_xlsx_renamed.csv": _xlsx(),
    "table_ragged.csv": TABLE.replace("B,x,3\n", "B,x,3,4\n"),
    "table_huge.csv": TABLE.replace("B,x,3\n", "B,x,1e308\n"),
    "table_text_value.csv": TABLE.replace("B,x,3\n", "B,x,три\n"),
    "demand_lost_zeros.csv": DEMAND.replace("\n0", "\n"),
    "demand_header_spaces.csv": DEMAND.replace(
        "demand_id,weight,name", " demand_id , weight ,name"
    ),
}


# -- the sources of `docs/sources.md` and the other files a command reads (sources/) ----------

DATA = HERE.parent
BULLETIN = (DATA / "mini" / "bul2024_population_by_mo.csv").read_text(encoding="utf-8")
FEATURES = (DATA / "typology" / "features_sample.csv").read_text(encoding="utf-8")
FACILITIES = "name,type,lat,lon\nШкола № 1,школа,54.72,55.94\nФАП Бакалы,ФАП,55.18,53.80\n"
NORMATIVES = '[levels.district]\nrank = 1\nmin_population = "many"\n'


def _workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """A real .xlsx workbook (openpyxl), one sheet per key."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


SOURCES: dict[str, bytes | str] = {
    # the Rosstat population bulletin of `opora init --data-dir`
    "sources/bulletin_cp1251.csv": BULLETIN.encode("cp1251"),
    "sources/bulletin_empty.csv": b"",
    "sources/bulletin_missing_column.csv": BULLETIN.replace(",pop_total,", ",population,", 1),
    "sources/bulletin_xlsx_renamed.csv": _xlsx(),
    # the Urov-14a budget workbook: one sheet a year
    "sources/urov14a_missing_sheet.xlsx": _workbook({"Лист1": [["ОКТМО", "Доходы"], [1, 2]]}),
    "sources/urov14a_csv_renamed.xlsx": "ОКТМО,Доходы\n80601000,1\n",
    "sources/urov14a_truncated.xlsx": _workbook({"2022": [["a"], [1]]})[:300],
    # the SberIndex dictionary of municipalities
    "sources/dictionary_missing_column.xlsx": _workbook({"Sheet1": [["код", "имя"], [1, "x"]]}),
    # `opora typology --features`
    "sources/features_cp1251.csv": FEATURES.encode("cp1251"),
    "sources/features_missing_oktmo.csv": FEATURES.replace("oktmo,", "code,", 1),
    "sources/features_header_only.csv": FEATURES.splitlines()[0] + "\n",
    "sources/features_xlsx_renamed.csv": _xlsx(),
    # `opora typology --official-monotowns`
    "sources/list_cp1251.csv": "oktmo,name\n80739000,Салават\n".encode("cp1251"),
    "sources/list_empty.csv": b"",
    "sources/list_bad_code.csv": "oktmo,name\n8073900A,Салават\n",
    # `opora demo --facilities` (refused before any work)
    "sources/facilities_cp1251.csv": FACILITIES.encode("cp1251"),
    "sources/facilities_missing_type.csv": FACILITIES.replace("name,type,", "name,kind,", 1),
    "sources/facilities_truncated.xlsx": _workbook({"Sheet": [["name", "type"]]})[:300],
    # `opora demo --normatives` (refused before any work)
    "sources/normatives_not_toml.toml": "levels = [district\n",
    "sources/normatives_cp1251.toml": "# Нормативы\n[levels.district]\nrank = 1\n".encode("cp1251"),
    "sources/normatives_bad_value.toml": NORMATIVES,
    # `opora ties build --ownership`
    "sources/ownership_missing_inn.csv": "компания,доля\n0274613182,50\n",
    "sources/ownership_xlsx_renamed.csv": _xlsx(),
}


def main() -> None:
    """Write every file of the corpus."""
    for name, content in (FILES | SOURCES).items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)


if __name__ == "__main__":
    main()
