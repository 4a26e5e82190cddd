"""The house's rules (docs/architecture.md), checked on the package's real imports.

- the layers contract and the acyclic-siblings contract declared in ``pyproject.toml``
  (import-linter), which count imports inside functions too;
- no import cycle between any two modules (grimp's import graph, strongly connected
  components by networkx), a stricter check than sibling packages;
- no module above about 1,000 lines unless it is listed here with the one job it holds;
"""

from __future__ import annotations

import os
from pathlib import Path

import grimp
import networkx as nx
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "opora"

#: Modules allowed above the size limit, each with the one job it holds.
LARGE_MODULES: dict[str, str] = {}

MAX_LINES = 1_000


def test_layers_and_acyclic_contracts(capsys: pytest.CaptureFixture[str]) -> None:
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert code == 0, out


def test_no_module_level_import_cycle() -> None:
    graph = grimp.build_graph("opora", cache_dir=None)
    g = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            g.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def test_no_oversized_module() -> None:
    sizes = {
        str(p.relative_to(SRC.parent)): len(p.read_text(encoding="utf-8").splitlines())
        for p in SRC.rglob("*.py")
    }
    large = {name: n for name, n in sizes.items() if n > MAX_LINES and name not in LARGE_MODULES}
    assert large == {}, f"modules above {MAX_LINES} lines: {large}"
