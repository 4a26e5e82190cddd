"""The one-pass reader of cost, demand and supply tables, against a plain pandas reference.

:func:`opora.io._tables.fast_read` reads a clean file with pyarrow (ids as dictionary
codes); anything it cannot read exactly as pandas would is left to the careful path. The
reference here is written independently: ``pandas.read_csv`` with every column as text,
ids stripped, numbers through ``float``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from opora.cli import app
from opora.errors import EncodingError, FormatError, MissingColumnError
from opora.io import _tables, matrix
from opora.io._checks import repair_ids
from opora.io._tables import NA_TEXT, fast_read, id_matches, repair_id_codes
from opora.io.locate import read_costs, read_demand, read_locate_inputs
from opora.io.matrix import read_costs_csv, read_demand_csv, read_supply_csv


def _reference(path: Path, ids: list[str], value: str, sep: str = ",") -> pd.DataFrame:
    """Plain pandas: all text, ids stripped, the value through ``float`` (comma as dot)."""
    frame = pd.read_csv(path, sep=sep, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    out = pd.DataFrame({c: [v.strip() for v in frame[c]] for c in ids})
    out[value] = [float(v.strip().replace(",", ".")) for v in frame[value]]
    out["source_row"] = range(2, len(frame) + 2)
    return out


def _same(table: pd.DataFrame, ref: pd.DataFrame, ids: list[str], value: str) -> None:
    for column in ids:
        assert table[column].astype(str).tolist() == ref[column].tolist(), column
    got = table[value].to_numpy(dtype=float)
    want = ref[value].to_numpy(dtype=float)
    assert np.array_equal(got, want), value  # bit for bit, not approximately
    assert table["source_row"].tolist() == ref["source_row"].tolist()


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


CLEAN_CASES = {
    "integers": ["demand_id,site_id,cost", "1,10,5", "2,10,7.25", "10,11,0"],
    "leading zeros": ["demand_id,site_id,cost", "0012,007,1.5", "0013,007,2", "12,7,3"],
    "oktmo": ["demand_id,site_id,cost", "80601000001,80602000,12.5", "80601000002,80602000,0"],
    "scientific": ["demand_id,site_id,cost", "a,x,1.5e1", "b,x,2E-3", "c,x,1e+02"],
    "scientific-looking id": ["demand_id,site_id,cost", "7.7E+10,x,1", "8.1e+10,x,2"],
    "spaces": ["demand_id , site_id,cost ", " a , x ,1", "a,y, 2 ", "b , x,3"],
    "quoted": ["demand_id,site_id,cost", '"a,1",x,1', '"b ""q""",x,2', 'c,"y",3'],
    "quoted line end": ["demand_id,site_id,cost", '"a\nb",x,1', "c,x,2", '"d\r\ne",y,3'],
    "crlf and bom": ["\ufeffdemand_id,site_id,cost\r", "a,x,1\r", "b,x,2\r"],
    "blank lines": ["demand_id,site_id,cost", "a,x,1", "", "b,x,2", ""],
    "cyrillic": ["demand_id,site_id,cost", "Агидель,больница,10", "Бакалы,больница,20"],
    "semicolon": ["demand_id;site_id;cost", "01;x;1.5", "02;x;2"],
    "tab": ["demand_id\tsite_id\tcost", "01\tx\t1.5", "02\tx\t2"],
    "reordered, extra": ["cost,note,site_id,demand_id", "1,n,x,a", "2,,x,b"],
    "negative zero": ["demand_id,site_id,cost", "a,x,-0", "b,x,0.0"],
    "many digits": ["demand_id,site_id,cost", "a,x,0.1000000000000000055511151231257827"],
}


@pytest.mark.parametrize("case", CLEAN_CASES, ids=list(CLEAN_CASES))
def test_clean_costs_equal_the_pandas_reference(tmp_path: Path, case: str) -> None:
    lines = CLEAN_CASES[case]
    sep = ";" if case == "semicolon" else "\t" if case == "tab" else ","
    p = _write(tmp_path / "costs.csv", lines)
    assert fast_read(p, ["demand_id", "site_id"], "cost", extras=False) is not None  # one pass
    res = read_costs_csv(p)
    ids = ["demand_id", "site_id"]
    _same(res.table, _reference(p, ids, "cost", sep), ids, "cost")
    assert res.rejects.empty
    assert res.rows_read == len(res.table)
    assert isinstance(res.table["demand_id"].dtype, pd.CategoricalDtype)
    assert (sep != ",") == any("separated" in n for n in res.table.attrs["notes"])


