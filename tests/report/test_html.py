"""Tests of the single-file HTML report."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from opora.errors import OporaError
from opora.model.provenance import Provenance, provenance_frame
from opora.report import (
    LABELS,
    ProfileColumn,
    ReportInputError,
    UnknownLanguageError,
    label,
    render_report,
    write_report,
)
from opora.report.html import (
    AccessSection,
    ServiceInfo,
    format_number,
    share_class,
    size_class,
)

NBSP = "\u00a0"

# settlement_id, name, type, population, expected size class (worked out by hand)
SETTLEMENTS = [
    ("s01", "Северогорск", "г", 300_000, "city_xl"),
    ("s02", "Лесной", "г", 120_000, "city_l"),
    ("s03", "Озёрск", "г", 60_000, "city_m"),
    ("s04", "Малоярск", "г", 12_000, "city_s"),
    ("s05", "Заводской", "пгт", 4_500, "city_s"),
    ("s06", "Берёзовка", "с", 1_500, "rural_l"),
    ("s07", "Ивановка", "д", 300, "rural_s"),
    ("s08", "Кедровый", "п", 999, "rural_s"),
    ("s09", "Заречье", "д", None, "no_data"),
    ("s10", "Новосёлки", "г", None, "no_data"),
]


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[_Node] = []
        self.text_parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.text_parts) + "".join(c.text for c in self.children)

    def iter(self, tag: str | None = None) -> list[_Node]:
        found = [self] if tag is None or self.tag == tag else []
        for child in self.children:
            found.extend(child.iter(tag))
        return found

    def find_id(self, node_id: str) -> _Node:
        hits = [n for n in self.iter() if n.attrs.get("id") == node_id]
        assert len(hits) == 1, f"expected one element with id={node_id}, got {len(hits)}"
        return hits[0]

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


_VOID = {"meta", "input", "br", "img", "link", "hr", "source", "wbr", "col", "area"}


class _TreeBuilder(HTMLParser):
    """Build a small element tree with the stdlib parser, checking tags are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.current = self.root
        self.all_attrs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.all_attrs.extend((tag, k, v or "") for k, v in attrs)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.all_attrs.extend((tag, k, v or "") for k, v in attrs)
        self.current.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.text_parts.append(data)


def parse(html: str) -> tuple[_Node, _TreeBuilder]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, "unclosed elements at end of document"
    return builder.root, builder


# --------------------------------------------------------------------------- fixtures


def make_settlements() -> gpd.GeoDataFrame:
    rows = []
    for i, (sid, name, typ, pop, _cls) in enumerate(SETTLEMENTS):
        rows.append(
            {
                "settlement_id": sid,
                "oktmo": f"1970100{i:04d}",
                "name": name,
                "type": typ,
                "municipality_oktmo": "19701000" if i < 5 else "19702000",
                "population": pop,
                "geometry": Point(38.0 + i * 0.4, 59.0 + (i % 4) * 0.3),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    frame["population"] = frame["population"].astype("Int64")
    return frame


def make_municipalities() -> gpd.GeoDataFrame:
    rows = [
        ("19701000", "Северогорский городской округ", "urban_okrug", "upper", True, "Северогорск"),
        ("19702000", "Лесной муниципальный район", "municipal_district", "upper", False, "Лесной"),
        ("19702101", "Берёзовское сельское поселение", "rural_settlement", "lower", False, "с"),
        ("19703000", "Пустой муниципальный округ", "municipal_okrug", "upper", False, ""),
    ]
    geoms = [Point(38.0, 59.0), Point(38.4, 59.3), Point(40.0, 59.0), None]
    return gpd.GeoDataFrame(
        [
            {
                "oktmo": o,
                "name": n,
                "type": t,
                "level": lv,
                "is_regional_centre": rc,
                "centre_name": c,
            }
            for o, n, t, lv, rc, c in rows
        ],
        geometry=geoms,
        crs="EPSG:4326",
    )


COLUMNS = [
    ProfileColumn("population", "Население", "Population", "чел.", "people", "int", "Росстат"),
    ProfileColumn("area_km2", "Площадь", "Area", "км²", "km²", "float1", "ФИАС"),
    ProfileColumn("share_pct", "Доля опорных НП", "Anchor share", "", "", "pct1", "opora"),
    ProfileColumn("density", "Плотность", "Density", "чел./км²", "per km²", "float2", "расчёт"),
]


def make_profile() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "oktmo": ["19701000", "19702000", "19703000"],
            "name": ["Северогорский ГО", "Лесной МР", "Пустой <МО> & Co"],
            "population": pd.array([312_000, 125_000, None], dtype="Int64"),
            "area_km2": [12_345.6, 1_500.25, float("nan")],
            "share_pct": [45.25, 7.0, None],
            "density": [25.27, -3.14159, 0.5],
        }
    )


