"""Public names of a package imported on first use (a module ``__getattr__``).

:mod:`opora` and :mod:`opora.workflow` list where each public name lives and import it
only when it is first asked for, so that a command loads only what it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["lazy_attribute"]


def lazy_attribute(
    package: str, where: Mapping[str, str], namespace: dict[str, Any], name: str
) -> Any:
    """Import the public name ``name`` of ``package`` and keep it in ``namespace``.

    Parameters
    ----------
    package
        The package's dotted name (for the error message).
    where
        Module of each lazily imported public name.
    namespace
        The package's ``globals()``: the value is stored there, so that the next access
        does not come back here.
    name
        The attribute asked for.

    Returns
    -------
    Any
        The object.

    Raises
    ------
    AttributeError
        If ``name`` is not one of the names of ``where``.
    """
    module = where.get(name)
    if module is None:
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    namespace[name] = value
    return value
