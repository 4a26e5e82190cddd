"""Print the package-level import graph of opora (for docs/architecture.md).

``python scripts/import_graph.py``: one line per sub-package of ``opora``, with the
sub-packages it imports (lazy imports inside functions included), from grimp's graph.
"""

from __future__ import annotations

import grimp


def main() -> None:
    graph = grimp.build_graph("opora", cache_dir=None)
    top = sorted(m for m in graph.find_children("opora"))
    for package in top:
        imported = set()
        for module in {package} | graph.find_descendants(package):
            for target in graph.find_modules_directly_imported_by(module):
                owner = next((t for t in top if target == t or target.startswith(t + ".")), None)
                if owner and owner != package:
                    imported.add(owner)
        names = ", ".join(sorted(t.removeprefix("opora.") for t in imported)) or "—"
        print(f"{package.removeprefix('opora.'):<10} -> {names}")


if __name__ == "__main__":
    main()
