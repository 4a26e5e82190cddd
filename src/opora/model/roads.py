"""Road graph with named seasonal states, as arrays ready for scipy's sparse graph routines.

A :class:`RoadGraph` is directed: a two-way road is two arcs. Each arc has a length in
metres, a travel time in minutes and, for each named state (``summer``, ``winter``,
``thaw``), whether it is open. Routing code takes ``graph.csr(state)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from pyproj import Geod
from scipy.sparse.csgraph import connected_components

from opora.errors import RoadGraphError

__all__ = ["STATES", "RoadGraph"]

#: Named network states.
STATES = ("summer", "winter", "thaw")


@dataclass
class RoadGraph:
    """A directed road graph.

    Attributes
    ----------
    node_lon, node_lat
        Node coordinates, EPSG:4326 (float64, one per node).
    arc_from, arc_to
        Arc end nodes (int64 indices into the node arrays).
    arc_minutes
        Travel time of each arc in minutes (float64, > 0).
    arc_length_m
        Geodesic length of each arc in metres.
    arc_kind
        ``road``, ``ferry``, ``winter_road``, ``ice_road``, ``seasonal``, ``access``
        (object array of str).
    open_in
        For each state of :data:`STATES`, a boolean mask of arcs open in that state.
    modelled
        ``True`` when the graph is a modelled network, not roads from a real source.
    source
        Where the graph comes from (file name, rule).
    node_id
        Optional external node ids (OSM ids), aligned with the node arrays.
    slowdown
        Travel-time factor by state (``{"winter": 1.25}``: every arc takes 25 % longer in
        winter); a state not named keeps the factor 1.
    """

    node_lon: npt.NDArray[np.float64]
    node_lat: npt.NDArray[np.float64]
    arc_from: npt.NDArray[np.int64]
    arc_to: npt.NDArray[np.int64]
    arc_minutes: npt.NDArray[np.float64]
    arc_length_m: npt.NDArray[np.float64]
    arc_kind: npt.NDArray[np.object_]
    open_in: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    modelled: bool = False
    source: str = ""
    node_id: npt.NDArray[np.int64] | None = None
    slowdown: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_arcs = len(self.arc_from)
        for state in STATES:
            if state not in self.open_in:
                self.open_in[state] = np.ones(n_arcs, dtype=bool)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_lon)

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs."""
        return len(self.arc_from)

    def csr(self, state: str = "summer") -> sp.csr_matrix:
        """Return the travel-time adjacency matrix of the arcs open in ``state``.

        Parallel arcs keep the fastest one.

        Parameters
        ----------
        state
            One of :data:`STATES`.

        Returns
        -------
        scipy.sparse.csr_matrix
            ``n_nodes × n_nodes``, minutes.

        Raises
        ------
        KeyError
            If ``state`` is not a state of the graph.
        """
        mask = self.open_in[state]
        f, t, w = self.arc_from[mask], self.arc_to[mask], self.arc_minutes[mask]
        factor = float(self.slowdown.get(state, 1.0))
        if factor != 1.0:
            w = w * factor
        order = np.lexsort((w, t, f))
        f, t, w = f[order], t[order], w[order]
        keep = np.ones(len(f), dtype=bool)
        keep[1:] = (f[1:] != f[:-1]) | (t[1:] != t[:-1])
        n = self.n_nodes
        return sp.csr_matrix((w[keep], (f[keep], t[keep])), shape=(n, n))

    def main_component(self) -> npt.NDArray[np.bool_]:
        """Mask of nodes in the largest strongly connected component over all states.

        An arc counts when it is open in any state, so a village reached by a winter road
        in winter and a ferry in summer belongs to the main network.

        Returns
        -------
        numpy.ndarray of bool
            ``True`` for nodes of the main network.
        """
        any_open = np.zeros(self.n_arcs, dtype=bool)
        for mask in self.open_in.values():
            any_open |= mask
        n = self.n_nodes
        adj = sp.csr_matrix(
            (np.ones(int(any_open.sum())), (self.arc_from[any_open], self.arc_to[any_open])),
            shape=(n, n),
        )
        _, labels = connected_components(adj, directed=True, connection="strong")
        return np.asarray(labels == int(np.argmax(np.bincount(labels))), dtype=bool)

    def subgraph(self, nodes: npt.NDArray[np.bool_]) -> tuple[RoadGraph, npt.NDArray[np.int64]]:
        """Keep the nodes of a mask and the arcs between them.

        Parameters
        ----------
        nodes
            Boolean mask over the nodes.

        Returns
        -------
        tuple
            The subgraph and, for each of its nodes, the index of that node in ``self``.
        """
        old = np.flatnonzero(nodes).astype(np.int64)
        new_of = np.full(self.n_nodes, -1, dtype=np.int64)
        new_of[old] = np.arange(len(old))
        keep = nodes[self.arc_from] & nodes[self.arc_to]
        sub = RoadGraph(
            node_lon=self.node_lon[old],
            node_lat=self.node_lat[old],
            arc_from=new_of[self.arc_from[keep]],
            arc_to=new_of[self.arc_to[keep]],
            arc_minutes=self.arc_minutes[keep],
            arc_length_m=self.arc_length_m[keep],
            arc_kind=self.arc_kind[keep],
            open_in={k: v[keep] for k, v in self.open_in.items()},
            modelled=self.modelled,
            source=self.source,
            node_id=None if self.node_id is None else self.node_id[old],
            slowdown=dict(self.slowdown),
        )
        return sub, old

    def with_links(
        self,
        from_node: npt.ArrayLike,
        to_node: npt.ArrayLike,
        minutes: npt.ArrayLike,
        *,
        kind: str = "scenario",
        open_in: tuple[str, ...] = STATES,
    ) -> RoadGraph:
        """Return a copy of the graph with new two-way links (a scenario's new road).

        Parameters
        ----------
        from_node, to_node
            End nodes of each new link.
        minutes
            Travel time of each link (> 0), before any seasonal slowdown.
        kind
            ``arc_kind`` of the new arcs.
        open_in
            States in which the new links are open.

        Returns
        -------
        RoadGraph
            A new graph; ``self`` is unchanged. Lengths of the new arcs are the geodesic
            distances between their ends.

        Raises
        ------
        RoadGraphError
            If a node index is out of range or a travel time is not positive.
        """
        a = np.atleast_1d(np.asarray(from_node, dtype=np.int64))
        b = np.atleast_1d(np.asarray(to_node, dtype=np.int64))
        w = np.atleast_1d(np.asarray(minutes, dtype=float))
        if not (len(a) == len(b) == len(w)):
            msg = "from_node, to_node and minutes must have the same length"
            raise RoadGraphError(msg)
        if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= self.n_nodes):
            msg = f"a link end is not a node of the graph (0..{self.n_nodes - 1})"
            raise RoadGraphError(msg)
        if not np.all(np.isfinite(w) & (w > 0)):
            msg = "every new link needs a travel time > 0 minutes"
            raise RoadGraphError(msg)
        _, _, dist = Geod(ellps="WGS84").inv(
            self.node_lon[a], self.node_lat[a], self.node_lon[b], self.node_lat[b]
        )
        d = np.asarray(dist, dtype=float)
        return RoadGraph(
            node_lon=self.node_lon,
            node_lat=self.node_lat,
            arc_from=np.concatenate([self.arc_from, a, b]),
            arc_to=np.concatenate([self.arc_to, b, a]),
            arc_minutes=np.concatenate([self.arc_minutes, w, w]),
            arc_length_m=np.concatenate([self.arc_length_m, d, d]),
            arc_kind=np.concatenate([self.arc_kind, np.array([kind] * (2 * len(a)), dtype=object)]),
            open_in={
                k: np.concatenate([v, np.full(2 * len(a), k in open_in)])
                for k, v in self.open_in.items()
            },
            modelled=self.modelled,
            source=self.source,
            node_id=self.node_id,
            slowdown=dict(self.slowdown),
        )

    def largest_component(self, state: str = "summer") -> npt.NDArray[np.bool_]:
        """Mask of nodes in the largest strongly connected component in ``state``.

        Parameters
        ----------
        state
            One of :data:`STATES`.

        Returns
        -------
        numpy.ndarray of bool
            ``True`` for nodes of the largest strongly connected component.
        """
        _, labels = connected_components(self.csr(state), directed=True, connection="strong")
        counts = np.bincount(labels)
        return np.asarray(labels == int(np.argmax(counts)), dtype=bool)
