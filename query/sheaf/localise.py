"""Localisation: the fundamental cycles of a BFS forest that do not close, as contradictions."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator, Mapping, Sequence

from strata.query.sheaf.build import GROUND, NUMERIC, Cycle, Edge, FloatArray, Sheaf, claim_position
from strata.query.sheaf.models import Contradiction
from strata.query.sheaf.report import to_contradiction


def localise(
    sheaf: Sheaf, edge_ids: list[int], per_edge: FloatArray, tolerance: float
) -> list[Contradiction]:
    """The fundamental cycles of one component whose holonomy exceeds tolerance, as reports."""
    edges = [sheaf.edges[n] for n in edge_ids]
    cycles: dict[frozenset[int], Cycle] = {}
    for layer in sorted({k for e in edges for k in e.layers}):
        for cyc in _open_cycles(edges, layer, tolerance):
            if cyc.edges not in cycles or cycles[cyc.edges].gap < cyc.gap:
                cycles[cyc.edges] = cyc
    worst = max((float(per_edge[n]) for n, e in enumerate(edges) if e.u != GROUND), default=0.0)
    direct: dict[frozenset[object], list[Cycle]] = defaultdict(list)
    found = []
    position = {
        v: claim_position(sheaf.claims[v]) for e in edges for v in (e.u, e.v) if v != GROUND
    }
    for cyc in cycles.values():
        pair = [v for v in cyc.vertices if v != GROUND]
        if len(pair) == 2 and all(edges[n].relation is None for n in cyc.edges):
            direct[frozenset(position[v] for v in pair)].append(cyc)
        else:
            found.append(to_contradiction(sheaf, edges, per_edge, worst, [cyc], "cycle"))
    # one conflict per pair of positions: restating Paris five times is one side, not five
    found += [
        to_contradiction(sheaf, edges, per_edge, worst, cs, "conflict") for cs in direct.values()
    ]
    return found


def _open_cycles(edges: Sequence[Edge], layer: str, tolerance: float) -> Iterator[Cycle]:
    """Fundamental cycles of a BFS forest (rooted at ground) whose holonomy exceeds tolerance."""
    here = [
        (n, e, e.target[e.layers.index(layer)]) for n, e in enumerate(edges) if layer in e.layers
    ]
    adj: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for n, e, t in here:
        adj[e.u].append((e.v, n, t))
        adj[e.v].append((e.u, n, -t))
    phi, parent = _bfs_forest(adj)
    tree = {n for _, n in parent.values()}
    for n, e, t in here:
        gap = abs(t - (phi[e.v] - phi[e.u]))
        if n not in tree and gap / e.scale > tolerance:
            path, verts = _tree_path(parent, e.u, e.v)
            yield Cycle(frozenset([*path, n]), verts, gap, e.scale, layer == NUMERIC)


def _bfs_forest(
    adj: Mapping[int, list[tuple[int, int, float]]],
) -> tuple[dict[int, float], dict[int, tuple[int, int]]]:
    """Potential φ (tree edges satisfied exactly) and parent (vertex, edge) per vertex."""
    phi: dict[int, float] = {}
    parent: dict[int, tuple[int, int]] = {}
    for root in sorted(adj):  # GROUND = -1 sorts first, so observed values root the tree
        if root in phi:
            continue
        phi[root] = 0.0
        queue = deque([root])
        while queue:
            here = queue.popleft()
            for there, n, t in adj[here]:
                if there not in phi:
                    phi[there] = phi[here] + t
                    parent[there] = (here, n)
                    queue.append(there)
    return phi, parent


def _tree_path(
    parent: Mapping[int, tuple[int, int]], u: int, v: int
) -> tuple[list[int], tuple[int, ...]]:
    """Tree edges and vertices from v back to u through their lowest common ancestor."""
    (pu, nu), (pv, nv) = parent.get(u, (u, -1)), parent.get(v, (v, -1))
    if pu == pv and pu not in (u, v):  # siblings, e.g. two observed claims under the ground
        return [nu, nv], (u, v, pu)
    up_u, up_v = _ancestry(parent, u), _ancestry(parent, v)
    common = next(w for w, _ in up_u if w in {x for x, _ in up_v})
    left = up_u[: [w for w, _ in up_u].index(common)]
    right = up_v[: [w for w, _ in up_v].index(common)]
    edges = [n for _, n in left + right]
    verts = (*[w for w, _ in reversed(left)], *[w for w, _ in right], common)
    return edges, tuple(dict.fromkeys(verts))


def _ancestry(parent: Mapping[int, tuple[int, int]], v: int) -> list[tuple[int, int]]:
    """(vertex, edge to its parent) from v to the root; the root comes with edge -1."""
    chain = []
    while v in parent:
        up, n = parent[v]
        chain.append((v, n))
        v = up
    chain.append((v, -1))
    return chain
