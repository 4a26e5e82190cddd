"""Progress callbacks of the long jobs: one call with a description before each step."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "no_progress"]

#: Called with a step description before each step of a long job.
Progress = Callable[[str], None]


def no_progress(_: str) -> None:
    """Ignore a step description (the default progress callback).

    Parameters
    ----------
    _
        The step description.
    """
