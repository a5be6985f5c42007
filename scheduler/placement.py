"""Where MCUs go: pure planning functions, no Django (SPEC R-2.5; issue 3 §4).

Two steps. `plan_domains` splits a request over compute domains by their free counts; `plan_slots`
picks node slots inside one domain. Both are deterministic (ties broken by id), so the same pool
state always gives the same placement.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CLUSTER_MIN_MCUS = 64  # a tightly-coupled request this large may span domains


def plan_domains(
    free: Iterable[tuple[int, int]], quantity: int, *, may_span: bool
) -> list[tuple[int, int]] | None:
    """Split `quantity` over domains given `(domain_id, free)`; None when it cannot be placed.

    One domain when possible, best fit (the domain with the least free room that still fits, so
    large blocks stay whole for large requests). When no single domain fits and spanning is allowed
    (normal pool, cluster lines ≥ 64), as few domains as possible: the largest ones in full, then
    the best fit for the remainder — each part as large as possible (R-2.5).
    """
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    candidates = sorted(((f, d) for d, f in free if f > 0), key=lambda x: (x[0], x[1]))
    fit = next(((d, quantity) for f, d in candidates if f >= quantity), None)
    if fit is not None:
        return [fit]
    if not may_span or sum(f for f, _ in candidates) < quantity:
        return None
    parts: list[tuple[int, int]] = []
    remaining = quantity
    pool = sorted(candidates, key=lambda x: (-x[0], x[1]))
    while remaining > 0:
        fitting = [c for c in pool if c[0] >= remaining]
        if fitting:
            f, d = min(fitting, key=lambda x: (x[0], x[1]))
            parts.append((d, remaining))
            break
        f, d = pool.pop(0)
        parts.append((d, f))
        remaining -= f
    return parts


@dataclass
class NodeRoom:
    node_id: int
    capacity: int
    taken: set[int] = field(default_factory=set)

    @property
    def free(self) -> int:
        return self.capacity - len(self.taken)


def plan_slots(nodes: Sequence[NodeRoom], quantity: int) -> list[tuple[int, int]] | None:
    """Pick `quantity` (node_id, slot) pairs, packing: nodes already in use first, fullest first,
    then fresh nodes smallest first — so whole nodes stay free for later requests and repairs."""
    order = sorted((n for n in nodes if n.free > 0), key=lambda n: (0 if n.taken else 1, n.free, n.node_id))
    picked: list[tuple[int, int]] = []
    for node in order:
        for slot in range(node.capacity):
            if len(picked) == quantity:
                return picked
            if slot not in node.taken:
                picked.append((node.node_id, slot))
    return picked if len(picked) == quantity else None
