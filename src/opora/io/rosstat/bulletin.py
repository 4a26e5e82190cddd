"""Reader of the Rosstat bulletin "population by municipality on 1 January 2024"."""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from opora.errors import UnknownRegionError
from opora.io._checks import read_text_csv
from opora.io._oktmo import strip_oktmo
from opora.io.rosstat._common import _fixed_code, _numbers, _optional_code, _squeeze, _text
from opora.model.result import ImportResult, RejectLog

__all__ = ["BULLETIN_COLUMNS", "read_population_bulletin"]

#: Columns of the table returned by :func:`read_population_bulletin`.
BULLETIN_COLUMNS = [
    "oktmo8",
    "oktmo11",
    "level",
    "region",
    "name",
    "pop_total",
    "pop_urban",
    "pop_rural",
    "upper_oktmo8",
]

_LEVELS = ("region", "mo_upper", "mo_lower", "settlement")


def _as_found(values: pd.Series) -> pd.Series:
    """Values as found in the file, with blanks as ``None`` (not ``'nan'``)."""
    return values.astype(object).where(values.notna(), None)


def read_population_bulletin(path: str | Path, region: str | None = None) -> ImportResult:
    """Read the Rosstat bulletin "population by municipality on 1 January 2024".

    The file has one row per region, municipality (upper and lower level) and urban
    settlement, with its total, urban and rural population and its parent municipality.

    Repairs and checks (each one is written to the reject report):

    * codes that lost a leading zero are padded (``terson`` 10/15, ``oktmo8`` 8,
      ``oktmo11`` 11 digits);
    * the file's ``oktmo11`` column is not the settlement's OKTMO: it is built as
      ``terson[:8] + terson[10:13]`` (so ``г Майкоп`` gets ``79701000110`` instead of
      ``79701000001``, and 146 settlements share a code with another one). The OKTMO
      is the first 11 digits of the 15-digit ``terson``; it replaces the column value,
      and each replacement is reported as ``repaired``;
    * rows whose ``oktmo8`` is a region code (``NN000000``) but whose level is not
      ``region`` (region totals of six northern regions are labelled ``mo_lower``) get
      level ``region`` (``repaired``);
    * ``mo_lower`` rows that are their own parent (``upper_oktmo8 == oktmo8``) with an
      upper-level code ``NNNNN000`` - 308 districts and okrugs of northern regions -
      get level ``mo_upper``, as every other top-level municipality (``repaired``);
    * a missing urban or rural population is set to total minus the other part
      (``repaired``); a total that differs from urban + rural is ``flagged``;
    * rows without a region name, repeated codes and unknown levels are ``flagged`` or
      ``rejected``.

    Parameters
    ----------
    path
        ``bul2024_population_by_mo.csv`` (UTF-8; columns ``terson, oktmo8, oktmo11,
        level, region, name, pop_total, pop_urban, pop_rural, upper_oktmo8``).
    region
        If given, keep only the rows whose ``region`` column equals it exactly
        (``"Республика Адыгея"``).

    Returns
    -------
    ImportResult
        Table with :data:`BULLETIN_COLUMNS`: ``oktmo8`` (8-digit text for levels
        ``region``, ``mo_upper``, ``mo_lower``; missing for settlements), ``oktmo11``
        (11-digit text for level ``settlement``; missing otherwise), ``level``,
        ``region``, ``name``, ``pop_total``, ``pop_urban``, ``pop_rural`` (float,
        people) and ``upper_oktmo8`` (8-digit text). ``extra`` counts the repairs.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    UnknownRegionError
        When ``region`` matches no row.
    """
    text_cols = ["terson", "oktmo8", "oktmo11", "level", "region", "name", "upper_oktmo8"]
    raw = read_text_csv(path, ["terson", *BULLETIN_COLUMNS], text_columns=text_cols)
    if region is not None:
        regions = _text(raw["region"])
        keep = (regions == region).fillna(False).astype(bool)
        if not keep.any():
            known = sorted(set(regions.dropna()))
            near = difflib.get_close_matches(region, known, n=3)
            hint = f" Did you mean: {', '.join(near)}?" if near else ""
            msg = f"region {region!r} is not in {Path(path).name}.{hint}"
            raise UnknownRegionError(msg)
        raw = raw[keep.to_numpy()].reset_index(drop=True)
    log = RejectLog(path)
    level = _text(raw["level"])
    is_settlement = (level == "settlement").fillna(False).astype(bool)

    terson = strip_oktmo(raw["terson"])
    terson_short = terson.str.fullmatch(r"\d{9}|\d{14}").fillna(False).astype(bool)
    log.add_many(
        raw.loc[terson_short, "_row"],
        "terson",
        raw.loc[terson_short, "terson"],
        "terson lost its leading zero; padded",
        "repaired",
    )
    terson = terson.where(~terson_short, "0" + terson)
    terson_ok = terson.str.fullmatch(r"\d{10}|\d{15}").fillna(False).astype(bool)

    oktmo8, bad8, _ = _fixed_code(raw, "oktmo8", 8, log)
    from_terson8 = oktmo8.isna() & ~is_settlement & terson_ok
    log.add_many(
        raw.loc[from_terson8, "_row"],
        "oktmo8",
        raw.loc[from_terson8, "oktmo8"],
        "oktmo8 missing; taken from the first 8 digits of terson",
        "repaired",
    )
    oktmo8 = oktmo8.where(~from_terson8, terson.str.slice(0, 8))
    differs8 = ~is_settlement & ~bad8 & terson_ok & (oktmo8 != terson.str.slice(0, 8))
    differs8 = differs8.fillna(False).astype(bool)
    log.add_many(
        raw.loc[differs8, "_row"],
        "oktmo8",
        oktmo8[differs8],
        "oktmo8 differs from the first 8 digits of terson; kept",
        "flagged",
    )

    oktmo11_file, bad11, _ = _fixed_code(raw, "oktmo11", 11, log)
    derived11 = terson.str.slice(0, 11).where(terson.str.len() == 15)
    replace11 = is_settlement & derived11.notna() & (oktmo11_file != derived11).fillna(True)
    replace11 = replace11.astype(bool)
    log.add_many(
        raw.loc[replace11, "_row"],
        "oktmo11",
        raw.loc[replace11, "oktmo11"],
        "oktmo11 is terson[:8]+terson[10:13], not the OKTMO; replaced by terson[:11]",
        "repaired",
    )
    oktmo11 = oktmo11_file.where(~replace11, derived11)

    # Rows that cannot be keyed, or whose level is unknown, are rejected.
    unknown_level = ~level.isin(_LEVELS).fillna(False).astype(bool)
    log.add_many(
        raw.loc[unknown_level, "_row"],
        "level",
        raw.loc[unknown_level, "level"],
        f"level is not one of {', '.join(_LEVELS)}",
        "rejected",
    )
    no_key8 = ~is_settlement & ~unknown_level & (oktmo8.isna() | bad8)
    log.add_many(
        raw.loc[no_key8, "_row"],
        "oktmo8",
        raw.loc[no_key8, "oktmo8"],
        "no 8-digit OKTMO in oktmo8 or terson",
        "rejected",
    )
    bad_settlement = oktmo11.isna() | (bad11 & ~replace11)
    no_key11 = is_settlement & bad_settlement.fillna(True).astype(bool)
    log.add_many(
        raw.loc[no_key11, "_row"],
        "oktmo11",
        raw.loc[no_key11, "oktmo11"],
        "no 11-digit OKTMO in oktmo11 or terson",
        "rejected",
    )
    rejected = (unknown_level | no_key8 | no_key11).to_numpy()

    region_code = (oktmo8.str.fullmatch(r"\d\d000000").fillna(False) & ~is_settlement).astype(bool)
    relevel = region_code & (level != "region").fillna(False).astype(bool) & ~unknown_level
    log.add_many(
        raw.loc[relevel, "_row"],
        "level",
        raw.loc[relevel, "level"],
        "oktmo8 is a region code (NN000000); level set to 'region'",
        "repaired",
    )
    level = level.where(~relevel, "region")

    upper = _optional_code(raw, "upper_oktmo8", 8, log, "not an 8-digit OKTMO; set to missing")
    # Top-level municipalities are their own parent and have codes ending in 000; in the
    # northern regions 308 of them are labelled mo_lower.
    top = (
        (
            (level == "mo_lower")
            & (upper == oktmo8)
            & oktmo8.str.fullmatch(r"\d{5}000")
            & ~region_code
        )
        .fillna(False)
        .astype(bool)
    )
    log.add_many(
        raw.loc[top, "_row"],
        "level",
        raw.loc[top, "level"],
        "a top-level municipality (its own parent, code NNNNN000) labelled mo_lower; "
        "level set to 'mo_upper'",
        "repaired",
    )
    level = level.where(~top, "mo_upper")

    pops = {c: _numbers(raw, c, log) for c in ("pop_total", "pop_urban", "pop_rural")}
    total, urban, rural = pops["pop_total"], pops["pop_urban"], pops["pop_rural"]
    fill_urban = urban.isna() & total.notna() & rural.notna()
    fill_rural = rural.isna() & total.notna() & urban.notna()
    log.add_many(
        raw.loc[fill_urban, "_row"],
        "pop_urban",
        _as_found(raw.loc[fill_urban, "pop_urban"]),
        "missing; set to pop_total - pop_rural",
        "repaired",
    )
    log.add_many(
        raw.loc[fill_rural, "_row"],
        "pop_rural",
        _as_found(raw.loc[fill_rural, "pop_rural"]),
        "missing; set to pop_total - pop_urban",
        "repaired",
    )
    urban = urban.where(~fill_urban, total - rural)
    rural = rural.where(~fill_rural, total - urban)
    mismatch = ((total - urban - rural).abs() > 0.5).fillna(False).astype(bool)
    log.add_many(
        raw.loc[mismatch, "_row"],
        "pop_total",
        raw.loc[mismatch, "pop_total"],
        "pop_total differs from pop_urban + pop_rural",
        "flagged",
    )
    negative = ((total < 0) | (urban < 0) | (rural < 0)).fillna(False).astype(bool)
    log.add_many(
        raw.loc[negative, "_row"],
        "pop_total",
        raw.loc[negative, "pop_total"],
        "negative",
        "flagged",
    )

    region_name = _text(raw["region"])
    no_region = region_name.isna() & ~pd.Series(rejected, index=raw.index)
    log.add_many(
        raw.loc[no_region, "_row"],
        "region",
        raw.loc[no_region, "name"],
        "region name missing (the row's codes may be wrong too)",
        "flagged",
    )
    name = _squeeze(raw["name"])
    table = pd.DataFrame(
        {
            "oktmo8": oktmo8.where(~is_settlement).astype("string"),
            "oktmo11": oktmo11.where(is_settlement).astype("string"),
            "level": level.astype("string"),
            "region": region_name.astype("string"),
            "name": name.astype("string"),
            "pop_total": total,
            "pop_urban": urban,
            "pop_rural": rural,
            "upper_oktmo8": upper.astype("string"),
            "_row": raw["_row"],
        }
    )[~rejected]
    for key in ("oktmo8", "oktmo11"):
        keyed = table[table[key].notna()]
        dup = keyed[keyed.duplicated(key, keep=False)]
        log.add_many(dup["_row"], key, dup[key], f"{key} repeated in the file", "flagged")
    extra = {
        "oktmo11_from_terson": int(replace11.sum()),
        "level_set_to_region": int(relevel.sum()),
        "level_set_to_mo_upper": int(top.sum()),
        "population_parts_filled": int(fill_urban.sum() + fill_rural.sum()),
        "names_whitespace_fixed": int((name != _text(raw["name"])).fillna(False).sum()),
        "rows_without_region": int(no_region.sum()),
    }
    return ImportResult(
        "rosstat_population_bulletin" + (f"[{region}]" if region else ""),
        table[BULLETIN_COLUMNS].reset_index(drop=True),
        log.to_frame(),
        len(raw),
        extra,
    )
