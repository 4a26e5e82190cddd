"""Differentiated town types from documented rules, each with the figures behind it.

A municipality (or a town) gets **zero or more** types. Every rule is evaluated for
every row and gives one record: ``assigned`` (the type applies), ``not_assigned`` (it
was evaluated and does not apply) or ``not_evaluated`` (a figure it needs is missing;
never read as "no"). Each record carries the rule with its thresholds, the figures
that decided it and a sentence in Russian and English.

The rules (thresholds in ``opora/data/typology.toml``, read by
:func:`opora.io.thresholds.read_thresholds`; ``≥`` and ``≤`` include the threshold):

``inter_district_centre``
    For some district service (``inter_district_centre.services``),
    ``served_outside_<service>`` ≥ ``served_outside_min`` **and**
    ``served_outside_<service>`` / own population ≥ ``served_outside_share_min`` %, or
    ``served_outside_<service>`` ≥ ``served_outside_alone_min``. The own population of a
    town row is that of its municipality (its district facilities serve the
    municipality first).
``single_enterprise``
    The monotown criteria of Government decree No. 709 of 29.07.2014 as far as the data
    allow (:mod:`~opora.typology.monotown`): the kind of municipality
    (``municipality_types``; a town row only where it is the centre holding
    ``centre_population_share_min`` % of its municipality's people), population ≥
    ``population_min``, and the largest share among ``industrial_sections`` ≥
    ``top_share_min`` % (an upper bound of one organisation's share). Judged from the
    data only; an official monotown list is shown beside it (``official_monotown``) and
    never used.
``arctic``, ``far_north``
    ``is_arctic`` / ``is_far_north`` (Rosstat status lists).
``border``
    The row (or its municipality) is in the user's list of border municipalities; with
    no list the rule is ``not_evaluated`` for every row.
``agglomeration_satellite``
    ``minutes_to_large_city`` ≤ ``minutes_max`` and the row is not the core city itself
    (not the regional capital, no town of ``large_city_population`` people or more).
``life_support``
    ``budget_employment_share`` (O+P+Q) ≥ ``budget_employment_share_min`` and/or
    ``transfer_dependence`` ≥ ``transfer_dependence_min`` (``combine``: ``any`` / ``all``).
``agro_service``
    ``lq_A`` ≥ ``lq_a_min``, or the first specialisation candidate is ``candidate``.
``tourism``
    ``lq_I`` ≥ ``lq_i_min``, or ``beds_per_1000`` ≥ ``beds_per_1000_min``.
``industrial``
    ``lq_C`` ≥ ``lq_c_min``, or ``lq_B`` ≥ ``lq_b_min``, or the share of B+C ≥
    ``industry_share_min`` %.

Suppressed sections
    Rosstat suppresses the employment of a section with few organisations; its
    ``emp_share_<s>`` is ``NaN``. Such a share is at most the *unpublished remainder*
    (100 % minus the published shares), and its LQ at most the remainder divided by the
    section's regional share (``emp_share / lq`` of the rows that have both). A test on a
    suppressed section is ``not_assigned`` when even that bound misses the threshold,
    and ``not_evaluated`` otherwise.

Town rows (:func:`~opora.typology.towns.town_rows`) inherit their municipality's
economic features and carry their own population; the travel time to a large city and
the served population are those of the municipal centre, so a town that is not the
centre has them missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from opora.economy.candidates import CANDIDATES
from opora.errors import TypologyError, ValidationError
from opora.io.thresholds import read_thresholds
from opora.model.thresholds import Thresholds
from opora.typology._compare import at_least, at_most
from opora.typology._format import _flag, _g, _n, _num, _remainder, _text
from opora.typology.lists import match_list
from opora.typology.monotown import monotown_rule_text, single_enterprise

__all__ = [
    "LONG_COLUMNS",
    "SERVICE_NAMES",
    "STATUSES",
    "TYPES",
    "WIDE_COLUMNS",
    "classify",
    "match_list",
    "types_table",
]

#: Type id → (Russian, English) name, in the order of evaluation and output.
TYPES: dict[str, tuple[str, str]] = {
    "inter_district_centre": ("межрайонный центр", "inter-district centre"),
    "single_enterprise": (
        "моногород по критериям ПП № 709 (по данным)",
        "single-enterprise town (decree No. 709 criteria, from data)",
    ),
    "arctic": ("Арктическая зона", "Arctic zone"),
    "far_north": ("Крайний Север и приравненные", "Far North and equated areas"),
    "border": ("приграничный", "border"),
    "agglomeration_satellite": ("спутник агломерации", "agglomeration satellite"),
    "life_support": ("экономика жизнеобеспечения", "life-support economy"),
    "agro_service": ("агросервисная специализация", "agro-service specialisation"),
    "tourism": ("туристская специализация", "tourism specialisation"),
    "industrial": ("промышленная специализация", "industrial specialisation"),
}

#: Status of a record of :func:`classify`.
STATUSES: tuple[str, ...] = ("assigned", "not_assigned", "not_evaluated")

#: Columns of the long table of :func:`classify`.
LONG_COLUMNS: tuple[str, ...] = (
    "oktmo",
    "name",
    "level",
    "municipality_oktmo",
    "type",
    "status",
    "rule",
    "figures",
    "reason_ru",
    "reason_en",
    "official_monotown",
)

#: Columns of the wide table of :func:`types_table`.
WIDE_COLUMNS: tuple[str, ...] = (
    "oktmo",
    "name",
    "types",
    "reasons",
    "not_evaluated",
    "official_monotown",
    "level",
    "municipality_oktmo",
)

#: District services → (Russian, English) names.
SERVICE_NAMES: dict[str, tuple[str, str]] = {
    "clinic": ("поликлиника", "polyclinic"),
    "hospital": ("больница", "hospital"),
    "public_services": ("МФЦ", "public-services centre"),
}

Status = Literal["assigned", "not_assigned", "not_evaluated"]


@dataclass(frozen=True)
class _Verdict:
    status: Status
    figures: str
    reason_ru: str
    reason_en: str


@dataclass(frozen=True)
class _Context:
    t: Thresholds
    regional_share: Mapping[str, float]
    border: Mapping[int, str] | None


def _regional_shares(features: pd.DataFrame) -> dict[str, float]:
    """Regional employment share of each section, from ``emp_share_s / lq_s``."""
    out: dict[str, float] = {}
    for col in features.columns:
        m = re.fullmatch(r"lq_([A-U])", str(col))
        if not m or f"emp_share_{m.group(1)}" not in features:
            continue
        share = pd.to_numeric(features[f"emp_share_{m.group(1)}"], errors="coerce")
        lq = pd.to_numeric(features[col], errors="coerce")
        ratio = (share / lq)[(lq > 0) & share.notna()]
        if len(ratio):
            out[m.group(1)] = float(ratio.median())
    return out


@dataclass(frozen=True)
class _Test:
    """Outcome of one test of a rule: passed (True/False) or unknown (None)."""

    ok: bool | None
    figure: str
    words_ru: str = ""
    words_en: str = ""

    def words(self, lang: str) -> str:
        """Return the test in words for a reason (``ru`` or ``en``), else its figure."""
        text = self.words_ru if lang == "ru" else self.words_en
        return text or self.figure


def _lq_test(row: Mapping[str, Any], ctx: _Context, section: str, threshold: float) -> _Test:
    """``lq_<section>`` ≥ threshold, bounding a suppressed section by the remainder."""
    lq = _num(row, f"lq_{section}")
    if math.isfinite(lq):
        op = "≥" if at_least(lq, threshold) else "<"
        return _Test(at_least(lq, threshold), f"LQ {section} = {_n(lq, 2)} {op} {_g(threshold)}")
    rem = _remainder(row)
    share = ctx.regional_share.get(section)
    if share is None or share <= 0:
        return _Test(None, f"LQ {section} = NaN")
    bound = rem / share
    ok = at_least(bound, threshold)
    return _Test(
        None if ok else False,
        f"LQ {section} = NaN ({section} suppressed: ≤ {_n(rem)} % / {_n(share, 2)} % = "
        f"{_n(bound, 2)} {'≥' if ok else '<'} {_g(threshold)})",
    )


def _value_test(
    row: Mapping[str, Any],
    col: str,
    threshold: float,
    *,
    le: bool = False,
    label: str | None = None,
    unit: str = "",
) -> _Test:
    v = _num(row, col)
    name = label or col
    if not math.isfinite(v):
        return _Test(None, f"{name} = NaN")
    ok = at_most(v, threshold) if le else at_least(v, threshold)
    op = ("≤" if ok else ">") if le else ("≥" if ok else "<")
    return _Test(ok, f"{name} = {_n(v)}{unit} {op} {_g(threshold)}{unit}")


def _combine_any(tests: Sequence[_Test]) -> Status:
    if any(t.ok is True for t in tests):
        return "assigned"
    if any(t.ok is None for t in tests):
        return "not_evaluated"
    return "not_assigned"


def _figures(tests: Iterable[_Test], status: Status) -> str:
    chosen = [t for t in tests if t.ok is True] if status == "assigned" else list(tests)
    return "; ".join(t.figure for t in chosen)


def _words(tests: Iterable[_Test], status: Status, lang: str) -> str:
    """Return the tests shown in a reason (as :func:`_figures`), in words where set."""
    chosen = [t for t in tests if t.ok is True] if status == "assigned" else list(tests)
    return "; ".join(t.words(lang) for t in chosen)


def _missing(tests: Iterable[_Test]) -> str:
    return "; ".join(t.figure for t in tests if t.ok is None)


# --- the rules ----------------------------------------------------------------------


def _inter_district(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
    t = ctx.t
    r = "inter_district_centre"
    a_min = t.number(r, "served_outside_min")
    s_min = t.number(r, "served_outside_share_min")
    alone = t.number(r, "served_outside_alone_min")
    pop = _num(row, "municipality_population")
    if not math.isfinite(pop):
        pop = _num(row, "population")
    results: list[tuple[bool | None, float, str, str]] = []
    for service in t.items(r, "services"):
        v = _num(row, f"served_outside_{service}")
        if not math.isfinite(v):
            results.append((None, math.nan, service, f"served_outside_{service} = NaN"))
            continue
        pair: bool | None
        if math.isfinite(pop) and pop > 0:
            rel = 100 * v / pop
            pair = at_least(v, a_min) and at_least(rel, s_min)
            rel_text = (
                f"{_n(v, 0)} / {_n(pop, 0)} = {_n(rel)} % {'≥' if at_least(rel, s_min) else '<'} "
                f"{_g(s_min)} %"
            )
        else:
            pair, rel_text = None, "population = NaN"
        big = at_least(v, alone)
        ok: bool | None = True if (pair is True or big) else (None if pair is None else False)
        fig = (
            f"served_outside_{service} = {_n(v, 0)} {'≥' if at_least(v, a_min) else '<'} "
            f"{_g(a_min)}; {rel_text}; {'≥' if big else '<'} {_g(alone)}"
        )
        results.append((ok, v, service, fig))
    status = _combine_any([_Test(ok, fig) for ok, _, _, fig in results])
    if status == "not_evaluated":
        figs = "; ".join(f for ok, _, _, f in results if ok is None)
        return _Verdict(
            status,
            figs,
            "Нельзя оценить: нет числа жителей других муниципалитетов, обслуживаемых "
            f"районными учреждениями ({figs}).",
            f"Cannot be evaluated: the population of other municipalities served by the "
            f"district facilities is missing ({figs}).",
        )
    pool = [x for x in results if x[0] is True] if status == "assigned" else results
    best = max((x for x in pool if math.isfinite(x[1])), key=lambda x: x[1])
    _, v, service, fig = best
    ru_s, en_s = SERVICE_NAMES.get(service, (service, service))
    share_ru = f"{_n(100 * v / pop)} % своего населения" if pop > 0 else ""
    share_en = f"{_n(100 * v / pop, 1, 'en')} % of its own population" if pop > 0 else ""
    if status == "assigned":
        return _Verdict(
            status,
            fig,
            f"Служит центром для соседей: {ru_s} — ближайшая для {_n(v, 0)} чел. из других "
            f"муниципалитетов" + (f" ({share_ru})." if share_ru else "."),
            f"Serves its neighbours: its {en_s} is the nearest for {_n(v, 0, 'en')} people "
            f"of other municipalities" + (f" ({share_en})." if share_en else "."),
        )
    return _Verdict(
        status,
        fig,
        f"Извне обслуживается немного: не больше {_n(v, 0)} чел. "
        f"({', '.join(x for x in (ru_s, share_ru) if x)}).",
        f"Few people from outside: at most {_n(v, 0, 'en')} "
        f"({', '.join(x for x in (en_s, share_en) if x)}).",
    )


def _single_enterprise(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
    v = single_enterprise(row, ctx.t)
    return _Verdict(v.status, v.figures, v.reason_ru, v.reason_en)


def _status_rule(col: str, ru: str, en: str) -> Callable[[Mapping[str, Any], _Context], _Verdict]:
    def rule(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
        v = _flag(row, col)
        if v is None:
            return _Verdict(
                "not_evaluated",
                f"{col} = NaN",
                f"Нельзя оценить: нет признака «{ru}» ({col}).",
                f"Cannot be evaluated: the {en} status ({col}) is missing.",
            )
        if v:
            return _Verdict(
                "assigned",
                f"{col} = True",
                f"Входит в перечень: {ru} (Росстат).",
                f"Listed in the Rosstat list of the {en}.",
            )
        return _Verdict(
            "not_assigned",
            f"{col} = False",
            f"Не входит в перечень: {ru}.",
            f"Not in the list of the {en}.",
        )

    return rule


def _border(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
    if ctx.border is None:
        return _Verdict(
            "not_evaluated",
            "no --border list",
            "Не применялось: список приграничных муниципалитетов не задан (--border FILE).",
            "Not applied: no list of border municipalities was given (--border FILE).",
        )
    entry = ctx.border.get(int(row["_pos"]))
    if entry is not None:
        return _Verdict(
            "assigned",
            f"border list: {entry}",
            f"В списке приграничных муниципалитетов ({entry}).",
            f"In the list of border municipalities ({entry}).",
        )
    return _Verdict(
        "not_assigned",
        "not in the border list",
        "Нет в списке приграничных муниципалитетов.",
        "Not in the list of border municipalities.",
    )


def _satellite(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
    t = ctx.t
    r = "agglomeration_satellite"
    m_max = t.number(r, "minutes_max")
    big = t.number(r, "large_city_population")
    own_col = "population" if row.get("level") == "town" else "largest_town_population"
    own = _num(row, own_col)
    capital = _flag(row, "is_regional_centre") is True
    if capital or (math.isfinite(own) and at_least(own, big)):
        fig = "is_regional_centre = True" if capital else f"{own_col} = {_n(own, 0)} ≥ {_g(big)}"
        return _Verdict(
            "not_assigned",
            fig,
            "Сам является ядром агломерации (крупный город или региональная столица).",
            "It is the core of an agglomeration itself (a large city or the regional capital).",
        )
    test = _value_test(row, "minutes_to_large_city", m_max, le=True)
    if test.ok is None:
        return _Verdict(
            "not_evaluated",
            test.figure,
            "Нельзя оценить: время до крупного города не рассчитано (для города, который "
            "не является центром муниципалитета, оно не считается).",
            "Cannot be evaluated: no travel time to a large city (it is computed for the "
            "municipal centre only).",
        )
    minutes = _num(row, "minutes_to_large_city")
    if test.ok:
        return _Verdict(
            "assigned",
            test.figure,
            f"Центр в {_n(minutes, 0)} мин от крупного города (порог {_g(m_max)} мин): "
            "в зоне ежедневных поездок.",
            f"The centre is {_n(minutes, 0, 'en')} min from a large city (threshold "
            f"{_g(m_max, 'en')} min): within daily commuting.",
        )
    return _Verdict(
        "not_assigned",
        test.figure,
        f"До крупного города {_n(minutes, 0)} мин — дальше {_g(m_max)} мин.",
        f"{_n(minutes, 0, 'en')} min to a large city - beyond {_g(m_max, 'en')} min.",
    )


def _life_support(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
    t = ctx.t
    r = "life_support"
    tests = [
        _value_test(
            row,
            "budget_employment_share",
            t.number(r, "budget_employment_share_min"),
            label="O+P+Q",
            unit=" %",
        ),
        _value_test(row, "transfer_dependence", t.number(r, "transfer_dependence_min"), unit=" %"),
    ]
    if t.text(r, "combine") == "all":
        if all(x.ok is True for x in tests):
            status: Status = "assigned"
        elif any(x.ok is False for x in tests):
            status = "not_assigned"
        else:
            status = "not_evaluated"
    else:
        status = _combine_any(tests)
    b, tr = _num(row, "budget_employment_share"), _num(row, "transfer_dependence")
    if status == "not_evaluated":
        miss = _missing(tests)
        return _Verdict(
            status,
            _figures(tests, status),
            f"Нельзя оценить: нет данных ({miss}).",
            f"Cannot be evaluated: data missing ({miss}).",
        )
    parts_ru, parts_en = [], []
    if math.isfinite(b):
        parts_ru.append(f"в бюджетном секторе (O+P+Q) {_n(b)} % занятых")
        parts_en.append(f"the budget sector (O+P+Q) employs {_n(b, 1, 'en')} %")
    if math.isfinite(tr):
        parts_ru.append(f"доля трансфертов в доходах бюджета {_n(tr)} %")
        parts_en.append(f"transfers make {_n(tr, 1, 'en')} % of the budget's revenue")
    if status == "assigned":
        return _Verdict(
            status,
            _figures(tests, status),
            "Экономика жизнеобеспечения: " + ", ".join(parts_ru) + ".",
            "Life-support economy: " + ", ".join(parts_en) + ".",
        )
    return _Verdict(
        status,
        _figures(tests, status),
        "Зависимость от бюджета ниже порогов: " + ", ".join(parts_ru) + ".",
        "Budget dependence below the thresholds: " + ", ".join(parts_en) + ".",
    )


def _specialisation(
    type_id: str,
    tests_of: Callable[[Mapping[str, Any], _Context], list[_Test]],
    ru: str,
    en: str,
) -> Callable[[Mapping[str, Any], _Context], _Verdict]:
    def rule(row: Mapping[str, Any], ctx: _Context) -> _Verdict:
        tests = tests_of(row, ctx)
        status = _combine_any(tests)
        fig = _figures(tests, status)
        w_ru, w_en = _words(tests, status, "ru"), _words(tests, status, "en")
        if status == "assigned":
            return _Verdict(status, fig, f"{ru}: {w_ru}.", f"{en}: {w_en}.")
        if status == "not_evaluated":
            miss = _missing(tests)
            return _Verdict(
                status,
                fig,
                f"Нельзя оценить: нет данных ({miss}), а остальные условия не выполнены.",
                f"Cannot be evaluated: data missing ({miss}) and the other tests fail.",
            )
        return _Verdict(
            status,
            fig,
            f"Признаки ниже порогов: {w_ru}.",
            f"Below the thresholds: {w_en}.",
        )

    rule.__name__ = f"_{type_id}"
    return rule


def _agro_tests(row: Mapping[str, Any], ctx: _Context) -> list[_Test]:
    t = ctx.t
    tests = [_lq_test(row, ctx, "A", t.number("agro_service", "lq_a_min"))]
    cand = t.text("agro_service", "candidate")
    if cand and "candidate_1" in row:
        first = _text(row, "candidate_1")
        tests.append(_candidate_test(first or "", cand))
    return tests


_CANDIDATE_LABELS = {c.key: (c.label_ru, c.label_en) for c in CANDIDATES}


def _candidate_test(first: str, wanted: str) -> _Test:
    """Test that the first specialisation candidate is ``wanted``: figure and words."""
    ru_w, en_w = _CANDIDATE_LABELS.get(wanted, (wanted, wanted))
    figure = f"candidate_1 = {first or '—'}"
    if first == wanted:
        return _Test(
            True,
            figure,
            f"первая возможная специализация — {ru_w}",
            f"the first specialisation candidate is {en_w}",
        )
    if not first:
        return _Test(
            False,
            figure,
            f"возможной специализации не найдено (нужна: {ru_w})",
            f"no specialisation candidate was found ({en_w} is needed)",
        )
    ru_f, en_f = _CANDIDATE_LABELS.get(first, (first, first))
    return _Test(
        False,
        figure,
        f"первая возможная специализация — {ru_f}, а не {ru_w}",
        f"the first specialisation candidate is {en_f}, not {en_w}",
    )


def _tourism_tests(row: Mapping[str, Any], ctx: _Context) -> list[_Test]:
    t = ctx.t
    return [
        _lq_test(row, ctx, "I", t.number("tourism", "lq_i_min")),
        _value_test(row, "beds_per_1000", t.number("tourism", "beds_per_1000_min")),
    ]


def _industrial_tests(row: Mapping[str, Any], ctx: _Context) -> list[_Test]:
    t = ctx.t
    r = "industrial"
    s_min = t.number(r, "industry_share_min")
    b, c = _num(row, "emp_share_B"), _num(row, "emp_share_C")
    known = sum(v for v in (b, c) if math.isfinite(v))
    if math.isfinite(b) and math.isfinite(c):
        ok: bool | None = at_least(known, s_min)
        fig = f"B+C = {_n(known)} % {'≥' if ok else '<'} {_g(s_min)} %"
    else:
        bound = known + _remainder(row)
        ok = None if at_least(bound, s_min) else False
        hidden = "+".join(s for s, v in (("B", b), ("C", c)) if not math.isfinite(v))
        op = "≥" if ok is None else "<"
        fig = f"B+C ≤ {_n(min(bound, 100.0))} % {op} {_g(s_min)} % ({hidden} suppressed)"
    return [
        _lq_test(row, ctx, "C", t.number(r, "lq_c_min")),
        _lq_test(row, ctx, "B", t.number(r, "lq_b_min")),
        _Test(ok, fig),
    ]


_RULES: dict[str, Callable[[Mapping[str, Any], _Context], _Verdict]] = {
    "inter_district_centre": _inter_district,
    "single_enterprise": _single_enterprise,
    "arctic": _status_rule("is_arctic", "Арктическая зона", "Arctic zone"),
    "far_north": _status_rule(
        "is_far_north", "районы Крайнего Севера и приравненные", "Far North and equated areas"
    ),
    "border": _border,
    "agglomeration_satellite": _satellite,
    "life_support": _life_support,
    "agro_service": _specialisation(
        "agro_service", _agro_tests, "Агросервисная специализация", "Agro-service specialisation"
    ),
    "tourism": _specialisation(
        "tourism", _tourism_tests, "Туристская специализация", "Tourism specialisation"
    ),
    "industrial": _specialisation(
        "industrial", _industrial_tests, "Промышленная специализация", "Industrial specialisation"
    ),
}


def _rule_text(type_id: str, t: Thresholds) -> str:
    """Return the rule with its thresholds, as shown in the ``rule`` column."""
    if type_id == "inter_district_centre":
        r = type_id
        services = ",".join(t.items(r, "services"))
        return (
            f"served_outside_{{{services}}} ≥ {_g(t.number(r, 'served_outside_min'))} и "
            f"≥ {_g(t.number(r, 'served_outside_share_min'))} % населения, или "
            f"≥ {_g(t.number(r, 'served_outside_alone_min'))}"
        )
    if type_id == "single_enterprise":
        return monotown_rule_text(t)
    if type_id == "arctic":
        return "is_arctic"
    if type_id == "far_north":
        return "is_far_north"
    if type_id == "border":
        return "в списке приграничных (--border)"
    if type_id == "agglomeration_satellite":
        r = type_id
        return (
            f"minutes_to_large_city ≤ {_g(t.number(r, 'minutes_max'))} и не ядро "
            f"(город < {_g(t.number(r, 'large_city_population'))}, не столица)"
        )
    if type_id == "life_support":
        r = type_id
        joint = " и " if t.text(r, "combine") == "all" else " и/или "
        return (
            f"O+P+Q ≥ {_g(t.number(r, 'budget_employment_share_min'))} %{joint}"
            f"transfer_dependence ≥ {_g(t.number(r, 'transfer_dependence_min'))} %"
        )
    if type_id == "agro_service":
        cand = t.text(type_id, "candidate")
        extra = f" или candidate_1 = {cand}" if cand else ""
        return f"LQ A ≥ {_g(t.number(type_id, 'lq_a_min'))}{extra}"
    if type_id == "tourism":
        return (
            f"LQ I ≥ {_g(t.number(type_id, 'lq_i_min'))} или beds_per_1000 ≥ "
            f"{_g(t.number(type_id, 'beds_per_1000_min'))}"
        )
    r = "industrial"
    return (
        f"LQ C ≥ {_g(t.number(r, 'lq_c_min'))} или LQ B ≥ {_g(t.number(r, 'lq_b_min'))} "
        f"или B+C ≥ {_g(t.number(r, 'industry_share_min'))} %"
    )


# --- classification -----------------------------------------------------------------


def _prepare(features: pd.DataFrame) -> pd.DataFrame:
    for col in ("oktmo", "name"):
        if col not in features:
            msg = f"the feature table lacks `{col}`; give the table of municipality_features"
            raise ValidationError(msg)
    f = features.reset_index(drop=True).copy()
    f["oktmo"] = f["oktmo"].astype(str)
    if "level" not in f:
        f["level"] = "municipality"
    f["level"] = f["level"].fillna("municipality").astype(str)
    if "municipality_oktmo" not in f:
        f["municipality_oktmo"] = f["oktmo"]
    f["municipality_oktmo"] = f["municipality_oktmo"].fillna(f["oktmo"]).astype(str)
    dup = f.duplicated(["oktmo", "level"], keep=False)
    if dup.any():
        msg = f"`oktmo` repeats ({f.loc[dup, 'oktmo'].iloc[0]}); one row per municipality/town"
        raise ValidationError(msg)
    return f


def classify(
    features: pd.DataFrame,
    thresholds: Thresholds | None = None,
    *,
    official_monotowns: Sequence[str] | None = None,
    border: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Evaluate every rule for every row: types with the rule and figures behind them.

    Parameters
    ----------
    features
        Municipality feature table (:func:`~opora.analysis.features.municipality_features`),
        optionally with town rows appended (:func:`~opora.typology.towns.town_rows`); rows
        without a ``level`` are municipalities.
    thresholds
        Thresholds (:func:`~opora.io.thresholds.read_thresholds`); the defaults when
        ``None``.
    official_monotowns
        An official monotown list (OKTMO codes or names, see
        :func:`~opora.io.thresholds.read_code_list`). Shown in the ``official_monotown``
        column (``yes`` / ``no``; empty without a list) beside the data-driven
        ``single_enterprise`` judgement; **never** used by any rule.
    border
        List of border municipalities (codes or names). Without it the ``border`` rule is
        ``not_evaluated`` for every row.

    Returns
    -------
    pandas.DataFrame
        Long table, one record per row × rule, columns :data:`LONG_COLUMNS`: ``type``
        (an id of :data:`TYPES`), ``status`` (``assigned``, ``not_assigned``,
        ``not_evaluated``), ``rule`` (the rule with its thresholds), ``figures`` (the
        numbers that decided it, e.g. ``O+P+Q = 52,3 % ≥ 50 %``), ``reason_ru`` and
        ``reason_en``. ``attrs["unmatched_official_monotowns"]`` and
        ``attrs["unmatched_border"]`` list the entries of the lists that matched no row.

    Raises
    ------
    ValidationError
        If ``oktmo`` or ``name`` is missing, or a code repeats within a level.
    """
    t = thresholds or read_thresholds()
    f = _prepare(features)
    border_map: dict[int, str] | None = None
    unmatched_border: list[str] = []
    if border is not None:
        hits, unmatched_border = match_list(f, list(border))
        border_map = {i: h for i, h in enumerate(hits) if h is not None}
    official = [""] * len(f)
    unmatched_official: list[str] = []
    if official_monotowns is not None:
        hits, unmatched_official = match_list(f, list(official_monotowns))
        official = ["yes" if h is not None else "no" for h in hits]
    ctx = _Context(t=t, regional_share=_regional_shares(f[f["level"] != "town"]), border=border_map)
    rules = {k: _rule_text(k, t) for k in TYPES}
    records: list[tuple[Any, ...]] = []
    for pos, rec in enumerate(f.to_dict("records")):
        row: dict[str, Any] = {str(c): v for c, v in rec.items()}
        row["_pos"] = pos
        for type_id in TYPES:
            v = _RULES[type_id](row, ctx)
            records.append(
                (
                    row["oktmo"],
                    row["name"],
                    row["level"],
                    row["municipality_oktmo"],
                    type_id,
                    v.status,
                    rules[type_id],
                    v.figures,
                    v.reason_ru,
                    v.reason_en,
                    official[pos],
                )
            )
    out = pd.DataFrame.from_records(records, columns=list(LONG_COLUMNS))
    out.attrs["unmatched_official_monotowns"] = unmatched_official
    out.attrs["unmatched_border"] = unmatched_border
    out.attrs["thresholds"] = t.source
    return out


