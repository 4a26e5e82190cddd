"""Tests of the economy section of the HTML report."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from opora.model.provenance import Provenance
from opora.report import LABELS, ProfileColumn, ReportInputError
from opora.report.sections.economy import ECONOMY_REGION_KEY, EconomySection
from report._html import (
    CHROMIUM,
    MINUS,
    NBSP,
    Node,
    assert_links_stay_inside,
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
            "settlement_id": ["s1", "s2", "s3"],
            "name": ["Северогорск", "Лесной", "Ивановка"],
            "type": ["г", "г", "д"],
            "population": pd.array([300_000, 12_000, 300], dtype="Int64"),
        },
        geometry=[Point(38.0, 59.0), Point(38.6, 59.4), Point(39.0, 59.2)],
        crs="EPSG:4326",
    )


REPORT = SmallReport(
    make_settlements(),
    two_municipalities(),
    one_municipality_profile(312_000),
    Provenance("org_stats", "Росстат", "official publication", "2023", "real"),
    region_name="Тестовская область",
    generated="2024-05-01T12:00+00:00",
)

OKTMO = ["19701000", "19702000", "19703000"]
NAMES = ["Северогорский ГО", "Лесной МР", "Пустой <МО> & Co"]

ECO_COLUMNS = [
    ProfileColumn(
        "budget_sector_employment", "Доля бюджетной сферы", "Life-support share", "", "", "pct1"
    ),
    ProfileColumn("own_revenue_share", "Доля собственных доходов", "Own-revenue share", fmt="pct1"),
    ProfileColumn("social_share", "Доля социальных выплат", "Social-payments share", fmt="pct1"),
    ProfileColumn("diversity_entropy", "Разнообразие", "Diversity", fmt="float2", source="opora"),
    ProfileColumn("eci", "Сложность (ECI)", "Complexity (ECI)", fmt="float2"),
    ProfileColumn("top_lq", "Разделы с наибольшим LQ", "Top LQ sections"),
]

SECTION_LABELS = {
    "A": ("Сельское, лесное хозяйство, охота, рыболовство и рыбоводство", "Agriculture"),
    "C": ("Обрабатывающие производства", "Manufacturing"),
    "O": ("Государственное управление и обеспечение военной безопасности", "Public admin"),
    "P": ("Образование", "Education"),
    "Q": ("Здравоохранение и социальные услуги", "Health and social work"),
}
# Region shares and the bar widths worked out by hand: the largest share of all rows is
# 0.45, so the axis runs to 50 % and the 470-unit plot gives 9.4 units per percent.
REGION_SHARES = {"A": 0.05, "C": 0.25, "O": 0.10, "P": 0.15, "Q": 0.12}
REGION_WIDTHS = {"A": "47", "C": "235", "O": "94", "P": "141", "Q": "112.8"}
MUNI_SHARES = {
    "19701000": {"A": 0.02, "C": 0.30, "O": float("nan"), "P": 0.20, "Q": 0.10},
    "19702000": {"A": 0.45, "C": 0.05, "P": 0.18},
}

TREND_YEARS = list(range(2010, 2023))
CANDIDATE_LABELS = {
    "tourism": ("туризм", "tourism"),
    "agro": ("агропромышленность", "agro-industry"),
    "industry_crafts": ("промышленность и промыслы", "industry and crafts"),
    "logistics": ("логистика", "logistics"),
}


def make_economy() -> EconomySection:
    table = pd.DataFrame(
        {
            "oktmo": OKTMO,
            "name": NAMES,
            "budget_sector_employment": [31.26, np.nan, np.nan],
            "own_revenue_share": [12.5, 8.0, np.nan],
            "social_share": [40.0, 55.55, np.nan],
            "diversity_entropy": [2.456, 1.9, np.nan],
            "eci": [1.234, np.nan, -0.5],
            "top_lq": ["P 1,8; Q 1,5; O 1,3", "A 3,2", None],
        }
    )
    reasons = pd.DataFrame(
        {
            "oktmo": ["19702000", "19702000", "19703000", "19703000", "19701000"],
            "column": ["budget_sector_employment", "eci", "top_lq", "own_revenue_share", "eci"],
            "reason": [
                "данные засекречены Росстатом",
                "нулевое разнообразие",
                "нет данных о занятости",
                "бюджет <не опубликован> & пр.",
                "значение есть, причина не нужна",
            ],
        }
    )
    shares = [(ECONOMY_REGION_KEY, k, v) for k, v in REGION_SHARES.items()]
    shares += [(o, k, v) for o, values in MUNI_SHARES.items() for k, v in values.items()]
    trends = [("19701000", "social_share", y, 30.0 + i) for i, y in enumerate(TREND_YEARS)]
    trends += [
        ("19702000", "social_share", y, 40.0 + 2 * i)
        for i, y in enumerate(TREND_YEARS)
        if y != 2015
    ]
    trends += [
        # a region row does not move the median
        (ECONOMY_REGION_KEY, "social_share", 2010, 999.0),
        ("19701000", "wage_total", 2023, 52_000.5),
        ("19701000", "wage_total", 2024, 56_000.0),
        ("19702000", "wage_total", 2023, 41_000.0),
        ("19702000", "wage_total", 2024, 45_500.0),
        # a series without labels, and a municipality that is not in the table
        ("19799000", "mystery", 2020, 1.0),
    ]
    candidates = pd.DataFrame(
        [
            ("19702000", 2, "industry_crafts", 0.41, "Лесопилки и промыслы.", "Sawmills, crafts."),
            ("19701000", 1, "tourism", 0.8765, "Высокий LQ раздела I (1,9).", "High LQ of I."),
            ("19702000", 1, "agro", 0.92, "Много пашни.", "Much arable land."),
            ("19701000", 2, "logistics", None, "Узел трёх дорог.", "A node of three roads."),
            ("19703000", 1, "mystery", 0.1, "", "Only an English reason."),
        ],
        columns=["oktmo", "rank", "candidate", "score", "why_ru", "why_en"],
    )
    return EconomySection(
        columns=list(ECO_COLUMNS),
        table=table,
        reasons=reasons,
        sector_shares=pd.DataFrame(shares, columns=["oktmo", "section", "share"]),
        section_labels=SECTION_LABELS,
        trends=pd.DataFrame(trends, columns=["oktmo", "series", "year", "value"]),
        trend_labels={
            "wage_total": ("Средняя зарплата", "Average wage", "руб."),
            "social_share": ("Доля социальных выплат", "Social payments share", "%"),
        },
        candidates=candidates,
        candidate_labels=CANDIDATE_LABELS,
        note_ru="Занятость крупных и средних организаций, 2023 г.; засекреченные ячейки пусты.",
        note_en="Employment of large and medium organisations, 2023; suppressed cells are empty.",
    )


def render(lang: str = "ru", **kwargs: Any) -> str:
    return REPORT.render(lang, **kwargs)


@pytest.fixture(scope="module", params=["ru", "en"])
def eco_doc(request: pytest.FixtureRequest) -> tuple[str, str, Node]:
    lang = str(request.param)
    html = render(lang, economy=make_economy())
    root = parse(html)
    return lang, html, root


def embedded_data(root: Node) -> dict[str, Any]:
    script = root.find_id("economy-data")
    assert script.attrs["type"] == "application/json"
    data: dict[str, Any] = json.loads(script.text)
    return data


def pct(value: str, lang: str) -> str:
    return f"{value.replace('.', ',')}{NBSP}%" if lang == "ru" else f"{value}%"


# --------------------------------------------------------------------------- presence


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_section_absent_without_economy(lang: str) -> None:
    html = render(lang)
    root = parse(html)
    assert_no_section(html, root, "economy", LABELS[lang]["eco_heading"])
    assert root.by_id("economy-data") == []
    assert "eco-" not in body_markup(html)


def test_section_nav_link_and_note(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    section = find_section(root, "economy", LABELS[lang]["eco_heading"])
    assert section.iter("h2")[0].text == LABELS[lang]["eco_heading"]
    ids = [n.attrs.get("id") for n in root.iter("section")]
    assert ids.index("profile") < ids.index("economy") < ids.index("import")
    note = root.find_id("economy-note").text
    assert ("засекреченные ячейки" if lang == "ru" else "suppressed cells") in note
    assert LABELS[lang]["eco_note_label"] in note


# --------------------------------------------------------------------------- table


def test_economy_table_rows_and_formatting(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    table = root.find_id("economy-table")
    assert "sortable" in table.classes()
    header = table.iter("thead")[0].iter("th")
    assert len(header) == 2 + len(ECO_COLUMNS)
    assert [th.attrs["data-type"] for th in header] == ["text", "text", *["num"] * 5, "text"]
    assert ECO_COLUMNS[0].label(lang) in header[2].text
    assert "opora" in header[5].attrs["title"]  # the source is the header's tooltip
    rows = body_rows(table)
    assert len(rows) == len(OKTMO)
    cells = [[td.text for td in r.iter("td")] for r in rows]
    assert [c[:2] for c in cells] == [list(p) for p in zip(OKTMO, NAMES, strict=True)]
    if lang == "ru":
        assert cells[0][2:] == [
            f"31,3{NBSP}%",
            f"12,5{NBSP}%",
            f"40,0{NBSP}%",
            "2,46",
            "1,23",
            "P 1,8; Q 1,5; O 1,3",
        ]
        assert cells[2][6] == f"{MINUS}0,50"
    else:
        assert cells[0][2:] == ["31.3%", "12.5%", "40.0%", "2.46", "1.23", "P 1,8; Q 1,5; O 1,3"]
        assert cells[2][6] == f"{MINUS}0.50"
    first = rows[0].iter("td")
    assert float(first[2].attrs["data-v"]) == pytest.approx(31.26)
    assert "num" in first[2].classes()
    assert "num" not in first[7].classes()  # the text column is left-aligned


def test_missing_cell_shows_dash_and_reason(eco_doc: tuple[str, str, Node]) -> None:
    lang, html, root = eco_doc
    rows = body_rows(root.find_id("economy-table"))
    tds = [r.iter("td") for r in rows]
    no_data = LABELS[lang]["no_data"]
    # Лесной МР: life-support share and ECI are missing, each with its reason
    budget, eci = tds[1][2], tds[1][6]
    for td, reason in ((budget, "данные засекречены Росстатом"), (eci, "нулевое разнообразие")):
        assert td.text == "—"
        assert td.attrs["data-v"] == ""
        assert "na" in td.classes()
        assert reason in td.attrs["title"]
        assert td.attrs["title"] == LABELS[lang]["eco_no_data_reason"].format(reason=reason)
    # a missing text cell carries its reason too; data text in a reason is escaped
    assert tds[2][7].text == "—"
    assert "нет данных о занятости" in tds[2][7].attrs["title"]
    assert "бюджет <не опубликован> & пр." in tds[2][3].attrs["title"]
    assert "бюджет &lt;не опубликован&gt; &amp; пр." in html
    # a missing value without a reason says only "no data"
    assert tds[2][4].text == "—"
    assert tds[2][4].attrs["title"] == no_data
    # a reason given for a present value is not shown
    assert tds[0][6].text != "—"
    assert "title" not in tds[0][6].attrs
    assert "причина не нужна" not in html


def test_reasons_may_use_a_key_column_or_be_empty() -> None:
    economy = make_economy()
    renamed = economy.reasons.rename(columns={"column": "key"})
    root = parse(render("ru", economy=dataclasses.replace(economy, reasons=renamed)))
    td = body_rows(root.find_id("economy-table"))[1].iter("td")[2]
    assert "данные засекречены Росстатом" in td.attrs["title"]
    root = parse(render("ru", economy=dataclasses.replace(economy, reasons=pd.DataFrame())))
    td = body_rows(root.find_id("economy-table"))[1].iter("td")[2]
    assert td.attrs["title"] == LABELS["ru"]["no_data"]


# --------------------------------------------------------------------------- selector


def test_selector_lists_every_municipality(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    label = root.find_id("economy-select")
    assert "hidden" in label.attrs  # shown by the script; without it only the region is drawn
    assert LABELS[lang]["eco_select_label"] in label.text
    options = root.find_id("economy-muni").iter("option")
    # the table's municipalities in table order, then one known only from the trends
    assert [o.attrs["value"] for o in options] == [*OKTMO, "19799000"]
    assert [o.text for o in options] == [*NAMES, "19799000"]


# --------------------------------------------------------------------------- sector chart


def test_sector_chart_region_bars(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    svg = root.find_id("economy-sector-svg")
    assert svg.attrs["data-x0"] == "320"
    assert svg.attrs["data-pw"] == "470"
    assert float(svg.attrs["data-max"]) == pytest.approx(0.5)
    groups = svg.by_class("eco-sec", "g")
    assert [g.attrs["data-section"] for g in groups] == ["A", "C", "O", "P", "Q"]
    region_bars = svg.by_class("eco-reg", "rect")
    assert len(region_bars) == len(REGION_SHARES)  # one bar per section
    for i, (group, letter) in enumerate(zip(groups, REGION_SHARES, strict=True)):
        (bar,) = group.by_class("eco-reg", "rect")
        assert bar.attrs["x"] == "320"
        assert bar.attrs["width"] == REGION_WIDTHS[letter]
        assert float(bar.attrs["width"]) == pytest.approx(REGION_SHARES[letter] / 0.5 * 470)
        assert bar.attrs["height"] == "9"
        assert float(bar.attrs["y"]) == 26 + 26 * i + 3
        value = group.by_class("eco-v", "text")[0]
        assert value.text == pct(f"{REGION_SHARES[letter] * 100:.1f}", lang)
        assert float(value.attrs["x"]) == pytest.approx(320 + float(REGION_WIDTHS[letter]) + 4)
        assert LABELS[lang]["eco_legend_region"] in bar.iter("title")[0].text
        # the municipality's bar waits for the script, right under the region's
        (mun,) = group.by_class("eco-mun", "rect")
        assert mun.attrs["width"] == "0"
        assert float(mun.attrs["y"]) == float(bar.attrs["y"]) + 10
        name = SECTION_LABELS[letter][0 if lang == "ru" else 1]
        assert f"{letter} — {name}" in group.iter("title")[0].text
    ticks = [t.text for t in svg.by_class("eco-grid", "g")[0].iter("text")]
    assert ticks == [pct(str(v), lang) for v in (0, 10, 20, 30, 40, 50)]
    xs = [float(line.attrs["x1"]) for line in svg.by_class("eco-grid", "g")[0].iter("line")]
    assert xs == pytest.approx([320 + 94 * k for k in range(6)])


def test_long_section_names_are_cut(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    group = root.find_id("economy-sector-svg").by_class("eco-sec", "g")[0]
    shown = group.iter("tspan")[1].text
    full = SECTION_LABELS["A"][0 if lang == "ru" else 1]
    if len(full) > 42:
        assert shown.endswith("…")
        assert len(shown) == 42
    else:
        assert shown == full
    # the labels sit in a nested viewport that clips them before the bars
    box = group.iter("svg")[0]
    assert float(box.attrs["width"]) < 320


def test_sector_shares_of_municipalities_are_embedded(
    eco_doc: tuple[str, str, Node],
) -> None:
    _, _, root = eco_doc
    data = embedded_data(root)
    assert data["sec"] == ["A", "C", "O", "P", "Q"]
    # tenths of a percent, in section order; missing or absent sections are null
    assert data["s"] == {
        "19701000": [20, 300, None, 200, 100],
        "19702000": [450, 50, None, 180, None],
    }
    assert ECONOMY_REGION_KEY not in data["s"]


# --------------------------------------------------------------------------- trends


def test_trend_charts_have_a_point_per_year(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    figures = root.by_class("eco-trend", "figure")
    # labelled series in the labels' order, then the others
    assert [f.attrs["data-series"] for f in figures] == ["wage_total", "social_share", "mystery"]
    titles = [f.iter("figcaption")[0].text for f in figures]
    assert titles[0] == ("Средняя зарплата, руб." if lang == "ru" else "Average wage, руб.")
    assert titles[2] == "mystery"
    by_series = {f.attrs["data-series"]: f for f in figures}

    social = by_series["social_share"].iter("svg")[0]
    (line,) = social.by_class("eco-med", "polyline")
    points = line.attrs["points"].split()
    assert len(points) == len(TREND_YEARS)
    assert len(social.by_class("eco-med-pts", "g")[0].iter("circle")) == len(TREND_YEARS)
    # medians 35 + 1.5 i (35 in 2015, where one municipality is missing) on an axis 35-55:
    # y = 12 + 146 - (m - 35) / 20 * 146
    assert points[0] == "56,158"
    assert points[-1] == "306,26.6"
    assert points[5] == f"{56 + 5 * 250 / 12:.1f},158"
    yticks = [t.text for t in social.by_class("eco-yt", "g")[0].iter("text")]
    assert yticks == ["35", "40", "45", "50", "55"]
    years = [t.text for t in social.by_class("eco-xt", "g")[0].iter("text")]
    assert years == [str(y) for y in range(2010, 2023, 2)]
    # the municipality's line waits for the script
    (path,) = social.by_class("eco-mun-line", "path")
    assert path.attrs["d"] == ""

    wage = by_series["wage_total"].iter("svg")[0]
    assert len(wage.by_class("eco-med", "polyline")[0].attrs["points"].split()) == 2
    assert [t.text for t in wage.by_class("eco-xt", "g")[0].iter("text")] == ["2023", "2024"]
    tips = [c.iter("title")[0].text for c in wage.by_class("eco-med-pts", "g")[0].iter("circle")]
    median = LABELS[lang]["eco_legend_median"]
    if lang == "ru":
        assert tips[1] == f"{median}, 2024: 50{NBSP}750"
    else:
        assert tips[1] == f"{median}, 2024: 50,750"
    # a single year sits in the middle of the plot
    mystery = by_series["mystery"].iter("svg")[0]
    assert mystery.by_class("eco-med", "polyline")[0].attrs["points"].startswith("181,")


def test_trend_data_are_embedded(eco_doc: tuple[str, str, Node]) -> None:
    _, _, root = eco_doc
    data = embedded_data(root)["t"]
    social = data["social_share"]
    assert social["y"] == TREND_YEARS
    assert social["med"][0] == 35
    assert social["med"][5] == 35
    assert social["med"][-1] == 53
    assert social["v"]["19701000"] == [30 + i for i in range(13)]
    assert social["v"]["19702000"][5] is None
    assert ECONOMY_REGION_KEY not in social["v"]
    assert data["wage_total"]["v"]["19701000"] == [52000.5, 56000]
    assert data["mystery"]["v"] == {"19799000": [1]}


# --------------------------------------------------------------------------- candidates


def test_candidates_table(eco_doc: tuple[str, str, Node]) -> None:
    lang, _, root = eco_doc
    table = root.find_id("economy-cand-table")
    assert "sortable" in table.classes()
    rows = body_rows(table)
    got = [(r.iter("td")[0].text, r.iter("td")[2].text, r.attrs["data-candidate"]) for r in rows]
    assert got == [
        ("19701000", "1", "tourism"),
        ("19701000", "2", "logistics"),
        ("19702000", "1", "agro"),
        ("19702000", "2", "industry_crafts"),
        ("19703000", "1", "mystery"),
    ]
    cells = [[td.text for td in r.iter("td")] for r in rows]
    assert cells[0][1] == "Северогорский ГО"
    assert cells[4][1] == "Пустой <МО> & Co"
    k = 0 if lang == "ru" else 1
    assert [c[3] for c in cells[:4]] == [
        CANDIDATE_LABELS[key][k] for key in ("tourism", "logistics", "agro", "industry_crafts")
    ]
    assert cells[4][3] == "mystery"  # no labels: the key as is
    assert cells[0][4] == ("0,88" if lang == "ru" else "0.88")
    assert cells[1][4] == "—"
    if lang == "ru":
        assert cells[0][5] == "Высокий LQ раздела I (1,9)."
        assert cells[3][5] == "Лесопилки и промыслы."
    else:
        assert cells[0][5] == "High LQ of I."
        assert cells[3][5] == "Sawmills, crafts."
    assert cells[4][5] == "Only an English reason."  # no Russian text: the other language
    filter_box = root.find_id("economy-cand-filter")
    assert filter_box.attrs["data-table"] == "economy-cand-table"
    assert root.find_id("economy-cand-shown").text == LABELS[lang]["filter_shown"].format(
        shown=5, total=5
    )


# --------------------------------------------------------------------------- offline, labels


def test_document_is_still_offline(eco_doc: tuple[str, str, Node]) -> None:
    _, html, root = eco_doc
    assert_links_stay_inside(root)
    assert_loads_nothing(html, root)


def test_embedded_json_cannot_close_its_script() -> None:
    economy = make_economy()
    trends = pd.DataFrame(
        {"oktmo": ["19701000"], "series": ["a</script><b>&"], "year": [2020], "value": [1.0]}
    )
    html = render("en", economy=dataclasses.replace(economy, trends=trends))
    root = parse(html)
    assert "</script><b>" not in html
    assert list(embedded_data(root)["t"]) == ["a</script><b>&"]


def test_economy_labels_in_both_languages() -> None:
    keys = section_label_keys("eco_", 25)
    assert_no_russian_labels(keys, render("en", economy=make_economy()))


# --------------------------------------------------------------------------- edge cases


def test_empty_parts_render_sentences() -> None:
    economy = make_economy()
    empty = dataclasses.replace(
        economy,
        table=economy.table.iloc[0:0],
        sector_shares=pd.DataFrame(),
        trends=pd.DataFrame(),
        candidates=pd.DataFrame(),
        note_en="",
    )
    html = render("en", economy=empty)
    root = parse(html)
    t = LABELS["en"]
    for key in ("eco_table_empty", "eco_sectors_empty", "eco_trends_empty", "eco_cand_empty"):
        assert t[key] in html, key
    assert root.by_id("economy-select") == []
    assert root.by_id("economy-note") == []
    assert embedded_data(root) == {"sec": [], "s": {}, "t": {}}


def test_region_without_sector_rows_is_said() -> None:
    economy = make_economy()
    shares = economy.sector_shares
    html = render(
        "ru",
        economy=dataclasses.replace(
            economy, sector_shares=shares[shares["oktmo"] != ECONOMY_REGION_KEY]
        ),
    )
    root = parse(html)
    svg = root.find_id("economy-sector-svg")
    assert svg.by_class("eco-reg", "rect") == []
    assert len(svg.by_class("eco-mun", "rect")) == 5
    assert LABELS["ru"]["eco_sectors_no_region"] in html


def test_bad_economy_inputs_raise() -> None:
    economy = make_economy()
    shares = economy.sector_shares
    with pytest.raises(ReportInputError, match="0-1"):
        render("ru", economy=dataclasses.replace(economy, sector_shares=shares.assign(share=25.0)))
    with pytest.raises(ReportInputError, match="more than one row"):
        render(
            "ru",
            economy=dataclasses.replace(economy, sector_shares=pd.concat([shares, shares[:1]])),
        )
    with pytest.raises(ReportInputError, match="whole number"):
        render(
            "ru",
            economy=dataclasses.replace(economy, trends=economy.trends.assign(year=2020.5)),
        )
    with pytest.raises(ReportInputError, match="more than one row"):
        render(
            "ru",
            economy=dataclasses.replace(
                economy, trends=pd.concat([economy.trends, economy.trends[:1]])
            ),
        )
    with pytest.raises(ReportInputError, match="eci"):
        render("ru", economy=dataclasses.replace(economy, table=economy.table.drop(columns="eci")))
    with pytest.raises(ReportInputError, match="why_en"):
        render(
            "ru",
            economy=dataclasses.replace(
                economy, candidates=economy.candidates.drop(columns="why_en")
            ),
        )
    with pytest.raises(ReportInputError, match="section"):
        render(
            "ru",
            economy=dataclasses.replace(
                economy, sector_shares=shares.rename(columns={"section": "okved"})
            ),
        )


def test_write_report_with_economy_and_access_order(tmp_path: Path) -> None:
    out = REPORT.write(tmp_path / "r.html", "en", economy=make_economy())
    text = out.read_text(encoding="utf-8")
    assert 'id="economy"' in text
    assert LABELS["en"]["eco_heading"] in text


def _big_economy(n: int, seed: int = 7) -> EconomySection:
    rng = np.random.default_rng(seed)
    oktmo = [f"80{i:06d}" for i in range(n)]
    letters = [chr(ord("A") + i) for i in range(21)]
    table = pd.DataFrame(
        {
            "oktmo": oktmo,
            "name": [f"Муниципальный район № {i}" for i in range(n)],
            **{c.key: rng.uniform(0, 60, n) for c in ECO_COLUMNS[:-1]},
            "top_lq": ["P 1,8; Q 1,5; O 1,3"] * n,
        }
    )
    table.loc[::5, "eci"] = np.nan
    reasons = pd.DataFrame({"oktmo": oktmo[::5], "column": "eci", "reason": "нулевое разнообразие"})
    shares = rng.dirichlet(np.ones(21), n + 1)
    sector = pd.DataFrame(
        {
            "oktmo": np.repeat([ECONOMY_REGION_KEY, *oktmo], 21),
            "section": letters * (n + 1),
            "share": shares.ravel(),
        }
    )
    years = np.arange(2010, 2023)
    trends = pd.DataFrame(
        {
            "oktmo": np.repeat(oktmo, len(years)),
            "series": "social_share",
            "year": np.tile(years, n),
            "value": rng.uniform(20, 50, n * len(years)),
        }
    )
    keys = list(CANDIDATE_LABELS)
    candidates = pd.DataFrame(
        {
            "oktmo": np.repeat(oktmo, 3),
            "rank": np.tile([1, 2, 3], n),
            "candidate": [keys[i % 4] for i in range(3 * n)],
            "score": rng.uniform(0, 1, 3 * n),
            "why_ru": "Высокий LQ раздела I; рядом федеральная трасса.",
            "why_en": "High LQ of section I; a federal highway nearby.",
        }
    )
    return dataclasses.replace(
        make_economy(),
        table=table,
        reasons=reasons,
        sector_shares=sector,
        section_labels={k: (f"Раздел {k}", f"Section {k}") for k in letters},
        trends=trends,
        candidates=candidates,
    )


def test_economy_section_size_grows_slowly_with_municipalities() -> None:
    without = len(render("ru").encode())
    sizes = {}
    for n in (63, 2_600):
        html = render("ru", economy=_big_economy(n))
        sizes[n] = len(html.encode()) - without
    # a small fixed part, then under 2 kB per municipality: a table row (~340 bytes),
    # three candidate rows (~800, mostly the "why" text), an option of the selector
    # and its shares and trend in the JSON (~250)
    assert sizes[63] < 150_000, sizes
    per_municipality = (sizes[2_600] - sizes[63]) / (2_600 - 63)
    assert per_municipality < 2_000, per_municipality
    root = parse(html)
    assert len(root.find_id("economy-muni").iter("option")) == 2_600
    assert len(root.find_id("economy-sector-svg").by_class("eco-reg", "rect")) == 21


# --------------------------------------------------------------------------- in a browser


_STATE = """\
  function state() {
    var bars = [].map.call(document.querySelectorAll("#economy-sector-svg rect.eco-mun"),
      function (r) { return r.getAttribute("width"); });
    var labels = [].map.call(document.querySelectorAll("#economy-sector-svg text.eco-mun-v"),
      function (t) { return t.textContent; });
    var trend = document.querySelector("svg.eco-tr[data-series='social_share']");
    return {
      bars: bars, labels: labels,
      path: trend.querySelector("path.eco-mun-line").getAttribute("d"),
      dots: trend.querySelectorAll("g.eco-mun-pts circle").length,
      median: trend.querySelector("polyline.eco-med").getAttribute("points").split(" ").length,
      noSectors: document.getElementById("economy-sector-none").hidden,
      noTrend: trend.parentNode.querySelector(".eco-tr-na").hidden,
      selectHidden: document.getElementById("economy-select").hidden,
      names: [].map.call(document.querySelectorAll(".eco-muni-name"),
        function (s) { return s.textContent; })
    };
  }
