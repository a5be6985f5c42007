"""The bill run for 10,000 organizations against one SQL aggregation of the same usage rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mcu_bench .venv/bin/python benchmarks/run.py billing

Builds a throw-away test database (Django's test-database machinery, `test_<name>`), fills it in bulk, times
`billing.services.bill_month` (rollup + every bill and line, written) cold and again (the idempotent re-run),
and, as the baseline, one `SELECT organization_id, SUM(weighted_mcu_hours) … GROUP BY organization_id` over
the same month of `UsageHour` rows. No timing is asserted anywhere; the figures go to
docs/benchmarks/billing.md.
"""

import datetime as dt
import os
import time
from decimal import Decimal

ORGS = int(os.environ.get("BENCH_BILLING_ORGS", "10000"))
MCUS_PER_ORG = 4
HOURS = 6  # metered hours per MCU in the month
PAYG_EVERY = 10  # every 10th organization also has a pay-as-you-go account: 10 MCU × 3 h of training


def _fill():
    from django.utils import timezone

    from accounts.models import Organization
    from catalog.models import Region
    from mcu_console.timeutil import start_of_local_day
    from orders.models import Order, OrderLine, ResourcePool
    from scheduler.models import Allocation, Mcu, UsageHour

    region, _ = Region.objects.get_or_create(code="bench-hz", defaults={"name": "华东-杭州"})
    now = timezone.now()
    orgs = Organization.objects.bulk_create(
        [
            Organization(legal_name=f"基准测试公司{i:05d}", credit_code=f"91330106BENCH{i:05d}")
            for i in range(ORGS)
        ],
        batch_size=2000,
    )
    payg_orgs = orgs[::PAYG_EVERY]
    orders = Order.objects.bulk_create(
        [
            Order(organization=o, number=f"B{i:06d}", status="completed", total=0, hold_expires_at=now)
            for i, o in enumerate(orgs + payg_orgs)
        ],
        batch_size=2000,
    )
    lines = []
    for i, order in enumerate(orders):
        payg = i >= len(orgs)
        lines.append(
            OrderLine(
                order=order,
                region=region,
                quantity=16 if payg else MCUS_PER_ORG,
                domain_kind="normal",
                sales_form="payg" if payg else "annual",
                unit_price=Decimal("2.20" if payg else "1080"),
                deposit=Decimal("5000" if payg else "0"),
                amount_due=Decimal("5000" if payg else "51840"),
            )
        )
    lines = OrderLine.objects.bulk_create(lines, batch_size=2000)
    start = dt.date(2026, 1, 1)
    pools = ResourcePool.objects.bulk_create(
        [
            ResourcePool(
                organization_id=line.order.organization_id,
                order_line=line,
                region=region,
                domain_kind="normal",
                sales_form=line.sales_form,
                quantity=line.quantity,
                unit_price=line.unit_price,
                deposit=line.deposit,
                starts_on=start,
                ends_on=None if line.sales_form == "payg" else dt.date(2026, 12, 31),
                allocation_reference="" if line.sales_form == "payg" else f"order-line:{line.pk}",
            )
            for line in lines
        ],
        batch_size=2000,
    )
    allocs = Allocation.objects.bulk_create(
        [
            Allocation(
                organization_id=p.organization_id,
                region=region,
                domain_kind="normal",
                quantity=MCUS_PER_ORG if p.sales_form == "annual" else 10,
                reference=p.allocation_reference or f"workload:{p.pk}",
            )
            for p in pools
        ],
        batch_size=2000,
    )
    mcus = Mcu.objects.bulk_create(
        [
            Mcu(
                public_id=f"mcu-b{a.pk:06d}{n:02d}",
                organization_id=a.organization_id,
                allocation=a,
                region=region,
                domain_kind="normal",
                status="released",
            )
            for a in allocs
            for n in range(a.quantity)
        ],
        batch_size=5000,
    )
    day0 = start_of_local_day(dt.date(2026, 11, 3))
    rows = []
    coefficient = {"inference": Decimal("1.0"), "training": Decimal("1.5")}
    for mcu in mcus:
        payg = mcu.allocation.reference.startswith("workload:")
        kind = "training" if payg else "inference"
        for h in range(3 if payg else HOURS):
            rows.append(
                UsageHour(
                    hour=day0 + dt.timedelta(hours=h),
                    mcu=mcu,
                    organization_id=mcu.organization_id,
                    allocation=mcu.allocation,
                    region=region,
                    workload_kind=kind,
                    allocated_seconds=3600,
                    busy_seconds=3600,
                    weighted_mcu_hours=coefficient[kind],
                )
            )
        if len(rows) >= 20000:
            UsageHour.objects.bulk_create(rows)
            rows = []
    UsageHour.objects.bulk_create(rows)
    return UsageHour.objects.count(), len(payg_orgs)


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _baseline():
    from django.db import connection

    from mcu_console.timeutil import month_bounds
    from scheduler.models import UsageHour

    lo, hi = month_bounds(2026, 11)
    table = UsageHour._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organization_id, SUM(weighted_mcu_hours) FROM {table} "  # noqa: S608 (our own table name)
            "WHERE hour >= %s AND hour < %s GROUP BY organization_id",
            [lo, hi],
        )
        return cursor.fetchall()


