"""Match anchor lists and scenario references (OKTMO codes or names) to settlements."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from opora.anchors.framework import AnchorSelectionError
from opora.io._result import RejectLog

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
        self.muni = [
            {
                _norm(v)
                for v in (
                    s["municipality"].iat[i] if "municipality" in s else None,
                    s["municipality_name"].iat[i] if "municipality_name" in s else None,
                )
                if isinstance(v, str) and v
            }
            for i in range(len(s))
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
    table: pd.DataFrame, settlements: pd.DataFrame, *, default_level: str = "local"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match a read anchor list (:func:`opora.io.anchor_list.read_anchor_list`) to settlements.

    Parameters
    ----------
    table
        The list: ``_row, oktmo, name, level, municipality, services``.
    settlements
        The region's settlements (see :class:`SettlementLookup`).
    default_level
        Level of rows without one.

    Returns
    -------
    tuple
        The anchors (``settlement_id, level`` and ``services`` when the list gives them;
        one row per settlement, a repeat keeps the higher level) and the reject report
        (rows matching no settlement or several, repeats), in the columns of every reject
        report.
    """
    look = SettlementLookup(settlements)
    log = RejectLog(table.attrs.get("path", "anchor list"))
    rows = []
    for rec in table.to_dict("records"):
        code = rec.get("oktmo")
        name = rec.get("name")
        muni = rec.get("municipality")
        muni_text = None if muni is None or pd.isna(muni) else str(muni)
        sid, why = (None, "")
        if code is not None and not pd.isna(code):
            sid, why = look.find(str(code))
            if sid is None and name is not None and not pd.isna(name):
                sid, why2 = look.find(str(name), muni_text)
                why = why if sid is None else ""
                if sid is not None:
                    log.add(
                        rec["_row"],
                        "oktmo",
                        code,
                        f"{why or 'code not found'}; matched by name",
                        "repaired",
                    )
                elif why2:
                    why = f"{why}; by name: {why2}"
            column, value = "oktmo", code
        else:
            sid, why = look.find(str(name), muni_text)
            column, value = "name", name
        if sid is None:
            log.add(rec["_row"], column, value, why, "rejected")
            continue
        level = rec.get("level") or default_level
        services = rec.get("services")
        rows.append(
            {
                "settlement_id": sid,
                "level": level,
                "services": None if services is None or pd.isna(services) else str(services),
                "_row": rec["_row"],
            }
        )
    out = pd.DataFrame(rows, columns=["settlement_id", "level", "services", "_row"])
    rank = {"district": 2, "local": 1}
    out["_rank"] = out["level"].map(rank).fillna(0)
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
    return out, log.to_frame()
