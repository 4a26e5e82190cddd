"""Pieces shared by the firm readers: cells, typed firm and branch tables, CSV text, locations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from opora.errors import EncodingError, FormatError
from opora.io._checks import _not_text_message, decode_text, sniff_bytes, sniff_content
from opora.io._oktmo import classify_oktmo, strip_oktmo
from opora.io.firms.codes import clean_inn
from opora.io.firms.mapping import FieldSpec, _unit_factor
from opora.model.firms import BRANCH_COLUMNS, FIRM_COLUMNS
from opora.model.places import LocationIndex, Resolution
from opora.model.result import RejectLog

_TEXT: Final = "string"


def _date_iso(text: object) -> str | None:
    """Return a ``DD.MM.YYYY`` or ``YYYY-MM-DD`` date as ISO text, ``None`` if not a date."""
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return None
    t = str(text).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", t)
    parts = (m.group(3), m.group(2), m.group(1)) if m else None
    if parts is None:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", t)
        parts = (m.group(1), m.group(2), m.group(3)) if m else None
    if parts is None:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2])).isoformat()
    except ValueError:
        return None


def _val(value: object) -> str | None:
    """Return a cell as stripped text, or ``None`` when it is missing or blank."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


class _Columns:
    """Column-wise accumulator of table rows (lists, turned into a DataFrame once)."""

    def __init__(self, names: list[str]) -> None:
        self.data: dict[str, list[Any]] = {n: [] for n in names}

    def add(self, **values: Any) -> None:
        for name, col in self.data.items():
            col.append(values.get(name))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.data)


def _mapped_frame(
    frame: pd.DataFrame, spec: Mapping[str, FieldSpec], headers: dict[str, str], first_row: int
) -> pd.DataFrame:
    """Finish a table of mapped fields read from a file.

    Every field of ``spec`` the file lacks is added as missing text, blank cells become
    missing, ``_row`` numbers the rows from ``first_row`` (the line of the first record)
    and ``attrs['headers']`` keeps each field's header as written (``headers``).
    """
    for f in spec:
        if f not in frame:
            frame[f] = pd.Series(pd.NA, index=frame.index, dtype=_TEXT)
    frame = frame.replace("", pd.NA)
    frame.insert(0, "_row", range(first_row, first_row + len(frame)))
    frame.attrs["headers"] = headers
    return frame


def _firm_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a firm table the model's columns and dtypes."""
    out = frame.reindex(columns=FIRM_COLUMNS)
    text = [
        c
        for c in FIRM_COLUMNS
        if c not in {"employees", "revenue", "in_region", "source_row", "modelled"}
    ]
    out[text] = out[text].astype(_TEXT)
    out["employees"] = pd.to_numeric(out["employees"], errors="coerce").astype("float64")
    out["revenue"] = pd.to_numeric(out["revenue"], errors="coerce").astype("float64")
    out["in_region"] = out["in_region"].fillna(False).astype(bool)
    out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    out["modelled"] = out["modelled"].fillna(False).astype(bool)
    return out.reset_index(drop=True)


def _drop_duplicate_inns(table: pd.DataFrame, log: RejectLog, what: str) -> pd.DataFrame:
    """Keep the latest record of each INN; reject the others."""
    if table.empty:
        return table
    order = table.sort_values(["date", "source_row"], ascending=[False, True], na_position="last")
    dup = order.duplicated("inn", keep="first")
    for _, r in order[dup].iterrows():
        log.add(
            None if pd.isna(r["source_row"]) else int(r["source_row"]),
            "inn",
            r["inn"],
            f"INN repeated in the {what}; the latest record is kept",
            "rejected",
            None if pd.isna(r.get("doc_id")) else f"ИдДок={r['doc_id']}",
        )
    return table.loc[~dup.reindex(table.index).to_numpy(bool)]


def _branch_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=BRANCH_COLUMNS)
    text = ["inn", "kpp", "name", "address", "place", "settlement_oktmo", "municipality_oktmo"]
    out[text] = out[text].astype(_TEXT)
    out["source"] = out["source"].astype(_TEXT)
    out["employees"] = pd.to_numeric(out["employees"], errors="coerce").astype("float64")
    out["source_row"] = pd.to_numeric(out["source_row"], errors="coerce").astype("Int64")
    out["modelled"] = out["modelled"].fillna(False).astype(bool)
    return out.reset_index(drop=True)


