"""The ``opora db`` commands: a workspace in a shared PostgreSQL + PostGIS database.

``opora db load FOLDER --database URL`` loads a finished workspace (or a country folder)
into its schema (:class:`opora.io.postgis.PostgisStore`): every layer of its GeoPackage
as a PostGIS table (EPSG:4326, GiST index) that QGIS opens, every CSV and Parquet table,
and a version record; jobs, results and files already there stay. ``opora serve FOLDER
--database URL`` does the same on start when the schema holds another version; loading
beforehand makes the start quick and lets a data manager publish a new run.

Register on the main app with ``app.add_typer(db_app, name="db")``. A folder or database
that cannot be used stops the command with its message and exit code 2.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from opora.cli._common import fail, stdout, sub_app
from opora.errors import OporaError

__all__ = ["db_app"]

db_app = sub_app("db", "A workspace in a shared PostgreSQL + PostGIS database (QGIS opens it).")


@db_app.command("load")
def load_cmd(
    folder: Annotated[
        Path,
        typer.Argument(
            help="Workspace (`opora demo` / `opora init`) or country folder (`opora country`).",
            show_default=False,
        ),
    ],
    database: Annotated[
        str,
        typer.Option(
            "--database",
            help="PostgreSQL URL, e.g. postgresql://user@host:5432/opora (the password "
            "from PGPASSWORD or ~/.pgpass).",
            show_default=False,
        ),
    ],
    schema: Annotated[
        str | None,
        typer.Option(
            "--schema",
            help="Schema to load into (default: opora_<folder name>).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Load even when the schema holds this version.")
    ] = False,
) -> None:
    """Load a finished workspace into the database: layers, tables and its version."""
    from opora.io.postgis import PostgisStore, schema_name

    started = time.perf_counter()
    try:
        with PostgisStore(database, schema=schema or schema_name(folder)) as store:
            held = store.loaded_version()
            version = store.load_workspace(folder, force=force)
            layers, tables = store.layers(), store.tables()
    except OporaError as exc:
        fail(exc)
    what = "holds already" if held == version and not force else "loaded"
    stdout.print(
        f"opora: schema {store.schema} {what} {folder} ({len(layers)} layers, "
        f"{len(tables)} tables, version {version}) in {time.perf_counter() - started:.1f} s",
        highlight=False,
    )
