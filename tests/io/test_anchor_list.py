"""Reading anchor lists, scenario files and the levels of the hierarchy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.anchors.lists import resolve_anchor_list
from opora.errors import FormatError, MissingColumnError
from opora.io.anchor_list import read_anchor_list, read_scenarios
from opora.io.normatives import AnchorLevel, read_anchor_levels, read_normatives
from opora.model.roads import RoadGraph

SETTLEMENTS = pd.DataFrame(
    {
        "settlement_id": ["80611101001", "80628403111", "80609101001", "80701000001"],
        "oktmo": ["80611101001", "80628403111", "80609101001", "80701000001"],
        "name": ["Белорецк", "Белорецк", "Белебей", "Уфа"],
        "municipality": ["80611000", "80628000", "80609000", "80701000"],
        "municipality_name": ["Белорецкий район", "Кигинский район", "Белебеевский район", "Уфа"],
    }
)


def test_list_russian_headers_and_semicolons(tmp_path):
    p = tmp_path / "onp.csv"
    p.write_text(
        "ОКТМО;Наименование;Уровень;Муниципальный район\n"
        "80609101001;Белебей;межрайонный;\n"
        ";Белорецк;опорный;Белорецкий район\n"
        ";Белорецк;опорный;\n"
        "80600000999;Нигде;опорный;\n"
        "80701000001;Уфа;local;\n"
        "80701000001;Уфа;district;\n",
        encoding="utf-8",
    )
    table = read_anchor_list(p)
    assert table["level"].tolist() == ["district", "local", "local", "local", "local", "district"]
    anchors, rejects = resolve_anchor_list(table, SETTLEMENTS)
    assert anchors.set_index("settlement_id")["level"].to_dict() == {
        "80609101001": "district",
        "80611101001": "local",
        "80701000001": "district",
    }
    rej = rejects.set_index("row")
    assert "2 settlements are named 'Белорецк'" in rej.at[4, "reason"]
    assert "no settlement of the region has OKTMO 80600000999" in rej.at[5, "reason"]
    assert "repeats an earlier row" in rej.at[6, "reason"]
    assert (rejects["action"] == "rejected").sum() == 3


def test_list_errors(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("code,title\n1,2\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="oktmo"):
        read_anchor_list(p)
    p.write_text("oktmo,level\n80609101001,regional\n", encoding="utf-8")
    with pytest.raises(FormatError, match="row 2: level 'regional'"):
        read_anchor_list(p)


def test_list_excel(tmp_path):
    p = tmp_path / "onp.xlsx"
    pd.DataFrame({"oktmo": ["80609101001"], "level": ["district"]}).to_excel(p, index=False)
    table = read_anchor_list(p)
    assert table["oktmo"].tolist() == ["80609101001"]  # text, leading digits kept


def test_scenarios(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(
        '[[scenario]]\nkey = "w"\nseason = "winter"\n'
        '[[scenario]]\nkey = "c"\nclose = [{ settlement = "Уфа", service = "hospital" }]\n'
        'close_anchors = ["80609101001"]\n'
        'add_road = [{ from = "Уфа", to = "Белебей" }]\n',
        encoding="utf-8",
    )
    s = read_scenarios(p)
    assert [x.key for x in s] == ["w", "c"]
    assert s[0].season == "winter"
    assert s[0].label_ru == "w"
    assert s[1].close == (("Уфа", "hospital"),)
    assert s[1].add_road == (("Уфа", "Белебей", None),)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[[scenario]]\nkey = "a"\nseason = "spring"\n', "season 'spring'"),
        ('[[scenario]]\nkey = "a"\n', "changes nothing"),
        (
            '[[scenario]]\nkey = "a"\nseason = "winter"\n'
            '[[scenario]]\nkey = "a"\nseason = "winter"\n',
            "twice",
        ),
        (
            '[[scenario]]\nkey = "a"\nadd_road = [{ from = "x", to = "y", minutes = -3 }]\n',
            "minutes",
        ),
        ('[[scenario]]\nkey = "a"\nclosed = ["x"]\n', "unknown field"),
        ("x = 1\n", "no \\[\\[scenario\\]\\]"),
    ],
)
def test_scenario_errors(tmp_path, text, match):
    p = tmp_path / "s.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=match):
        read_scenarios(p)


def test_levels(tmp_path):
    levels = read_anchor_levels()
    assert list(levels) == ["district", "local"]
    assert levels["district"].min_population == 5000
    assert {n.level for n in read_normatives().values()} <= set(levels)
    p = tmp_path / "n.toml"
    p.write_text(
        '[levels.a]\nlabel_ru = "a"\nlabel_en = "a"\nmin_population = 1\nrank = 1\n'
        '[levels.b]\nlabel_ru = "b"\nlabel_en = "b"\nmin_population = 1\nrank = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="share a `rank`"):
        read_anchor_levels(p)
    p.write_text(
        '[services.x]\nlabel_ru = "x"\nlabel_en = "x"\nmax_minutes = 30\nper_1000 = 1\n'
        'capacity_unit = "u"\nmin_population = 1\nlevel = "regional"\n',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="level 'regional' is not one of district, local"):
        read_normatives(p)


def test_graph_slowdown_and_links():
    g = RoadGraph(
        node_lon=np.array([55.0, 55.1, 55.2]),
        node_lat=np.array([54.0, 54.0, 54.0]),
        arc_from=np.array([0, 1], dtype=np.int64),
        arc_to=np.array([1, 0], dtype=np.int64),
        arc_minutes=np.array([10.0, 10.0]),
        arc_length_m=np.array([6500.0, 6500.0]),
        arc_kind=np.array(["road", "road"], dtype=object),
        slowdown={"winter": 1.5},
    )
    assert g.csr("winter")[0, 1] == 15.0
    assert g.csr("summer")[0, 1] == 10.0
    h = g.with_links([1], [2], [7.0], open_in=("summer",))
    assert h.n_arcs == 4
    assert g.n_arcs == 2
    assert h.csr("summer")[2, 1] == 7.0
    assert h.csr("winter")[1, 2] == 0.0  # closed in winter
    assert h.arc_length_m[-1] == pytest.approx(6.5e3, rel=0.02)  # 0.1° of longitude at 54°N
    with pytest.raises(ValueError, match="not a node"):
        g.with_links([0], [5], [1.0])


def test_list_code_repaired_by_name_and_custom_levels(tmp_path):
    p = tmp_path / "onp.csv"
    p.write_text(
        "oktmo,name,level\n80609999999,Белебей,region\n80701000001,Уфа,\n", encoding="utf-8"
    )
    levels = {
        "region": AnchorLevel("region", "региональный", "regional", 100000, 3),
        **read_anchor_levels(),
    }
    with pytest.raises(FormatError, match="level 'region' is not known"):
        read_anchor_list(p)
    table = read_anchor_list(p, levels=levels)
    anchors, rejects = resolve_anchor_list(table, SETTLEMENTS, levels=levels)
    assert anchors.set_index("settlement_id")["level"].to_dict() == {
        "80609101001": "region",
        "80701000001": "local",
    }
    (reason,) = rejects.loc[rejects["action"] == "repaired", "reason"]
    assert reason == "no settlement of the region has OKTMO 80609999999; matched by name"
