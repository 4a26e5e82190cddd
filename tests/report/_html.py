"""Helpers of the report tests: an HTML element tree and a page run in a browser.

The report and the passports are checked through the elements they produce, not
through their text: :func:`parse` builds a small tree with the standard library's
parser and fails on unbalanced tags, so every test also checks that the markup is
well formed. :func:`run_in_browser` runs a probe script in headless Chromium where
one is installed.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

NBSP = "\u00a0"
MINUS = "\u2212"

#: Elements without a closing tag.
_VOID = {"meta", "input", "br", "img", "link", "hr", "source", "wbr", "col", "area"}

#: Headless Chromium, or ``None`` where none is installed.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Node:
    """An element: tag, attributes, children, and its text and children in document order."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node] = []
        self.content: list[str | Node] = []  # text and children, in document order
        #: Every attribute of the document as ``(tag, name, value)`` (filled on the root).
        self.all_attrs: list[tuple[str, str, str]] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.content)

    def iter(self, tag: str | None = None) -> list[Node]:
        found = [self] if tag is None or self.tag == tag else []
        for child in self.children:
            found.extend(child.iter(tag))
        return found

    def by_id(self, node_id: str) -> list[Node]:
        return [n for n in self.iter() if n.attrs.get("id") == node_id]

    def find_id(self, node_id: str) -> Node:
        hits = self.by_id(node_id)
        assert len(hits) == 1, f"expected one element with id={node_id}, got {len(hits)}"
        return hits[0]

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def by_class(self, cls: str, tag: str | None = None) -> list[Node]:
        return [n for n in self.iter(tag) if cls in n.classes()]

    def ancestors(self) -> list[Node]:
        found = []
        node = self.parent
        while node is not None:
            found.append(node)
            node = node.parent
        return found


class _TreeBuilder(HTMLParser):
    """Build a :class:`Node` tree with the stdlib parser, checking tags are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def _add(self, tag: str, attrs: list[tuple[str, str | None]]) -> Node:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.root.all_attrs.extend((tag, k, v or "") for k, v in attrs)
        self.current.children.append(node)
        self.current.content.append(node)
        return node

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = self._add(tag, attrs)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.content.append(data)


def parse(html: str) -> Node:
    """Return the element tree of ``html``; fail on unbalanced or unclosed tags."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, "unclosed elements at end of document"
    return builder.root


def body_rows(table: Node) -> list[Node]:
    """Return the rows of a table's body."""
    return table.iter("tbody")[0].iter("tr")


def cells(row: Node) -> list[str]:
    """Return the stripped text of a row's cells."""
    return [td.text.strip() for td in row.iter("td")]


def run_in_browser(html: str, probe: str, tmp_path: Path) -> Any:
    """Open ``html`` with the ``probe`` script in headless Chromium and return its result.

    The probe must write its result as JSON into a ``<pre id="probe">`` element.
    """
    assert CHROMIUM is not None
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    match = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert match, result.stderr[-2000:]
    return json.loads(html_lib.unescape(match.group(1)))
