"""Text labels of the town passport (HTML page and PDF), in Russian and English.

Every piece of fixed text that a passport shows comes from :data:`PASSPORT_LABELS`,
so the two languages stay in step: each key must exist in both dictionaries (a test
checks this). Labels that hold ``{name}`` placeholders are filled with
:meth:`str.format`. Keys ``stype.<type>`` name the settlement types of the register.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from opora.report._language import language_table

__all__ = ["PASSPORT_LABELS", "PASSPORT_LANGUAGES", "labels_for", "passport_label"]

#: Languages a passport can be written in; the first one is the default.
PASSPORT_LANGUAGES: Final[tuple[str, ...]] = ("ru", "en")

PASSPORT_LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        # header
        "kicker": "Паспорт населённого пункта",
        "title": "{type} {name}",
        "doc_title": "Паспорт: {name}",
        "municipality": "Муниципальное образование",
        "region": "Субъект РФ",
        "oktmo": "ОКТМО",
        "municipality_oktmo": "ОКТМО МО",
        "population": "Население",
        "population_value": "{n}\u00a0чел.",
        "population_year": "{n}\u00a0чел. ({year})",
        "population_missing": "нет данных",
        "residents": "жителей",
        "residents_year": "жителей, {year}",
        "coordinates": "Координаты",
        "lat_n": "{v}°\u00a0с.\u00a0ш.",
        "lat_s": "{v}°\u00a0ю.\u00a0ш.",
        "lon_e": "{v}°\u00a0в.\u00a0д.",
        "lon_w": "{v}°\u00a0з.\u00a0д.",
        "modelled_flag": (
            "Часть данных смоделирована, оценена или скрыта: см. раздел «Оговорки к данным» "
            "в конце паспорта."
        ),
        "continued": "продолжение",
        "footer": "Паспорт: {name} · opora {version}",
        "page": "стр. {page} из {pages}",
        "generated_by": "Сформировано программой opora {version}, {date}.",
        "no_data": "нет данных",
        # settlement types
        "stype.г": "г.",
        "stype.пгт": "пгт",
        "stype.рп": "рп",
        "stype.кп": "кп",
        "stype.дп": "дп",
        "stype.гп": "гп",
        "stype.с": "с.",
        "stype.п": "п.",
        "stype.д": "д.",
        "stype.ст": "ст.",
        "stype.х": "х.",
        # mini map
        "map_heading": "Положение и соседние населённые пункты",
        "map_alt": "Схема: {name} и соседние населённые пункты",
        "map_caption": (
            "Схема, не карта: равнопромежуточная проекция, долготы сжаты в cos φ раз "
            "(φ = {lat}°); север вверху. Площадь кружка пропорциональна численности "
            "населения."
        ),
        "map_town": "{name}",
        "map_inter_district": "межрайонный центр",
        "map_local": "местный центр",
        "map_other": "прочие НП",
        "map_no_coords": "Соседние НП без координат не показаны: {n}.",
        "map_km": "{n}\u00a0км",
        "map_north": "С",
        # profile
        "profile_heading": "Профиль",
        "profile_indicator": "Показатель",
        "profile_value": "Значение",
        "profile_empty": "Показатели не переданы.",
        # typology
        "types_heading": "Тип населённого пункта",
        "types_empty": "Тип не определён.",
        # accessibility
        "access_heading": "Доступность услуг",
        "access_service": "Услуга",
        "access_minutes": "Время в пути, мин",
        "access_standard": "Норматив, мин",
        "access_status": "Оценка",
        "access_data": "Данные",
        "access_within": "в пределах норматива",
        "access_over": "превышение на {n}\u00a0мин",
        "access_unreachable": "недостижимо",
        "access_modelled": "модель",
        "access_observed": "расчёт",
        "access_standard_value": "≤ {n}",
        "access_modelled_note": (
            "«модель» — время рассчитано по смоделированной дорожной сети или "
            "смоделированному размещению учреждений; значения ориентировочные. "
            "«недостижимо» — учреждение не найдено по дорожной сети."
        ),
        "access_empty": "Сведения о доступности не переданы.",
        # anchor role
        "anchor_heading": "Роль опорного центра",
        "anchor_empty": "Роль опорного центра не определена.",
        # economy
        "economy_heading": "Экономика",
        "sectors_heading": "Отраслевая структура: населённый пункт и субъект",
        "sectors_axis": "доля, %",
        "sectors_region": "субъект в целом",
        "sectors_more": "ещё разделов: {n}",
        "sectors_empty": "Отраслевая структура не передана.",
        "trends_heading": "Динамика: населённый пункт и медиана по субъекту",
        "trends_region": "медиана по субъекту",
        "trends_empty": "Ряды динамики не переданы.",
        "chart_alt_sectors": "Диаграмма: доли разделов экономики, {name} и субъект",
        "chart_alt_trends": "Графики динамики показателей, {name} и медиана по субъекту",
        # candidates
        "candidates_heading": "Возможные направления специализации",
        "candidates_label": "Направление",
        "candidates_score": "Оценка, 0–1",
        "candidates_why": "Обоснование",
        "candidates_empty": "Направления специализации не выявлены.",
        # resilience
        "resilience_heading": "Устойчивость",
        "resilience_score": "Индекс устойчивости: {score} из 100",
        "resilience_rank": "{rank}-е место из {n}",
        "resilience_missing": "Индекс устойчивости не рассчитан.",
        "resilience_components": "Составляющие индекса, 0–100",
        "resilience_no_data": "нет данных",
        "chart_alt_resilience": "Диаграмма: составляющие индекса устойчивости",
        # strategy card
        "card_heading": "Стратегическая карточка",
        "card_foundation": "Основа развития",
        "card_specialisation": "Специализация",
        "card_instruments": "Инструменты",
        "card_targets": "Целевые ориентиры",
        "card_alerts": "Тревожные сигналы",
        "card_empty": "Стратегическая карточка не составлена.",
        # footer
        "notes_heading": "Оговорки к данным",
        "sources_heading": "Источники",
    },
    "en": {
        # header
        "kicker": "Settlement passport",
        "title": "{name} ({type})",
        "doc_title": "Passport: {name}",
        "municipality": "Municipality",
        "region": "Region",
        "oktmo": "OKTMO",
        "municipality_oktmo": "Municipality OKTMO",
        "population": "Population",
        "population_value": "{n}",
        "population_year": "{n} ({year})",
        "population_missing": "no data",
        "residents": "residents",
        "residents_year": "residents, {year}",
        "coordinates": "Coordinates",
        "lat_n": "{v}°\u00a0N",
        "lat_s": "{v}°\u00a0S",
        "lon_e": "{v}°\u00a0E",
        "lon_w": "{v}°\u00a0W",
        "modelled_flag": (
            "Some data are modelled, estimated or suppressed: see 'Data caveats' at the end "
            "of the passport."
        ),
        "continued": "continued",
        "footer": "Passport: {name} · opora {version}",
        "page": "page {page} of {pages}",
        "generated_by": "Generated by opora {version}, {date}.",
        "no_data": "no data",
        # settlement types
        "stype.г": "town",
        "stype.пгт": "urban-type settlement",
        "stype.рп": "work settlement",
        "stype.кп": "resort settlement",
        "stype.дп": "dacha settlement",
        "stype.гп": "urban settlement",
        "stype.с": "village (selo)",
        "stype.п": "settlement",
        "stype.д": "village",
        "stype.ст": "station settlement",
        "stype.х": "khutor",
        # mini map
        "map_heading": "Location and neighbouring settlements",
        "map_alt": "Schematic: {name} and neighbouring settlements",
        "map_caption": (
            "Schematic, not a map: equirectangular projection, longitudes shrunk by cos φ "
            "(φ = {lat}°); north is up. Circle area is proportional to population."
        ),
        "map_town": "{name}",
        "map_inter_district": "inter-district anchor",
        "map_local": "local anchor",
        "map_other": "other",
        "map_no_coords": "Neighbouring settlements without coordinates not shown: {n}.",
        "map_km": "{n}\u00a0km",
        "map_north": "N",
        # profile
        "profile_heading": "Profile",
        "profile_indicator": "Indicator",
        "profile_value": "Value",
        "profile_empty": "No indicators given.",
        # typology
        "types_heading": "Settlement type",
        "types_empty": "No type assigned.",
        # accessibility
        "access_heading": "Access to services",
        "access_service": "Service",
        "access_minutes": "Travel time, min",
        "access_standard": "Standard, min",
        "access_status": "Assessment",
        "access_data": "Data",
        "access_within": "within standard",
        "access_over": "{n}\u00a0min over",
        "access_unreachable": "unreachable",
        "access_modelled": "modelled",
        "access_observed": "computed",
        "access_standard_value": "≤ {n}",
        "access_modelled_note": (
            "'modelled': the travel time uses a modelled road network or modelled facility "
            "locations, so it is indicative only. 'unreachable': no facility can be reached "
            "over the road network."
        ),
        "access_empty": "No accessibility data given.",
        # anchor role
        "anchor_heading": "Anchor role",
        "anchor_empty": "No anchor role assigned.",
        # economy
        "economy_heading": "Economy",
        "sectors_heading": "Sector structure: settlement and region",
        "sectors_axis": "share, %",
        "sectors_region": "region as a whole",
        "sectors_more": "more sections: {n}",
        "sectors_empty": "No sector structure given.",
        "trends_heading": "Trends: settlement and regional median",
        "trends_region": "regional median",
        "trends_empty": "No time series given.",
        "chart_alt_sectors": "Chart: shares of economic sections, {name} and region",
        "chart_alt_trends": "Trend charts, {name} and regional median",
        # candidates
        "candidates_heading": "Possible specialisations",
        "candidates_label": "Option",
        "candidates_score": "Score, 0–1",
        "candidates_why": "Rationale",
        "candidates_empty": "No specialisation options found.",
        # resilience
        "resilience_heading": "Resilience",
        "resilience_score": "Resilience index: {score} of 100",
        "resilience_rank": "rank {rank} of {n}",
        "resilience_missing": "The resilience index was not computed.",
        "resilience_components": "Index components, 0–100",
        "resilience_no_data": "no data",
        "chart_alt_resilience": "Chart: components of the resilience index",
        # strategy card
        "card_heading": "Strategy card",
        "card_foundation": "Foundation",
        "card_specialisation": "Specialisation",
        "card_instruments": "Instruments",
        "card_targets": "Targets",
        "card_alerts": "Alerts",
        "card_empty": "No strategy card drawn up.",
        # footer
        "notes_heading": "Data caveats",
        "sources_heading": "Sources",
    },
}


def labels_for(lang: str) -> Mapping[str, str]:
    """Return the passport's label table of ``lang``.

    Parameters
    ----------
    lang
        ``"ru"`` or ``"en"``.

    Returns
    -------
    Mapping
        Label key → text.

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not one of :data:`PASSPORT_LANGUAGES`.
    """
    return language_table(PASSPORT_LABELS, lang, PASSPORT_LANGUAGES, "passport")


def passport_label(key: str, lang: str) -> str:
    """Return the passport text for ``key`` in language ``lang``.

    Parameters
    ----------
    key
        Label key, such as ``"access_heading"``.
    lang
        ``"ru"`` or ``"en"``.

    Returns
    -------
    str
        The label text (it may hold ``{name}`` placeholders for :meth:`str.format`).

    Raises
    ------
    UnknownLanguageError
        If ``lang`` is not one of :data:`PASSPORT_LANGUAGES`.
    KeyError
        If ``key`` is not a known label.
    """
    return labels_for(lang)[key]
