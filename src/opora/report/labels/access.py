"""Labels of the accessibility section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "acc_heading": "Доступность услуг",
        "acc_intro": (
            "Время в пути по дорожной сети от каждого населённого пункта до ближайшего "
            "учреждения каждого вида; норматив — наибольшее допустимое время в пути."
        ),
        "acc_modelled_badge": "смоделировано",
        "acc_modelled_text": (
            "Дорожная сеть и (или) размещение учреждений смоделированы: время в пути "
            "и доли населения ориентировочные."
        ),
        "acc_region_heading": "Субъект в целом",
        "acc_col_service": "Услуга",
        "acc_col_standard": "Норматив",
        "acc_col_within": "Население в пределах норматива",
        "acc_col_outside": "Население за пределами норматива",
        "acc_col_unreachable": "НП без доступа по дорогам",
        "acc_col_population": "Население",
        "acc_col_settlement": "Населённый пункт",
        "acc_col_minutes": "Время в пути",
        "acc_col_state": "Сезон",
        "acc_col_reason": "Причина",
        "acc_unit_people": "чел.",
        "acc_unit_settlements": "НП",
        "acc_unit_minutes": "мин",
        "acc_services_empty": "Виды услуг не переданы.",
        "acc_muni_heading": "Доля населения в пределах норматива по муниципальным образованиям",
        "acc_muni_intro": (
            "Доля жителей муниципального образования, которые добираются до ближайшего "
            "учреждения не дольше норматива (под названием услуги). Щёлкните по "
            "заголовку столбца, чтобы отсортировать таблицу."
        ),
        "acc_muni_empty": "Таблица по муниципальным образованиям пуста.",
        "acc_scale_label": "Цвет ячейки:",
        "acc_scale_hi": "95 % и более",
        "acc_scale_mid": "от 80 до 95 %",
        "acc_scale_lo": "менее 80 %",
        "acc_scale_na": "нет данных",
        "acc_worst_heading": "Хуже всего обеспеченные населённые пункты",
        "acc_worst_intro": (
            "Серые точки — все населённые пункты субъекта (проекция та же, что у карты "
            "выше); цветные круги — населённые пункты с наибольшим временем в пути до "
            "услуги; круг с чёрной обводкой — учреждение по дорогам недостижимо."
        ),
        "acc_map_aria": "Схематическая карта хуже всего обеспеченных населённых пунктов",
        "acc_map_select": "Услуга на карте",
        "acc_map_all": "все услуги",
        "acc_map_empty": "Нет населённых пунктов с координатами.",
        "acc_legend_all": "прочие населённые пункты",
        "acc_legend_unreachable": "недостижимо (чёрная обводка)",
        "acc_tt_service": "{service}: {minutes} (норматив {standard})",
        "acc_worst_empty": "Нет данных о хуже всего обеспеченных населённых пунктах.",
        "acc_isolated_heading": "Населённые пункты, отрезанные в распутицу или зимой",
        "acc_isolated_none": "Нет населённых пунктов, отрезанных в межсезонье или зимой.",
        "acc_state_winter": "зима",
        "acc_state_thaw": "распутица",
    },
    "en": {
        "acc_heading": "Access to services",
        "acc_intro": (
            "Travel time over the road network from each settlement to the nearest "
            "facility of each kind; the standard is the longest acceptable travel time."
        ),
        "acc_modelled_badge": "modelled",
        "acc_modelled_text": (
            "The road network and/or the facility locations are modelled: travel "
            "times and population shares are indicative only."
        ),
        "acc_region_heading": "Region as a whole",
        "acc_col_service": "Service",
        "acc_col_standard": "Standard",
        "acc_col_within": "Population within the standard",
        "acc_col_outside": "Population outside the standard",
        "acc_col_unreachable": "Settlements with no road access",
        "acc_col_population": "Population",
        "acc_col_settlement": "Settlement",
        "acc_col_minutes": "Travel time",
        "acc_col_state": "Season",
        "acc_col_reason": "Reason",
        "acc_unit_people": "people",
        "acc_unit_settlements": "settlements",
        "acc_unit_minutes": "min",
        "acc_services_empty": "No services were given.",
        "acc_muni_heading": "Share of the population within the standard, by municipality",
        "acc_muni_intro": (
            "Share of a municipality's residents who reach the nearest facility within "
            "the standard (shown under the service name). Click a column header to "
            "sort the table."
        ),
        "acc_muni_empty": "The municipality table is empty.",
        "acc_scale_label": "Cell colour:",
        "acc_scale_hi": "95% or more",
        "acc_scale_mid": "80% to 95%",
        "acc_scale_lo": "under 80%",
        "acc_scale_na": "no data",
        "acc_worst_heading": "Worst-served settlements",
        "acc_worst_intro": (
            "Grey dots are all the region's settlements (same projection as the map "
            "above); coloured circles are the settlements with the longest travel time "
            "to a service; a circle with a black ring has no facility reachable by road."
        ),
        "acc_map_aria": "Schematic map of the worst-served settlements",
        "acc_map_select": "Service on the map",
        "acc_map_all": "all services",
        "acc_map_empty": "No settlements with coordinates.",
        "acc_legend_all": "other settlements",
        "acc_legend_unreachable": "unreachable (black ring)",
        "acc_tt_service": "{service}: {minutes} (standard {standard})",
        "acc_worst_empty": "No worst-served settlements were given.",
        "acc_isolated_heading": "Settlements cut off in the thaw or in winter",
        "acc_isolated_none": "No settlements are cut off in the thaw or in winter.",
        "acc_state_winter": "winter",
        "acc_state_thaw": "thaw",
    },
}
