"""Celery tasks of the orders app: thin wrappers over services, queued on commit (STYLE.md)."""

import random

from celery import shared_task

from orders.choices import DeliveryStatus
from orders.delivery import DeliveryIncomplete, order_deliver, orders_awaiting_delivery

RETRY_BASE_SECONDS = 10
RETRY_MAX_SECONDS = 600


def retry_delay(retries: int) -> int:
    """Exponential backoff with jitter: 10 s, 20 s, 40 s … capped at 10 minutes."""
    delay = min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries)
    return random.randint(delay // 2, delay)  # noqa: S311 (jitter, not security)


@shared_task(bind=True, name="orders.deliver_order", max_retries=None)
def deliver_order(self, order_id: int) -> str:
    """Deliver a paid order (idempotent). While capacity is missing it keeps retrying with backoff —
    never silently dropped — and ops have an alert (orders.delivery)."""
    try:
        return order_deliver(order_id=order_id).delivery_status
    except DeliveryIncomplete as exc:
        if self.request.is_eager:  # inline run (tests, debugging): the sweeper below retries later
            return DeliveryStatus.DELIVERING
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc


@shared_task(name="orders.deliver_pending")
def deliver_pending() -> int:
    """Re-queue paid orders still waiting for delivery (a lost message, a worker restart)."""
    ids = list(orders_awaiting_delivery().values_list("pk", flat=True))
    for order_id in ids:
        deliver_order.delay(order_id)
    return len(ids)
