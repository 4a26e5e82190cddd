"""Benchmark: stream a national-size FNS SME register through opora's reader.

Run from the project root::

    python benchmarks/ties_stream.py [--records 2000000] [--per-file 900]
        [--region-share 0.03] [--seed 2024] [--tracemalloc] [--keep DIR]

It writes, in a temporary folder, a zip archive laid out like the published register
(``VO_RRMSPSV_*.xml`` files of ``--per-file`` documents each, ``ТипИнф="РЕЕСТРМСП"``,
organisations and individual entrepreneurs, main and extra OKVED codes with their
names, locations by region / district / city / settlement). About ``--region-share``
of the documents lie in the Republic of Bashkortostan, at places of the hand-made
test workspace (``tests/data/ties``), the rest in other regions, as in the national
file. Then, in a fresh child process, it runs
:func:`opora.io.firms.read_sme_register` with that workspace's location index and
measures:

* wall time and documents per second;
* the child's peak resident set (``ru_maxrss``) and its growth over the resident set
  just before reading (after imports and the index), which stays bounded because the
  archive is streamed: only the documents kept (the region's) are held;
* with ``--tracemalloc``, the peak of Python allocations (slower).

It reads the archive twice, each time in a fresh child: once keeping the region's
documents, once with a region absent from the file, so that nothing is kept and the
growth measures the streaming alone.

It prints a Markdown table row to paste into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
import zipfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "tests" / "data" / "ties"

OKVED = [
    ("47.11", "Торговля розничная преимущественно пищевыми продуктами, включая напитки"),
    ("46.90", "Торговля оптовая неспециализированная"),
    ("49.41", "Деятельность автомобильного грузового транспорта"),
    ("41.20", "Строительство жилых и нежилых зданий"),
    ("68.20", "Аренда и управление собственным или арендованным недвижимым имуществом"),
    ("01.11", "Выращивание зерновых (кроме риса), зернобобовых культур и семян масличных"),
    ("10.71", "Производство хлеба и хлебобулочных изделий недлительного хранения"),
    ("62.01", "Разработка компьютерного программного обеспечения"),
    ("96.02", "Предоставление услуг парикмахерскими и салонами красоты"),
    ("16.10", "Распиловка и строгание древесины"),
    ("56.10", "Деятельность ресторанов и услуги по доставке продуктов питания"),
    ("45.20", "Техническое обслуживание и ремонт автотранспортных средств"),
]
OTHER_REGIONS = [
    ("77", "ГОРОД", "МОСКВА", None, "МОСКВА"),
    ("78", "ГОРОД", "САНКТ-ПЕТЕРБУРГ", None, "САНКТ-ПЕТЕРБУРГ"),
    ("59", "КРАЙ", "ПЕРМСКИЙ", "КРАСНОКАМСКИЙ", "КРАСНОКАМСК"),
    ("52", "ОБЛАСТЬ", "НИЖЕГОРОДСКАЯ", "ТОНКИНСКИЙ", None),
    ("16", "РЕСПУБЛИКА", "ТАТАРСТАН", None, "КАЗАНЬ"),
    ("66", "ОБЛАСТЬ", "СВЕРДЛОВСКАЯ", None, "ЕКАТЕРИНБУРГ"),
]
W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def inn(region: str, n: int, person: bool) -> str:
    if person:
        body = f"{region}{n:08d}"[-10:]
        body = body if len(body) == 10 else body.zfill(10)
        body += _check(body, W11)
        return body + _check(body, W12)
    body = f"{region}{n:07d}"[-9:].zfill(9)
    return body + _check(body, W10)


def _places() -> list[tuple[str | None, str | None, str | None, str | None]]:
    """(district, city, settlement type, settlement) of the hand-made places."""
    s = pd.read_csv(PLACES / "places_settlements.csv", dtype="string")
    m = pd.read_csv(PLACES / "places_municipalities.csv", dtype="string")
    district = dict(zip(m["oktmo"], m["name"], strict=True))
    lower = m["level"] == "lower"
    parent = dict(zip(m.loc[lower, "oktmo"], m.loc[lower, "parent_oktmo"], strict=True))
    out: list[tuple[str | None, str | None, str | None, str | None]] = []
    for name, kind, mun in zip(s["name"], s["type"], s["municipality_oktmo"], strict=True):
        upper = parent.get(mun, mun)
        up_name = str(district.get(upper, "")).upper()
        if "ГОРОДСКОЙ ОКРУГ" in up_name:
            out.append((None, str(name).upper(), None, None))
        elif kind == "г":
            out.append((up_name.split()[0], str(name).upper(), None, None))
        else:
            long = {"рп": "РАБОЧИЙ ПОСЕЛОК", "с": "СЕЛО", "д": "ДЕРЕВНЯ"}.get(str(kind), "СЕЛО")
            out.append((up_name.split()[0], None, long, str(name).upper()))
    return out


class _Parts:
    """Pre-rendered fragments of documents (locations, OKVED codes) and random draws."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.main = [
            f'<СвОКВЭДОсн КодОКВЭД="{c}" НаимОКВЭД="{n}" ВерсОКВЭД="2014"/>' for c, n in OKVED
        ]
        self.extra = [
            f'<СвОКВЭДДоп КодОКВЭД="{c}" НаимОКВЭД="{n}" ВерсОКВЭД="2014"/>' for c, n in OKVED
        ]
        self.perms = [self.rng.permutation(len(OKVED)).tolist() for _ in range(256)]
        self.inside = [self._location("02", "РЕСПУБЛИКА", "БАШКОРТОСТАН", *p) for p in _places()]
        self.outside = [
            (code, self._location(code, kind, name, district, city, None, None))
            for code, kind, name, district, city in OTHER_REGIONS
        ]

    @staticmethod
    def _location(
        code: str,
        kind: str,
        name: str,
        district: str | None,
        city: str | None,
        s_type: str | None,
        settlement: str | None,
    ) -> str:
        loc = f'<СведМН КодРегион="{code}"><Регион Тип="{kind}" Наим="{name}"/>'
        if district:
            loc += f'<Район Тип="РАЙОН" Наим="{district}"/>'
        if city:
            loc += f'<Город Тип="ГОРОД" Наим="{city}"/>'
        if settlement:
            loc += f'<НаселПункт Тип="{s_type}" Наим="{settlement}"/>'
        return loc + "</СведМН>"


