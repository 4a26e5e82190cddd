"""The main job end to end on tiny real-data fixtures and the hand-made register."""

import json
import shutil

import pandas as pd
import pytest

from opora.config import Settings
from opora.errors import IncompleteRunError
from opora.io.workspace import RUN_RECORD, read_workspace_tables
from opora.workflow import run_demo
from opora.workflow.runlog import EXIT_OK, EXIT_SKIPPED


def test_report_written(demo):
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Республика Башкортостан" in html
    assert "http://" not in html
    assert "https://" not in html


def test_completion_record_and_summary(demo):
    out = demo.paths["report"].parent
    rec = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    assert rec["job"] == "demo"
    assert rec["region"] == "Республика Башкортостан"
    assert rec["complete"] is True
    assert rec["exit_code"] == demo.log.exit_code == EXIT_OK
    # every input of the data folder is checksummed (64 hex digits)
    assert any(k.endswith("bdmo_employment_by_okved_2023_mo.csv") for k in rec["inputs"])
    assert all(len(v) == 64 for v in rec["inputs"].values())
    summary = pd.read_csv(out / "run_summary.csv", keep_default_na=False)
    steps = summary.set_index("step")["status"]
    for step in ("sources", "analyses", "ties", "strategy", "anchors", "passports", "report"):
        assert steps[step] == "ran"
    # no staging folder left beside the output
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name]


@pytest.fixture(scope="module")
def no_employment(tmp_path_factory, mini_data_dir, register):
    """The demo on a data folder without the employment file: the structure degrades."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(mini_data_dir, data, dirs_exist_ok=True)
    (data / "rosstat" / "bdmo_employment_by_okved_2023_mo.csv").unlink()
    out = tmp_path_factory.mktemp("runs") / "no_employment"
    settings = Settings(cache_dir=out.parent / "cache", data_dir=data)
    return run_demo(out, settings, region="80", data_dir=data, register=register)


def test_a_region_without_employment_degrades(no_employment):
    res = no_employment
    out = res.paths["report"].parent
    t = pd.read_csv(out / "run_summary.csv", keep_default_na=False).set_index("step")
    assert t.loc["source: employment", "status"] == "not_read"
    assert (
        "bdmo_employment_by_okved_2023_mo.csv not found" in t.loc["source: employment", "reason_en"]
    )
    assert t.loc["economy structure", "status"] == "skipped"
    assert t.loc["economy structure", "reason_en"].startswith("no employment by OKVED section")
    assert t.loc["economy structure", "reason_ru"].startswith("нет данных о занятости")
    assert t.loc["ties", "status"] == "skipped"
    # the other steps still ran: anchors need roads and settlements only
    for step in ("analyses", "strategy", "anchors", "passports", "report"):
        assert t.loc[step, "status"] == "ran", step
    assert res.log.exit_code == EXIT_SKIPPED
    assert json.loads((out / RUN_RECORD).read_text())["exit_code"] == EXIT_SKIPPED
    # the budget-sector share needs employment: not evaluated, with its reason
    notes = pd.read_csv(out / "economy_notes.csv", dtype={"oktmo": str})
    budget = notes[notes["indicator"] == "budget_employment_share"]
    assert len(budget) == 3
    assert (budget["status"] == "not_evaluated").all()
    assert budget["reason_ru"].str.startswith("нет данных о занятости по разделам ОКВЭД").all()
    # own revenues are read (Bashkortostan): still evaluated
    own = notes[notes["indicator"] == "own_revenue_share"]
    assert (own["status"] == "ok").any()
    html = (out / "report_ru.html").read_text(encoding="utf-8")
    assert "не оценено" in html
    assert "нет данных о занятости по разделам ОКВЭД" in html
    assert (out / "anchors.csv").exists()
    assert not (out / "ties_edges.csv").exists()
    assert (out / "economy_lq.csv").read_text().splitlines() == ["oktmo,dimension,lq"]


def test_an_interrupted_run_leaves_nothing_that_looks_finished(
    tmp_path, mini_data_dir, register, monkeypatch
):
    import opora.workflow.demo as demo_module

    def interrupt(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_module, "run_anchors", interrupt)
    out = tmp_path / "run"
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=mini_data_dir)
    # a failing step is recorded and the run goes on; an interruption stops it
    with pytest.raises(KeyboardInterrupt):
        run_demo(out, settings, region="80", data_dir=mini_data_dir, register=register)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_a_failing_step_is_recorded_and_the_rest_runs(
    tmp_path, mini_data_dir, register, monkeypatch
):
    import opora.workflow.demo as demo_module

    def broken(*_a, **_k):
        msg = "strategy inputs broken (test)"
        raise ValueError(msg)

    monkeypatch.setattr(demo_module, "run_strategy", broken)
    out = tmp_path / "run"
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=mini_data_dir)
    res = run_demo(out, settings, region="80", data_dir=mini_data_dir, register=register)
    t = res.log.table().set_index("step")
    assert t.loc["strategy", "status"] == "failed"
    assert t.loc["strategy", "reason_en"] == "ValueError: strategy inputs broken (test)"
    assert t.loc["passports", "status"] == "skipped"
    assert t.loc["anchors", "status"] == "ran"
    assert t.loc["report", "status"] == "ran"
    assert res.log.exit_code == EXIT_SKIPPED
    # the folder is complete as a workspace: its readers accept it
    assert len(read_workspace_tables(out)["settlements"]) == len(res.region.settlements)


def test_readers_refuse_a_folder_without_completion_record(demo, tmp_path):
    out = demo.paths["report"].parent
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / RUN_RECORD).unlink()
    with pytest.raises(IncompleteRunError, match=r"no run\.json - the run that wrote"):
        read_workspace_tables(copy)


def test_anchors_run_when_the_analyses_fail(tmp_path, mini_data_dir, register, monkeypatch):
    """Anchors need roads and settlements only: a failed economy does not cost them."""
    import opora.workflow.demo as demo_module

    def broken(*_a, **_k):
        msg = "economy inputs broken (test)"
        raise ValueError(msg)

    monkeypatch.setattr(demo_module, "analyse_region", broken)
    out = tmp_path / "run"
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=mini_data_dir)
    res = run_demo(out, settings, region="80", data_dir=mini_data_dir, register=register)
    status = res.log.table().set_index("step")["status"].to_dict()
    assert status["analyses"] == "failed"
    assert status["accessibility"] == "ran"
    assert status["anchors"] == "ran"
    assert status["ties"] == status["strategy"] == status["passports"] == "skipped"
    assert status["report"] == "ran"
    assert (out / "anchors.csv").exists()
    html = (out / "report_ru.html").read_text(encoding="utf-8")
    assert "economy inputs broken (test)" in html
