"""Import results and reject reports shared by every reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["REJECT_COLUMNS", "ImportResult", "RejectLog"]

#: Columns of every reject report: where the problem is, what was found, why, what was done.
REJECT_COLUMNS = ["file", "row", "column", "value", "reason", "action", "context"]


class RejectLog:
    """Collect rejected or repaired values while a file is read.

    Parameters
    ----------
    path
        The file being read; written into every record.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._records: list[dict[str, Any]] = []

    def add(
        self,
        row: int | None,
        column: str | None,
        value: object,
        reason: str,
        action: str,
        context: str | None = None,
    ) -> None:
        """Record one problem.

        Parameters
        ----------
        row
            1-based line or row number in the source file (header lines included), if known.
        column
            The column concerned.
        value
            The value as found in the file.
        reason
            What is wrong with it.
        action
            ``"rejected"`` (row dropped), ``"repaired"`` (value fixed) or ``"flagged"``
            (kept as is).
        context
            Optional context such as the region of the row or the sheet of a workbook.
        """
        self._records.append(
            {
                "file": self.path,
                "row": row,
                "column": column,
                "value": None if value is None else str(value),
                "reason": reason,
                "action": action,
                "context": context,
            }
        )

    def add_many(
        self,
        rows: pd.Series,
        column: str | None,
        values: pd.Series,
        reason: str,
        action: str,
        context: pd.Series | None = None,
    ) -> None:
        """Record the same problem for many rows at once.

        Parameters
        ----------
        rows
            1-based row numbers in the source file.
        column
            The column concerned.
        values
            The values as found, aligned with ``rows``.
        reason
            What is wrong.
        action
            ``"rejected"``, ``"repaired"`` or ``"flagged"``.
        context
            Optional per-row context aligned with ``rows``.
        """
        ctx = [None] * len(rows) if context is None else context.tolist()
        for r, v, c in zip(rows.tolist(), values.tolist(), ctx, strict=True):
            self.add(int(r) if pd.notna(r) else None, column, v, reason, action, c)

    def to_frame(self) -> pd.DataFrame:
        """Return the records as a DataFrame with :data:`REJECT_COLUMNS`."""
        frame = pd.DataFrame(self._records, columns=REJECT_COLUMNS)
        return frame.astype({"row": "Int64"})

    def __len__(self) -> int:
        return len(self._records)


@dataclass(frozen=True)
class ImportResult:
    """What a reader returns: the table, its reject report and counts.

    Attributes
    ----------
    name
        Short name of the source, such as ``"settlement_register"``.
    table
        The rows kept, in the model's columns.
    rejects
        One row per rejected, repaired or flagged value (:data:`REJECT_COLUMNS`).
    rows_read
        Data rows found in the source (or in the part of it that was asked for).
    extra
        Named counts specific to the source (for example, repairs by kind).
    notes
        Named facts for messages, as text (for example, the other regions a registry
        holds); not counts, so not in :meth:`summary`.
    """

    name: str
    table: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: int
    extra: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def rows_kept(self) -> int:
        """Rows in :attr:`table`."""
        return len(self.table)

    @property
    def rows_rejected(self) -> int:
        """Number of reject records whose action is ``rejected``."""
        return int((self.rejects["action"] == "rejected").sum())

    @property
    def rows_repaired(self) -> int:
        """Number of reject records whose action is ``repaired``."""
        return int((self.rejects["action"] == "repaired").sum())

    @property
    def rows_flagged(self) -> int:
        """Number of reject records whose action is ``flagged``."""
        return int((self.rejects["action"] == "flagged").sum())

    def summary(self) -> dict[str, Any]:
        """Return the counts as a flat dictionary, for the CLI and the report."""
        return {
            "source": self.name,
            "read": self.rows_read,
            "kept": self.rows_kept,
            "repaired": self.rows_repaired,
            "rejected": self.rows_rejected,
            "flagged": self.rows_flagged,
            **self.extra,
        }
