"""Demo assets (seed_demo, after contracts.demo): a customer since last month, tasks, 30 days of history.

contracts.demo delivers the "demo-training" order today, so its MCUs have no past. For the dashboard to
show a month of history, this step adds one more order, "demo-history", taken through the real order
services (placed → signed → paid → confirmed), whose capacity was allocated 31 days ago
(`mcus_allocate(now=…)` converts the order's holds) with the pool starting that day. Then it submits tasks
through `scheduler.workloads.workload_submit` (some started weeks ago, some finished) and replays the
node pool over the last 30 days with the scheduler's backfill — the same engine that runs live — so
usage, warnings and migrations are real outcomes of the simulation.

Idempotent: the order has an idempotency key; tasks are looked up by name; backfill starts where the
region clocks stand. Fast: hourly backfill steps.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog.choices import SalesForm
from catalog.models import Region
from demo.logins import CUSTOMER_ADMIN, SALES
from mcu_console.exceptions import ServiceError
from mcu_console.timeutil import display_tz
from orders.choices import OrderStatus
from orders.delivery import order_deliver, term_end
from orders.models import BankTransfer, Order, ResourcePool
from orders.payments import payment_confirm, transfer_record
from orders.services import order_place, order_transition
from scheduler.choices import WorkloadKind
from scheduler.models import Workload
from scheduler.services import mcus_allocate
from scheduler.workloads import workload_submit

log = logging.getLogger(__name__)

HISTORY_DAYS = 30
HISTORY_KEY = "demo-history"
HZ, BJ, SZ = "cn-east-hz", "cn-north-bj", "cn-south-sz"
HISTORY_LINES = [
    {"region": SZ, "quantity": 16, "domain_kind": "normal", "sales_form": "annual", "term_months": 12},
    {"region": HZ, "quantity": 8, "domain_kind": "normal", "sales_form": "monthly", "term_months": 6},
]
# name, region, kind, MCUs, tightly coupled, started (days ago), planned hours (None = keeps running)
TASKS = [
    ("chat-inference-prod", SZ, WorkloadKind.INFERENCE, 8, False, 30, None),
    ("embedding-backfill", SZ, WorkloadKind.DATA_PROCESSING, 4, False, 29, 240),
    ("feature-pipeline", SZ, WorkloadKind.DATA_PROCESSING, 4, False, 12, 150),
    ("notebook-dev", HZ, WorkloadKind.DEVELOPMENT, 4, False, 21, None),
    ("eval-harness", HZ, WorkloadKind.INFERENCE, 4, False, 6, 60),
    ("qwen-sft-32", HZ, WorkloadKind.TRAINING, 32, True, 0, None),
    ("rag-retriever", BJ, WorkloadKind.INFERENCE, 12, False, 0, None),
]


def delivered_since(
    customer, since: dt.datetime, *, lines=HISTORY_LINES, key: str = HISTORY_KEY
) -> Order | None:
    """An order placed, signed, paid, confirmed — its capacity in service since `since` (demo, benchmark)."""
    admin = User.objects.filter(email=CUSTOMER_ADMIN).first()
    sales = User.objects.filter(email=SALES).first()
    if admin is None or sales is None:
        return None
    order = order_place(
        organization=customer,
        lines=lines,
        actor=admin,
        idempotency_key=key,
        request_hash=key,
    )
    if order.status == OrderStatus.PENDING_SIGNATURE:
        order = order_transition(
            order=order, to_status=OrderStatus.PENDING_PAYMENT, actor=sales, reason="signed"
        )
    starts_on = timezone.localtime(since, display_tz()).date()
    with transaction.atomic():
        # The capacity went into service a month ago: allocate the held MCUs as of then, pool from that day.
        for line in order.lines.select_related("region"):
            if ResourcePool.objects.filter(order_line=line).exists():
                continue
            allocation = mcus_allocate(
                organization=customer,
                region=line.region,
                domain_kind=line.domain_kind,
                quantity=line.quantity,
                reference=line.hold_reference,
                now=since,
            )
            ResourcePool.objects.create(
                organization=customer,
                order_line=line,
                region=line.region,
                domain_kind=line.domain_kind,
                sales_form=line.sales_form,
                quantity=line.quantity,
                unit_price=line.unit_price,
                starts_on=starts_on,
                ends_on=term_end(starts_on, line.term_months),
                allocation_reference=allocation.reference,
                created_at=since,
            )
    order.refresh_from_db()
    if order.status == OrderStatus.PENDING_PAYMENT:
        reference = f"DEMO-{order.number}"
        if not BankTransfer.objects.filter(bank_reference=reference).exists():
            transfer_record(
                order=order,
                amount=order.total,
                payer_name=customer.legal_name,
                bank_reference=reference,
                received_on=starts_on,
                actor=sales,
            )
        with transaction.atomic():
            payment_confirm(order=order, actor=sales)
    order_deliver(order_id=order.pk)  # finds every line's pool: marks the order delivered
    order.refresh_from_db()
    return order


def _tasks(customer, now: dt.datetime) -> list[Workload]:
    admin = User.objects.filter(email=CUSTOMER_ADMIN).first()
    regions = {r.code: r for r in Region.objects.all()}
    made = []
    for name, code, kind, count, coupled, days_ago, hours in TASKS:
        existing = Workload.objects.filter(organization=customer, name=name).first()
        if existing is not None or code not in regions:
            continue
        try:
            workload = workload_submit(
                organization=customer,
                name=name,
                kind=kind,
                region=regions[code],
                mcu_count=count,
                tightly_coupled=coupled,
                actor=admin,
                duration_hours=hours,
                now=now - dt.timedelta(days=days_ago),
            )
        except ServiceError as exc:  # a demo task that does not fit is skipped, not fatal
            log.warning("demo task %s not submitted: %s", name, exc)
            continue
        made.append(workload)
    return made


def _history(days: int) -> dict:
    try:
        from scheduler.simulation import backfill
    except ImportError:  # the simulation is not installed: no history, the dashboard still works
        return {}
    return backfill(days=days, step_seconds=3600)


def seed(context=None) -> dict | None:
    context = context or {}
    customer = context.get("customer")
    if customer is None:
        return None
    now = timezone.now()
    since = now - dt.timedelta(days=HISTORY_DAYS + 1)
    order = delivered_since(customer, since)
    tasks = _tasks(customer, now)
    totals = _history(HISTORY_DAYS)
    pools = ResourcePool.objects.filter(organization=customer)
    return {
        "asset_pools": pools.count(),
        "asset_mcus_purchased": sum(p.quantity for p in pools if p.sales_form != SalesForm.PAYG),
        "asset_tasks_submitted": len(tasks),
        "history_order": order.number if order else None,
        "backfill": totals,
    }
