"""Labels of the inter-municipal ties section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "ties_heading": "Межмуниципальные экономические связи",
        "ties_intro": (
            "Связи предприятий между муниципальными образованиями: контроль (головная "
            "организация и дочерние), филиалы и поставки. Вес связи — число занятых."
        ),
        "ties_note_label": "Данные:",
        "ties_modelled_badge": "смоделировано",
        "ties_modelled_text": (
            "Реестр предприятий смоделирован: связи показывают возможную картину, "
            "а не учтённые факты."
        ),
        "ties_map_heading": "Карта связей",
        "ties_map_intro": (
            "Линия ведёт от источника связи к получателю (стрелка — направление), толщина "
            "растёт с числом занятых, цвет — вид связи. Размер круга — занятые в местных "
            "связях, цвет круга — оторванность от соседей. Наведите курсор для подробностей."
        ),
        "ties_map_aria": "Схематическая карта связей между муниципальными образованиями",
        "ties_map_empty": "Нет объектов с координатами.",
        "ties_kind_control": "контроль",
        "ties_kind_branch": "филиал",
        "ties_kind_supply": "поставки",
        "ties_det_range": "{lo}–{hi} %",
        "ties_det_na": "нет данных",
        "ties_cap_caption": "Показаны {shown} самых весомых связей из {total}.",
        "ties_lines_shown": "Межмуниципальных связей: {total}, местных: {local}.",
        "ties_tt_weight": "занятых: {n}",
        "ties_tt_local": "местные связи, занятых: {n}",
        "ties_tt_detachment": "оторванность: {v}",
        "ties_legend_kinds": "Вид связи",
        "ties_legend_det": "Оторванность",
        "ties_legend_width": "толщина линии ~ √ числа занятых",
        "ties_legend_size": "площадь круга ~ занятые в местных связях",
        "ties_legend_base": "населённые пункты",
        "ties_card_heading": "Карточка связей",
        "ties_card_intro": "Нажмите на заголовок столбца, чтобы отсортировать таблицу.",
        "ties_card_filter_placeholder": "название или код ОКТМО",
        "ties_card_empty": "Карточка связей пуста.",
        "ties_col_name": "Муниципальное образование / город",
    },
    "en": {
        "ties_heading": "Inter-municipal economic ties",
        "ties_intro": (
            "Ties of firms between municipalities: control (parent and subsidiaries), "
            "branches and supplies. A tie's weight is its number of employees."
        ),
        "ties_note_label": "Data:",
        "ties_modelled_badge": "modelled",
        "ties_modelled_text": (
            "The firm registry is modelled: the ties show a plausible picture, not recorded facts."
        ),
        "ties_map_heading": "Ties map",
        "ties_map_intro": (
            "A line runs from a tie's source to its target (the arrow shows the direction), "
            "its width grows with the employees, its colour is the tie kind. A circle's size "
            "is the employees in local ties, its colour the detachment from neighbours. "
            "Hover for details."
        ),
        "ties_map_aria": "Schematic map of the ties between municipalities",
        "ties_map_empty": "No features with coordinates.",
        "ties_kind_control": "control",
        "ties_kind_branch": "branch",
        "ties_kind_supply": "supply",
        "ties_det_range": "{lo}–{hi} %",
        "ties_det_na": "no data",
        "ties_cap_caption": "The {shown} heaviest ties of {total} are shown.",
        "ties_lines_shown": "Inter-municipal ties: {total}, local: {local}.",
        "ties_tt_weight": "employees: {n}",
        "ties_tt_local": "local ties, employees: {n}",
        "ties_tt_detachment": "detachment: {v}",
        "ties_legend_kinds": "Tie kind",
        "ties_legend_det": "Detachment",
        "ties_legend_width": "line width ~ √ employees",
        "ties_legend_size": "circle area ~ employees in local ties",
        "ties_legend_base": "settlements",
        "ties_card_heading": "Ties card",
        "ties_card_intro": "Click a column header to sort the table.",
        "ties_card_filter_placeholder": "name or OKTMO code",
        "ties_card_empty": "The ties card is empty.",
        "ties_col_name": "Municipality / town",
    },
}
