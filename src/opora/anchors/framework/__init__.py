"""The anchor-settlement framework: multi-service hierarchical selection and its assessment.

An *anchor settlement* keeps services within reach of the territory around it. This module
chooses anchors for several services at once, in a hierarchy of levels (inter-district
centres above local anchors; each service belongs to one level by its normative), and
assesses any set of anchors, proposed or given:

1. **Selection**, level by level from the top: each (settlement, service) pair of the level is
   a demand point weighted by the settlement's population; a candidate covers it when the
   travel time is within the service's standard. The model first covers *every* demand point
   that any candidate can reach within its standard (as much population as possible) with the
   *fewest* anchors: a set-covering model (:class:`~opora.anchors.LSCP`) solved exactly with
   HiGHS. With a limit on the number of anchors of a level it becomes a maximal-covering
   model (:class:`~opora.anchors.MCLP`). Anchors chosen at a higher level are fixed open at
   the lower levels (an inter-district centre is a local anchor too), and existing anchors
   can be fixed. Among equally good anchor sets, a last pass moves each new anchor to the
   most populous candidate that covers everything it alone covered.
2. **Services each anchor must provide**: per service, the fewest open anchors of that
   service's level or above that keep every coverable settlement within its standard
   (set covering again); existing anchors keep all services of their level.
3. **Assessment**: every settlement goes to its nearest provider of each service; with
   capacities, a linear programme (HiGHS) assigns as much population as the capacities
   allow, the nearest first. Population outside a standard gets a reason:

   ``too_far``
       no settlement that could be an anchor lies within the standard;
   ``no_anchor``
       one could, but no anchor of the set provides the service within the standard
       (a gap of a given list, or the price of a limit on the number of anchors);
   ``capacity``
       within the standard of an anchor whose capacity is taken by nearer settlements;
   ``unreachable``
       no road from the settlement reaches any candidate in that season;
   ``season``
       within the standard in the base season (summer) but not in a later one.

Travel times come from a road graph (:meth:`AnchorFramework.from_graph`) or from a long
table users bring from OSRM or R5 (:meth:`AnchorFramework.from_cost_matrix`). The results are
tables keyed by ``settlement_id``; nothing is written here.

Modules
-------
* :mod:`~opora.anchors.framework.construction`: :meth:`AnchorFramework.from_graph`,
  :meth:`AnchorFramework.from_cost_matrix`, :meth:`AnchorFramework.with_links` (travel
  times);
* :mod:`~opora.anchors.framework.selection`: :meth:`AnchorFramework.solve` (set covering
  level by level, the relocation pass, the services of each anchor);
* :mod:`~opora.anchors.framework.assessment`: :meth:`AnchorFramework.assess` (coverage,
  reasons outside a standard, capacities);
* :mod:`~opora.anchors.framework.evaluation`: :meth:`AnchorFramework.evaluate` (a given
  list against the proposal, redundant anchors, best additions);
* :mod:`~opora.anchors.framework.plan`: the results, :class:`AnchorPlan` and
  :class:`Evaluation`.

:class:`AnchorFramework` is one class composed of these parts.
"""

from __future__ import annotations

from dataclasses import dataclass

from opora.anchors.framework.construction import _Construction
from opora.anchors.framework.evaluation import _Evaluation
from opora.anchors.framework.plan import REASONS, AnchorPlan, Evaluation
from opora.errors import AnchorSelectionError

__all__ = [
    "REASONS",
    "AnchorFramework",
    "AnchorPlan",
    "AnchorSelectionError",
    "Evaluation",
]


@dataclass
class AnchorFramework(_Construction, _Evaluation):
    """Travel times between settlements and candidate anchors, with the standards.

    Build it with :meth:`from_graph` or :meth:`from_cost_matrix`, then call :meth:`solve`
    (a proposal; returns ``self``, the result in :attr:`plan`), :meth:`assess` (any set of
    anchors) or :meth:`evaluate` (a given list against the proposal).

    Attributes
    ----------
    settlements
        ``settlement_id, population`` and, when known, ``name, municipality, lon, lat``;
        one row per settlement, in the order of the positions used inside.
    normatives
        Service standards by key.
    levels
        Levels of the hierarchy by key, the highest first.
    modelled
        Whether the travel times rest on a modelled network.
    base_state
        The season of the main assessment (``summer``).
    plan
        The proposal after :meth:`solve`, else ``None``.
    """
