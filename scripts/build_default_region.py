"""Rebuild the embedded default region (Republic of Bashkortostan) from the real sources.

Usage, from the project root::

    python scripts/build_default_region.py [--data-dir ../shared/data]

Reads every source with opora's own readers and writes the processed subset to
``src/opora/data/bashkortostan/`` (see its SOURCES.md). The GPL settlement register
is not part of the subset: it is fetched at set-up.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from opora.io.sources import embedded_dir, read_sources, write_embedded
from opora.model.regions import DEFAULT_REGION


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    bundle = read_sources(args.data_dir, DEFAULT_REGION)
    out = write_embedded(bundle, Path("src/opora/data/bashkortostan"))
    print(f"wrote {out} (package folder: {embedded_dir()})")
    for row in bundle.imports:
        print(row)


if __name__ == "__main__":
    main()
