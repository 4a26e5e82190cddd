"""What a run did: steps that ran or were skipped, the summary table and the completion record.

A long job (``opora demo``, ``opora init``) runs its steps through a :class:`RunLog`:
a step whose input a region lacks is *skipped* with its reason, a step that raises is
recorded as *failed* with the message, and the steps that need it are skipped in turn;
the others still run. At the end the log gives the run summary (``run_summary.csv``,
printed by the CLI in Russian and English) and the exit code
(:data:`EXIT_OK` when every step ran, :data:`EXIT_SKIPPED` otherwise).

Output folders are written through :func:`staged_output`: the job writes into a hidden
sibling folder, and only when it has finished are the files moved into place and the
completion record ``run.json`` written, last
(:func:`opora.io.workspace.write_run_record`). An interrupted or failed run therefore
never leaves a folder that looks finished; the readers of a workspace refuse a folder
without ``run.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import pandas as pd

from opora._version import __version__
from opora.io.workspace import RUN_RECORD, write_run_record

__all__ = [
    "EXIT_OK",
    "EXIT_SKIPPED",
    "RUN_SUMMARY",
    "STEP_LABELS",
    "RunLog",
    "StepRecord",
    "file_checksums",
    "staged_output",
    "step_label",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

#: Exit code of a run in which every step ran.
EXIT_OK = 0
#: Exit code of a run that finished with some steps skipped or failed (outputs written).
EXIT_SKIPPED = 3

#: File name of the run summary table inside the output folder.
RUN_SUMMARY = "run_summary.csv"

#: Step name -> (English, Russian) label.
STEP_LABELS: dict[str, tuple[str, str]] = {
    "sources": ("sources and region model", "источники и модель региона"),
    "analyses": (
        "profile, accessibility, economy, features",
        "профиль, доступность, экономика, признаки",
    ),
    "economy structure": (
        "employment structure, complexity, candidates",
        "структура занятости, сложность, кандидаты",
    ),
    "ties": ("ties between municipalities", "связи между муниципалитетами"),
    "strategy": ("typology, resilience, strategy cards", "типология, устойчивость, карточки"),
    "anchors": ("anchor-settlement framework", "опорные населённые пункты"),
    "passports": ("town passports", "паспорта городов"),
    "report": ("HTML report", "HTML-отчёт"),
}

Status = Literal["ran", "skipped", "failed", "not_read"]

_STATUS_RU = {
    "ran": "выполнен",
    "skipped": "пропущен",
    "failed": "ошибка",
    "not_read": "не прочитан",
}


@dataclass
class StepRecord:
    """One step of a run.

    Attributes
    ----------
    step
        Step name (a key of :data:`STEP_LABELS`, or ``source: <key>`` for a source).
    status
        ``ran``, ``skipped`` (its input is missing), ``failed`` (it raised) or
        ``not_read`` (a source absent for the region).
    reason_en, reason_ru
        Why it did not run (empty when it ran).
    seconds
        Wall time.
    """

    step: str
    status: Status
    reason_en: str = ""
    reason_ru: str = ""
    seconds: float = 0.0


@dataclass
class RunLog:
    """The steps of a run, in order (see the module docstring).

    Attributes
    ----------
    steps
        One record per step or missing source.
    """

    steps: list[StepRecord] = field(default_factory=list)

    def status(self, step: str) -> Status | None:
        """Return the status of a step, or ``None`` when it has not been recorded."""
        for rec in reversed(self.steps):
            if rec.step == step:
                return rec.status
        return None

    def ran(self, step: str) -> bool:
        """Tell whether a step ran."""
        return self.status(step) == "ran"

    def record(
        self,
        step: str,
        status: Status,
        reason_en: str = "",
        reason_ru: str = "",
        seconds: float = 0,
    ) -> None:
        """Add a record.

        Parameters
        ----------
        step
            Step name.
        status
            Its status.
        reason_en, reason_ru
            Why it did not run.
        seconds
            Wall time.
        """
        self.steps.append(StepRecord(step, status, reason_en, reason_ru or reason_en, seconds))

    def run(
        self,
        step: str,
        job: Callable[[], _T],
        *,
        needs: tuple[str, ...] = (),
    ) -> _T | None:
        """Run one step unless a step it needs did not run; record what happened.

        Parameters
        ----------
        step
            Step name.
        job
            The step itself.
        needs
            Steps whose results it uses.

        Returns
        -------
        object or None
            What ``job`` returned; ``None`` when it was skipped or failed.
        """
        lacking = [n for n in needs if not self.ran(n)]
        if lacking:
            en = ", ".join(STEP_LABELS.get(n, (n, n))[0] for n in lacking)
            ru = ", ".join(STEP_LABELS.get(n, (n, n))[1] for n in lacking)
            self.record(
                step,
                "skipped",
                f"needs {en}, which did not run",
                f"нужен шаг «{ru}», он не выполнен",
            )
            return None
        t0 = time.perf_counter()
        try:
            out = job()
        except Exception as exc:  # a failed step must not stop the others
            logger.warning("step %s failed: %s", step, exc, exc_info=logger.isEnabledFor(10))
            text = f"{type(exc).__name__}: {exc}"
            self.record(step, "failed", text, f"ошибка: {text}", time.perf_counter() - t0)
            return None
        self.record(step, "ran", seconds=time.perf_counter() - t0)
        return out

    @property
    def complete(self) -> bool:
        """True when every step ran (sources not read do not count)."""
        return all(r.status == "ran" for r in self.steps if r.status != "not_read")

    @property
    def exit_code(self) -> int:
        """:data:`EXIT_OK` when every step ran, :data:`EXIT_SKIPPED` otherwise."""
        return EXIT_OK if self.complete else EXIT_SKIPPED

    def table(self) -> pd.DataFrame:
        """Return the run summary table.

        Returns
        -------
        pandas.DataFrame
            Columns ``step``, ``label_en``, ``label_ru``, ``status``, ``status_ru``,
            ``seconds``, ``reason_en``, ``reason_ru``.
        """
        rows = [
            {
                "step": r.step,
                "label_en": step_label(r.step)[0],
                "label_ru": step_label(r.step)[1],
                "status": r.status,
                "status_ru": _STATUS_RU[r.status],
                "seconds": round(r.seconds, 2),
                "reason_en": r.reason_en,
                "reason_ru": r.reason_ru,
            }
            for r in self.steps
        ]
        cols = ["step", "label_en", "label_ru", "status", "status_ru", "seconds"]
        return pd.DataFrame(rows, columns=[*cols, "reason_en", "reason_ru"])

    def lines(self) -> list[str]:
        """Return the summary as text lines, each in Russian and English.

        Returns
        -------
        list of str
            One line per step that did not run, and a closing line.
        """
        out = []
        for r in self.steps:
            if r.status == "ran":
                continue
            en, ru = step_label(r.step)
            out.append(
                f"{_STATUS_RU[r.status]} / {r.status}: {ru} / {en} — {r.reason_ru} / {r.reason_en}"
            )
        ran = sum(r.status == "ran" for r in self.steps)
        steps = sum(r.status != "not_read" for r in self.steps)
        if self.complete:
            out.append(f"выполнены все шаги ({ran}) / every step ran ({ran})")
        else:
            out.append(
                f"выполнено шагов: {ran} из {steps}; код выхода {EXIT_SKIPPED} / "
                f"{ran} of {steps} steps ran; exit code {EXIT_SKIPPED}"
            )
        return out


def step_label(step: str) -> tuple[str, str]:
    """English and Russian label of a step (``source: KEY`` for a source not read)."""
    if step.startswith("report: "):
        key = step.removeprefix("report: ")
        return f"report section {key}", f"раздел отчёта {key}"
    if step.startswith("source: "):
        key = step.removeprefix("source: ")
        return f"source {key}", f"источник {key}"
    return STEP_LABELS.get(step, (step, step))


def file_checksums(paths: list[Path]) -> dict[str, str]:
    """Return the SHA-256 of each existing file.

    Parameters
    ----------
    paths
        Input files.

    Returns
    -------
    dict of str to str
        Path -> hex digest.
    """
    out = {}
    for p in paths:
        if p.is_file():
            h = hashlib.sha256()
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            out[str(p)] = h.hexdigest()
    return out


def _remove_stale_stages(out: Path) -> None:
    """Remove the staging folders of ``out`` left by runs that were killed."""
    if not out.parent.is_dir():
        return
    prefix = f".{out.name}.partial-"
    for old in out.parent.iterdir():
        pid = old.name.removeprefix(prefix)
        if not old.name.startswith(prefix) or not pid.isdigit() or not old.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # its run is gone: nothing will finish it
            shutil.rmtree(old, ignore_errors=True)
        except PermissionError:  # another user's run, still going
            continue


@contextlib.contextmanager
def staged_output(out_dir: str | Path) -> Iterator[Path]:
    """Write a job's outputs into a hidden sibling folder and move them into place at the end.

    The folder given to the body is ``.<name>.partial-<pid>`` next to ``out_dir``. When
    the body ends without an exception, the completion record of ``out_dir`` is removed,
    every file of the staging folder replaces the one of the same name in ``out_dir``
    (other files there are left alone) and the staging folder is removed; the caller
    then writes ``run.json`` (:func:`opora.io.workspace.write_run_record`). When the body
    raises, the staging folder is removed and ``out_dir`` is left as it was. Staging
    folders of ``out_dir`` left by killed runs (their process is gone) are removed first.

    Parameters
    ----------
    out_dir
        The output folder.

    Yields
    ------
    pathlib.Path
        The staging folder.
    """
    out = Path(out_dir).absolute()
    stage = out.parent / f".{out.name}.partial-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    _remove_stale_stages(out)
    stage.mkdir(parents=True)
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    out.mkdir(parents=True, exist_ok=True)
    (out / RUN_RECORD).unlink(missing_ok=True)
    for item in sorted(stage.iterdir()):
        target = out / item.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(item, target)
    stage.rmdir()


def run_record(
    job: str,
    log: RunLog,
    *,
    region: str,
    inputs: list[Path],
    started: datetime,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the completion record of a run.

    Parameters
    ----------
    job
        ``demo`` or ``init``.
    log
        The run's steps.
    region
        Region name.
    inputs
        Input files (checksummed).
    started
        Start time (UTC).
    extra
        More fields.

    Returns
    -------
    dict
        JSON-ready record.
    """
    return {
        "job": job,
        "complete": log.complete,
        "exit_code": log.exit_code,
        "region": region,
        "opora_version": __version__,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "steps": [
            {"step": r.step, "status": r.status, "reason_en": r.reason_en, "reason_ru": r.reason_ru}
            for r in log.steps
        ],
        "inputs": file_checksums(inputs),
        **(extra or {}),
    }


def finish_run(out: Path, record: dict[str, Any], log: RunLog) -> dict[str, Path]:
    """Write the run summary table and, last, the completion record ``run.json``.

    Parameters
    ----------
    out
        The (final) output folder.
    record
        What :func:`run_record` returned.
    log
        The run's steps.

    Returns
    -------
    dict of str to pathlib.Path
        ``run_summary`` and ``run``.
    """
    summary = out / RUN_SUMMARY
    log.table().to_csv(summary, index=False)
    return {"run_summary": summary, "run": write_run_record(out, record)}
