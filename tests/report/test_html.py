"""Tests of the single-file HTML report: the document, its map, tables and sources."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from opora.errors import OporaError
from opora.report import (
    LABELS,
    ProfileColumn,
    ReportInputError,
    UnknownLanguageError,
    render_report,
    write_report,
)
from report._html import NBSP, Node, assert_links_stay_inside, assert_loads_nothing, parse
from report._region import (
    COLUMNS,
    SETTLEMENTS,
    SUMMARY,
    make_municipalities,
    make_profile,
    make_provenance,
    make_settlements,
    random_frames,
    render,
)


@pytest.fixture(scope="module", params=["ru", "en"])
def doc(request: pytest.FixtureRequest) -> tuple[str, str, Node]:
    lang = str(request.param)
    html = render(lang)
    root = parse(html)
    return lang, html, root


def test_document_is_single_file_and_offline(doc: tuple[str, str, Node]) -> None:
    lang, html, root = doc
    assert html.startswith("<!DOCTYPE html>")
    assert root.iter("html")[0].attrs["lang"] == lang
    assert_links_stay_inside(root)
    assert_loads_nothing(html, root)
    assert "@media print" in html


def test_each_settlement_is_one_circle_of_the_right_class(
    doc: tuple[str, str, Node],
) -> None:
    _, _, root = doc
    svg = root.find_id("map-svg")
    circles = [c for c in svg.iter("circle") if "data-id" in c.attrs]
    assert len(circles) == len(SETTLEMENTS)
    by_id = {c.attrs["data-id"]: c for c in circles}
    assert len(by_id) == len(SETTLEMENTS)
    for sid, _name, _typ, _pop, expected in SETTLEMENTS:
        assert expected in by_id[sid].classes(), (sid, by_id[sid].classes())
        assert "." not in by_id[sid].attrs["cx"] or len(by_id[sid].attrs["cx"].split(".")[1]) == 1


def test_circles_are_drawn_small_first_and_carry_tooltips(
    doc: tuple[str, str, Node],
) -> None:
    lang, _, root = doc
    circles = [c for c in root.find_id("map-svg").iter("circle") if "data-id" in c.attrs]
    radii = [float(c.attrs["r"]) for c in circles]
    assert radii == sorted(radii)
    assert circles[-1].attrs["data-id"] == "s01"  # the largest town is drawn last
    tips = {c.attrs["data-id"]: c.iter("title")[0].text for c in circles}
    if lang == "ru":
        assert "Озёрск (г)" in tips["s03"]
        assert f"60{NBSP}000 чел." in tips["s03"]
        assert "нет данных" in tips["s09"]
    else:
        assert "population: 60,000" in tips["s03"]
        assert "no data" in tips["s09"]


def test_municipal_centres_are_squares(doc: tuple[str, str, Node]) -> None:
    _, _, root = doc
    rects = root.find_id("map-svg").iter("rect")
    # two top-level municipalities with a centre; the lower one and the empty point are skipped
    assert len(rects) == 2
    assert sum("regional" in r.classes() for r in rects) == 1


def test_legend_counts_match_circles(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    legend = root.find_id("legend")
    rows = {tr.attrs["data-class"]: tr for tr in legend.iter("tr")}
    expected: dict[str, int] = {}
    for *_, cls in SETTLEMENTS:
        expected[cls] = expected.get(cls, 0) + 1
    for cls in ["city_xl", "city_l", "city_m", "city_s", "rural_l", "rural_s", "no_data"]:
        cell = next(td for td in rows[cls].iter("td") if "n" in td.classes())
        assert int(cell.attrs["data-count"]) == expected.get(cls, 0)
        assert cell.text.strip() == str(expected.get(cls, 0))
        assert LABELS[lang][f"cls_{cls}"] in rows[cls].text
    assert rows["centre"].iter("td")[-1].text.strip() == "1"
    assert rows["regional"].iter("td")[-1].text.strip() == "1"


def test_profile_table_rows_and_formatting(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("profile-table")
    body_rows = table.iter("tbody")[0].iter("tr")
    assert len(body_rows) == len(make_profile())
    header = table.iter("thead")[0].iter("th")
    assert len(header) == 2 + len(COLUMNS)
    assert "Росстат" in header[2].attrs["title"]
    cells = [tr.iter("td") for tr in body_rows]
    first = cells[0]
    area = first[3]
    if lang == "ru":
        assert area.text == f"12{NBSP}345,6"
        assert first[2].text == f"312{NBSP}000"
        assert first[4].text in {f"45,2{NBSP}%", f"45,3{NBSP}%"}
        assert cells[1][5].text == "\u22123,14"
        assert "Население" in header[2].text
        assert "чел." in header[2].text
    else:
        assert area.text == "12,345.6"
        assert first[2].text == "312,000"
        assert first[4].text in {"45.2%", "45.3%"}
        assert cells[1][5].text == "\u22123.14"
        assert "Population" in header[2].text
        assert "people" in header[2].text
    assert float(area.attrs["data-v"]) == pytest.approx(12_345.6)
    # missing population and area of the third municipality
    missing = cells[2][2]
    assert missing.text == "—"
    assert missing.attrs["data-v"] == ""
    assert missing.attrs["title"] == LABELS[lang]["no_data"]
    assert cells[2][3].text == "—"
    # data text is escaped, not interpreted
    assert cells[2][1].text == "Пустой <МО> & Co"


def test_data_text_is_escaped() -> None:
    html = render("ru")
    assert "Пустой &lt;МО&gt; &amp; Co" in html
    assert "<МО>" not in html


def test_import_summary_lists_extra_keys(doc: tuple[str, str, Node]) -> None:
    lang, _, root = doc
    table = root.find_id("import-table")
    header = [th.text for th in table.iter("th")]
    assert header[1:6] == [LABELS[lang][f"col_{k}"] for k in SUMMARY_BASE]
    assert header[6:] == ["duplicates", "no_coordinates"]
    rows = table.iter("tbody")[0].iter("tr")
    assert len(rows) == 2
    first = [td.text for td in rows[0].iter("td")]
    assert first[1] == ("12\u00a0000" if lang == "ru" else "12,000")
    assert first[6] == "3"
    assert first[7] == "—"  # no_coordinates not given for the first source


SUMMARY_BASE = ["read", "kept", "repaired", "rejected", "flagged"]


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("modelled", [True, False])
def test_modelled_banner_iff_modelled_provenance(lang: str, modelled: bool) -> None:
    root = parse(render(lang, modelled=modelled))
    banners = [n for n in root.iter("div") if n.attrs.get("id") == "modelled-banner"]
    badges = [n for n in root.iter("span") if "modelled" in n.classes()]
    marked_rows = [n for n in root.iter("tr") if "modelled" in n.classes()]
    if modelled:
        assert len(banners) == 1
        assert "network" in banners[0].text
        assert len(badges) == 1
        assert badges[0].text == LABELS[lang]["kind_modelled"]
        assert len(marked_rows) == 1
    else:
        assert banners == []
        assert badges == []
        assert marked_rows == []


def test_attribution_footer_lists_sources_and_licences(
    doc: tuple[str, str, Node],
) -> None:
    _, _, root = doc
    items = [li.text for li in root.find_id("attribution").iter("li")]
    assert items == [
        "Реестр НП — CC BY 4.0",
        "Росстат БД ПМО — Rosstat official publication",
        "Модельная дорожная сеть — MIT",
    ]


def test_notes_and_title_are_shown() -> None:
    root = parse(render("en", title="My report", notes=["The road network is modelled."]))
    assert root.iter("title")[0].text == "My report"
    assert "The road network is modelled." in root.find_id("notes").text
    root = parse(render("ru"))
    assert "Тестовская область" in root.iter("h1")[0].text


def test_unknown_language_raises() -> None:
    with pytest.raises(UnknownLanguageError) as info:
        render("de")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OporaError)


def test_missing_profile_column_raises() -> None:
    bad = [*COLUMNS, ProfileColumn("nope", "Нет", "No")]
    with pytest.raises(ReportInputError, match="nope"):
        render_report(
            make_settlements(),
            make_municipalities(),
            make_profile(),
            bad,
            SUMMARY,
            make_provenance(modelled=False),
            region_name="X",
        )


def test_bad_format_raises() -> None:
    with pytest.raises(ReportInputError):
        ProfileColumn("x", "x", "x", fmt="percent")


def test_empty_inputs_render() -> None:
    empty_s = make_settlements().iloc[0:0]
    empty_m = make_municipalities().iloc[0:0]
    html = render_report(
        empty_s,
        empty_m,
        make_profile().iloc[0:0],
        COLUMNS,
        [],
        make_provenance(modelled=False).iloc[0:0],
        region_name="Пусто",
        lang="en",
    )
    root = parse(html)
    assert not [n for n in root.iter() if n.attrs.get("id") == "map-svg"]
    assert LABELS["en"]["map_empty"] in html
    assert LABELS["en"]["import_empty"] in html


def test_settlements_without_coordinates_are_counted_but_not_drawn() -> None:
    s = make_settlements()
    s.loc[s.index[6], "geometry"] = None
    html = render_report(
        s,
        make_municipalities(),
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=False),
        region_name="X",
    )
    root = parse(html)
    circles = [c for c in root.find_id("map-svg").iter("circle") if "data-id" in c.attrs]
    assert "s07" not in {c.attrs["data-id"] for c in circles}
    assert len(circles) == len(SETTLEMENTS) - 1
    assert "(нет координат): 1." in html


def test_projected_crs_is_reprojected() -> None:
    s = make_settlements().to_crs("EPSG:3857")
    m = make_municipalities().to_crs("EPSG:3857")
    reference = parse(render("ru"))
    html = render_report(
        s,
        m,
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=True),
        region_name="Тестовская область",
        lang="ru",
        generated="2024-05-01T12:00+00:00",
    )
    root = parse(html)

    def coords(node: Node) -> list[tuple[str, str]]:
        circles = node.find_id("map-svg").iter("circle")
        return [(c.attrs["cx"], c.attrs["cy"]) for c in circles]

    got, want = coords(root), coords(reference)
    assert len(got) == len(want)
    for (gx, gy), (wx, wy) in zip(got, want, strict=True):
        assert float(gx) == pytest.approx(float(wx), abs=0.2)
        assert float(gy) == pytest.approx(float(wy), abs=0.2)


def test_municipalities_without_geometry_and_polygon_settlements() -> None:
    s = make_settlements()
    s.loc[s.index[0], "geometry"] = Point(38.0, 59.0).buffer(0.05)
    plain = pd.DataFrame(make_municipalities().drop(columns="geometry"))
    html = render_report(
        s,
        plain,
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=False),
        region_name="X",
    )
    svg = parse(html).find_id("map-svg")
    assert len([c for c in svg.iter("circle") if "data-id" in c.attrs]) == len(SETTLEMENTS)
    assert svg.iter("rect") == []


def test_region_across_the_antimeridian_is_not_split() -> None:
    s = make_settlements()
    s["geometry"] = [Point(179.5 if i % 2 else -179.5, 66.0 + i * 0.1) for i in range(len(s))]
    html = render_report(
        s,
        make_municipalities().iloc[0:0],
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=False),
        region_name="Чукотский АО",
    )
    svg = parse(html).find_id("map-svg")
    xs = [float(c.attrs["cx"]) for c in svg.iter("circle") if "data-id" in c.attrs]
    width = float(svg.attrs["viewbox"].split()[2])
    # one degree of longitude apart at ~66° N: the map is narrow-and-tall, not 360° wide
    assert width < float(svg.attrs["viewbox"].split()[3])
    assert min(xs) >= 0
    assert max(xs) <= width


def test_write_report(tmp_path: Path) -> None:
    out = write_report(
        tmp_path / "sub" / "report.html",
        make_settlements(),
        make_municipalities(),
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=False),
        region_name="Тестовская область",
        lang="en",
    )
    assert out.exists()
    text = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d\+00:00", text)


def test_five_thousand_points_render_under_two_megabytes(tmp_path: Path) -> None:
    settlements, municipalities = random_frames(5_000)
    profile = pd.DataFrame(
        {
            "oktmo": municipalities["oktmo"],
            "name": municipalities["name"],
            "population": pd.array(range(26), dtype="Int64"),
            "area_km2": np.linspace(100, 5000, 26),
            "share_pct": np.linspace(0, 100, 26),
            "density": np.linspace(0.1, 30, 26),
        }
    )
    out = write_report(
        tmp_path / "big.html",
        settlements,
        municipalities,
        profile,
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=True),
        region_name="Вологодская область",
    )
    size = out.stat().st_size
    assert size < 2_000_000, size
    root = parse(out.read_text(encoding="utf-8"))
    circles = [c for c in root.find_id("map-svg").iter("circle") if "data-id" in c.attrs]
    assert len(circles) == 5_000
    legend_total = sum(
        int(td.attrs["data-count"])
        for tr in root.find_id("legend").iter("tr")
        if tr.attrs["data-class"] not in {"centre", "regional"}
        for td in tr.iter("td")
        if "data-count" in td.attrs
    )
    assert legend_total == 5_000
