"""What-if work of the web application: evaluate an uploaded list, run a scenario, export.

Each function takes a region workspace (written by ``opora demo`` / ``opora init``),
rebuilds its accessibility (:func:`~opora.workflow.analyses.workspace_accessibility`, as
``opora anchors ... --workspace``) and returns a :class:`WhatIfResult`: a JSON-ready
summary, tables, map layers (points in EPSG:4326) and files to download. Nothing is
written into the workspace; the job runner of the API (:mod:`opora.api.jobs`) keeps the
results in its store.

* :func:`evaluate_anchor_list`: an uploaded anchor list (CSV/XLSX, the reader of
  ``opora anchors evaluate --list``) against the proposed framework: coverage given vs
  proposed, redundant anchors, best additions, and the workbook of the CLI
  (``anchor_framework.xlsx`` plus the list's rejects).
* :func:`run_scenario`: a season, closed facilities (ids of the workspace's facilities),
  closed anchors and new road links between two settlements; coverage per service and
  per settlement before and after, and the anchors a new selection adds and drops.
* :func:`export_workspace`: the workspace as one GeoPackage or one Excel workbook.

:func:`upload_kind` and :func:`read_uploaded_list` check an upload before any job runs:
by its first bytes (:func:`opora.io._checks.sniff_bytes`), not by its name.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.anchors.framework import REASONS
from opora.anchors.lists import resolve_anchor_list
from opora.errors import (
    AnchorSelectionError,
    EmptyFileError,
    FormatError,
    OporaError,
    SourceNotFoundError,
)
from opora.io._checks import decode_text, sniff_bytes
from opora.io.anchor_list import read_anchor_list
from opora.io.normatives import read_anchor_levels
from opora.io.workspace import check_complete
from opora.io.xlsx import write_workbook
from opora.model.normatives import AnchorLevel
from opora.model.region import Region
from opora.model.roads import STATES
from opora.model.scenarios import Scenario
from opora.workflow.analyses import AccessAnalyses, workspace_accessibility
from opora.workflow.anchors import (
    AnchorsResult,
    anchor_settlements,
    district_centres,
    run_anchors,
    write_anchors,
)
from opora.workflow.progress import Progress, no_progress

__all__ = [
    "ANCHOR_LIST_STEPS",
    "EXPORT_STEPS",
    "MAX_UPLOAD_BYTES",
    "SCENARIO_STEPS",
    "ScenarioRequest",
    "WhatIfResult",
    "evaluate_anchor_list",
    "export_workspace",
    "read_uploaded_list",
    "run_scenario",
    "upload_kind",
]

#: Largest upload accepted by default (10 MB).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

#: Progress steps of each job (an estimate: the accessibility counts its own steps).
ANCHOR_LIST_STEPS = 10
SCENARIO_STEPS = 9
EXPORT_STEPS = 3

#: Rows per sheet of an Excel workbook (the format's limit, less the header).
_EXCEL_ROWS = 1_048_575

_SAFE_NAME = re.compile(r"[^\w.-]+")


@dataclass(eq=False)
class WhatIfResult:
    """What a what-if function returns.

    Attributes
    ----------
    summary
        JSON-ready summary (numbers, short tables as lists of records).
    tables
        Result tables by name.
    layers
        Map layers by name (points, EPSG:4326; ``lon``/``lat`` columns too).
    files
        Files to download, by file name.
    """

    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioRequest:
    """A scenario of the web application's editor.

    Attributes
    ----------
    season
        Network state: ``summer``, ``winter`` or ``thaw``.
    close_facilities
        Ids of facilities (layer ``facilities`` of the workspace) that close.
    close_anchors
        Settlement ids (or 11-digit OKTMO codes) of anchors that close.
    add_links
        ``(from settlement, to settlement, minutes)``: new two-way road links; ``None``
        minutes take the straight distance × 1.3 at 60 km/h.
    """

    season: str = "summer"
    close_facilities: tuple[str, ...] = ()
    close_anchors: tuple[str, ...] = ()
    add_links: tuple[tuple[str, str, float | None], ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ScenarioRequest:
        """Check and convert a JSON scenario.

        Parameters
        ----------
        data
            ``{"season", "close_facilities": [...], "close_anchors": [...],
            "add_links": [{"from", "to", "minutes"}]}``; every key optional.

        Returns
        -------
        ScenarioRequest
            The scenario.

        Raises
        ------
        FormatError
            If a key is unknown, the season is not known, an id is not text or a link
            lacks an end or has minutes that are not a positive number.
        """
        where = "scenario"
        unknown = sorted(set(data) - {"season", "close_facilities", "close_anchors", "add_links"})
        if unknown:
            msg = (
                f"unknown field(s) {', '.join(unknown)}; use season, close_facilities, "
                "close_anchors, add_links"
            )
            raise FormatError(where, msg)
        season = str(data.get("season") or "summer")
        if season not in STATES:
            msg = f"season {season!r} is not known; use {', '.join(STATES)}"
            raise FormatError(where, msg, column="season")

        def ids(key: str) -> tuple[str, ...]:
            values = data.get(key) or []
            if not isinstance(values, list | tuple) or not all(
                isinstance(v, str | int) and str(v).strip() for v in values
            ):
                msg = f"{key} must be a list of ids (text)"
                raise FormatError(where, msg, column=key)
            return tuple(dict.fromkeys(str(v).strip() for v in values))

        links = []
        for i, link in enumerate(data.get("add_links") or []):
            if not isinstance(link, Mapping) or not link.get("from") or not link.get("to"):
                msg = f"link {i + 1}: give `from` and `to` settlement ids"
                raise FormatError(where, msg, column="add_links")
            minutes = link.get("minutes")
            if minutes is not None:
                try:
                    minutes = float(minutes)
                except (TypeError, ValueError):
                    minutes = math.nan
                if not (math.isfinite(minutes) and 0 < minutes <= 10_000):
                    msg = f"link {i + 1}: minutes must be a number above 0 (at most 10000)"
                    raise FormatError(where, msg, column="add_links")
            a, b = str(link["from"]).strip(), str(link["to"]).strip()
            if a == b:
                msg = f"link {i + 1}: `from` and `to` are the same settlement {a}"
                raise FormatError(where, msg, column="add_links")
            links.append((a, b, minutes))
        return cls(season, ids("close_facilities"), ids("close_anchors"), tuple(links))

    def is_empty(self) -> bool:
        """Whether nothing changes but (maybe) the season.

        Returns
        -------
        bool
            ``True`` without closures and links.
        """
        return not (self.close_facilities or self.close_anchors or self.add_links)


# -- uploads ------------------------------------------------------------------------------------


def _safe_name(name: str, kind: str) -> str:
    """Make a file name of safe characters only, with the extension of ``kind``."""
    stem = _SAFE_NAME.sub("_", Path(str(name).replace("\\", "/")).stem).strip("._")[:60]
    return f"{stem or 'list'}.{kind}"


def upload_kind(name: str, data: bytes) -> str:
    """Tell what an uploaded anchor list holds, by its first bytes, and check its name agrees.

    Parameters
    ----------
    name
        The file name the browser sent (only its extension is used).
    data
        The uploaded bytes.

    Returns
    -------
    str
        ``"csv"`` (text) or ``"xlsx"`` (an Excel workbook: a zip holding ``xl/``).

    Raises
    ------
    EmptyFileError
        If nothing was uploaded.
    FormatError
        If the extension is neither ``.csv`` nor ``.xlsx``, or the content is not what
        the extension says (a zip renamed ``.csv``, an old ``.xls``, a PDF...).
    """
    label = Path(str(name).replace("\\", "/")).name or "upload"
    if not data:
        msg = "the uploaded file is empty; choose the CSV or Excel file of the list"
        raise EmptyFileError(label, msg)
    suffix = Path(label).suffix.lower()
    kind = sniff_bytes(data[:4096])
    if kind == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
            kind = "xlsx" if any(n.startswith("xl/") for n in names) else "zip"
        except (zipfile.BadZipFile, OSError):
            kind = "zip (damaged)"
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        what = suffix or "a file without extension"
        msg = f"only CSV (.csv) and Excel (.xlsx) lists are accepted, not {what}"
        raise FormatError(label, msg)
    if suffix in (".csv", ".txt"):
        if kind == "xlsx":
            msg = (
                "this is an Excel workbook (xlsx), not CSV; upload it with the .xlsx "
                "extension, or save the sheet as 'CSV UTF-8'"
            )
            raise FormatError(label, msg)
        if kind is not None:
            msg = (
                f"this is a {kind} file, not CSV text; check that you chose the right file, "
                "or unpack/convert it to a UTF-8 CSV first"
            )
            raise FormatError(label, msg)
        return "csv"
    if kind != "xlsx":
        what = "text" if kind is None else f"a {kind} file"
        hint = "; open it in Excel and save it as .xlsx" if kind == "old Excel (.xls)" else ""
        msg = f"this is {what}, not an Excel workbook (.xlsx){hint}"
        raise FormatError(label, msg)
    return "xlsx"


def read_uploaded_list(name: str, data: bytes, levels: Iterable[str] | None = None) -> pd.DataFrame:
    """Read an uploaded anchor list with the reader of ``opora anchors evaluate --list``.

    The bytes go to a private temporary folder under a safe name (never the name or
    path sent by the browser); messages name the file as uploaded.

    Parameters
    ----------
    name
        The file name the browser sent.
    data
        The uploaded bytes.
    levels
        Level keys of the hierarchy (:func:`~opora.io.normatives.read_anchor_levels`).

    Returns
    -------
    pandas.DataFrame
        As :func:`~opora.io.anchor_list.read_anchor_list`; ``attrs["path"]`` is the
        uploaded name.

    Raises
    ------
    InputFileError
        If the upload is not a usable list (wrong content, not UTF-8, no ``oktmo`` or
        ``name`` column, unknown level...), with the CLI's message.
    """
    kind = upload_kind(name, data)
    safe = _safe_name(name, kind)
    if kind == "csv":
        decode_text(safe, data)  # a clear message for cp1251 before pandas sees it
    with tempfile.TemporaryDirectory(prefix="opora-upload-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        try:
            table = read_anchor_list(path, levels=levels)
        except OporaError as exc:
            raise _strip_folder(exc, tmp) from None
    table.attrs["path"] = safe
    return table


def _strip_folder(exc: OporaError, folder: str) -> OporaError:
    """Rebuild an error without the temporary folder in its message."""
    text = str(exc).replace(folder.rstrip("/") + "/", "")
    path = getattr(exc, "path", None)
    try:
        if path is not None:
            # InputFileError(path, message, column): the message starts with the path
            name = Path(str(path)).name
            column = getattr(exc, "column", None)
            prefix = name + (f", column `{column}`" if column else "") + ": "
            return type(exc)(name, text.removeprefix(prefix), column)
        return type(exc)(text)
    except TypeError:  # pragma: no cover - an error with another signature
        return exc


# -- the workspace ------------------------------------------------------------------------------


def _workspace(
    folder: str | Path, normatives: Path | None, progress: Progress
) -> tuple[Region, AccessAnalyses, dict[str, AnchorLevel]]:
    p = Path(folder)
    if not (p / "region.gpkg").exists():
        msg = (
            f"{p}: not a region workspace (no region.gpkg); what-if jobs run on one region, "
            "for example `opora serve FOLDER/regions/<key>` of a country folder"
        )
        raise SourceNotFoundError(msg)
    check_complete(p)
    reg, an = workspace_accessibility(p, normatives=normatives, progress=progress)
    return reg, an, read_anchor_levels(normatives)


def _points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Points of a table with ``lon`` and ``lat`` (EPSG:4326)."""
    return gpd.GeoDataFrame(
        frame.reset_index(drop=True),
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs="EPSG:4326",
    )


