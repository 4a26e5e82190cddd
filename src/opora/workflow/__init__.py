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

The names of :data:`__all__` are imported on first use (module ``__getattr__``), so that
a command importing one job (``opora access reach``) does not load every other job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from opora._lazy import lazy_attribute

if TYPE_CHECKING:
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

#: Where each lazily imported public name lives.
_LAZY: dict[str, str] = {
    "AccessAnalyses": "opora.workflow.analyses",
    "Analyses": "opora.workflow.analyses",
    "AnchorsResult": "opora.workflow.anchors",
    "DEFAULT_SCENARIOS": "opora.workflow.anchors",
    "EconomyResult": "opora.workflow.economy",
    "Progress": "opora.workflow.progress",
    "RunResult": "opora.workflow.region",
    "StrategyResult": "opora.workflow.strategy",
    "add_ties_features": "opora.workflow.analyses",
    "analyse_region": "opora.workflow.analyses",
    "anchor_settlements": "opora.workflow.anchors",
    "build_passports": "opora.workflow.passports",
    "build_region": "opora.workflow.region",
    "default_scenarios": "opora.workflow.anchors",
    "district_centres": "opora.workflow.anchors",
    "find_town": "opora.workflow.passports",
    "init_region": "opora.workflow.region",
    "load_region": "opora.workflow.region",
    "no_progress": "opora.workflow.progress",
    "region_accessibility": "opora.workflow.analyses",
    "region_analyses": "opora.workflow.analyses",
    "region_features": "opora.workflow.analyses",
    "render_passports_html": "opora.workflow.passports",
    "run_accessibility": "opora.workflow.access",
    "run_anchors": "opora.workflow.anchors",
    "run_demo": "opora.workflow.demo",
    "run_economy": "opora.workflow.economy",
    "run_strategy": "opora.workflow.strategy",
    "town_passport_pdf": "opora.workflow.passports",
    "workspace_accessibility": "opora.workflow.analyses",
    "write_anchors": "opora.workflow.anchors",
    "write_strategy": "opora.workflow.strategy",
}


def __getattr__(name: str) -> Any:
    """Import a public name of :data:`__all__` on first use and keep it.

    Parameters
    ----------
    name
        The attribute asked for.

    Returns
    -------
    Any
        The object.

    Raises
    ------
    AttributeError
        If ``name`` is not a public name of the package.
    """
    return lazy_attribute("opora.workflow", _LAZY, globals(), name)
