"""Server store on PostgreSQL + PostGIS: a workspace's tables and layers, jobs and their results.

``opora serve FOLDER --database URL`` keeps what the web application shows and writes in
a database instead of the workspace folder. :class:`PostgisStore` implements the store
protocol of :mod:`opora.io.store` (``kind``, ``version``, ``table``, ``layer``, ``tile``,
jobs, results and files); QGIS and any SQL client open the same tables directly.

One schema per workspace (default ``opora_<folder name>``, :func:`schema_name`): every
spatial layer of the GeoPackage as a PostGIS table (``fid`` key, ``geometry`` EPSG:4326,
GiST index), every CSV/Parquet table as ``t_<stem>`` (ids as text), the jobs
(``opora_jobs``), their results (``result_<hash>``, listed in ``opora_job_results``) and
files (``opora_job_files``), and what was loaded (``_opora_meta``, ``_opora_objects``).
``docs/postgis.md`` describes every table.

Loading a folder again (a new version) replaces the layers and tables in one transaction;
jobs, results and files stay. Identifiers are always composed with :mod:`psycopg.sql`
(quoted), never formatted from request values; a name asked for is looked up in
``_opora_objects`` first.

The driver (psycopg 3) is optional: ``pip install 'opora[server]'``; it is imported when
a store is created, not with this module.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.errors import DatabaseError, SourceNotFoundError, ValidationError
from opora.io import _postgis_sql as pg
from opora.io._postgis_sql import (
    MAX_FEATURES,
    SRID,
    THIN_ABOVE,
    THIN_CELL,
    TILE_BUFFER,
    TILE_EXTENT,
    TILE_LAYERS,
    tile_bounds,
)
from opora.io.store import FileStore
from opora.model.settlements import size_class

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql as psql

__all__ = [
    "MAX_FEATURES",
    "THIN_ABOVE",
    "THIN_CELL",
    "TILE_BUFFER",
    "TILE_EXTENT",
    "TILE_LAYERS",
    "PostgisStore",
    "schema_name",
    "tile_bounds",
    "workspace_version",
]


def _sql() -> Any:
    return pg.driver().sql


def schema_name(folder: str | Path) -> str:
    """Return the database schema of a workspace folder: ``opora_<folder name>``.

    Parameters
    ----------
    folder
        The workspace or country folder.

    Returns
    -------
    str
        ``opora_`` and the folder's name in lower-case ASCII letters, digits and
        underscores (at most 40 of them); a name with none of those (Cyrillic, for
        example) gives ``opora_ws_`` and a hash of the folder's absolute path.
    """
    path = Path(folder).resolve()
    name = pg.slug(path.name, 40)
    return f"opora_{name}" if name else f"opora_ws_{pg.short_hash(str(path))}"


def workspace_version(folder: str | Path) -> str:
    """Return the version of a finished folder, as the file store tells it.

    Parameters
    ----------
    folder
        A region workspace or a country folder.

    Returns
    -------
    str
        SHA-256 of its completion record (16 hex digits) and the record's time.

    Raises
    ------
    SourceNotFoundError
        If the folder is neither a workspace nor a country folder.
    IncompleteRunError
        If the run that wrote it did not finish.
    """
    return FileStore(folder).version()


class PostgisStore:
    """A workspace's tables and layers, jobs, results and files in PostgreSQL + PostGIS.

    Parameters
    ----------
    url
        PostgreSQL connection URL (``postgresql://user:password@host:port/dbname``; a
        Unix socket as ``postgresql://user@/dbname?host=/run/postgresql``).
    folder
        A finished workspace or country folder. Given, it is loaded into the schema
        unless the schema already holds this version of it (:func:`workspace_version`).
    schema
        Schema of the workspace; default :func:`schema_name` of ``folder``. Without a
        folder or a schema, the database's only loaded workspace is used.
    pool_size
        Connections kept open for reuse (one per concurrent request at most).

    Raises
    ------
    SourceNotFoundError
        If the database cannot be reached, psycopg is not installed, the folder is not
        a workspace, or no schema was named and the database does not hold exactly one.
    IncompleteRunError
        If the folder's run did not finish.

    Examples
    --------
    >>> store = PostgisStore("postgresql://opora@/opora?host=/tmp/pg", "out/demo")  # doctest: +SKIP
    >>> store.layer("settlements").crs.to_epsg()  # doctest: +SKIP
    4326
    """

    kind = "postgis"

    def __init__(
        self,
        url: str,
        folder: str | Path | None = None,
        *,
        schema: str | None = None,
        pool_size: int = 8,
    ) -> None:
        pg.driver()
        self._url = url
        self._pool: list[psycopg.Connection[Any]] = []
        self._pool_size = max(1, int(pool_size))
        self._lock = threading.Lock()
        self.folder = None if folder is None else Path(folder)
        if schema is not None:
            self.schema = pg.check_schema(schema)
        elif self.folder is not None:
            self.schema = schema_name(self.folder)
        else:
            self.schema = self._only_schema()
        with self._conn():  # fail early when the database cannot be reached
            pass
        if self.folder is not None and self.loaded_version() != workspace_version(self.folder):
            self.load_workspace(self.folder)

    def __repr__(self) -> str:
        return f"PostgisStore({pg.redact(self._url)!r}, schema={self.schema!r})"

    # --- connections ------------------------------------------------------------------

    def _open(self) -> psycopg.Connection[Any]:
        driver = pg.driver()
        try:
            conn: psycopg.Connection[Any] = driver.connect(self._url, autocommit=True)
        except driver.Error as exc:
            msg = (
                f"database {pg.redact(self._url)}: cannot connect ({str(exc).strip()}); check "
                "`--database`, or start a local one with `scripts/pg_dev.sh`"
            )
            raise DatabaseError(msg) from exc
        return conn

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        """Lend a pooled connection (autocommit; wrap writes in ``conn.transaction()``)."""
        with self._lock:
            conn = self._pool.pop() if self._pool else None
        if conn is None or conn.closed:
            conn = self._open()
        try:
            yield conn
        finally:
            ok = not conn.closed and not conn.broken
            with self._lock:
                if ok and len(self._pool) < self._pool_size:
                    self._pool.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    def close(self) -> None:
        """Close every pooled connection (a later call opens new ones)."""
        with self._lock:
            pool, self._pool = self._pool, []
        for conn in pool:
            conn.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ident(self, name: str) -> psql.Composed:
        sql = _sql()
        out: psql.Composed = sql.Identifier(self.schema, name)
        return out

    # --- schema and metadata ------------------------------------------------------------

    def _only_schema(self) -> str:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = %s "
                "ORDER BY 1",
                (pg.META,),
            ).fetchall()
        names = [str(r[0]) for r in rows]
        if len(names) != 1:
            held = ", ".join(names) if names else "none"
            msg = (
                f"database {pg.redact(self._url)}: name the workspace's schema (loaded "
                f"workspaces: {held}); load one with `opora db load FOLDER --database URL`"
            )
            raise SourceNotFoundError(msg)
        return names[0]

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        sql = _sql()
        has = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if has is None:
            try:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except pg.driver().Error as exc:
                msg = (
                    f"database {pg.redact(self._url)}: PostGIS is not enabled and this user may "
                    f"not enable it ({str(exc).strip()}); ask its administrator to run "
                    "`CREATE EXTENSION postgis` in it"
                )
                raise DatabaseError(msg) from exc
        s = sql.Identifier(self.schema)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(s))
        names = {
            "meta": self._ident(pg.META),
            "objects": self._ident(pg.OBJECTS),
            "jobs": self._ident(pg.JOBS),
            "results": self._ident(pg.RESULTS),
            "files": self._ident(pg.FILES),
        }
        for text in pg.SCHEMA_TABLES:
            conn.execute(sql.SQL(text).format(**names))

    def loaded_version(self) -> str | None:
        """Return the version loaded into the schema, or None when it holds no workspace."""
        with self._conn() as conn:
            exists = conn.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                "AND table_name = %s",
                (self.schema, pg.META),
            ).fetchone()
            return None if exists is None else self._version_in(conn)

    def version(self) -> str:
        """Return the version of the workspace loaded into the schema.

        Returns
        -------
        str
            :func:`workspace_version` of the folder when it was loaded; it changes when
            a new version is loaded (by this process or another one).

        Raises
        ------
        SourceNotFoundError
            If no workspace was loaded into the schema.
        """
        version = self.loaded_version()
        if version is None:
            msg = (
                f"database {pg.redact(self._url)}: schema {self.schema!r} holds no workspace; "
                "load one with `opora db load FOLDER --database URL`"
            )
            raise SourceNotFoundError(msg)
        return version

    @property
    def folder_kind(self) -> str:
        """What the loaded folder is: ``region`` (a workspace) or ``country``."""
        return self.info().get("kind", "region")

    def info(self) -> dict[str, str]:
        """Return what was recorded when the workspace was loaded.

        Returns
        -------
        dict of str to str
            ``version``, ``folder``, ``kind`` (``region`` or ``country``), ``loaded``
            (UTC time), ``opora_version``.
        """
        self.version()
        sql = _sql()
        with self._conn() as conn:
            rows = conn.execute(
                sql.SQL("SELECT key, value FROM {}").format(self._ident(pg.META))
            ).fetchall()
        return {str(k): str(v) for k, v in rows}

    # --- loading --------------------------------------------------------------------------

    def load_workspace(self, folder: str | Path, *, force: bool = False) -> str:
        """Load a workspace's layers and tables into the schema (one transaction).

        Parameters
        ----------
        folder
            A finished workspace or country folder.
        force
            Load even when the schema already holds this version.

        Returns
        -------
        str
            The version loaded (:func:`workspace_version`).

        Raises
        ------
        SourceNotFoundError
            If the folder is not a workspace or the database cannot be reached.
        IncompleteRunError
            If the folder's run did not finish.
        """
        from opora._version import __version__

        files = FileStore(folder)
        version = files.version()
        if not force and self.loaded_version() == version:
            return version
        # read everything first: the transaction below only writes (readers wait less)
        layers = {name: files.layer(name) for name in files.layers()}
        tables = {name: files.table(name) for name in files.tables()}
        derived: dict[str, tuple[str, ...]] = {}
        for name, frame in layers.items():
            extra: list[str] = []
            if (
                name == "settlements"
                and {"type", "population"} <= set(frame.columns)
                and "size_class" not in frame.columns
            ):
                # the map's size classes, kept beside the layer for its tiles and for QGIS
                frame["size_class"] = size_class(frame["type"], frame["population"])
                extra.append("size_class")
            if pg.geometry_type(frame.geometry) == "Point":
                frame[pg.RANK], frame[pg.MINZOOM] = pg.tile_order(frame)
                extra += [pg.RANK, pg.MINZOOM]
            derived[name] = tuple(extra)
        sql = _sql()
        with self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.schema,))
            self._ensure_schema(conn)
            if not force and self._version_in(conn) == version:
                return version
            old = conn.execute(
                sql.SQL("SELECT table_name FROM {}").format(self._ident(pg.OBJECTS))
            ).fetchall()
            for (table,) in old:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self._ident(str(table))))
            conn.execute(sql.SQL("DELETE FROM {}").format(self._ident(pg.OBJECTS)))
            taken = {pg.META, pg.OBJECTS, pg.JOBS, pg.RESULTS, pg.FILES}  # never replaced
            for name, frame in layers.items():
                table = pg.db_name(name, taken)
                self._write(conn, "layer", name, table, frame, derived[name])
            for name, frame in tables.items():
                self._write(conn, "table", name, pg.db_name(f"t_{name}", taken), frame)
            meta = {
                "version": version,
                "folder": str(files.folder.resolve()),
                "kind": files.folder_kind,
                "loaded": datetime.now(UTC).isoformat(timespec="seconds"),
                "opora_version": __version__,
                "format": pg.FORMAT,
            }
            with conn.cursor() as cur:
                cur.executemany(
                    sql.SQL(
                        "INSERT INTO {} (key, value) VALUES (%s, %s) "
                        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
                    ).format(self._ident(pg.META)),
                    list(meta.items()),
                )
        return version

    def _version_in(self, conn: psycopg.Connection[Any]) -> str | None:
        """Return the loaded version; None when none is, or when it was stored another way."""
        sql = _sql()
        row = conn.execute(
            sql.SQL(
                "SELECT max(value) FILTER (WHERE key = 'version'), "
                "max(value) FILTER (WHERE key = 'format') FROM {}"
            ).format(self._ident(pg.META))
        ).fetchone()
        if row is None or row[0] is None or row[1] != pg.FORMAT:
            return None
        return str(row[0])

    def _create_table(
        self,
        conn: psycopg.Connection[Any],
        table: str,
        frame: pd.DataFrame,
        derived: tuple[str, ...] = (),
    ) -> list[dict[str, Any]]:
        """Create ``table`` from ``frame`` (``fid`` key, geometry EPSG:4326) and copy its rows.

        Columns named in ``derived`` are stored but left out when the table is read back.
        """
        sql = _sql()
        cols = pg.describe(frame)
        for c in cols:
            c["derived"] = c["name"] in derived
        defs = [sql.SQL("{} bigint PRIMARY KEY").format(sql.Identifier(pg.KEY))]
        for c in cols:
            if c["pg"] == "geometry":
                gtype = pg.geometry_type(frame[c["name"]])
                c["geometry_type"] = gtype
                kind = sql.SQL("geometry({}, {})").format(sql.SQL(gtype), sql.Literal(SRID))
            else:
                kind = sql.SQL(c["pg"])
            defs.append(sql.SQL("{} {}").format(sql.Identifier(c["column"]), kind))
        target = self._ident(table)
        conn.execute(sql.SQL("CREATE TABLE {} ({})").format(target, sql.SQL(", ").join(defs)))
        names = [sql.Identifier(pg.KEY)] + [sql.Identifier(c["column"]) for c in cols]
        # rows of a point layer lie on disk as its tiles read them (low zooms first)
        at = (
            np.lexsort((frame[pg.RANK].to_numpy(), frame[pg.MINZOOM].to_numpy()))
            if pg.MINZOOM in frame.columns
            else np.arange(len(frame))
        )
        values = [pg.column_values(frame[c["name"]].iloc[at], c["pg"]) for c in cols]
        fids = (at + 1).tolist()
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(target, sql.SQL(", ").join(names))
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for fid, row in zip(fids, zip(*values, strict=True) if values else (), strict=False):
                copy.write_row((fid, *row))
            if not values:
                for fid in fids:
                    copy.write_row((fid,))
        for c in cols:
            if c["pg"] == "geometry" or c["name"] == pg.MINZOOM:
                method = "GIST" if c["pg"] == "geometry" else "BTREE"
                index = pg.db_name(f"{table}_{c['column']}_{method.lower()}", set())
                conn.execute(
                    sql.SQL("CREATE INDEX {} ON {} USING {} ({})").format(
                        sql.Identifier(index), target, sql.SQL(method), sql.Identifier(c["column"])
                    )
                )
        conn.execute(sql.SQL("ANALYZE {}").format(target))
        return cols

    def _write(
        self,
        conn: psycopg.Connection[Any],
        kind: str,
        name: str,
        table: str,
        frame: pd.DataFrame,
        derived: tuple[str, ...] = (),
    ) -> None:
        sql = _sql()
        cols = self._create_table(conn, table, frame, derived)
        gtypes = [c.get("geometry_type") for c in cols if c["pg"] == "geometry"]
        conn.execute(
            sql.SQL(
                "INSERT INTO {} (kind, name, table_name, rows, geometry_type, columns) "
                "VALUES (%s, %s, %s, %s, %s, %s)"
            ).format(self._ident(pg.OBJECTS)),
            (
                kind,
                name,
                table,
                len(frame),
                gtypes[0] if gtypes else None,
                pg.driver().types.json.Jsonb(cols),
            ),
        )

    # --- reading ----------------------------------------------------------------------------

    def tables(self) -> list[str]:
        """Return the names of the loaded tables (file stems), sorted.

        Returns
        -------
        list of str
            What :meth:`table` accepts.
        """
        return self.names("table")

    def layers(self) -> list[str]:
        """Return the names of the loaded spatial layers, in the GeoPackage's order.

        Returns
        -------
        list of str
            What :meth:`layer` accepts.
        """
        return self.names("layer")

    def names(self, kind: str = "table") -> list[str]:
        """Return the names of the loaded tables (``kind="table"``) or layers (``"layer"``).

        Parameters
        ----------
        kind
            ``"table"`` or ``"layer"``.

        Returns
        -------
        list of str
            Names as asked for by :meth:`table` and :meth:`layer`, in the order of the
            file store's listing (tables sorted, layers as in the GeoPackage).
        """
        sql = _sql()
        self.version()
        with self._conn() as conn:
            rows = conn.execute(
                sql.SQL("SELECT name FROM {} WHERE kind = %s ORDER BY position").format(
                    self._ident(pg.OBJECTS)
                ),
                (kind,),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def _object(self, kind: str, name: str) -> tuple[str, list[dict[str, Any]], str | None]:
        sql = _sql()
        self.version()
        with self._conn() as conn:
            row = conn.execute(
                sql.SQL(
                    "SELECT table_name, columns, geometry_type FROM {} "
                    "WHERE kind = %s AND name = %s"
                ).format(self._ident(pg.OBJECTS)),
                (kind, name),
            ).fetchone()
        if row is None:
            held = ", ".join(self.names(kind)) or "none"
            msg = (
                f"{kind} {name!r} is not in database schema {self.schema!r} ({kind}s there: {held})"
            )
            raise SourceNotFoundError(msg)
        return str(row[0]), list(row[1]), None if row[2] is None else str(row[2])

    def _select(self, table: str, cols: list[dict[str, Any]]) -> pd.DataFrame:
        """Read a table written by :meth:`_create_table` back into its pandas dtypes."""
        sql = _sql()
        cols = [c for c in cols if not c.get("derived")]
        if not cols:
            with self._conn() as conn:
                row = conn.execute(
                    sql.SQL("SELECT count(*) FROM {}").format(self._ident(table))
                ).fetchone()
            return pd.DataFrame(index=pd.RangeIndex(0 if row is None else int(row[0])))
        exprs = [
            sql.SQL("ST_AsBinary({})").format(sql.Identifier(c["column"]))
            if c["pg"] == "geometry"
            else sql.Identifier(c["column"])
            for c in cols
        ]
        query = sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
            sql.SQL(", ").join(exprs), self._ident(table), sql.Identifier(pg.KEY)
        )
        with self._conn() as conn, conn.cursor(binary=True) as cur:
            rows = cur.execute(query).fetchall()
        data = list(zip(*rows, strict=True)) if rows else [() for _ in cols]
        return pd.DataFrame(
            {c["name"]: pg.restore(list(vals), c) for c, vals in zip(cols, data, strict=True)},
            index=pd.RangeIndex(len(rows)),
        )

    def table(self, name: str) -> pd.DataFrame:
        """Return a loaded CSV or Parquet table by its file stem.

        Parameters
        ----------
        name
            File stem (``municipality_profile``, ``anchors``, ``national_regions``...).

        Returns
        -------
        pandas.DataFrame
            The table as :func:`read_folder_table` reads the file (ids as strings).

        Raises
        ------
        SourceNotFoundError
            If the schema holds no such table (the message lists those it holds).
        """
        table, cols, _ = self._object("table", name)
        return self._select(table, cols)

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Return a loaded GeoPackage layer (EPSG:4326).

        Parameters
        ----------
        name
            Layer name (``settlements``, ``municipalities``, ``anchors``...).

        Returns
        -------
        geopandas.GeoDataFrame
            The layer as the GeoPackage holds it.

        Raises
        ------
        SourceNotFoundError
            If the schema holds no such layer.
        """
        table, cols, _ = self._object("layer", name)
        frame = self._select(table, cols)
        geom = next((c["name"] for c in cols if c["pg"] == "geometry"), None)
        return gpd.GeoDataFrame(frame, geometry=geom, crs=f"EPSG:{SRID}")

    def tile(
        self,
        layer: str,
        z: int,
        x: int,
        y: int,
        *,
        columns: list[str] | None = None,
    ) -> bytes | None:
        """Return one Mapbox vector tile of a map layer, encoded by PostGIS (``ST_AsMVT``).

        The map layers of :data:`TILE_LAYERS` are drawn from their stored layer with
        their properties (``settlements``: ids, name, type, population, size class;
        ``outside``: the settlements outside the standards); any other stored layer by
        its own name with every column. Points are drawn like the file store's tiles:
        with a :data:`TILE_BUFFER`, above :data:`THIN_ABOVE` points only the most
        populous of each :data:`THIN_CELL`-unit cell, at most :data:`MAX_FEATURES`, the
        most populous first.

        Parameters
        ----------
        layer
            Map layer id or stored layer name; also the name of the layer in the tile.
        z, x, y
            Tile address (XYZ scheme, Web Mercator, row 0 at the north).
        columns
            Properties to put into the tile instead of the layer's own.

        Returns
        -------
        bytes or None
            The tile (``b""`` when no feature falls into it); ``None`` for ``access``
            (the caller picks its service and season) and for a layer the schema does
            not hold (the caller encodes those from its own tables).

        Raises
        ------
        ValidationError
            If the tile address is outside the tile grid, or a column is not the layer's.
        """
        if not (0 <= z <= 30 and 0 <= x < 2**z and 0 <= y < 2**z):
            msg = f"tile {z}/{x}/{y}: outside the tile grid (z 0-30, x and y 0-{2**z - 1})"
            raise ValidationError(msg)
        if layer in pg.ENCODED_BY_CALLER:
            return None
        source, wanted = TILE_LAYERS.get(layer, (layer, None))
        try:
            table, cols, gtype = self._object("layer", source)
        except SourceNotFoundError:
            return None
        geom = next((c for c in cols if c["pg"] == "geometry"), None)
        if geom is None:
            return None
        props = pg.tile_columns(layer, cols, wanted, columns)
        point = gtype == "Point" and any(c["name"] == pg.MINZOOM for c in cols)
        w, s, e, n = tile_bounds(z, x, y, margin=TILE_BUFFER / TILE_EXTENT)
        params = {"name": layer, "z": z, "x": x, "y": y, "w": w, "s": s, "e": e, "n": n}
        sql, target = _sql(), self._ident(table)
        with self._conn() as conn:
            crowded = False
            if point:
                count = conn.execute(pg.count_query(sql, target, geom), params).fetchone()
                crowded = count is not None and int(count[0]) > THIN_ABOVE
            query = pg.tile_query(sql, target, geom, props, points=point, thin=crowded)
            row = conn.execute(query, params).fetchone()
        return b"" if row is None or row[0] is None else bytes(row[0])

    # --- jobs, results, files -----------------------------------------------------------

    def _writable(self, conn: psycopg.Connection[Any]) -> None:
        if not self._jobs_ready(conn):
            self._ensure_schema(conn)

    def _jobs_ready(self, conn: psycopg.Connection[Any]) -> bool:
        exists = conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            (self.schema, pg.JOBS),
        ).fetchone()
        return exists is not None

    def save_job(self, job: Mapping[str, Any]) -> None:
        """Insert or replace a job record.

        Parameters
        ----------
        job
            JSON-ready mapping with at least ``id`` (also ``kind``, ``author``,
            ``created``, ``status``, ``progress``, ``params``, ``summary``, ``error``).

        Raises
        ------
        ValidationError
            If the id is not letters, digits, ``_`` and ``-`` (at most 64), as the file
            store asks.
        """
        job_id = str(job.get("id", ""))
        if not pg.JOB_ID.match(job_id):
            msg = f"job id {job_id!r} is not allowed: letters, digits, '_' and '-', at most 64"
            raise ValidationError(msg)
        record = json.loads(pg.dumps(dict(job)))
        sql = _sql()
        with self._conn() as conn:
            self._writable(conn)
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (id, kind, author, created, status, record) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
                    "kind = EXCLUDED.kind, author = EXCLUDED.author, created = EXCLUDED.created, "
                    "status = EXCLUDED.status, record = EXCLUDED.record, updated = now()"
                ).format(self._ident(pg.JOBS)),
                (
                    job_id,
                    pg.opt_str(job.get("kind")),
                    pg.opt_str(job.get("author")),
                    pg.opt_str(job.get("created")),
                    pg.opt_str(job.get("status")),
                    pg.driver().types.json.Jsonb(record),
                ),
            )

    def jobs(self) -> list[dict[str, Any]]:
        """Return every job record, oldest first.

        Returns
        -------
        list of dict
            The records as saved.
        """
        sql = _sql()
        with self._conn() as conn:
            if not self._jobs_ready(conn):
                return []
            rows = conn.execute(
                sql.SQL(
                    "SELECT record FROM {} ORDER BY coalesce(created, '') COLLATE \"C\", "
                    'id COLLATE "C"'
                ).format(self._ident(pg.JOBS))
            ).fetchall()
        return [dict(r[0]) for r in rows]

    def job(self, job_id: str) -> dict[str, Any]:
        """Return one job record.

        Parameters
        ----------
        job_id
            The job's id.

        Returns
        -------
        dict
            The record as saved.

        Raises
        ------
        SourceNotFoundError
            If there is no such job.
        """
        sql = _sql()
        with self._conn() as conn:
            row = None
            if self._jobs_ready(conn):
                row = conn.execute(
                    sql.SQL("SELECT record FROM {} WHERE id = %s").format(self._ident(pg.JOBS)),
                    (str(job_id),),
                ).fetchone()
        if row is None:
            msg = (
                f"no job {job_id!r} in database schema {self.schema!r}; "
                "list the jobs with GET /api/jobs"
            )
            raise SourceNotFoundError(msg)
        return dict(row[0])

    def save_result(self, job_id: str, name: str, frame: pd.DataFrame) -> None:
        """Keep a job's result table (a GeoDataFrame becomes a PostGIS table QGIS opens).

        Parameters
        ----------
        job_id
            The job's id.
        name
            Name of the result (``coverage_change``...); saving it again replaces it.
        frame
            The table; its index is not kept (as in the file store), geometries are
            stored in EPSG:4326 (a frame without a CRS is taken as EPSG:4326).

        Raises
        ------
        SourceNotFoundError
            If there is no such job.
        ValidationError
            If the name is not letters, digits, ``_ . -`` (at most 100).
        """
        sql = _sql()
        self.job(job_id)
        pg.check_name(name, "result")
        out = frame.reset_index(drop=True)
        if isinstance(out, gpd.GeoDataFrame) and out.crs is not None and out.crs.to_epsg() != SRID:
            out = out.to_crs(SRID)
        geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
        table = f"result_{pg.short_hash(f'{job_id}/{name}', 16)}"
        with self._conn() as conn, conn.transaction():
            self._writable(conn)
            conn.execute(
                sql.SQL("DELETE FROM {} WHERE job_id = %s AND name = %s").format(
                    self._ident(pg.RESULTS)
                ),
                (str(job_id), name),
            )
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(self._ident(table)))
            cols = self._create_table(conn, table, pd.DataFrame(out))
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (job_id, name, table_name, geometry, columns) "
                    "VALUES (%s, %s, %s, %s, %s)"
                ).format(self._ident(pg.RESULTS)),
                (
                    str(job_id),
                    name,
                    table,
                    geometry,
                    pg.driver().types.json.Jsonb(cols),
                ),
            )
            conn.execute(
                sql.SQL("COMMENT ON TABLE {} IS {}").format(
                    self._ident(table), sql.Literal(f"opora job {job_id}: result {name}")
                )
            )

    def result(self, job_id: str, name: str) -> pd.DataFrame:
        """Return a job's result table as it was saved.

        Parameters
        ----------
        job_id
            The job's id.
        name
            Name of the result.

        Returns
        -------
        pandas.DataFrame
            A GeoDataFrame (EPSG:4326) when the saved frame was one.

        Raises
        ------
        SourceNotFoundError
            If the job has no such result.
        """
        sql = _sql()
        with self._conn() as conn:
            row = None
            if self._jobs_ready(conn):
                row = conn.execute(
                    sql.SQL(
                        "SELECT table_name, geometry, columns FROM {} "
                        "WHERE job_id = %s AND name = %s"
                    ).format(self._ident(pg.RESULTS)),
                    (str(job_id), name),
                ).fetchone()
        if row is None:
            msg = f"job {job_id!r} has no result {name!r}"
            raise SourceNotFoundError(msg)
        table, geometry, cols = str(row[0]), row[1], list(row[2])
        frame = self._select(table, cols)
        if geometry is not None:
            geo: pd.DataFrame = gpd.GeoDataFrame(frame, geometry=str(geometry), crs=f"EPSG:{SRID}")
            return geo
        return frame

    def save_file(self, job_id: str, name: str, data: bytes) -> None:
        """Keep a job's file (an upload or an export).

        Parameters
        ----------
        job_id
            The job's id.
        name
            File name; saving it again replaces it.
        data
            The file's bytes.

        Raises
        ------
        SourceNotFoundError
            If there is no such job.
        ValidationError
            If the name is not letters, digits, ``_ . -`` (at most 100).
        """
        sql = _sql()
        self.job(job_id)
        pg.check_name(name, "file")
        with self._conn() as conn:
            self._writable(conn)
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (job_id, name, size, data) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (job_id, name) DO UPDATE SET size = EXCLUDED.size, "
                    "data = EXCLUDED.data, created = now()"
                ).format(self._ident(pg.FILES)),
                (str(job_id), name, len(data), bytes(data)),
            )

    def file(self, job_id: str, name: str) -> bytes:
        """Return a job's file.

        Parameters
        ----------
        job_id
            The job's id.
        name
            File name.

        Returns
        -------
        bytes
            The file's bytes.

        Raises
        ------
        SourceNotFoundError
            If the job has no such file.
        """
        sql = _sql()
        with self._conn() as conn:
            row = None
            if self._jobs_ready(conn):
                row = conn.execute(
                    sql.SQL("SELECT data FROM {} WHERE job_id = %s AND name = %s").format(
                        self._ident(pg.FILES)
                    ),
                    (str(job_id), name),
                ).fetchone()
        if row is None:
            msg = f"job {job_id!r} has no file {name!r}"
            raise SourceNotFoundError(msg)
        return bytes(row[0])