def _records(frame: pd.DataFrame, limit: int = 200) -> list[dict[str, Any]]:
    """JSON-ready records (NaN as ``None``) of the first ``limit`` rows."""
    head = frame.head(limit).astype(object)
    out: list[dict[str, Any]] = [
        {str(k): v for k, v in row.items()}
        for row in head.where(head.notna(), None).to_dict("records")
    ]
    for row in out:
        for k, v in row.items():
            if isinstance(v, np.generic):
                row[k] = v.item()
    return out


def _workbook(sheets: Mapping[str, pd.DataFrame], about: pd.DataFrame) -> bytes:
    """Write an Excel workbook: the ``about`` sheet, then one sheet per table."""
    buffer = io.BytesIO()
    tables = {"about": about}
    for name, frame in sheets.items():
        plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        tables[name[:31]] = plain.head(_EXCEL_ROWS)
    write_workbook(buffer, tables)
    return buffer.getvalue()


# -- the uploaded list --------------------------------------------------------------------------


def evaluate_anchor_list(
    folder: str | Path,
    name: str,
    data: bytes,
    *,
    normatives: Path | None = None,
    additions: int = 5,
    time_limit: float = 60.0,
    progress: Progress = no_progress,
) -> WhatIfResult:
    """Evaluate an uploaded anchor list against the workspace's proposed framework.

    The same work as ``opora anchors evaluate --workspace FOLDER --list FILE``.

    Parameters
    ----------
    folder
        The region workspace.
    name, data
        File name and bytes of the uploaded list (CSV or XLSX).
    normatives
        Service standards file; the package default when ``None``.
    additions
        Best additions proposed per level.
    time_limit
        Seconds per model solve.
    progress
        Called with a description before each step.

    Returns
    -------
    WhatIfResult
        Summary (rows read, matched, rejected; anchors per level; coverage given vs
        proposed; redundant anchors; best additions), tables ``coverage``, ``counts``,
        ``redundant``, ``additions``, ``by_municipality``, ``rejects``, layers
        ``given_anchors`` (with ``redundant``), ``additions`` and ``outside``
        (settlements outside a standard under the list), and the workbook
        ``anchor_list_evaluation.xlsx``.

    Raises
    ------
    InputFileError
        If the upload is not a usable list.
    EmptyFileError
        If no row of the list matches a settlement of the region.
    SourceNotFoundError
        If the folder is not a complete region workspace.
    """
    progress("read the uploaded list")
    levels_keys = read_anchor_levels(normatives)
    table = read_uploaded_list(name, data, levels=levels_keys)
    label = str(table.attrs["path"])
    reg, an, levels = _workspace(folder, normatives, progress)
    progress("match the list to the settlements")
    matched, rejects = resolve_anchor_list(table, anchor_settlements(reg), levels=levels)
    if matched.empty:
        msg = (
            f"no row matches a settlement of the region ({len(table):,} rows read); "
            f"the first reason: {rejects['reason'].iloc[0] if len(rejects) else 'none'}"
        )
        raise EmptyFileError(label, msg)
    result = run_anchors(
        reg,
        an.access,
        an.graph,
        an.normatives,
        levels,
        facilities=an.facilities,
        given=matched,
        given_label=(f"список {label}", f"list {label}"),
        evaluate=True,
        additions=additions,
        time_limit=time_limit,
        progress=progress,
    )
    progress("tables and workbook")
    return _list_result(result, matched, rejects, table, label)


