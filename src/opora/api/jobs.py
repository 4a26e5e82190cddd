"""Jobs of the web application: upload an anchor list, run a scenario, export the workspace.

Endpoints (router ``router``, mounted by :func:`opora.api.create_app`):

``GET  /api/jobs``                          the jobs, newest first (paginated)
``GET  /api/jobs/{id}``                     one job: status, progress, summary, error, downloads
``POST /api/jobs/anchor-list``              multipart ``file`` (CSV/XLSX) → 202 ``{"id"}``
``POST /api/jobs/scenario``                 JSON scenario → 202 ``{"id"}``
``POST /api/jobs/export``                   ``{"format": "gpkg"|"xlsx"}`` → 202 ``{"id"}``
``GET  /api/jobs/{id}/layers/{name}.geojson``  a result layer (for example ``coverage_change``)
``GET  /api/jobs/{id}/tables/{name}``       a result table, paginated
``GET  /api/jobs/{id}/download/{name}``     a file of the job (names from the job record only)

Every ``POST`` needs a token (:func:`opora.api.auth.require_token`); its name is the job's
author. An upload is refused before anything runs when it is larger than the limit
(413), is not what its name says by its first bytes (415) or cannot be read as a list
(422, with the CLI's message). The bytes are kept through the store
(``save_file``); no name or path from a request ever reaches the file system.

The work (:mod:`opora.workflow.whatif`) runs one job at a time in a background thread,
each job in a child process by default (``spawn``), so that a long computation never holds
the server's interpreter: ``/health`` and the map stay responsive. Job records (author,
created time in UTC, status ``queued|running|done|failed``, progress, parameters, summary,
error with the CLI's message, downloads) live in the store; jobs left ``queued`` or
``running`` by a stopped server are marked failed when the next one starts.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import re
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import geopandas as gpd
import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from opora.api.auth import ApiError, require_token
from opora.api.errors import error_responses
from opora.api.state import AppState, get_state
from opora.errors import (
    AnchorSelectionError,
    EmptyFileError,
    InputFileError,
    JobError,
    OporaError,
    SourceNotFoundError,
)
from opora.io.normatives import read_anchor_levels
from opora.workflow.whatif import (
    ANCHOR_LIST_STEPS,
    EXPORT_STEPS,
    MAX_UPLOAD_BYTES,
    SCENARIO_STEPS,
    ScenarioRequest,
    WhatIfResult,
    evaluate_anchor_list,
    export_workspace,
    read_uploaded_list,
    run_scenario,
    upload_kind,
)

__all__ = ["JobRunner", "JobStore", "router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

_ID = re.compile(r"^[0-9a-f]{32}$")
_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
_MEDIA = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".gpkg": "application/geopackage+sqlite3",
    ".csv": "text/csv; charset=utf-8",
}
#: Multipart overhead allowed above the upload limit (boundaries, headers, small fields).
_FORM_OVERHEAD = 64 * 1024


class JobStore(Protocol):
    """The part of the store protocol (``opora.io.store.Store``) the jobs use."""

    def save_job(self, job: Mapping[str, Any]) -> None:
        """Save (replace) a job record."""

    def jobs(self) -> list[dict[str, Any]]:
        """Return every job record."""

    def job(self, job_id: str) -> dict[str, Any]:
        """Return one job record; raise ``SourceNotFoundError`` when unknown."""

    def save_result(self, job_id: str, name: str, frame: pd.DataFrame) -> None:
        """Save a result table or layer of a job."""

    def result(self, job_id: str, name: str) -> pd.DataFrame:
        """Return a result table or layer of a job."""

    def save_file(self, job_id: str, name: str, data: bytes) -> None:
        """Save a file of a job (an upload, an export)."""

    def file(self, job_id: str, name: str) -> bytes:
        """Return a file of a job."""


# -- the work, in a child process or a thread ---------------------------------------------------


def _work(
    kind: str,
    folder: str,
    params: Mapping[str, Any],
    upload: tuple[str, bytes] | None,
    progress: Callable[[str], None],
) -> WhatIfResult:
    """Run the work of one job (:mod:`opora.workflow.whatif`)."""
    if kind == "anchor-list":
        if upload is None:  # pragma: no cover - the endpoint always stores the upload
            msg = "the job has no uploaded list"
            raise SourceNotFoundError(msg)
        return evaluate_anchor_list(
            folder,
            upload[0],
            upload[1],
            additions=int(params.get("additions", 5)),
            progress=progress,
        )
    if kind == "scenario":
        return run_scenario(folder, ScenarioRequest.from_mapping(params), progress=progress)
    if kind == "export":
        return export_workspace(folder, str(params.get("format")), progress=progress)
    msg = f"unknown job kind {kind!r}"  # pragma: no cover - kinds come from the endpoints
    raise AnchorSelectionError(msg)  # pragma: no cover


def _child(
    kind: str,
    folder: str,
    params: dict[str, Any],
    upload: tuple[str, bytes] | None,
    conn: Any,
) -> None:  # pragma: no cover - runs in a child process (covered by a process-mode test)
    """Entry point of the child process: send progress, then the result or the error."""
    try:
        result = _work(kind, folder, params, upload, lambda text: conn.send(("progress", text)))
        conn.send(("done", result))
    except OporaError as exc:
        conn.send(("error", type(exc).__name__, str(exc), True))
    except Exception as exc:
        conn.send(("error", type(exc).__name__, f"{exc}\n{traceback.format_exc()}", False))
    finally:
        conn.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class JobRunner:
    """Run jobs one at a time in the background and keep their records in a store.

    Parameters
    ----------
    store
        The store of the job records, results and files.
    folder
        The region workspace the jobs work on.
    mode
        ``process``: each job in a child process (the server's interpreter stays free);
        ``thread``: in the runner's thread (tests, small workspaces).
    max_upload
        Largest upload in bytes (413 above).
    job_timeout
        Seconds a job may run in process mode before it is stopped and marked failed.
    """

    def __init__(
        self,
        store: JobStore,
        folder: str | Path,
        *,
        mode: Literal["process", "thread"] = "process",
        max_upload: int = MAX_UPLOAD_BYTES,
        job_timeout: float = 3600.0,
    ) -> None:
        self.store = store
        self.folder = Path(folder)
        self.mode = mode
        self.max_upload = max_upload
        self.job_timeout = job_timeout
        self._lock = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._fail_stale()

    # -- records -------------------------------------------------------------------------------

    def _fail_stale(self) -> None:
        """Mark jobs left queued or running by a stopped server as failed."""
        for job in self.store.jobs():
            if job.get("status") in ("queued", "running"):
                job["status"] = "failed"
                job["error"] = "the server stopped before this job finished; start the job again"
                job["finished"] = _now()
                self.store.save_job(job)

    def _update(self, job_id: str, **changes: Any) -> dict[str, Any]:
        with self._lock:
            job = self.store.job(job_id)
            job.update(changes)
            self.store.save_job(job)
            return job

    def submit(
        self,
        kind: str,
        author: str,
        params: Mapping[str, Any],
        upload: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        """Record a job (``queued``), store its upload and queue it.

        Parameters
        ----------
        kind
            ``anchor-list``, ``scenario`` or ``export``.
        author
            The token's name.
        params
            JSON-ready parameters.
        upload
            ``(file name in the store, bytes)`` of an uploaded list (``upload.csv`` or
            ``upload.xlsx``; the name shown to people is ``params["file"]``).

        Returns
        -------
        dict
            The job record.
        """
        total = {"anchor-list": ANCHOR_LIST_STEPS, "scenario": SCENARIO_STEPS}.get(
            kind, EXPORT_STEPS
        )
        job: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "kind": kind,
            "author": author,
            "created": _now(),
            "started": None,
            "finished": None,
            "status": "queued",
            "progress": {"done": 0, "total": total, "message": "queued"},
            "params": dict(params),
            "summary": None,
            "error": None,
            "error_type": None,
            "downloads": [],
            "layers": [],
            "tables": [],
            "upload": None,
        }
        with self._lock:
            self.store.save_job(job)
            if upload is not None:
                self.store.save_file(job["id"], upload[0], upload[1])
                job["upload"] = upload[0]
                self.store.save_job(job)
        self._start()
        self._queue.put(job["id"])
        return job

    # -- the worker ----------------------------------------------------------------------------

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="opora-jobs", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            try:
                self._run(job_id)
            except Exception:  # pragma: no cover - a store failure must not stop the worker
                log.exception("job %s could not be recorded", job_id)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker after the jobs already queued.

        Parameters
        ----------
        timeout
            Seconds to wait for the worker.
        """
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def wait(self, job_id: str, timeout: float = 300.0) -> dict[str, Any]:
        """Wait until a job is done or failed (tests, scripts).

        Parameters
        ----------
        job_id
            The job.
        timeout
            Seconds to wait at most.

        Returns
        -------
        dict
            The job record (still ``running`` when the time ran out).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.store.job(job_id)
            if job["status"] in ("done", "failed"):
                return job
            time.sleep(0.05)
        return self.store.job(job_id)

    def _progress(self, job_id: str) -> Callable[[str], None]:
        count = [0]

        def step(text: str) -> None:
            count[0] += 1
            job = self.store.job(job_id)
            total = max(int(job["progress"]["total"]), count[0] + 1)
            self._update(job_id, progress={"done": count[0], "total": total, "message": text})

        return step

    def _run(self, job_id: str) -> None:
        job = self._update(job_id, status="running", started=_now())
        upload = None
        if job.get("upload"):
            label = str(job["params"].get("file") or job["upload"])
            upload = (label, self.store.file(job_id, str(job["upload"])))
        progress = self._progress(job_id)
        try:
            if self.mode == "thread":
                try:
                    result = _work(job["kind"], str(self.folder), job["params"], upload, progress)
                except OporaError as exc:
                    raise JobError(type(exc).__name__, str(exc), expected=True) from exc
                except Exception as exc:
                    log.exception("job %s failed", job_id)
                    raise JobError(type(exc).__name__, str(exc), expected=False) from exc
            else:
                result = self._in_child(job, upload, progress)
        except JobError as exc:
            message = exc.message if exc.expected else _internal(exc.error_type, exc.message)
            self._update(
                job_id,
                status="failed",
                finished=_now(),
                error=message,
                error_type=exc.error_type,
            )
            return
        self._save(job_id, result)

    def _in_child(
        self,
        job: Mapping[str, Any],
        upload: tuple[str, bytes] | None,
        progress: Callable[[str], None],
    ) -> WhatIfResult:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(
            target=_child,
            args=(job["kind"], str(self.folder), dict(job["params"]), upload, child),
            name=f"opora-job-{job['id'][:8]}",
            daemon=True,
        )
        proc.start()
        child.close()
        started = time.monotonic()
        try:
            while True:
                if parent.poll(0.2):
                    try:
                        message = parent.recv()
                    except EOFError:
                        message = None
                    if message is None:
                        break
                    if message[0] == "progress":
                        progress(str(message[1]))
                    elif message[0] == "done":
                        result: WhatIfResult = message[1]
                        return result
                    else:
                        _, error_type, text, expected = message
                        raise JobError(error_type, text, expected=expected)
                elif not proc.is_alive() and not parent.poll(0):
                    break
                if time.monotonic() - started > self.job_timeout:
                    msg = (
                        f"the job ran longer than {self.job_timeout:g} s and was stopped; "
                        "try a smaller change or ask the administrator for a longer limit"
                    )
                    kind = "TimeoutError"
                    raise JobError(kind, msg, expected=True)
        finally:
            parent.close()
            if proc.is_alive():
                proc.terminate()
            proc.join(5)
        msg = f"the job's process ended without a result (exit code {proc.exitcode})"
        kind = "ChildProcessError"
        raise JobError(kind, msg, expected=False)

    def _save(self, job_id: str, result: WhatIfResult) -> None:
        try:
            for name, frame in {**result.tables, **result.layers}.items():
                self.store.save_result(job_id, name, _storable(frame))
            for name, data in result.files.items():
                self.store.save_file(job_id, name, data)
        except (OSError, ValueError) as exc:  # pragma: no cover - a full disk, a database error
            log.exception("results of job %s could not be saved", job_id)
            self._update(
                job_id,
                status="failed",
                finished=_now(),
                error=f"the results could not be saved: {exc}",
                error_type=type(exc).__name__,
            )
            return
        job = self.store.job(job_id)
        total = int(job["progress"]["total"])
        done = max(int(job["progress"]["done"]), total)
        self._update(
            job_id,
            status="done",
            finished=_now(),
            summary=json.loads(json.dumps(result.summary, default=str, allow_nan=False)),
            downloads=list(result.files),
            layers=list(result.layers),
            tables=list(result.tables),
            progress={"done": done, "total": done, "message": "done"},
        )


def _storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy a frame so that each object column holds one type (text where types mix)."""
    out = frame.copy()
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None) or out[col].dtype != object:
            continue
        values = out[col].dropna()
        types = {type(v) for v in values}
        if len(types) > 1 or (types and not types <= {str, bool, int, float}):
            out[col] = out[col].map(lambda v: v if v is None or v != v else str(v))
    return out


