"""OpenStreetMap files as given: the checks shared by the road and facility readers."""

from __future__ import annotations

from pathlib import Path

from opora.errors import FormatError
from opora.io._checks import check_exists


def _check_osm_file(path: str | Path) -> Path:
    """Return the path of an OSM file; raise when it is missing or not an OSM file."""
    p = check_exists(path)
    name = p.name.lower()
    if name.endswith(".pbf"):
        with p.open("rb") as fh:
            head = fh.read(64)
        if b"OSMHeader" not in head:
            msg = (
                "not an OpenStreetMap PBF file (no `OSMHeader` block at the start); "
                "download the extract again (for example a region from Geofabrik) as .osm.pbf"
            )
            raise FormatError(p, msg)
    elif not name.endswith((".osm", ".osm.bz2", ".osm.gz", ".o5m", ".opl")):
        msg = "not an OpenStreetMap file: expected an .osm.pbf extract (or .osm XML)"
        raise FormatError(p, msg)
    return p


def _unreadable(p: Path, exc: RuntimeError) -> FormatError:
    """Return the error raised when libosmium cannot read the file."""
    msg = f"cannot be read as OpenStreetMap data ({exc}); download the extract again"
    return FormatError(p, msg)