def _list_result(
    result: AnchorsResult,
    matched: pd.DataFrame,
    rejects: pd.DataFrame,
    table: pd.DataFrame,
    label: str,
) -> WhatIfResult:
    ev = result.evaluation
    if ev is None:  # pragma: no cover - run_anchors evaluates a non-empty list
        msg = "the list could not be evaluated"
        raise AnchorSelectionError(msg)
    s = result.framework.settlements
    where = s[["settlement_id", "name", "municipality", "population", "lon", "lat"]]
    red_ids = set(ev.redundant["settlement_id"].astype(str))
    given = matched[["settlement_id", "level"]].astype({"settlement_id": str})
    given = given.merge(where, on="settlement_id", how="left")
    given["redundant"] = given["settlement_id"].isin(red_ids)
    adds = ev.additions.astype({"settlement_id": str}).merge(
        where[["settlement_id", "municipality", "lon", "lat"]], on="settlement_id", how="left"
    )
    plan = ev.plan
    base = plan.outside[plan.outside["state"] == plan.state]
    outside = (
        base.groupby("settlement_id", sort=False)
        .agg(
            services=("service", lambda v: ", ".join(sorted(set(v)))),
            reason=("reason", "first"),
            population_outside=("population_outside", "max"),
        )
        .reset_index()
        .merge(where, on="settlement_id", how="left")
    )
    outside["reason_ru"] = outside["reason"].map(lambda r: REASONS.get(r, ("", ""))[0])
    outside["reason_en"] = outside["reason"].map(lambda r: REASONS.get(r, ("", ""))[1])
    action = rejects["action"] if "action" in rejects else pd.Series(dtype=object)
    with tempfile.TemporaryDirectory(prefix="opora-list-") as tmp:
        write_anchors(Path(tmp), result, extra_sheets={"list_rejects": rejects})
        workbook = (Path(tmp) / "anchor_framework.xlsx").read_bytes()
    summary = {
        "list": label,
        "rows": len(table),
        "matched": len(matched),
        "rejected": int((action == "rejected").sum()),
        "repaired": int((action == "repaired").sum()),
        "modelled_network": bool(result.framework.modelled),
        "counts": _records(ev.counts),
        "coverage": _records(ev.comparison),
        "redundant": len(ev.redundant),
        "redundant_names": [str(v) for v in ev.redundant["name"].head(50)],
        "additions": _records(ev.additions),
    }
    return WhatIfResult(
        summary,
        tables={
            "coverage": ev.comparison,
            "counts": ev.counts,
            "redundant": ev.redundant,
            "additions": ev.additions,
            "by_municipality": ev.by_municipality,
            "rejects": rejects,
        },
        layers={
            "given_anchors": _points(given.dropna(subset=["lon", "lat"])),
            "additions": _points(adds.dropna(subset=["lon", "lat"])),
            "outside": _points(outside.dropna(subset=["lon", "lat"])),
        },
        files={"anchor_list_evaluation.xlsx": workbook},
    )


