"""What the anchor framework returns: a plan of anchors with its assessment, an evaluation."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["REASONS", "AnchorPlan", "Evaluation"]

#: Reasons why population stays outside a standard, with their Russian and English labels.
REASONS: dict[str, tuple[str, str]] = {
    "too_far": ("слишком далеко", "too far"),
    "no_anchor": ("нет опорного пункта в пределах норматива", "no anchor within the standard"),
    "capacity": ("не хватает мощности", "capacity exhausted"),
    "unreachable": ("нет дороги", "no road"),
    "season": ("сезонная изоляция", "seasonal isolation"),
}


@dataclass(eq=False)
class AnchorPlan:
    """A set of anchors and its assessment (from :meth:`AnchorFramework.solve` or ``assess``).

    Attributes
    ----------
    anchors
        One row per anchor: ``settlement_id, name, municipality, level, level_ru, level_en,
        fixed, services, services_ru, services_en, population, settlements_served,
        catchment_population, served_population``. ``fixed`` marks existing anchors kept;
        ``services`` lists the service keys the anchor must provide; ``served_population``
        is the largest population it serves within a standard over those services.
    anchor_services
        One row per anchor and service it provides: ``anchor_id, service, level,
        served_population, required_capacity, capacity_unit`` (``required_capacity`` =
        served population × the normative per 1,000 residents).
    assignment
        One row per settlement, service and state: ``settlement_id, service, level, state,
        anchor_id, minutes, within_standard, population, population_outside, reason``
        (``reason`` is empty when the standard is met; see :data:`REASONS`).
    coverage
        One row per service (base state): ``service, level, label_ru, label_en,
        max_minutes, population, covered_population, covered_pct`` and the population
        outside by reason: ``outside_too_far, outside_no_anchor, outside_capacity,
        outside_unreachable, outside_season``.
    catchments
        One row per settlement: ``settlement_id, anchor_id`` (nearest anchor of any level in
        the base state within the longest standard, else missing), ``minutes``,
        ``district_anchor_id`` (nearest anchor of the top level) and ``covered`` (every
        service within its standard in the base state).
    solves
        How each model was solved: ``step, model, status, objective, gap, seconds, unit,
        objective_before``. A level's set-covering row counts anchors; its ``travel
        time`` row (the tie-break) gives the population-weighted mean minutes from each
        settlement to its nearest anchor, with ``objective_before`` the same mean for the
        set that the relocation pass alone would have kept.
    state
        The base state (season) of the assessment.
    """

    anchors: pd.DataFrame
    anchor_services: pd.DataFrame
    assignment: pd.DataFrame
    coverage: pd.DataFrame
    catchments: pd.DataFrame
    solves: pd.DataFrame
    state: str

    @property
    def outside(self) -> pd.DataFrame:
        """Assignment rows whose population is (partly) outside the standard."""
        a = self.assignment
        return a[a["population_outside"] > 0].reset_index(drop=True)

    def by_level(self) -> dict[str, list[str]]:
        """Anchor settlement ids by level."""
        out: dict[str, list[str]] = {}
        for sid, level in self.anchors[["settlement_id", "level"]].itertuples(index=False):
            out.setdefault(str(level), []).append(str(sid))
        return out


@dataclass(eq=False)
class Evaluation:
    """Evaluation of a given anchor list (:meth:`AnchorFramework.evaluate`).

    Attributes
    ----------
    plan
        The given list assessed like a proposal (:class:`AnchorPlan`).
    comparison
        One row per service: ``service, level, label_ru, label_en, max_minutes,
        given_pct, proposed_pct, difference_pp``.
    counts
        Anchors per level: ``level, given, proposed, in_both, only_given, only_proposed``.
    by_municipality
        Population outside each standard under the given list: ``municipality, service,
        population, outside, outside_pct``.
    redundant
        Given anchors removable without any loss of coverage (removed one after another,
        the smallest first): ``settlement_id, name, level``.
    additions
        Best additions to the given list, per level, in order of marginal gain: ``level,
        rank, settlement_id, name, population, gain_population, gain_person_services``
        (``gain_population``: the largest number of people newly within the standard of
        one of the level's services).
    by_kind
        Per kind of the given list (``kind`` column; ``other`` when it has none):
        ``kind, anchors, population, catchment_population, covered_population,
        covered_pct, redundant`` — the catchment is the settlements whose nearest given
        anchor is of that kind, covered when every service is within its standard.
    """

    plan: AnchorPlan
    comparison: pd.DataFrame
    counts: pd.DataFrame
    by_municipality: pd.DataFrame
    redundant: pd.DataFrame
    additions: pd.DataFrame
    by_kind: pd.DataFrame = field(default_factory=pd.DataFrame)
