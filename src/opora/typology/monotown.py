"""The single-enterprise type: the monotown criteria of decree No. 709, as the data allow.

Government decree No. 709 of 29 July 2014 classes a municipality as single-industry
(a monotown, моногород) when all of these hold: (а) it is an urban okrug or an urban
settlement (municipal okrugs were admitted by the amendment of December 2025);
(б) more than 3,000 permanent residents; (в) one organisation (with its branches), or
several in one production process, employed at some time in the preceding five years
20 % of the average headcount of all organisations of the municipality; (г) at least one
of them mines (oil and gas excluded) or manufactures.

opora reads the four criteria from the data it has (thresholds in
``opora/data/typology.toml``, rule ``single_enterprise``; every one is a test, all must
pass):

unit
    A municipality row passes when its ``type`` is one of ``municipality_types`` (a
    municipal district is not a unit of the decree: its urban settlement is, and that
    is the town row). A town row is reached by the data only when it is the municipal
    centre (``is_municipal_centre``) and holds at least ``centre_population_share_min``
    % of its municipality's people: the municipality's employment then stands for the
    town's; otherwise the employment test is ``not_evaluated`` for the town.
population
    ``population`` (the town's own for a town row) ≥ ``population_min``.
share and activity
    The largest ``emp_share_<s>`` over the sections ``industrial_sections`` (B mining,
    C manufacturing, D energy) ≥ ``top_share_min`` (the decree's 20 %). Rosstat gives
    the share of a whole OKVED section among large and medium organisations only, so
    the figure is an **upper bound** of one organisation's share of all organisations'
    headcount: a share below the threshold rules the criterion out, a share above it
    makes the municipality a candidate (several firms of one section pass too). A
    suppressed section is bounded by the unpublished remainder (100 % minus the
    published shares): ``not_evaluated`` when that bound reaches the threshold.

Any failed test gives ``not_assigned``; otherwise any unknown test gives
``not_evaluated``; otherwise ``assigned``. Known blind spots (see ``docs/strategy.md``):
one year (2023) instead of five, oil and gas inside section B, a town-forming firm whose
activity is outside the chosen sections, employment suppressed exactly where one firm
dominates, and municipalities whose towns the data do not reach.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from opora.model.thresholds import Thresholds
from opora.typology._compare import at_least
from opora.typology._format import _flag, _g, _n, _num, _remainder, _section, _text

__all__ = ["DECREE", "MonotownVerdict", "monotown_rule_text", "single_enterprise"]

#: The source of the criteria, as cited in reasons.
DECREE = ("постановление Правительства РФ № 709 от 29.07.2014", "Government decree No. 709 of 2014")

_RULE = "single_enterprise"

#: Municipality types → (Russian, English) names, for reasons.
_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "municipal_district": ("муниципальный район", "municipal district"),
    "municipal_okrug": ("муниципальный округ", "municipal okrug"),
    "urban_okrug": ("городской округ", "urban okrug"),
    "urban_settlement": ("городское поселение", "urban settlement"),
    "rural_settlement": ("сельское поселение", "rural settlement"),
    "intracity": ("внутригородской район", "intra-city district"),
    "intercity_territory": ("межселенная территория", "inter-settlement territory"),
}

Status = Literal["assigned", "not_assigned", "not_evaluated"]


@dataclass(frozen=True)
class MonotownVerdict:
    """Outcome of the single-enterprise rule for one row.

    Attributes
    ----------
    status
        ``assigned``, ``not_assigned`` or ``not_evaluated``.
    figures
        The numbers that decided it, ``; ``-joined.
    reason_ru, reason_en
        The sentence shown to users.
    """

    status: Status
    figures: str
    reason_ru: str
    reason_en: str


@dataclass(frozen=True)
class _Part:
    """One criterion: passed (True/False) or unknown (None), with its words."""

    ok: bool | None
    figure: str
    ru: str
    en: str


def _type_name(code: str, lang: str) -> str:
    ru, en = _TYPE_NAMES.get(code, (code, code))
    return ru if lang == "ru" else en


def _unit_part(row: Mapping[str, Any], t: Thresholds) -> tuple[_Part, bool]:
    """Return the decree's unit test, and whether the employment data reach the row."""
    if row.get("level") == "town":
        name = _text(row, "name") or "?"
        centre = _flag(row, "is_municipal_centre")
        muni_pop = _num(row, "municipality_population")
        pop = _num(row, "population")
        s_min = t.number(_RULE, "centre_population_share_min")
        if centre is None:
            return _Part(
                None,
                "is_municipal_centre = NaN",
                f"не известно, центр ли {name} своего муниципалитета — данные о занятости "
                "есть только по муниципалитету",
                f"it is not known whether {name} is its municipality's centre - employment "
                "data exist for the municipality only",
            ), False
        if not centre:
            return _Part(
                None,
                "is_municipal_centre = False",
                f"{name} не центр муниципалитета, а данные о занятости есть только по "
                "муниципалитету в целом; доля градообразующей организации в городе может "
                "быть и выше, и ниже",
                f"{name} is not the municipal centre, and employment data exist for the "
                "whole municipality only; the town-forming organisation's share in the town "
                "may be higher or lower",
            ), False
        if not (math.isfinite(pop) and math.isfinite(muni_pop) and muni_pop > 0):
            return _Part(
                None,
                "population share of the centre = NaN",
                "нет численности города или муниципалитета, чтобы судить, представляют ли "
                "данные муниципалитета город",
                "the town's or the municipality's population is missing, so it is unknown "
                "whether the municipality's data stand for the town",
            ), False
        share = 100 * pop / muni_pop
        ok = at_least(share, s_min)
        fig = (
            f"centre {_n(pop, 0)} / {_n(muni_pop, 0)} = {_n(share)} % "
            f"{'≥' if ok else '<'} {_g(s_min)} %"
        )
        if not ok:
            return _Part(
                None,
                fig,
                f"в центре {name} живёт лишь {_n(share)} % населения муниципалитета (меньше "
                f"{_g(s_min)} %), и данные о занятости муниципалитета не представляют город",
                f"the centre {name} holds only {_n(share, 1, 'en')} % of the municipality's "
                f"people (below {_g(s_min, 'en')} %), so the municipality's employment does "
                "not stand for the town",
            ), False
        return _Part(
            True,
            fig,
            f"город — центр муниципалитета, {_n(share)} % его населения: занятость "
            "муниципалитета отнесена к городу",
            f"the town is the municipal centre with {_n(share, 1, 'en')} % of its people: "
            "the municipality's employment is taken for the town's",
        ), True
    kind = _text(row, "type")
    types = t.items(_RULE, "municipality_types")
    if kind is None:
        return _Part(
            True,
            "type = NaN (status not checked)",
            "вид муниципального образования не указан, статус не проверялся",
            "the kind of municipality is not given; its status was not checked",
        ), True
    ok = kind in types
    fig = f"type {kind} {'∈' if ok else '∉'} {{{','.join(types)}}}"
    if ok:
        return _Part(
            True,
            fig,
            f"{_type_name(kind, 'ru')} — единица постановления",
            f"{_type_name(kind, 'en')}: a unit of the decree",
        ), True
    return _Part(
        False,
        fig,
        f"{_type_name(kind, 'ru')} сам не может быть моногородом по постановлению — им "
        "может быть его городское поселение (см. строки городов)",
        f"{_type_name(kind, 'en')}: not itself a monotown under the decree - its urban "
        "settlement can be (see the town rows)",
    ), True


