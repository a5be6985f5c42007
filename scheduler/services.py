"""Every write to the pool: holds, allocation, release, node operations (docs/interfaces.md).

Concurrency: a service that places or pins capacity first locks the compute-domain rows of its region,
always in id order (`_lock_region`), so two allocations in one region queue instead of both seeing the
same free slot, and no two transactions can wait on each other in opposite orders (no deadlock). The
partial unique constraint `mcu_slot_taken_once` is the database's last word: a slot is never given twice.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import DomainKind
from scheduler.capacity import allocation_room, domain_capacities, open_holds, resolve_region
from scheduler.choices import (
    ACTIVE_MCU_STATUSES,
    PLACEABLE_NODE_STATUSES,
    AlertSeverity,
    McuStatus,
    NodeStatus,
    WorkloadStatus,
)
from scheduler.exceptions import InsufficientCapacity, InvalidRequest, InvalidTransition
from scheduler.models import (
    Alert,
    Allocation,
    ComputeDomain,
    Hold,
    Mcu,
    Node,
    Transition,
    Workload,
    _public_id,
)
from scheduler.placement import CLUSTER_MIN_MCUS, NodeRoom, plan_domains, plan_slots

PROVISION_SECONDS = 120  # a new MCU is ready two simulated minutes after allocation
MAX_REQUEST = 100_000


# --- helpers ------------------------------------------------------------------------------------


def _lock_region(region_id: int) -> list[int]:
    """Lock the region's domain rows in id order (the one lock order of the scheduler)."""
    return list(
        ComputeDomain.objects.select_for_update()
        .filter(region_id=region_id)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _validate(quantity, domain_kind) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidRequest(_("The quantity must be a positive whole number of MCUs."))
    if quantity > MAX_REQUEST:
        raise InvalidRequest(_("The quantity is too large."))
    if domain_kind not in DomainKind.values:
        raise InvalidRequest(_("Unknown scheduling domain."), details={"domain_kind": domain_kind})


def may_span(domain_kind: str, quantity: int) -> bool:
    """Normal capacity may come from several normal domains; tightly-coupled only for clusters (R-2.5)."""
    return domain_kind == DomainKind.NORMAL or quantity >= CLUSTER_MIN_MCUS


def _insufficient(region, domain_kind, quantity, caps) -> InsufficientCapacity:
    free = sum(c.free for c in caps)
    largest = max((c.free for c in caps), default=0)
    return InsufficientCapacity(
        _("Not enough capacity in %(region)s for %(n)d MCUs.") % {"region": region.name, "n": quantity},
        details={
            "region": region.code,
            "domain_kind": domain_kind,
            "requested": quantity,
            "available": free if may_span(domain_kind, quantity) else largest,
        },
    )


def record_mcu_transitions(mcus: Iterable[Mcu], from_status, to_status, reason, at, actor=None) -> None:
    Transition.objects.bulk_create(
        Transition(
            mcu=m,
            from_status=from_status if isinstance(from_status, str) else from_status(m),
            to_status=to_status,
            reason=reason[:200],
            at=at,
            actor=actor,
        )
        for m in mcus
    )


def _in(values) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def free_slots(domain_id: int, quantity: int) -> list[tuple[int, int]] | None:
    """`quantity` free (node, slot) pairs in one domain, packed; None if the domain has fewer.

    Packing order (as `plan_slots`): nodes already in use first, fullest first, then fresh nodes, ties
    by id. The database ranks the domain's nodes and returns only those needed (a running sum of free
    slots); the taken slots are read only for nodes that have some. At most two round trips, portable SQL.
    """
    node, mcu = Node._meta.db_table, Mcu._meta.db_table
    active, placeable = [str(s) for s in ACTIVE_MCU_STATUSES], [str(s) for s in PLACEABLE_NODE_STATUSES]
    rank = "CASE WHEN COUNT(m.id) > 0 THEN 0 ELSE 1 END, n.mcu_capacity - COUNT(m.id), n.id"
    sql = (
        f"SELECT node_id, cap, used FROM ("  # noqa: S608 (our table names, values bound)
        f" SELECT n.id AS node_id, n.mcu_capacity AS cap, COUNT(m.id) AS used,"
        f"  SUM(n.mcu_capacity - COUNT(m.id)) OVER (ORDER BY {rank} ROWS UNBOUNDED PRECEDING) AS upto"
        f" FROM {node} n LEFT JOIN {mcu} m ON m.node_id = n.id AND m.status IN {_in(active)}"
        f" WHERE n.domain_id = %s AND n.status IN {_in(placeable)}"
        f" GROUP BY n.id, n.mcu_capacity HAVING COUNT(m.id) < n.mcu_capacity"
        f") r WHERE upto - (cap - used) < %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*active, domain_id, *placeable, quantity])
        rows = cursor.fetchall()
        if sum(cap - used for _, cap, used in rows) < quantity:
            return None
        rooms = {node_id: NodeRoom(node_id, cap) for node_id, cap, _ in rows}
        used_ids = [node_id for node_id, _, used in rows if used]
        if used_ids:
            cursor.execute(
                f"SELECT node_id, slot FROM {mcu} "  # noqa: S608 (our table names, values bound)
                f"WHERE node_id IN {_in(used_ids)} AND status IN {_in(active)}",
                [*used_ids, *active],
            )
            for node_id, slot in cursor.fetchall():
                rooms[node_id].taken.add(slot)
    return plan_slots(list(rooms.values()), quantity)


_MCU_COLUMNS = (
    "public_id",
    "organization_id",
    "allocation_id",
    "region_id",
    "domain_kind",
    "domain_id",
    "node_id",
    "slot",
    "status",
    "status_reason",
    "status_since",
    "ready_at",
    "created_at",
)
_INSERT_BATCH = 1000  # MCU rows per INSERT, fewer where the backend caps parameters (SQLite: 999)


def _insert_new_mcus(*, allocation: Allocation, placed: list[tuple[int, int, int]], now, reference) -> None:
    """Insert the allocation's MCUs (provisioning) and their transitions with hand-written multi-row
    INSERTs: one statement per batch on PostgreSQL (a data-modifying CTE feeds the transitions), two
    elsewhere (INSERT … RETURNING id, then the transitions)."""
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    ready = ops.adapt_datetimefield_value(now + dt.timedelta(seconds=PROVISION_SECONDS))
    reason = f"allocated for {reference}"[:200]
    provisioning = str(McuStatus.PROVISIONING)
    mcu, transition = Mcu._meta.db_table, Transition._meta.db_table
    insert = f"INSERT INTO {mcu} ({', '.join(_MCU_COLUMNS)}) VALUES "  # noqa: S608 (our table names, values bound)
    row = "(" + ", ".join(["%s"] * len(_MCU_COLUMNS)) + ")"
    size = min(_INSERT_BATCH, (connection.features.max_query_params or 65_535) // len(_MCU_COLUMNS) - 1)
    for start in range(0, len(placed), size):
        batch = placed[start : start + size]
        params = []
        for domain_id, node_id, slot in batch:
            params += [
                _public_id(),
                allocation.organization_id,
                allocation.pk,
                allocation.region_id,
                str(allocation.domain_kind),
                domain_id,
                node_id,
                slot,
                provisioning,
                "allocated",
                at,
                ready,
                at,
            ]
        values = ", ".join([row] * len(batch))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"WITH ins AS ({insert}{values} RETURNING id) "  # noqa: S608 (our table names, values bound)
                    f"INSERT INTO {transition} (at, mcu_id, from_status, to_status, reason) "
                    f"SELECT %s, id, '', %s, %s FROM ins",
                    [*params, at, provisioning, reason],
                )
            else:
                cursor.execute(f"{insert}{values} RETURNING id", params)
                ids = [r[0] for r in cursor.fetchall()]
                cursor.execute(
                    f"INSERT INTO {transition} (at, mcu_id, from_status, to_status, reason) VALUES "  # noqa: S608 (our table names, values bound)
                    + ", ".join(["(%s, %s, '', %s, %s)"] * len(ids)),
                    [p for mcu_id in ids for p in (at, mcu_id, provisioning, reason)],
                )


# --- holds --------------------------------------------------------------------------------------


@transaction.atomic
def holds_place(
    *,
    organization,
    region,
    domain_kind: str,
    quantity: int,
    reference: str,
    expires_at: dt.datetime,
    now=None,
) -> list[Hold]:
    """Pin capacity for an order not yet delivered (R-3.3); a tightly-coupled hold sits in one domain,
    a cluster line (≥ 64) in as few domains as possible. Idempotent per reference."""
    _validate(quantity, domain_kind)
    region = resolve_region(region)
    now = now or timezone.now()
    if expires_at <= now:
        raise InvalidRequest(_("A hold must expire in the future."))
    _lock_region(region.pk)
    existing = list(open_holds(now).filter(reference=reference))
    if existing:
        return existing
    caps = domain_capacities(region=region, kind=domain_kind, now=now)
    parts = plan_domains(
        [(c.domain_id, c.free) for c in caps], quantity, may_span=may_span(domain_kind, quantity)
    )
    if parts is None:
        raise _insufficient(region, domain_kind, quantity, caps)
    return Hold.objects.bulk_create(
        Hold(
            organization=organization,
            domain_id=domain_id,
            quantity=qty,
            reference=reference,
            expires_at=expires_at,
            created_at=now,
        )
        for domain_id, qty in parts
    )


def holds_release(*, reference: str, now=None) -> int:
    """Give back what `reference` pins (order cancelled or expired). Returns holds released."""
    now = now or timezone.now()
    return Hold.objects.filter(
        reference=reference, released_at__isnull=True, converted_at__isnull=True
    ).update(released_at=now)


@transaction.atomic
def holds_extend(*, reference: str, expires_at: dt.datetime, now=None) -> int:
    """Move the expiry of `reference`'s holds (sales extends an order's hold). An already expired hold
    is only revived if its domain still has the room (I-1)."""
    now = now or timezone.now()
    if expires_at <= now:
        raise InvalidRequest(_("A hold must expire in the future."))
    holds = list(
        Hold.objects.filter(reference=reference, released_at__isnull=True, converted_at__isnull=True)
    )
    if not holds:
        return 0
    region_ids = sorted({h.domain.region_id for h in holds})
    for region_id in region_ids:
        _lock_region(region_id)
    lapsed = [h for h in holds if h.expires_at <= now]
    if lapsed:
        free = {c.domain_id: c.free for c in domain_capacities(exclude_reference=reference, now=now)}
        for hold in lapsed:
            if free.get(hold.domain_id, 0) < hold.quantity:
                raise InsufficientCapacity(
                    _("The hold has lapsed and its capacity was taken meanwhile."),
                    details={"reference": reference},
                )
    return Hold.objects.filter(pk__in=[h.pk for h in holds]).update(expires_at=expires_at)


# --- allocation ---------------------------------------------------------------------------------


@transaction.atomic
def mcus_allocate(
    *, organization, region, domain_kind: str, quantity: int, reference: str, now=None, single_domain=False
) -> Allocation:
    """Give `organization` `quantity` MCUs (R-2.5 placement); turns the holds of `reference` into MCUs,
    or takes free capacity if they are gone. Idempotent per reference. `single_domain` keeps even a
    large tightly-coupled request in one domain (a gang-placed training workload)."""
    _validate(quantity, domain_kind)
    region = resolve_region(region)
    now = now or timezone.now()
    _lock_region(region.pk)
    existing = Allocation.objects.filter(reference=reference).first()
    if existing is not None:
        if existing.organization_id != organization.pk or existing.released_at is not None:
            raise InvalidTransition(_("This reference was already used."), details={"reference": reference})
        return existing

    caps, mine = allocation_room(region_id=region.pk, kind=domain_kind, reference=reference, now=now)
    free = {c.domain_id: c.free for c in caps}
    parts = None
    if mine and sum(mine.values()) == quantity:
        planned = sorted(mine.items())
        if all(free.get(d, 0) >= q for d, q in planned):
            parts = planned
    if parts is None:
        span = may_span(domain_kind, quantity) and not (single_domain and domain_kind != DomainKind.NORMAL)
        parts = plan_domains(free.items(), quantity, may_span=span)
    if parts is None:
        raise _insufficient(region, domain_kind, quantity, caps)

    placed = []
    for domain_id, qty in parts:
        slots = free_slots(domain_id, qty)
        if slots is None:  # capacity said yes but the nodes disagree: refuse rather than oversell
            raise _insufficient(region, domain_kind, quantity, caps)
        placed.extend((domain_id, node_id, slot) for node_id, slot in slots)
    allocation = Allocation.objects.create(
        organization=organization,
        region=region,
        domain_kind=domain_kind,
        quantity=quantity,
        reference=reference,
        created_at=now,
    )
    _insert_new_mcus(allocation=allocation, placed=placed, now=now, reference=reference)
    if mine:
        open_holds(now).filter(reference=reference, domain_id__in=list(mine)).update(converted_at=now)
    return allocation


@transaction.atomic
def mcus_release(*, reference: str, now=None, reason: str = "released") -> int:
    """Give back the MCUs of `reference` (pool ended, pay-as-you-go task done). Returns MCUs released.
    Any of the reference's holds are released too; workloads still on those MCUs are stopped."""
    now = now or timezone.now()
    holds_release(reference=reference, now=now)
    allocation = Allocation.objects.filter(reference=reference).first()
    if allocation is None:
        return 0
    _lock_region(allocation.region_id)
    mcus = list(Mcu.objects.filter(allocation=allocation, status__in=ACTIVE_MCU_STATUSES))
    Workload.objects.filter(
        mcus__in=mcus, status__in=[WorkloadStatus.QUEUED, WorkloadStatus.RUNNING, WorkloadStatus.RECOVERING]
    ).update(status=WorkloadStatus.STOPPED, status_reason="MCUs released", ended_at=now)
    for m in mcus:
        record_mcu_transitions([m], m.status, McuStatus.RELEASED, reason, now)
    Mcu.objects.filter(pk__in=[m.pk for m in mcus]).update(
        status=McuStatus.RELEASED, status_reason=reason[:200], status_since=now, released_at=now
    )
    if allocation.released_at is None:
        allocation.released_at = now
        allocation.save(update_fields=["released_at"])
    return len(mcus)


# --- alerts -------------------------------------------------------------------------------------


def alert_raise(
    *, kind: str, key: str, message: str, region=None, node=None, severity=AlertSeverity.WARNING, now=None
):
    """One open alert per key: raising it again changes nothing."""
    alert = Alert.objects.filter(key=key, resolved_at__isnull=True).first()
    if alert is None:
        alert = Alert.objects.create(
            kind=kind,
            key=key,
            message=message[:300],
            region=region,
            node=node,
            severity=severity,
            created_at=now or timezone.now(),
        )
    return alert


def alert_resolve(*, key: str, now=None) -> int:
    return Alert.objects.filter(key=key, resolved_at__isnull=True).update(resolved_at=now or timezone.now())


# --- node status --------------------------------------------------------------------------------

NODE_TRANSITIONS = {
    NodeStatus.HEALTHY: {NodeStatus.WARNING, NodeStatus.FAILED, NodeStatus.DRAINING},
    NodeStatus.WARNING: {NodeStatus.HEALTHY, NodeStatus.FAILED, NodeStatus.DRAINING},
    NodeStatus.FAILED: {NodeStatus.HEALTHY, NodeStatus.MAINTENANCE},
    NodeStatus.DRAINING: {NodeStatus.MAINTENANCE, NodeStatus.FAILED, NodeStatus.HEALTHY},
    NodeStatus.MAINTENANCE: {NodeStatus.HEALTHY, NodeStatus.FAILED},
}


def node_set_status(node: Node, to_status: str, *, reason: str, now, actor=None, **fields) -> None:
    """Move a node (guarded by NODE_TRANSITIONS) and record the transition (I-5)."""
    if to_status == node.status:
        return
    if to_status not in NODE_TRANSITIONS[NodeStatus(node.status)]:
        raise InvalidTransition(
            _("A node cannot go from %(a)s to %(b)s.") % {"a": node.status, "b": to_status},
            details={"node": node.pk},
        )
    Transition.objects.create(
        node=node, from_status=node.status, to_status=to_status, reason=reason[:200], at=now, actor=actor
    )
    node.status, node.status_reason, node.status_since = to_status, reason[:200], now
    for name, value in fields.items():
        setattr(node, name, value)
    node.save(update_fields=["status", "status_reason", "status_since", *fields])
