"""Reading anchor lists and scenario files."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.anchors.lists import resolve_anchor_list
from opora.errors import FormatError, MissingColumnError, SourceNotFoundError
from opora.io.anchor_list import read_anchor_list, read_scenarios
from opora.io.normatives import read_anchor_levels
from opora.model.normatives import AnchorLevel

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


def test_read_scenarios_file(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[[scenario]]\nkey = "w"\nseason = "winter"\n', encoding="utf-8")
    (s,) = read_scenarios(p)
    assert (s.key, s.season) == ("w", "winter")
    p.write_text('[[scenario]\nkey = "w"\n', encoding="utf-8")
    with pytest.raises(FormatError, match="not a valid UTF-8 TOML"):
        read_scenarios(p)
    p.write_text('[[scenario]]\nkey = "a"\nseason = "spring"\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"s\.toml"):  # the message names the file
        read_scenarios(p)
    with pytest.raises(SourceNotFoundError):
        read_scenarios(tmp_path / "absent.toml")


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


def test_list_kinds_russian_values(tmp_path):
    p = tmp_path / "onp_kinds.csv"
    p.write_text(
        "ОКТМО;Наименование;Тип\n"
        "80609101001;Белебей;Центр агломерации\n"
        "80611101001;Белорецк;центр социального обслуживания\n"
        "80701000001;Уфа;ЗАТО\n"
        "80628403111;Белорецк;\n",
        encoding="utf-8",
    )
    table = read_anchor_list(p)
    assert table["kind"].tolist()[:3] == ["agglomeration_core", "social_services_centre", "zato"]
    assert pd.isna(table["kind"].iloc[3])
    anchors, _ = resolve_anchor_list(table, SETTLEMENTS)
    assert anchors.set_index("settlement_id")["kind"].to_dict() == {
        "80609101001": "agglomeration_core",
        "80611101001": "social_services_centre",
        "80701000001": "zato",
        "80628403111": "other",  # a row without a kind
    }
    p.write_text("oktmo,kind\n80609101001,столица\n", encoding="utf-8")
    with pytest.raises(FormatError, match="row 2: kind 'столица'"):
        read_anchor_list(p)
    p.write_text("oktmo\n80609101001\n", encoding="utf-8")
    anchors, _ = resolve_anchor_list(read_anchor_list(p), SETTLEMENTS)
    assert "kind" not in anchors
