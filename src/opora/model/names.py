"""Place names in the form used for matching: type words stripped, case and spelling folded.

Sources write the same place in many ways (``«г. Белебей»``, ``БЕЛЕБЕЙ``, ``Белебей г``;
``Белебеевский муниципальный район``, ``р-н Белебеевский``). :func:`normalise_name`
brings them to one form; :func:`settlement_type` maps a type word to the short type of
the settlement table. Region names use :func:`opora.model.regions.normalise_region`,
built on the same rules.
"""

from __future__ import annotations

import math
import re
import sys

__all__ = [
    "TYPE_CODES",
    "is_missing",
    "name_tokens",
    "normalise_name",
    "settlement_type",
    "strip_type_words",
]

#: Type words and phrases stripped from both ends of a name (normalised spelling, tokens).
_TYPE_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                "муниципальный район",
                "муниципальный округ",
                "городской округ",
                "сельское поселение",
                "городское поселение",
                "поселок городского типа",
                "рабочий поселок",
                "курортный поселок",
                "дачный поселок",
                "поселок при станции",
                "поселок и при станция и",
                "поселок и при станция",
                "железнодорожная станция",
                "населенный пункт",
                "муниципальное образование",
                "автономный округ",
                "автономная область",
                "город",
                "г",
                "гор",
                "го",
                "мо",
                "мр",
                "район",
                "р-н",
                "р-он",
                "рн",
                "село",
                "с",
                "деревня",
                "дер",
                "д",
                "поселок",
                "пос",
                "п",
                "пгт",
                "рп",
                "кп",
                "дп",
                "гп",
                "нп",
                "хутор",
                "х",
                "станица",
                "ст-ца",
                "станция",
                "ст",
                "аул",
                "разъезд",
                "рзд",
                "кордон",
                "починок",
                "слобода",
                "сл",
                "микрорайон",
                "мкр",
                "сельсовет",
                "с/с",
                "с/п",
                "поссовет",
                "зато",
                "республика",
                "респ",
                "область",
                "обл",
                "край",
                "округ",
            )
        ),
        key=len,
        reverse=True,
    )
)
#: Settlement type as the FNS writes it (normalised) → the short type of the settlement table.
TYPE_CODES: dict[str, str] = {
    "город": "г",
    "г": "г",
    "гор": "г",
    "поселок городского типа": "пгт",
    "пгт": "пгт",
    "рабочий поселок": "рп",
    "рп": "рп",
    "курортный поселок": "кп",
    "кп": "кп",
    "дачный поселок": "дп",
    "дп": "дп",
    "городской поселок": "гп",
    "гп": "гп",
    "село": "с",
    "с": "с",
    "деревня": "д",
    "дер": "д",
    "д": "д",
    "поселок": "п",
    "пос": "п",
    "п": "п",
    "хутор": "х",
    "х": "х",
    "станица": "ст-ца",
    "ст-ца": "ст-ца",
    "станция": "ст",
    "ст": "ст",
    "населенный пункт": "нп",
    "нп": "нп",
    "аул": "аул",
    "разъезд": "рзд",
    "рзд": "рзд",
    "слобода": "сл",
    "сл": "сл",
}

_STRIP = re.compile(r"[«»\"'“”„`()\[\],.;:№]")
_SPACES = re.compile(r"\s+")
_HYPHEN = re.compile(r"\s*[-‐‑–—]\s*")


def is_missing(value: object) -> bool:
    """Tell whether a cell is missing (``None``, ``NA``, ``NaN``).

    Parameters
    ----------
    value
        A cell.

    Returns
    -------
    bool
        True for ``None``, ``pandas.NA`` and a float NaN.
    """
    pd = sys.modules.get("pandas")  # no pandas imported: no pandas.NA can exist (fast start)
    na = pd.NA if pd is not None else None
    return value is None or value is na or (isinstance(value, float) and math.isnan(value))


def name_tokens(text: str) -> list[str]:
    """Split a name into lower-case tokens (``ё`` → ``е``, punctuation dropped, hyphens joined).

    Parameters
    ----------
    text
        A name or an address part.

    Returns
    -------
    list of str
        The tokens; empty for a blank text.
    """
    t = text.lower().replace("ё", "е").replace("\u00a0", " ")
    t = _STRIP.sub(" ", t)
    t = _HYPHEN.sub("-", t)
    return _SPACES.sub(" ", t).strip().split(" ") if t.strip() else []


def strip_type_words(tokens: list[str]) -> list[str]:
    """Strip type words and phrases (``г``, ``муниципальный район``...) from both ends.

    Parameters
    ----------
    tokens
        Tokens of :func:`name_tokens`.

    Returns
    -------
    list of str
        The remaining tokens; a name made only of type words is returned as it is.
    """
    changed = True
    while changed and tokens:
        changed = False
        for phrase in _TYPE_PHRASES:
            n = len(phrase)
            if len(tokens) > n and tuple(tokens[:n]) == phrase:
                tokens = tokens[n:]
                changed = True
                break
            if len(tokens) > n and tuple(tokens[-n:]) == phrase:
                tokens = tokens[:-n]
                changed = True
                break
    return tokens


def normalise_name(text: object) -> str:
    """Return a place name in the form used for matching.

    Lower case, ``ё`` → ``е``, quotes, dots and brackets removed, hyphens without
    spaces, and type words (``г``, ``с.``, ``пгт``, ``р-н``, ``район``, ``муниципальный
    район``, ``городской округ``, ``сельское поселение``, ``сельсовет``...) stripped from
    both ends. A name made only of type words is returned without stripping.

    Parameters
    ----------
    text
        A name as written in a source, such as ``"г. Белебей"`` or ``"БЕЛЕБЕЕВСКИЙ"``.

    Returns
    -------
    str
        The normalised name (``""`` for missing values).

    Examples
    --------
    >>> normalise_name("Белебеевский муниципальный район")
    'белебеевский'
    >>> normalise_name("р-н Белебеевский") == normalise_name("БЕЛЕБЕЕВСКИЙ Р-Н")
    True
    >>> normalise_name("городской округ ЗАТО город Межгорье")
    'межгорье'
    """
    if is_missing(text):
        return ""
    return " ".join(strip_type_words(name_tokens(str(text))))


def settlement_type(text: object) -> str | None:
    """Return the short settlement type (``г``, ``пгт``, ``рп``, ``с``, ``д``…) of a type word.

    Parameters
    ----------
    text
        A type as a source writes it: ``"РАБОЧИЙ ПОСЕЛОК"``, ``"ПГТ."``, ``"Село"``, ``"д."``.

    Returns
    -------
    str or None
        The short type, or ``None`` when the word is not a known settlement type.
    """
    if is_missing(text):
        return None
    key = " ".join(name_tokens(str(text)))
    return TYPE_CODES.get(key)
