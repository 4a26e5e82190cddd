"""The national page: map by coverage, table of regions, links, badges, both languages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from opora.errors import UnknownLanguageError
from opora.report.labels.national import LABELS
from opora.report.national import (
    national_page_data,
    render_national_report,
    write_national_report,
)


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": "RU-AAA",
                "code": "01",
                "region": "Первая область",
                "status": "done",
                "complete": True,
                "error": "",
                "seconds": 12.0,
                "network": "modelled network",
                "modelled": "facilities, roads",
                "settlements": 3,
                "population": 1500,
                "anchors_local": 2,
                "coverage_school": 96.0,
                "coverage_mean": 96.0,
                "outside_too_far": 60,
                "type_industrial": 1,
                "report": "regions/RU-AAA/report_ru.html",
                "not_evaluated": "economy: own_revenue_share",
            },
            {
                "key": "RU-BBB",
                "code": "02",
                "region": "Вторая область",
                "status": "reused",
                "complete": False,
                "error": "",
                "seconds": 8.0,
                "network": "real network",
                "modelled": "",
                "settlements": 1,
                "population": 700,
                "anchors_local": 1,
                "coverage_school": 85.0,
                "coverage_mean": 85.0,
                "outside_too_far": 105,
                "type_industrial": np.nan,
                "report": "regions/RU-BBB/report_ru.html",
                "not_evaluated": "steps: ties (skipped: no firms)",
            },
            {
                "key": "RU-CCC",
                "code": "03",
                "region": "Третья область",
                "status": "failed",
                "complete": np.nan,
                "error": "ValidationError: `oktmo` repeats (77715000051)",
                "seconds": 2.0,
            },
        ]
    )


@pytest.fixture
def points() -> pd.DataFrame:
    # a triangle for the first region, one place for the second; the third failed
    return pd.DataFrame(
        {
            "key": ["RU-AAA"] * 3 + ["RU-BBB"],
            "lon": [40.0, 42.0, 41.0, 179.5],
            "lat": [55.0, 55.0, 57.0, 65.0],
        }
    )


def test_regions_coloured_by_coverage_and_linked_to_their_reports(table, points):
    data = national_page_data(table, points, lang="ru", generated="2026-01-01")
    shapes = {s["key"]: s for s in data["shapes"]}
    assert set(shapes) == {"RU-AAA", "RU-BBB"}
    assert shapes["RU-AAA"]["css"] == "acc-hi"  # 96 % >= 95 %
    assert shapes["RU-BBB"]["css"] == "acc-mid"  # 80 % <= 85 % < 95 %
    assert "path" in shapes["RU-AAA"]  # three places: a hull
    assert "cx" in shapes["RU-BBB"]  # one place: a dot
    assert shapes["RU-AAA"]["href"] == "regions/RU-AAA/report_ru.html"
    rows = {r["region"]: r for r in data["rows"]}
    assert rows["Третья область"]["failed"]
    assert rows["Третья область"]["css"] == "acc-na"
    assert rows["Первая область"]["modelled"]
    assert not rows["Вторая область"]["modelled"]
    assert rows["Вторая область"]["partial"]
    assert not rows["Первая область"]["partial"]
    assert data["any_modelled"]


def test_page_is_offline_and_shows_errors_and_links(table, points):
    html = render_national_report(table, points, lang="ru", generated="2026-01-01")
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html
    assert "https://" not in html
    assert 'href="regions/RU-AAA/report_ru.html"' in html
    assert "ValidationError: `oktmo` repeats (77715000051)" in html
    assert LABELS["ru"]["modelled_title"] in html
    assert LABELS["ru"]["status_partial"] in html
    assert html.count("<tr>") == 1 + 3  # header and one row per region
    # both successful regions' settlements (4) and population (2 200) in the summary
    assert "Населённых пунктов: 4" in html
    assert re.search(r"население в них: 2\s?200", html)


def test_english_page(table, points, tmp_path):
    path = write_national_report(tmp_path / "n" / "national_en.html", table, points, lang="en")
    html = path.read_text(encoding="utf-8")
    assert LABELS["en"]["title"] in html
    assert LABELS["ru"]["title"] not in html
    with pytest.raises(UnknownLanguageError):
        render_national_report(table, points, lang="de")


def test_map_wraps_the_180th_meridian():
    # Chukotka: places on both sides of 180° stay side by side, not across the map
    table = pd.DataFrame(
        [
            {"key": "RU-CHU", "region": "Чукотка", "status": "done", "coverage_mean": 50.0},
            {"key": "RU-MOW", "region": "Москва", "status": "done", "coverage_mean": 99.0},
        ]
    )
    points = pd.DataFrame(
        {
            "key": ["RU-CHU"] * 3 + ["RU-MOW"],
            "lon": [179.0, -179.0, 178.5, 37.6],
            "lat": [65.0, 66.0, 67.0, 55.7],
        }
    )
    data = national_page_data(table, points, lang="en")
    chukotka = next(s for s in data["shapes"] if s["key"] == "RU-CHU")
    xs = [float(v) for v in re.findall(r"[ML](-?[\d.]+) ", chukotka["path"])]
    # 2.5° of the 143.4° from Moscow to 181° E: a sliver on the east edge, not the whole map
    assert max(xs) - min(xs) < 0.05 * data["width"]
    assert min(xs) > 0.9 * data["width"]
    assert chukotka["css"] == "acc-lo"


def test_points_outside_russia_are_not_drawn(table, points):
    # a coordinate error of the source (a Chukotka village at 17° W) must not stretch
    # its region across the map; the page says how many points were left out
    bad = pd.concat(
        [points, pd.DataFrame({"key": ["RU-BBB"], "lon": [-16.99], "lat": [64.4]})],
        ignore_index=True,
    )
    good = national_page_data(table, points, lang="en")
    data = national_page_data(table, bad, lang="en")
    assert data["width"] == good["width"]
    assert next(s for s in data["shapes"] if s["key"] == "RU-BBB").get("cx") is not None
    assert data["outside_note"] == LABELS["en"]["map_outside"].format(n=1)
    assert good["outside_note"] == ""


def test_no_region_computed(table):
    failed = table[table["status"] == "failed"]
    points = pd.DataFrame({"key": [], "lon": [], "lat": []})
    html = render_national_report(failed, points, lang="en")
    assert LABELS["en"]["no_regions"] in html


def test_labels_same_keys_in_both_languages():
    assert set(LABELS["ru"]) == set(LABELS["en"])
    assert all(v.strip() for lang in LABELS for v in LABELS[lang].values())


@pytest.mark.parametrize(
    ("lang", "level", "type_name"),
    [
        ("ru", "Опорные: опорные пункты", "промышленная специализация 1"),
        ("en", "Anchors: local anchors", "industrial specialisation 1"),
    ],
)
def test_levels_and_types_are_named_in_the_page_language(table, points, lang, level, type_name):
    html = render_national_report(table, points, lang=lang)
    assert level in html
    assert "anchors_local" not in html
    row = national_page_data(table, points, lang=lang)["rows"][0]
    assert row["types"].startswith(type_name)
    assert "type_" not in row["types"]
