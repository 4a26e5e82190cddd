"""The speed table and its rules (opora.io.osm.speeds)."""

from __future__ import annotations

from importlib import resources

import pytest

from opora.errors import FormatError, SourceNotFoundError
from opora.io.osm import read_osm_roads, read_speed_table


def test_speed_table_drives_the_rules(osm_north_pbf, tmp_path):
    text = (resources.files("opora") / "data" / "speeds.toml").read_text("utf-8")
    text = text.replace("residential = 30", "residential = 40").replace(
        'closed_in = ["winter", "thaw"]\n\n[ford]', 'closed_in = ["winter"]\n\n[ford]'
    )
    custom = tmp_path / "speeds.toml"
    custom.write_text(text, encoding="utf-8")
    result = read_osm_roads(osm_north_pbf, speeds=read_speed_table(custom))
    table = result.table.set_index("osm_id")
    assert table.loc[105, "speed_kmh"] == 40
    assert table.loc[104, "open_thaw"]
    assert read_speed_table().source.endswith("speeds.toml")


def test_speed_table_errors(tmp_path):
    bad = tmp_path / "speeds.toml"
    text = (resources.files("opora") / "data" / "speeds.toml").read_text("utf-8")
    bad.write_text(text.replace("track = 15", "track = -1"), encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_speed_table(bad)
    assert err.value.column == "highway_kmh.track"
    bad.write_text(text.replace("thaw = [4]", "thaw = [13]"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"months\.thaw"):
        read_speed_table(bad)
    bad.write_text("[highway_kmh\n", encoding="utf-8")
    with pytest.raises(FormatError, match="TOML"):
        read_speed_table(bad)
    with pytest.raises(SourceNotFoundError):
        read_speed_table(tmp_path / "missing.toml")
