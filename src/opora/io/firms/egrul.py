"""EGRUL-style tables of owners, branches and supply ties (CSV).

UTF-8 or Windows-1251, ``,`` ``;`` or tab separated; columns are found through the
header mapping (:mod:`opora.io.firms.mapping`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from opora.errors import EmptyFileError, MissingColumnError
from opora.io._checks import check_exists, parse_csv
from opora.io.firms._tables import (
    _TEXT,
    _branch_frame,
    _Columns,
    _date_iso,
    _decode_any,
    _header,
    _inn_column,
    _locate,
    _mapped_frame,
    _money_factor,
    _numbers,
    _sniff_sep,
    _val,
)
from opora.io.firms.mapping import FirmMapping, _match_headers, load_firm_mapping
from opora.model.firms import BRANCH_COLUMNS, OWNERSHIP_COLUMNS
from opora.model.places import LocationIndex
from opora.model.result import ImportResult, RejectLog

__all__ = ["read_branches_csv", "read_ownership_csv", "read_supply_csv"]


def _read_mapped_csv(
    path: str | Path,
    table: str,
    mapping: FirmMapping | None,
    required: list[list[str]],
    encoding: str,
) -> tuple[pd.DataFrame, RejectLog, str]:
    """Read a CSV whose headers map to ``mapping.tables[table]``.

    ``mapping`` defaults to the built-in one. ``required`` lists groups of fields; each
    group needs at least one field present. Returns the table with model field names and
    ``_row``, an empty reject log of the file and the encoding used.
    """
    spec = (mapping or load_firm_mapping()).tables[table]
    p = check_exists(path)
    text, used = _decode_any(p, p.read_bytes(), encoding)
    if not text.strip():
        msg = "the file holds only whitespace; export it again"
        raise EmptyFileError(p, msg)
    sep = _sniff_sep(text)
    raw = parse_csv(
        p, io.StringIO(text), sep=sep, dtype="string", keep_default_na=False, skip_blank_lines=True
    )
    found = _match_headers([str(c) for c in raw.columns], spec)
    for group in required:
        if not any(f in found for f in group):
            names = "; ".join(
                f"{f}: " + ", ".join(repr(h) for h in spec[f].headers[:4]) for f in group
            )
            shown = ", ".join(str(c) for c in raw.columns[:12])
            msg = (
                f"no column for {' or '.join(group)} (expected one of {names}); the file "
                f"has: {shown}. Rename the column or add its header to `[{table}.{group[0]}]` "
                "of the mapping file (`--mapping`)."
            )
            raise MissingColumnError(p, msg, column=group[0])
    if raw.empty:
        msg = "the file has a header but no data rows"
        raise EmptyFileError(p, msg)
    out = _mapped_frame(
        pd.DataFrame({f: raw.iloc[:, i] for f, i in found.items()}, index=raw.index),
        spec,
        {f: str(raw.columns[i]) for f, i in found.items()},
        first_row=2,
    )
    return out, RejectLog(p), used


def _result(
    kind: str, table: pd.DataFrame, log: RejectLog, frame: pd.DataFrame, used: str
) -> ImportResult:
    """Wrap a table read by :func:`_read_mapped_csv` (``frame``, in ``used`` encoding)."""
    extra = {"encoding_cp1251": int(used == "cp1251")}
    return ImportResult(kind, table, log.to_frame(), len(frame), extra)


def read_ownership_csv(
    path: str | Path, *, mapping: FirmMapping | None = None, encoding: str = "auto"
) -> ImportResult:
    """Read an EGRUL-style ownership table: one row per owner of a firm.

    Columns are found through ``[ownership]`` of the mapping: the firm's INN
    (``child_inn``: ``ИНН``, ``ИНН ЮЛ``…), the owner's INN (``parent_inn``: ``ИНН
    учредителя``…) or name (``parent_name``: ``Учредитель``…), the share (``Доля, %``…)
    and the date of the record. Shares are fractions; a column with any value above 1
    is read as percent.

    Parameters
    ----------
    path
        CSV file (``,`` ``;`` or tab separated).
    mapping
        Header mapping (default: the built-in one).
    encoding
        ``"auto"`` (UTF-8, else Windows-1251), ``"utf-8"`` (strict) or a codec name.

    Returns
    -------
    ImportResult
        :data:`OWNERSHIP_COLUMNS`. Rejected: a missing or malformed firm INN, no owner,
        a firm owning itself, a repeated pair (the latest is kept). Flagged: shares
        outside 0-100 % (set missing), dates that cannot be read, owners whose shares
        add up to more than 100 %. ``extra['encoding_cp1251']`` is 1 for a
        Windows-1251 file.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    frame, log, used = _read_mapped_csv(
        path, "ownership", mapping, [["child_inn"], ["parent_inn", "parent_name"]], encoding
    )
    child, bad_child = _inn_column(
        frame, "child_inn", _header(frame, "child_inn"), log, required=True
    )
    parent, bad_parent = _inn_column(
        frame, "parent_inn", _header(frame, "parent_inn"), log, required=False
    )
    name = frame["parent_name"].astype(_TEXT).str.strip()
    no_owner = (parent.isna() & name.isna()).to_numpy(bool) & ~bad_parent
    log.add_many(
        frame.loc[no_owner, "_row"],
        _header(frame, "parent_inn"),
        frame.loc[no_owner, "parent_inn"],
        "no owner: neither the owner's INN nor a name",
        "rejected",
    )
    itself = (child == parent).fillna(False).to_numpy(bool)
    log.add_many(
        frame.loc[itself, "_row"],
        _header(frame, "parent_inn"),
        parent[itself],
        "the firm is given as its own owner",
        "rejected",
    )
    share = _numbers(frame, "share", _header(frame, "share"), log)
    if (share > 1).any():
        share = share / 100.0
    out_of_range = ((share < 0) | (share > 1)).fillna(False).to_numpy(bool)
    log.add_many(
        frame.loc[out_of_range, "_row"],
        _header(frame, "share"),
        frame.loc[out_of_range, "share"],
        "share outside 0-100 %; kept as missing",
        "flagged",
    )
    share = share.mask(out_of_range)
    dates = frame["date"].map(_date_iso).astype(_TEXT)
    bad_date = (dates.isna() & frame["date"].notna()).to_numpy(bool)
    log.add_many(
        frame.loc[bad_date, "_row"],
        _header(frame, "date"),
        frame.loc[bad_date, "date"],
        "date not DD.MM.YYYY or YYYY-MM-DD; kept as missing",
        "flagged",
    )
    keep = ~(bad_child | bad_parent | no_owner | itself)
    table = pd.DataFrame(
        {
            "child_inn": child,
            "parent_inn": parent,
            "parent_name": name,
            "share": share,
            "date": dates,
            "source": "ownership_csv",
            "source_row": frame["_row"].astype("Int64"),
            "modelled": False,
        }
    )[keep]
    owner_key = table["parent_inn"].fillna("name:" + table["parent_name"].fillna(""))
    order = table.assign(_owner=owner_key).sort_values(
        ["date", "source_row"], ascending=[False, True], na_position="last"
    )
    dup = order.duplicated(["child_inn", "_owner"], keep="first")
    log.add_many(
        order.loc[dup, "source_row"],
        _header(frame, "child_inn"),
        order.loc[dup, "child_inn"],
        "owner repeated for this firm; the latest record is kept",
        "rejected",
    )
    table = table.loc[~dup.reindex(table.index).to_numpy(bool)]
    total = table.groupby("child_inn")["share"].sum(min_count=1)
    over = total[total > 1.0 + 1e-6]
    for inn, value in over.items():
        rows = table.loc[table["child_inn"] == inn, "source_row"]
        log.add(
            int(rows.iloc[0]),
            _header(frame, "share"),
            f"{value:.0%}",
            f"shares of the owners of {inn} add up to more than 100 %",
            "flagged",
        )
    table = table.reset_index(drop=True)[OWNERSHIP_COLUMNS]
    return _result("ownership", table, log, frame, used)


