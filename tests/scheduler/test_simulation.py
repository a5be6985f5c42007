"""Health, failure migration and the tick on the database (R-4.3; DESIGN I-1..I-3, I-5, I-7)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.choices import DomainKind
from scheduler import health, invariants, services, simulation, tasks, workloads
from scheduler.choices import McuStatus, NodeStatus, WorkloadKind, WorkloadStatus
from scheduler.engine.core import FaultParams
from scheduler.exceptions import InvalidTransition
from scheduler.models import Alert, Mcu, Node, SimulationClock, Transition, UsageHour
from tests.factories import make_staff

TC, NORMAL = DomainKind.TIGHTLY_COUPLED, DomainKind.NORMAL


def give(org, pool, n, kind=TC, ref="line"):
    return services.mcus_allocate(
        organization=org, region=pool.region, domain_kind=kind, quantity=n, reference=ref
    )


def test_fail_now_migrates_within_the_domain(org, pool):
    a = give(org, pool, 12)  # tc-b: fills one node (8) and 4 on a second
    node = Node.objects.get(pk=a.mcus.first().node_id)
    on_node = set(Mcu.objects.filter(node=node).values_list("pk", flat=True))
    ops = make_staff("ops")
    result = health.node_fail_now(node=node, actor=ops)
    assert result["evacuated"] == len(on_node) and result["placed"] == len(on_node) and result["waiting"] == 0
    node.refresh_from_db()
    assert node.status == NodeStatus.FAILED and node.repair_due
    moved = Mcu.objects.filter(pk__in=on_node)
    assert all(m.status == McuStatus.MIGRATING and m.node_id != node.pk and m.ready_at for m in moved)
    assert set(a.mcus.values_list("domain__code", flat=True)) == {"cn-test-tc-b"}
    assert Transition.objects.filter(node=node, to_status=NodeStatus.FAILED, actor=ops).exists()
    assert Alert.objects.filter(kind="node_failed", node=node, resolved_at__isnull=True).exists()
    assert invariants.violations() == []
    with pytest.raises(InvalidTransition):
        health.node_fail_now(node=node)
    # migration takes simulated time, then the MCUs run normally again
    later = timezone.now() + dt.timedelta(seconds=health.MIGRATION_SECONDS + 1)
    assert health.mcus_promote_ready(region_id=pool.region.pk, now=later) == 12
    assert set(a.mcus.values_list("status", flat=True)) == {McuStatus.NORMAL}


def test_group_moves_whole_when_its_domain_is_full(org, other_org, pool):
    a = give(org, pool, 16)  # tc-a, full
    node = Node.objects.get(pk=a.mcus.first().node_id)
    health.node_fail_now(node=node)
    # tc-a has no room left: all 16 move to the best-fitting other domain (tc-b, 32)
    assert set(a.mcus.values_list("domain__code", flat=True)) == {"cn-test-tc-b"}
    assert set(a.mcus.values_list("status", flat=True)) == {McuStatus.MIGRATING}
    assert invariants.violations() == []


def test_no_capacity_anywhere_waits_with_reason_and_alert(org, other_org, pool):
    a = give(org, pool, 16, ref="a")  # tc-a
    give(other_org, pool, 32, ref="b")  # tc-b
    give(other_org, pool, 48, ref="c")  # tc-c
    node = Node.objects.get(pk=a.mcus.first().node_id)
    result = health.node_fail_now(node=node)
    assert result["waiting"] == 8
    waiting = Mcu.objects.filter(allocation=a, node__isnull=True)
    assert waiting.count() == 8 and set(waiting.values_list("status_reason", flat=True)) == {health.WAITING}
    alert = Alert.objects.get(kind="no_capacity", resolved_at__isnull=True)
    assert invariants.violations() == []
    # the node comes back: the waiting MCUs are placed and the alert resolves
    health.node_return_to_service(node=node)
    assert not Mcu.objects.filter(allocation=a, node__isnull=True).exists()
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_drain_empties_the_node_into_maintenance(org, pool):
    a = give(org, pool, 6, NORMAL)
    node = Node.objects.get(pk=a.mcus.first().node_id)
    health.node_drain(node=node)
    node.refresh_from_db()
    assert node.status == NodeStatus.MAINTENANCE
    assert not Mcu.objects.filter(node=node).exists()
    assert a.mcus.filter(status=McuStatus.MIGRATING, node__isnull=False).count() == 6
    health.node_return_to_service(node=node)
    node.refresh_from_db()
    assert node.status == NodeStatus.HEALTHY
    assert list(Transition.objects.filter(node=node).order_by("id").values_list("to_status", flat=True)) == [
        NodeStatus.DRAINING,
        NodeStatus.MAINTENANCE,
        NodeStatus.HEALTHY,
    ]


def test_warning_follows_the_node_and_workload_recovers(org, pool):
    a = give(org, pool, 8)
    now = timezone.now() + dt.timedelta(minutes=5)
    health.mcus_promote_ready(region_id=pool.region.pk, now=now)
    w = workloads.workload_submit(
        organization=org, name="t", kind=WorkloadKind.TRAINING, region=pool.region, mcu_count=8
    )
    node = Node.objects.get(pk=a.mcus.first().node_id)
    health.node_warn(node=node, reason="ECC errors")
    assert set(a.mcus.values_list("status", flat=True)) == {McuStatus.WARNING}
    health.node_fail(node=node, reason="crash", now=now)
    w.refresh_from_db()
    assert w.status == WorkloadStatus.RECOVERING
    health.mcus_promote_ready(region_id=pool.region.pk, now=now + dt.timedelta(hours=1))
    w.refresh_from_db()
    assert w.status == WorkloadStatus.RUNNING


def test_region_tick_is_claimed_once(org, pool):
    give(org, pool, 4, NORMAL)
    tick = simulation.tick_number(timezone.now())
    first = simulation.region_tick(region_id=pool.region.pk, tick=tick)
    assert first is not None and first["promoted"] == 0
    before = (
        Transition.objects.count(),
        UsageHour.objects.count(),
        list(Node.objects.values_list("last_heartbeat", flat=True)),
    )
    assert simulation.region_tick(region_id=pool.region.pk, tick=tick) is None  # again: nothing
    assert simulation.region_tick(region_id=pool.region.pk, tick=tick - 1) is None  # late: nothing
    after = (
        Transition.objects.count(),
        UsageHour.objects.count(),
        list(Node.objects.values_list("last_heartbeat", flat=True)),
    )
    assert before == after


def test_beat_task_fans_out_one_task_per_region(pool, django_capture_on_commit_callbacks):
    from tests.scheduler.conftest import build_pool

    build_pool(code="cn-test2")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert tasks.tick() == 2
    assert len(callbacks) == 2
    assert SimulationClock.objects.filter(key__startswith="region:").count() == 2
    assert tasks.tick() == 0  # the same tick again is a no-op


def test_failure_detected_from_heartbeats_and_replaced_in_the_same_tick(org, pool):
    a = give(org, pool, 8)
    node = Node.objects.get(pk=a.mcus.first().node_id)
    base = simulation.tick_number(timezone.now()) + 10
    quiet = FaultParams(scale=0)
    simulation.region_tick(region_id=pool.region.pk, tick=base, params=quiet)
    Node.objects.filter(pk=node.pk).update(sim_state="crashed")  # dies silently after this heartbeat
    r1 = simulation.region_tick(region_id=pool.region.pk, tick=base + 1, params=quiet)
    assert r1["detect"] == 0  # one missed heartbeat is not yet a failure
    r2 = simulation.region_tick(region_id=pool.region.pk, tick=base + 2, params=quiet)
    assert r2["detect"] == 1 and r2["placed"] == 8 and r2["waiting"] == 0
    assert not Mcu.objects.filter(node=node, status__in=["normal", "migrating"]).exists()
    assert invariants.violations() == []


def test_backfill_writes_history_once(org, pool):
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    services.mcus_allocate(
        organization=org,
        region=pool.region,
        domain_kind=NORMAL,
        quantity=3,
        reference="old",
        now=now - dt.timedelta(days=2),
    )
    totals = simulation.backfill(days=1, now=now, params=FaultParams(scale=50))
    assert totals["ticks"] == 24 * 12
    hours = UsageHour.objects.filter(workload_kind="").values_list("hour", flat=True).distinct().count()
    assert hours == 24
    assert sum(UsageHour.objects.values_list("allocated_seconds", flat=True)) == 3 * 24 * 3600
    again = simulation.backfill(days=1, now=now)
    assert again["ticks"] == 0
    assert invariants.violations() == []


def test_commands_run(pool, capsys):
    call_command("backfill", "--days", "0.1")
    call_command("simulate", "--ticks", "1")
    out = capsys.readouterr().out
    assert "backfill of 0.1 days done" in out and "tick " in out


def test_failure_under_a_hold_moves_the_hold_or_alerts(org, pool):
    """Found by the property test: a node failing under a hold must not leave held > capacity silently."""
    now = timezone.now()
    services.holds_place(
        organization=org,
        region=pool.region,
        domain_kind=TC,
        quantity=30,
        reference="h",
        expires_at=now + dt.timedelta(days=7),
        now=now,
    )
    assert services.Hold.objects.get(reference="h").domain.code == "cn-test-tc-b"  # best fit (32)
    health.node_fail_now(node=pool.nodes["tc-b"][0], now=now)
    assert services.Hold.objects.get(reference="h").domain.code == "cn-test-tc-c"  # moved to room
    assert invariants.violations(now=now) == []
    for node in pool.nodes["tc-c"][:3]:  # now no domain can take 30: an ops alert, not silence
        health.node_fail_now(node=node, now=now)
    assert Alert.objects.filter(kind="hold_overcommitted", resolved_at__isnull=True).exists()
    assert invariants.violations(now=now) == []
