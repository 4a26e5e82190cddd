"""Every option is checked before any work: nothing is read at length, nothing is written.

Issue 14: `opora demo --lang de` worked 22 s and wrote 41 files before "unknown passport
language"; a bad `--osm`, `--facilities` or `--normatives` failed after five workspace
files; `ties build` took `--cores abc,123`, `--neighbour-km -5`, `--core-population nan`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opora.errors import IncompleteRunError, OutputPathError
from opora.io._checks import check_output_folder
from opora.io.workspace import check_complete, read_workspace_tables
from opora.workflow.runlog import staged_output

BAD = Path(__file__).parents[1] / "data" / "bad"


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """A folder holding a file `afile`, a folder `adir` and nothing else."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "adir").mkdir()
    return tmp_path


def _invocations(p: Path, ws: Path) -> list[tuple[list[object], str]]:
    """(arguments, what the message must hold)."""
    return [
        (["demo", "--lang", "de", "--out", p / "d"], "'--lang': unknown language 'de'"),
        (["init", "--out", p / "afile"], "--out is a file, not a folder"),
        (["demo", "--out", p / "afile"], "--out is a file, not a folder"),
        (["demo", "--out", p / "afile" / "sub"], "afile is a file, not a folder"),
        (["country", "--lang", "de", "--out", p / "c"], "unknown language 'de'"),
        (["country", "--out", p / "afile"], "--out is a file, not a folder"),
        (["passport", "--town", "x", "--lang", "de", "--out", p / "p.pdf"], "unknown language"),
        (["passport", "--town", "x", "--out", p / "adir"], "--out is a folder"),
        (["passport", "--town", "x", "--out", p / "p.csv"], "this command writes .pdf"),
        (["passport", "--town", "x", "--out", p / "afile" / "p.pdf"], "is a file, not a folder"),
        (["demo", "--osm", p / "afile", "--out", p / "d"], "not an OpenStreetMap extract"),
        (["demo", "--osm", p / "adir", "--out", p / "d"], "is a folder, not a file"),
        (["demo", "--osm", BAD / "costs_zip_renamed.csv", "--out", p / "d"], "a zip file, not"),
        (["demo", "--facilities", p / "afile", "--out", p / "d"], "must be a .csv or .xlsx"),
        (["demo", "--normatives", p / "afile", "--out", p / "d"], "not a valid UTF-8 TOML"),
        (["demo", "--normatives", p / "none.toml", "--out", p / "d"], "none.toml"),
        (["ties", "build", "--workspace", ws, "--cores", "abc,123"], "'abc', '123' is not an"),
        (["ties", "build", "--workspace", ws, "--neighbour-km", "-5"], "got -5.0"),
        (["ties", "build", "--workspace", ws, "--core-population", "nan"], "got nan"),
        (["ties", "build", "--workspace", ws, "--core-population", "inf"], "got inf"),
        (["ties", "report", "--workspace", ws, "--out", p / "card.pdf"], "writes .csv or .md"),
        (["ties", "report", "--workspace", ws, "--out", p / "adir"], "--out is a folder"),
    ]


def test_options_are_refused_before_any_work(opora_cli, place: Path, tmp_path_factory) -> None:
    ws = tmp_path_factory.mktemp("never_read")  # an empty folder: reading it would fail later
    before = sorted(p.name for p in place.iterdir())
    for args, said in _invocations(place, ws):
        r = opora_cli(*args, terminal_width=400)
        assert r.exit_code == 2, (args, r.output)
        flat = " ".join(r.output.replace("│", " ").split())
        assert said in flat, (args, r.output)
        assert "Traceback" not in r.output
        # nothing written, and the (empty) workspace was never looked at
        assert sorted(p.name for p in place.iterdir()) == before, args
        assert "not a workspace" not in r.output
        assert "run.json" not in r.output


def test_good_cores_pass_the_check(opora_cli, tmp_path: Path) -> None:
    r = opora_cli(
        "ties", "build", "--workspace", tmp_path / "none", "--cores", "80701000, 80651101001"
    )
    # the option is accepted: the command goes on and stops at the missing workspace
    assert r.exit_code == 2
    assert "--cores" not in r.output


def test_output_folder_checks(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(OutputPathError, match="--out is a file, not a folder"):
        check_output_folder(tmp_path / "f")
    with pytest.raises(OutputPathError, match="f is a file, not a folder"):
        check_output_folder(tmp_path / "f" / "a" / "b")
    with pytest.raises(OutputPathError, match="is also an input"):
        check_output_folder(tmp_path, inputs=[None, tmp_path])
    assert check_output_folder(tmp_path / "new" / "deep") == tmp_path / "new" / "deep"
    import opora.io._checks as checks

    monkeypatch.setattr(checks.os, "access", lambda *_a, **_k: False)
    with pytest.raises(OutputPathError, match="not writable"):
        check_output_folder(tmp_path / "new")


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(proc.stdout)


def _api_refuses(folder: Path) -> None:
    """The web API refuses the folder: when created, or with 409 on a request."""
    from opora.api import create_app
    from opora.errors import OporaError

    refused: OporaError | None = None
    try:
        app = create_app(folder)
    except OporaError as exc:
        refused = exc
    if refused is not None:
        assert isinstance(refused, IncompleteRunError), refused
        assert "did not finish" in str(refused)
        return
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/region").status_code == 409


def test_a_killed_runs_staging_folder_makes_the_folder_incomplete(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    stage = tmp_path / f".demo.partial-{_dead_pid()}"
    (stage).mkdir()
    (stage / "region.gpkg").write_bytes(b"")
    # the first run was killed: only its staging folder is there
    with pytest.raises(IncompleteRunError, match=r"did not finish \(stopped or killed"):
        check_complete(out)
    with pytest.raises(IncompleteRunError, match=f"opora demo --out {out}"):
        read_workspace_tables(out)
    _api_refuses(out)
    # a run of this very process is still going
    running = tmp_path / f".demo.partial-{os.getpid()}"
    stage.rename(running)
    with pytest.raises(
        IncompleteRunError, match=f"still writing this folder \\(process {os.getpid()}"
    ):
        check_complete(out)
    running.rename(stage)
    # a rerun removes the killed run's staging folder, and completes the folder
    with staged_output(out) as new:
        assert not stage.exists()
        (new / "region.gpkg").write_bytes(b"x")
    (out / "run.json").write_text("{}", encoding="utf-8")
    assert check_complete(out) == out
    assert not list(tmp_path.glob(".demo.partial-*"))


def test_a_complete_folder_is_served_while_a_rerun_stages_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    out.mkdir()
    (out / "run.json").write_text("{}", encoding="utf-8")
    (tmp_path / f".demo.partial-{os.getpid()}").mkdir()
    assert check_complete(out) == out
