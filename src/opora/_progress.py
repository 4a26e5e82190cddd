"""Progress bar of the long commands: one call per step, a counter against the total."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["progress_steps"]


@contextmanager
def progress_steps(quiet: bool, total: int, console: Console) -> Iterator[Callable[[str], None]]:
    """Yield a ``step(description)`` callable that advances a progress bar.

    Parameters
    ----------
    quiet
        No bar at all: the callable does nothing.
    total
        Number of steps expected (the bar is completed at the end whatever the count).
    console
        Console the bar is drawn on (standard error in the commands).

    Yields
    ------
    callable
        Call it with the description of each step as the step starts.
    """
    if quiet:
        yield lambda _msg: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("start", total=total)
        first = [True]

        def step(msg: str) -> None:
            if not first[0]:
                bar.advance(task)
            first[0] = False
            bar.update(task, description=msg)

        yield step
        bar.update(task, completed=total, description="done")
