"""Labels of the economy section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "eco_heading": "Экономика муниципальных образований",
        "eco_intro": (
            "Бюджет, структура занятости, её разнообразие и сложность, динамика "
            "показателей и возможные направления специализации."
        ),
        "eco_note_label": "Данные:",
        "eco_table_heading": "Экономический профиль",
        "eco_table_intro": (
            "«—» — значения нет: наведите указатель на ячейку, чтобы узнать причину. "
            "Щёлкните по заголовку столбца, чтобы отсортировать таблицу."
        ),
        "eco_table_empty": "Таблица экономического профиля пуста.",
        "eco_no_data_reason": "нет данных: {reason}",
        "eco_charts_heading": "Структура занятости и динамика",
        "eco_select_label": "Муниципальное образование на диаграммах",
        "eco_sectors_heading": "Занятость по разделам ОКВЭД",
        "eco_sectors_intro": (
            "Доля раздела в численности работников; верхняя полоса — субъект в целом, "
            "нижняя — муниципальное образование, выбранное в списке."
        ),
        "eco_sectors_aria": "Доли разделов ОКВЭД в численности работников",
        "eco_sectors_empty": "Нет данных о структуре занятости.",
        "eco_sectors_no_region": "Нет данных по субъекту в целом.",
        "eco_muni_no_sectors": "Для выбранного муниципального образования нет данных о занятости.",
        "eco_legend_region": "субъект в целом",
        "eco_legend_median": "медиана по муниципальным образованиям",
        "eco_trends_heading": "Динамика показателей",
        "eco_trends_intro": (
            "Серая линия — медиана по муниципальным образованиям, цветная — выбранное "
            "муниципальное образование; шкала каждой диаграммы подобрана под обе линии."
        ),
        "eco_trends_empty": "Ряды динамики не переданы.",
        "eco_tr_no_muni": "Для выбранного муниципального образования нет данных.",
        "eco_tt_share": "{name}: {value}",
        "eco_tt_year": "{name}, {year}: {value}",
        "eco_cand_heading": "Возможные направления специализации",
        "eco_cand_intro": (
            "Направления, для которых у муниципального образования есть предпосылки, "
            "по месту в его списке; «Почему» — на чём основана оценка. Это кандидаты "
            "для проверки, а не готовые рекомендации."
        ),
        "eco_cand_filter_placeholder": "МО, направление, пояснение",
        "eco_cand_empty": "Возможные направления специализации не переданы.",
        "eco_col_rank": "Место",
        "eco_col_candidate": "Направление",
        "eco_col_score": "Оценка",
        "eco_col_why": "Почему",
    },
    "en": {
        "eco_heading": "Municipal economies",
        "eco_intro": (
            "Budget, structure of employment, its diversity and complexity, trends and "
            "possible directions of specialisation."
        ),
        "eco_note_label": "Data:",
        "eco_table_heading": "Economic profile",
        "eco_table_intro": (
            "“—” means the value is missing: hover over the cell to see why. Click a "
            "column header to sort the table."
        ),
        "eco_table_empty": "The economic profile table is empty.",
        "eco_no_data_reason": "no data: {reason}",
        "eco_charts_heading": "Structure of employment and trends",
        "eco_select_label": "Municipality in the charts",
        "eco_sectors_heading": "Employment by OKVED section",
        "eco_sectors_intro": (
            "Share of the section in the number of employees; the upper bar is the "
            "region as a whole, the lower bar the municipality chosen in the list."
        ),
        "eco_sectors_aria": "Shares of OKVED sections in the number of employees",
        "eco_sectors_empty": "No data on the structure of employment.",
        "eco_sectors_no_region": "No data for the region as a whole.",
        "eco_muni_no_sectors": "No employment data for the chosen municipality.",
        "eco_legend_region": "region as a whole",
        "eco_legend_median": "median of the municipalities",
        "eco_trends_heading": "Trends",
        "eco_trends_intro": (
            "The grey line is the median of the municipalities, the coloured line the "
            "chosen municipality; each chart's scale fits both lines."
        ),
        "eco_trends_empty": "No trend series were given.",
        "eco_tr_no_muni": "No data for the chosen municipality.",
        "eco_tt_share": "{name}: {value}",
        "eco_tt_year": "{name}, {year}: {value}",
        "eco_cand_heading": "Possible directions of specialisation",
        "eco_cand_intro": (
            "Directions for which the municipality has the preconditions, by their place "
            "in its list; “Why” says what the score rests on. These are candidates to "
            "check, not ready recommendations."
        ),
        "eco_cand_filter_placeholder": "municipality, direction or explanation",
        "eco_cand_empty": "No specialisation candidates were given.",
        "eco_col_rank": "Rank",
        "eco_col_candidate": "Direction",
        "eco_col_score": "Score",
        "eco_col_why": "Why",
    },
}
