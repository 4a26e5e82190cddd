"""Compare the tables two runs of opora wrote: ``python scripts/compare_runs.py DIR_A DIR_B``.

Every CSV, Parquet, JSON, GeoPackage layer and workbook sheet below the two folders is
compared (see ``opora.testing.compare_run_folders``); reports, pictures and PDFs are not.
Exit status 0 when the runs wrote the same tables, 1 otherwise (each difference listed).
"""

from __future__ import annotations

import argparse
import sys

from opora.testing import TABLE_SUFFIXES, compare_run_folders


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left")
    parser.add_argument("right")
    parser.add_argument("--ignore", action="append", default=[], help="glob of files to skip")
    args = parser.parse_args()
    diffs = compare_run_folders(args.left, args.right, ignore=args.ignore)
    for line in diffs:
        print(line)
    kinds = ", ".join(TABLE_SUFFIXES)
    print(f"{len(diffs)} differences in the tables ({kinds}) of {args.left} and {args.right}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