def documents(parts: _Parts, start: int, n: int, share: float) -> tuple[list[str], int]:
    """Render documents ``start + 1 ... start + n``; return them and how many are inside."""
    rng = parts.rng
    person = rng.random(n) < 0.7
    small = rng.random(n) < 0.05
    inside = rng.random(n) < share
    n_extra = np.minimum(rng.poisson(3, n), len(OKVED) - 1)
    perm = rng.integers(0, len(parts.perms), n)
    out: list[str] = []
    for i in range(n):
        k = start + i + 1
        if inside[i]:
            region, loc = "02", parts.inside[k % len(parts.inside)]
        else:
            region, loc = parts.outside[k % len(parts.outside)]
        if person[i]:
            who = (
                f'<ИПВклМСП ИННФЛ="{inn(region, k, True)}" ОГРНИП="3{k:014d}">'
                '<ФИОИП Фамилия="ИВАНОВ" Имя="ИВАН" Отчество="ИВАНОВИЧ"/></ИПВклМСП>'
            )
        else:
            who = (
                '<ОргВклМСП НаимОрг="ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ &quot;ФИРМА '
                f'{k}&quot;" НаимОргСокр="ООО &quot;ФИРМА {k}&quot;" '
                f'ИННЮЛ="{inn(region, k, False)}"/>'
            )
        codes = parts.perms[int(perm[i])][: 1 + int(n_extra[i])]
        okved = parts.main[codes[0]] + "".join(parts.extra[c] for c in codes[1:])
        out.append(
            f'<Документ ИдДок="{k:08x}-0c3d-4e5f-8a9b-{start:012x}" ДатаСост="10.06.2024" '
            f'ДатаВклМСП="10.08.2016" ВидСубМСП="{2 if person[i] else 1}" '
            f'КатСубМСП="{2 if small[i] else 1}" ПризНовМСП="2" СведСоцПред="2">'
            f"{who}{loc}<СвОКВЭД>{okved}</СвОКВЭД></Документ>"
        )
    return out, int(inside.sum())