def types_table(classification: pd.DataFrame, *, lang: str = "ru") -> pd.DataFrame:
    """One row per municipality (or town): its types and the reasons, from :func:`classify`.

    Parameters
    ----------
    classification
        The long table of :func:`classify`.
    lang
        Language of ``reasons`` and ``not_evaluated``: ``ru`` or ``en``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WIDE_COLUMNS`, rows in input order: ``types`` - the assigned type
        ids joined by ``;`` (empty when none); ``reasons`` - ``type: reason`` of each,
        joined by `` | ``; ``not_evaluated`` - ``type: why`` of each rule that could not be
        evaluated, joined by `` | ``; ``official_monotown`` - as in the long table.

    Raises
    ------
    TypologyError
        If ``lang`` is not ``ru`` or ``en``.
    """
    if lang not in {"ru", "en"}:
        msg = f"`lang` must be 'ru' or 'en', got {lang!r}"
        raise TypologyError(msg)
    reason = f"reason_{lang}"
    c = classification
    cols = ["oktmo", "level", "name", "official_monotown", "municipality_oktmo", "type"]
    # one pass over plain lists (a groupby with a filter per group cost seconds a region);
    # groups keep the order of their first row and a row with a missing key is left out,
    # as ``groupby(["oktmo", "level"], sort=False)`` does
    groups: dict[tuple[Any, Any], list[tuple[Any, ...]]] = {}
    status = c["status"]
    flags = [
        (status == "assigned").fillna(False).astype(bool).tolist(),
        (status == "not_evaluated").fillna(False).astype(bool).tolist(),
    ]
    for rec in zip(*(c[k].tolist() for k in cols), *flags, c[reason].tolist(), strict=True):
        if pd.isna(rec[0]) or pd.isna(rec[1]):
            continue
        groups.setdefault((rec[0], rec[1]), []).append(rec)
    rows: list[dict[str, str]] = []
    for g in groups.values():
        oktmo, level, name, official, muni = g[0][:5]
        got = [(r[5], r[8]) for r in g if r[6]]
        miss = [(r[5], r[8]) for r in g if r[7]]
        rows.append(
            {
                "oktmo": str(oktmo),
                "name": str(name),
                "types": ";".join(a for a, _ in got),
                "reasons": " | ".join(f"{a}: {b}" for a, b in got),
                "not_evaluated": " | ".join(f"{a}: {b}" for a, b in miss),
                "official_monotown": str(official),
                "level": str(level),
                "municipality_oktmo": str(muni),
            }
        )
    return pd.DataFrame(rows, columns=list(WIDE_COLUMNS))