SUMMARY: list[dict[str, object]] = [
    {
        "source": "Реестр населённых пунктов",
        "read": 12_000,
        "kept": 11_950,
        "repaired": 12,
        "rejected": 50,
        "flagged": 7,
        "duplicates": 3,
    },
    {
        "source": "Росстат, население",
        "read": 10,
        "kept": 10,
        "repaired": 0,
        "rejected": 0,
        "flagged": 0,
        "no_coordinates": 4,
    },
]


def make_provenance(*, modelled: bool) -> pd.DataFrame:
    records = [
        Provenance("settlements", "Реестр НП", "CC BY 4.0", "2024", "real", "v1.2"),
        Provenance("indicators", "Росстат БД ПМО", "Rosstat official publication", "2023", "real"),
    ]
    if modelled:
        records.append(
            Provenance("network", "Модельная дорожная сеть", "MIT", "2024", "modelled", "rule")
        )
    return provenance_frame(records)


def render(lang: str = "ru", *, modelled: bool = True, **kwargs: Any) -> str:
    return render_report(
        make_settlements(),
        make_municipalities(),
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=modelled),
        region_name="Тестовская область",
        lang=lang,
        generated="2024-05-01T12:00+00:00",
        **kwargs,
    )


@pytest.fixture(scope="module", params=["ru", "en"])
def doc(request: pytest.FixtureRequest) -> tuple[str, str, _Node, _TreeBuilder]:
    lang = str(request.param)
    html = render(lang)
    root, builder = parse(html)
    return lang, html, root, builder


# --------------------------------------------------------------------------- tests


def test_labels_have_same_keys_in_both_languages() -> None:
    assert set(LABELS) == {"ru", "en"}
    assert set(LABELS["ru"]) == set(LABELS["en"])
    assert all(v.strip() for lang in LABELS for v in LABELS[lang].values())
    assert label("map_heading", "en") == "Settlement map"


def test_label_unknown_language_or_key() -> None:
    with pytest.raises(UnknownLanguageError):
        label("map_heading", "de")
    with pytest.raises(KeyError):
        label("no_such_label", "ru")


