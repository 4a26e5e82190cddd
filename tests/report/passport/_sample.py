"""Town passports for the passport tests: a full one and an empty one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.report.passport import BiText, TownPassport
from report._html import NBSP

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


def neighbours() -> pd.DataFrame:
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


def make_passport(
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
        neighbours=neighbours(),
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


def empty_passport() -> TownPassport:
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
