"""Helpers of opora.ties.graph that replace slow pandas calls on text columns."""

import pandas as pd


def test_isin_text_matches_pandas_isin():
    from opora.ties.graph import _isin_text

    text = pd.Series(["1", "2", None, "4"], dtype="string", index=[5, 7, 9, 11])
    for values in (["2", "4"], ["2", None], [], ["9"]):
        vals = pd.Series(values, dtype="string")
        assert _isin_text(text, vals).tolist() == text.isin(set(vals)).tolist()
