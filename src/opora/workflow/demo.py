"""The main job (``opora demo``): workspace, analyses, ties, strategy, anchors and report.

Each step is done elsewhere in :mod:`opora.workflow` (region, analyses, strategy,
anchors, passports, outputs) or by :mod:`opora.report`; this module runs them in order
and gathers the files written.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from opora.access.services import ServiceAccess
from opora.analysis.features import FEATURE_DOCS
from opora.config import Settings
from opora.io.normatives import read_anchor_levels, read_normatives
from opora.model.provenance import Provenance
from opora.model.region import Region
from opora.model.result import ImportResult
from opora.model.roads import RoadGraph
from opora.report.html import write_report
from opora.report.sections.access import AccessSection, build_access_section
from opora.report.sections.anchors import build_anchor_section
from opora.report.sections.economy import build_economy_section
from opora.report.sections.profile import build_profile_columns
from opora.report.sections.strategy import build_strategy_section
from opora.report.sections.ties import build_ties_section
from opora.workflow.access import run_accessibility
from opora.workflow.analyses import Analyses, add_ties_features, analyse_region
from opora.workflow.anchors import AnchorsResult, default_scenarios, run_anchors, write_anchors
from opora.workflow.economy import has_employment
from opora.workflow.outputs import write_access, write_economy
from opora.workflow.passports import build_passports, render_passports_html
from opora.workflow.progress import Progress, no_progress
from opora.workflow.region import RunResult, assemble_into, input_files
from opora.workflow.runlog import RunLog, finish_run, run_record, staged_output, step_label
from opora.workflow.strategy import StrategyResult, run_strategy, write_strategy
from opora.workflow.ties import build_workspace_ties

__all__ = ["run_demo"]

logger = logging.getLogger(__name__)

#: Provenance of the modelled firm registry the demo builds its ties on.
MODELLED_FIRMS = Provenance(
    "firms",
    "Modelled firm registry consistent with real organisation counts and sector "
    "employment (no registry given)",
    "opora (MIT)",
    "",
    "modelled",
    "opora.ties.modelled, seed 2024",
)


def run_demo(
    out_dir: str | Path,
    settings: Settings,
    *,
    lang: str = "ru",
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    normatives: Path | None = None,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = no_progress,
) -> RunResult:
    """Run the main job: workspace, analyses and the HTML report (``opora demo``).

    Each step runs on what the region's sources hold: a step whose input is missing is
    skipped with its reason, a step that fails is recorded with its message and the
    steps that need it are skipped; the others still run and the report is written
    with the sections that exist. The outputs are written into a hidden sibling folder
    and moved into ``out_dir`` at the end; ``run_summary.csv`` and, last, ``run.json``
    record what ran (:mod:`opora.workflow.runlog`).

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
    normatives
        Service standards file (TOML); the package default when ``None``.
    osm
        An ``.osm.pbf`` extract of the region's roads; the network is modelled without it.
    facilities
        A facility registry (CSV/XLSX); facilities come from the OSM extract or are
        modelled without it.
    progress
        Called with a description before each step.

    Returns
    -------
    RunResult
        Model, files written (``report``, ``run_summary``, ``run`` among them), the
        profile table and the run log (``res.log.exit_code``).
    """
    started = datetime.now(UTC)
    out = Path(out_dir)
    with staged_output(out) as stage:
        res = assemble_into(
            stage, settings, region=region, data_dir=data_dir, register=register, progress=progress
        )
        t0 = time.perf_counter()
        _analyse_and_report(
            stage,
            res,
            lang=lang,
            normatives=normatives,
            osm=osm,
            facilities=facilities,
            progress=progress,
            pool_min_tasks=settings.pool_min_tasks,
        )
        res.seconds["analysis_report"] = time.perf_counter() - t0
    res.paths = {k: out / p.relative_to(stage) for k, p in res.paths.items()}
    rec = run_record(
        "demo",
        res.log,
        region=res.region.name,
        inputs=input_files(settings, data_dir, region),
        started=started,
        extra={"lang": lang, "seconds": {k: round(v, 2) for k, v in res.seconds.items()}},
    )
    res.paths.update(finish_run(out, rec, res.log))
    logger.info("demo written to %s", out)
    return res


def _analyse_and_report(
    out: Path,
    res: RunResult,
    *,
    lang: str,
    normatives: Path | None,
    osm: Path | None,
    facilities: Path | None,
    progress: Progress,
    pool_min_tasks: int = 64,
) -> None:
    """Run the steps after the workspace into ``out``; record each in ``res.log``."""
    reg, log = res.region, res.log
    norms = read_normatives(normatives)
    paths: dict[str, Path] = {}

    def analyses() -> tuple[Analyses, AccessSection]:
        an = analyse_region(reg, norms, osm=osm, facilities=facilities, progress=progress)
        _with_reasons(an.profile, _profile_sources()).to_csv(
            out / "municipality_profile.csv", index=False
        )
        paths["profile"] = out / "municipality_profile.csv"
        progress("write accessibility and economy tables")
        write_access(out, reg, an.access, an.facilities, an.shares)
        section = build_access_section(
            reg,
            an.access,
            an.shares,
            an.normatives,
            an.graph,
            facilities_modelled=any(
                p.table == "facilities" and p.kind == "modelled" for p in reg.provenance
            ),
        )
        paths.update(write_economy(out, an.economy))
        _with_reasons(an.features, FEATURE_DOCS).to_csv(
            out / "municipality_features.csv", index=False
        )
        paths["features"] = out / "municipality_features.csv"
        return an, section

    done = log.run("analyses", analyses)
    an, access_section = done if done is not None else (None, None)
    access: tuple[ServiceAccess, RoadGraph] | None = None
    if an is not None:
        access = (an.access, an.graph)
        for key, (en, ru) in an.economy.skipped.items():
            log.record(key, "skipped", en, ru)
    else:
        # anchors need roads and settlements only: try the accessibility alone
        def access_only() -> tuple[ServiceAccess, RoadGraph]:
            acc, _, _, graph, prov = run_accessibility(
                reg, norms, osm=osm, facilities_file=facilities, progress=progress
            )
            reg.provenance.extend(prov)
            return acc, graph

        access = log.run("accessibility", access_only)

    progress("ties between municipalities (modelled firm registry)")
    ties = None
    if an is not None and not has_employment(reg.indicators):
        log.record("ties", "skipped", *_NO_TIES)
    else:
        # the region's tables are in memory: the ties need not read the workspace back
        tables = {
            "settlements": reg.settlements,
            "municipalities": reg.municipalities,
            "indicators": reg.indicators,
        }
        ties = log.run(
            "ties",
            lambda: build_workspace_ties(out, tables=tables, modelled=True),
            needs=("analyses",),
        )
    if ties is not None:
        paths.update({f"ties_{k}": v for k, v in ties.paths.items()})
        reg.provenance.append(MODELLED_FIRMS)
        if not ties.modelled and an is not None:
            # a modelled firm population must not drive judgements about real towns
            an.features = add_ties_features(an.features, ties.metrics)

    progress("typology, resilience, strategy cards")

    def strategy() -> StrategyResult:
        assert an is not None
        strat = run_strategy(reg, an)
        paths.update(write_strategy(out, strat))
        return strat

    strat = log.run("strategy", strategy, needs=("analyses",))

    progress("anchor-settlement framework")

    def anchor_step() -> AnchorsResult:
        assert access is not None
        result = run_anchors(
            reg,
            access[0],
            access[1],
            norms,
            read_anchor_levels(normatives),
            facilities=an.facilities if an is not None else None,
            scenarios=default_scenarios(),
            progress=progress,
        )
        paths.update(write_anchors(out, result))
        return result

    anchors = log.run(
        "anchors", anchor_step, needs=("analyses",) if an is not None else ("accessibility",)
    )

    progress("town passports")

    def passports_step() -> tuple[list[Any], list[str]]:
        assert an is not None
        assert strat is not None
        passports = build_passports(reg, an, strat)
        return passports, render_passports_html(passports, lang, min_tasks=pool_min_tasks)

    pp = log.run("passports", passports_step, needs=("strategy",))

    progress("write report")

    eco = an.economy if an is not None else None
    builders: dict[str, Callable[[], Any]] = {
        "access": lambda: access_section,
        "economy": lambda: build_economy_section(reg, eco) if eco is not None else None,
        "strategy": lambda: (
            build_strategy_section(reg, strat, pp[0], pp[1], modelled_network=an.access.modelled)
            if an is not None and strat is not None and pp is not None
            else None
        ),
        "ties": lambda: (
            build_ties_section(
                reg.municipalities,
                ties.network.edges,
                ties.metrics,
                add_ties_features(reg.municipalities[["oktmo"]], ties.metrics),
                modelled=bool(ties.modelled),
            )
            if ties is not None
            else None
        ),
        "anchors": lambda: build_anchor_section(anchors) if anchors is not None else None,
    }

    def report() -> Path:
        prof = an.profile if an is not None else _profile(reg)
        sections: dict[str, Any] = {}
        broken: dict[str, str] = {}
        for name, build in builders.items():
            try:
                sections[name] = build()
            except Exception as exc:  # a broken section must not cost the report
                broken[name] = f"{type(exc).__name__}: {exc}"

        def render(parts: dict[str, Any]) -> Path:
            return write_report(
                out / f"report_{lang}.html",
                reg.settlements,
                reg.municipalities,
                prof,
                build_profile_columns(),
                reg.imports,
                reg.provenance_table(),
                region_name=reg.name,
                lang=lang,
                notes=_report_notes(log, lang, eco.notes if eco is not None else None),
                **parts,
            )

        try:
            path = render(sections)
        except Exception:
            # find the sections that cannot be rendered, one at a time, and leave them out
            for name in [k for k, v in sections.items() if v is not None]:
                try:
                    render({name: sections[name]})
                except Exception as exc:
                    broken[name] = f"{type(exc).__name__}: {exc}"
                    sections[name] = None
            path = render(sections)
        for name, why in broken.items():
            log.record(f"report: {name}", "failed", why, f"ошибка: {why}")
        # render again so that the report's notes name the sections left out
        return render(sections) if broken else path

    path = log.run("report", report)
    reg.provenance_table().to_csv(out / "provenance.csv", index=False)
    if path is not None:
        paths["report"] = path
    res.paths.update(paths)
    res.profile = an.profile if an is not None else None


#: Reason of skipping the ties when a region has no employment by section.
_NO_TIES = (
    "no employment by OKVED section for this region: the modelled firm registry behind "
    "the ties is built from it",
    "нет данных о занятости по разделам ОКВЭД для этого региона: на них строится "
    "модельный реестр фирм для связей",
)


def _profile_sources() -> dict[str, str]:
    from opora.analysis.profile import PROFILE_FIELDS

    return {f.key: f.source for f in PROFILE_FIELDS}


def _with_reasons(table: pd.DataFrame, sources: Mapping[str, str]) -> pd.DataFrame:
    """``table`` with ``not_evaluated`` / ``not_evaluated_ru``: why each empty cell is empty."""
    from opora.analysis.missing import explain_missing

    return pd.concat([table, explain_missing(table, sources)], axis=1)


def _profile(reg: Region) -> pd.DataFrame:
    from opora.analysis.profile import municipality_profile

    return municipality_profile(reg.municipalities, reg.settlements, reg.indicators)


def _report_notes(log: RunLog, lang: str, eco_notes: pd.DataFrame | None) -> list[str]:
    """One line per step that did not run, per source not read and per indicator not evaluated."""
    notes = []
    for r in log.steps:
        if r.status == "ran":
            continue
        en, ru = step_label(r.step)
        if lang == "ru":
            notes.append(f"{ru} — не оценено: {r.reason_ru}")
        else:
            notes.append(f"{en} — not evaluated: {r.reason_en}")
    if eco_notes is not None and "reason_ru" in eco_notes.columns:
        rows = eco_notes[eco_notes["status"] == "not_evaluated"]
        for (why_ru, why_en), g in rows.groupby(["reason_ru", "reason"], sort=True):
            names = ", ".join(sorted(g["indicator"].astype(str).unique()))
            notes.append(
                f"не оценено ({names}): {why_ru}"
                if lang == "ru"
                else f"not evaluated ({names}): {why_en}"
            )
    return notes
