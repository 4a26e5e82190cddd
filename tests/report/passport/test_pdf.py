"""Tests of the passports as a PDF."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from opora.errors import ReportInputError
from opora.report.passport import (
    BiText,
    write_passport_pdf,
)
from report._html import NBSP
from report.passport._sample import (
    ALERT,
    TYPE_LABEL,
    empty_passport,
    make_passport,
)

pypdf = pytest.importorskip("pypdf")


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace(NBSP, " ").split()), len(reader.pages)


@pytest.fixture(scope="module")
def ru_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("passport") / "out" / "birsk.pdf"
    return write_passport_pdf([make_passport()], out)


def test_pdf_text_ru(ru_pdf: Path) -> None:
    path = ru_pdf
    assert path.name == "birsk.pdf"
    assert path.is_file()
    assert path.read_bytes().startswith(b"%PDF")
    text, pages = _pdf_text(path)
    assert pages >= 2
    assert "Бирск" in text
    assert TYPE_LABEL.ru in text
    assert "Сокращающийся" in text
    assert ALERT.ru in text
    assert "недостижимо" in text
    assert "модель" in text
    assert "Дорожная сеть смоделирована" in text
    assert f"стр. 1 из {pages}" in text


def test_pdf_text_en(tmp_path: Path) -> None:
    path = write_passport_pdf([make_passport()], tmp_path / "birsk_en.pdf", lang="en")
    text, pages = _pdf_text(path)
    assert "Бирск (town)" in text
    assert TYPE_LABEL.en in text
    assert ALERT.en in text
    assert "unreachable" in text
    assert f"page {pages} of {pages}" in text
    assert "недостижимо" not in text


def test_pdf_several_passports(tmp_path: Path, ru_pdf: Path) -> None:
    _, pages_one = _pdf_text(ru_pdf)
    many = [make_passport(), make_passport("Янаул", "80659101001"), empty_passport()]
    path = write_passport_pdf(many, tmp_path / "three.pdf")
    text, pages = _pdf_text(path)
    assert pages >= len(many)
    assert pages >= 2 * pages_one + 1
    for name in ("Бирск", "Янаул", "Приютово"):
        assert name in text
    # each passport starts on its own page: its title is at the top of a page
    reader = pypdf.PdfReader(str(path))
    firsts = [(reader.pages[i].extract_text() or "")[:200] for i in range(pages)]
    assert sum("ПАСПОРТ НАСЕЛЁННОГО ПУНКТА" in f for f in firsts) == len(many)


def test_pdf_long_text_wraps(tmp_path: Path) -> None:
    long = " ".join(["очень длинное обоснование с цифрами 12 345 и 67,8 %"] * 25)
    p = dataclasses.replace(
        make_passport(),
        candidates=[(BiText("Направление", "Option"), 0.5, BiText(long, long))] * 4,
        card={"alerts": [BiText(long, long)] * 3, "targets": [BiText(long, long)] * 5},
    )
    path = write_passport_pdf([p], tmp_path / "long.pdf")
    text, pages = _pdf_text(path)
    assert pages >= 3
    assert "очень длинное обоснование" in text


def test_pdf_requires_a_passport(tmp_path: Path) -> None:
    with pytest.raises(ReportInputError):
        write_passport_pdf([], tmp_path / "none.pdf")
