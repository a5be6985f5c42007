"""Workloads (gang placement, I-3; pay-as-you-go ceiling, R-5.5) and metering (R-5.1, R-5.2)."""

import datetime as dt
from decimal import Decimal

import pytest

from catalog.choices import DomainKind
from scheduler import services, workloads
from scheduler.choices import WorkloadKind, WorkloadStatus
from scheduler.engine.profiles import utilisation
from scheduler.exceptions import InsufficientCapacity, InvalidRequest, InvalidTransition
from scheduler.models import Mcu, UsageHour
from scheduler.usage import usage_record, weighted_hours

TC, NORMAL = DomainKind.TIGHTLY_COUPLED, DomainKind.NORMAL
T0 = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def give(org, pool, n, kind=TC, ref="pool", now=T0):
    return services.mcus_allocate(
        organization=org, region=pool.region, domain_kind=kind, quantity=n, reference=ref, now=now
    )


def submit(org, pool, n, kind=WorkloadKind.TRAINING, now=T0, **kw):
    return workloads.workload_submit(
        organization=org, name=f"job {n}", kind=kind, region=pool.region, mcu_count=n, now=now, **kw
    )


def test_weighted_hours_hand_computed():
    assert weighted_hours(WorkloadKind.TRAINING, 3600) == Decimal("1.5000")  # the example
    assert weighted_hours(WorkloadKind.INFERENCE, 3600) == Decimal("1.0000")
    assert weighted_hours(WorkloadKind.DEVELOPMENT, 1800) == Decimal("0.4000")
    assert weighted_hours(WorkloadKind.DATA_PROCESSING, 600) == Decimal("0.1000")
    assert weighted_hours("", 3600) == Decimal("1.0000")  # idle allocated time counts at 1.0


def test_training_gang_sits_in_one_tightly_coupled_domain(org, pool):
    give(org, pool, 8, ref="a")  # tc-a
    give(org, pool, 20, ref="b")  # tc-b
    w = submit(org, pool, 12)
    assert w.status == WorkloadStatus.RUNNING and w.tightly_coupled
    assert w.mcus.values("domain").distinct().count() == 1
    assert w.mcus.first().domain.code == "cn-test-tc-b"  # only tc-b has 12 of the org's MCUs
    # 8 left in tc-a and 8 in tc-b, 16 in all: a 10-MCU training gang cannot start now → queued
    queued = submit(org, pool, 10)
    assert queued.status == WorkloadStatus.QUEUED and queued.mcus.count() == 0
    # more than the org owns at all is refused outright
    with pytest.raises(InsufficientCapacity):
        submit(org, pool, 29)
    workloads.workload_stop(workload=w)
    assert workloads.workloads_advance(region_id=pool.region.pk, now=T0)["started"] == 1
    queued.refresh_from_db()
    assert queued.status == WorkloadStatus.RUNNING and queued.mcus.values("domain").distinct().count() == 1


def test_inference_may_use_any_free_mcus_and_never_shares_them(org, other_org, pool):
    give(org, pool, 4, NORMAL, ref="n")
    give(other_org, pool, 4, NORMAL, ref="o")
    a = submit(org, pool, 3, WorkloadKind.INFERENCE)
    b = submit(org, pool, 2, WorkloadKind.INFERENCE)
    assert a.status == WorkloadStatus.RUNNING and b.status == WorkloadStatus.QUEUED
    assert set(a.mcus.values_list("organization", flat=True)) == {org.pk}


def test_bad_input_is_refused(org, pool):
    give(org, pool, 4, NORMAL, ref="n")
    for kw in ({"name": ""}, {"kind": "mining"}, {"mcu_count": 0}):
        args = (
            dict(organization=org, name="x", kind=WorkloadKind.INFERENCE, region=pool.region, mcu_count=1)
            | kw
        )
        with pytest.raises(InvalidRequest):
            workloads.workload_submit(**args)


def test_payg_allocates_up_to_ceiling_and_releases(org, pool):
    w = submit(org, pool, 4, WorkloadKind.INFERENCE, payg=True, payg_ceiling=6)
    assert (
        w.status == WorkloadStatus.RUNNING
        and Mcu.objects.filter(allocation__reference=f"workload:{w.pk}").count() == 4
    )
    with pytest.raises(InsufficientCapacity):
        submit(org, pool, 3, WorkloadKind.INFERENCE, payg=True, payg_ceiling=6)
    with pytest.raises(InvalidRequest):
        submit(org, pool, 1, WorkloadKind.INFERENCE, payg=True)
    workloads.workload_stop(workload=w, now=T0 + dt.timedelta(hours=2))
    assert not Mcu.objects.filter(
        allocation__reference=f"workload:{w.pk}", status__in=["provisioning", "normal"]
    ).exists()
    with pytest.raises(InvalidTransition):
        workloads.workload_stop(workload=w)


def test_payg_training_gang_cannot_exceed_one_domain(org, pool):
    with pytest.raises(InsufficientCapacity):  # largest domain is 48; a training gang never spans
        submit(org, pool, 64, payg=True, payg_ceiling=100)


