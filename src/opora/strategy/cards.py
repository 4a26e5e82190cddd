"""Development strategy cards: service foundation, specialisation, instruments, targets.

A card follows the differentiated model of the anchor-settlement policy: every town
needs a **service foundation**; above it, a **specialisation** from its own
advantages; the **instruments** must fit what the municipality can carry; and the
**targets** to 2030 and 2036 are monitored, with an ALERT where anchor status shows no
substance. Every line is in Russian and English and carries the figures behind it.
All rules are in ``opora/data/strategy.toml``.

Service foundation
    Per service of the normatives: share of residents within the travel-time standard
    (from the nearest-times table when given, else ``within_standard_<service>`` of the
    features), people and settlements outside it, and, where facilities with capacity
    are given, capacity per 1,000 residents (feature ``population``) against the
    normative. Modelled facilities get their capacity from the normative itself, so
    their line says *modelled* and is not counted as a gap. A service is a gap when
    its coverage is below ``targets.coverage_2030`` or real capacity is below the
    normative.
Anchor role (``[roles]``, decided in this order)
    *regional centre* (the region's capital); *inter-district centre* (its polyclinic,
    hospital or МФЦ is the nearest one for at least ``inter_district_min_people``
    people of other municipalities and ``inter_district_min_share`` % of its own
    population, or for ``inter_district_alone_min`` people: the thresholds of the
    typology's rule; or a typology type says so); *served by a neighbour* (a typology
    type says so, or ``served_elsewhere_min_share`` % of its people have the nearest
    polyclinic or hospital in another municipality, or its centre is within
    ``satellite_max_minutes`` of a large city and it has no town of 250,000+ itself);
    else *local anchor*. When a typology (:func:`opora.typology.classify` or its
    :func:`~opora.typology.types_table`) covers the municipality, its types alone
    decide the inter-district centre and the satellite; only the nearest-times test is
    added.
Specialisation
    The best feasible candidates of
    :func:`~opora.economy.candidates.specialisation_candidates`, with their evidence.
Instruments (``[instruments]``)
    Capacity criteria (budget autonomy, size, project experience, each a list of
    tests with fallbacks) give a level: *high* when every known criterion is met,
    *medium* from half, *low* below. Rules then pick instruments by level, role and
    tests: light targeted measures at low capacity, a full programme at high.
Targets (``[targets]``)
    Living-environment quality +30 % by 2030: an official index when the table has
    ``quality_column``; otherwise opora's proxy, the mean over services of the share
    within the standard times ``min(1, capacity / normative)`` where real capacity is
    known (capped at 100, with a note when the cap binds). Coverage per service and
    population change to 2030 and 2036.
ALERT (``[monitoring.alert]``)
    When the municipality holds anchor status (a code of the optional ONP list: the
    8-digit municipality or an 11-digit settlement of it) and the conditions hold
    (default: population declining AND mean coverage below 95 % AND transfer
    dependence above 75 %).
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import pandas as pd

from opora.access.services import ServiceAccess
from opora.io.strategy_config import default_strategy_config
from opora.model.normatives import Normative
from opora.model.strategy import StrategyConfig
from opora.strategy._card_context import Types, build_context, fmt
from opora.strategy._card_sections import build_card, is_small_town

__all__ = ["card_lines", "cards_table", "small_towns", "strategy_card", "strategy_cards"]


# ------------------------------------------------------------------------- public


def strategy_card(
    oktmo: str,
    features: pd.DataFrame,
    types: Types | None = None,
    candidates: pd.DataFrame | None = None,
    access: ServiceAccess | pd.DataFrame | None = None,
    normatives: dict[str, Normative] | None = None,
    config: StrategyConfig | None = None,
    *,
    facilities: pd.DataFrame | None = None,
    settlements: pd.DataFrame | None = None,
    onp: Collection[str] | None = None,
) -> dict[str, Any]:
    """Build the development strategy card of one municipality.

    Parameters
    ----------
    oktmo
        8-digit OKTMO of the municipality (a row of ``features``).
    features
        Feature table of the whole region (the resilience index and the role
        thresholds are relative to it).
    types
        Typology: a table with ``oktmo`` and ``types`` (keys separated by ``;`` or
        ``,``) or a mapping OKTMO → key(s). Keys matching ``roles.*_types`` force a role.
    candidates
        :func:`~opora.economy.candidates.specialisation_candidates` (``economy_
        candidates.csv``); ``candidate_1`` of the features otherwise.
    access
        Nearest times (:class:`~opora.access.services.ServiceAccess` or its
        ``nearest`` table); used with ``settlements`` for exact coverage and the
        settlements outside the standard.
    normatives
        Service standards; the package default when ``None``.
    config
        Strategy rules; the package default when ``None``.
    facilities
        Facilities (``facility_id``, ``type``, ``settlement_id``, ``capacity``,
        ``modelled``) for capacity per 1,000 residents.
    settlements
        Settlements (``settlement_id``, ``population``, ``name``,
        ``municipality_oktmo``) to place facilities and settlements in municipalities.
    onp
        Official anchor-settlement codes (8-digit municipalities or 11-digit
        settlements); the ALERT is checked only when given.

    Returns
    -------
    dict
        JSON-ready card: ``oktmo``, ``name``, ``population``, ``small_town``,
        ``modelled``, ``resilience``, ``foundation`` (``role``, ``services``,
        ``gaps``), ``specialisation``, ``instruments`` (``capacity``, ``items``),
        ``targets`` (``quality``, ``coverage``, ``population``), ``monitoring``
        (``indicators``, ``alert``), notes; every section has ``text_ru`` and
        ``text_en``.

    Raises
    ------
    ValidationError
        If ``oktmo`` is not in the table or an input lacks a required column.
    """
    ctx = build_context(
        features, types, candidates, access, normatives, config, facilities, settlements, onp
    )
    return build_card(ctx, str(oktmo))


def small_towns(features: pd.DataFrame, config: StrategyConfig | None = None) -> pd.Series:
    """Mark the municipalities whose centre is a small town (or smaller).

    Parameters
    ----------
    features
        Feature table.
    config
        Strategy rules (``cards.small_town_max``, default 50,000).

    Returns
    -------
    pandas.Series
        Boolean, same index as ``features``: centre population (the municipality's
        population where the centre is unknown) at most the limit, and not the
        regional capital.
    """
    cfg = config if config is not None else default_strategy_config()
    limit = cfg.cards.small_town_max
    return pd.Series(
        [is_small_town(r, limit) for _, r in features.iterrows()], index=features.index, dtype=bool
    )


def strategy_cards(
    features: pd.DataFrame,
    types: Types | None = None,
    candidates: pd.DataFrame | None = None,
    access: ServiceAccess | pd.DataFrame | None = None,
    normatives: dict[str, Normative] | None = None,
    config: StrategyConfig | None = None,
    *,
    facilities: pd.DataFrame | None = None,
    settlements: pd.DataFrame | None = None,
    onp: Collection[str] | None = None,
    only_small_towns: bool = False,
    resilience: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Build the cards of every municipality (or of the small towns only).

    Parameters
    ----------
    features, types, candidates, access, normatives, config, facilities, settlements, onp
        As for :func:`strategy_card`.
    only_small_towns
        Keep the municipalities :func:`small_towns` marks.
    resilience
        What ``resilience_index(features, config=config)`` returned, when the caller
        has it already (it is not computed again); ``None`` computes it.

    Returns
    -------
    list of dict
        Cards in the order of ``features``.
    """
    ctx = build_context(
        features,
        types,
        candidates,
        access,
        normatives,
        config,
        facilities,
        settlements,
        onp,
        resilience=resilience,
    )
    codes = ctx.features["oktmo"].tolist()
    if only_small_towns:
        mask = small_towns(ctx.features, ctx.config).to_numpy()
        codes = [c for c, keep in zip(codes, mask, strict=True) if keep]
    return [build_card(ctx, c) for c in codes]


