"""Tests of the accessibility section."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from opora.report import (
    LABELS,
    ReportInputError,
    render_report,
    write_report,
)
from opora.report.sections.access import AccessSection, ServiceInfo, share_class
from report._html import (
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
    section_label_keys,
)
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
def access_doc(request: pytest.FixtureRequest) -> tuple[str, str, Node]:
    lang = str(request.param)
    html = render(lang, access=make_access())
    root = parse(html)
    return lang, html, root


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_access_section_absent_without_access(lang: str) -> None:
    html = render(lang)
    assert_no_section(html, parse(html), "access", LABELS[lang]["acc_heading"])
    assert "acc-map" not in body_markup(html)


def test_access_section_and_nav_link(access_doc: tuple[str, str, Node]) -> None:
    lang, _, root = access_doc
    section = find_section(root, "access", LABELS[lang]["acc_heading"])
    assert LABELS[lang]["acc_heading"] in section.iter("h2")[0].text
    # the section sits between the municipality table and the import summary
    ids = [n.attrs.get("id") for n in root.iter("section")]
    assert ids.index("profile") < ids.index("access") < ids.index("import")
    note = root.find_id("access-note").text
    assert ("Габриэля" if lang == "ru" else "Gabriel graph") in note


def test_access_region_table(access_doc: tuple[str, str, Node]) -> None:
    lang, _, root = access_doc
    table = root.find_id("access-region-table")
    assert "sortable" in table.classes()
    rows = body_rows(table)
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
    access_doc: tuple[str, str, Node],
) -> None:
    lang, _, root = access_doc
    table = root.find_id("access-muni-table")
    assert "sortable" in table.classes()
    header = table.iter("thead")[0].iter("th")
    assert len(header) == 3 + len(ACCESS_SERVICES)
    assert all(th.attrs["data-type"] == "num" for th in header[2:])
    assert ACCESS_SERVICES[2].label(lang) in header[5].text
    assert ("≤ 45,5 мин" if lang == "ru" else "≤ 45.5 min") in header[5].text
    rows = body_rows(table)
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


def test_access_unreachable_minutes(access_doc: tuple[str, str, Node]) -> None:
    lang, _, root = access_doc
    unreachable = "недостижимо" if lang == "ru" else "unreachable"
    assert LABELS[lang]["acc_unreachable"] == unreachable
    rows = body_rows(root.find_id("access-worst-table"))
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
    access_doc: tuple[str, str, Node],
) -> None:
    _, _, root = access_doc
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


def test_access_isolated_table(access_doc: tuple[str, str, Node]) -> None:
    lang, html, root = access_doc
    rows = body_rows(root.find_id("access-isolated-table"))
    assert len(rows) == 2
    assert [r.attrs["data-state"] for r in rows] == ["thaw", "winter"]
    assert rows[0].iter("td")[3].text == LABELS[lang]["acc_state_thaw"]
    assert rows[1].iter("td")[3].text == LABELS[lang]["acc_state_winter"]
    assert rows[1].iter("td")[0].text == "Заречье <b>"
    assert "Заречье &lt;b&gt;" in html
    assert rows[1].iter("td")[2].text == "—"
    assert root.by_id("access-isolated-none") == []


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_access_empty_isolated_renders_sentence(lang: str) -> None:
    root = parse(render(lang, access=make_access(isolated=False)))
    assert root.by_id("access-isolated-table") == []
    sentence = root.find_id("access-isolated-none").text
    assert sentence == LABELS[lang]["acc_isolated_none"]
    if lang == "ru":
        assert sentence.startswith("Нет населённых пунктов, отрезанных в межсезонье или зимой")


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("modelled", [True, False])
def test_access_modelled_badge_iff_modelled(lang: str, modelled: bool) -> None:
    root = parse(render(lang, modelled=False, access=make_access(modelled=modelled)))
    badges = root.by_id("access-modelled-badge")
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


def test_access_document_is_still_offline(access_doc: tuple[str, str, Node]) -> None:
    _, html, root = access_doc
    assert_links_stay_inside(root)
    assert_loads_nothing(html, root)


def test_access_labels_in_both_languages() -> None:
    keys = section_label_keys("acc_", 20)
    assert_no_russian_labels(keys, render("en", access=make_access()))


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
    root = parse(html)
    assert root.by_id("access-map-svg") == []
    assert LABELS["en"]["acc_muni_empty"] in html
    assert LABELS["en"]["acc_worst_empty"] in html
    assert len(body_rows(root.find_id("access-region-table"))) == 3
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
    root = parse(html)
    assert root.by_id("access-map-svg") == []
    assert LABELS["en"]["acc_map_empty"] in html
    assert len(body_rows(root.find_id("access-worst-table"))) == 4


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
    settlements, municipalities = random_frames(5_000)
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
    root = parse(render_report(*args, **common, access=access))
    assert len(root.find_id("access-map-svg").iter("circle")) == 60