@pytest.mark.parametrize("case", CLEAN_CASES, ids=list(CLEAN_CASES))
@pytest.mark.parametrize("parquet", [False, True], ids=["csv", "parquet"])
def test_known_ids_code_over_the_other_files(tmp_path: Path, case: str, parquet: bool) -> None:
    """Read over known ids, the pairs hold the same ids; known ones are coded by position."""
    p = _write(tmp_path / "costs.csv", CLEAN_CASES[case])
    plain = read_costs_csv(p).table
    if parquet:
        q = tmp_path / "costs.parquet"
        plain.drop(columns="source_row").astype({"demand_id": str, "site_id": str}).to_parquet(q)
        p, plain = q, read_costs_csv(q).table
    known = {}
    for column in ("demand_id", "site_id"):
        ids = sorted(set(plain[column].astype(str)), reverse=True)  # another order
        known[column] = pd.Series([*ids[:-1], "other id"], dtype="string")  # one unknown
    table = read_costs_csv(p, known_ids=known).table
    for column in ("demand_id", "site_id"):
        assert table[column].astype(str).tolist() == plain[column].astype(str).tolist()
        categories = table[column].cat.categories
        assert categories[: len(known[column])].equals(pd.Index(known[column]))
        want = pd.Index(known[column]).get_indexer(table[column].astype(str))
        codes = table[column].cat.codes.to_numpy()
        assert np.array_equal(codes[want >= 0], want[want >= 0])
        assert (codes[want < 0] >= len(known[column])).all()


def test_negative_zero_reads_as_zero(tmp_path: Path) -> None:
    p = _write(tmp_path / "c.csv", CLEAN_CASES["negative zero"])
    cost = read_costs_csv(p).table["cost"].to_numpy()
    assert not np.signbit(cost).any()


@pytest.mark.parametrize("seed", range(4))
def test_random_files_same_as_careful_path(tmp_path: Path, seed: int, monkeypatch) -> None:
    """Fast and careful paths give the same tables on random clean files."""
    rng = np.random.default_rng(seed)
    n = 3000
    width = int(rng.integers(1, 12))
    demand = [f"{int(k):0{width}d}" for k in rng.integers(0, 10**width, size=n)]
    site = [f"s{int(k)}" for k in rng.integers(0, 50, size=n)]
    frame = pd.DataFrame({"demand_id": demand, "site_id": site})
    frame = frame.drop_duplicates(ignore_index=True)
    digits = int(rng.integers(0, 8))
    frame["cost"] = [f"{x:.{digits}f}" for x in rng.random(len(frame)) * 10 ** rng.integers(0, 6)]
    p = tmp_path / "costs.csv"
    frame.to_csv(p, index=False)
    fast = read_costs_csv(p)
    monkeypatch.setattr(matrix, "fast_read", lambda *a, **k: None)
    careful = read_costs_csv(p)
    for column in ("demand_id", "site_id"):
        assert fast.table[column].tolist() == careful.table[column].tolist()
    assert np.array_equal(fast.table["cost"].to_numpy(), careful.table["cost"].to_numpy())
    assert fast.table["source_row"].tolist() == careful.table["source_row"].tolist()
    assert fast.rows_read == careful.rows_read
    _same(fast.table, _reference(p, ["demand_id", "site_id"], "cost"), ["demand_id"], "cost")


REPAIR_CASES = {
    "decimal comma, semicolon": (["demand_id;site_id;cost", "a;x;1,5", "b;x;2"], [1.5, 2.0], 1),
    "thousands": (["demand_id,site_id,cost", 'a,x,"1 200"', "b,x,3"], [1200.0, 3.0], 1),
}


@pytest.mark.parametrize("case", REPAIR_CASES, ids=list(REPAIR_CASES))
def test_repairs_take_the_careful_path(tmp_path: Path, case: str) -> None:
    lines, costs, repaired = REPAIR_CASES[case]
    p = _write(tmp_path / "c.csv", lines)
    assert fast_read(p, ["demand_id", "site_id"], "cost", extras=False) is None
    res = read_costs_csv(p)
    assert res.table["cost"].tolist() == costs
    assert res.rows_repaired == repaired
    assert res.rows_rejected == 0