def cards_table(cards: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Summarise cards as one row each (for a register or a spreadsheet).

    Parameters
    ----------
    cards
        What :func:`strategy_cards` returned.

    Returns
    -------
    pandas.DataFrame
        ``oktmo``, ``name``, ``population``, ``small_town``, ``role``,
        ``resilience_index``, ``resilience_rank``, ``gaps`` (``;``-separated
        services), ``specialisation`` (best candidate), ``capacity_level``,
        ``instruments`` (``;``-separated keys), ``quality_baseline``,
        ``quality_target_2030``, ``anchor_status``, ``alert``.
    """
    rows = []
    for c in cards:
        spec = c["specialisation"]["candidates"]
        alert = c["monitoring"]["alert"]
        rows.append(
            {
                "oktmo": c["oktmo"],
                "name": c["name"],
                "population": c["population"],
                "small_town": c["small_town"],
                "role": c["foundation"]["role"]["key"],
                "resilience_index": c["resilience"]["index"],
                "resilience_rank": c["resilience"]["rank"],
                "gaps": ";".join(c["foundation"]["gaps"]),
                "specialisation": spec[0]["candidate"] if spec else None,
                "capacity_level": c["instruments"]["capacity"]["level"],
                "instruments": ";".join(i["key"] for i in c["instruments"]["items"]),
                "quality_baseline": c["targets"]["quality"]["baseline"],
                "quality_target_2030": c["targets"]["quality"]["target_2030"],
                "anchor_status": alert["anchor_status"],
                "alert": alert["active"],
            }
        )
    out = pd.DataFrame(rows)
    if not out.empty:
        out["resilience_rank"] = out["resilience_rank"].astype("Int64")
    return out


def card_lines(card: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Flatten a card into (Russian, English) lines by section, for reports.

    Parameters
    ----------
    card
        What :func:`strategy_card` returned.

    Returns
    -------
    dict
        ``foundation`` (role, then each gap; a "no gaps" line when none),
        ``specialisation`` (one line per candidate, or why there is none),
        ``instruments`` (the capacity line, then each instrument with why),
        ``targets`` (quality, coverage of the services with a gap, population),
        ``monitoring`` (indicators to watch with their baseline) and ``alerts`` (the
        ALERT line when it fires; empty otherwise).
    """
    found = card["foundation"]
    foundation = [(found["role"]["text_ru"], found["role"]["text_en"])]
    gaps = [s for s in found["services"] if s["gap"]]
    foundation += [(s["text_ru"], s["text_en"]) for s in gaps] or [
        ("Разрывов с нормативами нет", "No gaps against the standards")
    ]
    spec = card["specialisation"]
    if spec["candidates"]:
        specialisation = [
            (
                f"{c['label_ru']} (оценка {fmt(c['score'], 2, 'ru')})"
                + (f": {c['why_ru']}" if c["why_ru"] else ""),
                f"{c['label_en']} (score {fmt(c['score'], 2, 'en')})"
                + (f": {c['why_en']}" if c["why_en"] else ""),
            )
            for c in spec["candidates"]
        ]
    else:
        specialisation = [(spec["text_ru"], spec["text_en"])]
    inst = card["instruments"]
    head_ru, _, _ = inst["text_ru"].partition(". Инструменты: ")
    head_en, _, _ = inst["text_en"].partition(". Instruments: ")
    instruments = [(head_ru, head_en)] + [
        (f"{i['ru']} ({i['why_ru']})", f"{i['en']} ({i['why_en']})") for i in inst["items"]
    ]
    tg = card["targets"]
    targets = [(tg["quality"]["text_ru"], tg["quality"]["text_en"])]
    targets += [(c["text_ru"], c["text_en"]) for c in tg["coverage"] if c["gap"]]
    targets.append((tg["population"]["text_ru"], tg["population"]["text_en"]))
    mon = card["monitoring"]
    monitoring = [(w["text_ru"], w["text_en"]) for w in mon["indicators"]]
    alert = mon["alert"]
    alerts = [(alert["text_ru"], alert["text_en"])] if alert["active"] else []
    return {
        "foundation": foundation,
        "specialisation": specialisation,
        "instruments": instruments,
        "targets": targets,
        "monitoring": monitoring,
        "alerts": alerts,
    }
