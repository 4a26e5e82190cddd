"""Parts of the anchor section a planner reads first: origin of anchors, checks, kinds.

* how many anchors of each level are existing service centres kept (a settlement that
  already holds every service of a level), how many are existing centres of a lower
  level raised, and how many were added by the selection;
* the plausibility checks (:func:`opora.anchors.checks.plausibility_checks`): large
  settlements that are no anchor and anchors with outsized catchments, each with its
  reason;
* coverage and redundancy of the given list per kind (agglomeration core, social-services
  centre, ZATO…).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from opora.report._helpers import format_number

__all__ = ["KIND_LABELS", "anchor_origin", "checks_data"]

#: Russian and English labels of the kinds of a given list.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "agglomeration_core": ("центр агломерации", "agglomeration core"),
    "social_services_centre": ("центр социального обслуживания", "social-services centre"),
    "zato": ("ЗАТО", "closed territory (ZATO)"),
    "municipal_centre": ("центр муниципального образования", "municipal centre"),
    "other": ("иной", "other"),
}


def anchor_origin(
    anchors: pd.DataFrame,
    centres: pd.DataFrame,
    levels: list[str],
    previous: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Count anchors per level by origin: existing centre kept, raised, or added.

    Parameters
    ----------
    anchors
        ``settlement_id, level`` of the framework.
    centres
        Existing service centres ``settlement_id, level``
        (:func:`opora.anchors.existing.service_centres`).
    levels
        Level keys, highest first.
    previous
        Anchors per level chosen by the previous method on the same inputs (fewest
        anchors, no existing centre kept, no tie-break), if known.

    Returns
    -------
    pandas.DataFrame
        ``level, anchors, kept, raised, added, previous``: ``kept`` are existing centres
        of that level, ``raised`` existing centres of a lower level chosen at this one;
        ``previous`` is missing when not known.
    """
    ex = (
        centres.set_index(centres["settlement_id"].astype(str))["level"]
        if len(centres)
        else pd.Series(dtype=object)
    )
    rows = []
    for key in levels:
        ids = anchors.loc[anchors["level"] == key, "settlement_id"].astype(str)
        own = ids.map(ex)
        rows.append(
            {
                "level": key,
                "anchors": len(ids),
                "kept": int((own == key).sum()),
                "raised": int((own.notna() & (own != key)).sum()),
                "added": int(own.isna().sum()),
                "previous": (previous or {}).get(key),
            }
        )
    return pd.DataFrame(rows, columns=["level", "anchors", "kept", "raised", "added", "previous"])


def checks_data(
    origin: pd.DataFrame | None,
    checks: pd.DataFrame | None,
    kinds: pd.DataFrame | None,
    level_labels: Mapping[str, str],
    lang: str,
) -> dict[str, Any]:
    """Template data of the origin counts, the plausibility checks and the kinds.

    Parameters
    ----------
    origin
        :func:`anchor_origin`, or ``None``.
    checks
        :func:`opora.anchors.checks.plausibility_checks`, or ``None``.
    kinds
        :attr:`opora.anchors.framework.Evaluation.by_kind`, or ``None``.
    level_labels
        Label of each level key.
    lang
        ``ru`` or ``en``.

    Returns
    -------
    dict
        ``origin`` (rows of formatted counts), ``checks`` (rows with the reason in
        ``lang``) and ``kinds`` (rows), each empty when not given; ``checked``: whether
        the checks were run (their heading is shown).
    """

    def n(v: object) -> str:
        return format_number(v, "int", lang) or "0"

    out: dict[str, Any] = {"origin": [], "checks": [], "kinds": [], "checked": checks is not None}
    if origin is not None:
        out["origin"] = [
            {
                "level": str(r["level"]),
                "label": level_labels.get(str(r["level"]), str(r["level"])),
                "anchors": n(r["anchors"]),
                "kept": n(r["kept"]),
                "raised": n(r["raised"]),
                "added": n(r["added"]),
                "previous": ""
                if r.get("previous") is None or pd.isna(r.get("previous"))
                else n(r["previous"]),
            }
            for r in origin.to_dict("records")
        ]
    if checks is not None and len(checks):
        reason = "reason_ru" if lang == "ru" else "reason_en"
        out["checks"] = [
            {
                "check": str(r["check"]),
                "id": str(r["settlement_id"]),
                "name": str(r["name"]),
                "population": n(r["population"]),
                "ratio": format_number(r["ratio"], "float1", lang) or "",
                "reason": str(r[reason]),
            }
            for r in checks.to_dict("records")
        ]
    if kinds is not None and len(kinds):
        out["kinds"] = [
            {
                "kind": str(r["kind"]),
                "label": KIND_LABELS.get(str(r["kind"]), (str(r["kind"]),) * 2)[
                    0 if lang == "ru" else 1
                ],
                "anchors": n(r["anchors"]),
                "catchment": n(r["catchment_population"]),
                "covered_pct": format_number(r["covered_pct"], "pct1", lang) or "",
                "redundant": n(r["redundant"]),
            }
            for r in kinds.to_dict("records")
        ]
    return out