@pytest.mark.parametrize(
    ("body", "row", "why"),
    [
        ("a,x,1\nb,x,\n", 3, "missing"),
        ("a,x,1\nb,x,NA\n", 3, "missing"),
        ("a,x,1\n,x,2\n", 3, "empty id"),
        ("a,x,1\nNA,x,2\n", 3, "empty id"),
        ("a,x,1\n  ,x,2\n", 3, "empty id"),
        ("a,x,inf\nb,x,2\n", 2, "infinite"),
        ("a,x,1e400\nb,x,2\n", 2, "infinite"),
        ("a,x,-1\nb,x,2\n", 2, "negative"),
        ("a,x,2e12\nb,x,2\n", 2, "too large"),
        ("a,x,abc\nb,x,2\n", 2, "not a number"),
    ],
)
def test_bad_rows_rejected_as_before(tmp_path: Path, body: str, row: int, why: str) -> None:
    p = tmp_path / "c.csv"
    p.write_text("demand_id,site_id,cost\n" + body, encoding="utf-8")
    assert fast_read(p, ["demand_id", "site_id"], "cost", extras=False) is None
    res = read_costs_csv(p)
    assert res.rejects["row"].tolist() == [row]
    assert why in res.rejects["reason"].iloc[0]
    assert len(res.table) == 1


def test_cp1251_is_an_encoding_error(tmp_path: Path) -> None:
    p = _write(tmp_path / "d.csv", ["demand_id,weight,name", "01,100,Агидель"], "cp1251")
    assert fast_read(p, ["demand_id"], "weight", extras=True) is None
    with pytest.raises(EncodingError, match="cp1251"):
        read_demand_csv(p)


@pytest.mark.parametrize(
    "lines",
    [
        ["demand_id,site_id,cost", "Агидель,x,1", "Бакалы,x,2"],  # in an id column
        ["demand_id,site_id,cost", "a,x,1", "b,x,2 мин"],  # in the number column
    ],
    ids=["id", "number"],
)
def test_cp1251_costs_without_extra_columns(tmp_path: Path, lines: list[str]) -> None:
    p = _write(tmp_path / "c.csv", lines, "cp1251")
    assert fast_read(p, ["demand_id", "site_id"], "cost", extras=False) is None
    with pytest.raises(EncodingError, match=r"line [23]"):
        read_costs_csv(p)


def test_ragged_row_and_missing_column_stay_typed(tmp_path: Path) -> None:
    p = _write(tmp_path / "c.csv", ["demand_id,site_id,cost", "a,x,1", "b,x,2,9"])
    with pytest.raises(FormatError, match="line 3"):
        read_costs_csv(p)
    p = _write(tmp_path / "c2.csv", ["demand_id,site,cost", "a,x,1"])
    with pytest.raises(MissingColumnError) as info:
        read_costs_csv(p)
    assert info.value.column == "site_id"


def test_repeated_pair_stops_the_import(tmp_path: Path) -> None:
    p = _write(tmp_path / "c.csv", ["demand_id,site_id,cost", "a,x,1", "b,x,2", " a,x ,3"])
    with pytest.raises(FormatError, match=r"row 2.*row 4"):
        read_costs_csv(p)


def test_demand_keeps_extra_columns_as_pandas_reads_them(tmp_path: Path) -> None:
    lines = ["demand_id,weight,name,pop", "01,100,Агидель,15000", "02,200,,7"]
    p = _write(tmp_path / "d.csv", lines)
    res = read_demand_csv(p)
    plain = pd.read_csv(p)
    assert res.table.columns.tolist() == ["demand_id", "weight", "name", "pop", "source_row"]
    assert res.table["demand_id"].tolist() == ["01", "02"]
    assert res.table["demand_id"].dtype == "string"
    assert res.table["name"].tolist()[0] == "Агидель"
    assert pd.isna(res.table["name"].iloc[1])
    assert res.table["pop"].tolist() == plain["pop"].tolist()
    assert res.table["pop"].dtype == plain["pop"].dtype


def test_na_texts_are_the_ones_of_pandas() -> None:
    from pandas._libs.parsers import STR_NA_VALUES

    assert set(NA_TEXT) == set(STR_NA_VALUES)


