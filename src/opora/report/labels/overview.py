"""Labels of the overview: key figures and the map of settlements."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        # key figures
        "kf_settlements": "населённых пунктов",
        "kf_population": "жителей (сумма по НП с данными)",
        "kf_towns": "городов и посёлков городского типа",
        "kf_municipalities": "муниципальных образований верхнего уровня",
        "kf_no_population": "НП без данных о населении",
        # map
        "map_heading": "Карта населённых пунктов",
        "map_caption": (
            "Схематическая карта, не ГИС-карта: равнопромежуточная (прямоугольная) "
            "проекция, долготы сжаты в cos φ₀ раз, φ₀ = {lat} — средняя широта "
            "населённых пунктов."
        ),
        "map_aria": "Схематическая карта населённых пунктов субъекта",
        "map_empty": "Нет населённых пунктов с координатами.",
        "map_scale_km": "{n} км",
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
        "tt_centre": "центр МО «{municipality}»",
        "tt_regional_centre": "административный центр субъекта",
    },
    "en": {
        # key figures
        "kf_settlements": "settlements",
        "kf_population": "residents (sum over settlements with data)",
        "kf_towns": "towns and urban-type settlements",
        "kf_municipalities": "top-level municipalities",
        "kf_no_population": "settlements without population data",
        # map
        "map_heading": "Settlement map",
        "map_caption": (
            "Schematic map, not a GIS map: equirectangular projection, longitudes "
            "shrunk by cos φ₀, φ₀ = {lat} being the mean latitude of the settlements."
        ),
        "map_aria": "Schematic map of the region's settlements",
        "map_empty": "No settlements with coordinates.",
        "map_scale_km": "{n} km",
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
        "tt_centre": "centre of “{municipality}”",
        "tt_regional_centre": "regional capital",
    },
}
