"""Delivery: a paid order's holds become the customer's MCUs and resource pools (R-3.4 step 4, I-7).

`order_deliver` is idempotent: the order row is locked, each line is delivered at most once (its
`ResourcePool` is the proof, and `mcus_allocate` is idempotent per reference), and a delivered order is
left alone. A double click, a retried task or two workers deliver once. If capacity was lost meanwhile
(failures), the lines that could be delivered are, the order stays *delivering* with the reason in
`delivery_error`, ops get an alert, and the task retries with backoff — the order is never dropped.
"""

import calendar
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit
from catalog.choices import SalesForm
from mcu_console.exceptions import Conflict, ServiceError
from mcu_console.timeutil import local_today
from orders import notifications
from orders.choices import DeliveryStatus, OrderStatus
from orders.models import Order, OrderLine, ResourcePool
from scheduler.choices import AlertSeverity
from scheduler.services import alert_raise, alert_resolve, holds_release, mcus_allocate


class DeliveryIncomplete(Exception):
    """Some lines could not be delivered yet; the task retries."""


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(starts_on: dt.date, term_months: int | None) -> dt.date | None:
    """Last day of service: start + term − 1 day (12 months from 5 Dec 2026 → 4 Dec 2027)."""
    if not term_months:
        return None
    return add_months(starts_on, term_months) - dt.timedelta(days=1)


def _alert_key(order: Order) -> str:
    return f"order-delivery:{order.pk}"


def _deliver_line(line: OrderLine, *, starts_on: dt.date, now) -> ResourcePool:
    org = line.order.organization
    if line.sales_form == SalesForm.PAYG:
        # Pay-as-you-go: MCUs are allocated when tasks run; the account opens with the deposit.
        holds_release(reference=line.hold_reference, now=now)
        reference = ""
    else:
        allocation = mcus_allocate(
            organization=org,
            region=line.region,
            domain_kind=line.domain_kind,
            quantity=line.quantity,
            reference=line.hold_reference,
            now=now,
        )
        reference = allocation.reference
    return ResourcePool.objects.create(
        organization=org,
        order_line=line,
        region=line.region,
        domain_kind=line.domain_kind,
        sales_form=line.sales_form,
        quantity=line.quantity,
        unit_price=line.unit_price,
        deposit=line.deposit if line.sales_form == SalesForm.PAYG else 0,
        starts_on=starts_on,
        ends_on=None if line.sales_form == SalesForm.PAYG else term_end(starts_on, line.term_months),
        allocation_reference=reference,
        created_at=now,
    )


def order_deliver(*, order_id: int, now=None) -> Order:
    """Deliver a completed order's lines. Raises DeliveryIncomplete when a line must wait for capacity."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("organization").get(pk=order_id)
        if order.delivery_status == DeliveryStatus.DELIVERED:
            return order
        if order.status != OrderStatus.COMPLETED:
            raise Conflict(
                _("Order %(number)s is not paid: nothing to deliver.") % {"number": order.number},
                code="wrong_state",
            )
        starts_on = local_today()
        delivered, failures = [], []
        for line in order.lines.select_related("region", "order__organization").order_by("id"):
            if ResourcePool.objects.filter(order_line=line).exists():
                continue
            try:
                with transaction.atomic():  # a line is delivered whole or not at all
                    delivered.append(_deliver_line(line, starts_on=starts_on, now=now))
            except ServiceError as exc:
                failures.append(f"{line.region.name} {line.quantity} MCU: {exc.message}")
        if failures:
            order.delivery_status = DeliveryStatus.DELIVERING
            order.delivery_error = "; ".join(failures)[:300]
            order.save(update_fields=["delivery_status", "delivery_error"])
            alert_raise(
                kind="order_delivery",
                key=_alert_key(order),
                message=_("Order %(number)s cannot be delivered: %(error)s")
                % {"number": order.number, "error": order.delivery_error},
                severity=AlertSeverity.CRITICAL,
                now=now,
            )
            audit(
                verb="order.delivery_waiting",
                organization=order.organization,
                obj=order,
                data={
                    "order": order.number,
                    "error": order.delivery_error,
                    "lines_delivered": len(delivered),
                },
            )
        else:
            order.delivery_status = DeliveryStatus.DELIVERED
            order.delivery_error = ""
            order.delivered_at = now
            order.save(update_fields=["delivery_status", "delivery_error", "delivered_at"])
            alert_resolve(key=_alert_key(order), now=now)
            pools = list(ResourcePool.objects.filter(order_line__order=order))
            audit(
                verb="order.delivered",
                organization=order.organization,
                obj=order,
                data={"order": order.number, "pools": [p.pk for p in pools]},
            )
            payg = [p for p in pools if p.sales_form == SalesForm.PAYG]
            notifications.mcus_delivered(
                order,
                mcus=sum(p.quantity for p in pools if p.sales_form != SalesForm.PAYG),
                payg_ceiling=sum(p.quantity for p in payg),
                payg_deposit=sum(p.deposit for p in payg),
            )
    if failures:
        raise DeliveryIncomplete(order.delivery_error)
    return order


def orders_awaiting_delivery():
    """Paid orders not yet delivered (the sweeper re-queues them in case a task was lost)."""
    return Order.objects.filter(status=OrderStatus.COMPLETED).exclude(
        delivery_status=DeliveryStatus.DELIVERED
    )
