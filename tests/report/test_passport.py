"""Tests of the town passport: HTML fragment, standalone page and PDF."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.errors import OporaError
from opora.report.html import ReportInputError, UnknownLanguageError
from opora.report.passport import (
    PASSPORT_CSS,
    BiText,
    TownPassport,
    render_passport_html,
    write_passport_pdf,
)
from opora.report.passport_labels import PASSPORT_LABELS, PASSPORT_LANGUAGES, passport_label

pypdf = pytest.importorskip("pypdf")

NBSP = "\u00a0"
ALERT = BiText(
    "Население сократилось на 12 % за 5 лет — выше медианы субъекта",
    "Population fell by 12% in 5 years, faster than the regional median",
)
TYPE_LABEL = BiText("Межрайонный центр услуг", "Inter-district service centre")
TYPE_REASON = BiText(
    "больница и колледж обслуживают 14 244 жителей соседних районов",
    "the hospital and the college serve 14,244 residents of nearby districts",
)
MODELLED_NOTE = BiText(
    "Дорожная сеть смоделирована: время в пути ориентировочное.",
    "The road network is modelled: travel times are indicative.",
)


def _neighbours() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Бирск", "Мишкино", "Караидель", "Бураево", "Старобалтачево", "Угузево"],
            "type": ["г", "с", "с", "с", "с", "д"],
            "population": [44_833, 7_200, 6_900, 6_100, 5_800, np.nan],
            "lon": [55.53, 55.55, 56.91, 55.41, 56.00, 55.80],
            "lat": [55.42, 55.54, 55.83, 55.84, 56.00, np.nan],
            "anchor_level": [None, "local", "inter_district", "local", None, None],
        }
    )


def _passport(
    name: str = "Бирск",
    oktmo: str = "80615101001",
    *,
    alerts: list[BiText] | None = None,
) -> TownPassport:
    accessibility = pd.DataFrame(
        {
            "service_ru": ["Больница", "Поликлиника", "Роддом", "Школа"],
            "service_en": ["Hospital", "Polyclinic", "Maternity ward", "School"],
            "minutes": [12.0, 8.4, np.nan, 47.6],
            "standard": [60.0, 30.0, 90.0, 30.0],
            "within": [True, True, False, False],
            "modelled": [False, True, True, False],
        }
    )
    sectors = pd.DataFrame(
        {
            "section": ["C", "G", "P", "Q", "A", "F"],
            "label_ru": [
                "Обрабатывающие производства",
                "Торговля оптовая и розничная; ремонт автотранспортных средств",
                "Образование",
                "Деятельность в области здравоохранения и социальных услуг",
                "Сельское, лесное хозяйство, охота, рыболовство и рыбоводство",
                "Строительство",
            ],
            "label_en": [
                "Manufacturing",
                "Wholesale and retail trade",
                "Education",
                "Human health and social work",
                "Agriculture, forestry and fishing",
                "Construction",
            ],
            "share": [0.21, 0.18, 0.12, 0.11, 0.08, np.nan],
            "region_share": [0.25, 0.16, 0.09, 0.08, 0.05, 0.07],
        }
    )
    years = [2019, 2020, 2021, 2022, 2023]
    trends = pd.concat(
        [
            pd.DataFrame(
                {
                    "series_ru": "Численность населения",
                    "series_en": "Population",
                    "unit": "тыс. чел.",
                    "year": years,
                    "value": [46.1, 45.7, 45.3, 45.0, 44.8],
                    "region_median": [12.0, 11.9, 11.8, 11.6, 11.5],
                }
            ),
            pd.DataFrame(
                {
                    "series_ru": "Среднемесячная заработная плата",
                    "series_en": "Average monthly wage",
                    "unit": "тыс. руб.",
                    "year": years,
                    "value": [28.4, 30.1, 33.0, 38.2, 44.9],
                    "region_median": [27.0, 28.8, 31.5, 36.0, 42.3],
                }
            ),
        ],
        ignore_index=True,
    )
    return TownPassport(
        oktmo=oktmo,
        name=name,
        settlement_type="г",
        municipality="Бирский район",
        municipality_oktmo="80615000",
        region="Республика Башкортостан",
        population=44_833.0,
        population_year=2024,
        lon=55.53,
        lat=55.42,
        neighbours=_neighbours(),
        profile=[
            (BiText("Население", "Population"), f"44{NBSP}833"),
            (BiText("Доля пенсионеров", "Pensioners' share"), "27,4 %"),
            (BiText("Расстояние до центра субъекта", "Distance to the regional capital"), "98 км"),
        ],
        types=[
            ("inter_district", TYPE_LABEL, TYPE_REASON),
            ("shrinking", BiText("Сокращающийся", "Shrinking"), BiText("−2,8 % за 5 лет", "−2.8%")),
        ],
        accessibility=accessibility,
        anchor_role=BiText(
            "межрайонный центр: больница обслуживает 14 244 жителей соседних районов",
            "inter-district centre: the hospital serves 14,244 residents of nearby districts",
        ),
        sector_shares=sectors,
        trends=trends,
        candidates=[
            (
                BiText("Пищевая промышленность", "Food processing"),
                0.82,
                BiText("коэффициент локализации 1,9; рост занятости", "location quotient 1.9"),
            ),
            (BiText("Туризм", "Tourism"), 0.41, BiText("река Белая, музеи", "Belaya river")),
        ],
        resilience=(62.4, 5, 48),
        resilience_components=[
            (BiText("Демография", "Demography"), 41.0),
            (BiText("Диверсификация экономики", "Economic diversity"), 73.5),
            (BiText("Бюджетная устойчивость", "Fiscal resilience"), None),
        ],
        card={
            "foundation": [BiText("Больница и колледж", "Hospital and college")],
            "specialisation": [BiText("Переработка молока", "Dairy processing")],
            "instruments": [BiText("ТОСЭР, программа «Земский доктор»", "ASEZ, rural doctor")],
            "targets": [BiText("Доля в нормативе ≥ 95 % к 2030", "≥ 95% within by 2030")],
            "alerts": alerts if alerts is not None else [ALERT],
        },
        notes=[MODELLED_NOTE, BiText("Часть данных скрыта Росстатом.", "Some data suppressed.")],
        sources=[
            BiText("Росстат, БДПМО, 2024", "Rosstat, municipal database, 2024"),
            BiText("© участники OpenStreetMap, ODbL", "© OpenStreetMap contributors, ODbL"),
        ],
    )


def _empty_passport() -> TownPassport:
    """A passport with no data at all but the header: nothing may fail."""
    return TownPassport(
        oktmo="80615152051",
        name="Приютово",
        settlement_type="пгт",
        municipality="Белебеевский район",
        municipality_oktmo="80609000",
        region="Республика Башкортостан",
        population=None,
        population_year=None,
        lon=53.95,
        lat=53.90,
        neighbours=pd.DataFrame(),
        profile=[],
        types=[],
        accessibility=pd.DataFrame(),
        anchor_role=BiText("", ""),
        sector_shares=pd.DataFrame(),
        trends=pd.DataFrame(),
        candidates=[],
        resilience=None,
        resilience_components=[],
        card={},
        notes=[],
        sources=[],
    )


class _Refs(HTMLParser):
    """Collect every attribute that could load something from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in {"src", "href", "srcset", "data", "poster", "action"} and value:
                self.refs.append((tag, name, value))


