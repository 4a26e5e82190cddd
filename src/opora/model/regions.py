"""Recognise a Russian region by any usual name or code: one table, one recogniser.

Every part of opora that compares or looks up a region goes through this module. The
table of the 85 federal subjects (:func:`federal_subjects`, shipped as
``opora/data/regions.csv`` with its sources in the file's header) gives each region its
2-digit OKTMO code (and the 3-digit OKTMO prefix of an autonomous okrug inside another
region's code), its ISO 3166-2 code, its Russian name as the SberIndex dictionary and the
settlement register write it, its English name, other usual names, and its federal
district.

:func:`resolve_region` reads, in this order:

* a 2-digit OKTMO code (``"11"`` is Arkhangelsk oblast: each code names one region; the
  autonomous okrugs that share a code, Nenets in 11 and Khanty-Mansi and Yamalo-Nenets in
  71, are reached by their own names, ISO codes or 3-digit prefixes ``118``, ``718``,
  ``719``); a longer OKTMO code (a municipality's, a settlement's) names its region;
* an ISO 3166-2 code (``RU-ARK``, ``ru-kem``);
* a name: Russian, English or transliterated, full or without its type words
  (``"Респ. Башкортостан"``, ``"Kemerovo Oblast"``, ``"kemerovskaya"``), another usual
  name (``"Башкирия"``, ``"Yakutia"``, ``"ХМАО"``), or the beginning of one name or of a
  word in it (``"кемер"``, ``"Осетия"``). Spellings are compared after transliteration,
  with the letters transliterations disagree on folded (``Jakutija`` = ``Yakutiya``).

Subject numbers (Art. 65 of the Constitution, the FNS region code: ``02`` is
Bashkortostan) are not read: as bare digits they clash with OKTMO codes (``11`` is Komi as
a subject number, Arkhangelsk oblast in OKTMO). A 2-digit text that is no OKTMO code is
refused with the region whose subject number it is (``"02"`` → use ``80`` or ``RU-BA``).

The helpers older callers use are built on it: :func:`normalise_region` and
:func:`same_region` compare names, :func:`region_code` and :func:`is_default_region`
read a code or name, :func:`find_region` finds a region in a source's own table of
regions.

Examples
--------
>>> resolve_region("kemerovo").iso, resolve_region("11").name_ru
('RU-KEM', 'Архангельская область')
>>> resolve_region("RU-NEN").oktmo_prefix, region_code("Bashkiria")
('118', '80')
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from opora.errors import UnknownRegionError
from opora.model.names import is_missing, normalise_name

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_REGION",
    "DEFAULT_REGION_CODE",
    "FEDERAL_CITY_CODES",
    "FEDERAL_DISTRICTS",
    "REGION_COLUMNS",
    "FederalSubject",
    "federal_subjects",
    "find_region",
    "is_default_region",
    "normalise_region",
    "region_code",
    "region_of_oktmo",
    "regions_table",
    "resolve_region",
    "same_region",
    "suggest_regions",
]

#: The embedded default region.
DEFAULT_REGION = "Республика Башкортостан"

#: 2-digit OKTMO code of :data:`DEFAULT_REGION`.
DEFAULT_REGION_CODE = "80"

#: FNS region codes (``КодРегион``, not OKTMO) of the federal cities, which sources often
#: name instead of giving a code.
FEDERAL_CITY_CODES: dict[str, str] = {"москва": "77", "санкт-петербург": "78", "севастополь": "92"}

#: Federal districts: slug → (Russian name, English name). The slugs are those of the
#: public per-federal-district OpenStreetMap extracts (``<slug>-fed-district``).
FEDERAL_DISTRICTS: dict[str, tuple[str, str]] = {
    "central": ("Центральный", "Central"),
    "northwestern": ("Северо-Западный", "Northwestern"),
    "south": ("Южный", "Southern"),
    "north-caucasus": ("Северо-Кавказский", "North Caucasian"),
    "volga": ("Приволжский", "Volga"),
    "ural": ("Уральский", "Ural"),
    "siberian": ("Сибирский", "Siberian"),
    "far-eastern": ("Дальневосточный", "Far Eastern"),
}

#: Columns of :func:`regions_table` (those of ``opora/data/regions.csv``).
REGION_COLUMNS = [
    "oktmo",
    "oktmo_prefix",
    "subject_code",
    "iso",
    "iso_published",
    "name_ru",
    "name_en",
    "kind",
    "federal_district",
    "osm_extract",
    "aliases",
]

_OSM_EXTRACTS = {*FEDERAL_DISTRICTS, "crimea", "kaliningrad"}

#: Territories users may name that are not rows of the table, and why.
_NOT_COVERED: dict[str, str] = {
    "байконур": "Baikonur is a city leased to Kazakhstan, not a federal subject",
    "baykonur": "Baikonur is a city leased to Kazakhstan, not a federal subject",
    "baikonur": "Baikonur is a city leased to Kazakhstan, not a federal subject",
    "донецкая": "no nationwide source of opora covers the Donetsk region",
    "днр": "no nationwide source of opora covers the Donetsk region",
    "луганская": "no nationwide source of opora covers the Lugansk region",
    "лнр": "no nationwide source of opora covers the Lugansk region",
    "запорожская": "no nationwide source of opora covers the Zaporozhye region",
    "херсонская": "no nationwide source of opora covers the Kherson region",
}


@dataclass(frozen=True)
class FederalSubject:
    """One region of :func:`federal_subjects` (a row of ``opora/data/regions.csv``).

    Attributes
    ----------
    oktmo
        2-digit OKTMO code (an autonomous okrug has the code of the region it lies in).
    oktmo_prefix
        The prefix of every OKTMO code of the region: ``oktmo``, or the okrug's own
        3-digit code (``118`` Nenets, ``718`` Khanty-Mansi, ``719`` Yamalo-Nenets).
    subject_code
        Number in Art. 65 of the Constitution (the FNS region code).
    iso
        ISO 3166-2 code (``RU-ARK``).
    iso_published
        False for Crimea and Sevastopol, whose codes ISO 3166-2:RU does not list.
    name_ru, name_en
        Russian name (as in the SberIndex dictionary) and English name.
    kind
        ``republic``, ``krai``, ``oblast``, ``federal city``, ``autonomous oblast`` or
        ``autonomous okrug``.
    federal_district
        Slug of :data:`FEDERAL_DISTRICTS`.
    osm_extract
        The per-federal-district OpenStreetMap extract that holds the region: the
        district's slug, ``crimea`` or ``kaliningrad``.
    aliases
        Other usual names, Russian and Latin.
    """

    oktmo: str
    oktmo_prefix: str
    subject_code: str
    iso: str
    iso_published: bool
    name_ru: str
    name_en: str
    kind: str
    federal_district: str
    osm_extract: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the region: Russian, English and the aliases."""
        return (self.name_ru, self.name_en, *self.aliases)

    @property
    def label(self) -> str:
        """``"Кемеровская область (OKTMO 32, RU-KEM)"``, for messages."""
        return f"{self.name_ru} (OKTMO {self.oktmo_prefix}, {self.iso})"


