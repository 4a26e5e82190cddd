"""What the web application reads and keeps: a workspace's tables and layers, jobs and results.

:class:`Store` is the protocol the API talks to; :class:`FileStore` is the embedded
implementation over a folder written by ``opora init`` / ``opora demo`` (a *region*) or by
``opora country`` (a *country*: ``national.gpkg``, ``national_*.parquet``,
``national_regions.csv`` and ``regions/<key>/``). The PostGIS store
(:mod:`opora.io.postgis`) implements the same protocol.

Nothing here turns a caller's string into a path: tables and layers are looked up by name
in the folder's own listing, and jobs, results and files by names that the store itself
listed in its state folder (``FOLDER/.opora-server/`` by default)::

    .opora-server/jobs/<id>/job.json           the job record
    .opora-server/jobs/<id>/results/<name>.parquet
    .opora-server/jobs/<id>/files/<name>
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import geopandas as gpd
import pandas as pd
import pyogrio

from opora.errors import IncompleteRunError, OutputPathError, SourceNotFoundError
from opora.io._checks import file_mode
from opora.io.workspace import RUN_RECORD, check_complete

__all__ = [
    "COUNTRY_FILES",
    "COUNTRY_RECORD",
    "STATE_DIR",
    "FileStore",
    "Store",
    "folder_kind",
    "id_columns",
]

#: Completion record written last by ``opora country`` at the top of its folder.
COUNTRY_RECORD = "country_run.json"
#: Files of a country folder (``opora country``), by kind.
COUNTRY_FILES = {
    "gpkg": "national.gpkg",
    "settlements": "national_settlements.parquet",
    "municipalities": "national_municipalities.parquet",
    "table": "national_regions.csv",
}
#: Default state folder of the file store, inside the served folder.
STATE_DIR = ".opora-server"

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_ID_EXACT = frozenset(
    {
        "oktmo",
        "id",
        "municipality",
        "anchor",
        "source",
        "target",
        "source_place",
        "target_place",
        "key",
        "code",
        "region_key",
        "register_id",
    }
)


def id_columns(columns: list[str] | pd.Index) -> list[str]:
    """Columns that hold codes or identifiers (kept as text, never as numbers).

    Parameters
    ----------
    columns
        Column names of a table.

    Returns
    -------
    list of str
        ``oktmo``, ``*_oktmo``, ``*_id``, ``*_inn``, ``*_municipality`` and the other id
        columns of the workspace tables.
    """
    out = []
    for c in columns:
        name = str(c)
        if (
            name in _ID_EXACT
            or name.endswith(("_oktmo", "_id", "_inn", "_municipality"))
            or name.startswith("oktmo")
        ):
            out.append(name)
    return out


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn the id columns of ``frame`` into text (missing stays missing)."""
    for col in id_columns(frame.columns):
        s = frame[col]
        if s.dtype == object and s.map(lambda v: v is None or isinstance(v, str)).all():
            continue
        if pd.api.types.is_float_dtype(s):
            # 80601000.0 -> "80601000": float ids come from a column with gaps
            text = s.map(lambda v: None if pd.isna(v) else f"{v:.0f}")
        else:
            text = s.map(lambda v: None if pd.isna(v) else str(v))
        frame[col] = text.astype(object)
    return frame