def _population_part(row: Mapping[str, Any], t: Thresholds) -> _Part:
    p_min = t.number(_RULE, "population_min")
    pop = _num(row, "population")
    if not math.isfinite(pop):
        return _Part(
            None,
            "population = NaN",
            "нет численности населения",
            "the population is missing",
        )
    ok = at_least(pop, p_min)
    fig = f"population = {_n(pop, 0)} {'≥' if ok else '<'} {_g(p_min)}"
    if ok:
        return _Part(
            True,
            fig,
            f"{_n(pop, 0)} жителей (не меньше {_g(p_min)})",
            f"{_n(pop, 0, 'en')} residents (at least {_g(p_min, 'en')})",
        )
    return _Part(
        False,
        fig,
        f"всего {_n(pop, 0)} жителей — меньше {_g(p_min)}",
        f"only {_n(pop, 0, 'en')} residents - below {_g(p_min, 'en')}",
    )


def _share_part(row: Mapping[str, Any], t: Thresholds) -> _Part:
    sections = t.items(_RULE, "industrial_sections")
    s_min = t.number(_RULE, "top_share_min")
    published = [c for c in row if isinstance(c, str) and re.fullmatch(r"emp_share_[A-U]", c)]
    if not any(math.isfinite(_num(row, c)) for c in published):
        return _Part(
            None,
            "emp_share = NaN",
            "нет структуры занятости по видам деятельности (данные скрыты или отсутствуют)",
            "no employment structure by activity (suppressed or missing)",
        )
    known = {s: _num(row, f"emp_share_{s}") for s in sections}
    finite = {s: v for s, v in known.items() if math.isfinite(v)}
    secs = ",".join(sections)
    if finite:
        top = max(finite, key=lambda s: finite[s])
        share = finite[top]
    else:
        top, share = "", math.nan
    if finite and at_least(share, s_min):
        total = _num(row, "emp_total")
        people_ru = people_en = ""
        if math.isfinite(total):
            people_ru = f", около {_n(share * total / 100, 0)} чел."
            people_en = f", about {_n(share * total / 100, 0, 'en')} people"
        oil_ru = oil_en = ""
        if top == "B":
            oil_ru = "; секция B включает добычу нефти и газа, которую постановление исключает"
            oil_en = "; section B includes oil and gas extraction, which the decree excludes"
        return _Part(
            True,
            f"{top} = {_n(share)} % ≥ {_g(s_min)} % (max of {secs})",
            f"в секции {_section(top, 'ru')} — {_n(share)} % занятых крупных и средних "
            f"организаций{people_ru} (порог {_g(s_min)} %; это верхняя граница доли одной "
            f"организации: столько же дают и несколько предприятий одной секции){oil_ru}",
            f"section {_section(top, 'en')} employs {_n(share, 1, 'en')} % of the staff of "
            f"large and medium organisations{people_en} (threshold {_g(s_min, 'en')} %; an "
            "upper bound of one organisation's share: several firms of one section give "
            f"the same){oil_en}",
        )
    rem = _remainder(row)
    hidden = [s for s, v in known.items() if not math.isfinite(v)]
    best = f"{top} = {_n(share)} %" if finite else f"{secs}: none published"
    if hidden and at_least(rem, s_min):
        h = ",".join(hidden)
        return _Part(
            None,
            f"{best}{' < ' + _g(s_min) + ' %' if finite else ''}; {h} suppressed: "
            f"≤ {_n(rem)} % unpublished ≥ {_g(s_min)} %",
            f"данные по секции {h} скрыты Росстатом (так бывает, когда в ней мало "
            f"организаций), а неопубликованный остаток {_n(rem)} % мог бы превысить "
            f"порог {_g(s_min)} %",
            f"Rosstat suppresses section {h} (as it does when few organisations hold it), "
            f"and the unpublished {_n(rem, 1, 'en')} % could exceed {_g(s_min, 'en')} %",
        )
    fig = f"{best} < {_g(s_min)} % (max of {secs})" if finite else best
    if hidden:
        fig += f"; {','.join(hidden)} suppressed: ≤ {_n(rem)} % < {_g(s_min)} %"
    lead_ru = f"{_section(top, 'ru')} — {_n(share)} %" if finite else "доли скрыты"
    lead_en = f"{_section(top, 'en')} - {_n(share, 1, 'en')} %" if finite else "shares hidden"
    return _Part(
        False,
        fig,
        f"ни в одной из секций {secs} нет {_g(s_min)} % занятых (больше всего: {lead_ru}), "
        "а значит, нет и одной такой организации",
        f"no activity section among {secs} reaches {_g(s_min, 'en')} % of employment "
        f"(largest: {lead_en}), so no single organisation does",
    )


