"""Tests of the inter-municipal economic ties section of the HTML report."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from opora.errors import ReportInputError
from opora.model.provenance import Provenance
from opora.report import LABELS, ProfileColumn
from opora.report.sections.ties import (
    TIES_DETACHMENT_COLOURS,
    TIES_KIND_COLOURS,
    TIES_MAX_LINES,
    TiesSection,
    ties_detachment_class,
)
from report._html import Node, assert_loads_nothing, find_section, parse, section_label_keys
from report._region import SmallReport, one_municipality_profile, two_municipalities

# --------------------------------------------------------------------------- fixtures

SETTLEMENTS = gpd.GeoDataFrame(
    {
        "settlement_id": ["s1", "s2", "s3"],
        "name": ["Северогорск", "Лесной", "Ивановка"],
        "type": ["г", "г", "д"],
        "population": pd.array([300_000, 12_000, 300], dtype="Int64"),
    },
    geometry=[Point(38.0, 59.0), Point(38.6, 59.4), Point(39.0, 59.1)],
    crs="EPSG:4326",
)
REPORT = SmallReport(
    SETTLEMENTS,
    two_municipalities(),
    one_municipality_profile(1),
    Provenance("firms", "opora", "MIT", "2024", "modelled"),
)

COORDS = {"19701000": (38.0, 59.0), "19702000": (38.6, 59.4), "19703000": (39.0, 59.1)}
NAMES = {"19701000": "Северогорский ГО", "19702000": "Лесной МР", "19703000": "Ивановский МО"}

# source, target, kind, weight
EDGE_ROWS = [
    ("19701000", "19702000", "control", 400.0),
    ("19702000", "19701000", "branch", 25.0),
    ("19701000", "19703000", "supply", 100.0),
    ("19703000", "19702000", "branch", 4.0),
    ("19701000", "19701000", "control", 900.0),  # local
    ("19702000", "19702000", "supply", 50.0),  # local
]
CARD_COLUMNS = [
    ProfileColumn("out_weight", "Занятые в исходящих связях", "Employees, outgoing", fmt="int"),
    ProfileColumn("detachment", "Оторванность", "Detachment", fmt="pct1"),
]


def make_edges(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": [r[0] for r in rows],
            "target": [r[1] for r in rows],
            "kind": [r[2] for r in rows],
            "weight": [r[3] for r in rows],
            "source_lon": [COORDS[r[0]][0] for r in rows],
            "source_lat": [COORDS[r[0]][1] for r in rows],
            "target_lon": [COORDS[r[1]][0] for r in rows],
            "target_lat": [COORDS[r[1]][1] for r in rows],
        }
    )


def make_ties(
    rows: list[tuple[str, str, str, float]] | None = None, *, modelled: bool = True
) -> TiesSection:
    codes = list(COORDS)
    nodes = pd.DataFrame(
        {
            "oktmo": codes,
            "name": [NAMES[c] for c in codes],
            "lon": [COORDS[c][0] for c in codes],
            "lat": [COORDS[c][1] for c in codes],
            "detachment": [0.1, 0.95, np.nan],
            "local_weight": [900.0, 50.0, np.nan],
        }
    )
    card = pd.DataFrame(
        {
            "oktmo": codes,
            "name": [NAMES[c] for c in codes],
            "out_weight": [500.0, 25.0, 4.0],
            "detachment": [10.0, 95.0, np.nan],
        }
    )
    return TiesSection(
        edges=make_edges(EDGE_ROWS if rows is None else rows),
        nodes=nodes,
        card=card,
        card_columns=CARD_COLUMNS,
        modelled=modelled,
        note_ru="Связи по реестру предприятий.",
        note_en="Ties from the firm registry.",
    )


def render(lang: str = "ru", ties: TiesSection | None = None) -> str:
    return REPORT.render(lang, ties=ties)


def lines_of(root: Node) -> list[Node]:
    return [
        n for n in root.find_id("ties-map-svg").iter("path") if "tie-ln" in n.attrs.get("class", "")
    ]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_section_only_when_given(lang: str) -> None:
    html = render(lang)
    assert 'id="ties"' not in html
    assert LABELS[lang]["ties_heading"] not in html
    root = parse(render(lang, make_ties()))
    section = find_section(root, "ties", LABELS[lang]["ties_heading"])
    assert section.iter("h2")[0].text == LABELS[lang]["ties_heading"]
    note = root.find_id("ties-note").text
    assert ("Связи по реестру" if lang == "ru" else "Ties from the firm") in note


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_lines_are_inter_municipal_rows(lang: str) -> None:
    root = parse(render(lang, make_ties()))
    lines = lines_of(root)
    inter = [r for r in EDGE_ROWS if r[0] != r[1]]
    assert len(lines) == len(inter)
    pairs = sorted((n.attrs["data-source"], n.attrs["data-target"]) for n in lines)
    assert pairs == sorted((r[0], r[1]) for r in inter)
    assert all(n.attrs["data-source"] != n.attrs["data-target"] for n in lines)
    assert not root.by_id("ties-cap")
    # each line points at its target with an arrowhead of its kind
    for n in lines:
        assert n.attrs["marker-end"] == f"url(#ties-arrow-{n.attrs['data-kind']})"
        assert root.find_id(f"ties-arrow-{n.attrs['data-kind']}").tag == "marker"


def test_line_tooltips() -> None:
    root = parse(render("en", make_ties()))
    by_pair = {(n.attrs["data-source"], n.attrs["data-target"]): n for n in lines_of(root)}
    tip = by_pair[("19701000", "19702000")].iter("title")[0].text.split("\n")
    assert tip == [
        "Северогорский ГО → Лесной МР",
        LABELS["en"]["ties_kind_control"],
        LABELS["en"]["ties_tt_weight"].format(n="400"),
    ]


def test_stroke_width_monotone_in_weight() -> None:
    rows = [("19701000", "19702000", "supply", float(w)) for w in (1, 10, 10, 100, 1000, 5000)]
    root = parse(render("ru", make_ties(rows)))
    pairs = sorted(
        (float(n.attrs["data-w"]), float(n.attrs["stroke-width"])) for n in lines_of(root)
    )
    widths = [w for _, w in pairs]
    assert widths == sorted(widths)
    assert widths[0] < widths[-1]
    assert widths[1] == widths[2]  # equal weights, equal widths
    assert max(widths) <= 9.0  # capped


def test_colours_by_kind_per_legend() -> None:
    root = parse(render("ru", make_ties()))
    legend = {
        tr.attrs["data-kind"]: tr.attrs["data-colour"]
        for tr in root.find_id("ties-legend-kinds").iter("tr")
        if "data-kind" in tr.attrs
    }
    assert legend == dict(TIES_KIND_COLOURS)
    assert len(set(legend.values())) == 3
    for n in lines_of(root):
        assert n.attrs["stroke"] == legend[n.attrs["data-kind"]]
    counts = {
        tr.attrs["data-kind"]: int(tr.iter("td")[2].text)
        for tr in root.find_id("ties-legend-kinds").iter("tr")
        if "data-kind" in tr.attrs
    }
    assert counts == {"control": 1, "branch": 2, "supply": 1}


def test_nodes_sized_and_coloured() -> None:
    root = parse(render("ru", make_ties()))
    nodes = {n.attrs["data-oktmo"]: n for n in root.find_id("ties-map-svg").iter("circle")}
    assert set(nodes) == set(COORDS)
    r = {k: float(v.attrs["r"]) for k, v in nodes.items()}
    assert r["19701000"] > r["19702000"] > 0
    assert nodes["19701000"].attrs["fill"] == TIES_DETACHMENT_COLOURS[0]
    assert nodes["19702000"].attrs["fill"] == TIES_DETACHMENT_COLOURS[4]
    assert nodes["19703000"].attrs["fill"] == TIES_DETACHMENT_COLOURS[-1]
    legend = [
        tr.attrs["data-colour"]
        for tr in root.find_id("ties-legend-det").iter("tr")
        if "data-cls" in tr.attrs
    ]
    assert legend == list(TIES_DETACHMENT_COLOURS)
    assert "Северогорский ГО (19701000)" in nodes["19701000"].iter("title")[0].text
    assert [ties_detachment_class(v) for v in (0.0, 0.2, 0.5, 1.0, None)] == [0, 1, 2, 4, 5]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_cap_at_heaviest_flows(lang: str) -> None:
    codes = list(COORDS)
    rows = [
        (codes[i % 3], codes[(i + 1) % 3], list(TIES_KIND_COLOURS)[i % 3], float(i + 1))
        for i in range(350)
    ]
    rows.append(("19701000", "19701000", "control", 10_000.0))  # local: never a line
    root = parse(render(lang, make_ties(rows)))
    lines = lines_of(root)
    assert len(lines) == TIES_MAX_LINES == 300
    assert sorted(float(n.attrs["data-w"]) for n in lines) == [float(w) for w in range(51, 351)]
    cap = root.find_id("ties-cap").text
    assert cap == LABELS[lang]["ties_cap_caption"].format(shown=300, total=350)


@pytest.mark.parametrize("modelled", [True, False])
def test_modelled_badge_iff_modelled(modelled: bool) -> None:
    root = parse(render("en", make_ties(modelled=modelled)))
    badges = root.by_id("ties-modelled-badge")
    assert len(badges) == int(modelled)
    if modelled:
        assert badges[0].text == LABELS["en"]["ties_modelled_badge"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_card_rows(lang: str) -> None:
    root = parse(render(lang, make_ties()))
    table = root.find_id("ties-card-table")
    assert "sortable" in table.attrs["class"].split()
    assert root.find_id("ties-card-filter").attrs["data-table"] == "ties-card-table"
    heads = [th.text.replace("⇅", "") for th in table.iter("thead")[0].iter("th")]
    assert heads[2] == (CARD_COLUMNS[0].label_ru if lang == "ru" else CARD_COLUMNS[0].label_en)
    rows = table.iter("tbody")[0].iter("tr")
    assert [r.attrs["data-oktmo"] for r in rows] == list(COORDS)
    cells = [[td.text for td in r.iter("td")] for r in rows]
    assert cells[0][:3] == ["19701000", "Северогорский ГО", "500"]
    assert cells[2][3] == "—"


def test_bad_input() -> None:
    with pytest.raises(ReportInputError, match="kind"):
        render("ru", make_ties([("19701000", "19702000", "loan", 1.0)]))
    with pytest.raises(ReportInputError, match="weight"):
        render("ru", make_ties([("19701000", "19702000", "supply", -1.0)]))


def test_labels_in_both_languages() -> None:
    section_label_keys("ties_", 10)


def test_no_external_resources() -> None:
    html = render("en", make_ties())
    assert_loads_nothing(html, parse(html), svg_refs=True)
