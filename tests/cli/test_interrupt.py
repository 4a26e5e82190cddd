"""`opora demo` stopped part-way: no worker left behind, the folder never looks finished.

Both tests run the real main job in a child process (``python -m opora demo``), as a
user's shell or a scheduler would, and stop it with a signal: ``SIGTERM`` while the
passport worker pool runs, ``SIGKILL`` once the workspace files are being written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from opora.errors import OporaError
from opora.io.register import REGISTER_WHEEL

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.slow

#: Longest wait for the job to reach the point where it is stopped.
WAIT_S = 900.0


def _cache() -> Path:
    c = os.environ.get("OPORA_CACHE_DIR")
    if not c or not (Path(c) / "register" / REGISTER_WHEEL).exists():
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    return Path(c)


def _start_demo(out: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "opora", "demo", "--out", str(out), "--cache-dir", str(_cache())]
    # the default region has 11 town passports, fewer than the pool's usual threshold:
    # OPORA_POOL_MIN_TASKS=1 makes the main job render them in its worker pool
    env = {**os.environ, "OPORA_POOL_MIN_TASKS": "1"}
    return subprocess.Popen(
        [*cmd, "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
    )


def _alive(pids: set[int]) -> set[int]:
    left = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                left.add(pid)
        except psutil.NoSuchProcess:
            pass
    return left


def _wait_gone(pids: set[int], wait_s: float = 30.0) -> set[int]:
    end = time.monotonic() + wait_s
    while _alive(pids) and time.monotonic() < end:
        time.sleep(0.2)
    return _alive(pids)


def _group(pgid: int) -> set[int]:
    """Processes of the job's session (it was started in a session of its own)."""
    found = set()
    for p in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(p.pid) == pgid:
                found.add(p.pid)
        except (ProcessLookupError, PermissionError):
            pass
    return found


def _kill_all(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(pid).kill()


def _stderr(proc: subprocess.Popen[bytes]) -> str:
    return proc.stderr.read().decode(errors="replace")[-3000:] if proc.stderr else ""


def test_sigterm_while_the_worker_pool_runs_leaves_no_process(tmp_path, shared_dir) -> None:
    # the main job of the country: its Dask cluster's two worker processes live for the
    # whole run (the default region's passports are too quick to catch their pool; the
    # pool itself is tested with SIGTERM, SIGINT and SIGKILL in tests/workflow/test_pool.py)
    out = tmp_path / "country"
    cmd = [
        sys.executable,
        "-m",
        "opora",
        "country",
        "--out",
        str(out),
        "--data-dir",
        str(shared_dir),
        "--cache-dir",
        str(_cache()),
        "--regions",
        "Ненецкий автономный округ,Еврейская автономная область,Чукотский автономный округ",
        "--workers",
        "2",
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    me = psutil.Process(proc.pid)
    seen: set[int] = {proc.pid}
    try:
        end = time.monotonic() + WAIT_S
        workers: list[int] = []
        while time.monotonic() < end and proc.poll() is None:
            try:
                kids = me.children(recursive=True)
                seen |= {k.pid for k in kids}
                workers = [k.pid for k in kids if "resource_tracker" not in " ".join(k.cmdline())]
            except psutil.NoSuchProcess:
                break
            # the workers have started a region: its staging folder is there
            if len(workers) >= 2 and list((out / "regions").glob(".*partial*")):
                break
            time.sleep(0.1)
        if len(workers) < 2:
            pytest.fail(f"the worker pool was never seen running\n{_stderr(proc)}")
        seen |= {k.pid for k in me.children(recursive=True)}
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 128 + signal.SIGTERM, _stderr(proc)
        left = _wait_gone(seen | _group(proc.pid))
        assert not left, f"processes left behind: {left}"
        # stopped before the end: the country folder is not marked finished
        assert not (out / "country_run.json").exists()
    finally:
        _kill_all(seen)


def test_sigkill_part_way_is_refused_as_incomplete_and_a_rerun_completes_it(
    tmp_path, opora_cli
) -> None:
    out = tmp_path / "demo"
    proc = _start_demo(out)
    seen: set[int] = {proc.pid}
    stage = tmp_path / f".demo.partial-{proc.pid}"
    try:
        end = time.monotonic() + WAIT_S
        while time.monotonic() < end and proc.poll() is None:
            if (stage / "region.gpkg").exists():
                break
            time.sleep(0.05)
        if not (stage / "region.gpkg").exists():
            pytest.fail(f"the job never wrote its workspace\n{_stderr(proc)}")
        seen |= {k.pid for k in psutil.Process(proc.pid).children(recursive=True)}
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert not _wait_gone(seen | _group(proc.pid))
    finally:
        _kill_all(seen)
    assert not (out / "run.json").exists()

    # --workspace: exit 2 with the reason and the fix, no traceback
    r = opora_cli("typology", "--workspace", out, "--out", tmp_path / "t.csv", terminal_width=400)
    assert r.exit_code == 2, r.output
    assert "did not finish" in r.output
    assert f"opora demo --out {out}" in r.output
    assert "Traceback" not in r.output

    # the API: refused when created, or 409 on a request
    from opora.api import create_app

    refused: OporaError | None = None
    try:
        app = create_app(out)
    except OporaError as exc:
        refused = exc
    if refused is not None:
        assert "did not finish" in str(refused)
    else:
        from fastapi.testclient import TestClient

        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/region").status_code == 409

    # a rerun completes the folder and removes the killed run's staging folder
    r = opora_cli("demo", "--out", out, "--cache-dir", _cache(), "-q")
    assert r.exit_code in {0, 3}, r.output
    assert (out / "run.json").exists()
    assert (out / "region.gpkg").exists()
    assert not stage.exists()
    r = opora_cli("typology", "--workspace", out, "--out", tmp_path / "t.csv")
    assert r.exit_code == 0, r.output