def _assert_offline(html: str) -> _Refs:
    parser = _Refs()
    parser.feed(html)
    for tag, name, value in parser.refs:
        assert value.startswith(("data:", "#")), f"<{tag} {name}={value[:60]}>"
    assert not re.search(r"https?://", html)
    assert "<script" not in html
    assert "@import" not in html
    return parser


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(text.replace(NBSP, " ").split()), len(reader.pages)


# --------------------------------------------------------------------------- labels


def test_label_key_sets_are_equal() -> None:
    assert set(PASSPORT_LANGUAGES) == set(PASSPORT_LABELS)
    assert set(PASSPORT_LABELS["ru"]) == set(PASSPORT_LABELS["en"])
    for lang in PASSPORT_LANGUAGES:
        assert all(v.strip() for v in PASSPORT_LABELS[lang].values())


def test_label_placeholders_match() -> None:
    def fields(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", text))

    for key, ru in PASSPORT_LABELS["ru"].items():
        assert fields(ru) == fields(PASSPORT_LABELS["en"][key]), key


def test_passport_label_unknown_language() -> None:
    assert passport_label("access_unreachable", "ru") == "недостижимо"
    with pytest.raises(UnknownLanguageError):
        passport_label("access_unreachable", "de")


# --------------------------------------------------------------------------- contract


def test_passport_is_frozen() -> None:
    p = _passport()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "Другой"  # type: ignore[misc]


def test_missing_column_is_named() -> None:
    bad = pd.DataFrame({"service_ru": ["Больница"], "minutes": [5.0]})
    with pytest.raises(ReportInputError, match=r"accessibility.*service_en"):
        dataclasses.replace(_passport(), accessibility=bad)


# --------------------------------------------------------------------------- HTML


def test_html_fragment_ru() -> None:
    html = render_passport_html(_passport())
    assert html.lstrip().startswith('<section class="passport" id="passport-80615101001"')
    assert "<html" not in html
    _assert_offline(html)
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
    assert html.count("data:image/png;base64,") == 4  # map, sectors, trends, components
    assert "<style>" in html
    assert "@media print" in html


def test_html_fragment_en() -> None:
    html = render_passport_html(_passport(), "en")
    _assert_offline(html)
    assert "Бирск (town)" in html
    assert TYPE_LABEL.en in html
    assert ALERT.en in html
    assert "unreachable" in html
    assert f"18{NBSP}min over" in html
    assert "Access to services" in html
    assert "Доступность услуг" not in html
    assert "недостижимо" not in html
    assert 'lang="en"' in html


def test_rendering_leaves_matplotlib_settings_alone(tmp_path: Path) -> None:
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    backend = mpl.rcParams._get_backend_or_none()  # type: ignore[attr-defined]
    render_passport_html(_empty_passport())
    assert dict(mpl.rcParams) == before
    assert mpl.rcParams._get_backend_or_none() == backend  # type: ignore[attr-defined]


def test_html_escapes_data() -> None:
    p = dataclasses.replace(_passport(), name="<b>Бирск</b>")
    html = render_passport_html(p)
    assert "<b>Бирск</b>" not in html
    assert "&lt;b&gt;Бирск&lt;/b&gt;" in html


def test_html_without_css_for_a_report() -> None:
    html = render_passport_html(_passport(), include_css=False)
    assert "<style>" not in html
    assert ".passport" in PASSPORT_CSS


def test_html_standalone(tmp_path: Path) -> None:
    html = render_passport_html(_passport(), standalone=True)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="ru">' in html
    assert "<title>Паспорт: г. Бирск</title>" in html
    assert "@page" in html
    assert "break-before: page" in html
    parser = _assert_offline(html)
    assert [tag for tag, _ in parser.tags].count("section") >= 1
    (tmp_path / "passport.html").write_text(html, encoding="utf-8")


def test_html_empty_passport() -> None:
    html = render_passport_html(_empty_passport())
    _assert_offline(html)
    assert "пгт Приютово" in html
    assert "Сведения о доступности не переданы." in html
    assert "Индекс устойчивости не рассчитан." in html
    assert html.count("data:image/png;base64,") == 1  # the map alone


def test_unknown_language() -> None:
    with pytest.raises(UnknownLanguageError) as info:
        render_passport_html(_passport(), "de")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OporaError)
    with pytest.raises(UnknownLanguageError):
        write_passport_pdf([_passport()], "unused.pdf", lang="fr")


# --------------------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def ru_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("passport") / "out" / "birsk.pdf"
    return write_passport_pdf([_passport()], out)


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
    path = write_passport_pdf([_passport()], tmp_path / "birsk_en.pdf", lang="en")
    text, pages = _pdf_text(path)
    assert "Бирск (town)" in text
    assert TYPE_LABEL.en in text
    assert ALERT.en in text
    assert "unreachable" in text
    assert f"page {pages} of {pages}" in text
    assert "недостижимо" not in text


def test_pdf_several_passports(tmp_path: Path, ru_pdf: Path) -> None:
    _, pages_one = _pdf_text(ru_pdf)
    many = [_passport(), _passport("Янаул", "80659101001"), _empty_passport()]
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
        _passport(),
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