@cache
def federal_subjects() -> tuple[FederalSubject, ...]:
    """Return the table of regions shipped with opora (``opora/data/regions.csv``).

    The file is package data, read once on first use; its header lists its sources
    (ISO 3166-2:RU, OKTMO OK 033-2013, the Constitution, the decree on federal districts).

    Returns
    -------
    tuple of FederalSubject
        The 85 regions, in the order of the file.
    """
    text = (resources.files("opora") / "data" / "regions.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    out = tuple(
        FederalSubject(
            oktmo=r["oktmo"],
            oktmo_prefix=r["oktmo_prefix"],
            subject_code=r["subject_code"],
            iso=r["iso"],
            iso_published=r["iso_published"] == "true",
            name_ru=r["name_ru"],
            name_en=r["name_en"],
            kind=r["kind"],
            federal_district=r["federal_district"],
            osm_extract=r["osm_extract"],
            aliases=tuple(a.strip() for a in (r["aliases"] or "").split(";") if a.strip()),
        )
        for r in rows
    )
    for s in out:
        if s.federal_district not in FEDERAL_DISTRICTS or s.osm_extract not in _OSM_EXTRACTS:
            msg = f"opora/data/regions.csv: {s.name_ru}: unknown federal district or extract"
            raise ValueError(msg)
    return out


