"""Users' lists of municipalities and towns (official monotowns, border municipalities).

:func:`match_list` matches a list of OKTMO codes or names to the rows given to
:func:`opora.typology.rules.classify`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

__all__ = ["match_list"]


_NAME_NOISE = re.compile(
    r"\b(городской округ|муниципальный район|муниципальный округ|городское поселение|"
    r"сельское поселение|закрытое административно-территориальное образование|"
    r"зато|город|городской|муниципальный|район|округ|пгт|рп|г)\b\.?"
)


def _norm_name(name: str) -> str:
    s = name.lower().replace("ё", "е")
    s = _NAME_NOISE.sub(" ", s)
    s = re.sub(r"[^\w\s-]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _row_keys(frame: pd.DataFrame) -> tuple[list[str], list[str], list[str], list[str]]:
    codes = frame["oktmo"].astype(str).tolist()
    names = [_norm_name(str(n)) for n in frame["name"].fillna("")]
    levels = frame["level"].astype(str).tolist()
    parents = frame["municipality_oktmo"].astype(str).tolist()
    return codes, names, levels, parents


def match_list(frame: pd.DataFrame, entries: Sequence[str]) -> tuple[list[str | None], list[str]]:
    """Match a user's list (codes or names) to the rows of a typology input.

    A row matches an entry equal to its OKTMO code or, after normalisation (case, ``ё``,
    punctuation, and the words *городской округ*, *муниципальный район*, *район*,
    *округ*, *город*, *г.*, *пгт*, *рп*, *ЗАТО* left out), to its name: "Белорецкий
    район" matches "Белорецкий муниципальный район", "г. Белорецк" the town "Белорецк".
    A municipality row also matches an 11-digit code of a settlement in it and the
    8-digit code of a lower-level municipality in it (``80611101``, the town settlement
    of Beloretsk, matches the district ``80611000``); a town row matches the 8-digit code
    of the lower-level municipality its 11-digit code starts with. Then matches
    spread along the hierarchy: a municipality is matched when one of its town rows is,
    and a town when its municipality is.

    Parameters
    ----------
    frame
        Rows with ``oktmo``, ``name``, ``level`` and ``municipality_oktmo`` (as prepared
        by :func:`~opora.typology.rules.classify`).
    entries
        OKTMO codes (8 or 11 digits) or names.

    Returns
    -------
    tuple
        The matched entry of each row (``None`` where none), and the entries that matched
        no row.
    """
    codes, names, levels, parents = _row_keys(frame)
    direct: list[str | None] = [None] * len(frame)
    used: set[str] = set()
    by_code = {e: e for e in entries if e.isdigit()}
    by_name = {_norm_name(e): e for e in entries if not e.isdigit()}
    for i, (code, name, level) in enumerate(zip(codes, names, levels, strict=True)):
        hit = by_code.get(code) or (by_name.get(name) if name else None)
        if hit is None and level != "town":
            hit = next(
                (e for e in by_code if len(e) == 11 and code in {e[:8], e[:5] + "000"}), None
            )
        if hit is None:  # a lower-level municipality (a town's or village's settlement)
            lower = [e for e in by_code if len(e) == 8 and not e.endswith("000")]
            if level == "town":
                hit = next((e for e in lower if code.startswith(e)), None)
            else:
                hit = next((e for e in lower if code == e[:5] + "000"), None)
        if hit is not None:
            direct[i] = hit
            used.add(hit)
    out = list(direct)
    muni_hit = {codes[i]: direct[i] for i in range(len(frame)) if levels[i] != "town" and direct[i]}
    for i in range(len(frame)):
        if levels[i] == "town" and out[i] is None and parents[i] in muni_hit:
            out[i] = muni_hit[parents[i]]
    town_hit = {
        parents[i]: direct[i] for i in range(len(frame)) if levels[i] == "town" and direct[i]
    }
    for i in range(len(frame)):
        if levels[i] != "town" and out[i] is None and codes[i] in town_hit:
            out[i] = town_hit[codes[i]]
    return out, [e for e in entries if e not in used]
