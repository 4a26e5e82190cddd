"""The main job (``opora demo``): workspace, analyses, ties, strategy, anchors and report.

Each step is done elsewhere in :mod:`opora.workflow` (region, analyses, strategy,
anchors, passports, outputs) or by :mod:`opora.report`; this module runs them in order
and gathers the files written.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from opora.config import Settings
from opora.io.normatives import read_anchor_levels, read_normatives
from opora.model.provenance import Provenance
from opora.model.result import ImportResult
from opora.report.html import write_report
from opora.report.sections.access import build_access_section
from opora.report.sections.anchors import build_anchor_section
from opora.report.sections.economy import build_economy_section
from opora.report.sections.profile import build_profile_columns
from opora.report.sections.strategy import build_strategy_section
from opora.report.sections.ties import build_ties_section
from opora.workflow.analyses import add_ties_features, analyse_region
from opora.workflow.anchors import default_scenarios, run_anchors, write_anchors
from opora.workflow.outputs import write_access, write_economy
from opora.workflow.passports import build_passports, render_passports_html
from opora.workflow.progress import Progress, no_progress
from opora.workflow.region import RunResult, init_region
from opora.workflow.strategy import run_strategy, write_strategy
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
        Model, files written (``report`` among them) and the profile table.
    """
    res = init_region(
        out_dir, settings, region=region, data_dir=data_dir, register=register, progress=progress
    )
    reg = res.region
    t0 = time.perf_counter()
    out = Path(out_dir)
    an = analyse_region(
        reg, read_normatives(normatives), osm=osm, facilities=facilities, progress=progress
    )
    prof, acc, shares, graph, eco = an.profile, an.access, an.shares, an.graph, an.economy
    prof.to_csv(out / "municipality_profile.csv", index=False)
    progress("write accessibility and economy tables")
    write_access(out, reg, acc, an.facilities, shares)
    section = build_access_section(
        reg,
        acc,
        shares,
        an.normatives,
        graph,
        facilities_modelled=any(
            p.table == "facilities" and p.kind == "modelled" for p in reg.provenance
        ),
    )
    eco_paths = write_economy(out, eco)
    an.features.to_csv(out / "municipality_features.csv", index=False)
    eco_paths["features"] = out / "municipality_features.csv"
    progress("ties between municipalities (modelled firm registry)")
    # the region's tables are in memory: the ties need not read the workspace back
    tables = {
        "settlements": reg.settlements,
        "municipalities": reg.municipalities,
        "indicators": reg.indicators,
    }
    ties = build_workspace_ties(out, tables=tables, modelled=True)
    eco_paths.update({f"ties_{k}": v for k, v in ties.paths.items()})
    reg.provenance.append(MODELLED_FIRMS)
    if not ties.modelled:
        # a modelled firm population must not drive judgements about real towns
        an.features = add_ties_features(an.features, ties.metrics)
    progress("typology, resilience, strategy cards")
    strat = run_strategy(reg, an)
    eco_paths.update(write_strategy(out, strat))
    progress("anchor-settlement framework")
    anchors = run_anchors(
        reg,
        an.access,
        an.graph,
        an.normatives,
        read_anchor_levels(normatives),
        scenarios=default_scenarios(),
        progress=progress,
    )
    eco_paths.update(write_anchors(out, anchors))
    progress("town passports")
    passports = build_passports(reg, an, strat)
    fragments = render_passports_html(passports, lang)
    progress("write report")
    report = write_report(
        out / f"report_{lang}.html",
        reg.settlements,
        reg.municipalities,
        prof,
        build_profile_columns(),
        reg.imports,
        reg.provenance_table(),
        region_name=reg.name,
        lang=lang,
        access=section,
        economy=build_economy_section(reg, eco),
        strategy=build_strategy_section(
            reg, strat, passports, fragments, modelled_network=an.access.modelled
        ),
        ties=build_ties_section(
            reg.municipalities,
            ties.network.edges,
            ties.metrics,
            add_ties_features(reg.municipalities[["oktmo"]], ties.metrics),
            modelled=bool(ties.modelled),
        ),
        anchors=build_anchor_section(anchors),
    )
    reg.provenance_table().to_csv(out / "provenance.csv", index=False)
    res.paths["profile"] = out / "municipality_profile.csv"
    res.paths.update(eco_paths)
    res.paths["report"] = report
    res.profile = prof
    res.seconds["analysis_report"] = time.perf_counter() - t0
    logger.info("demo written to %s", out)
    return res
