"""The chain behind `opora access reach` (opora.workflow.reach): counts, progress, atomicity.

The pairs themselves are checked against scipy's Dijkstra in tests/cli/test_reach.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.errors import OutputPathError, ValidationError
from opora.io.reach import read_reach_parquet
from opora.workflow.reach import (
    REACH_POINT_COLUMNS,
    check_reach_paths,
    reach_points_path,
    run_reach,
)


@pytest.fixture
def points(tmp_path):
    rng = np.random.default_rng(5)
    lon = np.append(rng.uniform(26.935, 26.965, 12), 27.4)  # the last: ~25 km from any road
    lat = np.append(rng.uniform(60.522, 60.538, 12), 60.53)
    path = tmp_path / "points.csv"
    pd.DataFrame({"id": [f"p{i}" for i in range(13)], "lon": lon, "lat": lat}).to_csv(
        path, index=False
    )
    return path


def test_counts_progress_and_points_file(osm_test_pbf, points, tmp_path):
    steps: list[str] = []
    done: list[tuple[int, int]] = []
    out = tmp_path / "reach.parquet"
    run = run_reach(
        osm_test_pbf,
        out,
        points=points,
        max_cost=5.0,
        block_size=5,
        progress=steps.append,
        on_block=lambda d, t: done.append((d, t)),
    )
    assert steps == ["read points", "read OSM roads", "snap points to the roads", "route"]
    assert done == [(5, 13), (10, 13), (13, 13)]
    assert run.n_blocks == 3
    assert run.n_points == 13
    assert run.n_too_far == 1
    assert run.n_unreached == 1  # the far point: its walk alone exceeds 5 minutes
    pairs, meta = read_reach_parquet(out)
    assert len(pairs) == run.n_pairs
    assert meta["state"] == "summer"
    assert run.file_bytes == out.stat().st_size
    pts = pd.read_parquet(run.points_path)
    assert run.points_path == reach_points_path(out) == tmp_path / "reach_points.parquet"
    assert list(pts.columns) == REACH_POINT_COLUMNS
    assert pts["too_far"].tolist() == [False] * 12 + [True]
    assert pts["n_reached"].sum() == run.n_pairs
    assert (pts["osm_node"] > 0).all()
    assert 12 not in set(pairs["origin"]) | set(pairs["destination"])


def test_an_interrupted_run_keeps_the_previous_files(osm_test_pbf, points, tmp_path):
    out = tmp_path / "reach.parquet"
    first = run_reach(osm_test_pbf, out, points=points, max_cost=3.0, block_size=4)
    before = out.read_bytes(), first.points_path.read_bytes()

    def stop(done: int, total: int) -> None:
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_reach(osm_test_pbf, out, points=points, max_cost=5.0, block_size=4, on_block=stop)
    assert (out.read_bytes(), first.points_path.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "points.csv",
        "reach.parquet",
        "reach_points.parquet",
    ]


def test_inputs_checked(osm_test_pbf, points, tmp_path):
    with pytest.raises(ValidationError, match="one of the two"):
        run_reach(osm_test_pbf, tmp_path / "r.parquet")
    with pytest.raises(ValidationError, match="state"):
        run_reach(osm_test_pbf, tmp_path / "r.parquet", points=points, state="spring")
    with pytest.raises(OutputPathError, match=r"\.parquet"):
        check_reach_paths(tmp_path / "r.txt", points)
    same = tmp_path / "same.parquet"
    same.write_bytes(b"PAR1")
    with pytest.raises(OutputPathError, match="input"):
        check_reach_paths(same, same)
