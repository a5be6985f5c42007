"""The pool's invariants (DESIGN I-1, I-2, I-3) as a check that lists violations — used by the
property tests after every tick, and handy for ops (`manage.py shell`)."""

from collections import defaultdict

from catalog.choices import DomainKind
from scheduler.capacity import domain_capacities
from scheduler.choices import ACTIVE_MCU_STATUSES, McuStatus, NodeStatus
from scheduler.models import Alert, Mcu
from scheduler.placement import CLUSTER_MIN_MCUS


def violations(now=None) -> list[str]:
    out = []
    overcommit_alerts = set(
        Alert.objects.filter(kind="hold_overcommitted", resolved_at__isnull=True).values_list(
            "key", flat=True
        )
    )
    # I-1: healthy capacity ≥ allocated + held (holds may exceed it only with an open ops alert)
    for cap in domain_capacities(now=now):
        if cap.allocated > cap.capacity:
            out.append(f"I-1 {cap.code}: allocated {cap.allocated} > capacity {cap.capacity}")
        elif (
            cap.allocated + cap.held > cap.capacity
            and f"hold-overcommit:{cap.domain_id}" not in overcommit_alerts
        ):
            out.append(
                f"I-1 {cap.code}: allocated {cap.allocated} + held {cap.held} > capacity {cap.capacity}"
            )
    # I-2: every active MCU is on exactly one placeable node, or migrating/provisioning with a reason
    groups = defaultdict(set)
    slots = set()
    for m in Mcu.objects.filter(status__in=ACTIVE_MCU_STATUSES).select_related("node", "allocation"):
        if m.node_id is not None:
            if (m.node_id, m.slot) in slots:
                out.append(f"I-2 {m.public_id}: slot given twice")
            slots.add((m.node_id, m.slot))
            if m.node.status not in (NodeStatus.HEALTHY, NodeStatus.WARNING):
                out.append(f"I-2 {m.public_id}: on a {m.node.status} node")
            if m.slot is None or not 0 <= m.slot < m.node.mcu_capacity:
                out.append(f"I-2 {m.public_id}: slot {m.slot} outside the node")
            if m.domain_id != m.node.domain_id:
                out.append(f"I-2 {m.public_id}: domain differs from its node's")
            if m.status == McuStatus.NORMAL and m.node.status != NodeStatus.HEALTHY:
                out.append(f"I-2 {m.public_id}: normal on a {m.node.status} node")
            if m.status == McuStatus.WARNING and m.node.status != NodeStatus.WARNING:
                out.append(f"I-2 {m.public_id}: warning on a {m.node.status} node")
        elif m.status != McuStatus.MIGRATING:
            out.append(f"I-2 {m.public_id}: {m.status} without a node")
        if m.status in (McuStatus.MIGRATING, McuStatus.PROVISIONING) and not m.status_reason:
            out.append(f"I-2 {m.public_id}: {m.status} without a reason")
        if m.domain_kind == DomainKind.TIGHTLY_COUPLED and m.allocation.quantity < CLUSTER_MIN_MCUS:
            groups[m.allocation_id].add(m.domain_id)
    # I-3: a tightly-coupled line (below cluster size) sits in one domain
    for allocation_id, domains in groups.items():
        if len(domains) > 1:
            out.append(f"I-3 allocation {allocation_id}: spans domains {sorted(d for d in domains if d)}")
    return out
