"""Every exception and warning of opora lives in ``opora.errors``, in its documented tree."""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from pathlib import Path

import pytest

import opora.errors as errors_module
from opora.errors import OporaError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "opora"

#: A line of the tree: indent, name, optional built-in in brackets.
_TREE_LINE = re.compile(r"^(?P<indent>[\s│]*)(?:├── |└── )(?P<name>\w+)(?: \((?P<base>\w+)\))?")

#: Built-in exception and warning classes by name.
_BUILTINS = {
    name: obj
    for name, obj in vars(builtins).items()
    if inspect.isclass(obj) and issubclass(obj, BaseException)
}


def _tree(text: str) -> dict[str, tuple[str, str]]:
    """Return name → (parent in the tree, documented built-in) from a drawn tree."""
    out: dict[str, tuple[str, str]] = {}
    stack: list[tuple[int, str]] = [(-1, "OporaError")]
    for line in text.splitlines():
        m = _TREE_LINE.match(line)
        if m is None:
            continue
        depth = len(m["indent"])
        while stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1]
        base = m["base"] or (out[parent][1] if parent in out else "")
        out[m["name"]] = (parent, base)
        stack.append((depth, m["name"]))
    return out


DOC_TREE = _tree(errors_module.__doc__ or "")
CLASSES = {
    name: cls
    for name, cls in vars(errors_module).items()
    if inspect.isclass(cls) and cls.__module__ == errors_module.__name__
}


def test_every_class_is_in_all_and_in_the_tree() -> None:
    assert set(CLASSES) == set(errors_module.__all__)
    assert set(CLASSES) - {"OporaError"} == set(DOC_TREE)


@pytest.mark.parametrize("name", sorted(DOC_TREE))
def test_class_derives_from_opora_error_and_its_documented_builtin(name: str) -> None:
    cls = CLASSES[name]
    parent, builtin = DOC_TREE[name]
    assert issubclass(cls, OporaError)
    assert issubclass(cls, CLASSES[parent])
    assert builtin in _BUILTINS, f"{name}: documented built-in {builtin!r} is not one"
    assert issubclass(cls, _BUILTINS[builtin])
    assert cls.__doc__, f"{name} has no docstring"


def test_docs_page_shows_the_same_tree() -> None:
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert _tree(page) == DOC_TREE


def _exception_classes(tree: ast.Module, known: set[str]) -> list[str]:
    """Names of the classes of a module that derive from an exception or warning."""
    found: list[str] = []
    names = set(known)
    changed = True
    while changed:
        changed = False
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef) or node.name in found:
                continue
            bases = {
                b.id if isinstance(b, ast.Name) else b.attr
                for b in node.bases
                if isinstance(b, ast.Name | ast.Attribute)
            }
            if bases & names:
                found.append(node.name)
                names.add(node.name)
                changed = True
    return found


def test_no_exception_class_outside_errors_module() -> None:
    known = set(_BUILTINS) | set(CLASSES)
    stray = {
        str(p.relative_to(SRC.parent)): classes
        for p in sorted(SRC.rglob("*.py"))
        if p != SRC / "errors.py"
        and (classes := _exception_classes(ast.parse(p.read_text(encoding="utf-8")), known))
    }
    assert stray == {}, f"exception or warning classes outside opora/errors.py: {stray}"