# -- scenarios ----------------------------------------------------------------------------------


def _closed_facilities(
    facilities: pd.DataFrame | None, ids: Sequence[str]
) -> list[tuple[str, str]]:
    """``(settlement_id, service)`` of each closed facility id."""
    if not ids:
        return []
    if facilities is None or "facility_id" not in facilities:
        msg = "close_facilities: this workspace has no facility ids to close"
        raise AnchorSelectionError(msg)
    table = facilities.assign(facility_id=facilities["facility_id"].astype(str)).set_index(
        "facility_id"
    )
    out = []
    for fid in ids:
        if fid not in table.index:
            msg = (
                f"close_facilities: no facility has id {fid!r}; take the ids from the layer "
                "`facilities` of the workspace (click a facility on the map)"
            )
            raise AnchorSelectionError(msg)
        row = table.loc[[fid]].iloc[0]
        if pd.isna(row["settlement_id"]):
            msg = f"close_facilities: facility {fid!r} lies in no settlement of the region"
            raise AnchorSelectionError(msg)
        out.append((str(row["settlement_id"]), str(row["type"])))
    return list(dict.fromkeys(out))


def _status(plan_assignment: pd.DataFrame, state: str) -> pd.DataFrame:
    """Per settlement and service: within the standard (``True``/``False``), wide."""
    a = plan_assignment[plan_assignment["state"] == state]
    a = a[a["population"] > 0]
    within = (a["population_outside"] <= 0).rename("within")
    wide = pd.concat([a[["settlement_id", "service"]], within], axis=1)
    out: pd.DataFrame = (
        wide.groupby(["settlement_id", "service"], sort=False)["within"]
        .all()
        .unstack(fill_value=True)
        .astype(bool)
    )
    return out


