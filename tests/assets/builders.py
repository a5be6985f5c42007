"""Test data for the asset dashboard, built directly with the ORM.

Production code never writes scheduler rows except through its services; tests need exact,
hand-computable worlds (so many MCUs, so many busy seconds), so they lay the rows down themselves.
"""

import datetime as dt
import itertools
from decimal import Decimal

from catalog.choices import DomainKind, SalesForm
from catalog.models import Region
from mcu_console.timeutil import local_today
from orders.choices import OrderStatus
from orders.models import Order, OrderLine, ResourcePool
from scheduler.choices import McuStatus, WorkloadKind, WorkloadStatus
from scheduler.models import Allocation, ComputeDomain, HardwareProfile, Mcu, Node, UsageHour, Workload

_seq = itertools.count(1)
WEIGHT = {
    WorkloadKind.TRAINING: Decimal("1.5"),
    WorkloadKind.INFERENCE: Decimal("1.0"),
    WorkloadKind.DEVELOPMENT: Decimal("0.8"),
    WorkloadKind.DATA_PROCESSING: Decimal("0.6"),
    "": Decimal(0),
}
SECRET_GPU = "HX-9000 SECRETGPU"


def region(code="cn-hangzhou", name="华东-杭州", sort_order=1) -> Region:
    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "sort_order": sort_order})
    return obj


def profile() -> HardwareProfile:
    obj, _ = HardwareProfile.objects.get_or_create(
        name="profile-secret",
        defaults={
            "gpu_model": SECRET_GPU,
            "gpu_tflops_bf16": Decimal("1000"),
            "gpu_memory_gb": 192,
            "gpus_per_node": 8,
            "host_ram_gb": 2048,
            "nvme_gb": 30000,
            "vcpus": 256,
        },
    )
    return obj


def node(reg: Region, kind=DomainKind.NORMAL, capacity=64) -> Node:
    n = next(_seq)
    domain = ComputeDomain.objects.create(region=reg, kind=kind, code=f"{reg.code}-dom-secret-{n}")
    return Node.objects.create(
        domain=domain, profile=profile(), name=f"node-secret-{n}", mcu_capacity=capacity
    )


def pool(
    org,
    reg: Region,
    quantity: int,
    *,
    sales_form=SalesForm.ANNUAL,
    unit_price=Decimal("1080.00"),
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    deposit=Decimal(0),
    domain_kind=DomainKind.NORMAL,
) -> ResourcePool:
    today = local_today()
    starts_on = starts_on or today.replace(day=1)
    if ends_on is None and sales_form != SalesForm.PAYG:
        ends_on = starts_on + dt.timedelta(days=364)
    n = next(_seq)
    order = Order.objects.create(
        organization=org,
        number=f"T{n:06d}",
        status=OrderStatus.COMPLETED,
        total=Decimal(0),
        hold_expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    line = OrderLine.objects.create(
        order=order,
        region=reg,
        quantity=quantity,
        domain_kind=domain_kind,
        sales_form=sales_form,
        term_months=12 if sales_form == SalesForm.ANNUAL else None,
        unit_price=unit_price,
        amount_due=Decimal(0),
        deposit=deposit,
    )
    return ResourcePool.objects.create(
        organization=org,
        order_line=line,
        region=reg,
        domain_kind=domain_kind,
        sales_form=sales_form,
        quantity=quantity,
        unit_price=unit_price,
        deposit=deposit,
        starts_on=starts_on,
        ends_on=ends_on,
        allocation_reference=line.hold_reference,
    )


def mcus(org, reg: Region, count: int, *, on: Node, reference: str | None = None, status=McuStatus.NORMAL):
    """`count` MCUs of `org` on node `on`, in one allocation."""
    reference = reference or f"test-alloc:{next(_seq)}"
    allocation, _ = Allocation.objects.get_or_create(
        reference=reference,
        defaults={
            "organization": org,
            "region": reg,
            "domain_kind": on.domain.kind,
            "quantity": count,
        },
    )
    used = set(Mcu.objects.filter(node=on).values_list("slot", flat=True))
    slots = [s for s in range(on.mcu_capacity) if s not in used][:count]
    assert len(slots) == count, "node too small for the test"
    return Mcu.objects.bulk_create(
        [
            Mcu(
                public_id=f"mcu-t{next(_seq):010d}",
                organization=org,
                allocation=allocation,
                region=reg,
                domain_kind=on.domain.kind,
                domain=on.domain,
                node=on,
                slot=slot,
                status=status,
            )
            for slot in slots
        ]
    )


def workload(
    org, reg: Region, units, *, kind=WorkloadKind.TRAINING, status=WorkloadStatus.RUNNING, payg=False
):
    w = Workload.objects.create(
        organization=org,
        name=f"task {next(_seq)}",
        kind=kind,
        region=reg,
        mcu_count=len(units),
        status=status,
        payg=payg,
    )
    w.mcus.set(units)
    return w


def usage(mcu: Mcu, hour: dt.datetime, *, kind="", busy=3600, allocated=3600, workload=None):
    """One metered hour: weighted = busy hours × the kind's coefficient (R-5.2)."""
    weighted = (Decimal(busy) / 3600 * WEIGHT[kind]).quantize(Decimal("0.0001"))
    return UsageHour.objects.create(
        hour=hour,
        mcu=mcu,
        organization=mcu.organization,
        allocation=mcu.allocation,
        region=mcu.region,
        workload=workload,
        workload_kind=kind,
        allocated_seconds=allocated,
        busy_seconds=busy,
        weighted_mcu_hours=weighted,
    )
