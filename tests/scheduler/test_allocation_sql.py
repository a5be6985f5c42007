"""The allocation path's hand-written SQL (capacity read, slot search, bulk insert): same answers as the
ORM definitions, on PostgreSQL and SQLite alike, and a pinned number of queries per allocation."""

import random

from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from catalog.choices import DomainKind
from scheduler import services
from scheduler.capacity import allocation_room, domain_capacities
from scheduler.choices import ACTIVE_MCU_STATUSES, PLACEABLE_NODE_STATUSES, McuStatus, NodeStatus
from scheduler.invariants import violations
from scheduler.models import Hold, Mcu, Node, Transition
from scheduler.placement import NodeRoom, plan_slots
from tests.scheduler.conftest import build_pool

TC, NORMAL = DomainKind.TIGHTLY_COUPLED, DomainKind.NORMAL


def orm_free_slots(domain_id, quantity):
    """The ORM definition `free_slots` replaced: every room of the domain, packed by `plan_slots`."""
    rooms = [
        NodeRoom(node_id, capacity)
        for node_id, capacity, _ in Node.objects.filter(
            domain_id=domain_id, status__in=PLACEABLE_NODE_STATUSES
        )
        .annotate(used=Count("mcus", filter=Q(mcus__status__in=ACTIVE_MCU_STATUSES)))
        .filter(used__lt=F("mcu_capacity"))
        .values_list("id", "mcu_capacity", "used")
    ]
    by_id = {room.node_id: room for room in rooms}
    for node_id, slot in Mcu.objects.filter(node_id__in=by_id, status__in=ACTIVE_MCU_STATUSES).values_list(
        "node_id", "slot"
    ):
        by_id[node_id].taken.add(slot)
    return plan_slots(rooms, quantity)


def test_free_slots_matches_the_orm_definition_through_churn(org, pool):
    rng = random.Random(7)
    live = []
    # a node out of service offers no slots
    Node.objects.filter(pk=pool.nodes["tc-c"][1].pk).update(status=NodeStatus.FAILED)
    for i in range(60):
        if live and rng.random() < 0.4:
            services.mcus_release(reference=live.pop(rng.randrange(len(live))))
        kind = rng.choice([TC, NORMAL])
        try:
            services.mcus_allocate(
                organization=org,
                region=pool.region,
                domain_kind=kind,
                quantity=rng.choice([1, 2, 3, 5, 8]),
                reference=f"churn:{i}",
            )
            live.append(f"churn:{i}")
        except services.InsufficientCapacity:
            pass
        for domain in pool.domains.values():
            for qty in (1, 4, 9, 17, 60):
                assert services.free_slots(domain.pk, qty) == orm_free_slots(domain.pk, qty), (i, domain, qty)
    assert violations() == []


def test_allocation_room_matches_domain_capacities(org, other_org, pool):
    now = timezone.now()
    services.holds_place(
        organization=org,
        region=pool.region,
        domain_kind=TC,
        quantity=10,
        reference="line:1",
        expires_at=now + timezone.timedelta(days=7),
    )
    services.holds_place(
        organization=other_org,
        region=pool.region,
        domain_kind=TC,
        quantity=5,
        reference="line:2",
        expires_at=now + timezone.timedelta(days=7),
    )
    services.mcus_allocate(organization=org, region=pool.region, domain_kind=TC, quantity=7, reference="a")
    caps, mine = allocation_room(region_id=pool.region.pk, kind=TC, reference="line:1", now=now)
    assert caps == domain_capacities(region=pool.region, kind=TC, exclude_reference="line:1", now=now)
    held = Hold.objects.get(reference="line:1")
    assert mine == {held.domain_id: 10}


def test_large_allocation_is_written_in_batches_with_its_transitions(org):
    pool = build_pool(code="cn-big", sizes=(("tc-a", 20),), normal=1, slots=8)
    allocation = services.mcus_allocate(
        organization=org, region=pool.region, domain_kind=TC, quantity=150, reference="big"
    )
    mcus = list(allocation.mcus.all())
    assert len(mcus) == 150 and len({(m.node_id, m.slot) for m in mcus}) == 150
    assert {m.status for m in mcus} == {McuStatus.PROVISIONING}
    assert all(m.ready_at and m.public_id.startswith("mcu-") for m in mcus)
    assert len({m.public_id for m in mcus}) == 150
    transitions = Transition.objects.filter(mcu__allocation=allocation)
    assert transitions.count() == 150
    assert set(transitions.values_list("from_status", "to_status", "reason")) == {
        ("", McuStatus.PROVISIONING, "allocated for big")
    }


def test_queries_per_allocation_are_pinned(org, pool, django_assert_max_num_queries):
    """Was 11 (the ORM path). Savepoint, region lock, reference check, capacity + this reference's holds
    (one query), nodes ranked, taken slots of nodes in use, allocation row, MCUs + transitions (one
    statement on PostgreSQL, two elsewhere), savepoint release."""
    services.mcus_allocate(organization=org, region=pool.region, domain_kind=TC, quantity=4, reference="w")
    split_insert = 0 if connection.vendor == "postgresql" else 1
    with django_assert_max_num_queries(9 + split_insert):  # lands on the node "w" started
        services.mcus_allocate(
            organization=org, region=pool.region, domain_kind=TC, quantity=4, reference="x"
        )
    with django_assert_max_num_queries(8 + split_insert):  # fresh nodes: no taken slots to read
        services.mcus_allocate(
            organization=org, region=pool.region, domain_kind=NORMAL, quantity=8, reference="y"
        )
