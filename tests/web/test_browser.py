"""The web application in a real browser (Playwright driving Debian's Chromium, headless).

Each test opens the page served by the real application over a small workspace and
checks what a person sees: the map draws the layers (features rendered by MapLibre,
compared with the GeoJSON of the same layers), a click on a town opens its passport,
an uploaded anchor list and a scenario come back as jobs whose results are drawn and
counted, and every label switches language. Screenshots of each state are written to
``$OPORA_SCREENSHOTS`` (default ``build/screenshots/``) for a person to look at.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

JOB_TIMEOUT = 180_000  # ms; a scenario re-runs the anchor selection


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


def _idle(page) -> None:
    """Wait until the map has drawn everything asked of it so far."""
    page.evaluate(
        """() => new Promise((resolve) => {
            const m = window.opora.map;
            m.once("idle", () => resolve());
            m.triggerRepaint();
        })"""
    )


def _rendered(page, layer: str, prop: str) -> list:
    return page.evaluate(
        "([layer, prop]) => window.opora.map.queryRenderedFeatures({layers: [layer]})"
        ".map((f) => f.properties[prop])",
        [layer, prop],
    )


def _click_map(page, lon: float, lat: float) -> None:
    xy = page.evaluate(
        "(ll) => { const p = window.opora.map.project(ll); return [p.x, p.y]; }", [lon, lat]
    )
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])


def _no_console_errors(page) -> None:
    assert page.console.errors == [], page.console.errors


def test_page_loads_and_draws_the_layers(page, server, shots):
    info = _get(server + "/api/info")
    # every settlement of the workspace (its GeoJSON) is drawn from the vector tiles
    fc = _get(server + "/api/layers/settlements.geojson")
    expected = {f["properties"]["settlement_id"] for f in fc["features"]}
    assert len(expected) == 12
    assert set(_rendered(page, "L-settlements", "settlement_id")) == expected
    anchors = _get(server + "/api/layers/anchors.geojson")
    drawn = set(_rendered(page, "L-anchors", "settlement_id"))
    assert drawn == {f["properties"]["settlement_id"] for f in anchors["features"]}
    # the legend names the visible layers and marks the modelled ones
    legend = page.locator("#legend")
    assert "Населённые пункты по размеру" in legend.inner_text()
    modelled = [
        x for x in info["layers"] if x["modelled"] and x["id"] in {"anchors", "settlements"}
    ]
    assert legend.locator(".badge").count() == len(modelled)
    assert page.locator("#layer-list .badge").count() == sum(x["modelled"] for x in info["layers"])
    banner = page.locator("#banner")
    assert banner.is_visible()
    assert "дорожная сеть" in banner.inner_text()
    # no request left the loopback: every resource came from the app
    hosts = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => new URL(e.name).host)"
    )
    assert set(hosts) == {server.removeprefix("http://")}
    page.screenshot(path=shots / "01_map_ru.png")
    _no_console_errors(page)


def test_layers_switch_and_access_follows_service_and_season(page, server, shots):
    page.locator("#layer-list input[data-layer='access']").check()
    page.locator("#access-service").select_option("hospital")
    page.locator("#access-season").select_option("winter")
    page.locator("#layer-list input[data-layer='settlements']").uncheck()
    page.locator("#layer-list input[data-layer='anchor_catchments']").check()
    page.locator("#layer-list input[data-layer='municipalities']").check()
    page.wait_for_function("window.opora.state.loaded.municipalities === true")
    _idle(page)
    # minutes drawn = the workspace's minutes to a hospital in winter, settlement by settlement
    fc = _get(server + "/api/layers/access.geojson")
    want = {
        f["properties"]["settlement_id"]: f["properties"].get("minutes_hospital_winter")
        for f in fc["features"]
    }
    got = page.evaluate(
        "() => window.opora.map.queryRenderedFeatures({layers: ['L-access']})"
        ".map((f) => [f.properties.settlement_id, f.properties.minutes])"
    )
    assert {sid for sid, _ in got} == set(want)
    for sid, minutes in got:
        if want[sid] is None:
            assert minutes is None
        else:
            assert minutes == pytest.approx(want[sid], abs=0.006)  # tiles keep 2 decimals
    assert _rendered(page, "L-settlements", "settlement_id") == []
    assert len(_rendered(page, "L-anchor_catchments-fill", "anchor_id")) > 0
    legend = page.locator("#legend").inner_text()
    assert "больница, зима" in legend
    assert "Населённые пункты по размеру" not in legend
    page.screenshot(path=shots / "02_access_hospital_winter.png")
    _no_console_errors(page)


def test_clicking_a_town_opens_its_passport(page, shots, town):
    oktmo, name = town
    _click_map(page, 55.5, 54.0)
    page.wait_for_selector("#town:not([hidden])")
    frame = page.frame_locator("#town-frame")
    frame.locator("body").get_by_text(name).first.wait_for()
    assert page.locator("#town").get_attribute("data-oktmo") == oktmo
    pdf = page.locator("#town-pdf").get_attribute("href")
    assert pdf == f"/api/towns/{oktmo}/passport.pdf?lang=ru"
    assert page.locator(".maplibregl-popup").inner_text().startswith(name)
    page.screenshot(path=shots / "03_town_passport.png")
    page.locator("#town-close").click()
    assert page.locator("#town").is_hidden()
    _no_console_errors(page)


def test_municipality_table_filters_sorts_and_flies(page, server, shots):
    page.locator("#tabs button[data-tab='munis']").click()
    page.wait_for_selector("#munis-table tbody tr[data-i]")
    pops = page.locator("#munis-table tbody td.num").all_inner_texts()
    values = [int(re.sub(r"\D", "", v) or 0) for v in pops]
    assert values == sorted(values, reverse=True)
    top = _get(server + "/api/municipalities?sort=population&order=desc&limit=1")["items"][0]
    assert page.locator("#munis-table tbody tr").first.inner_text().startswith(top["name"])
    page.locator("#munis-q").fill("Альшеев")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#munis-table tbody tr')].every("
        "(r) => r.innerText.includes('Альшеев'))"
    )
    before = page.evaluate("() => window.opora.map.getCenter().toArray()")
    page.locator("#munis-table tbody tr[data-i='0']").click()
    page.wait_for_function(
        "(c) => { const m = window.opora.map; const n = m.getCenter(); "
        "return Math.abs(n.lng - c[0]) + Math.abs(n.lat - c[1]) > 0.01 && !m.isMoving(); }",
        arg=before,
    )
    page.screenshot(path=shots / "04_municipalities.png")
    _no_console_errors(page)


def test_anchor_framework_summary_and_search(page, server, shots):
    page.locator("#tabs button[data-tab='anchors']").click()
    page.wait_for_selector("#anchors-table tbody tr[data-i]")
    page.wait_for_selector("#anchors-summary table")
    total = _get(server + "/api/anchors?limit=1")["total"]
    assert f"{total} строк" in page.locator("#anchors-pager").inner_text()
    page.locator("#anchors-q").fill("Уфа")
    page.wait_for_function(
        "document.querySelectorAll('#anchors-table tbody tr[data-i]').length === 1"
    )
    assert page.locator("#anchors-table tbody tr").first.inner_text().startswith("Уфа")
    page.screenshot(path=shots / "05_anchor_framework.png")
    _no_console_errors(page)


def _set_token(page, token) -> None:
    page.locator("#tabs button[data-tab='jobs']").click()
    page.locator("#token").fill(token)


def _wait_done(page) -> str:
    """Wait for the job just started from the page to end; return its id."""
    page.wait_for_function("window.opora.state.lastJob")
    job_id = page.evaluate("window.opora.state.lastJob")
    page.wait_for_selector(
        f"#jobs-list li[data-job='{job_id}'][data-status='done'], "
        f"#jobs-list li[data-job='{job_id}'][data-status='failed']",
        timeout=JOB_TIMEOUT,
    )
    item = page.locator(f"#jobs-list li[data-job='{job_id}']")
    assert item.get_attribute("data-status") == "done", item.inner_text()
    return str(job_id)


def test_write_without_a_token_is_not_sent(page):
    page.locator("#tabs button[data-tab='jobs']").click()
    page.locator("button.export[data-format='xlsx']").click()
    assert "токен" in page.locator("#jobs-message").inner_text()
    assert page.locator("#jobs-list li[data-job]").count() == 0
    _no_console_errors(page)


def test_uploading_a_list_shows_its_evaluation(page, server, shots, tmp_path, token):
    listing = tmp_path / "anchors.csv"
    listing.write_text(
        "oktmo,name,level\n80701000001,Уфа,district\n80602405101,Образцово,local\n",
        encoding="utf-8",
    )
    _set_token(page, token)
    page.locator("#upload-file").set_input_files(str(listing))
    page.locator("#upload-form button[type='submit']").click()
    job_id = _wait_done(page)
    record = _get(f"{server}/api/jobs/{job_id}")
    assert record["kind"] == "anchor-list"
    assert record["author"] == "tester"
    page.wait_for_function(f"window.opora.state.shownJob === {json.dumps(job_id)}")
    _idle(page)
    # the list's two anchors are drawn as the job's result
    given = page.evaluate(
        "() => window.opora.map.queryRenderedFeatures({layers: ['job-circle']})"
        ".filter((f) => f.properties._layer === 'given_anchors').map((f) => f.properties.name)"
    )
    assert sorted(set(given)) == ["Образцово", "Уфа"]
    item = page.locator(f"#jobs-list li[data-job='{job_id}']")
    text = item.inner_text()
    assert "готово" in text
    assert re.search(r"Строк\s*2", text), text
    link = item.locator("a[download]").first
    assert link.get_attribute("href") == f"/api/jobs/{job_id}/download/{record['downloads'][0]}"
    page.screenshot(path=shots / "06_anchor_list_evaluation.png")
    _no_console_errors(page)


def test_scenario_recomputes_and_shows_the_change(page, server, shots, token):
    _set_token(page, token)
    page.locator("#scenario-season").select_option("summer")
    page.locator("#scenario-mode input[value='close']").check()
    _idle(page)
    anchors = _get(server + "/api/layers/anchors.geojson")["features"]
    target = max(anchors, key=lambda f: f["properties"].get("population") or 0)
    lon, lat = target["geometry"]["coordinates"]
    _click_map(page, lon, lat)
    closed = page.evaluate("() => window.opora.state.scenario.close_anchors.map((x) => x.id)")
    assert closed == [target["properties"]["settlement_id"]]
    # a new road between two settlements, picked on the map
    page.locator("#scenario-mode input[value='link']").check()
    page.locator("#link-minutes").fill("20")
    _click_map(page, 58.5, 53.5)  # Тестовка
    assert "Тестовка" in page.locator("#scenario-pick").inner_text()
    _click_map(page, 55.5, 54.0)  # Образцово
    link = {"from": "80601410101", "to": "80602405101", "minutes": 20}
    assert page.evaluate(
        "() => window.opora.state.scenario.add_links.map((l) => "
        "({from: l.from.id, to: l.to.id, minutes: l.minutes}))"
    ) == [link]
    assert "Тестовка — Образцово" in page.locator("#scenario-list").inner_text()
    page.locator("#scenario-run").click()
    job_id = _wait_done(page)
    record = _get(f"{server}/api/jobs/{job_id}")
    assert record["kind"] == "scenario"
    assert record["summary"]["request"]["close_anchors"] == closed
    assert record["summary"]["request"]["add_links"] == [link]
    page.wait_for_function(f"window.opora.state.shownJob === {json.dumps(job_id)}")
    _idle(page)
    item = page.locator(f"#jobs-list li[data-job='{job_id}']").inner_text()
    changed = record["summary"]["changed"]
    assert re.search(rf"Пунктов затронуто\s*{changed['settlements']}", item), item
    drawn = page.evaluate(
        "() => window.opora.map.queryRenderedFeatures({layers: ['job-circle']})"
        ".filter((f) => f.properties._layer === 'coverage_change').length"
    )
    assert drawn == changed["settlements"] > 0
    page.screenshot(path=shots / "07_scenario.png")
    _no_console_errors(page)


def test_export_gives_a_geopackage(page, server, token, tmp_path):
    _set_token(page, token)
    page.locator("button.export[data-format='gpkg']").click()
    job_id = _wait_done(page)
    link = page.locator(f"#jobs-list li[data-job='{job_id}'] a[download]").first
    href = link.get_attribute("href")
    with urllib.request.urlopen(server + href, timeout=60) as r:
        data = r.read()
    assert data.startswith(b"SQLite format 3\x00")
    out = tmp_path / "export.gpkg"
    out.write_bytes(data)
    import pyogrio

    names = {name for name, _ in pyogrio.list_layers(out)}
    assert {"settlements", "anchors"} <= names
    _no_console_errors(page)


def test_language_switch(page, shots):
    page.locator("#lang").click()
    assert page.locator("html").get_attribute("lang") == "en"
    en = page.evaluate("window.OPORA_I18N.en")
    for el in page.locator("[data-i18n]").all():
        key = el.get_attribute("data-i18n")
        assert el.text_content() == en[key], key
    assert "Settlements by size" in page.locator("#legend").inner_text()
    assert "modelled" in page.locator("#legend .badge").first.inner_text()
    assert "Modelled data" in page.locator("#banner").inner_text()
    page.locator("#tabs button[data-tab='munis']").click()
    page.wait_for_selector("#munis-table tbody tr[data-i]")
    assert "page 1 of" in page.locator("#munis-pager").inner_text()
    page.screenshot(path=shots / "08_english.png")
    # the choice is kept on reload, and switching back restores Russian
    page.reload()
    page.wait_for_function("document.body.dataset.ready === '1'")
    assert page.locator("#tabs button[data-tab='layers']").inner_text() == "Layers"
    page.locator("#lang").click()
    assert page.locator("#tabs button[data-tab='layers']").inner_text() == "Слои"
    _no_console_errors(page)