def folder_kind(folder: str | Path) -> str:
    """Say what a served folder is: ``region`` (a workspace) or ``country``.

    Parameters
    ----------
    folder
        A folder written by ``opora init`` / ``opora demo`` or by ``opora country``.

    Returns
    -------
    str
        ``region`` or ``country``.

    Raises
    ------
    SourceNotFoundError
        If the folder is neither.
    IncompleteRunError
        If the run that wrote it did not finish (no completion record).
    """
    d = Path(folder)
    if not d.is_dir():
        check_complete(d)  # a killed first run has left only its staging folder beside it
        msg = (
            f"{d}: no such folder; give a workspace written by `opora demo` / `opora init` "
            "or a country folder written by `opora country`"
        )
        raise SourceNotFoundError(msg)
    if (d / COUNTRY_FILES["gpkg"]).is_file():
        if not (d / COUNTRY_RECORD).is_file():
            msg = (
                f"{d}: no {COUNTRY_RECORD} - the `opora country` run that wrote this folder "
                "did not finish (interrupted or failed); run `opora country` into it again"
            )
            raise IncompleteRunError(msg)
        return "country"
    if (d / "region.gpkg").is_file():
        check_complete(d)
        return "region"
    msg = (
        f"{d}: not a workspace (no region.gpkg) nor a country folder (no national.gpkg); "
        "create one with `opora demo`, `opora init` or `opora country`"
    )
    raise SourceNotFoundError(msg)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        Path(tmp).chmod(file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@runtime_checkable
class Store(Protocol):
    """What the web application reads and writes (see the module docstring)."""

    kind: str

    def version(self) -> str:
        """Return a token that changes whenever the served content changes."""
        ...

    def table(self, name: str) -> pd.DataFrame:
        """Return a table by name (its file stem); ids as text."""
        ...

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Return a spatial layer by name, in EPSG:4326."""
        ...

    def tile(self, layer: str, z: int, x: int, y: int) -> bytes | None:
        """Return an encoded vector tile, or ``None`` when the caller encodes it."""
        ...

    def save_job(self, job: Mapping[str, Any]) -> None:
        """Create or replace a job record."""
        ...

    def jobs(self) -> list[dict[str, Any]]:
        """Return every job record, oldest first."""
        ...

    def job(self, job_id: str) -> dict[str, Any]:
        """Return one job record."""
        ...

    def save_result(self, job_id: str, name: str, frame: pd.DataFrame) -> None:
        """Keep a result table of a job."""
        ...

    def result(self, job_id: str, name: str) -> pd.DataFrame:
        """Return a result table of a job."""
        ...

    def save_file(self, job_id: str, name: str, data: bytes) -> None:
        """Keep a file of a job (an export, an upload)."""
        ...

    def file(self, job_id: str, name: str) -> bytes:
        """Return a file of a job."""
        ...


class FileStore:
    """The embedded store: a workspace or country folder and a state folder for jobs.

    Parameters
    ----------
    folder
        Workspace (``opora demo`` / ``opora init``) or country folder (``opora country``).
    state_dir
        Where jobs, their results and files are kept; ``FOLDER/.opora-server`` when
        ``None``.

    Raises
    ------
    SourceNotFoundError
        If ``folder`` is neither a workspace nor a country folder.
    IncompleteRunError
        If the run that wrote it did not finish.
    """

    kind = "file"

    def __init__(self, folder: str | Path, state_dir: str | Path | None = None) -> None:
        self.folder = Path(folder)
        self.folder_kind = folder_kind(self.folder)
        self.state_dir = Path(state_dir) if state_dir is not None else self.folder / STATE_DIR
        self._stat: tuple[int, int, int] | None = None
        self._version = ""

    # -- the served folder ----------------------------------------------------------

    @property
    def record(self) -> Path:
        """The completion record whose content and time stamp make :meth:`version`."""
        name = COUNTRY_RECORD if self.folder_kind == "country" else RUN_RECORD
        return self.folder / name

    def version(self) -> str:
        """Return the content version: SHA-256 of the completion record with its mtime.

        Returns
        -------
        str
            A token that changes whenever a run rewrites the folder.

        Raises
        ------
        IncompleteRunError
            If the completion record is missing (a run is rewriting the folder or failed).
        """
        path = self.record
        try:
            st = path.stat()
        except FileNotFoundError:
            msg = (
                f"{self.folder}: no {path.name} - the run that writes this folder has not "
                "finished (it is running, was interrupted or failed); wait for it or run "
                "`opora demo` / `opora country` into it again"
            )
            raise IncompleteRunError(msg) from None
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        if key != self._stat:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            self._version = f"{digest}-{st.st_mtime_ns}"
            self._stat = key
        return self._version

    def _files(self) -> dict[str, Path]:
        """Tables of the folder by stem (CSV and Parquet at its top)."""
        out: dict[str, Path] = {}
        for p in sorted(self.folder.iterdir()):
            if p.suffix in {".csv", ".parquet"} and p.is_file() and _NAME.match(p.stem):
                out.setdefault(p.stem, p)
        return out

    def tables(self) -> list[str]:
        """Return the names of the tables of the folder.

        Returns
        -------
        list of str
            File stems, sorted.
        """
        return sorted(self._files())

    def table(self, name: str) -> pd.DataFrame:
        """Read a table of the folder by name (``anchors``, ``municipality_profile``...).

        Parameters
        ----------
        name
            File stem of a CSV or Parquet file at the top of the folder.

        Returns
        -------
        pandas.DataFrame
            The table, its code and id columns as text.

        Raises
        ------
        SourceNotFoundError
            If the folder has no such table.
        """
        path = self._files().get(name)
        if path is None:
            msg = (
                f"{self.folder}: no table {name!r} (no {name}.csv or {name}.parquet); "
                "the run that wrote the folder did not produce it - rerun `opora demo`"
            )
            raise SourceNotFoundError(msg)
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            if "geometry" in frame.columns:
                frame = frame.drop(columns="geometry")
            return _as_text(frame)
        try:
            head = pd.read_csv(path, nrows=0)
        except pd.errors.EmptyDataError:
            return pd.DataFrame()
        dtype = dict.fromkeys(id_columns(head.columns), "string")
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=True)
        return _as_text(frame)

    def _gpkg(self) -> Path:
        name = COUNTRY_FILES["gpkg"] if self.folder_kind == "country" else "region.gpkg"
        return self.folder / name

    def layers(self) -> list[str]:
        """Return the names of the spatial layers of the folder's GeoPackage.

        Returns
        -------
        list of str
            Layer names with a geometry.
        """
        listing = pyogrio.list_layers(self._gpkg())
        return [str(n) for n, geom in listing if geom is not None]

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Read a spatial layer by name.

        Parameters
        ----------
        name
            A layer of ``region.gpkg`` (``settlements``, ``municipalities``, ``anchors``,
            ``anchor_catchments``, ``anchor_uncovered``, ``settlement_access``...) or, in
            a country folder, of ``national.gpkg`` (``settlements``, ``municipalities``).

        Returns
        -------
        geopandas.GeoDataFrame
            The layer in EPSG:4326, ids as text.

        Raises
        ------
        SourceNotFoundError
            If there is no such layer.
        """
        gpkg = self._gpkg()
        if name not in self.layers():
            msg = (
                f"{gpkg}: no layer {name!r}; layers there: {', '.join(self.layers())} "
                "(rerun `opora demo` to write the missing ones)"
            )
            raise SourceNotFoundError(msg)
        frame = pyogrio.read_dataframe(gpkg, layer=name)
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        return _as_text(frame)

    def tile(self, layer: str, z: int, x: int, y: int) -> bytes | None:
        """Return ``None``: the API encodes the file store's tiles from :meth:`layer`.

        Parameters
        ----------
        layer, z, x, y
            Tile address.

        Returns
        -------
        None
            Always.
        """
        return None

    # -- jobs -------------------------------------------------------------------------

    @property
    def _jobs_dir(self) -> Path:
        return self.state_dir / "jobs"

    def _listed_job(self, job_id: str) -> Path:
        """Return the folder of a job that exists; never a path built from an unknown id."""
        if _JOB_ID.match(job_id) and self._jobs_dir.is_dir():
            for p in self._jobs_dir.iterdir():
                if p.name == job_id and (p / "job.json").is_file():
                    return p
        msg = f"no job {job_id!r} in {self._jobs_dir}; list the jobs with GET /api/jobs"
        raise SourceNotFoundError(msg)

    @staticmethod
    def _check_name(name: str, what: str) -> str:
        if not _FILE_NAME.match(name):
            msg = (
                f"{what} name {name!r} is not allowed: use letters, digits, '_', '-' "
                "and '.', at most 100 characters, not starting with '.'"
            )
            raise ValueError(msg)
        return name

    @staticmethod
    def _listed(folder: Path, name: str, suffix: str = "") -> Path | None:
        if not folder.is_dir():
            return None
        for p in folder.iterdir():
            if p.name == name + suffix and p.is_file():
                return p
        return None

    def save_job(self, job: Mapping[str, Any]) -> None:
        """Create or replace a job record (``job["id"]`` names it).

        Parameters
        ----------
        job
            JSON-ready record: id, kind, author, created, status, progress, params,
            summary, error.

        Raises
        ------
        ValueError
            If the id is not letters, digits, ``_`` and ``-`` (at most 64).
        OutputPathError
            If the state folder cannot be written.
        """
        job_id = str(job.get("id", ""))
        if not _JOB_ID.match(job_id):
            msg = f"job id {job_id!r} is not allowed: letters, digits, '_' and '-', at most 64"
            raise ValueError(msg)
        data = json.dumps(dict(job), ensure_ascii=False, indent=1, default=str).encode("utf-8")
        try:
            _write_atomic(self._jobs_dir / job_id / "job.json", data)
        except OSError as exc:
            msg = (
                f"{self.state_dir}: cannot write the job record ({exc}); "
                "give a writable state folder"
            )
            raise OutputPathError(msg) from exc

    def jobs(self) -> list[dict[str, Any]]:
        """Return every job record, oldest first.

        Returns
        -------
        list of dict
            Job records, by ``created`` then id.
        """
        if not self._jobs_dir.is_dir():
            return []
        out = []
        for p in self._jobs_dir.iterdir():
            rec = p / "job.json"
            if _JOB_ID.match(p.name) and rec.is_file():
                try:
                    out.append(json.loads(rec.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
        return sorted(out, key=lambda j: (str(j.get("created", "")), str(j.get("id", ""))))

    def job(self, job_id: str) -> dict[str, Any]:
        """Return one job record.

        Parameters
        ----------
        job_id
            The job's id.

        Returns
        -------
        dict
            The record.

        Raises
        ------
        SourceNotFoundError
            If there is no such job.
        """
        data: dict[str, Any] = json.loads(
            (self._listed_job(job_id) / "job.json").read_text(encoding="utf-8")
        )
        return data

    def save_result(self, job_id: str, name: str, frame: pd.DataFrame) -> None:
        """Keep a result table of a job (GeoParquet for a GeoDataFrame).

        Parameters
        ----------
        job_id
            An existing job.
        name
            Result name (letters, digits, ``_ . -``).
        frame
            The table.

        Raises
        ------
        SourceNotFoundError
            If there is no such job.
        """
        folder = self._listed_job(job_id) / "results"
        self._check_name(name, "result")
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            frame.to_parquet(tmp, index=False)
            Path(tmp).chmod(file_mode())
            os.replace(tmp, folder / f"{name}.parquet")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def result(self, job_id: str, name: str) -> pd.DataFrame:
        """Return a result table of a job.

        Parameters
        ----------
        job_id
            The job.
        name
            Result name given to :meth:`save_result`.

        Returns
        -------
        pandas.DataFrame
            The table (a GeoDataFrame when it was saved as one).

        Raises
        ------
        SourceNotFoundError
            If there is no such job or result.
        """
        path = self._listed(self._listed_job(job_id) / "results", name, ".parquet")
        if path is None:
            msg = f"job {job_id!r} has no result {name!r}"
            raise SourceNotFoundError(msg)
        if _is_geoparquet(path):
            geo: pd.DataFrame = gpd.read_parquet(path)
            return geo
        return pd.read_parquet(path)

    def save_file(self, job_id: str, name: str, data: bytes) -> None:
        """Keep a file of a job (an export or an upload).

        Parameters
        ----------
        job_id
            An existing job.
        name
            File name (letters, digits, ``_ . -``).
        data
            Its bytes.

        Raises
        ------
        SourceNotFoundError
            If there is no such job.
        """
        folder = self._listed_job(job_id) / "files"
        _write_atomic(folder / self._check_name(name, "file"), data)

    def file(self, job_id: str, name: str) -> bytes:
        """Return a file of a job.

        Parameters
        ----------
        job_id
            The job.
        name
            File name given to :meth:`save_file`.

        Returns
        -------
        bytes
            Its content.

        Raises
        ------
        SourceNotFoundError
            If there is no such job or file.
        """
        path = self._listed(self._listed_job(job_id) / "files", name)
        if path is None:
            msg = f"job {job_id!r} has no file {name!r}"
            raise SourceNotFoundError(msg)
        return path.read_bytes()


def _is_geoparquet(path: Path) -> bool:
    """Say whether a Parquet file carries GeoParquet metadata.

    Parameters
    ----------
    path
        A Parquet file.

    Returns
    -------
    bool
        ``True`` for GeoParquet.
    """
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    return b"geo" in meta