def run_scenario(
    folder: str | Path,
    request: ScenarioRequest,
    *,
    normatives: Path | None = None,
    time_limit: float = 60.0,
    progress: Progress = no_progress,
) -> WhatIfResult:
    """Run one scenario on the workspace's proposed framework and return the change.

    The framework is chosen as by ``opora demo`` (the centres of the municipal districts
    and urban okrugs and the existing service centres as existing anchors), so that an
    empty summer scenario gives the coverage of the workspace's ``anchor_coverage.csv``.
    *Before* is that proposal in summer; *after* is the same anchors (less the closed
    ones) under the scenario's season, closures and links; the *re-selection* chooses
    the framework again under the scenario (:func:`opora.anchors.scenarios.run_scenarios`).

    Parameters
    ----------
    folder
        The region workspace.
    request
        The scenario.
    normatives
        Service standards file; the package default when ``None``.
    time_limit
        Seconds per model solve.
    progress
        Called with a description before each step.

    Returns
    -------
    WhatIfResult
        Summary (coverage per service before/after, settlements that lose or gain,
        anchors added and removed by the re-selection), tables ``coverage``,
        ``settlements`` (every settlement whose status changed) and ``anchors``
        (the re-selection's change), layers ``coverage_change`` and ``anchors_change``,
        and the workbook ``scenario.xlsx``.

    Raises
    ------
    AnchorSelectionError
        If a facility, anchor or link end is not found in the workspace.
    SourceNotFoundError
        If the folder is not a complete region workspace.
    """
    reg, an, levels = _workspace(folder, normatives, progress)
    progress("scenario: closures and links")
    closed = _closed_facilities(an.facilities, request.close_facilities)
    scenario = Scenario(
        key="scenario",
        label_ru="сценарий",
        label_en="scenario",
        season=request.season,
        close=tuple((sid, service) for sid, service in closed),
        close_anchors=request.close_anchors,
        add_road=request.add_links,
    )
    result = run_anchors(
        reg,
        an.access,
        an.graph,
        an.normatives,
        levels,
        facilities=an.facilities,
        existing=district_centres(reg),
        evaluate=False,
        scenarios=[scenario],
        time_limit=time_limit,
        progress=progress,
    )
    progress("scenario: the change")
    return _scenario_result(result, request)


