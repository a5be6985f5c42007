"""The dashboard's figures, hand-computed (SPEC R-3.5, R-5.2, R-5.3, R-5.5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets import selectors
from assets.selectors import PoolState, pool_hours_in_month, pool_state
from catalog.choices import DomainKind, SalesForm
from mcu_console.timeutil import local_today, month_bounds, start_of_local_day
from scheduler.choices import McuStatus, WorkloadKind, WorkloadStatus
from scheduler.models import Transition
from tests.assets import builders as b

TODAY = dt.date(2026, 12, 4)


class _Pool:
    def __init__(self, starts_on, ends_on):
        self.starts_on, self.ends_on = starts_on, ends_on


def test_pool_state_by_date():
    p = _Pool(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert pool_state(p, dt.date(2025, 12, 31)) == PoolState.UPCOMING
    assert pool_state(p, dt.date(2026, 6, 1)) == PoolState.ACTIVE
    assert pool_state(p, dt.date(2026, 12, 1)) == PoolState.EXPIRING  # 30 days left
    assert pool_state(p, dt.date(2026, 12, 31)) == PoolState.EXPIRING  # last day still in service
    assert pool_state(p, dt.date(2027, 1, 1)) == PoolState.EXPIRED
    assert pool_state(_Pool(dt.date(2026, 1, 1), None), dt.date(2030, 1, 1)) == PoolState.ACTIVE


def test_pool_hours_in_month_prorates_first_and_last_month():
    p = _Pool(dt.date(2026, 12, 15), dt.date(2027, 12, 14))
    assert pool_hours_in_month(p, 2026, 12) == 17 * 24  # 15..31 December
    assert pool_hours_in_month(p, 2027, 2) == 28 * 24
    assert pool_hours_in_month(p, 2027, 12) == 14 * 24
    assert pool_hours_in_month(p, 2026, 11) == 0
    assert pool_hours_in_month(p, 2028, 1) == 0


@given(
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
)
def test_pool_hours_over_all_months_equal_the_term(start, length):
    """Property: the month-by-month pool hours add up to the whole term, day for day."""
    p = _Pool(start, start + dt.timedelta(days=length))
    total, y, m = 0, start.year, start.month
    while (y, m) <= (p.ends_on.year, p.ends_on.month):
        total += pool_hours_in_month(p, y, m)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert total == (length + 1) * 24


@pytest.fixture
def world(org, other_org):
    """alice's org: 8 MCUs in Hangzhou (annual pool, 2 warning) and 4 in Beijing (monthly pool, 1 migrating);
    a training task on 3 Hangzhou MCUs. The other org has MCUs and usage that must never count."""
    hz = b.region()
    bj = b.region("cn-beijing", "华北-北京", sort_order=2)
    hz_pool = b.pool(org, hz, 8, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    bj_pool = b.pool(
        org,
        bj,
        4,
        sales_form=SalesForm.MONTHLY,
        unit_price=Decimal("1280.00"),
        starts_on=dt.date(2026, 11, 20),
        ends_on=dt.date(2027, 11, 19),
    )
    hz_node, bj_node = b.node(hz), b.node(bj)
    hz_mcus = b.mcus(org, hz, 8, on=hz_node, reference=hz_pool.allocation_reference)
    bj_mcus = b.mcus(org, bj, 4, on=bj_node, reference=bj_pool.allocation_reference)
    for unit in hz_mcus[6:]:
        unit.status = McuStatus.WARNING
        unit.save()
    bj_mcus[0].status = McuStatus.MIGRATING
    bj_mcus[0].node = None
    bj_mcus[0].save()
    task = b.workload(org, hz, hz_mcus[:3])
    start, _end = month_bounds(2026, 12)
    # December: 2 training hours on one MCU (weighted 1.5 each), one idle hour on another, one
    # half-busy inference hour in Beijing.
    b.usage(hz_mcus[0], start + dt.timedelta(hours=1), kind=WorkloadKind.TRAINING, workload=task)
    b.usage(hz_mcus[0], start + dt.timedelta(hours=2), kind=WorkloadKind.TRAINING, workload=task)
    b.usage(hz_mcus[1], start + dt.timedelta(hours=2), busy=0)
    b.usage(bj_mcus[1], start + dt.timedelta(hours=5), kind=WorkloadKind.INFERENCE, busy=1800)
    # November usage does not count this month.
    b.usage(hz_mcus[0], start - dt.timedelta(hours=3), kind=WorkloadKind.TRAINING)
    # The other tenant.
    other_mcus = b.mcus(other_org, hz, 5, on=hz_node)
    b.workload(other_org, hz, other_mcus)
    b.usage(other_mcus[0], start + dt.timedelta(hours=1), kind=WorkloadKind.TRAINING)
    return {"hz": hz, "bj": bj, "hz_mcus": hz_mcus, "bj_mcus": bj_mcus, "task": task}


def test_dashboard_figures_hand_computed(org, world):
    board = selectors.dashboard(org, today=TODAY)
    assert board.purchased == 12
    assert board.expiring_mcus == 8  # the Hangzhou pool ends 2026-12-31
    assert board.mcu_count == 12
    assert board.health == {McuStatus.NORMAL: 9, McuStatus.WARNING: 2, McuStatus.MIGRATING: 1}
    assert (board.active_mcus, board.idle_mcus, board.running_workloads) == (3, 9, 1)
    # 4 allocated hours this month, busy 1 + 1 + 0 + 0.5 = 2.5 h → 62.5 %
    assert board.month_raw == Decimal("4.00")
    assert board.utilisation == Decimal("62.5")
    assert board.month_weighted == Decimal("3.5")  # 1.5 + 1.5 + 0 + 0.5 × 1.0
    # fee = 8 × 1,080 + 4 × 1,280
    assert board.monthly_fee == Decimal("13760.00")
    hz_row, bj_row = board.regions
    assert (hz_row.region, hz_row.purchased, hz_row.mcus, hz_row.monthly_fee) == (
        world["hz"],
        8,
        8,
        Decimal("8640.00"),
    )
    assert hz_row.health_count(McuStatus.WARNING) == 2
    assert hz_row.utilisation == Decimal("66.7")  # 7,200 busy of 10,800 allocated seconds
    assert (bj_row.purchased, bj_row.monthly_fee, bj_row.utilisation) == (
        4,
        Decimal("5120.00"),
        Decimal("50.0"),
    )
    hz_pool_row, bj_pool_row = board.pools
    assert hz_pool_row.state == PoolState.EXPIRING  # ends 2026-12-31
    assert hz_pool_row.month_capacity == 8 * 31 * 24
    assert hz_pool_row.month_weighted == Decimal("3.0")
    assert hz_pool_row.month_used_percent == Decimal("0.1")  # 3 of 5,952 MCU·h = 0.0504 %
    assert bj_pool_row.month_weighted == Decimal("0.5")


def test_payg_deposit_used_and_remaining(org):
    hz = b.region()
    account = b.pool(
        org,
        hz,
        16,
        sales_form=SalesForm.PAYG,
        unit_price=Decimal("2.20"),
        deposit=Decimal("10000.00"),
        starts_on=dt.date(2026, 11, 1),
    )
    node = b.node(hz)
    units = b.mcus(org, hz, 2, on=node, reference="workload:payg-1")
    task = b.workload(org, hz, units, payg=True)
    nov = start_of_local_day(dt.date(2026, 11, 10))
    dec = start_of_local_day(dt.date(2026, 12, 2))
    for h in range(10):  # 10 training hours in November on one MCU: 15 weighted MCU·h
        b.usage(units[0], nov + dt.timedelta(hours=h), kind=WorkloadKind.TRAINING, workload=task)
    for h in range(3):  # 3 development hours in December on the other: 2.4 weighted MCU·h
        b.usage(units[1], dec + dt.timedelta(hours=h), kind=WorkloadKind.DEVELOPMENT, workload=task)
    board = selectors.dashboard(org, today=TODAY)
    (row,) = board.payg_rows
    assert row.pool == account
    assert row.deposit_used == Decimal("38.28")  # (15 + 2.4) × 2.20
    assert row.deposit_remaining == Decimal("9961.72")
    assert row.month_weighted == Decimal("2.4")
    assert board.payg_month == Decimal("5.28")  # 2.4 × 2.20
    assert board.monthly_fee == Decimal("0")  # no pool: nothing fixed per month
    assert board.regions[0].payg_ceiling == 16


def test_trend_buckets_by_shanghai_day_and_kind(org):
    hz = b.region()
    unit = b.mcus(org, hz, 1, on=b.node(hz))[0]
    # 2026-12-03 16:30 UTC is 2026-12-04 00:30 in Shanghai.
    b.usage(unit, dt.datetime(2026, 12, 3, 16, 0, tzinfo=dt.UTC), kind=WorkloadKind.TRAINING)
    b.usage(unit, dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), kind=WorkloadKind.TRAINING)
    b.usage(unit, dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), kind="", allocated=1800, busy=0)
    b.usage(
        unit, dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC), kind=WorkloadKind.INFERENCE
    )  # 11-27 23:00: too old
    b.usage(
        unit, dt.datetime(2026, 11, 27, 16, 0, tzinfo=dt.UTC), kind=WorkloadKind.INFERENCE
    )  # 11-28 00:00: first day
    trend = selectors.usage_trend(org, today=TODAY)
    assert trend["days"][0] == dt.date(2026, 11, 28) and trend["days"][-1] == TODAY
    assert trend["series"][WorkloadKind.TRAINING] == {
        dt.date(2026, 12, 3): Decimal("1.00"),
        dt.date(2026, 12, 4): Decimal("1.00"),
    }
    assert trend["series"][selectors.IDLE] == {dt.date(2026, 12, 3): Decimal("0.50")}
    assert trend["series"][WorkloadKind.INFERENCE] == {dt.date(2026, 11, 28): Decimal("1.00")}
    figure = selectors.trend_figure(trend)
    assert figure["layout"]["barmode"] == "stack"
    training = next(t for t in figure["data"] if t["marker"]["color"] == "#1d4ed8")
    assert training["y"] == [0, 0, 0, 0, 0, 1.0, 1.0]
    table = selectors.trend_table(trend)
    with translation.override("en"):
        assert [str(label) for label in table["labels"]] == ["Training", "Inference", "Idle (allocated)"]
    with translation.override("zh-hans"):
        assert str(table["labels"][-1]).startswith("空闲")
    assert table["rows"][-1] == (TODAY, [Decimal("1.00"), Decimal("0.00"), Decimal("0.00")])


@pytest.fixture
def metered_unit(org):
    hz = b.region()
    return b.mcus(org, hz, 1, on=b.node(hz))[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=24 * 10 - 1),  # hour offset from 10 days ago
            st.sampled_from(["", *WorkloadKind.values]),
            st.integers(min_value=1, max_value=3600),
        ),
        max_size=25,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_trend_adds_up_to_the_usage_inside_the_window(org, metered_unit, rows):
    """Property: the 7-day trend holds the allocated MCU·h metered since the window's first local day."""
    from scheduler.models import UsageHour

    UsageHour.objects.all().delete()  # the fixture's rows outlive each example: start clean
    cache.clear()
    unit = metered_unit
    today = local_today()
    origin = start_of_local_day(today - dt.timedelta(days=9))
    window_start = start_of_local_day(today - dt.timedelta(days=6))
    expected = Decimal(0)
    for offset, kind, seconds in rows:
        hour = origin + dt.timedelta(hours=offset)
        b.usage(unit, hour, kind=kind, allocated=seconds, busy=0)
        if hour >= window_start:
            expected += Decimal(seconds)
    trend = selectors.usage_trend(org)
    total = sum((v for series in trend["series"].values() for v in series.values()), Decimal(0))
    # Each (day, kind) cell is rounded to 0.01 MCU·h: at most 0.005 off per cell.
    cells = sum(len(s) for s in trend["series"].values())
    assert abs(total - expected / 3600) <= Decimal("0.005") * cells


