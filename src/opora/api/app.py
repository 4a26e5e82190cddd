"""The web application (``opora serve``): a map-first workspace over FastAPI.

:func:`create_app` serves a region workspace (``opora demo`` / ``opora init``) or a
country folder (``opora country``) from the file store, or from PostgreSQL + PostGIS
when a database URL is given. It mounts the read-only endpoints
(:mod:`opora.api.read`, :mod:`opora.api.tiles`), the jobs (:mod:`opora.api.jobs`:
uploads, scenarios, exports; they need a token), the front end
(``opora/api/static``: ``/`` and ``/static/...``), and answers every error as JSON
(:mod:`opora.api.errors`). The OpenAPI schema is at ``/openapi.json``, its pages at
``/docs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from opora._version import __version__
from opora.api.errors import install_error_handlers
from opora.api.jobs import router as jobs_router
from opora.api.read import router as read_router
from opora.api.state import AppState
from opora.api.tiles import router as tiles_router
from opora.io.store import FileStore, Store, folder_kind

__all__ = ["STATIC_DIR", "create_app"]

#: The front end's files (package data).
STATIC_DIR = Path(__file__).parent / "static"

_NO_FRONT_END = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<title>opora</title></head><body><h1>opora</h1>
<p>API: <a href="/docs">/docs</a>, <a href="/api/info">/api/info</a></p></body></html>"""


def _open_store(folder: Path, database: str | None) -> Store:
    if database is None:
        return FileStore(folder)
    from opora.io.postgis import PostgisStore  # type: ignore[import-not-found,unused-ignore]

    store: Store = PostgisStore(database, folder)
    return store


def _mount_front_end(app: FastAPI) -> None:
    index = STATIC_DIR / "index.html"
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False, response_model=None)
    async def home() -> FileResponse | HTMLResponse:
        if index.is_file():
            return FileResponse(index, media_type="text/html")
        return HTMLResponse(_NO_FRONT_END)


def create_app(
    folder: str | Path,
    *,
    database: str | None = None,
    tokens: Mapping[str, str] | None = None,
    tiles_url: str | None = None,
) -> FastAPI:
    """Create the web application for a workspace or a country folder.

    Parameters
    ----------
    folder
        A workspace (``opora demo`` / ``opora init``) or a country folder
        (``opora country``).
    database
        PostgreSQL URL: keep the tables, jobs and results in PostGIS instead of the
        folder.
    tokens
        Token name → token that may write (start jobs); with none, every writing
        endpoint answers 403.
    tiles_url
        A user's tile server for the base map (``https://…/{z}/{x}/{y}.png``).

    Returns
    -------
    fastapi.FastAPI
        The application; tables are loaded on first use, once per version of the
        folder, and reloaded when its completion record changes.

    Raises
    ------
    SourceNotFoundError
        If the folder is neither a workspace nor a country folder.
    IncompleteRunError
        If the run that wrote the folder did not finish.
    """
    path = Path(folder)
    kind = folder_kind(path)
    store = _open_store(path, database)
    store.version()
    state = AppState(
        folder=path, store=store, kind=kind, tokens=dict(tokens or {}), tiles_url=tiles_url
    )
    app = FastAPI(
        title="opora",
        version=__version__,
        description=(
            "Anchor settlements and small towns: the map, tables, town passports and jobs "
            "of a region workspace or a country folder. Errors answer "
            '`{"error": {"type", "message", "status"}}`.'
        ),
    )
    app.state.opora = state
    install_error_handlers(app)
    app.include_router(read_router)
    app.include_router(tiles_router)
    app.include_router(jobs_router)
    _mount_front_end(app)
    return app
