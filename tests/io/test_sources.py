"""Reading one region's sources from a data folder laid out like shared/data."""

from __future__ import annotations

import pytest

from opora.errors import SourceNotFoundError, UnknownRegionError
from opora.io.sberindex import read_sberindex_dictionary
from opora.io.sources import SOURCE_FILES, list_regions, read_sources


def test_list_regions(mini_data_dir):
    dic = read_sberindex_dictionary(mini_data_dir / SOURCE_FILES["dictionary"])
    regions = list_regions(dic.table)
    assert list(regions.columns) == ["region", "oktmo_prefix", "municipalities"]
    prefix = regions.set_index("region")["oktmo_prefix"]
    assert prefix["Республика Башкортостан"] == "80"


@pytest.mark.parametrize("region", ["Bashkiria", "РЕСП. БАШКОРТОСТАН"])
def test_region_by_alias_or_other_spelling(mini_data_dir, region):
    bundle = read_sources(mini_data_dir, region)
    assert (bundle.region, bundle.oktmo_prefix) == ("Республика Башкортостан", "80")


def test_unknown_region_and_missing_folder(mini_data_dir, tmp_path):
    with pytest.raises(UnknownRegionError, match="Марс"):
        read_sources(mini_data_dir, "Марс")
    with pytest.raises(SourceNotFoundError, match="data folder not found"):
        read_sources(tmp_path / "absent", "80")
