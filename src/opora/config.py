"""Frozen settings: where opora caches fetched files and where it finds source data.

Settings are passed explicitly; nothing global is changed at import. Defaults come
from environment variables so that a user or CI can redirect them:

``OPORA_CACHE_DIR``
    Cache for the fetched settlement register (default: the user cache directory).
``OPORA_DATA_DIR``
    Folder with the nationwide sources (the layout of ``shared/data``); needed for
    regions other than the embedded default. Default: ``../shared/data`` next to the
    current directory, if it exists.
``OPORA_POOL_MIN_TASKS``
    Fewest work items (town passports) for which a job starts worker processes;
    below it the items run one after another, since starting the processes costs more
    than it saves (default 64).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

__all__ = ["Settings", "default_settings"]


def _default_cache() -> Path:
    env = os.environ.get("OPORA_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("opora"))


def _default_pool_min() -> int:
    env = os.environ.get("OPORA_POOL_MIN_TASKS", "").strip()
    return int(env) if env.isdigit() else 64


def _default_data() -> Path | None:
    env = os.environ.get("OPORA_DATA_DIR")
    if env:
        return Path(env)
    for candidate in (Path.cwd() / ".." / "shared" / "data", Path.cwd() / "shared" / "data"):
        if (candidate / "README.md").exists():
            return candidate.resolve()
    return None


@dataclass(frozen=True)
class Settings:
    """Paths used by opora.

    Attributes
    ----------
    cache_dir
        Where fetched files (the settlement register wheel) are kept.
    data_dir
        Folder of nationwide sources, or ``None`` when only the embedded default is used.
    pool_min_tasks
        Fewest work items for which a job starts worker processes.
    """

    cache_dir: Path = field(default_factory=_default_cache)
    data_dir: Path | None = field(default_factory=_default_data)
    pool_min_tasks: int = field(default_factory=_default_pool_min)


def default_settings() -> Settings:
    """Return settings read from the environment (see the module docstring).

    Returns
    -------
    Settings
        A new frozen settings object.
    """
    return Settings()
