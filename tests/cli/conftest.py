"""Fixture of the command tests: ``opora`` run in-process, as a user would type it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from opora.cli import app


@pytest.fixture(scope="session")
def opora_cli() -> Callable[..., Result]:
    """Return ``invoke(*args, **kwargs)``: run ``opora ARGS`` and return the result.

    The arguments are turned into text (paths may be given as they are); keyword
    arguments go to :meth:`typer.testing.CliRunner.invoke` (``terminal_width``,
    ``catch_exceptions``).
    """
    runner = CliRunner()

    def invoke(*args: object, **kwargs: Any) -> Result:
        return runner.invoke(app, [str(a) for a in args], **kwargs)

    return invoke
