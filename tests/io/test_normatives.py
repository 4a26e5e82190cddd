"""Reading the normatives file: the package default and a user's file."""

from __future__ import annotations

import pytest

from opora.errors import FormatError, SourceNotFoundError
from opora.io.normatives import read_anchor_levels, read_normatives


def test_levels(tmp_path):
    levels = read_anchor_levels()
    assert list(levels) == ["district", "local"]
    assert levels["district"].min_population == 5000
    assert {n.level for n in read_normatives().values()} <= set(levels)


def test_file_errors_name_the_file(tmp_path):
    p = tmp_path / "n.toml"
    p.write_text(
        '[services.x]\nlabel_ru = "x"\nlabel_en = "x"\nmax_minutes = 30\nper_1000 = 1\n'
        'capacity_unit = "u"\nmin_population = 1\nlevel = "regional"\n',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="level 'regional' is not one of district, local") as err:
        read_normatives(p)
    assert err.value.path == p
    p.write_text("[services.x\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not a valid UTF-8 TOML"):
        read_anchor_levels(p)
    with pytest.raises(SourceNotFoundError):
        read_normatives(tmp_path / "absent.toml")