def test_events_are_worded_for_customers_without_hardware(org, other_org, world):
    unit = world["bj_mcus"][0]
    Transition.objects.create(mcu=unit, from_status="normal", to_status="warning", reason="node-secret-7 ECC")
    Transition.objects.create(
        mcu=unit, from_status="warning", to_status="migrating", reason="node-secret-7 failed"
    )
    Transition.objects.create(
        mcu=unit, from_status="migrating", to_status="normal", reason="placed on node-secret-9"
    )
    other = b.mcus(other_org, world["hz"], 1, on=b.node(world["hz"]))[0]
    Transition.objects.create(mcu=other, from_status="normal", to_status="migrating")
    events = selectors.mcu_events(org)
    assert [e.kind for e in events] == ["normal", "migrating", "warning"]
    assert all(e.mcu == unit.public_id for e in events)
    assert all("secret" not in e.text for e in events)
    assert unit.public_id in events[0].text


def test_matrix_groups_by_region(org, world):
    groups = selectors.matrix_groups(selectors.mcu_cells(org))
    assert [g["region"] for g in groups] == ["华东-杭州", "华北-北京"]
    assert [len(g["cells"]) for g in groups] == [8, 4]
    assert groups[1]["counts"][McuStatus.MIGRATING] == 1
    assert sum(c.busy for c in groups[0]["cells"]) == 3


