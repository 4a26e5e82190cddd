"""Parsers of OSM tag values: ``maxspeed``, ``duration`` and ``*:conditional`` months."""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["parse_conditional_months", "parse_duration", "parse_maxspeed"]

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_NO_LIMIT = frozenset({"none", "signals", "variable", "implicit"})
_SPEED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?$", re.IGNORECASE)
_ISO_DURATION = re.compile(r"^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$")


def parse_maxspeed(value: str, zones: Mapping[str, float]) -> tuple[float | None, bool]:
    """Read an OSM ``maxspeed`` value.

    Parameters
    ----------
    value
        The tag value: ``"60"``, ``"60 mph"``, ``"RU:urban"``, ``"none"``, ``"60;90"``...
    zones
        Speeds of zone values (``{"RU:urban": 60, "urban": 60, ...}``); a zone of another
        country falls back to its suffix.

    Returns
    -------
    tuple
        ``(km/h, True)`` for a limit; ``(None, True)`` for a value that sets no number
        (``none``, ``signals``, ``variable``); ``(None, False)`` when not understood.
    """
    text = value.split(";")[0].strip()
    if text.lower() in _NO_LIMIT:
        return None, True
    match = _SPEED.match(text)
    if match:
        kmh = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower()
        if unit == "mph":
            kmh *= 1.609344
        elif unit == "knots":
            kmh *= 1.852
        return (kmh, True) if kmh > 0 else (None, False)
    if text in zones:
        return float(zones[text]), True
    if ":" in text:
        suffix = text.split(":", 1)[1].strip()
        if suffix in zones:
            return float(zones[suffix]), True
    return None, False


def parse_duration(value: str) -> float | None:
    """Read an OSM ``duration`` value in minutes.

    Parameters
    ----------
    value
        ``"HH:MM"``, ``"H:MM:SS"``, plain minutes (``"45"``) or ISO 8601 (``"PT1H30M"``).

    Returns
    -------
    float or None
        Minutes (> 0), or ``None`` when the value is not understood.
    """
    text = value.strip()
    minutes: float | None = None
    parts = text.split(":")
    if 2 <= len(parts) <= 3 and all(s.isdigit() for s in parts):
        nums = [int(s) for s in parts]
        if all(n < 60 for n in nums[1:]):
            minutes = nums[0] * 60 + nums[1] + (nums[2] / 60 if len(nums) == 3 else 0.0)
    elif re.fullmatch(r"\d+(?:\.\d+)?", text):
        minutes = float(text)
    else:
        iso = _ISO_DURATION.match(text.upper())
        if iso and any(iso.groups()):
            h, m, s = (float(g) if g else 0.0 for g in iso.groups())
            minutes = h * 60 + m + s / 60
    return minutes if minutes is not None and minutes > 0 else None


def _month_range(tokens: list[str]) -> set[int] | None:
    """Months touched by ``Mon [dd] [- Mon [dd] | - dd]``, or ``None``."""
    first: int | None = None
    last: int | None = None
    dash = False
    for tok in tokens:
        low = tok.lower()
        if low[:3] in _MONTHS and low.isalpha():
            if first is None:
                first = _MONTHS[low[:3]]
            elif dash and last is None:
                last = _MONTHS[low[:3]]
            else:
                return None
        elif tok == "-":
            if first is None or dash:
                return None
            dash = True
        elif not tok.isdigit():
            return None
    if first is None:
        return None
    end = last if last is not None else first
    months = {first}
    m = first
    while m != end:
        m = m % 12 + 1
        months.add(m)
    return months


def parse_conditional_months(value: str) -> list[tuple[str, frozenset[int]]] | None:
    """Read the month-based rules of an OSM ``*:conditional`` value.

    Parameters
    ----------
    value
        For example ``"no @ (Apr 15-May 15)"`` or ``"yes @ (Dec-Mar); no @ (Apr-May)"``.

    Returns
    -------
    list of (str, frozenset of int) or None
        ``(value, months)`` for each rule whose condition is a set of months (1-12);
        rules on hours, weights or combined with ``AND`` are skipped. ``None`` when the
        value cannot be read or a condition mixes months with something else.
    """
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in value:
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    rules: list[tuple[str, frozenset[int]]] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if "@" not in part:
            return None
        val, cond = (s.strip() for s in part.split("@", 1))
        cond = cond.strip().removeprefix("(").removesuffix(")").strip()
        if not val or not cond:
            return None
        if re.search(r"\bAND\b|[<>=]", cond) or ":" in cond:
            continue
        tokens = re.findall(r"[A-Za-z]+|\d+|-|,|\S", cond)
        has_month = any(t.lower()[:3] in _MONTHS and t.isalpha() for t in tokens)
        if not has_month:
            continue
        months: set[int] = set()
        group: list[str] = []
        for tok in [*tokens, ","]:
            if tok == ",":
                got = _month_range(group)
                if got is None:
                    return None
                months |= got
                group = []
            else:
                group.append(tok)
        rules.append((val.lower(), frozenset(months)))
    return rules
