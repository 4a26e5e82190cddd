"""``opora fetch-osm``: the OpenStreetMap extract of a region, downloaded, cut and cached.

``opora fetch-osm --region R`` downloads the extract of the region's federal district
(Geofabrik, or ``--url-base`` for a mirror), checks it against the MD5 published beside
it, cuts the region out by its boundary and keeps the cut in the cache. Then
``opora demo --osm auto`` (and every command taking ``--osm``) uses it; see
:func:`opora.io.osm.fetch.fetch_region_extract`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from opora.cli._common import CacheDir, Quiet, Region, fail, settings, stderr, stdout
from opora.errors import OporaError

__all__ = ["fetch_osm_cmd"]


def fetch_osm_cmd(
    region: Region = None,
    cache_dir: CacheDir = None,
    url_base: Annotated[
        str | None,
        typer.Option(
            "--url-base",
            help="Server laid out like Geofabrik (<URL>/russia/<district>-fed-district-"
            "latest.osm.pbf and .md5 beside it); default https://download.geofabrik.de.",
        ),
    ] = None,
    district: Annotated[
        str | None,
        typer.Option(
            "--district",
            help="Extract to cut from instead of the region's own: a federal district "
            "(central, northwestern, south, north-caucasus, volga, ural, siberian, "
            "far-eastern), crimea or kaliningrad.",
        ),
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="Check for a newer extract even when the region is cached."),
    ] = False,
    drop_extract: Annotated[
        bool,
        typer.Option(
            "--drop-extract",
            help="Delete the federal district's extract after the cut (kept by default "
            "for the other regions of the district).",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Download a region's OpenStreetMap extract, verify its MD5, cut it out and cache it."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from opora.io.osm.fetch import GEOFABRIK_URL, fetch_region_extract

    cache = settings(None, cache_dir).cache_dir
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        disable=quiet,
    )
    task = bar.add_task("download", total=None, visible=False)

    def say(msg: str) -> None:
        if not quiet:
            bar.console.print(f"[dim]…[/] {msg}", highlight=False)

    def on_bytes(done: int, total: int | None) -> None:
        bar.update(task, completed=done, total=total, visible=True)

    try:
        with bar:
            got = fetch_region_extract(
                region,
                cache,
                url_base=url_base or GEOFABRIK_URL,
                district=district,
                refresh=refresh,
                keep_extract=not drop_extract,
                progress=say,
                bytes_progress=on_bytes,
            )
    except OporaError as exc:
        fail(exc)
    how = "cut from a fresh download" if got.downloaded else "cut" if got.cut else "cached"
    stdout.print(
        f"OSM extract of {got.region.name_ru} ({got.region.iso}) ready, {how}: {got.path}",
        highlight=False,
    )
    if not quiet:
        stdout.print(
            f"source {got.source_url} (md5 {got.md5}); use it with `--osm auto` or "
            f"`--osm {Path(got.path)}`",
            highlight=False,
        )
