"""Thresholds of the town typology as typed settings, with their units and rationales.

:func:`parse_thresholds` checks a mapping laid out like ``opora/data/typology.toml``
(already loaded) and :func:`overlay_thresholds` applies a user's changes over it; the
files are read by :func:`opora.io.thresholds.read_thresholds`. Every problem stops with
:class:`~opora.errors.FormatError` naming the key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from opora.errors import FormatError

__all__ = [
    "Threshold",
    "ThresholdValue",
    "Thresholds",
    "overlay_thresholds",
    "parse_thresholds",
]

#: A threshold's value: a number, a text or a list of texts.
ThresholdValue = float | str | tuple[str, ...]
_V = TypeVar("_V", float, str, tuple[str, ...])

_DOC_FIELDS = ("unit", "rationale_ru", "rationale_en")


@dataclass(frozen=True)
class Threshold:
    """One threshold of the typology, with its documentation.

    Attributes
    ----------
    rule
        Rule id (``single_enterprise``...).
    name
        Key within the rule (``top_share_min``...).
    value
        The threshold: a number, a text or a tuple of texts.
    unit
        What the value counts.
    rationale_ru, rationale_en
        Why this value.
    minimum, maximum
        Admissible range of a number (``None``: unbounded).
    choices
        Admissible values of a text or of the items of a list (empty: any).
    """

    rule: str
    name: str
    value: ThresholdValue
    unit: str
    rationale_ru: str
    rationale_en: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Return ``rule.name``."""
        return f"{self.rule}.{self.name}"


@dataclass(frozen=True)
class Thresholds:
    """The thresholds of every rule, read from ``typology.toml``.

    See :func:`opora.io.thresholds.read_thresholds`.

    Attributes
    ----------
    entries
        ``rule.name`` → :class:`Threshold`, in file order.
    source
        The file(s) read: ``default`` or ``default + PATH``.
    """

    entries: Mapping[str, Threshold] = field(repr=False)
    source: str = "default"

    def _get(self, rule: str, name: str) -> Threshold:
        key = f"{rule}.{name}"
        if key not in self.entries:
            msg = f"no threshold `{key}`; known: {', '.join(self.entries)}"
            raise KeyError(msg)
        return self.entries[key]

    def _typed(self, rule: str, name: str, kind: type[_V], what: str) -> _V:
        value = self._get(rule, name).value
        if not isinstance(value, kind):
            msg = f"threshold `{rule}.{name}` is not {what}: {value!r}"
            raise TypeError(msg)
        return value

    def number(self, rule: str, name: str) -> float:
        """Return a numeric threshold.

        Parameters
        ----------
        rule, name
            Rule id and key.

        Returns
        -------
        float
            The value.

        Raises
        ------
        KeyError
            If there is no such threshold.
        TypeError
            If the threshold is not a number.
        """
        return self._typed(rule, name, float, "a number")

    def text(self, rule: str, name: str) -> str:
        """Return a text threshold (see :meth:`number` for the parameters and errors).

        Parameters
        ----------
        rule, name
            Rule id and key.

        Returns
        -------
        str
            The value.
        """
        return self._typed(rule, name, str, "a text")

    def items(self, rule: str, name: str) -> tuple[str, ...]:
        """Return a list threshold (see :meth:`number` for the parameters and errors).

        Parameters
        ----------
        rule, name
            Rule id and key.

        Returns
        -------
        tuple of str
            The items.
        """
        return self._typed(rule, name, tuple, "a list")

    def table(self) -> pd.DataFrame:
        """Return the thresholds as a table, for reports.

        Returns
        -------
        pandas.DataFrame
            ``rule, name, value, unit, rationale_ru, rationale_en``, in file order.
        """
        rows = [
            {
                "rule": t.rule,
                "name": t.name,
                "value": ", ".join(t.value) if isinstance(t.value, tuple) else t.value,
                "unit": t.unit,
                "rationale_ru": t.rationale_ru,
                "rationale_en": t.rationale_en,
            }
            for t in self.entries.values()
        ]
        return pd.DataFrame(
            rows, columns=["rule", "name", "value", "unit", "rationale_ru", "rationale_en"]
        )


