"""Labels of the provenance section."""

from __future__ import annotations

from typing import Final

from opora.model.population import SCALING_METHOD

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "provenance_heading": "Происхождение данных",
        "col_table": "Таблица",
        "col_licence": "Лицензия",
        "col_date": "Дата",
        "col_kind": "Вид",
        "col_detail": "Подробности",
        "kind_real": "опубликованные данные",
        "kind_modelled": "смоделировано",
        "provenance_empty": "Сведения о происхождении данных не переданы.",
        "provenance_population_method": "Пересчёт (модель): " + SCALING_METHOD["ru"],
    },
    "en": {
        "provenance_heading": "Data provenance",
        "col_table": "Table",
        "col_licence": "Licence",
        "col_date": "Date",
        "col_kind": "Kind",
        "col_detail": "Detail",
        "kind_real": "published data",
        "kind_modelled": "modelled",
        "provenance_empty": "No provenance records were given.",
        "provenance_population_method": "Rescaled (modelled): " + SCALING_METHOD["en"] + ".",
    },
}
