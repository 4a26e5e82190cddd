"""Tests of the shared input checks (opora.io._checks): CSV parsing and settings files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --------------------------------------------------------------------------- issue 14


def test_parse_numbers_repairs_only_unambiguous_forms() -> None:
    import pandas as pd

    from opora.io._checks import parse_numbers

    raw = pd.Series(["1 200", "1\u00a0200,5", "0,5", "1.200,5", "1,200.5", "1,200", "abc", None])
    values, repaired, problem = parse_numbers(raw, ",")
    assert values.tolist()[:5] == [1200.0, 1200.5, 0.5, 1200.5, 1200.5]
    assert repaired.notna().tolist() == [True] * 5 + [False] * 3
    assert "ambiguous" in problem.iloc[5]
    assert "not a number" in problem.iloc[6]
    assert pd.isna(problem.iloc[7])
    # in a `;` file the comma is the decimal separator
    values, _, problem = parse_numbers(pd.Series(["1,200"]), ";")
    assert values.tolist() == [1.2]
    assert problem.isna().all()


def test_repair_ids_pads_only_when_the_other_file_says_so() -> None:
    import pandas as pd

    from opora.io._checks import repair_ids

    known = pd.Series(["0101", "0102", "1103"])
    ids, repaired, hint = repair_ids(pd.Series(["101", "0102", "7.7E+10", "999", "1103.0"]), known)
    assert ids.tolist() == ["0101", "0102", "7.7E+10", "999", "1103"]
    assert repaired.tolist() == [True, False, False, False, True]
    assert "scientific notation" in hint.iloc[2]
    assert pd.isna(hint.iloc[3])
    # ids of several widths: no padding, a hint instead
    ids, repaired, hint = repair_ids(pd.Series(["101"]), pd.Series(["0101", "12345"]))
    assert ids.tolist() == ["101"]
    assert not repaired.any()
    assert "leading zeros" in hint.iloc[0]


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"PK\x03\x04rest", "zip (damaged)"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"%PDF-1.7", "PDF"),
        (b'<?xml version="1.0"?><osm/>', "XML"),
        (b"\x00\x00\x00\x0d\x0a\x09OSMHeader", "OSM PBF"),
        (b"a,b\n1,2\n", None),
        ("а,б\n".encode("cp1251"), None),
    ],
)
def test_sniff_content_by_magic_bytes(tmp_path: Path, content: bytes, kind: str | None) -> None:
    from opora.io._checks import sniff_content

    p = tmp_path / "f.csv"
    p.write_bytes(content)
    assert sniff_content(p) == kind


def test_renamed_zip_is_not_called_cp1251(tmp_path: Path) -> None:
    import zipfile

    from opora.io._checks import read_text_csv

    p = tmp_path / "list.csv"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(FormatError, match=r"Excel workbook \(xlsx\), not CSV") as err:
        read_text_csv(p, ["a"], sep=None)
    assert "cp1251" not in str(err.value)


def test_output_path_checks(tmp_path: Path) -> None:
    from opora.errors import OutputPathError
    from opora.io._checks import check_output_path

    given = tmp_path / "in.csv"
    given.write_text("a\n1\n", encoding="utf-8")
    assert check_output_path(tmp_path / "new" / "o.csv") == tmp_path / "new" / "o.csv"
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output_path(tmp_path)
    with pytest.raises(OutputPathError, match="is a file, not a folder"):
        check_output_path(given / "o.csv")
    with pytest.raises(OutputPathError, match="also an input"):
        check_output_path(given, inputs=[given])
    with pytest.raises(OutputPathError, match=r"extension \.parquet"):
        check_output_path(tmp_path / "o.parquet")
    assert issubclass(OutputPathError, OSError)


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path: Path) -> None:
    from opora.io._checks import atomic_write

    p = tmp_path / "o.csv"
    p.write_text("old\n", encoding="utf-8")

    def broken(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        atomic_write(p, broken)
    assert p.read_text(encoding="utf-8") == "old\n"
    assert [f.name for f in tmp_path.iterdir()] == ["o.csv"]
    atomic_write(p, lambda tmp: tmp.write_text("new\n", encoding="utf-8"))
    assert p.read_text(encoding="utf-8") == "new\n"


def test_ragged_rows_are_listed_by_line(tmp_path: Path) -> None:
    from opora.io._checks import read_text_csv

    p = tmp_path / "c.csv"
    p.write_text("a,b,c\n1,2,3\n1,2\n1,2,3,4\n", encoding="utf-8")
    with pytest.raises(FormatError, match="line 3 has 2, line 4 has 4"):
        read_text_csv(p, ["a"], sep=None)


def test_folder_as_input_is_typed(tmp_path: Path) -> None:
    from opora.errors import InputPathError
    from opora.io._checks import read_text_csv

    with pytest.raises(InputPathError, match="is a folder") as err:
        read_text_csv(tmp_path, ["a"])
    assert isinstance(err.value, IsADirectoryError)


_IDS = st.text(alphabet="0123456789", min_size=1, max_size=8)
_NUMBERS = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(_IDS, _NUMBERS), min_size=1, max_size=12, unique_by=lambda t: t[0]),
    st.sampled_from(["plain", "decimal_comma", "thousands"]),
)
def test_semicolon_decimal_comma_round_trip(rows, style) -> None:
    """A frame written as a Russian Excel export reads back to the same ids and numbers."""
    import tempfile

    from opora.io.matrix import read_demand_csv

    def fmt(x: float) -> str:
        text = f"{x:.6f}".rstrip("0").rstrip(".")
        if style == "plain":
            return text
        whole, _, frac = text.partition(".")
        if style == "thousands":
            whole = f"{int(whole):,}".replace(",", "\u00a0")
        return whole + ("," + frac if frac else "")

    lines = ["demand_id;weight"] + [f"{i};{fmt(w)}" for i, w in rows]
    with tempfile.TemporaryDirectory() as folder:
        p = Path(folder) / "d.csv"
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        res = read_demand_csv(p)
    assert res.rows_rejected == 0
    assert res.table["demand_id"].tolist() == [i for i, _ in rows]
    expected = [float(fmt(w).replace("\u00a0", "").replace(",", ".")) for _, w in rows]
    assert res.table["weight"].tolist() == pytest.approx(expected, rel=1e-12)
    assert any("`;`" in n for n in res.table.attrs["notes"])


def test_atomic_write_gives_the_file_the_umask_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from opora.io._checks import atomic_write

    old = os.umask(0o022)
    try:
        p = atomic_write(
            tmp_path / "shared.csv", lambda tmp: tmp.write_text("a\n", encoding="utf-8")
        )
        os.umask(0o077)
        q = atomic_write(
            tmp_path / "private.csv", lambda tmp: tmp.write_text("a\n", encoding="utf-8")
        )
    finally:
        os.umask(old)
    # mkstemp alone would give 0o600 to both; a normally created file gets 0o666 & ~umask
    assert stat.S_IMODE(p.stat().st_mode) == 0o644
    assert stat.S_IMODE(q.stat().st_mode) == 0o600
