"""Per-town metrics of inter-municipal economic ties, and the detachment index.

For each place of a :class:`~opora.ties.graph.TiesNetwork` (a settlement or a
municipality, at the network's level), :func:`town_metrics` computes:

**Control.** ``local_employment``: employees of the establishments (head offices and
branches) in the place. ``ext_controlled_share``: the part of it in establishments
whose decision centre is elsewhere, the decision centre being the head of the firm's
corporate group, else the firm's head office (an owner of unknown location counts as
elsewhere). ``vic_share``: the part in establishments of VIC groups.
``control_exported``: employees of establishments *elsewhere* whose decision centre is
here (the place's head-office functions), ``control_export_ratio`` = that over
``local_employment``.

**Ties to cores.** ``core_links`` / ``core_weight``: ties (any kind, either direction)
between the place and an agglomeration core or large city: the places given, else the
places of at least ``core_population`` people (250,000: Ufa and Sterlitamak in
Bashkortostan) and Moscow and Saint Petersburg outside the region (``ext:77``,
``ext:78``). ``core_share`` = ``core_weight`` over the place's weight of ties with
other places.

**Town-village axis.** ``rural_links`` / ``rural_weight``: ties between the town
(at municipality level: the towns of the municipality) and rural settlements (not
:data:`~opora.model.settlements.URBAN_TYPES`) of its own municipality or of a neighbouring
one (municipality centres at most ``neighbour_km`` apart, great-circle distance);
``rural_own_links`` and ``rural_neighbour_links`` split the count. Firms located only
to a municipality do not count (their settlement is unknown).

**Network position** on the undirected graph of places (ties summed over kinds and
directions, self-ties left out): ``degree`` (distinct partner places), ``strength``
(sum of tie weights), ``betweenness`` (normalised, on the topology: number of
shortest paths through the place), and ``community`` (Louvain modularity on tie
weights, seeded; communities numbered from the largest).

**Detachment index** (0 embedded ... 1 detached) = 1 - weighted mean of four
components, each in [0, 1), higher = more embedded:

* ``c_vic`` = ``vic_share`` (missing = 0);
* ``c_core`` = ``core_weight / (core_weight + m_core)``;
* ``c_rural`` = ``rural_weight / (rural_weight + m_rural)``;
* ``c_network`` = ``strength / (strength + m_strength)``;

where ``m_x`` is the median of the positive values of ``x`` over the towns (over all
places where no town has one; 1 where none has), so that a town at the median scores
0.5. Weights: :class:`DetachmentWeights` (equal by default).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

import networkx as nx
import numpy as np
import pandas as pd

from opora.errors import ValidationError
from opora.ties.graph import TiesNetwork

__all__ = [
    "CARD_COLUMNS",
    "DetachmentWeights",
    "core_places",
    "neighbours_by_distance",
    "network_position",
    "town_card",
    "town_metrics",
]

#: Columns of the per-town ties card (:func:`town_card`).
CARD_COLUMNS = [
    "place",
    "town",
    "municipality_oktmo",
    "local_employment",
    "ext_controlled_share",
    "vic_share",
    "control_exported",
    "core_links",
    "core_share",
    "rural_links",
    "degree",
    "strength",
    "betweenness",
    "community",
    "detachment",
    "modelled",
]

_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class DetachmentWeights:
    """Weights of the components of the detachment index (normalised to sum 1).

    Attributes
    ----------
    vic, core, rural, network
        Weights of ``c_vic``, ``c_core``, ``c_rural`` and ``c_network``.
    """

    vic: float = 1.0
    core: float = 1.0
    rural: float = 1.0
    network: float = 1.0

    def normalised(self) -> dict[str, float]:
        """Return the weights as ``{component: weight}`` summing to 1.

        Returns
        -------
        dict of str to float
            Keys ``c_vic``, ``c_core``, ``c_rural``, ``c_network``.

        Raises
        ------
        ValidationError
            If a weight is negative or all are zero.
        """
        raw = {f"c_{f.name}": float(getattr(self, f.name)) for f in fields(self)}
        if any(v < 0 for v in raw.values()) or sum(raw.values()) <= 0:
            msg = f"detachment weights must be >= 0 and not all zero, got {raw}"
            raise ValidationError(msg)
        total = sum(raw.values())
        return {k: v / total for k, v in raw.items()}


def neighbours_by_distance(places: pd.DataFrame, km: float = 70.0) -> dict[str, set[str]]:
    """Neighbouring municipalities: centres at most ``km`` apart (great circle).

    Parameters
    ----------
    places
        Place table with ``kind``, ``place``, ``lon``, ``lat``; municipalities are the
        rows of kind ``municipality``.
    km
        Largest distance between centres.

    Returns
    -------
    dict of str to set of str
        Municipality → its neighbours (itself excluded).
    """
    mun = places[(places["kind"] == "municipality").to_numpy(bool)]
    mun = mun[mun["lon"].notna().to_numpy(bool) & mun["lat"].notna().to_numpy(bool)]
    codes = mun["place"].astype(str).to_numpy()
    lon = np.radians(mun["lon"].to_numpy(float))
    lat = np.radians(mun["lat"].to_numpy(float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    dist = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    out: dict[str, set[str]] = {str(c): set() for c in codes}
    for i, j in zip(*np.nonzero((dist <= km) & (dist > 0)), strict=True):
        out[str(codes[i])].add(str(codes[j]))
    return out


def core_places(
    places: pd.DataFrame,
    *,
    cores: Iterable[str] | None = None,
    core_population: float = 250_000,
    external: Iterable[str] = ("ext:77", "ext:78"),
) -> set[str]:
    """Return the places counted as agglomeration cores and large cities.

    Parameters
    ----------
    places
        Place table with ``place``, ``kind``, ``municipality_oktmo``, ``population``.
    cores
        Explicit OKTMO codes (settlements or municipalities); when given, the
        population threshold is not used.
    core_population
        Population from which a settlement is a large city.
    external
        Places outside the region that count as cores (Moscow ``ext:77``, Saint
        Petersburg ``ext:78``).

    Returns
    -------
    set of str
        Core places, at both levels: each core settlement and its municipality.
    """
    if cores is not None:
        chosen = {str(c) for c in cores}
    else:
        pop = pd.to_numeric(places["population"], errors="coerce")
        big = (places["kind"] == "settlement") & (pop >= core_population)
        chosen = set(places.loc[big.to_numpy(bool), "place"].astype(str))
    mun = places.set_index("place")["municipality_oktmo"]
    out = set(chosen) | {str(mun[c]) for c in chosen if c in mun.index and pd.notna(mun[c])}
    # a municipality given as a core makes its towns cores too
    is_town = places["is_town"].astype(bool) & (places["kind"] == "settlement")
    towns = places[is_town.to_numpy(bool)]
    out |= set(towns.loc[towns["municipality_oktmo"].isin(chosen).to_numpy(bool), "place"])
    return out | set(external)


def network_position(graph: nx.Graph, *, seed: int = 0, exact_limit: int = 5000) -> pd.DataFrame:
    """Degree, strength, betweenness and community of each node of a weighted graph.

    Places without ties have degree and strength 0, betweenness 0 and no community.
    Betweenness is normalised over the places that have ties (``n`` of them: divided
    by ``(n - 1)(n - 2) / 2``); above ``exact_limit`` such places it is estimated
    from ``exact_limit`` sampled sources (seeded).

    Parameters
    ----------
    graph
        Undirected graph with edge attribute ``weight``
        (:meth:`~opora.ties.graph.TiesNetwork.weighted`).
    seed
        Seed of the Louvain community detection and of the betweenness sample.
    exact_limit
        Largest number of tied places for exact betweenness.

    Returns
    -------
    pandas.DataFrame
        Index: node; columns ``degree, strength, betweenness, community``.
    """
    nodes = [str(n) for n in graph.nodes]
    tied = [n for n in graph.nodes if graph.degree(n) > 0]
    # a copy in the graph's own order: a subgraph view may iterate its nodes in the order
    # of a set, which changes with the hash seed and with it the float sums below
    sub = type(graph)()
    sub.add_nodes_from(tied)
    sub.add_edges_from(graph.edges(data=True))
    degree = dict(graph.degree())
    strength = dict(graph.degree(weight="weight"))
    k = None if len(tied) <= exact_limit else exact_limit
    between = nx.betweenness_centrality(sub, k=k, normalized=True, seed=seed) if tied else {}
    positive = nx.Graph()
    positive.add_nodes_from(tied)
    positive.add_edges_from(
        (u, v, {"weight": max(float(d.get("weight", 0.0)), 0.0) or 1e-9})
        for u, v, d in sub.edges(data=True)
    )
    comms = nx.community.louvain_communities(positive, weight="weight", seed=seed) if tied else []
    ordered = sorted((sorted(map(str, c)) for c in comms), key=lambda c: (-len(c), c[0]))
    community = {node: i for i, members in enumerate(ordered) for node in members}
    return pd.DataFrame(
        {
            "degree": [int(degree[n]) for n in graph.nodes],
            "strength": [float(strength[n]) for n in graph.nodes],
            "betweenness": [float(between.get(n, 0.0)) for n in graph.nodes],
            "community": pd.array([community.get(str(n)) for n in graph.nodes], dtype="Int64"),
        },
        index=pd.Index(nodes, name="place"),
    )


def _half(values: pd.Series, scale: float) -> pd.Series:
    v = values.fillna(0.0).clip(lower=0.0)
    return v / (v + scale)


def _median_positive(values: pd.Series, towns: pd.Series) -> float:
    for pool in (values[towns.to_numpy(bool)], values):
        pos = pool[pool > 0]
        if len(pos):
            return float(pos.median())
    return 1.0


def town_metrics(
    network: TiesNetwork,
    *,
    cores: Iterable[str] | None = None,
    core_population: float = 250_000,
    neighbour_km: float = 70.0,
    weight: str = "employees",
    seed: int = 0,
    weights: DetachmentWeights | None = None,
) -> pd.DataFrame:
    """Compute the ties metrics of every place of the network (see the module docstring).

    Parameters
    ----------
    network
        Ties network.
    cores
        Agglomeration cores and large cities (OKTMO codes); default: settlements of at
        least ``core_population`` people, plus Moscow and Saint Petersburg.
    core_population
        Population threshold of a large city.
    neighbour_km
        Largest distance between the centres of neighbouring municipalities.
    weight
        Tie weight: ``"employees"``, ``"revenue"``, ``"value"`` or ``"n_links"``.
    seed
        Seed of the community detection.
    weights
        Weights of the detachment components.

    Returns
    -------
    pandas.DataFrame
        One row per place of the region with establishments or ties (and every town),
        sorted by place: the metrics above, ``is_town``, ``is_core``, ``name``,
        ``town_name``, ``kind``, ``municipality_oktmo``, ``population``, ``modelled``.
    """
    w = (weights or DetachmentWeights()).normalised()
    net = network
    pl = net.places.set_index("place")
    core = core_places(net.places, cores=cores, core_population=core_population)
    est = net.establishments.copy()
    est["node"] = net.node_of(est["place"])
    est["controller_node"] = net.node_of(est["controller_place"])
    emp = est["employees"].fillna(0.0)
    ext = est["controller_node"] != est["node"]
    local = emp.groupby(est["node"]).sum()
    ext_emp = emp[ext.to_numpy(bool)].groupby(est.loc[ext.to_numpy(bool), "node"]).sum()
    vic = est["is_vic"].to_numpy(bool)
    vic_emp = emp[vic].groupby(est.loc[vic, "node"]).sum()
    exported = emp[ext.to_numpy(bool)].groupby(est.loc[ext.to_numpy(bool), "controller_node"])
    n_est = est.groupby("node").size()

    g = net.weighted(weight)
    pos = network_position(g, seed=seed)

    # nodes to report: places of the region with establishments or ties, and all towns
    if net.level == "place":
        candidates = pl.index
    else:
        candidates = pl.index[(pl["kind"] != "settlement").to_numpy(bool)]
    is_ext = pd.Index(candidates).str.startswith("ext:")
    active = set(local.index) | set(g.nodes)
    town_rows = pl["is_town"].astype(bool)
    if net.level == "place":
        town_rows = town_rows & (pl["kind"] == "settlement")
    keep = [
        p
        for p, e in zip(candidates, is_ext, strict=True)
        if not e and (p in active or bool(town_rows.get(p, False)))
    ]
    out = pl.loc[keep, ["name", "kind", "type", "municipality_oktmo", "is_town", "town_name"]]
    out = out.copy()
    out["population"] = pl.loc[keep, "population"].astype("float64")
    idx = out.index
    out["is_core"] = idx.isin(list(core))
    out["establishments"] = n_est.reindex(idx).fillna(0).astype("int64")
    out["local_employment"] = local.reindex(idx).fillna(0.0)
    out["ext_controlled_employment"] = ext_emp.reindex(idx).fillna(0.0)
    out["vic_employment"] = vic_emp.reindex(idx).fillna(0.0)
    denom = out["local_employment"].where(out["local_employment"] > 0)
    out["ext_controlled_share"] = out["ext_controlled_employment"] / denom
    out["vic_share"] = out["vic_employment"] / denom
    out["control_exported"] = exported.sum().reindex(idx).fillna(0.0)
    out["n_controlled_elsewhere"] = exported.size().reindex(idx).fillna(0).astype("int64")
    out["control_export_ratio"] = out["control_exported"] / denom

    # ties to cores
    core_links: dict[str, int] = {}
    core_weight: dict[str, float] = {}
    total_weight: dict[str, float] = {}
    for u, v, d in g.edges(data=True):
        for a, b in ((u, v), (v, u)):
            total_weight[a] = total_weight.get(a, 0.0) + float(d["weight"])
            if b in core:
                core_links[a] = core_links.get(a, 0) + int(d["n_links"])
                core_weight[a] = core_weight.get(a, 0.0) + float(d["weight"])
    out["core_links"] = pd.Series(core_links, dtype="float64").reindex(idx).fillna(0).astype(int)
    out["core_weight"] = pd.Series(core_weight, dtype="float64").reindex(idx).fillna(0.0)
    tw = pd.Series(total_weight, dtype="float64").reindex(idx)
    out["core_share"] = out["core_weight"] / tw.where(tw > 0)

    # town-village axis
    rural = _rural_ties(net, neighbour_km, weight)
    for col in ("rural_links", "rural_own_links", "rural_neighbour_links"):
        out[col] = rural[col].reindex(idx).fillna(0).astype("int64")
    out["rural_weight"] = rural["rural_weight"].reindex(idx).fillna(0.0)

    # network position
    out["degree"] = pos["degree"].reindex(idx).fillna(0).astype("int64")
    out["strength"] = pos["strength"].reindex(idx).fillna(0.0).astype("float64")
    out["betweenness"] = pos["betweenness"].reindex(idx).fillna(0.0).astype("float64")
    out["community"] = pos["community"].reindex(idx).astype("Int64")

    # detachment index
    towns = out["is_town"].astype(bool)
    out["c_vic"] = out["vic_share"].fillna(0.0)
    out["c_core"] = _half(out["core_weight"], _median_positive(out["core_weight"], towns))
    out["c_rural"] = _half(out["rural_weight"], _median_positive(out["rural_weight"], towns))
    out["c_network"] = _half(out["strength"], _median_positive(out["strength"], towns))
    embedded = sum(out[k] * v for k, v in w.items())
    out["detachment"] = 1.0 - embedded
    out["weight"] = weight
    out["modelled"] = net.modelled
    out.index.name = "place"
    return out.reset_index().sort_values("place").reset_index(drop=True)


def _rural_ties(net: TiesNetwork, neighbour_km: float, weight: str) -> pd.DataFrame:
    """Ties between towns and rural settlements of their own or neighbouring municipality."""
    pl = net.places.set_index("place")
    links = net.links
    cols = ["rural_links", "rural_own_links", "rural_neighbour_links", "rural_weight"]
    if links.empty:
        return pd.DataFrame(columns=cols, dtype="float64")
    neigh = neighbours_by_distance(net.places, neighbour_km)
    kind = pl["kind"]
    town = pl["is_town"].astype(bool) & (kind == "settlement")
    rural = (~pl["is_town"].astype(bool)) & (kind == "settlement")
    mun = pl["municipality_oktmo"]
    col = {"employees": "employees", "revenue": "revenue", "value": "value"}.get(weight)
    values = links[col].fillna(0.0) if col else pd.Series(1.0, index=links.index)
    # plain dicts: Series.get per link is slow in large regions (places are unique)
    places = pl.index.tolist()
    town_of = dict(zip(places, town.tolist(), strict=True))
    rural_of = dict(zip(places, rural.tolist(), strict=True))
    mun_of = dict(zip(places, mun.tolist(), strict=True))
    rows: dict[str, list[float]] = {}
    for s, t, val in zip(
        links["source_place"].tolist(), links["target_place"].tolist(), values, strict=True
    ):
        for a, b in ((s, t), (t, s)):
            if not (town_of.get(a, False) and rural_of.get(b, False)):
                continue
            ma, mb = mun_of.get(a), mun_of.get(b)
            own = ma == mb
            near = (not own) and mb in neigh.get(str(ma), set())
            if not (own or near):
                continue
            node = str(a) if net.level == "place" else str(ma)
            r = rows.setdefault(node, [0.0, 0.0, 0.0, 0.0])
            r[0] += 1
            r[1] += 1 if own else 0
            r[2] += 1 if near else 0
            r[3] += float(val)
    return pd.DataFrame.from_dict(rows, orient="index", columns=cols)


def town_card(metrics: pd.DataFrame) -> pd.DataFrame:
    """Return the per-town ties card: towns only, the main metrics, most detached first.

    Parameters
    ----------
    metrics
        Output of :func:`town_metrics` (or ``ties_metrics.csv`` read back).

    Returns
    -------
    pandas.DataFrame
        :data:`CARD_COLUMNS`; ``town`` is the town's name (at municipality level the
        centre's name, with the municipality).
    """
    towns = metrics[metrics["is_town"].astype(bool).to_numpy(bool)].copy()
    name = towns["town_name"].astype("string").fillna(towns["name"].astype("string"))
    is_mun = (towns["kind"] == "municipality").to_numpy(bool)
    name[is_mun] = name[is_mun] + " (" + towns.loc[is_mun, "name"].astype("string") + ")"
    towns["town"] = name
    card = towns.reindex(columns=CARD_COLUMNS)
    return card.sort_values(["detachment", "place"], ascending=[False, True]).reset_index(drop=True)
