"""Holds and allocation against the hand-sized pool (tc-a 16, tc-b 32, tc-c 48, normal 24 MCUs)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.choices import DomainKind
from mcu_console.exceptions import Conflict
from scheduler import selectors, services
from scheduler.choices import McuStatus
from scheduler.exceptions import InsufficientCapacity, InvalidRequest
from scheduler.models import Hold, Mcu, Transition

TC, NORMAL = DomainKind.TIGHTLY_COUPLED, DomainKind.NORMAL


def later(days=7):
    return timezone.now() + dt.timedelta(days=days)


def allocate(org, pool, n, kind=TC, ref=None):
    return services.mcus_allocate(
        organization=org, region=pool.region, domain_kind=kind, quantity=n, reference=ref or f"t:{n}:{kind}"
    )


def domain_codes(allocation):
    return sorted(set(allocation.mcus.values_list("domain__code", flat=True)))


def test_insufficient_capacity_is_a_conflict():
    assert issubclass(InsufficientCapacity, Conflict)
    assert InsufficientCapacity("x").status == 409


def test_tightly_coupled_best_fit_and_packing(org, pool):
    a = allocate(org, pool, 8)
    assert domain_codes(a) == ["cn-test-tc-a"]  # the smallest domain that fits
    mcus = list(a.mcus.all())
    assert len(mcus) == 8 and len({m.node_id for m in mcus}) == 1  # one node filled, not eight opened
    assert all(m.status == McuStatus.PROVISIONING and m.ready_at for m in mcus)
    b = allocate(org, pool, 20)
    assert domain_codes(b) == ["cn-test-tc-b"]  # tc-a has 8 left; tc-b (32) is the best fit for 20
    assert Transition.objects.filter(mcu__allocation=b, to_status=McuStatus.PROVISIONING).count() == 20


def test_tightly_coupled_line_stays_in_one_domain_or_fails(org, pool):
    with pytest.raises(InsufficientCapacity) as err:
        allocate(org, pool, 49)
    assert err.value.details["available"] == 48
    assert Mcu.objects.count() == 0  # nothing half-written


def test_cluster_spans_as_few_domains_as_possible(org, pool):
    a = allocate(org, pool, 80)
    assert domain_codes(a) == ["cn-test-tc-b", "cn-test-tc-c"]  # 48 + 32
    assert a.mcus.filter(domain=pool.domains["tc-c"]).count() == 48


def test_normal_packs_and_spans_nodes(org, pool):
    a = allocate(org, pool, 12, NORMAL)
    per_node = sorted(a.mcus.values_list("node_id", flat=True))
    assert len(set(per_node)) == 2  # 8 + 4
    with pytest.raises(InsufficientCapacity):
        allocate(org, pool, 13, NORMAL, ref="too-many")


def test_allocation_is_idempotent_per_reference(org, pool):
    a = allocate(org, pool, 4, ref="order-line:1")
    b = allocate(org, pool, 4, ref="order-line:1")
    assert a.pk == b.pk and Mcu.objects.count() == 4


def test_reference_of_another_org_is_refused(org, other_org, pool):
    allocate(org, pool, 4, ref="order-line:1")
    with pytest.raises(Conflict):
        allocate(other_org, pool, 4, ref="order-line:1")


@pytest.mark.parametrize("bad", [0, -3, 2.5, "4", True])
def test_bad_quantity_is_invalid_input(org, pool, bad):
    with pytest.raises(InvalidRequest):
        allocate(org, pool, bad)


def test_hold_pins_capacity_and_converts(org, other_org, pool):
    holds = services.holds_place(
        organization=org,
        region=pool.region,
        domain_kind=TC,
        quantity=40,
        reference="order-line:7",
        expires_at=later(),
    )
    assert [(h.domain.code, h.quantity) for h in holds] == [("cn-test-tc-c", 40)]
    # the other customer cannot take the held block
    with pytest.raises(InsufficientCapacity):
        allocate(other_org, pool, 40, ref="x")
    overview = {c.domain_kind: c for c in selectors.capacity_overview(region=pool.region)}
    assert overview[TC].held == 40 and overview[TC].largest_block == 32
    a = allocate(org, pool, 40, ref="order-line:7")
    assert domain_codes(a) == ["cn-test-tc-c"]
    assert Hold.objects.get(reference="order-line:7").converted_at is not None
    overview = {c.domain_kind: c for c in selectors.capacity_overview(region=pool.region)}
    assert (overview[TC].capacity, overview[TC].allocated, overview[TC].held, overview[TC].free) == (
        96,
        40,
        0,
        56,
    )


def test_hold_is_idempotent_and_releases(org, pool):
    args = dict(
        organization=org, region=pool.region, domain_kind=TC, quantity=10, reference="r", expires_at=later()
    )
    first = services.holds_place(**args)
    again = services.holds_place(**args)
    assert [h.pk for h in first] == [h.pk for h in again]
    assert services.holds_release(reference="r") == 1
    assert services.holds_release(reference="r") == 0
    assert selectors.orderable(region=pool.region, domain_kind=TC, quantity=48)


def test_expired_hold_no_longer_pins_and_extend_revives_only_with_room(org, other_org, pool):
    now = timezone.now()
    services.holds_place(
        organization=org,
        region=pool.region,
        domain_kind=TC,
        quantity=48,
        reference="h",
        expires_at=now + dt.timedelta(hours=1),
        now=now,
    )
    assert not selectors.orderable(region=pool.region, domain_kind=TC, quantity=48)
    Hold.objects.update(expires_at=now - dt.timedelta(minutes=1))
    assert selectors.orderable(region=pool.region, domain_kind=TC, quantity=48)
    allocate(other_org, pool, 48, ref="taker")
    with pytest.raises(InsufficientCapacity):
        services.holds_extend(reference="h", expires_at=later())
    assert Hold.objects.get(reference="h").expires_at < now  # unchanged


def test_extend_moves_expiry(org, pool):
    services.holds_place(
        organization=org,
        region=pool.region,
        domain_kind=NORMAL,
        quantity=5,
        reference="e",
        expires_at=later(1),
    )
    assert services.holds_extend(reference="e", expires_at=later(10)) == 1
    assert Hold.objects.get(reference="e").expires_at > later(9)


def test_allocation_ignores_stale_hold_plan(org, pool):
    """The held domain lost capacity: allocation takes free capacity elsewhere instead of failing."""
    services.holds_place(
        organization=org, region=pool.region, domain_kind=TC, quantity=10, reference="s", expires_at=later()
    )
    held_domain = Hold.objects.get(reference="s").domain
    assert held_domain.code == "cn-test-tc-a"
    for node in pool.nodes["tc-a"]:
        node.status = "maintenance"
        node.save()
    a = allocate(org, pool, 10, ref="s")
    assert domain_codes(a) == ["cn-test-tc-b"]


def test_release_frees_slots_and_stops_nothing_else(org, pool):
    allocate(org, pool, 16, ref="a")
    allocate(org, pool, 8, ref="b")
    assert services.mcus_release(reference="a") == 16
    assert services.mcus_release(reference="a") == 0
    assert Mcu.objects.filter(status=McuStatus.RELEASED).count() == 16
    assert Transition.objects.filter(to_status=McuStatus.RELEASED).count() == 16
    overview = {c.domain_kind: c for c in selectors.capacity_overview(region=pool.region)}
    assert overview[TC].allocated == 8
    # the freed slots are given again
    allocate(org, pool, 16, ref="c")


def test_database_refuses_a_slot_twice(org, pool):
    a = allocate(org, pool, 1)
    m = a.mcus.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mcu.objects.create(
            organization=org,
            allocation=a,
            region=pool.region,
            domain_kind=TC,
            domain=m.domain,
            node=m.node,
            slot=m.slot,
            status=McuStatus.NORMAL,
        )


def test_customer_selectors_hide_hardware(org, other_org, pool):
    allocate(org, pool, 4, NORMAL, ref="n")
    allocate(other_org, pool, 2, NORMAL, ref="o")
    mine = list(selectors.mcus_for_org(org))
    assert len(mine) == 4
    assert selectors.health_counts(org)[pool.region.pk][McuStatus.PROVISIONING] == 4
    events = selectors.events_for_org(org)
    assert len(events) == 4
    blob = repr(events)
    assert "cn-test-normal" not in blob and "TestGPU" not in blob and "-n0" not in blob
