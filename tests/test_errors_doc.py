"""docs/errors.md lists every error and warning class of `opora.errors`: message and fix."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import opora.errors

DOC = Path(__file__).parents[1] / "docs" / "errors.md"


def _classes() -> set[str]:
    return {
        name
        for name, obj in vars(opora.errors).items()
        if inspect.isclass(obj) and issubclass(obj, opora.errors.OporaError)
    }


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `(\w+)` \|(.*)\|\s*$", line)
        if m and m.group(1) in _classes() | {"OporaError"}:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split(" | ")]
    return rows


def test_every_error_class_has_a_row_with_its_message_and_fix() -> None:
    rows = _rows()
    missing = _classes() - set(rows)
    assert not missing, f"add to the class table of docs/errors.md: {sorted(missing)}"
    for name, cells in rows.items():
        assert len(cells) == 2, (name, cells)
        assert all(cells), (name, cells)


def test_every_error_class_is_in_the_tree_of_the_docs_and_of_the_module() -> None:
    doc = DOC.read_text(encoding="utf-8")
    tree = opora.errors.__doc__ or ""
    for name in _classes():
        assert re.search(rf"(?m)(^|[─ ]){name}\b", doc), (
            f"{name} missing from the tree of docs/errors.md"
        )
        assert re.search(rf"(?m)(^|[─ ]){name}\b", tree), (
            f"{name} missing from the opora.errors tree"
        )
