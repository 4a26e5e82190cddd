"""Helpers of opora.ties.graph that replace slow pandas calls on text columns."""

import pandas as pd
import pytest


def test_isin_text_matches_pandas_isin():
    from opora.ties._text import isin_text as _isin_text

    text = pd.Series(["1", "2", None, "4"], dtype="string", index=[5, 7, 9, 11])
    for values in (["2", "4"], ["2", None], [], ["9"]):
        vals = pd.Series(values, dtype="string")
        assert _isin_text(text, vals).tolist() == text.isin(set(vals)).tolist()


def test_sum_links_matches_pandas_sums():
    import numpy as np

    from opora.ties.graph import _sum_links

    rng = np.random.default_rng(1)
    n = 2000
    links = pd.DataFrame(
        {
            "source": pd.Series(rng.choice(list("abcdefgh"), n), dtype="string"),
            "target": pd.Series(rng.choice(list("xyz"), n), dtype="string"),
            "kind": pd.Series(rng.choice(["control", "branch"], n), dtype="string"),
            "employees": rng.random(n) * 1000 / 3,
            "revenue": np.where(rng.random(n) < 0.7, np.nan, rng.random(n) * 1e6 / 7),
            "value": np.nan,
        }
    )
    expect = (
        links.groupby(["source", "target", "kind"], sort=True)
        .agg(
            n_links=("kind", "size"),
            employees=("employees", lambda s: s.sum(min_count=1)),
            revenue=("revenue", lambda s: s.sum(min_count=1)),
            value=("value", lambda s: s.sum(min_count=1)),
        )
        .reset_index()
    )
    pd.testing.assert_frame_equal(_sum_links(links), expect, check_exact=True)
    pd.testing.assert_frame_equal(_sum_links(links.iloc[:0]), expect.iloc[:0], check_exact=True)


def test_map_text_matches_pandas_map():
    import numpy as np

    from opora.ties._text import map_text

    keys = pd.Series(["b", "a", "zz", "c", "a"], dtype="string", index=[3, 1, 4, 1, 5], name="k")
    index = pd.Index(["a", "b", "c"], dtype="string")
    mappers = [
        pd.Series(["x", None, "z"], index=index, dtype="string"),
        pd.Series([1.5, np.nan, 3.0], index=index),
        pd.Series([True, False, True], index=index),
        pd.Series([1, None, 3], index=index, dtype="Int64"),
        pd.Series([1, 2, 3], index=index),  # int64: left to pandas
        pd.Series([1.0], index=pd.Index(["q"], dtype="str")),
    ]

    def cast(result, mapper):  # what the callers in opora.ties.graph do with the result
        if mapper.dtype == bool:
            return result.fillna(False).astype(bool)
        return result.astype(mapper.dtype)

    for mapper in mappers:
        for k in (keys, keys.iloc[[0, 1, 3]]):
            got, expect = map_text(k, mapper), k.map(mapper)
            if mapper.dtype == "int64" or isinstance(mapper.dtype, (pd.StringDtype, pd.Int64Dtype)):
                pd.testing.assert_series_equal(got, expect)  # pandas' own map, or the same
            else:
                pd.testing.assert_series_equal(cast(got, mapper), cast(expect, mapper))
    with_na = pd.Series(["a", None], dtype="string")
    pd.testing.assert_series_equal(map_text(with_na, mappers[0]), with_na.map(mappers[0]))
    repeated = pd.Series([1.0, 2.0], index=pd.Index(["a", "a"], dtype="string"))
    with pytest.raises(Exception):  # noqa: B017 - whatever pandas raises
        repeated.reindex(["a"])
    with pytest.raises(Exception):  # noqa: B017
        map_text(keys, repeated)