def _scenario_result(result: AnchorsResult, request: ScenarioRequest) -> WhatIfResult:
    fw = result.framework
    base = fw.plan
    if base is None or result.scenarios is None:  # pragma: no cover - run_anchors solves
        msg = "the scenario could not be run"
        raise AnchorSelectionError(msg)
    under, again = result.scenarios.plans["scenario"]
    s = fw.settlements
    info = s[["settlement_id", "name", "municipality", "population", "lon", "lat"]]
    # coverage per service
    b = base.coverage.set_index("service")
    u = under.coverage.set_index("service")
    r = again.coverage.set_index("service")
    coverage = pd.DataFrame(
        {
            "service": b.index,
            "level": b["level"].to_numpy(),
            "label_ru": b["label_ru"].to_numpy(),
            "label_en": b["label_en"].to_numpy(),
            "max_minutes": b["max_minutes"].to_numpy(),
            "population": b["population"].to_numpy(),
            "covered_population_before": b["covered_population"].to_numpy(),
            "covered_pct_before": b["covered_pct"].to_numpy(),
            "covered_population_after": u["covered_population"].reindex(b.index).to_numpy(),
            "covered_pct_after": u["covered_pct"].reindex(b.index).to_numpy(),
        }
    )
    coverage["delta_pp"] = coverage["covered_pct_after"] - coverage["covered_pct_before"]
    coverage["covered_pct_reselected"] = r["covered_pct"].reindex(b.index).to_numpy()
    # per settlement
    before = _status(base.assignment, base.state)
    after = _status(under.assignment, under.state).reindex(
        index=before.index, columns=before.columns, fill_value=False
    )
    lost = before & ~after
    gained = ~before & after
    services = list(before.columns)

    def names(mask: pd.DataFrame) -> pd.Series:
        return mask.apply(lambda row: ", ".join(k for k in services if row[k]), axis=1)

    changed = lost.any(axis=1) | gained.any(axis=1)
    per = pd.DataFrame(
        {
            "settlement_id": before.index.astype(str),
            "covered_before": before.all(axis=1).to_numpy(),
            "covered_after": after.all(axis=1).to_numpy(),
            "services_lost": names(lost).to_numpy(),
            "services_gained": names(gained).to_numpy(),
            "n_lost": lost.sum(axis=1).to_numpy(),
            "n_gained": gained.sum(axis=1).to_numpy(),
        }
    )[changed.to_numpy()]
    per["change"] = np.select(
        [per["n_lost"] > 0, per["n_gained"] > 0], ["lost", "gained"], default="mixed"
    )
    per.loc[(per["n_lost"] > 0) & (per["n_gained"] > 0), "change"] = "mixed"
    per = info.merge(per, on="settlement_id", how="inner")
    per = per.sort_values(["change", "population"], ascending=[True, False]).reset_index(drop=True)
    # anchors of the re-selection
    old = base.anchors[["settlement_id", "name", "level"]].astype({"settlement_id": str})
    new = again.anchors[["settlement_id", "name", "level"]].astype({"settlement_id": str})
    added = new[~new["settlement_id"].isin(set(old["settlement_id"]))].assign(change="added")
    removed = old[~old["settlement_id"].isin(set(new["settlement_id"]))].assign(change="removed")
    anchors = pd.concat([added, removed], ignore_index=True).merge(
        info[["settlement_id", "population", "lon", "lat"]], on="settlement_id", how="left"
    )
    people_lost = float(per.loc[per["n_lost"] > 0, "population"].sum())
    summary = {
        "request": {
            "season": request.season,
            "close_facilities": list(request.close_facilities),
            "close_anchors": list(request.close_anchors),
            "add_links": [{"from": a, "to": c, "minutes": m} for a, c, m in request.add_links],
        },
        "modelled_network": bool(fw.modelled),
        "coverage": _records(coverage),
        "changed": {
            "settlements": len(per),
            "lost": int((per["n_lost"] > 0).sum()),
            "gained": int((per["n_gained"] > 0).sum()),
            "population_lost": people_lost,
            "population_gained": float(per.loc[per["n_gained"] > 0, "population"].sum()),
        },
        "anchors": {
            "before": len(old),
            "reselected": len(new),
            "added": [str(v) for v in added["name"]],
            "removed": [str(v) for v in removed["name"]],
        },
    }
    about = pd.DataFrame(
        {
            "ru": [
                "Сценарий каркаса опорных населённых пунктов",
                f"Сезон: {request.season}",
                "Закрытые объекты: " + (", ".join(request.close_facilities) or "нет"),
                "Закрытые опорные пункты: " + (", ".join(request.close_anchors) or "нет"),
                "Новые дороги: " + (_links_text(request.add_links) or "нет"),
                "Сеть дорог: " + ("смоделирована" if fw.modelled else "OpenStreetMap"),
            ],
            "en": [
                "Scenario of the anchor-settlement framework",
                f"Season: {request.season}",
                "Closed facilities: " + (", ".join(request.close_facilities) or "none"),
                "Closed anchors: " + (", ".join(request.close_anchors) or "none"),
                "New roads: " + (_links_text(request.add_links) or "none"),
                "Road network: " + ("modelled" if fw.modelled else "OpenStreetMap"),
            ],
        }
    )
    tables = {"coverage": coverage, "settlements": per, "anchors": anchors}
    return WhatIfResult(
        summary,
        tables=tables,
        layers={
            "coverage_change": _points(per.dropna(subset=["lon", "lat"])),
            "anchors_change": _points(anchors.dropna(subset=["lon", "lat"])),
        },
        files={"scenario.xlsx": _workbook(tables, about)},
    )


