"""Inter-municipal ties graph: places linked by control, branches and supply.

Nodes are places: settlements (11-digit OKTMO) where a firm's location resolves to a
settlement, municipalities (8-digit OKTMO) where it resolves only to a municipality,
and places outside the workspace's region (``ext:<region code>``, ``ext:unknown`` for
an owner of unknown location). With ``level="municipality"`` settlements are merged
into their upper-level municipality.

Edges (directed, one per kind and pair of places, in :attr:`TiesNetwork.edges`):

``control``
    parent's place → subsidiary's place, for each ownership tie that gives control
    (see :class:`TiesCriteria`); weight: employees of the subsidiary's head office;
``branch``
    head office's place → branch's place; weight: employees of the branch;
``supply``
    supplier's place → customer's place, where a supply table is given; weight: its
    value in thousand roubles under ``weight="revenue"`` (no employees).

Each edge carries ``n_links`` (firm-level ties), ``employees``, ``revenue`` and
``value``; ties inside one place are kept in the table (``local``) but not in the
graph.

**Employees of establishments.** A firm's employees (FNS average headcount, or an
export) count the whole organisation. Branches with their own employees keep them; the
rest is split equally between the head office and the branches without a figure
(``estimated`` is then true).

**Corporate groups** come from the control ties between firms: a group is a weakly
connected component of the control graph. Ownership may run in circles (A owns B, B
owns C, C owns A); the chain is read on the condensation of the component (each
strongly connected set of firms becomes one node), so cycles neither loop nor break
the derivation. The group head is the firm at the top of the condensation (the one
with most employees when the top is a cycle or several firms share the top); chain
depth is the longest control path in the condensation, in steps.

A group is a **vertically integrated corporation (VIC)** when it meets every
criterion of :class:`TiesCriteria` (defaults in brackets, editable in the
``[criteria]`` table of ``firm_mapping.toml``): size (employees >= 1,000), firms (>= 3),
spread (regions >= 2, or municipalities >= 3, counting branches), chain depth (>= 1)
and value-chain stages (>= 2 of :data:`STAGES`: primary, processing, utilities,
construction, distribution, services; the public sector O-Q is not a stage).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Final, Literal, cast

import networkx as nx
import numpy as np
import pandas as pd

from opora.errors import ValidationError
from opora.model.settlements import URBAN_TYPES
from opora.ties._text import as_dict as _as_dict
from opora.ties._text import isin_text as _isin_text
from opora.ties._text import map_text as _map_text

__all__ = [
    "EDGE_COLUMNS",
    "STAGES",
    "TiesCriteria",
    "TiesNetwork",
    "build_ties",
    "combine_firms",
    "control_ties",
    "derive_groups",
    "establishments",
    "place_table",
]

#: Value-chain stage of each OKVED section (the public sector O, P, Q is not a stage).
STAGES: dict[str, str] = {
    **dict.fromkeys("AB", "primary"),
    "C": "processing",
    **dict.fromkeys("DE", "utilities"),
    "F": "construction",
    **dict.fromkeys("GH", "distribution"),
    **dict.fromkeys("IJKLMNRSTU", "services"),
}

#: Columns of the aggregated edge table.
EDGE_COLUMNS = [
    "source",
    "target",
    "kind",
    "n_links",
    "employees",
    "revenue",
    "value",
    "local",
    "source_municipality",
    "target_municipality",
    "modelled",
]

_TEXT: Final = "string"
Level = Literal["place", "municipality"]


@dataclass(frozen=True)
class TiesCriteria:
    """Criteria of control and of vertically integrated corporations.

    Attributes
    ----------
    control_share
        An owner controls a firm when its share is **more** than this (0.5). An owner
        with an unknown share controls when it is the firm's only owner with an INN,
        or when an export names it as the head company.
    vic_min_employees
        Employees of the group's firms together (1,000).
    vic_min_firms
        Firms in the group (3).
    vic_min_regions
        Regions where the group has firms or branches (2)...
    vic_min_municipalities
        ...or, within one region, municipalities (3).
    vic_min_depth
        Steps of the longest control chain (1).
    vic_min_stages
        Distinct value-chain stages (:data:`STAGES`) among the main OKVED codes of the
        group's firms (2).
    """

    control_share: float = 0.5
    vic_min_employees: float = 1000.0
    vic_min_firms: int = 3
    vic_min_regions: int = 2
    vic_min_municipalities: int = 3
    vic_min_depth: int = 1
    vic_min_stages: int = 2

    @classmethod
    def from_mapping(cls, values: Mapping[str, float]) -> TiesCriteria:
        """Build criteria from a ``[criteria]`` table (unknown keys raise).

        Parameters
        ----------
        values
            Criterion name → number, as in ``firm_mapping.toml``.

        Returns
        -------
        TiesCriteria
            Defaults updated by ``values``.

        Raises
        ------
        ValidationError
            On an unknown criterion or a share outside 0-1.
        """
        known = {f.name: f.type for f in fields(cls)}
        args: dict[str, Any] = {}
        for k, v in values.items():
            if k not in known:
                msg = f"unknown criterion `{k}`; known: {', '.join(known)}"
                raise ValidationError(msg)
            args[k] = float(v) if k in {"control_share", "vic_min_employees"} else int(v)
        out = cls(**args)
        if not 0 <= out.control_share < 1:
            msg = f"`control_share` must be in [0, 1), got {out.control_share}"
            raise ValidationError(msg)
        return out


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column].astype(_TEXT)
    return pd.Series(pd.NA, index=frame.index, dtype=_TEXT)


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return pd.Series(np.nan, index=frame.index, dtype="float64")


def combine_firms(
    tables: Iterable[pd.DataFrame],
    *,
    headcount: pd.DataFrame | None = None,
    revenue: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Merge firm tables of several sources into one row per INN.

    For each INN the first table that has a value wins, column by column (give the
    richest source first). Employees and revenue missing after that are taken from
    the FNS headcount and revenue tables.

    Parameters
    ----------
    tables
        Firm tables (:data:`opora.io.firms.FIRM_COLUMNS`).
    headcount
        ``inn, employees`` (:func:`opora.io.firms.read_fns_headcount`).
    revenue
        ``inn, revenue`` (:func:`opora.io.firms.read_fns_revexp`).

    Returns
    -------
    pandas.DataFrame
        One row per INN, in order of first appearance.
    """
    frames = [t for t in tables if t is not None and not t.empty]
    if not frames:
        msg = "no firm table to combine"
        raise ValidationError(msg)
    allf = pd.concat(frames, ignore_index=True)
    allf["_order"] = np.arange(len(allf))
    out = allf.groupby("inn", sort=False).first()
    out = out.sort_values("_order").drop(columns="_order").reset_index()
    out = out.reindex(columns=frames[0].columns)
    for extra, column in ((headcount, "employees"), (revenue, "revenue")):
        if extra is None or extra.empty:
            continue
        values = extra.drop_duplicates("inn").set_index("inn")[column]
        fill = out["inn"].map(values).astype("float64")
        out[column] = out[column].astype("float64").fillna(fill)
    return out


