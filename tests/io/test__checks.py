"""Tests of the shared input checks (opora.io._checks): CSV parsing and settings files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from opora.errors import EmptyFileError, FormatError, SourceNotFoundError
from opora.io._checks import package_data, parse_csv, read_toml, settings_path


def test_parse_csv_reads_text_and_types_its_errors(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    frame = parse_csv(p, io.StringIO("a;b\n1;x\n"), sep=";", dtype="string")
    assert frame.to_dict("records") == [{"a": "1", "b": "x"}]
    with pytest.raises(EmptyFileError, match="no header line") as err:
        parse_csv(p, io.StringIO(""))
    assert err.value.path == p
    with pytest.raises(FormatError, match="cannot be parsed as CSV"):
        parse_csv(p, io.StringIO('a,b\n"1,2\n'))


def test_settings_path_defaults_to_the_package_file(tmp_path: Path) -> None:
    default = settings_path(None, "normatives.toml")
    assert default == package_data("normatives.toml")
    assert default.is_file()
    own = tmp_path / "own.toml"
    own.write_text("x = 1\n", encoding="utf-8")
    assert settings_path(own, "normatives.toml") == own
    with pytest.raises(SourceNotFoundError):
        settings_path(tmp_path / "missing.toml", "normatives.toml")


def test_read_toml_names_the_fix(tmp_path: Path) -> None:
    p = tmp_path / "s.toml"
    p.write_text('[a]\nb = "в"\n', encoding="utf-8")
    assert read_toml(p, "unused") == {"a": {"b": "в"}}
    p.write_text("[a\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"not a valid UTF-8 TOML file .*; see the manual"):
        read_toml(p, "see the manual")
    p.write_bytes("x = 'в'\n".encode("cp1251"))
    with pytest.raises(FormatError, match="not a valid UTF-8 TOML"):
        read_toml(p, "see the manual")