def _internal(error_type: str, message: str) -> str:
    log.error("job failed: %s: %s", error_type, message)
    first = message.strip().splitlines()[0] if message.strip() else ""
    return f"internal error ({error_type}: {first}); please report it with the job id"


# -- the app's runner ---------------------------------------------------------------------------


def runner_of(request: Request) -> JobRunner:
    """Return the application's job runner, created on first use (FastAPI dependency).

    Uses the application's state (:class:`opora.api.state.AppState`: ``folder``,
    ``store``, ``kind``); ``app.state.job_mode`` (``process``/``thread``) and
    ``app.state.max_upload`` (bytes) when set.

    Parameters
    ----------
    request
        The request.

    Returns
    -------
    JobRunner
        The runner.

    Raises
    ------
    ApiError
        409 when the application serves a country folder (jobs work on one region).
    """
    app_state = request.app.state
    runner = getattr(app_state, "job_runner", None)
    if runner is not None:
        return runner  # type: ignore[no-any-return]
    state: AppState = get_state(request)
    if state.kind != "region":
        msg = (
            f"jobs work on one region: {state.folder.name} is a country folder; serve one of "
            "its regions (`opora serve FOLDER/regions/<key>`) to upload lists, run scenarios "
            "or export"
        )
        raise ApiError(409, msg, "IncompleteRunError")
    with _LOCK:
        runner = getattr(app_state, "job_runner", None)
        if runner is None:
            runner = JobRunner(
                state.store,
                state.folder,
                mode=getattr(app_state, "job_mode", "process"),
                max_upload=int(getattr(app_state, "max_upload", MAX_UPLOAD_BYTES)),
            )
            app_state.job_runner = runner
    return runner