def control_ties(ownership: pd.DataFrame, criteria: TiesCriteria | None = None) -> pd.DataFrame:
    """Select the ownership ties that give control.

    Parameters
    ----------
    ownership
        :data:`opora.io.firms.OWNERSHIP_COLUMNS`.
    criteria
        Control criterion (:attr:`TiesCriteria.control_share`).

    Returns
    -------
    pandas.DataFrame
        ``parent_inn, child_inn, share`` (one row per pair) of the controlling ties.
    """
    c = criteria or TiesCriteria()
    cols = ["parent_inn", "child_inn", "share"]
    if ownership is None or ownership.empty:
        return pd.DataFrame(columns=cols).astype({"parent_inn": _TEXT, "child_inn": _TEXT})
    own = ownership[_text(ownership, "parent_inn").notna().to_numpy(bool)].copy()
    share = _num(own, "share")
    head = _text(own, "source").str.endswith("head_company").fillna(False)
    n_owners = own.groupby("child_inn")["parent_inn"].transform("count")
    control = (share > c.control_share) | (share.isna() & (head | (n_owners == 1)))
    out = own.loc[control.to_numpy(bool), ["parent_inn", "child_inn"]].assign(
        share=share[control.to_numpy(bool)]
    )
    out = out[out["parent_inn"] != out["child_inn"]]
    return out.drop_duplicates(["parent_inn", "child_inn"]).reset_index(drop=True)


def _region_key(firms: pd.DataFrame) -> pd.Series:
    """Region of each firm: ``workspace`` inside, else its region code or outside place."""
    code = _text(firms, "region_code")
    outside = _text(firms, "place").str.removeprefix("ext:")
    key = code.fillna(outside)
    if "in_region" in firms:
        inside = firms["in_region"].fillna(False).astype(bool)
        key = key.mask(inside, "workspace")
    return key.astype(_TEXT)


