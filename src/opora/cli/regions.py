"""The ``opora regions`` command: every region, its codes and the sources it has.

Register it on the main app with ``app.command("regions")(regions_cmd)``.
"""

from __future__ import annotations

import contextlib
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from opora.cli._common import EXIT_FAILED, CacheDir, DataDir, fail, settings, stderr, stdout
from opora.errors import OporaError

__all__ = ["OutputFormat", "regions_cmd"]


class OutputFormat(StrEnum):
    """Output formats of ``opora regions``."""

    table = "table"
    csv = "csv"


def regions_cmd(
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", case_sensitive=False, help="A table on screen, or CSV."),
    ] = OutputFormat.table,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the CSV to this file (default: standard output)."),
    ] = None,
) -> None:
    """List every region: OKTMO and ISO codes, names, federal district, sources it has.

    Any of the names and codes shown is accepted by `--region`. The sources are counted
    in the data folder (`--data-dir`); with none, only the embedded default region's.
    """
    import pandas as pd

    from opora.io.inventory import EXPECTED_SOURCES, INVENTORY_SOURCES, region_inventory
    from opora.io.register import REGISTER_WHEEL

    cfg = settings(data_dir, cache_dir)
    wheel = cfg.cache_dir / "register" / REGISTER_WHEEL
    try:
        inv = region_inventory(cfg.data_dir, wheel if wheel.exists() else None)
    except OporaError as exc:
        fail(exc)
    table = inv.table
    if fmt == OutputFormat.csv:
        if out is None:
            with contextlib.suppress(BrokenPipeError):  # `opora regions --format csv | head`
                table.to_csv(sys.stdout, index=False)
            return
        try:
            table.to_csv(out, index=False)
        except OSError as exc:
            fail(f"{out}: cannot write the CSV ({exc.strerror}); choose another --out", EXIT_FAILED)
        stderr.print(f"wrote {out} ({len(table)} regions)")
        return
    from rich.table import Table

    where = f"data folder {inv.data_dir}" if inv.data_dir else "embedded default only"
    t = Table(title=f"Regions / регионы — {len(table)} ({where})", show_lines=False)
    t.add_column("OKTMO", no_wrap=True)
    t.add_column("ISO", no_wrap=True)
    t.add_column("регион / region", ratio=4, overflow="fold")
    t.add_column("ФО / district", ratio=2, overflow="fold")
    t.add_column("has / есть", no_wrap=True)
    t.add_column("lacks / нет", ratio=2, overflow="fold")
    t.add_column("Arctic, Far North", ratio=2, overflow="fold")
    n_expected = len(EXPECTED_SOURCES)
    for r in table.to_dict("records"):
        counted = [k for k in EXPECTED_SOURCES if not pd.isna(r[k])]
        held = len(counted) - len([x for x in str(r["lacks"]).split(", ") if x])
        t.add_row(
            str(r["oktmo_prefix"]),
            str(r["iso"]),
            f"{r['name_ru']}\n{r['name_en']}",
            f"{r['federal_district_ru']}\n{r['federal_district_en']}",
            f"{held} of {n_expected}" if counted else "not counted",
            str(r["lacks"]) or "—",
            str(r["status"]) or "—",
        )
    stdout.print(t)
    stdout.print(
        "sources / источники: "
        + "; ".join(f"{k} = {en} ({what})" for k, (en, _ru, what) in INVENTORY_SOURCES.items())
    )
    for key, why in inv.notes.items():
        kind = "not evaluated / не оценено" if key in INVENTORY_SOURCES else "note / примечание"
        stdout.print(f"{kind}: {key}: {why}")
