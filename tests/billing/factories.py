"""Rows of other apps' models, created directly with the ORM (billing never writes them itself)."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from catalog.choices import DomainKind, SalesForm
from catalog.models import Region
from mcu_console.timeutil import start_of_local_day
from orders.models import Order, OrderLine, ResourcePool
from scheduler.choices import McuStatus
from scheduler.models import Allocation, Mcu, UsageHour, Workload

_seq = itertools.count(1)

# SPEC, written out by hand for the tests (the scheduler applies them when it meters).
COEFFICIENT = {
    "training": "1.5",
    "inference": "1.0",
    "development": "0.8",
    "data_processing": "0.6",
    "": "1.0",
}


def region(code: str = "cn-east-hz", name: str = "华东-杭州", sort_order: int = 0) -> Region:
    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "sort_order": sort_order})
    return obj


def pool(
    org,
    *,
    region_obj=None,
    sales_form=SalesForm.ANNUAL,
    quantity=4,
    unit_price="1080.00",
    starts_on=dt.date(2026, 1, 1),
    ends_on=None,
    deposit="0",
    amount_due=None,
) -> ResourcePool:
    n = next(_seq)
    region_obj = region_obj or region()
    unit_price = Decimal(unit_price)
    if sales_form == SalesForm.ANNUAL and ends_on is None:
        ends_on = starts_on.replace(year=starts_on.year + 1) - dt.timedelta(days=1)
    if amount_due is None:
        amount_due = {
            SalesForm.ANNUAL: quantity * unit_price * 12,
            SalesForm.MONTHLY: quantity * unit_price,
            SalesForm.PAYG: Decimal(deposit),
        }[sales_form]
    order = Order.objects.create(
        organization=org, number=f"MCU-T-{n:05d}", status="completed", total=amount_due,
        hold_expires_at=timezone.now(),
    )  # fmt: skip
    line = OrderLine.objects.create(
        order=order, region=region_obj, quantity=quantity, domain_kind=DomainKind.NORMAL,
        sales_form=sales_form,
        term_months=12 if sales_form == SalesForm.ANNUAL else None, unit_price=unit_price,
        deposit=Decimal(deposit), amount_due=amount_due,
    )  # fmt: skip
    return ResourcePool.objects.create(
        organization=org, order_line=line, region=region_obj, domain_kind=DomainKind.NORMAL,
        sales_form=sales_form, quantity=quantity, unit_price=unit_price, deposit=Decimal(deposit),
        starts_on=starts_on, ends_on=ends_on,
        allocation_reference="" if sales_form == SalesForm.PAYG else f"order-line:{line.pk}",
    )  # fmt: skip


def allocation(org, *, region_obj=None, reference=None, quantity=1) -> Allocation:
    region_obj = region_obj or region()
    return Allocation.objects.create(
        organization=org, region=region_obj, domain_kind=DomainKind.NORMAL, quantity=quantity,
        reference=reference or f"workload:{next(_seq)}",
    )  # fmt: skip


def mcus(alloc: Allocation, count: int) -> list[Mcu]:
    # Released MCUs need no node: billing only reads their usage rows.
    return [
        Mcu.objects.create(
            organization=alloc.organization,
            allocation=alloc,
            region=alloc.region,
            domain_kind=alloc.domain_kind,
            status=McuStatus.RELEASED,
        )  # fmt: skip
        for _ in range(count)
    ]


def workload(org, *, kind="training", mcu_count=1, payg=False, name=None, region_obj=None) -> Workload:
    return Workload.objects.create(
        organization=org, name=name or f"job-{next(_seq)}", kind=kind, region=region_obj or region(),
        mcu_count=mcu_count, payg=payg, status="completed",
    )  # fmt: skip


def usage(mcu_list, *, day: dt.date, hours=(0,), kind="", wl=None, local_hour_start: int = 10, busy=True):
    """One UsageHour per MCU and hour, weighted by hand with the R-5.2 coefficient."""
    rows = []
    for mcu in mcu_list:
        for h in hours:
            at = start_of_local_day(day) + dt.timedelta(hours=local_hour_start + h)
            rows.append(
                UsageHour(
                    hour=at,
                    mcu=mcu,
                    organization=mcu.organization,
                    allocation=mcu.allocation,
                    region=mcu.region,
                    workload=wl,
                    workload_kind=kind,
                    allocated_seconds=3600,
                    busy_seconds=3600 if busy and kind else 0,
                    weighted_mcu_hours=Decimal(COEFFICIENT[kind]),
                )  # fmt: skip
            )
    UsageHour.objects.bulk_create(rows)
    return rows
