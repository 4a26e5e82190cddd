"""Labels of the typology and strategy section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "str_heading": "Типология и стратегия",
        "str_intro": (
            "Типы муниципальных образований и малых городов, рейтинг устойчивости, "
            "сигналы о «пустом» статусе опорного пункта и паспорта малых городов."
        ),
        "str_note_label": "Данные:",
        "str_map_heading": "Карта типов",
        "str_map_intro": (
            "Серые точки — все населённые пункты (проекция та же, что у карты выше). "
            "Большой круг — муниципальное образование, малый круг с тёмной обводкой — "
            "город; цвет — первый (основной) тип, маленькие точки рядом — остальные "
            "типы; белый круг — тип не присвоен. Наведите указатель на знак, чтобы "
            "увидеть типы и обоснование."
        ),
        "str_map_aria": "Схематическая карта типов муниципальных образований и городов",
        "str_map_empty": "Нет населённых пунктов с координатами.",
        "str_select_label": "Выделить тип на карте и в таблице",
        "str_select_all": "все типы",
        "str_legend_col_muni": "МО",
        "str_legend_col_town": "города",
        "str_legend_none": "тип не присвоен",
        "str_legend_muni": "муниципальное образование",
        "str_legend_town": "город",
        "str_legend_more": "дополнительные типы",
        "str_legend_base": "прочие населённые пункты",
        "str_legend_note": (
            "Числа — сколько муниципальных образований и городов имеют этот тип "
            "(основной или дополнительный), включая не показанные на карте."
        ),
        "str_level_municipality": "муниципальное образование",
        "str_level_town": "город",
        "str_tt_types": "типы: {types}",
        "str_tt_no_types": "тип не присвоен",
        "str_types_heading": "Типы муниципальных образований и городов",
        "str_types_intro": (
            "Первый тип в строке — основной. Щёлкните по заголовку столбца, чтобы "
            "отсортировать таблицу; длинное обоснование раскрывается щелчком."
        ),
        "str_types_filter_placeholder": "название, код ОКТМО, тип",
        "str_types_empty": "Таблица типов пуста.",
        "str_col_name": "Название",
        "str_col_level": "Уровень",
        "str_col_population": "Население",
        "str_unit_people": "чел.",
        "str_col_types": "Типы",
        "str_col_reasons": "Обоснование",
        "str_reasons_more": "(ещё {n})",
        "str_res_heading": "Рейтинг устойчивости",
        "str_res_intro": (
            "Муниципальные образования по месту в рейтинге: место 1 — наиболее "
            "устойчивое. Щёлкните по заголовку столбца, чтобы отсортировать таблицу."
        ),
        "str_res_scale_label": "Цвет ячейки компоненты:",
        "str_res_scale_0": "менее 20",
        "str_res_scale_1": "20–40",
        "str_res_scale_2": "40–60",
        "str_res_scale_3": "60–80",
        "str_res_scale_4": "80 и более",
        "str_col_rank": "Место",
        "str_col_score": "Индекс",
        "str_unit_score": "0–100",
        "str_col_rank_change": "Медианное изменение места",
        "str_unit_places": "мест",
        "str_col_bottom": "Доля прогонов в нижнем квинтиле",
        "str_res_caption": (
            "Индекс и компоненты — баллы от 0 до 100 относительно других муниципальных "
            "образований субъекта: 0 — самое слабое значение в субъекте, 100 — самое "
            "сильное; индекс — взвешенное среднее известных компонент. Сравнивайте "
            "места внутри одного расчёта, а не баллы разных субъектов."
        ),
        "str_res_components": "Компоненты: {components}.",
        "str_res_sens_caption": (
            "Чувствительность: медиана абсолютного изменения места при других весах "
            "и способах нормировки и доля таких прогонов, в которых муниципальное "
            "образование попадает в нижние 20 % рейтинга."
        ),
        "str_res_empty": "Рейтинг устойчивости не передан.",
        "str_alerts_heading": "Сигналы: статус опорного без содержания",
        "str_alerts_intro": (
            "Муниципальные образования и города, у которых статус опорного населённого "
            "пункта не подкреплён услугами, связями или экономикой."
        ),
        "str_col_alert": "Сигнал",
        "str_alerts_none": (
            "Сигналов нет: статус каждого опорного населённого пункта подкреплён содержанием."
        ),
        "str_pp_heading": "Паспорта малых городов",
        "str_pp_intro": (
            "Название ведёт к паспорту ниже на этой странице, «PDF» — к файлу паспорта "
            "рядом с отчётом (если он сформирован)."
        ),
        "str_pp_intro_no_pdf": "Название ведёт к паспорту ниже на этой странице.",
        "str_col_passport": "Паспорт",
        "str_col_pdf": "PDF",
        "str_pdf_link": "PDF",
        "str_pp_not_embedded": "паспорт не включён в отчёт",
        "str_pp_empty": "Паспорта малых городов не переданы.",
    },
    "en": {
        "str_heading": "Typology and strategy",
        "str_intro": (
            "Types of the municipalities and small towns, the resilience ranking, alerts "
            "on an anchor status without substance, and the small-town passports."
        ),
        "str_note_label": "Data:",
        "str_map_heading": "Typology map",
        "str_map_intro": (
            "Grey dots are all the settlements (same projection as the map above). A "
            "large circle is a municipality, a small circle with a dark ring a town; "
            "the colour is the first (main) type, the small dots beside it the further "
            "types; a white circle has no type. Hover over a marker to see its types "
            "and the reasons."
        ),
        "str_map_aria": "Schematic map of the types of municipalities and towns",
        "str_map_empty": "No settlements with coordinates.",
        "str_select_label": "Highlight a type on the map and in the table",
        "str_select_all": "all types",
        "str_legend_col_muni": "mun.",
        "str_legend_col_town": "towns",
        "str_legend_none": "no type assigned",
        "str_legend_muni": "municipality",
        "str_legend_town": "town",
        "str_legend_more": "further types",
        "str_legend_base": "other settlements",
        "str_legend_note": (
            "The numbers say how many municipalities and towns have the type (as the "
            "main or a further type), including those not shown on the map."
        ),
        "str_level_municipality": "municipality",
        "str_level_town": "town",
        "str_tt_types": "types: {types}",
        "str_tt_no_types": "no type assigned",
        "str_types_heading": "Types of municipalities and towns",
        "str_types_intro": (
            "The first type of a row is the main one. Click a column header to sort "
            "the table; click a long reason to unfold it."
        ),
        "str_types_filter_placeholder": "name, OKTMO code, type",
        "str_types_empty": "The typology table is empty.",
        "str_col_name": "Name",
        "str_col_level": "Level",
        "str_col_population": "Population",
        "str_unit_people": "people",
        "str_col_types": "Types",
        "str_col_reasons": "Reasons",
        "str_reasons_more": "({n} more)",
        "str_res_heading": "Resilience ranking",
        "str_res_intro": (
            "Municipalities by their rank: rank 1 is the most resilient. Click a column "
            "header to sort the table."
        ),
        "str_res_scale_label": "Component cell colour:",
        "str_res_scale_0": "under 20",
        "str_res_scale_1": "20–40",
        "str_res_scale_2": "40–60",
        "str_res_scale_3": "60–80",
        "str_res_scale_4": "80 or more",
        "str_col_rank": "Rank",
        "str_col_score": "Index",
        "str_unit_score": "0–100",
        "str_col_rank_change": "Median rank change",
        "str_unit_places": "places",
        "str_col_bottom": "Share of runs in the bottom quintile",
        "str_res_caption": (
            "The index and its components are scores from 0 to 100 relative to the "
            "region's other municipalities: 0 is the weakest value in the region, 100 "
            "the strongest; the index is the weighted mean of the known components. "
            "Compare ranks within one run, not scores across regions."
        ),
        "str_res_components": "Components: {components}.",
        "str_res_sens_caption": (
            "Sensitivity: the median absolute change of the rank under other weights "
            "and normalisations, and the share of those runs that put the municipality "
            "in the bottom 20% of the ranking."
        ),
        "str_res_empty": "No resilience ranking was given.",
        "str_alerts_heading": "Alerts: anchor status without substance",
        "str_alerts_intro": (
            "Municipalities and towns whose status as an anchor settlement is not backed "
            "by services, ties or an economy."
        ),
        "str_col_alert": "Alert",
        "str_alerts_none": "No alerts: every anchor settlement's status is backed by substance.",
        "str_pp_heading": "Small-town passports",
        "str_pp_intro": (
            "The name leads to the passport further down this page, “PDF” to the "
            "passport's file next to the report (where one was made)."
        ),
        "str_pp_intro_no_pdf": "The name leads to the passport further down this page.",
        "str_col_passport": "Passport",
        "str_col_pdf": "PDF",
        "str_pdf_link": "PDF",
        "str_pp_not_embedded": "passport not included in the report",
        "str_pp_empty": "No small-town passports were given.",
    },
}
