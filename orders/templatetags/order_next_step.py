"""`{% order_next_step order as step %}`: what the customer does next, at every state (R-3.4)."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from orders.choices import DeliveryStatus, OrderStatus
from orders.payments import amount_outstanding, amount_received

register = template.Library()


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag
def order_next_step(order) -> dict:
    if order.status == OrderStatus.PENDING_SIGNATURE:
        state = "sign"
    elif order.status == OrderStatus.PENDING_PAYMENT:
        state = "pay"
    elif order.status == OrderStatus.COMPLETED:
        state = "done" if order.delivery_status == DeliveryStatus.DELIVERED else "delivering"
    else:
        state = "closed"
    return {
        "state": state,
        "contract_url": _url("contracts:download", order.pk),
        "refresh_url": _url("contracts:next_step", order.pk),
        "assets_url": _url("assets:dashboard"),
        "notifications_url": _url("contracts:notifications"),
        "received": amount_received(order),
        "outstanding": amount_outstanding(order),
        "payee": settings.PROVIDER_LEGAL_NAME,
        "bank_name": settings.PROVIDER_BANK_NAME,
        "bank_account": settings.PROVIDER_BANK_ACCOUNT,
        "waiting_for_capacity": bool(order.delivery_error),
    }
