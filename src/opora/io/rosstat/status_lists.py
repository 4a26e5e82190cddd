"""Reader of the Arctic zone and Far North lists of the Rosstat population bulletin."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from opora.io._checks import read_text_csv
from opora.io.rosstat._common import _fixed_code, _optional_code, _squeeze, _text
from opora.model.result import ImportResult, RejectLog

__all__ = ["STATUS_LIST_COLUMNS", "read_status_list"]

#: Columns of the table returned by :func:`read_status_list`.
STATUS_LIST_COLUMNS = [
    "oktmo8",
    "region",
    "name",
    "level",
    "upper_oktmo8",
    "flag_star",
    "whole_region",
]


def read_status_list(path: str | Path) -> ImportResult:
    """Read a list of municipalities with a special status (Arctic zone, Far North).

    Both lists (``bul2024_arctic_zone_mo.csv``, ``bul2024_far_north_mo.csv``) come from
    the same Rosstat bulletin and share one layout. Rows marked "(вся территория
    субъекта)" stand for a whole region: they have no OKTMO, ``level`` is set to
    ``region`` and ``whole_region`` is true; each is flagged in the reject report so
    that the caller marks every municipality of that region.

    Parameters
    ----------
    path
        The list (UTF-8; columns ``region, mo_name, flag_star, oktmo8, level,
        upper_oktmo8``).

    Returns
    -------
    ImportResult
        Table with :data:`STATUS_LIST_COLUMNS`: ``oktmo8`` (8-digit text, missing for
        whole regions), ``region``, ``name`` (the bulletin's municipality name), ``level``,
        ``upper_oktmo8``, ``flag_star`` (the bulletin's ``*`` marker as in the file,
        missing when blank) and ``whole_region`` (bool).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError
        When the file cannot be used.
    """
    required = ["region", "mo_name", "flag_star", "oktmo8", "level", "upper_oktmo8"]
    text_cols = [*required, "territory_id"]
    raw = read_text_csv(path, required, text_columns=text_cols)
    log = RejectLog(path)
    name = _squeeze(raw["mo_name"])
    oktmo8, bad, _ = _fixed_code(raw, "oktmo8", 8, log)
    whole = name.str.contains("вся территория", case=False, regex=False).fillna(False)
    if "territory_id" in raw.columns:
        whole = whole | (_text(raw["territory_id"]) == "ALL_IN_REGION").fillna(False)
    whole = whole.astype(bool) & oktmo8.isna()
    log.add_many(
        raw.loc[whole, "_row"],
        "oktmo8",
        raw.loc[whole, "mo_name"],
        "the whole region has the status; no OKTMO (level set to 'region')",
        "flagged",
    )
    missing = oktmo8.isna() & ~whole
    log.add_many(
        raw.loc[bad, "_row"], "oktmo8", raw.loc[bad, "oktmo8"], "not an 8-digit OKTMO", "rejected"
    )
    log.add_many(
        raw.loc[missing, "_row"],
        "oktmo8",
        raw.loc[missing, "mo_name"],
        "no OKTMO and not a whole-region row",
        "rejected",
    )
    upper = _optional_code(raw, "upper_oktmo8", 8, log, "not an 8-digit OKTMO; set to missing")
    level = _text(raw["level"]).where(~whole, "region")
    table = pd.DataFrame(
        {
            "oktmo8": oktmo8.astype("string"),
            "region": _squeeze(raw["region"]).astype("string"),
            "name": name.astype("string"),
            "level": level.astype("string"),
            "upper_oktmo8": upper.astype("string"),
            "flag_star": _text(raw["flag_star"]).astype("string"),
            "whole_region": whole.to_numpy(),
            "_row": raw["_row"],
        }
    )[~(bad | missing).to_numpy()]
    keyed = table[table["oktmo8"].notna()]
    dup = keyed[keyed.duplicated("oktmo8", keep=False)]
    log.add_many(dup["_row"], "oktmo8", dup["oktmo8"], "oktmo8 repeated in the list", "flagged")
    extra = {
        "whole_region_rows": int(whole.sum()),
        "flag_star_rows": int(table["flag_star"].notna().sum()),
    }
    return ImportResult(
        f"rosstat_status_list[{Path(path).stem}]",
        table[STATUS_LIST_COLUMNS].reset_index(drop=True),
        log.to_frame(),
        len(raw),
        extra,
    )
