r"""Life-support economy of municipalities: budget sector, budgets, incomes, people, spending.

A small town lives mostly on its *life-support economy*: schools, hospitals, social
services, administration, trade and consumer services, paid largely from the budget.
:func:`life_support_indicators` measures it for every municipality from the long
indicators table (:data:`~opora.model.schemas.INDICATOR_COLUMNS`) and, for the large
cities, from the INID "Large cities" panel (:func:`~opora.io.rosstat.read_big_cities`).

It returns two tables:

* a *wide* table, one row per municipality (``oktmo``, ``name`` when known, then the
  columns of :data:`LIFE_SUPPORT_FIELDS`), with ``NaN`` where a value cannot be
  computed;
* a *long* documentation table, one row per municipality × indicator: ``oktmo``,
  ``indicator``, ``value``, ``status`` (``ok``; ``partial`` - computed with a caveat;
  ``missing`` - ``NaN``), ``period`` (the years or period the value refers to),
  ``source`` and ``reason`` (why the value is ``NaN``, or the caveat of a partial
  value; missing for a plain ``ok``). Every ``NaN`` of the wide table has a reason
  there: nothing is left out silently.

The formulas (``e_s``: employment of large and medium organisations in OKVED section
``s``, ``w_s``: average monthly wage of the section):

``budget_employment_share``
    :math:`100 (e_O + e_P + e_Q) / e`, from the section shares of ``emp_share``; ``NaN``
    when one of O, P, Q is suppressed.
``budget_wage_bill_share``
    :math:`100 \sum_{s \in \{O,P,Q\}} w_s e_s / \sum_{s \in K} w_s e_s` with ``K`` the
    sections where both are published (wages of the employment year, January-December);
    ``NaN`` when O, P or Q lacks one of them; sections outside ``K`` are named in the
    documentation table (the share is then an upper bound).
``own_revenue_share``
    Rosstat municipal database ``Y48313015``: tax and non-tax revenue (without taxes
    under additional deduction norms) as % of the budget's own revenue (subventions
    excluded).
``transfer_dependence``
    :math:`100 -` ``own_revenue_share``: the part of the budget's revenue (subventions
    excluded) that comes as grants, subsidies, other transfers and taxes under
    additional deduction norms (which replace equalisation grants).
``big_city_transfer_share``
    For the large cities of the INID panel: transfers from other budgets / total
    revenue of the local budget, %, latest year where both are known and the share lies
    in 0-100 (``big_city_budget_year`` gives the year).
``social_share``, ``social_share_change``
    Rosstat Urov-14a: social payments / (social payments + taxable money incomes), % in
    the latest year, and its change since 2010 in percentage points.
``population``, ``population_change``, ``population_change_long``
    Rosstat bulletin population on 1 January; average annual population change
    (SberIndex / municipal database) between the two latest years, %; change of the
    population of a large city in the INID panel from 2012 to its latest year, %.
``share_65plus``, ``net_migration_rate``
    Share of people aged 65+ (latest year), %; net migration of a year per 1,000 of the
    average population of the same year, ‰.
``consumption_level``, ``consumption_change``
    SberIndex cashless consumer spending, category 'Все категории': mean of the monthly
    values of the latest year; change of its sum against the same months of the
    previous year, %.
``wage_rel_total``, ``wage_rel_A`` ... ``wage_rel_S``
    Average monthly wage of the section (January-December of the latest year) divided
    by the *median* of the same section over the municipalities of the table (the
    region): robust to one large city, and defined without employment by section,
    which is suppressed in many places.

A value of the municipal database equal to 999 999 999 is a placeholder of the
source, not a number: it is treated as missing, with that reason. Rows whose
``dimension`` is ``part N`` are parts of a sector split, not totals, and are not used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from opora.analysis.profile import ProfileField
from opora.economy._indicators import (
    PLACEHOLDER,
    Pick,
    municipality_index,
    normalise_indicators,
    pick,
    require_columns,
    year_text,
)

__all__ = [
    "BUDGET_SECTIONS",
    "LIFE_SUPPORT_FIELDS",
    "SECTION_NAMES",
    "WAGE_SECTIONS",
    "life_support_indicators",
]

#: OKVED 2 sections of the budget sector: public administration, education, health.
BUDGET_SECTIONS: tuple[str, ...] = ("O", "P", "Q")

#: OKVED 2 sections whose wages the municipal statistics publish (T and U are not).
WAGE_SECTIONS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRS")

#: Base year of the change of the social-payments share (first year of Urov-14a).
SOCIAL_BASE_YEAR = 2010

#: Start year of the population change of the large cities (INID panel).
BIG_CITY_START_YEAR = 2012

_ANNUAL_PERIODS = ("январь-декабрь", "год")
_ALL_CATEGORIES = "Все категории"
#: OKVED 2 section letters → (Russian, English) short names.
SECTION_NAMES: dict[str, tuple[str, str]] = {
    "A": ("сельское, лесное хозяйство", "agriculture, forestry"),
    "B": ("добыча полезных ископаемых", "mining"),
    "C": ("обрабатывающие производства", "manufacturing"),
    "D": ("энергетика", "electricity, gas, steam"),
    "E": ("водоснабжение, отходы", "water supply, waste"),
    "F": ("строительство", "construction"),
    "G": ("торговля", "trade"),
    "H": ("транспорт и хранение", "transport and storage"),
    "I": ("гостиницы и общепит", "accommodation and food"),
    "J": ("информация и связь", "information and communication"),
    "K": ("финансы и страхование", "finance and insurance"),
    "L": ("операции с недвижимостью", "real estate"),
    "M": ("профессиональная и научная деятельность", "professional and scientific"),
    "N": ("административная деятельность", "administrative services"),
    "O": ("госуправление", "public administration"),
    "P": ("образование", "education"),
    "Q": ("здравоохранение и соцуслуги", "health and social work"),
    "R": ("культура, спорт, досуг", "arts, sport, recreation"),
    "S": ("прочие услуги", "other services"),
}

_SBER = "SberIndex open data / Rosstat municipal database"
_BDMO = "Rosstat municipal database"
_INID = "INID 'Large cities' panel (Rosstat municipal database)"

#: Columns of the wide table of :func:`life_support_indicators` after ``oktmo``/``name``.
LIFE_SUPPORT_FIELDS: list[ProfileField] = [
    ProfileField(
        "budget_employment_share",
        "Доля бюджетного сектора (O+P+Q) в занятости",
        "Budget-sector share of employment (O+P+Q)",
        "%",
        "%",
        "pct1",
        "Rosstat municipal database Y48423005 (emp_share), 2023: 100 × (share O + share P "
        "+ share Q) of the staff of large and medium organisations; empty where one of the "
        "sections is suppressed",
    ),
    ProfileField(
        "budget_wage_bill_share",
        "Доля бюджетного сектора (O+P+Q) в фонде оплаты труда",
        "Budget-sector share of the wage bill (O+P+Q)",
        "%",
        "%",
        "pct1",
        "100 × Σ wage × employment over O, P, Q / Σ over the sections where both are "
        "published; employment: emp_share × emp_total 2023; wages: SberIndex / Rosstat "
        "average monthly wage by section, January-December of the same year",
    ),
    ProfileField(
        "own_revenue_share",
        "Доля собственных доходов бюджета",
        "Own-revenue share of the local budget",
        "%",
        "%",
        "pct1",
        "Rosstat municipal database Y48313015 (latest year): tax and non-tax revenue, "
        "without taxes under additional deduction norms, as % of own revenue "
        "(subventions excluded)",
    ),
    ProfileField(
        "transfer_dependence",
        "Зависимость от межбюджетной поддержки (без субвенций)",
        "Dependence on intergovernmental support (subventions excluded)",
        "%",
        "%",
        "pct1",
        "100 − Y48313015: grants, subsidies, other transfers and taxes under additional "
        "deduction norms as % of the budget's own revenue (subventions excluded)",
    ),
    ProfileField(
        "big_city_transfer_share",
        "Доля трансфертов в доходах бюджета (крупные города)",
        "Transfers share of budget revenue (large cities)",
        "%",
        "%",
        "pct1",
        "INID 'Large cities' panel: transfers from other budgets / total revenue of the "
        "local budget × 100, latest year with both known and a share within 0-100",
    ),
    ProfileField(
        "big_city_budget_year",
        "Год бюджетных данных (крупные города)",
        "Year of the budget data (large cities)",
        "год",
        "year",
        "int",
        "Year of big_city_transfer_share",
    ),
    ProfileField(
        "social_share",
        "Доля социальных выплат в доходах",
        "Social payments share of income",
        "%",
        "%",
        "pct1",
        "Rosstat Urov-14a, latest year: social payments / (social payments + taxable "
        "money incomes) × 100",
    ),
    ProfileField(
        "social_share_change",
        "Изменение доли социальных выплат с 2010 г.",
        "Change of the social payments share since 2010",
        "п.п.",
        "p.p.",
        "float1",
        "Rosstat Urov-14a: social_share of the latest year − social_share of 2010",
    ),
    ProfileField(
        "population",
        "Население на 1 января",
        "Population on 1 January",
        "чел.",
        "people",
        "int",
        "Rosstat bulletin 'population by municipality on 1 January' (2024)",
    ),
    ProfileField(
        "population_change",
        "Изменение среднегодового населения за год",
        "Change of the average population over a year",
        "%",
        "%",
        "float2",
        "SberIndex / Rosstat municipal database: average annual population of the latest "
        "year / of the year before − 1, × 100 (2023→2024)",
    ),
    ProfileField(
        "population_change_long",
        "Изменение населения крупного города с 2012 г.",
        "Population change of a large city since 2012",
        "%",
        "%",
        "float1",
        "INID 'Large cities' panel: population of the latest year (2019) / of 2012 − 1, "
        "× 100; only for the large cities of the panel",
    ),
    ProfileField(
        "share_65plus",
        "Доля населения 65+",
        "Share aged 65+",
        "%",
        "%",
        "float1",
        "SberIndex / Rosstat municipal database, latest year (2024)",
    ),
    ProfileField(
        "net_migration_rate",
        "Миграционный прирост на 1000 жителей",
        "Net migration per 1,000 people",
        "‰",
        "‰",
        "float1",
        "SberIndex / Rosstat municipal database: net migration of the latest year (2023) / "
        "average population of the same year × 1000",
    ),
    ProfileField(
        "consumption_level",
        "Безналичные потребительские расходы, в среднем за месяц",
        "Cashless consumer spending, monthly average",
        "индекс СберИндекса",
        "SberIndex index",
        "int",
        "SberIndex, category 'Все категории': mean of the monthly values of the latest year (2024)",
    ),
    ProfileField(
        "consumption_change",
        "Изменение потребительских расходов за год",
        "Change of consumer spending over a year",
        "%",
        "%",
        "float1",
        "SberIndex, 'Все категории': sum over the months of the latest year / sum over the "
        "same months of the year before − 1, × 100 (2024 vs 2023)",
    ),
    ProfileField(
        "wage_rel_total",
        "Средняя зарплата к медиане региона",
        "Average wage relative to the regional median",
        "раз",
        "×",
        "float2",
        "SberIndex / Rosstat average monthly wage, January-December of the latest year "
        "(2024) / median over the region's municipalities",
    ),
    *[
        ProfileField(
            f"wage_rel_{s}",
            f"Зарплата ({s}: {ru}) к медиане региона",
            f"Wage ({s}: {en}) relative to the regional median",
            "раз",
            "×",
            "float2",
            f"SberIndex / Rosstat average monthly wage in OKVED section {s}, "
            "January-December of the latest year (2024) / median of section "
            f"{s} over the region's municipalities",
        )
        for s, (ru, en) in SECTION_NAMES.items()
    ],
]

_NOTE_COLUMNS = ["oktmo", "indicator", "value", "status", "period", "source", "reason"]


# ------------------------------------------------------------------------ helpers


def _wage_period(ind: pd.DataFrame, year: float | None = None) -> tuple[float | None, str | None]:
    """Latest annual wage period (of ``year`` when given): ``(year, period)``."""
    w = ind[(ind["code"] == "sber_wage") & ind["value"].notna()]
    if year is not None:
        w = w[w["year"] == year]
    annual = w[w["period"].isin(_ANNUAL_PERIODS)]
    if annual.empty:
        return None, None
    y = float(annual["year"].max())
    per = str(annual.loc[annual["year"] == y, "period"].iloc[0])
    return y, per


class _Book:
    """Collects the wide columns and the documentation rows of the indicators."""

    def __init__(self, index: pd.Index) -> None:
        self.index = index
        self.columns: dict[str, pd.Series] = {}
        self.notes: list[pd.DataFrame] = []

    def put(
        self,
        key: str,
        value: pd.Series,
        *,
        period: str | pd.Series,
        source: str,
        reason: pd.Series | str,
        note: pd.Series | None = None,
    ) -> None:
        """Store one indicator: ``reason`` explains the ``NaN``, ``note`` a caveat."""
        v = pd.to_numeric(value.reindex(self.index), errors="coerce").astype("float64")
        v = v.where(np.isfinite(v.to_numpy()))
        nan = v.isna().to_numpy()
        if isinstance(reason, str):
            why = pd.Series(reason, index=self.index, dtype="string")
        else:
            why = reason.reindex(self.index).astype("string")
        why = why.where(nan)
        fallback = f"`{key}` could not be computed from the tables given"
        why = why.where(~(nan & why.isna().to_numpy()), fallback)
        status = np.where(nan, "missing", "ok").astype(object)
        if note is not None:
            n = note.reindex(self.index).astype("string")
            has = (~nan) & n.notna().to_numpy()
            why = why.mask(has, n)
            status[has] = "partial"
        per = (
            pd.Series(period, index=self.index, dtype="string")
            if isinstance(period, str)
            else period.reindex(self.index).astype("string")
        )
        self.columns[key] = v
        self.notes.append(
            pd.DataFrame(
                {
                    "oktmo": self.index.astype("string"),
                    "indicator": key,
                    "value": v.to_numpy(),
                    "status": status,
                    "period": per.to_numpy(),
                    "source": source,
                    "reason": why.to_numpy(),
                }
            )
        )

    def tables(self, names: pd.Series | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        wide = pd.DataFrame(self.columns, index=self.index)
        wide = wide[[f.key for f in LIFE_SUPPORT_FIELDS]]
        wide.index.name = "oktmo"
        wide = wide.reset_index()
        if names is not None:
            wide.insert(1, "name", names.reindex(self.index).to_numpy())
        long = pd.concat(self.notes, ignore_index=True)[_NOTE_COLUMNS]
        long = long.astype(
            {
                "indicator": "string",
                "status": "string",
                "period": "string",
                "source": "string",
                "reason": "string",
            }
        )
        return wide, long


def _join_reasons(parts: Iterable[str | None]) -> str | None:
    texts = [p for p in parts if p]
    return "; ".join(texts) if texts else None


# ------------------------------------------------------------------ the indicators


def _budget_employment(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    emp = ind[(ind["code"] == "emp_share") & ind["value"].notna()]
    year = float(emp["year"].max()) if len(emp) else None
    label = year_text(year)
    picks = {s: pick(ind, "emp_share", year=year, dimension=s) for s in BUDGET_SECTIONS}
    total = sum((picks[s].values.reindex(index) for s in BUDGET_SECTIONS), pd.Series(0.0, index))
    has_any = pd.Index(pd.unique(emp.loc[emp["year"] == year, "oktmo"]), dtype="string")
    reason = pd.Series(pd.NA, index=index, dtype="string")
    for k in index:
        lack = [s for s in BUDGET_SECTIONS if k not in picks[s].values.index]
        if not lack:
            continue
        if year is None:
            reason[k] = "no employment shares by section (`emp_share`) in the indicators table"
        elif k not in has_any:
            reason[k] = f"no employment shares by section published for {label}"
        else:
            reason[k] = (
                f"employment share of section {', '.join(lack)} suppressed or not "
                f"published ({label})"
            )
    book.put(
        "budget_employment_share",
        total * 100,
        period=label,
        source="Rosstat municipal database Y48423005 (emp_share)",
        reason=reason,
    )


def _section_table(ind: pd.DataFrame, code: str, year: float | None, **kw: str) -> pd.DataFrame:
    """Values of ``code`` by OKTMO × section (dimension) in ``year``."""
    d = ind[(ind["code"] == code) & (ind["year"] == year) & ind["value"].notna()]
    for col, val in kw.items():
        d = d[d[col] == val]
    d = d[~d["dimension"].str.startswith("part ") & (d["dimension"] != "")]
    d = d[d["value"] < PLACEHOLDER]
    out = d.pivot_table(index="oktmo", columns="dimension", values="value", aggfunc="first")
    out.index = out.index.astype("string")
    return out


def _budget_wage_bill(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    emp_rows = ind[(ind["code"] == "emp_share") & ind["value"].notna()]
    if emp_rows.empty:
        book.put(
            "budget_wage_bill_share",
            pd.Series(np.nan, index=index),
            period="",
            source="",
            reason="no employment shares by section (`emp_share`) in the indicators table",
        )
        return
    year = float(emp_rows["year"].max())
    sections = sorted(pd.unique(emp_rows["dimension"]))
    shares = _section_table(ind, "emp_share", year).reindex(index=index, columns=sections)
    totals = pick(ind, "emp_total", year=year).values.reindex(index)
    emp = shares.mul(totals, axis=0)
    wy, wper = _wage_period(ind, year)
    wage_note = None
    if wy is None:
        wy, wper = _wage_period(ind)
        if wy is not None:
            wage_note = f"wages of {year_text(wy)} (none for the employment year {int(year)})"
    if wy is None:
        wage = pd.DataFrame(np.nan, index=index, columns=sections)
    else:
        wage = _section_table(ind, "sber_wage", wy, period=str(wper))
        wage = wage.reindex(index=index, columns=sections)
    bill = emp * wage
    known = bill.notna()
    budget = [s for s in BUDGET_SECTIONS if s in sections]
    num = bill[budget].sum(axis=1, min_count=1) if budget else pd.Series(np.nan, index=index)
    den = bill.sum(axis=1, min_count=1)
    value = 100 * num / den
    emp_known, wage_known, total_known = emp.notna(), wage.notna(), totals.notna()
    reason = pd.Series(pd.NA, index=index, dtype="string")
    note = pd.Series(pd.NA, index=index, dtype="string")
    period = f"employment {int(year)}, wages {year_text(wy)} {wper or ''}".strip()
    for k in index:
        lack = []
        for s in BUDGET_SECTIONS:
            if s not in sections:
                lack.append(f"{s}: no section in the employment table")
                continue
            what = []
            if not emp_known.at[k, s]:
                what.append("employment" if total_known[k] else "total employment")
            if not wage_known.at[k, s]:
                what.append("wage")
            if what:
                lack.append(f"{s}: {' and '.join(what)} not published")
        if lack:
            reason[k] = f"budget sector incomplete ({period}) - " + "; ".join(lack)
            continue
        if not (den[k] > 0):
            reason[k] = f"wage bill of the known sections is zero ({period})"
            continue
        out = [s for s in sections if not known.at[k, s]]
        note[k] = _join_reasons(
            [
                (
                    f"sections left out of the denominator (employment or wage not "
                    f"published): {', '.join(out)}; the share is an upper bound"
                    if out
                    else None
                ),
                wage_note,
            ]
        )
    if wy is None:
        reason[:] = "no annual wages by section (`sber_wage`) in the indicators table"
    book.put(
        "budget_wage_bill_share",
        value.where(reason.isna().to_numpy()),
        period=period,
        source="Rosstat municipal database Y48423005 (emp_share × emp_total); SberIndex wages",
        reason=reason,
        note=note,
    )


def _budget(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    own = pick(ind, "Y48313015")
    v = own.values.reindex(index)
    reason = own.reasons(index)
    bad = (v < 0) | (v > 100)
    reason[bad.to_numpy()] = "`Y48313015` outside 0-100 %: not a share"
    v = v.where(~bad)
    src = f"{_BDMO} Y48313015"
    book.put("own_revenue_share", v, period=own.label, source=src, reason=reason)
    book.put(
        "transfer_dependence",
        100 - v,
        period=own.label,
        source=f"{src} (100 − value)",
        reason=reason,
    )


def _big_cities(book: _Book, big: pd.DataFrame | None) -> None:
    index = book.index
    share = pd.Series(np.nan, index=index)
    year = pd.Series(np.nan, index=index)
    change = pd.Series(np.nan, index=index)
    r_share = pd.Series(pd.NA, index=index, dtype="string")
    n_share = pd.Series(pd.NA, index=index, dtype="string")
    r_change = pd.Series(pd.NA, index=index, dtype="string")
    per_change = pd.Series(pd.NA, index=index, dtype="string")
    per_share = pd.Series(pd.NA, index=index, dtype="string")
    if big is None:
        text = "`big_cities` not given (INID 'Large cities' panel, read_big_cities)"
        r_share[:] = text
        r_change[:] = text
    else:
        need = ["oktmo", "year", "budget_revenue_total", "budget_transfers", "population"]
        require_columns(
            big, need, "`big_cities`", "pass the table of opora.io.rosstat.read_big_cities"
        )
        b = pd.DataFrame(
            {
                "oktmo": big["oktmo"].astype("string").str.strip(),
                "year": pd.to_numeric(big["year"], errors="coerce"),
                "rev": pd.to_numeric(big["budget_revenue_total"], errors="coerce"),
                "tr": pd.to_numeric(big["budget_transfers"], errors="coerce"),
                "pop": pd.to_numeric(big["population"], errors="coerce"),
            }
        )
        b = b[b["oktmo"].isin(index) & b["year"].notna()].sort_values("year")
        not_in = "not among the large cities of the INID panel"
        for k in index:
            rows = b[b["oktmo"] == k]
            if rows.empty:
                r_share[k] = not_in
                r_change[k] = not_in
                continue
            both = rows[rows["rev"].notna() & rows["tr"].notna()]
            s = 100 * both["tr"] / both["rev"]
            valid = (both["rev"] > 0) & (s >= 0) & (s <= 100)
            if valid.any():
                last = int(both.loc[valid, "year"].iloc[-1])
                share[k] = float(s[valid].iloc[-1])
                year[k] = last
                per_share[k] = str(last)
                later = both.loc[~valid & (both["year"] > last), "year"].astype(int).tolist()
                if later:
                    n_share[k] = (
                        f"years {', '.join(map(str, later))} skipped: transfers exceed total "
                        "revenue (error in the source)"
                    )
            elif both.empty:
                r_share[k] = "no year with both total revenue and transfers in the INID panel"
            else:
                r_share[k] = "transfers exceed total revenue in every year (error in the source)"
            pop = rows[rows["pop"].notna() & (rows["pop"] > 0)]
            start = pop[pop["year"] == BIG_CITY_START_YEAR]
            if start.empty:
                r_change[k] = f"no population for {BIG_CITY_START_YEAR} in the INID panel"
                continue
            end = pop.iloc[-1]
            if int(end["year"]) <= BIG_CITY_START_YEAR:
                r_change[k] = f"no population after {BIG_CITY_START_YEAR} in the INID panel"
                continue
            change[k] = (float(end["pop"]) / float(start["pop"].iloc[0]) - 1) * 100
            per_change[k] = f"{BIG_CITY_START_YEAR}→{int(end['year'])}"
    book.put(
        "big_city_transfer_share",
        share,
        period=per_share,
        source=f"{_INID}: budget_transfers / budget_revenue_total",
        reason=r_share,
        note=n_share,
    )
    book.put(
        "big_city_budget_year",
        year,
        period=per_share,
        source=_INID,
        reason=r_share,
    )
    book.put(
        "population_change_long",
        change,
        period=per_change,
        source=f"{_INID}: population",
        reason=r_change,
    )


def _social(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    d = ind[(ind["code"] == "urov14a_social_share") & (ind["dimension"] == "")]
    d = d[d["value"].notna() & d["year"].notna()].sort_values("year")
    last = d.groupby("oktmo", sort=False).last()
    last.index = last.index.astype("string")
    base = d[d["year"] == SOCIAL_BASE_YEAR].groupby("oktmo", sort=False)["value"].first()
    base.index = base.index.astype("string")
    level = last["value"].reindex(index) * 100
    years = last["year"].reindex(index)
    change = (last["value"].reindex(index) - base.reindex(index)) * 100
    change = change.where(years > SOCIAL_BASE_YEAR)
    none = (
        "no Urov-14a social payments share (`urov14a_social_share`) for this municipality"
        if len(d)
        else "no `urov14a_social_share` values in the indicators table"
    )
    reason = pd.Series(none, index=index, dtype="string")
    r_change = reason.copy()
    has = years.notna().to_numpy()
    r_change[has & base.reindex(index).isna().to_numpy()] = (
        f"no Urov-14a value for {SOCIAL_BASE_YEAR}"
    )
    r_change[has & (years <= SOCIAL_BASE_YEAR).to_numpy()] = (
        f"no Urov-14a value after {SOCIAL_BASE_YEAR}"
    )
    ytext = years.map(lambda y: "" if pd.isna(y) else str(int(y))).astype("string")
    latest = float(d["year"].max()) if len(d) else np.nan
    stale = pd.Series(pd.NA, index=index, dtype="string")
    old = (years < latest).to_numpy()
    stale[old] = [f"latest value is of {int(y)}; the region's is {int(latest)}" for y in years[old]]
    src = "Rosstat Urov-14a: social payments / (social payments + taxable incomes)"
    book.put("social_share", level, period=ytext, source=src, reason=reason, note=stale)
    book.put(
        "social_share_change",
        change,
        period=(f"{SOCIAL_BASE_YEAR}→" + ytext).where(ytext != ""),
        source=src,
        reason=r_change,
    )


def _people(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    bul = pick(ind, "bul_population")
    book.put(
        "population",
        bul.values,
        period=f"1 Jan {bul.label}",
        source="Rosstat bulletin 'population by municipality on 1 January'",
        reason=bul.reasons(index),
    )
    p1 = pick(ind, "sber_population")
    p0 = pick(ind, "sber_population", year=None if p1.year is None else p1.year - 1)
    a, b = p1.values.reindex(index), p0.values.reindex(index)
    reason = _combine_reasons(index, [p1, p0])
    reason[((b <= 0) & a.notna()).to_numpy()] = "population of the first year is zero"
    book.put(
        "population_change",
        (a / b.where(b > 0) - 1) * 100,
        period=f"{p0.label}→{p1.label}",
        source=f"{_SBER}: average annual population",
        reason=reason,
    )
    old = pick(ind, "sber_share_65plus")
    book.put(
        "share_65plus",
        old.values,
        period=old.label,
        source=f"{_SBER}: share of people aged 65+",
        reason=old.reasons(index),
    )
    mig = pick(ind, "sber_net_migration")
    pm = pick(ind, "sber_population", year=mig.year) if mig.year is not None else p1
    pop = pm.values.reindex(index)
    reason = _combine_reasons(index, [mig, pm])
    book.put(
        "net_migration_rate",
        mig.values.reindex(index) / pop.where(pop > 0) * 1000,
        period=mig.label,
        source=f"{_SBER}: net migration / average population × 1000",
        reason=reason,
    )


def _combine_reasons(index: pd.Index, picks: Sequence[Pick]) -> pd.Series:
    parts = [p.reasons(index) for p in picks]
    out = pd.Series(pd.NA, index=index, dtype="string")
    for k in index:
        out[k] = _join_reasons(str(p[k]) for p in parts if pd.notna(p[k]))
    return out


def _consumption(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    d = ind[
        (ind["code"] == "sber_consumption")
        & (ind["dimension"] == _ALL_CATEGORIES)
        & ind["value"].notna()
    ]
    month = d["period"].str.extract(r"^(\d{4})-(\d{2})$")
    d = d.assign(_y=pd.to_numeric(month[0]), _m=pd.to_numeric(month[1]))
    d = d[d["_y"].notna()]
    src = "SberIndex cashless consumer spending, 'Все категории'"
    if d.empty:
        text = f"no monthly `sber_consumption` values for '{_ALL_CATEGORIES}' in the table"
        nan = pd.Series(np.nan, index=index)
        book.put("consumption_level", nan, period="", source=src, reason=text)
        book.put("consumption_change", nan, period="", source=src, reason=text)
        return
    last = float(d["_y"].max())
    cur = d[d["_y"] == last].pivot_table(index="oktmo", columns="_m", values="value")
    prev = d[d["_y"] == last - 1].pivot_table(index="oktmo", columns="_m", values="value")
    for t in (cur, prev):
        t.index = t.index.astype("string")
    cur = cur.reindex(index)
    prev = prev.reindex(index=index, columns=cur.columns)
    level = cur.mean(axis=1)
    n_cur = cur.notna().sum(axis=1)
    both = cur.notna() & prev.notna()
    n_both = both.sum(axis=1)
    change = (cur.where(both).sum(axis=1) / prev.where(both).sum(axis=1) - 1) * 100
    change = change.where(n_both > 0)
    y1, y0 = int(last), int(last) - 1
    r_level = pd.Series(pd.NA, index=index, dtype="string")
    r_level[(n_cur == 0).to_numpy()] = f"no monthly spending for {y1}"
    n_level = pd.Series(pd.NA, index=index, dtype="string")
    few = ((n_cur > 0) & (n_cur < 12)).to_numpy()
    n_level[few] = [f"mean of {int(n)} months of {y1}, not 12" for n in n_cur[few]]
    r_change = r_level.copy()
    r_change[((n_cur > 0) & (n_both == 0)).to_numpy()] = f"no month of {y0} to compare with"
    n_change = pd.Series(pd.NA, index=index, dtype="string")
    few = ((n_both > 0) & (n_both < 12)).to_numpy()
    n_change[few] = [f"compared over {int(n)} common months, not 12" for n in n_both[few]]
    book.put(
        "consumption_level",
        level,
        period=str(y1),
        source=f"{src}: mean of the monthly values",
        reason=r_level,
        note=n_level,
    )
    book.put(
        "consumption_change",
        change,
        period=f"{y1} vs {y0}",
        source=f"{src}: sum over the same months",
        reason=r_change,
        note=n_change,
    )


def _wages(book: _Book, ind: pd.DataFrame) -> None:
    index = book.index
    wy, wper = _wage_period(ind)
    label = f"{year_text(wy)} {wper}" if wy is not None else ""
    src = f"{_SBER}: average monthly wage / median of the region's municipalities"
    # every pick below is of `sber_wage`: select its rows once, not once per section
    ind = ind[ind["code"] == "sber_wage"]
    for s in ("total", *WAGE_SECTIONS):
        key = f"wage_rel_{s}"
        if wy is None:
            book.put(
                key,
                pd.Series(np.nan, index=index),
                period="",
                source=src,
                reason="no annual wages (`sber_wage`, January-December) in the indicators table",
            )
            continue
        p = pick(ind, "sber_wage", year=wy, dimension=s, period=wper)
        w = p.values.reindex(index)
        med = float(w.median()) if w.notna().any() else np.nan
        what = "average wage (all sections)" if s == "total" else f"wage of section {s}"
        reason = pd.Series(pd.NA, index=index, dtype="string")
        lack = w.isna().to_numpy()
        empty = [k in p.why for k in index]
        reason[lack] = f"no {what} for {label} in the indicators table"
        reason[lack & np.asarray(empty)] = f"{what} suppressed (empty in the source) for {label}"
        if p.values.empty:
            reason[:] = f"no municipality has a {what} for {label}"
        elif not med > 0:
            reason[:] = f"regional median of the {what} is zero ({label})"
        book.put(
            key,
            w / med if med > 0 else pd.Series(np.nan, index=index),
            period=label,
            source=src,
            reason=reason,
        )


# ----------------------------------------------------------------------- function


def life_support_indicators(
    indicators: pd.DataFrame,
    municipalities: pd.DataFrame | None = None,
    big_cities: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Life-support economy indicators of every municipality, with the reason of each gap.

    Parameters
    ----------
    indicators
        Long indicators table (:data:`~opora.model.schemas.INDICATOR_COLUMNS`; ``name``,
        ``unit`` and ``source`` are not needed). OKTMO is compared as text.
    municipalities
        Municipalities to report, with an ``oktmo`` column (only ``level == 'upper'``
        rows when there is a ``level`` column) and optionally ``name``. Default: every
        OKTMO of the indicators table outside the bulletin codes (``bul_*``, which also
        list the lower-level municipalities).
    big_cities
        Table of :func:`~opora.io.rosstat.read_big_cities` (``oktmo``, ``year``,
        ``budget_revenue_total``, ``budget_transfers``, ``population``), for the budget
        and population series of the large cities. Without it those columns are ``NaN``
        with that reason.

    Returns
    -------
    wide : pandas.DataFrame
        One row per municipality: ``oktmo``, ``name`` (when ``municipalities`` has
        names) and the columns of :data:`LIFE_SUPPORT_FIELDS` (float; ``NaN`` where not
        computed).
    notes : pandas.DataFrame
        One row per municipality × indicator: ``oktmo``, ``indicator``, ``value``,
        ``status`` (``ok``, ``partial``, ``missing``), ``period``, ``source`` and
        ``reason`` (why the value is missing, or the caveat of a partial value).

    Raises
    ------
    ValidationError
        When a required column is missing from ``indicators``, ``municipalities`` or
        ``big_cities``.

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({
    ...     "oktmo": ["80601000"] * 3, "code": ["emp_share"] * 3, "year": [2023] * 3,
    ...     "period": ["год"] * 3, "dimension": ["O", "P", "Q"],
    ...     "value": [0.1, 0.2, 0.15]})
    >>> wide, notes = life_support_indicators(ind)
    >>> round(float(wide.loc[0, "budget_employment_share"]), 1)
    45.0
    >>> notes.loc[notes["indicator"] == "own_revenue_share", "reason"].iloc[0]
    'no `Y48313015` values in the indicators table'
    """
    ind = normalise_indicators(indicators)
    index, names = municipality_index(ind, municipalities)
    book = _Book(index)
    _budget_employment(book, ind)
    _budget_wage_bill(book, ind)
    _budget(book, ind)
    _big_cities(book, big_cities)
    _social(book, ind)
    _people(book, ind)
    _consumption(book, ind)
    _wages(book, ind)
    return book.tables(names)