def _links_text(links: Iterable[tuple[str, str, float | None]]) -> str:
    return ", ".join(f"{a}–{b} ({'auto' if m is None else f'{m:g} min'})" for a, b, m in links)


# -- exports ------------------------------------------------------------------------------------


def export_workspace(
    folder: str | Path, fmt: str, *, progress: Progress = no_progress
) -> WhatIfResult:
    """Export the workspace as one GeoPackage or one Excel workbook.

    Parameters
    ----------
    folder
        The workspace.
    fmt
        ``gpkg``: the workspace's ``region.gpkg`` (every map layer, for QGIS);
        ``xlsx``: one sheet per table of the workspace (its CSV files and the attribute
        tables of the GeoPackage's layers), cut at Excel's row limit (said in ``about``).
    progress
        Called with a description before each step.

    Returns
    -------
    WhatIfResult
        Summary (format, size, sheets or layers) and the file ``workspace.gpkg`` or
        ``workspace.xlsx``.

    Raises
    ------
    FormatError
        If ``fmt`` is neither ``gpkg`` nor ``xlsx``.
    SourceNotFoundError
        If the folder is not a complete workspace.
    """
    if fmt not in ("gpkg", "xlsx"):
        msg = f"format {fmt!r} is not known; use gpkg or xlsx"
        what = "export"
        raise FormatError(what, msg, column="format")
    p = Path(folder)
    progress("check the workspace")
    check_complete(p)
    gpkg = p / "region.gpkg"
    if fmt == "gpkg":
        if not gpkg.exists():
            msg = f"{p}: no region.gpkg to export; run `opora demo` or `opora init` first"
            raise SourceNotFoundError(msg)
        progress("copy the GeoPackage")
        data = gpkg.read_bytes()
        import pyogrio

        layers = [str(row[0]) for row in pyogrio.list_layers(gpkg)]
        return WhatIfResult(
            {"format": "gpkg", "bytes": len(data), "layers": layers},
            files={"workspace.gpkg": data},
        )
    progress("read the tables")
    sheets: dict[str, pd.DataFrame] = {}
    cut: list[str] = []
    if gpkg.exists():
        import pyogrio

        for name, _ in pyogrio.list_layers(gpkg):
            frame = pyogrio.read_dataframe(gpkg, layer=str(name), read_geometry=False)
            sheets[_sheet(str(name), sheets)] = pd.DataFrame(frame)
    for csv in sorted(p.glob("*.csv")):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        sheets[_sheet(csv.stem, sheets)] = frame
    for name, frame in sheets.items():
        if len(frame) > _EXCEL_ROWS:
            cut.append(f"{name} ({len(frame):,} rows)")
    progress("write the workbook")
    about = pd.DataFrame(
        {
            "ru": [
                f"Рабочая папка {p.name}",
                "Листы: " + ", ".join(sheets),
                "Обрезаны по пределу Excel: " + (", ".join(cut) or "нет"),
            ],
            "en": [
                f"Workspace {p.name}",
                "Sheets: " + ", ".join(sheets),
                "Cut at Excel's row limit: " + (", ".join(cut) or "none"),
            ],
        }
    )
    data = _workbook(sheets, about)
    return WhatIfResult(
        {"format": "xlsx", "bytes": len(data), "sheets": list(sheets), "cut": cut},
        files={"workspace.xlsx": data},
    )


def _sheet(name: str, taken: Mapping[str, Any]) -> str:
    """Make a sheet name of at most 31 characters, unique in ``taken``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31]
    out, i = base, 2
    while out in taken or out == "about":
        out = f"{base[: 31 - len(str(i)) - 1]}_{i}"
        i += 1
    return out
