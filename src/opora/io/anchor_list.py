"""Read a given anchor list and a scenario file for the anchor framework.

* :func:`read_anchor_list`: an official or proposed list of anchor settlements as CSV
  (UTF-8, ``,`` or ``;``) or Excel: a column ``oktmo`` (11-digit settlement code, read as
  text) and/or ``name``; optional ``level`` (``district`` / ``local``, or the Russian
  «межрайонный» / «опорный»), ``municipality`` (name or code of the municipal district, to
  tell apart settlements of the same name), ``services`` (comma-separated service keys)
  and ``kind`` («Тип»: «центр агломерации», «центр социального обслуживания», «ЗАТО»,
  «иное» as in the national list of anchor settlements, or ``agglomeration_core``,
  ``social_services_centre``, ``zato``, ``other``).
  The list is matched to settlements by :func:`opora.anchors.lists.resolve_anchor_list`.
* :func:`read_scenarios`: scenarios of the anchor framework declared in TOML, so that
  they can be re-run and compared::

      [[scenario]]
      key = "winter"
      label_ru = "Зимняя сеть"
      label_en = "Winter network"
      season = "winter"            # summer, winter or thaw

      [[scenario]]
      key = "no_hospital_beloretsk"
      close = [{ settlement = "Белорецк", service = "hospital" }]   # a facility closes
      close_anchors = ["80611448101"]                              # an anchor closes

      [[scenario]]
      key = "new_bridge"
      add_road = [{ from = "Аскарово", to = "Магнитогорск", minutes = 25 }]

  A settlement is named by its 11-digit OKTMO or its name (``"Name, Municipality"`` to
  tell apart settlements of the same name). ``minutes`` may be left out: the link then
  takes the straight distance × 1.3 at 60 km/h.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from opora.errors import EmptyFileError, FormatError, MissingColumnError
from opora.io._checks import check_exists, read_text_csv, read_toml
from opora.model.roads import STATES
from opora.model.scenarios import Scenario, parse_scenarios

__all__ = ["KIND_ALIASES", "KIND_LABELS", "LEVEL_ALIASES", "read_anchor_list", "read_scenarios"]

#: Spellings of the levels accepted in a list (lower case).
LEVEL_ALIASES: dict[str, str] = {
    "district": "district",
    "inter-district": "district",
    "interdistrict": "district",
    "межрайонный": "district",
    "межрайонный центр": "district",
    "local": "local",
    "опорный": "local",
    "опорный населённый пункт": "local",
    "опорный населенный пункт": "local",
    "онп": "local",
}


#: Kinds of anchor settlements in the national list of anchor settlements (ONP), with the
#: spellings accepted (lower case, «ё» read as «е»).
KIND_ALIASES: dict[str, str] = {
    "agglomeration_core": "agglomeration_core",
    "agglomeration core": "agglomeration_core",
    "центр агломерации": "agglomeration_core",
    "ядро агломерации": "agglomeration_core",
    "агломерация": "agglomeration_core",
    "social_services_centre": "social_services_centre",
    "social-services centre": "social_services_centre",
    "social services centre": "social_services_centre",
    "центр социального обслуживания": "social_services_centre",
    "центр социального обслуживания населения": "social_services_centre",
    "центр обслуживания": "social_services_centre",
    "zato": "zato",
    "зато": "zato",
    "закрытое административно-территориальное образование": "zato",
    "other": "other",
    "иное": "other",
    "иной": "other",
    "другое": "other",
    "прочие": "other",
}

#: Russian and English labels of the kinds.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "agglomeration_core": ("центр агломерации", "agglomeration core"),
    "social_services_centre": ("центр социального обслуживания", "social-services centre"),
    "zato": ("ЗАТО", "closed territory (ZATO)"),
    "municipal_centre": ("центр муниципального образования", "municipal centre"),
    "other": ("иной", "other"),
}


def _kind(value: object, row: object, p: Path) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    if value is pd.NA:
        return None
    text = " ".join(str(value).strip().lower().replace("ё", "е").split())
    key = KIND_ALIASES.get(text)
    if key is None:
        msg = (
            f"row {row}: kind {value!r} is not known; use центр агломерации, центр "
            "социального обслуживания, ЗАТО or иное (agglomeration_core, "
            "social_services_centre, zato, other)"
        )
        raise FormatError(p, msg, column="kind")
    return key


def _read_table(p: Path) -> pd.DataFrame:
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            frame = pd.read_excel(p, dtype=str)
        except (ValueError, OSError) as exc:
            msg = f"cannot be read as an Excel workbook ({exc}); save it as .xlsx or CSV"
            raise FormatError(p, msg) from exc
        if frame.empty:
            msg = "the first sheet has no data rows"
            raise EmptyFileError(p, msg)
        frame.insert(0, "_row", range(2, len(frame) + 2))
        return frame
    head = p.read_bytes()[:4096].decode("utf-8", errors="replace").splitlines()
    sep = ";" if head and head[0].count(";") > head[0].count(",") else ","
    return read_text_csv(p, [], sep=sep, text_columns=["oktmo", "name", "municipality"])


def read_anchor_list(path: str | Path, levels: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a list of anchor settlements (CSV or Excel).

    Parameters
    ----------
    path
        The list: ``oktmo`` and/or ``name`` columns, optional ``level``, ``municipality``,
        ``services``. Column names are matched case-insensitively; Russian headers
        «ОКТМО», «Наименование», «Уровень», «Муниципальный район» are accepted.
    levels
        Level keys of the hierarchy (``read_anchor_levels``), accepted as written besides
        the spellings of :data:`LEVEL_ALIASES`; ``district`` and ``local`` when ``None``.

    Returns
    -------
    pandas.DataFrame
        ``_row`` (line in the file), ``oktmo`` (text or missing), ``name``, ``level``
        (a level key or missing), ``municipality``, ``services``, ``kind`` (a key of
        :data:`KIND_LABELS` or missing).

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    MissingColumnError
        If the file has neither ``oktmo`` nor ``name``.
    FormatError
        If a ``level`` or ``kind`` value is not known (the message names the row).
    """
    p = check_exists(path)
    frame = _read_table(p)
    rename = {
        "октмо": "oktmo",
        "код октмо": "oktmo",
        "наименование": "name",
        "название": "name",
        "населённый пункт": "name",
        "населенный пункт": "name",
        "уровень": "level",
        "муниципальный район": "municipality",
        "муниципальное образование": "municipality",
        "услуги": "services",
        "тип": "kind",
        "вид": "kind",
        "тип онп": "kind",
        "тип опорного населенного пункта": "kind",
        "тип опорного населённого пункта": "kind",
        "категория": "kind",
        "kind": "kind",
        "type": "kind",
    }
    frame.columns = [
        rename.get(str(c).strip().lower(), str(c).strip().lower()) if c != "_row" else c
        for c in frame.columns
    ]
    if "oktmo" not in frame and "name" not in frame:
        msg = "needs an `oktmo` (11-digit settlement code) or a `name` column"
        raise MissingColumnError(p, msg, column="oktmo")
    out = pd.DataFrame({"_row": frame["_row"]})
    for col in ("oktmo", "name", "municipality", "services"):
        out[col] = (
            frame[col].astype("string").str.strip().mask(lambda v: v == "")
            if col in frame
            else pd.Series(pd.NA, index=frame.index, dtype="string")
        )
    out["oktmo"] = out["oktmo"].str.replace(r"\.0$", "", regex=True)
    keys = {k.lower(): k for k in (levels if levels is not None else ("district", "local"))}
    aliases = {**LEVEL_ALIASES, **keys}
    found: list[str | None] = []
    if "level" in frame:
        for row, value in zip(frame["_row"], frame["level"], strict=True):
            if pd.isna(value) or not str(value).strip():
                found.append(None)
                continue
            key = aliases.get(str(value).strip().lower())
            if key is None:
                msg = (
                    f"row {row}: level {value!r} is not known; use "
                    f"{', '.join(keys.values())} (or межрайонный / опорный)"
                )
                raise FormatError(p, msg, column="level")
            found.append(key)
    else:
        found = [None] * len(frame)
    out["level"] = found
    out["kind"] = pd.Series(
        [_kind(v, r, p) for r, v in zip(frame["_row"], frame["kind"], strict=True)]
        if "kind" in frame
        else [None] * len(frame),
        index=frame.index,
        dtype="string",
    )
    out.attrs["path"] = str(p)
    return out


def read_scenarios(path: str | Path, states: tuple[str, ...] = STATES) -> list[Scenario]:
    """Read the scenarios of the anchor framework from a TOML file.

    Parameters
    ----------
    path
        TOML file with ``[[scenario]]`` tables (see the module docstring).
    states
        Allowed seasons.

    Returns
    -------
    list of Scenario
        In file order. Settlements are kept as written (OKTMO or name); they are matched
        to the region when the scenarios run.

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    FormatError
        If the file is not TOML, a scenario lacks ``key``, repeats a key, names an unknown
        season or has a malformed entry; the message names the scenario and field.
    """
    p = check_exists(path)
    return parse_scenarios(read_toml(p, "see `opora anchors scenarios --help`"), p, states)
