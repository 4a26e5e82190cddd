"""The ``opora`` command line: one module per command group, one shared helper module.

:mod:`opora.cli.main` holds the root app (version, ``fetch-register``, ``init``,
``demo``, ``passport``, ``serve``) and registers the groups of :mod:`opora.cli.access`,
:mod:`opora.cli.anchors`, :mod:`opora.cli.economy`, :mod:`opora.cli.locate`,
:mod:`opora.cli.ties` and :mod:`opora.cli.typology`. What they share (error exit,
progress bar, common options) is in :mod:`opora.cli._common`.
"""

from opora.cli.main import app, main

__all__ = ["app", "main"]