def main() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcu_console.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import setup_databases, teardown_databases

    settings.DEBUG = False
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        fill_s, (usage_rows, payg_orgs) = _timed(_fill)
        from billing import services
        from billing.models import Bill, BillLine

        run_s, counts = _timed(lambda: services.bill_month(year=2026, month=11))
        rerun_s, recounts = _timed(lambda: services.bill_month(year=2026, month=11))
        base = [_timed(_baseline) for _ in range(3)]
        base_s = min(t for t, _ in base)
        groups = len(base[0][1])
        bills = Bill.objects.filter(period=dt.date(2026, 11, 1))
        total = bills.aggregate(t=Sum("total"))["t"]
        expected = ORGS * MCUS_PER_ORG * Decimal("1080") + payg_orgs * Decimal("99.00")
        assert bills.count() == ORGS and total == expected, (bills.count(), total, expected)
        assert recounts["unchanged"] == ORGS
        lines = BillLine.objects.filter(bill__period=dt.date(2026, 11, 1)).count()
        vendor = connection.vendor
    finally:
        teardown_databases(old, verbosity=0)
    first, again = run_s / base_s, rerun_s / base_s
    per_org = f"{run_s / ORGS * 1000:.2f} ms for the first run, {rerun_s / ORGS * 1000:.2f} ms for the re-run"
    return f"""## Billing: the monthly bill run

Method: `benchmarks/bench_billing.py` on a fresh {vendor} test database. {ORGS:,} organizations,
each with a 4-MCU annual pool metered {HOURS} h (inference); every {PAYG_EVERY}th also has a pay-as-you-go
account with 10 MCU × 3 h of training at ¥2.20 — {usage_rows:,} `UsageHour` rows in the month
(filled in {fill_s:.1f} s). The bill run is `billing.services.bill_month(2026, 11)`: daily rollup
(delete + recompute), every bill and line computed, split into net + VAT and written
({ORGS:,} bills, {lines:,} lines). The baseline is one SQL aggregation of the same rows
(`SUM(weighted_mcu_hours) GROUP BY organization_id`, {groups:,} groups; best of 3).
Checked: {ORGS:,} bills, Σ totals = ¥{total:,.2f} as computed by hand.

| step | seconds | ratio to one SQL aggregation |
|---|---:|---:|
| one SQL aggregation (baseline) | {base_s:.3f} | 1.0 |
| bill run, first time (creates everything) | {run_s:.2f} | {first:.1f}× |
| bill run again (idempotent: {recounts["unchanged"]:,} unchanged) | {rerun_s:.2f} | {again:.1f}× |

Per organization: {per_org}. The run reads pools, usage, earlier prepaid amounts and existing
bills in one query each for all organizations and bulk-inserts new bills and lines; the cost over the
aggregation is the rollup table, the Decimal arithmetic per line and writing {ORGS + lines:,} rows.
"""
