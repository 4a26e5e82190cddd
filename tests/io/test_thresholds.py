"""Reading the typology inputs: thresholds file, municipality lists, feature table."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.errors import EmptyFileError, FormatError, SourceNotFoundError
from opora.io.thresholds import read_code_list, read_feature_table, read_thresholds


def test_default_thresholds_read() -> None:
    t = read_thresholds()
    assert t.source == "default"
    assert t.number("single_enterprise", "top_share_min") == 20.0


def test_user_thresholds_file(tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text(
        "[single_enterprise]\ntop_share_min = 40\n\n"
        '[tourism.beds_per_1000_min]\nvalue = 50\nrationale_en = "Our regional norm."\n',
        encoding="utf-8",
    )
    t = read_thresholds(p)
    assert t.number("single_enterprise", "top_share_min") == 40.0
    assert t.number("tourism", "beds_per_1000_min") == 50.0
    assert t.entries["tourism.beds_per_1000_min"].rationale_en == "Our regional norm."
    assert t.number("tourism", "lq_i_min") == 2.0  # untouched default
    assert str(p) in t.source


def test_bad_thresholds_file_names_the_file_and_the_key(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text("[single_enterprise]\ntop_share_min = 150\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_thresholds(p)
    assert err.value.column == "single_enterprise.top_share_min"
    assert err.value.path == p


def test_thresholds_file_not_toml(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text("[single_enterprise\n", encoding="utf-8")
    with pytest.raises(FormatError, match="TOML"):
        read_thresholds(p)
    with pytest.raises(SourceNotFoundError):
        read_thresholds(tmp_path / "absent.toml")


# --- lists and the feature table ----------------------------------------------------


def test_read_code_list_forms(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("oktmo,name\n80739000,Салават\n,г. Белорецк\n8070300,\n", encoding="utf-8")
    assert read_code_list(a) == ["80739000", "г. Белорецк", "08070300"]
    b = tmp_path / "b.csv"
    b.write_text("Белорецк\nКумертау\nБелорецк\n", encoding="utf-8")
    assert read_code_list(b) == ["Белорецк", "Кумертау"]
    c = tmp_path / "c.csv"
    c.write_text("ОКТМО;Наименование\n80 611 101 001;Белорецк\n", encoding="utf-8")
    assert read_code_list(c) == ["80611101001"]
    bad = tmp_path / "bad.csv"
    bad.write_text("oktmo\n8061\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_code_list(bad)
    assert err.value.column == "oktmo"
    empty = tmp_path / "empty.csv"
    empty.write_text("oktmo\n\n", encoding="utf-8")
    with pytest.raises(EmptyFileError):
        read_code_list(empty)


def test_read_feature_table_refuses_repeated_codes(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_text("oktmo,name\n01601000,A\n01601000,B\n", encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_feature_table(p)
    assert err.value.column == "oktmo"
    p.write_text("oktmo,name\n01601000,A\n", encoding="utf-8")
    assert read_feature_table(p)["oktmo"].tolist() == ["01601000"]
