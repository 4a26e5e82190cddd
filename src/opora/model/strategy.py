"""Strategy rules as typed settings: resilience weights, shock multiplier, card rules, targets.

:func:`parse_strategy_config` checks a mapping laid out like ``opora/data/strategy.toml``
(already loaded; the file's comments give the reason for every value) and returns a
:class:`StrategyConfig`, raising :class:`~opora.errors.FormatError` naming the key (such
as ``resilience.components.population.weight``). The file itself is read by
:func:`opora.io.strategy_config.read_strategy_config`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from opora.errors import FormatError

__all__ = [
    "ROLES",
    "AlertCondition",
    "AlertConfig",
    "CardConfig",
    "Component",
    "Condition",
    "Criterion",
    "EmployerShockConfig",
    "InstrumentConfig",
    "InstrumentRule",
    "ResilienceConfig",
    "RoleConfig",
    "SensitivityConfig",
    "StrategyConfig",
    "TargetConfig",
    "WatchIndicator",
    "parse_strategy_config",
]

#: Anchor roles, in the order they are decided.
ROLES = ("regional_centre", "inter_district_centre", "served_by_neighbour", "local_anchor")

_OPS = ("<", "<=", ">", ">=")
_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class Condition:
    """A condition on one column: ``column op value``.

    Attributes
    ----------
    column
        Column of the feature table (or a derived column, see ``strategy.toml``).
    op
        ``<``, ``<=``, ``>`` or ``>=``.
    value
        Threshold.
    """

    column: str
    op: str
    value: float

    def holds(self, x: float | None) -> bool | None:
        """Whether ``x`` satisfies the condition; ``None`` when ``x`` is missing.

        Parameters
        ----------
        x
            The municipality's value.

        Returns
        -------
        bool or None
            The answer, or ``None`` for a missing (``None``/``NaN``) value.
        """
        if x is None or not math.isfinite(float(x)):
            return None
        v = float(x)
        if self.op == "<":
            return v < self.value
        if self.op == "<=":
            return v <= self.value
        if self.op == ">":
            return v > self.value
        return v >= self.value


@dataclass(frozen=True)
class Component:
    """One component of the resilience index.

    Attributes
    ----------
    key
        Component key (``population``, ``budget``…).
    weight
        Weight (non-negative; rescaled over the known components).
    indicators
        Column names; a leading ``-`` counts negatively, a trailing ``*`` is a glob
        whose matched columns are averaged before normalisation.
    label_ru, label_en
        Names.
    rationale
        Why the component and its weight.
    """

    key: str
    weight: float
    indicators: tuple[str, ...]
    label_ru: str
    label_en: str
    rationale: str


@dataclass(frozen=True)
class ResilienceConfig:
    """Rules of the resilience index (``[resilience]``).

    Attributes
    ----------
    components
        Components in file order.
    normalisation
        ``minmax`` or ``percentile``.
    min_weight_share
        Least share of the total weight the known components must carry.
    industry_sections
        OKVED sections of ``industry_top_share``.
    bottom_share
        Share of municipalities forming the bottom group in the sensitivity check.
    """

    components: tuple[Component, ...]
    normalisation: str
    min_weight_share: float
    industry_sections: tuple[str, ...]
    bottom_share: float

    @property
    def weights(self) -> dict[str, float]:
        """Weights by component key."""
        return {c.key: c.weight for c in self.components}


@dataclass(frozen=True)
class SensitivityConfig:
    """Weight-sensitivity defaults (``[sensitivity]``).

    Attributes
    ----------
    method
        ``dirichlet`` or ``one_at_a_time``.
    runs
        Number of random weight sets.
    seed
        Seed of the random generator.
    concentration
        Dirichlet concentration (higher: weights closer to the defaults).
    step
        Relative change of the one-at-a-time method.
    """

    method: str
    runs: int
    seed: int
    concentration: float
    step: float


@dataclass(frozen=True)
class EmployerShockConfig:
    """Main-employer shock defaults (``[shocks.employer]``).

    Attributes
    ----------
    multiplier, multiplier_low, multiplier_high
        Local employment multiplier and its range.
    exclude_sections
        Sections never taken as the "main employer" by default (budget sector).
    source, rationale
        Where the multiplier comes from and why this value.
    """

    multiplier: float
    multiplier_low: float
    multiplier_high: float
    exclude_sections: tuple[str, ...]
    source: str
    rationale: str


@dataclass(frozen=True)
class CardConfig:
    """Strategy-card options (``[cards]``).

    Attributes
    ----------
    small_town_max
        Largest centre population of a small town.
    max_candidates
        Specialisation candidates shown.
    worst_settlements
        Settlements outside the standard listed per service.
    """

    small_town_max: float
    max_candidates: int
    worst_settlements: int


@dataclass(frozen=True)
class RoleConfig:
    """Anchor-role thresholds (``[roles]``).

    Attributes
    ----------
    inter_district_min_people, inter_district_min_share, inter_district_alone_min
        A municipality is an inter-district centre when its district services are the
        nearest for at least ``min_people`` people of other municipalities and
        ``min_share`` % of its own population, or for ``alone_min`` people.
    satellite_max_minutes
        Minutes to a large city within which a municipality is served by a neighbour.
    served_elsewhere_min_share
        Share (%) of own population with the nearest polyclinic or hospital elsewhere
        from which a municipality is served by a neighbour.
    inter_district_types, neighbour_types
        Typology keys (substrings) that force a role.
    labels
        Role key → (Russian, English) label.
    """

    inter_district_min_people: float
    inter_district_min_share: float
    inter_district_alone_min: float
    satellite_max_minutes: float
    served_elsewhere_min_share: float
    inter_district_types: tuple[str, ...]
    neighbour_types: tuple[str, ...]
    labels: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Criterion:
    """One capacity criterion: met when its first test on a known value holds.

    Attributes
    ----------
    key
        Criterion key.
    label_ru, label_en
        Names.
    tests
        Tests in order of preference (later ones are fallbacks).
    rationale
        Why.
    """

    key: str
    label_ru: str
    label_en: str
    tests: tuple[Condition, ...]
    rationale: str


@dataclass(frozen=True)
class InstrumentRule:
    """An instrument and when it applies.

    Attributes
    ----------
    key
        Instrument key.
    ru, en
        Texts.
    levels
        Capacity levels it applies to (empty: any).
    roles
        Anchor roles it applies to (empty: any).
    tests
        Conditions that must all hold (empty: none).
    types
        Typology keys (substrings), one of which the municipality must have (empty: any).
    """

    key: str
    ru: str
    en: str
    levels: tuple[str, ...]
    roles: tuple[str, ...]
    tests: tuple[Condition, ...]
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstrumentConfig:
    """Capacity criteria and instrument rules (``[instruments]``).

    Attributes
    ----------
    criteria
        Capacity criteria.
    rules
        Instrument rules.
    medium_share, high_share
        Share of known criteria met from which the level is medium / high.
    """

    criteria: tuple[Criterion, ...]
    rules: tuple[InstrumentRule, ...]
    medium_share: float
    high_share: float


@dataclass(frozen=True)
class TargetConfig:
    """Targets to 2030 and 2036 (``[targets]``).

    Attributes
    ----------
    quality_goal_pct
        Rise of the living-environment quality by 2030, %.
    quality_column
        Column with an official quality index, used when present.
    coverage_2030, coverage_2036
        Share within the travel-time standard per service, %.
    population_decline_cut_2030
        Largest annual decline in 2030 as a fraction of today's.
    population_change_2036
        Least annual population change in 2036, %.
    """

    quality_goal_pct: float
    quality_column: str
    coverage_2030: float
    coverage_2036: float
    population_decline_cut_2030: float
    population_change_2036: float


@dataclass(frozen=True)
class WatchIndicator:
    """An indicator to monitor.

    Attributes
    ----------
    column
        Column (feature or derived).
    label_ru, label_en
        Names.
    unit
        Unit shown after the value.
    better
        ``up`` or ``down``: which direction is an improvement.
    """

    column: str
    label_ru: str
    label_en: str
    unit: str
    better: str


@dataclass(frozen=True)
class AlertCondition:
    """A condition of the "status without substance" alert.

    Attributes
    ----------
    condition
        The condition.
    label_ru, label_en
        What it means.
    """

    condition: Condition
    label_ru: str
    label_en: str


@dataclass(frozen=True)
class AlertConfig:
    """The alert rule (``[monitoring.alert]``).

    Attributes
    ----------
    mode
        ``all`` (every condition) or ``any``.
    conditions
        Conditions.
    """

    mode: str
    conditions: tuple[AlertCondition, ...]


@dataclass(frozen=True)
class StrategyConfig:
    """Everything in ``strategy.toml``.

    Attributes
    ----------
    resilience, sensitivity, employer_shock, cards, roles, instruments, targets
        Sections.
    indicators
        Indicators to monitor.
    alert
        The alert rule.
    source
        The file read (or ``<memory>``).
    """

    resilience: ResilienceConfig
    sensitivity: SensitivityConfig
    employer_shock: EmployerShockConfig
    cards: CardConfig
    roles: RoleConfig
    instruments: InstrumentConfig
    targets: TargetConfig
    indicators: tuple[WatchIndicator, ...]
    alert: AlertConfig
    source: str = "<memory>"


class _Reader:
    """Typed access to the loaded TOML, raising FormatError with the dotted key."""

    def __init__(self, path: str | Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> NoReturn:
        msg = f"key `{key}`: {message}"
        raise FormatError(self.path, msg, column=key)

    def table(self, data: Mapping[str, Any], name: str, key: str) -> Mapping[str, Any]:
        value = data.get(name)
        if not isinstance(value, Mapping):
            self.fail(key, "missing or not a table; compare with the default strategy.toml")
        return value

    def tables(self, data: Mapping[str, Any], name: str, key: str) -> list[Mapping[str, Any]]:
        value = data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            msg = "missing or not an array of tables ([[...]]); see the default strategy.toml"
            self.fail(key, msg)
        return list(value)

    def number(
        self,
        data: Mapping[str, Any],
        name: str,
        key: str,
        *,
        low: float | None = None,
        high: float | None = None,
        strict_low: bool = False,
    ) -> float:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number, got {value!r}")
        x = float(value)
        if not math.isfinite(x):
            self.fail(key, f"must be finite, got {value!r}")
        if low is not None and (x <= low if strict_low else x < low):
            sign = ">" if strict_low else "≥"
            self.fail(key, f"must be {sign} {low:g}, got {value!r}")
        if high is not None and x > high:
            self.fail(key, f"must be ≤ {high:g}, got {value!r}")
        return x

    def integer(self, data: Mapping[str, Any], name: str, key: str, *, low: int = 0) -> int:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.fail(key, f"must be an integer ≥ {low}, got {value!r}")
        return int(value)

    def string(
        self,
        data: Mapping[str, Any],
        name: str,
        key: str,
        *,
        choices: tuple[str, ...] | None = None,
        default: str | None = None,
    ) -> str:
        value = data.get(name, default)
        if not isinstance(value, str):
            self.fail(key, f"must be a string, got {value!r}")
        if choices is not None and value not in choices:
            self.fail(key, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def strings(
        self,
        data: Mapping[str, Any],
        name: str,
        key: str,
        *,
        choices: tuple[str, ...] | None = None,
        required: bool = True,
    ) -> tuple[str, ...]:
        if name not in data and not required:
            return ()
        value = data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"must be a list of strings, got {value!r}")
        if choices is not None:
            bad = [v for v in value if v not in choices]
            if bad:
                self.fail(key, f"unknown {bad[0]!r}; use {', '.join(choices)}")
        return tuple(value)

    def tests(self, data: Mapping[str, Any], name: str, key: str) -> tuple[Condition, ...]:
        if name not in data:
            return ()
        raw = data[name]
        if not isinstance(raw, list):
            self.fail(key, "must be an array of {column, op, value} tables")
        return tuple(self.test(t, f"{key}[{i}]") for i, t in enumerate(raw))

    def test(self, data: object, key: str) -> Condition:
        if not isinstance(data, Mapping):
            self.fail(key, "must be a table {column, op, value}")
        return Condition(
            column=self.string(data, "column", f"{key}.column"),
            op=self.string(data, "op", f"{key}.op", choices=_OPS),
            value=self.number(data, "value", f"{key}.value"),
        )


def _resilience(r: _Reader, data: Mapping[str, Any]) -> ResilienceConfig:
    sec = r.table(data, "resilience", "resilience")
    comps_raw = r.table(sec, "components", "resilience.components")
    comps = []
    for name, spec in comps_raw.items():
        key = f"resilience.components.{name}"
        if not isinstance(spec, Mapping):
            r.fail(key, "must be a table")
        indicators = r.strings(spec, "indicators", f"{key}.indicators")
        for ind in indicators:
            if not ind.lstrip("-").rstrip("*"):
                r.fail(f"{key}.indicators", f"empty indicator name {ind!r}")
        comps.append(
            Component(
                key=str(name),
                weight=r.number(spec, "weight", f"{key}.weight", low=0.0),
                indicators=indicators,
                label_ru=r.string(spec, "label_ru", f"{key}.label_ru"),
                label_en=r.string(spec, "label_en", f"{key}.label_en"),
                rationale=r.string(spec, "rationale", f"{key}.rationale", default=""),
            )
        )
    if not comps or not any(c.weight > 0 for c in comps):
        r.fail("resilience.components", "needs at least one component of positive weight")
    return ResilienceConfig(
        components=tuple(comps),
        normalisation=r.string(
            sec, "normalisation", "resilience.normalisation", choices=("minmax", "percentile")
        ),
        min_weight_share=r.number(
            sec, "min_weight_share", "resilience.min_weight_share", low=0.0, high=1.0
        ),
        industry_sections=r.strings(sec, "industry_sections", "resilience.industry_sections"),
        bottom_share=r.number(
            sec, "bottom_share", "resilience.bottom_share", low=0.0, high=1.0, strict_low=True
        ),
    )


def _sensitivity(r: _Reader, data: Mapping[str, Any]) -> SensitivityConfig:
    sec = r.table(data, "sensitivity", "sensitivity")
    return SensitivityConfig(
        method=r.string(
            sec, "method", "sensitivity.method", choices=("dirichlet", "one_at_a_time")
        ),
        runs=r.integer(sec, "runs", "sensitivity.runs", low=1),
        seed=r.integer(sec, "seed", "sensitivity.seed"),
        concentration=r.number(
            sec, "concentration", "sensitivity.concentration", low=0.0, strict_low=True
        ),
        step=r.number(sec, "step", "sensitivity.step", low=0.0, high=1.0, strict_low=True),
    )


def _employer(r: _Reader, data: Mapping[str, Any]) -> EmployerShockConfig:
    shocks = r.table(data, "shocks", "shocks")
    sec = r.table(shocks, "employer", "shocks.employer")
    key = "shocks.employer"
    low = r.number(sec, "multiplier_low", f"{key}.multiplier_low", low=0.0)
    high = r.number(sec, "multiplier_high", f"{key}.multiplier_high", low=0.0)
    mid = r.number(sec, "multiplier", f"{key}.multiplier", low=0.0)
    if not low <= mid <= high:
        msg = f"must lie between multiplier_low ({low:g}) and multiplier_high ({high:g})"
        r.fail(f"{key}.multiplier", msg)
    return EmployerShockConfig(
        multiplier=mid,
        multiplier_low=low,
        multiplier_high=high,
        exclude_sections=r.strings(sec, "exclude_sections", f"{key}.exclude_sections"),
        source=r.string(sec, "source", f"{key}.source"),
        rationale=r.string(sec, "rationale", f"{key}.rationale"),
    )


def _cards(r: _Reader, data: Mapping[str, Any]) -> CardConfig:
    sec = r.table(data, "cards", "cards")
    return CardConfig(
        small_town_max=r.number(
            sec, "small_town_max", "cards.small_town_max", low=0.0, strict_low=True
        ),
        max_candidates=r.integer(sec, "max_candidates", "cards.max_candidates", low=1),
        worst_settlements=r.integer(sec, "worst_settlements", "cards.worst_settlements"),
    )


def _roles(r: _Reader, data: Mapping[str, Any]) -> RoleConfig:
    sec = r.table(data, "roles", "roles")
    labels_raw = r.table(sec, "labels", "roles.labels")
    labels: dict[str, tuple[str, str]] = {}
    for role in ROLES:
        pair = labels_raw.get(role)
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
        ):
            r.fail(f"roles.labels.{role}", f"must be [russian, english], got {pair!r}")
        labels[role] = (pair[0], pair[1])
    return RoleConfig(
        inter_district_min_people=r.number(
            sec, "inter_district_min_people", "roles.inter_district_min_people", low=0.0
        ),
        inter_district_min_share=r.number(
            sec, "inter_district_min_share", "roles.inter_district_min_share", low=0.0
        ),
        inter_district_alone_min=r.number(
            sec, "inter_district_alone_min", "roles.inter_district_alone_min", low=0.0
        ),
        satellite_max_minutes=r.number(
            sec, "satellite_max_minutes", "roles.satellite_max_minutes", low=0.0
        ),
        served_elsewhere_min_share=r.number(
            sec,
            "served_elsewhere_min_share",
            "roles.served_elsewhere_min_share",
            low=0.0,
            high=100.0,
        ),
        inter_district_types=r.strings(
            sec, "inter_district_types", "roles.inter_district_types", required=False
        ),
        neighbour_types=r.strings(sec, "neighbour_types", "roles.neighbour_types", required=False),
        labels=labels,
    )


def _instruments(r: _Reader, data: Mapping[str, Any]) -> InstrumentConfig:
    sec = r.table(data, "instruments", "instruments")
    criteria = []
    for i, spec in enumerate(r.tables(sec, "criteria", "instruments.criteria")):
        key = f"instruments.criteria[{i}]"
        tests = r.tests(spec, "tests", f"{key}.tests")
        if not tests:
            r.fail(f"{key}.tests", "needs at least one test")
        criteria.append(
            Criterion(
                key=r.string(spec, "key", f"{key}.key"),
                label_ru=r.string(spec, "label_ru", f"{key}.label_ru"),
                label_en=r.string(spec, "label_en", f"{key}.label_en"),
                tests=tests,
                rationale=r.string(spec, "rationale", f"{key}.rationale", default=""),
            )
        )
    rules = []
    for i, spec in enumerate(r.tables(sec, "rules", "instruments.rules")):
        key = f"instruments.rules[{i}]"
        rules.append(
            InstrumentRule(
                key=r.string(spec, "key", f"{key}.key"),
                ru=r.string(spec, "ru", f"{key}.ru"),
                en=r.string(spec, "en", f"{key}.en"),
                levels=r.strings(spec, "levels", f"{key}.levels", choices=_LEVELS, required=False),
                roles=r.strings(spec, "roles", f"{key}.roles", choices=ROLES, required=False),
                tests=r.tests(spec, "tests", f"{key}.tests"),
                types=r.strings(spec, "types", f"{key}.types", required=False),
            )
        )
    medium = r.number(sec, "medium_share", "instruments.medium_share", low=0.0, high=1.0)
    high = r.number(sec, "high_share", "instruments.high_share", low=0.0, high=1.0)
    if high < medium:
        r.fail("instruments.high_share", f"must be ≥ medium_share ({medium:g})")
    return InstrumentConfig(tuple(criteria), tuple(rules), medium, high)


def _targets(r: _Reader, data: Mapping[str, Any]) -> TargetConfig:
    sec = r.table(data, "targets", "targets")
    return TargetConfig(
        quality_goal_pct=r.number(sec, "quality_goal_pct", "targets.quality_goal_pct", low=0.0),
        quality_column=r.string(sec, "quality_column", "targets.quality_column"),
        coverage_2030=r.number(sec, "coverage_2030", "targets.coverage_2030", low=0.0, high=100.0),
        coverage_2036=r.number(sec, "coverage_2036", "targets.coverage_2036", low=0.0, high=100.0),
        population_decline_cut_2030=r.number(
            sec,
            "population_decline_cut_2030",
            "targets.population_decline_cut_2030",
            low=0.0,
            high=1.0,
        ),
        population_change_2036=r.number(
            sec, "population_change_2036", "targets.population_change_2036"
        ),
    )


def _monitoring(
    r: _Reader, data: Mapping[str, Any]
) -> tuple[tuple[WatchIndicator, ...], AlertConfig]:
    sec = r.table(data, "monitoring", "monitoring")
    watch = []
    for i, spec in enumerate(r.tables(sec, "indicators", "monitoring.indicators")):
        key = f"monitoring.indicators[{i}]"
        watch.append(
            WatchIndicator(
                column=r.string(spec, "column", f"{key}.column"),
                label_ru=r.string(spec, "label_ru", f"{key}.label_ru"),
                label_en=r.string(spec, "label_en", f"{key}.label_en"),
                unit=r.string(spec, "unit", f"{key}.unit", default=""),
                better=r.string(spec, "better", f"{key}.better", choices=("up", "down")),
            )
        )
    alert = r.table(sec, "alert", "monitoring.alert")
    conditions = []
    for i, spec in enumerate(r.tables(alert, "conditions", "monitoring.alert.conditions")):
        key = f"monitoring.alert.conditions[{i}]"
        conditions.append(
            AlertCondition(
                condition=r.test(spec, key),
                label_ru=r.string(spec, "label_ru", f"{key}.label_ru"),
                label_en=r.string(spec, "label_en", f"{key}.label_en"),
            )
        )
    if not conditions:
        r.fail("monitoring.alert.conditions", "needs at least one condition")
    mode = r.string(alert, "mode", "monitoring.alert.mode", choices=("all", "any"))
    return tuple(watch), AlertConfig(mode, tuple(conditions))


def parse_strategy_config(data: Mapping[str, Any], path: str | Path = "<memory>") -> StrategyConfig:
    """Check and convert a loaded strategy mapping (the TOML's structure).

    Parameters
    ----------
    data
        The mapping, as :func:`tomllib.loads` returns it.
    path
        Where it came from (used in error messages).

    Returns
    -------
    StrategyConfig
        The typed configuration.

    Raises
    ------
    FormatError
        If a key is missing or has a wrong value; ``column`` holds the dotted key.
    """
    r = _Reader(path)
    version = data.get("version")
    if version != 1:
        r.fail("version", f"must be 1, got {version!r}")
    indicators, alert = _monitoring(r, data)
    return StrategyConfig(
        resilience=_resilience(r, data),
        sensitivity=_sensitivity(r, data),
        employer_shock=_employer(r, data),
        cards=_cards(r, data),
        roles=_roles(r, data),
        instruments=_instruments(r, data),
        targets=_targets(r, data),
        indicators=indicators,
        alert=alert,
        source=str(path),
    )
