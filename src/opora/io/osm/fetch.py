"""Fetch the OpenStreetMap extract of a region: download, verify, cut, cache.

:func:`fetch_region_extract` does it all for one region:

1. find the region (:func:`opora.model.regions.resolve_region`) and the public extract
   that holds it (its ``osm_extract``): ``<url_base>/russia/<district>-fed-district-
   latest.osm.pbf`` for a federal district, ``crimean-fed-district`` for Crimea and
   Sevastopol, ``kaliningrad`` for Kaliningrad (:data:`EXTRACT_FILES`; Geofabrik by
   default, :data:`GEOFABRIK_URL`), and the ``.md5`` published beside it;
2. download the extract into ``<cache>/osm/extracts/`` (:func:`download_extract`):
   streamed to a ``.part`` file, resumed with an HTTP range request after an
   interruption (restarted when the server ignores the range or the published MD5 has
   changed), checked against the published MD5 and only then moved into place;
3. cut the region out by its boundary relation (:func:`~opora.io.osm.cut.cut_region`)
   into ``<cache>/osm/regions/<ISO>-<md5>.osm.pbf``: the cache key is the region and the
   checksum of the extract it was cut from; a JSON file beside it records the source.

A region already cut is taken from the cache without any request; ``refresh=True``
reads the published MD5 again and downloads and cuts anew only when it has changed.
:func:`cached_region_extract` returns the latest cut of a region, or ``None``, without
any network: ``opora demo --osm auto`` uses it.

Only the standard library talks HTTP here (``urllib``), so a mirror or a local server
(``url_base="http://127.0.0.1:8000"``) works the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opora._version import __version__
from opora.errors import OsmChecksumError, OsmDownloadError, UnknownRegionError
from opora.io.osm.cut import cut_region
from opora.model.regions import DEFAULT_REGION, FederalSubject, resolve_region

__all__ = [
    "EXTRACT_FILES",
    "GEOFABRIK_URL",
    "RegionExtract",
    "cached_region_extract",
    "district_extract_url",
    "download_extract",
    "fetch_region_extract",
    "read_published_md5",
]

#: Where Geofabrik publishes the extracts (``/russia/<district>-fed-district-latest…``).
GEOFABRIK_URL = "https://download.geofabrik.de"

#: Extract slugs (``osm_extract`` of :func:`opora.model.regions.federal_subjects`) → file
#: names under ``<url_base>/russia/`` (the names Geofabrik publishes).
EXTRACT_FILES: dict[str, str] = {
    "central": "central-fed-district-latest.osm.pbf",
    "northwestern": "northwestern-fed-district-latest.osm.pbf",
    "south": "south-fed-district-latest.osm.pbf",
    "north-caucasus": "north-caucasus-fed-district-latest.osm.pbf",
    "volga": "volga-fed-district-latest.osm.pbf",
    "ural": "ural-fed-district-latest.osm.pbf",
    "siberian": "siberian-fed-district-latest.osm.pbf",
    "far-eastern": "far-eastern-fed-district-latest.osm.pbf",
    "crimea": "crimean-fed-district-latest.osm.pbf",
    "kaliningrad": "kaliningrad-latest.osm.pbf",
}

#: Bytes read from the connection at once.
_CHUNK = 1 << 20
_MD5 = re.compile(r"^[0-9a-fA-F]{32}$")

#: Called with (bytes done, bytes in all or ``None`` when the server does not say).
ByteProgress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class RegionExtract:
    """A region's cut extract in the cache.

    Attributes
    ----------
    path
        The region's ``.osm.pbf`` file.
    region
        The region (ISO code, names, extract).
    md5
        MD5 of the district extract it was cut from (part of the cache key).
    source_url
        The district extract's address.
    downloaded
        Whether this call downloaded the district extract.
    cut
        Whether this call cut the region (``False``: taken from the cache).
    """

    path: Path
    region: FederalSubject
    md5: str
    source_url: str
    downloaded: bool
    cut: bool


def district_extract_url(district: str, url_base: str = GEOFABRIK_URL) -> str:
    """Return the address of a public extract of :data:`EXTRACT_FILES`.

    Parameters
    ----------
    district
        A federal district's slug (``volga``), ``crimea`` or ``kaliningrad``.
    url_base
        Server root (Geofabrik by default, or a mirror).

    Returns
    -------
    str
        ``<url_base>/russia/<district>-fed-district-latest.osm.pbf`` (and so on).

    Raises
    ------
    UnknownRegionError
        If the slug is not one of :data:`EXTRACT_FILES`.
    """
    if district not in EXTRACT_FILES:
        known = ", ".join(EXTRACT_FILES)
        msg = f"{district!r} is not an OpenStreetMap extract of Russia; use one of: {known}"
        raise UnknownRegionError(msg)
    return f"{url_base.rstrip('/')}/russia/{EXTRACT_FILES[district]}"


def _request(url: str, timeout: float, start: int = 0) -> Any:
    """Open ``url`` (from byte ``start``); raise :class:`OsmDownloadError` with the fix."""
    headers = {"User-Agent": f"opora/{__version__} (+fetch-osm)"}
    if start:
        headers["Range"] = f"bytes={start}-"
    req = urllib.request.Request(url, headers=headers)  # noqa: S310 - http(s) only, checked
    try:
        return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:
            return None
        why = f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        why = str(getattr(exc, "reason", exc))
    msg = (
        f"could not download {url}: {why}. Check the network (or a proxy in "
        "$https_proxy), try a mirror with `--url-base URL`, or download the file by hand "
        "and pass it with `--osm FILE`."
    )
    raise OsmDownloadError(msg)


def _check_url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        msg = f"{url}: only http:// and https:// addresses can be downloaded (`--url-base`)"
        raise OsmDownloadError(msg)


def read_published_md5(url: str, *, timeout: float = 60) -> str:
    """Return the MD5 published beside an extract (``<url>.md5``).

    Parameters
    ----------
    url
        Address of the extract.
    timeout
        Seconds to wait for the server.

    Returns
    -------
    str
        32 lower-case hexadecimal digits.

    Raises
    ------
    OsmDownloadError
        If the ``.md5`` file cannot be downloaded or holds no checksum.
    """
    _check_url(url)
    with _request(f"{url}.md5", timeout) as resp:
        text = resp.read(4096).decode("ascii", errors="replace")
    first = text.split()[0] if text.split() else ""
    if not _MD5.match(first):
        msg = (
            f"{url}.md5 holds no MD5 checksum (starts {text[:40]!r}); check `--url-base`: "
            "the server must publish `<file>.md5` beside each extract"
        )
        raise OsmDownloadError(msg)
    return first.lower()


def _md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _stream(url: str, part: Path, timeout: float, progress: ByteProgress | None) -> hashlib._Hash:
    """Fill ``part`` from ``url``, resuming from its size; return the MD5 of the whole."""
    start = part.stat().st_size if part.exists() else 0
    resp = _request(url, timeout, start)
    digest = hashlib.md5(usedforsecurity=False)
    if resp is None:  # 416: the part is already whole (or longer than the file)
        with part.open("rb") as fh:
            for block in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(block)
        return digest
    with resp:
        resumed = start > 0 and getattr(resp, "status", 200) == 206
        if resumed:
            with part.open("rb") as fh:
                for block in iter(lambda: fh.read(_CHUNK), b""):
                    digest.update(block)
        done = start if resumed else 0
        length = resp.headers.get("Content-Length")
        total = done + int(length) if length and length.isdigit() else None
        try:
            with part.open("ab" if resumed else "wb") as fh:
                while block := resp.read(_CHUNK):
                    fh.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
        except (OSError, http.client.HTTPException) as exc:
            msg = (
                f"the download of {url} stopped after {done:,} bytes ({exc}); run the "
                "same command again to resume it, or try a mirror with `--url-base URL`"
            )
            raise OsmDownloadError(msg) from exc
    if total is not None and done < total:
        msg = (
            f"the download of {url} stopped after {done:,} of {total:,} bytes; run the "
            "same command again to resume it"
        )
        raise OsmDownloadError(msg)
    return digest


def download_extract(
    url: str,
    target: str | Path,
    *,
    md5: str | None = None,
    timeout: float = 60,
    progress: ByteProgress | None = None,
) -> str:
    """Download an extract to ``target``, verified against the MD5 published beside it.

    The bytes go to ``<target>.part`` (with the expected MD5 in ``<target>.part.md5``);
    a later call resumes it while the published MD5 is the same. The file is moved to
    ``target`` only when its MD5 matches; ``<target>.md5`` then records it.

    Parameters
    ----------
    url
        Address of the ``.osm.pbf`` extract; ``<url>.md5`` must exist beside it.
    target
        Where to keep the extract.
    md5
        The published checksum when already read (:func:`read_published_md5`).
    timeout
        Seconds to wait for the server at each read.
    progress
        Called with (bytes done, bytes in all or ``None``) as the data arrive.

    Returns
    -------
    str
        The MD5 of the file (equal to the published one).

    Raises
    ------
    OsmDownloadError
        If the file or its ``.md5`` cannot be downloaded, or the transfer stops.
    OsmChecksumError
        If the file does not match the published MD5; nothing is kept.
    """
    _check_url(url)
    expected = md5 or read_published_md5(url, timeout=timeout)
    final = Path(target)
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + ".part")
    part_md5 = final.with_name(final.name + ".part.md5")
    if part.exists() and (
        not part_md5.exists() or part_md5.read_text(encoding="ascii").strip() != expected
    ):
        part.unlink()  # a part of another version of the extract: start again
    part_md5.write_text(expected + "\n", encoding="ascii")
    digest = _stream(url, part, timeout, progress).hexdigest()
    if digest != expected:
        part.unlink(missing_ok=True)
        part_md5.unlink(missing_ok=True)
        msg = (
            f"{url}: the downloaded file has MD5 {digest}, but {url}.md5 publishes "
            f"{expected}; the file was damaged on the way or replaced while downloading. "
            "Nothing was kept: run the command again (the extract is re-published daily)."
        )
        raise OsmChecksumError(msg)
    os.replace(part, final)
    part_md5.unlink(missing_ok=True)
    final.with_name(final.name + ".md5").write_text(f"{expected}  {final.name}\n", encoding="ascii")
    return expected


def _regions_dir(cache_dir: str | Path) -> Path:
    return Path(cache_dir) / "osm" / "regions"


def _cached_extract(target: Path) -> str | None:
    """MD5 recorded beside a district extract in the cache, when the file is there."""
    record = target.with_name(target.name + ".md5")
    if not (target.exists() and record.exists()):
        return None
    words = record.read_text(encoding="ascii", errors="replace").split()
    return words[0] if words and _MD5.match(words[0]) else None


def cached_region_extract(region: str | None, cache_dir: str | Path) -> Path | None:
    """Return the latest cut extract of a region in the cache, without any network.

    Parameters
    ----------
    region
        Region name, ISO or OKTMO code (:func:`opora.model.regions.resolve_region`);
        ``None`` for the embedded default region.
    cache_dir
        opora's cache folder (the one :func:`fetch_region_extract` wrote to).

    Returns
    -------
    pathlib.Path or None
        The newest ``<cache>/osm/regions/<ISO>-<md5>.osm.pbf``, or ``None`` when the
        region has never been fetched.

    Raises
    ------
    UnknownRegionError
        If the region is not known.
    """
    iso = _region(region).iso
    folder = _regions_dir(cache_dir)
    if not folder.is_dir():
        return None
    cuts = [p for p in folder.glob(f"{iso}-*.osm.pbf") if p.is_file()]
    return max(cuts, key=lambda p: p.stat().st_mtime) if cuts else None


def fetch_region_extract(
    region: str | None,
    cache_dir: str | Path,
    *,
    url_base: str = GEOFABRIK_URL,
    district: str | None = None,
    refresh: bool = False,
    keep_extract: bool = True,
    timeout: float = 60,
    progress: Callable[[str], None] | None = None,
    bytes_progress: ByteProgress | None = None,
) -> RegionExtract:
    """Download the extract holding a region, verify it, cut the region out and cache it.

    Parameters
    ----------
    region
        Region name, ISO or OKTMO code; ``None`` for the embedded default region.
    cache_dir
        opora's cache folder; files go under ``osm/extracts`` and ``osm/regions``.
    url_base
        Server root laid out like Geofabrik (``<url_base>/russia/…``).
    district
        Federal district extract to use instead of the region's own (a slug of
        :data:`EXTRACT_FILES`: ``volga``, ``crimea``, ``kaliningrad``...).
    refresh
        Check the published MD5 even when the region is cached, and fetch anew when it
        changed.
    keep_extract
        Keep the district extract in the cache for the other regions of the district.
    timeout
        Seconds to wait for the server at each read.
    progress
        Called with a short description as each stage starts.
    bytes_progress
        Called with (bytes done, bytes in all) during the download.

    Returns
    -------
    RegionExtract
        The cut file and where it came from.

    Raises
    ------
    UnknownRegionError
        If the region or the district is not known.
    OsmDownloadError, OsmChecksumError
        If the extract cannot be downloaded or does not match its MD5.
    BoundaryNotFoundError
        If the extract holds no boundary of the region.
    """
    say = progress or (lambda _msg: None)
    reg = _region(region)
    url = district_extract_url(district or reg.osm_extract, url_base)
    cached = cached_region_extract(reg.iso, cache_dir)
    if cached is not None and not refresh:
        return _from_cache(cached, reg, url)
    say(f"checksum of {url}")
    md5 = read_published_md5(url, timeout=timeout)
    out = _regions_dir(cache_dir) / f"{reg.iso}-{md5}.osm.pbf"
    if out.exists():
        return _from_cache(out, reg, url)
    extract = Path(cache_dir) / "osm" / "extracts" / url.rsplit("/", 1)[1]
    downloaded = _cached_extract(extract) != md5
    if downloaded:
        say(f"download {url}")
        download_extract(url, extract, md5=md5, timeout=timeout, progress=bytes_progress)
    summary = cut_region(extract, reg.iso, out, progress=say)
    record = {
        "region": reg.name_ru,
        "region_en": reg.name_en,
        "iso": reg.iso,
        "source_url": url,
        "source_md5": md5,
        "boundary_relation": summary.relation_id,
        "nodes_inside": summary.nodes_inside,
        "ways": summary.ways,
        "relations": summary.relations,
        "cut_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "licence": "© OpenStreetMap contributors, ODbL 1.0",
    }
    out.with_suffix("").with_suffix(".json").write_text(
        json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    for old in _regions_dir(cache_dir).glob(f"{reg.iso}-*.osm.pbf"):
        if old != out:
            old.unlink(missing_ok=True)
            old.with_suffix("").with_suffix(".json").unlink(missing_ok=True)
    if not keep_extract:
        for path in (extract, extract.with_name(extract.name + ".md5")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return RegionExtract(out, reg, md5, url, downloaded=downloaded, cut=True)


def _region(text: str | None) -> FederalSubject:
    return resolve_region(DEFAULT_REGION if text is None else text)


def _from_cache(path: Path, reg: FederalSubject, url: str) -> RegionExtract:
    md5 = path.name.removesuffix(".osm.pbf").removeprefix(f"{reg.iso}-")
    return RegionExtract(path, reg, md5, url, downloaded=False, cut=False)
