"""Labels of the anchor settlement framework section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "anc_heading": "Каркас опорных населённых пунктов",
        "anc_intro": (
            "Предлагаемый каркас: межрайонные центры и опорные населённые пункты, к "
            "которым тяготеют окрестные населённые пункты, и доля населения, которая "
            "получает услуги в пределах нормативов доступности."
        ),
        "anc_note_label": "Данные:",
        "anc_modelled_badge": "смоделировано",
        "anc_modelled_text": (
            "Дорожная сеть и учреждения смоделированы: каркас носит иллюстративный "
            "характер и не является готовым решением."
        ),
        "anc_fig_district": "межрайонных центров",
        "anc_fig_local": "опорных населённых пунктов",
        "anc_fig_covered": "НП, где все местные услуги в пределах нормативов",
        "anc_fig_of": "{n} из {total}",
        "anc_fig_population": "жителей в НП, где все местные услуги в пределах нормативов",
        "anc_level_district": "межрайонный центр",
        "anc_level_local": "опорный населённый пункт",
        "anc_svc_level_district": "межрайонный",
        "anc_svc_level_local": "местный",
        "anc_map_heading": "Карта каркаса",
        "anc_map_intro": (
            "Квадраты — межрайонные центры, круги — опорные населённые пункты; площадь "
            "значка растёт с обслуживаемым населением, чёрная обводка — существующий "
            "опорный пункт, сохранённый в каркасе. Тонкие линии ведут от населённого "
            "пункта к ближайшему опорному. Цветные точки — населённые пункты, где не все "
            "местные услуги в пределах нормативов (цвет — причина). Наведите курсор для "
            "подробностей."
        ),
        "anc_map_aria": "Схематическая карта каркаса опорных населённых пунктов",
        "anc_map_empty": "Нет объектов с координатами.",
        "anc_caption": (
            "Межрайонных центров: {district}, опорных населённых пунктов: {local}; "
            "населённых пунктов вне нормативов: {uncovered}."
        ),
        "anc_legend_levels": "Опорные пункты",
        "anc_legend_fixed": "существующий опорный пункт (сохранён)",
        "anc_legend_line_district": "тяготение к межрайонному центру",
        "anc_legend_line_local": "тяготение к опорному населённому пункту",
        "anc_legend_reasons": "Вне нормативов: причина",
        "anc_legend_base": "населённые пункты",
        "anc_legend_size": "площадь значка ~ обслуживаемое население",
        "anc_reason_too_far": "слишком далеко",
        "anc_reason_season": "сезонная изоляция",
        "anc_reason_capacity": "не хватает мощности",
        "anc_reason_no_anchor": "нет опорного пункта в пределах норматива",
        "anc_reason_unreachable": "нет дороги",
        "anc_reason_unknown": "причина не указана",
        "anc_tt_services": "услуги: {services}",
        "anc_tt_served": "обслуживаемое население: {n} чел.",
        "anc_tt_settlements": "населённых пунктов в зоне: {n}",
        "anc_tt_fixed": "существующий опорный пункт, сохранён",
        "anc_tt_reason": "{service}: {reason}",
        "anc_list_heading": "Опорные пункты каркаса",
        "anc_list_intro": (
            "Сначала межрайонные центры, затем опорные населённые пункты, каждые — по "
            "обслуживаемому населению. Нажмите на заголовок столбца, чтобы отсортировать "
            "таблицу."
        ),
        "anc_filter_placeholder": "название, район или услуга",
        "anc_list_empty": "Опорные пункты не выбраны.",
        "anc_col_name": "Населённый пункт",
        "anc_col_municipality": "Муниципальное образование",
        "anc_col_level": "Уровень",
        "anc_col_services": "Услуги",
        "anc_col_population": "Население",
        "anc_col_served": "Обслуживаемое население",
        "anc_col_settlements": "НП в зоне",
        "anc_col_fixed": "Существующий",
        "anc_fixed_yes": "да",
        "anc_unit_people": "чел.",
        "anc_unit_settlements": "НП",
        "anc_unit_minutes": "мин",
        "anc_unit_pp": "п. п.",
        "anc_cov_heading": "Охват населения услугами",
        "anc_cov_intro": (
            "Доля населения в пределах норматива доступности каждой услуги и население "
            "за его пределами по причинам."
        ),
        "anc_cov_empty": "Охват услугами не рассчитан.",
        "anc_col_service": "Услуга",
        "anc_col_svc_level": "Уровень услуги",
        "anc_col_standard": "Норматив",
        "anc_col_covered": "В пределах норматива",
        "anc_col_covered_pct": "Доля в пределах норматива",
        "anc_col_outside": "Вне норматива: {reason}",
        "anc_unc_heading": "Населённые пункты вне нормативов",
        "anc_unc_intro": (
            "Населённые пункты, где услуга недоступна в пределах норматива, и причина; "
            "крупнейшие по населению — первыми."
        ),
        "anc_unc_capped": "Показаны {shown} крупнейших из {total}.",
        "anc_unc_empty": "Все населённые пункты обслуживаются в пределах нормативов.",
        "anc_unc_filter_placeholder": "название, район, услуга или причина",
        "anc_col_minutes": "Время в пути",
        "anc_col_reason": "Причина",
        "anc_sc_heading": "Сценарии",
        "anc_sc_intro": (
            "Как меняется доля населения в пределах нормативов при изменении условий и "
            "повторном выборе опорных пунктов; снижение выделено цветом."
        ),
        "anc_sc_empty": "Сценарии не рассчитаны.",
        "anc_sc_changes": "Изменения состава каркаса по сценариям",
        "anc_col_scenario": "Сценарий",
        "anc_col_base_pct": "Базовый охват",
        "anc_col_scenario_pct": "Охват в сценарии",
        "anc_col_delta": "Изменение",
        "anc_col_added": "Добавляются",
        "anc_col_removed": "Исключаются",
        "anc_cmp_heading": "Сравнение с заданным списком",
        "anc_cmp_intro": (
            "Доля населения в пределах нормативов при заданном списке опорных пунктов "
            "({given}) и при предлагаемом каркасе."
        ),
        "anc_cmp_given_default": "заданный список",
        "anc_col_given": "Заданный список",
        "anc_col_proposed": "Предлагаемый каркас",
        "anc_cmp_redundant_heading": "Можно исключить без потери охвата",
        "anc_cmp_redundant_none": (
            "В заданном списке нет пунктов, исключение которых не снижает охват."
        ),
        "anc_cmp_additions_heading": "Лучшие дополнения к заданному списку",
        "anc_cmp_additions_none": "Дополнений не предложено.",
        "anc_col_rank": "Место",
        "anc_col_gain": "Прирост охвата",
        "anc_origin_heading": "Откуда опорные пункты",
        "anc_origin_intro": (
            "Населённые пункты, где уже есть все услуги уровня (по реестру учреждений или их "
            "модели), остаются опорными пунктами этого уровня; остальные добавлены подбором."
        ),
        "anc_col_anchors": "Опорных пунктов",
        "anc_col_kept": "Сохранены как существующие центры",
        "anc_col_raised": "Существующие центры нижнего уровня",
        "anc_col_added_new": "Добавлены",
        "anc_col_previous": "Прежний подбор (без сохранения центров)",
        "anc_checks_heading": "Проверка правдоподобия",
        "anc_checks_intro": (
            "Населённые пункты от 50 000 жителей вне каркаса и опорные пункты, зона "
            "которых во много раз больше их самих, — с причиной."
        ),
        "anc_checks_ratio": "зона больше в {ratio} раза",
        "anc_checks_none": (
            "Все населённые пункты от 50 000 жителей — опорные, и ни у одного опорного "
            "пункта зона не больше его самого в 10 раз и более."
        ),
        "anc_kinds_heading": "По типам опорных пунктов заданного списка",
        "anc_col_kind": "Тип",
        "anc_col_catchment": "Население зон",
        "anc_col_covered_all": "Все услуги в пределах нормативов, %",
        "anc_col_redundant": "Можно исключить",
    },
    "en": {
        "anc_heading": "Anchor settlement framework",
        "anc_intro": (
            "The proposed framework: inter-district centres and local anchor settlements "
            "that the surrounding settlements lean on, and the share of the population "
            "served within the travel-time standards."
        ),
        "anc_note_label": "Data:",
        "anc_modelled_badge": "modelled",
        "anc_modelled_text": (
            "The road network and the facilities are modelled: the framework is "
            "illustrative, not a ready decision."
        ),
        "anc_fig_district": "inter-district centres",
        "anc_fig_local": "local anchor settlements",
        "anc_fig_covered": "settlements with every local service within its standard",
        "anc_fig_of": "{n} of {total}",
        "anc_fig_population": (
            "residents of settlements with every local service within its standard"
        ),
        "anc_level_district": "inter-district centre",
        "anc_level_local": "local anchor settlement",
        "anc_svc_level_district": "inter-district",
        "anc_svc_level_local": "local",
        "anc_map_heading": "Framework map",
        "anc_map_intro": (
            "Squares are inter-district centres, circles local anchor settlements; the "
            "marker's area grows with the population served, a black outline marks an "
            "existing anchor kept in the framework. Thin lines lead from each settlement "
            "to its nearest anchor. Coloured dots are settlements where not every local "
            "service is within its standard (the colour gives the reason). Hover for "
            "details."
        ),
        "anc_map_aria": "Schematic map of the anchor settlement framework",
        "anc_map_empty": "No features with coordinates.",
        "anc_caption": (
            "Inter-district centres: {district}, local anchor settlements: {local}; "
            "settlements outside the standards: {uncovered}."
        ),
        "anc_legend_levels": "Anchors",
        "anc_legend_fixed": "existing anchor (kept)",
        "anc_legend_line_district": "leans on an inter-district centre",
        "anc_legend_line_local": "leans on a local anchor settlement",
        "anc_legend_reasons": "Outside the standards: reason",
        "anc_legend_base": "settlements",
        "anc_legend_size": "marker area ~ population served",
        "anc_reason_too_far": "too far",
        "anc_reason_season": "seasonal isolation",
        "anc_reason_capacity": "not enough capacity",
        "anc_reason_no_anchor": "no anchor within the standard",
        "anc_reason_unreachable": "no road",
        "anc_reason_unknown": "reason not given",
        "anc_tt_services": "services: {services}",
        "anc_tt_served": "population served: {n}",
        "anc_tt_settlements": "settlements in the catchment: {n}",
        "anc_tt_fixed": "existing anchor, kept",
        "anc_tt_reason": "{service}: {reason}",
        "anc_list_heading": "Anchors of the framework",
        "anc_list_intro": (
            "Inter-district centres first, then local anchor settlements, each by the "
            "population served. Click a column header to sort the table."
        ),
        "anc_filter_placeholder": "name, municipality or service",
        "anc_list_empty": "No anchors were chosen.",
        "anc_col_name": "Settlement",
        "anc_col_municipality": "Municipality",
        "anc_col_level": "Level",
        "anc_col_services": "Services",
        "anc_col_population": "Population",
        "anc_col_served": "Population served",
        "anc_col_settlements": "Settlements in catchment",
        "anc_col_fixed": "Existing",
        "anc_fixed_yes": "yes",
        "anc_unit_people": "people",
        "anc_unit_settlements": "settlements",
        "anc_unit_minutes": "min",
        "anc_unit_pp": "pp",
        "anc_cov_heading": "Population coverage by service",
        "anc_cov_intro": (
            "Share of the population within each service's travel-time standard, and the "
            "population outside it by reason."
        ),
        "anc_cov_empty": "No coverage was computed.",
        "anc_col_service": "Service",
        "anc_col_svc_level": "Service level",
        "anc_col_standard": "Standard",
        "anc_col_covered": "Within the standard",
        "anc_col_covered_pct": "Share within the standard",
        "anc_col_outside": "Outside: {reason}",
        "anc_unc_heading": "Settlements outside the standards",
        "anc_unc_intro": (
            "Settlements where a service is not within its standard, and why; the most "
            "populous first."
        ),
        "anc_unc_capped": "The {shown} most populous of {total} are shown.",
        "anc_unc_empty": "Every settlement is served within the standards.",
        "anc_unc_filter_placeholder": "name, municipality, service or reason",
        "anc_col_minutes": "Travel time",
        "anc_col_reason": "Reason",
        "anc_sc_heading": "Scenarios",
        "anc_sc_intro": (
            "How the share of the population within the standards changes when conditions "
            "change and the anchors are chosen again; a fall is highlighted."
        ),
        "anc_sc_empty": "No scenarios were computed.",
        "anc_sc_changes": "Changes to the framework by scenario",
        "anc_col_scenario": "Scenario",
        "anc_col_base_pct": "Base coverage",
        "anc_col_scenario_pct": "Scenario coverage",
        "anc_col_delta": "Change",
        "anc_col_added": "Added",
        "anc_col_removed": "Dropped",
        "anc_cmp_heading": "Comparison with a given list",
        "anc_cmp_intro": (
            "Share of the population within the standards with a given list of anchors "
            "({given}) and with the proposed framework."
        ),
        "anc_cmp_given_default": "the given list",
        "anc_col_given": "Given list",
        "anc_col_proposed": "Proposed framework",
        "anc_cmp_redundant_heading": "Removable without loss of coverage",
        "anc_cmp_redundant_none": "No anchor of the given list can be removed without loss.",
        "anc_cmp_additions_heading": "Best additions to the given list",
        "anc_cmp_additions_none": "No additions are proposed.",
        "anc_col_rank": "Rank",
        "anc_col_gain": "Coverage gain",
        "anc_origin_heading": "Where the anchors come from",
        "anc_origin_intro": (
            "Settlements that already hold every service of a level (in the facility "
            "registry or its model) stay anchors of that level; the others were added by "
            "the selection."
        ),
        "anc_col_anchors": "Anchors",
        "anc_col_kept": "Kept as existing centres",
        "anc_col_raised": "Existing centres of a lower level",
        "anc_col_added_new": "Added",
        "anc_col_previous": "Previous selection (no centre kept)",
        "anc_checks_heading": "Plausibility checks",
        "anc_checks_intro": (
            "Settlements of 50,000 people or more outside the framework, and anchors whose "
            "catchment is many times their own population, with the reason."
        ),
        "anc_checks_ratio": "catchment {ratio} times larger",
        "anc_checks_none": (
            "Every settlement of 50,000 people or more is an anchor, and no anchor's "
            "catchment is 10 times its own population or more."
        ),
        "anc_kinds_heading": "By kind of the given list's anchors",
        "anc_col_kind": "Kind",
        "anc_col_catchment": "Catchment population",
        "anc_col_covered_all": "Every service within its standard, %",
        "anc_col_redundant": "Removable",
    },
}
