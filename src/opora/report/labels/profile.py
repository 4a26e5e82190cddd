"""Labels of the municipality profile section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "profile_heading": "Муниципальные образования",
        "profile_intro": (
            "Щёлкните по заголовку столбца, чтобы отсортировать таблицу; "
            "повторный щелчок меняет порядок. Пустые значения всегда внизу."
        ),
        "profile_empty": "Таблица показателей пуста.",
    },
    "en": {
        "profile_heading": "Municipalities",
        "profile_intro": (
            "Click a column header to sort the table; click again to reverse the "
            "order. Missing values always stay at the bottom."
        ),
        "profile_empty": "The indicator table is empty.",
    },
}
