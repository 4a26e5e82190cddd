"""Helpers of the report tests: an HTML element tree and a page run in a browser.

The report and the passports are checked through the elements they produce, not
through their text: :func:`parse` builds a small tree with the standard library's
parser and fails on unbalanced tags, so every test also checks that the markup is
well formed. :func:`assert_loads_nothing` and :func:`assert_links_stay_inside` check
that a document is self-contained; :func:`section_label_keys` and
:func:`assert_no_russian_labels` check a section's labels. :func:`run_in_browser` runs
a probe script in headless Chromium where one is installed.
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

from opora.report import LABELS

NBSP = "\u00a0"
MINUS = "\u2212"

#: Attributes through which an element can load or link another resource.
LINK_ATTRS = frozenset({"src", "href", "xlink:href", "action", "data", "poster", "srcset"})

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


def body_markup(html: str) -> str:
    """Return the markup of the document's body, up to its first script."""
    return html.split("<body>", 1)[1].split("<script>", 1)[0]


def nav_links(root: Node, section_id: str) -> list[Node]:
    """Return the document's links to the section ``section_id``."""
    return [a for a in root.iter("a") if a.attrs.get("href") == f"#{section_id}"]


def find_section(root: Node, section_id: str, heading: str) -> Node:
    """Return the section ``section_id``; check it has one navigation link, ``heading``."""
    section = root.find_id(section_id)
    assert section.tag == "section"
    links = nav_links(root, section_id)
    assert len(links) == 1
    assert links[0].text == heading
    return section


def assert_no_section(html: str, root: Node, section_id: str, heading: str) -> None:
    """Fail if the document holds the section ``section_id``, a link to it or its ``heading``."""
    assert root.by_id(section_id) == []
    assert nav_links(root, section_id) == []
    assert heading not in html


def assert_loads_nothing(html: str, root: Node, *, svg_refs: bool = False) -> None:
    """Fail if the document (``html``, parsed as ``root``) could load anything from elsewhere.

    With ``svg_refs``, ``url(#id)`` references to the document's own SVG elements (arrow
    markers) are allowed; otherwise the document may hold no ``url(`` at all.
    """
    assert not root.iter("link")
    assert not root.iter("iframe")
    assert all("src" not in s.attrs for s in root.iter("script"))
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(?!#)" if svg_refs else r"url\(", html)
    assert not re.search(r"https?://", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?//""", html)
    assert "fetch(" not in html
    assert "XMLHttpRequest" not in html


def assert_links_stay_inside(root: Node) -> None:
    """Fail unless every link of the document is an ``href`` to ``#...`` and it has no image."""
    for tag, name, value in root.all_attrs:
        if name in LINK_ATTRS:
            assert name == "href", f"<{tag} {name}={value}>"
            assert value.startswith("#"), f"<{tag} {name}={value}>"
    assert not root.iter("img")


def section_label_keys(prefix: str, minimum: int) -> set[str]:
    """Return the label keys starting with ``prefix``; check they are paired and filled.

    Fails unless both languages have the same keys, more than ``minimum`` of them, and
    no text is empty.
    """
    ru = {k for k in LABELS["ru"] if k.startswith(prefix)}
    en = {k for k in LABELS["en"] if k.startswith(prefix)}
    assert ru == en
    assert len(ru) > minimum
    assert all(LABELS[lang][key].strip() for lang in ("ru", "en") for key in ru)
    return ru


def assert_no_russian_labels(keys: set[str], html_en: str) -> None:
    """Fail if the Russian text of one of ``keys`` shows in the English document."""
    for key in keys:
        text = LABELS["ru"][key]
        if "{" not in text and text != LABELS["en"][key] and len(text) > 3:
            assert text not in html_en, key


def select_probe(state_function: str, select_id: str, values: list[str]) -> str:
    """Return a probe script that changes a ``<select>`` and records the page each time.

    ``state_function`` is JavaScript that defines ``function state()``, which returns
    what to record. The probe records ``state()`` at load, then sets the select
    ``select_id`` to each of ``values`` in turn (firing ``change``) and records it
    again; :func:`run_in_browser` returns the list of the ``1 + len(values)`` states.
    """
    return f"""
<script>
(function () {{
{state_function.rstrip()}
  var sel = document.getElementById({json.dumps(select_id)});
  var states = [state()];
  {json.dumps(values)}.forEach(function (v) {{
    sel.value = v;
    sel.dispatchEvent(new Event("change"));
    states.push(state());
  }});
  var out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(states);
  document.body.appendChild(out);
}}());
</script>
"""


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