def test_document_is_single_file_and_offline(doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, html, root, builder = doc
    assert html.startswith("<!DOCTYPE html>")
    assert root.iter("html")[0].attrs["lang"] == lang
    for tag, name, value in builder.all_attrs:
        if name in {"src", "href", "xlink:href", "action", "data", "poster", "srcset"}:
            assert not re.match(r"\s*(https?:)?//", value, re.I), f"<{tag} {name}={value}>"
            assert name == "href", f"<{tag} {name}={value}>"
            assert value.startswith("#"), f"<{tag} {name}={value}>"
    assert not root.iter("link")
    assert not root.iter("img")
    assert all("src" not in s.attrs for s in root.iter("script"))
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@media print" in html


def test_each_settlement_is_one_circle_of_the_right_class(
    doc: tuple[str, str, _Node, _TreeBuilder],
) -> None:
    _, _, root, _ = doc
    svg = root.find_id("map-svg")
    circles = [c for c in svg.iter("circle") if "data-id" in c.attrs]
    assert len(circles) == len(SETTLEMENTS)
    by_id = {c.attrs["data-id"]: c for c in circles}
    assert len(by_id) == len(SETTLEMENTS)
    for sid, _name, _typ, _pop, expected in SETTLEMENTS:
        assert expected in by_id[sid].classes(), (sid, by_id[sid].classes())
        assert "." not in by_id[sid].attrs["cx"] or len(by_id[sid].attrs["cx"].split(".")[1]) == 1


def test_circles_are_drawn_small_first_and_carry_tooltips(
    doc: tuple[str, str, _Node, _TreeBuilder],
) -> None:
    lang, _, root, _ = doc
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


def test_municipal_centres_are_squares(doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    _, _, root, _ = doc
    rects = root.find_id("map-svg").iter("rect")
    # two top-level municipalities with a centre; the lower one and the empty point are skipped
    assert len(rects) == 2
    assert sum("regional" in r.classes() for r in rects) == 1


def test_legend_counts_match_circles(doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, _, root, _ = doc
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


def test_profile_table_rows_and_formatting(doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, _, root, _ = doc
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


def test_import_summary_lists_extra_keys(doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, _, root, _ = doc
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
    root, _ = parse(render(lang, modelled=modelled))
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
    doc: tuple[str, str, _Node, _TreeBuilder],
) -> None:
    _, _, root, _ = doc
    items = [li.text for li in root.find_id("attribution").iter("li")]
    assert items == [
        "Реестр НП — CC BY 4.0",
        "Росстат БД ПМО — Rosstat official publication",
        "Модельная дорожная сеть — MIT",
    ]


def test_notes_and_title_are_shown() -> None:
    root, _ = parse(render("en", title="My report", notes=["The road network is modelled."]))
    assert root.iter("title")[0].text == "My report"
    assert "The road network is modelled." in root.find_id("notes").text
    root, _ = parse(render("ru"))
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


@pytest.mark.parametrize(
    ("value", "fmt", "ru", "en"),
    [
        (12_345.6, "float1", f"12{NBSP}345,6", "12,345.6"),
        (1_234_567, "int", f"1{NBSP}234{NBSP}567", "1,234,567"),
        (0.125, "float2", "0,12", "0.12"),
        (-0.04, "float1", "0,0", "0.0"),
        (7, "pct1", f"7,0{NBSP}%", "7.0%"),
        (float("nan"), "int", None, None),
        (pd.NA, "int", None, None),
        (None, "float1", None, None),
        (float("inf"), "float1", None, None),
    ],
)
def test_format_number(value: object, fmt: str, ru: str | None, en: str | None) -> None:
    assert format_number(value, fmt, "ru") == ru
    assert format_number(value, fmt, "en") == en


@pytest.mark.parametrize(
    ("typ", "pop", "expected"),
    [
        ("г", 250_001, "city_xl"),
        ("г", 250_000, "city_l"),
        ("г.", 100_001, "city_l"),
        ("пгт", 100_000, "city_m"),
        ("рп", 50_001, "city_m"),
        ("рп", 50_000, "city_s"),
        ("П.г.т.", 49_999, "city_s"),
        ("Город", 60_000, "city_m"),
        ("кп", 10, "city_s"),
        ("с", 250_000, "rural_l"),
        ("д", 1_000, "rural_l"),
        ("д", 999, "rural_s"),
        ("х", 0, "rural_s"),
        ("г", None, "no_data"),
        ("с", pd.NA, "no_data"),
    ],
)
def test_size_class(typ: str, pop: object, expected: str) -> None:
    assert size_class(typ, pop) == expected


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
    root, _ = parse(html)
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
    root, _ = parse(html)
    circles = [c for c in root.find_id("map-svg").iter("circle") if "data-id" in c.attrs]
    assert "s07" not in {c.attrs["data-id"] for c in circles}
    assert len(circles) == len(SETTLEMENTS) - 1
    assert "(нет координат): 1." in html


def test_projected_crs_is_reprojected() -> None:
    s = make_settlements().to_crs("EPSG:3857")
    m = make_municipalities().to_crs("EPSG:3857")
    reference = parse(render("ru"))[0]
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
    root, _ = parse(html)

    def coords(node: _Node) -> list[tuple[str, str]]:
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
    svg = parse(html)[0].find_id("map-svg")
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
    svg = parse(html)[0].find_id("map-svg")
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


def _random_frames(n: int, seed: int = 42) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    lon = rng.uniform(35.0, 47.0, n)
    lat = rng.uniform(58.5, 61.5, n)
    types = rng.choice(["д", "с", "п", "г", "пгт"], size=n, p=[0.6, 0.25, 0.1, 0.03, 0.02])
    pop = rng.lognormal(mean=5.0, sigma=2.0, size=n).round().astype("int64")
    pop_arr = pd.array(pop, dtype="Int64")
    pop_arr[rng.random(n) < 0.1] = pd.NA
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": [f"s{i:05d}" for i in range(n)],
            "oktmo": [f"19{i:09d}" for i in range(n)],
            "name": [f"Населённый пункт № {i}" for i in range(n)],
            "type": types,
            "municipality_oktmo": [f"19{i % 26:06d}" for i in range(n)],
            "population": pop_arr,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    municipalities = gpd.GeoDataFrame(
        {
            "oktmo": [f"19{i:06d}" for i in range(26)],
            "name": [f"Район {i}" for i in range(26)],
            "type": "municipal_district",
            "level": "upper",
            "is_regional_centre": [i == 0 for i in range(26)],
            "centre_name": [f"Центр {i}" for i in range(26)],
        },
        geometry=gpd.points_from_xy(rng.uniform(35, 47, 26), rng.uniform(58.5, 61.5, 26)),
        crs="EPSG:4326",
    )
    return settlements, municipalities


def test_five_thousand_points_render_under_two_megabytes(tmp_path: Path) -> None:
    settlements, municipalities = _random_frames(5_000)
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
    root, _ = parse(out.read_text(encoding="utf-8"))
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


# --------------------------------------------------------------------------- accessibility

ACCESS_SERVICES = [
    ServiceInfo("school", "Школа", "School", 30),
    ServiceInfo("hospital", "Больница", "Hospital", 60.0),
    ServiceInfo("pharmacy", "Аптека", "Pharmacy", 45.5),
]

# Shares (percent) and their colour classes, worked out by hand: >= 95 hi, 80-95 mid,
# < 80 lo, after rounding to the one decimal the report shows.
ACCESS_SHARES = [
    ("19701000", "Северогорский ГО", 312_000, [95.0, 94.99, 94.94]),
    ("19702000", "Лесной МР", 125_000, [80.0, 79.96, 79.94]),
    ("19703000", "Пустой <МО> & Co", None, [float("nan"), 100.0, 0.0]),
]
ACCESS_CLASSES = [
    ["acc-hi", "acc-hi", "acc-mid"],
    ["acc-mid", "acc-mid", "acc-lo"],
    ["acc-na", "acc-hi", "acc-lo"],
]


def make_access(*, modelled: bool = True, isolated: bool = True) -> AccessSection:
    keys = [s.key for s in ACCESS_SERVICES]
    shares = pd.DataFrame(
        [
            {"oktmo": o, "name": n, "population": p, **dict(zip(keys, v, strict=True))}
            for o, n, p, v in ACCESS_SHARES
        ]
    )
    shares["population"] = shares["population"].astype("Int64")
    region = pd.DataFrame(
        {
            # pharmacy has no row; hospital comes first: rows follow the services' order
            "service": ["hospital", "school"],
            "within_standard_pct": [79.5, 96.3],
            "population_outside": [12_345, 400],
            "unreachable_settlements": [3, 0],
        }
    )
    worst = pd.DataFrame(
        {
            "settlement_id": ["s07", "s08", "s09", "s02"],
            "name": ["Ивановка", "Кедровый", "Заречье", "Лесной"],
            "municipality": ["Лесной МР", "Лесной МР", "Лесной МР", "Северогорский ГО"],
            "population": pd.array([300, 999, None, 120_000], dtype="Int64"),
            "service": ["school", "school", "hospital", "pharmacy"],
            "minutes": [42.4, float("nan"), 130.0, float("nan")],
            # s02 has no coordinates here: its settlement point is used
            "lon": [40.4, 40.8, 41.2, float("nan")],
            "lat": [59.6, 59.9, 59.0, float("nan")],
        }
    )
    iso = pd.DataFrame(
        {
            "settlement_id": ["s08", "s09"],
            "name": ["Кедровый", "Заречье <b>"],
            "municipality": ["Лесной МР", "Лесной МР"],
            "population": pd.array([999, None], dtype="Int64"),
            "state": ["thaw", "winter"],
            "reason": ["паром не ходит в ледоход", "зимник закрыт"],
        }
    )
    return AccessSection(
        services=list(ACCESS_SERVICES),
        municipal_shares=shares,
        region_shares=region,
        worst=worst,
        isolated=iso if isolated else iso.iloc[0:0],
        network_note_ru="Сеть дорог смоделирована (граф Габриэля по населённым пунктам).",
        network_note_en="The road network is modelled (a Gabriel graph of the settlements).",
        modelled=modelled,
    )


@pytest.fixture(scope="module", params=["ru", "en"])
def access_doc(request: pytest.FixtureRequest) -> tuple[str, str, _Node, _TreeBuilder]:
    lang = str(request.param)
    html = render(lang, access=make_access())
    root, builder = parse(html)
    return lang, html, root, builder


def _by_id(root: _Node, node_id: str) -> list[_Node]:
    return [n for n in root.iter() if n.attrs.get("id") == node_id]


def _body_rows(table: _Node) -> list[_Node]:
    return table.iter("tbody")[0].iter("tr")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_access_section_absent_without_access(lang: str) -> None:
    html = render(lang)
    root, _ = parse(html)
    assert _by_id(root, "access") == []
    assert not [a for a in root.iter("a") if a.attrs.get("href") == "#access"]
    assert LABELS[lang]["acc_heading"] not in html
    assert "acc-map" not in html.split("<body>", 1)[1].split("<script>", 1)[0]


def test_access_section_and_nav_link(access_doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, _, root, _ = access_doc
    section = root.find_id("access")
    assert section.tag == "section"
    assert LABELS[lang]["acc_heading"] in section.iter("h2")[0].text
    links = [a for a in root.iter("a") if a.attrs.get("href") == "#access"]
    assert len(links) == 1
    assert links[0].text == LABELS[lang]["acc_heading"]
    # the section sits between the municipality table and the import summary
    ids = [n.attrs.get("id") for n in root.iter("section")]
    assert ids.index("profile") < ids.index("access") < ids.index("import")
    note = root.find_id("access-note").text
    assert ("Габриэля" if lang == "ru" else "Gabriel graph") in note


def test_access_region_table(access_doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, _, root, _ = access_doc
    table = root.find_id("access-region-table")
    assert "sortable" in table.classes()
    rows = _body_rows(table)
    assert len(rows) == len(ACCESS_SERVICES)
    assert [r.attrs["data-service"] for r in rows] == ["school", "hospital", "pharmacy"]
    cells = [[td.text for td in r.iter("td")] for r in rows]
    if lang == "ru":
        assert cells[0] == ["Школа", "≤ 30 мин", f"96,3{NBSP}%", "400", "0"]
        assert cells[1] == ["Больница", "≤ 60 мин", f"79,5{NBSP}%", f"12{NBSP}345", "3"]
        assert cells[2][:2] == ["Аптека", "≤ 45,5 мин"]
    else:
        assert cells[0] == ["School", "≤ 30 min", "96.3%", "400", "0"]
        assert cells[1] == ["Hospital", "≤ 60 min", "79.5%", "12,345", "3"]
        assert cells[2][:2] == ["Pharmacy", "≤ 45.5 min"]
    # a service without a region row shows missing values
    assert cells[2][2:] == ["—", "—", "—"]
    within = [r.iter("td")[2] for r in rows]
    assert "acc-hi" in within[0].classes()
    assert "acc-lo" in within[1].classes()
    assert "acc-na" in within[2].classes()
    assert float(rows[1].iter("td")[1].attrs["data-v"]) == 60.0


def test_access_municipal_table_rows_and_colours(
    access_doc: tuple[str, str, _Node, _TreeBuilder],
) -> None:
    lang, _, root, _ = access_doc
    table = root.find_id("access-muni-table")
    assert "sortable" in table.classes()
    header = table.iter("thead")[0].iter("th")
    assert len(header) == 3 + len(ACCESS_SERVICES)
    assert all(th.attrs["data-type"] == "num" for th in header[2:])
    assert ACCESS_SERVICES[2].label(lang) in header[5].text
    assert ("≤ 45,5 мин" if lang == "ru" else "≤ 45.5 min") in header[5].text
    rows = _body_rows(table)
    assert len(rows) == len(ACCESS_SHARES)
    for row, (oktmo, name, _pop, values), expected in zip(
        rows, ACCESS_SHARES, ACCESS_CLASSES, strict=True
    ):
        tds = row.iter("td")
        assert tds[0].text == oktmo
        assert tds[1].text == name  # escaped data text comes back intact
        got = [next(c for c in td.classes() if c.startswith("acc-")) for td in tds[3:]]
        assert got == expected, (name, got)
        for td, value in zip(tds[3:], values, strict=True):
            if np.isnan(value):
                assert td.text == "—"
                assert td.attrs["data-v"] == ""
            else:
                assert float(td.attrs["data-v"]) == pytest.approx(value)
    first = [td.text for td in rows[0].iter("td")]
    assert first[3] == (f"95,0{NBSP}%" if lang == "ru" else "95.0%")
    assert first[4] == (f"95,0{NBSP}%" if lang == "ru" else "95.0%")  # 94.99 is shown as 95.0
    assert first[5] == (f"94,9{NBSP}%" if lang == "ru" else "94.9%")
    # the colour scale has a legend with every class
    scale = root.find_id("access-scale")
    assert [li.attrs["data-class"] for li in scale.iter("li") if "data-class" in li.attrs] == [
        "acc-hi",
        "acc-mid",
        "acc-lo",
        "acc-na",
    ]
    assert LABELS[lang]["acc_scale_lo"] in scale.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, "acc-hi"),
        (95.0, "acc-hi"),
        (94.95, "acc-hi"),
        (94.94, "acc-mid"),
        (80.0, "acc-mid"),
        (79.96, "acc-mid"),
        (79.94, "acc-lo"),
        (0.0, "acc-lo"),
        (float("nan"), "acc-na"),
        (None, "acc-na"),
        (pd.NA, "acc-na"),
    ],
)
def test_share_class(value: object, expected: str) -> None:
    assert share_class(value) == expected


def test_access_unreachable_minutes(access_doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, _, root, _ = access_doc
    unreachable = "недостижимо" if lang == "ru" else "unreachable"
    assert LABELS[lang]["acc_unreachable"] == unreachable
    rows = _body_rows(root.find_id("access-worst-table"))
    assert len(rows) == 4
    minutes = {r.iter("td")[0].text: r.iter("td")[4] for r in rows}
    assert minutes["Кедровый"].text == unreachable
    assert "unr" in minutes["Кедровый"].classes()
    assert minutes["Кедровый"].attrs["data-v"] == "Infinity"  # sorts after every time
    assert minutes["Лесной"].text == unreachable
    assert minutes["Ивановка"].text == "42"
    assert float(minutes["Ивановка"].attrs["data-v"]) == pytest.approx(42.4)
    assert minutes["Заречье"].text == "130"
    # tooltips on the map
    svg = root.find_id("access-map-svg")
    circles = {c.attrs["data-id"]: c for c in svg.iter("circle")}
    assert set(circles) == {"s07", "s08", "s09", "s02"}
    tip = circles["s08"].iter("title")[0].text
    assert "Кедровый" in tip
    assert f"{ACCESS_SERVICES[0].label(lang)}: {unreachable}" in tip
    assert "unr" in circles["s08"].classes()
    assert "unr" not in circles["s07"].classes()
    tip = circles["s07"].iter("title")[0].text
    assert ("Школа: 42 мин (норматив ≤ 30 мин)" if lang == "ru" else "School: 42 min") in tip


def test_access_map_uses_the_main_map_projection(
    access_doc: tuple[str, str, _Node, _TreeBuilder],
) -> None:
    _, _, root, _ = access_doc
    main = root.find_id("map-svg")
    svg = root.find_id("access-map-svg")
    assert svg.attrs["viewbox"] == main.attrs["viewbox"]
    # s02 had no lon/lat in the worst table: it is drawn on its settlement point
    main_xy = {c.attrs["data-id"]: (c.attrs["cx"], c.attrs["cy"]) for c in main.iter("circle")}
    acc_xy = {c.attrs["data-id"]: (c.attrs["cx"], c.attrs["cy"]) for c in svg.iter("circle")}
    assert acc_xy["s02"] == main_xy["s02"]
    assert acc_xy["s07"] == main_xy["s07"]  # (40.4, 59.6) is s07's own point
    # every settlement is a faint dot of one path, with whole-unit coordinates
    base = [p for p in svg.iter("path") if "acc-base" in p.classes()]
    assert len(base) == 1
    dots = re.findall(r"M(-?\d+) (-?\d+)h0", base[0].attrs["d"])
    assert len(dots) == len({(x, y) for x, y in dots}) <= len(SETTLEMENTS)
    assert len(dots) >= len(SETTLEMENTS) - 2
    # one group per service with markers, coloured; legend counts match
    groups = [g for g in svg.iter("g") if "acc-svc" in g.classes()]
    assert [g.attrs["data-service"] for g in groups] == ["school", "hospital", "pharmacy"]
    assert len({g.attrs["fill"] for g in groups}) == 3
    legend = {
        tr.attrs["data-service"]: tr
        for tr in root.find_id("access-legend").iter("tr")
        if tr.attrs.get("data-service")
    }
    counts = {k: int(tr.iter("td")[-1].attrs["data-count"]) for k, tr in legend.items()}
    assert counts == {"school": 2, "hospital": 1, "pharmacy": 1}
    options = [o.attrs["value"] for o in root.find_id("access-service").iter("option")]
    assert options == ["", "school", "hospital", "pharmacy"]


def test_access_isolated_table(access_doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    lang, html, root, _ = access_doc
    rows = _body_rows(root.find_id("access-isolated-table"))
    assert len(rows) == 2
    assert [r.attrs["data-state"] for r in rows] == ["thaw", "winter"]
    assert rows[0].iter("td")[3].text == LABELS[lang]["acc_state_thaw"]
    assert rows[1].iter("td")[3].text == LABELS[lang]["acc_state_winter"]
    assert rows[1].iter("td")[0].text == "Заречье <b>"
    assert "Заречье &lt;b&gt;" in html
    assert rows[1].iter("td")[2].text == "—"
    assert _by_id(root, "access-isolated-none") == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_access_empty_isolated_renders_sentence(lang: str) -> None:
    root, _ = parse(render(lang, access=make_access(isolated=False)))
    assert _by_id(root, "access-isolated-table") == []
    sentence = root.find_id("access-isolated-none").text
    assert sentence == LABELS[lang]["acc_isolated_none"]
    if lang == "ru":
        assert sentence.startswith("Нет населённых пунктов, отрезанных в межсезонье или зимой")


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("modelled", [True, False])
def test_access_modelled_badge_iff_modelled(lang: str, modelled: bool) -> None:
    root, _ = parse(render(lang, modelled=False, access=make_access(modelled=modelled)))
    badges = _by_id(root, "access-modelled-badge")
    note = root.find_id("access-note")
    if modelled:
        assert len(badges) == 1
        assert badges[0].text == LABELS[lang]["acc_modelled_badge"]
        assert "modelled" in badges[0].classes()
        assert "modelled" in note.classes()
        assert LABELS[lang]["acc_modelled_text"] in note.text
    else:
        assert badges == []
        assert "modelled" not in note.classes()
        assert LABELS[lang]["acc_modelled_text"] not in note.text
        assert ("Габриэля" if lang == "ru" else "Gabriel") in note.text


def test_access_document_is_still_offline(access_doc: tuple[str, str, _Node, _TreeBuilder]) -> None:
    _, html, root, builder = access_doc
    for tag, name, value in builder.all_attrs:
        if name in {"src", "href", "xlink:href", "action", "data", "poster", "srcset"}:
            assert name == "href", f"<{tag} {name}={value}>"
            assert value.startswith("#"), f"<{tag} {name}={value}>"
    assert not root.iter("link")
    assert not root.iter("img")
    assert all("src" not in s.attrs for s in root.iter("script"))
    assert "@import" not in html
    assert not re.search(r"url\(", html)
    assert not re.search(r"https?://", html)


def test_access_labels_in_both_languages() -> None:
    ru = {k for k in LABELS["ru"] if k.startswith("acc_")}
    en = {k for k in LABELS["en"] if k.startswith("acc_")}
    assert ru == en
    assert len(ru) > 20
    html_en = render("en", access=make_access())
    for key in ru:
        text = LABELS["ru"][key]
        if "{" not in text and text != LABELS["en"][key] and len(text) > 3:
            assert text not in html_en, key


def test_access_bad_inputs_raise() -> None:
    access = make_access()
    bad_worst = access.worst.assign(service=["school", "school", "bus", "pharmacy"])
    with pytest.raises(ReportInputError, match="bus"):
        render("ru", access=dataclasses.replace(access, worst=bad_worst))
    bad_region = access.region_shares.assign(service=["hospital", "bus"])
    with pytest.raises(ReportInputError, match="bus"):
        render("ru", access=dataclasses.replace(access, region_shares=bad_region))
    with pytest.raises(ReportInputError, match="pharmacy"):
        render(
            "ru",
            access=dataclasses.replace(
                access, municipal_shares=access.municipal_shares.drop(columns="pharmacy")
            ),
        )
    with pytest.raises(ReportInputError, match="repeated"):
        render("ru", access=dataclasses.replace(access, services=[*ACCESS_SERVICES] * 2))
    with pytest.raises(ReportInputError, match="reason"):
        render(
            "ru",
            access=dataclasses.replace(access, isolated=access.isolated.drop(columns="reason")),
        )
    with pytest.raises(ReportInputError, match="max_minutes"):
        ServiceInfo("school", "Школа", "School", 0)
    with pytest.raises(ReportInputError, match="max_minutes"):
        ServiceInfo("school", "Школа", "School", float("nan"))


def test_access_without_coordinates_and_empty_tables() -> None:
    access = make_access()
    empty = dataclasses.replace(
        access,
        municipal_shares=access.municipal_shares.iloc[0:0],
        worst=access.worst.iloc[0:0],
        isolated=access.isolated.iloc[0:0],
    )
    html = render("en", access=empty)
    root, _ = parse(html)
    assert _by_id(root, "access-map-svg") == []
    assert LABELS["en"]["acc_muni_empty"] in html
    assert LABELS["en"]["acc_worst_empty"] in html
    assert len(_body_rows(root.find_id("access-region-table"))) == 3
    # no settlement has coordinates: the worst-served table stays, the map does not
    s = make_settlements()
    s["geometry"] = None
    html = render_report(
        s,
        make_municipalities().iloc[0:0],
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=False),
        region_name="X",
        lang="en",
        access=dataclasses.replace(access, worst=access.worst.assign(lon=np.nan, lat=np.nan)),
    )
    root, _ = parse(html)
    assert _by_id(root, "access-map-svg") == []
    assert LABELS["en"]["acc_map_empty"] in html
    assert len(_body_rows(root.find_id("access-worst-table"))) == 4


def test_write_report_with_access(tmp_path: Path) -> None:
    out = write_report(
        tmp_path / "report.html",
        make_settlements(),
        make_municipalities(),
        make_profile(),
        COLUMNS,
        SUMMARY,
        make_provenance(modelled=False),
        region_name="Тестовская область",
        access=make_access(),
    )
    text = out.read_text(encoding="utf-8")
    assert 'id="access"' in text
    assert "недостижимо" in text


def test_access_section_stays_small_for_five_thousand_points(tmp_path: Path) -> None:
    settlements, municipalities = _random_frames(5_000)
    keys = [s.key for s in ACCESS_SERVICES]
    shares = pd.DataFrame(
        {
            "oktmo": municipalities["oktmo"],
            "name": municipalities["name"],
            "population": 1_000,
            **{k: np.linspace(50, 100, 26) for k in keys},
        }
    )
    rows = settlements.iloc[:60]
    worst = pd.DataFrame(
        {
            "settlement_id": rows["settlement_id"].to_numpy(),
            "name": rows["name"].to_numpy(),
            "municipality": "Район 1",
            "population": rows["population"].to_numpy(),
            "service": [keys[i % 3] for i in range(60)],
            "minutes": [float("nan") if i % 7 == 0 else 90.0 + i for i in range(60)],
            "lon": rows.geometry.x.to_numpy(),
            "lat": rows.geometry.y.to_numpy(),
        }
    )
    access = dataclasses.replace(make_access(), municipal_shares=shares, worst=worst)
    profile = make_profile().iloc[0:0]
    common: dict[str, Any] = {
        "region_name": "Вологодская область",
        "generated": "2024-05-01T12:00+00:00",
    }
    args = (settlements, municipalities, profile, COLUMNS, SUMMARY, make_provenance(modelled=True))
    without = len(render_report(*args, **common).encode())
    with_access = len(render_report(*args, **common, access=access).encode())
    assert with_access - without < 150_000, with_access - without
    root, _ = parse(render_report(*args, **common, access=access))
    assert len(root.find_id("access-map-svg").iter("circle")) == 60