def test_usage_hand_computed(org, pool):
    """One MCU from 10:00; a training task on it 10:15–12:15 (planned 2 h)."""
    give(org, pool, 1, ref="one")
    w = submit(org, pool, 1, now=T0 + dt.timedelta(minutes=15), duration_hours=2)
    assert w.status == WorkloadStatus.RUNNING
    workloads.workloads_advance(region_id=pool.region.pk, now=T0 + dt.timedelta(hours=3))
    w.refresh_from_db()
    assert w.status == WorkloadStatus.COMPLETED and w.ended_at == T0 + dt.timedelta(hours=2, minutes=15)
    usage_record(region_id=pool.region.pk, start=T0, end=T0 + dt.timedelta(hours=3))
    got = {
        (u.hour.hour, u.workload_kind): (u.allocated_seconds, u.weighted_mcu_hours)
        for u in UsageHour.objects.all()
    }
    assert got == {
        (10, "training"): (2700, Decimal("1.1250")),
        (10, ""): (900, Decimal("0.2500")),
        (11, "training"): (3600, Decimal("1.5000")),
        (12, "training"): (900, Decimal("0.3750")),
        (12, ""): (2700, Decimal("0.7500")),
    }
    busy = UsageHour.objects.get(hour=T0 + dt.timedelta(hours=1), workload_kind="training").busy_seconds
    assert busy == round(3600 * utilisation("training", T0 + dt.timedelta(hours=1), w.pk))
    # recording again changes nothing (I-7)
    usage_record(region_id=pool.region.pk, start=T0, end=T0 + dt.timedelta(hours=3))
    assert UsageHour.objects.count() == 5
    assert sum(u.weighted_mcu_hours for u in UsageHour.objects.all()) == Decimal("4.0000")


def test_partial_hour_then_complete(org, pool):
    give(org, pool, 2, NORMAL, ref="n")
    usage_record(region_id=pool.region.pk, start=T0, end=T0 + dt.timedelta(minutes=20))
    assert {u.allocated_seconds for u in UsageHour.objects.all()} == {1200}
    usage_record(region_id=pool.region.pk, start=T0, end=T0 + dt.timedelta(hours=1))
    assert {u.allocated_seconds for u in UsageHour.objects.all()} == {3600}
    assert UsageHour.objects.count() == 2


def test_released_mcu_stops_counting(org, pool):
    give(org, pool, 1, NORMAL, ref="n")
    services.mcus_release(reference="n", now=T0 + dt.timedelta(minutes=30))
    usage_record(region_id=pool.region.pk, start=T0, end=T0 + dt.timedelta(hours=2))
    assert [(u.hour, u.allocated_seconds) for u in UsageHour.objects.all()] == [(T0, 1800)]


def test_profiles_look_like_their_kind():
    hours = [T0 + dt.timedelta(hours=h) for h in range(24 * 7)]
    mean = {k: sum(utilisation(k, h, 1) for h in hours) / len(hours) for k in WorkloadKind.values}
    assert mean["training"] > 0.85
    assert mean["development"] < 0.45
    # inference follows the day in Asia/Shanghai: 14:00 local busier than 04:00 local
    day = [utilisation("inference", dt.datetime(2026, 11, d, 6, tzinfo=dt.UTC), 1) for d in range(1, 8)]
    night = [utilisation("inference", dt.datetime(2026, 11, d, 20, tzinfo=dt.UTC), 1) for d in range(1, 8)]
    assert min(day) > max(night)
    assert all(0 <= utilisation(k, h, 3) <= 1 for k in WorkloadKind.values for h in hours)


def test_usage_for_org_groups_by_local_day_and_kind(org, other_org, pool):
    from scheduler.selectors import usage_for_org

    # 15:00 UTC = 23:00 Asia/Shanghai: the first hour belongs to Nov 2 locally, the next ones to Nov 3
    start = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
    give(org, pool, 2, NORMAL, ref="n", now=start)
    give(other_org, pool, 1, NORMAL, ref="o", now=start)
    submit(org, pool, 1, WorkloadKind.INFERENCE, now=start + dt.timedelta(hours=1), duration_hours=1)
    workloads.workloads_advance(region_id=pool.region.pk, now=start + dt.timedelta(hours=3))
    usage_record(region_id=pool.region.pk, start=start, end=start + dt.timedelta(hours=3))
    rows = usage_for_org(org, start=start, end=start + dt.timedelta(hours=3))
    got = {(r["period"].date().isoformat(), r["workload_kind"]): r["weighted_mcu_hours"] for r in rows}
    # Nov 2 (local): 2 MCUs idle 1 h = 2.0; Nov 3: 1 MCU inference 1 h (1.0) + idle 3 MCU·h (3.0)
    assert got == {
        ("2026-11-02", ""): Decimal("2.0000"),
        ("2026-11-03", ""): Decimal("3.0000"),
        ("2026-11-03", "inference"): Decimal("1.0000"),
    }
    hourly = usage_for_org(
        org, start=start, end=start + dt.timedelta(hours=3), granularity="hour", by_kind=False
    )
    assert [r["allocated_hours"] for r in hourly] == [Decimal(2), Decimal(2), Decimal(2)]
    by_region = usage_for_org(
        other_org, start=start, end=start + dt.timedelta(hours=3), by_kind=False, by_region=True
    )
    assert sum(r["weighted_mcu_hours"] for r in by_region) == Decimal("3.0000")  # the other tenant's own only
    assert all(r["region_id"] == pool.region.pk for r in by_region)