def single_enterprise(row: Mapping[str, Any], t: Thresholds) -> MonotownVerdict:
    """Judge one municipality or town by the monotown criteria of decree No. 709.

    Parameters
    ----------
    row
        One row of the typology input: ``type``, ``population``, ``emp_share_<s>`` (%,
        large and medium organisations), optionally ``emp_total``; a town row (``level``
        ``town``) also ``is_municipal_centre`` and ``municipality_population``.
    t
        Thresholds with the ``single_enterprise`` entries.

    Returns
    -------
    MonotownVerdict
        ``not_assigned`` when any criterion fails, ``not_evaluated`` when none fails and
        one cannot be checked (its reason named), ``assigned`` when all pass.
    """
    unit, reached = _unit_part(row, t)
    pop = _population_part(row, t)
    parts = [unit, pop]
    if reached:
        parts.append(_share_part(row, t))
    figures = "; ".join(p.figure for p in parts)
    failed = [p for p in parts if p.ok is False]
    unknown = [p for p in parts if p.ok is None]
    decree_ru, decree_en = DECREE
    if failed:
        ru = "; ".join(p.ru for p in failed)
        en = "; ".join(p.en for p in failed)
        share = parts[-1] if reached else None
        if unit.ok is False and share is not None and share.ok is True:
            ru += f" (по данным самого муниципалитета: {share.ru})"
            en += f" (by the municipality's own data: {share.en})"
        return MonotownVerdict(
            "not_assigned",
            figures,
            f"Не моногород по критериям ({decree_ru}): {ru}.",
            f"Not a monotown by the criteria of {decree_en}: {en}.",
        )
    if unknown:
        return MonotownVerdict(
            "not_evaluated",
            figures,
            "Нельзя оценить: " + "; ".join(p.ru for p in unknown) + ".",
            "Cannot be evaluated: " + "; ".join(p.en for p in unknown) + ".",
        )
    return MonotownVerdict(
        "assigned",
        figures,
        f"Соответствует критериям моногорода ({decree_ru}), насколько позволяют данные: "
        + "; ".join(p.ru for p in parts)
        + ". Это оценка по данным, не официальный статус.",
        f"Meets the monotown criteria of {decree_en} as far as the data tell: "
        + "; ".join(p.en for p in parts)
        + ". A judgement from the data, not the official status.",
    )


def monotown_rule_text(t: Thresholds) -> str:
    """Return the rule with its thresholds, as shown in the ``rule`` column.

    Parameters
    ----------
    t
        Thresholds with the ``single_enterprise`` entries.

    Returns
    -------
    str
        For example ``ПП № 709: type ∈ {urban_okrug,...} и population ≥ 3 000 и
        max(B,C,D) ≥ 20 %``.
    """
    return (
        f"ПП № 709: type ∈ {{{','.join(t.items(_RULE, 'municipality_types'))}}} (город: "
        f"центр с ≥ {_g(t.number(_RULE, 'centre_population_share_min'))} % населения) и "
        f"population ≥ {_g(t.number(_RULE, 'population_min'))} и "
        f"max({','.join(t.items(_RULE, 'industrial_sections'))}) ≥ "
        f"{_g(t.number(_RULE, 'top_share_min'))} %"
    )
