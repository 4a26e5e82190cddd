"""Colours of the town passport, shared by its charts, its HTML and its PDF."""

from __future__ import annotations

from typing import Final

INK: Final = "#1d232b"
MUTED: Final = "#5b6570"
ACCENT: Final = "#1f4e79"
TOWN_BAR: Final = "#e8743b"
REGION_BAR: Final = "#9aabbd"
INTER_DISTRICT: Final = "#b2182b"
LOCAL: Final = "#f4a261"
OTHER: Final = "#9aa2aa"
BAD: Final = "#b3261e"
GOOD: Final = "#2e6b30"
WARN_BG: Final = "#fff4e0"
WARN_LINE: Final = "#d9822b"
WARN_INK: Final = "#7a3e00"
ALERT_BG: Final = "#fdecea"
ROLE_BG: Final = "#eaf1f8"