def generate(path: Path, records: int, per_file: int, share: float, seed: int) -> dict[str, Any]:
    """Write the archive; return its size, the XML bytes and the documents inside the region."""
    parts = _Parts(seed)
    xml_bytes = 0
    inside_total = 0
    members = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for start in range(0, records, per_file):
            n = min(per_file, records - start)
            fid = f"VO_RRMSPSV_0000_9965_20240610_{uuid.UUID(int=start + 1, version=4)}"
            docs, inside = documents(parts, start, n, share)
            inside_total += inside
            data = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<Файл ИдФайл="{fid}" ВерсФорм="4.04" ТипИнф="РЕЕСТРМСП" КолДок="{n}">'
                '<ИдОтпр><ФИООтв Фамилия="-" Имя="-"/></ИдОтпр>' + "".join(docs) + "</Файл>"
            ).encode("utf-8")
            xml_bytes += len(data)
            zf.writestr(f"{fid}.xml", data)
            members += 1
    return {
        "zip_mb": path.stat().st_size / 2**20,
        "xml_mb": xml_bytes / 2**20,
        "inside": inside_total,
        "members": members,
    }


def _rss_kib() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _vm_rss_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return _rss_kib()


def _child(path: str, traced: bool, keep_region: bool, conn: Connection) -> None:
    from opora.io.firms import read_sme_register
    from opora.model.places import LocationIndex

    s = pd.read_csv(PLACES / "places_settlements.csv", dtype="string")
    m = pd.read_csv(PLACES / "places_municipalities.csv", dtype="string")
    if not keep_region:  # a region absent from the file: every document is streamed past
        s["region"] = m["region"] = "Тестовая область"
    index = LocationIndex(s, m)
    before = _vm_rss_kib()
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    res = read_sme_register(path, index)
    wall = time.perf_counter() - t0
    peak_traced = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    conn.send(
        {
            "wall": wall,
            "read": res.rows_read,
            "kept": res.rows_kept,
            "rejected": res.rows_rejected,
            "other": int(res.extra.get("other_region", 0)),
            "rss_before_mib": before / 1024,
            "maxrss_mib": _rss_kib() / 1024,
            "traced_mib": peak_traced / 2**20,
        }
    )
    conn.close()


def measure(path: Path, *, traced: bool, keep_region: bool) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(str(path), traced, keep_region, child))
    proc.start()
    out: dict[str, Any] = parent.recv()
    proc.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=2_000_000)
    ap.add_argument("--per-file", type=int, default=900)
    ap.add_argument("--region-share", type=float, default=0.03)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--tracemalloc", action="store_true", help="also measure Python peaks")
    ap.add_argument("--keep", type=Path, help="write the archive here and keep it")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"data-sme-{args.records}.zip"
        t0 = time.perf_counter()
        info = generate(path, args.records, args.per_file, args.region_share, args.seed)
        gen = time.perf_counter() - t0
        print(
            f"generated {args.records:,} documents in {info['members']:,} XML files: "
            f"{info['xml_mb']:,.0f} MiB of XML, {info['zip_mb']:,.0f} MiB zipped, "
            f"{info['inside']:,} in the region ({gen:.0f} s)",
            file=sys.stderr,
        )
        runs = {
            "region kept": measure(path, traced=args.tracemalloc, keep_region=True),
            "nothing kept": measure(path, traced=args.tracemalloc, keep_region=False),
        }
    print(
        f"\n{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"pandas {pd.__version__}\n",
    )
    print(
        "| documents | run | XML (zip) | XML files | kept / other region | wall | documents/s "
        "| peak RSS (growth while reading) | tracemalloc peak |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, run in runs.items():
        assert run["read"] == args.records, run
        growth = run["maxrss_mib"] - run["rss_before_mib"]
        tm = f"{run['traced_mib']:,.1f} MiB" if args.tracemalloc else "not measured"
        print(
            f"| {run['read']:,} | {label} | {info['xml_mb']:,.0f} MiB ({info['zip_mb']:,.0f} MiB) "
            f"| {info['members']:,} | {run['kept']:,} / {run['other']:,} | {run['wall']:.0f} s "
            f"| {run['read'] / run['wall']:,.0f} | {run['maxrss_mib']:,.0f} MiB "
            f"({growth:+,.0f} MiB) | {tm} |"
        )


if __name__ == "__main__":
    main()
