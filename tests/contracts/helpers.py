"""Orders built directly with the ORM, priced by hand (SPEC R-5.4), for contract-to-cash tests."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from catalog.choices import DomainKind, SalesForm
from catalog.models import Region
from orders.choices import OrderStatus
from orders.models import Order, OrderLine

_seq = itertools.count(1)

ANNUAL_PRICE = Decimal("1080.00")
MONTHLY_PRICE = Decimal("1280.00")
PAYG_PRICE = Decimal("2.20")


def region(code="cn-hangzhou", name="华东（杭州）"):
    obj, _ = Region.objects.get_or_create(code=code, defaults={"name": name, "name_en": code})
    return obj


def make_line(
    order,
    *,
    region_obj,
    quantity,
    sales_form=SalesForm.ANNUAL,
    domain_kind=DomainKind.NORMAL,
    deposit=Decimal("0"),
):
    if sales_form == SalesForm.ANNUAL:
        unit, term = ANNUAL_PRICE, 12
        monthly = unit * quantity
        term_value, due = monthly * 12, monthly * 12
    elif sales_form == SalesForm.MONTHLY:
        unit, term = MONTHLY_PRICE, 1
        monthly = unit * quantity
        term_value, due = monthly, monthly
    else:
        unit, term, monthly, term_value, due = PAYG_PRICE, None, Decimal(0), Decimal(0), deposit
    return OrderLine.objects.create(
        order=order,
        region=region_obj,
        quantity=quantity,
        domain_kind=domain_kind,
        sales_form=sales_form,
        term_months=term,
        unit_price=unit,
        monthly_fee=monthly,
        term_value=term_value,
        deposit=deposit,
        amount_due=due,
    )


def make_order(org, *, lines=((8, SalesForm.ANNUAL),), status=OrderStatus.PENDING_SIGNATURE, user=None):
    """An order with `lines` of (quantity, sales_form[, region_code[, deposit]]); total = Σ due (I-4)."""
    n = next(_seq)
    order = Order.objects.create(
        organization=org,
        number=f"MC2026120400{n:02d}",
        status=status,
        total=0,
        hold_expires_at=timezone.now() + dt.timedelta(days=7),
        created_by=user,
    )
    for spec in lines:
        quantity, form, *rest = spec
        code = rest[0] if rest else "cn-hangzhou"
        deposit = rest[1] if len(rest) > 1 else Decimal("0")
        make_line(
            order,
            region_obj=region(
                code, name={"cn-hangzhou": "华东（杭州）", "cn-beijing": "华北（北京）"}.get(code, code)
            ),
            quantity=quantity,
            sales_form=form,
            deposit=deposit,
        )
    order.total = sum(line.amount_due for line in order.lines.all())
    order.monthly_fee = sum(line.monthly_fee for line in order.lines.all())
    order.save()
    return order


def make_pool(region_obj, *, kind=DomainKind.NORMAL, nodes=2, slots=8, code=None):
    """A compute domain with `nodes` healthy nodes of `slots` MCU each (staff-only hardware, test data)."""
    from scheduler.models import ComputeDomain, HardwareProfile, Node

    profile, _ = HardwareProfile.objects.get_or_create(
        name="test-profile",
        defaults=dict(
            gpu_model="X",
            gpu_tflops_bf16=1000,
            gpu_memory_gb=96,
            gpus_per_node=8,
            host_ram_gb=2048,
            nvme_gb=30000,
            vcpus=192,
        ),
    )
    n = next(_seq)
    domain = ComputeDomain.objects.create(
        region=region_obj, kind=kind, code=code or f"{region_obj.code}-{kind}-{n}"
    )
    for i in range(nodes):
        Node.objects.create(
            domain=domain,
            profile=profile,
            name=f"{domain.code}-n{i}",
            mcu_capacity=slots,
            last_heartbeat=timezone.now(),
        )
    return domain


def hold_lines(order):
    """Hold each line's capacity the way placing an order does (R-3.3)."""
    from scheduler.services import holds_place

    for line in order.lines.all():
        if line.sales_form != SalesForm.PAYG:
            holds_place(
                organization=order.organization,
                region=line.region,
                domain_kind=line.domain_kind,
                quantity=line.quantity,
                reference=line.hold_reference,
                expires_at=order.hold_expires_at,
            )
    return order
