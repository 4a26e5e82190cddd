"""Tests of the passport charts."""

from __future__ import annotations

from pathlib import Path

from opora.report.passport import (
    render_passport_html,
)
from report.passport._sample import (
    empty_passport,
)


def test_rendering_leaves_matplotlib_settings_alone(tmp_path: Path) -> None:
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    backend = mpl.rcParams._get_backend_or_none()  # type: ignore[attr-defined]
    render_passport_html(empty_passport())
    assert dict(mpl.rcParams) == before
    assert mpl.rcParams._get_backend_or_none() == backend  # type: ignore[attr-defined]
