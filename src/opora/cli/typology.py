"""The ``opora typology`` command: town types of the differentiated model, with reasons.

The feature table comes from one of:

* ``--features CSV`` - a feature table written by ``opora demo``
  (``municipality_features.csv``);
* ``--workspace DIR`` - a folder written by ``opora demo``: its
  ``municipality_features.csv`` and, for ``--towns``, the settlements of its
  ``region.gpkg``;
* otherwise the region's model is built (``--region``, default: the embedded region)
  with :func:`opora.workflow.region_features`.

``OUT`` gets one row per municipality (and per town with ``--towns``), columns
:data:`opora.typology.rules.WIDE_COLUMNS`: ``oktmo,name,types,reasons,not_evaluated,
official_monotown,level,municipality_oktmo`` (plus ``cluster`` with ``--clusters K``).
``--long FILE`` writes every rule × row record (:data:`opora.typology.rules.LONG_COLUMNS`).
With ``--clusters K`` the clusters × types table goes to ``OUT`` stem +
``_clusters.csv`` and the agreement (ARI) to ``OUT`` stem + ``_cluster_agreement.csv``.

A file that cannot be used stops the command with a message naming the file and the
key or column, and exit code 2.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from opora.cli._common import EXIT_FAILED, CacheDir, DataDir, Quiet, Region, fail, stderr, stdout
from opora.errors import OporaError, SourceNotFoundError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FEATURES_FILE", "agreement_path", "clusters_path", "typology_cmd"]

#: Feature table of a folder written by ``opora demo``.
FEATURES_FILE = "municipality_features.csv"


def clusters_path(out: Path) -> Path:
    """Return the clusters × types table written next to ``out`` (stem + ``_clusters.csv``).

    Parameters
    ----------
    out
        The types file.

    Returns
    -------
    pathlib.Path
        ``OUT_clusters.csv`` in the same folder.
    """
    return out.with_name(f"{out.stem}_clusters.csv")


def agreement_path(out: Path) -> Path:
    """Return the cluster agreement table written next to ``out``.

    Parameters
    ----------
    out
        The types file.

    Returns
    -------
    pathlib.Path
        ``OUT_cluster_agreement.csv`` in the same folder.
    """
    return out.with_name(f"{out.stem}_cluster_agreement.csv")


def _load(
    features: Path | None,
    workspace: Path | None,
    region: str | None,
    data_dir: Path | None,
    cache_dir: Path | None,
    towns: bool,
) -> tuple[pd.DataFrame, Any, Any]:
    """Return the feature table and, when known, the settlements and municipalities."""
    from opora.io.thresholds import read_feature_table
    from opora.io.workspace import check_complete, read_workspace_tables

    if features is not None:
        if towns:
            msg = "--towns needs the settlements: use --workspace DIR or --region"
            raise typer.BadParameter(msg, param_hint="--towns")
        return read_feature_table(features), None, None
    if workspace is not None:
        check_complete(workspace)
        path = workspace / FEATURES_FILE
        if not path.exists():
            msg = (
                f"{path}: no feature table in the workspace; run `opora demo --out "
                f"{workspace}` first, or pass --features CSV"
            )
            raise SourceNotFoundError(msg)
        feats = read_feature_table(path)
        if not towns:
            return feats, None, None
        tables = read_workspace_tables(workspace)
        return feats, tables["settlements"], tables["municipalities"]
    from opora.workflow import region_features

    feats, settlements = region_features(region, data_dir, cache_dir)
    return feats, settlements, None


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8")


def typology_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="Types CSV to write: one row per municipality.")
    ],
    features: Annotated[
        Path | None,
        typer.Option("--features", help="Feature table (municipality_features.csv of opora demo)."),
    ] = None,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", help="Folder written by opora demo (features + region.gpkg)."),
    ] = None,
    region: Region = None,
    thresholds: Annotated[
        Path | None,
        typer.Option("--thresholds", help="Thresholds file (TOML, layout of typology.toml)."),
    ] = None,
    official_monotowns: Annotated[
        Path | None,
        typer.Option(
            "--official-monotowns",
            help="Official monotown list (CSV of OKTMO or names): shown beside, never used.",
        ),
    ] = None,
    border: Annotated[
        Path | None,
        typer.Option("--border", help="Border municipalities (CSV of OKTMO or names)."),
    ] = None,
    towns: Annotated[
        bool, typer.Option("--towns", help="Add a row per town (needs --workspace or --region).")
    ] = False,
    long_out: Annotated[
        Path | None, typer.Option("--long", help="Also write every rule × row record here.")
    ] = None,
    clusters: Annotated[
        int, typer.Option("--clusters", min=0, help="Add k-means clusters (K groups; 0: none).")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the clustering.")] = 0,
    lang: Annotated[str, typer.Option("--lang", help="Language of the reasons: ru or en.")] = "ru",
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    quiet: Quiet = False,
) -> None:
    """Town types of the differentiated model, with the rule and figures behind each."""
    import pandas as pd

    from opora.io.thresholds import read_code_list, read_thresholds
    from opora.typology.cluster import cluster, compare_with_rules
    from opora.typology.rules import TYPES, classify, types_table
    from opora.typology.towns import town_rows

    if sum(x is not None for x in (features, workspace, region)) > 1:
        msg = "give at most one of --features, --workspace and --region"
        raise typer.BadParameter(msg, param_hint="--features / --workspace / --region")
    if lang not in {"ru", "en"}:
        msg = f"must be ru or en, got {lang!r}"
        raise typer.BadParameter(msg, param_hint="--lang")
    notes: list[str] = []
    try:
        t = read_thresholds(thresholds)
        official = read_code_list(official_monotowns) if official_monotowns else None
        border_list = read_code_list(border) if border else None
        feats, settlements, municipalities = _load(
            features, workspace, region, data_dir, cache_dir, towns
        )
    except OporaError as exc:
        fail(exc)
    table = feats.assign(level="municipality", municipality_oktmo=feats["oktmo"].astype(str))
    if towns and settlements is not None:
        trows = town_rows(feats, settlements, municipalities, thresholds=t)
        if trows.attrs.get("unmatched"):
            notes.append(
                f"{len(trows.attrs['unmatched'])} towns lie outside the feature table's "
                "municipalities; left out"
            )
        table = pd.concat([table, trows], ignore_index=True)
    long = classify(table, t, official_monotowns=official, border=border_list)
    wide = types_table(long, lang=lang)
    for key, label in (
        ("unmatched_official_monotowns", "--official-monotowns"),
        ("unmatched_border", "--border"),
    ):
        missed = long.attrs.get(key) or []
        if missed:
            shown = ", ".join(missed[:5]) + (" ..." if len(missed) > 5 else "")
            notes.append(f"{len(missed)} entries of {label} match no row: {shown}")
    if border_list is None:
        notes.append("the border rule was not applied: no --border list (not_evaluated)")
    extra: list[tuple[Path, pd.DataFrame]] = []
    agreement = None
    if clusters > 0:
        try:
            res = cluster(table, k=clusters, seed=seed)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--clusters") from exc
        wide["cluster"] = pd.array(res.labels.to_numpy(), dtype="Int64")
        cmp = compare_with_rules(res, long)
        cross = cmp.crosstab.reset_index().merge(res.profile[["cluster", "distinctive"]])
        agreement = cmp.agreement
        extra = [(clusters_path(out), cross), (agreement_path(out), agreement)]
    try:
        _write(wide, out)
        if long_out is not None:
            _write(long, long_out)
        for path, frame in extra:
            _write(frame, path)
    except OSError as exc:
        fail(f"cannot write: {exc}", EXIT_FAILED)
    for note in notes:
        stderr.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)
    if quiet:
        return
    counts = Counter(zip(long["type"].astype(str), long["status"].astype(str), strict=True))
    lines = [f"{len(wide)} rows -> {out}  (thresholds: {t.source})"]
    for type_id in TYPES:
        got, ne = counts[(type_id, "assigned")], counts[(type_id, "not_evaluated")]
        lines.append(f"  {type_id:24s} {got:5d} assigned, {ne:4d} not evaluated")
    if agreement is not None:
        sig = agreement[agreement["type"] == "signature"]["ari"].iloc[0]
        lines.append(f"{clusters} clusters -> {clusters_path(out)} (ARI vs type sets {sig:.2f})")
    stdout.print("\n".join(lines), highlight=False)