# -- Parquet ----------------------------------------------------------------------------------


def test_parquet_is_read_like_csv(tmp_path: Path) -> None:
    lines = ["demand_id,site_id,cost", "0012,007,1.5", "0013,007,2", "12,8,30"]
    p = _write(tmp_path / "c.csv", lines)
    q = tmp_path / "c.parquet"
    pd.read_csv(p, dtype=str).assign(cost=lambda f: f["cost"].astype(float)).to_parquet(q)
    from_csv, from_parquet = read_costs_csv(p).table, read_costs_csv(q).table
    for column in ("demand_id", "site_id", "cost"):
        assert from_parquet[column].tolist() == from_csv[column].tolist()
    assert from_parquet["source_row"].tolist() == [1, 2, 3]  # records, no header line


def test_parquet_integer_ids_become_text(tmp_path: Path) -> None:
    q = tmp_path / "s.parquet"
    pd.DataFrame({"site_id": [7, 12], "capacity": [1, 2]}).to_parquet(q)
    table = read_supply_csv(q).table
    assert table["site_id"].tolist() == ["7", "12"]
    assert table["capacity"].tolist() == [1.0, 2.0]


def test_parquet_integer_pair_ids_become_text(tmp_path: Path) -> None:
    """Integer ids of a Parquet cost table read as their decimal text, over known ids too."""
    q = tmp_path / "c.parquet"
    frame = pd.DataFrame(
        {"demand_id": [3, 3, 10, 250], "site_id": [7, 12, 7, 7], "cost": [1.0, 2, 3, 4]}
    )
    frame.to_parquet(q)
    plain = read_costs_csv(q).table
    assert plain["demand_id"].astype(str).tolist() == ["3", "3", "10", "250"]
    assert plain["site_id"].astype(str).tolist() == ["7", "12", "7", "7"]
    known = {"demand_id": pd.Series(["250", "3"], dtype="string")}
    table = read_costs_csv(q, known_ids=known).table
    assert table["demand_id"].astype(str).tolist() == ["3", "3", "10", "250"]
    assert table["demand_id"].cat.codes.tolist() == [1, 1, 2, 0]  # "10" is not known


def test_parquet_bad_rows_are_rejected_with_their_record(tmp_path: Path) -> None:
    q = tmp_path / "c.parquet"
    frame = pd.DataFrame(
        {"demand_id": ["a", "b", None], "site_id": "x", "cost": [1.0, math.nan, 2]}
    )
    frame.to_parquet(q)
    res = read_costs_csv(q)
    assert res.rejects["row"].tolist() == [2, 3]
    assert res.rejects["reason"].tolist() == ["missing value", "empty id"]
    assert res.table["demand_id"].tolist() == ["a"]


def test_broken_parquet_is_a_format_error(tmp_path: Path) -> None:
    q = tmp_path / "c.parquet"
    q.write_bytes(b"PAR1" + b"\x00" * 64)
    with pytest.raises(FormatError, match="Parquet"):
        read_costs_csv(q)


# -- matching ids by codes --------------------------------------------------------------------


def test_id_matches_equals_isin() -> None:
    rng = np.random.default_rng(7)
    ids = pd.Series([f"{k:03d}" for k in rng.integers(0, 400, 2000)], dtype="string")
    known = pd.Series([f"{k:03d}" for k in range(0, 400, 3)], dtype="string")
    want = ids.isin(set(known)).to_numpy()
    assert np.array_equal(id_matches(ids, known), want)
    assert np.array_equal(id_matches(_tables.as_category(ids), known), want)


def test_align_ids_codes_are_positions_in_known() -> None:
    """Aligned codes are each id's position in `known` (pandas' get_indexer), -1 if absent."""
    rng = np.random.default_rng(8)
    ids = pd.Series([f"{k:03d}" for k in rng.integers(0, 400, 2000)], dtype="string")
    known = pd.Series([f"{k:03d}" for k in rng.permutation(400)[:150]], dtype="string")
    want = pd.Index(known).get_indexer(ids)
    for given in (ids, _tables.as_category(ids)):
        aligned, unknown = _tables.align_ids(given, known)
        assert aligned.cat.categories.equals(pd.Index(known))
        assert np.array_equal(aligned.cat.codes.to_numpy(), want)
        assert np.array_equal(unknown, want < 0)
        assert aligned[~unknown].astype(str).tolist() == ids[~unknown].tolist()


