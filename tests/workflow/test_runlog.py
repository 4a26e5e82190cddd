"""The run log (steps ran / skipped / failed), the staged output folder and run.json."""

from __future__ import annotations

import json

import pytest

from opora.errors import IncompleteRunError
from opora.io.workspace import RUN_RECORD, check_complete, read_run_record, write_run_record
from opora.workflow.runlog import (
    EXIT_OK,
    EXIT_SKIPPED,
    RunLog,
    file_checksums,
    finish_run,
    run_record,
    staged_output,
)


def test_a_failed_step_skips_those_that_need_it_and_not_the_others():
    log = RunLog()
    assert log.run("analyses", lambda: 1) == 1

    def boom() -> int:
        msg = "no roads"
        raise ValueError(msg)

    assert log.run("strategy", boom, needs=("analyses",)) is None
    assert log.run("passports", lambda: 2, needs=("strategy",)) is None
    assert log.run("anchors", lambda: 3, needs=("analyses",)) == 3
    t = log.table().set_index("step")
    assert t["status"].to_dict() == {
        "analyses": "ran",
        "strategy": "failed",
        "passports": "skipped",
        "anchors": "ran",
    }
    assert t.loc["strategy", "reason_en"] == "ValueError: no roads"
    assert "типология" in t.loc["passports", "reason_ru"]
    assert t.loc["passports", "reason_en"].startswith("needs typology")
    assert log.exit_code == EXIT_SKIPPED
    lines = log.lines()
    assert lines[-1].endswith(f"2 of 4 steps ran; exit code {EXIT_SKIPPED}")


def test_sources_not_read_do_not_change_the_exit_code():
    log = RunLog()
    log.record("source: urov14a", "not_read", "absent", "нет")
    log.run("report", lambda: None)
    assert log.complete
    assert log.exit_code == EXIT_OK
    assert log.lines()[-1] == "выполнены все шаги (1) / every step ran (1)"


def test_staged_output_moves_files_into_place_and_keeps_the_others(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("kept")
    (out / "table.csv").write_text("old")
    write_run_record(out, {"job": "old"})
    with staged_output(out) as stage:
        assert stage.parent == out.parent
        assert stage.name.startswith(".out.partial-")
        (stage / "table.csv").write_text("new")
        (stage / "sub").mkdir()
        (stage / "sub" / "a.csv").write_text("a")
        # while the run goes on, the old completion record still stands for the old files
        assert (out / "table.csv").read_text() == "old"
    assert not stage.exists()
    assert (out / "table.csv").read_text() == "new"
    assert (out / "sub" / "a.csv").read_text() == "a"
    assert (out / "mine.txt").read_text() == "kept"
    # the record is removed before the files move; the job writes its own last
    assert not (out / RUN_RECORD).exists()
    with pytest.raises(IncompleteRunError, match="did not finish"):
        check_complete(out)


def test_a_failed_run_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"

    def interrupted() -> None:
        with staged_output(out) as stage:
            (stage / "half.csv").write_text("x")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_finish_run_writes_the_summary_then_the_record(tmp_path):
    src = tmp_path / "src.csv"
    src.write_bytes(b"abc")
    log = RunLog()
    log.run("report", lambda: None)
    from datetime import UTC, datetime

    rec = run_record("demo", log, region="R", inputs=[src], started=datetime.now(UTC))
    paths = finish_run(tmp_path, rec, log)
    assert paths["run_summary"].read_text().startswith("step,label_en,label_ru,status")
    data = read_run_record(tmp_path)
    assert data == json.loads(paths["run"].read_text(encoding="utf-8"))
    assert data["complete"] is True
    assert data["exit_code"] == EXIT_OK
    # SHA-256 of "abc" (FIPS 180-2 test vector)
    abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert data["inputs"] == {str(src): abc}
    assert file_checksums([tmp_path / "absent"]) == {}