def regions_table() -> pd.DataFrame:
    """Return :func:`federal_subjects` as a table.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REGION_COLUMNS` (``aliases`` joined by ``"; "``) plus
        ``federal_district_ru`` and ``federal_district_en``; codes are text.
    """
    rows = [
        {
            **{c: getattr(s, c) for c in REGION_COLUMNS if c != "aliases"},
            "aliases": "; ".join(s.aliases),
            "federal_district_ru": FEDERAL_DISTRICTS[s.federal_district][0],
            "federal_district_en": FEDERAL_DISTRICTS[s.federal_district][1],
        }
        for s in federal_subjects()
    ]
    import pandas as pd  # here, not at import: the command line starts without pandas

    return pd.DataFrame(rows)


# -- keys for matching names --------------------------------------------------------------------

_TRANSLIT = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъыьэюя",
        (
            *("a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p"),
            *(
                "r",
                "s",
                "t",
                "u",
                "f",
                "kh",
                "ts",
                "ch",
                "sh",
                "shch",
                "",
                "y",
                "",
                "e",
                "yu",
                "ya",
            ),
        ),
        strict=True,
    )
)

#: Type words (after transliteration) → a canonical type; dropped from the core of a name.
_TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("respublika", "resp", "republic"), "REP"),
    **dict.fromkeys(("oblast", "obl", "oblasti", "region", "province"), "OBL"),
    **dict.fromkeys(("kray", "krai", "kraj", "territory"), "KRAI"),
    **dict.fromkeys(("avtonomnyy", "avtonomnaya", "avtonomnyi", "avt", "autonomous"), "AUT"),
    **dict.fromkeys(("okrug", "district"), "OKR"),
    "ao": "AO",
    **dict.fromkeys(("g", "gorod", "city"), "CITY"),
    **dict.fromkeys(("federalnogo", "federal", "znacheniya"), "FED"),
}
#: Words with no meaning for the match.
_DROP = {"of", "the", "vsego"}
_NON_WORD = re.compile(r"[^\w\s\-‐‑–—]|_")
_AUTONOMOUS = re.compile(r"\bавт\.", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """Lower-case transliterated words of a name (hyphens split, punctuation dropped)."""
    t = _AUTONOMOUS.sub("автономный ", text).lower().replace("ё", "е")
    t = _NON_WORD.sub(" ", t)
    out: list[str] = []
    for w in re.split(r"[\s\-‐‑–—]+", t):
        latin = "".join(_TRANSLIT.get(c, c) for c in w).replace("j", "y")
        if latin and latin not in _DROP:
            out.append(latin)
    return out


def _skeleton(word: str) -> str:
    """Fold the letters that spellings disagree on (``yakutiya`` ≈ ``jakutia`` → ``akuta``)."""
    w = word.replace("kh", "h").replace("x", "ks").replace("w", "v")
    return re.sub("[iy]", "", w)


@dataclass(frozen=True)
class _Key:
    full: str  # every word, type words canonical, sorted
    core: str  # the words that are not type words, in order
    skel: tuple[str, ...]  # the core's words as skeletons


def _key(text: str) -> _Key:
    words = _words(text)
    core = [w for w in words if w not in _TYPE_WORDS] or words
    full = sorted(_TYPE_WORDS.get(w, w) for w in words)
    return _Key(" ".join(full), " ".join(core), tuple(_skeleton(w) for w in core))


@cache
def _index() -> list[tuple[_Key, FederalSubject]]:
    return [(_key(n), s) for s in federal_subjects() for n in s.names]


def _unique(hits: list[FederalSubject]) -> list[FederalSubject]:
    return list(dict.fromkeys(hits))


def _exact(text: str) -> list[FederalSubject]:
    """Regions that a code or a whole name (full, without type words, or folded) names."""
    k = _key(text)
    if not k.core:
        return []
    for part in ("full", "core", "skel"):
        hits = _unique([s for key, s in _index() if getattr(key, part) == getattr(k, part)])
        if hits:
            return hits
    return []


def _partial(text: str) -> list[FederalSubject]:
    """Return the regions one of whose names begins with the text, or has a word that does."""
    q = _key(text).skel
    if not q:
        return []
    flat = " ".join(q)
    for test in (
        lambda sk: sk[: len(q)] == q,  # the first words
        lambda sk: len(flat) >= 3 and " ".join(sk).startswith(flat),  # the beginning
        lambda sk: len(flat) >= 3 and f" {flat}" in f" {' '.join(sk[1:])}",  # a later word
    ):
        hits = _unique([s for key, s in _index() if test(key.skel)])
        if hits:
            return hits
    return []


def suggest_regions(text: object, n: int = 5) -> list[FederalSubject]:
    """Return the regions whose names are closest to a text, best first.

    Parameters
    ----------
    text
        A name that matched no region.
    n
        How many to return.

    Returns
    -------
    list of FederalSubject
        At most ``n`` regions (fewer only when the text is blank).
    """
    if is_missing(text) or not str(text).strip():
        return []
    q = " ".join(_key(str(text)).skel)
    scored = sorted(
        ((difflib.SequenceMatcher(None, q, " ".join(k.skel)).ratio(), s) for k, s in _index()),
        key=lambda p: -p[0],
    )
    return _unique([s for _, s in scored])[:n]


def region_of_oktmo(code: object) -> FederalSubject | None:
    """Return the region of an OKTMO code (2 to 11 digits) by its longest known prefix.

    Parameters
    ----------
    code
        ``"11"``, ``"118"``, ``"71829000"``, ``"80601101001"``...

    Returns
    -------
    FederalSubject or None
        The region (``118…`` is Nenets AO, ``11…`` otherwise Arkhangelsk oblast), or
        ``None`` when no region has that prefix or the text is not digits.
    """
    if is_missing(code):
        return None
    digits = str(code).strip()
    if not digits.isdigit() or len(digits) < 2:
        return None
    by_prefix = {s.oktmo_prefix: s for s in federal_subjects()}
    return by_prefix.get(digits[:3]) or by_prefix.get(digits[:2])


_ISO = re.compile(r"ru[\s\-_]([a-z]{2,3})", re.IGNORECASE)


def _by_code(key: str) -> FederalSubject:
    if key.isdigit():
        found = region_of_oktmo(key.zfill(2))
        if found is not None:
            return found
        subject = next((s for s in federal_subjects() if s.subject_code == key.zfill(2)), None)
        hint = (
            f"; as a subject number (Constitution, Art. 65; the FNS region code) it is "
            f"{subject.name_ru}: use its OKTMO code {subject.oktmo_prefix} or {subject.iso}"
            if subject is not None and len(key) <= 2
            else ""
        )
        msg = (
            f"{key!r} is no region's OKTMO code{hint}. `opora regions` lists every region "
            "with its OKTMO and ISO codes"
        )
        raise UnknownRegionError(msg)
    iso = f"RU-{_ISO.fullmatch(key).group(1)}".upper()  # type: ignore[union-attr]
    found = next((s for s in federal_subjects() if s.iso == iso), None)
    if found is None:
        close = difflib.get_close_matches(iso, [s.iso for s in federal_subjects()], n=5)
        msg = (
            f"{key!r} is no ISO 3166-2 code of a Russian region; close codes: "
            f"{', '.join(close) or '-'} (`opora regions` lists them)"
        )
        raise UnknownRegionError(msg)
    return found


@lru_cache(maxsize=4096)
def _resolve(key: str) -> FederalSubject:
    if key.isdigit() or _ISO.fullmatch(key):
        return _by_code(key)
    words = _words(key)
    if words and all(w in _TYPE_WORDS for w in words):
        msg = (
            f"{key!r} matches several regions: it names only a kind of region; give the "
            "region's name, OKTMO code or ISO code (`opora regions` lists them)"
        )
        raise UnknownRegionError(msg)
    hits = _exact(key) or _partial(key)
    if len(hits) == 1:
        return hits[0]
    if hits:
        some = "; ".join(s.label for s in hits[:12])
        msg = (
            f"{key!r} matches several regions: {some}. Give more of the name, the OKTMO "
            "code or the ISO code"
        )
        raise UnknownRegionError(msg)
    why = _NOT_COVERED.get(words[0] if words else "", "")
    close = "; ".join(s.label for s in suggest_regions(key, 3))
    msg = (
        f"{key!r} matches no region{f' ({why})' if why else ''}; closest names: {close}. "
        "`opora regions` lists every region with its codes"
    )
    raise UnknownRegionError(msg)


def resolve_region(text: object) -> FederalSubject:
    """Find the region a name or code stands for (see the module's rules).

    Parameters
    ----------
    text
        ``"Кемеровская область"``, ``"кемер"``, ``"kemerovo"``, ``"Kemerovo Oblast"``,
        ``"RU-KEM"``, ``"32"``, ``"Респ. Башкортостан"``, ``"Башкирия"``...

    Returns
    -------
    FederalSubject
        The region.

    Raises
    ------
    UnknownRegionError
        If no region or several match; the message names the closest regions, or the
        matching ones.
    """
    if is_missing(text) or not str(text).strip():
        msg = "no region given; give a name, an OKTMO code or an ISO code (`opora regions`)"
        raise UnknownRegionError(msg)
    return _resolve(str(text).strip())


def _resolves_exactly(text: object) -> FederalSubject | None:
    """Return the region a code or a whole name names, or ``None`` (no partial match)."""
    if is_missing(text) or not str(text).strip():
        return None
    return _exactly(str(text).strip())


@lru_cache(maxsize=4096)
def _exactly(key: str) -> FederalSubject | None:
    if key.isdigit() or _ISO.fullmatch(key):
        try:
            return _resolve(key)
        except UnknownRegionError:
            return None
    hits = _exact(key)
    return hits[0] if len(hits) == 1 else None


def normalise_region(text: object) -> str:
    """Return a region name without its type words, for comparing region names.

    The rules of :func:`opora.model.names.normalise_name` (lower case, ``ё`` → ``е``,
    punctuation and brackets dropped, dashes joined, type words such as ``Республика``,
    ``область``, ``край``, ``автономный округ``, ``Респ.`` stripped from both ends), after
    ``авт.`` is read as ``автономный``.

    Parameters
    ----------
    text
        ``"Республика Башкортостан"``, ``"БАШКОРТОСТАН"``, ``"Пермский край"``,
        ``"Ненецкий авт. округ"``...

    Returns
    -------
    str
        ``"башкортостан"``, ``"пермский"``, ``"ненецкий"``...; ``""`` for a missing value.

    Examples
    --------
    >>> normalise_region("РЕСП. БАШКОРТОСТАН")
    'башкортостан'
    >>> normalise_region("Ханты-Мансийский автономный округ — Югра")
    'ханты-мансийский автономный округ-югра'
    """
    if is_missing(text):
        return ""
    return normalise_name(_AUTONOMOUS.sub("автономный ", str(text)))


def same_region(a: object, b: object) -> bool:
    """Tell whether two names are the same region.

    They are when they normalise to the same name (:func:`normalise_region`), or when
    each is a code or a whole name of the same region of :func:`federal_subjects`
    (``"Bashkiria"`` and ``"Республика Башкортостан"``). Parts of names do not count, so
    ``"Архангельская область без Ненецкого автономного округа"`` is not
    ``"Архангельская область"``.

    Parameters
    ----------
    a, b
        Region names, such as ``"Ненецкий авт. округ"`` and ``"Ненецкий автономный округ"``.

    Returns
    -------
    bool
        True when both name the same region.
    """
    na = normalise_region(a)
    if not na:
        return False
    if na == normalise_region(b):
        return True
    ra = _resolves_exactly(a)
    return ra is not None and ra is _resolves_exactly(b)


def region_code(text: object) -> str | None:
    """Return the OKTMO prefix of a region given by any name or code, or ``None``.

    Parameters
    ----------
    text
        A name or code :func:`resolve_region` reads (``"Bashkiria"``, ``"80"``,
        ``"Пермский край"``, ``"RU-NEN"``).

    Returns
    -------
    str or None
        The region's 2-digit OKTMO code (3 digits for an autonomous okrug inside
        another region's code: ``"118"`` for Nenets AO), or ``None`` when the text names
        no region or several.
    """
    try:
        return resolve_region(text).oktmo_prefix
    except UnknownRegionError:
        return None


def is_default_region(text: object) -> bool:
    """Tell whether a region name or code is the embedded default region.

    Parameters
    ----------
    text
        ``"80"``, ``"Bashkortostan"``, ``"башкортостан"``, ``"RU-BA"``...

    Returns
    -------
    bool
        True for :data:`DEFAULT_REGION` by any of its names or codes.
    """
    return region_code(text) == DEFAULT_REGION_CODE


def _find_in_frame(text: str, regions: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of a source's table whose name holds the text (old rules)."""
    key = text.strip().lower().replace("ё", "е")
    names = regions["region"].str.lower().str.replace("ё", "е")
    hit = regions[names == key]
    if hit.empty:
        # the start of the name or of one of its words, never the middle of a word
        # ("марс" must not find "самарская")
        starts = names.map(lambda n: any(w.startswith(key) for w in re.split(r"[\s\-(]+", n)))
        hit = regions[starts.astype(bool)]
    if len(hit) != 1:
        same = regions[regions["region"].map(normalise_region) == normalise_region(text)]
        if len(same) == 1:
            hit = same
    return hit


def find_region(text: str, regions: pd.DataFrame) -> tuple[str, str]:
    """Find a region, given by any name or code, in a source's table of regions.

    The text is read by :func:`resolve_region`; the region is then found in ``regions``
    by name (any spelling :func:`same_region` accepts). A region the table of regions
    does not hold (a source's own territory) is still found by its exact or partial name
    in ``regions``.

    Parameters
    ----------
    text
        ``"Республика Башкортостан"``, ``"башкорт"``, ``"Bashkortostan"``, ``"RU-BA"``
        or ``"80"``.
    regions
        Regions: ``region`` (name) and ``oktmo_prefix`` (2-digit code), such as
        :func:`opora.io.sources.list_regions` returns.

    Returns
    -------
    tuple of str
        The region's name and code as ``regions`` gives them.

    Raises
    ------
    UnknownRegionError
        If no region, or more than one, matches, or the region is not in ``regions``.
    """
    try:
        subject = resolve_region(text)
    except UnknownRegionError:
        hit = _find_in_frame(str(text), regions) if not str(text).strip().isdigit() else None
        if hit is None or len(hit) != 1:
            raise
        return str(hit["region"].iloc[0]), str(hit["oktmo_prefix"].iloc[0])
    mask = regions["region"].map(lambda n: _resolves_exactly(n) is subject).astype(bool)
    hit = regions[mask]
    if len(hit) != 1:
        some = ", ".join(regions["region"].astype(str))
        msg = (
            f"{text!r} is {subject.label}, which this source's table of regions does not "
            f"hold once (regions there: {some})"
        )
        raise UnknownRegionError(msg)
    return str(hit["region"].iloc[0]), str(hit["oktmo_prefix"].iloc[0])