def _count_queries(org) -> int:
    cache.clear()  # compare cold with cold: a warm cache saves the usage query
    with CaptureQueriesContext(connection) as ctx:
        selectors.dashboard(org, today=TODAY)
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_mcus(org):
    """10 MCUs or 1,024: the same number of queries (DESIGN: dashboards pin their query count)."""
    hz = b.region()
    p = b.pool(org, hz, 1024)
    first = b.node(hz, capacity=16)
    units = b.mcus(org, hz, 10, on=first, reference=p.allocation_reference)
    b.workload(org, hz, units[:4])
    small = _count_queries(org)
    big_node = b.node(hz, kind=DomainKind.TIGHTLY_COUPLED, capacity=1014)
    more = b.mcus(org, hz, 1014, on=big_node, reference=p.allocation_reference)
    b.workload(org, hz, more[:500], status=WorkloadStatus.RECOVERING)
    board = selectors.dashboard(org, today=TODAY)
    assert board.mcu_count == 1024 and board.active_mcus == 504
    assert _count_queries(org) == small <= 9
    with CaptureQueriesContext(connection) as warm:
        selectors.dashboard(org, today=TODAY)
    assert len(warm.captured_queries) == small - 1  # every day of TODAY's month and week is closed


def test_simultaneous_changes_are_one_event(org, world):
    at = dt.datetime(2026, 12, 3, 8, 0, 10, tzinfo=dt.UTC)
    for unit in world["hz_mcus"][:3]:
        Transition.objects.create(mcu=unit, from_status="normal", to_status="migrating", at=at)
    Transition.objects.create(
        mcu=world["hz_mcus"][0], from_status="migrating", to_status="normal", at=at.replace(minute=9)
    )
    with translation.override("en"):
        events = selectors.mcu_events(org)
    assert [(e.kind, e.count) for e in events] == [("normal", 1), ("migrating", 3)]
    first = min(u.public_id for u in world["hz_mcus"][:3])
    assert events[1].text == (
        f"3 MCUs ({first} …) are moving to healthy capacity; their tasks continue automatically."
    )


