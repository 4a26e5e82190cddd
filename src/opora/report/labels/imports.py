"""Labels of the import summary section."""

from __future__ import annotations

from typing import Final

__all__ = ["LABELS"]

#: Label key → text, by language (``ru``, ``en``).
LABELS: Final[dict[str, dict[str, str]]] = {
    "ru": {
        "import_heading": "Загрузка данных",
        "import_intro": (
            "Сколько строк прочитано из каждого источника, сколько принято, "
            "исправлено, отклонено и помечено при проверке."
        ),
        "col_read": "прочитано",
        "col_kept": "принято",
        "col_repaired": "исправлено",
        "col_rejected": "отклонено",
        "col_flagged": "помечено",
        "import_empty": "Сводка загрузки не передана.",
    },
    "en": {
        "import_heading": "Data import",
        "import_intro": (
            "How many rows were read from each source, and how many were kept, "
            "repaired, rejected and flagged by the checks."
        ),
        "col_read": "read",
        "col_kept": "kept",
        "col_repaired": "repaired",
        "col_rejected": "rejected",
        "col_flagged": "flagged",
        "import_empty": "No import summary was given.",
    },
}
