"""Strategy: resilience index, shock scenarios, development strategy cards and monitoring.

:func:`resilience_index` and :func:`weight_sensitivity` rank municipalities by their
ability to absorb a shock; :func:`employer_shock`, :func:`facility_closure` and
:func:`season_isolation` compute shock scenarios by hand-checkable arithmetic;
:func:`strategy_card` and :func:`strategy_cards` build bilingual development strategy
cards (service foundation, specialisation, instruments fitted to capacity, targets to
2030 and 2036, an ALERT for anchor status without substance). The rules are in
``opora/data/strategy.toml`` (:func:`opora.io.strategy_config.read_strategy_config`).
"""

from opora.strategy.cards import (
    card_lines,
    cards_table,
    small_towns,
    strategy_card,
    strategy_cards,
)
from opora.strategy.resilience import (
    WeightSensitivity,
    derived_indicators,
    resilience_index,
    weight_sensitivity,
)
from opora.strategy.shocks import (
    FacilityClosure,
    SeasonIsolation,
    employer_shock,
    facility_closure,
    season_isolation,
)

__all__ = [
    "FacilityClosure",
    "SeasonIsolation",
    "WeightSensitivity",
    "card_lines",
    "cards_table",
    "derived_indicators",
    "employer_shock",
    "facility_closure",
    "resilience_index",
    "season_isolation",
    "small_towns",
    "strategy_card",
    "strategy_cards",
    "weight_sensitivity",
]
