"""Node health and failure migration (SPEC R-4.3; DESIGN §4, I-2, I-3).

When a node fails or is drained, its MCUs go to `migrating` and are re-placed in the same tick:
a tightly-coupled group stays in its domain when there is room, else the whole group (its healthy
members too) moves to another tightly-coupled domain of the region; normal MCUs go anywhere in the
region's normal pool. Migration takes simulated time (MIGRATION_SECONDS); an MCU with nowhere to go
stays `migrating` with a reason and an ops alert — it is never dropped.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import DomainKind
from scheduler.capacity import domain_capacities
from scheduler.choices import ACTIVE_MCU_STATUSES, AlertSeverity, McuStatus, NodeStatus
from scheduler.models import Hold, Mcu, Node
from scheduler.placement import plan_domains
from scheduler.services import (
    _lock_region,
    alert_raise,
    alert_resolve,
    free_slots,
    node_set_status,
    record_mcu_transitions,
)

MIGRATION_SECONDS = 180  # checkpoint restore onto the new node
DEFAULT_REPAIR_HOURS = 8

WAITING = "waiting for capacity"
MOVING = "moving to a healthy node"


def _workloads():
    from scheduler import workloads  # workloads imports services; import late to keep modules small

    return workloads


# --- MCU moves ----------------------------------------------------------------------------------


def mcus_evacuate(node: Node, *, reason: str, now, actor=None) -> int:
    """Take every active MCU off `node`: they become `migrating` without a slot (keeping their domain,
    so a tightly-coupled group knows where it belongs)."""
    mcus = list(Mcu.objects.filter(node=node, status__in=ACTIVE_MCU_STATUSES))
    if not mcus:
        return 0
    record_mcu_transitions(mcus, lambda m: m.status, McuStatus.MIGRATING, reason, now, actor)
    Mcu.objects.filter(pk__in=[m.pk for m in mcus]).update(
        status=McuStatus.MIGRATING,
        status_reason=reason[:200],
        status_since=now,
        node=None,
        slot=None,
        ready_at=None,
    )
    _workloads().workloads_mark_recovering(mcu_ids=[m.pk for m in mcus], now=now)
    return len(mcus)


def _place(mcus: list[Mcu], domain_id: int, now) -> bool:
    slots = free_slots(domain_id, len(mcus))
    if slots is None:
        return False
    moving = [m for m in mcus if m.status != McuStatus.MIGRATING]
    record_mcu_transitions(
        moving, lambda m: m.status, McuStatus.MIGRATING, "group moves to another domain", now
    )
    ready = now + dt.timedelta(seconds=MIGRATION_SECONDS)
    # Free the old slots first so a move inside the same domain never collides with itself.
    Mcu.objects.filter(pk__in=[m.pk for m in mcus]).update(
        node=None, slot=None, status=McuStatus.MIGRATING, status_reason=MOVING
    )
    for mcu, (node_id, slot) in zip(mcus, slots, strict=True):
        mcu.node_id, mcu.slot, mcu.domain_id = node_id, slot, domain_id
        mcu.status, mcu.status_reason, mcu.ready_at = McuStatus.MIGRATING, MOVING, ready
        if mcu in moving:
            mcu.status_since = now
    Mcu.objects.bulk_update(
        mcus, ["node", "slot", "domain", "status", "status_reason", "ready_at", "status_since"]
    )
    record_mcu_transitions(
        [m for m in mcus if m not in moving],
        McuStatus.MIGRATING,
        McuStatus.MIGRATING,
        "re-placed on a healthy node",
        now,
    )
    _workloads().workloads_mark_recovering(mcu_ids=[m.pk for m in moving], now=now)
    return True


def mcus_replace(*, region_id: int, now=None, rehome: bool = True) -> dict:
    """Re-place every MCU of the region that waits without a slot. Returns counts. `rehome` also
    re-checks holds against capacity (needed after capacity was lost; the tick skips it otherwise)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_region(region_id)
        waiting = list(
            Mcu.objects.filter(region_id=region_id, status=McuStatus.MIGRATING, node__isnull=True).order_by(
                "allocation_id", "id"
            )
        )
        if not waiting:
            if rehome:
                holds_rehome(region_id=region_id, now=now)  # capacity may have shrunk under the holds
            return {"placed": 0, "waiting": 0}
        caps = {c.domain_id: c for c in domain_capacities(region=region_id, now=now)}
        free = {d: c.free for d, c in caps.items()}
        groups: dict[tuple, list[Mcu]] = defaultdict(list)
        for mcu in waiting:
            tc = mcu.domain_kind == DomainKind.TIGHTLY_COUPLED
            groups[(mcu.allocation_id, mcu.domain_kind, mcu.domain_id if tc else None)].append(mcu)
        placed = stuck = 0
        for (allocation_id, kind, domain_id), group in groups.items():
            ok = False
            if kind == DomainKind.TIGHTLY_COUPLED:
                if (
                    domain_id is not None
                    and free.get(domain_id, 0) >= len(group)
                    and _place(group, domain_id, now)
                ):
                    free[domain_id] -= len(group)
                    ok = True
                else:
                    members = list(
                        Mcu.objects.filter(
                            allocation_id=allocation_id,
                            domain_id=domain_id,
                            status__in=ACTIVE_MCU_STATUSES,
                            node__isnull=False,
                        )
                    )
                    whole = members + group
                    options = [(d, f) for d, f in free.items() if d != domain_id and caps[d].kind == kind]
                    plan = plan_domains(options, len(whole), may_span=False)
                    if plan and _place(whole, plan[0][0], now):
                        free[plan[0][0]] -= len(whole)
                        if domain_id is not None:
                            free[domain_id] = free.get(domain_id, 0) + len(members)
                        ok = True
            else:
                options = [(d, f) for d, f in free.items() if caps[d].kind == kind]
                plan = plan_domains(options, len(group), may_span=True)
                if plan:
                    ok = True
                    start = 0
                    for d, qty in plan:
                        ok = _place(group[start : start + qty], d, now) and ok
                        free[d] -= qty
                        start += qty
            if ok:
                placed += len(group)
                alert_resolve(key=f"no-capacity:{allocation_id}", now=now)
            else:
                stuck += len(group)
                Mcu.objects.filter(pk__in=[m.pk for m in group], node__isnull=True).exclude(
                    status_reason=WAITING
                ).update(status_reason=WAITING)
                alert_raise(
                    kind="no_capacity",
                    key=f"no-capacity:{allocation_id}",
                    message=_("%(n)d MCUs of allocation %(a)s wait for capacity in region %(r)s.")
                    % {"n": len(group), "a": allocation_id, "r": group[0].region_id},
                    region=group[0].region,
                    severity=AlertSeverity.CRITICAL,
                    now=now,
                )
        holds_rehome(region_id=region_id, now=now)
        return {"placed": placed, "waiting": stuck}


