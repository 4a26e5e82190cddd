"""Vendor MapLibre GL JS into the web application's static folder.

Usage, from the project root::

    python scripts/vendor_web.py [--version 5.24.1] [--check]

Fetches the pinned ``maplibre-gl`` release from the npm registry with ``npm pack`` into a
temporary folder, checks the tarball against the registry's ``dist.integrity`` (sha512,
Subresource-Integrity form), and copies ``dist/maplibre-gl.js``, ``dist/maplibre-gl.css`` and
``LICENSE.txt`` into ``src/opora/api/static/vendor/maplibre-gl/`` with a ``VERSION`` manifest
(version, tarball integrity, sha256 of each copied file). The copied files are committed: the
application must work offline, so nothing is fetched when it runs.

``--check`` fetches nothing: it recomputes the sha256 of the committed files and compares
them with the manifest (exit status 1 on a mismatch).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "5.24.1"
DEST = Path(__file__).resolve().parents[1] / "src" / "opora" / "api" / "static" / "vendor"
FILES = {
    "package/dist/maplibre-gl.js": "maplibre-gl.js",
    "package/dist/maplibre-gl.css": "maplibre-gl.css",
    "package/LICENSE.txt": "LICENSE.txt",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _registry_integrity(version: str) -> str:
    out = subprocess.run(
        ["npm", "view", f"maplibre-gl@{version}", "dist.integrity", "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    value = json.loads(out)
    if not isinstance(value, str) or not value.startswith("sha512-"):
        msg = f"npm registry gave no sha512 dist.integrity for maplibre-gl@{version}: {out!r}"
        raise SystemExit(msg)
    return value


def _tarball_integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def vendor(version: str, dest: Path) -> Path:
    """Fetch, verify and copy one maplibre-gl release; return the folder written."""
    expected = _registry_integrity(version)
    target = dest / "maplibre-gl"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"maplibre-gl@{version}", "--silent"],
            check=True,
            cwd=tmp,
            capture_output=True,
        )
        tarballs = list(Path(tmp).glob("maplibre-gl-*.tgz"))
        if len(tarballs) != 1:
            msg = f"npm pack wrote {tarballs}, expected one maplibre-gl-{version}.tgz"
            raise SystemExit(msg)
        got = _tarball_integrity(tarballs[0])
        if got != expected:
            msg = f"integrity mismatch for maplibre-gl@{version}: registry {expected}, got {got}"
            raise SystemExit(msg)
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarballs[0], "r:gz") as tar:
            for member, name in FILES.items():
                src = tar.extractfile(member)
                if src is None:
                    msg = f"{member} missing from maplibre-gl@{version}"
                    raise SystemExit(msg)
                with src, open(target / name, "wb") as out:
                    shutil.copyfileobj(src, out)
    manifest = {
        "package": "maplibre-gl",
        "version": version,
        "source": f"https://registry.npmjs.org/maplibre-gl/-/maplibre-gl-{version}.tgz",
        "integrity": expected,
        "license": "BSD-3-Clause (LICENSE.txt)",
        "sha256": {name: _sha256(target / name) for name in sorted(FILES.values())},
    }
    (target / "VERSION").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return target


def check(dest: Path) -> bool:
    """Compare the committed files with the sha256 in their manifest."""
    target = dest / "maplibre-gl"
    manifest = json.loads((target / "VERSION").read_text(encoding="utf-8"))
    ok = True
    for name, digest in manifest["sha256"].items():
        got = _sha256(target / name)
        if got != digest:
            print(f"{target / name}: sha256 {got}, manifest says {digest}")
            ok = False
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--dest", type=Path, default=DEST)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.check:
        ok = check(args.dest)
        print("vendored files match their manifest" if ok else "vendored files changed")
        sys.exit(0 if ok else 1)
    out = vendor(args.version, args.dest)
    print(f"wrote maplibre-gl {args.version} to {out}")


if __name__ == "__main__":
    main()
