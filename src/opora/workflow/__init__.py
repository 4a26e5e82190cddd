"""Assemble a region, run its analyses, write the outputs: the jobs behind the commands.

One module per job::

    progress.py    the progress callback type of the long jobs
    region.py      sources + settlement register -> validated region model (``opora init``)
    access.py      roads, facilities and travel times of a region
    economy.py     structure, complexity and specialisation candidates of a region
    analyses.py    profile, accessibility, economy and features in one pass
    strategy.py    typology, resilience and strategy cards, and their files
    passports.py   town passports (HTML fragments, one town's PDF)
    anchors.py     the anchor-settlement framework, its scenarios and files
    ties.py        inter-municipal ties from firm registries, written into a workspace
    outputs.py     which table goes into which file of the output folder
    runlog.py      steps ran / skipped / failed, run summary, staged output, ``run.json``
    demo.py        the main job (``opora demo``)

The workflow imports :mod:`opora.io`, :mod:`opora.model`, the analysis packages and
:mod:`opora.report`; the faces (:mod:`opora.cli`, :mod:`opora.api`) import it, never
the other way round.
"""

from __future__ import annotations

from opora.workflow.access import run_accessibility
from opora.workflow.analyses import (
    AccessAnalyses,
    Analyses,
    add_ties_features,
    analyse_region,
    region_accessibility,
    region_analyses,
    region_features,
    workspace_accessibility,
)
from opora.workflow.anchors import (
    DEFAULT_SCENARIOS,
    AnchorsResult,
    anchor_settlements,
    default_scenarios,
    district_centres,
    run_anchors,
    write_anchors,
)
from opora.workflow.demo import run_demo
from opora.workflow.economy import EconomyResult, run_economy
from opora.workflow.passports import (
    build_passports,
    find_town,
    render_passports_html,
    town_passport_pdf,
)
from opora.workflow.progress import Progress, no_progress
from opora.workflow.region import RunResult, build_region, init_region, load_region
from opora.workflow.strategy import StrategyResult, run_strategy, write_strategy

__all__ = [
    "DEFAULT_SCENARIOS",
    "AccessAnalyses",
    "Analyses",
    "AnchorsResult",
    "EconomyResult",
    "Progress",
    "RunResult",
    "StrategyResult",
    "add_ties_features",
    "analyse_region",
    "anchor_settlements",
    "build_passports",
    "build_region",
    "default_scenarios",
    "district_centres",
    "find_town",
    "init_region",
    "load_region",
    "no_progress",
    "region_accessibility",
    "region_analyses",
    "region_features",
    "render_passports_html",
    "run_accessibility",
    "run_anchors",
    "run_demo",
    "run_economy",
    "run_strategy",
    "town_passport_pdf",
    "workspace_accessibility",
    "write_anchors",
    "write_strategy",
]
