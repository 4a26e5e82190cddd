"""The command line starts light: no heavy package is imported to build the command tree.

Every command imports what it runs inside its body, so ``opora --version`` and
``opora --help`` start in a fraction of a second. These tests look at ``sys.modules`` of
a fresh interpreter (no timing is asserted) and check that the lazy public API of
``opora`` still gives every name of its ``__all__``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Packages that take tenths of a second to import each, or pull in native libraries;
#: none may be loaded by ``import opora.cli`` or ``opora --version``.
HEAVY = (
    "fastapi",
    "geopandas",
    "highspy",
    "matplotlib",
    "numpy",
    "osmium",
    "pandas",
    "pandera",
    "pyarrow",
    "pyogrio",
    "pyproj",
    "scipy",
    "shapely",
    "sklearn",
    "uvicorn",
    "weasyprint",
)

_LOADED = """
import json, sys
{code}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})))
"""


def _loaded(code: str) -> set[str]:
    """Return the top-level packages a fresh interpreter holds after running ``code``."""
    out = subprocess.run(
        [sys.executable, "-c", _LOADED.format(code=code)],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "code",
    [
        "import opora",
        "import opora.cli",
        "from opora import __version__",
        # what `opora --version` runs, stopped by typer's Exit
        "from opora.cli import app\ntry:\n    app(['--version'])\nexcept SystemExit:\n    pass",
    ],
    ids=["opora", "opora.cli", "version attribute", "opora --version"],
)
def test_start_imports_no_heavy_package(code: str) -> None:
    heavy = sorted(_loaded(code) & set(HEAVY))
    assert heavy == [], f"`{code.splitlines()[0]}` imports {heavy}; import them where used"


def test_parsing_a_command_builds_no_pydantic_adapter(tmp_path) -> None:
    """Options are parsed by click's own types: no pydantic model is built for them.

    typer 0.29 builds a pydantic ``TypeAdapter`` for each option of the command run, about
    0.1 s (pydantic's import included) added to every command; ``pyproject.toml`` keeps
    typer below it. A command stopped on a missing file has parsed all its options.
    """
    args = [
        "access", "2sfca", "--max-cost", "30", "--out", str(tmp_path / "o.csv"), "-q",
        "--costs", str(tmp_path / "c.csv"), "--demand", str(tmp_path / "d.csv"),
        "--supply", str(tmp_path / "s.csv"),
    ]  # fmt: skip
    code = f"from opora.cli import app\ntry:\n    app({args!r})\nexcept SystemExit:\n    pass"
    assert "pydantic" not in _loaded(code)


def test_version_command_prints_the_version() -> None:
    from opora._version import __version__

    out = subprocess.run(
        [sys.executable, "-m", "opora", "--version"], check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == f"opora {__version__}"


def test_help_lists_every_group_without_heavy_imports() -> None:
    code = "from opora.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    assert not _loaded(code) & set(HEAVY)


def test_lazy_public_api_gives_every_name() -> None:
    import opora
    import opora.errors
    import opora.model.region

    assert len(opora.__all__) == len(set(opora.__all__))
    for name in opora.__all__:
        assert getattr(opora, name) is not None, name
    # the objects are the ones of their home modules, not copies
    assert opora.OporaError is opora.errors.OporaError
    assert opora.Region is opora.model.region.Region
    assert set(opora.__all__) <= set(dir(opora))
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        _ = opora.not_a_name  # type: ignore[attr-defined]


def test_from_opora_import_every_name() -> None:
    code = "import opora\nfor name in opora.__all__:\n    exec(f'from opora import {name}')"
    subprocess.run([sys.executable, "-c", code], check=True)
    subprocess.run([sys.executable, "-c", "from opora import *"], check=True)


@pytest.mark.parametrize("package", ["opora.io", "opora.model", "opora.access"])
def test_lazy_package_names_resolve(package: str) -> None:
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"
