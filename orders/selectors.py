"""Reads of ordering, always scoped to one organization (SPEC R-4.5)."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch

from accounts.tenancy import for_org, get_for_org
from catalog.choices import SalesForm
from catalog.spec import promised_tflops
from mcu_console.money import split_vat
from orders.choices import OrderStatus
from orders.models import Order, OrderLine, OrderStatusChange

# The happy path shown as a timeline; an order that ends early shows its end instead.
PATH = [OrderStatus.PENDING_SIGNATURE, OrderStatus.PENDING_PAYMENT, OrderStatus.COMPLETED]


def orders_for_org(org):
    return (
        for_org(Order, org)
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("region")))
        .order_by("-created_at", "-id")
    )


def order_for_org(org, pk) -> Order:
    """The order or Http404 — also for another tenant's order."""
    return get_for_org(
        Order.objects.prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("region")),
            Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("at", "id")),
        ),
        org,
        pk=pk,
    )


def order_timeline(order: Order) -> list[dict]:
    """Steps for the detail page: each done step with its time; the current one; what comes next."""
    reached = {change.to_status: change for change in order.status_changes.all()}
    steps = []
    ended = order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
    for status in PATH:
        change = reached.get(status)
        if change is None and ended:
            continue
        steps.append(
            {
                "status": status,
                "label": OrderStatus(status).label,
                "at": change.at if change else None,
                "reason": change.reason if change else "",
                "state": "current" if status == order.status else ("done" if change else "todo"),
            }
        )
    if ended:
        change = reached.get(order.status)
        steps.append(
            {
                "status": order.status,
                "label": OrderStatus(order.status).label,
                "at": change.at if change else None,
                "reason": change.reason if change else "",
                "state": "current",
            }
        )
    return steps


def order_summary(order: Order) -> dict:
    """Figures the detail page and the API show next to the lines."""
    lines = list(order.lines.all())
    pool = sum(line.quantity for line in lines if line.sales_form != SalesForm.PAYG)
    return {
        "pool_mcus": pool,
        "payg_ceiling": sum(line.quantity for line in lines if line.sales_form == SalesForm.PAYG),
        "promised_tflops": promised_tflops(pool),
        "term_value": sum((line.term_value for line in lines), Decimal("0.00")),
        "vat": split_vat(order.total, settings.VAT_RATE),
    }