def holds_rehome(*, region_id: int, now) -> int:
    """After capacity was lost, move holds out of over-committed domains (I-1); alert when impossible."""
    caps = {c.domain_id: c for c in domain_capacities(region=region_id, now=now)}
    moved = 0
    for domain_id, cap in caps.items():
        excess = cap.allocated + cap.held - cap.capacity
        if excess <= 0:
            alert_resolve(key=f"hold-overcommit:{domain_id}", now=now)
            continue
        for hold in Hold.objects.filter(
            domain_id=domain_id, released_at__isnull=True, converted_at__isnull=True, expires_at__gt=now
        ).order_by("quantity", "id"):
            options = [(d, c.free) for d, c in caps.items() if d != domain_id and c.kind == cap.kind]
            plan = plan_domains(options, hold.quantity, may_span=False)
            if plan is None:
                continue
            target = plan[0][0]
            Hold.objects.filter(pk=hold.pk).update(domain_id=target)
            caps = {c.domain_id: c for c in domain_capacities(region=region_id, now=now)}
            moved += 1
            excess -= hold.quantity
            if excess <= 0:
                break
        if excess > 0:
            alert_raise(
                kind="hold_overcommitted",
                key=f"hold-overcommit:{domain_id}",
                message=_("Domain %(d)s holds more than its healthy capacity.") % {"d": cap.code},
                now=now,
            )
    return moved


def mcus_promote_ready(*, region_id: int, now=None) -> int:
    """Provisioning or migrating MCUs whose time has come become normal (or warning on a warning node)."""
    now = now or timezone.now()
    ready = list(
        Mcu.objects.filter(
            region_id=region_id,
            status__in=[McuStatus.PROVISIONING, McuStatus.MIGRATING],
            node__isnull=False,
            ready_at__lte=now,
        ).select_related("node")
    )
    if not ready:
        return 0
    for mcu in ready:
        to = McuStatus.WARNING if mcu.node.status == NodeStatus.WARNING else McuStatus.NORMAL
        reason = "migration complete" if mcu.status == McuStatus.MIGRATING else "ready"
        record_mcu_transitions([mcu], mcu.status, to, reason, now)
        mcu.status, mcu.status_reason, mcu.status_since, mcu.ready_at = to, reason, now, None
    Mcu.objects.bulk_update(ready, ["status", "status_reason", "status_since", "ready_at"])
    _workloads().workloads_sync_recovered(region_id=region_id, now=now)
    return len(ready)


