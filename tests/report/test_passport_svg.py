"""Tests of the passport charts drawn as inline SVG (no matplotlib).

Label boxes are measured here with Pillow and the DejaVu Sans font files that ship
with matplotlib, independently of the width table of :mod:`opora.report.passport.svg`.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import ImageFont

from opora.report.passport import BiText, TownPassport, render_passport_html
from opora.report.passport.labels import labels_for
from opora.report.passport.svg import (
    components_svg,
    map_svg,
    sectors_svg,
    text_width,
    trends_svg,
)

SVG = ""  # inline SVG in HTML needs no namespace (and the report names no URL)
NBSP = "\u00a0"

# Neighbours: five spread out, and a tight cluster of eight villages 1-3 km from each
# other, so that the placement has to leave some labels out.
SPREAD = [
    ("Мишкино", 7200.0, 55.55, 55.54, "local"),
    ("Караидель", 6900.0, 56.91, 55.83, "inter_district"),
    ("Бураево", 6100.0, 55.41, 55.84, "local"),
    ("Старобалтачево", 5800.0, 56.00, 56.00, None),
    ("Угузево", 900.0, 55.20, 55.10, None),
]
CLUSTER = [
    (f"Кустово-{i}", 300.0 + 10 * i, 56.30 + 0.02 * (i % 3), 55.60 + 0.015 * (i // 3), None)
    for i in range(8)
]


def _neighbours(rows: list[tuple[str, float, float, float, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": [r[0] for r in rows],
            "type": ["с"] * len(rows),
            "population": [r[1] for r in rows],
            "lon": [r[2] for r in rows],
            "lat": [r[3] for r in rows],
            "anchor_level": [r[4] for r in rows],
        }
    )


def make_town(
    rows: list[tuple[str, float, float, float, str | None]] | None = None,
) -> TownPassport:
    """A hand-made passport: Бирск with neighbours, two sectors, two series, components."""
    years = [2020, 2021, 2022]
    return TownPassport(
        oktmo="80615101001",
        name="Бирск",
        settlement_type="г",
        municipality="Бирский район",
        municipality_oktmo="80615000",
        region="Республика Башкортостан",
        population=44_833.0,
        population_year=2024,
        lon=55.53,
        lat=55.42,
        neighbours=_neighbours(SPREAD if rows is None else rows),
        profile=[],
        types=[],
        accessibility=pd.DataFrame(),
        anchor_role=BiText("", ""),
        sector_shares=pd.DataFrame(
            {
                "section": ["C", "P", "F"],
                "label_ru": ["Обрабатывающие производства", "Образование", "Строительство"],
                "label_en": ["Manufacturing", "Education", "Construction"],
                "share": [0.21, 0.12, np.nan],
                "region_share": [0.25, 0.09, 0.07],
            }
        ),
        trends=pd.DataFrame(
            {
                "series_ru": ["Население"] * 3 + ["Зарплата"] * 3,
                "series_en": ["Population"] * 3 + ["Wage"] * 3,
                "unit": ["тыс. чел."] * 3 + ["тыс. руб."] * 3,
                "year": years * 2,
                "value": [46.1, 45.3, 44.8, 28.4, 33.0, 44.9],
                "region_median": [12.0, 11.8, 11.5, 27.0, 31.5, np.nan],
            }
        ),
        candidates=[],
        resilience=(62.4, 5, 48),
        resilience_components=[
            (BiText("Демография", "Demography"), 41.0),
            (BiText("Диверсификация", "Diversity"), 73.5),
            (BiText("Бюджет", "Budget"), None),
        ],
    )


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / name
    return ImageFont.truetype(str(path), 1000)


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    box = [float(v) for v in root.attrib["viewBox"].split()]
    assert len(box) == 4
    assert box[2] > 0
    assert box[3] > 0
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text
    assert root.attrib["aria-labelledby"] == title.attrib["id"]
    return root


def _classed(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{SVG}{tag}") if css in e.attrib.get("class", "").split()]


def _lines(text: ET.Element) -> list[tuple[float, float, str]]:
    """Return (x, baseline y, string) of each line of a <text>."""
    spans = text.findall(f"{SVG}tspan")
    if not spans:
        return [(float(text.attrib["x"]), float(text.attrib["y"]), text.text or "")]
    return [(float(s.attrib["x"]), float(s.attrib["y"]), s.text or "") for s in spans]


def _box(text: ET.Element) -> tuple[float, float, float, float]:
    """Measure a <text> with Pillow: its box from the ascent to the descent of DejaVu Sans."""
    size = float(text.attrib["font-size"])
    font = _font(text.attrib.get("font-weight") == "bold")
    ascent, descent = (v / 1000 * size for v in font.getmetrics())
    anchor = text.attrib.get("text-anchor", "start")
    x0s, x1s, y0s, y1s = [], [], [], []
    for x, y, s in _lines(text):
        w = font.getlength(s) / 1000 * size
        left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        x0s.append(left)
        x1s.append(left + w)
        y0s.append(y - ascent)
        y1s.append(y + descent)
    return min(x0s), min(y0s), max(x1s), max(y1s)


def _overlap(a: tuple[float, ...], b: tuple[float, ...], tol: float = 0.5) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


@pytest.mark.parametrize(
    ("text", "bold"),
    [("Старобалтачево", False), ("Караидель", True), ("Birsk 20 km, 12.5%", False)],
)
def test_text_width_matches_the_font(text: str, bold: bool) -> None:
    expected = _font(bold).getlength(text) / 1000 * 10.5
    measured = text_width(text, 10.5, bold=bold)
    assert measured >= expected * 0.99  # never narrower than the real text
    assert measured <= expected * 1.16


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_map_labels_every_spread_neighbour(lang: str) -> None:
    t = labels_for(lang)
    root = _parse(map_svg(make_town(), lang, t, "m"))
    (town,) = _classed(root, "text", "pp-town-lbl")
    assert "".join(s for *_, s in _lines(town)) == "Бирск"
    labels = sorted(e.text or "" for e in _classed(root, "text", "pp-lbl"))
    assert labels == sorted(r[0] for r in SPREAD)
    markers = [c for g in _classed(root, "g", "pp-mk") for c in g.iter(f"{SVG}circle")]
    assert len(markers) == len(SPREAD)
    # north and legend in the language
    texts = [e.text for e in root.iter(f"{SVG}text")]
    assert ("С" if lang == "ru" else "N") in texts
    assert ("межрайонный центр" if lang == "ru" else "inter-district anchor") in texts
    unit = f"{NBSP}км" if lang == "ru" else f"{NBSP}km"
    assert any(re.fullmatch(r"\d+" + unit, s or "") for s in texts)  # the scale bar


def test_map_labels_do_not_overlap_in_a_cluster() -> None:
    t = labels_for("ru")
    root = _parse(map_svg(make_town(SPREAD + CLUSTER), "ru", t, "m"))
    vb = [float(v) for v in root.attrib["viewBox"].split()]
    labels = _classed(root, "text", "pp-lbl") + _classed(root, "text", "pp-town-lbl")
    names = [e.text for e in _classed(root, "text", "pp-lbl")]
    assert len(names) == len(set(names))
    assert set(names) <= {r[0] for r in SPREAD + CLUSTER}
    assert 5 <= len(names) <= 12
    assert len(names) < len(SPREAD + CLUSTER)  # the cluster cannot take all its labels
    boxes = [_box(e) for e in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b), (a, b)
    for box in boxes:
        assert box[0] >= vb[0]
        assert box[2] <= vb[0] + vb[2]
        assert box[1] >= vb[1]
    # no label covers another neighbour's marker
    by_name = {e.text: _box(e) for e in _classed(root, "text", "pp-lbl")}
    circles = [c for g in _classed(root, "g", "pp-mk") for c in g.iter(f"{SVG}circle")]
    for name, box in by_name.items():
        covered = []
        for c in circles:
            cx, cy, r = (float(c.attrib[k]) for k in ("cx", "cy", "r"))
            if _overlap(box, (cx - r, cy - r, cx + r, cy + r), tol=1.0):
                covered.append((cx, cy))
        assert len(covered) <= 1, name  # at most its own marker


@pytest.mark.parametrize(
    ("lang", "values"),
    [("ru", [f"21,0{NBSP}%", f"12,0{NBSP}%"]), ("en", ["21.0%", "12.0%"])],
)
def test_sector_bars_show_the_data(lang: str, values: list[str]) -> None:
    t = labels_for(lang)
    drawn = sectors_svg(make_town(), lang, t, "s")
    assert drawn is not None
    svg, left_out = drawn
    assert left_out == 0
    root = _parse(svg)
    assert [e.text for e in _classed(root, "text", "pp-val")] == values
    town = [float(e.attrib["width"]) for e in _classed(root, "rect", "pp-bar-town")]
    region = [float(e.attrib["width"]) for e in _classed(root, "rect", "pp-bar-region")]
    # sorted by the town's share; the missing share draws an empty bar
    assert town[2] == 0
    scale = town[0] / 21.0
    assert town[1] == pytest.approx(12.0 * scale, rel=1e-3)
    assert region == pytest.approx([25.0 * scale, 9.0 * scale, 7.0 * scale], rel=1e-3)
    all_text = " ".join("".join(e.itertext()) for e in root.iter(f"{SVG}text"))
    assert ("Образование" if lang == "ru" else "Education") in all_text


@pytest.mark.parametrize(("lang", "point"), [("ru", "2022: 44,9"), ("en", "2022: 44.9")])
def test_trends_draw_each_series(lang: str, point: str) -> None:
    svg = trends_svg(make_town(), lang, labels_for(lang), "tr")
    assert svg is not None
    root = _parse(svg)
    panels = _classed(root, "g", "pp-trend")
    assert [g.attrib["data-series"] for g in panels] == ["Население", "Зарплата"]
    tips = [e.text for e in root.iter(f"{SVG}title")]
    assert any(tip and tip.startswith(point) for tip in tips)
    # the wage median lacks 2022: its dashed line has two points only
    wage = panels[1]
    (median,) = _classed(wage, "path", "pp-median")
    assert len(re.findall(r"[ML]", median.attrib["d"])) == 2
    years = {e.text for e in wage.iter(f"{SVG}text")}
    assert {"2020", "2021", "2022"} <= years


@pytest.mark.parametrize(
    ("lang", "values", "none"),
    [("ru", ["41", "73,5"], "нет данных"), ("en", ["41", "73.5"], "no data")],
)
def test_components_show_the_scores(lang: str, values: list[str], none: str) -> None:
    svg = components_svg(make_town(), lang, labels_for(lang), "c")
    assert svg is not None
    root = _parse(svg)
    assert [e.text for e in _classed(root, "text", "pp-val")] == values
    assert [e.text for e in _classed(root, "text", "pp-none")] == [none]
    widths = [float(e.attrib["width"]) for e in _classed(root, "rect", "pp-bar")]
    assert widths[1] / widths[0] == pytest.approx(73.5 / 41.0, rel=1e-3)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_html_passport_has_svg_charts_not_png(lang: str) -> None:
    html = render_passport_html(make_town(), lang)
    assert "data:image/png" not in html
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 4
    ids = [_parse(s).attrib["id"] for s in svgs]
    assert ids == [
        "passport-80615101001-map",
        "passport-80615101001-sectors",
        "passport-80615101001-trends",
        "passport-80615101001-resilience",
    ]


def test_names_are_escaped() -> None:
    rows = [("<b>A&B</b>", 500.0, 55.8, 55.6, None)]
    town = make_town(rows)
    svg = map_svg(town, "en", labels_for("en"), "m")
    root = _parse(svg)
    assert [e.text for e in _classed(root, "text", "pp-lbl")] == ["<b>A&B</b>"]
    assert "<b>" not in svg


def test_map_without_neighbours_or_population() -> None:
    import dataclasses

    town = dataclasses.replace(make_town([]), population=None)
    root = _parse(map_svg(town, "ru", labels_for("ru"), "m"))
    assert not _classed(root, "text", "pp-lbl")
    (dot,) = _classed(root, "circle", "pp-town")
    assert math.isfinite(float(dot.attrib["r"]))


def test_html_passport_does_not_load_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import pandas as pd\n"
        "from opora.report.passport import BiText, TownPassport, render_passport_html\n"
        "p = TownPassport(oktmo='1', name='A', settlement_type='г', municipality='', "
        "municipality_oktmo='', region='', population=1000.0, population_year=None, "
        "lon=55.0, lat=55.0, neighbours=pd.DataFrame(), profile=[], types=[], "
        "accessibility=pd.DataFrame(), anchor_role=BiText('', ''), "
        "sector_shares=pd.DataFrame(), trends=pd.DataFrame(), candidates=[], "
        "resilience=None, resilience_components=[(BiText('a', 'a'), 50.0)])\n"
        "html = render_passport_html(p)\n"
        "assert '<svg ' in html\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