def derive_groups(
    firms: pd.DataFrame,
    ownership: pd.DataFrame,
    branches: pd.DataFrame | None = None,
    criteria: TiesCriteria | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Derive corporate groups from control chains (cycles allowed) and flag VICs.

    Parameters
    ----------
    firms
        Firm table: ``inn``, ``place``, ``municipality_oktmo``, ``region_code``,
        ``in_region``, ``okved_section``, ``employees``, ``revenue``.
    ownership
        Ownership table (:data:`opora.io.firms.OWNERSHIP_COLUMNS`).
    branches
        Branch table, for the spread of a group (``inn``, ``place``,
        ``municipality_oktmo``).
    criteria
        Control and VIC criteria.

    Returns
    -------
    tuple of pandas.DataFrame
        ``groups``: ``group_id, head_inn, n_firms, employees, revenue, n_regions,
        n_municipalities, depth, n_stages, stages, has_cycle, is_vic``, and
        ``members``: ``inn, group_id, level, in_cycle`` (level 0 is the head's
        strongly connected set). Firms outside every control tie are in no group.
    """
    c = criteria or TiesCriteria()
    ties = control_ties(ownership, c)
    g = nx.DiGraph()
    g.add_edges_from(zip(ties["parent_inn"], ties["child_inn"], strict=True))
    info = firms.drop_duplicates("inn")
    # only firms in a control tie are looked up below: leave the others out of the dicts
    info = info[_isin_text(info["inn"], pd.Series(list(g.nodes), dtype=_TEXT))].set_index("inn")
    employees = _as_dict(_num(info, "employees").fillna(0.0), float)
    revenue = _as_dict(_num(info, "revenue").dropna(), float)
    section = _as_dict(_text(info, "okved_section").dropna(), str)
    region = _as_dict(_region_key(info).dropna(), str)
    municipality = _as_dict(
        _text(info, "municipality_oktmo").fillna(_text(info, "place")).dropna(), str
    )
    br = branches if branches is not None else pd.DataFrame(columns=["inn", "place"])
    br_places: dict[str, set[str]] = {}
    for inn, mun in zip(
        _text(br, "inn").tolist(),
        _text(br, "municipality_oktmo").fillna(_text(br, "place")).tolist(),
        strict=True,
    ):
        if isinstance(inn, str) and isinstance(mun, str):
            br_places.setdefault(inn, set()).add(mun)
    group_rows: list[dict[str, Any]] = []
    member_rows: list[tuple[str, str, int, bool]] = []
    for comp in nx.weakly_connected_components(g):
        sub = g.subgraph(comp)
        cond = nx.condensation(sub)
        members: dict[int, set[str]] = {n: set(cond.nodes[n]["members"]) for n in cond}
        roots = [n for n in cond if cond.in_degree(n) == 0]

        def rank(n: int, _members: dict[int, set[str]] = members) -> tuple[float, str]:
            total = sum(float(employees.get(i, 0.0)) for i in _members[n])
            return (-total, min(_members[n]))

        top = min(roots, key=rank)
        head = min(members[top], key=lambda i: (-float(employees.get(i, 0.0)), i))
        group_id = f"G{head}"
        levels: dict[int, int] = nx.single_source_shortest_path_length(cond, top)
        for n, m in members.items():
            cyc = len(m) > 1
            lvl = int(levels.get(n, -1))
            member_rows.extend((i, group_id, lvl, cyc) for i in sorted(m))
        inns = sorted(comp)
        stages = sorted({STAGES[section[i]] for i in inns if section.get(i) in STAGES})
        spread_m: set[str] = {municipality[i] for i in inns if i in municipality}
        for i in inns:
            spread_m |= br_places.get(i, set())
        regions = {region[i] for i in inns if i in region}
        regions |= {p.removeprefix("ext:") for p in spread_m if p.startswith("ext:")}
        n_regions = len(regions - {"unknown"})
        row: dict[str, Any] = {
            "group_id": group_id,
            "head_inn": head,
            "n_firms": len(inns),
            "employees": float(sum(employees.get(i, 0.0) for i in inns)),
            "revenue": float(sum(revenue[i] for i in inns if i in revenue))
            if any(i in revenue for i in inns)
            else np.nan,
            "n_regions": n_regions,
            "n_municipalities": len({p for p in spread_m if not str(p).startswith("ext:")}),
            "depth": int(nx.dag_longest_path_length(cond)),
            "n_stages": len(stages),
            "stages": ";".join(stages),
            "has_cycle": any(len(m) > 1 for m in members.values()),
        }
        row["is_vic"] = bool(
            row["employees"] >= c.vic_min_employees
            and row["n_firms"] >= c.vic_min_firms
            and (
                row["n_regions"] >= c.vic_min_regions
                or row["n_municipalities"] >= c.vic_min_municipalities
            )
            and row["depth"] >= c.vic_min_depth
            and row["n_stages"] >= c.vic_min_stages
        )
        group_rows.append(row)
    gcols = [
        "group_id",
        "head_inn",
        "n_firms",
        "employees",
        "revenue",
        "n_regions",
        "n_municipalities",
        "depth",
        "n_stages",
        "stages",
        "has_cycle",
        "is_vic",
    ]
    groups = pd.DataFrame(group_rows, columns=gcols)
    groups = groups.sort_values(["employees", "group_id"], ascending=[False, True])
    groups = groups.astype({"group_id": _TEXT, "head_inn": _TEXT, "stages": _TEXT})
    members_df = pd.DataFrame(member_rows, columns=["inn", "group_id", "level", "in_cycle"])
    members_df = members_df.astype({"inn": _TEXT, "group_id": _TEXT, "level": "int64"})
    return groups.reset_index(drop=True), members_df


def establishments(firms: pd.DataFrame, branches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the establishments: each firm's head office and each of its branches.

    Employees of a firm are the whole organisation's: branches with their own figure
    keep it, and the rest is split equally between the head office and the branches
    without a figure (``estimated`` true).

    Parameters
    ----------
    firms
        Firm table with ``inn``, ``place``, ``employees``.
    branches
        Branch table with ``inn``, ``place``, ``employees``.

    Returns
    -------
    pandas.DataFrame
        ``inn, kind (head_office | branch), place, employees, estimated``.
    """
    head = pd.DataFrame(
        {
            "inn": _text(firms, "inn"),
            "kind": "head_office",
            "place": _text(firms, "place"),
            "employees": _num(firms, "employees"),
            "estimated": False,
        }
    )
    if branches is None or branches.empty:
        return head.reset_index(drop=True)
    br = pd.DataFrame(
        {
            "inn": _text(branches, "inn"),
            "kind": "branch",
            "place": _text(branches, "place"),
            "employees": _num(branches, "employees"),
            "estimated": False,
        }
    )
    br = br[_isin_text(br["inn"], head["inn"])]
    known = br.groupby("inn")["employees"].sum(min_count=1)
    unknown = br["employees"].isna().groupby(br["inn"]).sum()
    total = head.set_index("inn")["employees"]
    rest = (total - known.reindex(total.index).fillna(0.0)).clip(lower=0.0)
    share = rest / (unknown.reindex(total.index).fillna(0).astype(float) + 1.0)
    has_split = unknown.reindex(total.index).fillna(0) > 0
    head["employees"] = _map_text(head["inn"], share).astype("float64")
    head["estimated"] = _map_text(head["inn"], has_split).fillna(False).astype(bool)
    fill = br["employees"].isna()
    br.loc[fill, "employees"] = br.loc[fill, "inn"].map(share).astype("float64")
    br.loc[fill, "estimated"] = True
    out = pd.concat([head, br], ignore_index=True)
    out["estimated"] = out["estimated"].astype(bool)
    return out


def place_table(
    settlements: pd.DataFrame,
    municipalities: pd.DataFrame,
) -> pd.DataFrame:
    """Return the places of a workspace with population, coordinates and town flag.

    Parameters
    ----------
    settlements
        Settlement table (``settlement_id``, ``oktmo``, ``name``, ``type``,
        ``municipality_oktmo``, ``population``, point geometry or ``lon``/``lat``).
    municipalities
        Municipality table (``oktmo``, ``name``, ``type``, ``level``, ``parent_oktmo``,
        ``centre_name``, point geometry or ``lon``/``lat``).

    Returns
    -------
    pandas.DataFrame
        ``place, oktmo, name, kind (settlement | municipality), type,
        municipality_oktmo, is_town, town_name, population, lon, lat``; ``place`` of a
        settlement is its ``settlement_id`` (several settlements may share an OKTMO). A
        municipality is a town when it is an urban okrug or its centre is a town
        settlement inside it; ``town_name`` is then the town.
    """
    m = municipalities
    level = _text(m, "level").fillna("upper")
    parents = dict(
        zip(
            _text(m, "oktmo")[level == "lower"],
            _text(m, "parent_oktmo")[level == "lower"],
            strict=True,
        )
    )
    s = settlements
    okt = _text(s, "oktmo")
    sid = _text(s, "settlement_id").fillna(okt) if "settlement_id" in s else okt
    s = s[sid.notna().to_numpy(bool)]
    okt, sid = okt[sid.notna()], sid[sid.notna()]
    lon, lat = _coords(s)
    mun = _text(s, "municipality_oktmo")
    upper = mun.map(lambda x: parents.get(x, x) if isinstance(x, str) else x).astype(_TEXT)
    types = _text(s, "type").fillna("")
    sett = pd.DataFrame(
        {
            "place": sid,
            "oktmo": okt,
            "name": _text(s, "name"),
            "kind": "settlement",
            "type": types,
            "municipality_oktmo": upper,
            "is_town": types.isin(URBAN_TYPES),
            "town_name": _text(s, "name").where(types.isin(URBAN_TYPES)),
            "population": _num(s, "population"),
            "lon": lon,
            "lat": lat,
        }
    )
    up = m[(level != "lower").to_numpy(bool)]
    ulon, ulat = _coords(up)
    code = _text(up, "oktmo")
    centre = _text(up, "centre_name").fillna("")
    centre_name = centre.str.replace(r"^\S+\s", "", regex=True)
    own_towns = set(
        zip(
            sett.loc[sett["is_town"].to_numpy(bool), "municipality_oktmo"],
            sett.loc[sett["is_town"].to_numpy(bool), "name"],
            strict=True,
        )
    )
    inside = pd.Series(
        [(c, n) in own_towns for c, n in zip(code, centre_name, strict=True)], index=up.index
    )
    okrug = (_text(up, "type") == "urban_okrug").fillna(False)
    centre_town = okrug | inside
    town_name = centre_name.where(centre_town.to_numpy(bool) & (centre_name != ""))
    pop = sett.groupby("municipality_oktmo")["population"].sum(min_count=1)
    mun_df = pd.DataFrame(
        {
            "place": code,
            "oktmo": code,
            "name": _text(up, "name"),
            "kind": "municipality",
            "type": _text(up, "type"),
            "municipality_oktmo": code,
            "is_town": centre_town.fillna(False).astype(bool),
            "town_name": town_name.astype(_TEXT),
            "population": code.map(pop).astype("float64"),
            "lon": ulon,
            "lat": ulat,
        }
    )
    if sett["lon"].notna().any():
        centroid = sett.groupby("municipality_oktmo")[["lon", "lat"]].mean()
        mun_df["lon"] = mun_df["lon"].fillna(code.map(centroid["lon"]).astype("float64"))
        mun_df["lat"] = mun_df["lat"].fillna(code.map(centroid["lat"]).astype("float64"))
    out = pd.concat([sett, mun_df], ignore_index=True).drop_duplicates("place")
    return out.reset_index(drop=True)


def _coords(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    if "lon" in frame and "lat" in frame:
        return _num(frame, "lon"), _num(frame, "lat")
    geom = frame.get("geometry")
    if geom is not None and hasattr(geom, "x"):
        empty = geom.isna() | geom.is_empty
        lon = pd.Series(np.where(empty, np.nan, geom.x.where(~empty)), index=frame.index)
        lat = pd.Series(np.where(empty, np.nan, geom.y.where(~empty)), index=frame.index)
        return lon.astype("float64"), lat.astype("float64")
    nan = pd.Series(np.nan, index=frame.index, dtype="float64")
    return nan, nan.copy()


@dataclass
class TiesNetwork:
    """Ties between places, at firm level and aggregated.

    Attributes
    ----------
    graph
        Directed multigraph of places: one edge per kind and ordered pair of distinct
        places, with ``n_links``, ``employees``, ``revenue``, ``value``; node
        attributes from the place table (``name``, ``kind``, ``is_town``...).
    edges
        Aggregated edges (:data:`EDGE_COLUMNS`), local ties included.
    links
        Firm-level ties: ``kind, source_inn, target_inn, source_place, target_place,
        source_municipality, target_municipality, employees, revenue, value``.
    establishments
        Head offices and branches with ``place``, ``municipality_oktmo``, ``employees``,
        ``group_id``, ``is_vic``, ``controller_place``, ``controller_municipality``.
    firms
        The firm table with ``group_id``, ``group_level`` and ``is_vic`` added.
    groups
        Corporate groups (:func:`derive_groups`).
    places
        Place table (:func:`place_table`), with the outside places added.
    level
        ``"place"`` or ``"municipality"``.
    modelled
        Whether the firm population is modelled.
    """

    graph: nx.MultiDiGraph
    edges: pd.DataFrame
    links: pd.DataFrame
    establishments: pd.DataFrame
    firms: pd.DataFrame
    groups: pd.DataFrame
    places: pd.DataFrame
    level: Level
    modelled: bool

    def node_of(self, place: pd.Series) -> pd.Series:
        """Map places to the nodes of this network's level.

        Parameters
        ----------
        place
            Place ids.

        Returns
        -------
        pandas.Series
            The same ids at ``place`` level; the municipality at ``municipality`` level.
        """
        if self.level == "place":
            return place.astype(_TEXT)
        mun = self.places.set_index("place")["municipality_oktmo"]
        return place.map(mun).fillna(place).astype(_TEXT)

    def weighted(self, weight: str = "employees") -> nx.Graph:
        """Return the undirected simple graph with weights summed over kinds and directions.

        Parameters
        ----------
        weight
            ``"employees"``, ``"revenue"``, ``"value"`` or ``"n_links"``.

        Returns
        -------
        networkx.Graph
            Edge attribute ``weight`` (missing values count as 0) and ``n_links``.
        """
        if weight not in {"employees", "revenue", "value", "n_links"}:
            msg = f"`weight` must be employees, revenue, value or n_links, got {weight!r}"
            raise ValidationError(msg)
        g = nx.Graph()
        g.add_nodes_from(self.graph.nodes(data=True))
        for u, v, data in self.graph.edges(data=True):
            w = data.get(weight)
            w = 0.0 if w is None or (isinstance(w, float) and np.isnan(w)) else float(w)
            if g.has_edge(u, v):
                g[u][v]["weight"] += w
                g[u][v]["n_links"] += int(data["n_links"])
            else:
                g.add_edge(u, v, weight=w, n_links=int(data["n_links"]))
        return g


def _place_of(firms: pd.DataFrame) -> pd.Series:
    """Return the place of each INN as the series :meth:`pandas.Series.map` makes of a dict.

    Built once, it spares each ``map`` of the INN-to-place dict converting it again.
    """
    place = _text(firms, "place").fillna("ext:unknown")
    mapping = dict(zip(_text(firms, "inn").tolist(), place.tolist(), strict=True))
    return pd.Series(mapping) if mapping else pd.Series(mapping, dtype=np.float64)


def build_ties(
    firms: pd.DataFrame,
    ownership: pd.DataFrame | None = None,
    branches: pd.DataFrame | None = None,
    supply: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    *,
    criteria: TiesCriteria | None = None,
    level: Level = "place",
) -> TiesNetwork:
    """Build the ties network from firms, ownership, branches and supply ties.

    Parameters
    ----------
    firms
        Firm table (:data:`opora.io.firms.FIRM_COLUMNS`); its ``place`` is the node of
        the head office (a missing place counts as ``ext:unknown``).
    ownership
        Ownership table; only controlling ties (:func:`control_ties`) become edges.
        An owner missing from ``firms`` is placed at ``ext:unknown``.
    branches
        Branch table (``inn``, ``place``, ``employees``).
    supply
        Supply table (``supplier_inn``, ``customer_inn``, ``value``).
    places
        Place table (:func:`place_table`); gives node attributes and the
        municipality of each place.
    criteria
        Control and VIC criteria.
    level
        ``"place"`` (settlements where known) or ``"municipality"``.

    Returns
    -------
    TiesNetwork
        The network.

    Raises
    ------
    ValidationError
        If ``firms`` has no ``inn`` or ``place`` column or ``level`` is unknown.
    """
    if level not in ("place", "municipality"):
        msg = f"`level` must be 'place' or 'municipality', got {level!r}"
        raise ValidationError(msg)
    for col in ("inn", "place"):
        if col not in firms:
            msg = f"the firm table has no `{col}` column"
            raise ValidationError(msg)
    c = criteria or TiesCriteria()
    own = ownership if ownership is not None else pd.DataFrame(columns=["child_inn", "parent_inn"])
    br = branches if branches is not None else pd.DataFrame(columns=["inn", "place", "employees"])
    firms = firms.drop_duplicates("inn").reset_index(drop=True)
    modelled = bool(firms["modelled"].any()) if "modelled" in firms else False
    groups, members = derive_groups(firms, own, br, c)
    vic_groups = set(groups.loc[groups["is_vic"], "group_id"])
    mem = members.set_index("inn")
    firms = firms.copy()
    firms["group_id"] = _map_text(firms["inn"], mem["group_id"]).astype(_TEXT)
    firms["group_level"] = _map_text(firms["inn"], mem["level"]).astype("Int64")
    firms["is_vic"] = firms["group_id"].isin(vic_groups).fillna(False).astype(bool)

    pl = _places_with_outside(places, firms, br, own)
    municipality = pl.set_index("place")["municipality_oktmo"]
    place_of = _place_of(firms)
    head_of = dict(zip(groups["group_id"], groups["head_inn"], strict=True))

    # establishments and who controls them
    est = establishments(firms, br)
    est["municipality_oktmo"] = (
        _map_text(est["place"], municipality).fillna(est["place"]).astype(_TEXT)
    )
    est["group_id"] = _map_text(est["inn"], firms.set_index("inn")["group_id"]).astype(_TEXT)
    est["is_vic"] = est["group_id"].isin(vic_groups).fillna(False).astype(bool)
    controller = est["group_id"].map(head_of).fillna(est["inn"])
    head_place = _map_text(est["inn"], place_of)
    est["controller_place"] = _map_text(controller, place_of).fillna("ext:unknown").astype(_TEXT)
    # a firm outside every group is controlled by its head office
    solo = est["group_id"].isna()
    est.loc[solo, "controller_place"] = head_place[solo].fillna("ext:unknown")
    est["controller_municipality"] = (
        _map_text(est["controller_place"], municipality)
        .fillna(est["controller_place"])
        .astype(_TEXT)
    )

    links = _links(firms, own, br, supply, est, c, place_of)
    links["source_municipality"] = (
        links["source_place"].map(municipality).fillna(links["source_place"])
    )
    links["target_municipality"] = (
        links["target_place"].map(municipality).fillna(links["target_place"])
    )
    net = TiesNetwork(
        nx.MultiDiGraph(), pd.DataFrame(), links, est, firms, groups, pl, level, modelled
    )
    src = net.node_of(links["source_place"])
    dst = net.node_of(links["target_place"])
    agg = _sum_links(links.assign(source=src, target=dst))
    agg["local"] = agg["source"] == agg["target"]
    agg["source_municipality"] = agg["source"].map(municipality).fillna(agg["source"])
    agg["target_municipality"] = agg["target"].map(municipality).fillna(agg["target"])
    agg["modelled"] = modelled
    net.edges = agg.reindex(columns=EDGE_COLUMNS).astype(
        {
            "source": _TEXT,
            "target": _TEXT,
            "kind": _TEXT,
            "source_municipality": _TEXT,
            "target_municipality": _TEXT,
        }
    )
    g = nx.MultiDiGraph(level=level, modelled=modelled)
    nodes = pl if level == "place" else pl[pl["kind"] != "settlement"]
    used = (
        set(net.edges["source"].tolist())
        | set(net.edges["target"].tolist())
        | set(net.node_of(est["place"]).tolist())
    )
    for rec in nodes[nodes["place"].isin(used)].to_dict("records"):
        g.add_node(rec["place"], **{str(k): v for k, v in rec.items() if k != "place"})
    for rec in net.edges[~net.edges["local"]].to_dict("records"):
        g.add_edge(
            rec["source"],
            rec["target"],
            key=rec["kind"],
            kind=rec["kind"],
            n_links=int(rec["n_links"]),
            employees=_float(rec["employees"]),
            revenue=_float(rec["revenue"]),
            value=_float(rec["value"]),
        )
    net.graph = g
    return net


def _sum_links(links: pd.DataFrame) -> pd.DataFrame:
    """Aggregate firm-level ties by ``source, target, kind`` (sorted).

    ``n_links`` counts the ties; ``employees``, ``revenue`` and ``value`` are sums that
    stay missing when every tie of the group lacks the figure. Each group's sum is the
    one :meth:`pandas.Series.sum` gives (numpy's summation of the group in row order),
    without calling pandas once per group.
    """
    keys = ["source", "target", "kind"]
    grouped = links.groupby(keys, sort=True)
    out = grouped["kind"].size().rename("n_links").reset_index()
    codes = grouped.ngroup().fillna(-1).to_numpy(dtype=np.int64)
    keep = np.flatnonzero(codes >= 0)
    order = keep[np.argsort(codes[keep], kind="stable")]
    bounds = np.searchsorted(codes[order], np.arange(len(out) + 1))
    for col in ("employees", "revenue", "value"):
        values = links[col].to_numpy(dtype="float64", na_value=np.nan)[order]
        known = ~np.isnan(values)
        filled = np.where(known, values, 0.0)
        sums = np.full(len(out), np.nan)
        for g in np.flatnonzero(np.add.reduceat(known, bounds[:-1]) if len(order) else []):
            sums[g] = filled[bounds[g] : bounds[g + 1]].sum()
        out[col] = sums
    return out


def _float(value: object) -> float:
    if value is None or value is pd.NA:
        return float("nan")
    return float(cast(float, value))


def _places_with_outside(
    places: pd.DataFrame | None,
    firms: pd.DataFrame,
    branches: pd.DataFrame,
    ownership: pd.DataFrame,
) -> pd.DataFrame:
    cols = [
        "place",
        "oktmo",
        "name",
        "kind",
        "type",
        "municipality_oktmo",
        "is_town",
        "town_name",
        "population",
        "lon",
        "lat",
    ]
    base = places.reindex(columns=cols) if places is not None else pd.DataFrame(columns=cols)
    seen = set(base["place"].dropna())
    extra: list[dict[str, Any]] = []
    candidates = set(_text(firms, "place").dropna().tolist()) | set(
        _text(branches, "place").dropna().tolist()
    )
    candidates |= {"ext:unknown"}
    for p in sorted(candidates - seen):
        is_ext = p.startswith("ext:")
        extra.append(
            {
                "place": p,
                "oktmo": None if is_ext else p,
                "name": f"outside the region ({p[4:]})" if is_ext else p,
                "kind": "outside" if is_ext else ("settlement" if len(p) == 11 else "municipality"),
                "type": None,
                "municipality_oktmo": p if is_ext or len(p) != 11 else p[:5] + "000",
                "is_town": False,
                "town_name": None,
                "population": np.nan,
                "lon": np.nan,
                "lat": np.nan,
            }
        )
    out = pd.concat([base, pd.DataFrame(extra, columns=cols)], ignore_index=True)
    for col in ("place", "oktmo", "name", "kind", "type", "municipality_oktmo", "town_name"):
        out[col] = out[col].astype(_TEXT)
    out["is_town"] = out["is_town"].fillna(False).astype(bool)
    return out


def _links(
    firms: pd.DataFrame,
    ownership: pd.DataFrame,
    branches: pd.DataFrame,
    supply: pd.DataFrame | None,
    est: pd.DataFrame,
    criteria: TiesCriteria,
    place_of: pd.Series,
) -> pd.DataFrame:
    head_emp = est[est["kind"] == "head_office"].set_index("inn")["employees"]
    revenue = firms.set_index("inn")["revenue"] if "revenue" in firms else pd.Series(dtype=float)
    frames: list[pd.DataFrame] = []
    ctl = control_ties(ownership, criteria)
    if not ctl.empty:
        frames.append(
            pd.DataFrame(
                {
                    "kind": "control",
                    "source_inn": ctl["parent_inn"],
                    "target_inn": ctl["child_inn"],
                    "source_place": ctl["parent_inn"].map(place_of).fillna("ext:unknown"),
                    "target_place": ctl["child_inn"].map(place_of).fillna("ext:unknown"),
                    "employees": ctl["child_inn"].map(head_emp).astype("float64"),
                    "revenue": ctl["child_inn"].map(revenue).astype("float64"),
                    "value": np.nan,
                }
            )
        )
    br = est[est["kind"] == "branch"]
    if not br.empty:
        frames.append(
            pd.DataFrame(
                {
                    "kind": "branch",
                    "source_inn": br["inn"],
                    "target_inn": br["inn"],
                    "source_place": br["inn"].map(place_of).fillna("ext:unknown"),
                    "target_place": br["place"].fillna("ext:unknown"),
                    "employees": br["employees"].astype("float64"),
                    "revenue": np.nan,
                    "value": np.nan,
                }
            )
        )
    if supply is not None and not supply.empty:
        frames.append(
            pd.DataFrame(
                {
                    "kind": "supply",
                    "source_inn": _text(supply, "supplier_inn"),
                    "target_inn": _text(supply, "customer_inn"),
                    "source_place": _text(supply, "supplier_inn")
                    .map(place_of)
                    .fillna("ext:unknown"),
                    "target_place": _text(supply, "customer_inn")
                    .map(place_of)
                    .fillna("ext:unknown"),
                    "employees": np.nan,
                    "revenue": np.nan,
                    "value": _num(supply, "value"),
                }
            )
        )
    cols = [
        "kind",
        "source_inn",
        "target_inn",
        "source_place",
        "target_place",
        "employees",
        "revenue",
        "value",
    ]
    if not frames:
        return pd.DataFrame(columns=cols).astype(
            dict.fromkeys(cols[:5], _TEXT) | dict.fromkeys(cols[5:], "float64")
        )
    out = pd.concat(frames, ignore_index=True)
    for col in cols[:5]:
        out[col] = out[col].astype(_TEXT)
    for col in cols[5:]:
        out[col] = out[col].astype("float64")
    return out