def test_aligned_ids_give_the_same_measure() -> None:
    """A measure reads aligned codes directly and gives what the plain text ids give."""
    from opora.access import measures

    costs = pd.DataFrame(
        {
            "demand_id": pd.Series(["b", "a", "a", "c"], dtype="string"),
            "site_id": pd.Series(["x", "y", "x", "y"], dtype="string"),
            "cost": [10.0, 20.0, 5.0, 25.0],
        }
    )
    demand = pd.DataFrame(
        {"demand_id": pd.Series(["a", "b", "c", "d"], dtype="string"), "weight": [1.0, 2, 3, 4]}
    )
    supply = pd.DataFrame({"site_id": pd.Series(["y", "x"], dtype="string"), "capacity": [1.0, 2]})
    aligned = costs.copy()
    aligned["demand_id"], bad_d = _tables.align_ids(costs["demand_id"], demand["demand_id"])
    aligned["site_id"], bad_s = _tables.align_ids(costs["site_id"], supply["site_id"])
    assert not bad_d.any()
    assert not bad_s.any()
    want = measures.two_sfca(costs, demand, supply, 30)
    got = measures.two_sfca(aligned, demand, supply, 30)
    pd.testing.assert_series_equal(got, want)


def test_repair_id_codes_equals_repair_ids() -> None:
    known = pd.Series(["0101", "0102", "0203", "7700000000"], dtype="string")
    ids = pd.Series(
        ["101", "0101", "102", "203", "999", "7.7E+09", "101.0", "0102"], dtype="string"
    )
    fixed, repaired, hint = repair_ids(ids, known)
    got_fixed, got_repaired, got_hints = repair_id_codes(ids, known)
    assert got_fixed.astype(str).tolist() == fixed.tolist()
    assert got_repaired.tolist() == repaired.tolist()
    want_hints = {ids[i]: hint[i] for i in range(len(ids)) if pd.notna(hint[i])}
    assert got_hints == want_hints


# -- locate and the command -------------------------------------------------------------------


def test_locate_readers_fast_and_careful_agree(tmp_path: Path, monkeypatch) -> None:
    p = _write(tmp_path / "c.csv", ["demand_id,site_id,cost", "01,a,1", "02,a,2.5", "02,b,0"])
    d = _write(tmp_path / "d.csv", ["demand_id,weight,name", "01,10,x", "02,20,y"])
    fast_costs, fast_demand = read_costs(p), read_demand(d)
    import opora.io.locate as locate

    monkeypatch.setattr(locate, "fast_read", lambda *a, **k: None)
    careful_costs, careful_demand = read_costs(p), read_demand(d)
    for column in fast_costs.columns:
        assert fast_costs[column].tolist() == careful_costs[column].tolist(), column
    assert fast_demand.columns.tolist() == careful_demand.columns.tolist()
    for column in fast_demand.columns:
        assert fast_demand[column].tolist() == careful_demand[column].tolist(), column


def test_locate_accepts_parquet(tmp_path: Path) -> None:
    c = tmp_path / "c.parquet"
    pd.DataFrame({"demand_id": ["01", "02"], "site_id": ["a", "a"], "cost": [1.0, 2.0]}).to_parquet(
        c
    )
    d = tmp_path / "d.parquet"
    pd.DataFrame({"demand_id": ["01", "02"], "weight": [1, 3]}).to_parquet(d)
    inputs = read_locate_inputs(c, d)
    assert inputs.costs["demand_id"].tolist() == ["01", "02"]
    assert inputs.demand["weight"].tolist() == [1.0, 3.0]


