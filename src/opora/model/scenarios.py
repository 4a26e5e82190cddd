"""Scenarios of the anchor framework, as typed settings.

A scenario changes the region before the framework runs again: a season's network,
facilities or anchors that close, new road links. :func:`parse_scenarios` checks a
mapping of ``[[scenario]]`` tables (already loaded); the TOML file is read by
:func:`opora.io.anchor_list.read_scenarios`, whose docstring shows the layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opora.errors import FormatError
from opora.model.roads import STATES

__all__ = ["Scenario", "parse_scenarios"]


@dataclass(frozen=True)
class Scenario:
    """One scenario of the anchor framework.

    Attributes
    ----------
    key
        Short identifier.
    label_ru, label_en
        Names in reports.
    season
        Network state to use (``summer``, ``winter``, ``thaw``), or ``None`` for the base.
    close
        ``(settlement, service)`` pairs: a facility closes (``None`` service: every
        service of that settlement).
    close_anchors
        Settlements that stop being anchors (and cannot be chosen again).
    add_road
        ``(from settlement, to settlement, minutes or None)``: new two-way road links.
    """

    key: str
    label_ru: str
    label_en: str
    season: str | None = None
    close: tuple[tuple[str, str | None], ...] = ()
    close_anchors: tuple[str, ...] = ()
    add_road: tuple[tuple[str, str, float | None], ...] = ()


def parse_scenarios(
    data: Mapping[str, Any],
    source: str | Path = "<memory>",
    states: tuple[str, ...] = STATES,
) -> list[Scenario]:
    """Check and convert loaded ``[[scenario]]`` tables.

    Parameters
    ----------
    data
        The mapping, as :func:`tomllib.loads` returns it (a ``scenario`` array of tables).
    source
        Where it came from (named in error messages).
    states
        Allowed seasons.

    Returns
    -------
    list of Scenario
        In file order. Settlements are kept as written (OKTMO or name); they are matched
        to the region when the scenarios run.

    Raises
    ------
    FormatError
        If there is no scenario, a scenario lacks ``key``, repeats a key, names an unknown
        season or has a malformed entry; the message names the scenario and field.
    """
    items = data.get("scenario")
    if not isinstance(items, list) or not items:
        msg = "no [[scenario]] tables; declare at least one scenario"
        raise FormatError(source, msg, column="scenario")
    out: list[Scenario] = []
    seen: set[str] = set()
    for i, spec in enumerate(items, start=1):
        where = f"scenario {i}"
        if not isinstance(spec, dict) or not str(spec.get("key", "")).strip():
            msg = f"{where} has no `key`; give every scenario a short key"
            raise FormatError(source, msg, column="scenario.key")
        key = str(spec["key"]).strip()
        where = f"scenario `{key}`"
        if key in seen:
            msg = f"{where} is declared twice; keys must be unique"
            raise FormatError(source, msg, column="scenario.key")
        seen.add(key)
        known = {"key", "label_ru", "label_en", "season", "close", "close_anchors", "add_road"}
        extra = sorted(set(spec) - known)
        if extra:
            msg = f"{where}: unknown field(s) {', '.join(extra)}; use {', '.join(sorted(known))}"
            raise FormatError(source, msg, column=f"scenario.{extra[0]}")
        season = spec.get("season")
        if season is not None and season not in states:
            msg = f"{where}: season {season!r} is not one of {', '.join(states)}"
            raise FormatError(source, msg, column="scenario.season")
        close = []
        for entry in spec.get("close", []):
            if not isinstance(entry, dict) or "settlement" not in entry:
                msg = f"{where}: each `close` entry needs `settlement` (and optionally `service`)"
                raise FormatError(source, msg, column="scenario.close")
            service = entry.get("service")
            close.append((str(entry["settlement"]), None if service is None else str(service)))
        anchors = spec.get("close_anchors", [])
        if not isinstance(anchors, list):
            msg = f"{where}: `close_anchors` must be a list of settlements"
            raise FormatError(source, msg, column="scenario.close_anchors")
        roads = []
        for entry in spec.get("add_road", []):
            if not isinstance(entry, dict) or "from" not in entry or "to" not in entry:
                msg = (
                    f"{where}: each `add_road` entry needs `from` and `to` "
                    "(and optionally `minutes`)"
                )
                raise FormatError(source, msg, column="scenario.add_road")
            minutes = entry.get("minutes")
            if minutes is not None and (
                isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0
            ):
                msg = f"{where}: `minutes` of a new road must be a number > 0, got {minutes!r}"
                raise FormatError(source, msg, column="scenario.add_road.minutes")
            roads.append(
                (str(entry["from"]), str(entry["to"]), None if minutes is None else float(minutes))
            )
        if season is None and not close and not anchors and not roads:
            msg = f"{where} changes nothing; give a season, close, close_anchors or add_road"
            raise FormatError(source, msg, column="scenario")
        out.append(
            Scenario(
                key,
                str(spec.get("label_ru", key)),
                str(spec.get("label_en", key)),
                season,
                tuple(close),
                tuple(str(a) for a in anchors),
                tuple(roads),
            )
        )
    return out
