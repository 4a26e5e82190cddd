"""Tests of the anchor settlement framework section of the HTML report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from opora.errors import ReportInputError
from opora.model.provenance import Provenance
from opora.report import LABELS, AnchorSection
from opora.report.sections.anchors import (
    ANCHOR_LEVEL_COLOURS,
    ANCHOR_REASON_COLOURS,
    ANCHORS_MAX_UNCOVERED,
)
from report._html import (
    MINUS,
    NBSP,
    assert_loads_nothing,
    body_rows,
    cells,
    find_section,
    parse,
    section_label_keys,
)
from report._region import SmallReport, one_municipality_profile, two_municipalities

# --------------------------------------------------------------------------- fixtures

# settlement_id: name, type, population, lon, lat
PLACES = {
    "s1": ("Северогорск", "г", 30_000, 38.0, 59.0),
    "s2": ("Лесной", "г", 5_000, 38.6, 59.4),
    "s3": ("Ивановка", "д", 300, 39.0, 59.1),
    "s4": ("Петровка", "д", 120, 38.3, 59.6),
    "s5": ("Глушь", "д", 40, 39.2, 59.5),
    "s6": ("Заречье", "д", 200, 38.8, 58.9),
    "s7": ("Озёрки", "д", 90, 38.2, 59.2),
}
SETTLEMENTS = gpd.GeoDataFrame(
    {
        "settlement_id": list(PLACES),
        "name": [v[0] for v in PLACES.values()],
        "type": [v[1] for v in PLACES.values()],
        "population": pd.array([v[2] for v in PLACES.values()], dtype="Int64"),
    },
    geometry=[Point(v[3], v[4]) for v in PLACES.values()],
    crs="EPSG:4326",
)
REPORT = SmallReport(
    SETTLEMENTS,
    two_municipalities().iloc[:1],  # Северогорский ГО alone
    one_municipality_profile(1),
    Provenance("roads", "opora", "MIT", "2024", "modelled"),
)


def make_anchors() -> pd.DataFrame:
    # Given local-first on purpose: the table lists district centres first.
    return pd.DataFrame(
        {
            "settlement_id": ["s2", "s1"],
            "name": ["Лесной", "Северогорск"],
            "municipality": ["Лесной МР", "Северогорский ГО"],
            "level": ["local", "district"],
            "services_ru": ["школа, ФАП", "больница, школа"],
            "services_en": ["school, feldsher post", "hospital, school"],
            "population": [5_000, 30_000],
            "served_population": [5_000.0, 30_300.0],
            "settlements_served": [2, 4],
            "fixed": [True, False],
            "lon": [38.6, 38.0],
            "lat": [59.4, 59.0],
        }
    )


def make_catchments() -> pd.DataFrame:
    # s1, s3, s6, s7 lean on s1; s2, s4 on s2; s5 reaches none.
    rows = [
        ("s1", "s1", True),
        ("s2", "s2", True),
        ("s3", "s1", True),
        ("s4", "s2", False),
        ("s5", None, False),
        ("s6", "s1", False),
        ("s7", "s1", False),
    ]
    return pd.DataFrame(
        {
            "settlement_id": [r[0] for r in rows],
            "lon": [PLACES[r[0]][3] for r in rows],
            "lat": [PLACES[r[0]][4] for r in rows],
            "population": [PLACES[r[0]][2] for r in rows],
            "anchor_id": [r[1] for r in rows],
            "covered": [r[2] for r in rows],
        }
    )


def make_coverage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["school", "hospital"],
            "level": ["local", "district"],
            "label_ru": ["Школа", "Больница"],
            "label_en": ["School", "Hospital"],
            "max_minutes": [30.0, 60.0],
            "population": [35_750, 35_750],
            "covered_population": [35_300, 35_590],
            "covered_pct": [98.74, 99.55],
            "outside_too_far": [120, 0],
            "outside_season": [0, 120],
            "outside_capacity": [200, 0],
            "outside_no_anchor": [90, 0],
            "outside_unreachable": [40, 40],
        }
    )


# settlement_id, service, minutes, reason (not in population order on purpose)
UNCOVERED_ROWS = [
    ("s5", "school", np.nan, "unreachable"),
    ("s4", "school", 52.0, "too_far"),
    ("s7", "school", 25.0, "no_anchor"),
    ("s6", "school", 12.0, "capacity"),
    ("s4", "hospital", 75.0, "season"),
    ("s5", "hospital", np.nan, "unreachable"),
]


def make_uncovered(rows: list[tuple[str, str, float, str]] | None = None) -> pd.DataFrame:
    rows = UNCOVERED_ROWS if rows is None else rows
    return pd.DataFrame(
        {
            "settlement_id": [r[0] for r in rows],
            "name": [PLACES[r[0]][0] for r in rows],
            "municipality": ["Лесной МР" for _ in rows],
            "population": [PLACES[r[0]][2] for r in rows],
            "service": [r[1] for r in rows],
            "minutes": [r[2] for r in rows],
            "reason": [r[3] for r in rows],
            "lon": [PLACES[r[0]][3] for r in rows],
            "lat": [PLACES[r[0]][4] for r in rows],
        }
    )


def make_scenarios() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["winter", "winter", "road", "road"],
            "label_ru": ["Зимняя изоляция", "Зимняя изоляция", "Новая дорога", "Новая дорога"],
            "label_en": ["Winter isolation", "Winter isolation", "New road", "New road"],
            "service": ["school", "hospital", "school", "hospital"],
            "covered_pct_base": [98.74, 99.55, 98.74, 99.55],
            "covered_pct": [97.2, 99.55, 99.1, 99.55],
            "delta_pp": [-1.54, 0.0, 0.36, 0.0],
            "anchors_added": ["Ивановка", "Ивановка", "", ""],
            "anchors_removed": ["", "", "Лесной", "Лесной"],
        }
    )


def make_section(**changes: object) -> AnchorSection:
    section = AnchorSection(
        anchors=make_anchors(),
        catchments=make_catchments(),
        coverage=make_coverage(),
        uncovered=make_uncovered(),
        scenarios=make_scenarios(),
        comparison=pd.DataFrame(
            {
                "service": ["school", "hospital"],
                "label_ru": ["Школа", "Больница"],
                "label_en": ["School", "Hospital"],
                "given_pct": [97.0, 100.0],
                "proposed_pct": [98.7, 99.5],
            }
        ),
        counts={"district": 1, "local": 1},
        modelled=True,
        note_ru="Каркас по модели дорог.",
        note_en="Framework on modelled roads.",
        given_label_ru="центры муниципальных районов",
        given_label_en="municipal district centres",
        redundant=pd.DataFrame({"settlement_id": ["s9"], "name": ["Старое"]}),
        additions=pd.DataFrame(
            {
                "rank": [1, 2],
                "settlement_id": ["s3", "s6"],
                "name": ["Ивановка", "Заречье"],
                "gain_population": [300, 200],
            }
        ),
    )
    return dataclasses.replace(section, **changes)  # type: ignore[arg-type]


def render(lang: str = "ru", anchors: AnchorSection | None = None) -> str:
    return REPORT.render(lang, anchors=anchors)


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_section_only_when_given(lang: str) -> None:
    html = render(lang)
    assert 'id="anchors"' not in html
    assert LABELS[lang]["anc_heading"] not in html
    assert 'href="#anchors"' not in html
    root = parse(render(lang, make_section()))
    section = find_section(root, "anchors", LABELS[lang]["anc_heading"])
    assert section.iter("h2")[0].text == LABELS[lang]["anc_heading"]
    subs = [h.attrs["id"] for h in section.iter("h3") if "sub" in h.classes()]
    assert subs == [
        "anchors-map",
        "anchors-list",
        "anchors-coverage",
        "anchors-uncovered",
        "anchors-scenarios",
        "anchors-comparison",
    ]
    note = root.find_id("anchors-note").text
    assert ("Каркас по модели дорог." if lang == "ru" else "Framework on modelled roads.") in note


def test_headings_in_russian_and_english() -> None:
    ru = parse(render("ru", make_section())).find_id("anchors")
    en = parse(render("en", make_section())).find_id("anchors")
    assert ru.iter("h2")[0].text == "Каркас опорных населённых пунктов"
    assert en.iter("h2")[0].text == "Anchor settlement framework"
    assert ru.find_id("anchors-scenarios").text == "Сценарии"
    assert en.find_id("anchors-scenarios").text == "Scenarios"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_figures_and_caption_counts(lang: str) -> None:
    root = parse(render(lang, make_section(counts={"district": 1, "local": 3})))
    figures = {
        li.attrs["data-key"]: li.iter("span")[0].text
        for li in root.find_id("anchors-figures").iter("li")
    }
    # 3 of the 7 settlements are covered: 30 000 + 5 000 + 300 of 35 750 people = 98.74 %.
    assert figures == {
        "district": "1",
        "local": "3",
        "covered": "3 из 7" if lang == "ru" else "3 of 7",
        "population": f"98,7{NBSP}%" if lang == "ru" else "98.7%",
    }
    caption = root.find_id("anchors-caption").text
    # s4, s5, s6 and s7 are not covered.
    assert LABELS[lang]["anc_caption"].format(district=1, local=3, uncovered=4) in caption


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_anchor_marker_with_its_title(lang: str) -> None:
    root = parse(render(lang, make_section()))
    svg = root.find_id("anchors-map-svg")
    marks = [n for n in svg.iter() if "anc-mk" in n.classes()]
    assert sorted(m.attrs["data-id"] for m in marks) == ["s1", "s2"]
    by_id = {m.attrs["data-id"]: m for m in marks}
    # The district centre is a square, the local anchor a circle.
    assert by_id["s1"].tag == "rect"
    assert by_id["s2"].tag == "circle"
    assert by_id["s1"].attrs["fill"] == ANCHOR_LEVEL_COLOURS["district"]
    assert by_id["s2"].attrs["fill"] == ANCHOR_LEVEL_COLOURS["local"]
    # Sized by the square root of the population served: s1 serves the most (full size,
    # half side 13), s2 gets 2.5 + 6.5 * sqrt(5 000 / 30 300) = 5.14.
    assert by_id["s1"].attrs["width"] == by_id["s1"].attrs["height"] == "26"
    assert by_id["s2"].attrs["r"] == "5.1"
    # Only the existing anchor carries the "fixed" outline.
    assert "fixed" in by_id["s2"].classes()
    assert "fixed" not in by_id["s1"].classes()
    tip1 = by_id["s1"].iter("title")[0].text.split("\n")
    tip2 = by_id["s2"].iter("title")[0].text.split("\n")
    if lang == "ru":
        assert tip1 == [
            "Северогорск (Северогорский ГО)",
            "межрайонный центр",
            "услуги: больница, школа",
            f"обслуживаемое население: 30{NBSP}300 чел.",
            "населённых пунктов в зоне: 4",
        ]
        assert tip2[:2] == ["Лесной (Лесной МР)", "опорный населённый пункт"]
        assert tip2[-1] == "существующий опорный пункт, сохранён"
    else:
        assert tip1 == [
            "Северогорск (Северогорский ГО)",
            "inter-district centre",
            "services: hospital, school",
            "population served: 30,300",
            "settlements in the catchment: 4",
        ]
        assert "services: school, feldsher post" in tip2
        assert tip2[-1] == "existing anchor, kept"


def test_catchment_lines_by_anchor_level() -> None:
    root = parse(render("ru", make_section()))
    svg = root.find_id("anchors-map-svg")
    lines = {n.attrs["data-level"]: n for n in svg.iter("path") if "anc-ln" in n.classes()}
    assert set(lines) == {"district", "local"}
    # s3, s6, s7 lean on s1 (district); s4 on s2 (local); anchors and s5 draw no line.
    assert lines["district"].attrs["d"].count("M") == 3
    assert lines["local"].attrs["d"].count("M") == 1
    assert lines["district"].attrs["stroke"] == ANCHOR_LEVEL_COLOURS["district"]
    counts = {
        tr.attrs["data-line"]: tr.iter("td")[2].text
        for tr in root.find_id("anchors-legend-levels").iter("tr")
        if "data-line" in tr.attrs
    }
    assert counts == {"district": "3", "local": "1"}
    # Every local line ends at s2's marker centre.
    s2 = next(n for n in svg.iter("circle") if n.attrs.get("data-id") == "s2")
    assert lines["local"].attrs["d"].endswith(f"L{s2.attrs['cx']} {s2.attrs['cy']}")


def test_uncovered_points_coloured_by_most_severe_reason() -> None:
    root = parse(render("ru", make_section()))
    svg = root.find_id("anchors-map-svg")
    points = {n.attrs["data-id"]: n for n in svg.iter("circle") if "anc-unc" in n.classes()}
    # s4 is too far from a school and cut off from the hospital in season: season wins.
    assert {k: p.attrs["data-reason"] for k, p in points.items()} == {
        "s4": "season",
        "s5": "unreachable",
        "s6": "capacity",
        "s7": "no_anchor",
    }
    for p in points.values():
        assert p.attrs["fill"] == ANCHOR_REASON_COLOURS[p.attrs["data-reason"]]
    tip = points["s4"].iter("title")[0].text.split("\n")
    assert tip == [
        "Петровка",
        "население: 120 чел.",
        "Школа: слишком далеко (52 мин)",
        "Больница: сезонная изоляция (75 мин)",
    ]
    legend = {
        tr.attrs["data-reason"]: int(tr.iter("td")[2].text)
        for tr in root.find_id("anchors-legend-reasons").iter("tr")
        if "data-reason" in tr.attrs
    }
    assert legend == {
        "unreachable": 1,
        "season": 1,
        "too_far": 0,
        "capacity": 1,
        "no_anchor": 1,
    }


def test_not_covered_without_reason_is_unknown() -> None:
    catchments = make_catchments()
    catchments.loc[catchments["settlement_id"] == "s3", "covered"] = False
    root = parse(render("en", make_section(catchments=catchments)))
    svg = root.find_id("anchors-map-svg")
    s3 = next(n for n in svg.iter("circle") if n.attrs.get("data-id") == "s3")
    assert s3.attrs["data-reason"] == "unknown"
    assert s3.iter("title")[0].text.split("\n")[0] == "Ивановка"  # name from the settlements
    legend = [
        tr.iter("td")[1].text
        for tr in root.find_id("anchors-legend-reasons").iter("tr")
        if tr.attrs.get("data-reason") == "unknown"
    ]
    assert legend == ["reason not given"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_anchor_table(lang: str) -> None:
    root = parse(render(lang, make_section()))
    table = root.find_id("anchors-table")
    assert "sortable" in table.classes()
    assert root.find_id("anchors-filter").attrs["data-table"] == "anchors-table"
    rows = body_rows(table)
    assert [r.attrs["data-id"] for r in rows] == ["s1", "s2"]  # district centres first
    if lang == "ru":
        assert cells(rows[0]) == [
            "Северогорск",
            "Северогорский ГО",
            "межрайонный центр",
            "больница, школа",
            f"30{NBSP}000",
            f"30{NBSP}300",
            "4",
            "—",
        ]
        assert cells(rows[1])[-1] == "да"
    else:
        assert cells(rows[1]) == [
            "Лесной",
            "Лесной МР",
            "local anchor settlement",
            "school, feldsher post",
            "5,000",
            "5,000",
            "2",
            "yes",
        ]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_coverage_table(lang: str) -> None:
    root = parse(render(lang, make_section()))
    table = root.find_id("anchors-coverage-table")
    heads = [th.text.replace("⇅", "") for th in table.iter("thead")[0].iter("th")]
    words = {
        "ru": ["слишком далеко", "сезонная изоляция", "не хватает мощности"],
        "en": ["too far", "seasonal isolation", "not enough capacity"],
    }[lang]
    outside = LABELS[lang]["anc_col_outside"]
    assert [h.split(LABELS[lang]["anc_unit_people"])[0] for h in heads[6:9]] == [
        outside.format(reason=w) for w in words
    ]
    school = cells(body_rows(table)[0])
    if lang == "ru":
        assert school[:6] == [
            "Школа",
            "местный",
            "≤ 30 мин",
            f"35{NBSP}750",
            f"35{NBSP}300",
            f"98,7{NBSP}%",
        ]
    else:
        assert school[:6] == ["School", "local", "≤ 30 min", "35,750", "35,300", "98.7%"]
    assert school[6:] == ["120", "0", "200", "90", "40"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_uncovered_table_with_reason_words(lang: str) -> None:
    root = parse(render(lang, make_section()))
    rows = body_rows(root.find_id("anchors-uncovered-table"))
    # The most populous first; equal populations keep their given order.
    assert [r.attrs["data-id"] for r in rows] == ["s6", "s4", "s4", "s7", "s5", "s5"]
    reasons = [cells(r)[5] for r in rows]
    if lang == "ru":
        assert reasons == [
            "не хватает мощности",
            "слишком далеко",
            "сезонная изоляция",
            "нет опорного пункта в пределах норматива",
            "нет дороги",
            "нет дороги",
        ]
        assert cells(rows[1]) == ["Петровка", "Лесной МР", "120", "Школа", "52", "слишком далеко"]
    else:
        assert reasons == [
            "not enough capacity",
            "too far",
            "seasonal isolation",
            "no anchor within the standard",
            "no road",
            "no road",
        ]
    # Unreachable: the "unreachable" word, sorting after every finite time.
    last = rows[-1].iter("td")[4]
    assert last.text == LABELS[lang]["acc_unreachable"]
    assert last.attrs["data-v"] == "Infinity"
    assert not root.by_id("anchors-uncovered-cap")


def test_uncovered_table_is_capped_at_the_most_populous() -> None:
    n = ANCHORS_MAX_UNCOVERED + 10
    frame = pd.DataFrame(
        {
            "settlement_id": [f"u{i}" for i in range(n)],
            "name": [f"Деревня {i}" for i in range(n)],
            "municipality": ["Лесной МР"] * n,
            "population": list(range(1, n + 1)),
            "service": ["school"] * n,
            "minutes": [40.0] * n,
            "reason": ["too_far"] * n,
            "lon": [38.5] * n,
            "lat": [59.3] * n,
        }
    )
    root = parse(render("ru", make_section(uncovered=frame)))
    rows = body_rows(root.find_id("anchors-uncovered-table"))
    assert len(rows) == 60
    pops = [int(cells(r)[2]) for r in rows]
    assert pops == list(range(70, 10, -1))
    assert root.find_id("anchors-uncovered-cap").text == "Показаны 60 крупнейших из 70."


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_scenario_table_with_delta(lang: str) -> None:
    root = parse(render(lang, make_section()))
    rows = body_rows(root.find_id("anchors-scenario-table"))
    got = [(r.attrs["data-scenario"], r.attrs["data-service"], cells(r)) for r in rows]
    pct = (lambda s: f"{s}{NBSP}%") if lang == "ru" else (lambda s: f"{s}%")
    dec = (lambda s: s.replace(".", ",")) if lang == "ru" else (lambda s: s)
    winter = "Зимняя изоляция" if lang == "ru" else "Winter isolation"
    school = "Школа" if lang == "ru" else "School"
    assert got[0] == (
        "winter",
        "school",
        [winter, school, pct(dec("98.7")), pct(dec("97.2")), f"{MINUS}{dec('1.5')}"],
    )
    assert got[1][2][4] == dec("0.0")
    assert got[2][2][4] == f"+{dec('0.4')}"
    deltas = [r.iter("td")[4] for r in rows]
    # A fall is drawn in the warning colour, a rise is not, no change is neither.
    assert "anc-neg" in deltas[0].classes()
    assert "anc-neg" not in deltas[1].classes()
    assert "anc-pos" not in deltas[1].classes()
    assert "anc-pos" in deltas[2].classes()
    assert deltas[0].attrs["data-v"] == "-1.54"
    table = root.find_id("anchors-scenario-changes")
    changes = {r.attrs["data-scenario"]: cells(r) for r in body_rows(table)}
    road = "Новая дорога" if lang == "ru" else "New road"
    assert changes == {"winter": [winter, "Ивановка", "—"], "road": [road, "—", "Лесной"]}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_comparison_with_given_list(lang: str) -> None:
    root = parse(render(lang, make_section()))
    given = "центры муниципальных районов" if lang == "ru" else "municipal district centres"
    assert given in root.find_id("anchors-comparison").parent.text  # type: ignore[union-attr]
    table = root.find_id("anchors-comparison-table")
    assert given in table.iter("thead")[0].text
    rows = [cells(r) for r in body_rows(table)]
    assert rows[0][3] == ("+1,7" if lang == "ru" else "+1.7")
    assert rows[1][3] == (f"{MINUS}0,5" if lang == "ru" else f"{MINUS}0.5")
    assert "anc-neg" in body_rows(table)[1].iter("td")[3].classes()
    assert [li.text for li in root.find_id("anchors-redundant").iter("li")] == ["Старое"]
    additions = [cells(r) for r in body_rows(root.find_id("anchors-additions-table"))]
    assert additions == [["1", "Ивановка", "300"], ["2", "Заречье", "200"]]


def test_no_comparison_without_it() -> None:
    root = parse(render("ru", make_section(comparison=None)))
    assert not root.by_id("anchors-comparison")
    assert not root.by_id("anchors-comparison-table")


def test_empty_redundant_and_additions_say_so() -> None:
    root = parse(render("en", make_section(redundant=None, additions=None)))
    assert root.find_id("anchors-redundant-none").text == LABELS["en"]["anc_cmp_redundant_none"]
    assert root.find_id("anchors-additions-none").text == LABELS["en"]["anc_cmp_additions_none"]


@pytest.mark.parametrize("modelled", [True, False])
def test_modelled_badge_iff_modelled(modelled: bool) -> None:
    root = parse(render("ru", make_section(modelled=modelled)))
    badges = root.by_id("anchors-modelled-badge")
    assert len(badges) == int(modelled)
    if modelled:
        assert badges[0].text == "смоделировано"
        assert LABELS["ru"]["anc_modelled_text"] in root.find_id("anchors-note").text


def test_map_empty_without_projection() -> None:
    settlements = SETTLEMENTS.copy()
    settlements["geometry"] = None
    nowhere = dataclasses.replace(
        REPORT, settlements=settlements, municipalities=REPORT.municipalities.iloc[0:0]
    )
    html = nowhere.render("en", anchors=make_section())
    root = parse(html)
    section = root.find_id("anchors")
    assert not root.by_id("anchors-map-svg")
    assert LABELS["en"]["anc_map_empty"] in [p.text for p in section.iter("p")]
    assert (
        "Inter-district centres: 1, local anchor settlements: 1"
        in root.find_id("anchors-caption").text
    )
    # The tables do not need a map.
    assert len(body_rows(root.find_id("anchors-table"))) == 2


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("anchors", "served_population"),
        ("catchments", "anchor_id"),
        ("catchments", "covered"),
        ("catchments", "population"),
        ("coverage", "covered_pct"),
        ("uncovered", "reason"),
        ("scenarios", "delta_pp"),
        ("comparison", "proposed_pct"),
        ("redundant", "name"),
        ("additions", "gain_population"),
    ],
)
def test_missing_column_raises(field: str, column: str) -> None:
    section = make_section()
    frame = getattr(section, field).drop(columns=[column])
    with pytest.raises(ReportInputError, match=column):
        render("ru", make_section(**{field: frame}))


def test_bad_values_raise() -> None:
    anchors = make_anchors()
    anchors.loc[0, "level"] = "regional"
    with pytest.raises(ReportInputError, match="regional"):
        render("ru", make_section(anchors=anchors))
    with pytest.raises(ReportInputError, match="flood"):
        render("ru", make_section(uncovered=make_uncovered([("s4", "school", 40.0, "flood")])))
    with pytest.raises(ReportInputError, match="library"):
        render("ru", make_section(uncovered=make_uncovered([("s4", "library", 40.0, "too_far")])))
    catchments = make_catchments()
    catchments.loc[2, "anchor_id"] = "s9"
    with pytest.raises(ReportInputError, match="s9"):
        render("ru", make_section(catchments=catchments))


def test_write_report_passes_the_section(tmp_path: Path) -> None:
    out = REPORT.write(tmp_path / "r.html", "en", anchors=make_section())
    assert 'id="anchors-map-svg"' in out.read_text(encoding="utf-8")


def test_labels_in_both_languages() -> None:
    section_label_keys("anc_", 40)


def test_no_external_resources() -> None:
    html = render("en", make_section())
    assert_loads_nothing(html, parse(html), svg_refs=True)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_origin_checks_and_kinds(lang: str) -> None:
    from opora.report.sections.anchor_checks import anchor_origin

    origin = anchor_origin(
        pd.DataFrame({"settlement_id": ["a", "b", "c", "d"], "level": ["district", "local"] * 2}),
        pd.DataFrame({"settlement_id": ["a", "b", "c"], "level": ["district", "local", "local"]}),
        ["district", "local"],
    )
    # a: district centre kept; c: a local centre raised to district; b kept; d added
    assert origin.set_index("level")[["kept", "raised", "added"]].to_dict("index") == {
        "district": {"kept": 1, "raised": 1, "added": 0},
        "local": {"kept": 1, "raised": 0, "added": 1},
    }
    checks = pd.DataFrame(
        {
            "check": ["large_not_anchor"],
            "settlement_id": ["s7"],
            "name": ["Салават"],
            "population": [146_633.0],
            "ratio": [np.nan],
            "reason_ru": ["обслуживается Ишимбай"],
            "reason_en": ["served by Ishimbay"],
        }
    )
    kinds = pd.DataFrame(
        {
            "kind": ["zato"],
            "anchors": [1],
            "catchment_population": [15_000.0],
            "covered_pct": [98.5],
            "redundant": [0],
        }
    )
    root = parse(render(lang, make_section(origin=origin, checks=checks, kinds=kinds)))
    rows = [cells(r) for r in body_rows(root.find_id("anchors-origin-table"))]
    assert [r[1:] for r in rows] == [["2", "1", "1", "0"], ["2", "1", "0", "1"]]
    item = root.find_id("anchors-checks-list").iter("li")[0]
    assert "Салават" in item.text
    assert ("обслуживается Ишимбай" if lang == "ru" else "served by Ishimbay") in item.text
    kind_rows = [cells(r) for r in body_rows(root.find_id("anchors-kinds-table"))]
    assert kind_rows[0][0] == ("ЗАТО" if lang == "ru" else "closed territory (ZATO)")
    empty = parse(render(lang, make_section(checks=checks.iloc[0:0])))
    assert empty.find_id("anchors-checks-none").text == LABELS[lang]["anc_checks_none"]