def _decode_any(path: Path, raw: bytes, encoding: str) -> tuple[str, str]:
    # a zip, a workbook or a PDF renamed .csv is said so, not decoded as cp1251 garbage
    kind = sniff_content(path) if sniff_bytes(raw[:4096]) is not None else None
    if kind is not None:
        raise FormatError(path, _not_text_message(kind))
    if encoding == "auto":
        try:
            return raw.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            try:
                return raw.decode("cp1251"), "cp1251"
            except UnicodeDecodeError:
                decode_text(path, raw)  # raises EncodingError with the position
                raise
    if encoding.replace("_", "-").lower() in {"utf-8", "utf8"}:
        return decode_text(path, raw), "utf-8"
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        msg = f"cannot be decoded as {encoding} ({exc}); give the right `encoding`"
        raise EncodingError(path, msg) from exc


def _sniff_sep(text: str) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _inn_column(
    frame: pd.DataFrame, field: str, header: str, log: RejectLog, *, required: bool
) -> tuple[pd.Series, np.ndarray]:
    """Clean an INN column; return the INNs and a mask of rows to reject."""
    inns: list[str | None] = []
    bad = np.zeros(len(frame), dtype=bool)
    for k, (row, value) in enumerate(zip(frame["_row"], frame[field], strict=True)):
        inn, status = clean_inn(value)
        if status == "repaired":
            log.add(int(row), header, value, "INN lost its leading zero", "repaired")
        elif status == "bad_checksum":
            log.add(int(row), header, value, "INN control digits do not match", "flagged")
        elif status == "invalid":
            log.add(int(row), header, value, "INN is not 10 or 12 digits", "rejected")
            bad[k] = True
        elif status == "missing" and required:
            log.add(int(row), header, value, "INN missing", "rejected")
            bad[k] = True
        inns.append(inn)
    return pd.Series(inns, index=frame.index, dtype=_TEXT), bad


def _numbers(
    frame: pd.DataFrame, field: str, header: str, log: RejectLog, factor: float = 1.0
) -> pd.Series:
    """Parse numbers written with spaces and decimal commas; flag what is not a number."""
    raw = frame[field].astype(_TEXT)
    cleaned = raw.str.replace(r"[\s\u00a0%]", "", regex=True).str.replace(",", ".", regex=False)
    number: pd.Series = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (number.isna() & raw.notna()).to_numpy(bool)
    log.add_many(
        frame.loc[bad, "_row"], header, raw[bad], "not a number; kept as missing", "flagged"
    )
    return number.mul(factor)


def _header(frame: pd.DataFrame, field: str) -> str:
    headers: dict[str, str] = frame.attrs.get("headers", {})
    return headers.get(field, field)


def _money_factor(frame: pd.DataFrame, field: str, spec: FieldSpec) -> float:
    unit = _unit_factor(_header(frame, field))
    if unit is None and spec.unit is not None:
        unit = _unit_factor(spec.unit)
    return 1.0 if unit is None else unit


def _oktmo_text(value: object) -> tuple[str | None, str]:
    s = strip_oktmo(pd.Series([value], dtype=_TEXT))
    kind = str(classify_oktmo(s).iloc[0])
    code = s.iloc[0]
    if kind == "ok11" or kind == "ok8":
        return str(code), "ok"
    if kind == "lost_zero11":
        return "0" + str(code), "repaired"
    if kind == "lost_zero8":
        return "0" + str(code), "repaired"
    return None, kind


def _locate(
    index: LocationIndex | None,
    oktmo: object,
    address: object,
    row: int | None,
    log: RejectLog,
    headers: tuple[str, str],
) -> Resolution | None:
    """Resolve a row's OKTMO, else its address; log and return ``None`` when unresolved."""
    code, status = _oktmo_text(oktmo)
    if status == "repaired":
        log.add(row, headers[0], oktmo, "OKTMO lost its leading zero", "repaired")
    elif status not in {"ok", "missing"}:
        log.add(row, headers[0], oktmo, "not an OKTMO code (8 or 11 digits)", "flagged")
    if index is None:
        if code is None:
            return Resolution("unresolved", None, None, None, "no workspace to resolve the address")
        upper = code[:5] + "000" if len(code) == 11 else code
        return Resolution("ok", code, code if len(code) == 11 else None, upper, None)
    reasons: list[str] = []
    if code is not None:
        res = index.resolve_oktmo(code)
        if res.status != "unresolved":
            if res.status == "partial":
                log.add(row, headers[0], code, str(res.reason), "flagged")
            return res
        reasons.append(str(res.reason))
    has_address = _val(address) is not None
    if has_address:
        res, _ = index.resolve_address(address)
        if res.status != "unresolved":
            if res.status == "partial":
                log.add(row, headers[1], address, str(res.reason), "flagged")
            return res
        reasons.append(str(res.reason))
    if not reasons:
        reasons.append("neither OKTMO nor address given")
    column = headers[1] if has_address else headers[0]
    value = address if has_address else oktmo
    log.add(row, column, value, "location not resolved: " + "; ".join(reasons), "rejected")
    return None