_LOCK = threading.Lock()

Runner = Annotated[JobRunner, Depends(runner_of)]
Author = Annotated[str, Depends(require_token)]


# -- schemas ------------------------------------------------------------------------------------


class JobCreated(BaseModel):
    """Answer of a ``POST``: the new job's id."""

    id: str = Field(description="Job id (32 hex digits).")
    status: str = Field(description="`queued`.")


class Progress(BaseModel):
    """Progress of a job."""

    done: int
    total: int
    message: str


class Job(BaseModel):
    """A job record."""

    id: str
    kind: str
    author: str
    created: str = Field(description="UTC, ISO 8601.")
    started: str | None = None
    finished: str | None = None
    status: Literal["queued", "running", "done", "failed"]
    progress: Progress
    params: dict[str, Any]
    summary: dict[str, Any] | None = None
    error: str | None = Field(None, description="The error's message (as the CLI prints it).")
    error_type: str | None = None
    downloads: list[str] = Field(default_factory=list, description="Files: .../download/{name}.")
    layers: list[str] = Field(
        default_factory=list, description="Layers: .../layers/{name}.geojson."
    )
    tables: list[str] = Field(default_factory=list, description="Tables: .../tables/{name}.")


class JobPage(BaseModel):
    """A page of jobs, newest first."""

    total: int
    offset: int
    limit: int
    items: list[Job]