def test_closed_days_are_cached_today_is_live(org, settings):
    """A closed day is read once and cached for 15 minutes; the open day for one minute."""
    hz = b.region()
    unit = b.mcus(org, hz, 1, on=b.node(hz))[0]
    today = local_today()
    yesterday = start_of_local_day(today - dt.timedelta(days=1))
    b.usage(unit, yesterday + dt.timedelta(hours=3), kind=WorkloadKind.INFERENCE)
    first = selectors.dashboard(org)
    assert first.trend["series"][WorkloadKind.INFERENCE] == {today - dt.timedelta(days=1): Decimal("1.00")}
    b.usage(unit, yesterday + dt.timedelta(hours=4), kind=WorkloadKind.INFERENCE)  # a late write
    b.usage(unit, start_of_local_day(today), kind=WorkloadKind.TRAINING)
    second = selectors.dashboard(org)
    assert WorkloadKind.TRAINING not in second.trend["series"]  # today's sums are a minute old at most
    cache.delete(selectors._usage_key(org, today) + ":live")  # ... as when that minute is over
    third = selectors.dashboard(org)
    if timezone.now() >= start_of_local_day(today) + selectors.LIVE_MARGIN:  # yesterday is closed
        assert third.trend["series"][WorkloadKind.INFERENCE][today - dt.timedelta(days=1)] == Decimal("1.00")
    assert third.trend["series"][WorkloadKind.TRAINING] == {today: Decimal("1.00")}
    settings.ASSETS_USAGE_CACHE_SECONDS = 0
    fourth = selectors.dashboard(org)
    assert fourth.trend["series"][WorkloadKind.INFERENCE][today - dt.timedelta(days=1)] == Decimal("2.00")


def test_purchased_counts_pools_in_service_only(org):
    hz = b.region()
    b.pool(org, hz, 4, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 11, 30))  # expired
    b.pool(org, hz, 8, starts_on=dt.date(2027, 1, 1))  # not started
    b.pool(org, hz, 16, starts_on=dt.date(2026, 6, 1))  # active
    board = selectors.dashboard(org, today=TODAY)
    assert board.purchased == 16 and board.expiring_mcus == 0
    assert [r.state for r in board.pools] == [PoolState.EXPIRED, PoolState.ACTIVE, PoolState.UPCOMING]
    assert board.monthly_fee == Decimal("17280.00")  # 16 × 1,080: expired and future pools cost nothing now
