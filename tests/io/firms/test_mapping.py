"""The header mapping file of firm tables (opora.io.firms.mapping)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.errors import FormatError, MissingColumnError
from opora.io.firms import load_firm_mapping, read_ownership_csv


def test_mapping_file_adds_a_header(tmp_path: Path) -> None:
    odd = tmp_path / "owners.csv"
    odd.write_text("Код фирмы,Код хозяина,Процент\n0224819090,0274613182,60\n", encoding="utf-8")
    with pytest.raises(MissingColumnError):
        read_ownership_csv(odd)
    user = tmp_path / "mapping.toml"
    user.write_text(
        '[ownership.child_inn]\nheaders = ["Код фирмы"]\n'
        '[ownership.parent_inn]\nheaders = ["Код хозяина"]\n'
        "[criteria]\ncontrol_share = 0.25\n",
        encoding="utf-8",
    )
    mapping = load_firm_mapping(user)
    assert mapping.criteria["control_share"] == 0.25
    assert mapping.criteria["vic_min_firms"] == 3  # built-in kept
    assert "ИНН" in mapping.tables["branches"]["inn"].headers
    res = read_ownership_csv(odd, mapping=mapping)
    assert res.table.iloc[0]["parent_inn"] == "0274613182"
    assert res.table.iloc[0]["share"] == pytest.approx(0.6)


def test_broken_mapping_file(tmp_path: Path) -> None:
    bad = tmp_path / "mapping.toml"
    bad.write_text("[ownership.child_inn\nheaders = 1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not valid TOML"):
        load_firm_mapping(bad)
    bad.write_text("[ownership.child_inn]\nheaders = 'ИНН'\n", encoding="utf-8")
    with pytest.raises(FormatError, match="needs `headers") as err:
        load_firm_mapping(bad)
    assert err.value.column == "ownership.child_inn"
