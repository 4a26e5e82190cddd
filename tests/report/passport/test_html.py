"""Tests of the passport as HTML: fragment and standalone page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from opora.errors import OporaError, UnknownLanguageError
from opora.report.passport import (
    PASSPORT_CSS,
    render_passport_html,
    write_passport_pdf,
)
from report._html import NBSP, Node, parse
from report.passport._sample import (
    ALERT,
    MODELLED_NOTE,
    TYPE_LABEL,
    TYPE_REASON,
    empty_passport,
    make_passport,
)


def assert_offline(html: str) -> Node:
    """Check that ``html`` is well formed and loads nothing from elsewhere; return its tree."""
    root = parse(html)
    for tag, name, value in root.all_attrs:
        if name in {"src", "href", "srcset", "data", "poster", "action"} and value:
            assert value.startswith(("data:", "#")), f"<{tag} {name}={value[:60]}>"
    assert not re.search(r"https?://", html)
    assert "<script" not in html
    assert "@import" not in html
    return root


def test_html_fragment_ru() -> None:
    html = render_passport_html(make_passport())
    assert html.lstrip().startswith('<section class="passport" id="passport-80615101001"')
    assert "<html" not in html
    assert_offline(html)
    assert "Паспорт населённого пункта" in html
    assert "г. Бирск" in html
    assert "Республика Башкортостан" in html
    assert TYPE_LABEL.ru in html
    assert TYPE_REASON.ru in html
    assert ALERT.ru in html  # the alert, in a highlighted box
    assert re.search(r'class="pp-box pp-alerts"', html)
    assert "недостижимо" in html
    assert f"превышение на 18{NBSP}мин" in html  # 47.6 against 30
    assert "модель" in html
    assert MODELLED_NOTE.ru in html
    assert "Доступность услуг" in html
    assert "Access to services" not in html
    assert html.count("<svg ") == 4  # map, sectors, trends, components
    assert "data:image/png" not in html
    assert "<style>" in html
    assert "@media print" in html


def test_html_fragment_en() -> None:
    html = render_passport_html(make_passport(), "en")
    assert_offline(html)
    assert "Бирск (town)" in html
    assert TYPE_LABEL.en in html
    assert ALERT.en in html
    assert "unreachable" in html
    assert f"18{NBSP}min over" in html
    assert "Access to services" in html
    assert "Доступность услуг" not in html
    assert "недостижимо" not in html
    assert 'lang="en"' in html


def test_html_escapes_data() -> None:
    p = dataclasses.replace(make_passport(), name="<b>Бирск</b>")
    html = render_passport_html(p)
    assert "<b>Бирск</b>" not in html
    assert "&lt;b&gt;Бирск&lt;/b&gt;" in html


def test_html_without_css_for_a_report() -> None:
    html = render_passport_html(make_passport(), include_css=False)
    assert "<style>" not in html
    assert ".passport" in PASSPORT_CSS


def test_html_standalone(tmp_path: Path) -> None:
    html = render_passport_html(make_passport(), standalone=True)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="ru">' in html
    assert "<title>Паспорт: г. Бирск</title>" in html
    assert "@page" in html
    assert "break-before: page" in html
    root = assert_offline(html)
    assert len(root.iter("section")) >= 1
    (tmp_path / "passport.html").write_text(html, encoding="utf-8")


def test_html_empty_passport() -> None:
    html = render_passport_html(empty_passport())
    assert_offline(html)
    assert "пгт Приютово" in html
    assert "Сведения о доступности не переданы." in html
    assert "Индекс устойчивости не рассчитан." in html
    assert html.count("<svg ") == 1  # the map alone


def test_unknown_language() -> None:
    with pytest.raises(UnknownLanguageError) as info:
        render_passport_html(make_passport(), "de")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OporaError)
    with pytest.raises(UnknownLanguageError):
        write_passport_pdf([make_passport()], "unused.pdf", lang="fr")