def _mcus_follow_node(node: Node, now, *, to_warning: bool) -> None:
    src, dst = (McuStatus.NORMAL, McuStatus.WARNING) if to_warning else (McuStatus.WARNING, McuStatus.NORMAL)
    mcus = list(Mcu.objects.filter(node=node, status=src))
    if mcus:
        reason = "node shows early signs of a fault" if to_warning else "node healthy again"
        record_mcu_transitions(mcus, src, dst, reason, now)
        Mcu.objects.filter(pk__in=[m.pk for m in mcus]).update(
            status=dst, status_reason=reason, status_since=now
        )


# --- node operations (engine, ops admin, assets) ------------------------------------------------


def node_warn(*, node: Node, reason: str, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        node_set_status(node, NodeStatus.WARNING, reason=reason, now=now)
        _mcus_follow_node(node, now, to_warning=True)


def node_recover(*, node: Node, reason: str, now=None) -> None:
    """A warning cleared by itself (thermal excursion passed, errors stopped)."""
    now = now or timezone.now()
    with transaction.atomic():
        node_set_status(node, NodeStatus.HEALTHY, reason=reason, now=now)
        _mcus_follow_node(node, now, to_warning=False)


def node_fail(
    *, node: Node, reason: str, now=None, actor=None, repair_hours: float = DEFAULT_REPAIR_HOURS
) -> dict:
    """Declare a node failed: its MCUs migrate at once (R-4.3)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_region(node.domain.region_id)
        node.refresh_from_db()
        node_set_status(
            node,
            NodeStatus.FAILED,
            reason=reason,
            now=now,
            actor=actor,
            sim_state="crashed",
            repair_due=now + dt.timedelta(hours=repair_hours),
        )
        moved = mcus_evacuate(node, reason="node failure", now=now, actor=actor)
        alert_raise(
            kind="node_failed",
            key=f"node-failed:{node.pk}",
            message=f"{node.name}: {reason}",
            node=node,
            region=node.domain.region,
            now=now,
        )
        result = mcus_replace(region_id=node.domain.region_id, now=now)
    return {"evacuated": moved, **result}


def node_fail_now(*, node: Node, actor=None, reason: str = "failure injected by ops", now=None) -> dict:
    """Fault injection (ops admin, assets demo): the node dies now and is detected now."""
    if node.status == NodeStatus.FAILED:
        from scheduler.exceptions import InvalidTransition

        raise InvalidTransition(_("The node has already failed."))
    return node_fail(node=node, reason=reason, now=now, actor=actor)


def node_drain(*, node: Node, actor=None, reason: str = "drained for maintenance", now=None) -> dict:
    """Maintenance: move every MCU away; the node goes to maintenance once empty (the next tick)."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_region(node.domain.region_id)
        node.refresh_from_db()
        node_set_status(node, NodeStatus.DRAINING, reason=reason, now=now, actor=actor)
        moved = mcus_evacuate(node, reason="planned maintenance", now=now, actor=actor)
        result = mcus_replace(region_id=node.domain.region_id, now=now)
        if not Mcu.objects.filter(node=node, status__in=ACTIVE_MCU_STATUSES).exists():
            node_set_status(node, NodeStatus.MAINTENANCE, reason=reason, now=now, actor=actor)
    return {"evacuated": moved, **result}


def node_return_to_service(*, node: Node, actor=None, reason: str = "returned to service", now=None) -> dict:
    """A repaired or maintained node takes MCUs again; MCUs waiting for capacity get their chance."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_region(node.domain.region_id)
        node.refresh_from_db()
        node_set_status(
            node,
            NodeStatus.HEALTHY,
            reason=reason,
            now=now,
            actor=actor,
            sim_state="ok",
            sim_fail_at=None,
            repair_due=None,
            ecc_errors=0,
            last_heartbeat=now,
        )
        # A node returned from "warning" still carries its MCUs: they are healthy again too (I-2).
        _mcus_follow_node(node, now, to_warning=False)
        alert_resolve(key=f"node-failed:{node.pk}", now=now)
        return mcus_replace(region_id=node.domain.region_id, now=now)
