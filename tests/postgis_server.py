"""A throwaway PostgreSQL + PostGIS server for the tests of the server store.

Use it from a test module with ``from postgis_server import postgis_url  # noqa: F401``;
the fixture ``postgis_url`` (session scope) yields the URL of an empty database with
PostGIS enabled. The first module that asks starts one cluster (``initdb`` into a
temporary folder, ``pg_ctl start`` on a Unix socket in it, no TCP); it is stopped and its
folder removed when the last user's session ends (or at exit).

- ``OPORA_TEST_DATABASE_URL`` set: that database is used instead, nothing is started
  (it must have PostGIS available; the tests write their own schemas into it).
- PostgreSQL binaries: ``OPORA_PG_BIN`` (a folder holding ``initdb`` and ``pg_ctl``),
  else the newest ``/usr/lib/postgresql/<version>/bin`` (Debian), else ``PATH``.
- Run as root (CI containers), the server runs as the ``postgres`` user, which
  PostgreSQL requires; the folder is given to it.
- Missing binaries, PostGIS or psycopg skip the tests, except when the environment
  variable ``CI`` is set: there they fail with what to install.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["PostgresCluster", "find_pg_bin", "postgis_url"]

#: Name of the database created for the tests.
TEST_DATABASE = "opora_test"

_INSTALL = (
    "install PostgreSQL and PostGIS (Debian: apt-get install postgresql postgresql-15-postgis-3), "
    "set OPORA_PG_BIN to the folder holding initdb and pg_ctl, or set OPORA_TEST_DATABASE_URL "
    "to a database with PostGIS"
)


def find_pg_bin() -> Path | None:
    """Return the folder of ``initdb``/``pg_ctl``/``postgres``, or None when there is none."""
    wanted = ("initdb", "pg_ctl", "postgres")
    env = os.environ.get("OPORA_PG_BIN")
    candidates = [Path(env)] if env else []

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in p.parent.name.split(".") if x.isdigit())

    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    candidates += debian
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if all((folder / w).is_file() for w in wanted):
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, reachable only on its Unix socket.

    Parameters
    ----------
    bin_dir
        Folder of ``initdb``, ``pg_ctl`` and ``postgres``.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        base = "/tmp" if Path("/tmp").is_dir() else None  # short socket paths (≤ 107 bytes)
        self.root = Path(tempfile.mkdtemp(prefix="opora-pg-", dir=base))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._user: str | None = None
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                msg = "running as root and there is no `postgres` user to run PostgreSQL as"
                raise RuntimeError(msg) from None
            self._user = entry.pw_name
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.root.chmod(0o700)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        extra: dict[str, object] = {}
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            extra = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        return subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C", "PGTZ": "UTC"},
            **extra,  # type: ignore[arg-type]
        )

    def start(self) -> str:
        """Create and start the cluster; return a superuser URL of its ``postgres`` database."""
        init = self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        if init.returncode != 0:
            msg = f"initdb failed:\n{init.stdout}\n{init.stderr}"
            raise RuntimeError(msg)
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses='' -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off -c max_connections=60"
        )
        started = self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )
        if started.returncode != 0:
            text = self.log.read_text(errors="replace") if self.log.exists() else ""
            msg = f"pg_ctl start failed:\n{started.stdout}\n{started.stderr}\n{text}"
            raise RuntimeError(msg)
        return self.url("postgres")

    def url(self, database: str) -> str:
        """Return the URL of one database of the cluster (superuser, Unix socket)."""
        return f"postgresql://postgres@/{database}?host={self.root}&port={self.port}"

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _create_database(admin_url: str, cluster: PostgresCluster) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEST_DATABASE)))
    url = cluster.url(TEST_DATABASE)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    return url


_LOCK = threading.Lock()
_STATE: dict[str, object] = {"users": 0}


def _shutdown() -> None:
    cluster = _STATE.pop("cluster", None)
    _STATE.pop("url", None)
    if isinstance(cluster, PostgresCluster):
        cluster.stop()


atexit.register(_shutdown)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostGIS tests cannot run on CI: {reason}; {_INSTALL}")
    pytest.skip(f"PostGIS tests skipped: {reason}; {_INSTALL}")


def _acquire() -> str:
    with _LOCK:
        url = _STATE.get("url")
        if isinstance(url, str):
            _STATE["users"] = int(str(_STATE["users"])) + 1
            return url
        if importlib_missing("psycopg"):
            _unavailable("the Python driver psycopg is not installed (pip install 'opora[server]')")
        external = os.environ.get("OPORA_TEST_DATABASE_URL")
        if external:
            url = external
        else:
            bin_dir = find_pg_bin()
            if bin_dir is None:
                _unavailable("no PostgreSQL binaries (initdb, pg_ctl) found")
                raise AssertionError  # unreachable: skip/fail raise
            cluster = PostgresCluster(bin_dir)
            _STATE["cluster"] = cluster
            try:
                admin = cluster.start()
                url = _create_database(admin, cluster)
            except Exception as exc:
                _shutdown()
                text = str(exc)
                if "postgis" in text.lower():
                    _unavailable(f"the PostGIS extension is not installed ({text.strip()})")
                raise
        _STATE["url"] = url
        _STATE["users"] = 1
        return url


def _release() -> None:
    with _LOCK:
        _STATE["users"] = int(str(_STATE["users"])) - 1
        if int(str(_STATE["users"])) <= 0:
            _shutdown()


def importlib_missing(name: str) -> bool:
    """Return True when module ``name`` cannot be imported."""
    import importlib.util

    return importlib.util.find_spec(name) is None


@pytest.fixture(scope="session")
def postgis_url() -> Iterator[str]:
    """Yield the URL of a database with PostGIS in a throwaway server (see the module)."""
    url = _acquire()
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            _release()