class Link(BaseModel):
    """A new two-way road link between two settlements."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    from_: str = Field(alias="from", min_length=1, max_length=64, description="Settlement id.")
    to: str = Field(min_length=1, max_length=64, description="Settlement id.")
    minutes: float | None = Field(
        None, gt=0, le=10_000, description="Travel time; none: straight distance × 1.3 at 60 km/h."
    )


class ScenarioBody(BaseModel):
    """A scenario: season, closures, new links."""

    model_config = ConfigDict(extra="forbid")

    season: Literal["summer", "winter", "thaw"] = "summer"
    close_facilities: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(
        default_factory=list, max_length=1000, description="Facility ids (layer facilities)."
    )
    close_anchors: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=1000, description="Settlement ids of anchors."
    )
    add_links: list[Link] = Field(default_factory=list, max_length=100)


class ExportBody(BaseModel):
    """An export of the workspace."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["gpkg", "xlsx"]


class Page(BaseModel):
    """A page of a result table."""

    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


# -- helpers ------------------------------------------------------------------------------------


def _public(job: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: job.get(k) for k in Job.model_fields}
    for key in ("downloads", "layers", "tables"):
        out[key] = list(job.get(key) or [])
    out["params"] = dict(job.get("params") or {})
    return out


def _job(runner: JobRunner, job_id: str) -> dict[str, Any]:
    if not _ID.match(job_id):
        msg = f"no job {job_id[:40]!r}: a job id is 32 hexadecimal digits"
        raise ApiError(404, msg, "SourceNotFoundError")
    try:
        return runner.store.job(job_id)
    except SourceNotFoundError:
        msg = f"no job {job_id}; see GET /api/jobs"
        raise ApiError(404, msg, "SourceNotFoundError") from None


