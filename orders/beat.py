"""The hold-expiry beat task (SPEC R-3.3). Thin: the work is `orders.services.orders_expire_overdue`.

Lives here rather than in orders/tasks.py (the contract-to-cash work owns that module); orders.apps
imports it so the worker registers it. The schedule is a django-celery-beat row (migration 0002).
"""

from celery import shared_task

from orders.services import orders_expire_overdue

TASK_NAME = "orders.expire_overdue_holds"


@shared_task(name=TASK_NAME)
def expire_overdue_holds() -> int:
    return orders_expire_overdue()