def _bound(spec: Mapping[str, Any], name: str, source: str | Path, key: str) -> float | None:
    if name not in spec:
        return None
    value = spec[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"`{name}` of `{key}` must be a number, got {value!r}"
        raise FormatError(source, msg, column=f"{key}.{name}")
    return float(value)


def parse_thresholds(
    data: Mapping[str, Any], source: str | Path = "<memory>"
) -> dict[str, Threshold]:
    """Check and convert the full layout of ``typology.toml`` (already loaded).

    Every entry is a ``[rule.key]`` table with ``value``, ``unit``, ``rationale_ru``,
    ``rationale_en`` and optional ``min``, ``max``, ``choices``.

    Parameters
    ----------
    data
        The mapping, as :func:`tomllib.loads` returns it.
    source
        Where it came from (named in error messages).

    Returns
    -------
    dict of str to Threshold
        ``rule.name`` → threshold, in file order.

    Raises
    ------
    FormatError
        If an entry is not a table, lacks a field, or has a value of the wrong kind,
        outside its range or not among its choices; ``column`` names the key.
    """
    out: dict[str, Threshold] = {}
    for rule, table in data.items():
        if not isinstance(table, dict) or not table:
            msg = f"`{rule}` must be a table of [{rule}.KEY] entries"
            raise FormatError(source, msg, column=rule)
        for name, spec in table.items():
            key = f"{rule}.{name}"
            if not isinstance(spec, dict):
                msg = f"`{key}` must be a table with value, unit, rationale_ru, rationale_en"
                raise FormatError(source, msg, column=key)
            missing = [f for f in ("value", *_DOC_FIELDS) if f not in spec]
            if missing:
                msg = f"`{key}` lacks {', '.join(missing)}"
                raise FormatError(source, msg, column=f"{key}.{missing[0]}")
            choices = spec.get("choices", [])
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                msg = f"`choices` of `{key}` must be a list of texts"
                raise FormatError(source, msg, column=f"{key}.choices")
            kind = spec["value"]
            empty: ThresholdValue = (
                () if isinstance(kind, list) else "" if isinstance(kind, str) else 0.0
            )
            proto = Threshold(
                rule=rule,
                name=name,
                value=empty,
                unit=str(spec["unit"]),
                rationale_ru=str(spec["rationale_ru"]),
                rationale_en=str(spec["rationale_en"]),
                minimum=_bound(spec, "min", source, key),
                maximum=_bound(spec, "max", source, key),
                choices=tuple(choices),
            )
            out[key] = replace(proto, value=_check_value(source, proto, kind))
    return out


def _check_value(source: str | Path, proto: Threshold, raw: Any) -> ThresholdValue:
    """Check ``raw`` against the kind, range and choices of ``proto``; return it typed."""
    key = proto.key
    if isinstance(proto.value, float):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            msg = f"`{key}` must be a number ({proto.unit}), got {raw!r}"
            raise FormatError(source, msg, column=key)
        value = float(raw)
        if proto.minimum is not None and value < proto.minimum:
            msg = f"`{key}` must be at least {proto.minimum:g} ({proto.unit}), got {value:g}"
            raise FormatError(source, msg, column=key)
        if proto.maximum is not None and value > proto.maximum:
            msg = f"`{key}` must be at most {proto.maximum:g} ({proto.unit}), got {value:g}"
            raise FormatError(source, msg, column=key)
        return value
    if isinstance(proto.value, tuple):
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            msg = f"`{key}` must be a list of texts ({proto.unit}), got {raw!r}"
            raise FormatError(source, msg, column=key)
        items = tuple(v.strip() for v in raw)
        bad = [v for v in items if proto.choices and v not in proto.choices]
        if bad:
            msg = f"`{key}`: {bad[0]!r} is not one of {', '.join(proto.choices)}"
            raise FormatError(source, msg, column=key)
        return items
    if not isinstance(raw, str):
        msg = f"`{key}` must be a text ({proto.unit}), got {raw!r}"
        raise FormatError(source, msg, column=key)
    if proto.choices and raw not in proto.choices:
        msg = f"`{key}` must be one of {', '.join(proto.choices)}, got {raw!r}"
        raise FormatError(source, msg, column=key)
    return raw


def overlay_thresholds(
    data: Mapping[str, Any], base: Mapping[str, Threshold], source: str | Path = "<memory>"
) -> dict[str, Threshold]:
    """Apply a user's thresholds (full or short entries) over the defaults.

    Parameters
    ----------
    data
        The user's mapping: full ``[rule.key]`` tables or the short ``[rule]`` /
        ``key = value`` form, holding only the entries it changes.
    base
        The defaults (:func:`parse_thresholds`); their kinds, ranges and choices check
        the new values.
    source
        Where ``data`` came from (named in error messages).

    Returns
    -------
    dict of str to Threshold
        ``base`` with the changed entries replaced.

    Raises
    ------
    FormatError
        If ``data`` names an unknown rule or key, has an unknown field, or gives a value
        of the wrong kind, outside its range or not among its choices.
    """
    out = dict(base)
    rules = {t.rule for t in base.values()}
    for rule, table in data.items():
        if rule not in rules:
            msg = f"unknown rule `{rule}`; known: {', '.join(sorted(rules))}"
            raise FormatError(source, msg, column=rule)
        if not isinstance(table, dict):
            msg = f"`{rule}` must be a table ([{rule}] with KEY = value lines)"
            raise FormatError(source, msg, column=rule)
        for name, spec in table.items():
            key = f"{rule}.{name}"
            if key not in base:
                known = [t.name for t in base.values() if t.rule == rule]
                msg = f"unknown key `{key}`; `{rule}` has: {', '.join(known)}"
                raise FormatError(source, msg, column=key)
            proto = base[key]
            ru, en = proto.rationale_ru, proto.rationale_en
            if isinstance(spec, dict):
                if "value" not in spec:
                    msg = f"`{key}` is a table without `value`"
                    raise FormatError(source, msg, column=f"{key}.value")
                unknown = set(spec) - {"value", *_DOC_FIELDS, "min", "max", "choices"}
                if unknown:
                    msg = f"`{key}` has unknown field `{sorted(unknown)[0]}`"
                    raise FormatError(source, msg, column=f"{key}.{sorted(unknown)[0]}")
                ru = str(spec.get("rationale_ru", ru))
                en = str(spec.get("rationale_en", en))
                raw = spec["value"]
            else:
                raw = spec
            value = _check_value(source, proto, raw)
            out[key] = replace(proto, value=value, rationale_ru=ru, rationale_en=en)
    return out