def _error(exc: OporaError, status: int) -> ApiError:
    return ApiError(status, str(exc), type(exc).__name__)


def _json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    out: list[dict[str, Any]] = json.loads(plain.to_json(orient="records", force_ascii=False))
    return out


def _as_layer(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:
        return frame.to_crs("EPSG:4326") if frame.crs is not None else frame
    if {"lon", "lat"} <= set(frame.columns):
        return gpd.GeoDataFrame(
            frame.drop(columns="geometry", errors="ignore"),
            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
            crs="EPSG:4326",
        )
    msg = "this result is a table, not a layer; use .../tables/{name}"
    raise ApiError(404, msg, "SourceNotFoundError")


# -- endpoints ----------------------------------------------------------------------------------


@router.get(
    "", response_model=JobPage, summary="The jobs, newest first", responses=error_responses(409)
)
def list_jobs(
    runner: Runner,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Every job of this workspace (any author), newest first."""
    jobs = sorted(runner.store.jobs(), key=lambda j: str(j.get("created")), reverse=True)
    return {
        "total": len(jobs),
        "offset": offset,
        "limit": limit,
        "items": [_public(j) for j in jobs[offset : offset + limit]],
    }


@router.get("/{job_id}", response_model=Job, summary="One job", responses=error_responses(404, 409))
def get_job(job_id: str, runner: Runner) -> dict[str, Any]:
    """Show a job's status, progress, summary, error and the names of its results."""
    return _public(_job(runner, job_id))


@router.get(
    "/{job_id}/layers/{name}.geojson",
    summary="A result layer of a job (GeoJSON)",
    responses={200: {"content": {"application/geo+json": {}}}, **error_responses(404, 409)},
)
def get_job_layer(job_id: str, name: str, runner: Runner) -> Response:
    """Return a map layer of a finished job, for example ``coverage_change`` of a scenario."""
    job = _job(runner, job_id)
    if name not in (job.get("layers") or []):
        msg = f"job {job_id} has no layer {name[:64]!r}; it has {job.get('layers') or 'none'}"
        raise ApiError(404, msg, "SourceNotFoundError")
    layer = _as_layer(runner.store.result(job_id, name))
    body = layer.to_json(na="null", drop_id=True, to_wgs84=False)
    return Response(body, media_type="application/geo+json")


@router.get(
    "/{job_id}/tables/{name}",
    response_model=Page,
    summary="A result table of a job",
    responses=error_responses(404, 409),
)
def get_job_table(
    job_id: str,
    name: str,
    runner: Runner,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> dict[str, Any]:
    """Rows of a result table (or of a layer's attributes) of a finished job."""
    job = _job(runner, job_id)
    names = list(job.get("tables") or []) + list(job.get("layers") or [])
    if name not in names:
        msg = f"job {job_id} has no table {name[:64]!r}; it has {names or 'none'}"
        raise ApiError(404, msg, "SourceNotFoundError")
    frame = runner.store.result(job_id, name)
    return {
        "total": len(frame),
        "offset": offset,
        "limit": limit,
        "items": _json_records(frame.iloc[offset : offset + limit]),
    }


@router.get(
    "/{job_id}/download/{name}",
    summary="A file of a job",
    responses={200: {"content": {m: {} for m in _MEDIA.values()}}, **error_responses(404, 409)},
)
def download(job_id: str, name: str, runner: Runner) -> Response:
    """Download a file of a finished job; only the names listed in its ``downloads``."""
    job = _job(runner, job_id)
    names = [str(n) for n in job.get("downloads") or []]
    if name not in names:
        msg = f"job {job_id} has no file {name[:64]!r}; it has {names or 'none'}"
        raise ApiError(404, msg, "SourceNotFoundError")
    known = names[names.index(name)]  # the name from the record, not from the request
    data = runner.store.file(job_id, known)
    media = _MEDIA.get(Path(known).suffix.lower(), "application/octet-stream")
    return Response(
        data,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{known}"'},
    )


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The list: CSV (UTF-8) or XLSX with `oktmo` "
                            "and/or `name`, optional `level`, `municipality`, `kind`.",
                        },
                        "additions": {"type": "integer", "minimum": 0, "maximum": 50},
                    },
                }
            }
        },
    }
}


