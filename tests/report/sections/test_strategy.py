"""Tests of the typology and strategy section of the HTML report."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from opora.model.provenance import Provenance
from opora.report import LABELS, ReportInputError
from opora.report.passport import PASSPORT_CSS
from opora.report.sections.economy import EconomySection
from opora.report.sections.strategy import (
    RESILIENCE_CLASSES,
    TYPE_COLOURS,
    StrategySection,
    resilience_class,
)
from report._html import (
    CHROMIUM,
    NBSP,
    Node,
    assert_loads_nothing,
    assert_no_russian_labels,
    assert_no_section,
    body_markup,
    body_rows,
    find_section,
    parse,
    run_in_browser,
    section_label_keys,
    select_probe,
)
from report._region import SmallReport, one_municipality_profile, two_municipalities

# --------------------------------------------------------------------------- fixtures


def make_settlements() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "settlement_id": ["s1", "s2", "s3", "s4"],
            "name": ["Северогорск", "Лесной", "Ивановка", "Дальний"],
            "type": ["г", "г", "д", "п"],
            "population": pd.array([300_000, 12_000, 300, 4_000], dtype="Int64"),
        },
        geometry=[Point(38.0, 59.0), Point(38.6, 59.4), Point(38.3, 59.1), Point(39.0, 59.2)],
        crs="EPSG:4326",
    )


REPORT = SmallReport(
    make_settlements(),
    two_municipalities(),
    one_municipality_profile(312_000),
    Provenance("types", "opora", "MIT", "2024", "real"),
    region_name="Тестовская область",
    generated="2024-05-01T12:00+00:00",
)

TYPE_LABELS = {
    "inter_district_centre": ("межрайонный центр", "inter-district centre"),
    "single_enterprise": ("моноотраслевая", "single-enterprise economy"),
    "arctic": ("Арктическая зона", "Arctic zone"),
    "far_north": ("Крайний Север", "Far North"),
    "border": ("приграничный", "border"),
    "agglomeration_satellite": ("спутник агломерации", "agglomeration satellite"),
    "life_support": ("экономика жизнеобеспечения", "life-support economy"),
    "agro_service": ("агросервисная специализация", "agro-service specialisation"),
    "tourism": ("туристская специализация", "tourism specialisation"),
    "industrial": ("промышленная специализация", "industrial specialisation"),
}

LONG_REASON = (
    "inter_district_centre: больница и колледж обслуживают 14 244 жителя соседних районов"
    " | industrial: доля обрабатывающих производств 41,2 % при медиане 9,8 %"
    " | border: граница с соседним государством в 35 км"
)

# oktmo, name, level, types, reasons, population, lon, lat
TYPE_ROWS = [
    (
        "19701000",
        "Северогорский ГО",
        "municipality",
        "inter_district_centre;industrial;border",
        LONG_REASON,
        312_000,
        38.0,
        59.0,
    ),
    (
        "19702000",
        "Лесной МР",
        "municipality",
        "agro_service",
        "agro_service: пашня 45 %",
        20_000,
        38.6,
        59.4,
    ),
    ("19703000", "Пустой <МО> & Co", "municipality", "", "", np.nan, np.nan, np.nan),
    (
        "19704000",
        "Дальний МР",
        "municipality",
        "arctic; far_north",
        "arctic: Арктическая зона: в перечне АЗРФ | far_north: район Крайнего Севера",
        5_000,
        39.0,
        59.2,
    ),
    (
        "19701101001",
        "Северогорск",
        "town",
        "inter_district_centre;mystery",
        "mystery: так вышло",
        300_000,
        38.0,
        59.0,
    ),
    ("19702101001", "Лесной", "town", None, None, 12_000, 38.6, 59.4),
]
TYPE_COLUMNS = ["oktmo", "name", "level", "types", "reasons", "population", "lon", "lat"]

# Legend counts worked out by hand from TYPE_ROWS: (municipalities, towns) with the type.
LEGEND_COUNTS = {
    "inter_district_centre": (1, 1),
    "single_enterprise": (0, 0),
    "arctic": (1, 0),
    "far_north": (1, 0),
    "border": (1, 0),
    "agglomeration_satellite": (0, 0),
    "life_support": (0, 0),
    "agro_service": (1, 0),
    "tourism": (0, 0),
    "industrial": (1, 0),
    "mystery": (0, 1),
}
NO_TYPE_COUNTS = (1, 1)

COMPONENT_LABELS = {
    "population_dynamics": ("динамика населения", "population dynamics"),
    "budget_dependence": ("бюджетная зависимость", "budget dependence"),
    "not_in_table": ("нет в таблице", "not in the table"),
    "ties": ("межмуниципальные связи", "inter-municipal ties"),
}

# Rows not in rank order; the one without a rank goes last.
RESILIENCE = pd.DataFrame(
    {
        "oktmo": ["19702000", "19704000", "19701000", "19703000"],
        "name": ["Лесной МР", "Дальний МР", "Северогорский ГО", "Пустой <МО> & Co"],
        "score": [40.04, np.nan, 75.55, 10.0],
        "rank": [2, np.nan, 1, 3],
        "population_dynamics": [0.0, 19.96, 39.9, 59.99],
        "budget_dependence": [80.0, 100.0, np.nan, 12.0],
        "ties": [np.nan, np.nan, 55.0, 61.0],
        "note": ["x", "y", "z", "w"],
    }
)
SENSITIVITY = pd.DataFrame(
    {
        "oktmo": ["19701000", "19702000", "19703000"],
        "median_abs_rank_change": [0.5, 1.25, 2.0],
        "share_bottom_quintile": [0.0, 0.25, 0.875],
    }
)
ALERTS = pd.DataFrame(
    {
        "oktmo": ["19702000", "19704000"],
        "name": ["Лесной МР", "Дальний МР"],
        "alert_ru": ["Опорный центр без больницы в пределах 60 минут", ""],
        "alert_en": ["Anchor without a hospital within 60 minutes", "Anchor with no ties <at all>"],
    }
)

FRAGMENTS = [
    (
        '<section class="passport" id="passport-19701101001" data-oktmo="19701101001">'
        '<h2 class="pp-title">г. Северогорск</h2><p>Текст &amp; <b>жирный</b> «паспорт»</p>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" width="2" height="2" alt="карта">'
        "</section>"
    ),
    (
        '<section class="passport" id="passport-19702101001" data-oktmo="19702101001">'
        '<h2 class="pp-title">г. Лесной</h2><div id="passport-19702101001-map">карта</div>'
        "</section>"
    ),
]
PASSPORT_INDEX = pd.DataFrame(
    {
        "oktmo": ["19701101001", "19702101001", "19799101001"],
        "name": ["Северогорск", "Лесной", "Безпаспортный"],
        "anchor": ["passport-19701101001", "#passport-19702101001", "passport-19799101001"],
        "pdf": ["passports/Северогорск 1.pdf", "", "passports/b.pdf"],
    }
)


def make_strategy(**changes: Any) -> StrategySection:
    section = StrategySection(
        types=pd.DataFrame(TYPE_ROWS, columns=TYPE_COLUMNS),
        type_labels=TYPE_LABELS,
        resilience=RESILIENCE.copy(),
        component_labels=COMPONENT_LABELS,
        sensitivity=SENSITIVITY.copy(),
        alerts=ALERTS.copy(),
        passports_html=list(FRAGMENTS),
        passport_index=PASSPORT_INDEX.copy(),
        note_ru="Типы — по правилам typology.toml, индекс — по strategy.toml.",
        note_en="Types follow typology.toml, the index strategy.toml.",
    )
    return dataclasses.replace(section, **changes) if changes else section


def render(lang: str = "ru", **kwargs: Any) -> str:
    return REPORT.render(lang, **kwargs)


@pytest.fixture(scope="module", params=["ru", "en"])
def doc(request: pytest.FixtureRequest) -> tuple[str, str, Node]:
    lang = str(request.param)
    html = render(lang, strategy=make_strategy())
    return lang, html, parse(html)


def k(lang: str) -> int:
    return 0 if lang == "ru" else 1


# --------------------------------------------------------------------------- presence


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_section_absent_without_strategy(lang: str) -> None:
    html = render(lang)
    assert_no_section(html, parse(html), "strategy", LABELS[lang]["str_heading"])
    body = body_markup(html)
    assert "typ-" not in body
    assert "passport" not in body
    assert PASSPORT_CSS not in html


def test_section_nav_link_and_note(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    section = find_section(root, "strategy", LABELS[lang]["str_heading"])
    assert section.iter("h2")[0].text == LABELS[lang]["str_heading"]
    ids = [n.attrs.get("id") for n in root.iter("section")]
    assert ids.index("profile") < ids.index("strategy") < ids.index("import")
    note = root.find_id("strategy-note").text
    assert LABELS[lang]["str_note_label"] in note
    assert ("по правилам" if lang == "ru" else "Types follow") in note


def test_section_follows_the_economy_section() -> None:
    economy = EconomySection(
        columns=[],
        table=pd.DataFrame({"oktmo": ["19701000"], "name": ["Северогорский ГО"]}),
        reasons=pd.DataFrame(),
        sector_shares=pd.DataFrame(),
        section_labels={},
        trends=pd.DataFrame(),
        trend_labels={},
        candidates=pd.DataFrame(),
        candidate_labels={},
        note_ru="",
        note_en="",
    )
    root = parse(render("ru", economy=economy, strategy=make_strategy()))
    ids = [n.attrs.get("id") for n in root.iter("section") if n.attrs.get("id")]
    assert ids.index("economy") < ids.index("strategy") < ids.index("import")
    hrefs = [a.attrs["href"] for a in root.iter("nav")[0].iter("a")]
    assert hrefs.index("#economy") < hrefs.index("#strategy") < hrefs.index("#import")


# --------------------------------------------------------------------------- typology map


def test_map_has_a_marker_per_row_with_coordinates(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    svg = root.find_id("strategy-map-svg")
    markers = svg.by_class("typ-mk", "g")
    with_coords = [r for r in TYPE_ROWS if not (math.isnan(r[6]) or math.isnan(r[7]))]
    assert len(markers) == len(with_coords) == 5
    assert {m.attrs["data-oktmo"] for m in markers} == {r[0] for r in with_coords}
    # municipalities are drawn first, towns over them
    levels = [m.attrs["data-level"] for m in markers]
    assert levels == ["municipality"] * 3 + ["town"] * 2
    # the one row without coordinates is said under the map
    assert LABELS[lang]["map_not_shown"].format(n=1) in root.find_id("strategy").text
    # grey dots of all the settlements on the same projection as the main map
    (base,) = svg.by_class("typ-base", "path")
    assert base.attrs["d"].count("M") == 4
    main = root.find_id("map-svg")
    assert svg.attrs["viewbox"] == main.attrs["viewbox"]


def test_markers_sit_on_the_main_map_projection(doc: tuple[str, str, Node]) -> None:
    _, _, root = doc
    circles = {c.attrs["data-id"]: c for c in root.find_id("map-svg").iter("circle")}
    markers = {
        m.attrs["data-oktmo"]: m for m in root.find_id("strategy-map-svg").by_class("typ-mk", "g")
    }
    for oktmo, sid in (("19701000", "s1"), ("19702101001", "s2"), ("19704000", "s4")):
        main = markers[oktmo].by_class("typ-main", "circle")[0]
        assert main.attrs["cx"] == circles[sid].attrs["cx"]
        assert main.attrs["cy"] == circles[sid].attrs["cy"]


def test_marker_colour_size_and_further_types(doc: tuple[str, str, Node]) -> None:
    _, _, root = doc
    markers = {
        m.attrs["data-oktmo"]: m for m in root.find_id("strategy-map-svg").by_class("typ-mk", "g")
    }
    muni = markers["19701000"]
    assert muni.attrs["data-types"] == "inter_district_centre industrial border"
    assert muni.attrs["data-n"] == "3"
    (main,) = muni.by_class("typ-main", "circle")
    assert main.attrs["fill"] == TYPE_COLOURS["inter_district_centre"]
    assert main.attrs["r"] == "8"
    dots = muni.by_class("typ-dot", "circle")
    assert [d.attrs["fill"] for d in dots] == [TYPE_COLOURS["industrial"], TYPE_COLOURS["border"]]
    # the first further type sits up and to the right, 8 + 1.6 + 2.6 units from the centre
    cx, cy = float(main.attrs["cx"]), float(main.attrs["cy"])
    dx, dy = float(dots[0].attrs["cx"]) - cx, float(dots[0].attrs["cy"]) - cy
    assert dx == pytest.approx(12.2 / math.sqrt(2), abs=0.11)
    assert dy == pytest.approx(-12.2 / math.sqrt(2), abs=0.11)
    # a town is smaller; its unlabelled type gets a colour of its own
    town = markers["19701101001"]
    assert "town" in town.classes()
    assert town.by_class("typ-main", "circle")[0].attrs["r"] == "4.5"
    (dot,) = town.by_class("typ-dot", "circle")
    assert dot.attrs["fill"] not in TYPE_COLOURS.values()
    # rows without a type are white circles
    for oktmo in ("19702101001",):
        (none,) = markers[oktmo].by_class("typ-main", "circle")
        assert "none" in none.classes()
        assert markers[oktmo].attrs["data-types"] == ""
        assert markers[oktmo].by_class("typ-dot", "circle") == []
    # spaces around ids are dropped
    assert markers["19704000"].attrs["data-types"] == "arctic far_north"


def test_marker_tooltips(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    markers = {
        m.attrs["data-oktmo"]: m for m in root.find_id("strategy-map-svg").by_class("typ-mk", "g")
    }
    tip = markers["19701000"].iter("title")[0].text
    lines = tip.split("\n")
    assert lines[0] == f"Северогорский ГО ({LABELS[lang]['str_level_municipality']})"
    labels = [
        TYPE_LABELS[key][k(lang)] for key in ("inter_district_centre", "industrial", "border")
    ]
    assert lines[1] == LABELS[lang]["str_tt_types"].format(types=", ".join(labels))
    assert lines[2] == LABELS[lang]["tt_population"].format(
        n="312\u00a0000" if lang == "ru" else "312,000"
    )
    assert lines[3] == f"{labels[0]}: больница и колледж обслуживают 14 244 жителя соседних районов"
    assert len(lines) == 6
    none_tip = markers["19702101001"].iter("title")[0].text
    assert none_tip.startswith(f"Лесной ({LABELS[lang]['str_level_town']})")
    assert LABELS[lang]["str_tt_no_types"] in none_tip


def test_legend_counts_per_type(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    legend = root.find_id("strategy-legend")
    rows = [r for r in legend.iter("tr") if "data-type" in r.attrs]
    keys = [r.attrs["data-type"] for r in rows]
    # labelled types in the labels' order, then unlabelled ones, then "no type"
    assert keys == [*TYPE_LABELS, "mystery", ""]
    for row in rows:
        key = row.attrs["data-type"]
        tds = row.iter("td")
        counts = (int(tds[2].attrs["data-count"]), int(tds[3].attrs["data-count"]))
        expected = NO_TYPE_COUNTS if key == "" else LEGEND_COUNTS[key]
        assert counts == expected, key
        assert (tds[2].text, tds[3].text) == tuple(str(n) for n in expected)
        assert ("zero" in row.classes()) == (expected == (0, 0))
        if key in TYPE_LABELS:
            assert tds[1].text == TYPE_LABELS[key][k(lang)]
            assert tds[0].iter("circle")[0].attrs["fill"] == TYPE_COLOURS[key]
    assert rows[-2].iter("td")[1].text == "mystery"
    assert rows[-1].iter("td")[1].text == LABELS[lang]["str_legend_none"]


def test_type_filter_lists_types_present(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    box = root.find_id("strategy-select")
    assert "hidden" in box.attrs  # shown by the script; the page works without it
    assert LABELS[lang]["str_select_label"] in box.text
    options = root.find_id("strategy-type").iter("option")
    present = [key for key, n in LEGEND_COUNTS.items() if any(n)]
    assert [o.attrs["value"] for o in options] == ["", *present]
    assert options[0].text == LABELS[lang]["str_select_all"]
    assert options[1].text == TYPE_LABELS["inter_district_centre"][k(lang)]


# --------------------------------------------------------------------------- typology table


def test_typology_table_rows_and_chips(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("strategy-types-table")
    assert "sortable" in table.classes()
    heads = table.iter("thead")[0].iter("th")
    assert [th.attrs["data-type"] for th in heads] == [
        "text",
        "text",
        "text",
        "num",
        "text",
        "text",
    ]
    rows = body_rows(table)
    assert [r.attrs["data-oktmo"] for r in rows] == [r[0] for r in TYPE_ROWS]
    assert [r.iter("td")[1].text for r in rows] == [r[1] for r in TYPE_ROWS]
    levels = [r.iter("td")[2].text for r in rows]
    assert levels == [LABELS[lang][f"str_level_{r[2]}"] for r in TYPE_ROWS]
    chips = [[c.text for c in r.by_class("typ-chip", "span")] for r in rows]
    assert chips[0] == [
        TYPE_LABELS[key][k(lang)] for key in ("inter_district_centre", "industrial", "border")
    ]
    assert chips[1] == [TYPE_LABELS["agro_service"][k(lang)]]
    assert chips[2] == []
    assert chips[4] == [TYPE_LABELS["inter_district_centre"][k(lang)], "mystery"]
    first = rows[0].by_class("typ-chip", "span")[0]
    assert first.attrs["data-type"] == "inter_district_centre"
    assert first.iter("circle")[0].attrs["fill"] == TYPE_COLOURS["inter_district_centre"]
    # no type: a dash that sorts last
    cell = rows[2].iter("td")[4]
    assert cell.text == "—"
    assert cell.attrs["title"] == LABELS[lang]["str_tt_no_types"]
    # population, formatted, with a sort value
    pop = rows[0].iter("td")[3]
    assert pop.text == ("312\u00a0000" if lang == "ru" else "312,000")
    assert float(pop.attrs["data-v"]) == 312_000
    assert rows[2].iter("td")[3].text == "—"
    # the filter box points at the table
    box = root.find_id("strategy-types-filter")
    assert box.attrs["data-table"] == "strategy-types-table"
    assert root.find_id("strategy-types-shown").text == LABELS[lang]["filter_shown"].format(
        shown=len(TYPE_ROWS), total=len(TYPE_ROWS)
    )


def test_reasons_are_listed_with_type_labels_and_long_ones_collapse(
    doc: tuple[str, str, Node],
) -> None:
    lang, html, root = doc
    rows = body_rows(root.find_id("strategy-types-table"))
    long_cell = rows[0].iter("td")[5]
    (details,) = long_cell.iter("details")
    summary = details.iter("summary")[0].text
    idc = TYPE_LABELS["inter_district_centre"][k(lang)]
    assert summary.startswith(f"{idc}: больница")
    assert summary.endswith(LABELS[lang]["str_reasons_more"].format(n=2))
    items = [li.text for li in details.iter("li")]
    assert items == [
        f"{idc}: больница и колледж обслуживают 14 244 жителя соседних районов",
        f"{TYPE_LABELS['industrial'][k(lang)]}: доля обрабатывающих производств 41,2 % "
        "при медиане 9,8 %",
        f"{TYPE_LABELS['border'][k(lang)]}: граница с соседним государством в 35 км",
    ]
    short = rows[1].iter("td")[5]
    assert short.iter("details") == []
    assert short.text == f"{TYPE_LABELS['agro_service'][k(lang)]}: пашня 45 %"
    # a reason that repeats its type's label drops the repeat
    arctic = [li.text for li in rows[3].iter("td")[5].iter("li")]
    if lang == "ru":
        assert arctic == [
            "Арктическая зона: в перечне АЗРФ",
            "Крайний Север: район Крайнего Севера",
        ]
    else:
        assert arctic == [
            "Arctic zone: Арктическая зона: в перечне АЗРФ",
            "Far North: район Крайнего Севера",
        ]
    # an unlabelled type keeps its id; an empty reason is a dash
    assert rows[4].iter("td")[5].text == "mystery: так вышло"
    assert rows[5].iter("td")[5].text == "—"
    # data text is escaped
    assert "Пустой &lt;МО&gt; &amp; Co" in html


# --------------------------------------------------------------------------- resilience


def test_resilience_rows_in_rank_order(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("strategy-resilience-table")
    assert "sortable" in table.classes()
    rows = body_rows(table)
    assert [r.attrs["data-oktmo"] for r in rows] == ["19701000", "19702000", "19703000", "19704000"]
    cells = [[td.text for td in r.iter("td")] for r in rows]
    assert [c[0] for c in cells] == ["1", "2", "3", "—"]
    assert [c[2] for c in cells] == [
        "Северогорский ГО",
        "Лесной МР",
        "Пустой <МО> & Co",
        "Дальний МР",
    ]
    dec = "," if lang == "ru" else "."
    assert [c[3] for c in cells] == [f"75{dec}5", f"40{dec}0", f"10{dec}0", "—"]
    # the score bar: 44 units for 100 points
    bar = rows[0].iter("td")[3].by_class("v", "rect")[0]
    assert float(bar.attrs["width"]) == pytest.approx(0.7555 * 44, abs=0.06)
    assert rows[3].iter("td")[3].iter("svg") == []


def test_resilience_component_columns_are_shaded(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("strategy-resilience-table")
    heads = [th.text for th in table.iter("thead")[0].iter("th")]
    shown = [key for key in COMPONENT_LABELS if key != "not_in_table"]
    labels = [COMPONENT_LABELS[key][k(lang)] for key in shown]
    for head, label in zip(heads[4:7], labels, strict=True):
        assert head.startswith(label)
    assert not any(COMPONENT_LABELS["not_in_table"][k(lang)] in h for h in heads)
    rows = {r.attrs["data-oktmo"]: r.iter("td") for r in body_rows(table)}
    # population_dynamics: 39.9, 0.0, 59.99 (shown 60.0), 19.96 (shown 20.0)
    classes = {
        code: [c for c in tds[4].classes() if c.startswith("res-")] for code, tds in rows.items()
    }
    assert classes == {
        "19701000": ["res-1"],
        "19702000": ["res-0"],
        "19703000": ["res-3"],
        "19704000": ["res-1"],
    }
    assert "res-na" in rows["19701000"][5].classes()
    assert rows["19701000"][5].text == "—"
    assert "res-4" in rows["19704000"][5].classes()
    dec = "," if lang == "ru" else "."
    assert rows["19703000"][4].text == f"60{dec}0"
    caption = root.find_id("strategy-resilience-caption").text
    assert caption.startswith(LABELS[lang]["str_res_caption"])
    assert LABELS[lang]["str_res_components"].format(components="; ".join(labels)) in caption
    assert LABELS[lang]["str_res_sens_caption"] in caption
    scale = [li.attrs.get("data-class") for li in root.find_id("strategy-res-scale").iter("li")]
    assert scale == [None, *RESILIENCE_CLASSES]


def test_sensitivity_columns(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("strategy-resilience-table")
    heads = table.iter("thead")[0].iter("th")
    assert len(heads) == 4 + 3 + 2
    assert heads[-2].text.startswith(LABELS[lang]["str_col_rank_change"])
    assert heads[-1].text.startswith(LABELS[lang]["str_col_bottom"])
    rows = {r.attrs["data-oktmo"]: [td.text for td in r.iter("td")] for r in body_rows(table)}
    if lang == "ru":
        assert rows["19702000"][-2:] == ["1,2", f"25,0{NBSP}%"]
        assert rows["19703000"][-2:] == ["2,0", f"87,5{NBSP}%"]
    else:
        assert rows["19702000"][-2:] == ["1.2", "25.0%"]
        assert rows["19703000"][-2:] == ["2.0", "87.5%"]
    assert rows["19704000"][-2:] == ["—", "—"]  # no sensitivity row


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_sensitivity_columns_only_when_given(lang: str) -> None:
    root = parse(render(lang, strategy=make_strategy(sensitivity=None)))
    table = root.find_id("strategy-resilience-table")
    heads = [th.text for th in table.iter("thead")[0].iter("th")]
    assert len(heads) == 4 + 3
    assert not any(LABELS[lang]["str_col_rank_change"] in h for h in heads)
    assert all(len(r.iter("td")) == 7 for r in body_rows(table))
    caption = root.find_id("strategy-resilience-caption").text
    assert LABELS[lang]["str_res_sens_caption"] not in caption


def test_resilience_class() -> None:
    assert resilience_class(None) == "res-na"
    assert resilience_class(float("nan")) == "res-na"
    assert resilience_class(0) == "res-0"
    assert resilience_class(19.94) == "res-0"
    assert resilience_class(19.96) == "res-1"
    assert resilience_class(59.99) == "res-3"
    assert resilience_class(80) == "res-4"
    assert resilience_class(100) == "res-4"
    assert resilience_class(130) == "res-4"
    assert resilience_class(-5) == "res-0"


# --------------------------------------------------------------------------- alerts


def test_alerts_table(doc: tuple[str, str, Node]) -> None:
    lang, html, root = doc
    assert LABELS[lang]["str_alerts_heading"] in root.find_id("strategy-alerts").text
    rows = body_rows(root.find_id("strategy-alerts-table"))
    cells = [[td.text for td in r.iter("td")] for r in rows]
    if lang == "ru":
        assert cells[0] == [
            "19702000",
            "Лесной МР",
            "Опорный центр без больницы в пределах 60 минут",
        ]
    else:
        assert cells[0] == ["19702000", "Лесной МР", "Anchor without a hospital within 60 minutes"]
    # no Russian text: the English one
    assert cells[1] == ["19704000", "Дальний МР", "Anchor with no ties <at all>"]
    assert "Anchor with no ties &lt;at all&gt;" in html
    assert root.by_id("strategy-alerts-none") == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_alerts_is_said(lang: str) -> None:
    empty = ALERTS.iloc[0:0]
    for alerts in (empty, pd.DataFrame()):
        root = parse(render(lang, strategy=make_strategy(alerts=alerts)))
        assert root.by_id("strategy-alerts-table") == []
        assert root.find_id("strategy-alerts-none").text == LABELS[lang]["str_alerts_none"]


# --------------------------------------------------------------------------- passports


def test_passports_are_embedded_verbatim(doc: tuple[str, str, Node]) -> None:
    _, html, root = doc
    for fragment in FRAGMENTS:
        assert html.count(fragment) == 1
    listing = root.find_id("strategy-passport-list")
    sections = listing.by_class("passport", "section")
    assert [s.attrs["id"] for s in sections] == ["passport-19701101001", "passport-19702101001"]
    # the fragments carry no CSS of their own, so the report's head holds the passport CSS once
    head = html.split("</head>", 1)[0]
    assert head.count(PASSPORT_CSS) == 1


def test_passport_css_not_repeated_when_fragments_carry_it() -> None:
    styled = [f.replace("<h2", f"<style>{PASSPORT_CSS}</style><h2", 1) for f in FRAGMENTS]
    html = render("ru", strategy=make_strategy(passports_html=styled))
    assert PASSPORT_CSS not in html.split("</head>", 1)[0]
    assert html.count(PASSPORT_CSS) == 2


def test_passport_index_links_point_to_existing_ids(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("strategy-passport-index")
    rows = body_rows(table)
    assert [r.attrs["data-oktmo"] for r in rows] == PASSPORT_INDEX["oktmo"].tolist()
    ids = {n.attrs["id"] for n in root.iter() if "id" in n.attrs}
    anchors = [a for r in rows for a in r.iter("a") if a.attrs["href"].startswith("#")]
    assert [a.attrs["href"] for a in anchors] == ["#passport-19701101001", "#passport-19702101001"]
    assert all(a.attrs["href"][1:] in ids for a in anchors)
    assert [a.text for a in anchors] == ["Северогорск", "Лесной"]
    # a passport that is not embedded is named without a dead link
    last = rows[2].iter("td")
    assert last[1].text == "Безпаспортный"
    assert last[1].iter("a") == []
    assert last[1].attrs["title"] == LABELS[lang]["str_pp_not_embedded"]
    # PDF links: relative file names, percent-encoded; none where there is no file
    pdfs = [a for r in rows for a in r.iter("a") if "pdf" in a.classes()]
    assert [a.attrs["href"] for a in pdfs] == [
        "passports/%D0%A1%D0%B5%D0%B2%D0%B5%D1%80%D0%BE%D0%B3%D0%BE%D1%80%D1%81%D0%BA%201.pdf",
        "passports/b.pdf",
    ]
    assert pdfs[0].attrs["title"] == "passports/Северогорск 1.pdf"
    assert pdfs[0].text == LABELS[lang]["str_pdf_link"]
    assert rows[1].iter("td")[2].text == "—"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_pdf_column_only_when_a_pdf_is_given(lang: str) -> None:
    index = PASSPORT_INDEX.assign(pdf=["", None, ""])
    root = parse(render(lang, strategy=make_strategy(passport_index=index)))
    table = root.find_id("strategy-passport-index")
    assert len(table.iter("th")) == 2
    assert all(len(r.iter("td")) == 2 for r in body_rows(table))
    assert root.find_id("strategy-passports").parent is not None
    section = root.find_id("strategy").text
    assert LABELS[lang]["str_pp_intro_no_pdf"] in section
    assert LABELS[lang]["str_pp_intro"] not in section
    index = PASSPORT_INDEX.drop(columns="pdf")
    root = parse(render(lang, strategy=make_strategy(passport_index=index)))
    assert len(root.find_id("strategy-passport-index").iter("th")) == 2


def test_no_passports_is_said() -> None:
    html = render(
        "en", strategy=make_strategy(passports_html=[], passport_index=PASSPORT_INDEX.iloc[0:0])
    )
    root = parse(html)
    assert LABELS["en"]["str_pp_empty"] in html
    assert root.by_id("strategy-passport-index") == []
    assert root.by_id("strategy-passport-list") == []
    assert PASSPORT_CSS not in html


# --------------------------------------------------------------------------- offline, labels


def test_document_is_still_offline(doc: tuple[str, str, Node]) -> None:
    _, html, root = doc
    pdf_links = {"passports/b.pdf"}
    for node in root.iter():
        for name, value in node.attrs.items():
            if name not in {"src", "href", "xlink:href", "action", "data", "poster", "srcset"}:
                continue
            assert not re.match(r"\s*([a-z][a-z0-9+.-]*:)?//", value, re.I), value
            if name == "src":
                # only the passports' inline images, as data: URIs
                assert node.tag == "img", value
                assert value.startswith("data:image/"), value
                assert any("passport" in a.classes() for a in node.ancestors())
                continue
            assert name == "href", f"<{node.tag} {name}={value}>"
            is_pdf = "pdf" in node.classes() and (
                value in pdf_links or value.startswith("passports/%D0")
            )
            assert value.startswith("#") or is_pdf, value
    assert_loads_nothing(html, root)


def test_strategy_labels_in_both_languages() -> None:
    assert set(LABELS["ru"]) == set(LABELS["en"])
    keys = section_label_keys("str_", 50)
    assert_no_russian_labels(keys, render("en", strategy=make_strategy()))


# --------------------------------------------------------------------------- edge cases


def test_empty_parts_render_sentences() -> None:
    section = make_strategy(
        types=pd.DataFrame(columns=TYPE_COLUMNS),
        resilience=RESILIENCE.iloc[0:0],
        sensitivity=None,
        alerts=pd.DataFrame(),
        passports_html=[],
        passport_index=pd.DataFrame(),
        note_en="",
    )
    root = parse(render("en", strategy=section))
    text = root.find_id("strategy").text
    t = LABELS["en"]
    for key in ("str_types_empty", "str_res_empty", "str_alerts_none", "str_pp_empty"):
        assert t[key] in text, key
    assert root.by_id("strategy-map-svg") == []
    assert root.by_id("strategy-type") == []
    assert root.by_id("strategy-note") == []


def test_bad_strategy_inputs_raise() -> None:
    with pytest.raises(ReportInputError, match="level"):
        render(
            "ru",
            strategy=make_strategy(
                types=pd.DataFrame(TYPE_ROWS, columns=TYPE_COLUMNS).drop(columns="level")
            ),
        )
    with pytest.raises(ReportInputError, match="rank"):
        render("ru", strategy=make_strategy(resilience=RESILIENCE.drop(columns="rank")))
    with pytest.raises(ReportInputError, match="0-1"):
        render(
            "ru",
            strategy=make_strategy(sensitivity=SENSITIVITY.assign(share_bottom_quintile=25.0)),
        )
    with pytest.raises(ReportInputError, match="more than one row"):
        render(
            "ru",
            strategy=make_strategy(sensitivity=pd.concat([SENSITIVITY, SENSITIVITY[:1]])),
        )
    with pytest.raises(ReportInputError, match="alert_en"):
        render("ru", strategy=make_strategy(alerts=ALERTS.drop(columns="alert_en")))
    for bad in ("https://example.org/a.pdf", "/tmp/a.pdf", "C:\\a.pdf", "javascript:alert(1)"):
        index = PASSPORT_INDEX.assign(pdf=["", "", bad])
        with pytest.raises(ReportInputError, match="relative"):
            render("ru", strategy=make_strategy(passport_index=index))


def test_section_without_a_map_projection() -> None:
    nowhere = dataclasses.replace(
        REPORT,
        settlements=REPORT.settlements.iloc[0:0],
        municipalities=REPORT.municipalities.iloc[0:0],
    )
    html = nowhere.render("en", strategy=make_strategy())
    root = parse(html)
    assert root.by_id("strategy-map-svg") == []
    assert LABELS["en"]["str_map_empty"] in root.find_id("strategy").text
    assert len(body_rows(root.find_id("strategy-types-table"))) == len(TYPE_ROWS)


def test_write_report_with_strategy(tmp_path: Path) -> None:
    out = REPORT.write(tmp_path / "r.html", "en", strategy=make_strategy())
    text = out.read_text(encoding="utf-8")
    assert 'id="strategy"' in text
    assert FRAGMENTS[0] in text


# --------------------------------------------------------------------------- in a browser


_STATE = """\
  function state() {
    var q = function (s) { return document.querySelectorAll(s); };
    return {
      boxHidden: document.getElementById("strategy-select").hidden,
      dim: q("#strategy-map-svg g.typ-mk.dim").length,
      hit: [].map.call(q("#strategy-map-svg g.typ-mk.hit"),
        function (g) { return g.getAttribute("data-oktmo"); }),
      rowsHl: [].map.call(q("#strategy-types-table tbody tr.typ-hl"),
        function (r) { return r.getAttribute("data-oktmo"); }),
      rowsDim: q("#strategy-types-table tbody tr.typ-dim").length,
      legendOff: q("#strategy-legend tr.off").length
    };
  }
"""
_PROBE = select_probe(_STATE, "strategy-type", ["inter_district_centre", ""])


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_type_filter_highlights_in_a_browser(tmp_path: Path) -> None:
    before, chosen, cleared = run_in_browser(
        render("ru", strategy=make_strategy()), _PROBE, tmp_path
    )
    assert before["boxHidden"] is False
    assert before["dim"] == 0
    assert before["rowsHl"] == []
    # inter-district centre: the municipality and the town of Северогорск
    assert sorted(chosen["hit"]) == ["19701000", "19701101001"]
    assert chosen["dim"] == 3
    assert chosen["rowsHl"] == ["19701000", "19701101001"]
    assert chosen["rowsDim"] == len(TYPE_ROWS) - 2
    assert chosen["legendOff"] == len(LEGEND_COUNTS) + 1 - 1
    assert cleared["dim"] == 0
    assert cleared["hit"] == []
    assert cleared["rowsHl"] == []
    assert cleared["rowsDim"] == 0
    assert cleared["legendOff"] == 0