"""
_PROBE = select_probe(_STATE, "economy-muni", ["19702000", "19703000"])


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium")
def test_selector_redraws_in_a_browser(tmp_path: Path) -> None:
    first, second, third = run_in_browser(render("ru", economy=make_economy()), _PROBE, tmp_path)
    # at load the first municipality is drawn: 2 %, 30 %, none, 20 %, 10 % of a 50 % axis
    assert first["selectHidden"] is False
    assert [float(w) for w in first["bars"]] == pytest.approx([18.8, 282, 0, 188, 94])
    assert first["labels"] == [f"2,0{NBSP}%", f"30,0{NBSP}%", "—", f"20,0{NBSP}%", f"10,0{NBSP}%"]
    assert first["path"].count("M") == 1
    assert first["path"].count("L") == len(TREND_YEARS) - 1
    assert first["dots"] == len(TREND_YEARS)
    assert first["median"] == len(TREND_YEARS)
    assert first["names"] == ["Северогорский ГО", "Северогорский ГО"]
    assert first["noSectors"] is True
    assert first["noTrend"] is True
    # the second one: 45 %, 5 %, none, 18 %, none; 2015 is missing, so the line breaks
    assert [float(w) for w in second["bars"]] == pytest.approx([423, 47, 0, 169.2, 0])
    assert second["labels"][0] == f"45,0{NBSP}%"
    assert second["labels"][4] == "—"
    assert second["path"].count("M") == 2
    assert second["dots"] == len(TREND_YEARS) - 1
    assert second["names"][0] == "Лесной МР"
    # the third has no shares and no trends
    assert [float(w) for w in third["bars"]] == [0] * 5
    assert third["labels"] == [""] * 5
    assert third["path"] == ""
    assert third["noSectors"] is False
    assert third["noTrend"] is False
    assert math.isclose(float(first["bars"][1]), 0.30 / 0.5 * 470)