_KPP = re.compile(r"\d{4}[\dA-Z]{2}\d{3}")


def read_branches_csv(
    path: str | Path,
    index: LocationIndex | None = None,
    *,
    mapping: FirmMapping | None = None,
    encoding: str = "auto",
) -> ImportResult:
    """Read an EGRUL-style branch table: one row per branch or separate subdivision.

    Columns (through ``[branches]`` of the mapping): the firm's INN, the branch's KPP,
    its OKTMO and/or address, optionally a name and employees. The OKTMO resolves
    first, the address when the OKTMO is missing or not a place of the workspace.

    Parameters
    ----------
    path
        CSV file.
    index
        Places of the workspace (without it, OKTMO codes are kept as given).
    mapping
        Header mapping (default: the built-in one).
    encoding
        ``"auto"``, ``"utf-8"`` or a codec name.

    Returns
    -------
    ImportResult
        :data:`BRANCH_COLUMNS`. Rejected: a malformed INN, a location that does not
        resolve (with the reason). Flagged: a malformed KPP, a location found only at
        municipality level.

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    frame, log, used = _read_mapped_csv(
        path, "branches", mapping, [["inn"], ["oktmo", "address"]], encoding
    )
    inn, bad = _inn_column(frame, "inn", _header(frame, "inn"), log, required=True)
    kpp = frame["kpp"].astype(_TEXT).str.strip().str.upper()
    bad_kpp = (kpp.notna() & ~kpp.str.fullmatch(_KPP.pattern).fillna(False)).to_numpy(bool)
    log.add_many(
        frame.loc[bad_kpp, "_row"],
        _header(frame, "kpp"),
        kpp[bad_kpp],
        "KPP is not 9 characters (4 digits, 2 digits or letters, 3 digits)",
        "flagged",
    )
    employees = _numbers(frame, "employees", _header(frame, "employees"), log)
    heads = (_header(frame, "oktmo"), _header(frame, "address"))
    cols = _Columns(BRANCH_COLUMNS)
    for k, r in enumerate(frame.to_dict("records")):
        if bad[k]:
            continue
        row = int(r["_row"])
        res = _locate(index, r["oktmo"], r["address"], row, log, heads)
        if res is None:
            continue
        cols.add(
            inn=inn.iloc[k],
            kpp=kpp.iloc[k],
            name=_val(r["name"]),
            address=_val(r["address"]),
            place=res.place,
            settlement_oktmo=res.settlement_oktmo,
            municipality_oktmo=res.municipality_oktmo,
            employees=employees.iloc[k],
            source="branches_csv",
            source_row=row,
            modelled=False,
        )
    return _result("branches", _branch_frame(cols.frame()), log, frame, used)


def read_supply_csv(
    path: str | Path, *, mapping: FirmMapping | None = None, encoding: str = "auto"
) -> ImportResult:
    """Read supply ties: one row per supplier and customer (``[supply]`` of the mapping).

    Parameters
    ----------
    path
        CSV file with the supplier's and the customer's INN and, optionally, a value.
    mapping
        Header mapping (default: the built-in one).
    encoding
        ``"auto"``, ``"utf-8"`` or a codec name.

    Returns
    -------
    ImportResult
        :data:`SUPPLY_COLUMNS` (value in thousand roubles).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError, MissingColumnError, FormatError
        When the file cannot be used.
    """
    m = mapping or load_firm_mapping()
    frame, log, used = _read_mapped_csv(
        path, "supply", m, [["supplier_inn"], ["customer_inn"]], encoding
    )
    sup, bad_s = _inn_column(
        frame, "supplier_inn", _header(frame, "supplier_inn"), log, required=True
    )
    cus, bad_c = _inn_column(
        frame, "customer_inn", _header(frame, "customer_inn"), log, required=True
    )
    factor = _money_factor(frame, "value", m.tables["supply"]["value"])
    value = _numbers(frame, "value", _header(frame, "value"), log, factor)
    keep = ~(bad_s | bad_c)
    table = pd.DataFrame(
        {
            "supplier_inn": sup,
            "customer_inn": cus,
            "value": value,
            "source": "supply_csv",
            "source_row": frame["_row"].astype("Int64"),
            "modelled": False,
        }
    )[keep].reset_index(drop=True)
    table["source"] = table["source"].astype(_TEXT)
    return _result("supply", table, log, frame, used)
