"""The public names of opora and opora.workflow are imported on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from opora._lazy import lazy_attribute


def test_lazy_attribute_imports_the_name_and_keeps_it() -> None:
    namespace: dict[str, object] = {}
    value = lazy_attribute("pkg", {"dumps": "json"}, namespace, "dumps")
    import json

    assert value is json.dumps
    assert namespace == {"dumps": json.dumps}


def test_lazy_attribute_refuses_a_name_it_does_not_know() -> None:
    with pytest.raises(AttributeError, match="module 'pkg' has no attribute 'loads'"):
        lazy_attribute("pkg", {"dumps": "json"}, {}, "loads")


@pytest.mark.parametrize("package", ["opora", "opora.workflow"])
def test_every_public_name_resolves_and_nothing_heavy_loads_first(package: str) -> None:
    code = (
        "import importlib, sys\n"
        f"p = importlib.import_module({package!r})\n"
        "assert 'opora.workflow.demo' not in sys.modules, 'imported eagerly'\n"
        "missing = [n for n in p.__all__ if getattr(p, n, None) is None]\n"
        "assert not missing, missing\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
