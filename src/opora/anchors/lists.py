"""Match anchor lists and scenario references (OKTMO codes or names) to settlements."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from opora.anchors.framework import AnchorSelectionError
from opora.model.normatives import DEFAULT_LEVELS, AnchorLevel
from opora.model.result import RejectLog

__all__ = ["SettlementLookup", "resolve_anchor_list"]

_OKTMO = re.compile(r"^\d{11}$")


def _norm(text: object) -> str:
    s = str(text).strip().lower().replace("ё", "е")
    s = re.sub(r"^(г\.|город|с\.|село|д\.|деревня|п\.|поселок|пгт|рп)\s+", "", s)
    return re.sub(r"\s+", " ", s)


class SettlementLookup:
    """Find settlements by 11-digit OKTMO or by name (optionally with the municipality).

    Parameters
    ----------
    settlements
        ``settlement_id, name`` and optionally ``oktmo``, ``municipality`` (code) and
        ``municipality_name``.
    """

    def __init__(self, settlements: pd.DataFrame) -> None:
        s = settlements.reset_index(drop=True)
        self.ids = s["settlement_id"].astype(str).tolist()
        codes = s["oktmo"].astype(str) if "oktmo" in s else s["settlement_id"].astype(str)
        self.by_code: dict[str, str] = {}
        for code, sid in zip(codes, self.ids, strict=True):
            self.by_code.setdefault(code, sid)
        self.by_code.update({sid: sid for sid in self.ids})
        self.by_name: dict[str, list[int]] = {}
        for i, name in enumerate(s.get("name", self.ids)):
            self.by_name.setdefault(_norm(name), []).append(i)
        none = [None] * len(s)
        codes_m = s["municipality"].to_numpy(dtype=object) if "municipality" in s else none
        names_m = (
            s["municipality_name"].to_numpy(dtype=object) if "municipality_name" in s else none
        )
        self.muni = [
            {_norm(v) for v in pair if isinstance(v, str) and v}
            for pair in zip(codes_m, names_m, strict=True)
        ]
        self.names = s["name"].astype(str).tolist() if "name" in s else self.ids

    def find(self, ref: str, municipality: str | None = None) -> tuple[str | None, str]:
        """Return the settlement id of ``ref`` and, when it is not found, why.

        Parameters
        ----------
        ref
            An 11-digit OKTMO code, a settlement id, a name or ``"Name, Municipality"``.
        municipality
            Municipality (name or code) to tell apart settlements of the same name.

        Returns
        -------
        tuple
            ``(settlement_id, "")`` when found, else ``(None, reason)``.
        """
        text = str(ref).strip()
        if text in self.by_code:
            return self.by_code[text], ""
        if _OKTMO.match(text):
            return None, f"no settlement of the region has OKTMO {text}"
        name, _, muni = text.partition(",")
        muni = muni.strip() or (municipality or "")
        hits = self.by_name.get(_norm(name), [])
        if muni and len(hits) > 1:
            m = _norm(muni)
            hits = [i for i in hits if any(m == x or m in x for x in self.muni[i])]
        if len(hits) == 1:
            return self.ids[hits[0]], ""
        if not hits:
            return None, f"no settlement named {name.strip()!r}" + (f" in {muni!r}" if muni else "")
        codes = ", ".join(self.ids[i] for i in hits[:5])
        return None, (
            f"{len(hits)} settlements are named {name.strip()!r} ({codes}); give the OKTMO "
            "code or the municipality"
        )

    def require(self, refs: Iterable[str], what: str) -> list[str]:
        """Find every reference or raise, naming the first that fails.

        Parameters
        ----------
        refs
            References (OKTMO or names).
        what
            What they are, for the message.

        Returns
        -------
        list of str
            Settlement ids.

        Raises
        ------
        AnchorSelectionError
            If a reference matches no settlement or several.
        """
        out = []
        for ref in refs:
            sid, why = self.find(ref)
            if sid is None:
                msg = f"{what}: {why}"
                raise AnchorSelectionError(msg)
            out.append(sid)
        return out


def resolve_anchor_list(
    table: pd.DataFrame,
    settlements: pd.DataFrame,
    *,
    levels: Mapping[str, AnchorLevel] | None = None,
    default_level: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match a read anchor list (:func:`opora.io.anchor_list.read_anchor_list`) to settlements.

    Parameters
    ----------
    table
        The list: ``_row, oktmo, name, level, municipality, services``.
    settlements
        The region's settlements (see :class:`SettlementLookup`).
    levels
        Levels of the hierarchy (their ranks decide which row a repeat keeps);
        :data:`~opora.model.normatives.DEFAULT_LEVELS` when ``None``.
    default_level
        Level of rows without one; the lowest level when ``None``.

    Returns
    -------
    tuple
        The anchors (``settlement_id, level`` and ``services``, ``kind`` when the list
        gives them — a row without a kind is ``other``;
        one row per settlement, a repeat keeps the higher level) and the reject report
        (rows matching no settlement or several, repeats), in the columns of every reject
        report. A row found by name after its code failed is kept and reported as
        ``repaired``.
    """
    lv = dict(levels) if levels is not None else dict(DEFAULT_LEVELS)
    rank = {k: v.rank for k, v in lv.items()}
    fallback = default_level or min(lv.values(), key=lambda v: v.rank).key
    look = SettlementLookup(settlements)
    log = RejectLog(table.attrs.get("path", "anchor list"))
    rows = []
    for rec in table.to_dict("records"):
        code, name, muni = rec.get("oktmo"), rec.get("name"), rec.get("municipality")
        muni_text = None if muni is None or pd.isna(muni) else str(muni)
        has_name = name is not None and not pd.isna(name)
        if code is not None and not pd.isna(code):
            column, value = "oktmo", code
            sid, why = look.find(str(code))
            if sid is None and has_name:
                sid, why_name = look.find(str(name), muni_text)
                if sid is None:
                    why = f"{why}; by name: {why_name}"
                else:
                    log.add(rec["_row"], "oktmo", code, f"{why}; matched by name", "repaired")
        else:
            column, value = "name", name
            sid, why = look.find(str(name), muni_text)
        if sid is None:
            log.add(rec["_row"], column, value, why, "rejected")
            continue
        services, level, kind = rec.get("services"), rec.get("level"), rec.get("kind")
        rows.append(
            {
                "settlement_id": sid,
                "level": fallback if level is None or pd.isna(level) else str(level),
                "services": None if services is None or pd.isna(services) else str(services),
                "kind": None if kind is None or pd.isna(kind) else str(kind),
                "_row": rec["_row"],
            }
        )
    out = pd.DataFrame(rows, columns=["settlement_id", "level", "services", "kind", "_row"])
    out["_rank"] = out["level"].map(rank).fillna(-1)
    out = out.sort_values(["_rank", "_row"], ascending=[False, True], kind="stable")
    dup = out["settlement_id"].duplicated()
    for row, sid in out.loc[dup, ["_row", "settlement_id"]].itertuples(index=False):
        log.add(
            int(row), "oktmo", sid, "repeats an earlier row; the higher level is kept", "rejected"
        )
    out = out[~dup].sort_values("_row").drop(columns=["_rank", "_row"]).reset_index(drop=True)
    if out["services"].isna().all():
        out = out.drop(columns="services")
    else:
        out["services"] = out["services"].fillna("")
    if out["kind"].isna().all():
        out = out.drop(columns="kind")
    else:
        out["kind"] = out["kind"].fillna("other")
    return out, log.to_frame()
