"""Location of firms → OKTMO, by normalised names of the workspace's places.

Firm registries do not carry OKTMO codes. The FNS SME register gives a location as
region, district (``Район``), city (``Город``) and settlement (``НаселПункт``), each with
a type and a name in capitals; SPARK and Kontur.Focus give a postal address. This
module matches those names against the workspace's settlement and municipality tables.

Names are compared after :func:`normalise_name`: lower case, ``ё`` → ``е``, quotes and
dots removed, and type words stripped from both ends (``г``, ``город``, ``с.``, ``село``,
``пгт``, ``рп``, ``р-н``, ``район``, ``муниципальный район``, ``городской округ``,
``сельское поселение``, ``сельсовет``…), so that ``«г. Белебей»``, ``БЕЛЕБЕЙ`` and
``Белебей г`` are the same name, and ``Белебеевский муниципальный район`` is
``БЕЛЕБЕЕВСКИЙ`` with type ``РАЙОН``.

Resolution works down the hierarchy and keeps the most precise level that matches:

1. the **district** (``Район``) is looked up among the upper-level municipalities
   (municipal districts and urban okrugs); the FNS also writes a town of regional
   subordination as a district (``Район Тип="Г."``), which then matches an urban okrug;
2. the **city** (``Город``) is looked up among the settlements of that district (towns
   first), else among all towns of the region, else among urban okrug names;
3. the **settlement** (``НаселПункт``) is looked up among the settlements of the
   city's or district's municipality, else, when the name is unique, in the region.

A location resolves to a settlement (11-digit OKTMO) or, when only a coarser part
matches, to a municipality (8-digit OKTMO, status ``partial`` with the reason). A name
shared by several settlements of the same scope is ambiguous and never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, NamedTuple

import pandas as pd

from opora.model.names import (
    TYPE_CODES,
    is_missing,
    name_tokens,
    normalise_name,
    settlement_type,
    strip_type_words,
)
from opora.model.regions import (
    FEDERAL_CITY_CODES,
    normalise_region,
)
from opora.model.settlements import URBAN_TYPES

__all__ = [
    "TOWN_TYPES",
    "Location",
    "LocationIndex",
    "Resolution",
    "external_place",
    "normalise_name",
    "parse_address",
    "settlement_type",
]

#: Settlement types counted as towns (town, urban-type, workers', resort, dacha settlements).
#: Town types: the shared :data:`opora.model.settlements.URBAN_TYPES`.
TOWN_TYPES = URBAN_TYPES


#: Parts of an address that are not places (street, house, office, postcode...).
_STREET_TYPES = frozenset(
    {
        "ул",
        "улица",
        "пр",
        "пр-кт",
        "проспект",
        "пер",
        "переулок",
        "пл",
        "площадь",
        "б-р",
        "бульвар",
        "ш",
        "шоссе",
        "наб",
        "набережная",
        "проезд",
        "пр-д",
        "тракт",
        "туп",
        "тупик",
        "мкр",
        "микрорайон",
        "д",
        "дом",
        "зд",
        "здание",
        "стр",
        "строение",
        "к",
        "корп",
        "корпус",
        "кв",
        "квартира",
        "оф",
        "офис",
        "пом",
        "помещение",
        "этаж",
        "литера",
        "лит",
        "влд",
        "вл",
        "тер",
        "территория",
        "км",
    }
)
_DISTRICT_WORDS = frozenset({"р-н", "район", "муниципальный", "р-он", "рн", "мр"})
_CITY_WORDS = frozenset({"г", "город", "гор", "го", "городской"})
_REGION_WORDS = frozenset(
    {"республика", "респ", "область", "обл", "край", "автономный", "ао", "аобл"}
)
_SETTLEMENT_WORDS = frozenset(
    {
        "с",
        "село",
        "д",
        "дер",
        "деревня",
        "п",
        "пос",
        "поселок",
        "пгт",
        "рп",
        "кп",
        "дп",
        "нп",
        "х",
        "хутор",
        "ст-ца",
        "станица",
        "аул",
        "сл",
        "слобода",
        "рзд",
        "разъезд",
        "ст",
        "станция",
    }
)


def external_place(region_code: object = None, region_name: object = None) -> str:
    """Return the node id of a place outside the workspace region.

    Parameters
    ----------
    region_code
        FNS region code (``КодРегион``, two digits), if known.
    region_name
        Region name, used when there is no code (Moscow, Saint Petersburg and
        Sevastopol get their codes).

    Returns
    -------
    str
        ``"ext:77"``, ``"ext:пермский"`` or ``"ext:unknown"``.
    """
    code = "" if is_missing(region_code) else str(region_code).strip()
    if code:
        return f"ext:{code.zfill(2)}"
    name = normalise_region(region_name)
    if name in FEDERAL_CITY_CODES:
        return f"ext:{FEDERAL_CITY_CODES[name]}"
    return f"ext:{name}" if name else "ext:unknown"


class Location(NamedTuple):
    """A firm's location as the source gives it (names with their types).

    Attributes
    ----------
    region_code
        FNS region code (``КодРегион``), or ``None``.
    region
        Region name.
    district, city, settlement
        Names of the district, the city and the settlement, as given (types included
        or not); ``None`` where absent.
    city_type, settlement_type
        Types of the city and the settlement (``"ГОРОД"``, ``"РАБОЧИЙ ПОСЕЛОК"``,
        ``"с."``…), used to tell apart places of the same name.
    """

    region_code: str | None = None
    region: str | None = None
    district: str | None = None
    city: str | None = None
    settlement: str | None = None
    city_type: str | None = None
    settlement_type: str | None = None


class Resolution(NamedTuple):
    """Where a location was found.

    Attributes
    ----------
    status
        ``"ok"`` (found at the most precise level given), ``"partial"`` (found at a
        coarser level; see ``reason``) or ``"unresolved"``.
    place
        Node id: the settlement's id (its 11-digit OKTMO, unless the workspace gives it
        another ``settlement_id``), or the municipality OKTMO (8 digits) when only the
        municipality is known; ``None`` when unresolved.
    settlement_oktmo
        11-digit OKTMO of the settlement, if found and known.
    municipality_oktmo
        8-digit OKTMO of the upper-level municipality (municipal district or urban okrug).
    reason
        Why the location is partial or unresolved.
    """

    status: Literal["ok", "partial", "unresolved"]
    place: str | None
    settlement_oktmo: str | None
    municipality_oktmo: str | None
    reason: str | None


_UNRESOLVED_EMPTY = Resolution("unresolved", None, None, None, "no location given")


def _parse_parts(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw in re.split(r"[,;]", text):
        tokens = name_tokens(raw)
        if not tokens or all(t.isdigit() for t in tokens):
            continue
        first, last = tokens[0], tokens[-1]
        name = " ".join(strip_type_words(list(tokens)))
        kind = first if first in TYPE_CODES or first in _REGION_WORDS else last
        if first == "д" and len(tokens) > 1 and tokens[1][0].isdigit():
            continue  # «д. 5» is a house number
        if first in _STREET_TYPES and first not in _SETTLEMENT_WORDS:
            continue
        if last in _STREET_TYPES and last not in _SETTLEMENT_WORDS and len(tokens) > 1:
            continue
        if (
            first in _REGION_WORDS
            or last in _REGION_WORDS
            or {"автономный", "округ"} <= set(tokens)
        ):
            found.setdefault("region", name)
        elif first in _DISTRICT_WORDS or last in _DISTRICT_WORDS:
            found.setdefault("district", name)
        elif first in _CITY_WORDS or last in _CITY_WORDS:
            found.setdefault("city", name)
            found.setdefault("city_type", "г")
            if name in FEDERAL_CITY_CODES:  # Moscow, Saint Petersburg, Sevastopol are regions
                found.setdefault("region", name)
        elif first in _SETTLEMENT_WORDS or last in _SETTLEMENT_WORDS:
            if "settlement" not in found:
                found["settlement"] = name
                found["settlement_type"] = TYPE_CODES.get(kind, kind)
        elif tokens[0][0].isdigit():
            continue
        elif not found:
            found["region"] = name
    return found


def parse_address(text: object) -> Location:
    """Split a postal address into region, district, city and settlement.

    Parts are separated by commas; each part is classified by its type word (``Респ``,
    ``обл``, ``р-н``, ``г``, ``с``, ``пгт``, ``д``...). The postcode, the street, the
    house and the office are ignored. ``д`` followed by a name is a village
    (``д. Ивановка``); followed by a number it is a house (``д. 5``). A first part
    without a type word is taken as the region (``Башкортостан, ...``).

    Parameters
    ----------
    text
        Address as exported, such as ``"452000, Республика Башкортостан, р-н
        Белебеевский, г. Белебей, ул. Ленина, д. 1"``.

    Returns
    -------
    Location
        The parts found (``None`` where absent); no region code.
    """
    if is_missing(text):
        return Location()
    f = _parse_parts(str(text))
    return Location(
        None,
        f.get("region"),
        f.get("district"),
        f.get("city"),
        f.get("settlement"),
        f.get("city_type"),
        f.get("settlement_type"),
    )


def _type_code(text: object) -> str | None:
    code = settlement_type(text)
    if code is None and not is_missing(text) and str(text).strip():
        return str(text).strip().lower().rstrip(".")
    return code


@dataclass(frozen=True)
class _Settlement:
    sid: str
    oktmo: str | None
    name: str
    type: str
    upper: str
    town: bool


def _upper_of(code: str, parents: dict[str, str]) -> str:
    if code in parents:
        return parents[code]
    return code[:5] + "000" if len(code) >= 8 else code


class LocationIndex:
    """Look-up of places of a workspace by normalised names.

    Parameters
    ----------
    settlements
        Settlement table: ``settlement_id`` (the place id; the OKTMO when absent),
        ``oktmo`` (11 digits, may be missing or shared by several settlements),
        ``name``, ``type``, ``municipality_oktmo``, ``region``.
    municipalities
        Municipality table: ``oktmo`` (8 digits), ``name``, ``type``, ``level``
        (``upper`` / ``lower``), ``parent_oktmo``, ``region``.

    Attributes
    ----------
    regions
        Normalised names of the workspace's regions.
    """

    def __init__(self, settlements: pd.DataFrame, municipalities: pd.DataFrame) -> None:
        m = municipalities
        level = m["level"].astype("string") if "level" in m else pd.Series("upper", index=m.index)
        lower = (level == "lower").fillna(False).to_numpy(dtype=bool)
        codes = m["oktmo"].astype("string")
        self._parents: dict[str, str] = {
            str(c): str(p)
            for c, p in zip(
                codes[lower], m.loc[lower, "parent_oktmo"].astype("string"), strict=True
            )
            if pd.notna(c) and pd.notna(p)
        }
        self._upper: dict[str, tuple[str, str]] = {}
        self._upper_by_name: dict[str, list[str]] = defaultdict(list)
        for code, name, kind in zip(
            codes[~lower], m.loc[~lower, "name"], m.loc[~lower, "type"], strict=True
        ):
            if is_missing(code):
                continue
            self._upper[str(code)] = (str(name), str(kind))
            self._upper_by_name[normalise_name(name)].append(str(code))
        self._lower_names: dict[str, str] = {
            str(c): str(n)
            for c, n in zip(codes[lower], m.loc[lower, "name"], strict=True)
            if pd.notna(c)
        }
        self._settlements: list[_Settlement] = []
        self._by_scope: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._by_name: dict[str, list[int]] = defaultdict(list)
        self._by_oktmo: dict[str, int] = {}
        self._by_sid: dict[str, int] = {}
        s = settlements
        okt = s["oktmo"].astype("string")
        sid = s["settlement_id"].astype("string") if "settlement_id" in s else okt
        sid = sid.fillna(okt)
        mun = s["municipality_oktmo"].astype("string")
        for place, code, name, kind, mcode in zip(
            sid, okt, s["name"], s["type"].astype("string"), mun, strict=True
        ):
            if is_missing(mcode) or is_missing(place):
                continue
            upper = _upper_of(str(mcode), self._parents)
            st = _Settlement(
                str(place),
                None if is_missing(code) else str(code),
                str(name),
                "" if is_missing(kind) else str(kind),
                upper,
                (not is_missing(kind)) and str(kind) in TOWN_TYPES,
            )
            self._settlements.append(st)
            key = normalise_name(name)
            self._by_scope[(upper, key)].append(len(self._settlements) - 1)
            self._by_name[key].append(len(self._settlements) - 1)
            k = len(self._settlements) - 1
            self._by_sid.setdefault(st.sid, k)
            # an OKTMO shared by several settlements points at the one that bears it as id
            if st.oktmo is not None and (st.oktmo not in self._by_oktmo or st.sid == st.oktmo):
                self._by_oktmo[st.oktmo] = k
        regions = pd.concat([s.get("region", pd.Series(dtype="string")), m.get("region")])
        self.regions: frozenset[str] = frozenset(
            normalise_region(r) for r in regions.dropna().unique() if normalise_region(r)
        )
        self._region_codes: set[str] = set()
        self._region_memo: dict[tuple[str | None, str | None], bool] = {}
        self._cache: dict[tuple[str, str, str, str | None, str | None], Resolution] = {}

    # -- region -----------------------------------------------------------------------

    def in_region(self, region_code: object = None, region_name: object = None) -> bool:
        """Tell whether a location lies in the workspace's region.

        A region code seen once together with a matching name is remembered, so later
        locations with that code match even when the name is spelled differently
        (``РЕСП.`` / ``Республика``).

        Parameters
        ----------
        region_code
            FNS region code (``КодРегион``).
        region_name
            Region name, with or without its type.

        Returns
        -------
        bool
            True when the name (or a remembered code) is the workspace's region.
        """
        code = None if is_missing(region_code) else str(region_code)
        if code is not None and code in self._region_codes:
            return True
        name = None if is_missing(region_name) else str(region_name)
        known = self._region_memo.get((code, name))
        if known is None:
            known = normalise_region(name) in self.regions
            if len(self._region_memo) < 10_000:
                self._region_memo[(code, name)] = known
        if known and code is not None:
            self._region_codes.add(code)
        return known

    # -- places -----------------------------------------------------------------------

    def upper_municipality(self, code: str) -> str | None:
        """Return the upper-level municipality (8 digits) of an OKTMO code, or ``None``.

        Parameters
        ----------
        code
            An 8-digit municipality or 11-digit settlement OKTMO.

        Returns
        -------
        str or None
            The municipal district or urban okrug containing it, if it is in the index.
        """
        i = self._by_sid.get(code, self._by_oktmo.get(code))
        if i is not None:
            return self._settlements[i].upper
        if code in self._upper:
            return code
        if code in self._parents:
            return self._parents[code]
        return None

    def resolve_oktmo(self, code: object) -> Resolution:
        """Resolve an OKTMO code given by a source (8 or 11 digits).

        Parameters
        ----------
        code
            The code as text (a lost leading zero is not repaired here).

        Returns
        -------
        Resolution
            ``ok`` for a settlement or municipality of the workspace, else ``unresolved``.
        """
        if is_missing(code) or not str(code).strip():
            return _UNRESOLVED_EMPTY
        c = str(code).strip()
        if len(c) == 11 and c in self._by_oktmo:
            st = self._settlements[self._by_oktmo[c]]
            return Resolution("ok", st.sid, c, st.upper, None)
        upper = self.upper_municipality(c[:8]) if len(c) in (8, 11) else None
        if upper is not None and len(c) == 11:
            why = f"settlement OKTMO {c} not in the workspace; located at municipality level"
            return Resolution("partial", upper, None, upper, why)
        if upper is not None:
            return Resolution("ok", upper, None, upper, None)
        return Resolution(
            "unresolved", None, None, None, f"OKTMO {c} is not a place of the workspace"
        )

    def _district(self, name: str) -> tuple[str | None, str | None]:
        key = normalise_name(name)
        hits = self._upper_by_name.get(key, [])
        if len(hits) == 1:
            return hits[0], None
        if len(hits) > 1:
            # a district and an okrug of the same stem: «Стерлитамакский» vs «Стерлитамак»
            return None, f"district {name!r} matches several municipalities"
        return None, f"district {name!r} not found among the workspace municipalities"

    def _pick(self, idx: list[int], prefer_town: bool, kind: str | None) -> int | None:
        if len(idx) == 1:
            return idx[0]
        cands = idx
        if kind is not None:
            typed = [i for i in cands if self._settlements[i].type == kind]
            cands = typed or cands
        if prefer_town and len(cands) > 1:
            towns = [i for i in cands if self._settlements[i].town]
            cands = towns or cands
        return cands[0] if len(cands) == 1 else None

    def _settlement(
        self, name: str, scope: str | None, prefer_town: bool, kind: str | None = None
    ) -> tuple[int | None, str | None]:
        key = normalise_name(name)
        if scope is not None:
            idx = self._by_scope.get((scope, key), [])
            if idx:
                pick = self._pick(idx, prefer_town, kind)
                if pick is None:
                    return None, f"{name!r} is ambiguous in municipality {scope}"
                return pick, None
        idx = self._by_name.get(key, [])
        if not idx:
            where = f"municipality {scope}" if scope else "the workspace"
            return None, f"{name!r} not found in {where}"
        pick = self._pick(idx, prefer_town, kind)
        if pick is None:
            return None, f"{name!r} is ambiguous in the workspace ({len(idx)} places)"
        # a district the place is not in: trust the name only for towns
        other = scope is not None and self._settlements[pick].upper != scope
        if other and not self._settlements[pick].town:
            return None, f"{name!r} not found in municipality {scope}"
        return pick, None

    def _at(self, i: int, reasons: list[str]) -> Resolution:
        st = self._settlements[i]
        why = "; ".join(reasons) or None
        return Resolution("partial" if why else "ok", st.sid, st.oktmo, st.upper, why)

    def resolve(
        self,
        district: object = None,
        city: object = None,
        settlement: object = None,
        *,
        city_type: object = None,
        settlement_type: object = None,
    ) -> Resolution:
        """Resolve a location given as district, city and settlement names.

        Parameters
        ----------
        district, city, settlement
            Names (with or without type words); missing parts are ``None``.
        city_type, settlement_type
            Type words of the city and the settlement (``"ГОРОД"``, ``"РАБОЧИЙ
            ПОСЕЛОК"``, ``"с."``…); they tell apart places of the same name.

        Returns
        -------
        Resolution
            The place found and the resolution status.
        """
        d, c, s = (normalise_name(x) for x in (district, city, settlement))
        ct, st = _type_code(city_type), _type_code(settlement_type)
        key = (d, c, s, ct, st)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._resolve(d, c, s, ct, st)
            if len(self._cache) < 200_000:
                self._cache[key] = hit
        return hit

    def _resolve(self, d: str, c: str, s: str, ct: str | None, st: str | None) -> Resolution:
        if not (d or c or s):
            return _UNRESOLVED_EMPTY
        reasons: list[str] = []
        scope: str | None = None
        city_hit: int | None = None
        if d:
            scope, why = self._district(d)
            if scope is None:
                # the FNS writes towns of regional subordination as districts («Район Тип="Г."»)
                town, _ = self._settlement(d, None, prefer_town=True)
                if town is not None and self._settlements[town].town:
                    scope = self._settlements[town].upper
                    city_hit = None if c else town
                elif why:
                    reasons.append(why)
        city_okrug: str | None = None
        if c:
            city_hit, why = self._settlement(c, scope, prefer_town=True, kind=ct)
            if city_hit is None:
                okrugs = [
                    o
                    for o in self._upper_by_name.get(c, [])
                    if self._upper[o][1] != "municipal_district"
                ]
                if len(okrugs) == 1:
                    city_okrug = okrugs[0]
                elif why:
                    reasons.append(f"city {why}")
        if s:
            if city_hit is not None:
                s_scope: str | None = self._settlements[city_hit].upper
            else:
                s_scope = city_okrug or scope
            s_hit, why = self._settlement(s, s_scope, prefer_town=False, kind=st)
            if s_hit is not None:
                return self._at(s_hit, reasons)
            reasons.append(f"settlement {why}")
        if city_hit is not None:
            return self._at(city_hit, reasons)
        upper = city_okrug or scope
        if upper is not None:
            if reasons:
                why2 = "; ".join(reasons) + "; located at municipality level"
                return Resolution("partial", upper, None, upper, why2)
            return Resolution("ok", upper, None, upper, None)
        return Resolution("unresolved", None, None, None, "; ".join(reasons) or "not found")

    def resolve_location(self, loc: Location) -> Resolution:
        """Resolve a :class:`Location` (the region is not checked here).

        Parameters
        ----------
        loc
            Parsed location.

        Returns
        -------
        Resolution
            As :meth:`resolve`.
        """
        return self.resolve(
            loc.district,
            loc.city,
            loc.settlement,
            city_type=loc.city_type,
            settlement_type=loc.settlement_type,
        )

    def resolve_address(self, address: object) -> tuple[Resolution, Location]:
        """Parse an address with :func:`parse_address` and resolve it.

        An address naming another region is ``unresolved`` with that reason; an address
        without a region is assumed to be in the workspace's region.

        Parameters
        ----------
        address
            Postal address.

        Returns
        -------
        tuple of Resolution and Location
            The resolution and the parsed parts.
        """
        loc = parse_address(address)
        if loc.region is not None and not self.in_region(None, loc.region):
            why = f"address in another region ({loc.region})"
            return Resolution("unresolved", None, None, None, why), loc
        return self.resolve_location(loc), loc

    def places(self) -> pd.DataFrame:
        """Return the places of the index: settlements and upper-level municipalities.

        Returns
        -------
        pandas.DataFrame
            ``place, oktmo, name, kind, type, municipality_oktmo, is_town``; ``kind`` is
            ``settlement`` or ``municipality``.
        """
        rows = [
            (st.sid, st.oktmo, st.name, "settlement", st.type, st.upper, st.town)
            for st in self._settlements
        ]
        rows += [
            (code, code, name, "municipality", kind, code, kind == "urban_okrug")
            for code, (name, kind) in self._upper.items()
        ]
        cols = ["place", "oktmo", "name", "kind", "type", "municipality_oktmo", "is_town"]
        return pd.DataFrame(rows, columns=cols).drop_duplicates("place").reset_index(drop=True)

    def municipality_name(self, code: str) -> str | None:
        """Return the name of an upper- or lower-level municipality, if known.

        Parameters
        ----------
        code
            8-digit OKTMO.

        Returns
        -------
        str or None
            Its name.
        """
        if code in self._upper:
            return self._upper[code][0]
        return self._lower_names.get(code)