async def _read_form(request: Request, limit: int) -> tuple[str, bytes, int]:
    """Read the multipart body (at most ``limit`` bytes of file); return name, bytes, additions."""
    ctype = request.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        msg = "send the list as multipart/form-data with the field `file`"
        raise ApiError(415, msg, "UnsupportedMediaType")
    too_big = ApiError(
        413,
        f"the upload is larger than {limit / 1024 / 1024:g} MB; split the list or keep "
        "only the oktmo, name and level columns",
        "PayloadTooLarge",
    )
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit + _FORM_OVERHEAD:
        raise too_big
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit + _FORM_OVERHEAD:
            raise too_big
    data = bytes(body)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": data, "more_body": False}

    buffered = Request(request.scope, receive)
    try:
        form = await buffered.form(max_files=1, max_fields=10)
    except Exception as exc:  # starlette raises its own errors on a malformed body
        msg = f"the form could not be read ({exc}); send the list in the field `file`"
        raise ApiError(422, msg, "FormatError") from exc
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        msg = "the form has no file in the field `file`"
        raise ApiError(422, msg, "FormatError")
    content = await upload.read()
    await form.close()
    if len(content) > limit:
        raise too_big
    raw = form.get("additions", "5")
    try:
        additions = int(str(raw))
    except ValueError:
        additions = -1
    if not 0 <= additions <= 50:
        msg = f"additions must be a whole number from 0 to 50, not {str(raw)[:20]!r}"
        raise ApiError(422, msg, "FormatError")
    return str(upload.filename or "list.csv"), content, additions


@router.post(
    "/anchor-list",
    status_code=202,
    response_model=JobCreated,
    summary="Evaluate an uploaded anchor list",
    openapi_extra=_UPLOAD_BODY,
    responses=error_responses(401, 403, 409, 413, 415, 422),
)
async def post_anchor_list(request: Request, author: Author, runner: Runner) -> dict[str, Any]:
    """Upload an anchor list (CSV or XLSX) and evaluate it as a job.

    Read with the reader of ``opora anchors evaluate --list``; checked before the job
    starts: size, content by its first bytes, columns and levels.
    """
    name, data, additions = await _read_form(request, runner.max_upload)

    def check() -> tuple[str, str]:
        try:
            kind = upload_kind(name, data)
        except EmptyFileError as exc:
            raise _error(exc, 422) from None
        except InputFileError as exc:  # not what its name says, by its first bytes
            raise _error(exc, 415) from None
        try:
            table = read_uploaded_list(name, data, levels=read_anchor_levels(None))
        except InputFileError as exc:
            raise _error(exc, 422) from None
        return kind, str(table.attrs["path"])

    kind, label = await run_in_threadpool(check)
    job = await run_in_threadpool(
        runner.submit,
        "anchor-list",
        author,
        {"file": label, "additions": additions},
        (f"upload.{kind}", data),
    )
    return {"id": job["id"], "status": job["status"]}


@router.post(
    "/scenario",
    status_code=202,
    response_model=JobCreated,
    summary="Run a scenario",
    responses=error_responses(401, 403, 409, 422),
)
def post_scenario(body: ScenarioBody, author: Author, runner: Runner) -> dict[str, Any]:
    """Close facilities or anchors, add road links, switch season; recompute as a job."""
    params = body.model_dump(by_alias=True)
    try:
        ScenarioRequest.from_mapping(params)
    except OporaError as exc:
        raise _error(exc, 422) from None
    job = runner.submit("scenario", author, params)
    return {"id": job["id"], "status": job["status"]}


@router.post(
    "/export",
    status_code=202,
    response_model=JobCreated,
    summary="Export the workspace",
    responses=error_responses(401, 403, 409, 422),
)
def post_export(body: ExportBody, author: Author, runner: Runner) -> dict[str, Any]:
    """Export the workspace as one GeoPackage or one Excel workbook, as a job."""
    job = runner.submit("export", author, {"format": body.format})
    return {"id": job["id"], "status": job["status"]}
