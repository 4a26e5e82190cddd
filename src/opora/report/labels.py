"""Text labels of the HTML report, in Russian and English.

Every piece of fixed text that the report shows comes from :data:`LABELS`, so the
two languages stay in step: each key must exist in both dictionaries (a test checks
this). Labels that hold ``{name}`` placeholders are filled with :meth:`str.format`.
"""

from __future__ import annotations

__all__ = ["LABELS", "LANGUAGES", "label"]

#: Languages the report can be written in; the first one is the default.
LANGUAGES: tuple[str, ...] = ("ru", "en")

LABELS: dict[str, dict[str, str]] = {
    "ru": {
        # document
        "title_default": "Опорные населённые пункты и малые города: {region}",
        "generated": "Сформировано",
        "generated_by": "Отчёт сформирован программой opora {version}, {generated}.",
        "region": "Субъект РФ",
        "nav_label": "Разделы отчёта",
        "notes_heading": "Важно",
        # key figures
        "kf_settlements": "населённых пунктов",
        "kf_population": "жителей (сумма по НП с данными)",
        "kf_towns": "городов и посёлков городского типа",
        "kf_municipalities": "муниципальных образований верхнего уровня",
        "kf_no_population": "НП без данных о населении",
        # modelled banner
        "modelled_banner_title": "Часть данных смоделирована",
        "modelled_banner_text": (
            "Следующие таблицы получены моделированием, а не из опубликованных "
            "источников; выводы на их основе носят ориентировочный характер:"
        ),
        # map
        "map_heading": "Карта населённых пунктов",
        "map_caption": (
            "Схематическая карта, не ГИС-карта: равнопромежуточная (прямоугольная) "
            "проекция, долготы сжаты в cos φ₀ раз, φ₀ = {lat} — средняя широта "
            "населённых пунктов."
        ),
        "map_aria": "Схематическая карта населённых пунктов субъекта",
        "map_empty": "Нет населённых пунктов с координатами.",
        "map_not_shown": "Не показаны на карте (нет координат): {n}.",
        "map_scale_km": "{n} км",
        "legend_heading": "Условные обозначения",
        "legend_count": "количество",
        "cls_city_xl": "крупнейший город > 250 тыс.",
        "cls_city_l": "большой город 100–250 тыс.",
        "cls_city_m": "средний город 50–100 тыс.",
        "cls_city_s": "малый город ≤ 50 тыс.",
        "cls_rural_l": "сельский НП ≥ 1 000",
        "cls_rural_s": "сельский НП < 1 000",
        "cls_no_data": "нет данных о населении",
        "legend_centre": "административный центр муниципального образования",
        "legend_regional_centre": "административный центр субъекта",
        "legend_note": (
            "«Город» — городские населённые пункты (г, пгт, рп, кп, дп, гп); "
            "класс определяется по численности населения."
        ),
        "tt_population": "население: {n} чел.",
        "tt_population_na": "население: нет данных",
        "tt_centre": "центр МО «{municipality}»",
        "tt_regional_centre": "административный центр субъекта",
        # profile table
        "profile_heading": "Муниципальные образования",
        "profile_intro": (
            "Щёлкните по заголовку столбца, чтобы отсортировать таблицу; "
            "повторный щелчок меняет порядок. Пустые значения всегда внизу."
        ),
        "filter_label": "Фильтр",
        "filter_placeholder": "название или код ОКТМО",
        "filter_shown": "Показано {shown} из {total}",
        "col_oktmo": "ОКТМО",
        "col_name": "Муниципальное образование",
        "source_prefix": "Источник: ",
        "sort_hint": "Щёлкните, чтобы отсортировать",
        "no_data": "нет данных",
        "profile_empty": "Таблица показателей пуста.",
        # import summary
        "import_heading": "Загрузка данных",
        "import_intro": (
            "Сколько строк прочитано из каждого источника, сколько принято, "
            "исправлено, отклонено и помечено при проверке."
        ),
        "col_source": "Источник",
        "col_read": "прочитано",
        "col_kept": "принято",
        "col_repaired": "исправлено",
        "col_rejected": "отклонено",
        "col_flagged": "помечено",
        "import_empty": "Сводка загрузки не передана.",
        # provenance
        "provenance_heading": "Происхождение данных",
        "col_table": "Таблица",
        "col_licence": "Лицензия",
        "col_date": "Дата",
        "col_kind": "Вид",
        "col_detail": "Подробности",
        "kind_real": "опубликованные данные",
        "kind_modelled": "смоделировано",
        "provenance_empty": "Сведения о происхождении данных не переданы.",
        # accessibility
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
        "acc_standard": "≤ {n} мин",
        "acc_minutes": "{n} мин",
        "acc_unreachable": "недостижимо",
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
        # economy
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
        # typology and strategy
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
        # inter-municipal ties
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
        # anchor settlement framework
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
        # footer
        "attribution_heading": "Источники данных и лицензии",
        "attribution_none": "Источники не указаны.",
    },
    "en": {
        # document
        "title_default": "Anchor settlements and small towns: {region}",
        "generated": "Generated",
        "generated_by": "Report generated by opora {version}, {generated}.",
        "region": "Region",
        "nav_label": "Report sections",
        "notes_heading": "Important",
        # key figures
        "kf_settlements": "settlements",
        "kf_population": "residents (sum over settlements with data)",
        "kf_towns": "towns and urban-type settlements",
        "kf_municipalities": "top-level municipalities",
        "kf_no_population": "settlements without population data",
        # modelled banner
        "modelled_banner_title": "Some data are modelled",
        "modelled_banner_text": (
            "The following tables were produced by a model, not taken from published "
            "sources; conclusions drawn from them are indicative only:"
        ),
        # map
        "map_heading": "Settlement map",
        "map_caption": (
            "Schematic map, not a GIS map: equirectangular projection, longitudes "
            "shrunk by cos φ₀, φ₀ = {lat} being the mean latitude of the settlements."
        ),
        "map_aria": "Schematic map of the region's settlements",
        "map_empty": "No settlements with coordinates.",
        "map_not_shown": "Not shown on the map (no coordinates): {n}.",
        "map_scale_km": "{n} km",
        "legend_heading": "Legend",
        "legend_count": "count",
        "cls_city_xl": "largest city > 250k",
        "cls_city_l": "large city 100–250k",
        "cls_city_m": "medium town 50–100k",
        "cls_city_s": "small town ≤ 50k",
        "cls_rural_l": "rural settlement ≥ 1,000",
        "cls_rural_s": "rural settlement < 1,000",
        "cls_no_data": "no population data",
        "legend_centre": "administrative centre of a municipality",
        "legend_regional_centre": "regional capital",
        "legend_note": (
            "“Town” means urban settlements (г, пгт, рп, кп, дп, гп); "
            "the class follows the population."
        ),
        "tt_population": "population: {n}",
        "tt_population_na": "population: no data",
        "tt_centre": "centre of “{municipality}”",
        "tt_regional_centre": "regional capital",
        # profile table
        "profile_heading": "Municipalities",
        "profile_intro": (
            "Click a column header to sort the table; click again to reverse the "
            "order. Missing values always stay at the bottom."
        ),
        "filter_label": "Filter",
        "filter_placeholder": "name or OKTMO code",
        "filter_shown": "Showing {shown} of {total}",
        "col_oktmo": "OKTMO",
        "col_name": "Municipality",
        "source_prefix": "Source: ",
        "sort_hint": "Click to sort",
        "no_data": "no data",
        "profile_empty": "The indicator table is empty.",
        # import summary
        "import_heading": "Data import",
        "import_intro": (
            "How many rows were read from each source, and how many were kept, "
            "repaired, rejected and flagged by the checks."
        ),
        "col_source": "Source",
        "col_read": "read",
        "col_kept": "kept",
        "col_repaired": "repaired",
        "col_rejected": "rejected",
        "col_flagged": "flagged",
        "import_empty": "No import summary was given.",
        # provenance
        "provenance_heading": "Data provenance",
        "col_table": "Table",
        "col_licence": "Licence",
        "col_date": "Date",
        "col_kind": "Kind",
        "col_detail": "Detail",
        "kind_real": "published data",
        "kind_modelled": "modelled",
        "provenance_empty": "No provenance records were given.",
        # accessibility
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
        "acc_standard": "≤ {n} min",
        "acc_minutes": "{n} min",
        "acc_unreachable": "unreachable",
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
        # economy
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
        # typology and strategy
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
        # inter-municipal ties
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
        # anchor settlement framework
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
        # footer
        "attribution_heading": "Data sources and licences",
        "attribution_none": "No sources recorded.",
    },
}


def label(key: str, lang: str) -> str:
    """Return the report text for ``key`` in language ``lang``.

    Parameters
    ----------
    key
        Label key, such as ``"map_heading"``.
    lang
        ``"ru"`` or ``"en"``.

    Returns
    -------
    str
        The label text (it may hold ``{name}`` placeholders for :meth:`str.format`).

    Raises
    ------
    opora.report.html.UnknownLanguageError
        If ``lang`` is not one of :data:`LANGUAGES`.
    KeyError
        If ``key`` is not a known label.
    """
    try:
        table = LABELS[lang]
    except KeyError:
        # Imported here: html.py imports this module, so a top-level import would cycle.
        from opora.report.html import UnknownLanguageError

        msg = f"unknown report language {lang!r}; use one of {', '.join(LANGUAGES)}"
        raise UnknownLanguageError(msg) from None
    return table[key]