def test_access_command_reads_parquet(tmp_path: Path) -> None:
    """2SFCA from Parquet files equals the hand computation (Luo & Wang)."""
    pd.DataFrame(
        {"demand_id": ["a", "a", "b"], "site_id": ["x", "y", "x"], "cost": [10.0, 20.0, 30.0]}
    ).to_parquet(tmp_path / "c.parquet")
    pd.DataFrame({"demand_id": ["a", "b"], "weight": [100.0, 200.0]}).to_parquet(
        tmp_path / "d.parquet"
    )
    pd.DataFrame({"site_id": ["x", "y"], "capacity": [10.0, 5.0]}).to_parquet(
        tmp_path / "s.parquet"
    )
    out = tmp_path / "out.csv"
    args = ["access", "2sfca", "--max-cost", "60", "--out", str(out), "-q"]
    for name, key in (("c", "costs"), ("d", "demand"), ("s", "supply")):
        args += [f"--{key}", str(tmp_path / f"{name}.parquet")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(out, dtype={"demand_id": str}).set_index("demand_id")["score"]
    # R_x = 10 / 300, R_y = 5 / 100; a reaches x and y, b reaches x
    assert scores["a"] == pytest.approx(10 / 300 + 5 / 100)
    assert scores["b"] == pytest.approx(10 / 300)


# -- writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_write_csv_is_byte_for_byte_pandas(tmp_path: Path, seed: int) -> None:
    from opora.io.matrix import write_csv

    rng = np.random.default_rng(seed)
    n = 2000
    values = rng.random(n) * 10.0 ** rng.integers(-12, 20, n)
    values[:8] = [0.0, -0.0, math.nan, 1e16, 1e-5, 0.1, 5e-324, 123456789.0]
    ids = pd.array([f"{k:05d}" if k % 3 else f"Агидель {k}" for k in range(n)], dtype="string")
    frame = pd.DataFrame({"demand_id": ids, "score": values})
    out = write_csv(frame, tmp_path / "a.csv")
    frame.to_csv(tmp_path / "b.csv", index=False)
    assert out.read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({"demand_id": pd.array(["a,b", "c"], dtype="string"), "s": [1.0, 2.0]}),
        pd.DataFrame({"demand_id": pd.array(['a"b', None], dtype="string"), "s": [1.0, 2.0]}),
        pd.DataFrame({"threshold": [15, 30], "share": [0.5, 1.0]}),
    ],
    ids=["comma", "quote and missing", "integers"],
)
def test_write_csv_leaves_the_rest_to_pandas(tmp_path: Path, frame: pd.DataFrame) -> None:
    from opora.io.matrix import write_csv

    out = write_csv(frame, tmp_path / "a.csv")
    frame.to_csv(tmp_path / "b.csv", index=False)
    assert out.read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize("seed", range(6))
def test_has_repeats_equals_duplicated(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sorted keys (by text or by number) pass without a sort; every answer is pandas'."""
    monkeypatch.setattr(_tables, "_SLICE", 7)  # several slices even for small tables
    rng = np.random.default_rng(seed)
    pool_a = ["1", "2", "10", "007", "x"]
    pool_b = ["5", "40", "300", "0040", "b", "a"] if seed % 2 else ["5", "40", "300", "9"]
    for _ in range(60):
        n = int(rng.integers(2, 30))
        a = pd.Series(rng.choice(pool_a, n), dtype="string")
        b = pd.Series(rng.choice(pool_b, n), dtype="string")
        if rng.random() < 0.3:
            b[int(rng.integers(n))] = pd.NA
        frame = pd.DataFrame({"a": a, "b": b})
        if rng.random() < 0.5:  # the order of an export: by id, numbers by value
            key = frame["b"].map(
                lambda v: (0, int(v), "") if isinstance(v, str) and v.isdigit() else (1, 0, str(v))
            )
            frame = frame.assign(key=key).sort_values(["a", "key"]).drop(columns="key")
        columns = [_tables.as_category(frame["a"]), frame["b"]]
        want = bool(frame.duplicated().any())
        assert _tables.has_repeats(columns) is want
        assert _tables.has_repeats([frame["b"]]) is bool(frame["b"].duplicated().any())


def test_has_quote_finds_a_quote_anywhere(tmp_path: Path) -> None:
    """The quote scan sees a quote past its first chunk, and none where there is none."""
    from opora.io import _tables

    body = "a,x,1\n" * 100_000  # 600 kB: more than two chunks
    plain = tmp_path / "plain.csv"
    plain.write_text("demand_id,site_id,cost\n" + body)
    quoted = tmp_path / "quoted.csv"
    quoted.write_text("demand_id,site_id,cost\n" + body + '"b",x,2\n')
    assert plain.stat().st_size > 2 * _tables._SCAN_CHUNK
    assert not _tables._has_quote(plain)
    assert _tables._has_quote(quoted)
