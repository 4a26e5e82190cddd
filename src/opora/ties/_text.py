"""Lookups on text columns done by pyarrow, giving what the pandas calls they replace give.

pandas converts Arrow-backed text scalar by scalar in ``isin`` and hashes Python strings
in ``map``; with the 400,000 modelled firms of a large region these take seconds. Each
helper here names the pandas call whose result it reproduces; the tests compare them.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["as_dict", "isin_text", "map_text"]

_TEXT: Final = "string"


def as_dict(series: pd.Series, kind: type) -> dict[str, Any]:
    """Return ``{str(key): kind(value)}`` of a series, without pandas' per-item iteration."""
    return {str(k): kind(v) for k, v in zip(series.index.tolist(), series.tolist(), strict=True)}


def isin_text(text: pd.Series, values: pd.Series) -> np.ndarray:
    """Return ``text.isin(set(values))`` for text series, in one pass of pyarrow.

    A missing value matches when ``values`` holds one, as with :meth:`pandas.Series.isin`.
    """
    arr = pa.array(text.astype(_TEXT), type=pa.large_string())
    value_set = pa.array(values.astype(_TEXT), type=pa.large_string()).unique()
    found = pc.fill_null(pc.is_in(arr, value_set=value_set), False)
    return np.asarray(found, dtype=bool)


def map_text(keys: pd.Series, mapper: pd.Series) -> pd.Series:
    """Return the values ``keys.map(mapper)`` gives, for text keys, looked up by pyarrow.

    :meth:`pandas.Series.map` hashes Python strings; with 400,000 firms one lookup costs
    about half a second. The values are the same; their dtype is the mapper's (a text,
    ``Int64``, float or bool mapper; a missing bool is ``NaN`` in an object column),
    where ``map`` returns Arrow-backed floats and bools: callers cast the result. Where
    the fast path might differ (keys or index not text, missing keys, a repeated key in
    the index, another mapper dtype) ``map`` itself is called.
    """
    ok_values = isinstance(mapper.dtype, (pd.StringDtype, pd.Int64Dtype)) or (
        isinstance(mapper.dtype, np.dtype) and mapper.dtype.kind in "fb"
    )
    if not (
        ok_values
        and isinstance(keys.dtype, pd.StringDtype)
        and isinstance(mapper.index.dtype, pd.StringDtype)
    ):
        return keys.map(mapper)
    key_arr = pa.array(keys.astype(_TEXT), type=pa.large_string())
    index = pa.array(mapper.index.to_series().astype(_TEXT), type=pa.large_string())
    distinct = pc.count_distinct(index, mode="all").as_py()
    if key_arr.null_count or index.null_count or distinct != len(index):
        return keys.map(mapper)
    found = pc.fill_null(pc.index_in(key_arr, value_set=index), -1)
    pos = np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.intp)
    if isinstance(mapper.dtype, np.dtype):
        values = pd.api.extensions.take(mapper.to_numpy(), pos, allow_fill=True, fill_value=np.nan)
    else:
        values = mapper.array.take(pos, allow_fill=True)
    return pd.Series(values, index=keys.index, name=keys.name)
